r"""Local sensitivity of a linear composite to its weights.

The composite of unit $u$ is the weighted mean of its criteria (for example
the five principle scores of a partnership) with *relative* weights:

$$s_u(w) = \frac{\sum_k w_k x_{uk}}{\sum_k w_k}.$$

`weight_derivatives` gives the exact partial derivatives and elasticities of
every unit's composite with respect to every weight at a nominal weight
vector; `one_at_a_time` raises each weight in turn by a relative amount,
renormalises, and reports how scores and ranks move.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray, IntArray
from kampala._internal.arrays import array_fields
from kampala.composite_result import MethodologyRef
from kampala.errors import (
    DegenerateIndicatorWarning,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.sensitivity._weights_common import (
    RobustnessResult,
    as_matrix,
    as_methodology,
    as_weights,
    linear_ranks,
    linear_scores,
    listed_labels,
    result_dict,
)

__all__ = ["OneAtATime", "WeightDerivatives", "one_at_a_time", "weight_derivatives"]


# ---------------------------------------------------------------------------
# derivatives and elasticities
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True, field_transformer=array_fields)
class WeightDerivatives(RobustnessResult):
    r"""Derivatives and elasticities of composite scores with respect to weights.

    Unpacks as ``derivative, elasticity = weight_derivatives(X, w0)``.

    Parameters
    ----------
    weights : ndarray of shape (n_criteria,)
        The weights as given (not rescaled): the point of differentiation.
    scores : ndarray of shape (n_units,)
        Composite scores $s_u$ at ``weights``.
    derivative : ndarray of shape (n_units, n_criteria)
        $\partial s_u / \partial w_k = (x_{uk} - s_u) / \sum_j w_j$.
    elasticity : ndarray of shape (n_units, n_criteria)
        $(\partial s_u / \partial w_k)\, w_k / s_u$; NaN where $s_u = 0$.
    labels, methodology, kampala_version, numpy_version
        The units and where the result comes from (`RobustnessResult`).

    Examples
    --------
    Which principle weight would raise the overall score of ``PE-HEA-001``
    most?

    >>> from kampala.sensitivity import example_top_level, weight_derivatives
    >>> top = example_top_level()  # KPS-1's principles, sample portfolio
    >>> res = weight_derivatives(
    ...     top.X, top.weights, labels=top.units, methodology=top.methodology
    ... )
    >>> u = res.labels.index("PE-HEA-001")
    >>> dict(zip(top.components, res.derivative[u].round(3).tolist()))
    {'P1': 0.023, 'P2': 0.063, 'P3': -0.107, 'P4': 0.054, 'P5': -0.033}
    >>> derivative, elasticity = res
    >>> elasticity.shape
    (36, 5)
    >>> res.methodology.id, res.methodology.version  # carried from the scorecard
    ('KPS', '1')
    """

    weights: FloatArray
    scores: FloatArray
    derivative: FloatArray
    elasticity: FloatArray

    def __iter__(self) -> Iterator[FloatArray]:
        """Yield ``derivative`` then ``elasticity`` (for tuple unpacking)."""
        yield self.derivative
        yield self.elasticity

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python values (arrays as nested lists).

        Examples
        --------
        >>> import json
        >>> from kampala.sensitivity import weight_derivatives
        >>> res = weight_derivatives([[0.8, 0.2], [0.5, 0.5]], [0.5, 0.5],
        ...                          labels=["A", "B"])
        >>> d = res.to_dict()
        >>> d["scores"], d["derivative"], d["methodology"]
        ([0.5, 0.5], [[0.3, -0.3], [0.0, 0.0]], None)
        >>> json.loads(json.dumps(d)) == d  # survives a JSON round trip
        True
        """
        return result_dict(
            self, "labels", "weights", "scores", "derivative", "elasticity"
        )


