"""``kampala index``: build a composite index from COINr-format CSV files.

Also the ASEM example of ``kampala demo --asem`` and the reading of
``--methodology`` files shared by several commands.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from kampala._cli_output import add_digits, csv_comments
from kampala._internal.atomic import atomic_open
from kampala._internal.cli_options import add_out
from kampala._internal.files import env_max_bytes, read_input_text
from kampala._internal.params import parse_spec
from kampala._internal.terminal import UsageError as _UsageError
from kampala._internal.terminal import add_formula_escape
from kampala._internal.terminal import check_suffix as _check_suffix
from kampala._internal.terminal import shown as _shown
from kampala._internal.terminal import write_stdout as _stdout
from kampala._internal.terminal import writing as _writing
from kampala.composite import aggregate as _aggregate
from kampala.composite import impute as _impute
from kampala.composite import normalise as _normalise
from kampala.composite import screen as _screen
from kampala.composite import treat as _treat
from kampala.composite.aggregate import Aggregate
from kampala.composite.denominate import Denominate
from kampala.composite.impute import Impute
from kampala.composite.normalise import Normalise
from kampala.composite.screen import Screen
from kampala.composite.treat import Treat
from kampala.composite_result import CompositeResult
from kampala.data import asem_paths
from kampala.errors import MethodologyError
from kampala.i18n import N_, translate
from kampala.io.coinr import read_coinr, write_results_csv
from kampala.methodology import Methodology
from kampala.steps import steps_in_canonical_order

__all__ = [
    "add_step_options",
    "asem_methodology",
    "demo_asem",
    "print_table",
    "read_methodology",
    "register",
    "steps_from_args",
]


def register(sub: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``kampala index`` to the sub-parsers ``sub``; return its handler."""
    idx = sub.add_parser(
        "index",
        help="build a composite index from COINr-format CSV files",
        description="Build a composite index from an iData and an iMeta CSV file. "
        "The steps named run in the canonical order denominate, impute, screen, "
        "treat, normalise, aggregate. With no step named: --normalise "
        "min-max:0,100 --aggregate arithmetic. SPEC is NAME or NAME:P1,P2,...",
    )
    idx.add_argument("data", metavar="DATA", help="iData CSV (one row per unit)")
    idx.add_argument("meta", metavar="META", help="iMeta CSV (indicators, aggregates)")
    add_step_options(idx)
    idx.add_argument(
        "--methodology",
        metavar="FILE",
        help="run the steps of a methodology JSON file (instead of step options)",
    )
    idx.add_argument(
        "--save-methodology",
        metavar="FILE",
        help="write the methodology that was run to FILE as JSON",
    )
    add_out(idx, "write all aggregate scores as CSV")
    add_formula_escape(idx)
    add_digits(idx)

    return {"index": _cmd_index}


def add_step_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--denominate",
        action="store_true",
        help="divide indicators by their iMeta Denominator",
    )
    p.add_argument(
        "--impute",
        metavar="SPEC",
        help=f"imputation: {', '.join(_impute.METHODS)} (group-mean:GROUP)",
    )
    p.add_argument(
        "--screen",
        metavar="SPEC",
        help="drop units with a data availability below THRESHOLD, e.g. 0.9",
    )
    p.add_argument(
        "--treat",
        metavar="SPEC",
        help="outlier treatment: winsorise:POINTS[,SKEW,KURTOSIS,LOG] or none",
    )
    p.add_argument(
        "--normalise",
        metavar="SPEC",
        help=f"normalisation: {', '.join(_normalise.METHODS)}",
    )
    p.add_argument(
        "--aggregate",
        metavar="SPEC",
        help=f"aggregation: {', '.join(_aggregate.METHODS)}",
    )


def steps_from_args(args: argparse.Namespace) -> list[Any]:
    steps: list[Any] = []
    if args.denominate:
        steps.append(Denominate())
    if args.impute:
        name, params = parse_spec("--impute", _impute.METHODS, args.impute)
        steps.append(Impute(method=name, params=params))
    if args.screen:
        spec = args.screen
        if not spec.startswith("availability"):
            spec = f"availability:{spec}"
        name, params = parse_spec("--screen", _screen.METHODS, spec)
        steps.append(Screen(method=name, params=params))
    if args.treat:
        name, params = parse_spec("--treat", _treat.METHODS, args.treat)
        steps.append(Treat(method=name, params=params))
    if args.normalise:
        name, params = parse_spec("--normalise", _normalise.METHODS, args.normalise)
        steps.append(Normalise(method=name, params=params))
    if args.aggregate:
        name, params = parse_spec("--aggregate", _aggregate.METHODS, args.aggregate)
        steps.append(Aggregate(method=name, params=params))
    if not steps:
        steps = [Normalise(method="min-max"), Aggregate(method="arithmetic")]
    elif not any(isinstance(s, Aggregate) for s in steps):
        steps.append(Aggregate(method="arithmetic"))
    return steps_in_canonical_order(steps)


