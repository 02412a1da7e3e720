"""Public conformance checks for principle scorers.

`check_scorer()` runs a scorer through every property kampala promises
of a principle scorer (the `Scorer` protocol,
valid criteria, bounded, deterministic, row-wise, monotone scores and
explanations) and raises `AssertionError` naming the first check
that fails. Run it in the tests of any scorer you write or publish as a
plug-in, as scikit-learn's ``check_estimator`` is run on estimators.

`sample_test_portfolio()` builds the seeded synthetic portfolio the
checks use: it covers every field of `SCHEMA` and
every kind of value (each ordinal level, missing values, empty sets, actors
of every kind), including partnerships with no evidence at all and
partnerships with all evidence.

Examples
--------
>>> from kampala.principles import OwnershipScorer
>>> from kampala.testing import check_scorer
>>> check_scorer(OwnershipScorer())
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

from kampala import scales as sc
from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.portfolio import SCHEMA, Portfolio
from kampala.principles._base import (
    Criterion,
    Principle,
    PrincipleScores,
    valid_scorer_id,
)
from kampala.records import EVIDENCE_GROUPS, Actor, Partnership
from kampala.schema import GROUPS, EnumFieldSpec, FieldSpec

__all__ = ["check_scorer", "sample_test_portfolio"]

_SeedLike = (
    int | np.random.SeedSequence | np.random.BitGenerator | np.random.Generator | None
)

FloatArray = npt.NDArray[np.float64]

#: The seed of the portfolio check_scorer builds when none is given.
_CHECK_SEED = 20190418

#: Absolute tolerance of the equivariance and monotonicity comparisons.
_TOL = 1e-12

_REQUIRED = ("id", "version", "principle", "criteria", "score", "explain", "params")

_SPEC: dict[str, FieldSpec] = {s.path: s for s in SCHEMA}
_EVIDENCE_PATHS = tuple(s.path for s in SCHEMA if s.group is not None)

_SDG_CODES = ("1.4", "2.3", "5.5", "8.3", "9.3", "10.2", "13.1", "17.b", "17.17")
_SDG_GOALS = ("1", "2", "5", "8", "10", "17")
_SECTOR_CODES = ("311", "31120", "140", "14030", "151", "15110", "240")


# ---------------------------------------------------------------------------
# the sample portfolio
# ---------------------------------------------------------------------------
def sample_test_portfolio(n: int = 24, *, rng: _SeedLike = None) -> Portfolio:
    """Build a synthetic portfolio that exercises every field and kind of value.

    The first rows are fixed:

    0. a partnership with no evidence at all and no actors;
    1. one with all evidence at the highest levels (every ordinal at its top
       level, every yes/no answered yes, shares of 1, full sets) and actors of
       every kind;
    2. one with all evidence at the lowest levels (lowest ordinal levels,
       no, shares of 0, no indicators, empty sets);
    3. one with actors but no evidence groups.

    Later rows cycle through every level of every ordinal and yes/no field
    (missing included) from a random offset per field, and draw the other
    values (shares, counts, sets, dates, budgets, actors) at random.

    Parameters
    ----------
    n : int, default=24
        Number of partnerships. From ``n = 4 + 6`` on, every level of every
        field appears; smaller portfolios keep the first ``n`` rows.
    rng : {None, int, numpy.random.SeedSequence, numpy.random.BitGenerator, \
numpy.random.Generator}, default=None
        Seed of the random evidence (see `numpy.random.default_rng`): the
        same int gives the same portfolio; None gives a new one each call.

    Returns
    -------
    Portfolio
        ``n`` partnerships with ids ``"T-000"``, ``"T-001"``, ….

    Raises
    ------
    ParameterTypeError
        If ``n`` is not an integer.
    ParameterValueError
        If ``n`` is negative.

    See Also
    --------
    check_scorer : The conformance suite that scores this portfolio.

    Examples
    --------
    >>> from kampala.testing import sample_test_portfolio
    >>> pf = sample_test_portfolio(12, rng=1)
    >>> len(pf), pf.ids[:2]
    (12, ('T-000', 'T-001'))
    >>> pf.records[0].ownership.government_role is None
    True
    >>> pf.records[1].ownership.government_role.score
    1.0
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ParameterTypeError("sample_test_portfolio()", "n", n, "an integer")
    if n < 0:
        raise ParameterValueError("sample_test_portfolio()", "n", n, "an integer >= 0")
    gen = np.random.default_rng(rng)
    fixed = [_blank(0), _all_top(1), _all_bottom(2), _actors_only(3, gen)]
    records = fixed[: int(n)]
    offsets = {path: int(gen.integers(0, 64)) for path in _EVIDENCE_PATHS}
    for i in range(len(fixed), int(n)):
        records.append(_random_record(i, i - len(fixed), offsets, gen))
    return Portfolio.from_records(records, name="sample test portfolio")


