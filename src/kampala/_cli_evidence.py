"""Command-line options on missing evidence, for ``kampala score`` and ``demo``.

- ``--next-evidence`` lists the evidence to collect next (table and JSON
  output);
- ``--rank-flag-width N`` flags a partnership whose rank could move by more
  than N places with the missing evidence (default 10);
- ``--lang`` gives flags and notes in English or Spanish.

The table gets two columns, the interval of the overall score and of the
rank that the missing evidence leaves (`kampala.evidence`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import attrs

from kampala._internal.cli_options import add_lang
from kampala._internal.terminal import UsageError
from kampala.i18n import translate
from kampala.scorecard import Scorecard

__all__ = [
    "add_score_options",
    "bound_columns",
    "configure",
    "interval_cells",
    "legend",
    "next_evidence_output",
]


def _non_negative_int(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be an integer >= 0 (got {text!r})")
    return int(text)


def add_score_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--next-evidence``, ``--rank-flag-width`` and ``--lang`` to a parser.

    Examples
    --------
    >>> import argparse
    >>> from kampala._cli_evidence import add_score_options
    >>> p = argparse.ArgumentParser()
    >>> add_score_options(p)
    >>> p.parse_args(["--next-evidence", "--rank-flag-width", "5"])
    Namespace(next_evidence=True, rank_flag_width=5, lang='en')
    """
    parser.add_argument(
        "--next-evidence",
        action="store_true",
        help="list the evidence to collect next: for the portfolio, the criteria "
        "whose collection would most reduce rank uncertainty (table and json)",
    )
    parser.add_argument(
        "--rank-flag-width",
        metavar="N",
        type=_non_negative_int,
        default=10,
        help="flag a partnership whose rank could move by more than N places "
        "with the missing evidence (default 10)",
    )
    add_lang(parser, "language of flags and notes (default en)", default="en")


def configure(card: Scorecard, args: argparse.Namespace, fmt: str) -> Scorecard:
    """Apply the options to a scorecard; refuse ``--next-evidence`` with CSV.

    Examples
    --------
    >>> import argparse
    >>> from kampala import Methodology, data
    >>> from kampala._cli_evidence import configure
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> args = argparse.Namespace(rank_flag_width=3, next_evidence=False)
    >>> configure(card, args, "table").rank_flag_width
    3
    """
    if args.next_evidence and fmt == "csv":
        raise UsageError(
            "kampala score: --next-evidence applies to table and json output "
            "(got --format csv)"
        )
    return attrs.evolve(card, rank_flag_width=args.rank_flag_width)


def bound_columns(codes: list[str]) -> list[str]:
    """CSV columns of the bounds, after the coverage columns.

    Examples
    --------
    >>> from kampala._cli_evidence import bound_columns
    >>> bound_columns(["P1"])
    ['P1_low', 'P1_high', 'overall_low', 'overall_high', 'rank_best', 'rank_worst', 'basis']
    """  # noqa: E501 (a doctest output line)
    cols = [f"{c}_{end}" for c in codes for end in ("low", "high")]
    return [*cols, "overall_low", "overall_high", "rank_best", "rank_worst", "basis"]


def _span(low: Any, high: Any, fmt: str) -> str:
    if low is None or high is None:
        return "—"
    return f"{low:{fmt}}–{high:{fmt}}"  # noqa: RUF001 (the en dash of a range)


def interval_cells(row: dict[str, Any]) -> str:
    """Return the table's interval columns for one row: score and rank range.

    Examples
    --------
    >>> from kampala._cli_evidence import interval_cells
    >>> interval_cells({"overall_low": 0.66, "overall_high": 0.866,
    ...                 "rank_best": 1, "rank_worst": 28})
    '  0.66–0.87   1–28'
    """  # noqa: RUF002 (the en dash of a range)
    score = _span(row["overall_low"], row["overall_high"], ".2f")
    ranks = _span(row["rank_best"], row["rank_worst"], "d")
    return f"  {score:>9}  {ranks:>5}"


def legend(card: Scorecard, lang: str | None) -> str:
    """Return the note under the table on what the interval columns mean.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> from kampala._cli_evidence import legend
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> print(legend(card, "en"))  # doctest: +ELLIPSIS
    with missing evidence: the range of the overall score and of the rank ...
    """
    return translate(
        "with missing evidence: the range of the overall score and of the rank "
        "if the missing criteria were documented (each anywhere on its scale); "
        "a rank that could move by more than {width} places is flagged.",
        lang,
        width=card.rank_flag_width,
    )


def next_evidence_output(card: Scorecard, fmt: str, text: str, lang: str | None) -> str:
    """Add the evidence to collect next to the table or JSON text.

    Examples
    --------
    >>> import json
    >>> from kampala import Methodology, data
    >>> from kampala._cli_evidence import next_evidence_output
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> out = next_evidence_output(card, "json", card.to_json(), "en")
    >>> json.loads(out)["next_evidence"]["portfolio"][0]["code"]
    'P2.country_indicators'
    """
    nxt = card.next_evidence()
    if fmt == "json":
        data = json.loads(text)
        data["next_evidence"] = nxt.to_dict()
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return text + "\n" + nxt.to_text(top=None, lang=lang) + "\n"
