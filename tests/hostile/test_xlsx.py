"""Hostile workbooks (.xlsx): every one fails cleanly, on one line, unopened if need be.

Ids name the class as in `test_inputs`: ``c7-...`` (file type and size),
``c9-...`` (what would otherwise be an uncaught exception), ``c10-...``
(silent changes).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kampala.data import sample_portfolio
from kampala.errors import DataFormatError, KampalaError, PortfolioValidationError
from kampala.io import _xlsx, read_portfolio, write_portfolio
from kampala.portfolio import Portfolio
from kampala.records import Partnership
from tests.hostile.harness import run
from tests.hostile.test_inputs import assert_rejected

pytest.importorskip("openpyxl")


def _valid(folder: Path) -> bytes:
    path = folder / "valid.xlsx"
    write_portfolio(sample_portfolio(), path)
    data = path.read_bytes()
    path.unlink()
    return data


def _rezip(data: bytes, change: Callable[[str, bytes], bytes | None], add=()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            new = change(info.filename, src.read(info))
            if new is not None:
                dst.writestr(info.filename, new, compress_type=zipfile.ZIP_DEFLATED)
        for name, content in add:
            dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _same(_: str, b: bytes) -> bytes:
    return b


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c>'
    b"</row></sheetData></worksheet>"
)


def _sheet(replace: bytes) -> Callable[[str, bytes], bytes]:
    def change(name: str, data: bytes) -> bytes:
        return replace if name == "xl/worksheets/sheet1.xml" else data

    return change


CASES: list[tuple[str, Callable[[bytes], bytes], list[str]]] = [
    ("c7-xlsx-not-a-zip", lambda _: b"id,title\nA,B\n", ["not a zip archive"]),
    ("c7-xlsx-old-xls", lambda _: b"\xd0\xcf\x11\xe0" + b"\0" * 600, [".xls"]),
    (
        "c7-xlsx-zip-without-workbook",
        lambda d: _rezip(d, lambda n, b: None if n == "xl/workbook.xml" else b),
        ["xl/workbook.xml"],
    ),
    (
        "c7-xlsx-macros",
        lambda d: _rezip(d, _same, [("xl/vbaProject.bin", b"\0" * 64)]),
        ["macros"],
    ),
    (
        "c7-xlsx-external-links",
        lambda d: _rezip(d, _same, [("xl/externalLinks/externalLink1.xml", b"<x/>")]),
        ["links to other files"],
    ),
    (
        "c9-xlsx-billion-laughs",
        lambda d: _rezip(d, _sheet(_LAUGHS)),
        ["a readable Excel workbook"],
    ),
    (
        "c9-xlsx-truncated-sheet-xml",
        lambda d: _rezip(d, _sheet(b"<worksheet><sheetData><row r='1'><c")),
        ["a readable Excel workbook"],
    ),
    (
        "c9-xlsx-truncated-zip",
        lambda d: d[: len(d) // 2],
        ["cartera.xlsx"],
    ),
]


@pytest.mark.parametrize(
    ("make", "words"), [pytest.param(m, w, id=i) for i, m, w in CASES]
)
def test_hostile_workbook_is_refused(
    tmp_path: Path, make: Callable[[bytes], bytes], words: list[str]
) -> None:
    (tmp_path / "cartera.xlsx").write_bytes(make(_valid(tmp_path)))
    assert_rejected(
        run(["validate", "cartera.xlsx"], tmp_path), ["cartera.xlsx", *words]
    )
    with pytest.raises(KampalaError) as info:
        read_portfolio(tmp_path / "cartera.xlsx")
    assert isinstance(info.value, DataFormatError | PortfolioValidationError)


def test_c7_zip_bomb_is_refused_unopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_xlsx, "MAX_UNCOMPRESSED", 1 << 20)
    data = _rezip(_valid(tmp_path), _same, [("xl/media/zeros.bin", b"\0" * (2 << 20))])
    assert len(data) < 1 << 20
    (tmp_path / "cartera.xlsx").write_bytes(data)
    outcome = run(["validate", "cartera.xlsx"], tmp_path)
    assert_rejected(outcome, ["cartera.xlsx", "too large once uncompressed"])


def test_c10_formula_without_saved_value_is_refused(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "cartera.xlsx"
    write_portfolio(sample_portfolio(), path)
    wb = openpyxl.load_workbook(path)
    wb.active["H2"] = "=1e9*1000"
    wb.save(path)
    outcome = run(["score", "cartera.xlsx", "--out", "s.csv"], tmp_path)
    assert_rejected(outcome, ["'budget_usd'", "Partnerships!H2", "saved"])


@pytest.mark.parametrize(
    ("title", "words"),
    [("Agua\x07", "text a workbook can hold"), ("x" * 40_000, "32767 characters")],
)
def test_text_a_workbook_cannot_hold_is_refused(
    tmp_path: Path, title: str, words: str
) -> None:
    pf = Portfolio.from_records([Partnership(id="A", title=title)])
    with pytest.raises(DataFormatError, match=words):
        write_portfolio(pf, tmp_path / "a.xlsx")
    assert list(tmp_path.iterdir()) == []  # nothing written


# ---------------------------------------------------------------------------
# CSV as Excel writes it in other locales: options and encodings
# ---------------------------------------------------------------------------
DIALECT_CASES = [
    ("c6-csv-utf16", "id\ttitle\nA\tB\n".encode("utf-16"), [], ["UTF-16", "CSV UTF-8"]),
    (
        "c6-csv-utf8-then-cp1252",
        b"id,title\nA,B\n" + b"C," + b"x" * 70_000 + b"\nD,Ca\xf1ete\n",
        [],
        ["line 4", "--encoding cp1252"],
    ),
    ("c9-csv-wrong-sep", b"id;title\nA;B\n", ["--sep", ","], ["'sep'", "';'"]),
    ("c9-csv-bad-encoding", b"id,title\n", ["--encoding", "rot13"], ["'--encoding'"]),
    ("c9-csv-bad-sep", b"id,title\nA,B\n", ["--sep", "||"], ["'--sep'", "'||'"]),
    (
        "c9-csv-undefined-cp1252-byte",  # read as Latin-1, then an unknown column
        b"id,title,\x81x\nA,B,1\n",
        [],
        ["\\x81x", "line 1"],
    ),
]


@pytest.mark.parametrize(
    ("content", "options", "words"),
    [pytest.param(c, o, w, id=i) for i, c, o, w in DIALECT_CASES],
)
def test_csv_dialect_hostile(
    tmp_path: Path, content: bytes, options: list[str], words: list[str]
) -> None:
    (tmp_path / "cartera.csv").write_bytes(content)
    outcome = run(["validate", "cartera.csv", *options], tmp_path)
    bad_option = any(w.startswith("'--") for w in words)  # names the option
    assert_rejected(outcome, words if bad_option else ["cartera.csv", *words])
