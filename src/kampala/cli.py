"""The ``kampala`` command line.

- ``kampala score [PORTFOLIO]`` scores a portfolio (the sample by default)
  with KPS-1 or another methodology;
- ``kampala demo`` scores the sample portfolio and explains the top and the
  bottom partnership (``--asem`` builds the ASEM example index instead);
- ``kampala validate PORTFOLIO`` lists every problem in a portfolio file;
- ``kampala import FILE.xml`` converts an IATI activity file into a portfolio
  and writes the import report;
- ``kampala report [PORTFOLIO]`` writes the portfolio report (HTML);
- ``kampala methodology`` prints the citable description of a methodology;
- ``kampala index DATA META`` builds a composite index from COINr-format CSV.

Bad input prints one clear message to standard error and exits with status
2, never a traceback; an interrupt (Ctrl-C) exits with status 130. Every
output file is written whole or not at all, and text cells of CSV output are
formula-escaped unless ``--no-formula-escape`` is given.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import attrs

from kampala import _cli_evidence as _ev
from kampala import _cli_formats as _files
from kampala import _cli_output as _out
from kampala import _cli_scale as _scale
from kampala import _cli_score_columnar as _columnar
from kampala import _cli_sensitivity as _sens
from kampala._cli_help import localise_parser
from kampala._cli_index import asem_methodology, demo_asem, read_methodology
from kampala._cli_merge import add_explain, explanations
from kampala._cli_output import format_scorecard as _format_scorecard
from kampala._cli_output import load_portfolio as _load_portfolio
from kampala._internal.atomic import atomic_open, atomic_path
from kampala._internal.cli_options import (
    add_methodology,
    add_out,
    add_portfolio,
    add_rng,
)
from kampala._internal.files import env_max_bytes
from kampala._internal.params import parse_spec
from kampala._internal.terminal import UsageError as _UsageError
from kampala._internal.terminal import add_formula_escape
from kampala._internal.terminal import check_suffix as _check_suffix
from kampala._internal.terminal import for_cli as _for_cli
from kampala._internal.terminal import one_line as _one_line
from kampala._internal.terminal import positive_int as _positive_int
from kampala._internal.terminal import shown_lines as _shown_lines
from kampala._internal.terminal import silence_stdout as _silence_stdout
from kampala._internal.terminal import write_stdout as _stdout
from kampala._internal.terminal import writing as _writing
from kampala._internal.text import new_notes
from kampala._version import __version__
from kampala.composite import aggregate as _aggregate
from kampala.errors import (
    KampalaError,
    MethodologyError,
    PortfolioValidationError,
)
from kampala.io.coinr import write_results_csv
from kampala.methodology import Methodology

__all__ = ["asem_methodology", "main"]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


#: a plain ASCII decimal number (no '1_000', no full-width digits, no 'inf')
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message}")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="kampala",
        description="Score partnerships against the Kampala Principles and build "
        "composite indices.",
    )
    parser.add_argument("--version", action="version", version=f"kampala {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    score = sub.add_parser(
        "score",
        help="score a portfolio on the Kampala Principles",
        description="Score a portfolio (JSON, JSON Lines, CSV or an IATI activity "
        "XML file; the illustrative sample portfolio by default) with KPS-1 or "
        "the methodology given.",
    )
    add_portfolio(
        score,
        "portfolio file, or a folder of Parquet/Arrow partitions (scored one "
        "by one, ranked together)",
    )
    add_methodology(score)
    score.add_argument(
        "--weights",
        metavar="CODE=W,...",
        help="weights of principles (P1..P5) or criteria (e.g. P2.progress)",
    )
    score.add_argument(
        "--aggregate",
        metavar="SPEC",
        help=f"aggregation at every level: {', '.join(_aggregate.METHODS)}",
    )
    score.add_argument(
        "--format",
        choices=("table", "csv", "json", "xlsx"),
        default=None,
        help="output format (default: table, or the format of the --out "
        "suffix .csv, .json, .xlsx, .parquet or .arrow)",
    )
    add_out(score, "write the output to FILE")
    add_formula_escape(score)
    _ev.add_score_options(score)
    add_explain(score)
    _out.add_digits(score)
    score.add_argument(
        "--country",
        metavar="CC",
        help="IATI files only: keep activities with this recipient country "
        "(ISO 3166-1 alpha-2, e.g. PE)",
    )
    _files.add_read_options(score)

    demo = sub.add_parser(
        "demo",
        help="score the sample portfolio and explain the top and bottom",
        description="Score the illustrative sample portfolio with KPS-1, print the "
        "ranked table and explain the top and the bottom partnership. With "
        "--asem, build the ASEM example index instead and print its top units.",
    )
    demo.add_argument(
        "--top",
        type=_positive_int,
        default=None,
        help="rows to print with --asem (default 10)",
    )
    demo.add_argument(
        "--asem", action="store_true", help="build the ASEM example index instead"
    )

    val = sub.add_parser(
        "validate",
        help="list every problem in a portfolio file",
        description="Read a portfolio file (JSON, JSON Lines, CSV or IATI activity "
        "XML, by suffix or content) and list every problem found; exit "
        "status 2 if there is any, 0 if the file is valid.",
    )
    add_portfolio(val, optional=False)
    _files.add_read_options(val)

    imp = sub.add_parser(
        "import",
        help="convert an IATI activity file into a portfolio",
        description="Read an IATI activity XML file (IATI Standard 2.01-2.03), "
        "print a summary of what it contained, and optionally write the "
        "portfolio (JSON, JSON Lines or CSV, by suffix) and the import report "
        "(CSV: for each activity, the fields filled and their elements, the "
        "evidence missing, and every warning).",
    )
    imp.add_argument("source", metavar="FILE.xml", help="IATI activity file")
    imp.add_argument(
        "--country", metavar="CC", help="keep activities with this recipient country"
    )
    imp.add_argument(
        "--reporting-org", metavar="REF", help="keep activities of this reporting-org"
    )
    imp.add_argument(
        "--lang",
        default=None,
        help="language of the output (en or es) and preferred language of "
        "the narratives (any code; default: the output language from "
        "$KAMPALA_LANG or the locale, narratives es)",
    )
    add_out(imp, "write the portfolio to FILE")
    imp.add_argument(
        "--report",
        metavar="FILE",
        help="write the import report (CSV, or JSON for a .json suffix)",
    )
    add_formula_escape(imp)
    _files.add_write_options(imp)

    sens = sub.add_parser(
        "sensitivity",
        help="how far can the ranking be trusted: uncertainty and Sobol indices",
        description="Uncertainty and variance-based sensitivity analysis of the "
        "Kampala scorecard of a portfolio (the sample portfolio by default). "
        "FACTOR: weights[@LEVELS]:SPREAD (e.g. weights:0.25, weights@1,2:0.1), "
        "dirichlet[@LEVEL]:CONCENTRATION, aggregation[@LEVEL]:M1,M2,..., "
        "coverage:T1,T2,..., missing (skip or count as 0), "
        "exclude:principle | exclude:criterion | exclude:CODE,CODE, "
        "scorer:P3.diversity_target=3,4,5. Default: weights:0.25 and "
        "aggregation@3:arithmetic,geometric (the overall score from the "
        "principles).",
    )
    add_portfolio(sens)
    add_methodology(sens)
    sens.add_argument(
        "--n", type=int, default=1024, help="samples, a power of 2 (default 1024)"
    )
    add_rng(sens, "random seed, an integer >= 0 (default: a fresh seed, recorded)")
    sens.add_argument(
        "--max-memory",
        metavar="SIZE",
        default=None,
        help="refuse analyses estimated to need more memory, e.g. 8GiB "
        "(default: $KAMPALA_MAX_MEMORY, else half the physical memory)",
    )
    sens.add_argument(
        "--vary", metavar="FACTOR", action="append", help="an uncertain factor"
    )
    sens.add_argument(
        "--analysis",
        choices=("uncertainty", "sobol", "both"),
        default="both",
        help="which analyses to run (default both)",
    )
    sens.add_argument("--top-k", type=int, default=10, help="k of P(top k)")
    sens.add_argument(
        "--format",
        choices=("table", "json", "xlsx"),
        default="table",
        help="printed output; xlsx prints the table and also writes the tables "
        "as sensitivity.xlsx in --out",
    )
    add_out(sens, "write tables (CSV) and figures (PNG) here", metavar="DIR")
    add_formula_escape(sens)
    _out.add_digits(sens)
    _files.add_read_options(sens)
    _scale.add_scale_options(sens)
    _sens.add_on_error(sens)

    meth = sub.add_parser(
        "methodology",
        help="print the citable description of a methodology",
        description="Print the full description of a methodology (KPS-1 by "
        "default), generated from the methodology object itself.",
    )
    add_methodology(meth)
    meth.add_argument("--weights", metavar="CODE=W,...", help="as for 'score'")
    meth.add_argument("--aggregate", metavar="SPEC", help="as for 'score'")
    meth.add_argument("--format", choices=("md", "json"), default="md")

    add_out(meth, "write the description to FILE")
    for name in _COMMAND_MODULES:
        _COMMANDS.update(importlib.import_module(name).register(sub))
    _out.add_lang_everywhere(sub)
    return parser


#: Modules that add commands of their own. Each has
#: ``register(sub: argparse._SubParsersAction) -> dict[str, Callable]``: it adds
#: its sub-parsers to ``sub`` and returns ``{command name: handler}``; a handler
#: takes the parsed arguments and returns the exit status (raise
#: ``kampala._internal.terminal.UsageError`` or a ``KampalaError`` for bad input).
_COMMAND_MODULES: tuple[str, ...] = (
    "kampala._cli_index",
    "kampala._cli_merge",
    "kampala._cli_questionnaire",
    "kampala._cli_report",
    "kampala._cli_explain",
    "kampala._cli_formats",
)


def _parse_weights(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in text.split(","):
        code, sep, value = item.partition("=")
        try:
            weight = float(value) if _NUMBER.fullmatch(value.strip()) else math.nan
        except ValueError:  # pragma: no cover - the pattern admits floats only
            weight = math.nan
        if sep and code.strip() and math.isinf(weight):
            raise _UsageError(
                f"kampala score: --weights: '{code.strip()}' must be a number "
                f"within the float range (got {value.strip()!r}): too large. "
                "Weights are relative: P1=1,P2=1 is the same as P1=1e308,P2=1e308"
            )
        if not sep or not code.strip() or not math.isfinite(weight) or weight < 0:
            raise _UsageError(
                f"kampala score: --weights: '{item}' must be CODE=WEIGHT with a "
                "number >= 0 (for example P1=2,P3=1)"
            )
        out[code.strip()] = weight
    return out


def _known_codes(methodology: Methodology, text: str) -> dict[str, float]:
    """Parse ``--weights``; match codes to the framework's, ignoring case."""
    from kampala.scoring import methodology_framework

    framework = methodology_framework(methodology)
    codes = (*framework.aggregate_codes, *framework.indicator_codes)
    by_folded = {c.casefold(): c for c in codes if c != framework.root}
    out: dict[str, float] = {}
    for code, weight in _parse_weights(text).items():
        known = by_folded.get(code.casefold())
        if known is None:
            root = framework.root
            principles = ", ".join(framework.children(root) if root else ())
            raise _UsageError(
                f"kampala score: --weights: {code!r} must be a principle "
                f"({principles}) or a criterion code such as "
                f"{framework.indicator_codes[0]} (see 'kampala methodology')"
            )
        out[known] = weight
    return out


