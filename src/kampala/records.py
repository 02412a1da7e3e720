"""Typed partnership records: what an analyst knows about each partnership.

Records are frozen attrs classes. Every field either has a default or is
required; evidence fields default to ``None``, which means *no evidence*
(the criterion is missing and scored NaN), distinct from a documented
negative answer (``False``, ``Alignment.NONE``, an empty tuple).

Ordinal scales are enumerations whose members are listed from the lowest
to the highest level; `Ordinal.rank` is the position (0 = lowest) and
`Ordinal.score` maps the scale onto [0, 1] with fixed goalposts
(lowest level 0, highest 1, equal steps).

Examples
--------
>>> from kampala.records import Actor, ActorKind, OwnershipEvidence, Partnership
>>> from kampala.records import GovernmentRole, Role
>>> p = Partnership(
...     id="PE-2021-014",
...     title="Riego tecnificado en Piura",
...     actors=[Actor(name="MIDAGRI", kind=ActorKind.GOVERNMENT,
...                   roles=[Role.IMPLEMENTER], domestic=True)],
...     ownership=OwnershipEvidence(government_role=GovernmentRole.CO_DESIGNED),
... )
>>> p.ownership.government_role.score
0.75
"""

# ruff: noqa: RUF009, F405 - fields are attrs.field() calls built from kampala.schema;
# the scales (enumerations) come from kampala.scales by a star import: they are
# this module's API too (listed in __all__).
from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

from kampala import scales
from kampala._internal.text import with_article
from kampala.errors import RecordValidationError
from kampala.scales import *  # noqa: F403 - the scales are part of this module's API
from kampala.schema import field, group_rules
from kampala.validators import Problem, fail

__all__ = [
    "Actor",
    "InclusionEvidence",
    "LeaveNoOneBehindEvidence",
    "OwnershipEvidence",
    "Partnership",
    "ResultsEvidence",
    "TransparencyEvidence",
    "enum_values",
]
__all__ += scales.__all__  # the scales, listed once, in kampala.scales
__all__.sort()  # CapWords sort before snake_case, as ruff's RUF022 wants


# ---------------------------------------------------------------------------
# field helpers: every field's default, converter and validator come from
# its declaration in kampala.schema
# ---------------------------------------------------------------------------
def _field(path: str) -> Any:
    return field(path).attrs_field()


# Sequence fields spell out attrs.field(converter=...) so that type checkers
# see the converter (and accept any iterable); the parts still come from the
# schema.
def _default(path: str) -> Any:
    return field(path).default


def _strs(value: Iterable[str]) -> tuple[str, ...]:
    return field("sectors").converter(value)  # type: ignore[no-any-return]


def _opt_strs(value: Iterable[str] | None) -> tuple[str, ...] | None:
    return field("results.sdg_goals").converter(value)  # type: ignore[no-any-return]


def _instruments(value: Iterable[Instrument]) -> tuple[Instrument, ...]:
    return field("instruments").converter(value)  # type: ignore[no-any-return]


def _target_groups(
    value: Iterable[TargetGroup] | None,
) -> tuple[TargetGroup, ...] | None:
    return field("leave_no_one_behind.target_groups").converter(value)  # type: ignore[no-any-return]


def _disaggregations(
    value: Iterable[Disaggregation] | None,
) -> tuple[Disaggregation, ...] | None:
    return field("leave_no_one_behind.disaggregation").converter(value)  # type: ignore[no-any-return]


def _roles(value: Iterable[Role]) -> tuple[Role, ...]:
    return field("roles", actor=True).converter(value)  # type: ignore[no-any-return]


def _check(path: str) -> Any:
    return field(path).validator


def _actor_check(name: str) -> Any:
    return field(name, actor=True).validator


def _actor(name: str) -> Any:
    return field(name, actor=True).attrs_field()


def _check_rules(record: Any, group: str) -> None:
    for rule in group_rules(group):
        name, bound = rule.field.split(".")[-1], rule.bound.split(".")[-1]
        problem = rule.check(getattr(record, name), getattr(record, bound))
        if problem is not None:
            fail(record, name, problem)


