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

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import attrs

from kampala._internal.text import enum_expected, with_article
from kampala.errors import RecordValidationError

__all__ = [
    "Actor",
    "ActorKind",
    "AdditionalityLevel",
    "Alignment",
    "CapacityLevel",
    "DataPublication",
    "DialogueLevel",
    "Disaggregation",
    "EvaluationStatus",
    "GenderMarker",
    "GovernmentRole",
    "InclusionEvidence",
    "Instrument",
    "LeaveNoOneBehindEvidence",
    "Modality",
    "Ordinal",
    "OwnershipEvidence",
    "Partnership",
    "ProvisionLevel",
    "ReportingFrequency",
    "ResultsEvidence",
    "RiskSharing",
    "Role",
    "TargetGroup",
    "TransparencyEvidence",
    "enum_values",
]


# ---------------------------------------------------------------------------
# enumerations
# ---------------------------------------------------------------------------
@functools.cache
def _positions(cls: type[enum.Enum]) -> dict[enum.Enum, int]:
    """Each member's position in its enumeration (cached per class)."""
    return {m: i for i, m in enumerate(cls)}


class Ordinal(enum.Enum):
    """An ordinal scale: members are declared from the lowest level up.

    Examples
    --------
    Define a scale of your own, lowest level first:

    >>> from kampala.records import Ordinal
    >>> class Quality(Ordinal):
    ...     LOW = "low"
    ...     FAIR = "fair"
    ...     HIGH = "high"
    >>> [(q.value, q.rank, q.score) for q in Quality]
    [('low', 0, 0.0), ('fair', 1, 0.5), ('high', 2, 1.0)]
    """

    @property
    def rank(self) -> int:
        """Position on the scale, 0 for the lowest level.

        Examples
        --------
        >>> from kampala.records import GovernmentRole
        >>> GovernmentRole.NONE.rank, GovernmentRole.CONSULTED.rank
        (0, 2)
        """
        return _positions(type(self))[self]

    @property
    def score(self) -> float:
        """Level mapped onto [0, 1] with fixed goalposts: rank / (levels - 1).

        Examples
        --------
        Consulted is rank 2 of the five levels of `GovernmentRole`:

        >>> from kampala.records import GovernmentRole
        >>> GovernmentRole.CONSULTED.score, GovernmentRole.LEADS.score
        (0.5, 1.0)
        """
        return self.rank / (len(type(self)) - 1)


class Alignment(Ordinal):
    """How far objectives are drawn from national plans.

    The national development plan, sector plans or a country results
    framework.

    - ``NONE``: no link to national or sector plans is documented.
    - ``PARTIAL``: some objectives refer to national or sector plans.
    - ``FULL``: objectives and indicators are taken from the national plan or
      a country results framework.

    Examples
    --------
    >>> from kampala.records import Alignment
    >>> [(a.value, a.score) for a in Alignment]
    [('none', 0.0), ('partial', 0.5), ('full', 1.0)]
    >>> Alignment("partial").rank
    1
    """

    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class GovernmentRole(Ordinal):
    """The partner-country government's role in the partnership.

    - ``NONE``: the government is not involved.
    - ``INFORMED``: the government is informed.
    - ``CONSULTED``: the government is consulted on design or implementation.
    - ``CO_DESIGNED``: the government co-designed the partnership.
    - ``LEADS``: the government leads it.

    Examples
    --------
    >>> from kampala.records import GovernmentRole
    >>> [(g.value, g.rank, g.score) for g in GovernmentRole]
    [('none', 0, 0.0), ('informed', 1, 0.25), ('consulted', 2, 0.5),
     ('co-designed', 3, 0.75), ('leads', 4, 1.0)]
    """

    NONE = "none"
    INFORMED = "informed"
    CONSULTED = "consulted"
    CO_DESIGNED = "co-designed"
    LEADS = "leads"


class CapacityLevel(Ordinal):
    """Investment in local capacities (people, institutions, suppliers).

    - ``NONE``: no capacity building.
    - ``SOME``: capacity building is a secondary component.
    - ``SUBSTANTIAL``: capacity building is an explicit, budgeted objective.

    Examples
    --------
    >>> from kampala.records import CapacityLevel, enum_values
    >>> enum_values(CapacityLevel)
    ['none', 'some', 'substantial']
    >>> CapacityLevel("some").score
    0.5
    """

    NONE = "none"
    SOME = "some"
    SUBSTANTIAL = "substantial"


