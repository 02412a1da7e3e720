"""Benchmarks of the Kampala scorecard (issues 3 and 15).

1. Scoring 1,000,000 synthetic partnerships from columnar input with KPS-1:
   the five scorers plus the composite engine, next to a plain numpy
   computation of the same arithmetic (29 criteria with missing values,
   nan-aware weighted means per principle and overall with the coverage
   rule, ranks) timed in the same run. Goals: within 2x of numpy, peak
   memory 2 GB or less, `Portfolio.from_columns` with full validation
   1.5 s or less (timed on the first call in a fresh process, with and
   without copying the caller's arrays, and on a second call).
2. Loading 1,000,000 records from CSV (see also ``bench_io.py``).

Run with ``python benchmarks/bench_scorecard.py [--n N] [--from-columns-only]``.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

import kampala as kp
from kampala.portfolio import ACTOR_SCHEMA, SCHEMA
from kampala.records import ActorKind, Role


def synthetic_columns(
    n: int, rng: np.random.Generator
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Columns of n partnerships with every evidence field, ~15 % missing."""
    cols: dict[str, Any] = {
        "id": np.array([f"PE-{i:07d}" for i in range(n)], dtype=object),
        "title": np.array([f"Partnership {i}" for i in range(n)], dtype=object),
    }
    for spec in SCHEMA:
        if spec.path in cols or spec.group is None:
            continue
        missing = rng.random(n) < 0.15
        if spec.kind == "ordinal":
            assert spec.enum is not None
            v = rng.integers(0, len(spec.enum), n).astype(np.float64)
        elif spec.kind in ("share",):
            v = rng.random(n)
        elif spec.kind == "bool":
            v = (rng.random(n) < 0.5).astype(np.float64)
        elif spec.kind == "count":
            v = rng.integers(0, 10, n).astype(np.float64)
        elif spec.kind == "enumset":
            assert spec.enum is not None
            v = (rng.random((n, len(spec.enum))) < 0.3).astype(np.float64)
            v[missing] = np.nan
            cols[spec.path] = v
            continue
        else:  # strlist (SDG targets and goals)
            options: list[tuple[str, ...] | None] = (
                [("5.5",), ("2.3", "8.3"), ()]
                if spec.name == "sdg_targets"
                else [("5",), ("2", "8"), ()]
            )
            picks = rng.integers(0, len(options), n)
            v_obj = np.empty(n, dtype=object)
            v_obj[:] = [options[k] for k in picks]
            v_obj[missing] = None
            cols[spec.path] = v_obj
            continue
        v[missing] = np.nan
        cols[spec.path] = v
    total = cols["results.indicators_total"]
    for part in (
        "results.indicators_with_baseline_and_target",
        "results.indicators_from_country_frameworks",
    ):
        cols[part] = np.where(np.isnan(total), np.nan, np.minimum(cols[part], total))
    per = 4
    m = n * per
    actors: dict[str, Any] = {
        "partnership": np.repeat(np.arange(n), per),
        "name": np.full(m, "Actor", dtype=object),
        "kind": rng.integers(0, len(ActorKind), m).astype(np.int16),
        "roles": (rng.random((m, len(Role))) < 0.3).astype(np.float64),
        "domestic": np.where(rng.random(m) < 0.1, np.nan, rng.random(m) < 0.6).astype(
            np.float64
        ),
        "financial_contribution": np.where(
            rng.random(m) < 0.3, np.nan, rng.random(m) * 1e5
        ),
        "in_kind_contribution": np.where(
            rng.random(m) < 0.3, np.nan, rng.random(m) * 1e4
        ),
        "currency": np.full(m, "USD", dtype=object),
    }
    assert set(actors) == {"partnership", *(s.path for s in ACTOR_SCHEMA)}
    return cols, actors


