"""``kampala score`` on a partitioned portfolio, and results as Parquet or Arrow.

- ``kampala score FOLDER`` scores a folder of Parquet or Arrow files
  partition by partition (`kampala.io.partitioned.score_partitioned`) and
  ranks all partnerships together; the CSV it writes is the CSV of scoring
  the whole portfolio in one piece, byte for byte.
- ``--out FILE.parquet`` (or ``.arrow``, ``.feather``) writes the ranked
  results as a typed table, for a portfolio file or a folder.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kampala._cli_output import DEFAULT_DIGITS, table_rows
from kampala._cli_output import results_csv as csv_text
from kampala._internal.atomic import atomic_open, atomic_path
from kampala._internal.files import env_max_bytes
from kampala._internal.terminal import UsageError, write_stdout, writing, wrote
from kampala.i18n import resolve_lang, translate
from kampala.io.partitioned import (
    PARTITION_SUFFIXES,
    PartitionedScores,
    score_partitioned,
)
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio

__all__ = ["COLUMNAR_SUFFIXES", "handles", "results_csv", "score"]

#: Result files written as typed tables.
COLUMNAR_SUFFIXES = (".parquet", ".arrow", ".feather")
_WHERE = "kampala score"


def handles(args: argparse.Namespace) -> bool:
    """Whether this module runs the command: partitions, or a columnar ``--out``.

    A folder counts as partitions when it holds a Parquet or Arrow file; any
    other folder is refused as before (it is not a portfolio file).
    """
    out = args.out is not None and Path(args.out).suffix.lower() in COLUMNAR_SUFFIXES
    return out or _partitions(args.portfolio)


def _partitions(path: str | None) -> bool:
    if path is None or not Path(path).is_dir():
        return False
    return any(p.suffix.lower() in PARTITION_SUFFIXES for p in Path(path).rglob("*"))


def score(
    args: argparse.Namespace,
    methodology: Methodology,
    load: Callable[[str | None, str | None], Portfolio],
) -> int:
    """Score and write the results; ``load`` reads a portfolio file."""
    suffix = Path(args.out).suffix.lower() if args.out else ""
    columnar = suffix in COLUMNAR_SUFFIXES
    fmt = args.format or ("csv" if not columnar else None)
    if columnar and args.format is not None:
        raise UsageError(
            translate(
                "{where}: --format {fmt} does not apply to a {suffix} file; "
                "leave --format out",
                where=_WHERE,
                fmt=args.format,
                suffix=suffix,
            )
        )
    if _partitions(args.portfolio):
        if fmt not in (None, "csv"):
            raise UsageError(
                translate(
                    "{where}: a folder of partitions is written as CSV, Parquet or "
                    "Arrow (got --format {fmt}); use --format csv or --out "
                    "results.parquet",
                    where=_WHERE,
                    fmt=fmt,
                )
            )
        if args.country is not None:
            raise UsageError(
                translate(
                    "{where}: --country applies to IATI XML files only", where=_WHERE
                )
            )
        scores = score_partitioned(
            args.portfolio, methodology, max_bytes=env_max_bytes()
        )
    else:
        card = methodology.run(load(args.portfolio, args.country))
        scores = PartitionedScores.from_scorecard(card)
    if columnar:
        _write_table(scores, args.out, suffix)
    else:
        text = results_csv(
            scores,
            formula_escape=args.formula_escape,
            digits=args.digits,
            lang=args.output_lang,
        )
        if args.out is None:
            write_stdout(text)
            return 0
        with writing(_WHERE, "--out", args.out), atomic_open(args.out) as f:
            f.write(text)
    if args.out is not None:
        print(wrote(args.out, args.output_lang), file=sys.stderr)
    return 0


def results_csv(
    scores: PartitionedScores,
    *,
    formula_escape: bool = True,
    digits: int | None = DEFAULT_DIGITS,
    lang: str | None = None,
) -> str:
    """Return the ranked results as CSV text, as ``kampala score --format csv``."""
    rows, columns = table_rows(scores.table(), list(scores.codes))
    return csv_text(
        rows,
        columns,
        scores.methodology,
        scores.portfolio_name,
        formula_escape=formula_escape,
        digits=digits,
        lang=resolve_lang(lang),
    )


def _write_table(scores: PartitionedScores, out: str, suffix: str) -> None:
    table = scores.to_arrow()
    with writing(_WHERE, "--out", out), atomic_path(out) as part:
        if suffix == ".parquet":
            pq: Any = importlib.import_module("pyarrow.parquet")
            pq.write_table(table, part, compression="zstd")
        else:
            feather: Any = importlib.import_module("pyarrow.feather")
            feather.write_feather(table, str(part), compression="zstd")
