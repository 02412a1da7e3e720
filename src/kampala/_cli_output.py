"""What the scorecard commands print and write, in English or Spanish.

``kampala score``, ``demo`` and ``validate`` format their output here; the
options every command shares (``--lang``, ``--digits``) are declared here
too. Every sentence goes through the catalogue (`kampala.i18n`); column
names of CSV and keys of JSON output are the same in every language, so that
programs reading them do not depend on it.
"""

from __future__ import annotations

import argparse
import functools
import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kampala import _cli_evidence as _ev
from kampala import _cli_formats as _files
from kampala._internal.files import check_regular_file, env_max_bytes
from kampala._internal.terminal import UsageError, wrote, wrote_folder
from kampala._internal.terminal import shown as _shown
from kampala._internal.text import new_notes
from kampala._version import __version__
from kampala.errors import KampalaError, PortfolioValidationError
from kampala.i18n import (
    LANGUAGES,
    N_,
    Lang,
    error_message,
    ntranslate,
    resolve_lang,
    translate,
)
from kampala.io.coinr import write_results_csv
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.scorecard import Scorecard

__all__ = [
    "DEFAULT_DIGITS",
    "add_digits",
    "add_lang",
    "add_lang_everywhere",
    "argv_lang",
    "csv_comments",
    "demo_text",
    "env_lang",
    "error_message",
    "format_scorecard",
    "load_portfolio",
    "output_lang",
    "problems_text",
    "translate_known",
    "usage_text",
    "validate_text",
    "warning_text",
    "wrote",
    "wrote_folder",
]

#: Decimal places of the scores in CSV output unless ``--digits`` says otherwise.
DEFAULT_DIGITS = 4

_LANG_HELP = N_(
    "language of the output: en or es (default: $KAMPALA_LANG, else the locale)"
)


