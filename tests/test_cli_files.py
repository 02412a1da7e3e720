"""The command line with workbooks, Spanish-locale CSV and the fill-in template."""

from __future__ import annotations

from pathlib import Path

import pytest

from kampala.cli import main
from kampala.data import sample_portfolio, sample_portfolio_path
from kampala.io import read_portfolio, write_portfolio

openpyxl = pytest.importorskip("openpyxl")
IATI = Path(__file__).parents[1] / ".." / "shared" / "data" / "iati"
CAF_PE = IATI / "CAF-ActivityFile-2025-10-10.PE-only.xml"


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err.strip()


def test_template_from_the_sample_validates_and_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plantilla.xlsx"
    sample = str(sample_portfolio_path())
    assert main(["template", "--lang", "es", "--from", sample, "--out", str(out)]) == 0
    assert main(["validate", str(out)]) == 0
    assert "48 partnerships" in capsys.readouterr().out
    scores = tmp_path / "scores.xlsx"
    assert main(["score", str(out), "--out", str(scores)]) == 0
    ws = openpyxl.load_workbook(scores).active
    assert [c.value for c in ws[1]][:3] == ["rank", "id", "title"]
    assert ws.max_row == 49
    pf = sample_portfolio()
    assert read_portfolio(out, name=pf.name).records == pf.records


def test_template_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["template", "--out", str(tmp_path / "t.csv"), "--lang", "en"]) == 0
    text = (tmp_path / "t.csv").read_text(encoding="utf-8")
    assert text.startswith("Identifier,Title,Country,")
    capsys.readouterr()
    assert main(["template", "--format", "csv", "--out", str(tmp_path / "t.xlsx")]) == 2
    assert "the suffix '.xlsx'" in _err(capsys)
    assert main(["template"]) == 2


def test_spanish_csv_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cartera.csv"
    write_portfolio(sample_portfolio(), path, sep=";", encoding="cp1252", lang="es")
    assert main(["validate", str(path)]) == 0
    assert main(["validate", str(path), "--sep", ";", "--encoding", "cp1252"]) == 0
    capsys.readouterr()
    assert main(["validate", str(path), "--sep", ","]) == 2
    err = _err(capsys)
    assert "\n" not in err
    assert "'sep' must be the separator of the file, which is ';'" in err
    assert main(["validate", str(path), "--sheet", "Hoja1"]) == 2
    assert "--sheet applies to xlsx files only" in _err(capsys)
    assert main(["validate", str(path), "--encoding", "ebcdic"]) == 2
    assert "kampala validate: '--encoding' must be one of utf-8" in _err(capsys)


def test_validate_a_workbook_names_the_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cartera.xlsx"
    write_portfolio(sample_portfolio(), path)
    wb = openpyxl.load_workbook(path)
    wb.active["I5"] = "bilaterl"
    wb.save(path)
    assert main(["validate", str(path)]) == 2
    err = _err(capsys)
    assert "'modality'" in err
    assert "Did you mean 'bilateral'?" in err
    assert "Partnerships, I5" in err or "Partnerships!I5" in err


@pytest.mark.skipif(not CAF_PE.exists(), reason="shared IATI data absent")
def test_import_to_spanish_csv_then_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_out = tmp_path / "caf.csv"
    argv = ["import", str(CAF_PE), "--out", str(csv_out), "--sep", ";"]
    assert main(argv) == 0
    assert csv_out.read_text(encoding="utf-8").split("\n", 1)[0].count(";") > 20
    tpl = tmp_path / "caf.xlsx"
    assert main(["template", "--from", str(csv_out), "--out", str(tpl)]) == 0
    assert len(read_portfolio(tpl)) == len(read_portfolio(csv_out))
    capsys.readouterr()
    assert main(["import", str(CAF_PE), "--sep", ";"]) == 2
    assert "need --out" in _err(capsys)
