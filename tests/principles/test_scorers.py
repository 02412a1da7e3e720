from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import Portfolio
from kampala.errors import ParameterValueError
from kampala.portfolio import SCHEMA
from kampala.principles import (
    DEFAULT_SCORERS,
    InclusivePartnershipScorer,
    LeaveNoOneBehindScorer,
    OwnershipScorer,
    Principle,
    ResultsScorer,
    RubricScorer,
    TransparencyScorer,
)
from kampala.records import (
    Actor,
    ActorKind,
    AdditionalityLevel,
    Alignment,
    CapacityLevel,
    DataPublication,
    DialogueLevel,
    Disaggregation,
    EvaluationStatus,
    GenderMarker,
    GovernmentRole,
    InclusionEvidence,
    LeaveNoOneBehindEvidence,
    Ordinal,
    OwnershipEvidence,
    Partnership,
    ProvisionLevel,
    ReportingFrequency,
    ResultsEvidence,
    RiskSharing,
    TargetGroup,
    TransparencyEvidence,
)
from tests.strategies_records import SDG_CODES, partnership_lists, reorder

nan = math.nan

GROUP_PRINCIPLE = {
    "ownership": Principle.OWNERSHIP,
    "results": Principle.RESULTS,
    "inclusion": Principle.INCLUSIVE_PARTNERSHIP,
    "transparency": Principle.TRANSPARENCY,
    "leave_no_one_behind": Principle.LEAVE_NO_ONE_BEHIND,
}
SCORER_OF = {factory().principle: factory for factory in DEFAULT_SCORERS}


def rec(i: int = 0, **kw: Any) -> Partnership:
    return Partnership(id=f"R{i}", title="t", **kw)


def values(scorer: RubricScorer, *records: Partnership) -> np.ndarray:
    return scorer.score(Portfolio.from_records(records)).values


def row(scorer: RubricScorer, record: Partnership) -> list[float]:
    out: list[float] = values(scorer, record)[0].tolist()
    return out


def assert_row(got: list[float], expected: list[float]) -> None:
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def actor(kind: ActorKind, **kw: Any) -> Actor:
    return Actor(name=kind.value, kind=kind, **kw)


# ---------------------------------------------------------------------------
# hand-computed criteria, principle by principle
# ---------------------------------------------------------------------------
def test_ownership_by_hand() -> None:
    s = OwnershipScorer()
    full = rec(
        ownership=OwnershipEvidence(
            national_plan_alignment=Alignment.PARTIAL,
            government_role=GovernmentRole.CONSULTED,
            country_systems_share=0.3,
            registered_with_agency=True,
            local_capacity=CapacityLevel.SOME,
        )
    )
    assert_row(row(s, full), [0.5, 0.5, 0.3, 1.0, 0.5])
    some = rec(
        ownership=OwnershipEvidence(
            government_role=GovernmentRole.INFORMED, registered_with_agency=False
        )
    )
    assert_row(row(s, some), [nan, 0.25, nan, 0.0, nan])
    ps = s.score(Portfolio.from_records([full, attrs.evolve(some, id="R1")]))
    np.testing.assert_allclose(ps.score(), [(0.5 + 0.5 + 0.3 + 1 + 0.5) / 5, 0.125])
    np.testing.assert_allclose(ps.coverage(), [1.0, 0.4])
    assert (ps.principle, ps.scorer_id, ps.scorer_version) == (
        Principle.OWNERSHIP,
        "kps.ownership",
        "1",
    )


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        # 3 of 5 indicators with baseline and target -> 0.6; 2 of 5 from
        # country frameworks -> 0.4; two SDG targets against 1 -> 1
        (
            ResultsEvidence(
                indicators_total=5,
                indicators_with_baseline_and_target=3,
                indicators_from_country_frameworks=2,
                sdg_targets=["5.5", "8.3"],
                additionality=AdditionalityLevel.ASSERTED,
                target_progress=0.8,
            ),
            [0.6, 0.4, 1.0, 0.5, 0.8],
        ),
        # no results framework scores 0 on both indicator criteria
        (ResultsEvidence(indicators_total=0), [0.0, 0.0, nan, nan, nan]),
        (
            ResultsEvidence(
                indicators_total=0,
                indicators_with_baseline_and_target=0,
                sdg_targets=(),
                additionality=AdditionalityLevel.NONE,
                target_progress=0.0,
            ),
            [0.0, 0.0, 0.0, 0.0, 0.0],
        ),
        # a part without its total, or a total without its part, is missing
        (
            ResultsEvidence(indicators_with_baseline_and_target=3),
            [nan, nan, nan, nan, nan],
        ),
        (
            ResultsEvidence(indicators_total=4, indicators_from_country_frameworks=4),
            [nan, 1.0, nan, nan, nan],
        ),
        (ResultsEvidence(sdg_targets=["17.b"]), [nan, nan, 1.0, nan, nan]),
    ],
)
def test_results_by_hand(evidence: ResultsEvidence, expected: list[float]) -> None:
    assert_row(row(ResultsScorer(), rec(results=evidence)), expected)