def add_lang(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang {en,es}`` (the language of the output) to ``parser``."""
    parser.add_argument(
        "--lang", choices=LANGUAGES, type=str.lower, default=None, help=_LANG_HELP
    )


def add_lang_everywhere(sub: Any) -> None:
    """Give every command of ``sub`` that has no ``--lang`` of its own one."""
    for parser in dict.fromkeys(sub.choices.values()):
        if "--lang" not in parser._option_string_actions:
            add_lang(parser)


def output_lang(args: argparse.Namespace) -> Lang:
    """Return the language of a command's output: ``--lang``, else the environment."""
    lang = getattr(args, "lang", None)
    if args.command == "import" and lang is not None and lang not in LANGUAGES:
        lang = None  # 'import --lang fr' chooses the narrative language only
    return resolve_lang(lang)


def _digits(text: str) -> int | None:
    if text.strip().lower() in ("full", "all"):
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 17:
        raise argparse.ArgumentTypeError(
            f"must be an integer from 0 to 17, or 'full' (got {text!r})"
        )
    return value


def add_digits(parser: argparse.ArgumentParser) -> None:
    """Add ``--digits N|full`` (decimal places of scores in CSV output)."""
    parser.add_argument(
        "--digits",
        type=_digits,
        default=DEFAULT_DIGITS,
        metavar="N",
        help=f"decimal places of the scores in CSV output (default "
        f"{DEFAULT_DIGITS}; 'full' writes every digit)",
    )


def csv_comments(
    methodology: object,
    digits: int | None,
    lang: str,
    *,
    portfolio: str | None = None,
    missing: str = "",
) -> list[str]:
    """Return the ``#`` lines at the top of a CSV export: provenance, rounding.

    Examples
    --------
    >>> from kampala._cli_output import csv_comments
    >>> csv_comments("KPS 1 (sha256:44bbc2f364f1)", 4, "es")[1]
    'puntajes redondeados a 4 decimales; una celda vacía es un puntaje faltante'
    """
    first = translate(
        N_("kampala {version}; methodology {methodology}"),
        lang,
        version=__version__,
        methodology=methodology,
    )
    if portfolio is not None:
        first += "; " + translate(
            N_("portfolio {portfolio}"), lang, portfolio=portfolio
        )
    rounding = (
        translate(N_("scores rounded to {digits} decimal places"), lang, digits=digits)
        if digits is not None
        else translate(N_("scores at full precision"), lang)
    )
    empty = N_("an empty cell is a missing score")
    cell = empty if missing == "" else N_("NA is a missing score")
    return [first, rounding + "; " + translate(cell, lang)]


def format_scorecard(
    card: Scorecard,
    fmt: str,
    *,
    formula_escape: bool = True,
    lang: str | None = None,
    digits: int | None = DEFAULT_DIGITS,
) -> str:
    """Format the scorecard as a table for a terminal, CSV or JSON.

    CSV: scores rounded to ``digits`` places (None: full precision), missing
    scores as empty cells, and two ``#`` comment lines first with the kampala
    version, the methodology and the portfolio. JSON: full precision, keys
    the same in every language.
    """
    lang = resolve_lang(lang)
    if fmt == "json":
        return card.to_json(lang=lang) + "\n"
    rows, columns = scorecard_rows(card, lang)
    if fmt == "csv":
        return results_csv(
            rows,
            columns,
            card.methodology,
            card.portfolio_name,
            formula_escape=formula_escape,
            digits=digits,
            lang=lang,
        )
    return _scorecard_table(card, rows, [p.code for p in card.principles], lang)


def results_csv(
    rows: list[dict[str, Any]],
    columns: list[str],
    methodology: object,
    portfolio: str,
    *,
    formula_escape: bool = True,
    digits: int | None = DEFAULT_DIGITS,
    lang: str = "en",
) -> str:
    """Return scorecard rows as the CSV text of ``kampala score``.

    Scores rounded to ``digits`` places (None: full precision), missing
    scores as empty cells, two ``#`` comment lines first (kampala version,
    methodology and portfolio; the rounding).
    """
    buf = io.StringIO()
    write_results_csv(
        buf,
        rows,
        columns,
        formula_escape=formula_escape,
        digits=digits,
        missing="",
        comments=csv_comments(methodology, digits, lang, portfolio=portfolio),
    )
    return buf.getvalue()


def scorecard_rows(
    card: Scorecard, lang: str | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Return the scorecard's rows and columns as CSV and workbooks write them.

    Flags are joined with ``; ``, the basis with spaces.
    """
    codes = [p.code for p in card.principles]
    return table_rows(card.table(lang=lang), codes)


def table_rows(
    rows: list[dict[str, Any]], codes: list[str]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Return rows of `Scorecard.table` (or alike) ready for CSV, and the columns."""
    for row in rows:
        row["flags"] = "; ".join(row["flags"])
        row["basis"] = " ".join(row["basis"])
    columns = [
        "rank",
        "id",
        "title",
        *codes,
        "overall",
        *(f"{c}_coverage" for c in codes),
        *_ev.bound_columns(codes),
        "flags",
    ]
    return rows, columns


def _scorecard_table(
    card: Scorecard, rows: list[dict[str, Any]], codes: list[str], lang: Lang
) -> str:
    rows = [{**r, "id": _shown(r["id"]), "title": _shown(r["title"])} for r in rows]
    id_w = max([2, *(len(r["id"]) for r in rows)])
    title_w = 34
    rank_h, title_h, overall_h, range_h, ranks_h, flags_h = (
        translate(h, lang)
        for h in (
            N_("rank"),
            N_("title"),
            N_("overall"),
            N_("range"),
            N_("ranks"),
            N_("flags"),
        )
    )
    rank_w = max(4, len(rank_h))
    head = f"{rank_h:>{rank_w}}  {'id':<{id_w}}  {title_h:<{title_w}}"
    head += "".join(f"  {c:>5}" for c in codes) + f"  {overall_h:>7}"
    head += f"  {range_h:>9}  {ranks_h:>5}  {flags_h}"
    lines = [
        translate(
            N_("{portfolio} — methodology {methodology} — kampala {version}"),
            lang,
            portfolio=_shown(card.portfolio_name),
            methodology=card.methodology,
            version=card.kampala_version,
        ),
        head.rstrip(),
    ]
    for r in rows:
        rank = "-" if r["rank"] is None else str(r["rank"])
        title = (
            r["title"]
            if len(r["title"]) <= title_w
            else r["title"][: title_w - 1] + "…"
        )
        line = f"{rank:>{rank_w}}  {r['id']:<{id_w}}  {title:<{title_w}}"
        for c in codes:
            v = r[c]
            line += f"  {'—':>5}" if v is None else f"  {v:5.2f}"
        overall = r["overall"]
        line += f"  {'—':>7}" if overall is None else f"  {overall:7.3f}"
        line += _ev.interval_cells(r)
        flags = r["flags"]
        if flags:
            line += f"  {_shown(flags)}"
        lines.append(line)
    lines.append(
        translate(
            N_(
                "Scores in [0, 1]; — = insufficient evidence (coverage below "
                "{minimum}). KPS is kampala's own methodology, not an official "
                "GPEDC score."
            ),
            lang,
            minimum=f"{card.min_coverage:.0%}",
        )
    )
    lines.append(_ev.legend(card, lang))
    return "\n".join(lines) + "\n"


def demo_text(portfolio: Portfolio, lang: Lang) -> str:
    """Return what ``kampala demo`` prints: table, top and bottom, robustness."""
    card = Methodology.default().run(portfolio)
    out = io.StringIO()
    out.write(
        translate(
            N_(
                "Illustrative sample portfolio (fictional partnerships) scored "
                "with KPS-1, kampala's own methodology (not an official GPEDC "
                "score)."
            ),
            lang,
        )
        + "\n\n"
    )
    out.write(format_scorecard(card, "table", lang=lang))
    ranked = [r for r in card.table(lang=lang) if r["rank"] is not None]
    if ranked:
        for label, row in (
            (N_("Top partnership:"), ranked[0]),
            (N_("Bottom partnership:"), ranked[-1]),
        ):
            out.write("\n" + translate(label, lang) + "\n")
            ex = card.explain(row["id"], portfolio=portfolio, lang=lang)
            out.write(str(ex) + "\n")
    out.write("\n" + _robustness_summary(portfolio, lang))
    return out.getvalue()


def _robustness_summary(portfolio: Portfolio, lang: Lang) -> str:
    from kampala import sensitivity as sa

    spec = sa.UncertaintySpec(
        factors=[
            sa.WeightNoise(levels=2, spread=0.25),
            sa.aggregation_choice(["arithmetic", "geometric"], level=3),
        ]
    )
    ua = sa.uncertainty_analysis(
        Methodology.default(), portfolio, spec, n=512, top_k=5, rng=2019
    )
    rows = [r for r in ua.table() if r["nominal_rank"] is not None]
    stable = [r for r in rows if r["rank_p95"] - r["rank_p5"] <= 2]
    shaky = sorted(rows, key=lambda r: -(r["rank_p95"] - r["rank_p5"]))[:5]
    none = translate(N_("none"), lang)
    lines = [
        translate(
            N_(
                "Robustness (512 samples: principle weights ±25 %, overall score "
                "by arithmetic or geometric mean of the principles):"
            ),
            lang,
        ),
        translate(
            N_("  mean absolute rank shift {shift} places"),
            lang,
            shift=f"{ua.mean_rank_shift:.1f}",
        ),
        translate(
            N_("  stable ({share} of ranks within 2 places): {ids}"),
            lang,
            share="90 %",
            ids=", ".join(r["unit"] for r in stable[:12]) or none,
        ),
        translate(
            N_("  least stable: {ids}"),
            lang,
            ids=", ".join(
                translate(
                    N_("{id} (nominal {nominal}, {low}-{high})"),
                    lang,
                    id=r["unit"],
                    nominal=f"{r['nominal_rank']:.0f}",
                    low=f"{r['rank_p5']:.0f}",
                    high=f"{r['rank_p95']:.0f}",
                )
                for r in shaky
            ),
        ),
        translate(
            N_("  top 5 in every sample: {ids}"),
            lang,
            ids=", ".join(r["unit"] for r in rows if r["p_top_5"] == 1.0) or none,
        ),
    ]
    return "\n".join(lines) + "\n"


def validate_text(path: str, portfolio: Portfolio, lang: Lang) -> str:
    """Return what ``kampala validate`` prints for a valid portfolio."""
    return (
        translate(
            N_("{file}: valid — {partnerships}, {actors}"),
            lang,
            file=_shown(path),
            partnerships=ntranslate(
                "{n} partnership", "{n} partnerships", len(portfolio), lang
            ),
            actors=ntranslate(
                "{n} actor",
                "{n} actors",
                int(portfolio.actor_column("partnership").size),
                lang,
            ),
        )
        + "\n"
    )


def env_lang() -> Lang:
    """Return the language of the environment (English if it names another)."""
    try:
        return resolve_lang(None)
    except KampalaError:
        return "en"


def argv_lang(argv: Sequence[str]) -> Lang:
    """Return the language an argument list asks for, before it is parsed.

    So that an error in the arguments themselves is worded in the language
    asked for: ``--lang es`` or ``--lang=es``, else the environment.

    Examples
    --------
    >>> from kampala._cli_output import argv_lang
    >>> argv_lang(["score", "--format", "xx", "--lang", "es"])
    'es'
    """
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value is not None and value.strip().lower() in LANGUAGES:
            return resolve_lang(value)
    return env_lang()


def problems_text(exc: PortfolioValidationError, lang: str) -> str:
    """Return every problem of a portfolio, one per line, in ``lang``."""
    if lang == "en":
        return str(exc)
    lines = [
        ntranslate(
            "{source}: {n} problem",
            "{source}: {n} problems",
            len(exc.exceptions),
            lang,
            source=exc.source,
        )
    ]
    for err in exc.exceptions:
        message = error_message(err, lang)
        notes = [translate_known(str(n), lang) for n in getattr(err, "__notes__", ())]
        notes = new_notes(message, notes)
        suffix = f" [{'; '.join(notes)}]" if notes else ""
        lines.append(f"  {message}{suffix}")
    return "\n".join(lines)


def warning_text(caught: warnings.WarningMessage, lang: str) -> str:
    """Word a warning for standard error: ``warning: ...`` in ``lang``."""
    message = caught.message
    text = (
        error_message(message, lang)
        if isinstance(message, BaseException)
        else str(message)
    )
    return translate(
        N_("warning: {message}"), lang, message=translate_known(text, lang)
    )


def usage_text(exc: BaseException, lang: str) -> str:
    """Return a usage error's message in ``lang`` (where the catalogue has it)."""
    return translate_known(str(exc), lang)


def load_portfolio(
    path: str | None,
    country: str | None = None,
    command: str = "score",
    args: argparse.Namespace | None = None,
) -> Portfolio:
    """Read a portfolio in any registered format (by suffix, else content).

    None reads the illustrative sample portfolio. ``args`` carries the input
    file options (``--sep``, ``--decimal``, ``--encoding``, ``--sheet``).
    """
    from kampala.data import sample_portfolio
    from kampala.io.formats import detect_format

    if path is None:
        return sample_portfolio()
    check_regular_file(Path(path), "kampala " + command, "portfolio", env_max_bytes())
    fmt = detect_format(path)
    options = {} if args is None else _files.read_options(args, fmt, command)
    if country is None:
        return fmt.read(Path(path), **options)
    if "country" not in fmt.options:
        raise UsageError(f"kampala {command}: --country applies to IATI XML files only")
    return fmt.read(Path(path), country=country, **options)


#: Messages the command line prints that are built as text (usage errors,
#: argparse's errors, warnings): their English templates. A message that
#: matches one is printed with the Spanish template and the same values.
_KNOWN: tuple[str, ...] = (
    # kampala's own usage errors
    N_("kampala {command}: --country applies to IATI XML files only"),
    N_("kampala demo: --top applies to --asem only"),
    N_(
        "kampala score: --weights: {item} must be CODE=WEIGHT with a number >= 0 "
        "(for example P1=2,P3=1)"
    ),
    N_(
        "kampala score: --weights: {code} must be a principle ({principles}) or a "
        "criterion code such as {example} (see 'kampala methodology')"
    ),
    N_(
        "kampala score: --out: the suffix {suffix} of {path} does not match "
        "--format {fmt}; use --format {named} or another name"
    ),
    N_(
        "{where}: {option}: the suffix {suffix} of {path} must be {allowed} (or "
        "none); kampala does not write {kind} files here"
    ),
    N_(
        "{where}: --out: the suffix {suffix} of {path} must be {allowed} (the "
        "portfolio format is taken from it)"
    ),
    N_("{where}: cannot write {path} ({option}): {reason}; no output file was changed"),
    N_("kampala: cannot write to standard output: {reason}"),
    # argparse's errors (argparse has no Spanish of its own)
    N_("{prog}: the following arguments are required: {names}"),
    N_("{prog}: unrecognized arguments: {names}"),
    N_("{prog}: argument {option}: invalid choice: {value} (choose from {choices})"),
    N_("{prog}: argument {option}: expected one argument"),
    N_("{prog}: argument {option}: invalid {kind} value: {value}"),
    N_("{prog}: argument {option}: {message}"),
    N_("{prog}: ambiguous option: {option} could match {matches}"),
    N_("{prog}: one of the arguments {names} is required"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("not allowed with argument {option}"),
    N_("ignored explicit argument {value}"),
    N_("must be an integer >= 1 (got {value})"),
    N_("must be an integer from 0 to 17, or 'full' (got {value})"),
    # where a problem is (notes of portfolio errors)
    N_("record {n}"),
    N_("records {rows}"),
    N_("line {n}"),
    # warnings
    N_(
        "sobol_indices(): non-finite model values (NaN or inf) for {outputs}. "
        "Their indices are NaN."
    ),
    N_(
        "sobol_indices(): no variance on the base samples A and B (a constant "
        "output) for {outputs}. There is no variance to apportion; their indices "
        "are NaN."
    ),
    N_(
        "sobol_indices(): constant bootstrap resamples of A and B for {outputs}. "
        "They are left out of the intervals (NaN when fewer than 2 remain); "
        "increase n."
    ),
    N_("{n} output(s) ({names})"),
    N_(
        "{where}: composite score 0 for unit(s) {units}; their elasticities are "
        "undefined and set to NaN."
    ),
    N_(
        "{name}: partnership ids {first} and {second} look alike (they differ in "
        "case, width or script). Check that they are two partnerships."
    ),
    N_(
        "normalise(): indicator {code} {why}; its normalised values are missing "
        "(NaN) and aggregation will skip them."
    ),
    N_("has no spread (constant or without data)"),
    N_("has fewer than two values"),
    N_("has its target at or below its minimum"),
    N_("has fewer than two distinct values"),
    N_(
        "Impute(): {n} value(s) stay missing after {method} imputation, first for "
        "unit {unit} and indicator {code} (no value to impute from)."
    ),
    N_(
        "Denominate(): denominator {name} is zero or missing for units {units} of "
        "indicator {code}; those values become missing."
    ),
)

_FIELD = re.compile(r"\{([a-z_]+)\}")


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for template in _KNOWN:
        parts = _FIELD.split(template)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
            for i, part in enumerate(parts)
        )
        out.append((re.compile(f"^{regex}$", re.DOTALL), template))
    return tuple(out)


def translate_known(text: str, lang: str, depth: int = 0) -> str:
    """Translate a message built as text by matching it to a known template.

    Examples
    --------
    >>> from kampala._cli_output import translate_known
    >>> translate_known("kampala demo: --top applies to --asem only", "es")
    'kampala demo: --top se aplica solo con --asem'
    >>> translate_known("a message with no template", "es")
    'a message with no template'
    """
    if lang == "en":
        return text
    catalogued = translate(text, lang)
    if catalogued != text:
        return catalogued
    for pattern, template in _patterns():
        m = pattern.match(text)
        if m:
            fields = m.groupdict()
            if depth < 2:
                fields = {
                    k: translate_known(v, lang, depth + 1) for k, v in fields.items()
                }
            return translate(template, lang, **fields)
    return text
