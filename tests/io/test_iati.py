"""Tests of the IATI reader (kampala.io.iati).

Fixtures in `iati_fixtures/` are written by hand from the IATI Standard
(versions 2.01, 2.02 and 2.03); hostile inputs are built here; the real CAF
files in `../shared/data/iati/` are used when present.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import math
import pickle
import re
import unicodedata
import warnings
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import Methodology
from kampala.errors import (
    ConfusableIdWarning,
    DataFormatError,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.io.iati import (
    MAPPING,
    ActivityReport,
    IatiImport,
    ImportReport,
    _xml,
    import_iati,
    is_iati,
    read_iati,
)
from kampala.io.iati._table import NOT_IN_IATI
from kampala.portfolio import Portfolio
from kampala.records import (
    ActorKind,
    Alignment,
    DataPublication,
    DialogueLevel,
    Disaggregation,
    EvaluationStatus,
    GenderMarker,
    GovernmentRole,
    Instrument,
    Modality,
    ReportingFrequency,
    Role,
    TargetGroup,
)

FIXTURES = Path(__file__).resolve().parent / "iati_fixtures"
FULL = FIXTURES / "activities-2.03.xml"
OLD = FIXTURES / "activities-2.01.xml"
QUIRKS = FIXTURES / "quirks-2.02.xml"
EVIDENCE = FIXTURES / "evidence-2.03.xml"
REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "methodology" / "iati-mapping.md"
CAF_DIR = REPO.parent / "shared" / "data" / "iati"
CAF_PE = CAF_DIR / "CAF-ActivityFile-2025-10-10.PE-only.xml"
CAF_ALL = CAF_DIR / "CAF-ActivityFile-2025-10-10.xml"
#: Why the CAF tests may skip: the file is a third party's published data, too
#: large to ship in the package, so it is read from ``shared/`` beside the clone.
CAF_SKIP = (
    "the real CAF IATI file is third-party data that does not ship with kampala; "
    "it is read from ../shared/data/iati beside the repository"
)


def doc(*activities: str, version: str = "2.03") -> bytes:
    body = "\n".join(activities)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="{version}">\n{body}\n</iati-activities>\n'
    ).encode()


def activity(ident: str = "XM-T-1", inner: str = "", attrs: str = "") -> str:
    return (
        f'<iati-activity default-currency="USD" {attrs}>'
        f"<iati-identifier>{ident}</iati-identifier>"
        f'<reporting-org ref="XM-T" type="40"><narrative>T</narrative></reporting-org>'
        f"<title><narrative>Title {ident}</narrative></title>{inner}</iati-activity>"
    )


def load(xml: bytes, **kwargs: object) -> IatiImport:
    return import_iati(io.BytesIO(xml), **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# every mapped element, IATI 2.03, Spanish and English
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def full() -> IatiImport:
    return import_iati(FULL)


def test_full_file_reads_three_activities(full: IatiImport) -> None:
    assert isinstance(full.portfolio, Portfolio)
    assert full.portfolio.ids == ("XM-EX-1-PE-001", "XM-EX-1-REG-002", "XM-EX-2-EC-003")
    assert full.portfolio.name == "activities-2.03"
    report = full.report
    assert (report.version, report.read, report.skipped, report.imported) == (
        "2.03",
        3,
        0,
        3,
    )
    assert report.source == "activities-2.03.xml"
    assert [a.position for a in report.activities] == [1, 2, 3]


def test_identity_places_dates_and_money(full: IatiImport) -> None:
    p = full.portfolio["XM-EX-1-PE-001"]
    assert p.title == "Agua segura para Piura"  # the Spanish narrative (lang="es")
    assert p.country == "PE"
    assert p.locations == ("country:EC", "Piura", "admin:A4:PE-PIU-01")
    assert p.sectors == ("14030", "140")
    assert p.start == dt.date(2020, 3, 15)  # actual start preferred to planned
    assert p.end == dt.date(2024, 12, 31)  # planned end, no actual end
    assert p.budget_usd == 5_000_000.0  # the outgoing commitment, not the budget
    assert p.modality is Modality.BILATERAL
    assert p.instruments == (Instrument.GRANT, Instrument.LOAN)
    assert p.notes == "IATI 2.03; reporting-org XM-EX-1; activity-status 2"


def test_english_narratives(full: IatiImport) -> None:
    english = import_iati(FULL, lang="en").portfolio["XM-EX-1-PE-001"]
    assert english.title == "Safe water for Piura"
    assert english.locations[1] == "Piura region"
    names = [a.name for a in english.actors]
    assert "Ministry of Housing, Construction and Sanitation" in names
    assert "Example Bank" in names
    # no English narrative: the first one is used
    assert "Aguas de Piura S.A.C." in names


def test_actors_kinds_roles_and_origin(full: IatiImport) -> None:
    actors = {a.name: a for a in full.portfolio["XM-EX-1-PE-001"].actors}
    expected = {
        "Banco de Ejemplo": (ActorKind.MULTILATERAL, (Role.FUNDER,), False),
        "Ministerio de Vivienda, Construcción y Saneamiento": (
            ActorKind.GOVERNMENT,
            (Role.ACCOUNTABLE, Role.IMPLEMENTER),  # two elements, one actor
            True,
        ),
        "Aguas de Piura S.A.C.": (ActorKind.PRIVATE_SECTOR, (Role.IMPLEMENTER,), True),
        "Water Engineering Ltd": (ActorKind.PRIVATE_SECTOR, (Role.EXTENDING,), False),
        "Asociación de Usuarios de Agua de Piura": (
            ActorKind.CIVIL_SOCIETY,
            (Role.IMPLEMENTER,),
            True,
        ),
        "Foreign, Commonwealth and Development Office": (
            ActorKind.DEVELOPMENT_PARTNER,
            (Role.FUNDER,),
            False,
        ),
        "Gobierno Regional de Piura": (
            ActorKind.SUBNATIONAL_GOVERNMENT,
            (Role.IMPLEMENTER,),
            True,
        ),
        "Universidad de Piura": (ActorKind.ACADEMIA, (Role.IMPLEMENTER,), None),
        "Example Foundation": (ActorKind.FOUNDATION, (Role.FUNDER,), None),
        "Water for All International": (
            ActorKind.CIVIL_SOCIETY,
            (Role.IMPLEMENTER,),
            False,
        ),
        "Asociación Público Privada Piura Agua": (
            ActorKind.PUBLIC_PRIVATE_PARTNERSHIP,
            (Role.IMPLEMENTER,),
            None,
        ),
    }
    assert set(actors) == set(expected)
    for name, (kind, roles, domestic) in expected.items():
        a = actors[name]
        assert (a.kind, a.roles, a.domestic) == (kind, roles, domestic), name
        assert a.financial_contribution is None
        assert a.in_kind_contribution is None


def test_ownership_evidence(full: IatiImport) -> None:
    o = full.portfolio["XM-EX-1-PE-001"].ownership
    assert o.national_plan_alignment is Alignment.PARTIAL  # country-budget-items
    assert o.government_role is GovernmentRole.LEADS  # domestic, accountable
    assert o.country_systems_share == 1.0  # A02 sector budget support
    assert o.registered_with_agency is None
    assert o.local_capacity is None
    # a domestic ministry that only implements: co-designed
    ec = full.portfolio["XM-EX-2-EC-003"]
    assert ec.ownership.government_role is GovernmentRole.CO_DESIGNED
    # tied aid, no budget support: no country systems
    assert full.portfolio["XM-EX-1-REG-002"].ownership.country_systems_share == 0.0


def test_results_evidence(full: IatiImport) -> None:
    r = full.portfolio["XM-EX-1-PE-001"].results
    assert r.indicators_total == 4
    assert r.indicators_with_baseline_and_target == 3  # one has no baseline
    # (2500 - 1000) / (3000 - 1000) = 0.75 and (30 - 40) / (20 - 40) = 0.5
    assert r.target_progress == pytest.approx(0.625)
    assert r.sdg_goals == ("6",)  # sector vocabulary 7 and tag vocabulary 2
    assert r.sdg_targets == ("6.1", "6.2")  # sector 8, tag 3, indicator 6.1.1
    assert r.indicators_from_country_frameworks is None
    assert r.additionality is None


def test_inclusion_transparency_and_leave_no_one_behind(full: IatiImport) -> None:
    p = full.portfolio["XM-EX-1-PE-001"]
    assert p.inclusion.dialogue is DialogueLevel.REGULAR  # marker 3, principal
    t = p.transparency
    assert t.publication is DataPublication.IATI
    assert t.publication_completeness == 1.0
    assert t.evaluation is EvaluationStatus.PUBLISHED  # A07 with a URL
    assert t.reporting_frequency is ReportingFrequency.ANNUAL
    lnob = p.leave_no_one_behind
    assert lnob.gender_marker is GenderMarker.SIGNIFICANT
    assert lnob.target_groups == (
        TargetGroup.WOMEN,
        TargetGroup.PERSONS_WITH_DISABILITIES,
    )
    assert lnob.disaggregation == (
        Disaggregation.SEX,
        Disaggregation.AGE,
        Disaggregation.LOCATION,
    )


def test_region_only_activity_and_foreign_money(full: IatiImport) -> None:
    p = full.portfolio["XM-EX-1-REG-002"]
    assert p.country == "ZZ"
    assert p.locations == ("region:489",)
    assert p.budget_usd is None  # EUR budgets: no conversion
    assert p.modality is Modality.TRIANGULAR
    assert p.instruments == (Instrument.EQUITY,)
    assert p.transparency.evaluation is EvaluationStatus.PUBLISHED  # ex-post A01
    kinds = {a.name: a.kind for a in p.actors}
    assert kinds == {
        "Andes Geothermal Holdings Ltd.": ActorKind.PRIVATE_SECTOR,
        "Ministerio de Energía y Minas": ActorKind.GOVERNMENT,
        "Consejo de Cuenca del Río Chira": ActorKind.OTHER,
    }
    warnings = full.report["XM-EX-1-REG-002"].warnings
    assert any("country set to 'ZZ'" in w for w in warnings)
    assert any("EUR, not USD" in w and "does not convert" in w for w in warnings)
    assert sum("inferred from" in w for w in warnings) == 2


def test_infer_kinds_can_be_turned_off() -> None:
    p = import_iati(FULL, infer_kinds=False).portfolio["XM-EX-1-REG-002"]
    assert {a.kind for a in p.actors} == {ActorKind.OTHER}


def test_incoming_commitment_is_the_budget(full: IatiImport) -> None:
    assert full.portfolio["XM-EX-2-EC-003"].budget_usd == 750_000.0


def test_the_report_names_the_source_of_every_filled_field(full: IatiImport) -> None:
    a = full.report["XM-EX-1-PE-001"]
    assert isinstance(a, ActivityReport)
    assert a.imported
    sources = dict(a.filled)
    assert sources["id"] == "iati-identifier"
    assert sources["start"] == "activity-date[@type=2]/@iso-date"
    assert sources["budget_usd"] == "transaction[transaction-type/@code=2]/value"
    assert sources["actors.kind"] == "participating-org/@type"
    assert sources["ownership.country_systems_share"] == "default-aid-type/@code"
    assert sources["results.sdg_targets"] == (
        "sector/@code + tag[@vocabulary=3]/@code + result/indicator/reference/@code"
    )
    assert sources["transparency.evaluation"] == "document-link/category/@code[.='A07']"
    assert a.source("leave_no_one_behind.gender_marker") == (
        "policy-marker[@code=1]/@significance"
    )
    assert a.source("results.additionality") is None
    assert "results.additionality" in a.missing
    assert "budget_usd" not in a.missing
    # every filled element path is one of the mapping's elements
    elements = {r.element for r in MAPPING}
    for field, element in a.filled:
        for part in element.split(" + "):
            base = re.sub(r"\[[^]]*\]", "", part)
            assert base in elements or part in elements, (field, element)


def test_every_activity_element_of_the_mapping_is_exercised() -> None:
    """The fixtures fill every field the mapping names, from every element."""
    sources: set[tuple[str, str]] = set()
    for path in (FULL, OLD, QUIRKS, EVIDENCE):
        for a in import_iati(path).report.activities:
            for field, element in a.filled:
                for part in element.split(" + "):
                    sources.add((field, re.sub(r"\[[^]]*\]", "", part)))
    untested = {(r.field, r.element) for r in MAPPING} - sources
    assert untested == set()


# ---------------------------------------------------------------------------
# IATI 2.01 and language fall-back
# ---------------------------------------------------------------------------
def test_version_2_01() -> None:
    out = import_iati(OLD, lang="en")
    assert out.report.version == "2.01"
    p = out.portfolio["FR-EX-5-PE-2016-01"]
    assert p.title == "Appui aux coopératives de café"  # no English: the first
    assert import_iati(OLD).portfolio[0].title == "Apoyo a las cooperativas cafetaleras"
    assert p.locations == ("Junín",)
    assert p.budget_usd == 550_000.0  # revised 2017 budget replaces the original
    assert p.ownership.country_systems_share == 0.0  # tied
    assert p.results.indicators_total == 1
    assert p.results.indicators_with_baseline_and_target == 1
    assert p.results.target_progress == 1.0  # 500 of 400: capped
    assert p.transparency.reporting_frequency is ReportingFrequency.SEMI_ANNUAL
    assert p.leave_no_one_behind.gender_marker is GenderMarker.PRINCIPAL
    assert p.leave_no_one_behind.target_groups == (TargetGroup.WOMEN,)
    assert p.inclusion.dialogue is None  # marker 3 at 0 says nothing
    actors = {a.name: a for a in p.actors}
    # type 22 (national NGO) decides nothing; the PE- reference does
    assert actors["Central de Cooperativas Cafetaleras de Junín"].domestic is True
    assert actors["Agence d'exemple"].kind is ActorKind.DEVELOPMENT_PARTNER
    assert out.report["FR-EX-5-PE-2016-01"].warnings == ()


# ---------------------------------------------------------------------------
# quirks are warnings
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def quirks() -> IatiImport:
    return import_iati(QUIRKS)


def test_quirks_import_with_warnings(quirks: IatiImport) -> None:
    report = quirks.report
    assert report.read == 6
    assert quirks.portfolio.ids == (
        "XM-EX-9-Q1",
        "XM-EX-9-Q4",
        "XM-EX-9-Q5",
        "XM-EX-9-Q6",
    )
    skipped = [a for a in report.activities if not a.imported]
    assert [a.id for a in skipped] == ["activity 2", "XM-EX-9-Q1"]
    assert "missing or empty" in skipped[0].warnings[0]
    assert "repeats an earlier activity" in skipped[1].warnings[0]
    for a in report.activities:
        for w in a.warnings:
            assert w.startswith(f"{a.id}: "), w  # names the activity
            assert len(w.split(": ")) >= 3, w  # ... and the element


@pytest.mark.parametrize(
    ("element", "text"),
    [
        ("sector/@vocabulary", "'10' (Humanitarian Global Clusters (IASC))"),
        ("sector/@code", "'140' is not a 5-digit OECD DAC code"),
        ("activity-date/@iso-date", "'1900-01-01' is a placeholder date"),
        ("activity-date/@iso-date", "'2020-13-45' is not a valid ISO date"),
        ("activity-date/@type", "unknown ActivityDateType code '9'"),
        ("transaction/transaction-type/@code", "unknown TransactionType code 'C'"),
        ("transaction/value", "outgoing commitments sum to 0"),
        ("collaboration-type/@code", "unknown CollaborationType code '5'"),
        ("default-finance-type/@code", "'loan' is not a FinanceType code"),
        ("participating-org[1]", "neither @ref nor a name"),
        ("participating-org[2]/@role", "unknown OrganisationRole code '7'"),
        ("participating-org[2]/@type", "unknown OrganisationType code '85'"),
        ("participating-org[3]", "disagree on whether 'Empresa Confusa S.A.'"),
        ("default-tied-status/@code", "unknown TiedStatus code '9'"),
        ("tag/@vocabulary", "unknown TagVocabulary code '42'"),
        ("tag/@code", "'18' is not an SDG goal"),
        ("tag/@code", "'6.x1' is not an SDG target"),
        ("result/indicator/@measure", "unknown IndicatorMeasure code '9'"),
        ("result/indicator/baseline/@year", "'1900' is a placeholder year"),
        ("result/indicator/period", "1 period(s) start and end on the same day"),
        ("policy-marker/@code", "unknown PolicyMarker code '99'"),
        ("policy-marker/@significance", "'3' (principal objective and in support"),
        ("policy-marker/@significance", "'low' is not a PolicySignificance code"),
        ("document-link/category/@code", "unknown DocumentCategory code 'Z99'"),
        ("recipient-country/@code", "'Peru' is not an ISO 3166-1 alpha-2 code"),
    ],
)
def test_each_quirk_is_reported(quirks: IatiImport, element: str, text: str) -> None:
    warnings = quirks.report["XM-EX-9-Q1"].warnings
    prefix = f"XM-EX-9-Q1: {element}: "
    assert any(w.startswith(prefix) and text in w for w in warnings), warnings


def test_quirky_values(quirks: IatiImport) -> None:
    q1 = quirks.portfolio["XM-EX-9-Q1"]
    assert q1.title == "Quirks galore"  # whitespace collapsed
    assert q1.country == "PE"  # 'pe' upper-cased, 'Peru' ignored
    assert q1.sectors == ("14030",)  # no vocabulary means 1
    assert q1.start is None
    assert q1.budget_usd is None
    assert q1.results.indicators_total == 1
    assert q1.results.indicators_with_baseline_and_target == 1
    q4 = quirks.portfolio["XM-EX-9-Q4"]
    assert q4.title == "XM-EX-9-Q4"
    assert q4.start == dt.date(2022, 6, 1)
    assert q4.end is None
    assert q4.budget_usd is None  # commitments in soles: not converted
    w4 = quirks.report["XM-EX-9-Q4"].warnings
    assert any("precedes the start" in w for w in w4)
    assert any("PEN, not USD" in w for w in w4)
    q5 = quirks.portfolio["XM-EX-9-Q5"]
    assert (q5.country, q5.locations) == ("BO", ("country:PE",))
    assert q5.budget_usd is None
    # with country="PE" the binational activity is a Peruvian partnership
    pe = import_iati(QUIRKS, country="PE").portfolio
    assert pe["XM-EX-9-Q5"].country == "PE"
    assert pe["XM-EX-9-Q5"].locations == ("country:BO",)
    q6 = quirks.portfolio["XM-EX-9-Q6"]
    assert q6.country == "PE"
    assert quirks.report["XM-EX-9-Q6"].source("country") == (
        "transaction/recipient-country/@code"
    )
    assert "XM-EX-9-Q6" in pe.ids
    assert q6.ownership.country_systems_share == 1.0  # general budget support


def test_money_rules() -> None:
    def tx(kind: str, value: str, currency: str = "") -> str:
        cur = f" currency='{currency}'" if currency else ""
        return (
            f"<transaction><transaction-type code='{kind}'/>"
            f"<value{cur}>{value}</value></transaction>"
        )

    cases = {
        # outgoing commitments in USD win over incoming ones in euros
        "A": (tx("2", "100") + tx("2", "50.5") + tx("11", "9", "EUR"), 150.5),
        # incoming commitments when there is no outgoing one
        "B": (tx("11", "70") + tx("3", "10"), 70.0),
        # a value in an unstated currency (no default-currency either)
        "C": (tx("2", "70", "") + tx("2", "1", "USD"), None),
        # budgets when there is no commitment at all
        "D": (
            "<budget type='1'><period-start iso-date='2020-01-01'/>"
            "<period-end iso-date='2020-12-31'/><value>10</value></budget>"
            "<budget type='2'><period-start iso-date='2020-01-01'/>"
            "<period-end iso-date='2020-12-31'/><value>12</value></budget>",
            12.0,
        ),
        "E": (tx("2", "ten"), None),
    }
    parts = [activity(ident, inner) for ident, (inner, _) in cases.items()]
    # activity() sets default-currency="USD"; C has none
    parts[2] = parts[2].replace('default-currency="USD" ', "")
    out = load(doc(*parts))
    for ident, (_, expected) in cases.items():
        assert out.portfolio[ident].budget_usd == expected, ident
    assert any("an unstated currency" in w for w in out.report["C"].warnings)
    assert any("'ten' is not a number" in w for w in out.report["E"].warnings)


def test_unknown_version_is_a_warning() -> None:
    out = load(doc(activity(), version="2.04"))
    assert len(out.portfolio) == 1
    assert any("newer than 2.03" in w for w in out.report.warnings)
    out = load(doc(activity(), version="two"))
    assert any("is not a version number" in w for w in out.report.warnings)
    out = load(b"<iati-activities>" + activity().encode() + b"</iati-activities>")
    assert any("@version: missing" in w for w in out.report.warnings)


def test_an_empty_file_of_activities_is_reported() -> None:
    out = load(doc())
    assert len(out.portfolio) == 0
    assert any("has no activity" in w for w in out.report.warnings)


# ---------------------------------------------------------------------------
# filters
# ---------------------------------------------------------------------------
def test_country_filter() -> None:
    out = import_iati(FULL, country="pe")
    assert out.portfolio.ids == ("XM-EX-1-PE-001",)
    assert (out.report.read, out.report.skipped) == (3, 2)
    assert import_iati(FULL, country="EC").portfolio.ids == (
        "XM-EX-1-PE-001",  # EC is its second recipient country
        "XM-EX-2-EC-003",
    )
    assert import_iati(FULL, country="EC").portfolio[0].country == "EC"
    none = import_iati(FULL, country="CL")
    assert len(none.portfolio) == 0
    assert any(
        "no activity has recipient-country 'CL'" in w for w in none.report.warnings
    )


def test_country_filter_reads_transaction_countries() -> None:
    inner = (
        "<transaction><transaction-type code='3'/><value>1</value>"
        "<recipient-country code='PE'/></transaction>"
    )
    out = load(doc(activity(inner=inner)), country="PE")
    assert out.portfolio[0].country == "PE"
    assert out.report[out.portfolio.ids[0]].source("country") == (
        "transaction/recipient-country/@code"
    )


def test_reporting_org_filter() -> None:
    out = import_iati(FULL, reporting_org="xm-ex-2")
    assert out.portfolio.ids == ("XM-EX-2-EC-003",)
    assert read_iati(FULL, reporting_org="XM-EX-1", country="PE").ids == (
        "XM-EX-1-PE-001",
    )


# ---------------------------------------------------------------------------
# hostile and malformed inputs
# ---------------------------------------------------------------------------
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<iati-activities version="2.03"><iati-activity>
<iati-identifier>&lol9;</iati-identifier></iati-activity></iati-activities>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities [
 <!ENTITY secret SYSTEM "file:///etc/passwd">
]>
<iati-activities version="2.03"><iati-activity>
<iati-identifier>&secret;</iati-identifier></iati-activity></iati-activities>
"""