def _evolve(
    methodology: Methodology, weights: str | None, aggregate: str | None
) -> Methodology:
    if weights is None and aggregate is None:
        return methodology
    agg = methodology.aggregate
    if agg is None:
        raise MethodologyError(
            "kampala score", "methodology", methodology.id, "one with an aggregate step"
        )
    changes: dict[str, Any] = {}
    if weights is not None:
        current = {} if isinstance(agg.weights, str) else dict(agg.weights)
        changes["weights"] = {**current, **_known_codes(methodology, weights)}
    if aggregate is not None:
        name, params = parse_spec("--aggregate", _aggregate.METHODS, aggregate)
        changes["method"] = name
        changes["params"] = params
        changes["levels"] = {}
    new_agg = attrs.evolve(agg, **changes)
    return attrs.evolve(
        methodology,
        version=f"{methodology.version}+custom",
        steps=[*methodology.steps[:-1], new_agg],
    )


def _emit(text: str, out: str | None, where: str = "kampala", lang: str = "en") -> None:
    if out is None:
        _stdout(text)
        return
    with _writing(where, "--out", out), atomic_open(out) as f:
        f.write(text)
    print(_out.wrote(out, lang), file=sys.stderr)


def _cmd_score(args: argparse.Namespace) -> int:
    methodology = (
        read_methodology(args.methodology, "kampala score")
        if args.methodology
        else Methodology.default()
    )
    if not methodology.scorers:
        raise MethodologyError(
            "kampala score",
            "--methodology",
            methodology.id,
            "a scorecard methodology with principle scorers (such as KPS-1)",
            hint="Use 'kampala index' for indicator tables.",
        )
    if _columnar.handles(args):  # a folder of partitions, or --out FILE.parquet
        methodology = _evolve(methodology, args.weights, args.aggregate)
        return _columnar.score(args, methodology, _load_portfolio)
    fmt = args.format
    if args.out:
        suffix = Path(args.out).suffix.lower()
        named = {".csv": "csv", ".json": "json", ".xlsx": "xlsx"}.get(suffix)
        if fmt is None:
            fmt = named or "table"
        elif suffix in (".csv", ".json", ".xlsx") and named != fmt:
            raise _UsageError(
                f"kampala score: --out: the suffix {suffix!r} of {args.out!r} does "
                f"not match --format {fmt}; use --format {named} or another name"
            )
        elif suffix and fmt in ("csv", "json") and suffix != f".{fmt}":
            _check_suffix("kampala score", "--out", args.out, (f".{fmt}", ".txt"))
    if fmt == "xlsx" and not args.out:
        raise _UsageError("kampala score: --format xlsx needs --out FILE.xlsx")
    methodology = _evolve(methodology, args.weights, args.aggregate)
    portfolio = _load_portfolio(args.portfolio, args.country, args=args)
    card = _ev.configure(methodology.run(portfolio), args, fmt or "table")
    if fmt == "xlsx":
        rows, columns = _out.scorecard_rows(card, args.output_lang)
        about = _out.csv_comments(
            card.methodology,
            args.digits,
            args.output_lang,
            portfolio=card.portfolio_name,
        )
        _files.write_scorecard_xlsx(
            rows,
            columns,
            args.out,
            args.formula_escape,
            args.output_lang,
            digits=args.digits,
            about=about,
        )
        return 0
    text = _format_scorecard(
        card,
        fmt or "table",
        formula_escape=args.formula_escape,
        lang=args.output_lang,
        digits=args.digits,
    )
    if args.next_evidence:
        text = _ev.next_evidence_output(card, fmt or "table", text, args.output_lang)
    text += explanations(card, portfolio, args.explain, fmt or "table")
    _emit(text, args.out, "kampala score", args.output_lang)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.top is not None and not args.asem:
        raise _UsageError("kampala demo: --top applies to --asem only")
    if args.asem:
        return demo_asem(args)
    _stdout(_out.demo_text(_load_portfolio(None), args.output_lang))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    portfolio = _load_portfolio(args.portfolio, command="validate", args=args)
    _stdout(_out.validate_text(args.portfolio, portfolio, args.output_lang))
    return 0