@pytest.mark.parametrize(
    ("count", "targets", "expected"),
    [(1, 0, 0.0), (1, 1, 1.0), (1, 3, 1.0), (4, 1, 0.25), (4, 2, 0.5), (4, 5, 1.0)],
)
def test_results_sdg_target_count(count: int, targets: int, expected: float) -> None:
    r = rec(results=ResultsEvidence(sdg_targets=SDG_CODES[:targets]))
    assert row(ResultsScorer(sdg_target_count=count), r)[2] == pytest.approx(expected)


def test_inclusive_partnership_by_hand() -> None:
    s = InclusivePartnershipScorer()
    r = rec(
        actors=[
            actor(
                ActorKind.GOVERNMENT,
                domestic=True,
                financial_contribution=300.0,
                in_kind_contribution=100.0,
            ),
            actor(
                ActorKind.PRIVATE_SECTOR, domestic=False, financial_contribution=600.0
            ),
            # origin unknown: not counted in the local share
            actor(ActorKind.CIVIL_SOCIETY, financial_contribution=1000.0),
            actor(ActorKind.ACADEMIA),
        ],
        inclusion=InclusionEvidence(
            dialogue=DialogueLevel.REGULAR,
            shared_governance=False,
            msme_access=ProvisionLevel.PARTIAL,
        ),
    )
    # categories: government, foreign private sector, civil society, academia
    # -> (4 - 1) / (5 - 1); local share 400 / (400 + 600)
    assert_row(row(s, r), [0.75, 0.4, 2 / 3, 0.0, 0.5])


@pytest.mark.parametrize(
    ("actors", "target", "expected"),
    [
        # three stakeholder categories with diversity_target 5 -> 0.5
        (
            [
                actor(ActorKind.GOVERNMENT),
                actor(ActorKind.MSME, domestic=True),
                actor(ActorKind.FOUNDATION),
            ],
            5,
            0.5,
        ),
        # government and subnational government are one category
        (
            [actor(ActorKind.GOVERNMENT), actor(ActorKind.SUBNATIONAL_GOVERNMENT)],
            5,
            0.0,
        ),
        # domestic and foreign private sector are two categories
        (
            [
                actor(ActorKind.MSME, domestic=True),
                actor(ActorKind.BUSINESS_ASSOCIATION, domestic=False),
            ],
            3,
            0.5,
        ),
        # a private actor of unknown origin and OTHER are not categorised
        (
            [
                actor(ActorKind.PRIVATE_SECTOR),
                actor(ActorKind.OTHER),
                actor(ActorKind.TRADE_UNION),
                actor(ActorKind.MULTILATERAL),
            ],
            2,
            1.0,
        ),
        (
            [
                actor(ActorKind.COMMUNITY_ORGANISATION),
                actor(ActorKind.INDIGENOUS_ORGANISATION),
                actor(ActorKind.DEVELOPMENT_PARTNER),
                actor(ActorKind.ACADEMIA),
            ],
            3,
            1.0,
        ),
        ([], 5, nan),
    ],
)
def test_diversity_by_hand(actors: list[Actor], target: int, expected: float) -> None:
    s = InclusivePartnershipScorer(diversity_target=target)
    got = row(s, rec(actors=actors))[0]
    assert got == pytest.approx(expected, nan_ok=True)


