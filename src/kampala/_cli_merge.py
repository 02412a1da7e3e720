"""``kampala merge``: merge portfolios from several files, keeping sources."""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kampala._internal.cli_options import add_out
from kampala._internal.files import env_max_bytes, read_input_text
from kampala._internal.terminal import UsageError, add_formula_escape, check_suffix
from kampala._internal.terminal import write_stdout as _stdout
from kampala._internal.terminal import writing as _writing
from kampala.io.formats import write_portfolio
from kampala.io.merge import merge_portfolios

__all__ = ["add_explain", "explanations", "register"]

_WHERE = "kampala merge"


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``kampala merge`` to the sub-parsers ``sub``; return its handler."""
    p = sub.add_parser(
        "merge",
        help="merge portfolios from several files, keeping each value's source",
        description="Merge portfolio files (IATI XML, JSON, CSV, xlsx ...) by "
        "partnership id, field by field. A value from an IATI file never "
        "replaces one entered by people (any other file) unless "
        "--overwrite-manual; other conflicts follow --policy. Write the result "
        "as JSON to keep where each value came from (kampala score --explain "
        "shows it).",
    )
    p.add_argument("sources", metavar="FILE", nargs="+", help="portfolio files")
    add_out(
        p,
        "merged portfolio (.json keeps the sources of values; .jsonl, .csv do not)",
        required=True,
    )
    p.add_argument(
        "--policy",
        choices=("error", "prefer-latest", "in-order"),
        default="error",
        help="resolve conflicts: stop (default), take the value read last, or "
        "the first file's",
    )
    p.add_argument(
        "--prefer",
        metavar="FILE",
        action="append",
        help="prefer this file's values (repeat for an order; overrides --policy)",
    )
    p.add_argument(
        "--overwrite-manual",
        action="store_true",
        help="let IATI values replace values entered by people",
    )
    p.add_argument(
        "--conflicts",
        metavar="FILE",
        help="write the conflict report (CSV, or JSON for a .json suffix)",
    )
    p.add_argument(
        "--id-map",
        metavar="FILE",
        help="CSV with columns 'alias,id': other ids of a partnership and the id "
        "to keep",
    )
    p.add_argument("--name", default="merged", help="name of the merged portfolio")
    add_formula_escape(p)
    return {"merge": _cmd_merge}


def _read_id_map(path: str) -> dict[str, str]:
    text = read_input_text(Path(path), _WHERE, "--id-map", env_max_bytes())
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or [c.strip().lower() for c in rows[0]] != ["alias", "id"]:
        raise UsageError(
            f"{_WHERE}: --id-map: the header of {path!r} must be 'alias,id'"
        )
    out: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise UsageError(
                f"{_WHERE}: --id-map: line {number} of {path!r} must be "
                "ALIAS,ID with both filled"
            )
        out[row[0].strip()] = row[1].strip()
    return out


def _cmd_merge(args: argparse.Namespace) -> int:
    check_suffix(_WHERE, "--out", args.out, (".json", ".jsonl", ".csv"))
    if args.conflicts:
        check_suffix(_WHERE, "--conflicts", args.conflicts, (".csv", ".json"))
    aliases = _read_id_map(args.id_map) if args.id_map else None
    policy: Any = args.policy
    if args.prefer:
        names = [Path(s).name for s in args.sources]
        policy = [Path(p).name for p in args.prefer]
        unknown = [p for p in policy if p not in names]
        if unknown:
            raise UsageError(
                f"{_WHERE}: --prefer: {unknown[0]!r} must be one of the files "
                f"merged ({', '.join(names)})"
            )
    result = merge_portfolios(
        args.sources,
        policy=policy,
        overwrite_manual=args.overwrite_manual,
        aliases=aliases,
        name=args.name,
        max_bytes=env_max_bytes(),
    )
    fmt = Path(args.out).suffix.lower().lstrip(".") or "json"
    write_portfolio(
        result.portfolio, args.out, format=fmt, formula_escape=args.formula_escape
    )
    if args.conflicts:
        with _writing(_WHERE, "--conflicts", args.conflicts):
            result.write_report(args.conflicts, formula_escape=args.formula_escape)
    _stdout(result.summary() + "\n")
    return 0


def add_explain(p: argparse.ArgumentParser) -> None:
    """Add ``--explain ID`` (repeatable) to ``kampala score``."""
    p.add_argument(
        "--explain",
        metavar="ID",
        action="append",
        help="after the table, explain this partnership criterion by criterion, "
        "with the source of each piece of evidence of a merged or IATI portfolio "
        "(repeat for several)",
    )


def explanations(card: Any, portfolio: Any, ids: list[str] | None, fmt: str) -> str:
    """Return the explanations ``--explain`` asks for (table output only)."""
    if not ids:
        return ""
    if fmt != "table":
        raise UsageError("kampala score: --explain applies to the table format only")
    return "".join(
        "\n" + str(card.explain(pid, portfolio=portfolio)) + "\n" for pid in ids
    )
