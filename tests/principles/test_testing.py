from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest

from kampala import Portfolio
from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.portfolio import SCHEMA
from kampala.principles import (
    DEFAULT_SCORERS,
    Criterion,
    InclusivePartnershipScorer,
    LeaveNoOneBehindScorer,
    OwnershipScorer,
    Principle,
    PrincipleScores,
    ResultsScorer,
    RubricScorer,
    TransparencyScorer,
)
from kampala.records import ActorKind
from kampala.testing import check_scorer, sample_test_portfolio


# ---------------------------------------------------------------------------
# the built-in scorers pass
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("factory", DEFAULT_SCORERS, ids=lambda f: f.__name__)
def test_default_scorers_conform(factory: Callable[[], RubricScorer]) -> None:
    check_scorer(factory())


@pytest.mark.parametrize(
    "scorer",
    [
        ResultsScorer(sdg_target_count=4),
        InclusivePartnershipScorer(diversity_target=2),
        InclusivePartnershipScorer(diversity_target=8),
        LeaveNoOneBehindScorer(target_group_count=1, disaggregation_count=6),
    ],
    ids=repr,
)
def test_parametrised_scorers_conform(scorer: RubricScorer) -> None:
    check_scorer(scorer)


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("factory", DEFAULT_SCORERS, ids=lambda f: f.__name__)
def test_default_scorers_conform_on_other_portfolios(
    factory: Callable[[], RubricScorer], seed: int
) -> None:
    check_scorer(factory(), sample_test_portfolio(15, rng=seed))


def test_check_scorer_on_an_empty_portfolio() -> None:
    check_scorer(OwnershipScorer(), Portfolio.from_records([]))


def test_check_scorer_rejects_a_non_portfolio() -> None:
    with pytest.raises(ParameterTypeError, match=r"^check_scorer\(\): 'portfolio'"):
        check_scorer(OwnershipScorer(), [1, 2])  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# broken scorers fail, naming the check
# ---------------------------------------------------------------------------
def failing(check: str) -> str:
    return rf"^check_scorer: .* failed check '{check}': .*"


class TooHigh(OwnershipScorer):
    def _compute(self, pf: Portfolio) -> list[Any]:
        return [col * 2 for col in super()._compute(pf)]


def _unchecked_scores(**fields: Any) -> PrincipleScores:
    """A PrincipleScores built without its validation (a scorer that cheats)."""
    ps = object.__new__(PrincipleScores)
    for name, value in fields.items():
        object.__setattr__(ps, name, value)
    return ps


class CheatsBounds(OwnershipScorer):
    def score(self, portfolio: Portfolio) -> PrincipleScores:
        ps = super().score(portfolio)
        values = np.array(ps.values)
        values[~np.isnan(values)] += 0.5
        return _unchecked_scores(
            principle=ps.principle,
            scorer_id=ps.scorer_id,
            scorer_version=ps.scorer_version,
            criteria=ps.criteria,
            values=values,
            ids=ps.ids,
        )


class Noisy(OwnershipScorer):
    _noise: ClassVar[np.random.Generator] = np.random.default_rng(0)

    def _compute(self, pf: Portfolio) -> list[Any]:
        return [col * self._noise.uniform(0.5, 1.0) for col in super()._compute(pf)]


class DropsACriterion(OwnershipScorer):
    def score(self, portfolio: Portfolio) -> PrincipleScores:
        ps = super().score(portfolio)
        return PrincipleScores(
            principle=ps.principle,
            scorer_id=ps.scorer_id,
            scorer_version=ps.scorer_version,
            criteria=ps.criteria[:-1],
            values=ps.values[:, :-1],
            ids=ps.ids,
        )


class DropsARow(OwnershipScorer):
    def score(self, portfolio: Portfolio) -> PrincipleScores:
        ps = super().score(portfolio)
        return PrincipleScores(
            principle=ps.principle,
            scorer_id=ps.scorer_id,
            scorer_version=ps.scorer_version,
            criteria=ps.criteria,
            values=ps.values[:-1],
            ids=ps.ids[:-1],
        )