def weight_derivatives(
    X: npt.ArrayLike,
    w0: npt.ArrayLike,
    *,
    labels: Sequence[str] | None = None,
    methodology: MethodologyRef | None = None,
) -> WeightDerivatives:
    r"""Differentiate every composite score with respect to every weight.

    The weights are *relative*: the composite is
    $s_u(w) = \sum_k w_k x_{uk} / \sum_k w_k$, so raising one weight
    implicitly lowers the share of all the others. Derivatives are taken
    with respect to the weights exactly as given (they are not rescaled to
    sum to one first); for weights that sum to one the derivative is simply
    $x_{uk} - s_u$.

    Parameters
    ----------
    X : array_like of shape (n_units, n_criteria)
        Criteria values, higher is better, no missing values.
    w0 : array_like of shape (n_criteria,)
        Nominal weights, >= 0 with a positive sum.
    labels, methodology : default=None
        Unit labels and the methodology to record, as for `rank_margins`.

    Returns
    -------
    WeightDerivatives
        Scores, derivatives and elasticities; unpacks as
        ``(derivative, elasticity)``.

    Raises
    ------
    ParameterValueError
        If ``X`` has a missing or infinite value (the message names the unit
        and column), a weight is negative or not finite, the weights sum to
        0, or the shapes do not match.
    ParameterTypeError
        If ``X`` or ``w0`` is not numeric, or ``methodology`` is not a
        `MethodologyRef` or None.

    Warns
    -----
    DegenerateIndicatorWarning
        If a unit's composite is 0: its elasticities are undefined and set to
        NaN (the warning names the units).

    See Also
    --------
    one_at_a_time : Finite changes of one weight at a time.

    Notes
    -----
    With $W = \sum_j w_j$ the quotient rule gives (equation (L1))

    $$\frac{\partial s_u}{\partial w_k} = \frac{x_{uk} - s_u}{W},\qquad
    \varepsilon_{uk} = \frac{\partial s_u}{\partial w_k}\,\frac{w_k}{s_u}
    = \frac{w_k (x_{uk} - s_u)}{W s_u}.$$

    Because $s_u$ is homogeneous of degree 0 in $w$ (Euler's theorem),
    $\sum_k w_k\, \partial s_u / \partial w_k = 0$ and the elasticities of a
    unit sum to 0: any gain from one weight is paid for by the others. A
    weight of 0 has elasticity 0.

    Examples
    --------
    >>> from kampala.sensitivity._local import weight_derivatives
    >>> d, e = weight_derivatives([[0.8, 0.2], [0.5, 0.5]], [0.5, 0.5])
    >>> d.tolist()
    [[0.3, -0.3], [0.0, 0.0]]
    >>> e.round(3).tolist()
    [[0.3, -0.3], [0.0, 0.0]]
    """
    where = "weight_derivatives()"
    x, names = as_matrix(where, X, labels)
    w = as_weights(where, w0, x.shape[1], normalise=False)
    ref = as_methodology(where, methodology)
    total = float(w.sum())
    s = linear_scores(x, w) / total
    derivative = (x - s[:, None]) / total
    zero = s == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        elasticity = derivative * w[None, :] / s[:, None]
    if zero.any():
        elasticity[zero] = np.nan
        warnings.warn(
            DegenerateIndicatorWarning(
                f"{where}: composite score 0 for unit(s) {listed_labels(names, zero)}; "
                "their elasticities are undefined and set to NaN."
            ),
            stacklevel=2,
        )
    return WeightDerivatives(
        labels=names,
        weights=w,
        scores=s,
        derivative=derivative,
        elasticity=elasticity,
        methodology=ref,
    )


