"""Argument checks and helpers shared by the weighting methods.

Private to `kampala.composite.weights`: the names are public here so that
the method modules (`ahp`, `pca`, `bod`, `budget`, `simple`) can import them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import frozen_float64
from kampala.errors import (
    DataFormatError,
    FrameworkError,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.framework import Framework
from kampala.indicators import IndicatorSet

__all__ = [
    "FrameworkWeights",
    "check_data",
    "check_labels",
    "check_matrix",
    "first_cell",
    "positive_float",
    "reject_cells",
    "unit_name",
]


def check_labels(where: str, labels: Sequence[str] | None, n: int) -> tuple[str, ...]:
    """Return ``n`` unique labels, ``"0"``, ``"1"``, ... when ``labels`` is None.

    Examples
    --------
    >>> from kampala.composite.weights._common import check_labels
    >>> check_labels("f()", None, 3), check_labels("f()", ["a", "b"], 2)
    (('0', '1', '2'), ('a', 'b'))
    """
    if labels is None:
        return tuple(str(i) for i in range(n))
    if isinstance(labels, str):
        raise ParameterTypeError(where, "labels", labels, "a sequence of strings")
    out = tuple(labels)
    if not all(isinstance(s, str) for s in out):
        bad = next(s for s in out if not isinstance(s, str))
        raise ParameterTypeError(where, "labels", bad, "a sequence of strings")
    if len(out) != n:
        raise ParameterValueError(
            where, "labels", len(out), f"of length {n} (one per row or column)"
        )
    if len(set(out)) != n:
        dup = next(s for s in out if out.count(s) > 1)
        raise ParameterValueError(where, "labels", dup, "unique")
    return out


def check_matrix(where: str, name: str, values: Any) -> FloatArray:
    """Return ``values`` as a non-empty 2-D float array.

    Examples
    --------
    >>> from kampala.composite.weights._common import check_matrix
    >>> check_matrix("f()", "x", [[1, 2]]).shape
    (1, 2)
    """
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(where, name, values, "a 2-D array of numbers") from exc
    if arr.ndim != 2 or 0 in arr.shape:
        raise ParameterValueError(
            where, name, arr.shape, "a non-empty 2-D array (shape (rows, columns))"
        )
    return arr


def unit_name(units: tuple[str, ...] | None, r: int) -> str:
    """Return the code of unit (row) ``r``, or ``"row r"`` without codes.

    Examples
    --------
    >>> from kampala.composite.weights._common import unit_name
    >>> unit_name(None, 2), unit_name(("KE", "PE"), 1)
    ('row 2', 'PE')
    """
    return units[r] if units is not None else f"row {r}"


def first_cell(mask: npt.NDArray[np.bool_]) -> tuple[int, int]:
    """Return (row, column) of the first true cell of ``mask`` (row-major).

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite.weights._common import first_cell
    >>> first_cell(np.array([[False, False], [False, True]]))
    (1, 1)
    """
    r, c = np.argwhere(mask)[0]
    return int(r), int(c)


def reject_cells(
    bad: npt.NDArray[np.bool_],
    values: FloatArray,
    place: Callable[[int, int], tuple[str, str]],
    expected: str,
    *,
    hint: str = "",
    error: type[ParameterValueError | DataFormatError] = ParameterValueError,
) -> None:
    """Raise ``error`` for the first true cell of ``bad``, if there is one.

    ``place(row, column)`` gives the error's ``where`` and field.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite.weights._common import reject_cells
    >>> x = np.array([[1.0, -2.0]])
    >>> reject_cells(x < 0, x, lambda r, c: (f"row {r}", f"col {c}"), ">= 0")
    Traceback (most recent call last):
    ...
    kampala.errors.ParameterValueError: row 0: 'col 1' must be >= 0 (got -2.0).
    """
    if bad.any():
        r, c = first_cell(bad)
        where, field = place(r, c)
        raise error(where, field, float(values[r, c]), expected, hint=hint)


def check_data(
    where: str, data: IndicatorSet | Any, labels: Sequence[str] | None
) -> tuple[FloatArray, tuple[str, ...] | None, tuple[str, ...]]:
    """Return the values, unit codes (None for an array) and indicator codes.

    Raises
    ------
    DataFormatError
        For a missing or infinite value, naming the unit and the indicator.

    Examples
    --------
    >>> from kampala.composite.weights._common import check_data
    >>> x, units, codes = check_data("f()", [[1.0, 2.0]], ["a", "b"])
    >>> x.tolist(), units, codes
    ([[1.0, 2.0]], None, ('a', 'b'))
    """
    units: tuple[str, ...] | None = None
    if isinstance(data, IndicatorSet):
        x = np.asarray(data.values, dtype=np.float64)
        units = data.unit_codes
        codes = check_labels(
            where, labels or data.framework.indicator_codes, x.shape[1]
        )
    else:
        x = check_matrix(where, "data", data)
        codes = check_labels(where, labels, x.shape[1])
    reject_cells(
        ~np.isfinite(x),
        x,
        lambda r, c: (f"{where}: unit {unit_name(units, r)!r}", codes[c]),
        "a finite number (the method needs complete data)",
        hint="Impute missing values first, e.g. Impute(method='mean').",
        error=DataFormatError,
    )
    return x, units, codes


def positive_float(where: str, name: str, value: Any, expected: str) -> float:
    """Return ``value`` as a finite float >= 0, else raise with ``expected``.

    Examples
    --------
    >>> from kampala.composite.weights._common import positive_float
    >>> positive_float("f()", "rtol", 1, "a finite number >= 0")
    1.0
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterTypeError(where, name, value, "a number")
    out = float(value)
    if not math.isfinite(out) or out < 0:
        raise ParameterValueError(where, name, value, expected)
    return out