class AdditionalityLevel(Ordinal):
    """How the partnership's additionality was established.

    - ``NONE``: additionality is not addressed.
    - ``ASSERTED``: it is claimed without analysis.
    - ``ASSESSED``: an ex-ante assessment (financial or development
      additionality) is documented.

    Examples
    --------
    >>> from kampala.records import AdditionalityLevel
    >>> [a.name for a in AdditionalityLevel]
    ['NONE', 'ASSERTED', 'ASSESSED']
    >>> AdditionalityLevel.ASSERTED.score
    0.5
    """

    NONE = "none"
    ASSERTED = "asserted"
    ASSESSED = "assessed"


class DialogueLevel(Ordinal):
    """Multi-stakeholder dialogue around the partnership.

    - ``NONE``: no dialogue beyond the signatories.
    - ``ONE_OFF``: a single consultation.
    - ``REGULAR``: recurring meetings with stakeholders.
    - ``INSTITUTIONALISED``: a standing platform with rules and minutes.

    Examples
    --------
    >>> from kampala.records import DialogueLevel
    >>> [(d.value, round(d.score, 2)) for d in DialogueLevel]
    [('none', 0.0), ('one-off', 0.33), ('regular', 0.67), ('institutionalised', 1.0)]
    """

    NONE = "none"
    ONE_OFF = "one-off"
    REGULAR = "regular"
    INSTITUTIONALISED = "institutionalised"


class ProvisionLevel(Ordinal):
    """Whether a provision exists and how complete it is.

    - ``NONE``: absent.
    - ``PARTIAL``: present but incomplete (not covering all partners or risks).
    - ``FULL``: complete and documented.

    Examples
    --------
    >>> from kampala.records import ProvisionLevel
    >>> [(p.value, p.rank, p.score) for p in ProvisionLevel]
    [('none', 0, 0.0), ('partial', 1, 0.5), ('full', 2, 1.0)]
    """

    NONE = "none"
    PARTIAL = "partial"
    FULL = "full"


class DataPublication(Ordinal):
    """Publication of the partnership's activity data.

    - ``NONE``: not published.
    - ``SUMMARY``: a summary on a website or report.
    - ``OPEN_DATA``: structured open data on a public portal.
    - ``IATI``: published to the IATI Standard.

    Examples
    --------
    >>> from kampala.records import DataPublication
    >>> [(d.value, round(d.score, 2)) for d in DataPublication]
    [('none', 0.0), ('summary', 0.33), ('open-data', 0.67), ('iati', 1.0)]
    """

    NONE = "none"
    SUMMARY = "summary"
    OPEN_DATA = "open-data"
    IATI = "iati"


class ReportingFrequency(Ordinal):
    """How often results are reported.

    - ``NONE``: never.
    - ``END_ONLY``: only at completion.
    - ``ANNUAL``: every year.
    - ``SEMI_ANNUAL``: twice a year.
    - ``QUARTERLY``: four times a year or more.

    Examples
    --------
    >>> from kampala.records import ReportingFrequency
    >>> [(r.value, r.score) for r in ReportingFrequency]
    [('none', 0.0), ('end-only', 0.25), ('annual', 0.5), ('semi-annual', 0.75),
     ('quarterly', 1.0)]
    """

    NONE = "none"
    END_ONLY = "end-only"
    ANNUAL = "annual"
    SEMI_ANNUAL = "semi-annual"
    QUARTERLY = "quarterly"


class EvaluationStatus(Ordinal):
    """Independent evaluation of the partnership.

    - ``NONE``: none planned.
    - ``PLANNED``: planned and budgeted.
    - ``DONE``: carried out.
    - ``PUBLISHED``: carried out and published.

    Examples
    --------
    >>> from kampala.records import EvaluationStatus
    >>> EvaluationStatus("done").rank, round(EvaluationStatus("done").score, 3)
    (2, 0.667)
    >>> EvaluationStatus.PUBLISHED.score
    1.0
    """

    NONE = "none"
    PLANNED = "planned"
    DONE = "done"
    PUBLISHED = "published"