# ---------------------------------------------------------------------------
# evidence groups
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class OwnershipEvidence:
    """Evidence for principle 1, inclusive country ownership.

    Parameters
    ----------
    national_plan_alignment : Alignment or None
        Objectives drawn from the national plan or a country results framework.
    government_role : GovernmentRole or None
        The partner-country government's role.
    country_systems_share : float or None
        Share of funds channelled through country systems (public financial
        management, procurement), in [0, 1].
    registered_with_agency : bool or None
        Registered with the national co-operation agency (in Peru, APCI).
    local_capacity : CapacityLevel or None
        Investment in local capacities.

    Examples
    --------
    >>> from kampala.records import Alignment, OwnershipEvidence
    >>> ev = OwnershipEvidence(national_plan_alignment=Alignment.FULL,
    ...                        country_systems_share=0.4)
    >>> ev.national_plan_alignment.score, ev.country_systems_share
    (1.0, 0.4)
    >>> print(ev.government_role)  # no evidence
    None
    """

    national_plan_alignment: Alignment | None = _field(
        "ownership.national_plan_alignment"
    )
    government_role: GovernmentRole | None = _field("ownership.government_role")
    country_systems_share: float | None = _field("ownership.country_systems_share")
    registered_with_agency: bool | None = _field("ownership.registered_with_agency")
    local_capacity: CapacityLevel | None = _field("ownership.local_capacity")


@attrs.frozen(kw_only=True)
class ResultsEvidence:
    """Evidence for principle 2, results and targeted impact.

    Parameters
    ----------
    indicators_total : int or None
        Number of indicators in the results framework (0: no framework).
    indicators_with_baseline_and_target : int or None
        How many of them have both a baseline and a target.
    indicators_from_country_frameworks : int or None
        How many are drawn from country results frameworks or national
        statistics.
    sdg_targets : sequence of str or None
        SDG targets the partnership identifies (``"5.5"``, ``"17.b"``); an
        empty sequence documents that none is identified.
    sdg_goals : sequence of str or None
        SDGs (goals ``"1"`` to ``"17"``) the partnership names without
        naming targets.
    additionality : AdditionalityLevel or None
        How additionality was established.
    target_progress : float or None
        Mean progress towards targets, in [0, 1] (achieved share of the
        distance from baseline to target, capped at 1), where actual values
        exist.

    Examples
    --------
    >>> from kampala.records import ResultsEvidence
    >>> ev = ResultsEvidence(indicators_total=10, indicators_with_baseline_and_target=7,
    ...                      sdg_targets=["6.1", "17.b"])
    >>> ev.sdg_targets
    ('6.1', '17.b')
    >>> ev.indicators_with_baseline_and_target / ev.indicators_total
    0.7
    """

    indicators_total: int | None = _field("results.indicators_total")
    indicators_with_baseline_and_target: int | None = _field(
        "results.indicators_with_baseline_and_target"
    )
    indicators_from_country_frameworks: int | None = _field(
        "results.indicators_from_country_frameworks"
    )
    sdg_targets: tuple[str, ...] | None = attrs.field(
        default=_default("results.sdg_targets"),
        converter=_opt_strs,
        validator=_check("results.sdg_targets"),
    )
    sdg_goals: tuple[str, ...] | None = attrs.field(
        default=_default("results.sdg_goals"),
        converter=_opt_strs,
        validator=_check("results.sdg_goals"),
    )
    additionality: AdditionalityLevel | None = _field("results.additionality")
    target_progress: float | None = _field("results.target_progress")

    def __attrs_post_init__(self) -> None:
        _check_rules(self, "results")


@attrs.frozen(kw_only=True)
class InclusionEvidence:
    """Evidence for principle 3, inclusive partnership.

    The diversity of actor kinds and the local actors' share are measured
    from the partnership's actors; this group holds the rest.

    Parameters
    ----------
    dialogue : DialogueLevel or None
        Multi-stakeholder dialogue.
    shared_governance : bool or None
        A governance body in which partners (including local ones) decide
        together.
    msme_access : ProvisionLevel or None
        Accessibility for micro, small and medium enterprises and local
        partners (open calls, simplified requirements, local procurement).

    Examples
    --------
    >>> from kampala.records import DialogueLevel, InclusionEvidence
    >>> ev = InclusionEvidence(dialogue=DialogueLevel.REGULAR, shared_governance=True)
    >>> ev.dialogue.value, ev.shared_governance, ev.msme_access
    ('regular', True, None)
    """

    dialogue: DialogueLevel | None = _field("inclusion.dialogue")
    shared_governance: bool | None = _field("inclusion.shared_governance")
    msme_access: ProvisionLevel | None = _field("inclusion.msme_access")


