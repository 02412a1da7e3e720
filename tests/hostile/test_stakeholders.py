"""Hostile answer files and forms through ``kampala responses`` and ``questionnaire``.

Every case: exit 2, the problems named (file, row, column), no traceback,
nothing written; ``read_responses`` raises a `KampalaError` for the same file.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from kampala.data import sample_portfolio
from kampala.errors import KampalaError
from kampala.io import read_responses
from tests.hostile.harness import Outcome, assert_clean_failure, run, run_isolated

HEAD = "respondent,group,partnership,p3-p3_dialogue,meta-instanceID\n"


def _zip_bomb() -> bytes:
    """An .xlsx whose one sheet unzips to about 200 MB (a long run of rows)."""
    openpyxl = pytest.importorskip("openpyxl")
    small = io.BytesIO()
    openpyxl.Workbook().save(small)
    row = "<row>" + '<c t="inlineStr"><is><t>x</t></is></c>' * 50 + "</row>"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(small.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, _, tail = data.decode().partition("<sheetData/>")
                data = head + "<sheetData>" + row * 100_000 + "</sheetData>" + tail
                data = data.encode()
            dst.writestr(info.filename, data)
    return out.getvalue()


#: (id, file name, content, words the message must contain)
CASES: list[tuple[str, str, str | bytes, list[str]]] = [
    (
        "c9-unknown-group",
        "r.csv",
        HEAD + "A,firms,PE-AGR-001,regular,u1\n",
        ["r.csv, row 2", "'group'", "'firms'"],
    ),
    (
        "c9-answer-outside-scale",
        "r.csv",
        HEAD + "A,government,PE-AGR-001,weekly,u1\n",
        ["r.csv, row 2", "'p3-p3_dialogue'", "'weekly'"],
    ),
    (
        "c9-duplicate-respondent",
        "r.csv",
        HEAD + "A,government,PE-AGR-001,regular,u1\nA,government,PE-AGR-001,none,u2\n",
        ["r.csv, row 3", "'respondent'", "first in row 2"],
    ),
    (
        "c9-duplicate-submission",
        "r.csv",
        HEAD + "A,government,PE-AGR-001,regular,u1\nB,government,PE-AGR-001,none,u1\n",
        ["r.csv, row 3", "'meta-instanceID'"],
    ),
    (
        "c9-partnership-not-in-portfolio",
        "r.csv",
        HEAD + "A,government,PE-NOPE-1,regular,u1\n",
        ["r.csv, row 2", "'partnership'", "PE-NOPE-1"],
    ),
    (
        "c9-no-group-column",
        "r.csv",
        "respondent,partnership\nA,PE-AGR-001\n",
        ["r.csv", "'columns'", "'group'"],
    ),
    (
        "c6-surrogate-bytes",
        "r.csv",
        HEAD.encode() + b"A,government,\xed\xa0\x80,x,u\n",
        ["r.csv", "UTF-8"],
    ),
    ("c7-not-a-workbook", "r.xlsx", b"PK\x03\x04garbage", ["r.xlsx", ".xlsx"]),
    ("c7-empty", "r.csv", "", ["r.csv", "'header'"]),
    (
        "c9-formula-cells",
        "r.csv",
        HEAD + "=cmd|' /C calc'!A0,government,PE-AGR-001,@SUM(1),u1\n",
        ["r.csv, row 2", "@SUM(1)"],
    ),
]


def _check(outcome: Outcome, names: list[str]) -> None:
    assert outcome.status == 2, (outcome.status, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr
    lines = outcome.error_lines
    if len(lines) > 1:
        assert lines[0].endswith("problem(s)"), outcome.stderr
    text = "\n".join(lines)
    for name in names:
        assert name in text, f"{name!r} not named in: {text!r}"
    assert outcome.changed == ()


@pytest.mark.parametrize(
    ("name", "content", "names"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_answer_files_fail_cleanly(
    tmp_path: Path, name: str, content: str | bytes, names: list[str]
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    _check(run(["responses", name, "--out", "o.csv"], tmp_path), names)
    portfolio = sample_portfolio()
    with pytest.raises(KampalaError):
        read_responses(path, portfolio=portfolio)


def test_a_spreadsheet_that_expands_to_millions_of_cells_is_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "bomb.xlsx").write_bytes(_zip_bomb())
    _check(run(["responses", "bomb.xlsx"], tmp_path), ["bomb.xlsx", "'unzipped size'"])


def test_a_spreadsheet_with_too_many_cells_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from kampala.io import _responses

    monkeypatch.setattr(_responses, "MAX_CELLS", 100)
    book = openpyxl.Workbook()
    for i in range(30):
        book.active.append(["respondent", "group", "partnership", "x", str(i)])
    book.save(tmp_path / "big.xlsx")
    _check(run(["responses", "big.xlsx"], tmp_path), ["big.xlsx", "'cells'"])


def test_a_fifo_is_refused(tmp_path: Path) -> None:
    import os

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "r.csv")
    outcome = run_isolated(["responses", "r.csv"], tmp_path)
    _check(outcome, ["r.csv", "regular file"])


def test_questionnaire_bad_options_fail_cleanly(tmp_path: Path) -> None:
    assert_clean_failure(
        run(["questionnaire", "--out", "q.txt"], tmp_path), names=["--out", ".xlsx"]
    )
    outcome = run(["questionnaire", "--group", "firms"], tmp_path)
    assert outcome.status == 2
    assert outcome.changed == ()