class GenderMarker(Ordinal):
    """OECD DAC gender equality policy marker.

    - ``NOT_TARGETED`` (0): gender equality is not targeted.
    - ``SIGNIFICANT`` (1): an important and deliberate objective.
    - ``PRINCIPAL`` (2): the main objective.

    Examples
    --------
    Members take the marker's DAC code as their value:

    >>> from kampala.records import GenderMarker
    >>> GenderMarker("1")
    <GenderMarker.SIGNIFICANT: '1'>
    >>> [(g.name, g.score) for g in GenderMarker]
    [('NOT_TARGETED', 0.0), ('SIGNIFICANT', 0.5), ('PRINCIPAL', 1.0)]
    """

    NOT_TARGETED = "0"
    SIGNIFICANT = "1"
    PRINCIPAL = "2"


class RiskSharing(Ordinal):
    """How risks are shared among partners.

    - ``NONE``: one partner bears the risks.
    - ``INFORMAL``: shared by understanding, not in writing.
    - ``CONTRACTUAL``: allocated in the agreement.

    Examples
    --------
    >>> from kampala.records import RiskSharing
    >>> [(r.value, r.score) for r in RiskSharing]
    [('none', 0.0), ('informal', 0.5), ('contractual', 1.0)]
    """

    NONE = "none"
    INFORMAL = "informal"
    CONTRACTUAL = "contractual"


class Modality(enum.Enum):
    """Co-operation modality.

    Examples
    --------
    A nominal scale: members have no order and no score.

    >>> from kampala.records import Modality, enum_values
    >>> enum_values(Modality)
    ['bilateral', 'multilateral', 'south-south', 'triangular', 'multi-stakeholder']
    >>> Modality("south-south")
    <Modality.SOUTH_SOUTH: 'south-south'>
    """

    BILATERAL = "bilateral"
    MULTILATERAL = "multilateral"
    SOUTH_SOUTH = "south-south"
    TRIANGULAR = "triangular"
    MULTI_STAKEHOLDER = "multi-stakeholder"


class Instrument(enum.Enum):
    """Financing instrument.

    Examples
    --------
    A partnership lists its instruments in declaration order, whatever the
    order given:

    >>> from kampala.records import Instrument, Partnership
    >>> p = Partnership(id="PE-FIN-001", title="Crédito rural",
    ...                 instruments=[Instrument.LOAN, Instrument.GRANT])
    >>> [i.value for i in p.instruments]
    ['grant', 'loan']
    """

    GRANT = "grant"
    LOAN = "loan"
    GUARANTEE = "guarantee"
    EQUITY = "equity"
    BLENDED = "blended"


class ActorKind(enum.Enum):
    """Kind of organisation taking part in a partnership.

    Examples
    --------
    >>> from kampala.records import ActorKind
    >>> len(ActorKind)
    15
    >>> ActorKind("msme"), ActorKind.CIVIL_SOCIETY.value
    (<ActorKind.MSME: 'msme'>, 'civil-society')
    """

    GOVERNMENT = "government"
    SUBNATIONAL_GOVERNMENT = "subnational-government"
    PRIVATE_SECTOR = "private-sector"
    MSME = "msme"
    BUSINESS_ASSOCIATION = "business-association"
    CIVIL_SOCIETY = "civil-society"
    ACADEMIA = "academia"
    COMMUNITY_ORGANISATION = "community-organisation"
    INDIGENOUS_ORGANISATION = "indigenous-organisation"
    TRADE_UNION = "trade-union"
    FOUNDATION = "foundation"
    DEVELOPMENT_PARTNER = "development-partner"
    MULTILATERAL = "multilateral"
    PUBLIC_PRIVATE_PARTNERSHIP = "public-private-partnership"
    OTHER = "other"


class Role(enum.Enum):
    """Role of an actor in a partnership (IATI's four roles plus three).

    Examples
    --------
    >>> from kampala.records import Actor, ActorKind, Role
    >>> region = Actor(name="Gobierno Regional de Piura",
    ...                kind=ActorKind.SUBNATIONAL_GOVERNMENT,
    ...                roles=[Role.IMPLEMENTER, Role.FUNDER])
    >>> [r.value for r in region.roles]  # stored in declaration order
    ['funder', 'implementer']
    """

    FUNDER = "funder"
    ACCOUNTABLE = "accountable"
    EXTENDING = "extending"
    IMPLEMENTER = "implementer"
    TECHNICAL_PARTNER = "technical-partner"
    GOVERNANCE = "governance"
    BENEFICIARY = "beneficiary"