def _pid(i: int) -> str:
    return f"T-{i:03d}"


def _blank(i: int) -> Partnership:
    return Partnership(id=_pid(i), title="No evidence recorded")


def _all_top(i: int) -> Partnership:
    actors = [
        Actor(
            name=f"{kind.value} {j}",
            kind=kind,
            roles=list(sc.Role)[: 1 + j % len(sc.Role)],
            domestic=j % 2 == 0,
            # foreign partners take part without contributing money, so that
            # the local share of contributions is 1 as well
            financial_contribution=1000.0 * (j + 1) if j % 2 == 0 else 0.0,
            in_kind_contribution=250.0 * j if j % 2 == 0 else 0.0,
            currency="PEN",
        )
        for j, kind in enumerate(sc.ActorKind)
    ]
    return Partnership(
        id=_pid(i),
        title="All evidence, highest levels",
        country="PE",
        sectors=("311", "31120"),
        start=dt.date(2020, 1, 1),
        end=dt.date(2024, 12, 31),
        budget_usd=1_500_000.0,
        modality=sc.Modality.MULTI_STAKEHOLDER,
        instruments=tuple(sc.Instrument),
        actors=actors,
        **_evidence(_extreme_values(top=True)),
        notes="Every field recorded.",
    )


def _all_bottom(i: int) -> Partnership:
    return Partnership(
        id=_pid(i),
        title="All evidence, lowest levels",
        country="BO",
        sectors=(),
        start=dt.date(2022, 6, 1),
        end=dt.date(2022, 6, 1),
        budget_usd=0.0,
        modality=sc.Modality.BILATERAL,
        instruments=(),
        actors=[
            Actor(
                name="Foreign donor",
                kind=sc.ActorKind.DEVELOPMENT_PARTNER,
                roles=[sc.Role.FUNDER],
                domestic=False,
                financial_contribution=0.0,
                in_kind_contribution=0.0,
            )
        ],
        **_evidence(_extreme_values(top=False)),
    )


def _extreme_values(*, top: bool) -> dict[str, dict[str, Any]]:
    """Every evidence field at its highest (or lowest) level, by group.

    Highest: the top ordinal level, yes, shares of 1, five indicators all
    with baseline and target from country frameworks, full sets. Lowest:
    the bottom level, no, shares of 0, no indicators, empty sets, and no
    SDGs named (missing).
    """
    values: dict[str, dict[str, Any]] = {group: {} for group in GROUPS}
    for path in _EVIDENCE_PATHS:
        spec = _SPEC[path]
        group, name = path.split(".")
        value: Any
        if isinstance(spec, EnumFieldSpec):
            levels = tuple(spec.enum)
            if spec.kind == "enumset":
                value = levels if top else ()
            else:
                value = levels[-1] if top else levels[0]
        elif spec.kind == "bool":
            value = top
        elif spec.kind == "share":
            value = 1.0 if top else 0.0
        elif spec.kind == "count":
            value = 5 if top else 0
        elif name == "sdg_goals":
            value = _SDG_GOALS if top else None
        else:
            value = _SDG_CODES if top else ()
        values[group][name] = value
    return values


