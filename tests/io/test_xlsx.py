"""Excel workbooks: portfolios read and written, results, the fill-in template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kampala.data import sample_portfolio
from kampala.errors import DataFormatError, PortfolioValidationError
from kampala.io import detect_format, read_portfolio, write_portfolio, write_template
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.records import Partnership

openpyxl = pytest.importorskip("openpyxl")


def _card(pf: Portfolio) -> dict[str, Any]:
    return Methodology.default().run(pf).to_dict()


@pytest.mark.parametrize("lang", [None, "es", "en"])
def test_workbook_round_trip_scores_as_json(tmp_path: Path, lang: str | None) -> None:
    pf = sample_portfolio()
    path = tmp_path / "cartera.xlsx"
    write_portfolio(pf, path, lang=lang)
    back = read_portfolio(path, name=pf.name)
    assert back.records == pf.records
    assert _card(back) == _card(pf)


def test_content_sniffing_finds_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "cartera.xlsx"
    write_portfolio(sample_portfolio(), path)
    other = tmp_path / "export.dat"
    other.write_bytes(path.read_bytes())
    assert detect_format(other).name == "xlsx"
    assert len(read_portfolio(other)) == 48


def _bad_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "cartera.xlsx"
    write_portfolio(sample_portfolio(), path, lang="es")
    wb = openpyxl.load_workbook(path)
    ws = wb["Alianzas"]
    assert ws["H1"].value == "Presupuesto (USD)"
    ws["H12"] = "mucho"
    ws["M3"] = "codiseniado"  # Rol del gobierno
    ws["N4"] = "=0.5*2"  # a formula never computed: no saved value
    wb.save(path)
    return path


def test_every_problem_names_sheet_row_and_column(tmp_path: Path) -> None:
    with pytest.raises(PortfolioValidationError) as info:
        read_portfolio(_bad_workbook(tmp_path))
    (err,) = [e for e in info.value.exceptions if "(got 'mucho')" in str(e)]
    assert "'budget_usd' must be a decimal number" in str(err)
    assert err.__notes__ == ["Alianzas!H12"]
    text = str(info.value)
    assert "(got 'codiseniado'). Did you mean 'codiseñado'? [Alianzas!M3]" in text
    assert "(got '=0.5*2')" in text
    assert "[Alianzas!N4]" in text


def test_wrong_sheet_suggests_one(tmp_path: Path) -> None:
    path = tmp_path / "cartera.xlsx"
    write_portfolio(sample_portfolio(), path, lang="es")
    with pytest.raises(DataFormatError, match=r"Did you mean 'Alianzas'\?"):
        read_portfolio(path, sheet="alianza")
    assert len(read_portfolio(path, sheet="Alianzas")) == 48


def test_cells_of_other_types_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID", "Título", "Inicio", "Presupuesto (USD)",
               "Registrada en la agencia", "Indicadores", "Actor 1: Nombre",
               "Actor 1: Tipo", "Actor 1: Roles"])  # fmt: skip
    ws.append(["A", "Agua", dt.datetime(2021, 3, 1), 1500, True, 3.0, "MINSA",
               "Gobierno", "ejecutor;Financiador"])  # fmt: skip
    ws.append([None] * 9)  # an empty row is skipped
    ws.append(["B", "Banca", dt.date(2020, 1, 2), 2.5, "Sí", None, None, None, None])
    wb.save(path)
    a, b = read_portfolio(path).records
    assert a.start == dt.date(2021, 3, 1)
    assert a.budget_usd == 1500.0
    assert a.ownership.registered_with_agency is True
    assert a.results.indicators_total == 3
    assert [r.value for r in a.actors[0].roles] == ["funder", "implementer"]
    assert b.ownership.registered_with_agency is True


def test_text_is_written_as_text_and_escaped(tmp_path: Path) -> None:
    pf = Portfolio.from_records([Partnership(id="A", title="=HYPERLINK(1)")])
    path = tmp_path / "a.xlsx"
    write_portfolio(pf, path)
    cell = openpyxl.load_workbook(path).active["B2"]
    assert (cell.value, cell.data_type) == ("'=HYPERLINK(1)", "s")
    assert read_portfolio(path).records == pf.records
    write_portfolio(pf, path, formula_escape=False)
    cell = openpyxl.load_workbook(path).active["B2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_template_from_a_portfolio_reads_back_the_same(
    tmp_path: Path, lang: str
) -> None:
    pf = sample_portfolio()
    path = tmp_path / "plantilla.xlsx"
    write_template(path, lang=lang, portfolio=pf)
    back = read_portfolio(path, name=pf.name)
    assert back.records == pf.records
    assert _card(back) == _card(pf)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == ("Alianzas" if lang == "es" else "Partnerships")
    ws = wb.worksheets[0]
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal", "whole", "date"} <= kinds
    assert "P1.government_role" in ws["M1"].comment.text
    assert len(wb.worksheets[2]["A"]) > 20  # the criteria


def test_empty_template_marks_nothing_and_reads_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "plantilla.xlsx"
    write_template(path, lang="es")
    assert len(read_portfolio(path)) == 0
    csv_path = tmp_path / "plantilla.csv"
    write_template(csv_path, lang="es", format="csv")
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfIdentificador;T")


def test_template_marks_missing_evidence(tmp_path: Path) -> None:
    pf = Portfolio.from_records([Partnership(id="A", title="Agua")])
    path = tmp_path / "plantilla.xlsx"
    write_template(path, lang="es", portfolio=pf)
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws["M2"].fill.start_color.rgb.endswith("FFE0B2")  # missing evidence
    assert ws["A2"].fill.fill_type is None
    assert ws["A2"].comment.text.startswith("Evidencia faltante: 29 campo(s)")


def test_a_value_outside_the_header_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Hoja1"
    ws.append(["id", "title"])
    ws.append(["A", "Agua", None, "olvidado"])
    wb.save(path)
    with pytest.raises(PortfolioValidationError, match=r"\[Hoja1!D2\]"):
        read_portfolio(path)


def test_score_workbook_is_rounded_and_names_its_methodology(tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from kampala.cli import main

    out = tmp_path / "puntajes.xlsx"
    assert main(["score", "--format", "xlsx", "--out", str(out), "--lang", "es"]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Scorecard", "Acerca de"]
    floats = [
        c.value
        for row in wb["Scorecard"].iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, float)
    ]
    assert floats
    assert all(round(v, 4) == v for v in floats)
    about = [r[0].value for r in wb["Acerca de"].iter_rows(min_row=2)]
    assert any("KPS 1 (sha256:" in line for line in about)
    full = tmp_path / "full.xlsx"
    assert (
        main(["score", "--format", "xlsx", "--out", str(full), "--digits", "full"]) == 0
    )
    values = [c.value for c in openpyxl.load_workbook(full)["Scorecard"][2]]
    assert any(isinstance(v, float) and round(v, 4) != v for v in values)