ORGANISATION_FILE = b"""<iati-organisations version="2.03">
<iati-organisation/></iati-organisations>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities SYSTEM "http://example.invalid/iati.dtd">
<iati-activities version="2.03"/>
"""


@pytest.mark.parametrize(
    ("data", "field", "pattern"),
    [
        (BILLION_LAUGHS, "DOCTYPE", r"line 2, column \d+: 'DOCTYPE' must be absent"),
        (EXTERNAL_ENTITY, "DOCTYPE", r"'DOCTYPE' must be absent \(got 'iati-"),
        (EXTERNAL_DTD, "DOCTYPE", r"cannot expand entities or fetch external"),
    ],
)
def test_entities_and_dtds_are_refused(
    tmp_path: Path, data: bytes, field: str, pattern: str
) -> None:
    path = tmp_path / "hostile.xml"
    path.write_bytes(data)
    with pytest.raises(DataFormatError, match=pattern) as info:
        import_iati(path)
    err = info.value
    assert err.field == field
    assert err.where.startswith("hostile.xml, line ")
    assert isinstance(err.__cause__, Exception)  # translated with "from"
    assert type(err.__cause__).__module__.startswith("defusedxml")
    assert gc.isenabled()  # the collector is back on after an error


def test_a_dtd_split_across_chunks_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_xml, "CHUNK", 5)
    with pytest.raises(DataFormatError, match="'DOCTYPE' must be absent"):
        load(BILLION_LAUGHS)