#: ``import_iati`` arguments and the ``kampala import`` words for them.
_IMPORT_OPTIONS = {"source": "FILE", "reporting_org": "--reporting-org"}


def _cmd_import(args: argparse.Namespace) -> int:
    from kampala.io.iati import DEFAULT_MAX_BYTES as DEFAULT_IATI
    from kampala.io.iati import import_iati
    from kampala.io.portfolio_io import write_portfolio

    where = "kampala import"
    writable = [s for f in _writable_formats() for s in f.suffixes]
    out_options: dict[str, Any] = {}
    if args.out:
        suffix = Path(args.out).suffix.lower()
        if suffix not in writable:
            raise _UsageError(
                f"{where}: --out: the suffix {suffix or '(none)'!r} of {args.out!r} "
                f"must be {', '.join(writable)} (the portfolio format is taken "
                "from it)"
            )
        out_format = next(f for f in _writable_formats() if suffix in f.suffixes)
        out_options = _files.write_options(args, out_format, "import")
    elif any(getattr(args, k) is not None for k in ("sep", "decimal", "encoding")):
        raise _UsageError(f"{where}: --sep, --decimal and --encoding need --out")
    if args.report:
        _check_suffix(where, "--report", args.report, (".csv", ".json"))
    try:
        result = import_iati(
            args.source,
            country=args.country,
            reporting_org=args.reporting_org,
            lang=args.lang or "es",
            max_bytes=env_max_bytes(default=DEFAULT_IATI),
        )
    except KampalaError as exc:
        if getattr(exc, "where", None) != "import_iati()":
            raise
        option = _IMPORT_OPTIONS.get(exc.field, f"--{exc.field}")
        raise _UsageError(
            _one_line(f"{where}: {str(exc).split(': ', 1)[1]}").replace(
                f"'{exc.field}'", f"'{option}'", 1
            )
        ) from exc
    with contextlib.ExitStack() as stack:  # both files appear, or neither
        if args.out:
            with _writing(where, "--out", args.out):
                part = stack.enter_context(atomic_path(args.out))
                # write_portfolio is atomic too: it renames onto ``part``
                write_portfolio(
                    result.portfolio,
                    part,
                    format=_format_of(args.out),
                    formula_escape=args.formula_escape,
                    **out_options,
                )
        if args.report:
            rows = result.report.to_rows()
            with _writing(where, "--report", args.report):
                f = stack.enter_context(atomic_open(args.report))
                if Path(args.report).suffix.lower() == ".json":
                    f.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
                else:
                    write_results_csv(
                        f,
                        rows,
                        ["activity", "position", "status", "field", "detail"],
                        formula_escape=args.formula_escape,
                    )
        with _writing(where, "--out", args.out or args.report or ""):
            stack.close()
    _stdout(_shown_lines(result.report.summary(args.output_lang)) + "\n")
    for path in (args.out, args.report):
        if path:
            print(_out.wrote(path, args.output_lang), file=sys.stderr)
    return 0


