from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given

from kampala import DataFormatError, Framework, IndicatorSet, Node, ParameterValueError
from tests.strategies import indicator_sets


@pytest.fixture
def fw() -> Framework:
    return Framework(
        nodes=[
            Node(code="x", parent="T"),
            Node(code="y", parent="T"),
            Node(code="T", level=2, kind="aggregate"),
        ]
    )


@pytest.fixture
def data(fw: Framework) -> IndicatorSet:
    return IndicatorSet(
        framework=fw,
        unit_codes=["a", "b", "c"],
        unit_names=["A", "B", "C"],
        values=[[1.0, np.nan], [3.0, 4.0], [5.0, 6.0]],
        groups={"g": ["G1", "G1", None]},
        denominators={"pop": [1.0, 2.0, 4.0]},
    )


def test_basic_views(data: IndicatorSet) -> None:
    assert data.n_units == 3
    assert data.n_indicators == 2
    assert data.indicator_codes == ("x", "y")
    assert data.column("y").tolist()[1:] == [4.0, 6.0]
    assert data.group("g") == ("G1", "G1", None)
    np.testing.assert_array_equal(data.data_availability(), [0.5, 1.0, 1.0])


def test_unit_names_default_to_codes(fw: Framework) -> None:
    d = IndicatorSet(framework=fw, unit_codes=["a"], values=[[1.0, 2.0]])
    assert d.unit_names == ("a",)