@pytest.mark.parametrize(
    ("actors", "expected"),
    [
        ([], nan),
        ([actor(ActorKind.GOVERNMENT, domestic=True)], nan),  # no amounts
        (
            [actor(ActorKind.GOVERNMENT, domestic=True, financial_contribution=0.0)],
            nan,  # nothing contributed
        ),
        (
            [
                actor(ActorKind.GOVERNMENT, domestic=True, in_kind_contribution=50.0),
                actor(
                    ActorKind.DEVELOPMENT_PARTNER,
                    domestic=False,
                    financial_contribution=150.0,
                ),
            ],
            0.25,
        ),
        (
            [
                actor(ActorKind.MSME, domestic=True, financial_contribution=10.0),
                actor(ActorKind.ACADEMIA, financial_contribution=90.0),
            ],
            1.0,
        ),
        (
            [actor(ActorKind.MULTILATERAL, domestic=False, financial_contribution=5.0)],
            0.0,
        ),
    ],
)
def test_local_share_by_hand(actors: list[Actor], expected: float) -> None:
    got = row(InclusivePartnershipScorer(), rec(actors=actors))[1]
    assert got == pytest.approx(expected, nan_ok=True)


def test_transparency_by_hand() -> None:
    r = rec(
        transparency=TransparencyEvidence(
            publication=DataPublication.OPEN_DATA,
            publication_completeness=0.7,
            reporting_frequency=ReportingFrequency.ANNUAL,
            evaluation=EvaluationStatus.DONE,
            grievance_mechanism=True,
            contributions_disclosed=False,
        )
    )
    assert_row(row(TransparencyScorer(), r), [2 / 3, 0.7, 0.5, 2 / 3, 1.0, 0.0, nan])


def test_leave_no_one_behind_by_hand() -> None:
    r = rec(
        leave_no_one_behind=LeaveNoOneBehindEvidence(
            target_groups=[TargetGroup.WOMEN],
            poor_district_share=0.4,
            disaggregation=[Disaggregation.SEX, Disaggregation.AGE],
            gender_marker=GenderMarker.SIGNIFICANT,
            safeguards=ProvisionLevel.FULL,
            risk_sharing=RiskSharing.INFORMAL,
            private_solution_case=ProvisionLevel.NONE,
        )
    )
    assert_row(row(LeaveNoOneBehindScorer(), r), [0.5, 0.4, 2 / 3, 0.5, 1.0, 0.5, 0.0])
    s = LeaveNoOneBehindScorer(target_group_count=4, disaggregation_count=1)
    assert_row(row(s, r)[:3], [0.25, 0.4, 1.0])
    empty = rec(
        leave_no_one_behind=LeaveNoOneBehindEvidence(
            target_groups=(), disaggregation=()
        )
    )
    assert_row(row(LeaveNoOneBehindScorer(), empty)[:3], [0.0, nan, 0.0])


@pytest.mark.parametrize("factory", DEFAULT_SCORERS, ids=lambda f: f.__name__)
def test_no_evidence_scores_nan(factory: Callable[[], RubricScorer]) -> None:
    s = factory()
    ps = s.score(Portfolio.from_records([rec()]))
    assert np.isnan(ps.values).all()
    assert np.isnan(ps.score()).all()
    assert ps.coverage().tolist() == [0.0]


@pytest.mark.parametrize("factory", DEFAULT_SCORERS, ids=lambda f: f.__name__)
def test_empty_portfolio(factory: Callable[[], RubricScorer]) -> None:
    ps = factory().score(Portfolio.from_records([]))
    assert ps.values.shape == (0, len(factory().criteria))
    assert ps.ids == ()


