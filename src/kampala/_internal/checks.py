"""Argument checks and converters shared by public functions and results.

Each check raises a `kampala.errors` exception in the house shape
``<where>: '<field>' must be <expectation> (got <value!r>). <hint>``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from kampala.errors import ParameterTypeError, ParameterValueError

__all__ = [
    "as_float_array",
    "as_int",
    "float_array_view",
    "int_tuple",
    "nested_str_tuple",
    "optional_str_tuple",
    "str_tuple",
]


def as_int(where: str, field: str, value: Any, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum`` (bools are not integers).

    Examples
    --------
    >>> as_int("f()", "n", 3, 1)
    3
    >>> as_int("f()", "n", 0, 1)
    Traceback (most recent call last):
    ...
    kampala.errors.ParameterValueError: f(): 'n' must be an integer >= 1 (got 0).
    """
    expected = f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterTypeError(where, field, value, expected)
    if value < minimum:
        raise ParameterValueError(where, field, int(value), expected)
    return int(value)


def as_float_array(where: str, field: str, values: Any) -> npt.NDArray[np.float64]:
    """Return a float64 copy, raising `ParameterTypeError` for non-numbers."""
    if isinstance(values, str | bytes):
        raise ParameterTypeError(where, field, values, "a numeric array")
    try:
        arr = np.asarray(values)
        if arr.dtype.kind not in "biufO":
            raise TypeError(arr.dtype)
        return np.array(arr, dtype=np.float64, copy=True)
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(
            where, field, values, "a numeric array", hint=str(exc)
        ) from exc


def float_array_view(where: str, field: str, values: Any) -> npt.NDArray[np.float64]:
    """Return ``values`` as float64 without copying a float64 array.

    For large model outputs; the error names the type, not the (large) value.
    """
    try:
        arr: npt.NDArray[np.float64] = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(
            where, field, type(values).__name__, "an array of numbers"
        ) from exc
    return arr


def str_tuple(values: Iterable[Any]) -> tuple[str, ...]:
    """Return a tuple of strings (an attrs converter)."""
    return tuple(str(v) for v in values)


def int_tuple(values: Iterable[Any]) -> tuple[int, ...]:
    """Return a tuple of ints (an attrs converter)."""
    return tuple(int(v) for v in values)


def optional_str_tuple(values: Iterable[str | None]) -> tuple[str | None, ...]:
    """Return a tuple of strings or None (an attrs converter)."""
    return tuple(values)


def nested_str_tuple(values: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    """Return a tuple of tuples of strings (an attrs converter)."""
    return tuple(tuple(v) for v in values)
