from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import errors
from kampala.errors import KampalaError, KampalaWarning

ERRORS = [
    getattr(errors, n)
    for n in errors.__all__
    if isinstance(getattr(errors, n), type)
    and issubclass(getattr(errors, n), KampalaError)
    and not issubclass(getattr(errors, n), BaseExceptionGroup)
]
WARNINGS = [
    getattr(errors, n)
    for n in errors.__all__
    if isinstance(getattr(errors, n), type) and issubclass(getattr(errors, n), Warning)
]
BUILTINS = (
    ValueError,
    TypeError,
    OSError,
    ImportError,
    LookupError,
    AttributeError,
    RuntimeError,
)


def test_message_shape() -> None:
    err = errors.ParameterValueError(
        "normalise()",
        "l_u",
        (5.0, 1.0),
        "an increasing pair (l, u)",
        hint="Swap the bounds.",
    )
    assert str(err) == (
        "normalise(): 'l_u' must be an increasing pair (l, u) (got (5.0, 1.0)). "
        "Swap the bounds."
    )
    assert (err.where, err.field, err.value, err.expected, err.hint) == (
        "normalise()",
        "l_u",
        (5.0, 1.0),
        "an increasing pair (l, u)",
        "Swap the bounds.",
    )


def test_message_without_value_or_hint() -> None:
    err = errors.MethodologyError("f()", "steps", expected="present")
    assert str(err) == "f(): 'steps' must be present."
    assert err.value is None


def test_value_none_is_shown() -> None:
    assert "(got None)" in str(errors.FrameworkError("n", "parent", None, "set"))


@pytest.mark.parametrize("cls", ERRORS)
def test_every_error_is_a_kampala_error_and_a_builtin(cls: type[KampalaError]) -> None:
    assert issubclass(cls, KampalaError)
    if cls is not KampalaError:
        assert issubclass(cls, BUILTINS), f"{cls.__name__} derives from no builtin"


@pytest.mark.parametrize("cls", WARNINGS)
def test_every_warning_is_a_kampala_warning(cls: type[Warning]) -> None:
    assert issubclass(cls, KampalaWarning)
    assert issubclass(cls, UserWarning)


picklable = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=20),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_leaves=6,
)


@given(
    st.sampled_from(ERRORS),
    st.text(max_size=30),
    st.text(max_size=30),
    st.one_of(st.just("omitted"), st.tuples(picklable)),
    st.text(max_size=30),
    st.text(max_size=30),
)
def test_errors_survive_pickling(
    cls: type[KampalaError],
    where: str,
    field: str,
    value: Any,
    expected: str,
    hint: str,
) -> None:
    if value == "omitted":
        err = cls(where, field, expected=expected, hint=hint)
    else:
        err = cls(where, field, value[0], expected, hint=hint)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(err, protocol=protocol))
        assert type(again) is cls
        assert str(again) == str(err)
        assert again.args == err.args
        assert (again.where, again.field, again.value, again.expected, again.hint) == (
            err.where,
            err.field,
            err.value,
            err.expected,
            err.hint,
        )


def test_record_validation_error_keeps_the_record_id_through_pickling() -> None:
    err = errors.RecordValidationError(
        "partnership 'PE-1'", "budget_usd", -1.0, ">= 0", record_id="PE-1"
    )
    err.add_note("record 0")
    again = pickle.loads(pickle.dumps(err))
    assert again.record_id == "PE-1"
    assert again.__notes__ == ["record 0"]
    assert str(again) == str(err)
    assert errors.RecordValidationError("Actor()", "name", "").record_id is None


def test_record_errors_name_the_partnership_from_every_source(tmp_path: Any) -> None:
    import json

    from kampala.io import read_portfolio
    from kampala.records import Partnership

    with pytest.raises(errors.RecordValidationError) as one:
        Partnership(id="PE-1", title="t", budget_usd=-1.0)
    assert one.value.record_id == "PE-1"

    doc = {
        "format": "kampala.portfolio/1",
        "partnerships": [
            {"id": "A", "title": "t", "budget_usd": -1},
            {"title": "no id"},
            {"id": "A", "title": "again"},
        ],
    }
    (tmp_path / "p.json").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "p.csv").write_text(
        "id,title,budget_usd\nC,t,-1\n,t,5\nC,t,1\n", encoding="utf-8"
    )
    for name, expected in [("p.json", ["A", None, "A"]), ("p.csv", ["C", None, "C"])]:
        with pytest.raises(errors.PortfolioValidationError) as group:
            read_portfolio(tmp_path / name)
        assert [e.record_id for e in group.value.exceptions] == expected, name