def test_no_byte_reaches_the_body_parser_before_the_gate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fed: list[bytes] = []
    original = _xml.StreamReader._feed

    def spy(self: _xml.StreamReader, chunk: bytes | None) -> object:
        if chunk is not None:
            fed.append(chunk)
        return original(self, chunk)

    monkeypatch.setattr(_xml.StreamReader, "_feed", spy)
    monkeypatch.setattr(_xml, "CHUNK", 16)
    with pytest.raises(DataFormatError):
        load(BILLION_LAUGHS)
    assert fed == []


def test_an_undefined_entity_is_malformed() -> None:
    xml = doc(activity(ident="&nope;"))
    with pytest.raises(DataFormatError, match=r"line 3, column \d+: 'xml' must be "):
        load(xml)
    with pytest.raises(DataFormatError, match="undefined entity"):
        load(xml)


@pytest.mark.parametrize("encoding", ["UTF-8", "UTF-16", "ISO-8859-1"])
def test_declared_encodings(encoding: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<iati-activities version="2.03"><iati-activity>'
        "<iati-identifier>PE-Ñ-1</iati-identifier>"
        "<title><narrative>Año de la papa</narrative></title>"
        "</iati-activity></iati-activities>"
    )
    p = load(text.encode(encoding.lower())).portfolio[0]
    assert (p.id, p.title) == ("PE-Ñ-1", "Año de la papa")


