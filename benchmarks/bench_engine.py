"""Benchmark the composite-indicator engine.

Two workloads:

1. ``asem``: the ASEM example index (51 units x 49 indicators, four levels)
   built with the reference methodology of :func:`kampala.cli.asem_methodology`
   (denominate, group-mean impute, screen, winsorise/log, min-max,
   arithmetic). Time per build, and per build of its normalise + aggregate
   part only. COINr, the reference R implementation, takes about 76 ms.
2. ``big``: 1,000,000 units x 50 indicators in a three-level framework
   (50 indicators -> 10 pillars of 5 -> 2 sub-indices -> 1 index), min-max
   then arithmetic mean; time per run, peak memory of the run, with no
   missing value and with 5 % missing values. Each variant runs in its own
   child process so that its memory figures are its own.

Run ``make bench`` or ``python benchmarks/bench_engine.py --help``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import scipy

import kampala
from kampala import Framework, IndicatorSet, Methodology, Node
from kampala.cli import asem_methodology
from kampala.composite import Aggregate, Normalise, Screen
from kampala.io import read_coinr

ASEM_GOAL_MS = 5.0
COINR_ASEM_MS = 76.0  # COINr (R) builds the same index in about this long
BIG_TIME_GOAL_S = 1.0
BIG_MEMORY_GOAL_GB = 2.0
GB = 1e9  # memory is reported in GB = 10**9 bytes

BIG_SEED = 12345
BIG_INDICATORS = 50
BIG_PILLARS = 10  # of 5 indicators each
BIG_SUBINDICES = 2  # of 5 pillars each
STEP_CALLS = 2  # calls of each big step alone


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def _time_calls(fn: Callable[[], object], runs: int, warmup: int) -> list[float]:
    """Wall-clock seconds of ``runs`` calls of ``fn`` after ``warmup`` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


def _warnings_of(fn: Callable[[], object]) -> list[str]:
    """Call ``fn`` once; return the distinct warnings it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return sorted({f"{w.category.__name__}: {w.message}" for w in caught})


def _maxrss_bytes() -> int:
    """Process high-water mark of resident memory (``ru_maxrss``), in bytes."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(rss) if sys.platform == "darwin" else int(rss) * 1024


