r"""Read IATI activity files (IATI Standard 2.01 to 2.03) into a portfolio.

Agencies publish what they fund as IATI activity XML. `read_iati` turns such
a file into a validated `Portfolio`, one `Partnership` per `iati-activity`;
`import_iati` does the same and also returns an `ImportReport` saying, for
every activity, which record fields were filled from which elements, which
evidence stayed missing, and every warning.

The mapping is the table `MAPPING` (one `MappingRow` per element or
attribute and record field); the page `docs/methodology/iati-mapping.md`
prints the same table with the rules and the IATI codelists used, and says
which Kampala evidence IATI cannot provide. Three rules run through it:

- **Absence is not a negative answer.** An element the file lacks leaves its
  field missing (`None`), never "no". Only a code that states a negative
  (policy significance `0`, "not targeted") gives one.
- **No guessing across currencies.** Amounts are kept only in US dollars;
  kampala does not convert currencies.
- **Quirks are warnings, not errors.** Missing references and types,
  placeholder years (before 1950), zero-value transactions, periods whose
  start equals their end, sector vocabularies other than the OECD DAC ones,
  unknown codes and activities with only a recipient region are imported;
  each problem is reported as a warning that names the activity and the
  element.

Files are untrusted input. Their prolog, the only place where XML allows
DTDs and entity declarations, is parsed with `defusedxml` (no DTD, no entity
expansion, no external entity, no network access); only then does the C
`ElementTree` parser read the activities, streaming them in chunks with one
activity in memory at a time. Files above a size limit are refused, and
malformed XML is reported with its line and column.

`defusedxml` is part of the optional extra `io` (`pip install 'kampala[io]'`)
and is imported only when a file is read.

Examples
--------
>>> import io
>>> from kampala.io.iati import import_iati
>>> xml = b'''<iati-activities version="2.03">
...  <iati-activity default-currency="USD" xml:lang="es">
...   <iati-identifier>XM-EX-1-001</iati-identifier>
...   <reporting-org ref="XM-EX-1" type="40"><narrative>CAF</narrative>
...   </reporting-org>
...   <title><narrative>Agua segura</narrative>
...          <narrative xml:lang="en">Safe water</narrative></title>
...   <participating-org role="4" type="72" ref="PE-RUC-20100000001">
...     <narrative>Aguas del Sur S.A.</narrative></participating-org>
...   <recipient-country code="PE"/>
...   <sector vocabulary="1" code="14030"/>
...   <policy-marker vocabulary="1" code="1" significance="1"/>
...  </iati-activity>
... </iati-activities>'''
>>> result = import_iati(io.BytesIO(xml), lang="en")
>>> p = result.portfolio["XM-EX-1-001"]
>>> p.title, p.country, p.sectors
('Safe water', 'PE', ('14030',))
>>> p.actors[0].kind.value, p.actors[0].domestic
('private-sector', True)
>>> p.leave_no_one_behind.gender_marker
<GenderMarker.SIGNIFICANT: '1'>
>>> result.report["XM-EX-1-001"].source("sectors")
'sector/@code'
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import importlib
import io
import math
import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar
from xml.parsers import expat

import attrs

from kampala.errors import (
    DataFormatError,
    ParameterTypeError,
    ParameterValueError,
    RecordValidationError,
)
from kampala.portfolio import SCHEMA, Portfolio
from kampala.records import (
    Actor,
    ActorKind,
    Alignment,
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
    OwnershipEvidence,
    Partnership,
    ReportingFrequency,
    ResultsEvidence,
    Role,
    TargetGroup,
    TransparencyEvidence,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAPPING",
    "SUPPORTED_VERSIONS",
    "ActivityReport",
    "IatiImport",
    "ImportReport",
    "MappingRow",
    "import_iati",
    "is_iati",
    "read_iati",
]

#: Largest file read by default: 1 GiB. Parsing streams, so memory does not
#: grow with the file; the limit bounds the time a hostile or mistaken input
#: can take. Pass `max_bytes=None` to lift it.
DEFAULT_MAX_BYTES: int = 1 << 30

#: IATI Standard versions read without a warning. Versions before 2.01
#: (1.0x) are refused; later versions are read with a warning.
SUPPORTED_VERSIONS: tuple[str, ...] = ("2.01", "2.02", "2.03")

PathLike = str | os.PathLike[str]
Element = ET.Element
_R = TypeVar("_R")

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ROOT = "iati-activities"
_ACTIVITY = "iati-activity"
_CHUNK = 1 << 16
_PLACEHOLDER_YEAR = 1950
_UNKNOWN_COUNTRY = "ZZ"

# ---------------------------------------------------------------------------
# IATI codelists (small embedded copies). Source: IATI Standard 2.03
# codelists, https://iatistandard.org/en/iati-standard/203/codelists/ and the
# repositories IATI/IATI-Codelists (embedded) and
# IATI/IATI-Codelists-NonEmbedded (replicated from the OECD DAC).
# ---------------------------------------------------------------------------

#: OrganisationType (non-embedded codelist).
_ORGANISATION_TYPE: dict[str, str] = {
    "10": "Government",
    "11": "Local Government",
    "15": "Other Public Sector",
    "21": "International NGO",
    "22": "National NGO",
    "23": "Regional NGO",
    "24": "Partner Country based NGO",
    "30": "Public Private Partnership",
    "40": "Multilateral",
    "60": "Foundation",
    "70": "Private Sector",
    "71": "Private Sector in Provider Country",
    "72": "Private Sector in Aid Recipient Country",
    "73": "Private Sector in Third Country",
    "80": "Academic, Training and Research",
    "90": "Other",
}

#: OrganisationType -> actor kind (types 10 and 15 become a development
#: partner when the organisation is known to be foreign, see `_actor_kind`).
_KIND_OF_TYPE: dict[str, ActorKind] = {
    "10": ActorKind.GOVERNMENT,
    "11": ActorKind.SUBNATIONAL_GOVERNMENT,
    "15": ActorKind.GOVERNMENT,
    "21": ActorKind.CIVIL_SOCIETY,
    "22": ActorKind.CIVIL_SOCIETY,
    "23": ActorKind.CIVIL_SOCIETY,
    "24": ActorKind.CIVIL_SOCIETY,
    "30": ActorKind.PUBLIC_PRIVATE_PARTNERSHIP,
    "40": ActorKind.MULTILATERAL,
    "60": ActorKind.FOUNDATION,
    "70": ActorKind.PRIVATE_SECTOR,
    "71": ActorKind.PRIVATE_SECTOR,
    "72": ActorKind.PRIVATE_SECTOR,
    "73": ActorKind.PRIVATE_SECTOR,
    "80": ActorKind.ACADEMIA,
    "90": ActorKind.OTHER,
}

#: OrganisationType codes that say where the organisation is. Types 11
#: (local government "in either donor or recipient country"), 22 (national
#: NGO: national to the provider or the recipient) and 23 do not.
_DOMESTIC_OF_TYPE: dict[str, bool] = {
    "21": False,
    "24": True,
    "40": False,
    "71": False,
    "72": True,
    "73": False,
}

#: OrganisationRole (embedded codelist).
_ROLE: dict[str, Role] = {
    "1": Role.FUNDER,
    "2": Role.ACCOUNTABLE,
    "3": Role.EXTENDING,
    "4": Role.IMPLEMENTER,
}

#: PolicyMarker, vocabulary 1 (OECD DAC CRS).
_POLICY_MARKER: dict[str, str] = {
    "1": "Gender Equality",
    "2": "Aid to Environment",
    "3": "Participatory Development/Good Governance",
    "4": "Trade Development",
    "5": "Biological Diversity",
    "6": "Climate Change - Mitigation",
    "7": "Climate Change - Adaptation",
    "8": "Desertification",
    "9": "Reproductive, Maternal, Newborn and Child Health (RMNCH)",
    "10": "Disaster Risk Reduction (DRR)",
    "11": "Disability",
    "12": "Nutrition",
}
_GENDER, _PARTICIPATION, _DISABILITY = "1", "3", "11"

#: PolicySignificance.
_SIGNIFICANCE: dict[str, str] = {
    "0": "not targeted",
    "1": "significant objective",
    "2": "principal objective",
    "3": "principal objective and in support of an action programme",
    "4": "explicit primary objective",
}
_GENDER_MARKER: dict[str, GenderMarker] = {
    "0": GenderMarker.NOT_TARGETED,
    "1": GenderMarker.SIGNIFICANT,
    "2": GenderMarker.PRINCIPAL,
}
_DIALOGUE: dict[str, DialogueLevel] = {
    "1": DialogueLevel.ONE_OFF,
    "2": DialogueLevel.REGULAR,
}

#: DocumentCategory (A: activity level, B: organisation level).
_DOCUMENT_CATEGORY: dict[str, str] = {
    "A01": "Pre- and post-project impact appraisal",
    "A02": "Objectives / Purpose of activity",
    "A03": "Intended ultimate beneficiaries",
    "A04": "Conditions",
    "A05": "Budget",
    "A06": "Summary information about contract",
    "A07": "Review of project performance and evaluation",
    "A08": "Results, outcomes and outputs",
    "A09": "Memorandum of understanding (If agreed by all parties)",
    "A10": "Tender",
    "A11": "Contract",
    "A12": "Activity web page",
    "B01": "Annual report",
    "B02": "Institutional Strategy paper",
    "B03": "Country strategy paper",
    "B04": "Aid Allocation Policy",
    "B05": "Procurement Policy and Procedure",
    "B06": "Institutional Audit Report",
    "B07": "Country Audit Report",
    "B08": "Exclusions Policy",
    "B09": "Institutional Evaluation Report",
    "B10": "Country Evaluation Report",
    "B11": "Sector strategy",
    "B12": "Thematic strategy",
    "B13": "Country-level Memorandum of Understanding",
    "B14": "Evaluations policy",
    "B15": "General Terms and Conditions",
    "B16": "Organisation web page",
    "B17": "Country/Region web page",
    "B18": "Sector web page",
}

#: ActivityDateType.
_DATE_TYPE: dict[str, str] = {
    "1": "planned start",
    "2": "actual start",
    "3": "planned end",
    "4": "actual end",
}

#: TransactionType.
_TRANSACTION_TYPE: dict[str, str] = {
    "1": "Incoming Funds",
    "2": "Outgoing Commitment",
    "3": "Disbursement",
    "4": "Expenditure",
    "5": "Interest Payment",
    "6": "Loan Repayment",
    "7": "Reimbursement",
    "8": "Purchase of Equity",
    "9": "Sale of Equity",
    "10": "Credit Guarantee",
    "11": "Incoming Commitment",
    "12": "Outgoing Pledge",
    "13": "Incoming Pledge",
}

#: BudgetType.
_BUDGET_TYPE: dict[str, str] = {"1": "Original", "2": "Revised"}

#: SectorVocabulary.
_SECTOR_VOCABULARY: dict[str, str] = {
    "1": "OECD DAC CRS Purpose Codes (5 digit)",
    "2": "OECD DAC CRS Purpose Codes (3 digit)",
    "3": "Classification of the Functions of Government (UN)",
    "4": "Statistical classification of economic activities in the EC",
    "5": "National Taxonomy for Exempt Entities (USA)",
    "6": "AidData",
    "7": "SDG Goal",
    "8": "SDG Target",
    "9": "SDG Indicator",
    "10": "Humanitarian Global Clusters (IASC)",
    "11": "North American Industry Classification System (NAICS)",
    "98": "Reporting Organisation 2",
    "99": "Reporting Organisation",
}

#: TagVocabulary.
_TAG_VOCABULARY: dict[str, str] = {
    "1": "Agrovoc",
    "2": "UN Sustainable Development Goals (SDG)",
    "3": "UN Sustainable Development Goals (SDG) Targets",
    "4": "Team Europe Initiatives",
    "99": "Reporting Organisation",
}

#: IndicatorVocabulary: code 9 is the UN SDG indicator list.
_SDG_INDICATOR_VOCABULARY = "9"

#: IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal,
#: 5 qualitative. Progress is computed for 1 and 2 only.
_INDICATOR_MEASURE: dict[str, str] = {
    "1": "Unit",
    "2": "Percentage",
    "3": "Nominal",
    "4": "Ordinal",
    "5": "Qualitative",
}

#: CollaborationType -> modality.
_MODALITY: dict[str, Modality | None] = {
    "1": Modality.BILATERAL,
    "2": Modality.MULTILATERAL,
    "3": Modality.BILATERAL,
    "4": Modality.MULTILATERAL,
    "6": None,  # private sector outflows: no modality of the record fits
    "7": Modality.BILATERAL,
    "8": Modality.TRIANGULAR,
}

#: TiedStatus.
_TIED_STATUS: dict[str, str] = {"3": "Partially tied", "4": "Tied", "5": "Untied"}

#: AidType (vocabulary 1, OECD DAC): the budget-support codes.
_BUDGET_SUPPORT: dict[str, str] = {
    "A01": "General budget support",
    "A02": "Sector budget support",
}

#: BudgetIdentifierVocabulary: 1 IATI (withdrawn in 2018), 2 country chart
#: of accounts, 3 other country system, 4 reporting organisation, 5 other.
_COUNTRY_BUDGET_VOCABULARY: dict[str, str] = {
    "1": "IATI",
    "2": "Country Chart of Accounts",
    "3": "Other Country System",
}
_BUDGET_IDENTIFIER_VOCABULARY: dict[str, str] = {
    **_COUNTRY_BUDGET_VOCABULARY,
    "4": "Reporting Organisation",
    "5": "Other",
}

#: RegionVocabulary: 1 OECD DAC, 2 UN, 99 reporting organisation.
_REGION_VOCABULARY: dict[str, str] = {
    "1": "OECD DAC",
    "2": "UN",
    "99": "Reporting Organisation",
}


def _finance_instrument(code: str) -> Instrument | None:
    """FinanceType (OECD DAC) -> financing instrument, None if none fits."""
    if code in {"110", "111", "210", "211", "310", "311", "422", "4221", "4222"}:
        return Instrument.GRANT
    if code in {"410", "411", "412", "413", "414", "421", "431", "451", "452", "453"}:
        return Instrument.LOAN
    if code in {"432", "510", "511", "512", "520", "530", "710", "711", "712"}:
        return Instrument.EQUITY
    if code == "1100" or (len(code) == 4 and code.startswith("110")):
        return Instrument.GUARANTEE
    return None


# ---------------------------------------------------------------------------
# the mapping table
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class MappingRow:
    """One row of the IATI mapping: an element or attribute and a record field.

    Parameters
    ----------
    element : str
        The IATI element or attribute, as a path below `iati-activity`
        (`"participating-org/@type"`), or `iati-activities` for the file.
    field : str
        The record field it fills: a `Partnership` field path such as
        `"results.sdg_targets"`, or `"actors.kind"` for an actor field.
    rule : str
        How the value is derived.
    codelist : str
        The IATI codelist the rule reads, or `""`.

    Examples
    --------
    >>> from kampala.io.iati import MAPPING
    >>> row = next(r for r in MAPPING if r.field == "leave_no_one_behind.gender_marker")
    >>> row.element, row.codelist
    ('policy-marker/@significance', 'PolicyMarker, PolicySignificance')
    >>> row.rule
    'code 1 (gender equality), vocabulary 1: significance 0, 1, 2'
    """

    element: str
    field: str
    rule: str
    codelist: str = ""


def _parse_mapping(table: str) -> tuple[MappingRow, ...]:
    """Parse a mapping table: `element | field | codelist`, then the rule indented.

    An indented line that starts with `|` continues the head line (for a long
    codelist).
    """
    rows: list[MappingRow] = []
    head: list[str] = []
    rule: list[str] = []
    for line in [*table.strip("\n").splitlines(), "end"]:
        if line.startswith(" "):
            text = line.strip()
            if text.startswith("|"):
                head.append(text[1:].strip())
            else:
                rule.append(text)
            continue
        if head:
            element, field, *codelist = head
            rows.append(
                MappingRow(
                    element=element,
                    field=field,
                    rule=" ".join(rule),
                    codelist=codelist[0] if codelist else "",
                )
            )
        head = [part.strip() for part in line.split("|")]
        rule = []
    return tuple(rows)


# The mapping table: `element | field | codelist`, then the rule, indented. The
# page docs/methodology/iati-mapping.md prints the same rows; a test checks it.
_MAPPING_TABLE = """
iati-identifier | id
    the identifier, trimmed; an activity without one, or repeating an earlier one,
    is skipped
