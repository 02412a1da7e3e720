"""The ``kampala`` command line.

``kampala index DATA META`` builds a composite index from COINr-format CSV
files; ``kampala demo`` builds the ASEM example index shipped with the
package. Errors print one line to standard error and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, TextIO

from kampala._internal.params import parse_spec
from kampala._version import __version__
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
from kampala.errors import KampalaError, MethodologyError
from kampala.io.coinr import read_coinr, write_results_csv
from kampala.scoring import CompositeResult, Methodology, steps_in_canonical_order

__all__ = ["main"]

EXIT_USAGE = 2


class _UsageError(Exception):
    """A command-line mistake; printed as one line, exit status 2."""


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
    _add_step_options(idx)
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
    idx.add_argument("--out", metavar="FILE", help="write all aggregate scores as CSV")

    demo = sub.add_parser(
        "demo",
        help="build the ASEM example index and print its top 10",
        description="Build the ASEM Sustainable Connectivity example index with the "
        "reference methodology of COINr and print its top 10 units.",
    )
    demo.add_argument("--top", type=int, default=10, help="how many units to print")
    return parser


def _add_step_options(p: argparse.ArgumentParser) -> None:
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


def _steps_from_args(args: argparse.Namespace) -> list[Any]:
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


def _print_table(result: CompositeResult, out: TextIO, n: int | None = None) -> None:
    rows = result.top(n if n is not None else len(result.unit_codes))
    code_w = max([4, *(len(r[1]) for r in rows)])
    name_w = min(max([4, *(len(r[2]) for r in rows)]), 32)
    out.write(f"{result.root} — methodology {result.methodology}\n")
    out.write(f"{'rank':>4}  {'code':<{code_w}}  {'name':<{name_w}}  {'score':>10}\n")
    for rank, code, name, score in rows:
        rank_s = str(rank) if rank > 0 else "-"
        score_s = f"{score:10.4f}" if score == score else f"{'NA':>10}"
        out.write(
            f"{rank_s:>4}  {code:<{code_w}}  {name[:name_w]:<{name_w}}  {score_s}\n"
        )


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
        path = Path(args.methodology)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise MethodologyError(
                "kampala index",
                "--methodology",
                str(path),
                "a readable file",
                hint=exc.strerror or "",
            ) from exc
        methodology = Methodology.from_json(text)
    else:
        methodology = Methodology(
            id="cli-index",
            version="1",
            title="Index built from the command line",
            steps=_steps_from_args(args),
        )
    data = read_coinr(args.data, args.meta)
    result = methodology.run(data)
    if args.save_methodology:
        Path(args.save_methodology).write_text(methodology.to_json() + "\n", "utf-8")
    if args.out:
        columns = ["uCode", *result.aggregate_codes, "rank"]
        try:
            write_results_csv(args.out, result.table(), columns)
        except OSError as exc:
            raise _UsageError(
                f"kampala index: cannot write {args.out!r}: {exc.strerror}"
            ) from exc
        print(
            f"wrote {len(result.unit_codes)} units x {len(result.aggregate_codes)} "
            f"aggregates to {args.out} (methodology {result.methodology})",
            file=sys.stderr,
        )
    else:
        _print_table(result, sys.stdout)
    return 0


def _asem_paths() -> tuple[Path, Path]:
    base = resources.files("kampala") / "data" / "asem"
    return Path(str(base / "asem_iData.csv")), Path(str(base / "asem_iMeta.csv"))


def asem_methodology() -> Methodology:
    """Return the reference build of the ASEM example index (COINr's steps)."""
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


def _cmd_demo(args: argparse.Namespace) -> int:
    idata, imeta = _asem_paths()
    result = asem_methodology().run(read_coinr(idata, imeta))
    print(
        "ASEM Sustainable Connectivity example (data: ASEM portal, JRC; layout and "
        "example: COINr). Until the Kampala scorecard lands, the demo builds this "
        "index.\n"
    )
    _print_table(result, sys.stdout, args.top)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            status = _cmd_index(args) if args.command == "index" else _cmd_demo(args)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
        return status
    except _UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KampalaError as exc:
        print(f"kampala: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except json.JSONDecodeError as exc:  # pragma: no cover - wrapped upstream
        print(f"kampala: error: invalid JSON: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        print("kampala: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