def _evidence(values: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """Build the five evidence records from their field values, by group."""
    return {group: cls(**values[group]) for group, cls in EVIDENCE_GROUPS.items()}


def _actors_only(i: int, gen: np.random.Generator) -> Partnership:
    return Partnership(
        id=_pid(i),
        title="Actors recorded, no evidence groups",
        actors=_random_actors(gen, 1, 4),
    )


def _pick(gen: np.random.Generator, options: Sequence[Any]) -> Any:
    return options[int(gen.integers(0, len(options)))]


def _subset(
    gen: np.random.Generator, members: Sequence[Any], *, p: float = 0.3
) -> tuple[Any, ...]:
    return tuple(m for m in members if gen.random() < p)


def _random_actors(gen: np.random.Generator, low: int, high: int) -> list[Actor]:
    currency = _pick(gen, ("USD", "PEN", "EUR"))
    kinds = list(sc.ActorKind)
    out = []
    for j in range(int(gen.integers(low, high + 1))):
        amounts = (None, 0.0, round(float(gen.uniform(0, 5e5)), 2))
        out.append(
            Actor(
                name=f"Actor {j}",
                kind=_pick(gen, kinds),
                roles=_subset(gen, list(sc.Role)),
                domestic=_pick(gen, (None, True, False)),
                financial_contribution=_pick(gen, amounts),
                in_kind_contribution=_pick(gen, amounts),
                currency=currency,
            )
        )
    return out


def _first(mask: npt.NDArray[np.bool_]) -> int | None:
    """Return the position of the first true value of ``mask``, or None."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _cycle(
    path: str, options: Sequence[Any], j: int, offsets: Mapping[str, int]
) -> Any:
    return options[(j + offsets[path]) % len(options)]


def _random_record(
    i: int, j: int, offsets: Mapping[str, int], gen: np.random.Generator
) -> Partnership:
    values: dict[str, dict[str, Any]] = {group: {} for group in GROUPS}
    for path in _EVIDENCE_PATHS:
        spec = _SPEC[path]
        group, name = path.split(".")
        if isinstance(spec, EnumFieldSpec) and spec.kind == "ordinal":
            value: Any = _cycle(path, (None, *spec.enum), j, offsets)
        elif spec.kind == "bool":
            value = _cycle(path, (None, False, True), j, offsets)
        elif spec.kind == "share":
            value = _cycle(path, (None, 0.0, 1.0, "draw"), j, offsets)
            if value == "draw":
                value = round(float(gen.random()), 3)
        elif isinstance(spec, EnumFieldSpec) and spec.kind == "enumset":
            value = _cycle(path, (None, (), "draw"), j, offsets)
            if value == "draw":
                value = _subset(gen, list(spec.enum), p=0.4)
        elif spec.kind == "strlist":
            value = _cycle(path, (None, (), "draw"), j, offsets)
            if value == "draw":
                codes = _SDG_GOALS if name == "sdg_goals" else _SDG_CODES
                value = _subset(gen, codes)
        else:  # counts are drawn together below
            continue
        values[group][name] = value
    total = _cycle("results.indicators_total", (None, 0, "draw"), j, offsets)
    if total == "draw":
        total = int(gen.integers(1, 12))
    values["results"]["indicators_total"] = total
    for name in (
        "indicators_with_baseline_and_target",
        "indicators_from_country_frameworks",
    ):
        top = 12 if total is None else total
        part = None if gen.random() < 0.2 else int(gen.integers(0, top + 1))
        values["results"][name] = part
    start = None
    end = None
    if gen.random() < 0.7:
        start = dt.date(2015, 1, 1) + dt.timedelta(days=int(gen.integers(0, 3000)))
        end = start + dt.timedelta(days=int(gen.integers(0, 2000)))
    return Partnership(
        id=_pid(i),
        title=f"Test partnership {i}",
        country=_pick(gen, ("PE", "BO", "CO", "EC")),
        sectors=_subset(gen, _SECTOR_CODES),
        locations=_subset(gen, ("Piura", "Cusco", "Loreto", "region:489")),
        start=start,
        end=end if gen.random() < 0.8 else None,
        budget_usd=_pick(gen, (None, 0.0, round(float(gen.uniform(0, 5e6)), 2))),
        modality=_pick(gen, (None, *sc.Modality)),
        instruments=_subset(gen, list(sc.Instrument)),
        actors=_random_actors(gen, 0, 6),
        **_evidence(values),
        notes=_pick(gen, ("", "Synthetic record.")),
    )


# ---------------------------------------------------------------------------
# portfolio surgery
# ---------------------------------------------------------------------------
def _take(pf: Portfolio, rows: Sequence[int] | npt.NDArray[np.int64]) -> Portfolio:
    """Return a portfolio of the given rows, in that order (actors follow)."""
    rows = np.asarray(rows, dtype=np.int64)
    columns = {path: col[rows] for path, col in pf.columns.items()}
    idx = pf.actors["partnership"]
    picked = [np.flatnonzero(idx == r) for r in rows.tolist()]
    order = np.concatenate([np.empty(0, dtype=np.int64), *picked])
    new_idx = np.concatenate(
        [np.empty(0, dtype=np.int64)]
        + [np.full(p.size, i, dtype=np.int64) for i, p in enumerate(picked)]
    )
    actors: dict[str, Any] = {
        name: col[order] for name, col in pf.actors.items() if name != "partnership"
    }
    actors["partnership"] = new_idx
    return Portfolio.from_columns(columns, actors, name=pf.name)


def _with_column(pf: Portfolio, path: str, values: FloatArray) -> Portfolio:
    columns = dict(pf.columns)
    columns[path] = values
    return Portfolio.from_columns(columns, dict(pf.actors), name=pf.name)


def _missing(pf: Portfolio, path: str) -> npt.NDArray[np.bool_]:
    """Rows where an evidence path (or ``"actors"``) has no value."""
    if path == "actors":
        out: npt.NDArray[np.bool_] = pf.actor_counts() == 0
        return out
    col = pf.column(path)
    kind = _SPEC[path].kind
    if kind == "enumset":
        return np.asarray(np.isnan(col).all(axis=1))
    if kind in ("strlist", "str"):
        return np.array([v is None for v in col], dtype=bool)
    if kind == "date":
        return np.asarray(np.isnat(col))
    if kind == "enum":
        return np.asarray(col < 0)
    return np.asarray(np.isnan(col))


# ---------------------------------------------------------------------------
# the checks
# ---------------------------------------------------------------------------
class _Checker:
    def __init__(self, scorer: Any) -> None:
        self.scorer = scorer
        ident = getattr(scorer, "id", None)
        self.label = f"{type(scorer).__name__}" + (
            f" {ident!r}" if isinstance(ident, str) else ""
        )

    def fail(self, check: str, detail: str) -> NoReturn:
        raise AssertionError(
            f"check_scorer: {self.label} failed check {check!r}: {detail}"
        )

    def call(self, check: str, what: str, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except AssertionError:
            raise
        except Exception as exc:
            self.fail(check, f"{what} raised {type(exc).__name__}: {exc}")

    # -- static checks ---------------------------------------------------------
    def protocol(self) -> None:
        s = self.scorer
        if isinstance(s, type):
            self.fail(
                "attributes",
                f"got the class {s.__name__}; pass a scorer instance, "
                f"such as {s.__name__}()",
            )
        missing = [a for a in _REQUIRED if not hasattr(s, a)]
        if missing:
            self.fail(
                "attributes",
                f"the scorer has no {', '.join(repr(m) for m in missing)} "
                "(see kampala.principles.Scorer)",
            )
        for name in ("score", "explain", "params"):
            if not callable(getattr(s, name)):
                self.fail("attributes", f"{name!r} must be callable")
        if not valid_scorer_id(s.id):
            self.fail(
                "id",
                f"id {s.id!r} must be lower case letters, digits, '.', '_' or '-', "
                "starting with a letter",
            )
        if not isinstance(s.version, str) or not s.version:
            self.fail("version", f"version must be a non-empty str (got {s.version!r})")
        if not isinstance(s.principle, Principle):
            self.fail(
                "principle",
                f"principle must be a kampala Principle member (got {s.principle!r})",
            )

    def criteria(self) -> tuple[Criterion, ...]:
        s = self.scorer
        crits = tuple(self.call("criteria", "iterating criteria", tuple, s.criteria))
        if not crits:
            self.fail("criteria", "the scorer has no criteria")
        for c in crits:
            if not isinstance(c, Criterion):
                self.fail("criteria", f"{c!r} is not a kampala Criterion")
        codes = [c.code for c in crits]
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            self.fail("criteria", f"criterion codes repeat: {repeated}")
        for c in crits:
            if c.principle is not s.principle:
                self.fail(
                    "criteria",
                    f"criterion {c.code!r} belongs to {c.principle.name}, "
                    f"not to the scorer's principle {s.principle.name}",
                )
            if not (math.isfinite(c.weight) and c.weight > 0):
                self.fail(
                    "criteria", f"criterion {c.code!r} has weight {c.weight!r} (<= 0)"
                )
            for path in c.evidence:
                if path != "actors" and path not in _SPEC:
                    self.fail(
                        "evidence",
                        f"criterion {c.code!r} reads {path!r}, which is neither "
                        "a path of kampala.portfolio.SCHEMA nor 'actors'",
                    )
        return crits

    def params(self) -> None:
        first = self.call("params", "params()", self.scorer.params)
        if not isinstance(first, Mapping):
            self.fail("params", f"params() must return a mapping (got {first!r})")
        try:
            json.dumps(dict(first), allow_nan=False)
        except (TypeError, ValueError) as exc:
            self.fail("params", f"params() is not JSON-serialisable: {exc}")
        second = self.call("params", "params()", self.scorer.params)
        if dict(second) != dict(first):
            self.fail(
                "params",
                f"params() changed between two calls: {first!r} then {second!r}",
            )

    # -- checks on scores ----------------------------------------------------------
    def score(self, pf: Portfolio, crits: tuple[Criterion, ...]) -> PrincipleScores:
        s = self.scorer
        out = self.call("score", f"score() on {pf.name!r}", s.score, pf)
        if not isinstance(out, PrincipleScores):
            self.fail(
                "score",
                f"score() must return a PrincipleScores (got {type(out).__name__})",
            )
        meta = {
            "scorer_id": (out.scorer_id, s.id),
            "scorer_version": (out.scorer_version, s.version),
            "principle": (out.principle, s.principle),
        }
        for name, (got, want) in meta.items():
            if got != want:
                self.fail("score", f"scores carry {name} {got!r}, not {want!r}")
        values = np.asarray(out.values)
        if values.shape != (len(pf), len(crits)):
            self.fail(
                "shape",
                f"scores have shape {values.shape}, not "
                f"(partnerships, criteria) = ({len(pf)}, {len(crits)})",
            )
        if tuple(out.criteria) != crits:
            self.fail("shape", "the scores' criteria differ from scorer.criteria")
        if tuple(out.ids) != pf.ids:
            self.fail("shape", "the scores' ids differ from the portfolio's ids")
        if values.dtype != np.float64:
            self.fail("bounds", f"scores must be float64 (got {values.dtype})")
        bad = ~np.isnan(values) & ((values < 0) | (values > 1))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            self.fail(
                "bounds",
                f"criterion {crits[c].code!r} scored {float(values[r, c])!r} for "
                f"partnership {pf.ids[r]!r}; scores must lie in [0, 1] or be NaN",
            )
        return out

    def no_evidence(
        self, pf: Portfolio, scores: PrincipleScores, crits: tuple[Criterion, ...]
    ) -> None:
        no_groups = np.ones(len(pf), dtype=bool)
        for path in _EVIDENCE_PATHS:
            no_groups &= _missing(pf, path)
        no_actors = _missing(pf, "actors")
        for k, c in enumerate(crits):
            if not c.evidence:
                continue
            paths = set(c.evidence)
            if paths <= set(_EVIDENCE_PATHS):
                rows = no_groups
            elif paths <= {*_EVIDENCE_PATHS, "actors"}:
                rows = no_groups & no_actors
            else:
                continue  # reads top-level fields, which are not evidence
            r = _first(rows & ~np.isnan(scores.values[:, k]))
            if r is not None:
                self.fail(
                    "no_evidence",
                    f"criterion {c.code!r} scored {float(scores.values[r, k])!r} "
                    f"for partnership {pf.ids[r]!r}, which has no evidence"
                    + (" and no actors" if "actors" in paths else "")
                    + "; missing evidence must score NaN",
                )

    def determinism(self, pf: Portfolio, scores: PrincipleScores) -> None:
        again = self.call("determinism", "score()", self.scorer.score, pf)
        if (
            not isinstance(again, PrincipleScores)
            or np.asarray(again.values).tobytes() != scores.values.tobytes()
            or tuple(again.ids) != tuple(scores.ids)
        ):
            self.fail(
                "determinism",
                "two calls of score() on one portfolio gave different scores",
            )

    def permutation(
        self, pf: Portfolio, scores: PrincipleScores, crits: tuple[Criterion, ...]
    ) -> None:
        if len(pf) < 2:
            return  # nothing to reorder
        rows = np.arange(len(pf))[::-1]
        rev = _take(pf, rows)
        got = self.score(rev, crits)
        want = scores.values[rows]
        if not np.allclose(got.values, want, rtol=_TOL, atol=_TOL, equal_nan=True):
            r, c = _first_difference(got.values, want)
            self.fail(
                "permutation",
                f"reversing the portfolio changed criterion {crits[c].code!r} of "
                f"partnership {rev.ids[r]!r} from {float(want[r, c])!r} to "
                f"{float(got.values[r, c])!r}; scores must follow their rows",
            )

    def row_independence(
        self, pf: Portfolio, scores: PrincipleScores, crits: tuple[Criterion, ...]
    ) -> None:
        for r in range(len(pf)):
            single = self.score(_take(pf, [r]), crits)
            got = single.values[0]
            want = scores.values[r]
            if not np.allclose(got, want, rtol=_TOL, atol=_TOL, equal_nan=True):
                c = int(np.flatnonzero(~_close(got, want))[0])
                self.fail(
                    "row_independence",
                    f"partnership {pf.ids[r]!r} scored {float(got[c])!r} on "
                    f"{crits[c].code!r} alone but {float(want[c])!r} within "
                    "the portfolio; a row's scores must not depend on other rows",
                )

    def monotonicity(
        self, pf: Portfolio, scores: PrincipleScores, crits: tuple[Criterion, ...]
    ) -> None:
        paths = list(dict.fromkeys(p for c in crits for p in c.evidence))
        total_before = scores.score()
        for path in paths:
            spec = _SPEC.get(path)
            if spec is None or spec.kind not in ("ordinal", "bool"):
                continue
            col = np.asarray(pf.column(path), dtype=np.float64)
            if isinstance(spec, EnumFieldSpec):
                top = len(spec.enum) - 1
                rows = ~np.isnan(col) & (col < top)
            else:
                rows = col == 0.0
            if not rows.any():
                continue
            raised = col.copy()
            raised[rows] += 1.0
            after = self.score(_with_column(pf, path, raised), crits)

            # each criterion that reads the field, then the principle score of
            # the rows whose gaps stay the same: none may lose or lower a score
            same_gaps = (np.isnan(scores.values) == np.isnan(after.values)).all(axis=1)
            checks = [
                (f"criterion {c.code!r}", rows, scores.values[:, k], after.values[:, k])
                for k, c in enumerate(crits)
                if path in c.evidence
            ]
            checks.append(
                ("the principle score", rows & same_gaps, total_before, after.score())
            )
            for what, among, before, now in checks:
                lost = np.isnan(now) | (now < before - _TOL)
                r = _first(among & ~np.isnan(before) & lost)
                if r is not None:
                    self.fail(
                        "monotonicity",
                        f"raising {path!r} from {_level(spec, col[r])} to "
                        f"{_level(spec, raised[r])} lowered {what} "
                        f"of partnership {pf.ids[r]!r} from {float(before[r])!r} "
                        f"to {float(now[r])!r}",
                    )

    def explain(self, pf: Portfolio, crits: tuple[Criterion, ...]) -> None:
        for pid in pf.ids:
            text = self.call(
                "explain", f"explain(portfolio, {pid!r})", self.scorer.explain, pf, pid
            )
            if not isinstance(text, str) or not text.strip():
                self.fail(
                    "explain",
                    f"explain(portfolio, {pid!r}) must return a non-empty str "
                    f"(got {text!r})",
                )
            absent = [c.code for c in crits if c.code not in text]
            if absent:
                self.fail(
                    "explain",
                    f"explain(portfolio, {pid!r}) does not mention criteria {absent}",
                )


def _close(a: FloatArray, b: FloatArray) -> npt.NDArray[np.bool_]:
    out: npt.NDArray[np.bool_] = np.isclose(a, b, rtol=_TOL, atol=_TOL, equal_nan=True)
    return out


def _first_difference(a: FloatArray, b: FloatArray) -> tuple[int, int]:
    r, c = np.argwhere(~_close(a, b))[0]
    return int(r), int(c)


def _level(spec: FieldSpec, rank: float) -> str:
    if not isinstance(spec, EnumFieldSpec):
        return "true" if rank == 1.0 else "false"
    member: enum.Enum = list(spec.enum)[int(rank)]
    return repr(member.value)


def check_scorer(scorer: Any, portfolio: Portfolio | None = None) -> None:
    """Check that a principle scorer keeps every promise of the Scorer protocol.

    The checks run in this order and stop at the first failure:

    - ``attributes``: the scorer is an instance with ``id``, ``version``,
      ``principle``, ``criteria``, ``score``, ``explain`` and ``params``;
    - ``id`` and ``version``: a valid scorer id (lower case letters, digits,
      ``.``, ``_`` and ``-``, starting with a letter), a non-empty version;
    - ``principle``: a `Principle` member;
    - ``criteria`` and ``evidence``: at least one criterion, unique codes,
      all of the scorer's principle, weights > 0, and every evidence path a
      field of `SCHEMA` or ``"actors"``;
    - ``params``: ``params()`` returns a JSON-serialisable mapping, the same
      on every call;
    - ``score``, ``shape`` and ``bounds``: ``score()`` returns a
      `PrincipleScores` carrying the scorer's id,
      version, principle, criteria and the portfolio's ids, of shape
      (partnerships, criteria), with values in [0, 1] or NaN;
    - ``no_evidence``: a partnership without evidence scores NaN on every
      criterion that reads only evidence fields (criteria that read
      ``"actors"`` when it has no actors either);
    - ``determinism``: scoring twice gives identical bytes;
    - ``permutation``: reversing the portfolio reverses the rows of scores;
    - ``row_independence``: each partnership scores the same alone as within
      the portfolio;
    - ``monotonicity``: raising an ordinal evidence field one level, or a
      yes/no field from no to yes, never lowers a criterion that reads it
      nor the principle score `PrincipleScores.score()`;
    - ``explain``: ``explain(portfolio, id)`` returns a non-empty text that
      mentions every criterion code, for every partnership.

    Parameters
    ----------
    scorer : Scorer
        The scorer instance to check (not its class).
    portfolio : Portfolio, default=None
        The portfolio to score. By default, ``sample_test_portfolio(24)``
        with a fixed seed, which holds every kind of value. A partnership
        with no evidence is always checked in addition.

    Raises
    ------
    AssertionError
        Naming the check that failed and what was wrong, for example
        ``check_scorer: MyScorer 'acme.ownership' failed check 'bounds':
        criterion 'P1.x' scored 1.5 for partnership 'T-001'; ...``.

    See Also
    --------
    sample_test_portfolio : The portfolio scored by default.
    kampala.principles.ScorerRegistry.register : Validates a scorer's
        protocol, id and criteria when it is registered.

    Notes
    -----
    Scores are compared with an absolute and relative tolerance of
    $10^{-12}$ in the permutation, row-independence and
    monotonicity checks, and exactly (byte for byte) in the determinism
    check.

    Examples
    --------
    >>> from kampala.principles import DEFAULT_SCORERS, OwnershipScorer
    >>> from kampala.testing import check_scorer, sample_test_portfolio
    >>> check_scorer(OwnershipScorer())
    >>> for factory in DEFAULT_SCORERS:
    ...     check_scorer(factory(), sample_test_portfolio(12, rng=7))
    >>> class Broken(OwnershipScorer):
    ...     id = "Not A Valid Id"
    >>> check_scorer(Broken())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: check_scorer: Broken 'Not A Valid Id' failed check 'id': ...
    """
    checker = _Checker(scorer)
    checker.protocol()
    crits = checker.criteria()
    checker.params()
    if portfolio is None:
        portfolio = sample_test_portfolio(24, rng=_CHECK_SEED)
    elif not isinstance(portfolio, Portfolio):
        raise ParameterTypeError(
            "check_scorer()", "portfolio", portfolio, "a kampala Portfolio or None"
        )
    blank = Portfolio.from_records([_blank(0)], name="no-evidence portfolio")
    scores = checker.score(portfolio, crits)
    checker.no_evidence(portfolio, scores, crits)
    checker.no_evidence(blank, checker.score(blank, crits), crits)
    checker.determinism(portfolio, scores)
    checker.permutation(portfolio, scores, crits)
    checker.row_independence(portfolio, scores, crits)
    checker.monotonicity(portfolio, scores, crits)
    checker.explain(portfolio, crits)
    checker.explain(blank, crits)
