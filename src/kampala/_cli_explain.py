"""``kampala explain ID``: why one partnership scored what it did.

Prints, for one partnership of a portfolio (the sample by default), each
principle's score and coverage and, per criterion, the evidence, the rule
that turned it into a score, the weight and the contribution to the overall
score, and where each piece of evidence came from when the portfolio records
it. ``--format json`` gives the same as data, with the same keys in English
and Spanish.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from kampala._cli_index import read_methodology
from kampala._cli_output import add_lang, load_portfolio
from kampala._internal.cli_options import add_methodology, add_portfolio
from kampala._internal.terminal import shown_lines
from kampala._internal.terminal import write_stdout as _stdout
from kampala.errors import MethodologyError
from kampala.i18n import N_, translate
from kampala.methodology import Methodology
from kampala.scorecard import Explanation

__all__ = ["explanation_text", "register"]


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``kampala explain`` to the sub-parsers ``sub``; return its handler."""
    parser = sub.add_parser(
        "explain",
        help="explain one partnership's scores, criterion by criterion",
        description="Explain the scores of one partnership of a portfolio (the "
        "illustrative sample portfolio by default): for each criterion, the "
        "evidence and where it came from, the scoring rule, the weight and the "
        "contribution to the overall score.",
    )
    parser.add_argument("id", metavar="ID", help="the partnership's id")
    add_portfolio(parser)
    add_methodology(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_lang(parser)
    return {"explain": _cmd_explain}


def _cmd_explain(args: argparse.Namespace) -> int:
    where = "kampala explain"
    methodology = (
        read_methodology(args.methodology, where)
        if args.methodology
        else Methodology.default()
    )
    if not methodology.scorers:
        raise MethodologyError(
            where,
            "--methodology",
            methodology.id,
            "a scorecard methodology with principle scorers (such as KPS-1)",
        )
    lang = args.output_lang
    portfolio = load_portfolio(args.portfolio, command="explain")
    portfolio.index(args.id)  # an id not in the portfolio: a clear error first
    card = methodology.run(portfolio)
    explanation = card.explain(args.id, portfolio=portfolio, lang=lang)
    if args.format == "json":
        doc = explanation.to_dict()
        _stdout(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        _stdout(shown_lines(explanation_text(explanation)) + "\n")
    return 0


def explanation_text(explanation: Explanation) -> str:
    """Return the explanation as text, with each criterion's rule under it.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> from kampala._cli_explain import explanation_text
    >>> m = Methodology.default()
    >>> ex = m.run(data.sample_portfolio()).explain("PE-HEA-001", lang="es")
    >>> print(explanation_text(ex))  # doctest: +ELLIPSIS
    PE-HEA-001 — Reducción de la anemia infantil con nutrición y agricultura familiar
    puntaje global 0.845 (puesto 1); metodología KPS 1 (sha256:...)
    con la evidencia faltante: puntaje entre 0.845 y 0.845, puesto entre 1 y 6
      P1 Apropiación nacional inclusiva: 0.868 (cobertura 100%)
        P1.alignment Objetivos tomados de los planes nacionales: 1.00 con peso 0.20 ...
          regla: ...
    ...
    """
    rules = {
        c["code"]: " ".join(c["rule"].split())
        for p in explanation.principles
        for c in p["criteria"]
    }
    lines = []
    for line in str(explanation).split("\n"):
        lines.append(line)
        parts = line.split()
        if line.startswith("    ") and parts and rules.get(parts[0]):
            rule = translate(N_("rule: {rule}"), explanation.lang, rule=rules[parts[0]])
            lines.append("      " + rule)
    return "\n".join(lines)