@pytest.mark.parametrize("factory", DEFAULT_SCORERS, ids=lambda f: f.__name__)
def test_criteria_read_schema_columns(factory: Callable[[], RubricScorer]) -> None:
    paths = {s.path for s in SCHEMA} | {"actors"}
    for c in factory().criteria:
        assert c.evidence
        assert set(c.evidence) <= paths


# ---------------------------------------------------------------------------
# explanations
# ---------------------------------------------------------------------------
def test_explain_by_hand() -> None:
    pf = Portfolio.from_records(
        [
            rec(
                ownership=OwnershipEvidence(
                    government_role=GovernmentRole.CONSULTED,
                    registered_with_agency=True,
                )
            )
        ]
    )
    text = OwnershipScorer().explain(pf, "R0")
    lines = text.splitlines()
    assert lines[0] == "P1 Inclusive country ownership — R0"
    assert len(lines) == 6
    assert (
        "P1.government_role Role of the partner-country government: "
        "ownership.government_role = consulted → 0.50 "
        "(weight 0.50, contributes 0.250)"
    ) in text
    assert "ownership.registered_with_agency = True → 1.00" in text
    assert (
        "P1.alignment Objectives drawn from national plans: no evidence "
        "(ownership.national_plan_alignment = missing) — not scored"
    ) in text


def test_explain_actors_and_sets() -> None:
    pf = Portfolio.from_records(
        [
            rec(
                actors=[
                    actor(ActorKind.GOVERNMENT, domestic=True),
                    actor(ActorKind.MSME, domestic=False),
                    actor(ActorKind.ACADEMIA),
                ],
                leave_no_one_behind=LeaveNoOneBehindEvidence(
                    target_groups=[TargetGroup.WOMEN, TargetGroup.YOUTH]
                ),
            ),
            rec(1),
        ]
    )
    text = InclusivePartnershipScorer().explain(pf, "R0")
    assert (
        "government (government, domestic); msme (msme, foreign); "
        "academia (academia, origin unknown)"
    ) in text
    assert "no actors recorded" in InclusivePartnershipScorer().explain(pf, "R1")
    lnob = LeaveNoOneBehindScorer().explain(pf, "R0")
    assert "leave_no_one_behind.target_groups = [women, youth] → 1.00" in lnob


def test_explain_unknown_id() -> None:
    pf = Portfolio.from_records([rec()])
    with pytest.raises(Exception, match=r"'id' must be the id of a partnership"):
        OwnershipScorer().explain(pf, "nope")


# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------
def test_params() -> None:
    assert OwnershipScorer().params() == {}
    assert TransparencyScorer().params() == {}
    assert ResultsScorer().params() == {"sdg_target_count": 1}
    assert ResultsScorer(sdg_target_count=3).params() == {"sdg_target_count": 3}
    assert InclusivePartnershipScorer().params() == {"diversity_target": 5}
    assert LeaveNoOneBehindScorer(disaggregation_count=6).params() == {
        "target_group_count": 2,
        "disaggregation_count": 6,
    }
    assert ResultsScorer(sdg_target_count=2) == ResultsScorer(sdg_target_count=2)


@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (ResultsScorer, "sdg_target_count"),
        (InclusivePartnershipScorer, "diversity_target"),
        (LeaveNoOneBehindScorer, "target_group_count"),
        (LeaveNoOneBehindScorer, "disaggregation_count"),
    ],
)
@pytest.mark.parametrize("bad", [0, -3, 1.5, 2.0, True, "3", None])
def test_parameters_validated(factory: Any, name: str, bad: Any) -> None:
    pattern = rf"^{factory.__name__}\(\): '{name}' must be an integer >= 1 \(got "
    with pytest.raises(ParameterValueError, match=pattern):
        factory(**{name: bad})