title/narrative | title
    the narrative in the requested language, else the first non-empty one; else the
    identifier (warning)
recipient-country/@code | country | Country
    the only recipient country; with several, the `country` argument if listed, else
    the first (warning); with none, the `country` argument, else `ZZ` (warning)
transaction/recipient-country/@code | country | Country
    used as recipient-country when the activity level has none
recipient-country/@code | locations | Country
    every recipient country other than `country`, as `country:<code>`
recipient-region/@code | locations | Region
    `region:<code>` (vocabulary 1, OECD DAC), `region:<vocabulary>:<code>` otherwise
location/name/narrative | locations
    the location name
location/administrative/@code | locations
    without a name: the administrative code as `admin:<vocabulary>:<code>`
sector/@code | sectors | SectorVocabulary, Sector
    vocabulary 1 (5-digit) and 2 (3-digit) OECD DAC codes; an absent vocabulary
    means 1; other vocabularies are skipped (warning)
transaction/sector/@code | sectors | SectorVocabulary, Sector
    the same, when the activity level has no sector
sector/@code | results.sdg_goals | SectorVocabulary
    vocabulary 7 (SDG goal)
sector/@code | results.sdg_targets | SectorVocabulary
    vocabulary 8 (SDG target) and 9 (SDG indicator, cut to its target)
activity-date/@iso-date | start | ActivityDateType
    type 2 (actual start), else type 1 (planned start); years before 1950 are
    placeholders (warning)
activity-date/@iso-date | end | ActivityDateType
    type 4 (actual end), else type 3 (planned end); an end before the start is
    dropped (warning)
transaction/value | budget_usd | TransactionType, Currency
    sum of outgoing commitments (type 2), else of incoming commitments (type 11),
    when every value is in USD (value/@currency, else
    iati-activity/@default-currency)
budget/value | budget_usd | BudgetType, Currency
    without commitments: sum of the budgets, a revised budget (type 2) replacing the
    original (type 1) of the same period; USD only
collaboration-type/@code | modality | CollaborationType
    1, 3, 7 bilateral; 2, 4 multilateral; 8 triangular; 6 (private sector outflows)
    none
default-finance-type/@code | instruments | FinanceType
    1xx, 2xx, 3xx and reimbursable grants: grant; 41x, 421, 431, 45x: loan; 432,
    5xx, 71x: equity; 1100-1108: guarantee
transaction/finance-type/@code | instruments | FinanceType
    the same, added to those of the default finance type
participating-org | actors
    one actor per organisation (same @ref, else same name), its roles merged; name
    from the narrative, else @ref; an organisation with neither is skipped (warning)
participating-org/@role | actors.roles | OrganisationRole
    1 funder, 2 accountable, 3 extending, 4 implementer
participating-org/@type | actors.kind | OrganisationType
    10, 15 government (a development partner when foreign); 11 subnational
    government; 21-24 civil society; 30 public-private partnership; 40 multilateral;
    60 foundation; 70-73 private sector; 80 academia; 90 other
participating-org/narrative | actors.kind
    without a known @type: a company legal form at the end of the name (S.A.,
    S.A.C., S.R.L., Ltd, Inc, GmbH ...) gives private sector, a ministry or
    government name gives government (warning); else other
participating-org/@ref | actors.domestic | OrganisationRegistrationAgency
    a reference prefixed with the partnership's country code (`PE-`) is domestic;
    one prefixed with another country code or `XM-DAC-` is foreign
participating-org/@type | actors.domestic | OrganisationType
    24, 72 domestic; 21, 40, 71, 73 foreign; a conflict with the reference leaves it
    unknown (warning)
participating-org/@role | ownership.government_role | OrganisationRole
    a domestic government actor: accountable or extending: leads; implementing or
    funding: co-designed
country-budget-items | ownership.national_plan_alignment | BudgetIdentifierVocabulary
    budget items in vocabulary 1, 2 or 3 (country budget classification): partial;
    vocabularies 4 and 5 say nothing
default-aid-type/@code | ownership.country_systems_share | AidType
    A01 or A02 (budget support): 1.0
transaction/aid-type/@code | ownership.country_systems_share | AidType
    the same, when there is no default aid type and every transaction has the
    same one
default-tied-status/@code | ownership.country_systems_share | TiedStatus
    4 (tied): 0.0, unless budget support; 3 and 5 say nothing
result/indicator | results.indicators_total
    number of indicators (no result element: missing, not 0)
result/indicator/baseline | results.indicators_with_baseline_and_target
    indicators with a baseline value (or, for a qualitative indicator, a comment)
result/indicator/period/target | results.indicators_with_baseline_and_target
    ... and a target value (or comment) in some period
result/indicator/period/actual | results.target_progress | IndicatorMeasure
    per indicator with numeric baseline b, target t and actual a (measure 1 or 2;
    latest period with both): (a - b) / (t - b) capped to [0, 1]; the mean over
    indicators
result/indicator/reference/@code | results.sdg_targets | IndicatorVocabulary
    vocabulary 9 (SDG indicator `5.5.1`): its target `5.5`
tag/@code | results.sdg_goals | TagVocabulary, UNSDG-Goals
    vocabulary 2 (SDG goals 1-17)
tag/@code | results.sdg_targets | TagVocabulary, UNSDG-Targets
    vocabulary 3 (SDG targets such as `5.5`)
policy-marker/@significance | leave_no_one_behind.gender_marker
    | PolicyMarker, PolicySignificance
    code 1 (gender equality), vocabulary 1: significance 0, 1, 2
policy-marker/@significance | leave_no_one_behind.target_groups
    | PolicyMarker, PolicySignificance
    significance 1 or 2 on code 1 adds women, on code 11 (disability) persons with
    disabilities; otherwise missing
policy-marker/@significance | inclusion.dialogue | PolicyMarker, PolicySignificance
    code 3 (participatory development/good governance): 1 one-off, 2 regular; 0 says
    nothing
result/indicator//dimension/@name | leave_no_one_behind.disaggregation
    dimension names (sex, age, disability, ethnicity, location, income, in English,
    Spanish, French or Portuguese) and location elements of baselines, targets and
    actuals
document-link/category/@code | transparency.evaluation | DocumentCategory
    A07 (review of project performance and evaluation) with a URL: published,
    without: done; A01 (impact appraisal) dated after the activity's end: published
iati-activities | transparency.publication
    iati: the activity is published to the IATI Standard
iati-activity | transparency.publication_completeness
    share of 14 elements present: title, description, participating-org,
    activity-status, activity-date, recipient-country or recipient-region, sector,
    budget (or @budget-not-provided), transaction, location, policy-marker, result
    or an A08 document, document-link, contact-info
result/indicator/period | transparency.reporting_frequency
    median length of the periods with an actual value: up to 100 days quarterly, 200
    semi-annual, 400 annual, longer end only
iati-activities/@version | notes | Version, ActivityStatus
    `IATI <version>; reporting-org <ref>; activity-status <code>`
