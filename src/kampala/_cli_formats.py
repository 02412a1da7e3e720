"""File options of the command line, and ``kampala template``.

- ``--sep``, ``--decimal``, ``--encoding`` (CSV) and ``--sheet`` (xlsx) for
  the commands that read a portfolio (detected when not given), and the
  CSV options of ``kampala import --out``;
- scorecards written as workbooks (``kampala score --format xlsx``);
- ``kampala template``: the fill-in workbook generated from the schema.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from kampala._internal.atomic import atomic_path
from kampala._internal.cli_options import add_out
from kampala._internal.terminal import (
    UsageError,
    check_suffix,
    writing,
    wrote,
)
from kampala.i18n import N_, translate

__all__ = [
    "add_read_options",
    "add_write_options",
    "read_options",
    "register",
    "write_options",
    "write_scorecard_xlsx",
]

#: Options of readers, and the formats they apply to (for the message).
_READ = {"sep": "CSV", "decimal": "CSV", "encoding": "CSV", "sheet": "xlsx"}
_WRITE = {"sep": "CSV", "decimal": "CSV", "encoding": "CSV"}


def _sep(text: str) -> str:
    return "\t" if text.lower() in ("tab", "\\t") else text


def _csv_options(p: argparse.ArgumentParser | Any, what: str) -> None:
    p.add_argument(
        "--sep",
        type=_sep,
        metavar="SEP",
        help=f"CSV {what}: the cell separator, ',' ';' or 'tab'"
        + (" (default: detected)" if what == "input" else " (default ',')"),
    )
    p.add_argument(
        "--decimal",
        choices=(".", ","),
        help=f"CSV {what}: the decimal mark (default: ',' with --sep ';', else '.')",
    )
    p.add_argument(
        "--encoding",
        metavar="NAME",
        help=f"CSV {what}: utf-8, utf-8-sig, cp1252 (Windows-1252) or latin-1"
        + (" (default: detected)" if what == "input" else " (default utf-8)"),
    )


def add_read_options(p: argparse.ArgumentParser) -> None:
    """Add ``--sep``, ``--decimal``, ``--encoding`` and ``--sheet``."""
    group = p.add_argument_group("input file options")
    _csv_options(group, "input")
    group.add_argument(
        "--sheet",
        metavar="NAME",
        help="xlsx input: the worksheet (default: 'Partnerships' or 'Alianzas', "
        "else the first)",
    )


def add_write_options(p: argparse.ArgumentParser) -> None:
    """Add the CSV options of an output portfolio (``--sep`` …)."""
    _csv_options(p.add_argument_group("output file options"), "output")


def _given(args: argparse.Namespace, names: dict[str, str]) -> dict[str, Any]:
    values = {k: getattr(args, k, None) for k in names}
    return {k: v for k, v in values.items() if v is not None}


def _checked(options: dict[str, Any], command: str) -> dict[str, Any]:
    """Check the values of the CSV options, in the words of the command line."""
    from kampala.errors import ParameterValueError
    from kampala.io._csv_dialect import check_options

    try:
        check_options(
            f"kampala {command}",
            options.get("sep"),
            options.get("decimal"),
            options.get("encoding"),
        )
    except ParameterValueError as exc:
        raise UsageError(
            str(exc).replace(f"'{exc.field}'", f"'--{exc.field}'", 1)
        ) from exc
    return options


def read_options(args: argparse.Namespace, fmt: Any, command: str) -> dict[str, Any]:
    """Return the reader options given; refuse those the format has not."""
    options = _checked(_given(args, _READ), command)
    wrong = next((key for key in options if key not in fmt.options), None)
    if wrong is not None:
        raise UsageError(
            f"kampala {command}: --{wrong} applies to {_READ[wrong]} files only "
            f"(the file is read as {fmt.name})"
        )
    return options


def write_options(args: argparse.Namespace, fmt: Any, command: str) -> dict[str, Any]:
    """Return the writer options given; refuse those the format has not.

    Only CSV output has options (``--sep``, ``--decimal``, ``--encoding``).
    """
    options = _checked(_given(args, _WRITE), command)
    if not set(options) <= set(fmt.write_options):
        key = next(k for k in options if k not in fmt.write_options)
        raise UsageError(
            f"kampala {command}: --{key} applies to CSV output only "
            f"(--out is written as {fmt.name})"
        )
    return options


def write_scorecard_xlsx(
    rows: list[dict[str, Any]],
    columns: list[str],
    out: str,
    formula_escape: bool,
    lang: str | None = None,
    *,
    digits: int | None = None,
    about: Sequence[str] = (),
) -> None:
    """Write the scorecard table as a workbook, atomically.

    Floats are rounded to ``digits`` places (None: full precision); the
    lines of ``about`` (the methodology reference, the rounding) go on a
    second sheet.
    """
    from kampala.io._xlsx import write_table_xlsx

    sheets: list[tuple[str, Sequence[str], Iterable[Sequence[Any]]]] = [
        ("Scorecard", columns, ([row.get(c) for c in columns] for row in rows))
    ]
    if about:
        sheets.append((translate(N_("About"), lang), ["note"], ([a] for a in about)))
    with writing("kampala score", "--out", out), atomic_path(out) as part:
        write_table_xlsx(
            part,
            sheets,
            formula_escape=formula_escape,
            where="kampala score",
            digits=digits,
        )
    print(wrote(out, lang), file=sys.stderr)


# ---------------------------------------------------------------------------
# kampala template
# ---------------------------------------------------------------------------
def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``kampala template`` to the sub-parsers ``sub``; return its handler."""
    tpl = sub.add_parser(
        "template",
        help="write a fill-in template (Excel workbook) for partnership evidence",
        description="Write a workbook with one column per evidence field "
        "(headers in the language chosen), drop-down lists for every scale, "
        "checks on numbers and dates, the field's help and the KPS-1 criteria "
        "it feeds as a comment on each header, a sheet of criteria and a sheet "
        "of instructions. With --from, the partnerships of a portfolio (for "
        "example an IATI import) are filled in and the missing evidence is "
        "coloured. A filled template validates and scores as it is.",
    )
    tpl.add_argument(
        "--lang",
        choices=("en", "es"),
        default=None,
        help="language of headers, values and comments (default: $KAMPALA_LANG, "
        "else the locale)",
    )
    tpl.add_argument(
        "--format",
        choices=("xlsx", "csv"),
        default=None,
        help="xlsx (default) or csv (the header and rows only)",
    )
    tpl.add_argument(
        "--from",
        dest="source",
        metavar="PORTFOLIO",
        help="fill in the partnerships of this portfolio file",
    )
    add_out(tpl, "the file to write", required=True)
    return {"template": _cmd_template}


def _cmd_template(args: argparse.Namespace) -> int:
    from kampala.io import read_portfolio, write_template

    where = "kampala template"
    suffix = Path(args.out).suffix.lower()
    fmt = args.format or ("csv" if suffix == ".csv" else "xlsx")
    check_suffix(where, "--out", args.out, (f".{fmt}",))
    portfolio = None
    if args.source is not None:
        from kampala._internal.files import env_max_bytes

        portfolio = read_portfolio(args.source, max_bytes=env_max_bytes())
    with writing(where, "--out", args.out):
        write_template(args.out, lang=args.lang, portfolio=portfolio, format=fmt)
    print(wrote(args.out, args.lang), file=sys.stderr)
    return 0