class TargetGroup(enum.Enum):
    """Groups at risk of being left behind that a partnership may target.

    Examples
    --------
    >>> from kampala.records import TargetGroup, enum_values
    >>> enum_values(TargetGroup)[:4]
    ['women', 'indigenous-peoples', 'afro-descendants', 'persons-with-disabilities']
    >>> TargetGroup("rural-poor")
    <TargetGroup.RURAL_POOR: 'rural-poor'>
    """

    WOMEN = "women"
    INDIGENOUS_PEOPLES = "indigenous-peoples"
    AFRO_DESCENDANTS = "afro-descendants"
    PERSONS_WITH_DISABILITIES = "persons-with-disabilities"
    RURAL_POOR = "rural-poor"
    MIGRANTS_AND_REFUGEES = "migrants-and-refugees"
    YOUTH = "youth"
    OLDER_PERSONS = "older-persons"
    SMALLHOLDER_FARMERS = "smallholder-farmers"
    INFORMAL_WORKERS = "informal-workers"


class Disaggregation(enum.Enum):
    """Dimensions by which results data are disaggregated.

    Examples
    --------
    >>> from kampala.records import Disaggregation, enum_values
    >>> enum_values(Disaggregation)
    ['sex', 'age', 'disability', 'ethnicity', 'location', 'income']
    """

    SEX = "sex"
    AGE = "age"
    DISABILITY = "disability"
    ETHNICITY = "ethnicity"
    LOCATION = "location"
    INCOME = "income"


# ---------------------------------------------------------------------------
# field helpers
# ---------------------------------------------------------------------------
E = TypeVar("E", bound=enum.Enum)


def _fail(instance: Any, field: str, value: Any, expected: str, hint: str = "") -> None:
    record_id = None
    if isinstance(instance, Partnership) and isinstance(
        getattr(instance, "id", None), str
    ):
        record_id = instance.id
        where = f"partnership {record_id!r}"
    else:
        where = type(instance).__name__ + "()"
    raise RecordValidationError(
        where, field, value, expected, hint=hint, record_id=record_id
    )


def _share(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (0.0 <= value <= 1.0)
    ):
        _fail(instance, attribute.name, value, "a share in [0, 1] or None")


def _non_negative(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        _fail(
            instance,
            attribute.name,
            value,
            ">= 0",
            hint="Use None for an unknown amount.",
        )


def _count(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(instance, attribute.name, value, "a whole number >= 0 or None")


def _opt_bool(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, bool):
        _fail(instance, attribute.name, value, "true, false or None")


def _enum_validator(cls: type[enum.Enum], optional: bool = True) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, cls):
            _fail(
                instance,
                attribute.name,
                value,
                enum_expected(cls),
            )

    return check


def _enum_tuple_validator(cls: type[enum.Enum], optional: bool) -> Any:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, tuple):
            _fail(instance, attribute.name, value, f"a sequence of {cls.__name__}")
        for v in value:
            if not isinstance(v, cls):
                _fail(
                    instance,
                    attribute.name,
                    v,
                    enum_expected(cls),
                )
        if len(set(value)) != len(value):
            _fail(instance, attribute.name, value, "free of repeated values")

    return check


def _tuple_or_none(value: Iterable[Any] | None) -> tuple[Any, ...] | None:
    if value is None or isinstance(value, str):
        return value  # type: ignore[return-value]  # str is rejected by the validator
    return tuple(value)


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(value, str):
        return value  # type: ignore[return-value]  # str is rejected by the validator
    return tuple(value)


def _sorted_members(cls: type[enum.Enum], value: Any) -> Any:
    """Return a set of enum members as a tuple in declaration order.

    Order carries no meaning in these fields; a canonical order makes records
    that say the same thing equal and keeps round trips exact. Anything that
    is not a sequence of members is passed on for the validator to reject.
    """
    if value is None or isinstance(value, str):
        return value
    items = tuple(value)
    if all(isinstance(v, cls) for v in items):
        order = _positions(cls)
        return tuple(sorted(items, key=order.__getitem__))
    return items


def _target_groups(
    value: Iterable[TargetGroup] | None,
) -> tuple[TargetGroup, ...] | None:
    return _sorted_members(TargetGroup, value)  # type: ignore[no-any-return]


def _disaggregations(
    value: Iterable[Disaggregation] | None,
) -> tuple[Disaggregation, ...] | None:
    return _sorted_members(Disaggregation, value)  # type: ignore[no-any-return]


def _roles(value: Iterable[Role]) -> tuple[Role, ...]:
    return _sorted_members(Role, value)  # type: ignore[no-any-return]


