"""IATI codelists the mapping reads: small embedded copies.

Source: IATI Standard 2.03 codelists,
https://iatistandard.org/en/iati-standard/203/codelists/ and the repositories
IATI/IATI-Codelists (embedded) and IATI/IATI-Codelists-NonEmbedded
(replicated from the OECD DAC).
"""

from __future__ import annotations

import enum
from typing import TypeVar

from kampala.records import (
    ActorKind,
    DialogueLevel,
    GenderMarker,
    Instrument,
    Modality,
    Role,
)

_E = TypeVar("_E", bound=enum.Enum)


def _rows(table: str) -> list[tuple[str, str]]:
    """Split a table of `code  text` lines into pairs."""
    return [
        (code, text.strip())
        for code, _, text in (
            line.strip().partition(" ") for line in table.splitlines()
        )
        if code
    ]


def _labels(table: str) -> dict[str, str]:
    """Parse a codelist table: one `code  label` line per code."""
    return dict(_rows(table))


def _members(table: str, kind: type[_E]) -> dict[str, _E]:
    """Parse a table of `code  MEMBER` lines into members of the enum `kind`."""
    return {code: kind[name] for code, name in _rows(table)}


#: OrganisationType (non-embedded codelist).
ORGANISATION_TYPE: dict[str, str] = _labels(
    """
    10  Government
    11  Local Government
    15  Other Public Sector
    21  International NGO
    22  National NGO
    23  Regional NGO
    24  Partner Country based NGO
    30  Public Private Partnership
    40  Multilateral
    60  Foundation
    70  Private Sector
    71  Private Sector in Provider Country
    72  Private Sector in Aid Recipient Country
    73  Private Sector in Third Country
    80  Academic, Training and Research
    90  Other
    """
)

#: OrganisationType -> actor kind (types 10 and 15 become a development
#: partner when the organisation is known to be foreign, see `_actor_kind`).
KIND_OF_TYPE: dict[str, ActorKind] = _members(
    """
    10  GOVERNMENT
    11  SUBNATIONAL_GOVERNMENT
    15  GOVERNMENT
    21  CIVIL_SOCIETY
    22  CIVIL_SOCIETY
    23  CIVIL_SOCIETY
    24  CIVIL_SOCIETY
    30  PUBLIC_PRIVATE_PARTNERSHIP
    40  MULTILATERAL
    60  FOUNDATION
    70  PRIVATE_SECTOR
    71  PRIVATE_SECTOR
    72  PRIVATE_SECTOR
    73  PRIVATE_SECTOR
    80  ACADEMIA
    90  OTHER
    """,
    ActorKind,
)

#: OrganisationType codes that say where the organisation is. Types 11
#: (local government "in either donor or recipient country"), 22 (national
#: NGO: national to the provider or the recipient) and 23 do not.
DOMESTIC_OF_TYPE: dict[str, bool] = {
    "21": False,
    "24": True,
    "40": False,
    "71": False,
    "72": True,
    "73": False,
}

#: OrganisationRole (embedded codelist).
ROLE: dict[str, Role] = _members(
    """
    1  FUNDER
    2  ACCOUNTABLE
    3  EXTENDING
    4  IMPLEMENTER
    """,
    Role,
)

#: PolicyMarker, vocabulary 1 (OECD DAC CRS).
POLICY_MARKER: dict[str, str] = _labels(
    """
    1   Gender Equality
    2   Aid to Environment
    3   Participatory Development/Good Governance
    4   Trade Development
    5   Biological Diversity
    6   Climate Change - Mitigation
    7   Climate Change - Adaptation
    8   Desertification
    9   Reproductive, Maternal, Newborn and Child Health (RMNCH)
    10  Disaster Risk Reduction (DRR)
    11  Disability
    12  Nutrition
    """
)
GENDER, PARTICIPATION, DISABILITY = "1", "3", "11"

#: PolicySignificance.
SIGNIFICANCE: dict[str, str] = _labels(
    """
    0  not targeted
    1  significant objective
    2  principal objective
    3  principal objective and in support of an action programme
    4  explicit primary objective
    """
)
GENDER_MARKER: dict[str, GenderMarker] = _members(
    """
    0  NOT_TARGETED
    1  SIGNIFICANT
    2  PRINCIPAL
    """,
    GenderMarker,
)
DIALOGUE: dict[str, DialogueLevel] = _members(
    """
    1  ONE_OFF
    2  REGULAR
    """,
    DialogueLevel,
)