def print_table(
    result: CompositeResult, out: TextIO, n: int | None = None, lang: str = "en"
) -> None:
    rows = [
        (rank, _shown(code), _shown(name), score)
        for rank, code, name, score in result.top(
            n if n is not None else len(result.unit_codes)
        )
    ]
    code_w = max([4, *(len(r[1]) for r in rows)])
    name_w = min(max([4, *(len(r[2]) for r in rows)]), 32)
    rank_h, code_h, name_h, score_h = (
        translate(h, lang) for h in (N_("rank"), N_("code"), N_("name"), N_("score"))
    )
    rank_w = max(4, len(rank_h))
    code_w = max(code_w, len(code_h))
    name_w = max(name_w, len(name_h))
    out.write(
        translate(
            N_("{root} — methodology {methodology}"),
            lang,
            root=result.root,
            methodology=result.methodology,
        )
        + "\n"
    )
    out.write(
        f"{rank_h:>{rank_w}}  {code_h:<{code_w}}  {name_h:<{name_w}}  {score_h:>10}\n"
    )
    for rank, code, name, score in rows:
        rank_s = str(rank) if rank > 0 else "-"
        score_s = f"{score:10.4f}" if score == score else f"{'NA':>10}"
        out.write(
            f"{rank_s:>{rank_w}}  {code:<{code_w}}  {name[:name_w]:<{name_w}}  "
            f"{score_s}\n"
        )


def read_methodology(path_text: str, where: str) -> Methodology:
    text = read_input_text(
        Path(path_text), where, "--methodology", env_max_bytes(), MethodologyError
    )
    return Methodology.from_json(text)


def _cmd_index(args: argparse.Namespace) -> int:
    step_given = any(
        [
            args.denominate,
            args.impute,
            args.screen,
            args.treat,
            args.normalise,
            args.aggregate,
        ]
    )
    if args.methodology:
        if step_given:
            raise _UsageError(
                "kampala index: give either --methodology or step options, not both"
            )
        methodology = read_methodology(args.methodology, "kampala index")
    else:
        methodology = Methodology(
            id="cli-index",
            version="1",
            title="Index built from the command line",
            steps=steps_from_args(args),
        )
    where = "kampala index"
    if args.save_methodology:
        _check_suffix(where, "--save-methodology", args.save_methodology, (".json",))
    if args.out:
        _check_suffix(where, "--out", args.out, (".csv", ".txt"))
    data = read_coinr(args.data, args.meta, max_bytes=env_max_bytes())
    result = methodology.run(data)
    with contextlib.ExitStack() as stack:  # both files appear, or neither
        if args.save_methodology:
            with _writing(where, "--save-methodology", args.save_methodology):
                f = stack.enter_context(atomic_open(args.save_methodology))
                f.write(methodology.to_json() + "\n")
        if args.out:
            columns = ["uCode", *result.aggregate_codes, "rank"]
            with _writing(where, "--out", args.out):
                f = stack.enter_context(atomic_open(args.out))
                write_results_csv(
                    f,
                    result.table(),
                    columns,
                    formula_escape=args.formula_escape,
                    digits=args.digits,
                    comments=csv_comments(
                        result.methodology, args.digits, args.output_lang, missing="NA"
                    ),
                )
        with _writing(where, "--out", args.out or args.save_methodology or ""):
            stack.close()
    if args.out:
        print(
            translate(
                N_(
                    "wrote {units} units x {aggregates} aggregates to {file} "
                    "(methodology {methodology})"
                ),
                args.output_lang,
                units=len(result.unit_codes),
                aggregates=len(result.aggregate_codes),
                file=args.out,
                methodology=result.methodology,
            ),
            file=sys.stderr,
        )
    else:
        buf = io.StringIO()
        print_table(result, buf, lang=args.output_lang)
        _stdout(buf.getvalue())
    return 0


def asem_methodology() -> Methodology:
    """Return the reference build of the ASEM example index (COINr's steps).

    Examples
    --------
    >>> import warnings
    >>> from kampala._cli_index import asem_methodology
    >>> from kampala.data import asem_paths
    >>> from kampala.io.coinr import read_coinr
    >>> m = asem_methodology()
    >>> [step.kind for step in m.steps]
    ['denominate', 'impute', 'screen', 'treat', 'normalise', 'aggregate']
    >>> with warnings.catch_warnings():  # a zero denominator is reported
    ...     warnings.simplefilter("ignore")
    ...     result = m.run(read_coinr(*asem_paths()))
    >>> [(rank, code) for rank, code, _, _ in result.top(3)]
    [(1, 'CHE'), (2, 'NLD'), (3, 'DNK')]
    """
    return Methodology(
        id="ASEM-example",
        version="1",
        title="ASEM Sustainable Connectivity example index",
        description="Denominate; impute by EurAsia group mean; screen units below "
        "90 % data; winsorise up to 5 points (|skew| >= 2 and kurtosis >= 3.5), "
        "then log; min-max to [0, 100]; weighted arithmetic mean at every level.",
        steps=[
            Denominate(),
            Impute(method="group-mean", params={"group": "EurAsia_group"}),
            Screen(params={"threshold": 0.9}),
            Treat(params={"points": 5}),
            Normalise(method="min-max", params={"lower": 0, "upper": 100}),
            Aggregate(method="arithmetic"),
        ],
    )


def demo_asem(args: argparse.Namespace) -> int:
    top = 10 if args.top is None else args.top
    if top < 1:
        raise _UsageError(f"kampala demo: --top must be an integer >= 1 (got {top})")
    idata, imeta = asem_paths()
    result = asem_methodology().run(read_coinr(idata, imeta))
    buf = io.StringIO()
    lang = getattr(args, "output_lang", "en")
    buf.write(
        translate(
            N_(
                "ASEM Sustainable Connectivity example (data: ASEM portal, JRC; "
                "layout and example: COINr)."
            ),
            lang,
        )
        + "\n\n"
    )
    print_table(result, buf, top, lang)
    _stdout(buf.getvalue())
    return 0
