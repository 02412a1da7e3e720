"""What ``kampala sensitivity`` checks and prints: options, factors, tables.

The command line (`kampala.cli`) reads files and writes outputs; this module
turns its options into a checked plan, so that every parameter is validated
(and the designs of both analyses drawn, their memory estimated) before
either analysis runs, and errors name the command-line options rather than
the Python parameters behind them.
"""

from __future__ import annotations

import math
import re
from typing import Any, NoReturn

import attrs
import numpy as np

from kampala.errors import KampalaError, ParameterValueError
from kampala.i18n import N_, translate
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.scoring import methodology_framework
from kampala.sensitivity._execution import AnalysisProblem
from kampala.sensitivity._factors import DirichletWeights, Exclusion, WeightNoise
from kampala.sensitivity.spec import (
    ScorerParameter,
    UncertaintySpec,
    aggregation_choice,
    coverage_choice,
    missing_evidence_choice,
)

__all__ = [
    "NUMBER",
    "VARY_FORMS",
    "Plan",
    "parse_factor",
    "plan",
    "sobol_table",
    "uncertainty_table",
]

WHERE = "kampala sensitivity"

#: a plain ASCII decimal number (no '1_000', no full-width digits, no 'inf')
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_INT_TEXT = re.compile(r"[0-9]{1,9}", re.ASCII)

#: the forms ``--vary`` accepts, listed in its errors
VARY_FORMS = (
    "weights[@LEVELS]:SPREAD, dirichlet[@LEVEL]:CONCENTRATION, "
    "aggregation[@LEVEL]:M1,M2,..., coverage:T1,T2,..., missing, "
    "exclude:principle|criterion|CODE,..., scorer:P3.PARAM=V1,V2,..."
)


def _fail(field: str, value: Any, expected: str, hint: str = "") -> NoReturn:
    raise ParameterValueError(WHERE, field, value, expected, hint=hint)


def parse_factor(text: str, methodology: Methodology) -> Any:
    """Return the factor a ``--vary`` argument names; refuse any ignored part.

    >>> from kampala.methodology import kps1
    >>> parse_factor("weights@1,2:0.1", kps1()).name
    'weights@1,2'
    >>> parse_factor("missing:1", kps1())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kampala.errors.ParameterValueError: kampala sensitivity: '--vary' must be ...
    """
    name, colon, rest = text.partition(":")
    head, at, levels_text = name.partition("@")
    head = head.strip()
    values = [v.strip() for v in rest.split(",") if v.strip()] if rest else []

    def fail(expected: str) -> NoReturn:
        _fail("--vary", text, expected, hint=f"Forms: {VARY_FORMS}")

    if at and not levels_text.strip():
        fail("followed by levels after '@', as in weights@1,2:0.25")
    if at and head not in ("weights", "dirichlet", "aggregation"):
        fail(f"without @LEVELS for {head!r}")
    if head == "missing" and (colon or values):
        fail("just 'missing': it takes no value")
    if head in ("weights", "dirichlet", "coverage", "exclude", "scorer") and not (
        colon and rest.strip()
    ):
        fail(f"given a value after ':' for {head!r}")

    def numbers() -> list[float]:
        if not all(NUMBER.fullmatch(v) for v in values):
            fail("given numbers as values")
        out = [float(v) for v in values]
        if not all(math.isfinite(v) for v in out):
            fail("given numbers within the float range")
        return out

    if head in ("weights", "dirichlet"):
        parts = [v.strip() for v in levels_text.split(",")] if levels_text else ["2"]
        if not all(_INT_TEXT.fullmatch(v) for v in parts):
            fail("given levels as integers >= 1, as in weights@1,2:0.25")
        levels = [int(v) for v in parts]
        (value,) = numbers() if len(values) == 1 else fail("given one number")
        if head == "weights":
            return WeightNoise(levels=levels, spread=value)
        if len(levels) != 1:
            fail("given one level for dirichlet, as in dirichlet@2:50")
        return DirichletWeights(level=levels[0], concentration=value)
    if head == "aggregation":
        level = None
        if levels_text:
            if not _INT_TEXT.fullmatch(levels_text):
                fail("given one integer level, as in aggregation@3:...")
            level = int(levels_text)
        return aggregation_choice(values or fail("given methods"), level=level)
    if head == "coverage":
        return coverage_choice(numbers() or fail("given thresholds"))
    if head == "missing":
        return missing_evidence_choice()
    if head == "exclude":
        framework = methodology_framework(methodology)
        if values == ["principle"]:
            codes = [c for c in framework.aggregate_codes if c != framework.root]
        elif values == ["criterion"]:
            codes = list(framework.indicator_codes)
        else:
            codes = values
        return Exclusion(codes=codes or fail("given principle, criterion or codes"))
    if head == "scorer":
        target, _, options = rest.partition("=")
        principle, _, param = target.partition(".")
        try:
            number = int(principle.strip().upper().removeprefix("P"))
            opts = [int(v) for v in options.split(",") if v.strip()]
        except ValueError:
            fail("of the form scorer:P3.diversity_target=3,4,5")
        return ScorerParameter(principle=number, param=param.strip(), values=opts)
    fail("one of the forms below")


@attrs.frozen
class Plan:
    """The checked options of one ``kampala sensitivity`` run."""

    spec: UncertaintySpec
    seed: int
    n: int
    n_base: int


def _check_integers(n: int, top_k: int, rng: int | None) -> int:
    if n < 2 or n & (n - 1):
        lower = 1 << max(1, n.bit_length() - 1)
        _fail("--n", n, "a power of 2 >= 2", hint=f"Use {lower} or {lower * 2}.")
    if top_k < 1:
        _fail("--top-k", top_k, "an integer >= 1")
    if rng is None:
        # a fresh seed, recorded in the outputs so that the run can be repeated
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if rng < 0:
        _fail("--rng", rng, "a non-negative integer", hint="Omit it for a fresh seed.")
    return int(rng)


