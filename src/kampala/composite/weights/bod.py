"""Benefit-of-the-doubt weights and scores (data envelopment analysis).

Equations (W10)-(W11) of ``docs/methodology/weighting.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
from scipy import optimize

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import frozen_float64
from kampala.composite.weights._common import check_data, reject_cells, unit_name
from kampala.errors import DataFormatError, ParameterTypeError, ParameterValueError
from kampala.indicators import IndicatorSet

__all__ = ["BoDResult", "bod_weights"]


@attrs.frozen(kw_only=True, eq=False)
class BoDResult:
    """Benefit-of-the-doubt scores and weights, one set per unit.

    Attributes
    ----------
    scores : numpy.ndarray, shape (n_units,)
        Each unit's best possible score in [0, 1] (W10); 1 on the frontier.
    weights : numpy.ndarray, shape (n_units, n_indicators)
        An optimal weight vector of each unit. Scores are unique, weights
        need not be: this is the one the solver returned.
    unit_codes : tuple of str
        The units, in row order.
    labels : tuple of str
        The indicators, in column order.

    Examples
    --------
    >>> from kampala.composite.weights import bod_weights
    >>> res = bod_weights([[1.0, 4.0], [4.0, 1.0], [2.0, 2.0], [1.0, 1.0]])
    >>> res.scores.round(4).tolist(), res.frontier()
    ([1.0, 1.0, 0.8, 0.4], ('row 0', 'row 1'))
    """

    scores: FloatArray = attrs.field(converter=frozen_float64)
    weights: FloatArray = attrs.field(converter=frozen_float64)
    unit_codes: tuple[str, ...]
    labels: tuple[str, ...]

    def frontier(self, tol: float = 1e-9) -> tuple[str, ...]:
        """Return the units with score 1 (within ``tol``): the best practice.

        Examples
        --------
        >>> from kampala.composite.weights import bod_weights
        >>> bod_weights([[3.0, 2.0], [1.0, 1.0]]).frontier()
        ('row 0',)
        """
        return tuple(
            u for u, s in zip(self.unit_codes, self.scores, strict=True) if s >= 1 - tol
        )

    def shares(self) -> FloatArray:
        r"""Return each indicator's share of each unit's score.

        The share is $w_i y_i / \sum_j w_j y_j$; a unit with score 0 has
        shares 0.

        Examples
        --------
        >>> from kampala.composite.weights import bod_weights
        >>> res = bod_weights([[3.0, 1.0], [1.0, 3.0], [1.0, 1.0]],
        ...                   share_bounds=[(0.25, 1.0), (0.25, 1.0)])
        >>> res.shares()[:2, 0].round(3).tolist()  # share of the first indicator
        [0.75, 0.25]
        """
        return _shares(self.weights, self._values)

    _values: FloatArray = attrs.field(converter=frozen_float64, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping.

        Examples
        --------
        >>> from kampala.composite.weights import bod_weights
        >>> out = bod_weights([[3.0, 2.0], [1.0, 1.0]], labels=["a", "b"]).to_dict()
        >>> out["labels"], out["units"]["row 1"]
        (['a', 'b'], {'score': 0.5, 'weights': [0.0, 0.5]})
        """
        return {
            "method": "benefit-of-the-doubt",
            "labels": list(self.labels),
            "units": {
                u: {"score": float(s), "weights": w.tolist()}
                for u, s, w in zip(
                    self.unit_codes, self.scores, self.weights, strict=True
                )
            },
        }


_BOD_ADD = 20  # units added to the working set per re-solve


def _shares(w: FloatArray, y: FloatArray) -> FloatArray:
    contrib = w * y
    total = contrib.sum(axis=1, keepdims=True)
    return np.asarray(
        np.divide(contrib, total, out=np.zeros_like(contrib), where=total > 0)
    )


