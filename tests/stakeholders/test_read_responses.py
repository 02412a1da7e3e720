"""Reading answers as ODK Central and KoboToolbox export them, with no editing.

The KoboToolbox files are made by hand from its documented export layout
("XML values and headers"): ``;`` as delimiter, every value quoted, ``/``
between a group and its question, then ``_id``, ``_uuid``,
``_submission_time``, ``_validation_status``, ``_notes``, ``_status``,
``_submitted_by``, ``__version__``, ``_tags`` and ``_index``. The ODK Central
layout (``SubmissionDate`` first, ``-`` between group and question,
``meta-instanceID``, ``KEY``, ``SubmitterID``, ``ReviewState``) is that of
the sample file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kampala.data import sample_portfolio, sample_responses_path
from kampala.errors import DataFormatError, KampalaError, PortfolioValidationError
from kampala.io import read_responses
from kampala.stakeholders import DONT_KNOW, NOT_ANSWERED, questionnaire

KOBO_META = [
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
    "_submitted_by", "__version__", "_tags", "_index",
]  # fmt: skip


def _section(code: str) -> str:
    return "engagement" if code.startswith("e_") else code.split("_")[0]


def _kobo_rows() -> tuple[list[str], list[list[str]]]:
    codes = [q.code for q in questionnaire().for_group("private-sector")]
    header = ["start", "end", "respondent", "group", "partnership"]
    header += [f"{_section(c)}/{c}" for c in codes] + KOBO_META
    rows = []
    for i, (resp, pid) in enumerate(
        [("EMP-1", "PE-AGR-001"), ("EMP-2", "PE-AGR-001"), ("EMP-1", "PE-FIN-002")]
    ):
        answers = ["dont_know" if c == "p1_alignment" else "" for c in codes]
        answers[codes.index("p3_dialogue")] = "regular"
        answers[codes.index("p3_shared_governance")] = "yes"
        meta = [
            str(100 + i),
            f"8f0c-{i}",
            "2022-10-05T14:01:02",
            "",
            "[]",
            "submitted_via_web",
            "",
            "vQx7",
            "[]",
            str(i + 1),
        ]
        rows.append(
            [
                "2022-10-05T13:55:00.000-05:00",
                "2022-10-05T14:01:00.000-05:00",
                resp,
                "private-sector",
                pid,
                *answers,
                *meta,
            ]
        )
    return header, rows


def _kobo_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    def line(cells: list[str]) -> str:
        return ";".join('"' + c.replace('"', '""') + '"' for c in cells)

    path.write_text(
        "\n".join(line(r) for r in [header, *rows]) + "\n", encoding="utf-8"
    )
    return path


def test_kobo_csv_reads_without_editing(tmp_path: Path) -> None:
    header, rows = _kobo_rows()
    r = read_responses(
        _kobo_csv(tmp_path / "kobo.csv", header, rows), portfolio=sample_portfolio()
    )
    assert len(r) == 3
    assert r.respondent == ("EMP-1", "EMP-2", "EMP-1")
    assert list(r.column("p3_dialogue")) == [2, 2, 2]
    assert list(r.column("p1_alignment")) == [DONT_KNOW] * 3
    assert list(r.column("p5_gender_marker")) == [NOT_ANSWERED] * 3


def test_kobo_xlsx_reads_without_editing(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    header, rows = _kobo_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "KPS-1 sector privado"
    sheet.append(header)
    for row in rows:
        sheet.append([int(c) if c.isdigit() else (c or None) for c in row])
    book.save(tmp_path / "kobo.xlsx")
    r = read_responses(tmp_path / "kobo.xlsx", portfolio=sample_portfolio())
    assert len(r) == 3
    assert list(r.column("p3_shared_governance")) == [1, 1, 1]


def test_odk_central_csv_reads_without_editing() -> None:
    r = read_responses(sample_responses_path(), portfolio=sample_portfolio())
    assert len(r) == 104
    assert len(set(r.partnership)) == 8
    text = sample_responses_path().read_text(encoding="utf-8")
    assert text.startswith("SubmissionDate,")
    assert ",meta-instanceID,KEY," in text


def test_bad_submissions_give_one_message_naming_file_row_and_column(
    tmp_path: Path,
) -> None:
    header, rows = _kobo_rows()
    rows[0][header.index("group")] = "empresas grandes"  # unknown group
    rows[1][header.index("p3/p3_dialogue")] = "weekly"  # outside the scale
    rows[2][header.index("partnership")] = "PE-XXX-999"  # not in the portfolio
    rows.append(list(rows[1]))  # duplicate respondent (and submission)
    rows[3][header.index("p3/p3_dialogue")] = "regular"
    path = _kobo_csv(tmp_path / "bad.csv", header, rows)
    with pytest.raises(PortfolioValidationError) as info:
        read_responses(path, portfolio=sample_portfolio())
    text = str(info.value)
    lines = text.splitlines()
    assert lines[0] == "bad.csv: 5 problem(s)"
    assert re.search(r"bad\.csv, row 2: 'group' must be one of government", text)
    assert re.search(
        r"bad\.csv, row 3: 'p3/p3_dialogue' must be one of none, "
        r"one-off, regular, institutionalised, dont_know, "
        r"not_applicable \(got 'weekly'\)",
        text,
    )
    assert re.search(
        r"bad\.csv, row 4: 'partnership' must be a partnership of "
        r"'Cartera ilustrativa APCI \(ficticia\)' \(got 'PE-XXX-999'\)",
        text,
    )
    assert re.search(
        r"bad\.csv, row 5: 'respondent' must be once per partnership "
        r"\(got 'EMP-2'\)\. first in row 3",
        text,
    )
    assert re.search(r"bad\.csv, row 5: '_uuid' must be a submission id not seen", text)


def test_a_question_not_asked_of_the_group_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "respondent,group,partnership,p5-p5_gender_marker\n"
        "OSC-1,civil-society,PE-AGR-001,2\n",
        encoding="utf-8",
    )
    with pytest.raises(
        PortfolioValidationError,
        match=r"r\.csv, row 2: 'p5-p5_gender_marker' must be blank "
        r"for group 'civil-society' \(got '2'\)",
    ):
        read_responses(path)


def test_missing_columns_and_broken_files_fail_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("who,p1_alignment\nA,full\n", encoding="utf-8")
    with pytest.raises(
        PortfolioValidationError,
        match=r"'columns' must be a column "
        r"of the file \(got 'respondent'\)",
    ):
        read_responses(path)
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(DataFormatError, match=r"x\.xlsx: 'source' must be an \.xlsx"):
        read_responses(tmp_path / "x.xlsx")
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(DataFormatError, match=r"'header' must be a header row"):
        read_responses(tmp_path / "e.csv")
    (tmp_path / "b.csv").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(KampalaError, match="UTF-8"):
        read_responses(tmp_path / "b.csv")