def test_diversity_target_needs_two_categories() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^InclusivePartnershipScorer\(\): 'diversity_target' must be an "
        r"integer >= 2 \(got 1\)",
    ):
        InclusivePartnershipScorer(diversity_target=1)
    assert InclusivePartnershipScorer(diversity_target=2).diversity_target == 2


def test_scorers_are_frozen_and_keyword_only() -> None:
    s = ResultsScorer()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.sdg_target_count = 5  # type: ignore[misc]
    with pytest.raises(TypeError):
        ResultsScorer(3)  # type: ignore[misc]


# ---------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------
SCORERS = [factory() for factory in DEFAULT_SCORERS]
VARIANTS = [
    *SCORERS,
    ResultsScorer(sdg_target_count=3),
    InclusivePartnershipScorer(diversity_target=2),
    LeaveNoOneBehindScorer(target_group_count=5, disaggregation_count=1),
]


@given(partnership_lists(max_size=6))
def test_scores_in_unit_interval_or_nan(records: list[Partnership]) -> None:
    pf = Portfolio.from_records(records)
    for s in VARIANTS:
        ps = s.score(pf)
        v = ps.values
        assert v.shape == (len(records), len(s.criteria))
        assert (np.isnan(v) | ((v >= 0) & (v <= 1))).all()
        total = ps.score()
        assert (np.isnan(total) | ((total >= 0) & (total <= 1))).all()
        cov = ps.coverage()
        assert ((cov >= 0) & (cov <= 1)).all()
        np.testing.assert_array_equal(np.isnan(total), cov == 0)


@given(partnership_lists(min_size=1, max_size=6), st.data())
def test_scores_equivariant_under_reordering(
    records: list[Partnership], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(records))))
    pf = Portfolio.from_records(records)
    shuffled = Portfolio.from_records(reorder(records, order))
    for s in VARIANTS:
        a, b = s.score(pf), s.score(shuffled)
        np.testing.assert_array_equal(b.values, a.values[list(order)])
        assert b.ids == tuple(a.ids[i] for i in order)


@given(partnership_lists(min_size=2, max_size=4))
def test_rows_scored_independently(records: list[Partnership]) -> None:
    pf = Portfolio.from_records(records)
    for s in SCORERS:
        full = s.score(pf).values
        for i, r in enumerate(records):
            np.testing.assert_array_equal(
                s.score(Portfolio.from_records([r])).values[0], full[i]
            )


Improvement = tuple[str, Callable[[st.DataObject], Partnership]]


def improvements(r: Partnership) -> list[Improvement]:
    """Every single-piece improvement of the evidence of ``r``."""
    out: list[Improvement] = []

    def change(group: str, **kw: Any) -> Callable[[st.DataObject], Partnership]:
        return lambda _: attrs.evolve(
            r, **{group: attrs.evolve(getattr(r, group), **kw)}
        )

    for group, ev in r.evidence.items():
        for f in attrs.fields(type(ev)):
            value = getattr(ev, f.name)
            if isinstance(value, Ordinal) and value.score < 1:
                up = list(type(value))[value.rank + 1]
                out.append((group, change(group, **{f.name: up})))
            elif value is False:
                out.append((group, change(group, **{f.name: True})))
            elif isinstance(value, float) and value < 1:

                def raise_share(
                    data: st.DataObject,
                    g: str = group,
                    n: str = f.name,
                    v: float = value,
                ) -> Partnership:
                    new = data.draw(st.floats(min_value=v, max_value=1.0))
                    return change(g, **{n: new})(data)

                out.append((group, raise_share))
    res = r.results
    for name in (
        "indicators_with_baseline_and_target",
        "indicators_from_country_frameworks",
    ):
        part = getattr(res, name)
        total = res.indicators_total
        if part is not None and total is not None and part < total:
            out.append(("results", change("results", **{name: part + 1})))
    if res.sdg_targets is not None:
        extra = [c for c in SDG_CODES if c not in res.sdg_targets]
        if extra:
            targets = (*res.sdg_targets, extra[0])
            out.append(("results", change("results", sdg_targets=targets)))
    lnob = r.leave_no_one_behind
    for name, members in (
        ("target_groups", list(TargetGroup)),
        ("disaggregation", list(Disaggregation)),
    ):
        current = getattr(lnob, name)
        if current is not None:
            missing = [m for m in members if m not in current]
            if missing:

                def add(
                    data: st.DataObject,
                    n: str = name,
                    cur: tuple[Any, ...] = current,
                    miss: list[Any] = missing,
                ) -> Partnership:
                    new = data.draw(st.sampled_from(miss))
                    return change("leave_no_one_behind", **{n: (*cur, new)})(data)

                out.append(("leave_no_one_behind", add))
    return out


