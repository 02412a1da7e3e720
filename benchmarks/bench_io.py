"""Benchmarks of reading large portfolios (issue 15, part 2).

1,000,000 synthetic partnerships (every evidence field, four actors each,
~15 % missing) are written once as CSV, Parquet and Arrow. Each file is then
read with `kampala.io.read_portfolio` and, in the same run, with the plain
reference: ``pyarrow.csv.read_csv`` / ``pyarrow.parquet.read_table`` /
``pyarrow.feather.read_table`` plus the validation alone
(`Portfolio.from_columns` on the portfolio's own columns, arrays taken over).
Goal: each reader within 2x of its reference. The own CSV reader (without
pyarrow) is timed too, for comparison.

Run with ``python benchmarks/bench_io.py [--n N] [--skip-own-csv]``.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import kampala as kp
from bench_scorecard import synthetic_columns
from kampala.io import formats as _formats
from kampala.io import read_portfolio, write_portfolio


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t0, time.process_time() - c0, out


def _validation(pf: kp.Portfolio) -> Callable[[], Any]:
    def run() -> Any:
        cols = {k: v.copy() for k, v in pf.columns.items()}
        acts = {k: v.copy() for k, v in pf.actors.items()}
        t0, c0 = time.perf_counter(), time.process_time()
        kp.Portfolio.from_columns(cols, acts, name=pf.name, copy=False)
        return time.perf_counter() - t0, time.process_time() - c0

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--skip-own-csv", action="store_true")
    args = parser.parse_args()
    import pyarrow.csv as pacsv
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    cols, actors = synthetic_columns(args.n, np.random.default_rng(7))
    pf = kp.Portfolio.from_columns(cols, actors, name="synthetic", copy=False)
    del cols, actors
    validation = _validation(pf)
    t_valid, c_valid = min(validation() for _ in range(2))
    with tempfile.TemporaryDirectory() as tmp:
        paths = {s: Path(tmp) / f"portfolio{s}" for s in (".csv", ".parquet", ".arrow")}
        for path in paths.values():
            write_portfolio(pf, path)
        refs = {
            ".csv": lambda: pacsv.read_csv(paths[".csv"]),
            ".parquet": lambda: pq.read_table(paths[".parquet"]),
            ".arrow": lambda: feather.read_table(str(paths[".arrow"])),
        }
        print(
            f"reading {args.n:,} partnerships; validation alone {t_valid:.2f} s "
            f"(CPU {c_valid:.2f} s)"
        )
        for suffix, path in paths.items():
            size = path.stat().st_size / 2**20
            t_ref, c_ref, _ = _timed(refs[suffix])
            t_kp, c_kp, back = _timed(lambda p=path: read_portfolio(p, max_bytes=None))
            assert len(back) == args.n
            del back
            ratio = t_kp / (t_ref + t_valid)
            cpu_ratio = c_kp / (c_ref + c_valid)
            print(
                f"  {suffix[1:]:8} {size:6.0f} MiB: kampala {t_kp:6.2f} s (CPU "
                f"{c_kp:.2f}); reference {t_ref:.2f} s (CPU {c_ref:.2f}) + validation "
                f"{t_valid:.2f} s; "
                f"ratio {ratio:.2f} [goal 2: {'PASS' if ratio <= 2 else 'MISS'}], "
                f"CPU-time ratio {cpu_ratio:.2f}"
            )
        if not args.skip_own_csv:
            limit = _formats.ARROW_CSV_MIN_BYTES
            _formats.ARROW_CSV_MIN_BYTES = 1 << 62  # the own reader, for comparison
            try:
                t_own, c_own, _ = _timed(
                    lambda: read_portfolio(paths[".csv"], max_bytes=None)
                )
            finally:
                _formats.ARROW_CSV_MIN_BYTES = limit
            print(f"  csv, own reader (no pyarrow): {t_own:.2f} s (CPU {c_own:.2f})")


if __name__ == "__main__":
    main()
