"""Budget allocation: weights from experts' points.

Equation (W12) of ``docs/methodology/weighting.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import frozen_float64
from kampala.composite.weights._common import (
    FrameworkWeights,
    check_labels,
    check_matrix,
    positive_float,
    reject_cells,
)
from kampala.errors import ParameterTypeError, ParameterValueError

__all__ = ["BudgetResult", "budget_weights"]


@attrs.frozen(kw_only=True, eq=False)
class BudgetResult(FrameworkWeights):
    """Weights from experts' points, with the spread between experts.

    Attributes
    ----------
    weights, labels
        As for `FrameworkWeights`: one weight per indicator (W12),
        and the indicator codes.
    experts : tuple of str
        Expert names, in row order.
    shares : numpy.ndarray, shape (n_experts, n_indicators)
        Each expert's points divided by their total.
    sd : numpy.ndarray
        Standard deviation of the shares across experts (divisor n - 1; 0
        for one expert).
    low, high : numpy.ndarray
        Smallest and largest share any expert gave each indicator.
    statistic : {"mean", "median"}
        How the experts' shares were combined.

    Examples
    --------
    >>> from kampala.composite.weights import budget_weights
    >>> res = budget_weights({"E1": {"a": 60, "b": 40}, "E2": {"a": 40, "b": 60}})
    >>> res.weights.tolist(), res.low.tolist(), res.high.tolist()
    ([0.5, 0.5], [0.4, 0.4], [0.6, 0.6])
    """

    experts: tuple[str, ...]
    shares: FloatArray = attrs.field(converter=frozen_float64)
    sd: FloatArray = attrs.field(converter=frozen_float64)
    low: FloatArray = attrs.field(converter=frozen_float64)
    high: FloatArray = attrs.field(converter=frozen_float64)
    statistic: str

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping.

        Examples
        --------
        >>> from kampala.composite.weights import budget_weights
        >>> budget_weights([[70, 30], [50, 50]], labels=["a", "b"]).to_dict()
        {'method': 'budget-allocation', 'statistic': 'mean',
         'weights': {'a': 0.6, 'b': 0.4}, 'experts': ['0', '1'],
         'sd': [0.1414, 0.1414], 'low': [0.5, 0.3], 'high': [0.7, 0.5]}
        """
        return {
            "method": "budget-allocation",
            "statistic": self.statistic,
            "weights": self.weight_mapping(),
            "experts": list(self.experts),
            "sd": self.sd.tolist(),
            "low": self.low.tolist(),
            "high": self.high.tolist(),
        }


def _points_table(
    where: str, points: Any, labels: Sequence[str] | None
) -> tuple[FloatArray, tuple[str, ...], tuple[str, ...] | None]:
    """Return (points, indicator codes, expert names or None) from either form."""
    if not isinstance(points, Mapping):
        arr = check_matrix(where, "points", points)
        return arr, check_labels(where, labels, arr.shape[1]), None
    experts = tuple(str(e) for e in points)
    if not experts:
        raise ParameterValueError(where, "points", {}, "at least one expert")
    for e, given in points.items():
        if not isinstance(given, Mapping):
            raise ParameterTypeError(
                f"{where}: expert {e!r}", "points", given, "a mapping of code to points"
            )
    first = points[next(iter(points))]
    codes = check_labels(
        where, labels if labels is not None else list(first), len(first)
    )
    rows = []
    for e, given in points.items():
        extra = sorted(set(given) - set(codes))
        if extra:
            raise ParameterValueError(
                f"{where}: expert {e!r}", extra[0], expected=f"one of {list(codes)}"
            )
        missing = [c for c in codes if c not in given]
        if missing:
            raise ParameterValueError(
                f"{where}: expert {e!r}",
                missing[0],
                expected="given (use 0 for an indicator that gets no points)",
            )
        row = []
        for c in codes:
            v = given[c]
            if isinstance(v, bool) or not isinstance(v, int | float | np.number):
                raise ParameterTypeError(f"{where}: expert {e!r}", c, v, "a number")
            row.append(float(v))
        rows.append(row)
    return np.array(rows), codes, experts