def test_predefined_and_character_entities_are_fine() -> None:
    out = load(doc(activity(ident="A&amp;B&#x2D;1")))
    assert out.portfolio.ids == ("A&B-1",)


@pytest.mark.parametrize("chunk", [3, 64, 1 << 16])
def test_truncated_file(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(_xml, "CHUNK", chunk)
    whole = FULL.read_bytes()
    with pytest.raises(DataFormatError, match=r"'xml' must be well-formed XML") as info:
        load(whole[: len(whole) // 2])
    assert re.search(r"<stream>, line \d+, column \d+", info.value.where)


def test_wrong_root_element() -> None:
    with pytest.raises(
        DataFormatError,
        match=r"line 1, column 1: 'root element' must be <iati-activities> "
        r"\(got 'portfolio'\)",
    ):
        load(b"<portfolio><partnership/></portfolio>")
    with pytest.raises(DataFormatError, match="This is an IATI organisation file"):
        load(ORGANISATION_FILE)
    with pytest.raises(DataFormatError, match=r"got '\{urn:x\}iati-activities'"):
        load(b'<iati-activities xmlns="urn:x" version="2.03"/>')


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not well-formed"),
        (b'{"format": "kampala.portfolio/1"}', "not well-formed"),
        (b"id,title\nA,Agua\n", "syntax error"),
        (b"", "no element found"),
        (b"   \n", "no element found"),
    ],
)
def test_not_xml(data: bytes, message: str) -> None:
    with pytest.raises(DataFormatError, match=message) as info:
        load(data)
    assert info.value.field == "xml"
    if data.strip():
        assert "Is this an XML file?" in str(info.value)
    else:
        assert "empty or truncated" in str(info.value)


def test_version_before_2_01_is_refused() -> None:
    with pytest.raises(
        DataFormatError,
        match=r"'iati-activities/@version' must be 2.01 or later \(got '1.05'\)",
    ):
        load(doc(activity(), version="1.05"))


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_bytes(doc(activity()))
    size = path.stat().st_size
    with pytest.raises(
        DataFormatError,
        match=rf"big.xml: 'size' must be at most max_bytes=100 bytes \(got {size}\)",
    ):
        import_iati(path, max_bytes=100)
    # a stream is checked as it is read
    with pytest.raises(DataFormatError, match="at most max_bytes=100 bytes"):
        load(doc(activity()), max_bytes=100)
    assert len(import_iati(path, max_bytes=size).portfolio) == 1
    assert len(import_iati(path, max_bytes=None).portfolio) == 1


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="'source' must be an existing file"):
        import_iati(tmp_path / "nope.xml")
    with pytest.raises(DataFormatError, match="'source' must be a regular file"):
        import_iati(tmp_path)