def test_values_are_copied_and_read_only(fw: Framework) -> None:
    raw = np.array([[1.0, 2.0], [3.0, 4.0]])
    d = IndicatorSet(framework=fw, unit_codes=["a", "b"], values=raw)
    raw[0, 0] = 99.0
    assert d.values[0, 0] == 1.0
    with pytest.raises(ValueError, match="read-only"):
        d.values[0, 0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        d.column("x")[0] = 5.0
    assert raw.flags.writeable


def test_with_values_copies_and_is_read_only(data: IndicatorSet) -> None:
    new = np.arange(6.0).reshape(3, 2)
    d = data.with_values(new)
    new[0, 0] = 99.0
    assert d.values[0, 0] == 0.0
    assert d.unit_codes == data.unit_codes
    assert d.group("g") == data.group("g")
    with pytest.raises(ValueError, match="read-only"):
        d.values[0, 0] = 5.0


def test_with_values_checks_shape_and_infinities(data: IndicatorSet) -> None:
    with pytest.raises(DataFormatError, match=r"'values' must be of shape \(3, 2\)"):
        data.with_values(np.ones((2, 2)))
    with pytest.raises(
        DataFormatError, match=r"unit 'b': 'y' must be a finite number or NaN"
    ):
        data.with_values(np.array([[1.0, 2.0], [3.0, -np.inf], [5.0, 6.0]]))


def test_denominators_are_read_only(data: IndicatorSet) -> None:
    with pytest.raises(ValueError, match="read-only"):
        data.denominators["pop"][0] = 0.0


def test_equality(data: IndicatorSet, fw: Framework) -> None:
    same = IndicatorSet(
        framework=fw,
        unit_codes=["a", "b", "c"],
        unit_names=["A", "B", "C"],
        values=[[1.0, np.nan], [3.0, 4.0], [5.0, 6.0]],
        groups={"g": ["G1", "G1", None]},
        denominators={"pop": [1.0, 2.0, 4.0]},
    )
    assert same == data  # NaN compares equal to NaN here
    assert data.with_values(data.values * 2) != data


def test_select_units_keeps_everything_aligned(data: IndicatorSet) -> None:
    sub = data.select_units(np.array([True, False, True]))
    assert sub.unit_codes == ("a", "c")
    assert sub.unit_names == ("A", "C")
    assert sub.group("g") == ("G1", None)
    assert sub.denominators["pop"].tolist() == [1.0, 4.0]
    np.testing.assert_array_equal(sub.values, [[1.0, np.nan], [5.0, 6.0]])


@pytest.mark.parametrize(
    "mask",
    [
        np.array([True, False]),  # one value short
        np.array([2, 0, 0]),  # row numbers, not a mask
        np.array([1, 0, 1]),  # 0/1 integers are not booleans
        np.array([[True, False, True]]),  # wrong shape
    ],
)
def test_select_units_needs_one_boolean_per_unit(
    data: IndicatorSet, mask: np.ndarray
) -> None:
    with pytest.raises(ParameterValueError, match=r"a boolean array of shape \(3,\)"):
        data.select_units(mask)


def test_to_records(data: IndicatorSet) -> None:
    rows = data.to_records()
    assert rows[0] == {"uCode": "a", "uName": "A", "g": "G1", "x": 1.0, "y": None}


def test_from_columns(fw: Framework) -> None:
    d = IndicatorSet.from_columns(fw, ["a", "b"], {"y": [1.0, 2.0], "x": [3.0, 4.0]})
    np.testing.assert_array_equal(d.values, [[3.0, 1.0], [4.0, 2.0]])
    with pytest.raises(
        DataFormatError,
        match=r"'columns' must be present for every indicator of the framework "
        r"\(got \['y'\]\)",
    ):
        IndicatorSet.from_columns(fw, ["a"], {"x": [1.0]})
    with pytest.raises(
        DataFormatError,
        match=r"'columns' must be indicator codes of the framework \(got \['z'\]\)",
    ):
        IndicatorSet.from_columns(fw, ["a"], {"x": [1.0], "y": [1.0], "z": [1.0]})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"unit_codes": ["a"], "values": [[1.0, 2.0, 3.0]]},
            r"IndicatorSet\(\): 'values' must be of shape \(n_units, n_indicators\) "
            r"= \(1, 2\) \(got \(1, 3\)\)",
        ),
        (
            {"unit_codes": ["a"], "values": [1.0, 2.0]},
            r"'values' must be of shape",
        ),
        (
            {"unit_codes": ["a", "a"], "values": [[1.0, 2.0], [3.0, 4.0]]},
            r"'unit_codes' must be unique \(got 'a'\)",
        ),
        (
            {"unit_codes": ["a", "b"], "values": [[1.0, 2.0], [np.inf, 4.0]]},
            r"unit 'b': 'x' must be a finite number or NaN \(missing\) \(got inf\)",
        ),
        (
            {"unit_codes": ["a"], "values": [[1.0, 2.0]], "unit_names": ["A", "B"]},
            r"'unit_names' must be of length 1 \(got 2\)",
        ),
        (
            {"unit_codes": ["a"], "values": [[1.0, 2.0]], "groups": {"g": []}},
            r"'groups\['g'\]' must be of length 1 \(got 0\)",
        ),
        (
            {
                "unit_codes": ["a"],
                "values": [[1.0, 2.0]],
                "denominators": {"d": [1.0, 2.0]},
            },
            r"'denominators\['d'\]' must be of shape \(1,\) \(got \(2,\)\)",
        ),
        (
            {"unit_codes": [1], "values": [[1.0, 2.0]]},
            r"'unit codes and names' must be strings \(got 1\)",
        ),
    ],
)
def test_errors(fw: Framework, kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(DataFormatError, match=match):
        IndicatorSet(framework=fw, **kwargs)  # type: ignore[arg-type]


def test_lookup_errors(data: IndicatorSet) -> None:
    with pytest.raises(
        DataFormatError, match=r"'code' must be one of the indicator codes \(got 'q'\)"
    ):
        data.column("q")
    with pytest.raises(
        DataFormatError,
        match=r"'name' must be one of the group columns \['g'\] \(got 'h'\)",
    ):
        data.group("h")


@given(indicator_sets())
def test_availability_is_share_present(data: IndicatorSet) -> None:
    a = data.data_availability()
    assert ((a >= 0) & (a <= 1)).all()
    expected = (~np.isnan(data.values)).sum(axis=1) / data.n_indicators
    np.testing.assert_allclose(a, expected, rtol=0, atol=1e-15)