def _writable_formats() -> list[Any]:
    from kampala.io.formats import available_formats, get_format

    return [f for f in map(get_format, available_formats()) if f.write is not None]


def _format_of(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return str(next(f.name for f in _writable_formats() if suffix in f.suffixes))


def _cmd_methodology(args: argparse.Namespace) -> int:
    from kampala.describe import describe, to_markdown

    methodology = (
        read_methodology(args.methodology, "kampala methodology")
        if args.methodology
        else Methodology.default()
    )
    methodology = _evolve(methodology, args.weights, args.aggregate)
    if args.format == "json":
        text = json.dumps(describe(methodology), indent=2, ensure_ascii=False) + "\n"
    else:
        text = to_markdown(methodology, lang=args.output_lang)
    _emit(text, args.out, lang=args.output_lang)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from kampala import sensitivity as sa
    from kampala.sensitivity import _command

    methodology = (
        read_methodology(args.methodology, "kampala sensitivity")
        if args.methodology
        else Methodology.default()
    )
    portfolio = _load_portfolio(args.portfolio, command="sensitivity", args=args)
    if args.format == "xlsx" and not args.out:
        raise _UsageError("kampala sensitivity: --format xlsx needs --out DIR")
    # every option is checked (designs drawn, memory estimated) first
    plan = _command.plan(args, methodology, portfolio)
    progress = _sens.progress_bar()
    ua = sobol = None
    with _scale.executor_from_args(args, "kampala sensitivity") as executor:
        if args.analysis in ("uncertainty", "both"):
            ua = sa.uncertainty_analysis(
                methodology, portfolio, plan.spec, n=plan.n, top_k=args.top_k,
                progress=progress, rng=plan.seed, max_memory=args.max_memory,
                executor=executor, on_error=args.on_error,
            )  # fmt: skip
        if args.analysis in ("sobol", "both"):
            sobol = sa.sensitivity_analysis(
                methodology, portfolio, plan.spec, n=plan.n_base, progress=progress,
                rng=plan.seed, max_memory=args.max_memory, executor=executor,
                on_error=args.on_error,
            )  # fmt: skip
    if args.format == "json":
        doc = {
            "uncertainty": None if ua is None else ua.to_dict(),
            "sobol": None if sobol is None else sobol.to_dict(),
        }
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    else:
        lang = args.output_lang
        text = (_command.uncertainty_table(ua, lang) if ua is not None else "") + (
            _command.sobol_table(sobol, lang) if sobol is not None else ""
        )
    if args.out:  # written before anything is printed: a failure prints nothing
        _sens.write_sensitivity(
            Path(args.out), ua, sobol, args.formula_escape,
            digits=args.digits, lang=args.output_lang, xlsx=args.format == "xlsx",
        )  # fmt: skip
    _stdout(text)
    if args.out:
        print(_out.wrote_folder(args.out, args.output_lang), file=sys.stderr)
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "score": _cmd_score,
    "demo": _cmd_demo,
    "validate": _cmd_validate,
    "import": _cmd_import,
    "methodology": _cmd_methodology,
    "sensitivity": _cmd_sensitivity,
}


