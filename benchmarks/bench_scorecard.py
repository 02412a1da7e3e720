"""Benchmarks of the Kampala scorecard (issue 3).

1. Scoring 1,000,000 synthetic partnerships from columnar input with KPS-1:
   the five scorers plus the composite engine. Goal: 1 s or less, peak
   memory 2 GB or less.
2. Loading 1,000,000 records from CSV. Goal: 10 s or less.

Run with ``python benchmarks/bench_scorecard.py [--n N]``. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
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


def bench_score(n: int) -> None:
    rng = np.random.default_rng(12345)
    cols, actors = synthetic_columns(n, rng)
    t0 = time.perf_counter()
    portfolio = kp.Portfolio.from_columns(cols, actors, name="synthetic")
    t_build = time.perf_counter() - t0
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
    t_score = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scored = int(np.isfinite(card.score()).sum())
    print(
        f"score {n:,} partnerships (columnar, KPS-1): {t_score:.2f} s "
        f"[goal 1 s: {'PASS' if t_score <= 1 else 'MISS'}]; "
        f"peak traced {peak / 2**20:.0f} MiB [goal 2048 MiB: "
        f"{'PASS' if peak <= 2 * 2**30 else 'MISS'}]; max RSS {rss1 / 1024:.0f} MiB "
        f"(before {rss0 / 1024:.0f} MiB); {scored:,} with an overall score"
    )
    print(f"  (building the Portfolio from columns, with validation: {t_build:.2f} s)")


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
    args = parser.parse_args()
    bench_score(args.n)
    if not args.skip_csv:
        bench_csv(args.n)


if __name__ == "__main__":
    main()