# ---------------------------------------------------------------------------
# one at a time
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True, field_transformer=array_fields)
class OneAtATime(RobustnessResult):
    r"""Score and rank changes when each weight in turn is raised.

    Parameters
    ----------
    weights : ndarray of shape (n_criteria,)
        Nominal weights, rescaled to sum to 1.
    delta : float
        Relative change applied to one weight at a time.
    scores : ndarray of shape (n_units,)
        Nominal composite scores.
    ranks : ndarray of shape (n_units,)
        Nominal competition ranks (1 = best, ties share the best rank).
    perturbed_weights : ndarray of shape (n_criteria, n_criteria)
        Row $k$: the weights after raising weight $k$ by ``delta`` and
        rescaling to sum to 1.
    score_change : ndarray of shape (n_units, n_criteria)
        New score minus nominal score, per unit and perturbed weight.
    rank_change : ndarray of shape (n_units, n_criteria)
        New rank minus nominal rank (negative = moved up).
    labels, methodology, kampala_version, numpy_version
        The units and where the result comes from (`RobustnessResult`).

    See Also
    --------
    one_at_a_time : Compute it.
    weight_derivatives : The limit of ``score_change / delta`` as ``delta`` → 0.

    Examples
    --------
    Raise each principle weight of KPS-1 by 50 % in turn: how many places
    does a partnership move on average?

    >>> from kampala.sensitivity import example_top_level, one_at_a_time
    >>> top = example_top_level()  # KPS-1's principles, sample portfolio
    >>> res = one_at_a_time(
    ...     top.X, top.weights, delta=0.5, labels=top.units,
    ...     methodology=top.methodology,
    ... )
    >>> res.perturbed_weights[0].round(3).tolist()  # P1 raised, then rescaled
    [0.273, 0.182, 0.182, 0.182, 0.182]
    >>> dict(zip(top.components, res.mean_abs_rank_shift.round(2).tolist()))
    {'P1': 0.56, 'P2': 0.78, 'P3': 0.67, 'P4': 0.5, 'P5': 0.44}
    >>> res.methodology == top.methodology
    True
    """

    weights: FloatArray
    delta: float
    scores: FloatArray
    ranks: IntArray
    perturbed_weights: FloatArray
    score_change: FloatArray
    rank_change: IntArray

    @property
    def mean_abs_rank_shift(self) -> FloatArray:
        """Mean absolute rank change over units, per perturbed weight.

        Examples
        --------
        Doubling the second weight swaps the two units, so each moves one
        place; doubling the first moves neither:

        >>> from kampala.sensitivity import one_at_a_time
        >>> res = one_at_a_time([[0.9, 0.1], [0.4, 0.5]], [0.5, 0.5], delta=1.0)
        >>> res.rank_change.tolist()
        [[0, 1], [0, -1]]
        >>> res.mean_abs_rank_shift.tolist()
        [0.0, 1.0]
        """
        out: FloatArray = np.abs(self.rank_change).mean(axis=0)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python values (arrays as nested lists).

        Examples
        --------
        >>> import json
        >>> from kampala.sensitivity import one_at_a_time
        >>> res = one_at_a_time([[0.9, 0.1], [0.4, 0.5]], [0.5, 0.5], delta=1.0,
        ...                     labels=["A", "B"])
        >>> d = res.to_dict()
        >>> d["labels"], d["delta"], d["ranks"], d["rank_change"]
        (['A', 'B'], 1.0, [1, 2], [[0, 1], [0, -1]])
        >>> json.loads(json.dumps(d)) == d  # survives a JSON round trip
        True
        """
        return result_dict(
            self,
            "labels",
            "weights",
            "delta",
            "scores",
            "ranks",
            "perturbed_weights",
            "score_change",
            "rank_change",
        )


def one_at_a_time(
    X: npt.ArrayLike,
    w0: npt.ArrayLike,
    delta: float = 0.1,
    *,
    labels: Sequence[str] | None = None,
    methodology: MethodologyRef | None = None,
) -> OneAtATime:
    r"""Raise each weight in turn by a relative ``delta`` and see what moves.

    For criterion $k$ the weights become $w_k (1 + \delta)$ for $k$ and
    unchanged for the others, then are rescaled to sum to 1; scores and
    competition ranks (1 = best, ties share the best rank) are recomputed.

    Parameters
    ----------
    X : array_like of shape (n_units, n_criteria)
        Criteria values, as in `rank_margins`.
    w0 : array_like of shape (n_criteria,)
        Nominal weights, as in `rank_margins`.
    delta : float, default=0.1
        Relative change, > -1 (``0.1`` raises a weight by 10 %, ``-0.1``
        lowers it by 10 %).
    labels, methodology : default=None
        Unit labels and the methodology to record, as for `rank_margins`.

    Returns
    -------
    OneAtATime
        Nominal and perturbed weights, score and rank changes.

    Raises
    ------
    ParameterValueError
        For a missing or infinite value in ``X`` (naming the unit and
        column), invalid weights, or ``delta`` not finite or <= -1.
    ParameterTypeError
        If an argument is not numeric, or ``methodology`` is not a
        `MethodologyRef` or None.

    See Also
    --------
    weight_derivatives : The exact local derivatives.

    Notes
    -----
    A weight of 0 stays 0 under a relative change, so its column of
    ``score_change`` is 0. With weights summing to 1 the new score is
    (equation (L2))

    $$s_u' = \frac{s_u + \delta w_k x_{uk}}{1 + \delta w_k},\qquad
    s_u' - s_u = \frac{\delta w_k (x_{uk} - s_u)}{1 + \delta w_k}.$$

    Examples
    --------
    >>> from kampala.sensitivity._local import one_at_a_time
    >>> res = one_at_a_time([[0.9, 0.1], [0.4, 0.5]], [0.5, 0.5], delta=1.0)
    >>> res.ranks.tolist(), res.rank_change.tolist()  # doubling w[1] swaps them
    ([1, 2], [[0, 1], [0, -1]])
    >>> res.score_change.round(4).tolist()
    [[0.1333, -0.1333], [-0.0167, 0.0167]]
    """
    where = "one_at_a_time()"
    x, names = as_matrix(where, X, labels)
    m = x.shape[1]
    w = as_weights(where, w0, m)
    if isinstance(delta, bool) or not isinstance(delta, int | float | np.floating):
        raise ParameterTypeError(where, "delta", delta, "a number > -1")
    d = float(delta)
    if not np.isfinite(d) or d <= -1.0:
        raise ParameterValueError(
            where,
            "delta",
            d,
            "a finite number > -1",
            hint="A relative change of -1 or less would make a weight <= 0.",
        )
    ref = as_methodology(where, methodology)
    s0 = linear_scores(x, w)
    r0 = linear_ranks(x, w)
    perturbed = np.empty((m, m))
    change = np.empty((x.shape[0], m))
    rank_change = np.empty((x.shape[0], m), dtype=np.intp)
    for k in range(m):
        wk = w.copy()
        wk[k] *= 1.0 + d
        wk /= wk.sum()
        perturbed[k] = wk
        change[:, k] = linear_scores(x, wk) - s0
        rank_change[:, k] = linear_ranks(x, wk) - r0
    return OneAtATime(
        labels=names,
        weights=w,
        delta=d,
        scores=s0,
        ranks=r0,
        perturbed_weights=perturbed,
        score_change=change,
        rank_change=rank_change,
        methodology=ref,
    )
