"""``kampala questionnaire`` and ``kampala responses``: multi-stakeholder assessments.

- ``kampala questionnaire`` writes the questionnaire as an XLSForm (ODK,
  KoboToolbox) or a plain ``.xlsx`` form, for one stakeholder group or all,
  or lists its questions.
- ``kampala responses`` reads answers (ODK Central / KoboToolbox CSV or XLSX,
  or the ``.xlsx`` form), scores every group's evidence with KPS-1 and shows
  where the groups diverge and the engagement indicators.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kampala._internal.atomic import atomic_open
from kampala._internal.cli_options import add_lang, add_out
from kampala._internal.csvsafe import escape_cells
from kampala._internal.files import check_regular_file, env_max_bytes
from kampala._internal.terminal import UsageError, add_formula_escape, positive_int
from kampala._internal.terminal import check_suffix as _check_suffix
from kampala._internal.terminal import write_stdout as _stdout
from kampala._internal.terminal import writing as _writing
from kampala.i18n import resolve_lang, translate
from kampala.portfolio import Portfolio
from kampala.principles import Principle
from kampala.stakeholders import (
    STAKEHOLDER_GROUPS,
    CombinationRule,
    combine,
    divergence,
    engagement_indicators,
    group_label,
    questionnaire,
    write_xlsform,
    write_xlsx_form,
)

__all__ = ["register"]

Handler = Callable[[argparse.Namespace], int]


def register(sub: Any) -> dict[str, Handler]:
    """Add ``kampala questionnaire`` and ``kampala responses``; return handlers."""
    q = sub.add_parser(
        "questionnaire",
        help="write the multi-stakeholder questionnaire (XLSForm or .xlsx)",
        description="Write the KPS-1 multi-stakeholder questionnaire as an XLSForm "
        "(ODK, KoboToolbox) or a plain .xlsx form, for one stakeholder group or "
        "all; without --out, list the questions.",
    )
    q.add_argument("--group", choices=STAKEHOLDER_GROUPS, help="one group's form")
    add_lang(q, "language (default: locale)")
    q.add_argument(
        "--format",
        choices=("xlsform", "xlsx"),
        default="xlsform",
        help="XLSForm for ODK/KoboToolbox, or a plain spreadsheet (default: xlsform)",
    )
    q.add_argument(
        "--portfolio", metavar="FILE", help="offer its partnerships as a list"
    )
    add_out(q, "the .xlsx file to write")
    r = sub.add_parser(
        "responses",
        help="score stakeholders' answers per group and show where they diverge",
        description="Read answers (ODK Central or KoboToolbox CSV/XLSX export, or "
        "the .xlsx form), combine them per stakeholder group and all together, "
        "score each with KPS-1, and list where the groups diverge most and the "
        "engagement indicators.",
    )
    r.add_argument("responses", metavar="RESPONSES", help=".csv or .xlsx answers")
    r.add_argument(
        "--portfolio",
        metavar="FILE",
        help="the analyst's portfolio (default: the sample portfolio)",
    )
    r.add_argument("--rule", choices=("median", "mode"), default="median")
    r.add_argument(
        "--min-respondents", type=positive_int, default=1, metavar="N",
        help="fewest answers for evidence (default: 1)",
    )  # fmt: skip
    r.add_argument("--top", type=positive_int, default=10, metavar="K")
    add_lang(r, "language (default: locale)")
    add_out(r, "write principle scores per group as CSV")
    add_formula_escape(r)
    return {"questionnaire": _cmd_questionnaire, "responses": _cmd_responses}


def _portfolio(path: str | None, command: str) -> Portfolio:
    from kampala.data import sample_portfolio
    from kampala.io.formats import detect_format

    if path is None:
        return sample_portfolio()
    check_regular_file(Path(path), f"kampala {command}", "portfolio", env_max_bytes())
    return detect_format(path).read(Path(path))


def _cmd_questionnaire(args: argparse.Namespace) -> int:
    where = "kampala questionnaire"
    lang = resolve_lang(args.lang)
    pf = _portfolio(args.portfolio, "questionnaire") if args.portfolio else None
    qn = questionnaire()
    if not args.out:
        items = qn.questions if args.group is None else qn.for_group(args.group)
        lines = [
            f"{i.code}\t{i.criterion}\t{i.subprinciple}\t{i.text(lang, args.group)}"
            for i in items
        ]
        _stdout("\n".join(lines) + "\n")
        return 0
    _check_suffix(where, "--out", args.out, (".xlsx",))
    write = write_xlsform if args.format == "xlsform" else write_xlsx_form
    with _writing(where, "--out", args.out):
        write(args.out, qn, group=args.group, lang=lang, portfolio=pf)
    print(
        translate("wrote {what} to {path}", lang, what=args.format, path=args.out),
        file=sys.stderr,
    )
    return 0


def _fmt(value: float) -> str:
    return "" if value != value else f"{value:.3f}"


def _cmd_responses(args: argparse.Namespace) -> int:
    from kampala.io import read_responses

    where = "kampala responses"
    lang = resolve_lang(args.lang)
    if args.out:
        _check_suffix(where, "--out", args.out, (".csv",))
    pf = _portfolio(args.portfolio, "responses")
    answers = read_responses(args.responses, portfolio=pf, max_bytes=env_max_bytes())
    if not len(answers):
        raise UsageError(f"{where}: {args.responses!r} holds no answers")
    rule = CombinationRule(ordinal=args.rule, min_respondents=args.min_respondents)
    div = divergence(combine(answers, pf, rule=rule))
    if args.out:
        header = ["partnership", "group", *(p.code for p in Principle), "overall"]
        with _writing(where, "--out", args.out), atomic_open(args.out) as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for gi, g in enumerate(div.groups):
                for pi, p in enumerate(div.partnerships):
                    cells = [p, g, *map(_fmt, div.principle_scores[gi, pi])]
                    cells.append(_fmt(div.overall[gi, pi]))
                    w.writerow(escape_cells(cells) if args.formula_escape else cells)
    buf = io.StringIO()
    buf.write(translate("Overall score by stakeholder group", lang) + "\n")
    buf.write("\t".join(["", *div.groups]) + "\n")
    for pi, p in enumerate(div.partnerships):
        buf.write("\t".join([p, *(_fmt(v) for v in div.overall[:, pi])]) + "\n")
    buf.write("\n" + translate("Where the groups diverge most", lang) + "\n")
    for row in div.most_divergent(args.top):
        buf.write(
            translate(
                "{partnership} {code}: spread {spread} ({high} highest, {low} lowest)",
                lang,
                partnership=row["partnership"],
                code=row["code"],
                spread=_fmt(row["spread"]),
                high=row["high"],
                low=row["low"],
            )
            + "\n"
        )
    buf.write("\n" + translate("Engagement indicators", lang) + "\n")
    for e in engagement_indicators(answers):
        share = "" if e["share"] is None else f"{e['share']:.0%}"
        buf.write(
            f"{e['indicator']}\t{group_label(e['group'], lang)}\t{share}\t"
            f"{e['engaged']}/{e['respondents']}\n"
        )
    _stdout(buf.getvalue())
    return 0