def _share_bounds(
    where: str, bounds: Any, codes: tuple[str, ...]
) -> tuple[FloatArray, FloatArray]:
    p = len(codes)
    lower, upper = np.zeros(p), np.ones(p)
    if bounds is None:
        return lower, upper
    if isinstance(bounds, Mapping):
        for k, v in bounds.items():
            if k not in codes:
                raise ParameterValueError(
                    where, "share_bounds", k, f"keyed by indicator codes {codes}"
                )
            i = codes.index(k)
            try:
                lower[i], upper[i] = (float(b) for b in v)
            except (TypeError, ValueError) as exc:
                raise ParameterTypeError(
                    where, f"share_bounds[{k!r}]", v, "a pair (lower, upper)"
                ) from exc
    else:
        arr = np.asarray(bounds, dtype=np.float64)
        if arr.shape != (p, 2):
            raise ParameterValueError(
                where, "share_bounds", arr.shape, f"of shape ({p}, 2) or a mapping"
            )
        lower, upper = arr[:, 0].copy(), arr[:, 1].copy()
    for i, c in enumerate(codes):
        if not 0 <= lower[i] <= upper[i] <= 1:
            raise ParameterValueError(
                where,
                f"share_bounds[{c!r}]",
                (float(lower[i]), float(upper[i])),
                "a pair 0 <= lower <= upper <= 1",
            )
    if lower.sum() > 1 + 1e-12 or upper.sum() < 1 - 1e-12:
        raise ParameterValueError(
            where,
            "share_bounds",
            (float(lower.sum()), float(upper.sum())),
            "bounds whose lower ends sum to <= 1 and upper ends to >= 1",
            hint="Otherwise no weights can meet them.",
        )
    return lower, upper


def _solve_unit(
    where: str,
    name: str,
    y: FloatArray,
    u: int,
    work: npt.NDArray[np.bool_],
    lower: FloatArray,
    upper: FloatArray,
    method: str,
) -> FloatArray:
    """Return unit ``u``'s optimal weights; grows the working set ``work``."""
    yu = y[u]
    has_low, has_up = lower > 0, upper < 1
    extra = []
    if has_low.any():
        extra.append(lower[has_low, None] * yu[None, :] - np.diag(yu)[has_low])
    if has_up.any():
        extra.append(np.diag(yu)[has_up] - upper[has_up, None] * yu[None, :])
    n_extra = sum(len(e) for e in extra)
    while True:
        rows = work.copy()
        rows[u] = True  # its own row bounds the objective
        a_ub = np.vstack([y[rows], *extra])
        b_ub = np.concatenate([np.ones(int(rows.sum())), np.zeros(n_extra)])
        res = optimize.linprog(
            -yu, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method=method
        )
        if res.status != 0:
            raise ParameterValueError(
                where,
                "data",
                name,
                "solvable by scipy.optimize.linprog for every unit",
                hint=f"The solver said: {res.message}",
            )
        w: FloatArray = np.clip(res.x, 0.0, None)
        excess = np.where(rows, 0.0, y @ w - 1.0)
        violated = np.flatnonzero(excess > 1e-9)
        if violated.size == 0:
            return w
        # the most violated few: adding all would fill the set with
        # units that later solutions never reach
        worst = violated[np.argsort(excess[violated])[::-1][:_BOD_ADD]]
        work[worst] = True


