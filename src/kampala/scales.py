"""The scales and vocabularies of partnership evidence (enumerations).

Ordinal scales list their members from the lowest level to the highest;
`Ordinal.rank` is the position (0 = lowest) and `Ordinal.score` maps the
scale onto [0, 1] with fixed goalposts. The other enumerations are
unordered vocabularies. All are re-exported by `kampala.records`, where
users import them; they live here so that the field schema
(`kampala.schema`) can name them below the records in the import graph.
"""

from __future__ import annotations

import difflib
import enum
import functools
import unicodedata

from kampala.i18n import translate

__all__ = [
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
    "Instrument",
    "Modality",
    "Ordinal",
    "ProvisionLevel",
    "ReportingFrequency",
    "RiskSharing",
    "Role",
    "TargetGroup",
    "closest_label",
    "enum_hint",
    "fold",
    "label",
    "labels",
    "parse_bool",
    "parse_member",
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
# Spanish labels: one per member, declared once (parsing is derived from them)
# ---------------------------------------------------------------------------
_ES: dict[type[enum.Enum], tuple[str, ...]] = {
    Alignment: ("ninguna", "parcial", "total"),
    GovernmentRole: ("ninguno", "informado", "consultado", "codiseñado", "lidera"),
    CapacityLevel: ("ninguna", "alguna", "sustancial"),
    AdditionalityLevel: ("ninguna", "afirmada", "evaluada"),
    DialogueLevel: ("ninguno", "puntual", "regular", "institucionalizado"),
    ProvisionLevel: ("ninguna", "parcial", "total"),
    DataPublication: ("ninguna", "resumen", "datos abiertos", "IATI"),
    ReportingFrequency: (
        "ninguna",
        "solo al final",
        "anual",
        "semestral",
        "trimestral",
    ),
    EvaluationStatus: ("ninguna", "planificada", "realizada", "publicada"),
    GenderMarker: ("0", "1", "2"),
    RiskSharing: ("ninguno", "informal", "contractual"),
    Modality: ("bilateral", "multilateral", "sur-sur", "triangular", "multiactor"),
    Instrument: ("donación", "préstamo", "garantía", "capital", "financiamiento mixto"),
    ActorKind: (
        "gobierno",
        "gobierno subnacional",
        "sector privado",
        "mipyme",
        "gremio empresarial",
        "sociedad civil",
        "academia",
        "organización comunitaria",
        "organización indígena",
        "sindicato",
        "fundación",
        "socio para el desarrollo",
        "organismo multilateral",
        "asociación público-privada",
        "otro",
    ),
    Role: (
        "financiador",
        "responsable",
        "canalizador",
        "ejecutor",
        "socio técnico",
        "gobernanza",
        "beneficiario",
    ),
    TargetGroup: (
        "mujeres",
        "pueblos indígenas",
        "afrodescendientes",
        "personas con discapacidad",
        "población rural pobre",
        "migrantes y refugiados",
        "jóvenes",
        "personas adultas mayores",
        "pequeños productores",
        "trabajadores informales",
    ),
    Disaggregation: ("sexo", "edad", "discapacidad", "etnia", "ubicación", "ingreso"),
}


def label(member: enum.Enum, lang: str = "en") -> str:
    """Return the label of a member in a language: its code in English.

    Every member of kampala's scales has a Spanish label, declared once in
    this module; readers accept it as well as the code (see `parse_member`).

    Parameters
    ----------
    member : enum.Enum
        A member of one of kampala's scales.
    lang : {"en", "es"}, default="en"
        The language; English labels are the codes.

    Examples
    --------
    >>> from kampala.scales import GovernmentRole, label
    >>> label(GovernmentRole.CO_DESIGNED, "es"), label(GovernmentRole.CO_DESIGNED)
    ('codiseñado', 'co-designed')
    """
    if lang != "es" or type(member) not in _ES:
        return str(member.value)
    return _ES[type(member)][_positions(type(member))[member]]


def labels(cls: type[enum.Enum], lang: str = "en") -> tuple[str, ...]:
    """Return the labels of every member of ``cls``, in declaration order.

    Examples
    --------
    >>> from kampala.scales import Alignment, labels
    >>> labels(Alignment, "es")
    ('ninguna', 'parcial', 'total')
    """
    return tuple(label(m, lang) for m in cls)


def fold(text: str) -> str:
    """Fold text for matching labels: no case, no accents, one kind of space.

    Examples
    --------
    >>> from kampala.scales import fold
    >>> fold("  Codiseñado "), fold("Sur-Sur"), fold("SÍ")
    ('codisenado', 'sur sur', 'si')
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


@functools.cache
def _folded(cls: type[enum.Enum]) -> dict[str, enum.Enum]:
    """Each member by its folded code, Spanish label and name (unambiguous ones)."""
    seen: dict[str, set[enum.Enum]] = {}
    for m in cls:
        for text in (str(m.value), label(m, "es"), m.name):
            seen.setdefault(fold(text), set()).add(m)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def parse_member(cls: type[enum.Enum], text: str) -> enum.Enum | None:
    """Return the member of ``cls`` that ``text`` names, or None.

    ``text`` may be the code (``"co-designed"``) or the Spanish label
    (``"codiseñado"``), in any case and with or without accents, when that
    names one member only.

    Examples
    --------
    >>> from kampala.scales import GovernmentRole, parse_member
    >>> parse_member(GovernmentRole, "Codisenado")
    <GovernmentRole.CO_DESIGNED: 'co-designed'>
    >>> parse_member(GovernmentRole, "LIDERA"), parse_member(GovernmentRole, "x")
    (<GovernmentRole.LEADS: 'leads'>, None)
    """
    try:
        return cls(text)
    except ValueError:
        return _folded(cls).get(fold(text))


def closest_label(cls: type[enum.Enum], text: str) -> str | None:
    """Return the code or Spanish label of ``cls`` closest to ``text``, if any.

    Examples
    --------
    >>> from kampala.scales import GovernmentRole, closest_label
    >>> closest_label(GovernmentRole, "codiseniado")
    'codiseñado'
    """
    names = {fold(t): t for m in cls for t in (label(m, "es"), str(m.value))}
    close = difflib.get_close_matches(fold(text), list(names), n=1, cutoff=0.6)
    return names[close[0]] if close else None


#: Words read as a yes/no value (folded, see `fold`), English and Spanish.
_BOOL_WORDS: dict[str, bool] = {
    "true": True,
    "false": False,
    "no": False,
    "si": True,
    "verdadero": True,
    "falso": False,
}


def parse_bool(text: str) -> bool | None:
    """Return the yes/no value ``text`` names, or None.

    ``true``/``false`` and the Spanish ``sí``/``no`` and
    ``verdadero``/``falso``, in any case, with or without accents.

    Examples
    --------
    >>> from kampala.scales import parse_bool
    >>> parse_bool("Sí"), parse_bool("NO"), parse_bool("TRUE"), parse_bool("yes")
    (True, False, True, None)
    """
    return _BOOL_WORDS.get(fold(text))


def enum_hint(cls: type[enum.Enum], text: str) -> str:
    """Return the hint for a value that names no member: the closest label.

    Examples
    --------
    >>> from kampala.scales import GovernmentRole, enum_hint
    >>> enum_hint(GovernmentRole, "codiseniado")
    "Did you mean 'codiseñado'?"
    >>> enum_hint(GovernmentRole, "zzz")
    ''
    """
    close = closest_label(cls, text) if isinstance(text, str) else None
    if close is None:
        return ""
    return translate("Did you mean {label!r}?", None, label=close)