@attrs.frozen(kw_only=True)
class TransparencyEvidence:
    """Evidence for principle 4, transparency and accountability.

    Parameters
    ----------
    publication : DataPublication or None
        Publication of activity data.
    publication_completeness : float or None
        Share of the expected data fields published, in [0, 1].
    reporting_frequency : ReportingFrequency or None
        How often results are reported.
    evaluation : EvaluationStatus or None
        Independent evaluation.
    grievance_mechanism : bool or None
        A grievance mechanism for affected people exists.
    contributions_disclosed : bool or None
        The private partners' contributions are publicly disclosed.
    joint_reviews : bool or None
        Partners review progress jointly with the government.

    Examples
    --------
    >>> from kampala.records import DataPublication, TransparencyEvidence
    >>> ev = TransparencyEvidence(publication=DataPublication.IATI,
    ...                           publication_completeness=0.8, joint_reviews=False)
    >>> ev.publication.score, ev.publication_completeness, ev.joint_reviews
    (1.0, 0.8, False)
    """

    publication: DataPublication | None = _field("transparency.publication")
    publication_completeness: float | None = _field(
        "transparency.publication_completeness"
    )
    reporting_frequency: ReportingFrequency | None = _field(
        "transparency.reporting_frequency"
    )
    evaluation: EvaluationStatus | None = _field("transparency.evaluation")
    grievance_mechanism: bool | None = _field("transparency.grievance_mechanism")
    contributions_disclosed: bool | None = _field(
        "transparency.contributions_disclosed"
    )
    joint_reviews: bool | None = _field("transparency.joint_reviews")


@attrs.frozen(kw_only=True)
class LeaveNoOneBehindEvidence:
    """Evidence for principle 5, leave no one behind.

    Parameters
    ----------
    target_groups : sequence of TargetGroup or None
        Groups explicitly targeted; an empty sequence documents none.
    poor_district_share : float or None
        Share of funds spent in districts whose poverty rate is above the
        national average, in [0, 1].
    disaggregation : sequence of Disaggregation or None
        Dimensions by which results data are disaggregated.
    gender_marker : GenderMarker or None
        OECD DAC gender equality marker.
    safeguards : ProvisionLevel or None
        Risk-management and environmental and social safeguards provisions.
    risk_sharing : RiskSharing or None
        How risks are shared among partners.
    private_solution_case : ProvisionLevel or None
        An ex-ante case that a private-sector solution is the most
        appropriate way to reach those furthest behind.

    Examples
    --------
    An empty sequence documents that no group is targeted; None means no
    evidence:

    >>> from kampala.records import GenderMarker, LeaveNoOneBehindEvidence, TargetGroup
    >>> ev = LeaveNoOneBehindEvidence(
    ...     target_groups=[TargetGroup.RURAL_POOR, TargetGroup.WOMEN],
    ...     gender_marker=GenderMarker.SIGNIFICANT)
    >>> [g.value for g in ev.target_groups], ev.gender_marker.score
    (['women', 'rural-poor'], 0.5)
    >>> LeaveNoOneBehindEvidence(target_groups=[]).target_groups
    ()
    """

    target_groups: tuple[TargetGroup, ...] | None = attrs.field(
        default=_default("leave_no_one_behind.target_groups"),
        converter=_target_groups,
        validator=_check("leave_no_one_behind.target_groups"),
    )
    poor_district_share: float | None = _field(
        "leave_no_one_behind.poor_district_share"
    )
    disaggregation: tuple[Disaggregation, ...] | None = attrs.field(
        default=_default("leave_no_one_behind.disaggregation"),
        converter=_disaggregations,
        validator=_check("leave_no_one_behind.disaggregation"),
    )
    gender_marker: GenderMarker | None = _field("leave_no_one_behind.gender_marker")
    safeguards: ProvisionLevel | None = _field("leave_no_one_behind.safeguards")
    risk_sharing: RiskSharing | None = _field("leave_no_one_behind.risk_sharing")
    private_solution_case: ProvisionLevel | None = _field(
        "leave_no_one_behind.private_solution_case"
    )