"""

#: The mapping, in the order of `docs/methodology/iati-mapping.md`.
MAPPING: tuple[MappingRow, ...] = _parse_mapping(_MAPPING_TABLE)

_NO_ELEMENT = "no IATI element provides it"

#: Evidence fields no IATI element provides (see the methodology page).
_NOT_IN_IATI: tuple[str, ...] = (
    "ownership.registered_with_agency",
    "ownership.local_capacity",
    "results.indicators_from_country_frameworks",
    "results.additionality",
    "inclusion.shared_governance",
    "inclusion.msme_access",
    "transparency.grievance_mechanism",
    "transparency.contributions_disclosed",
    "transparency.joint_reviews",
    "leave_no_one_behind.poor_district_share",
    "leave_no_one_behind.safeguards",
    "leave_no_one_behind.risk_sharing",
    "leave_no_one_behind.private_solution_case",
)

_OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    spec.path
    for spec in SCHEMA
    if spec.optional or spec.path in ("sectors", "locations", "instruments")
)


# ---------------------------------------------------------------------------
# the import report
# ---------------------------------------------------------------------------
def _pairs(
    value: Iterable[tuple[str, str]] | Mapping[str, str],
) -> tuple[tuple[str, str], ...]:
    if isinstance(value, Mapping):
        return tuple(value.items())
    return tuple((str(a), str(b)) for a, b in value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _activity_reports(value: Iterable[ActivityReport]) -> tuple[ActivityReport, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ActivityReport:
    """What the reader made of one IATI activity.

    Parameters
    ----------
    id : str
        The activity's `iati-identifier` (or `activity N` if it has none).
    position : int or None, default=None
        Position of the activity in the file: 1 for the first.
    imported : bool, default=True
        Whether a partnership was made from it (False for an activity skipped
        because it has no identifier or repeats one).
    filled : sequence of (str, str), default=()
        `(field, element)` pairs: each record field filled and the IATI
        element path it came from, in record field order.
    missing : sequence of str, default=()
        Record fields left missing (`None` or empty), in record field order.
    warnings : sequence of str, default=()
        Every warning, each naming the activity and the element.

    Examples
    --------
    >>> import io
    >>> from kampala.io.iati import import_iati
    >>> xml = b'''<iati-activities version="2.03">
    ...  <iati-activity><iati-identifier>A-1</iati-identifier>
    ...   <title><narrative>Agua segura</narrative></title>
    ...   <recipient-country code="PE"/><sector vocabulary="99" code="7"/>
    ...  </iati-activity>
    ...  <iati-activity><title><narrative>Sin identificador</narrative></title>
    ...  </iati-activity>
    ... </iati-activities>'''
    >>> first, second = import_iati(io.BytesIO(xml)).report.activities
    >>> first.id, first.source("title"), first.missing[:3]
    ('A-1', 'title/narrative', ('sectors', 'locations', 'start'))
    >>> print(first.warnings[0])
    A-1: sector/@vocabulary: '99' (Reporting Organisation) is not an OECD DAC
    vocabulary; sector '7' skipped
    >>> second.id, second.position, second.imported
    ('activity 2', 2, False)
    """

    id: str
    position: int | None = None
    imported: bool = True
    filled: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    missing: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def source(self, field: str) -> str | None:
        """Return the element path a field was filled from, or None.

        Examples
        --------
        >>> import io
        >>> from kampala.io.iati import import_iati
        >>> xml = b'''<iati-activities version="2.03">
        ...  <iati-activity><iati-identifier>A-1</iati-identifier>
        ...   <title><narrative>Agua segura</narrative></title>
        ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
        ... </iati-activities>'''
        >>> activity = import_iati(io.BytesIO(xml)).report["A-1"]
        >>> activity.source("sectors"), activity.source("budget_usd")
        ('sector/@code', None)
        """
        for name, element in self.filled:
            if name == field:
                return element
        return None


@attrs.frozen(kw_only=True)
class ImportReport:
    """The report of one IATI import: per activity, and for the file.

    Parameters
    ----------
    source : str
        Name of the file read.
    version : str or None
        The file's `iati-activities/@version`.
    activities : sequence of ActivityReport
        One report per activity kept by the filters, in file order.
    warnings : sequence of str, default=()
        Warnings about the file as a whole (its version, the filters).
    read : int, default=0
        Activities found in the file.
    skipped : int, default=0
        Activities left out by the `country` and `reporting_org` filters.

    Examples
    --------
    >>> import io
    >>> from kampala.io.iati import import_iati
    >>> xml = b'''<iati-activities version="2.03">
    ...  <iati-activity><iati-identifier>XM-EX-1-001</iati-identifier>
    ...   <title><narrative>Agua segura</narrative></title>
    ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
    ...  <iati-activity><iati-identifier>XM-EX-1-002</iati-identifier>
    ...   <title><narrative>Riego</narrative></title>
    ...   <recipient-country code="BO"/></iati-activity>
    ... </iati-activities>'''
    >>> report = import_iati(io.BytesIO(xml), country="PE").report
    >>> report.read, report.skipped, report.imported
    (2, 1, 1)
    >>> print(report.summary())
    <stream>: IATI 2.03; 2 activities read, 1 left out by the filters, 1 imported;
    0 warning(s).
    Evidence fields filled (partnerships): transparency.publication (1),
    transparency.publication_completeness (1).
    """

    source: str
    version: str | None
    activities: tuple[ActivityReport, ...] = attrs.field(converter=_activity_reports)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    read: int = 0
    skipped: int = 0

    @property
    def imported(self) -> int:
        """Number of partnerships made.

        Examples
        --------
        The second activity has no identifier, so no partnership is made:

        >>> import io
        >>> from kampala.io.iati import import_iati
        >>> xml = b'''<iati-activities version="2.03">
        ...  <iati-activity><iati-identifier>A-1</iati-identifier>
        ...   <title><narrative>Agua segura</narrative></title>
        ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
        ...  <iati-activity><title><narrative>Sin identificador</narrative></title>
        ...  </iati-activity>
        ... </iati-activities>'''
        >>> report = import_iati(io.BytesIO(xml)).report
        >>> report.read, len(report), report.imported
        (2, 2, 1)
        """
        return sum(1 for a in self.activities if a.imported)

    def __getitem__(self, activity_id: str) -> ActivityReport:
        """Return the report of one activity by its identifier."""
        for a in self.activities:
            if a.id == activity_id:
                return a
        raise KeyError(activity_id)

    def __len__(self) -> int:
        """Return the number of activity reports."""
        return len(self.activities)

    def to_rows(self) -> list[dict[str, str]]:
        """Return the report as rows for a table, one fact per row.

        Each row has the keys `activity`, `position`, `status` (`filled`,
        `missing`, `warning` or `skipped`), `field` and `detail` (the element
        path or the warning text). File-level warnings have an empty
        `activity`.

        Examples
        --------
        >>> import io
        >>> from kampala.io.iati import import_iati
        >>> xml = b'''<iati-activities version="2.03">
        ...  <iati-activity><iati-identifier>A-1</iati-identifier>
        ...   <title><narrative>Agua segura</narrative></title>
        ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
        ...  <iati-activity><title><narrative>Sin identificador</narrative></title>
        ...  </iati-activity>
        ... </iati-activities>'''
        >>> report = import_iati(io.BytesIO(xml)).report
        >>> rows = report.to_rows()
        >>> rows[0]
        {'activity': 'A-1', 'position': '1', 'status': 'filled', 'field': 'id',
         'detail': 'iati-identifier'}
        >>> [(r["activity"], r["status"]) for r in rows[-2:]]
        [('activity 2', 'skipped'), ('activity 2', 'warning')]
        """
        rows: list[dict[str, str]] = [
            {
                "activity": "",
                "position": "",
                "status": "warning",
                "field": "",
                "detail": w,
            }
            for w in self.warnings
        ]
        for a in self.activities:
            position = "" if a.position is None else str(a.position)
            facts: list[tuple[str, str, str]] = []
            if not a.imported:
                facts.append(("skipped", "", "no partnership made"))
            facts += [("filled", field, element) for field, element in a.filled]
            facts += [
                ("missing", field, _NO_ELEMENT if field in _NOT_IN_IATI else "")
                for field in a.missing
            ]
            facts += [("warning", "", w) for w in a.warnings]
            rows += [
                {
                    "activity": a.id,
                    "position": position,
                    "status": status,
                    "field": field,
                    "detail": detail,
                }
                for status, field, detail in facts
            ]
        return rows

    def write_csv(self, target: PathLike | TextIO) -> None:
        """Write `to_rows()` as CSV (UTF-8, header row) to a path or text file.

        Raises
        ------
        DataFormatError
            If the file cannot be written.

        Examples
        --------
        >>> import io
        >>> from kampala.io.iati import import_iati
        >>> xml = b'''<iati-activities version="2.03">
        ...  <iati-activity><iati-identifier>A-1</iati-identifier>
        ...   <title><narrative>Agua segura</narrative></title>
        ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
        ... </iati-activities>'''
        >>> report = import_iati(io.BytesIO(xml)).report
        >>> out = io.StringIO()
        >>> report.write_csv(out)
        >>> for line in out.getvalue().splitlines()[:3]:
        ...     print(line)
        activity,position,status,field,detail
        A-1,1,filled,id,iati-identifier
        A-1,1,filled,title,title/narrative
        """
        fields = ["activity", "position", "status", "field", "detail"]
        if isinstance(target, str | os.PathLike):
            try:
                with Path(target).open("w", encoding="utf-8", newline="") as f:
                    _write_rows(f, fields, self.to_rows())
            except OSError as exc:
                raise DataFormatError(
                    "ImportReport.write_csv()",
                    "target",
                    str(target),
                    "a writable path",
                    hint=str(exc),
                ) from exc
        else:
            _write_rows(target, fields, self.to_rows())

    def summary(self) -> str:
        """Return a few lines: counts of activities, fields and warnings.

        Examples
        --------
        >>> import io
        >>> from kampala.io.iati import import_iati
        >>> xml = b'''<iati-activities version="2.03">
        ...  <iati-activity><iati-identifier>A-1</iati-identifier>
        ...   <title><narrative>Agua segura</narrative></title>
        ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
        ...  <iati-activity><title><narrative>Sin identificador</narrative></title>
        ...  </iati-activity>
        ... </iati-activities>'''
        >>> report = import_iati(io.BytesIO(xml)).report
        >>> print(report.summary())
        <stream>: IATI 2.03; 2 activities read, 0 left out by the filters,
        1 imported; 1 warning(s).
        Evidence fields filled (partnerships): transparency.publication (1),
        transparency.publication_completeness (1).
        """
        n_warn = len(self.warnings) + sum(len(a.warnings) for a in self.activities)
        lines = [
            f"{self.source}: IATI {self.version or '?'}; {self.read} activities "
            f"read, {self.skipped} left out by the filters, {self.imported} "
            f"imported; {n_warn} warning(s)."
        ]
        if self.imported:
            counts: dict[str, int] = {}
            for a in self.activities:
                for field, _ in a.filled:
                    counts[field] = counts.get(field, 0) + 1
            evidence = [f for f in counts if "." in f]
            lines.append(
                "Evidence fields filled (partnerships): "
                + (
                    ", ".join(f"{f} ({counts[f]})" for f in evidence)
                    if evidence
                    else "none"
                )
                + "."
            )
        return "\n".join(lines)


def _write_rows(f: TextIO, fields: list[str], rows: list[dict[str, str]]) -> None:
    writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


@attrs.frozen(kw_only=True)
class IatiImport:
    """The result of `import_iati`: the portfolio and its import report.

    Parameters
    ----------
    portfolio : Portfolio
        One partnership per imported activity.
    report : ImportReport
        What was filled from which element, what stayed missing, and every
        warning.

    Examples
    --------
    >>> import io
    >>> from kampala.io.iati import import_iati
    >>> xml = b'''<iati-activities version="2.03">
    ...  <iati-activity><iati-identifier>XM-EX-1-001</iati-identifier>
    ...   <title><narrative>Agua segura</narrative></title>
    ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
    ... </iati-activities>'''
    >>> result = import_iati(io.BytesIO(xml))
    >>> result.portfolio
    Portfolio(name='iati', partnerships=1, actors=0)
    >>> result.report["XM-EX-1-001"].source("sectors")
    'sector/@code'
    """

    portfolio: Portfolio
    report: ImportReport


# ---------------------------------------------------------------------------
# public functions
# ---------------------------------------------------------------------------
def read_iati(
    source: PathLike | IO[bytes],
    *,
    country: str | None = None,
    reporting_org: str | None = None,
    lang: str = "es",
    name: str | None = None,
    infer_kinds: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Portfolio:
    """Read an IATI activity file into a portfolio.

    The same as `import_iati(...).portfolio`; use `import_iati` to see the
    import report (what was filled from which element, and every warning).
    No Python warning is emitted.

    Parameters
    ----------
    source : str, os.PathLike or binary file object
        The IATI activity XML file (IATI Standard 2.01 to 2.03).
    country : str, default=None
        ISO 3166-1 alpha-2 code: keep only activities with this
        `recipient-country` (at activity or transaction level).
    reporting_org : str, default=None
        Keep only activities whose `reporting-org/@ref` is this (compared
        without regard to case).
    lang : str, default="es"
        Preferred language of narratives (titles, names); the first
        non-empty narrative is used when none is in this language.
    name : str, default=None
        Name of the portfolio; by default the file name without its suffix
        (``"iati"`` for a file object without a name).
    infer_kinds : bool, default=True
        Infer the kind of a participating organisation without a known
        `@type` from its name (company legal forms, ministries); each
        inference is reported as a warning.
    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        Refuse files larger than this many bytes (1 GiB by default); None
        lifts the limit.

    Returns
    -------
    Portfolio
        One partnership per activity kept, identified by its
        `iati-identifier`.

    Raises
    ------
    DataFormatError
        If the file is missing or unreadable, larger than `max_bytes`, not
        well-formed XML (with the line and column), declares a DTD or
        entities, has a root element other than `iati-activities`, or uses a
        version before 2.01.
    ParameterTypeError, ParameterValueError
        For an invalid argument.
    ImportError
        If defusedxml (the `io` extra) is not installed.

    See Also
    --------
    import_iati : the same, with the import report.

    Examples
    --------
    Keep the activities in Peru from an agency's file:

    >>> import pathlib, tempfile
    >>> from kampala.io.iati import read_iati
    >>> xml = '''<iati-activities version="2.03">
    ...  <iati-activity><iati-identifier>XM-EX-1-001</iati-identifier>
    ...   <title><narrative>Agua segura en Piura</narrative></title>
    ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
    ...  <iati-activity><iati-identifier>XM-EX-1-002</iati-identifier>
    ...   <title><narrative>Riego en Cochabamba</narrative></title>
    ...   <recipient-country code="BO"/></iati-activity>
    ... </iati-activities>'''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "agencia.xml"
    ...     _ = path.write_text(xml, encoding="utf-8")
    ...     portfolio = read_iati(path, country="PE")
    >>> portfolio
    Portfolio(name='agencia', partnerships=1, actors=0)
    >>> p = portfolio["XM-EX-1-001"]
    >>> p.title, p.sectors, p.transparency.publication
    ('Agua segura en Piura', ('14030',), <DataPublication.IATI: 'iati'>)
    """
    return _import(
        source,
        country,
        reporting_org,
        lang,
        name,
        infer_kinds,
        max_bytes,
        caller="read_iati()",
    ).portfolio


def import_iati(
    source: PathLike | IO[bytes],
    *,
    country: str | None = None,
    reporting_org: str | None = None,
    lang: str = "es",
    name: str | None = None,
    infer_kinds: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> IatiImport:
    """Read an IATI activity file into a portfolio and an import report.

    Activities are mapped one at a time as the file streams past, by the
    rules of `MAPPING` (see `docs/methodology/iati-mapping.md`). Real-world
    quirks (missing references and types, placeholder years, zero-value
    transactions, degenerate periods, non-DAC sector vocabularies, unknown
    codes, region-only activities) do not stop the import: each is recorded
    as a warning naming the activity and the element.

    Parameters
    ----------
    source, country, reporting_org, lang, name, infer_kinds, max_bytes
        As for `read_iati`.

    Returns
    -------
    IatiImport
        `portfolio` and `report` (an `ImportReport` with one
        `ActivityReport` per activity kept by the filters).

    Raises
    ------
    DataFormatError, ParameterTypeError, ParameterValueError, ImportError
        As for `read_iati`.

    Notes
    -----
    The file is streamed: only the activity being mapped is held as XML, so
    memory grows with the number of partnerships made, not with the size of
    the file. Equal actors and evidence groups are shared between
    partnerships (records are immutable). The cyclic garbage collector is
    paused while the file is read, because its full collections would
    otherwise take about half the time of a large import; the reader creates
    no reference cycles, and the collector is re-enabled (if it was) when the
    import ends, even on error. The mapping and its rationale are on the
    methodology page *IATI import mapping* (`docs/methodology/iati-mapping.md`).

    Examples
    --------
    >>> import io
    >>> from kampala.io.iati import import_iati
    >>> xml = b'''<iati-activities version="2.01">
    ...   <iati-activity><iati-identifier>A-1</iati-identifier>
    ...     <title><narrative>Riego</narrative></title>
    ...     <recipient-region code="489"/>
    ...     <sector vocabulary="99" code="7"/>
    ...   </iati-activity></iati-activities>'''
    >>> out = import_iati(io.BytesIO(xml))
    >>> out.portfolio["A-1"].locations, out.portfolio["A-1"].country
    (('region:489',), 'ZZ')
    >>> for w in out.report["A-1"].warnings:
    ...     print(w)
    A-1: recipient-country: none given (only regions or nothing); country set to 'ZZ' (unknown)
    A-1: sector/@vocabulary: '99' (Reporting Organisation) is not an OECD DAC vocabulary; sector '7' skipped
    """  # noqa: E501 - doctest output lines
    return _import(
        source,
        country,
        reporting_org,
        lang,
        name,
        infer_kinds,
        max_bytes,
        caller="import_iati()",
    )


def _import(
    source: PathLike | IO[bytes],
    country: str | None,
    reporting_org: str | None,
    lang: str,
    name: str | None,
    infer_kinds: bool,
    max_bytes: int | None,
    *,
    caller: str,
) -> IatiImport:
    country = _check_country(country, caller)
    if reporting_org is not None and (
        not isinstance(reporting_org, str) or not reporting_org.strip()
    ):
        raise ParameterTypeError(
            caller, "reporting_org", reporting_org, "a non-empty string or None"
        )
    if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z]{2,3}", lang):
        raise ParameterValueError(
            caller, "lang", lang, "an ISO 639-1 language code such as 'es' or 'en'"
        )
    if name is not None and (not isinstance(name, str) or not name):
        raise ParameterTypeError(caller, "name", name, "a non-empty string or None")
    if not isinstance(infer_kinds, bool):
        raise ParameterTypeError(caller, "infer_kinds", infer_kinds, "true or false")
    if max_bytes is not None and (
        isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1
    ):
        raise ParameterValueError(
            caller, "max_bytes", max_bytes, "a positive whole number of bytes or None"
        )
    defused = _require_defusedxml()
    stream, where, close = _open(source, max_bytes, caller)
    ctx = _Context(
        lang=lang.lower(),
        country=country,
        infer_kinds=infer_kinds,
        version=None,
    )
    ref_filter = reporting_org.strip().casefold() if reporting_org else None
    records: list[Partnership] = []
    reports: list[ActivityReport] = []
    seen: set[str] = set()
    read = skipped = 0
    with _gc_paused():
        reader = _StreamReader(stream, where, max_bytes, defused, caller)
        try:
            for position, activity in reader:
                if read == 0:
                    ctx.version = reader.version
                read += 1
                if not _keep(activity, country, ref_filter):
                    skipped += 1
                    continue
                record, activity_report = _map_activity(activity, position, ctx, seen)
                reports.append(activity_report)
                if record is not None:
                    records.append(record)
                    seen.add(record.id)
        finally:
            if close:
                stream.close()
        file_warnings = list(reader.warnings)
        if read == 0:
            file_warnings.append(f"{where}: {_ACTIVITY}: the file has no activity")
        elif country is not None and not records:
            file_warnings.append(
                f"{where}: recipient-country: no activity has recipient-country "
                f"{country!r}"
            )
        report = ImportReport(
            source=where,
            version=reader.version,
            activities=reports,
            warnings=file_warnings,
            read=read,
            skipped=skipped,
        )
        label = name or _default_name(source, where)
        portfolio = Portfolio.from_records(records, name=label)
    return IatiImport(portfolio=portfolio, report=report)


def is_iati(path: PathLike) -> bool:
    """Tell whether a file is an IATI activity file, by its root element.

    Reads the file only up to its root element (and never more than 1 MiB),
    with the defused parser that `read_iati` uses for the prolog. Never
    raises for the file's content: a file that cannot be read, is not XML,
    declares a DTD, or has another root element gives False. Meant for a
    command line that must choose a reader.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    bool
        True if the root element is `iati-activities`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kampala.io.iati import is_iati
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "a.xml"
    ...     _ = p.write_text('<?xml version="1.0"?><iati-activities version="2.03">')
    ...     q = pathlib.Path(tmp) / "b.json"
    ...     _ = q.write_text('{"format": "kampala.portfolio/1"}')
    ...     is_iati(p), is_iati(q)
    (True, False)
    """
    if not isinstance(path, str | os.PathLike):
        raise ParameterTypeError("is_iati()", "path", path, "a path")
    defused = _require_defusedxml()
    found: list[str] = []

    class _Stop(Exception):
        pass

    def start(tag: str, attrib: dict[str, str]) -> None:
        found.append(tag)
        raise _Stop

    parser = defused.DefusedXMLParser(
        target=ET.TreeBuilder(),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    parser.parser.StartElementHandler = start
    try:
        with Path(path).open("rb") as f:
            for _ in range(16):  # the root comes within the first 1 MiB
                chunk = f.read(_CHUNK)
                if not chunk:
                    break
                parser.feed(chunk)
    except _Stop:
        pass
    except Exception:  # not XML, a DTD, unreadable: not an IATI file
        return False
    return found[:1] == [_ROOT]


# ---------------------------------------------------------------------------
# opening and streaming
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is read.

    Parsing allocates millions of short-lived elements; with the collector
    running, its full collections (which also scan every object the program
    holds) take about half the time of a large import. The reader creates no
    reference cycles, so nothing is left for the collector to find; it is
    re-enabled (if it was enabled) when the import ends, even on error.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _require_defusedxml() -> Any:
    try:
        return importlib.import_module("defusedxml.ElementTree")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "Reading IATI files needs defusedxml. Install it with: "
            "pip install 'kampala[io]'"
        ) from exc


def _check_country(country: Any, caller: str) -> str | None:
    if country is None:
        return None
    if not isinstance(country, str) or not re.fullmatch(r"[A-Za-z]{2}", country):
        raise ParameterValueError(
            caller, "country", country, "an ISO 3166-1 alpha-2 code such as 'PE'"
        )
    return country.upper()


def _open(
    source: Any, max_bytes: int | None, caller: str
) -> tuple[IO[bytes], str, bool]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        where = path.name
        try:
            size = path.stat().st_size
            if max_bytes is not None and size > max_bytes:
                raise _too_big(where, size, max_bytes)
            return path.open("rb"), where, True
        except FileNotFoundError as exc:
            raise DataFormatError(
                caller, "source", str(path), "an existing file"
            ) from exc
        except IsADirectoryError as exc:
            raise DataFormatError(caller, "source", str(path), "a file") from exc
        except OSError as exc:
            raise DataFormatError(
                caller, "source", str(path), "a readable file", hint=str(exc)
            ) from exc
    if hasattr(source, "read"):
        if isinstance(source, io.TextIOBase):
            raise ParameterTypeError(
                caller,
                "source",
                type(source).__name__,
                "a path or a binary file object",
                hint="Open the file with mode 'rb'.",
            )
        label = getattr(source, "name", None)
        where = Path(label).name if isinstance(label, str) else "<stream>"
        return source, where, False
    raise ParameterTypeError(
        caller, "source", type(source).__name__, "a path or a binary file object"
    )


def _default_name(source: Any, where: str) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).stem or "iati"
    return Path(where).stem if where != "<stream>" else "iati"


def _too_big(where: str, size: int, max_bytes: int) -> DataFormatError:
    return DataFormatError(
        where,
        "size",
        size,
        f"at most max_bytes={max_bytes} bytes",
        hint="Pass a larger max_bytes (or None) if you trust the file.",
    )


class _RootSeen(Exception):
    """Raised by the prolog gate once the root element has been checked."""


class _StreamReader:
    """Stream an IATI file: yield its activities one at a time.

    Two parsers read the same bytes:

    - the *gate*, defusedxml's `DefusedXMLParser` (DTDs, entity declarations
      and external references forbidden), reads the prolog up to the root
      element and checks the root and its version. DTDs and entity
      declarations can only appear in the prolog, so once the gate has seen
      the root start tag none can follow: a later `<!DOCTYPE` or an undefined
      entity is a well-formedness error;
    - the *body* parser, the C-accelerated `ElementTree.XMLParser`, then builds
      the activities. Completed activities are detached from the root after
      each chunk, so that memory stays bounded whatever the size of the file.

    No byte reaches the body parser before the gate has accepted the prolog.
    """

    def __init__(
        self,
        stream: IO[bytes],
        where: str,
        max_bytes: int | None,
        defused: Any,
        caller: str,
    ) -> None:
        self._stream = stream
        self._caller = caller
        self._where = where
        self._max_bytes = max_bytes
        self._refused: type[Exception] = importlib.import_module(
            "defusedxml"
        ).DefusedXmlException
        gate = defused.DefusedXMLParser(
            target=ET.TreeBuilder(),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        gate.parser.StartElementHandler = self._root
        self._gate: Any = gate
        self._pending: list[bytes] = []
        self._body: Any = ET.XMLParser(target=ET.TreeBuilder())
        self._events: list[tuple[str, Element]] = []
        self._pull: Any = None
        if hasattr(self._body, "_setevents"):  # CPython's C parser
            self._body._setevents(self._events, ("start",))
        else:  # pragma: no cover - other implementations
            self._pull = ET.XMLPullParser(events=("start",))
        self._root_el: Element | None = None
        self._count = 0
        self.version: str | None = None
        self.warnings: list[str] = []

    def _root(self, tag: str, attrib: Any) -> None:
        """Check the root element and its version (a gate callback)."""
        gate = self._gate.parser
        line = gate.CurrentLineNumber
        col = gate.CurrentColumnNumber + 1
        if tag != _ROOT:
            shown = "{" + tag if "}" in tag else tag
            hint = "This reader reads IATI activity files (IATI Standard 2.01-2.03)."
            if tag in ("iati-organisations", "iati-organisation"):
                hint = (
                    "This is an IATI organisation file; kampala reads activity files."
                )
            raise DataFormatError(
                f"{self._where}, line {line}, column {col}",
                "root element",
                shown,
                f"<{_ROOT}>",
                hint=hint,
            )
        if isinstance(attrib, list):  # ordered attributes: name, value, ...
            attrib = dict(zip(attrib[::2], attrib[1::2], strict=True))
        version = (attrib.get("version") or "").strip()
        self.version = version or None
        match = re.fullmatch(r"(\d+)\.(\d+)", version)
        if not version:
            self.warnings.append(
                f"{self._where}: iati-activities/@version: missing; read as 2.03"
            )
        elif match is None:
            self.warnings.append(
                f"{self._where}: iati-activities/@version: {version!r} is not a "
                "version number; read as 2.03"
            )
        else:
            major, minor = int(match[1]), int(match[2])
            if (major, minor) < (2, 1):
                raise DataFormatError(
                    f"{self._where}, line {line}, column {col}",
                    "iati-activities/@version",
                    version,
                    "2.01 or later",
                    hint="IATI 1.0x files use another structure; convert them "
                    "to 2.0x first.",
                )
            if version not in SUPPORTED_VERSIONS:
                self.warnings.append(
                    f"{self._where}: iati-activities/@version: {version!r} is "
                    "newer than 2.03; read with the 2.03 rules"
                )
        raise _RootSeen

    # driving ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[tuple[int, Element]]:
        total = 0
        read = self._stream.read
        while True:
            chunk = read(_CHUNK)
            if not chunk:
                break
            if not isinstance(chunk, bytes | bytearray):
                raise ParameterTypeError(
                    self._caller,
                    "source",
                    type(chunk).__name__,
                    "a binary file object (read() must return bytes)",
                    hint="Open the file with mode 'rb'.",
                )
            total += len(chunk)
            if self._max_bytes is not None and total > self._max_bytes:
                raise _too_big(self._where, total, self._max_bytes)
            if self._gate is not None:
                chunk = self._through_gate(bytes(chunk))
                if not chunk:
                    continue
            yield from self._feed(chunk)
        if self._gate is not None:  # the file ended before its root element
            self._gate_call(self._gate.close)  # raises "no element found"
            raise DataFormatError(  # pragma: no cover - close() raises first
                self._where, "xml", "no root element", "well-formed XML"
            )
        yield from self._feed(None)

    def _through_gate(self, chunk: bytes) -> bytes:
        """Pass a chunk to the gate; return the bytes the body may now parse."""
        self._pending.append(chunk)
        if self._gate_call(self._gate.feed, chunk):
            self._gate = None
            data = b"".join(self._pending)
            self._pending = []
            return data
        return b""

    def _gate_call(self, method: Any, *args: Any) -> bool:
        """Call a gate method; True once the root element has been seen."""
        try:
            method(*args)
        except _RootSeen:
            return True
        except ET.ParseError as exc:
            raise self._malformed(exc, gate=True) from exc
        except self._refused as exc:
            raise self._forbidden(exc) from exc
        return False

    def _feed(self, chunk: bytes | None) -> Iterator[tuple[int, Element]]:
        parser = self._pull if self._pull is not None else self._body
        try:
            if chunk is None:
                parser.close()
            else:
                parser.feed(chunk)
        except ET.ParseError as exc:
            raise self._malformed(exc) from exc
        root = self._root_el
        if root is None:
            if self._pull is not None:  # pragma: no cover
                self._events.extend(self._pull.read_events())
            if not self._events:
                return
            root = self._root_el = self._events[0][1]
            if self._pull is None:
                self._body._setevents([], ())
        elif self._pull is not None:  # pragma: no cover
            for _ in self._pull.read_events():
                pass
        self._events.clear()
        keep = 0 if chunk is None else 1  # the last child may be unfinished
        if len(root) > keep:
            done = root[: len(root) - keep]
            del root[: len(root) - keep]
            for el in done:
                if el.tag == _ACTIVITY:
                    self._count += 1
                    yield self._count, el

    def _malformed(self, exc: ET.ParseError, *, gate: bool = False) -> DataFormatError:
        line, offset = getattr(exc, "position", (0, 0))
        code = getattr(exc, "code", None)
        message = expat.ErrorString(code) if isinstance(code, int) else str(exc)
        hint = ""
        if gate and message in ("syntax error", "not well-formed (invalid token)"):
            hint = (
                "Is this an XML file? IATI activity files are XML documents "
                f"whose root element is <{_ROOT}>."
            )
        elif message == "no element found":
            hint = "The file ends before the document does: is it empty or truncated?"
        elif message == "undefined entity":
            hint = "IATI files use no entities other than the five XML predefines."
        elif message.startswith("unclosed token"):
            hint = "The file may be truncated."
        return DataFormatError(
            f"{self._where}, line {line}, column {offset + 1}",
            "xml",
            message,
            "well-formed XML",
            hint=hint,
        )

    def _forbidden(self, exc: Exception) -> DataFormatError:
        expat_parser = self._gate.parser
        line = expat_parser.CurrentLineNumber
        col = expat_parser.CurrentColumnNumber + 1
        kind = type(exc).__name__
        detail = {
            "DTDForbidden": ("DOCTYPE", getattr(exc, "name", None)),
            "EntitiesForbidden": ("ENTITY", getattr(exc, "name", None)),
            "ExternalReferenceForbidden": (
                "external reference",
                getattr(exc, "sysid", None),
            ),
        }.get(kind, ("declaration", str(exc)))
        return DataFormatError(
            f"{self._where}, line {line}, column {col}",
            detail[0],
            detail[1],
            "absent",
            hint="IATI files have no DTD; kampala refuses DTDs, entity "
            "declarations and external references so that a file cannot "
            "expand entities or fetch external resources.",
        )


def _keep(activity: Element, country: str | None, ref: str | None) -> bool:
    if ref is not None:
        org = activity.find("reporting-org")
        if org is None or (org.get("ref") or "").strip().casefold() != ref:
            return False
    if country is not None:
        codes = {
            (e.get("code") or "").strip().upper()
            for e in activity.findall("recipient-country")
        }
        if not codes:
            codes = {
                (e.get("code") or "").strip().upper()
                for e in _in_transactions(activity, "recipient-country")
            }
        if country not in codes:
            return False
    return True


# ---------------------------------------------------------------------------
# mapping one activity
# ---------------------------------------------------------------------------
@attrs.define
class _Context:
    lang: str
    country: str | None
    infer_kinds: bool
    version: str | None
    records: dict[tuple[Any, ...], Any] = attrs.field(factory=dict)

    def make(self, cls: type[_R], **fields: Any) -> _R:
        """Build a frozen record, reusing an equal one made earlier.

        Records are immutable, so partnerships may share equal actors and
        evidence groups; real files repeat the same organisations and codes
        from one activity to the next, and building a record (with its
        validators and converters) costs far more than a dictionary lookup.
        """
        key = (cls, *fields.values())
        try:
            return self.records[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: build without reuse
            return cls(**fields)
        record = self.records[key] = cls(**fields)
        return record


class _Notes:
    """Collect the filled fields and the warnings of one activity."""

    __slots__ = ("filled", "id", "warnings")

    def __init__(self, activity_id: str) -> None:
        self.id = activity_id
        self.filled: dict[str, str] = {}
        self.warnings: dict[str, None] = {}  # ordered set, repeats dropped

    def warn(self, element: str, message: str) -> None:
        self.warnings[f"{self.id}: {element}: {message}"] = None

    def fill(self, field: str, element: str) -> None:
        if field in self.filled:
            if element not in self.filled[field].split(" + "):
                self.filled[field] += f" + {element}"
        else:
            self.filled[field] = element


def _text(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def _primary(lang: str) -> str:
    return lang.split("-")[0].split("_")[0].lower()


def _narrative(el: Element | None, lang: str, default_lang: str) -> str:
    """Return the narrative of `el` in `lang`, else its first non-empty one."""
    if el is None:
        return ""
    first = ""
    for n in el.findall("narrative"):
        text = _text(n.text)
        if not text:
            continue
        if _primary(n.get(_XML_LANG) or default_lang) == lang:
            return text
        if not first:
            first = text
    if not first:  # IATI 1.0x style text directly in the element
        first = _text(el.text)
    return first


def _code(el: Element, attr: str = "code") -> str:
    return (el.get(attr) or "").strip()


def _date(value: str | None, notes: _Notes, element: str) -> dt.date | None:
    """Parse an ISO date (a time and zone after it are ignored); None if unusable."""
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        notes.warn(element, f"{text!r} is not a valid ISO date; ignored")
        return None
    if day.year < _PLACEHOLDER_YEAR:
        notes.warn(element, f"{text!r} is a placeholder date (before 1950); ignored")
        return None
    return day


def _number(value: str | None) -> float | None:
    """Return a finite number from an attribute or text, or None."""
    if not value:
        return None
    try:
        x = float(value)
    except ValueError:
        try:
            x = float(value.replace(" ", ""))  # "1 000"
        except ValueError:
            return None
    return x if math.isfinite(x) else None


def _map_activity(
    act: Element, position: int, ctx: _Context, seen: set[str]
) -> tuple[Partnership | None, ActivityReport]:
    ident_el = act.find("iati-identifier")
    ident = (ident_el.text or "").strip() if ident_el is not None else ""
    if not ident:
        label = f"activity {position}"
        notes = _Notes(label)
        notes.warn("iati-identifier", "missing or empty; activity skipped")
        return None, ActivityReport(
            id=label, position=position, imported=False, warnings=list(notes.warnings)
        )
    notes = _Notes(ident)
    if ident in seen:
        notes.warn("iati-identifier", "repeats an earlier activity; skipped")
        return None, ActivityReport(
            id=ident, position=position, imported=False, warnings=list(notes.warnings)
        )
    groups: dict[str, list[Element]] = {}
    for child in act:
        group = groups.get(child.tag)
        if group is None:
            groups[child.tag] = [child]
        else:
            group.append(child)
    get = groups.get
    default_lang = _primary(act.get(_XML_LANG) or "")
    currency = (act.get("default-currency") or "").strip().upper()
    m = _Mapper(ctx, notes, default_lang, currency)
    notes.fill("id", "iati-identifier")

    title = ""
    for t in get("title", ()):
        title = _narrative(t, ctx.lang, default_lang)
        if title:
            break
    if title:
        notes.fill("title", "title/narrative")
    else:
        notes.warn("title", "no title narrative; the identifier is used")
        title = ident

    country, locations = m.places(get("recipient-country", ()), act)
    locations += m.regions(get("recipient-region", ()))
    locations += m.locations(get("location", ()))
    locations = list(dict.fromkeys(locations))
    sectors, sdg_goals, sdg_targets = m.sectors(get("sector", ()), act)
    start, end = m.dates(get("activity-date", ()))
    budget = m.budget(get("transaction", ()), get("budget", ()))
    modality = m.modality(get("collaboration-type", ()))
    instruments = m.instruments(get("default-finance-type", ()), act)
    actors = m.actors(get("participating-org", ()), country)
    ownership = m.ownership(
        actors,
        get("country-budget-items", ()),
        get("default-aid-type", ()),
        get("default-tied-status", ()),
        act,
    )
    tag_goals, tag_targets = m.tags(get("tag", ()))
    results = m.results(get("result", ()))
    sdg_goals = list(dict.fromkeys(sdg_goals + tag_goals))
    sdg_targets = list(dict.fromkeys(sdg_targets + tag_targets + results.sdg_targets))
    if sdg_goals:
        notes.fill("results.sdg_goals", m.sdg_sources["goals"])
    if sdg_targets:
        notes.fill("results.sdg_targets", m.sdg_sources["targets"])
    gender, target_groups, dialogue = m.policy_markers(get("policy-marker", ()))
    if results.disaggregation:
        notes.fill(
            "leave_no_one_behind.disaggregation", "result/indicator//dimension/@name"
        )
    evaluation = m.evaluation(get("document-link", ()), end)
    completeness = _completeness(groups, act)
    notes.fill("transparency.publication", "iati-activities")
    notes.fill("transparency.publication_completeness", "iati-activity")
    if results.frequency is not None:
        notes.fill("transparency.reporting_frequency", "result/indicator/period")
    if results.progress is not None:
        notes.fill("results.target_progress", "result/indicator/period/actual")

    reporting = act.find("reporting-org")
    ref = _code(reporting, "ref") if reporting is not None else ""
    status_el = act.find("activity-status")
    note = f"IATI {ctx.version or '?'}"
    if ref:
        note += f"; reporting-org {ref}"
    if status_el is not None and _code(status_el):
        note += f"; activity-status {_code(status_el)}"
    notes.fill("notes", "iati-activities/@version")

    make = ctx.make
    try:
        record = Partnership(
            id=ident,
            title=title,
            country=country,
            sectors=sectors,
            locations=locations,
            start=start,
            end=end,
            budget_usd=budget,
            modality=modality,
            instruments=instruments,
            actors=actors,
            ownership=ownership,
            results=make(
                ResultsEvidence,
                indicators_total=results.total,
                indicators_with_baseline_and_target=results.with_baseline_and_target,
                sdg_targets=tuple(sdg_targets) or None,
                sdg_goals=tuple(sdg_goals) or None,
                target_progress=results.progress,
            ),
            inclusion=make(InclusionEvidence, dialogue=dialogue),
            transparency=make(
                TransparencyEvidence,
                publication=DataPublication.IATI,
                publication_completeness=completeness,
                reporting_frequency=results.frequency,
                evaluation=evaluation,
            ),
            leave_no_one_behind=make(
                LeaveNoOneBehindEvidence,
                gender_marker=gender,
                target_groups=tuple(target_groups) or None,
                disaggregation=tuple(results.disaggregation) or None,
            ),
            notes=note,
        )
    except RecordValidationError as exc:  # a safety net: the rules avoid it
        notes.warn(_ACTIVITY, f"could not be imported: {exc}")
        return None, ActivityReport(
            id=ident, position=position, imported=False, warnings=list(notes.warnings)
        )
    filled = {f: notes.filled[f] for f in _FIELD_ORDER if f in notes.filled}
    missing = [f for f in _OPTIONAL_FIELDS if f not in notes.filled]
    if not actors:
        missing.insert(missing.index("instruments") + 1, "actors")
    return record, ActivityReport(
        id=ident,
        position=position,
        filled=filled,
        missing=missing,
        warnings=list(notes.warnings),
    )


def _field_order() -> tuple[str, ...]:
    order = [spec.path for spec in SCHEMA]
    at = order.index("instruments") + 1
    order[at:at] = ["actors", "actors.kind", "actors.roles", "actors.domestic"]
    return tuple(order)


_FIELD_ORDER = _field_order()


_COMPLETENESS_ITEMS = 14


def _completeness(groups: Mapping[str, list[Element]], act: Element) -> float:
    present = 0
    for tag in (
        "title",
        "description",
        "participating-org",
        "activity-status",
        "activity-date",
        "sector",
        "transaction",
        "location",
        "policy-marker",
        "document-link",
        "contact-info",
    ):
        if tag in groups:
            present += 1
    if "recipient-country" in groups or "recipient-region" in groups:
        present += 1
    if "budget" in groups or act.get("budget-not-provided"):
        present += 1
    if "result" in groups or any(
        _code(c) == "A08"
        for d in groups.get("document-link", ())
        for c in d.findall("category")
    ):
        present += 1
    return present / _COMPLETENESS_ITEMS


@attrs.define
class _Results:
    total: int | None = None
    with_baseline_and_target: int | None = None
    progress: float | None = None
    frequency: ReportingFrequency | None = None
    disaggregation: list[Disaggregation] = attrs.field(factory=list)
    sdg_targets: list[str] = attrs.field(factory=list)


_SDG_GOAL = re.compile(r"^(?:[1-9]|1[0-7])$")
_SDG_TARGET = re.compile(r"^(?:[1-9]|1[0-7])\.(?:[1-9][0-9]?|[a-z])$")
_DAC5 = re.compile(r"^[0-9]{5}$")
_DAC3 = re.compile(r"^[0-9]{3}$")
_ISO2 = re.compile(r"^[A-Z]{2}$")


def _sdg_goal(code: str) -> str | None:
    c = code.strip().upper().removeprefix("SDG").strip().lstrip("0")
    return c if _SDG_GOAL.match(c) else None


def _sdg_target(code: str) -> str | None:
    c = code.strip().lower().removeprefix("sdg").strip()
    parts = c.split(".")
    if len(parts) < 2:
        return None
    target = f"{parts[0].lstrip('0')}.{parts[1].lstrip('0') or '0'}"
    return target if _SDG_TARGET.match(target) else None


_DIMENSIONS: tuple[tuple[Disaggregation, tuple[str, ...]], ...] = (
    (Disaggregation.SEX, ("sex", "gender", "sexo", "genero", "sexe", "genre")),
    (Disaggregation.AGE, ("age", "edad", "idade")),
    (
        Disaggregation.DISABILITY,
        ("disab", "discapacidad", "handicap", "deficiencia"),
    ),
    (
        Disaggregation.ETHNICITY,
        ("ethnic", "etnia", "etnic", "race", "indigen", "raza", "ethni"),
    ),
    (
        Disaggregation.LOCATION,
        (
            "location",
            "region",
            "district",
            "province",
            "provincia",
            "departamento",
            "ubicacion",
            "localidad",
            "urban",
            "rural",
            "zona",
            "area",
        ),
    ),
    (
        Disaggregation.INCOME,
        ("income", "ingreso", "wealth", "quintil", "poverty", "pobreza", "renda"),
    ),
)


def _plain(text: str) -> str:
    """Return `text` in lower case without accents (for matching names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return ascii_text.decode("ascii").lower()


def _in_transactions(act: Element, tag: str) -> list[Element]:
    """Return the `tag` children of every transaction of an activity."""
    return [c for t in act.findall("transaction") for c in t if c.tag == tag]


@functools.lru_cache(maxsize=512)
def _dimension(name: str) -> Disaggregation | None:
    plain = _plain(name)
    for member, keys in _DIMENSIONS:
        if any(k in plain for k in keys):
            return member
    return None


# legal forms of companies (dots and commas removed, upper case)
_LEGAL_FORMS = frozenset(
    {
        "SA",
        "SAC",
        "SAA",
        "SAS",
        "SRL",
        "SCRL",
        "EIRL",
        "SPA",
        "LTDA",
        "LTD",
        "LIMITED",
        "LLC",
        "INC",
        "PLC",
        "GMBH",
        "BV",
        "NV",
        "SARL",
        "PTY",
        "CORP",
    }
)
_LEGAL_TAILS = (("SA", "DE", "CV"), ("S", "DE", "RL"), ("SAB", "DE", "CV"))
# names of governments (matched in lower case, without accents)
_SUBNATIONAL_NAME = re.compile(
    r"\b(gobierno regional|gobierno provincial|gobierno local|gobierno municipal|"
    r"municipalidad|municipio|alcaldia|prefeitura|gobernacion|governo estadual|"
    r"local government|municipality|city council|county government|"
    r"district council|regional government|provincial government)\b"
)
_GOVERNMENT_NAME = re.compile(
    r"^(ministerio|ministry|ministere|secretaria de estado|gobierno de |"
    r"gobierno del |gobierno nacional|government of |governo d|gouvernement d|"
    r"republica de |republica del |republic of |republique d|presidencia de |"
    r"presidency of )"
)


def _kind_from_name(name: str) -> tuple[ActorKind, str] | None:
    """Infer an actor kind from an organisation's name, with the clue found."""
    plain = _plain(name)
    if _SUBNATIONAL_NAME.search(plain):
        return ActorKind.SUBNATIONAL_GOVERNMENT, "a local government name"
    if _GOVERNMENT_NAME.match(plain):
        return ActorKind.GOVERNMENT, "a ministry or government name"
    base = re.sub(r"\s*\([^)]*\)\s*$", "", name.upper())  # a trailing (acronym)
    tokens = re.sub(r"[.,]", "", base).replace("/", " ").split()
    if tokens and tokens[-1] in _LEGAL_FORMS:
        return ActorKind.PRIVATE_SECTOR, f"the legal form {tokens[-1]!r}"
    if tuple(tokens[-3:]) in _LEGAL_TAILS:
        return ActorKind.PRIVATE_SECTOR, f"the legal form {' '.join(tokens[-3:])!r}"
    return None


def _ref_domestic(ref: str, country: str) -> bool | None:
    """Return what an organisation identifier's prefix says about its origin."""
    prefix = ref.split("-", 1)[0].upper() if "-" in ref else ""
    if not _ISO2.match(prefix):
        return None
    if country != _UNKNOWN_COUNTRY and prefix == country:
        return True
    if prefix == "XM":
        return False if ref.upper().startswith("XM-DAC-") else None
    if prefix.startswith("X") or country == _UNKNOWN_COUNTRY:
        return None  # XI-, XR-: international or unregistered; no country
    return False


@attrs.define
class _Org:
    name: str
    kind: ActorKind
    roles: list[Role]
    domestic: bool | None


class _Mapper:
    """The rules of `MAPPING` for one activity."""

    def __init__(
        self, ctx: _Context, notes: _Notes, default_lang: str, currency: str
    ) -> None:
        self.ctx = ctx
        self.notes = notes
        self.default_lang = default_lang
        self.currency = currency
        self.sdg_sources: dict[str, str] = {}

    def _sdg(self, which: str, element: str) -> None:
        current = self.sdg_sources.get(which)
        if current is None:
            self.sdg_sources[which] = element
        elif element not in current.split(" + "):
            self.sdg_sources[which] = f"{current} + {element}"

    # places ----------------------------------------------------------------------
    def places(
        self, countries: Sequence[Element], act: Element
    ) -> tuple[str, list[str]]:
        notes = self.notes
        element = "recipient-country/@code"
        if not countries:
            countries = _in_transactions(act, "recipient-country")
            element = "transaction/recipient-country/@code"
        codes: list[str] = []
        for c in countries:
            code = _code(c).upper()
            if _ISO2.match(code):
                if code not in codes:
                    codes.append(code)
            else:
                notes.warn(
                    element,
                    f"{_code(c)!r} is not an ISO 3166-1 alpha-2 code; ignored",
                )
        wanted = self.ctx.country
        if len(codes) == 1:
            country = codes[0]
        elif codes and wanted in codes:
            country = wanted
        elif codes:
            country = codes[0]
            notes.warn(
                element,
                f"{len(codes)} recipient countries; country set to the first, "
                f"{country!r}",
            )
        else:
            country = wanted or _UNKNOWN_COUNTRY
            notes.warn(
                "recipient-country",
                "none given (only regions or nothing); country set to "
                + (f"{country!r}" if wanted else f"{country!r} (unknown)"),
            )
            return country, []
        notes.fill("country", element)
        others = [f"country:{c}" for c in codes if c != country]
        if others:
            notes.fill("locations", element)
        return country, others

    def regions(self, regions: Sequence[Element]) -> list[str]:
        out: list[str] = []
        for r in regions:
            code = _code(r)
            if not code:
                self.notes.warn("recipient-region/@code", "missing; ignored")
                continue
            vocab = _code(r, "vocabulary") or "1"
            if vocab not in _REGION_VOCABULARY:
                self.notes.warn(
                    "recipient-region/@vocabulary",
                    f"unknown RegionVocabulary code {vocab!r}; kept as given",
                )
            out.append(f"region:{code}" if vocab == "1" else f"region:{vocab}:{code}")
        if out:
            self.notes.fill("locations", "recipient-region/@code")
        return out

    def locations(self, locations: Sequence[Element]) -> list[str]:
        out: list[str] = []
        for loc in locations:
            name = _narrative(loc.find("name"), self.ctx.lang, self.default_lang)
            if name:
                out.append(name)
                self.notes.fill("locations", "location/name/narrative")
                continue
            adm = loc.find("administrative")
            if adm is not None and _code(adm):
                vocab = _code(adm, "vocabulary") or "?"
                out.append(f"admin:{vocab}:{_code(adm)}")
                self.notes.fill("locations", "location/administrative/@code")
                continue
            self.notes.warn("location", "a location without a name or code; ignored")
        return out

    # sectors -------------------------------------------------------------------
    def sectors(
        self, sectors: Sequence[Element], act: Element
    ) -> tuple[list[str], list[str], list[str]]:
        element = "sector"
        if not sectors:
            sectors = _in_transactions(act, "sector")
            element = "transaction/sector"
        out: list[str] = []
        goals: list[str] = []
        targets: list[str] = []
        notes = self.notes
        for s in sectors:
            code = _code(s)
            vocab = _code(s, "vocabulary") or "1"
            if not code:
                notes.warn(f"{element}/@code", "missing; ignored")
                continue
            if vocab in ("1", "2"):
                pattern = _DAC5 if vocab == "1" else _DAC3
                if pattern.match(code):
                    if code not in out:
                        out.append(code)
                    notes.fill("sectors", f"{element}/@code")
                else:
                    digits = "5" if vocab == "1" else "3"
                    notes.warn(
                        f"{element}/@code",
                        f"{code!r} is not a {digits}-digit OECD DAC code "
                        f"(vocabulary {vocab}); ignored",
                    )
            elif vocab == "7":
                goal = _sdg_goal(code)
                if goal:
                    goals.append(goal)
                    self._sdg("goals", f"{element}/@code")
                else:
                    notes.warn(f"{element}/@code", f"{code!r} is not an SDG goal")
            elif vocab in ("8", "9"):
                target = _sdg_target(code)
                if target:
                    targets.append(target)
                    self._sdg("targets", f"{element}/@code")
                else:
                    what = "target" if vocab == "8" else "indicator"
                    notes.warn(f"{element}/@code", f"{code!r} is not an SDG {what}")
            else:
                label = _SECTOR_VOCABULARY.get(vocab)
                described = f"{vocab!r} ({label})" if label else f"{vocab!r} (unknown)"
                notes.warn(
                    f"{element}/@vocabulary",
                    f"{described} is not an OECD DAC vocabulary; sector "
                    f"{code!r} skipped",
                )
        return out, goals, targets

    # dates -----------------------------------------------------------------------
    def dates(self, dates: Sequence[Element]) -> tuple[dt.date | None, dt.date | None]:
        found: dict[str, dt.date] = {}
        for d in dates:
            kind = _code(d, "type")
            if kind not in _DATE_TYPE:
                self.notes.warn(
                    "activity-date/@type",
                    f"unknown ActivityDateType code {kind!r}; ignored",
                )
                continue
            day = _date(d.get("iso-date"), self.notes, "activity-date/@iso-date")
            if day is not None and kind not in found:
                found[kind] = day
        start = found.get("2") or found.get("1")
        start_el = "2" if "2" in found else "1"
        ends = [(k, found[k]) for k in ("4", "3") if k in found]
        end: dt.date | None = None
        end_el = ""
        for k, day in ends:
            if start is None or day >= start:
                end, end_el = day, k
                break
        if ends and end is None and start is not None:
            self.notes.warn(
                "activity-date/@iso-date",
                f"the end ({ends[0][1].isoformat()}) precedes the start "
                f"({start.isoformat()}); end ignored",
            )
        if start is not None:
            self.notes.fill("start", f"activity-date[@type={start_el}]/@iso-date")
        if end is not None:
            self.notes.fill("end", f"activity-date[@type={end_el}]/@iso-date")
        return start, end

    # money -----------------------------------------------------------------------
    def _usd(self, value_el: Element | None, element: str) -> float | str | None:
        """Return a value in USD, None if absent, its currency if not USD."""
        if value_el is None:
            return None
        amount = _number(value_el.text)
        if amount is None:
            if _text(value_el.text):
                self.notes.warn(
                    element, f"{_text(value_el.text)!r} is not a number; ignored"
                )
            return None
        currency = (value_el.get("currency") or "").strip().upper() or self.currency
        if currency != "USD":
            return currency or "an unstated currency"
        return amount

    def budget(
        self, transactions: Sequence[Element], budgets: Sequence[Element]
    ) -> float | None:
        notes = self.notes
        sums: dict[str, float] = {"2": 0.0, "11": 0.0}
        counts: dict[str, int] = {"2": 0, "11": 0}
        other: dict[str, set[str]] = {"2": set(), "11": set()}
        for t in transactions:
            type_el = t.find("transaction-type")
            kind = _code(type_el) if type_el is not None else ""
            if kind not in _TRANSACTION_TYPE:
                notes.warn(
                    "transaction/transaction-type/@code",
                    f"unknown TransactionType code {kind!r}; transaction ignored",
                )
                continue
            if kind not in sums:
                continue
            value = self._usd(t.find("value"), "transaction/value")
            if isinstance(value, str):
                other[kind].add(value)
            elif value is not None:
                sums[kind] += value
                counts[kind] += 1
        for kind, label in (("2", "outgoing"), ("11", "incoming")):
            if not counts[kind] and not other[kind]:
                continue
            if other[kind]:
                notes.warn(
                    "transaction/value/@currency",
                    f"{label} commitments in {', '.join(sorted(other[kind]))}, not "
                    "USD; budget_usd left missing (kampala does not convert "
                    "currencies)",
                )
                return None
            total = sums[kind]
            if 0 < total < math.inf:
                notes.fill(
                    "budget_usd",
                    f"transaction[transaction-type/@code={kind}]/value",
                )
                return total
            notes.warn(
                "transaction/value",
                f"{label} commitments sum to {total:g}; budget_usd left missing",
            )
            return None
        return self._budgets(budgets)

    def _budgets(self, budgets: Sequence[Element]) -> float | None:
        notes = self.notes
        by_period: dict[tuple[str, str], tuple[str, float]] = {}
        other: set[str] = set()
        for b in budgets:
            kind = _code(b, "type") or "1"
            if kind not in _BUDGET_TYPE:
                notes.warn("budget/@type", f"unknown BudgetType code {kind!r}; ignored")
                continue
            value = self._usd(b.find("value"), "budget/value")
            if isinstance(value, str):
                other.add(value)
                continue
            if value is None:
                continue
            start_el, end_el = b.find("period-start"), b.find("period-end")
            period = (
                (start_el.get("iso-date") or "") if start_el is not None else "",
                (end_el.get("iso-date") or "") if end_el is not None else "",
            )
            held = by_period.get(period)
            if held is None or (kind == "2" and held[0] == "1"):
                by_period[period] = (kind, value)
            elif held[0] == kind:
                by_period[period] = (kind, held[1] + value)
        if other:
            notes.warn(
                "budget/value/@currency",
                f"budgets in {', '.join(sorted(other))}, not USD; budget_usd left "
                "missing (kampala does not convert currencies)",
            )
            return None
        if not by_period:
            return None
        total = sum(v for _, v in by_period.values())
        if 0 < total < math.inf:
            notes.fill("budget_usd", "budget/value")
            return total
        notes.warn("budget/value", f"budgets sum to {total:g}; budget_usd left missing")
        return None

    # modality and instruments ---------------------------------------------------
    def modality(self, types: Sequence[Element]) -> Modality | None:
        for c in types:
            code = _code(c)
            if code not in _MODALITY:
                self.notes.warn(
                    "collaboration-type/@code",
                    f"unknown CollaborationType code {code!r}; ignored",
                )
                continue
            modality = _MODALITY[code]
            if modality is not None:
                self.notes.fill("modality", "collaboration-type/@code")
            return modality
        return None

    def instruments(
        self, defaults: Sequence[Element], act: Element
    ) -> list[Instrument]:
        out: list[Instrument] = []
        for element, items in (
            ("default-finance-type/@code", defaults),
            ("transaction/finance-type/@code", _in_transactions(act, "finance-type")),
        ):
            for f in items:
                code = _code(f)
                if not code.isdigit():
                    self.notes.warn(
                        element, f"{code!r} is not a FinanceType code; ignored"
                    )
                    continue
                instrument = _finance_instrument(code)
                if instrument is not None:
                    self.notes.fill("instruments", element)
                    if instrument not in out:
                        out.append(instrument)
        return out

    # actors ----------------------------------------------------------------------
    def actors(self, orgs: Sequence[Element], country: str) -> list[Actor]:
        notes = self.notes
        merged: dict[str, _Org] = {}
        for i, org in enumerate(orgs, start=1):
            element = f"participating-org[{i}]"
            ref = _code(org, "ref")
            name = _narrative(org, self.ctx.lang, self.default_lang) or ref
            if not name:
                notes.warn(element, "neither @ref nor a name; organisation skipped")
                continue
            role_code = _code(org, "role")
            role = _ROLE.get(role_code)
            if role is None:
                problem = (
                    f"unknown OrganisationRole code {role_code!r}"
                    if role_code
                    else "missing"
                )
                notes.warn(f"{element}/@role", f"{problem} ({name}); no role recorded")
            else:
                notes.fill("actors.roles", "participating-org/@role")
            type_code = _code(org, "type")
            kind, domestic = self._actor_kind(element, name, ref, type_code, country)
            key = ref.casefold() if ref else " ".join(name.casefold().split())
            held = merged.get(key)
            if held is None:
                merged[key] = _Org(
                    name=name,
                    kind=kind,
                    roles=[role] if role else [],
                    domestic=domestic,
                )
                continue
            if role and role not in held.roles:
                held.roles.append(role)
            if held.kind is ActorKind.OTHER and kind is not ActorKind.OTHER:
                held.kind = kind
            if held.domestic is None:
                held.domestic = domestic
            elif domestic is not None and domestic != held.domestic:
                notes.warn(
                    element,
                    f"{name!r} is listed as both domestic and foreign; origin "
                    "left unknown",
                )
                held.domestic = None
        actors = [
            self.ctx.make(
                Actor,
                name=o.name,
                kind=o.kind,
                roles=tuple(o.roles),
                domestic=o.domestic,
            )
            for o in merged.values()
        ]
        if actors:
            notes.fill("actors", "participating-org")
        return actors

    def _actor_kind(
        self, element: str, name: str, ref: str, type_code: str, country: str
    ) -> tuple[ActorKind, bool | None]:
        notes = self.notes
        by_ref = _ref_domestic(ref, country) if ref else None
        by_type = _DOMESTIC_OF_TYPE.get(type_code)
        if country == _UNKNOWN_COUNTRY and type_code in ("24", "72"):
            by_type = None  # "in the recipient country", but which is unknown
        if by_ref is not None and by_type is not None and by_ref != by_type:
            notes.warn(
                element,
                f"@ref {ref!r} and @type {type_code!r} disagree on whether "
                f"{name!r} is domestic; origin left unknown",
            )
            domestic: bool | None = None
        else:
            domestic = by_type if by_type is not None else by_ref
        kind = _KIND_OF_TYPE.get(type_code)
        if kind is None:
            if type_code and type_code not in _ORGANISATION_TYPE:
                notes.warn(
                    f"{element}/@type",
                    f"unknown OrganisationType code {type_code!r} ({name})",
                )
            inferred = _kind_from_name(name) if self.ctx.infer_kinds else None
            if inferred is not None:
                kind, clue = inferred
                notes.warn(
                    f"{element}/@type",
                    f"missing for {name!r}; kind {kind.value} inferred from {clue}",
                )
                notes.fill("actors.kind", "participating-org/narrative")
            else:
                kind = ActorKind.OTHER
        else:
            notes.fill("actors.kind", "participating-org/@type")
            if kind is ActorKind.GOVERNMENT and domestic is False:
                kind = ActorKind.DEVELOPMENT_PARTNER
        if domestic is not None:
            notes.fill(
                "actors.domestic",
                "participating-org/@type"
                if by_type is not None
                else "participating-org/@ref",
            )
        return kind, domestic

    # ownership -------------------------------------------------------------------
    def ownership(
        self,
        actors: Sequence[Actor],
        budget_items: Sequence[Element],
        aid_types: Sequence[Element],
        tied: Sequence[Element],
        act: Element,
    ) -> OwnershipEvidence:
        notes = self.notes
        role: GovernmentRole | None = None
        for a in actors:
            if a.domestic is not True or a.kind not in (
                ActorKind.GOVERNMENT,
                ActorKind.SUBNATIONAL_GOVERNMENT,
            ):
                continue
            if Role.ACCOUNTABLE in a.roles or Role.EXTENDING in a.roles:
                level = GovernmentRole.LEADS
            elif Role.IMPLEMENTER in a.roles or Role.FUNDER in a.roles:
                level = GovernmentRole.CO_DESIGNED
            else:
                continue
            if role is None or level.rank > role.rank:
                role = level
        if role is not None:
            notes.fill("ownership.government_role", "participating-org/@role")

        alignment: Alignment | None = None
        for cbi in budget_items:
            vocab = _code(cbi, "vocabulary")
            items = [i for i in cbi.findall("budget-item") if _code(i)]
            if vocab not in _BUDGET_IDENTIFIER_VOCABULARY:
                notes.warn(
                    "country-budget-items/@vocabulary",
                    f"unknown BudgetIdentifierVocabulary code {vocab!r}; ignored",
                )
            elif not items:
                notes.warn("country-budget-items", "no budget-item with a code")
            elif vocab in _COUNTRY_BUDGET_VOCABULARY:
                alignment = Alignment.PARTIAL
                notes.fill("ownership.national_plan_alignment", "country-budget-items")

        share: float | None = None
        aid_element = "default-aid-type/@code"
        aid_codes = [
            _code(a)
            for a in aid_types
            if (_code(a, "vocabulary") or "1") == "1" and _code(a)
        ]
        if not aid_codes:
            aid_element = "transaction/aid-type/@code"
            aid_codes = list(
                {
                    _code(a)
                    for a in _in_transactions(act, "aid-type")
                    if (_code(a, "vocabulary") or "1") == "1" and _code(a)
                }
            )
            if len(aid_codes) != 1:
                aid_codes = []
        if aid_codes and all(c in _BUDGET_SUPPORT for c in aid_codes):
            share = 1.0
            notes.fill("ownership.country_systems_share", aid_element)
        for t in tied:
            code = _code(t)
            if code not in _TIED_STATUS:
                notes.warn(
                    "default-tied-status/@code",
                    f"unknown TiedStatus code {code!r}; ignored",
                )
            elif code == "4" and share is None:
                share = 0.0
                notes.fill(
                    "ownership.country_systems_share", "default-tied-status/@code"
                )
        return self.ctx.make(
            OwnershipEvidence,
            national_plan_alignment=alignment,
            government_role=role,
            country_systems_share=share,
        )

    # SDG tags --------------------------------------------------------------------
    def tags(self, tags: Sequence[Element]) -> tuple[list[str], list[str]]:
        goals: list[str] = []
        targets: list[str] = []
        for t in tags:
            vocab = _code(t, "vocabulary")
            code = _code(t)
            if vocab == "2":
                goal = _sdg_goal(code)
                if goal:
                    goals.append(goal)
                    self._sdg("goals", "tag[@vocabulary=2]/@code")
                else:
                    self.notes.warn("tag/@code", f"{code!r} is not an SDG goal (1-17)")
            elif vocab == "3":
                target = _sdg_target(code)
                if target:
                    targets.append(target)
                    self._sdg("targets", "tag[@vocabulary=3]/@code")
                else:
                    self.notes.warn(
                        "tag/@code", f"{code!r} is not an SDG target such as '5.5'"
                    )
            elif vocab not in _TAG_VOCABULARY:
                self.notes.warn(
                    "tag/@vocabulary", f"unknown TagVocabulary code {vocab!r}; ignored"
                )
        return goals, targets

    # policy markers -------------------------------------------------------------
    def policy_markers(
        self, markers: Sequence[Element]
    ) -> tuple[GenderMarker | None, list[TargetGroup], DialogueLevel | None]:
        notes = self.notes
        gender: GenderMarker | None = None
        groups: list[TargetGroup] = []
        dialogue: DialogueLevel | None = None
        for pm in markers:
            vocab = _code(pm, "vocabulary") or "1"
            if vocab != "1":
                continue  # reporting-organisation markers have no shared meaning
            code = _code(pm)
            sig = _code(pm, "significance")
            if code not in _POLICY_MARKER:
                notes.warn(
                    "policy-marker/@code",
                    f"unknown PolicyMarker code {code!r}; ignored",
                )
                continue
            if code not in (_GENDER, _PARTICIPATION, _DISABILITY):
                continue
            if sig not in _SIGNIFICANCE:
                notes.warn(
                    "policy-marker/@significance",
                    f"{sig!r} is not a PolicySignificance code (marker {code}, "
                    f"{_POLICY_MARKER[code]}); ignored",
                )
                continue
            if sig in ("3", "4"):
                notes.warn(
                    "policy-marker/@significance",
                    f"{sig!r} ({_SIGNIFICANCE[sig]}) is not used with marker "
                    f"{code} ({_POLICY_MARKER[code]}); ignored",
                )
                continue
            if code == _GENDER:
                gender = _GENDER_MARKER[sig]
                notes.fill(
                    "leave_no_one_behind.gender_marker",
                    "policy-marker[@code=1]/@significance",
                )
                if sig != "0" and TargetGroup.WOMEN not in groups:
                    groups.append(TargetGroup.WOMEN)
            elif code == _DISABILITY:
                if sig != "0" and TargetGroup.PERSONS_WITH_DISABILITIES not in groups:
                    groups.append(TargetGroup.PERSONS_WITH_DISABILITIES)
            elif sig in _DIALOGUE:
                dialogue = _DIALOGUE[sig]
                notes.fill("inclusion.dialogue", "policy-marker[@code=3]/@significance")
        if groups:
            sources = []
            if TargetGroup.WOMEN in groups:
                sources.append("policy-marker[@code=1]/@significance")
            if TargetGroup.PERSONS_WITH_DISABILITIES in groups:
                sources.append("policy-marker[@code=11]/@significance")
            notes.fill("leave_no_one_behind.target_groups", " + ".join(sources))
        return gender, groups, dialogue

    # document links --------------------------------------------------------------
    def evaluation(
        self, links: Sequence[Element], end: dt.date | None
    ) -> EvaluationStatus | None:
        notes = self.notes
        status: EvaluationStatus | None = None
        for link in links:
            codes = [_code(c) for c in link.findall("category")]
            for code in codes:
                if code not in _DOCUMENT_CATEGORY:
                    notes.warn(
                        "document-link/category/@code",
                        f"unknown DocumentCategory code {code!r}",
                    )
            url = (link.get("url") or "").strip()
            level: EvaluationStatus | None = None
            if "A07" in codes:
                level = EvaluationStatus.PUBLISHED if url else EvaluationStatus.DONE
                element = "document-link/category/@code[.='A07']"
            elif "A01" in codes and url:
                date_el = link.find("document-date")
                day = (
                    _date(date_el.get("iso-date"), notes, "document-link/document-date")
                    if date_el is not None
                    else None
                )
                if day is not None and end is not None and day > end:
                    level = EvaluationStatus.PUBLISHED
                    element = "document-link/category/@code[.='A01']"
            if level is not None and (status is None or level.rank > status.rank):
                status = level
                notes.filled.pop("transparency.evaluation", None)
                notes.fill("transparency.evaluation", element)
        return status

    # results ---------------------------------------------------------------------
    def results(self, results: Sequence[Element]) -> _Results:
        out = _Results()
        if not results:
            return out
        notes = self.notes
        total = with_both = 0
        progress: list[float] = []
        lengths: list[int] = []
        degenerate = 0
        dims: list[Disaggregation] = []
        for res in results:
            for ind in res.findall("indicator"):
                total += 1
                measure = _code(ind, "measure")
                if measure and measure not in _INDICATOR_MEASURE:
                    notes.warn(
                        "result/indicator/@measure",
                        f"unknown IndicatorMeasure code {measure!r}",
                    )
                baselines: list[Element] = []
                periods: list[Element] = []
                for child in ind:
                    tag = child.tag
                    if tag == "period":
                        periods.append(child)
                    elif tag == "baseline":
                        baselines.append(child)
                    elif tag == "reference" and (
                        _code(child, "vocabulary") == _SDG_INDICATOR_VOCABULARY
                    ):
                        target = _sdg_target(_code(child))
                        if target:
                            out.sdg_targets.append(target)
                            self._sdg("targets", "result/indicator/reference/@code")
                has_baseline = False
                for b in baselines:
                    has_baseline = has_baseline or _has_value(b)
                    year = _code(b, "year")
                    if year.isdigit() and int(year) < _PLACEHOLDER_YEAR:
                        notes.warn(
                            "result/indicator/baseline/@year",
                            f"{year!r} is a placeholder year; ignored",
                        )
                    _add_dimensions(b, dims)
                has_target = False
                best: tuple[str, float, float] | None = None
                for period in periods:
                    start = stop = ""
                    t_val = a_val = None
                    t_first = a_first = None
                    for c in period:
                        tag = c.tag
                        if tag == "target" or tag == "actual":
                            value = _number(c.get("value"))
                            plain = c.find("dimension") is None
                            if tag == "target":
                                has_target = has_target or _has_value(c)
                                if value is not None:
                                    if plain and t_val is None:
                                        t_val = value
                                    elif t_first is None:
                                        t_first = value
                            elif value is not None:
                                if plain and a_val is None:
                                    a_val = value
                                elif a_first is None:
                                    a_first = value
                            if not plain or c.find("location") is not None:
                                _add_dimensions(c, dims)
                        elif tag == "period-start":
                            start = c.get("iso-date") or ""
                        elif tag == "period-end":
                            stop = c.get("iso-date") or ""
                    if t_val is None:
                        t_val = t_first
                    if a_val is None:
                        a_val = a_first
                    if start and start == stop:
                        degenerate += 1
                    if a_val is not None:
                        days = _days(start, stop)
                        if days is not None and days > 0:
                            lengths.append(days)
                        if t_val is not None and (best is None or stop >= best[0]):
                            best = (stop, t_val, a_val)
                if has_baseline and has_target:
                    with_both += 1
                if best is not None and measure in ("", "1", "2"):
                    base = _baseline_value(baselines)
                    if base is not None and best[1] != base:
                        p = (best[2] - base) / (best[1] - base)
                        if math.isfinite(p):
                            progress.append(min(1.0, max(0.0, p)))
        if degenerate:
            notes.warn(
                "result/indicator/period",
                f"{degenerate} period(s) start and end on the same day",
            )
        out.total = total
        out.with_baseline_and_target = with_both
        notes.fill("results.indicators_total", "result/indicator")
        notes.fill(
            "results.indicators_with_baseline_and_target",
            "result/indicator/baseline + result/indicator/period/target",
        )
        if progress:
            out.progress = sum(progress) / len(progress)
        if lengths:
            lengths.sort()
            median = lengths[len(lengths) // 2]
            if median <= 100:
                out.frequency = ReportingFrequency.QUARTERLY
            elif median <= 200:
                out.frequency = ReportingFrequency.SEMI_ANNUAL
            elif median <= 400:
                out.frequency = ReportingFrequency.ANNUAL
            else:
                out.frequency = ReportingFrequency.END_ONLY
        out.disaggregation = dims
        return out


def _has_value(el: Element) -> bool:
    if (el.get("value") or "").strip():
        return True
    comment = el.find("comment")
    return comment is not None and any(
        _text(n.text) for n in comment.findall("narrative")
    )


def _add_dimensions(holder: Element, dims: list[Disaggregation]) -> None:
    """Add the dimensions a baseline, target or actual is disaggregated by."""
    for d in holder.findall("dimension"):
        member = _dimension(_code(d, "name"))
        if member is not None and member not in dims:
            dims.append(member)
    if holder.find("location") is not None and Disaggregation.LOCATION not in dims:
        dims.append(Disaggregation.LOCATION)


def _baseline_value(baselines: Sequence[Element]) -> float | None:
    """Return the value of the latest baseline (by iso-date, then year)."""
    best: tuple[str, float] | None = None
    for b in baselines:
        value = _number(b.get("value"))
        if value is None or b.find("dimension") is not None:
            continue
        key = (b.get("iso-date") or "").strip() or (b.get("year") or "").strip()
        if best is None or key > best[0]:
            best = (key, value)
    return None if best is None else best[1]


def _days(start: str, stop: str) -> int | None:
    """Return the length of a period in days (both ends counted), or None."""
    try:
        d0 = dt.date.fromisoformat(start.strip()[:10])
        d1 = dt.date.fromisoformat(stop.strip()[:10])
    except ValueError:
        return None
    return (d1 - d0).days + 1