def _portfolio_problems(exc: PortfolioValidationError, lang: str = "en") -> str:
    """One line for one problem (file, location, record, field); else a list."""
    if len(exc.exceptions) != 1:
        return _out.problems_text(exc, lang)
    (problem,) = exc.exceptions
    message = _out.error_message(problem, lang)
    notes = " ".join(
        new_notes(
            message,
            [
                _out.translate_known(str(n), lang)
                for n in getattr(problem, "__notes__", ())
            ],
        )
    )
    where = f"{exc.source}, {notes}" if notes else exc.source
    return _one_line(f"{where}: {message}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    The ``kampala`` command calls ``main()``; a program can call it with the
    arguments it would type:

    >>> from kampala.cli import main
    >>> from kampala.data import sample_portfolio_path
    >>> main(["validate", str(sample_portfolio_path())])  # doctest: +ELLIPSIS
    /...sample_portfolio.json: valid — 48 partnerships, 214 actors
    0

    Bad input prints one line to standard error and returns 2:

    >>> main(["validate", "no-such-file.json"])
    2
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return _interrupted()


def _interrupted() -> int:
    with contextlib.suppress(OSError, ValueError):
        print("kampala: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    lang = _out.argv_lang(sys.argv[1:] if argv is None else argv)
    parser = localise_parser(_build_parser(), lang)
    try:
        try:
            args = parser.parse_args(argv)
        except SystemExit as exc:  # --help and --version: printed, status 0
            _stdout("")  # flush: a full disk is an error, not a success
            return exc.code if isinstance(exc.code, int) else EXIT_USAGE
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        lang = args.output_lang = _out.output_lang(args)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            status = _COMMANDS[args.command](args)
        for message in dict.fromkeys(_out.warning_text(w, lang) for w in caught):
            print(_one_line(message), file=sys.stderr)
        return status
    except _UsageError as exc:
        print(_one_line(_out.usage_text(exc, lang)), file=sys.stderr)
        return EXIT_USAGE
    except PortfolioValidationError as exc:
        print(f"kampala: error: {_portfolio_problems(exc, lang)}", file=sys.stderr)
        return EXIT_USAGE
    except KampalaError as exc:
        print(f"kampala: error: {_one_line(_for_cli(exc, lang))}", file=sys.stderr)
        return EXIT_USAGE
    except json.JSONDecodeError as exc:  # pragma: no cover - wrapped upstream
        print(f"kampala: error: invalid JSON: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ImportError as exc:  # an optional extra is missing
        print(f"kampala: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        # stdout was closed early; silence the flush at exit as well
        _silence_stdout()
        return 0


#: Python-only wording in messages, and what the command line calls it.


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