# ---------------------------------------------------------------------------
# actors and partnerships
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class Actor:
    """An organisation taking part in a partnership.

    Parameters
    ----------
    name : str
        Organisation name.
    kind : ActorKind
        Kind of organisation.
    roles : sequence of Role, default=()
        Its roles in the partnership.
    domestic : bool or None, default=None
        True for an organisation of the partner country, False for a foreign
        one, None if unknown.
    financial_contribution : float or None, default=None
        Money it contributes, in ``currency``.
    in_kind_contribution : float or None, default=None
        Value of its in-kind contribution (staff, equipment, land), in
        ``currency``.
    currency : str, default="USD"
        ISO 4217 code of both amounts. All actors of a partnership use one
        currency, so that contributions can be compared.

    Examples
    --------
    >>> from kampala.records import Actor, ActorKind, Role
    >>> coop = Actor(name="Cooperativa Agraria Alto Mayo", kind=ActorKind.MSME,
    ...              roles=[Role.IMPLEMENTER], domestic=True,
    ...              financial_contribution=20_000.0, in_kind_contribution=5_000.0)
    >>> coop.total_contribution, coop.currency
    (25000.0, 'USD')
    """

    name: str = _actor("name")
    kind: ActorKind = _actor("kind")
    roles: tuple[Role, ...] = attrs.field(
        default=(), converter=_roles, validator=_actor_check("roles")
    )
    domestic: bool | None = _actor("domestic")
    financial_contribution: float | None = _actor("financial_contribution")
    in_kind_contribution: float | None = _actor("in_kind_contribution")
    currency: str = _actor("currency")

    @property
    def total_contribution(self) -> float | None:
        """Financial plus in-kind contribution; None if either is unknown.

        Examples
        --------
        >>> from kampala.records import Actor, ActorKind
        >>> Actor(name="Coop", kind=ActorKind.MSME, financial_contribution=20_000.0,
        ...       in_kind_contribution=5_000.0).total_contribution
        25000.0
        >>> print(Actor(name="Coop", kind=ActorKind.MSME,
        ...             financial_contribution=20_000.0).total_contribution)
        None
        """
        if self.financial_contribution is None or self.in_kind_contribution is None:
            return None
        return self.financial_contribution + self.in_kind_contribution


def _group(cls: type[Any]) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, cls):
            problem = Problem(
                value,
                with_article(cls.__name__),
                f"Use {cls.__name__}() for a group without evidence.",
            )
            fail(instance, attribute.name, problem)

    return check


