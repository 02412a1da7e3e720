from __future__ import annotations

import datetime as dt
import enum
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given

from kampala.errors import KampalaError, RecordValidationError
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
    Instrument,
    LeaveNoOneBehindEvidence,
    Modality,
    Ordinal,
    OwnershipEvidence,
    Partnership,
    ProvisionLevel,
    ReportingFrequency,
    ResultsEvidence,
    RiskSharing,
    Role,
    TargetGroup,
    TransparencyEvidence,
    enum_values,
)
from tests.strategies_records import partnerships

ORDINALS: tuple[type[Ordinal], ...] = (
    Alignment,
    GovernmentRole,
    CapacityLevel,
    AdditionalityLevel,
    DialogueLevel,
    ProvisionLevel,
    DataPublication,
    ReportingFrequency,
    EvaluationStatus,
    GenderMarker,
    RiskSharing,
)


def p(**kwargs: Any) -> Partnership:
    kwargs.setdefault("id", "PE-2021-014")
    kwargs.setdefault("title", "Riego tecnificado en Piura")
    return Partnership(**kwargs)


def test_ordinals_listed_are_all_ordinal_enums() -> None:
    import kampala.records as records

    found = {
        obj
        for obj in vars(records).values()
        if isinstance(obj, type) and issubclass(obj, Ordinal) and obj is not Ordinal
    }
    assert found == set(ORDINALS)


# ---------------------------------------------------------------------------
# ordinal scales
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls", ORDINALS, ids=lambda c: c.__name__)
def test_ordinal_rank_and_score(cls: type[Ordinal]) -> None:
    levels = list(cls)
    assert len(levels) >= 3
    for i, member in enumerate(levels):
        assert member.rank == i
        assert member.score == pytest.approx(i / (len(levels) - 1))
    assert levels[0].score == 0.0
    assert levels[-1].score == 1.0
    scores = [m.score for m in levels]
    assert scores == sorted(scores)


@pytest.mark.parametrize(
    ("member", "rank", "score"),
    [
        (Alignment.PARTIAL, 1, 0.5),
        (GovernmentRole.CO_DESIGNED, 3, 0.75),
        (GovernmentRole.INFORMED, 1, 0.25),
        (DialogueLevel.REGULAR, 2, 2 / 3),
        (DataPublication.OPEN_DATA, 2, 2 / 3),
        (ReportingFrequency.ANNUAL, 2, 0.5),
        (EvaluationStatus.PLANNED, 1, 1 / 3),
        (GenderMarker.SIGNIFICANT, 1, 0.5),
        (RiskSharing.CONTRACTUAL, 2, 1.0),
        (CapacityLevel.NONE, 0, 0.0),
    ],
)
def test_ordinal_hand_values(member: Ordinal, rank: int, score: float) -> None:
    assert member.rank == rank
    assert member.score == pytest.approx(score)


def test_enum_values_in_declaration_order() -> None:
    assert enum_values(GenderMarker) == ["0", "1", "2"]
    assert enum_values(Alignment) == ["none", "partial", "full"]


# ---------------------------------------------------------------------------
# construction and frozenness
# ---------------------------------------------------------------------------
def test_defaults_mean_no_evidence() -> None:
    rec = p()
    assert rec.country == "PE"
    assert rec.sectors == ()
    assert rec.actors == ()
    assert rec.ownership == OwnershipEvidence()
    assert all(v is None for v in attrs.asdict(rec.results).values())
    assert set(rec.evidence) == {
        "ownership",
        "results",
        "inclusion",
        "transparency",
        "leave_no_one_behind",
    }


def test_converters_make_tuples() -> None:
    rec = p(
        sectors=["311"],
        instruments=[Instrument.GRANT],
        actors=[Actor(name="MIDAGRI", kind=ActorKind.GOVERNMENT, roles=[Role.FUNDER])],
        results=ResultsEvidence(sdg_targets=["5.5"]),
        leave_no_one_behind=LeaveNoOneBehindEvidence(target_groups=[TargetGroup.YOUTH]),
    )
    assert rec.sectors == ("311",)
    assert rec.instruments == (Instrument.GRANT,)
    assert isinstance(rec.actors, tuple)
    assert rec.actors[0].roles == (Role.FUNDER,)
    assert rec.results.sdg_targets == ("5.5",)
    assert rec.leave_no_one_behind.target_groups == (TargetGroup.YOUTH,)