@attrs.frozen(kw_only=True, eq=False)
class FrameworkWeights:
    """Base of results that give one weight per code: mapping and framework.

    Attributes
    ----------
    weights : numpy.ndarray
        One weight per label, summing to 1 (read-only).
    labels : tuple of str
        The codes weighted, in the order of ``weights``.

    Examples
    --------
    >>> from kampala.composite.weights import AHPResult
    >>> from kampala.composite.weights._common import FrameworkWeights
    >>> issubclass(AHPResult, FrameworkWeights)
    True
    """

    weights: FloatArray = attrs.field(converter=frozen_float64)
    labels: tuple[str, ...]

    def weight_mapping(self) -> dict[str, float]:
        """Return ``{code: weight}``, the form ``Aggregate(weights=...)`` accepts.

        Examples
        --------
        >>> from kampala.composite.weights import budget_weights
        >>> budget_weights([[70, 30], [50, 50]], labels=["a", "b"]).weight_mapping()
        {'a': 0.6, 'b': 0.4}
        """
        return {k: float(w) for k, w in zip(self.labels, self.weights, strict=True)}

    def apply(self, framework: Framework, parent: str) -> Framework:
        """Return ``framework`` with these weights on the children of ``parent``.

        Raises
        ------
        FrameworkError
            If the children of ``parent`` are not exactly the labels.

        Examples
        --------
        >>> from kampala import Framework, Node
        >>> from kampala.composite.weights import ahp_weights
        >>> fw = Framework(nodes=[
        ...     Node(code="x", parent="P"), Node(code="y", parent="P"),
        ...     Node(code="P", level=2, kind="aggregate")])
        >>> res = ahp_weights([[1, 3], [1/3, 1]], labels=["x", "y"])
        >>> res.apply(fw, "P").effective_weights().tolist()
        [0.75, 0.25]
        """
        weights = self.weight_mapping()
        kids = framework.children(parent)
        if set(kids) != set(weights):
            raise FrameworkError(
                f"{type(self).__name__}.apply()",
                "parent",
                parent,
                f"an aggregate whose children are exactly {sorted(weights)}",
                hint=f"Its children are {sorted(kids)}.",
            )
        return framework.with_weights(weights)
