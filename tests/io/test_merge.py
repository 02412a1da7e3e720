"""Merging sources with provenance: `merge_portfolios`, `kampala merge`."""

from __future__ import annotations

import csv
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from kampala import Methodology, Portfolio
from kampala.cli import main
from kampala.errors import MergeConflictError, ParameterValueError
from kampala.io import merge_portfolios, read_portfolio, write_portfolio
from kampala.io.iati import import_iati
from kampala.provenance import FileProvenance, Source, is_blank
from kampala.records import (
    GovernmentRole,
    OwnershipEvidence,
    Partnership,
    TransparencyEvidence,
)
from kampala.schema import SCHEMA

REPO = Path(__file__).resolve().parents[2]
CAF_PE = (
    REPO.parent / "shared" / "data" / "iati" / "CAF-ActivityFile-2025-10-10.PE-only.xml"
)
CAF_SKIP = "the real CAF IATI file is read from ../shared/data/iati beside the repo"

#: Fields a person fills by hand for partnerships imported from IATI.
HAND_FIELDS = {
    "ownership.registered_with_agency": "true",
    "ownership.local_capacity": "some",
    "results.indicators_total": "4",
    "results.indicators_with_baseline_and_target": "3",
    "results.indicators_from_country_frameworks": "2",
    "inclusion.dialogue": "regular",
    "results.additionality": "asserted",
    "inclusion.shared_governance": "true",
    "inclusion.msme_access": "partial",
    "transparency.grievance_mechanism": "true",
    "transparency.joint_reviews": "false",
    "leave_no_one_behind.poor_district_share": "0.4",
    "leave_no_one_behind.safeguards": "partial",
    "leave_no_one_behind.risk_sharing": "informal",
    "leave_no_one_behind.private_solution_case": "partial",
}


def _pf(name: str, kind: str, *records: Partnership) -> Portfolio:
    src = Source(kind=kind, file=f"{name}.x", read_at="2026-01-01T00:00:00Z")
    return Portfolio.from_records(records, name=name).with_provenance(
        FileProvenance(file_source=src)
    )


def test_fields_come_from_the_source_that_has_them() -> None:
    a = _pf("a", "iati", Partnership(id="A", title="Agua", budget_usd=1.0))
    b = _pf(
        "b",
        "hand",
        Partnership(
            id="A",
            title="Agua",
            transparency=TransparencyEvidence(joint_reviews=True),
        ),
        Partnership(id="B", title="Banca"),
    )
    out = merge_portfolios([a, b])
    pf = out.portfolio
    assert pf.ids == ("A", "B")
    assert pf["A"].budget_usd == 1.0
    assert pf["A"].transparency.joint_reviews is True
    assert str(pf.source_of("A", "budget_usd")) == "a.x: row 1"
    assert str(pf.source_of("A", "transparency.joint_reviews")) == "b.x: row 1"
    assert str(pf.source_of("B", "title")) == "b.x: row 2"
    assert pf.source_of("B", "budget_usd") is None
    assert out.conflicts == ()


def test_iati_never_overwrites_manual_unless_told() -> None:
    role = OwnershipEvidence(government_role=GovernmentRole.LEADS)
    hand = _pf("hand", "hand", Partnership(id="A", title="Agua", ownership=role))
    iati = _pf(
        "iati",
        "iati",
        Partnership(
            id="A",
            title="Agua",
            ownership=OwnershipEvidence(government_role=GovernmentRole.INFORMED),
        ),
    )
    for policy in ("error", "prefer-latest", "in-order", ["iati"]):
        out = merge_portfolios([hand, iati], policy=policy)
        assert out.portfolio["A"].ownership.government_role.value == "leads"
        (c,) = out.conflicts
        assert (c.id, c.field, c.reason) == (
            "A",
            "ownership.government_role",
            "manual evidence kept",
        )
    out = merge_portfolios([hand, iati], policy="prefer-latest", overwrite_manual=True)
    assert out.portfolio["A"].ownership.government_role.value == "informed"
    assert out.portfolio.source_of("A", "ownership.government_role").kind == "iati"