class WrongId(OwnershipScorer):
    id: ClassVar[str] = "Ownership Scorer"


class EmptyVersion(OwnershipScorer):
    version: ClassVar[str] = ""


class WrongPrincipleType(OwnershipScorer):
    principle: ClassVar[Any] = 1


class ForeignCriterion(OwnershipScorer):
    criteria: ClassVar[tuple[Criterion, ...]] = (
        *OwnershipScorer.criteria,
        Criterion(
            code="P2.extra",
            principle=Principle.RESULTS,
            subprinciple="2.A",
            evidence=("results.additionality",),
        ),
    )


class RepeatedCodes(OwnershipScorer):
    criteria: ClassVar[tuple[Criterion, ...]] = (
        OwnershipScorer.criteria[0],
        OwnershipScorer.criteria[0],
    )


class NoCriteria(OwnershipScorer):
    criteria: ClassVar[tuple[Criterion, ...]] = ()


class UnknownEvidence(OwnershipScorer):
    criteria: ClassVar[tuple[Criterion, ...]] = (
        attrs.evolve(OwnershipScorer.criteria[0], evidence=("ownership.alignment",)),
        *OwnershipScorer.criteria[1:],
    )


class ReportsAnotherId(OwnershipScorer):
    def score(self, portfolio: Portfolio) -> PrincipleScores:
        return attrs.evolve(super().score(portfolio), scorer_id="kps.other")


class ReturnsArray(OwnershipScorer):
    def score(self, portfolio: Portfolio) -> Any:
        return super().score(portfolio).values


class Raises(OwnershipScorer):
    def _compute(self, pf: Portfolio) -> list[Any]:
        raise ZeroDivisionError("boom")


class ZeroForMissing(OwnershipScorer):
    def _compute(self, pf: Portfolio) -> list[Any]:
        return [np.nan_to_num(col) for col in super()._compute(pf)]


class ZeroWithoutActors(InclusivePartnershipScorer):
    def _compute(self, pf: Portfolio) -> list[Any]:
        cols = super()._compute(pf)
        cols[0] = np.nan_to_num(cols[0])
        return cols


class LastRowWins(OwnershipScorer):
    """Gives the last partnership full marks wherever it has evidence."""

    def _compute(self, pf: Portfolio) -> list[Any]:
        cols = super()._compute(pf)
        for col in cols:
            if len(col) and not np.isnan(col[-1]):
                col[-1] = 1.0
        return cols


class Relative(TransparencyScorer):
    """Scores relative to the portfolio's best (equivariant, not row-wise)."""

    def _compute(self, pf: Portfolio) -> list[Any]:
        out = []
        for col in super()._compute(pf):
            top = np.nanmax(col) if not np.isnan(col).all() else np.nan
            out.append(col / top if top and top > 0 else col)
        return out


class Reversed(ResultsScorer):
    def _compute(self, pf: Portfolio) -> list[Any]:
        cols = super()._compute(pf)
        cols[3] = 1.0 - cols[3]  # additionality: higher level, lower score
        return cols


class PenalisesYes(TransparencyScorer):
    def _compute(self, pf: Portfolio) -> list[Any]:
        cols = super()._compute(pf)
        cols[6] = 1.0 - cols[6]  # joint reviews: yes scores 0
        return cols


class MixesUpTheTotal(OwnershipScorer):
    """Each criterion is monotone, but one lowers another when it rises."""

    def _compute(self, pf: Portfolio) -> list[Any]:
        cols = super()._compute(pf)
        cols[0] = np.where(cols[1] == 1.0, 0.0, cols[0])
        return cols

    criteria: ClassVar[tuple[Criterion, ...]] = (
        attrs.evolve(
            OwnershipScorer.criteria[0],
            evidence=(
                "ownership.national_plan_alignment",
                "ownership.government_role",
            ),
        ),
        *OwnershipScorer.criteria[1:],
    )


