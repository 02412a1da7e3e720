"""The IATI mapping table: which element or attribute fills which record field.

`MAPPING` is parsed from the text table below; the page
`docs/methodology/iati-mapping.md` prints the same rows, and a test checks
that the two agree.
"""

from __future__ import annotations

import attrs


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
reporting-org/@type | actors.domestic | OrganisationType
    a government or local government organisation whose origin is still unknown is
    domestic when a multilateral (40) reports an activity in one known recipient
    country (warning)
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
default-aid-type/@code | ownership.local_capacity | AidType
    D02 (other technical assistance), vocabulary 1: some
crs-add/other-flags/@code | ownership.local_capacity | CRSAddOtherFlags
    1 (free-standing technical co-operation) with significance 1: some
transaction/aid-type/@code | ownership.local_capacity | AidType
    without a default: every transaction D02: some
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
sector/@code | inclusion.msme_access | Sector
    32130 (SME development) or 24040 (informal/semi-formal financial
    intermediaries): partial
transaction/provider-org | transparency.contributions_disclosed
    | TransactionType, OrganisationType, OrganisationRole
    a private-sector (70-73) funding (role 1) participating-org and an incoming
    funds or commitment (type 1, 11) transaction from a private-sector provider or
    from that organisation's @ref: yes; otherwise missing
document-link/category/@code | leave_no_one_behind.safeguards | DocumentCategory
    A01 (pre- and post-project impact appraisal) not dated after the activity's
    end: partial
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

NO_ELEMENT = "no IATI element provides it"


def elements_for(field: str) -> str:
    """Return the IATI elements that can fill a record field, joined by ``or``.

    Examples
    --------
    >>> from kampala.io.iati._table import elements_for
    >>> elements_for("leave_no_one_behind.gender_marker")
    'policy-marker/@significance'
    """
    return " or ".join(dict.fromkeys(r.element for r in MAPPING if r.field == field))


#: Evidence fields no IATI element provides (see the methodology page).
NOT_IN_IATI: tuple[str, ...] = (
    "ownership.registered_with_agency",
    "results.indicators_from_country_frameworks",
    "results.additionality",
    "inclusion.shared_governance",
    "transparency.grievance_mechanism",
    "transparency.joint_reviews",
    "leave_no_one_behind.poor_district_share",
    "leave_no_one_behind.risk_sharing",
    "leave_no_one_behind.private_solution_case",
)