def test_policies() -> None:
    a = _pf("a", "hand", Partnership(id="A", title="Agua", budget_usd=1.0))
    b = _pf("b", "hand", Partnership(id="A", title="Agua", budget_usd=2.0))
    with pytest.raises(
        MergeConflictError, match=r"'sources' must be in agreement"
    ) as info:
        merge_portfolios([a, b])
    assert [c.field for c in info.value.conflicts] == ["budget_usd"]
    again = pickle.loads(pickle.dumps(info.value))
    assert again.conflicts == info.value.conflicts
    assert merge_portfolios([a, b], policy="in-order").portfolio["A"].budget_usd == 1.0
    assert (
        merge_portfolios([a, b], policy="prefer-latest").portfolio["A"].budget_usd
        == 2.0
    )
    assert merge_portfolios([a, b], policy=["a", "b"]).portfolio["A"].budget_usd == 1.0
    assert merge_portfolios([a, b], policy=["b"]).portfolio["A"].budget_usd == 2.0
    with pytest.raises(
        ParameterValueError, match=r"'policy' must be the name of a source"
    ):
        merge_portfolios([a, b], policy=["c"])
    with pytest.raises(ParameterValueError, match=r"'policy' must be 'error'"):
        merge_portfolios([a, b], policy="newest")


def test_aliases_match_the_agencys_own_ids() -> None:
    a = _pf("a", "iati", Partnership(id="XM-1", title="Agua"))
    b = _pf("b", "hand", Partnership(id="APCI-7", title="Agua", budget_usd=3.0))
    out = merge_portfolios([a, b], aliases={"APCI-7": "XM-1"})
    assert out.portfolio.ids == ("XM-1",)
    assert out.portfolio["XM-1"].budget_usd == 3.0


def test_actors_come_whole_from_one_source() -> None:
    from kampala.records import Actor, ActorKind

    x = Actor(name="Municipalidad", kind=ActorKind.GOVERNMENT, domestic=True)
    y = Actor(name="Banco", kind=ActorKind.PRIVATE_SECTOR, domestic=True)
    a = _pf(
        "a",
        "iati",
        Partnership(id="A", title="T", actors=[x]),
        Partnership(id="B", title="U"),
    )
    b = _pf(
        "b",
        "hand",
        Partnership(id="B", title="U", actors=[x, y]),
        Partnership(id="A", title="T", actors=[y]),
    )
    out = merge_portfolios([a, b])
    assert [r.name for r in out.portfolio["A"].actors] == ["Banco"]
    assert [r.name for r in out.portfolio["B"].actors] == ["Municipalidad", "Banco"]
    assert out.portfolio.source_of("B", "actors.kind").file == "b.x"
    assert [c.field for c in out.conflicts] == ["actors"]


def test_json_keeps_provenance(tmp_path: Path) -> None:
    a = _pf("a", "iati", Partnership(id="A", title="Agua", budget_usd=1.0))
    b = _pf("b", "hand", Partnership(id="A", title="Agua", notes="visita"))
    merged = merge_portfolios([a, b]).portfolio
    path = tmp_path / "m.json"
    write_portfolio(merged, path)
    back = read_portfolio(path)
    for spec in SCHEMA:
        assert back.source_of("A", spec.path) == merged.source_of("A", spec.path)
    first = path.read_bytes()
    write_portfolio(back, path)
    assert path.read_bytes() == first
    # a plain file read and written again has no provenance member
    plain = tmp_path / "p.json"
    write_portfolio(Portfolio.from_records([Partnership(id="A", title="Agua")]), plain)
    write_portfolio(read_portfolio(plain), tmp_path / "q.json")
    assert "provenance" not in json.loads((tmp_path / "q.json").read_text())


def test_file_readers_set_a_file_source(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        'id,title,budget_usd\nA,"dos\nlíneas",1\nB,Banca,2\n', encoding="utf-8"
    )
    pf = read_portfolio(path)
    assert pf.source_of("B", "budget_usd").location == "line 4"
    assert pf.source_of("A", "budget_usd").kind == "file"