def numpy_reference(
    x: np.ndarray, weights: np.ndarray, groups: np.ndarray, min_coverage: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain numpy: principle and overall scores and ranks from the criteria.

    ``x`` is (n, criteria) with NaN for missing, ``groups`` the principle of
    each criterion. Weighted means over the criteria present, missing when
    their weight share is below ``min_coverage``; the overall score is the
    equal-weight mean of the principle scores present, with the same rule.
    """
    import scipy.stats

    w = np.zeros((x.shape[1], groups.max() + 1))
    w[np.arange(x.shape[1]), groups] = weights
    present = ~np.isnan(x)
    den = present @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        principle = (np.where(present, x, 0.0) @ w) / den
        principle[den / w.sum(axis=0) < min_coverage] = np.nan
        have = ~np.isnan(principle)
        overall = np.where(have, principle, 0.0).sum(axis=1) / have.sum(axis=1)
    overall[have.mean(axis=1) < min_coverage] = np.nan
    ranks = scipy.stats.rankdata(-overall, method="min", nan_policy="omit")
    return principle, overall, ranks


def from_columns_once(n: int, copy: bool) -> tuple[float, float, int]:
    """Time one `Portfolio.from_columns` call: wall, CPU, minor page faults."""
    cols, actors = synthetic_columns(n, np.random.default_rng(12345))
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0, c0 = time.perf_counter(), time.process_time()
    kp.Portfolio.from_columns(cols, actors, name="synthetic", copy=copy)
    t, c = time.perf_counter() - t0, time.process_time() - c0
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0.ru_minflt
    return t, c, faults


def plain_copy_once(n: int, copy: bool) -> tuple[float, float, int]:
    """Time a plain numpy copy of the same arrays: the floor of any copying build."""
    cols, actors = synthetic_columns(n, np.random.default_rng(12345))
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0, c0 = time.perf_counter(), time.process_time()
    {k: v.copy() for k, v in cols.items()}
    {k: v.copy() for k, v in actors.items()}
    t, c = time.perf_counter() - t0, time.process_time() - c0
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - r0.ru_minflt
    return t, c, faults


def first_call_in_fresh_process(
    n: int, copy: bool, what: str = "from_columns_once"
) -> tuple[float, float, int]:
    """``what`` (`from_columns_once`) in a new Python process (nothing warm)."""
    code = (
        "import sys, json; sys.path.insert(0, sys.argv[1]); "
        f"from bench_scorecard import {what}; "
        f"print(json.dumps({what}(int(sys.argv[2]), sys.argv[3] == '1')))"
    )
    here = str(Path(__file__).resolve().parent)
    out = subprocess.run(
        [sys.executable, "-c", code, here, str(n), "1" if copy else "0"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    t, c, faults = json.loads(out.strip().splitlines()[-1])
    return float(t), float(c), int(faults)


def bench_from_columns(n: int) -> None:
    """From columns with full validation: first call in a fresh process, warm."""
    first = first_call_in_fresh_process(n, copy=True)
    first_take = first_call_in_fresh_process(n, copy=False)
    floor = first_call_in_fresh_process(n, copy=True, what="plain_copy_once")
    cols, actors = synthetic_columns(n, np.random.default_rng(12345))
    kp.Portfolio.from_columns(cols, actors, name="synthetic")
    t0, c0 = time.perf_counter(), time.process_time()
    kp.Portfolio.from_columns(cols, actors, name="synthetic")
    t_warm, c_warm = time.perf_counter() - t0, time.process_time() - c0
    fresh = (
        {k: v.copy() for k, v in cols.items()},
        {k: v.copy() for k, v in actors.items()},
    )
    t0, c0 = time.perf_counter(), time.process_time()
    kp.Portfolio.from_columns(*fresh, name="synthetic", copy=False)
    t_take, c_take = time.perf_counter() - t0, time.process_time() - c0

    def verdict(t: float) -> str:
        return "PASS" if t <= 1.5 else "MISS"

    print(
        f"building the Portfolio from {n:,} partnerships' columns, with full "
        f"validation [goal 1.5 s] (load {os.getloadavg()[0]:.2f}):"
    )
    print(
        f"  first call in a fresh process: {first[0]:.2f} s (CPU {first[1]:.2f} s, "
        f"{first[2]:,} page faults) [{verdict(first[0])}]; without copying "
        f"(copy=False): {first_take[0]:.2f} s (CPU {first_take[1]:.2f} s, "
        f"{first_take[2]:,} page faults) [{verdict(first_take[0])}]"
    )
    print(
        f"  a plain numpy copy of the same arrays, first in a fresh process: "
        f"{floor[0]:.2f} s (CPU {floor[1]:.2f} s): the floor of a copying build; "
        f"from_columns is {first[0] / floor[0]:.2f}x that"
    )
    print(
        f"  warm (a second call): {t_warm:.2f} s (CPU {c_warm:.2f} s) "
        f"[{verdict(t_warm)}]; copy=False: {t_take:.2f} s (CPU {c_take:.2f} s) "
        f"[{verdict(t_take)}]"
    )


def bench_score(n: int) -> None:
    rng = np.random.default_rng(12345)
    cols, actors = synthetic_columns(n, rng)
    portfolio = kp.Portfolio.from_columns(cols, actors, name="synthetic")
    methodology = kp.Methodology.default()
    methodology.run(
        kp.Portfolio.from_columns(
            {k: v[:100] for k, v in cols.items()},
            {k: v[: 100 * 4] for k, v in actors.items()},
        )
    )  # warm-up
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    t0 = time.perf_counter()
    card = methodology.run(portfolio)
    card.ranks()
    t_score = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # the same arithmetic in plain numpy, on the criteria matrix of this run
    x = np.ascontiguousarray(card.result.datasets["Raw"].values)
    fw = card.result.framework
    codes = fw.indicator_codes
    weights = np.array([fw.node(c).weight for c in codes])
    principles = sorted({fw.node(c).parent for c in codes})
    groups = np.array([principles.index(fw.node(c).parent) for c in codes])
    min_cov = card.min_coverage
    ref_times, score_times, ref_cpu, score_cpu = [], [], [], []
    for _ in range(3):  # alternate, so that both see the same machine load
        t0, c0 = time.perf_counter(), time.process_time()
        _, overall, ranks = numpy_reference(x, weights, groups, min_cov)
        ref_times.append(time.perf_counter() - t0)
        ref_cpu.append(time.process_time() - c0)
        t0, c0 = time.perf_counter(), time.process_time()
        again = methodology.run(portfolio)
        again.ranks()
        score_times.append(time.perf_counter() - t0)
        score_cpu.append(time.process_time() - c0)
    same = np.allclose(overall, card.score(), equal_nan=True, rtol=1e-12)
    # ranks may differ where two scores differ in their last bits only
    agree = float(np.mean((ranks == card.ranks()) | np.isnan(ranks)))
    t_ref, t_kp = float(np.median(ref_times)), float(np.median(score_times))
    ratio = t_kp / t_ref
    cpu_ratio = float(np.median(score_cpu) / np.median(ref_cpu))
    scored = int(np.isfinite(card.score()).sum())
    print(
        f"score {n:,} partnerships (columnar, KPS-1): {t_kp:.2f} s (median of 3; "
        f"first run {t_score:.2f} s); plain numpy {t_ref:.2f} s; ratio "
        f"{ratio:.2f} [goal 2: {'PASS' if ratio <= 2 else 'MISS'}], CPU-time ratio "
        f"{cpu_ratio:.2f} "
        f"(same scores: {same}; same ranks: {agree:.2%})"
    )
    print(
        f"  peak traced {peak / 2**20:.0f} MiB [goal 2048 MiB: "
        f"{'PASS' if peak <= 2 * 2**30 else 'MISS'}]; max RSS {rss1 / 1024:.0f} MiB "
        f"(before {rss0 / 1024:.0f} MiB); {scored:,} with an overall score"
    )


def bench_csv(n: int) -> None:
    from kampala.io.portfolio_io import read_portfolio, write_portfolio

    rng = np.random.default_rng(7)
    cols, actors = synthetic_columns(n, rng)
    portfolio = kp.Portfolio.from_columns(cols, actors, name="synthetic")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "portfolio.csv"
        t0 = time.perf_counter()
        write_portfolio(portfolio, path)
        t_write = time.perf_counter() - t0
        size = path.stat().st_size
        t0 = time.perf_counter()
        back = read_portfolio(path, max_bytes=None)  # a trusted, large file
        t_read = time.perf_counter() - t0
    print(
        f"load {n:,} records from CSV ({size / 2**20:.0f} MiB): {t_read:.2f} s "
        f"[goal 10 s: {'PASS' if t_read <= 10 else 'MISS'}] "
        f"(writing took {t_write:.2f} s; {len(back):,} read back)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--from-columns-only", action="store_true")
    args = parser.parse_args()
    bench_from_columns(args.n)
    if args.from_columns_only:
        return
    bench_score(args.n)
    if not args.skip_csv:
        bench_csv(args.n)


if __name__ == "__main__":
    main()