def _current_rss_bytes() -> int | None:
    """Resident memory now (Linux only), in bytes."""
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _reset_maxrss() -> bool:
    """Reset the high-water mark of resident memory (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 0


# ---------------------------------------------------------------------------
# workload 1: ASEM
# ---------------------------------------------------------------------------
def _step_call(step: Any, data: IndicatorSet, raw: IndicatorSet) -> Callable[[], Any]:
    """A call of one data step as :meth:`Methodology.run` makes it."""
    if isinstance(step, Screen):
        return lambda: step.apply(data, raw=raw)
    return lambda: step.apply(data)


def bench_asem(runs: int, warmup: int) -> dict[str, Any]:
    base = resources.files("kampala") / "data" / "asem"
    data = read_coinr(str(base / "asem_iData.csv"), str(base / "asem_iMeta.csv"))
    methodology = asem_methodology()
    emitted = _warnings_of(lambda: methodology.run(data))
    with warnings.catch_warnings():
        # a warning the build emits is reported once above, not on every run
        warnings.simplefilter("ignore")
        out = _bench_asem_runs(data, methodology, runs, warmup)
    out["warnings"] = emitted
    return out


def _bench_asem_runs(
    data: IndicatorSet, methodology: Methodology, runs: int, warmup: int
) -> dict[str, Any]:
    full = _time_calls(lambda: methodology.run(data), runs, warmup)

    # normalise + aggregate only, on the treated data of the full build
    result = methodology.run(data)
    treated = result.datasets["Treated"]
    norm, agg = methodology.steps[-2:]
    tail = Methodology(id="ASEM-tail", version="1", steps=[norm, agg])
    tail_times = _time_calls(lambda: tail.run(treated), runs, warmup)

    # each step alone, on the input it gets in the full build
    steps: dict[str, list[float]] = {}
    current = data
    for step in methodology.steps[:-1]:
        fn = _step_call(step, current, data)
        steps[step.kind] = _time_calls(fn, runs, warmup)
        current = fn().data
    last = current
    steps["aggregate"] = _time_calls(
        lambda: agg.apply(last.framework, last.values, last.unit_codes), runs, warmup
    )

    tracemalloc.start()
    methodology.run(data)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "units": data.n_units,
        "indicators": data.n_indicators,
        "runs": runs,
        "full": full,
        "tail": tail_times,
        "steps": steps,
        "traced_peak": traced_peak,
    }


# ---------------------------------------------------------------------------
# workload 2: 1,000,000 units x 50 indicators
# ---------------------------------------------------------------------------
def big_framework() -> Framework:
    """50 indicators -> 10 pillars of 5 -> 2 sub-indices of 5 -> 1 index."""
    per_pillar = BIG_INDICATORS // BIG_PILLARS
    per_sub = BIG_PILLARS // BIG_SUBINDICES
    nodes = [
        Node(
            code=f"ind{j:02d}",
            parent=f"pil{j // per_pillar:02d}",
            weight=1.0 + (j % 3),
            direction=-1 if j % 7 == 3 else 1,  # a few "lower is better"
        )
        for j in range(BIG_INDICATORS)
    ]
    nodes += [
        Node(code=f"pil{p:02d}", level=2, kind="aggregate", parent=f"sub{p // per_sub}")
        for p in range(BIG_PILLARS)
    ]
    nodes += [
        Node(code=f"sub{s}", level=3, kind="aggregate", parent="index")
        for s in range(BIG_SUBINDICES)
    ]
    nodes.append(Node(code="index", level=4, kind="aggregate"))
    return Framework(nodes=nodes)


def big_data(n_units: int, missing: float) -> IndicatorSet:
    """Seeded random indicators, each with its own location and scale."""
    framework = big_framework()
    k = len(framework.indicator_codes)
    rng = np.random.default_rng(BIG_SEED)
    loc = rng.uniform(0.0, 100.0, size=k)
    scale = rng.uniform(1.0, 20.0, size=k)
    values = rng.standard_normal((n_units, k))
    values *= scale
    values += loc
    if missing > 0:
        values[rng.random((n_units, k)) < missing] = np.nan
    codes = [f"u{i:07d}" for i in range(n_units)]
    # a writable array, as most callers pass: the constructor copies it
    return IndicatorSet(framework=framework, unit_codes=codes, values=values)


def big_worker(n_units: int, missing: float, runs: int) -> dict[str, Any]:
    """Build, measure memory of one run, then time ``runs`` runs."""
    out: dict[str, Any] = {"units": n_units, "missing": missing, "runs": runs}
    t0 = time.perf_counter()
    data = big_data(n_units, missing)
    out["build_s"] = time.perf_counter() - t0
    gc.collect()
    out["input_bytes"] = data.values.nbytes
    out["missing_share"] = float(np.isnan(data.values).mean())
    out["maxrss_after_build"] = _maxrss_bytes()
    methodology = Methodology(
        id="bench-big",
        version="1",
        steps=[Normalise(method="min-max"), Aggregate(method="arithmetic")],
    )

    out["warnings"] = _warnings_of(lambda: methodology.run(data))
    gc.collect()
    warnings.simplefilter("ignore")  # reported once above

    # peak RSS of one run (untraced); the high-water mark is reset first
    out["maxrss_reset"] = _reset_maxrss()
    out["rss_before_run"] = _current_rss_bytes()
    out["maxrss_before_run"] = _maxrss_bytes()
    result = methodology.run(data)
    out["maxrss_after_run"] = _maxrss_bytes()
    out["n_root_missing"] = int(np.isnan(result.score()).sum())
    del result
    gc.collect()

    # Python + numpy allocations of one run (numpy reports to tracemalloc)
    tracemalloc.start()
    result = methodology.run(data)
    out["traced_peak"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    gc.collect()

    times = []
    for _ in range(runs):
        t1 = time.perf_counter()
        result = methodology.run(data)
        times.append(time.perf_counter() - t1)
        del result
    out["times"] = times

    # the two steps alone (minimum of STEP_CALLS calls each)
    norm, agg = methodology.steps
    norm_times, agg_times = [], []
    for _ in range(STEP_CALLS):
        t1 = time.perf_counter()
        normalised = norm.apply(data).data
        norm_times.append(time.perf_counter() - t1)
        t1 = time.perf_counter()
        agg.apply(normalised.framework, normalised.values, normalised.unit_codes)
        agg_times.append(time.perf_counter() - t1)
        del normalised
    out["normalise_s"] = min(norm_times)
    out["aggregate_s"] = min(agg_times)
    return out


def bench_big(n_units: int, missing: float, runs: int) -> dict[str, Any]:
    """Run :func:`big_worker` in a child process; return its figures."""
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        f"--big-units={n_units}",
        f"--missing={missing}",
        f"--big-runs={runs}",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"bench_engine: worker failed ({proc.returncode})")
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------
Row = tuple[str, str, float, str, str, str]


def _status(value: float, goal: float | None) -> tuple[str, str]:
    if goal is None:
        return "-", "info"
    return f"<= {goal:g}", "PASS" if value <= goal else "MISS"


def _row(
    section: str, metric: str, value: float, unit: str, goal: float | None = None
) -> Row:
    goal_text, status = _status(value, goal)
    return (section, metric, value, unit, goal_text, status)


def asem_rows(r: dict[str, Any]) -> list[Row]:
    ms = 1e3
    sec = "asem"
    rows = [
        _row(
            sec, "build.median", statistics.median(r["full"]) * ms, "ms", ASEM_GOAL_MS
        ),
        _row(sec, "build.min", min(r["full"]) * ms, "ms", ASEM_GOAL_MS),
        _row(sec, "build.vs_coinr_76ms", COINR_ASEM_MS / (min(r["full"]) * ms), "x"),
        _row(sec, "norm+agg.median", statistics.median(r["tail"]) * ms, "ms"),
        _row(sec, "norm+agg.min", min(r["tail"]) * ms, "ms"),
    ]
    for kind, times in r["steps"].items():
        rows.append(
            _row(sec, f"step.{kind}.median", statistics.median(times) * ms, "ms")
        )
    rows.append(_row(sec, "tracemalloc.peak", r["traced_peak"] / 1e6, "MB"))
    return rows


def big_rows(r: dict[str, Any]) -> list[Row]:
    sec = "big" if r["missing"] == 0 else f"big.{r['missing']:.0%}na"
    rows = [
        _row(sec, "run.median", statistics.median(r["times"]), "s", BIG_TIME_GOAL_S),
        _row(sec, "run.min", min(r["times"]), "s", BIG_TIME_GOAL_S),
        _row(sec, "run.normalise", r["normalise_s"], "s"),
        _row(sec, "run.aggregate", r["aggregate_s"], "s"),
        _row(sec, "peak_rss.run", r["maxrss_after_run"] / GB, "GB", BIG_MEMORY_GOAL_GB),
        _row(sec, "rss.before_run", (r["rss_before_run"] or 0) / GB, "GB"),
        _row(
            sec, "tracemalloc.peak.run", r["traced_peak"] / GB, "GB", BIG_MEMORY_GOAL_GB
        ),
        _row(sec, "input.values", r["input_bytes"] / GB, "GB"),
        _row(sec, "build.time", r["build_s"], "s"),
        _row(sec, "peak_rss.build", r["maxrss_after_build"] / GB, "GB"),
        _row(sec, "missing.share", r["missing_share"], "frac"),
    ]
    return rows


def print_table(rows: list[Row]) -> None:
    head = ("section", "metric", "value", "unit", "goal", "status")
    print(
        f"{head[0]:<12} {head[1]:<24} {head[2]:>10} {head[3]:<4} {head[4]:<7} {head[5]}"
    )
    for sec, metric, value, unit, goal, status in rows:
        print(f"{sec:<12} {metric:<24} {value:>10.4g} {unit:<4} {goal:<7} {status}")


def _print_warnings(section: str, messages: list[str]) -> None:
    """Show once what a build warns about (timed runs ignore warnings)."""
    for message in messages:
        text = message if len(message) <= 150 else message[:147] + "..."
        print(f"  {section}: each build warns: {text}")


def environment() -> dict[str, Any]:
    keys = ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "kampala": kampala.__version__,
        "machine": platform.machine(),
        "cores": _cores(),
        "env": {k: os.environ[k] for k in keys if k in os.environ},
        "loadavg": _loadavg(),
    }


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:  # not available
        return None


NOTES = """\
notes:
  times are wall clock (time.perf_counter); median and min over the runs;
    warnings a build emits are shown once above and ignored in timed runs.
  asem build = Methodology.run on data read once; norm+agg = the same
    Normalise + Aggregate steps in a Methodology run on the treated data.
  peak_rss.run: process high-water mark of resident memory (getrusage
    ru_maxrss) over one run: interpreter, libraries, input data, unit codes
    and the run's temporaries. It is reset (/proc/self/clear_refs) after the
    data are built{reset}; rss.before_run is the resident memory at that point.
  tracemalloc.peak.run: the largest total of Python and numpy allocations
    made during one run and alive at once (numpy reports its buffers to
    tracemalloc). It excludes the input data (allocated before tracing)
    and counts bytes requested, not pages touched.
  peak_rss.build: high-water mark while building the input (the
    IndicatorSet constructor copies a writable array).
  memory in GB = 10**9 bytes; goals apply on {cores} core(s) here."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="ASEM timed runs")
    parser.add_argument("--warmup", type=int, default=20, help="ASEM warm-up runs")
    parser.add_argument("--big-units", type=int, default=1_000_000)
    parser.add_argument("--big-runs", type=int, default=5, help="big timed runs")
    parser.add_argument("--missing", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--skip-big", action="store_true", help="ASEM only")
    parser.add_argument("--json", metavar="PATH", help="also write figures as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a MISS")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(big_worker(args.big_units, args.missing, args.big_runs)))
        return 0

    env = environment()
    print(
        f"kampala {env['kampala']}  python {env['python']}  numpy {env['numpy']}  "
        f"scipy {env['scipy']}  {env['machine']}  cores={env['cores']}  "
        f"env={env['env'] or '{}'}  load={env['loadavg']}"
    )
    if env["loadavg"] is not None and env["loadavg"] > 0.5 * max(1, env["cores"]):
        print("  the machine is busy: times will be inflated; prefer the minimum")
    figures: dict[str, Any] = {"environment": env}
    rows: list[Row] = []
    print(f"asem: {args.runs} runs after {args.warmup} warm-up ...", flush=True)
    figures["asem"] = bench_asem(args.runs, args.warmup)
    _print_warnings("asem", figures["asem"]["warnings"])
    rows += asem_rows(figures["asem"])
    reset = True
    if not args.skip_big:
        figures["big"] = []
        for missing in (0.0, 0.05):
            print(
                f"big: {args.big_units:,} units x {BIG_INDICATORS} indicators, "
                f"{missing:.0%} missing, {args.big_runs} runs ...",
                flush=True,
            )
            r = bench_big(args.big_units, missing, args.big_runs)
            _print_warnings("big", r["warnings"])
            figures["big"].append(r)
            rows += big_rows(r)
            reset = reset and r["maxrss_reset"]
    print()
    print_table(rows)
    print(
        NOTES.format(
            reset="" if reset else " (NOT possible here: it includes the build)",
            cores=env["cores"],
        )
    )
    misses = sum(1 for row in rows if row[5] == "MISS")
    passes = sum(1 for row in rows if row[5] == "PASS")
    print(f"summary: {passes} PASS, {misses} MISS  (load at end: {_loadavg()})")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    return 1 if args.strict and misses else 0


if __name__ == "__main__":
    raise SystemExit(main())