def _hand_csv(path: Path, ids: list[str], titles: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", *HAND_FIELDS, "ownership.government_role"])
        for i, t in zip(ids, titles, strict=True):
            w.writerow([i, t, *HAND_FIELDS.values(), "leads"])


@pytest.mark.skipif(not CAF_PE.exists(), reason=CAF_SKIP)
def test_caf_iati_merged_with_hand_filled_file(tmp_path: Path) -> None:
    """The real CAF Peru file plus a filled file for five activities, scored."""
    iati = import_iati(CAF_PE).portfolio
    five = list(iati.ids[:5])
    hand = tmp_path / "llenado.csv"
    _hand_csv(hand, five, [iati[i].title for i in five])
    out = merge_portfolios([CAF_PE, hand])
    pf = out.portfolio
    assert len(pf) == len(iati)
    card = Methodology.default().run(pf)
    scores = card.score()
    for pid in five:
        assert not np.isnan(scores[pf.index(pid)])
        row = pf.index(pid)
        for spec in SCHEMA:
            if not is_blank(pf.value(spec.path, row)):
                src = pf.source_of(pid, spec.path)
                assert src is not None, spec.path
                assert src.file in (CAF_PE.name, hand.name)
                assert src.read_at
        for path in HAND_FIELDS:
            assert pf.source_of(pid, path).file == hand.name
        assert pf.source_of(pid, "title").kind == "iati"
        assert pf.source_of(pid, "title").location.startswith("iati-activity[")
        text = str(card.explain(pid, portfolio=pf))
        assert f"[{hand.name}: line " in text
        assert f"[{CAF_PE.name}: iati-activity[" in text
    # the command line gives the same portfolio, and the conflict report
    out_json = tmp_path / "merged.json"
    report = tmp_path / "conflicts.csv"
    code = main(
        [
            "merge",
            str(CAF_PE),
            str(hand),
            "--out",
            str(out_json),
            "--conflicts",
            str(report),
        ]
    )
    assert code == 0
    back = read_portfolio(out_json)
    assert back.ids == pf.ids
    assert back.source_of(five[0], "ownership.local_capacity").file == hand.name
    with report.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["reason"] for r in rows} <= {"manual evidence kept"}
    # re-importing the IATI file does not overwrite the hand-entered values
    again = merge_portfolios([out_json, CAF_PE], policy="prefer-latest")
    assert again.conflicts  # the hand values that differ from IATI's
    for c in again.conflicts:
        assert c.reason == "manual evidence kept"
        assert c.chosen.startswith(f"{hand.name}: line ")
    for pid in five:
        assert (
            again.portfolio.source_of(pid, "ownership.local_capacity").file == hand.name
        )
        assert again.portfolio.source_of(pid, "title").kind == "iati"


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = tmp_path / "a.csv"
    a.write_text("id,title,budget_usd\nA,Agua,1\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text("id,title,budget_usd\nA,Agua,2\n", encoding="utf-8")
    out = tmp_path / "m.json"
    assert main(["merge", str(a), str(b), "--out", str(out)]) == 2
    assert "must be in agreement" in capsys.readouterr().err
    assert not out.exists()
    assert main(["merge", str(a), str(b), "--out", str(out), "--prefer", "b.csv"]) == 0
    assert read_portfolio(out)["A"].budget_usd == 2.0
    assert main(["merge", str(a), str(b), "--out", str(out), "--prefer", "c.csv"]) == 2
    ids = tmp_path / "ids.csv"
    ids.write_text("alias;id\n", encoding="utf-8")
    assert main(["merge", str(a), "--out", str(out), "--id-map", str(ids)]) == 2
    assert "'alias,id'" in capsys.readouterr().err


@pytest.mark.skipif(not CAF_PE.exists(), reason=CAF_SKIP)
def test_caf_iati_merged_with_a_filled_spanish_template(tmp_path: Path) -> None:
    """Issue 13's real check: the CAF Peru file imported, a Spanish fill-in
    template written from five of its activities, filled as an analyst would
    (Spanish headers and labels, typed into the workbook), merged, scored."""
    openpyxl = pytest.importorskip("openpyxl")
    from kampala.io import write_template
    from kampala.scales import label

    iati = import_iati(CAF_PE).portfolio
    five = list(iati.ids[:5])
    template = tmp_path / "plantilla.xlsx"
    subset = Portfolio.from_records([iati[pid] for pid in five], name="cinco")
    write_template(template, lang="es", portfolio=subset)
    specs = {spec.path: spec for spec in SCHEMA}
    wb = openpyxl.load_workbook(template)
    ws = wb["Alianzas"]
    column = {cell.value: cell.column for cell in ws[1]}
    for row in range(2, 2 + len(five)):
        for path, code in HAND_FIELDS.items():
            spec = specs[path]
            if spec.kind == "bool":
                value: object = "sí" if code == "true" else "no"
            elif getattr(spec, "enum", None) is not None:
                value = label(spec.enum(code), "es")
            else:
                value = float(code)
            ws.cell(row=row, column=column[spec.label_es], value=value)
    wb.save(template)
    filled = read_portfolio(template)
    assert filled.ids == tuple(five)
    out = merge_portfolios([CAF_PE, template])
    pf = out.portfolio
    card = Methodology.default().run(pf)
    scores = card.score()
    assert np.isnan(Methodology.default().run(iati).score()).all()  # IATI alone
    for pid in five:
        assert not np.isnan(scores[pf.index(pid)])
        row = pf.index(pid)
        for spec in SCHEMA:
            if not is_blank(pf.value(spec.path, row)):
                src = pf.source_of(pid, spec.path)
                assert src is not None, spec.path
                assert src.file in (CAF_PE.name, template.name)
        for path in HAND_FIELDS:
            assert pf.source_of(pid, path).file == template.name
        assert pf.source_of(pid, "title").kind == "iati"
    others = [i for i, pid in enumerate(pf.ids) if pid not in five]
    assert np.isnan(scores[others]).all()
