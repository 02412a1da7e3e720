"""``kampala report``: the portfolio report as one self-contained HTML file."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kampala._cli_index import read_methodology
from kampala._internal.atomic import atomic_open
from kampala._internal.cli_options import (
    add_lang,
    add_methodology,
    add_out,
    add_portfolio,
    add_rng,
)
from kampala._internal.files import check_regular_file, env_max_bytes
from kampala._internal.terminal import UsageError, check_suffix, writing, wrote
from kampala.errors import MethodologyError
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio

__all__ = ["register"]

_WHERE = "kampala report"


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``kampala report`` to the sub-parsers ``sub``; return its handler."""
    rep = sub.add_parser(
        "report",
        help="write the portfolio report (one self-contained HTML file)",
        description="Score a portfolio (the illustrative sample by default) and "
        "write its report: a summary for decision makers, the ranked table, a "
        "heat map, the actors' contributions, a profile per partnership, the "
        "robustness analysis (--sensitivity) and the methodology appendix. The "
        "HTML file opens offline and prints to PDF from a browser. Needs the "
        "report extra: pip install 'kampala[report]'.",
    )
    add_portfolio(rep)
    add_lang(rep, "language of the report (default: $KAMPALA_LANG, else the locale)")
    add_methodology(rep)
    rep.add_argument(
        "--sensitivity",
        action="store_true",
        help="add the robustness section: rank intervals and Sobol' indices",
    )
    rep.add_argument(
        "--n",
        type=int,
        default=512,
        help="samples of the robustness analysis, a power of 2 (default 512)",
    )
    add_rng(
        rep,
        "random seed of the robustness analysis (default: fresh, recorded "
        "in the appendix)",
    )
    add_out(rep, "the HTML file to write (default report.html)", default="report.html")
    rep.add_argument(
        "--pdf",
        metavar="FILE",
        help="also write a PDF (needs WeasyPrint, which kampala does not install)",
    )
    return {"report": _cmd_report}


def _load(path: str | None) -> Portfolio:
    from kampala.data import sample_portfolio
    from kampala.io.formats import detect_format

    if path is None:
        return sample_portfolio()
    check_regular_file(Path(path), _WHERE, "portfolio", env_max_bytes())
    return detect_format(path).read(Path(path))


def _cmd_report(args: argparse.Namespace) -> int:
    check_suffix(_WHERE, "--out", args.out, (".html", ".htm"))
    for option, path in (("--out", args.out), ("--pdf", args.pdf)):
        if path is not None and not Path(path).absolute().parent.is_dir():
            raise UsageError(  # before any work, not after
                f"{_WHERE}: cannot write {path!r} ({option}): its folder does not "
                "exist; no output file was changed"
            )
    if args.pdf is not None:
        check_suffix(_WHERE, "--pdf", args.pdf, (".pdf",))
        if importlib.util.find_spec("weasyprint") is None:
            raise UsageError(
                f"{_WHERE}: --pdf needs WeasyPrint, which is not installed (pip "
                "install weasyprint); or open the HTML report in a browser and "
                "print it to PDF"
            )
    if args.sensitivity and (args.n < 8 or args.n & (args.n - 1)):
        raise UsageError(f"{_WHERE}: --n must be a power of 2, >= 8 (got {args.n})")
    if args.rng is not None and args.rng < 0:
        raise UsageError(f"{_WHERE}: --rng must be an integer >= 0 (got {args.rng})")
    methodology = (
        read_methodology(args.methodology, _WHERE)
        if args.methodology
        else Methodology.default()
    )
    if not methodology.scorers:
        raise MethodologyError(
            _WHERE,
            "--methodology",
            methodology.id,
            "a scorecard methodology with principle scorers (such as KPS-1)",
            hint="Use 'kampala index' for indicator tables.",
        )
    portfolio = _load(args.portfolio)
    from kampala.report import build_report, write_pdf

    source = (
        Path(args.portfolio).name
        if args.portfolio
        else "kampala.data.sample_portfolio()"
    )
    page = build_report(
        portfolio,
        methodology=methodology,
        lang=args.lang,
        sensitivity=args.sensitivity,
        n=args.n,
        source=source,
        rng=args.rng,
    )
    with writing(_WHERE, "--out", args.out), atomic_open(args.out) as f:
        f.write(page)
    print(wrote(args.out, args.lang), file=sys.stderr)
    if args.pdf is not None:  # pragma: no cover - WeasyPrint is not installed here
        with writing(_WHERE, "--pdf", args.pdf):
            write_pdf(page, args.pdf)
        print(wrote(args.pdf, args.lang), file=sys.stderr)
    return 0
