"""Named methods with typed, validated parameters.

Each composite step offers methods by name (``"min-max"``, ``"geometric"``).
A method declares its parameters as a tuple of `Param`; this module
fills defaults, checks types and ranges, and parses the positional
``name:p1,p2`` form the command line uses. Resolved parameters are complete
(every default filled in), so two configurations that mean the same thing
compare equal and hash the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from kampala._internal.text import with_article
from kampala.errors import ParameterTypeError, ParameterValueError

__all__ = [
    "REQUIRED",
    "Method",
    "Param",
    "ParamValue",
    "as_float",
    "as_int",
    "parse_spec",
    "relative_shares",
    "resolve_method",
    "scale_weight_rows",
]

ParamValue = float | int | str | bool | None


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@attrs.frozen
class Param:
    """One parameter of a method."""

    name: str
    kind: type
    default: Any = REQUIRED
    check: Callable[[Any], bool] | None = None
    expected: str = ""
    doc: str = ""
    nullable: bool = False


@attrs.frozen
class Method:
    """A named method of a step and its parameters."""

    name: str
    params: tuple[Param, ...] = ()
    doc: str = ""


def _coerce(where: str, method: str, p: Param, value: Any) -> ParamValue:
    if value is None:
        if p.nullable:
            return None
        expected = f"{with_article(p.kind.__name__)} for method {method!r}"
        raise ParameterTypeError(where, p.name, value, expected)
    if p.kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterTypeError(
                where, p.name, value, f"a number for method {method!r}"
            )
        value = float(value)
        if not math.isfinite(value):
            raise ParameterValueError(where, p.name, value, "a finite number")
    elif p.kind is int:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterTypeError(
                where, p.name, value, f"an integer for method {method!r}"
            )
        if isinstance(value, float) and not value.is_integer():
            raise ParameterValueError(where, p.name, value, "a whole number")
        value = int(value)
    elif p.kind is bool:
        if not isinstance(value, bool):
            raise ParameterTypeError(
                where, p.name, value, f"true or false for method {method!r}"
            )
    elif p.kind is str and not isinstance(value, str):
        raise ParameterTypeError(
            where, p.name, value, f"a string for method {method!r}"
        )
    if p.check is not None and not p.check(value):
        raise ParameterValueError(where, p.name, value, p.expected)
    return value  # type: ignore[no-any-return]


def _method(where: str, methods: Mapping[str, Method], name: str) -> Method:
    """Return ``methods[name]``, or raise the error that lists the valid names."""
    if name not in methods:
        raise ParameterValueError(
            where,
            "method",
            name,
            f"one of {', '.join(repr(m) for m in methods)}",
        )
    return methods[name]


def resolve_method(
    where: str,
    methods: Mapping[str, Method],
    name: str,
    params: Mapping[str, Any] | None,
) -> dict[str, ParamValue]:
    """Validate ``params`` for method ``name`` and fill in defaults.

    Raises
    ------
    ParameterValueError
        For an unknown method (listing the valid names), an unknown
        parameter, a missing required parameter or a value out of range.
    ParameterTypeError
        For a value of the wrong type.
    """
    method = _method(where, methods, name)
    given = dict(params or {})
    known = {p.name for p in method.params}
    unknown = sorted(set(given) - known)
    if unknown:
        raise ParameterValueError(
            where,
            "params",
            unknown[0],
            f"a parameter of method {name!r}"
            + (f" ({', '.join(sorted(known))})" if known else " (it takes none)"),
        )
    out: dict[str, ParamValue] = {}
    for p in method.params:
        if p.name in given:
            out[p.name] = _coerce(where, name, p, given[p.name])
        elif p.default is REQUIRED:
            raise ParameterValueError(
                where,
                p.name,
                expected=f"given for method {name!r} ({p.doc or p.expected})",
            )
        else:
            out[p.name] = p.default
    return out


_INT = re.compile(r"[+-]?[0-9]{1,300}", re.ASCII)
_FLOAT = re.compile(
    r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)",
    re.ASCII | re.IGNORECASE,
)


def _parse_scalar(text: str) -> Any:
    # plain ASCII numbers only: no '1_000', no full-width digits, no
    # 4,300-digit integers (Python's int() would accept the first two)
    t = text.strip()
    low = t.lower()
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    if low in ("none", "null", ""):
        return None
    if _INT.fullmatch(t):
        return int(t)
    if _FLOAT.fullmatch(t):
        return float(t)
    return t


def _too_large(where: str, name: str, text: str, value: Any) -> None:
    """Refuse a number written in full that overflows a float ('1e309')."""
    if isinstance(value, float) and math.isinf(value) and "inf" not in text.lower():
        shown = text.strip()
        raise ParameterValueError(
            where,
            name,
            shown if len(shown) <= 40 else f"{shown[:20]}...{shown[-10:]}",
            "a number within the float range (magnitude at most about 1.8e308)",
            hint="The number is too large to represent.",
        )


def parse_spec(
    where: str, methods: Mapping[str, Method], spec: str
) -> tuple[str, dict[str, ParamValue]]:
    """Parse ``name`` or ``name:p1,p2,...`` into a method name and parameters.

    Positional values fill the method's parameters in declaration order;
    ``key=value`` items name a parameter explicitly.

    Examples
    --------
    >>> from kampala.composite.normalise import METHODS
    >>> parse_spec("--normalise", METHODS, "min-max:1,100")
    ('min-max', {'lower': 1.0, 'upper': 100.0})
    """
    name, _, rest = spec.partition(":")
    name = name.strip()
    order = list(_method(where, methods, name).params)
    kinds = {p.name: p.kind for p in order}

    def convert(param_name: str, text: str) -> Any:
        if kinds.get(param_name) is str:
            return text.strip()
        val = _parse_scalar(text)
        if kinds.get(param_name) is float and type(val) is int:
            try:
                return float(val)
            except OverflowError:
                val = math.inf
        _too_large(where, param_name, text, val)
        return val

    given: dict[str, Any] = {}
    if rest.strip():
        items: Sequence[str] = rest.split(",")
        pos = 0
        for item in items:
            if "=" in item:
                key, _, val = item.partition("=")
                given[key.strip()] = convert(key.strip(), val)
                continue
            if pos >= len(order):
                raise ParameterValueError(
                    where,
                    spec,
                    expected=(
                        f"at most {len(order)} parameter(s) for {name!r}"
                        + (f": {', '.join(p.name for p in order)}" if order else "")
                    ),
                )
            given[order[pos].name] = convert(order[pos].name, item)
            pos += 1
    return name, resolve_method(where, methods, name, given)


def as_float(params: Mapping[str, ParamValue], name: str) -> float:
    """Return a resolved numeric parameter as a float."""
    value = params[name]
    assert isinstance(value, int | float), (name, value)
    return float(value)


def as_int(params: Mapping[str, ParamValue], name: str) -> int:
    """Return a resolved integer parameter."""
    value = params[name]
    assert isinstance(value, int), (name, value)
    return value


def relative_shares(weights: Sequence[float], *, exact: bool = False) -> list[float]:
    """Finite non-negative weights divided by their sum, without overflow.

    The weights are first scaled by a power of two near their largest value
    (exact in binary floating point), so the sum cannot overflow even for
    weights near the largest float; for ordinary weights the shares are
    bitwise those of ``w / sum(w)`` (``w / math.fsum(w)`` with ``exact``).
    An all-zero vector gives all zeros.

    >>> relative_shares([1e308, 1e308])
    [0.5, 0.5]
    >>> relative_shares([1.0, 3.0])
    [0.25, 0.75]
    """
    top = max(weights, default=0.0)
    if not top > 0:
        return [0.0 for _ in weights]
    shift = math.frexp(top)[1]
    scaled = [math.ldexp(w, -shift) for w in weights]
    total = math.fsum(scaled) if exact else sum(scaled)
    return [w / total for w in scaled]


def scale_weight_rows(w: Any) -> Any:
    """Scale each row of a weight array by a power of two so its max is ~1.

    Exact (a power-of-two scaling changes no ratio), so means are bitwise
    the same, but sums of weights near the largest float no longer overflow
    and sums of subnormal weights no longer underflow. Rows whose largest
    weight is already between 2**-500 and 2**500 are left alone.
    """
    import numpy as np

    arr = np.asarray(w, dtype=np.float64)
    if arr.size == 0:
        return arr
    top = arr.max(axis=-1, keepdims=True)
    odd = (top > 2.0**500) | ((top > 0) & (top < 2.0**-500))
    if not bool(odd.any()):
        return arr
    shift = np.where(
        odd & np.isfinite(top), np.frexp(np.where(top > 0, top, 1.0))[1], 0
    )
    return np.ldexp(arr, -shift)
