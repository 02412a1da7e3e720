"""The fast paths of column validation agree with the row-by-row rules."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kampala import Portfolio
from kampala.errors import ConfusableIdWarning, PortfolioValidationError
from kampala.records import Role, TargetGroup
from kampala.validators import Members, Text

cells = st.sampled_from([0.0, 1.0, math.nan, 2.0, -0.0, 0.5])


def _rows_ok(col: np.ndarray, optional: bool) -> list[bool]:
    """The rule, one row at a time: 0/1 flags, or (if optional) all NaN."""
    out = []
    for row in col.tolist():
        if optional and all(math.isnan(v) for v in row):
            out.append(True)
        else:
            out.append(all(v in (0.0, 1.0) for v in row))
    return out


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(0, 30), st.just(4)), elements=cells),
    st.booleans(),
)
def test_members_column_matches_rows(col: np.ndarray, optional: bool) -> None:
    v = Members.of(Role, optional=optional)
    assert v._column_ok(col).tolist() == _rows_ok(col, optional)


@given(st.lists(st.sampled_from(["a", "b", " ", "", "x y", "\u200b", 3]), max_size=40))
def test_text_column_matches_values(values: list[object]) -> None:
    col = np.empty(len(values), dtype=object)
    col[:] = values
    text = Text(expected="a non-empty string", optional=False)
    assert [r for r, _ in text.column(col)] == [
        i for i, v in enumerate(values) if text.check(v) is not None
    ]


@given(st.lists(st.sampled_from(["A", "B", "C", "a", "D\u0301"]), min_size=1))
def test_repeated_ids_are_reported(ids: list[str]) -> None:
    titles = ["t"] * len(ids)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConfusableIdWarning)
        if len(set(ids)) == len(ids):
            assert len(Portfolio.from_columns({"id": ids, "title": titles})) == len(ids)
        else:
            with pytest.raises(PortfolioValidationError, match="unique"):
                Portfolio.from_columns({"id": ids, "title": titles})


def test_mixed_currencies_found_with_one_pass_over_codes() -> None:
    actors = {
        "partnership": [0, 0, 1],
        "name": ["a", "b", "c"],
        "kind": [0, 0, 0],
        "financial_contribution": [1.0, 2.0, 3.0],
        "currency": ["USD", "PEN", "USD"],
    }
    with pytest.raises(PortfolioValidationError, match="single currency"):
        Portfolio.from_columns({"id": ["A", "B"], "title": ["x", "y"]}, actors)
    actors["currency"] = ["USD", "USD", "PEN"]
    pf = Portfolio.from_columns({"id": ["A", "B"], "title": ["x", "y"]}, actors)
    assert pf.actor_column("currency").tolist() == ["USD", "USD", "PEN"]


def test_optional_enumset_rows_partly_missing() -> None:
    col = np.zeros((3, len(TargetGroup)))
    col[1] = np.nan
    col[2, 0] = np.nan
    assert [r for r, _ in Members.of(TargetGroup).column(col)] == [2]