def _actors(value: Iterable[Actor]) -> tuple[Actor, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Partnership:
    """A development co-operation partnership and the evidence about it.

    Parameters
    ----------
    id : str
        Unique identifier within a portfolio, for example ``"PE-2021-014"``.
    title : str
        Title.
    country : str, default="PE"
        ISO 3166-1 alpha-2 code of the partner country.
    sectors : sequence of str, default=()
        OECD DAC sector (3-digit) or purpose (5-digit) codes.
    locations : sequence of str, default=()
        Places the partnership works in, as names or codes (a region, a
        district, ``"region:489"`` for an IATI recipient region).
    start, end : datetime.date or None, default=None
        Planned or actual dates; ``end`` must not precede ``start``.
    budget_usd : float or None, default=None
        Total budget in US dollars; None if unknown.
    modality : Modality or None, default=None
        Co-operation modality.
    instruments : sequence of Instrument, default=()
        Financing instruments.
    actors : sequence of Actor, default=()
        The organisations taking part.
    ownership : OwnershipEvidence, default=OwnershipEvidence()
        Evidence for principle 1.
    results : ResultsEvidence, default=ResultsEvidence()
        Evidence for principle 2.
    inclusion : InclusionEvidence, default=InclusionEvidence()
        Evidence for principle 3.
    transparency : TransparencyEvidence, default=TransparencyEvidence()
        Evidence for principle 4.
    leave_no_one_behind : LeaveNoOneBehindEvidence, default=LeaveNoOneBehindEvidence()
        Evidence for principle 5. Every group is empty (all None) by default.
    notes : str, default=""
        Free text.

    Raises
    ------
    RecordValidationError
        For a field with an invalid value, naming the partnership, the field,
        the value and what would be valid.

    Examples
    --------
    >>> import datetime as dt
    >>> from kampala.records import Alignment, OwnershipEvidence, Partnership
    >>> p = Partnership(
    ...     id="PE-2021-014", title="Riego tecnificado en Piura", sectors=["31140"],
    ...     start=dt.date(2021, 3, 1), end=dt.date(2024, 2, 29), budget_usd=1.2e6,
    ...     ownership=OwnershipEvidence(national_plan_alignment=Alignment.PARTIAL),
    ... )
    >>> p.country, p.sectors, p.ownership.national_plan_alignment.score
    ('PE', ('31140',), 0.5)
    >>> list(p.evidence)
    ['ownership', 'results', 'inclusion', 'transparency', 'leave_no_one_behind']
    """

    _identified: ClassVar[bool] = True  # errors name the partnership by its id

    id: str = _field("id")
    title: str = _field("title")
    country: str = _field("country")
    sectors: tuple[str, ...] = attrs.field(
        default=_default("sectors"),
        converter=_strs,
        validator=_check("sectors"),
    )
    locations: tuple[str, ...] = attrs.field(
        default=_default("locations"),
        converter=_strs,
        validator=_check("locations"),
    )
    start: dt.date | None = _field("start")
    end: dt.date | None = _field("end")
    budget_usd: float | None = _field("budget_usd")
    modality: Modality | None = _field("modality")
    instruments: tuple[Instrument, ...] = attrs.field(
        default=_default("instruments"),
        converter=_instruments,
        validator=_check("instruments"),
    )
    actors: tuple[Actor, ...] = attrs.field(default=(), converter=_actors)
    ownership: OwnershipEvidence = attrs.field(
        factory=OwnershipEvidence,
        validator=_group(OwnershipEvidence),
    )
    results: ResultsEvidence = attrs.field(
        factory=ResultsEvidence, validator=_group(ResultsEvidence)
    )
    inclusion: InclusionEvidence = attrs.field(
        factory=InclusionEvidence,
        validator=_group(InclusionEvidence),
    )
    transparency: TransparencyEvidence = attrs.field(
        factory=TransparencyEvidence,
        validator=_group(TransparencyEvidence),
    )
    leave_no_one_behind: LeaveNoOneBehindEvidence = attrs.field(
        factory=LeaveNoOneBehindEvidence,
        validator=_group(LeaveNoOneBehindEvidence),
    )
    notes: str = _field("notes")

    def __attrs_post_init__(self) -> None:
        _check_rules(self, "")
        for i, actor in enumerate(self.actors):
            if not isinstance(actor, Actor):
                raise RecordValidationError(
                    f"partnership {self.id!r}",
                    f"actors[{i}]",
                    actor,
                    "an Actor",
                    record_id=self.id,
                )
        currencies = {
            a.currency
            for a in self.actors
            if a.financial_contribution is not None
            or a.in_kind_contribution is not None
        }
        if len(currencies) > 1:
            raise RecordValidationError(
                f"partnership {self.id!r}",
                "actors",
                sorted(currencies),
                "contributions in a single currency",
                hint="Convert all contributions to one currency (for example USD).",
                record_id=self.id,
            )

    @property
    def evidence(self) -> dict[str, Any]:
        """The five evidence groups, one per principle (1 to 5), by field name.

        Examples
        --------
        >>> from kampala.records import OwnershipEvidence, Partnership
        >>> p = Partnership(id="A", title="Agua segura",
        ...                 ownership=OwnershipEvidence(registered_with_agency=True))
        >>> list(p.evidence)
        ['ownership', 'results', 'inclusion', 'transparency', 'leave_no_one_behind']
        >>> p.evidence["ownership"].registered_with_agency
        True
        """
        return {
            "ownership": self.ownership,
            "results": self.results,
            "inclusion": self.inclusion,
            "transparency": self.transparency,
            "leave_no_one_behind": self.leave_no_one_behind,
        }


#: The evidence group classes by field name, one per principle.
EVIDENCE_GROUPS: dict[str, type[Any]] = {
    "ownership": OwnershipEvidence,
    "results": ResultsEvidence,
    "inclusion": InclusionEvidence,
    "transparency": TransparencyEvidence,
    "leave_no_one_behind": LeaveNoOneBehindEvidence,
}


def enum_values(cls: type[enum.Enum]) -> Sequence[str]:
    """Return the string values of an enumeration, in declaration order.

    Examples
    --------
    >>> from kampala.records import GovernmentRole, enum_values
    >>> enum_values(GovernmentRole)
    ['none', 'informed', 'consulted', 'co-designed', 'leads']
    """
    return [m.value for m in cls]
