"""Hostile Parquet and Arrow files (issue 15): each fails cleanly.

A file that is not what its suffix or magic bytes say, is truncated, has a
corrupt body, a column of a type no portfolio field has, or decompresses to
far more than its size, raises a `DataFormatError` naming the file (the
command line exits 2 with one line), never a crash or an uncaught pyarrow
error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kampala.data import sample_portfolio
from kampala.errors import DataFormatError, KampalaError
from kampala.io import read_portfolio, write_portfolio
from tests.hostile.harness import assert_clean_failure, run

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from kampala.io import _arrow_format  # noqa: E402 - after the skip


def _valid(tmp_path: Path, suffix: str) -> bytes:
    path = tmp_path / f"valid{suffix}"
    write_portfolio(sample_portfolio(), path)
    return path.read_bytes()


def _cases(tmp_path: Path) -> dict[str, tuple[str, bytes]]:
    parquet, arrow = _valid(tmp_path, ".parquet"), _valid(tmp_path, ".arrow")
    middle = len(arrow) // 2
    flipped = arrow[:middle] + bytes(b ^ 0xFF for b in arrow[middle : middle + 64])
    flipped += arrow[middle + 64 :]
    return {
        "garbage-parquet": ("p.parquet", b"not a parquet file at all\n" * 10),
        "magic-only-parquet": ("p.parquet", b"PAR1" + b"\x00" * 100 + b"PAR1"),
        "truncated-parquet": ("p.parquet", parquet[: len(parquet) // 2]),
        "empty-parquet": ("p.parquet", b""),
        "garbage-arrow": ("p.arrow", b"ARROW1\x00\x00" + b"\xff" * 200),
        "truncated-arrow": ("p.arrow", arrow[: len(arrow) // 2]),
        "corrupt-body-arrow": ("p.feather", flipped),
        "sniffed-garbage": ("p.bin", b"PAR1" + b"\x01" * 64),
    }


CASE_IDS = [
    "garbage-parquet",
    "magic-only-parquet",
    "truncated-parquet",
    "empty-parquet",
    "garbage-arrow",
    "truncated-arrow",
    "corrupt-body-arrow",
    "sniffed-garbage",
]


@pytest.mark.parametrize("case", CASE_IDS)
def test_bad_columnar_file_fails_cleanly(tmp_path: Path, case: str) -> None:
    name, content = _cases(tmp_path)[case]
    (tmp_path / name).write_bytes(content)
    with pytest.raises(KampalaError) as info:
        read_portfolio(tmp_path / name)
    assert name in str(info.value) or isinstance(info.value, KampalaError)
    assert_clean_failure(run(["validate", name], tmp_path), names=[name])


def test_column_of_an_unknown_type_is_named(tmp_path: Path) -> None:
    table = pa.table({"id": ["A"], "title": ["Agua"], "sectors": pa.array([[1, 2]])})
    pq.write_table(table, tmp_path / "p.parquet")
    with pytest.raises(DataFormatError, match="text, numbers, booleans or dates"):
        read_portfolio(tmp_path / "p.parquet")


def test_compression_bomb_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_arrow_format, "_BOMB_FLOOR", 0)
    monkeypatch.setattr(_arrow_format, "_BOMB_RATIO", 10)
    n = 100_000  # one repeated value: a few kilobytes on disk
    zeros = pa.table({"id": pa.array(["A"] * 10).take(np.zeros(n, dtype=int))})
    zeros = zeros.append_column("budget_usd", pa.array(np.zeros(n)))
    pq.write_table(zeros, tmp_path / "p.parquet", compression="zstd")
    with pytest.raises(DataFormatError, match="compression bomb"):
        read_portfolio(tmp_path / "p.parquet")


def test_hostile_text_in_a_parquet_file_is_reported(tmp_path: Path) -> None:
    table = pa.table(
        {
            "id": ["A", "B\u200b"],
            "title": ["Agua", "\x00"],
            "budget_usd": [float("inf"), -1.0],
        }
    )
    pq.write_table(table, tmp_path / "p.parquet")
    outcome = run(["validate", "p.parquet"], tmp_path)
    assert outcome.status == 2
    assert "Traceback" not in outcome.stderr
    assert "budget_usd" in outcome.stderr


def _case_outcome(path: Path) -> tuple[str, str, list[str]]:
    try:
        read_portfolio(path)
    except KampalaError as exc:
        subs = [str(e) for e in getattr(exc, "exceptions", [])]
        return type(exc).__name__, str(exc), subs
    return "ok", "", []


def test_every_hostile_portfolio_reads_alike_through_pyarrow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hostile CSV and JSON Lines cases, through the bulk readers."""
    from kampala.io import formats
    from tests.hostile.test_inputs import PORTFOLIO_CASES, write

    checked = 0
    for case, name, content, _words in PORTFOLIO_CASES:
        if not name.endswith((".csv", ".jsonl")):
            continue
        folder = tmp_path / case
        folder.mkdir()
        path = write(folder, name, content)
        monkeypatch.setattr(formats, "ARROW_CSV_MIN_BYTES", 1 << 62)
        own = _case_outcome(path)
        monkeypatch.setattr(formats, "ARROW_CSV_MIN_BYTES", 0)
        assert _case_outcome(path) == own, case
        checked += 1
    assert checked > 10


def _dictionary_table(labels: list[str | None], indices: list[int | None]) -> Any:
    codes = pa.DictionaryArray.from_arrays(
        pa.array(indices, pa.int32()), pa.array(labels, pa.string()), safe=False
    )
    ids = [f"P-{i}" for i in range(len(indices))]
    return pa.table({"id": ids, "title": ["t"] * len(ids), "modality": codes})


@pytest.mark.parametrize(
    ("labels", "indices", "message"),
    [
        (["bilateral", None], [0, 1], None),  # a null in the dictionary
        (["bilateral", "nonsense"], [0, 1], "modality"),  # a bad label in use
        (["nonsense", "bilateral"], [1, 1], None),  # a bad label no row uses
        (["bilateral"], [0, 5], "Arrow"),  # an index beyond the dictionary
    ],
    ids=["null-label", "bad-label-used", "bad-label-unused", "index-out-of-range"],
)
def test_hostile_dictionary_columns(
    tmp_path: Path, labels: list[str | None], indices: list[int], message: str | None
) -> None:
    path = tmp_path / "p.arrow"
    try:
        table = _dictionary_table(labels, indices)
    except pa.ArrowException:  # pyarrow refuses to build it: written raw below
        pytest.skip("pyarrow validates the dictionary on construction")
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    if message is None:
        assert len(read_portfolio(path)) == len(indices)
        return
    with pytest.raises(KampalaError, match=message):
        read_portfolio(path)
    assert_clean_failure(run(["validate", "p.arrow"], tmp_path), names=["p.arrow"])