def _instruments(value: Iterable[Instrument]) -> tuple[Instrument, ...]:
    return _sorted_members(Instrument, value)  # type: ignore[no-any-return]


_SDG_GOAL = re.compile(r"^(?:[1-9]|1[0-7])\Z")
_SDG_TARGET = re.compile(r"^(?:[1-9]|1[0-7])\.(?:[1-9][0-9]?|[a-z])\Z")
_SECTOR = re.compile(r"^[0-9]{3}(?:[0-9]{2})?\Z")
_COUNTRY = re.compile(r"^[A-Z]{2}\Z")
_CURRENCY = re.compile(r"^[A-Z]{3}\Z")


def _sdg_targets(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, value, "a sequence of SDG target codes")
    for v in value:
        if not isinstance(v, str) or not _SDG_TARGET.match(v):
            _fail(
                instance,
                attribute.name,
                v,
                "an SDG target code such as '5.5' or '17.b'",
            )
    if len(set(value)) != len(value):
        _fail(instance, attribute.name, value, "free of repeated targets")


def _sdg_goals(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, value, "a sequence of SDG numbers")
    for v in value:
        if not isinstance(v, str) or not _SDG_GOAL.match(v):
            _fail(instance, attribute.name, v, "an SDG number from '1' to '17'")
    if len(set(value)) != len(value):
        _fail(instance, attribute.name, value, "free of repeated goals")


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

    national_plan_alignment: Alignment | None = attrs.field(
        default=None, validator=_enum_validator(Alignment)
    )
    government_role: GovernmentRole | None = attrs.field(
        default=None, validator=_enum_validator(GovernmentRole)
    )
    country_systems_share: float | None = attrs.field(default=None, validator=_share)
    registered_with_agency: bool | None = attrs.field(default=None, validator=_opt_bool)
    local_capacity: CapacityLevel | None = attrs.field(
        default=None, validator=_enum_validator(CapacityLevel)
    )


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

    indicators_total: int | None = attrs.field(default=None, validator=_count)
    indicators_with_baseline_and_target: int | None = attrs.field(
        default=None, validator=_count
    )
    indicators_from_country_frameworks: int | None = attrs.field(
        default=None, validator=_count
    )
    sdg_targets: tuple[str, ...] | None = attrs.field(
        default=None, converter=_tuple_or_none, validator=_sdg_targets
    )
    sdg_goals: tuple[str, ...] | None = attrs.field(
        default=None, converter=_tuple_or_none, validator=_sdg_goals
    )
    additionality: AdditionalityLevel | None = attrs.field(
        default=None, validator=_enum_validator(AdditionalityLevel)
    )
    target_progress: float | None = attrs.field(default=None, validator=_share)

    def __attrs_post_init__(self) -> None:
        total = self.indicators_total
        for name in (
            "indicators_with_baseline_and_target",
            "indicators_from_country_frameworks",
        ):
            part = getattr(self, name)
            if part is not None and total is not None and part > total:
                _fail(
                    self,
                    name,
                    part,
                    f"<= indicators_total ({total})",
                    hint="It counts a subset of the framework's indicators.",
                )


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

    dialogue: DialogueLevel | None = attrs.field(
        default=None, validator=_enum_validator(DialogueLevel)
    )
    shared_governance: bool | None = attrs.field(default=None, validator=_opt_bool)
    msme_access: ProvisionLevel | None = attrs.field(
        default=None, validator=_enum_validator(ProvisionLevel)
    )


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

    publication: DataPublication | None = attrs.field(
        default=None, validator=_enum_validator(DataPublication)
    )
    publication_completeness: float | None = attrs.field(default=None, validator=_share)
    reporting_frequency: ReportingFrequency | None = attrs.field(
        default=None, validator=_enum_validator(ReportingFrequency)
    )
    evaluation: EvaluationStatus | None = attrs.field(
        default=None, validator=_enum_validator(EvaluationStatus)
    )
    grievance_mechanism: bool | None = attrs.field(default=None, validator=_opt_bool)
    contributions_disclosed: bool | None = attrs.field(
        default=None, validator=_opt_bool
    )
    joint_reviews: bool | None = attrs.field(default=None, validator=_opt_bool)


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
        default=None,
        converter=_target_groups,
        validator=_enum_tuple_validator(TargetGroup, optional=True),
    )
    poor_district_share: float | None = attrs.field(default=None, validator=_share)
    disaggregation: tuple[Disaggregation, ...] | None = attrs.field(
        default=None,
        converter=_disaggregations,
        validator=_enum_tuple_validator(Disaggregation, optional=True),
    )
    gender_marker: GenderMarker | None = attrs.field(
        default=None, validator=_enum_validator(GenderMarker)
    )
    safeguards: ProvisionLevel | None = attrs.field(
        default=None, validator=_enum_validator(ProvisionLevel)
    )
    risk_sharing: RiskSharing | None = attrs.field(
        default=None, validator=_enum_validator(RiskSharing)
    )
    private_solution_case: ProvisionLevel | None = attrs.field(
        default=None, validator=_enum_validator(ProvisionLevel)
    )


