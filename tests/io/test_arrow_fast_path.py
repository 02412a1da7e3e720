"""The Arrow fast path: numbers agree with the own parser or are declined."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala.io._csv_cells import _parse_cells
from kampala.portfolio import SPEC_BY_PATH

pa = pytest.importorskip("pyarrow")
pc = pytest.importorskip("pyarrow.compute")

from kampala.io import _arrow_format  # noqa: E402 - after the skip

TRICKY = [
    "", "0", "1", "+1", "-1", "1.", ".5", "1e5", "1E+05", "2.5e-3", "00012",
    "-0", " 1", "1 ", "0x1F", "0X10", "inf", "-inf", "Infinity", "nan", "NaN",
    "1,5", "1e999", "9007199254740993", "99999999999999999999", "1.0", "1e3",
    "\u0663", "1_000", "+", ".", "e5",
]  # fmt: skip


@given(
    st.lists(st.sampled_from(TRICKY), min_size=1, max_size=12),
    st.sampled_from(["budget_usd", "results.indicators_total"]),
)
def test_arrow_numbers_match_the_own_parser(cells: list[str], path: str) -> None:
    spec = SPEC_BY_PATH[path]
    own, bad = _parse_cells(spec, cells, None)  # parsing alone, no bounds
    try:
        fast = _arrow_format._numbers(pa, pc, pa.array(cells), spec.kind)
    except _arrow_format.Declined:
        return  # the own reader reads it (safe, only slower)
    if bad:  # a cell the own reader reports: the portfolio's validator does
        assert spec.validator.column(fast)
        return
    np.testing.assert_array_equal(fast, own)


def test_plain_numbers_are_taken() -> None:
    cells = ["1500.0", "", "2.5e6", "0.25", "-0"]
    fast = _arrow_format._numbers(pa, pc, pa.array(cells), "amount")
    np.testing.assert_array_equal(fast, [1500.0, np.nan, 2.5e6, 0.25, 0.0])
    ints = _arrow_format._numbers(pa, pc, pa.array(["3", "", "12"]), "count")
    np.testing.assert_array_equal(ints, [3.0, np.nan, 12.0])


@pytest.mark.parametrize(
    ("tail", "bare"),
    [(b"\r\n", False), (b"\rb", True), (b"\r", True), (b"\n\r\n", False)],
)
def test_bare_carriage_return_across_blocks(
    tmp_path: Path, tail: bytes, bare: bool
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"a" * ((1 << 22) - 1) + tail)  # the CR ends the first block
    assert _arrow_format._bare_cr(path) is bare