@pytest.mark.parametrize(
    "obj",
    [
        p(),
        OwnershipEvidence(),
        ResultsEvidence(),
        InclusionEvidence(),
        TransparencyEvidence(),
        LeaveNoOneBehindEvidence(),
        Actor(name="GIZ", kind=ActorKind.DEVELOPMENT_PARTNER),
    ],
    ids=lambda o: type(o).__name__,
)
def test_records_are_frozen(obj: Any) -> None:
    name = attrs.fields(type(obj))[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(obj, name, getattr(obj, name))


def test_evolve_changes_a_copy_and_validates() -> None:
    rec = p(budget_usd=100.0)
    new = attrs.evolve(rec, budget_usd=250.0)
    assert new.budget_usd == 250.0
    assert rec.budget_usd == 100.0
    assert new.id == rec.id
    own = attrs.evolve(rec.ownership, government_role=GovernmentRole.LEADS)
    assert own.government_role is GovernmentRole.LEADS
    with pytest.raises(RecordValidationError, match=r"'budget_usd' must be >= 0"):
        attrs.evolve(rec, budget_usd=-1.0)


def test_total_contribution() -> None:
    a = Actor(
        name="A",
        kind=ActorKind.MSME,
        financial_contribution=100.0,
        in_kind_contribution=25.0,
    )
    assert a.total_contribution == 125.0
    assert attrs.evolve(a, in_kind_contribution=None).total_contribution is None


def test_documented_negative_is_not_missing() -> None:
    rec = p(
        ownership=OwnershipEvidence(registered_with_agency=False),
        results=ResultsEvidence(sdg_targets=()),
    )
    assert rec.ownership.registered_with_agency is False
    assert rec.results.sdg_targets == ()
    assert rec.ownership != OwnershipEvidence()


@given(partnerships())
def test_generated_records_are_valid_and_equal_to_evolved_copies(
    rec: Partnership,
) -> None:
    assert attrs.evolve(rec) == rec
    assert pickle.loads(pickle.dumps(rec)) == rec


# ---------------------------------------------------------------------------
# validators: one case per rule, with the message shape of STYLE section 5
# ---------------------------------------------------------------------------
def test_budget_message_is_complete() -> None:
    with pytest.raises(RecordValidationError) as info:
        p(budget_usd=-1200.0)
    assert str(info.value) == (
        "partnership 'PE-2021-014': 'budget_usd' must be >= 0 (got -1200.0). "
        "Use None for an unknown amount."
    )
    err = info.value
    assert (err.where, err.field, err.value, err.expected) == (
        "partnership 'PE-2021-014'",
        "budget_usd",
        -1200.0,
        ">= 0",
    )
    assert isinstance(err, ValueError)
    assert isinstance(err, KampalaError)
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err)


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        # shares outside [0, 1]
        (
            lambda: OwnershipEvidence(country_systems_share=1.5),
            r"^OwnershipEvidence\(\): 'country_systems_share' must be a share in "
            r"\[0, 1\] or None \(got 1\.5\)",
        ),
        (
            lambda: ResultsEvidence(target_progress=-0.1),
            r"'target_progress' must be a share in \[0, 1\] or None \(got -0\.1\)",
        ),
        (
            lambda: TransparencyEvidence(publication_completeness=float("nan")),
            r"'publication_completeness' must be a share in \[0, 1\] or None",
        ),
        (
            lambda: LeaveNoOneBehindEvidence(poor_district_share=True),
            r"'poor_district_share' must be a share in \[0, 1\] or None \(got True\)",
        ),
        (
            lambda: OwnershipEvidence(country_systems_share="0.5"),
            r"'country_systems_share' must be a share in \[0, 1\] or None",
        ),
        # negative or infinite amounts
        (
            lambda: p(budget_usd=-1.0),
            r"^partnership 'PE-2021-014': 'budget_usd' must be >= 0 \(got -1\.0\)\. "
            r"Use None for an unknown amount\.$",
        ),
        (
            lambda: p(budget_usd=float("inf")),
            r"'budget_usd' must be a finite number \(got inf\)",
        ),
        (
            lambda: Actor(name="A", kind=ActorKind.MSME, financial_contribution=-5.0),
            r"^Actor\(\): 'financial_contribution' must be >= 0 \(got -5\.0\)",
        ),
        (
            lambda: Actor(name="A", kind=ActorKind.MSME, in_kind_contribution=-1),
            r"'in_kind_contribution' must be >= 0 \(got -1\)",
        ),
        # counts
        (
            lambda: ResultsEvidence(indicators_total=-1),
            r"'indicators_total' must be a whole number >= 0 or None \(got -1\)",
        ),
        (
            lambda: ResultsEvidence(indicators_total=2.0),
            r"'indicators_total' must be a whole number >= 0 or None \(got 2\.0\)",
        ),
        # bad sector codes
        (
            lambda: p(sectors=["31"]),
            r"^partnership 'PE-2021-014': 'sectors' must be an OECD DAC sector code "
            r"of 3 or 5 digits, such as '311' or '31120' \(got '31'\)",
        ),
        (lambda: p(sectors=["3112"]), r"'sectors' must be an OECD DAC sector code"),
        (lambda: p(sectors="311"), r"'sectors' must be a sequence of DAC sector codes"),
        # bad SDG targets
        (
            lambda: ResultsEvidence(sdg_targets=["18.1"]),
            r"'sdg_targets' must be an SDG target code such as '5\.5' or '17\.b' "
            r"\(got '18\.1'\)",
        ),
        (
            lambda: ResultsEvidence(sdg_targets=["5"]),
            r"'sdg_targets' must be an SDG target code",
        ),
        (
            lambda: ResultsEvidence(sdg_targets=["5.A"]),
            r"'sdg_targets' must be an SDG target code .* \(got '5\.A'\)",
        ),
        (
            lambda: ResultsEvidence(sdg_targets="5.5"),
            r"'sdg_targets' must be a sequence of SDG target codes",
        ),
        # bad country
        (
            lambda: p(country="pe"),
            r"^partnership 'PE-2021-014': 'country' must be an ISO 3166-1 alpha-2 "
            r"code such as 'PE' \(got 'pe'\)",
        ),
        (lambda: p(country="PER"), r"'country' must be an ISO 3166-1 alpha-2 code"),
        (lambda: p(country=None), r"'country' must be an ISO 3166-1 alpha-2 code"),
        # bad currency
        (
            lambda: Actor(name="A", kind=ActorKind.MSME, currency="usd"),
            r"^Actor\(\): 'currency' must be an ISO 4217 code such as 'USD' or 'PEN' "
            r"\(got 'usd'\)",
        ),
        (
            lambda: Actor(name="A", kind=ActorKind.MSME, currency="US"),
            r"'currency' must be an ISO 4217 code",
        ),
        # dates
        (
            lambda: p(start=dt.date(2022, 1, 1), end=dt.date(2021, 12, 31)),
            r"^partnership 'PE-2021-014': 'end' must be on or after start "
            r"\(2022-01-01\) \(got '2021-12-31'\)",
        ),
        (
            lambda: p(start=dt.datetime(2022, 1, 1, 12, 0)),
            r"'start' must be a datetime\.date or None",
        ),
        (lambda: p(end="2022-01-01"), r"'end' must be a datetime\.date or None"),
        # mixed currencies
        (
            lambda: p(
                actors=[
                    Actor(
                        name="A",
                        kind=ActorKind.GOVERNMENT,
                        financial_contribution=1.0,
                        currency="PEN",
                    ),
                    Actor(
                        name="B",
                        kind=ActorKind.DEVELOPMENT_PARTNER,
                        in_kind_contribution=2.0,
                        currency="USD",
                    ),
                ]
            ),
            r"^partnership 'PE-2021-014': 'actors' must be contributions in a single "
            r"currency \(got \['PEN', 'USD'\]\)\. Convert all contributions",
        ),
        (
            lambda: p(actors=["MIDAGRI"]),
            r"'actors\[0\]' must be an Actor \(got 'MIDAGRI'\)",
        ),
        # part > indicators_total
        (
            lambda: ResultsEvidence(
                indicators_total=3, indicators_with_baseline_and_target=4
            ),
            r"^ResultsEvidence\(\): 'indicators_with_baseline_and_target' must be "
            r"<= indicators_total \(3\) \(got 4\)\. It counts a subset",
        ),
        (
            lambda: ResultsEvidence(
                indicators_total=0, indicators_from_country_frameworks=1
            ),
            r"'indicators_from_country_frameworks' must be <= indicators_total \(0\)",
        ),
        # wrong enum type
        (
            lambda: OwnershipEvidence(government_role="leads"),
            r"^OwnershipEvidence\(\): 'government_role' must be a GovernmentRole "
            r"\(none, informed, consulted, co-designed, leads\) \(got 'leads'\)",
        ),
        (
            lambda: OwnershipEvidence(national_plan_alignment=CapacityLevel.SOME),
            r"'national_plan_alignment' must be an Alignment \(none, partial, full\)",
        ),
        (
            lambda: p(modality="bilateral"),
            r"'modality' must be a Modality \(bilateral, multilateral",
        ),
        (
            lambda: Actor(name="A", kind="msme"),
            r"^Actor\(\): 'kind' must be an ActorKind \(government, ",
        ),
        (
            lambda: Actor(name="A", kind=None),
            r"'kind' must be an ActorKind",
        ),
        (
            lambda: LeaveNoOneBehindEvidence(target_groups=["women"]),
            r"'target_groups' must be a TargetGroup \(women, .*\) \(got 'women'\)",
        ),
        (
            lambda: LeaveNoOneBehindEvidence(target_groups="women"),
            r"'target_groups' must be a sequence of TargetGroup",
        ),
        (
            lambda: p(instruments=[Modality.BILATERAL]),
            r"'instruments' must be an Instrument \(grant, ",
        ),
        (
            lambda: Actor(name="A", kind=ActorKind.MSME, roles=["funder"]),
            r"'roles' must be a Role \(funder, ",
        ),
        # duplicate enum items
        (
            lambda: LeaveNoOneBehindEvidence(
                disaggregation=[Disaggregation.SEX, Disaggregation.SEX]
            ),
            r"'disaggregation' must be free of repeated values",
        ),
        (
            lambda: p(instruments=[Instrument.LOAN, Instrument.LOAN]),
            r"^partnership 'PE-2021-014': 'instruments' must be free of repeated",
        ),
        (
            lambda: Actor(name="A", kind=ActorKind.MSME, roles=[Role.FUNDER] * 2),
            r"'roles' must be free of repeated values",
        ),
        # booleans, strings
        (
            lambda: TransparencyEvidence(joint_reviews=1),
            r"'joint_reviews' must be true, false or None \(got 1\)",
        ),
        (
            lambda: InclusionEvidence(shared_governance="yes"),
            r"'shared_governance' must be true, false or None",
        ),
        (lambda: p(id="  "), r"'id' must be a non-empty string \(got '  '\)"),
        (lambda: p(title=""), r"'title' must be a non-empty string"),
        (lambda: Actor(name="", kind=ActorKind.MSME), r"'name' must be a non-empty"),
        (lambda: p(ownership=None), r"'ownership' must be"),
    ],
)
def test_validators(make: Any, pattern: str) -> None:
    with pytest.raises((RecordValidationError, TypeError), match=pattern) as info:
        make()
    # every validation failure is a RecordValidationError, except the
    # instance_of checks of the evidence groups, which attrs raises as TypeError
    if "'ownership' must be" not in pattern:
        assert isinstance(info.value, RecordValidationError)