# ---------------------------------------------------------------------------
# actors and partnerships
# ---------------------------------------------------------------------------
def _non_empty_str(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        _fail(instance, attribute.name, value, "a non-empty string")


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

    name: str = attrs.field(validator=_non_empty_str)
    kind: ActorKind = attrs.field(validator=_enum_validator(ActorKind, optional=False))
    roles: tuple[Role, ...] = attrs.field(
        default=(),
        converter=_roles,
        validator=_enum_tuple_validator(Role, optional=False),
    )
    domestic: bool | None = attrs.field(default=None, validator=_opt_bool)
    financial_contribution: float | None = attrs.field(
        default=None, validator=_non_negative
    )
    in_kind_contribution: float | None = attrs.field(
        default=None, validator=_non_negative
    )
    currency: str = attrs.field(default="USD")

    @currency.validator
    def _check_currency(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _CURRENCY.match(value):
            _fail(self, "currency", value, "an ISO 4217 code such as 'USD' or 'PEN'")

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
            _fail(
                instance,
                attribute.name,
                value,
                with_article(cls.__name__),
                hint=f"Use {cls.__name__}() for a group without evidence.",
            )

    return check


def _str(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str):
        _fail(instance, attribute.name, value, "a string")


def _date(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (
        not isinstance(value, dt.date) or isinstance(value, dt.datetime)
    ):
        _fail(instance, attribute.name, value, "a datetime.date or None")


def _sectors(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, value, "a sequence of DAC sector codes")
    for v in value:
        if not isinstance(v, str) or not _SECTOR.match(v):
            _fail(
                instance,
                attribute.name,
                v,
                "an OECD DAC sector code of 3 or 5 digits, such as '311' or '31120'",
            )


def _locations(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, value, "a sequence of place names or codes")
    for v in value:
        if not isinstance(v, str) or not v.strip():
            _fail(instance, attribute.name, v, "a non-empty place name or code")


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

    id: str = attrs.field(validator=_non_empty_str)
    title: str = attrs.field(validator=_non_empty_str)
    country: str = attrs.field(default="PE")
    sectors: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, validator=_sectors
    )
    locations: tuple[str, ...] = attrs.field(
        default=(), converter=_tuple, validator=_locations
    )
    start: dt.date | None = attrs.field(default=None, validator=_date)
    end: dt.date | None = attrs.field(default=None, validator=_date)
    budget_usd: float | None = attrs.field(default=None, validator=_non_negative)
    modality: Modality | None = attrs.field(
        default=None, validator=_enum_validator(Modality)
    )
    instruments: tuple[Instrument, ...] = attrs.field(
        default=(),
        converter=_instruments,
        validator=_enum_tuple_validator(Instrument, optional=False),
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
    notes: str = attrs.field(default="", validator=_str)

    @country.validator
    def _check_country(self, attribute: attrs.Attribute[str], value: str) -> None:
        if not isinstance(value, str) or not _COUNTRY.match(value):
            _fail(self, "country", value, "an ISO 3166-1 alpha-2 code such as 'PE'")

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise RecordValidationError(
                f"partnership {self.id!r}",
                "end",
                self.end.isoformat(),
                f"on or after start ({self.start.isoformat()})",
                record_id=self.id,
            )
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


def enum_values(cls: type[enum.Enum]) -> Sequence[str]:
    """Return the string values of an enumeration, in declaration order.

    Examples
    --------
    >>> from kampala.records import GovernmentRole, enum_values
    >>> enum_values(GovernmentRole)
    ['none', 'informed', 'consulted', 'co-designed', 'leads']
    """
    return [m.value for m in cls]
