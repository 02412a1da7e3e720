"""Forms: the XLSForm converts with pyxform; the spreadsheet form reads back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kampala.data import sample_portfolio
from kampala.io import read_responses
from kampala.stakeholders import (
    DONT_KNOW,
    STAKEHOLDER_GROUPS,
    questionnaire,
    write_xlsform,
    write_xlsx_form,
)

openpyxl = pytest.importorskip("openpyxl")
xls2xform = pytest.importorskip("pyxform.xls2xform")


@pytest.mark.parametrize("group", [None, *STAKEHOLDER_GROUPS])
def test_xlsform_passes_pyxform(tmp_path: Path, group: str | None) -> None:
    path = tmp_path / "form.xlsx"
    write_xlsform(path, group=group, lang="es", portfolio=sample_portfolio())
    result = xls2xform.convert(xlsform=str(path), validate=False)
    assert "<h:title>" in result.xform
    assert 'lang="Español (es)"' in result.xform
    asked = (
        questionnaire().codes
        if group is None
        else [q.code for q in questionnaire().for_group(group)]
    )
    for code in asked:
        assert f"/{code}" in result.xform
    if group is None:
        assert "selected( /data/group" in result.xform.replace("${group}", "")


def test_xlsform_without_portfolio_asks_the_partnership_as_text(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_xlsform(path, group="government", lang="en")
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["survey"].values)
    book.close()
    assert rows[5][:2] == ("text", "partnership")
    assert rows[4][-1] == "'government'"


def test_xlsx_form_filled_in_spanish_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_xlsx_form(
        path, group="civil-society", lang="es", portfolio=sample_portfolio()
    )
    book = openpyxl.load_workbook(path)
    sheet = book["responses"]
    header = [c.value for c in sheet[1]]
    j = header.index("p3_dialogue")
    row = ["OSC-9", "civil-society", "PE-AGR-001"] + [None] * (len(header) - 3)
    row[j] = "Institucionalizado"
    row[header.index("p1_alignment")] = "No sabe"
    sheet.append(row)
    book.save(path)
    r = read_responses(path, portfolio=sample_portfolio())
    assert len(r) == 1
    assert r.column("p3_dialogue")[0] == 3
    assert r.column("p1_alignment")[0] == DONT_KNOW


@pytest.mark.parametrize("separator", ["/", "-"])  # KoboToolbox, ODK Central
def test_headers_from_the_converted_form_read_back(
    tmp_path: Path, separator: str
) -> None:
    """Export headers are the form's field paths below the root, joined."""
    path = tmp_path / "form.xlsx"
    write_xlsform(path, group="government", lang="es")
    xform = xls2xform.convert(xlsform=str(path), validate=False).xform
    paths = re.findall(r'<bind nodeset="/[^/"]+/([^"]+)"', xform)
    header = [p.replace("/", separator) for p in paths if not p.startswith("meta")]
    header.append(f"meta{separator}instanceID")
    values = {"respondent": "GOB-1", "group": "government", "partnership": "PE-X"}
    row = [values.get(h.split(separator)[-1], "") for h in header]
    row[header.index(f"p3{separator}p3_dialogue")] = "regular"
    row[-1] = "uuid:1"
    csv_path = tmp_path / "export.csv"
    csv_path.write_text(
        ",".join(header) + "\n" + ",".join(row) + "\n", encoding="utf-8"
    )
    r = read_responses(csv_path)
    assert r.group == ("government",)
    assert r.column("p3_dialogue")[0] == 2