@given(partnership_lists(min_size=1, max_size=3), st.data())
def test_improving_evidence_never_lowers_the_score(
    records: list[Partnership], data: st.DataObject
) -> None:
    r, others = records[0], records[1:]
    options = improvements(r)
    if not options:
        return
    group, improve = data.draw(st.sampled_from(options))
    better = improve(data)
    principle = GROUP_PRINCIPLE[group]
    for s in VARIANTS:
        if s.principle is not principle:
            continue
        before = s.score(Portfolio.from_records([r, *others]))
        after = s.score(Portfolio.from_records([better, *others]))
        b, a = before.values[0], after.values[0]
        # the same criteria have evidence, none scores lower
        np.testing.assert_array_equal(np.isnan(a), np.isnan(b))
        ok = np.isnan(b) | (a >= b - 1e-12)
        assert ok.all(), (s.id, b, a)
        assert after.score()[0] >= before.score()[0] - 1e-12
        # other partnerships are untouched
        np.testing.assert_array_equal(after.values[1:], before.values[1:])
    for s in VARIANTS:
        if s.principle is not principle:
            np.testing.assert_array_equal(
                s.score(Portfolio.from_records([better])).values,
                s.score(Portfolio.from_records([r])).values,
            )


@given(partnership_lists(min_size=1, max_size=3), st.data())
def test_adding_a_stakeholder_category_never_lowers_diversity(
    records: list[Partnership], data: st.DataObject
) -> None:
    r = records[0]
    new = Actor(
        name="new",
        # OTHER fits no stakeholder category, so it adds none
        kind=data.draw(
            st.sampled_from([k for k in ActorKind if k is not ActorKind.OTHER])
        ),
        domestic=data.draw(st.sampled_from([True, False])),
        currency=r.actors[0].currency if r.actors else "USD",
    )
    better = attrs.evolve(r, actors=(*r.actors, new))
    for target in (2, 5):
        s = InclusivePartnershipScorer(diversity_target=target)
        before = row(s, r)[0]
        after = row(s, better)[0]
        assert not math.isnan(after)
        assert math.isnan(before) or after >= before


def test_each_default_scorer_has_its_own_module() -> None:
    modules = [factory.__module__ for factory in DEFAULT_SCORERS]
    assert modules == [
        "kampala.principles.ownership",
        "kampala.principles.results",
        "kampala.principles.inclusive_partnership",
        "kampala.principles.transparency",
        "kampala.principles.leave_no_one_behind",
    ]


def test_criteria_data_fits_the_scorers() -> None:
    from kampala.data import sample_portfolio
    from kampala.principles.scorers import STAKEHOLDER_CATEGORIES

    pf = sample_portfolio()
    for factory in DEFAULT_SCORERS:
        scorer = factory()
        assert all(c.principle is scorer.principle for c in scorer.criteria)
        assert all(
            c.code.startswith(scorer.principle.code + ".") for c in scorer.criteria
        )
        # one column per criterion, in the order of the data file
        assert scorer.score(pf).values.shape == (len(pf), len(scorer.criteria))
    rule = InclusivePartnershipScorer.criteria[0].rule_en
    assert all(category in rule for category in STAKEHOLDER_CATEGORIES)