def test_parts_equal_to_total_are_valid() -> None:
    ev = ResultsEvidence(
        indicators_total=3,
        indicators_with_baseline_and_target=3,
        indicators_from_country_frameworks=0,
    )
    assert ev.indicators_with_baseline_and_target == 3
    # a part without a total cannot be checked, and is accepted
    assert (
        ResultsEvidence(indicators_with_baseline_and_target=9).indicators_total is None
    )


def test_same_day_and_open_ended_dates_are_valid() -> None:
    d = dt.date(2021, 3, 1)
    assert p(start=d, end=d).end == d
    assert p(start=d).end is None
    assert p(end=d).start is None


def test_one_currency_without_amounts_is_not_mixed() -> None:
    rec = p(
        actors=[
            Actor(name="A", kind=ActorKind.GOVERNMENT, currency="PEN"),
            Actor(
                name="B",
                kind=ActorKind.DEVELOPMENT_PARTNER,
                financial_contribution=1.0,
                currency="USD",
            ),
        ]
    )
    assert len(rec.actors) == 2


@pytest.mark.parametrize(
    "code", ["1.1", "17.19", "5.c", "17.b", "10.7", "3.d", "9.a", "11.1"]
)
def test_valid_sdg_targets(code: str) -> None:
    assert ResultsEvidence(sdg_targets=[code]).sdg_targets == (code,)


@pytest.mark.parametrize(
    "code", ["0.1", "18.1", "5.", "5.5.1", "5.ab", "05.5", "5.0", " 5.5", "17.B"]
)
def test_invalid_sdg_targets(code: str) -> None:
    with pytest.raises(RecordValidationError, match=r"'sdg_targets' must be an SDG"):
        ResultsEvidence(sdg_targets=[code])


@pytest.mark.parametrize(
    "cls",
    [
        Alignment,
        GovernmentRole,
        Modality,
        Instrument,
        ActorKind,
        Role,
        TargetGroup,
        Disaggregation,
    ],
)
def test_enum_values_are_unique(cls: type[enum.Enum]) -> None:
    values = [m.value for m in cls]
    assert len(set(values)) == len(values)


def test_repeated_sdg_targets_rejected() -> None:
    # BUG: every other sequence field rejects repeated values, but
    # ResultsEvidence accepts sdg_targets=("5.5", "5.5"), and ResultsScorer
    # counts it as two targets (P2.sdg_targets = 1.0 with sdg_target_count=2
    # for a single distinct target).
    with pytest.raises(RecordValidationError, match=r"'sdg_targets' must be free of"):
        ResultsEvidence(sdg_targets=["5.5", "5.5"])