#: DocumentCategory (A: activity level, B: organisation level).
DOCUMENT_CATEGORY: dict[str, str] = _labels(
    """
    A01  Pre- and post-project impact appraisal
    A02  Objectives / Purpose of activity
    A03  Intended ultimate beneficiaries
    A04  Conditions
    A05  Budget
    A06  Summary information about contract
    A07  Review of project performance and evaluation
    A08  Results, outcomes and outputs
    A09  Memorandum of understanding (If agreed by all parties)
    A10  Tender
    A11  Contract
    A12  Activity web page
    B01  Annual report
    B02  Institutional Strategy paper
    B03  Country strategy paper
    B04  Aid Allocation Policy
    B05  Procurement Policy and Procedure
    B06  Institutional Audit Report
    B07  Country Audit Report
    B08  Exclusions Policy
    B09  Institutional Evaluation Report
    B10  Country Evaluation Report
    B11  Sector strategy
    B12  Thematic strategy
    B13  Country-level Memorandum of Understanding
    B14  Evaluations policy
    B15  General Terms and Conditions
    B16  Organisation web page
    B17  Country/Region web page
    B18  Sector web page
    """
)

#: ActivityDateType.
DATE_TYPE: dict[str, str] = _labels(
    """
    1  planned start
    2  actual start
    3  planned end
    4  actual end
    """
)

#: TransactionType.
TRANSACTION_TYPE: dict[str, str] = _labels(
    """
    1   Incoming Funds
    2   Outgoing Commitment
    3   Disbursement
    4   Expenditure
    5   Interest Payment
    6   Loan Repayment
    7   Reimbursement
    8   Purchase of Equity
    9   Sale of Equity
    10  Credit Guarantee
    11  Incoming Commitment
    12  Outgoing Pledge
    13  Incoming Pledge
    """
)

#: BudgetType.
BUDGET_TYPE: dict[str, str] = {"1": "Original", "2": "Revised"}

#: SectorVocabulary.
SECTOR_VOCABULARY: dict[str, str] = _labels(
    """
    1   OECD DAC CRS Purpose Codes (5 digit)
    2   OECD DAC CRS Purpose Codes (3 digit)
    3   Classification of the Functions of Government (UN)
    4   Statistical classification of economic activities in the EC
    5   National Taxonomy for Exempt Entities (USA)
    6   AidData
    7   SDG Goal
    8   SDG Target
    9   SDG Indicator
    10  Humanitarian Global Clusters (IASC)
    11  North American Industry Classification System (NAICS)
    98  Reporting Organisation 2
    99  Reporting Organisation
    """
)

#: TagVocabulary.
TAG_VOCABULARY: dict[str, str] = _labels(
    """
    1   Agrovoc
    2   UN Sustainable Development Goals (SDG)
    3   UN Sustainable Development Goals (SDG) Targets
    4   Team Europe Initiatives
    99  Reporting Organisation
    """
)

#: IndicatorVocabulary: code 9 is the UN SDG indicator list.
SDG_INDICATOR_VOCABULARY = "9"

#: IndicatorMeasure: 1 unit, 2 percentage, 3 nominal, 4 ordinal,
#: 5 qualitative. Progress is computed for 1 and 2 only.
INDICATOR_MEASURE: dict[str, str] = _labels(
    """
    1  Unit
    2  Percentage
    3  Nominal
    4  Ordinal
    5  Qualitative
    """
)

#: CollaborationType -> modality; 6 (private sector outflows): no modality of
#: the record fits.
MODALITY: dict[str, Modality | None] = {
    **_members(
        """
        1  BILATERAL
        2  MULTILATERAL
        3  BILATERAL
        4  MULTILATERAL
        7  BILATERAL
        8  TRIANGULAR
        """,
        Modality,
    ),
    "6": None,
}

#: TiedStatus.
TIED_STATUS: dict[str, str] = {"3": "Partially tied", "4": "Tied", "5": "Untied"}

#: AidType (vocabulary 1, OECD DAC): the budget-support codes.
BUDGET_SUPPORT: dict[str, str] = _labels(
    """
    A01  General budget support
    A02  Sector budget support
    """
)

#: BudgetIdentifierVocabulary: 1 IATI (withdrawn in 2018), 2 country chart
#: of accounts, 3 other country system, 4 reporting organisation, 5 other.
COUNTRY_BUDGET_VOCABULARY: dict[str, str] = _labels(
    """
    1  IATI
    2  Country Chart of Accounts
    3  Other Country System
    """
)
BUDGET_IDENTIFIER_VOCABULARY: dict[str, str] = {
    **COUNTRY_BUDGET_VOCABULARY,
    "4": "Reporting Organisation",
    "5": "Other",
}

#: RegionVocabulary: 1 OECD DAC, 2 UN, 99 reporting organisation.
REGION_VOCABULARY: dict[str, str] = _labels(
    """
    1   OECD DAC
    2   UN
    99  Reporting Organisation
    """
)


def finance_instrument(code: str) -> Instrument | None:
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