def _totals(
    where: str,
    arr: FloatArray,
    names: tuple[str, ...],
    codes: tuple[str, ...],
    budget: float | None,
    rtol: float,
) -> FloatArray:
    """Check every allocation and return each expert's total (> 0)."""
    reject_cells(
        ~(np.isfinite(arr) & (arr >= 0)),
        arr,
        lambda r, c: (f"{where}: expert {names[r]!r}", codes[c]),
        "a finite number of points >= 0",
    )
    totals: FloatArray = arr.sum(axis=1)
    if budget is not None:
        b = positive_float(where, "budget", budget, "a finite number > 0")
        if b == 0:
            raise ParameterValueError(where, "budget", budget, "a finite number > 0")
        off = np.abs(totals - b) > rtol * b
        if off.any():
            r = int(np.flatnonzero(off)[0])
            raise ParameterValueError(
                f"{where}: expert {names[r]!r}",
                "total points",
                float(totals[r]),
                f"equal to the budget {b:g}",
                hint="Each expert distributes the whole budget; or pass budget=None.",
            )
    empty = ~(totals > 0)
    if empty.any():
        r = int(np.flatnonzero(empty)[0])
        raise ParameterValueError(
            f"{where}: expert {names[r]!r}", "total points", 0.0, "> 0"
        )
    return totals


def budget_weights(
    points: Any,
    *,
    labels: Sequence[str] | None = None,
    experts: Sequence[str] | None = None,
    budget: float | None = 100.0,
    statistic: Literal["mean", "median"] = "mean",
    rtol: float = 1e-6,
) -> BudgetResult:
    r"""Derive weights from experts' budget allocations (points).

    Every expert distributes ``budget`` points over the indicators; each
    expert's points are divided by their total, and the experts' shares are
    combined by their mean or median (W12).

    Parameters
    ----------
    points : mapping of str to mapping of str to float, or array_like
        ``{expert: {indicator: points}}`` (every expert names every
        indicator), or an array of shape (n_experts, n_indicators).
    labels : sequence of str, default=None
        Indicator codes (for an array, or to fix the order of a mapping).
    experts : sequence of str, default=None
        Expert names for an array; default ``"0"``, ``"1"``, ...
    budget : float or None, default=100.0
        Points each expert must distribute (within ``rtol``). ``None`` takes
        each expert's total as it is.
    statistic : {"mean", "median"}, default="mean"
        How to combine experts' shares. Medians are renormalised to sum to 1.
    rtol : float, default=1e-6
        Relative tolerance on each expert's total.

    Returns
    -------
    BudgetResult
        Weights and the spread of the experts' shares.

    Raises
    ------
    ParameterValueError
        For a negative or non-finite allocation, an expert whose points do
        not sum to ``budget``, a missing or unknown indicator (all naming
        the expert and the indicator) or an unknown ``statistic``.

    Notes
    -----
    $w_i = \operatorname{mean}_e \, p_{ei} / \sum_j p_{ej}$, or the median
    renormalised. See ``docs/methodology/weighting.md``, equation (W12).

    References
    ----------
    OECD and European Commission JRC (2008). *Handbook on Constructing
    Composite Indicators*, section 6.1 (budget allocation process).
    https://doi.org/10.1787/9789264043466-en

    Examples
    --------
    >>> from kampala.composite.weights import budget_weights
    >>> res = budget_weights({
    ...     "APCI": {"ownership": 40, "results": 30, "transparency": 30},
    ...     "MEF": {"ownership": 20, "results": 50, "transparency": 30},
    ... })
    >>> res.weight_mapping()
    {'ownership': 0.3, 'results': 0.4, 'transparency': 0.3}
    """
    where = "budget_weights()"
    arr, codes, names = _points_table(where, points, labels)
    n_exp = arr.shape[0]
    if names is None:
        names = check_labels(where, experts, n_exp)
    if statistic not in ("mean", "median"):
        raise ParameterValueError(
            where, "statistic", statistic, "one of 'mean', 'median'"
        )
    rtol = positive_float(where, "rtol", rtol, "a finite number >= 0")
    totals = _totals(where, arr, names, codes, budget, rtol)
    shares = arr / totals[:, None]
    if statistic == "mean":
        w = shares.mean(axis=0)
    else:
        med = np.median(shares, axis=0)
        if not med.sum() > 0:
            raise ParameterValueError(
                where,
                "statistic",
                statistic,
                "'mean' here: every indicator's median share is 0",
            )
        w = med / med.sum()
    w = w / w.sum()
    sd = shares.std(axis=0, ddof=1) if n_exp > 1 else np.zeros(len(codes))
    return BudgetResult(
        weights=w,
        labels=codes,
        experts=names,
        shares=shares,
        sd=sd,
        low=shares.min(axis=0),
        high=shares.max(axis=0),
        statistic=statistic,
    )