class TerseExplain(OwnershipScorer):
    def explain(self, portfolio: Portfolio, partnership_id: str) -> str:
        return super().explain(portfolio, partnership_id).split("\n")[0]


class BlankExplain(OwnershipScorer):
    def explain(self, portfolio: Portfolio, partnership_id: str) -> str:
        return "   "


class OpaqueParams(OwnershipScorer):
    def params(self) -> dict[str, Any]:
        return {"rule": object()}


class DriftingParams(OwnershipScorer):
    _calls: ClassVar = itertools.count()

    def params(self) -> dict[str, Any]:
        return {"call": next(self._calls)}


class NoExplain:
    id = "duck.scorer"
    version = "1"
    principle = Principle.OWNERSHIP
    criteria = OwnershipScorer.criteria

    def score(self, portfolio: Portfolio) -> PrincipleScores:
        return OwnershipScorer().score(portfolio)

    def params(self) -> dict[str, Any]:
        return {}


@pytest.mark.parametrize(
    ("scorer", "check", "detail"),
    [
        (
            TooHigh(),
            "score",
            r"score\(\) on .* raised ParameterValueError: .*"
            r"must be in \[0, 1\] or NaN",
        ),
        (
            CheatsBounds(),
            "bounds",
            r"criterion 'P1\.\w+' scored 1\.\d+ for "
            r"partnership 'T-\d+'; scores must lie in \[0, 1\] or be NaN",
        ),
        (Noisy(), "determinism", r"two calls of score\(\)"),
        (
            DropsACriterion(),
            "shape",
            r"scores have shape \(24, 4\), not "
            r"\(partnerships, criteria\) = \(24, 5\)",
        ),
        (DropsARow(), "shape", r"shape \(23, 5\)"),
        (WrongId(), "id", r"id 'Ownership Scorer' must be lower case"),
        (EmptyVersion(), "version", r"version must be a non-empty str"),
        (WrongPrincipleType(), "principle", r"got 1"),
        (
            ForeignCriterion(),
            "criteria",
            r"criterion 'P2.extra' belongs to RESULTS, "
            r"not to the scorer's principle OWNERSHIP",
        ),
        (RepeatedCodes(), "criteria", r"criterion codes repeat: \['P1.alignment'\]"),
        (NoCriteria(), "criteria", r"the scorer has no criteria"),
        (UnknownEvidence(), "evidence", r"reads 'ownership.alignment'"),
        (ReportsAnotherId(), "score", r"scores carry scorer_id 'kps.other'"),
        (ReturnsArray(), "score", r"must return a PrincipleScores \(got ndarray\)"),
        (Raises(), "score", r"raised ZeroDivisionError: boom"),
        (
            ZeroForMissing(),
            "no_evidence",
            r"scored 0\.0 for partnership 'T-000', "
            r"which has no evidence; missing evidence must score NaN",
        ),
        (
            ZeroWithoutActors(),
            "no_evidence",
            r"criterion 'P3.diversity' .* no "
            r"evidence and no actors",
        ),
        (LastRowWins(), "permutation", r"reversing the portfolio changed"),
        (Relative(), "row_independence", r"alone but"),
        (
            Reversed(),
            "monotonicity",
            r"raising 'results.additionality' from "
            r"'\w+' to '\w+' lowered criterion 'P2.additionality'",
        ),
        (
            PenalisesYes(),
            "monotonicity",
            r"raising 'transparency.joint_reviews' "
            r"from false to true lowered criterion 'P4.joint_reviews'",
        ),
        (MixesUpTheTotal(), "monotonicity", r"raising 'ownership.government_role'"),
        (TerseExplain(), "explain", r"does not mention criteria \['P1.alignment'"),
        (BlankExplain(), "explain", r"must return a non-empty str"),
        (OpaqueParams(), "params", r"not JSON-serialisable"),
        (DriftingParams(), "params", r"changed between two calls"),
        (NoExplain(), "attributes", r"the scorer has no 'explain'"),
        (
            OwnershipScorer,
            "attributes",
            r"got the class OwnershipScorer; pass a "
            r"scorer instance",
        ),
        (object(), "attributes", r"the scorer has no 'id', 'version'"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else "",
)
def test_broken_scorers_fail(scorer: Any, check: str, detail: str) -> None:
    with pytest.raises(AssertionError, match=failing(check) + detail):
        check_scorer(scorer)


def test_failure_message_names_the_scorer() -> None:
    with pytest.raises(AssertionError) as info:
        check_scorer(Reversed())
    assert str(info.value).startswith(
        "check_scorer: Reversed 'kps.results' failed check 'monotonicity': "
    )


def test_failure_keeps_the_cause() -> None:
    with pytest.raises(AssertionError) as info:
        check_scorer(Raises())
    assert isinstance(info.value.__context__, ZeroDivisionError)


# ---------------------------------------------------------------------------
# the sample portfolio
# ---------------------------------------------------------------------------
def test_sample_portfolio_is_seeded() -> None:
    a = sample_test_portfolio(20, rng=5)
    b = sample_test_portfolio(20, rng=np.random.default_rng(5))
    c = sample_test_portfolio(20, rng=6)
    same, differ = True, False
    for path in a.columns:
        x, y, z = a.column(path), b.column(path), c.column(path)
        if x.dtype == object:
            same &= x.tolist() == y.tolist()
            differ |= x.tolist() != z.tolist()
        else:
            same &= x.tobytes() == y.tobytes()
            differ |= x.tobytes() != z.tobytes()
    assert same
    assert differ
    assert a.records == b.records


def test_sample_portfolio_advances_a_generator() -> None:
    gen = np.random.default_rng(1)
    first = sample_test_portfolio(12, rng=gen)
    second = sample_test_portfolio(12, rng=gen)
    assert first.records != second.records


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5])
def test_sample_portfolio_small(n: int) -> None:
    pf = sample_test_portfolio(n, rng=0)
    assert pf.ids == tuple(f"T-{i:03d}" for i in range(n))