def _restate(exc: KampalaError, n: int, n_factors: int) -> NoReturn:
    """Restate a library error on ``n`` or ``max_memory`` in command-line terms."""
    if exc.field == "n" and "memory" in exc.expected:
        _fail(
            "--n",
            n,
            "small enough for the memory limit: " + exc.expected.partition(": ")[2],
            hint="Use a smaller --n, or raise --max-memory (or KAMPALA_MAX_MEMORY).",
        )
    if exc.field == "n":
        need = 64 * (n_factors + 2)
        _fail(
            "--n",
            n,
            f"at least {need} for the Sobol' indices of {n_factors} factor(s)",
            hint="With fewer samples a discrete factor may never change between "
            f"the two base samples. Use --n {need} or more, or --analysis "
            "uncertainty.",
        )
    if exc.field in ("max_memory", "KAMPALA_MAX_MEMORY"):
        field = "--max-memory" if exc.field == "max_memory" else exc.field
        _fail(field, exc.value, "a size such as 8GiB, 512M or a number of bytes")
    raise exc


def plan(args: Any, methodology: Methodology, portfolio: Portfolio) -> Plan:
    """Check every option of ``kampala sensitivity`` before anything runs.

    ``args`` carries ``n``, ``top_k``, ``rng``, ``vary``, ``analysis`` and
    ``max_memory``. The designs of the analyses to run are drawn (and their
    memory estimated) here, so a bad ``--n`` never throws finished results
    away.
    """
    seed = _check_integers(args.n, args.top_k, args.rng)
    factors = [parse_factor(t, methodology) for t in (args.vary or [])]
    if not factors:
        factors = [
            WeightNoise(levels=2, spread=0.25),
            aggregation_choice(["arithmetic", "geometric"], level=3),
        ]
    spec = UncertaintySpec(factors=factors)
    n_base = max(2, 1 << max(1, (args.n // (len(factors) + 2)).bit_length() - 1))
    try:
        if args.analysis in ("uncertainty", "both"):
            AnalysisProblem.uncertainty(
                methodology, portfolio, spec, n=args.n, rng=seed,
                max_memory=args.max_memory,
            )  # fmt: skip
        if args.analysis in ("sobol", "both"):
            AnalysisProblem.sobol(
                methodology, portfolio, spec, n=n_base, rng=seed,
                max_memory=args.max_memory,
            )  # fmt: skip
    except KampalaError as exc:
        _restate(exc, args.n, len(factors))
    return Plan(spec=spec, seed=seed, n=args.n, n_base=n_base)


def uncertainty_table(ua: Any, lang: str = "en") -> str:
    """Return the printed table of an `UncertaintyResult` (NA where undefined)."""
    k = ua.top_k

    def fmt(value: Any, spec: str) -> str:  # None: no sample gave a score
        return "NA" if value is None or value != value else format(value, spec)

    rank_h, median_h, shift_h = (
        translate(h, lang) for h in (N_("rank"), N_("median"), N_("shift"))
    )
    top_h = translate(N_("P(top {k})"), lang, k=k)
    rank_w, med_w = max(4, len(rank_h)), max(6, len(median_h))
    lines = [
        translate(
            N_("Uncertainty analysis: {n} samples of {factors}; methodology {ref}"),
            lang,
            n=ua.n,
            factors=", ".join(ua.factor_names),
            ref=ua.methodology,
        ),
        f"{rank_h:>{rank_w}}  {'id':<12}  {median_h:>{med_w}}  {'5%-95%':>9}  "
        f"{top_h:>10}  {shift_h:>5}",
    ]
    for r in ua.table():
        if r["nominal_rank"] is None:
            continue
        interval = f"{fmt(r['rank_p5'], '.0f')}-{fmt(r['rank_p95'], '.0f')}"
        lines.append(
            f"{r['nominal_rank']:{rank_w}.0f}  {r['unit']:<12}  "
            f"{fmt(r['rank_median'], '.1f'):>{med_w}}  {interval:>9}  "
            f"{fmt(r[f'p_top_{k}'], '10.2f'):>10}  {fmt(r['rank_shift'], '5.2f'):>5}"
        )
    lines.append(
        translate(
            N_("Mean absolute rank shift: {shift}"),
            lang,
            shift=fmt(ua.mean_rank_shift, ".2f"),
        )
    )
    if ua.n_failed:
        lines.append(ua.failure_note(lang=lang))
    return "\n".join(lines) + "\n\n"


def sobol_table(sobol: Any, lang: str = "en") -> str:
    """Return the printed table of a `SensitivityResult`."""
    na = translate(N_("n/a"), lang)
    lines = [
        translate(
            N_("Sobol' indices of the mean absolute rank shift ({n} runs):"),
            lang,
            n=sobol.n_runs,
        ),
        f"{translate(N_('factor'), lang):<24}  {'S1':>13}  {'ST':>13}",
    ]
    for r in sobol.table():
        s1 = na if r["S1"] is None else f"{r['S1']:.3f} ± {r['S1_conf']:.3f}"
        st = na if r["ST"] is None else f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"
        if not r["reliable"]:  # not a result: say why instead of printing it
            s1 = st = "—"
        line = f"{r['factor']:<24}  {s1:>13}  {st:>13}"
        lines.append(f"{line}  {r['note']}" if r["note"] else line)
    if sobol.n_failed:
        lines.append(sobol.failure_note(lang=lang))
    return "\n".join(lines) + "\n"
