"""The field schema: every partnership and actor field, declared once.

Each field is one `FieldSpec` (or `EnumFieldSpec` for fields whose values
come from an enumeration, so that ``spec.enum`` is never None there): its
dotted path, its kind (how it is stored as a column, see
`kampala.portfolio`), its validator (`kampala.validators`), its default,
its CSV column name, and its label and help text in English and Spanish.
Cross-field rules are in `RULES`.

Everything else is derived from this module: the attrs validators and
converters of `kampala.records`, the column checks of `Portfolio`, the
readers and writers of `kampala.io`, the test strategies and the field table
of the format reference page (`markdown_table`). Adding an evidence field is
one declaration here plus its attribute in its record (and a criterion if it
is scored).

Examples
--------
>>> from kampala.schema import SCHEMA, field
>>> spec = field("ownership.government_role")
>>> spec.kind, spec.enum.__name__, spec.label, spec.label_es
('ordinal', 'GovernmentRole', 'Government role', 'Rol del gobierno')
>>> spec.validator.check("leads").expected
'a GovernmentRole (none, informed, consulted, co-designed, leads)'
>>> sum(1 for s in SCHEMA if s.group == "results")
7
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any, Literal, TypeVar

import attrs

from kampala import scales as sc
from kampala.errors import DataFormatError
from kampala.validators import (
    AtMost,
    Flag,
    Identifier,
    IsoDate,
    Items,
    Member,
    Members,
    NotBefore,
    Number,
    Rule,
    Text,
    Validator,
)

__all__ = [
    "ACTOR_SCHEMA",
    "GROUPS",
    "RULES",
    "SCHEMA",
    "EnumFieldSpec",
    "FieldSpec",
    "Kind",
    "field",
    "group_rules",
    "lookup",
    "markdown_table",
]

T = TypeVar("T")

Kind = Literal[
    "str",
    "date",
    "amount",
    "share",
    "count",
    "bool",
    "ordinal",
    "enum",
    "enumset",
    "strlist",
]

#: The evidence groups, one per principle, in order.
GROUPS: tuple[str, ...] = (
    "ownership",
    "results",
    "inclusion",
    "transparency",
    "leave_no_one_behind",
)

_SDG_GOAL = re.compile(r"(?:[1-9]|1[0-7])")
_SDG_TARGET = re.compile(r"(?:[1-9]|1[0-7])\.(?:[1-9][0-9]?|[a-z])")
_SECTOR = re.compile(r"[0-9]{3}(?:[0-9]{2})?")
_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")


@attrs.frozen(kw_only=True)
class FieldSpec:
    """One field: path, kind, validator, default, labels and help.

    Attributes
    ----------
    path : str
        Dotted path: ``"budget_usd"`` or ``"ownership.government_role"``;
        an actor field's path is its name.
    kind : str
        Column encoding, see `kampala.portfolio`.
    validator : Validator
        Checks one value or a whole column (same message).
    optional : bool
        Whether the field may be None in a record.
    default : object
        The record's default (None for evidence); `attrs.NOTHING` if the
        field is required.
    label, label_es : str
        Short labels, English and Spanish.
    help, help_es : str
        One-sentence explanations, English and Spanish.

    Examples
    --------
    >>> from kampala.schema import field
    >>> spec = field("results.target_progress")
    >>> spec.group, spec.name, spec.column, spec.enum is None
    ('results', 'target_progress', 'results.target_progress', True)
    """

    path: str
    kind: Kind
    validator: Validator
    label: str
    label_es: str
    help: str
    help_es: str
    optional: bool = True
    default: Any = None

    @property
    def group(self) -> str | None:
        """The evidence group of the field, or None for top-level fields.

        Examples
        --------
        >>> from kampala.schema import field
        >>> field("ownership.government_role").group, field("budget_usd").group
        ('ownership', None)
        """
        return self.path.split(".")[0] if "." in self.path else None

    @property
    def name(self) -> str:
        """The field name within its record or group.

        Examples
        --------
        >>> from kampala.schema import field
        >>> field("ownership.government_role").name
        'government_role'
        """
        return self.path.split(".")[-1]

    @property
    def column(self) -> str:
        """The CSV column (and DataFrame column) of a partnership field.

        Actor fields are numbered per actor: ``actor_1_name`` …

        Examples
        --------
        >>> from kampala.schema import field
        >>> field("results.sdg_goals").column
        'results.sdg_goals'
        """
        return self.path

    @property
    def enum(self) -> type[Enum] | None:
        """The enumeration of the field's values; None here, see `EnumFieldSpec`.

        Examples
        --------
        >>> from kampala.schema import field
        >>> print(field("budget_usd").enum)
        None
        """
        return None

    def converter(self, value: Any) -> Any:
        """Make a lossless change to a record value (a list into a tuple).

        Examples
        --------
        >>> from kampala.schema import field
        >>> field("sectors").converter(["311"])
        ('311',)
        """
        if self.kind == "strlist" and value is not None and not isinstance(value, str):
            return tuple(value)
        if isinstance(self.validator, Identifier):  # canonically equal: NFC
            return Identifier.nfc(value)
        return value

    def attrs_field(self) -> Any:
        """Make an `attrs.field` with this field's default, converter and validator.

        Examples
        --------
        >>> import attrs
        >>> from kampala.records import Partnership
        >>> from kampala.schema import field
        >>> spec = field("budget_usd")
        >>> attrs.fields(Partnership).budget_usd.validator is spec.validator
        True
        """
        converter = (
            self.converter
            if self.kind in ("strlist", "enumset")
            or isinstance(self.validator, Identifier)
            else None
        )
        return attrs.field(
            default=self.default, converter=converter, validator=self.validator
        )


def _member_order(cls: type[Enum]) -> dict[Enum, int]:
    return {m: i for i, m in enumerate(cls)}


@attrs.frozen(kw_only=True)
class EnumFieldSpec(FieldSpec):
    """A field whose values are members of an enumeration.

    ``ordinal`` (one level of a scale), ``enum`` (one category) or
    ``enumset`` (a set of categories). Here ``enum`` is never None.

    Examples
    --------
    >>> from kampala.schema import field
    >>> spec = field("instruments")
    >>> spec.kind, spec.enum.__name__, [m.value for m in spec.enum][:2]
    ('enumset', 'Instrument', ['grant', 'loan'])
    """

    members: type[Enum]

    @property
    def enum(self) -> type[Enum]:
        """The enumeration of the field's values.

        Examples
        --------
        >>> from kampala.schema import field
        >>> field("modality").enum.__name__
        'Modality'
        """
        return self.members

    def converter(self, value: Any) -> Any:
        """Put a set of members in declaration order (lossless).

        Order carries no meaning in these fields; a canonical order makes
        records that say the same thing equal and keeps round trips exact.
        Anything that is not a sequence of members is passed on for the
        validator to reject.

        Examples
        --------
        >>> from kampala.records import Instrument
        >>> from kampala.schema import field
        >>> field("instruments").converter([Instrument.LOAN, Instrument.GRANT])
        (<Instrument.GRANT: 'grant'>, <Instrument.LOAN: 'loan'>)
        """
        if self.kind != "enumset" or value is None or isinstance(value, str):
            return value
        items = tuple(value)
        if all(isinstance(v, self.members) for v in items):
            order = _member_order(self.members)
            return tuple(sorted(items, key=order.__getitem__))
        return items


# ---------------------------------------------------------------------------
# declarations
# ---------------------------------------------------------------------------
_AMOUNT = Number(expected=">= 0", hint="Use None for an unknown amount.")
_SHARE = Number(expected="a share in [0, 1] or None", upper=1.0)
_COUNT = Number(expected="a whole number >= 0 or None", whole=True)
_FLAG = Flag()
_Words = tuple[str, str, str, str]  # label, label_es, help, help_es


def _spec(path: str, kind: Kind, validator: Validator, words: _Words) -> FieldSpec:
    label, label_es, help_en, help_es = words
    return FieldSpec(
        path=path,
        kind=kind,
        validator=validator,
        label=label,
        label_es=label_es,
        help=help_en,
        help_es=help_es,
        optional=validator.optional,
    )


def _scalar(kind: Kind, validator: Validator) -> Callable[..., FieldSpec]:
    """Make a declaration helper for one kind: ``helper(path, *words)``."""
    return lambda path, *words: _spec(path, kind, validator, words)


_amount = _scalar("amount", _AMOUNT)
_share = _scalar("share", _SHARE)
_count = _scalar("count", _COUNT)
_flag = _scalar("bool", _FLAG)


def _choice(
    path: str,
    kind: Literal["ordinal", "enum", "enumset"],
    members: type[Enum],
    *words: str,
    optional: bool = True,
) -> EnumFieldSpec:
    label, label_es, help_en, help_es = words
    validator: Validator
    if kind == "enumset":
        validator = Members.of(members, optional)
    else:
        validator = Member.of(
            members, "rank" if kind == "ordinal" else "index", optional
        )
    return EnumFieldSpec(
        path=path,
        kind=kind,
        validator=validator,
        members=members,
        label=label,
        label_es=label_es,
        help=help_en,
        help_es=help_es,
        optional=optional,
        default=None if optional else (() if kind == "enumset" else attrs.NOTHING),
    )


def _with_default(spec: FieldSpec, default: Any) -> FieldSpec:
    return attrs.evolve(spec, default=default, optional=False)


_NONEMPTY = Text(expected="a non-empty string", optional=False)
_ID = Identifier(expected="a non-empty string", optional=False)
_ANY_TEXT = Text(expected="a string", nonempty=False, optional=False)

#: Partnership fields, in record field order (evidence by group).
SCHEMA: tuple[FieldSpec, ...] = (
    _with_default(
        _spec("id", "str", _ID, (
            "Identifier", "Identificador",
            "Unique identifier within the portfolio, such as 'PE-2021-014'.",
            "Identificador único en la cartera, como 'PE-2021-014'.")),
        attrs.NOTHING,
    ),
    _with_default(
        _spec("title", "str", _NONEMPTY, (
            "Title", "Título", "Title of the partnership.", "Título de la alianza.")),
        attrs.NOTHING,
    ),
    _with_default(
        _spec("country", "str", Text(
            expected="an ISO 3166-1 alpha-2 code such as 'PE'",
            pattern=_COUNTRY, optional=False), (
            "Country", "País", "ISO 3166-1 alpha-2 code of the partner country.",
            "Código ISO 3166-1 alfa-2 del país socio.")),
        "PE",
    ),
    _with_default(
        _spec("sectors", "strlist", Items(
            "a sequence of DAC sector codes", optional=False,
            item="an OECD DAC sector code of 3 or 5 digits, such as '311' or '31120'",
            pattern=_SECTOR), (
            "Sectors", "Sectores",
            "OECD DAC sector (3-digit) or purpose (5-digit) codes.",
            "Códigos de sector (3 dígitos) o propósito (5 dígitos) del CAD de la OCDE.")),  # noqa: E501
        (),
    ),
    _with_default(
        _spec("locations", "strlist", Items(
            "a sequence of place names or codes", optional=False,
            item="a non-empty place name or code"), (
            "Locations", "Ubicaciones",
            "Places the partnership works in, as names or codes.",
            "Lugares donde trabaja la alianza, como nombres o códigos.")),
        (),
    ),
    _spec("start", "date", IsoDate(), (
        "Start", "Inicio", "Planned or actual start date.",
        "Fecha de inicio prevista o real.")),
    _spec("end", "date", IsoDate(), (
        "End", "Fin", "Planned or actual end date; not before the start.",
        "Fecha de fin prevista o real; no anterior al inicio.")),
    _amount("budget_usd", "Budget (USD)", "Presupuesto (USD)",
            "Total budget in US dollars.", "Presupuesto total en dólares de EE. UU."),
    _choice("modality", "enum", sc.Modality, "Modality", "Modalidad",
            "Co-operation modality.", "Modalidad de cooperación."),
    _choice("instruments", "enumset", sc.Instrument, "Instruments", "Instrumentos",
            "Financing instruments.", "Instrumentos de financiamiento.",
            optional=False),
    # -- principle 1: ownership
    _choice("ownership.national_plan_alignment", "ordinal", sc.Alignment,
            "Alignment with the national plan", "Alineamiento con el plan nacional",
            "Objectives drawn from the national plan or a country results framework.",
            "Objetivos tomados del plan nacional o de un marco de resultados del país."),  # noqa: E501
    _choice("ownership.government_role", "ordinal", sc.GovernmentRole,
            "Government role", "Rol del gobierno",
            "The partner-country government's role.",
            "El rol del gobierno del país socio."),
    _share("ownership.country_systems_share",
           "Use of country systems", "Uso de sistemas nacionales",
           "Share of funds channelled through country systems, in [0, 1].",
           "Proporción de fondos canalizada por sistemas nacionales, en [0, 1]."),
    _flag("ownership.registered_with_agency",
          "Registered with the agency", "Registrada en la agencia",
          "Registered with the national co-operation agency (in Peru, APCI).",
          "Registrada en la agencia nacional de cooperación (en el Perú, APCI)."),
    _choice("ownership.local_capacity", "ordinal", sc.CapacityLevel,
            "Local capacity", "Capacidad local",
            "Investment in local capacities.", "Inversión en capacidades locales."),
    # -- principle 2: results
    _count("results.indicators_total", "Indicators", "Indicadores",
           "Number of indicators in the results framework (0: no framework).",
           "Número de indicadores del marco de resultados (0: sin marco)."),
    _count("results.indicators_with_baseline_and_target",
           "Indicators with baseline and target", "Indicadores con línea de base y meta",  # noqa: E501
           "How many indicators have both a baseline and a target.",
           "Cuántos indicadores tienen línea de base y meta."),
    _count("results.indicators_from_country_frameworks",
           "Indicators from country frameworks", "Indicadores de marcos del país",
           "How many indicators come from country frameworks or statistics.",
           "Cuántos indicadores provienen de marcos o estadísticas del país."),
    _spec("results.sdg_targets", "strlist", Items(
        "a sequence of SDG target codes",
        item="an SDG target code such as '5.5' or '17.b'",
        pattern=_SDG_TARGET, repeats="free of repeated targets"), (
        "SDG targets", "Metas ODS",
        "SDG targets the partnership identifies ('5.5', '17.b').",
        "Metas ODS que la alianza identifica ('5.5', '17.b').")),
    _spec("results.sdg_goals", "strlist", Items(
        "a sequence of SDG numbers", item="an SDG number from '1' to '17'",
        pattern=_SDG_GOAL, repeats="free of repeated goals"), (
        "SDGs", "ODS", "SDGs ('1' to '17') named without naming targets.",
        "ODS ('1' a '17') nombrados sin nombrar metas.")),
    _choice("results.additionality", "ordinal", sc.AdditionalityLevel,
            "Additionality", "Adicionalidad",
            "How additionality was established.", "Cómo se estableció la adicionalidad."),  # noqa: E501
    _share("results.target_progress", "Progress towards targets", "Avance hacia metas",
           "Mean progress towards targets, in [0, 1].",
           "Avance medio hacia las metas, en [0, 1]."),
    # -- principle 3: inclusion
    _choice("inclusion.dialogue", "ordinal", sc.DialogueLevel,
            "Multi-stakeholder dialogue", "Diálogo multiactor",
            "Multi-stakeholder dialogue.", "Diálogo entre múltiples actores."),
    _flag("inclusion.shared_governance", "Shared governance", "Gobernanza compartida",
          "A governance body in which partners decide together.",
          "Un órgano de gobernanza en el que los socios deciden juntos."),
    _choice("inclusion.msme_access", "ordinal", sc.ProvisionLevel,
            "Access for MSMEs", "Acceso de las mipymes",
            "Accessibility for micro, small and medium enterprises and local partners.",
            "Accesibilidad para micro, pequeñas y medianas empresas y socios locales."),
    # -- principle 4: transparency
    _choice("transparency.publication", "ordinal", sc.DataPublication,
            "Data publication", "Publicación de datos",
            "Publication of activity data.", "Publicación de datos de la actividad."),
    _share("transparency.publication_completeness",
           "Publication completeness", "Completitud de la publicación",
           "Share of the expected data fields published, in [0, 1].",
           "Proporción de los campos de datos esperados que se publican, en [0, 1]."),
    _choice("transparency.reporting_frequency", "ordinal", sc.ReportingFrequency,
            "Reporting frequency", "Frecuencia de reporte",
            "How often results are reported.", "Con qué frecuencia se reportan resultados."),  # noqa: E501
    _choice("transparency.evaluation", "ordinal", sc.EvaluationStatus,
            "Independent evaluation", "Evaluación independiente",
            "Independent evaluation.", "Evaluación independiente."),
    _flag("transparency.grievance_mechanism",
          "Grievance mechanism", "Mecanismo de quejas",
          "A grievance mechanism for affected people exists.",
          "Existe un mecanismo de quejas para las personas afectadas."),
    _flag("transparency.contributions_disclosed",
          "Contributions disclosed", "Aportes divulgados",
          "The private partners' contributions are publicly disclosed.",
          "Los aportes de los socios privados se divulgan públicamente."),
    _flag("transparency.joint_reviews", "Joint reviews", "Revisiones conjuntas",
          "Partners review progress jointly with the government.",
          "Los socios revisan el avance junto con el gobierno."),
    # -- principle 5: leave no one behind
    _choice("leave_no_one_behind.target_groups", "enumset", sc.TargetGroup,
            "Target groups", "Grupos objetivo",
            "Groups explicitly targeted; an empty list documents none.",
            "Grupos atendidos explícitamente; una lista vacía documenta ninguno."),
    _share("leave_no_one_behind.poor_district_share",
           "Spending in poorer districts", "Gasto en distritos más pobres",
           "Share of funds spent in districts poorer than the national average.",
           "Proporción de fondos gastada en distritos más pobres que el promedio."),
    _choice("leave_no_one_behind.disaggregation", "enumset", sc.Disaggregation,
            "Data disaggregation", "Desagregación de datos",
            "Dimensions by which results data are disaggregated.",
            "Dimensiones por las que se desagregan los datos de resultados."),
    _choice("leave_no_one_behind.gender_marker", "ordinal", sc.GenderMarker,
            "Gender marker", "Marcador de género",
            "OECD DAC gender equality marker.",
            "Marcador de igualdad de género del CAD de la OCDE."),
    _choice("leave_no_one_behind.safeguards", "ordinal", sc.ProvisionLevel,
            "Safeguards", "Salvaguardas",
            "Risk-management and environmental and social safeguards.",
            "Gestión de riesgos y salvaguardas ambientales y sociales."),
    _choice("leave_no_one_behind.risk_sharing", "ordinal", sc.RiskSharing,
            "Risk sharing", "Distribución de riesgos",
            "How risks are shared among partners.",
            "Cómo se distribuyen los riesgos entre los socios."),
    _choice("leave_no_one_behind.private_solution_case", "ordinal", sc.ProvisionLevel,
            "Case for a private solution", "Justificación de la solución privada",
            "An ex-ante case that a private solution best reaches those furthest behind.",  # noqa: E501
            "Una justificación ex ante de que una solución privada llega mejor a los más rezagados."),  # noqa: E501
    _with_default(
        _spec("notes", "str", _ANY_TEXT, (
            "Notes", "Notas", "Free text.", "Texto libre.")),
        "",
    ),
)  # fmt: skip

#: Actor fields (one value per actor), in record field order.
ACTOR_SCHEMA: tuple[FieldSpec, ...] = (
    _with_default(
        _spec("name", "str", _NONEMPTY, (
            "Name", "Nombre", "Organisation name.", "Nombre de la organización.")),
        attrs.NOTHING,
    ),
    _choice("kind", "enum", sc.ActorKind, "Kind", "Tipo", "Kind of organisation.",
            "Tipo de organización.", optional=False),
    _choice("roles", "enumset", sc.Role, "Roles", "Roles",
            "Its roles in the partnership.", "Sus roles en la alianza.",
            optional=False),
    _flag("domestic", "Domestic", "Nacional",
          "True for an organisation of the partner country, False for a foreign one.",
          "Verdadero para una organización del país socio, falso para una extranjera."),
    _amount("financial_contribution", "Financial contribution", "Aporte financiero",
            "Money it contributes, in its currency.", "Dinero que aporta, en su moneda."),  # noqa: E501
    _amount("in_kind_contribution", "In-kind contribution", "Aporte en especie",
            "Value of its in-kind contribution, in its currency.",
            "Valor de su aporte en especie, en su moneda."),
    _with_default(
        _spec("currency", "str", Text(
            expected="an ISO 4217 code such as 'USD' or 'PEN'",
            pattern=_CURRENCY, optional=False), (
            "Currency", "Moneda", "ISO 4217 code of both amounts.",
            "Código ISO 4217 de ambos montos.")),
        "USD",
    ),
)  # fmt: skip

#: Cross-field rules between partnership fields.
RULES: tuple[Rule, ...] = (
    NotBefore("end", "start"),
    AtMost(
        "results.indicators_with_baseline_and_target",
        "results.indicators_total",
        "It counts a subset of the framework's indicators.",
    ),
    AtMost(
        "results.indicators_from_country_frameworks",
        "results.indicators_total",
        "It counts a subset of the framework's indicators.",
    ),
)

_BY_PATH = {s.path: s for s in SCHEMA}
_BY_NAME = {s.path: s for s in ACTOR_SCHEMA}


def lookup(table: Mapping[str, T], key: str, where: str, name: str, expected: str) -> T:
    """Return ``table[key]``, or raise the `DataFormatError` of an unknown key.

    Raises
    ------
    DataFormatError
        ``<where>: '<name>' must be <expected> (got <key>)``.

    Examples
    --------
    >>> from kampala.schema import lookup
    >>> lookup({"a": 1}, "b", "f()", "key", "a known key")
    Traceback (most recent call last):
    ...
    kampala.errors.DataFormatError: f(): 'key' must be a known key (got 'b').
    """
    try:
        return table[key]
    except (KeyError, TypeError):
        raise DataFormatError(where, name, key, expected) from None


def field(path: str, *, actor: bool = False) -> FieldSpec:
    """Return the declaration of a field: a partnership field by its dotted path.

    Parameters
    ----------
    path : str
        A dotted path of `SCHEMA` (``"ownership.government_role"``), or the
        name of an actor field with ``actor=True``.
    actor : bool, default=False
        Look the name up in `ACTOR_SCHEMA`.

    Raises
    ------
    DataFormatError
        For an unknown path or name.

    Examples
    --------
    >>> from kampala.schema import field
    >>> field("budget_usd").kind, field("currency", actor=True).default
    ('amount', 'USD')
    """
    if actor:
        return lookup(_BY_NAME, path, "field()", "path", "a field of ACTOR_SCHEMA")
    return lookup(_BY_PATH, path, "field()", "path", "a field path of SCHEMA")


def group_rules(group: str) -> tuple[Rule, ...]:
    """Return the cross-field rules within one group (or the top level).

    Examples
    --------
    >>> from kampala.schema import group_rules
    >>> [r.field for r in group_rules("results")]
    ['results.indicators_with_baseline_and_target', 'results.indicators_from_country_frameworks']
    """  # noqa: E501

    def in_group(path: str) -> bool:
        return path.split(".")[0] == group if group else "." not in path

    return tuple(r for r in RULES if in_group(r.field) and in_group(r.bound))


def _values(spec: FieldSpec) -> str:
    if spec.enum is None:
        return ""
    return ", ".join(f"`{m.value}`" for m in spec.enum)


def markdown_table(
    specs: Iterable[FieldSpec] | None = None,
    *,
    lang: Literal["en", "es"] = "en",
    describe: Callable[[FieldSpec], str] = _values,
) -> str:
    """Render fields as the Markdown table of the format reference page.

    By default every partnership field, then every actor field (named
    ``actor <name>``); the page ``docs/reference/formats.md`` holds this
    table, and a test checks that it is up to date.

    Examples
    --------
    >>> from kampala.schema import ACTOR_SCHEMA, markdown_table
    >>> print(markdown_table(ACTOR_SCHEMA[:1]))
    | field | kind | label | meaning | values |
    |---|---|---|---|---|
    | actor `name` | str | Name | Organisation name. |  |
    >>> print(markdown_table(ACTOR_SCHEMA[:1], lang="es").splitlines()[-1])
    | actor `name` | str | Nombre | Nombre de la organización. |  |
    """
    if specs is None:
        specs = (*SCHEMA, *ACTOR_SCHEMA)
    rows = ["| field | kind | label | meaning | values |", "|---|---|---|---|---|"]
    for s in specs:
        label, text = (s.label, s.help) if lang == "en" else (s.label_es, s.help_es)
        name = f"actor `{s.path}`" if s in ACTOR_SCHEMA else f"`{s.path}`"
        rows.append(f"| {name} | {s.kind} | {label} | {text} | {describe(s)} |")
    return "\n".join(rows)