@pytest.mark.parametrize(
    ("n", "error", "pattern"),
    [
        (-1, ParameterValueError, r"'n' must be an integer >= 0 \(got -1\)"),
        (2.0, ParameterTypeError, r"'n' must be an integer \(got 2.0\)"),
        (True, ParameterTypeError, r"'n' must be an integer"),
        ("5", ParameterTypeError, r"'n' must be an integer"),
    ],
)
def test_sample_portfolio_validates_n(n: Any, error: type, pattern: str) -> None:
    with pytest.raises(error, match=r"^sample_test_portfolio\(\): " + pattern):
        sample_test_portfolio(n, rng=0)


def test_sample_portfolio_fixed_rows() -> None:
    pf = sample_test_portfolio(24, rng=0)
    blank, _, bottom, actors_only = pf.records[:4]
    counts = pf.actor_counts()
    # row 0: nothing at all
    assert counts[0] == 0
    for group in blank.evidence.values():
        assert all(v is None for v in attrs.asdict(group).values())
    # row 1: everything, at the top
    assert counts[1] == len(ActorKind)
    for factory in DEFAULT_SCORERS:
        ps = factory().score(pf)
        assert (ps.values[1] == 1.0).all(), factory.__name__
        assert np.isnan(ps.values[0]).all()
        # row 2: all evidence at the bottom (local share has no money: NaN)
        bottom_scores = ps.values[2][~np.isnan(ps.values[2])]
        assert (bottom_scores == 0.0).all()
    assert bottom.results.indicators_total == 0
    # row 3: actors but no evidence groups
    assert counts[3] >= 1
    for group in actors_only.evidence.values():
        assert all(v is None for v in attrs.asdict(group).values())