def bod_weights(
    data: IndicatorSet | Any,
    *,
    labels: Sequence[str] | None = None,
    share_bounds: Mapping[str, tuple[float, float]] | Any = None,
    method: Literal["highs", "highs-ds", "highs-ipm"] = "highs",
) -> BoDResult:
    r"""Benefit-of-the-doubt weights and scores (data envelopment analysis).

    Each unit $u$ gets the weights most favourable to it (W10):

    $$ s_u = \max_{w \ge 0} \sum_i w_i y_{ui} \quad \text{s.t.}
       \sum_i w_i y_{ci} \le 1 \ \text{for every unit } c, $$

    optionally with bounds on the share of each indicator in the unit's own
    score (W11, Cherchye et al. 2007):
    $L_i \le w_i y_{ui} / \sum_j w_j y_{uj} \le U_i$, linear constraints
    $L_i \sum_j w_j y_{uj} - w_i y_{ui} \le 0$ and
    $w_i y_{ui} - U_i \sum_j w_j y_{uj} \le 0$, so solved exactly.

    Parameters
    ----------
    data : IndicatorSet or array_like, shape (n_units, n_indicators)
        Complete data, >= 0, higher is better: the values are used as they
        are, so pass normalised data (normalisation applies the directions
        of the framework). Scores do not depend on each indicator's unit of
        measurement.
    labels : sequence of str, default=None
        Indicator codes; default the framework's for an `IndicatorSet`.
    share_bounds : mapping of str to (float, float) or array_like, default=None
        Bounds (lower, upper) on each indicator's share of a unit's score,
        keyed by code, or an array of shape (n_indicators, 2).
    method : {"highs", "highs-ds", "highs-ipm"}, default="highs"
        The `scipy.optimize.linprog` solver.

    Returns
    -------
    BoDResult
        Scores in [0, 1] and one optimal weight vector per unit.

    Raises
    ------
    DataFormatError
        For a missing, infinite or negative value (naming unit and indicator).
    ParameterValueError
        For share bounds out of [0, 1], that no weights can meet, or a solver
        that fails.

    Notes
    -----
    Inputs are checked once; then one linear programme per unit is solved
    (HiGHS). Only the data constraints of a working set of units enter each
    programme; any unit whose constraint the solution violates joins the set
    and the programme is solved again, so the answer is exact (feasible for
    every unit) while the programmes stay near the size of the frontier.
    Share bounds are used instead of absolute bounds on $w$ because absolute
    bounds depend on the units of the data, which benefit of the doubt is
    otherwise invariant to. A unit
    that is 0 on an indicator with a positive lower share bound scores 0.
    See ``docs/methodology/weighting.md``, equations (W10)-(W11).

    References
    ----------
    Cherchye, L., Moesen, W., Rogge, N. and Van Puyenbroeck, T. (2007). An
    introduction to 'benefit of the doubt' composite indicators. *Social
    Indicators Research*, 82(1), 111-145.
    https://doi.org/10.1007/s11205-006-9029-7

    Examples
    --------
    >>> from kampala.composite.weights import bod_weights
    >>> y = [[1.0, 4.0], [4.0, 1.0], [2.0, 2.0]]
    >>> bod_weights(y).scores.round(4).tolist()
    [1.0, 1.0, 0.8]
    >>> bounds = {"0": (0.4, 1.0), "1": (0.4, 1.0)}  # each indicator >= 40 %
    >>> bod_weights(y, share_bounds=bounds).scores.round(4).tolist()
    [0.5714, 0.5714, 0.8]
    """
    where = "bod_weights()"
    y, units, codes = check_data(where, data, labels)
    reject_cells(
        y < 0,
        y,
        lambda r, c: (f"{where}: unit {unit_name(units, r)!r}", codes[c]),
        ">= 0 (benefit of the doubt needs non-negative data)",
        hint="Normalise to a non-negative range first, e.g. min-max:0,1.",
        error=DataFormatError,
    )
    if method not in ("highs", "highs-ds", "highs-ipm"):
        raise ParameterValueError(
            where, "method", method, "one of 'highs', 'highs-ds', 'highs-ipm'"
        )
    lower, upper = _share_bounds(where, share_bounds, codes)
    n = y.shape[0]
    weights = np.zeros(y.shape)
    # working set of data constraints, shared by all units: the units best on
    # each indicator to start; rows a solution violates are added and the
    # programme solved again, so every answer is feasible for all n rows
    work = np.zeros(n, dtype=bool)
    work[np.argmax(y, axis=0)] = True
    for u in range(n):
        weights[u] = _solve_unit(
            where, unit_name(units, u), y, u, work, lower, upper, method
        )
    scores = np.clip(np.einsum("ij,ij->i", weights, y), 0.0, 1.0)
    if units is None:  # one label per unit is cheap next to one programme each
        units = tuple(f"row {i}" for i in range(n))
    return BoDResult(
        scores=scores, weights=weights, unit_codes=units, labels=codes, values=y
    )