def test_errors_pickle() -> None:
    with pytest.raises(DataFormatError) as info:
        load(b"<portfolio/>")
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == str(info.value)


# ---------------------------------------------------------------------------
# parameters and sources
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"country": "PER"}, ParameterValueError, "'country' must be an ISO 3166-1"),
        ({"country": 51}, ParameterValueError, "'country' must be an ISO 3166-1"),
        ({"reporting_org": ""}, ParameterTypeError, "'reporting_org' must be"),
        ({"lang": "spanish"}, ParameterValueError, "'lang' must be an ISO 639-1"),
        ({"name": ""}, ParameterTypeError, "'name' must be a non-empty string"),
        ({"infer_kinds": 1}, ParameterTypeError, "'infer_kinds' must be true or"),
        ({"max_bytes": 0}, ParameterValueError, "'max_bytes' must be a positive"),
        ({"max_bytes": True}, ParameterValueError, "'max_bytes' must be a positive"),
    ],
)
def test_invalid_arguments(
    kwargs: dict[str, object], error: type[Exception], pattern: str
) -> None:
    with pytest.raises(error, match=r"import_iati\(\): " + pattern):
        import_iati(FULL, **kwargs)  # type: ignore[arg-type]


def test_sources(tmp_path: Path) -> None:
    with FULL.open("rb") as f:
        out = import_iati(f)
    assert out.report.source == "activities-2.03.xml"
    assert out.portfolio.name == "activities-2.03"
    assert import_iati(str(FULL), name="cartera").portfolio.name == "cartera"
    assert load(doc(activity())).portfolio.name == "iati"
    with pytest.raises(ParameterTypeError, match="Open the file with mode 'rb'"):
        import_iati(io.StringIO("<iati-activities/>"))  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match="'source' must be a path"):
        import_iati(42)  # type: ignore[arg-type]


