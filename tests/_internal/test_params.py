from __future__ import annotations

import pytest

from kampala import ParameterTypeError, ParameterValueError
from kampala._internal.params import parse_spec, resolve_method
from kampala.composite import aggregate, impute, normalise, treat


@pytest.mark.parametrize(
    ("methods", "spec", "expected"),
    [
        (normalise.METHODS, "min-max", ("min-max", {"lower": 0.0, "upper": 100.0})),
        (
            normalise.METHODS,
            "min-max:1,100",
            ("min-max", {"lower": 1.0, "upper": 100.0}),
        ),
        (
            normalise.METHODS,
            "min-max:upper=10",
            ("min-max", {"lower": 0.0, "upper": 10.0}),
        ),
        (normalise.METHODS, "z-score:10,2", ("z-score", {"mean": 10.0, "sd": 2.0})),
        (
            normalise.METHODS,
            "goalposts:0,10,100,no",
            ("goalposts", {"lower": 0.0, "upper": 10.0, "scale": 100.0, "clip": False}),
        ),
        (
            normalise.METHODS,
            "distance-to-target:none,true",
            ("distance-to-target", {"target": None, "cap": True}),
        ),
        (
            impute.METHODS,
            "group-mean:EurAsia_group",
            ("group-mean", {"group": "EurAsia_group"}),
        ),
        (impute.METHODS, "group-mean: 123 ", ("group-mean", {"group": "123"})),
        (
            treat.METHODS,
            "winsorise:3",
            ("winsorise", {"points": 3, "skew": 2.0, "kurtosis": 3.5, "log": True}),
        ),
        (aggregate.METHODS, "generalised-mean:0.5", ("generalised-mean", {"p": 0.5})),
    ],
)
def test_parse_spec(methods: dict, spec: str, expected: tuple) -> None:  # type: ignore[type-arg]
    assert parse_spec("--x", methods, spec) == expected


def test_parsed_values_have_their_declared_types() -> None:
    _, params = parse_spec("--x", normalise.METHODS, "min-max:1,100")
    assert all(type(v) is float for v in params.values())
    _, params = parse_spec("--x", treat.METHODS, "winsorise:3")
    assert type(params["points"]) is int


def test_resolved_parameters_are_complete() -> None:
    assert resolve_method("f()", normalise.METHODS, "min-max", None) == {
        "lower": 0.0,
        "upper": 100.0,
    }


def test_parse_errors() -> None:
    with pytest.raises(
        ParameterValueError, match=r"--x: 'method' must be one of 'min-max'"
    ):
        parse_spec("--x", normalise.METHODS, "minmax:1,2")
    with pytest.raises(
        ParameterValueError,
        match=r"--x: 'rank:1' must be at most 0 parameter\(s\) for 'rank'\.",
    ):
        parse_spec("--x", normalise.METHODS, "rank:1")
    with pytest.raises(ParameterTypeError, match=r"'points' must be an integer"):
        parse_spec("--x", treat.METHODS, "winsorise:many")
    with pytest.raises(ParameterValueError, match=r"'points' must be a whole number"):
        parse_spec("--x", treat.METHODS, "winsorise:2.5")
    with pytest.raises(ParameterTypeError, match=r"'lower' must be a number"):
        parse_spec("--x", normalise.METHODS, "min-max:true,2")