def test_sample_portfolio_covers_every_value() -> None:
    pf = sample_test_portfolio(24, rng=20190418)
    for spec in SCHEMA:
        col = pf.column(spec.path)
        if spec.kind == "ordinal":
            assert spec.enum is not None
            seen = set(col[~np.isnan(col)].tolist())
            assert seen == set(range(len(spec.enum))), spec.path
            assert np.isnan(col).any(), spec.path
        elif spec.kind == "bool":
            assert {0.0, 1.0} <= set(col[~np.isnan(col)].tolist()), spec.path
            assert np.isnan(col).any(), spec.path
        elif spec.kind == "share":
            present = col[~np.isnan(col)]
            assert {0.0, 1.0} <= set(present.tolist()), spec.path
            assert ((present > 0) & (present < 1)).any(), spec.path
            assert np.isnan(col).any(), spec.path
        elif spec.kind == "count":
            present = col[~np.isnan(col)]
            assert 0.0 in present, spec.path
            assert (present > 0).any(), spec.path
            assert np.isnan(col).any(), spec.path
        elif spec.kind == "enumset":
            unknown = np.isnan(col).all(axis=1)
            known = col[~unknown]
            assert (known.sum(axis=1) == 0).any(), spec.path
            assert (known.sum(axis=1) > 0).any(), spec.path
            if spec.optional:
                assert unknown.any(), spec.path
        elif spec.kind == "strlist":
            values = col.tolist()
            assert () in values, spec.path
            assert any(v for v in values), spec.path
            if spec.optional:
                assert None in values, spec.path
        elif spec.kind == "date":
            assert np.isnat(col).any(), spec.path
            assert (~np.isnat(col)).any(), spec.path
        elif spec.kind == "enum":
            assert (col == -1).any(), spec.path
            assert (col >= 0).any(), spec.path
        elif spec.kind == "amount":
            assert np.isnan(col).any(), spec.path
            assert (col == 0).any(), spec.path
            assert (col > 0).any(), spec.path
    kinds = set(pf.actor_column("kind").tolist())
    assert kinds == set(range(len(ActorKind)))
    dom = pf.actor_column("domestic")
    assert {0.0, 1.0} <= set(dom[~np.isnan(dom)].tolist())
    assert np.isnan(dom).any()
    assert len(set(pf.actor_column("currency").tolist())) > 1
    # and it builds records (every value valid)
    assert len(pf.records) == 24


class Minimal:
    """A scorer written from scratch: no kampala base class at all."""

    id = "duck.government-role"
    version = "0.1"
    principle = Principle.OWNERSHIP
    criteria = (
        Criterion(
            code="P1.duck",
            principle=Principle.OWNERSHIP,
            subprinciple="1.A",
            weight=2.0,
            evidence=("ownership.government_role",),
        ),
    )

    def score(self, portfolio: Portfolio) -> PrincipleScores:
        col = portfolio.column("ownership.government_role") / 4.0
        return PrincipleScores(
            principle=self.principle,
            scorer_id=self.id,
            scorer_version=self.version,
            criteria=self.criteria,
            values=col.reshape(-1, 1),
            ids=portfolio.ids,
        )

    def explain(self, portfolio: Portfolio, partnership_id: str) -> str:
        value = self.score(portfolio).values[portfolio.index(partnership_id), 0]
        return f"P1.duck: {value:.2f}"

    def params(self) -> dict[str, Any]:
        return {}


def test_a_duck_typed_scorer_conforms() -> None:
    check_scorer(Minimal())


def test_missing_evidence_is_checked_on_any_portfolio() -> None:
    # no partnership without evidence in the portfolio: the check adds one
    pf = Portfolio.from_records(sample_test_portfolio(10, rng=0).records[1:3])
    check_scorer(OwnershipScorer(), pf)
    with pytest.raises(AssertionError, match=failing("no_evidence")):
        check_scorer(ZeroForMissing(), pf)
