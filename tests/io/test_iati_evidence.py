"""IATI evidence added in 0.2, and the per-criterion import report."""

from __future__ import annotations

from pathlib import Path

import pytest

from kampala.io.iati import import_iati
from kampala.records import CapacityLevel, GovernmentRole, ProvisionLevel

FIXTURES = Path(__file__).resolve().parent / "iati_fixtures"
EVIDENCE = FIXTURES / "evidence-2.03.xml"
DATA = Path(__file__).resolve().parents[1] / "data" / "iati"
REPO = Path(__file__).resolve().parents[2]
CAF_PE = (
    REPO.parent / "shared" / "data" / "iati" / "CAF-ActivityFile-2025-10-10.PE-only.xml"
)


def _doc(inner: str, reporting_type: str = "10") -> bytes:
    return (
        '<iati-activities version="2.03"><iati-activity default-currency="USD">'
        "<iati-identifier>XM-T-1</iati-identifier>"
        f'<reporting-org ref="XM-T" type="{reporting_type}"/>'
        f'<title><narrative>T</narrative></title><recipient-country code="PE"/>{inner}'
        "</iati-activity></iati-activities>"
    ).encode()


def _one(inner: str, reporting_type: str = "10"):  # type: ignore[no-untyped-def]
    import io

    out = import_iati(io.BytesIO(_doc(inner, reporting_type)))
    return out.portfolio["XM-T-1"], out.report["XM-T-1"]


def test_new_evidence_from_the_fixture() -> None:
    pf = import_iati(EVIDENCE).portfolio
    a, b, c = pf.records
    assert a.ownership.local_capacity is CapacityLevel.SOME
    assert a.ownership.government_role is GovernmentRole.CO_DESIGNED
    assert a.inclusion.msme_access is ProvisionLevel.PARTIAL
    assert a.transparency.contributions_disclosed is True
    assert a.leave_no_one_behind.safeguards is ProvisionLevel.PARTIAL
    # a bilateral reporter: the ministry's origin stays unknown
    assert b.ownership.government_role is None
    assert b.ownership.local_capacity is CapacityLevel.SOME
    assert c.ownership.local_capacity is CapacityLevel.SOME


@pytest.mark.parametrize(
    "inner",
    [
        '<default-aid-type code="D01"/>',  # donor country personnel
        '<default-aid-type code="D02" vocabulary="2"/>',
        '<default-aid-type code="C01"/><transaction><transaction-type code="3"/>'
        '<aid-type code="D02"/></transaction>',  # the default decides
        '<crs-add><other-flags code="1" significance="0"/></crs-add>',
        '<crs-add><other-flags code="2" significance="1"/></crs-add>',
    ],
)
def test_local_capacity_needs_technical_cooperation(inner: str) -> None:
    p, report = _one(inner)
    assert p.ownership.local_capacity is None
    assert "ownership.local_capacity" in report.missing


def test_absence_is_not_no() -> None:
    # a private funder without incoming funds, an appraisal after the end,
    # another purpose: all stay missing, never "no"
    p, _report = _one(
        '<participating-org ref="PE-RUC-1" type="72" role="1"><narrative>X S.A.'
        "</narrative></participating-org>"
        '<activity-date type="4" iso-date="2020-01-01"/>'
        '<document-link url="https://e.org/a.pdf"><category code="A01"/>'
        '<document-date iso-date="2021-06-01"/></document-link>'
        '<sector code="14030"/>'
    )
    assert p.transparency.contributions_disclosed is None
    assert p.leave_no_one_behind.safeguards is None
    assert p.inclusion.msme_access is None


def test_multilateral_rule_needs_one_known_country() -> None:
    org = (
        '<participating-org role="4"><narrative>Ministerio de Salud</narrative>'
        "</participating-org>"
    )
    p, _ = _one(org, reporting_type="40")
    assert p.actors[0].domestic is True
    p, _ = _one(org + '<recipient-country code="BO"/>', reporting_type="40")
    assert p.actors[0].domestic is None
    p, _ = _one(org, reporting_type="21")
    assert p.actors[0].domestic is None


def test_criteria_report() -> None:
    report = import_iati(EVIDENCE).report
    a = {c: (s, d) for c, s, d in report["XM-EX-7-PE-101"].criteria()}
    assert len(a) == 29
    assert a["P1.local_capacity"] == ("filled", "default-aid-type/@code")
    assert a["P1.registration"][0] == "not derivable"
    assert a["P3.local_share"][0] == "not derivable"
    assert a["P5.gender_marker"] == (
        "not published",
        "leave_no_one_behind.gender_marker: policy-marker/@significance",
    )
    rows = report.to_rows()
    missing = [r for r in rows if r["status"] == "missing" and r["field"] == "end"]
    assert missing[0]["detail"] == "not published: activity-date/@iso-date"
    crit = [r for r in rows if r["status"].startswith("criterion ")]
    assert len(crit) == 29 * 3


@pytest.mark.skipif(not CAF_PE.exists(), reason="the CAF file is read from ../shared")
def test_caf_criteria_counts() -> None:
    report = import_iati(CAF_PE).report
    filled = [sum(s == "filled" for _, s, _ in a.criteria()) for a in report.activities]
    assert len(filled) == 23
    assert min(filled) >= 3
    # the ministry implementing a CAF loan is domestic: the government's role
    assert (
        sum(
            {c: s for c, s, _ in a.criteria()}["P1.government_role"] == "filled"
            for a in report.activities
        )
        >= 10
    )


def test_usaid_excerpt() -> None:
    # a real USAID file (public domain), see tests/data/iati/PROVENANCE.md
    out = import_iati(DATA / "usaid-ki.excerpt.xml")
    assert len(out.portfolio) == 2
    first = out.report.activities[0]
    statuses = {c: s for c, s, _ in first.criteria()}
    assert statuses["P4.publication"] == "filled"
    assert statuses["P5.gender_marker"] == "not published"
    assert out.portfolio.source_of(first.id, "budget_usd").location.startswith(
        "iati-activity[1]/transaction"
    )