def test_read_iati_is_the_portfolio_of_import_iati() -> None:
    a = read_iati(FULL, lang="en")
    b = import_iati(FULL, lang="en").portfolio
    assert a.records == b.records
    with pytest.raises(ParameterValueError, match=r"^read_iati\(\): 'country'"):
        read_iati(FULL, country="PER")


@pytest.mark.parametrize("chunk", [1, 7, 100, 4096])
def test_chunk_size_does_not_change_the_result(
    monkeypatch: pytest.MonkeyPatch, full: IatiImport, chunk: int
) -> None:
    monkeypatch.setattr(_xml, "CHUNK", chunk)
    out = import_iati(FULL)
    assert out.portfolio.records == full.portfolio.records
    assert out.report == full.report


def test_the_garbage_collector_is_restored() -> None:
    assert gc.isenabled()
    import_iati(FULL)
    assert gc.isenabled()
    gc.disable()
    try:
        import_iati(FULL)
        assert not gc.isenabled()
    finally:
        gc.enable()


# ---------------------------------------------------------------------------
# is_iati
# ---------------------------------------------------------------------------
def test_is_iati(tmp_path: Path) -> None:
    assert is_iati(FULL)
    assert is_iati(str(OLD))
    cases = {
        "org.xml": ORGANISATION_FILE,
        "lol.xml": BILLION_LAUGHS,
        "bin.xml": b"\x00\x01\x02",
        "empty.xml": b"",
        "portfolio.json": b'{"partnerships": []}',
        "ns.xml": b'<iati-activities xmlns="urn:x"/>',
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        assert not is_iati(tmp_path / name), name
    assert not is_iati(tmp_path / "missing.xml")
    assert not is_iati(tmp_path)
    padded = tmp_path / "padded.xml"
    padded.write_bytes(
        b'<?xml version="1.0"?>\n<!-- ' + b"x" * 200_000 + b" -->\n<iati-activities/>"
    )
    assert is_iati(padded)
    with pytest.raises(ParameterTypeError):
        is_iati(io.BytesIO(b""))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------
def test_report_rows_and_csv(tmp_path: Path, quirks: IatiImport) -> None:
    report = quirks.report
    rows = report.to_rows()
    assert set(rows[0]) == {"activity", "position", "status", "field", "detail"}
    statuses = {r["status"] for r in rows}
    assert statuses == {"filled", "missing", "warning", "skipped"} | {
        "criterion filled",
        "criterion not published",
        "criterion not derivable",
    }
    q1 = [r for r in rows if r["activity"] == "XM-EX-9-Q1" and r["position"] == "1"]
    assert {"status": "filled", "field": "id", "detail": "iati-identifier"}.items() <= (
        q1[0].items()
    )
    n_facts = sum(
        len(a.filled)
        + len(a.missing)
        + len(a.warnings)
        + (not a.imported)
        + len(a.criteria())
        for a in report.activities
    ) + len(report.warnings)
    assert len(rows) == n_facts
    path = tmp_path / "report.csv"
    report.write_csv(path)
    with path.open(encoding="utf-8", newline="") as f:
        assert list(csv.DictReader(f)) == rows
    buffer = io.StringIO()
    report.write_csv(buffer)
    assert buffer.getvalue() == path.read_text(encoding="utf-8")
    with pytest.raises(DataFormatError, match="'target' must be a writable path"):
        report.write_csv(tmp_path / "no" / "such" / "dir.csv")


def test_report_summary_and_access(full: IatiImport) -> None:
    text = full.report.summary()
    assert text.startswith("activities-2.03.xml: IATI 2.03; 3 activities read")
    assert "results.target_progress (1)" in text
    assert len(full.report) == 3
    with pytest.raises(KeyError):
        full.report["nope"]
    assert isinstance(full.report, ImportReport)


def test_missing_lists_what_iati_cannot_provide(full: IatiImport) -> None:
    for a in full.report.activities:
        for field in NOT_IN_IATI:
            assert field in a.missing


# ---------------------------------------------------------------------------
# the mapping table and its page
# ---------------------------------------------------------------------------
def test_mapping_table_is_the_documented_one() -> None:
    text = DOC.read_text(encoding="utf-8")
    for row in MAPPING:
        line = f"| `{row.element}` | `{row.field}` | {row.rule} | {row.codelist} |"
        assert line in text, line
    documented = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", text, re.MULTILINE)
    assert len(documented) == len(MAPPING)
    for field in NOT_IN_IATI:
        assert f"| `{field}` |" in text


def test_mapping_fields_are_record_fields() -> None:
    from kampala.portfolio import ACTOR_SCHEMA, SCHEMA

    fields = {s.path for s in SCHEMA} | {"actors"}
    fields |= {f"actors.{s.path}" for s in ACTOR_SCHEMA}
    for row in MAPPING:
        assert row.field in fields, row


def test_mapping_steps_write_the_documented_record_fields() -> None:
    # each step declares the fields it writes by dotted path; they are record
    # fields, every evidence group has its record, and the steps write exactly
    # the fields of the mapping table (less `id`, set first, and the actor
    # fields, which are parts of `actors`)
    from kampala.io.iati._mapping import GROUPS, STEPS
    from kampala.portfolio import SCHEMA

    written = {path for step in STEPS for path in step.writes}
    assert written <= {s.path for s in SCHEMA} | {"actors"}
    assert {path.split(".")[0] for path in written if "." in path} == set(GROUPS)
    documented = {r.field for r in MAPPING if not r.field.startswith("actors.")}
    assert written == documented - {"id"}


@pytest.mark.parametrize("path", [FULL, OLD, QUIRKS])
def test_the_report_names_only_fields_the_steps_write(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kampala.io.iati._common import Notes
    from kampala.io.iati._mapping import STEPS

    noted: set[str] = set()
    fill = Notes.fill

    def spy(self: Notes, field: str, element: str) -> None:
        noted.add(field)
        fill(self, field, element)

    monkeypatch.setattr(Notes, "fill", spy)
    import_iati(path)
    written = {p for step in STEPS for p in step.writes} | {"id"}
    written |= {"actors.kind", "actors.roles", "actors.domestic"}
    assert noted <= written
    assert "title" in noted


# ---------------------------------------------------------------------------
# scoring what was imported
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", [FULL, OLD, QUIRKS])
def test_imported_fixtures_score(path: Path) -> None:
    portfolio = read_iati(path)
    card = Methodology.default().run(portfolio)
    assert len(card.table()) == len(portfolio)


# ---------------------------------------------------------------------------
# hypothesis: generated activity documents
# ---------------------------------------------------------------------------
_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cs", "Cc", "Co", "Cn"),
        exclude_characters="\r",
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")
_CODE = st.text(alphabet="0123456789ABCXYZ.-", min_size=0, max_size=6)
#: Identifiers: no invisible character (refused in ids), compared in NFC.
_IDENT = _TEXT.filter(
    lambda s: all(unicodedata.category(c) not in ("Cf", "Zl", "Zp") for c in s)
)


def _nfc_id(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


_ELEMENTS = (
    "<participating-org role={r} type={t} ref={c}>"
    "<narrative>{x}</narrative></participating-org>",
    "<recipient-country code={c}/>",
    "<recipient-region code={c} vocabulary={r}/>",
    "<sector vocabulary={r} code={c}/>",
    "<tag vocabulary={r} code={c}/>",
    "<policy-marker vocabulary='1' code={r} significance={t}/>",
    "<activity-date type={r} iso-date={c}/>",
    "<transaction><transaction-type code={r}/>"
    "<value currency={c}>{x}</value></transaction>",
    "<budget type={r}><value>{x}</value></budget>",
    "<document-link url={c}><category code={c}/></document-link>",
    "<default-aid-type code={c}/><default-tied-status code={r}/>",
    "<country-budget-items vocabulary={r}>"
    "<budget-item code={c}/></country-budget-items>",
    "<collaboration-type code={r}/>",
    "<default-finance-type code={c}/>",
    "<location><name><narrative>{x}</narrative></name></location>",
    "<result type='1'><indicator measure={r}>"
    "<baseline year={c} value={t}><dimension name={x2}/>"
    "</baseline><period><period-start iso-date={c}/>"
    "<period-end iso-date={c}/><target value={t}/>"
    "<actual value={r}/></period></indicator></result>",
)


@st.composite
def activity_documents(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str]]]:
    n = draw(st.integers(min_value=0, max_value=4))
    ids = draw(st.lists(_IDENT, min_size=n, max_size=n, unique_by=_nfc_id))
    expected: list[tuple[str, str]] = []
    parts: list[str] = []
    for ident in ids:
        title = draw(_TEXT)
        lang = draw(st.sampled_from(["es", "en", "fr", "pt"]))
        inner = [
            f"<title><narrative xml:lang={quoteattr(lang)}>{escape(title)}"
            "</narrative></title>"
        ]
        for _ in range(draw(st.integers(0, 3))):
            inner.append(
                draw(st.sampled_from(_ELEMENTS)).format(
                    r=quoteattr(
                        draw(st.sampled_from(["1", "2", "3", "4", "9", "99", ""]))
                    ),
                    t=quoteattr(draw(st.sampled_from(["0", "1", "2", "72", "x", ""]))),
                    c=quoteattr(draw(_CODE)),
                    x=escape(draw(_TEXT)),
                    x2=quoteattr(draw(_TEXT)),
                )
            )
        parts.append(
            f"<iati-activity><iati-identifier>{escape(ident)}</iati-identifier>"
            + "".join(inner)
            + "</iati-activity>"
        )
        expected.append((_nfc_id(ident), " ".join(title.split())))
    version = draw(st.sampled_from(["2.01", "2.02", "2.03"]))
    return doc(*parts, version=version), expected


@given(activity_documents())
def test_generated_documents_import_and_round_trip(
    case: tuple[bytes, list[tuple[str, str]]],
) -> None:
    data, expected = case
    with warnings.catch_warnings():  # generated ids may look alike
        warnings.simplefilter("ignore", ConfusableIdWarning)
        out = load(data)
    assert [(p.id, p.title) for p in out.portfolio] == expected
    assert out.report.read == len(expected)
    for a in out.report.activities:
        assert all(w.startswith(f"{a.id}: ") for w in a.warnings)
    # every partnership can be scored
    if len(out.portfolio):
        Methodology.default().run(out.portfolio)


# ---------------------------------------------------------------------------
# the real CAF files (published IATI 2.03 data)
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def caf_pe() -> IatiImport:
    if not CAF_PE.is_file():
        pytest.skip(f"{CAF_SKIP} (looked for {CAF_PE})")
    return import_iati(CAF_PE)


def test_caf_peru_imports_and_scores(caf_pe: IatiImport) -> None:
    portfolio = caf_pe.portfolio
    assert len(portfolio) == 23
    assert caf_pe.report.read == caf_pe.report.imported == 23
    assert {p.country for p in portfolio} == {"PE"}
    card = Methodology.default().run(portfolio)
    assert len(card.table()) == 23
    for p in portfolio:
        assert p.transparency.publication is DataPublication.IATI
        assert p.budget_usd is not None
        assert p.budget_usd > 0
        assert p.start is not None


def test_caf_peru_private_sector_partners(caf_pe: IatiImport) -> None:
    private = {
        a.name
        for p in caf_pe.portfolio
        for a in p.actors
        if a.kind is ActorKind.PRIVATE_SECTOR
    }
    assert {
        "INTERNET PARA TODOS S.A.C.",
        "GAS NATURAL DE LIMA Y CALLAO S.A.",
        "GENERADORA DE ENERGIA DEL PERU S.A",
        "H2OLMOS S.A.",
        "TERMINAL PORTUARIO PARACAS S.A.",
    } <= private
    # CAF publishes no @type: each kind inferred from a name is a warning
    n_inferred = sum(
        "inferred from the legal form" in w
        for a in caf_pe.report.activities
        for w in a.warnings
    )
    assert n_inferred == sum(
        1
        for p in caf_pe.portfolio
        for a in p.actors
        if a.kind is ActorKind.PRIVATE_SECTOR
    )
    governments = {
        a.name
        for p in caf_pe.portfolio
        for a in p.actors
        if a.kind is ActorKind.GOVERNMENT
    }
    assert "MINISTERIO DE ECONOMíA Y FINANZAS DE PERú" in governments


def test_caf_peru_results_indicators(caf_pe: IatiImport) -> None:
    raw = CAF_PE.read_text(encoding="utf-8")
    with_results = {
        m.group(1)
        for m in re.finditer(
            r"<iati-identifier>([^<]+)</iati-identifier>(?:(?!</iati-activity>).)*<result",
            raw,
            re.DOTALL,
        )
    }
    assert with_results  # the extract has activities with results
    for p in caf_pe.portfolio:
        total = p.results.indicators_total
        if p.id in with_results:
            assert total is not None
            assert total > 0
            assert p.results.indicators_with_baseline_and_target == total
            assert caf_pe.report[p.id].source("results.indicators_total") == (
                "result/indicator"
            )
        else:
            assert total is None  # no result element: no evidence, not zero


def test_caf_full_file_filtered_to_peru(caf_pe: IatiImport) -> None:
    if not CAF_ALL.is_file():
        pytest.skip(f"{CAF_SKIP} (looked for {CAF_ALL})")
    out = import_iati(CAF_ALL, country="PE")
    assert out.report.read == 478
    assert out.report.skipped == 478 - 23
    assert out.portfolio.ids == caf_pe.portfolio.ids
    assert out.portfolio.records == caf_pe.portfolio.records
    everything = import_iati(CAF_ALL)
    assert len(everything.portfolio) == 478
    assert sum(p.country == "ZZ" for p in everything.portfolio) == 12  # regions only
    Methodology.default().run(everything.portfolio)
    assert all(math.isfinite(p.budget_usd or 0.0) for p in everything.portfolio)


# ---------------------------------------------------------------------------
# reading a long token (issue 11, class 2)
# ---------------------------------------------------------------------------
class _Recording(io.BytesIO):
    """A stream that records the size of each read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sizes: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.sizes.append(-1 if size is None else size)
        return super().read(size)


def test_reads_double_over_a_long_token_then_return_to_64_kib() -> None:
    long_attr = b'<iati-activity xml:lang="' + b"a" * (2 << 20) + b'"/>'
    small = b"".join(
        b"<iati-activity><iati-identifier>XM-1-%d</iati-identifier></iati-activity>" % i
        for i in range(60_000)
    )
    data = (
        b'<iati-activities version="2.03">' + long_attr + small + b"</iati-activities>"
    )
    stream = _Recording(data)
    assert len(read_iati(stream)) == 60_000
    sizes = stream.sizes
    # The first read finds the root; then 2 MiB in reads that double from
    # 64 KiB: 6 reads, not 32 of them.
    assert sizes[1:7] == [1 << (16 + k) for k in range(6)], sizes
    # Once the token has ended, the reads are 64 KiB again (memory stays
    # that of one activity for the rest of the file).
    assert set(sizes[7:]) == {1 << 16}, sizes


def test_long_prolog_is_refused_after_1_mib() -> None:
    data = b"<!--" + b"a" * (4 << 20) + b'--><iati-activities version="2.03"/>'
    stream = _Recording(data)
    with pytest.raises(
        DataFormatError,
        match=r"'root element' must be <iati-activities \.\.\.> ending within the "
        r"first 1048576 bytes",
    ):
        read_iati(stream)
    assert sum(stream.sizes) <= (1 << 20) + 1  # read no further than the limit


def test_report_lists_actors_missing_when_instruments_are_filled() -> None:
    xml = (
        b'<iati-activities version="2.03"><iati-activity><iati-identifier>X-1'
        b'</iati-identifier><default-finance-type code="110"/></iati-activity>'
        b"</iati-activities>"
    )
    missing = import_iati(io.BytesIO(xml)).report["X-1"].missing
    assert "instruments" not in missing
    assert "actors" in missing
