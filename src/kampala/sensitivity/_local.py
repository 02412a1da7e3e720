r"""Local sensitivity of a linear composite to its weights.

The composite of unit $u$ is the weighted mean of its criteria (for example
the five principle scores of a partnership) with *relative* weights:

$$s_u(w) = \frac{\sum_k w_k x_{uk}}{\sum_k w_k}.$$

`weight_derivatives` gives the exact partial derivatives and elasticities of
every unit's composite with respect to every weight at a nominal weight
vector; `one_at_a_time` raises each weight in turn by a relative amount,
renormalises, and reports how scores and ranks move.

This module also holds the input checks shared by the weight-robustness
tools (`kampala.sensitivity._smaa`, `kampala.sensitivity._margins`): a
criteria matrix without missing values, unit labels and non-negative
weights.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._version import __version__
from kampala.composite.kernel import weighted_sum
from kampala.errors import (
    DegenerateIndicatorWarning,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.scoring import MethodologyRef

__all__ = ["OneAtATime", "WeightDerivatives", "one_at_a_time", "weight_derivatives"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_ARRAY_EQ = attrs.cmp_using(eq=functools.partial(np.array_equal, equal_nan=True))

#: How many unit labels a warning lists before it stops.
_WARN_LIST = 10


# ---------------------------------------------------------------------------
# shared input checks and small kernels (used by _smaa and _margins too)
# ---------------------------------------------------------------------------
def _frozen(values: Any) -> FloatArray:
    """Return a read-only float64 copy (no copy if already read-only float64)."""
    if (
        isinstance(values, np.ndarray)
        and values.dtype == np.float64
        and not values.flags.writeable
    ):
        return values
    arr = np.array(values, dtype=np.float64, copy=True)
    arr.flags.writeable = False
    return arr


def _frozen_int(values: Any) -> IntArray:
    """Return a read-only integer copy."""
    arr = np.array(values, dtype=np.intp, copy=True)
    arr.flags.writeable = False
    return arr


def _array_repr(arr: npt.NDArray[Any]) -> str:
    return f"<array of shape {arr.shape}>"


def _as_int(where: str, field: str, value: Any, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum`` (bools are not integers)."""
    expected = f"an integer >= {minimum}"
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ParameterTypeError(where, field, value, expected)
    if value < minimum:
        raise ParameterValueError(where, field, int(value), expected)
    return int(value)


def _as_float_array(where: str, field: str, values: Any) -> FloatArray:
    """Convert to float64, raising a kampala error for non-numeric input."""
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


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _as_labels(where: str, labels: Sequence[str] | None, n: int) -> tuple[str, ...]:
    """Return the unit labels: the given unique strings, or ``"0"``, ``"1"``, ...."""
    if labels is None:
        return tuple(str(i) for i in range(n))
    if isinstance(labels, str):
        raise ParameterTypeError(
            where, "labels", labels, "a sequence of strings", hint="Wrap it in a list."
        )
    out = tuple(labels)
    if len(out) != n or not all(isinstance(x, str) for x in out):
        raise ParameterValueError(
            where, "labels", out, f"a sequence of {n} strings (one per unit)"
        )
    if len(set(out)) != n:
        dup = next(x for x in out if out.count(x) > 1)
        raise ParameterValueError(
            where, "labels", dup, "unique", hint="Each unit needs its own label."
        )
    return out


def _as_matrix(
    where: str, X: Any, labels: Sequence[str] | None
) -> tuple[FloatArray, tuple[str, ...]]:
    """Validate the criteria matrix: 2-D, at least one unit and criterion, finite."""
    arr = _as_float_array(where, "X", X)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ParameterValueError(
            where,
            "X",
            arr.shape,
            "a 2-D array of shape (n_units, n_criteria) with at least one of each",
            hint="Give one row per unit and one column per criterion.",
        )
    names = _as_labels(where, labels, arr.shape[0])
    bad = ~np.isfinite(arr)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        value = float(arr[r, c])
        missing = np.isnan(value)
        hint = (
            f"Unit {names[r]!r} (row {r}) has no value for criterion {c}; "
            "impute or drop it before a weight analysis."
            if missing
            else f"Unit {names[r]!r} (row {r}) has an infinite value in criterion {c}."
        )
        raise ParameterValueError(
            where,
            f"X[{r}, {c}]",
            value,
            "a finite number (no missing values)",
            hint=hint,
        )
    arr = np.ascontiguousarray(arr)
    return arr, names


def _as_weights(
    where: str, w0: Any, m: int, *, field: str = "w0", normalise: bool = True
) -> FloatArray:
    """Validate non-negative weights for ``m`` criteria; optionally sum them to 1."""
    w = _as_float_array(where, field, w0)
    if w.shape != (m,):
        raise ParameterValueError(
            where,
            field,
            w.shape,
            f"a 1-D array of {m} weights (one per column of X)",
        )
    bad = ~np.isfinite(w)
    if bad.any():
        k = int(np.argmax(bad))
        raise ParameterValueError(where, f"{field}[{k}]", float(w[k]), "finite")
    if (w < 0).any():
        k = int(np.argmax(w < 0))
        raise ParameterValueError(
            where,
            f"{field}[{k}]",
            float(w[k]),
            ">= 0",
            hint="Weights are shares of importance; use 0 to leave a criterion out.",
        )
    total = float(w.sum())
    if total <= 0.0:
        raise ParameterValueError(
            where,
            field,
            w.tolist(),
            "weights with a positive sum",
            hint="Give at least one criterion a positive weight.",
        )
    return w / total if normalise else w


def _scores(X: FloatArray, W: FloatArray) -> FloatArray:
    """Composite scores $X w$ for one weight vector or a block of them.

    ``W`` has shape ``(m,)`` (result ``(n_units,)``) or ``(c, m)`` (result
    ``(n_units, c)``). `kampala.composite.kernel.weighted_sum` sums over
    criteria in a fixed order, so each score is bitwise the same whatever
    block it is computed in, and units with identical rows tie exactly.
    """
    out: FloatArray = weighted_sum(X, W) if W.ndim == 1 else weighted_sum(X, W).T
    return out


def _competition_ranks(S: FloatArray) -> IntArray:
    """Competition ranks along axis 0 (0 = best, ties share the best rank).

    Equivalent to ``scipy.stats.rankdata(-S, method="min", axis=0) - 1``.
    """
    order = np.argsort(-S, axis=0, kind="stable")
    ranked = np.take_along_axis(S, order, axis=0)
    n = S.shape[0]
    new = np.empty(ranked.shape, dtype=bool)
    new[0] = True
    new[1:] = ranked[1:] != ranked[:-1]
    index = np.arange(n, dtype=np.intp).reshape((n,) + (1,) * (S.ndim - 1))
    start = np.maximum.accumulate(np.where(new, index, 0), axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, start, axis=0)
    return ranks


def _ranks1(X: FloatArray, w: FloatArray) -> IntArray:
    """1-based competition ranks of the composite at weights ``w``."""
    return _competition_ranks(_scores(X, w)) + 1


def _names(labels: Sequence[str], mask: npt.NDArray[np.bool_]) -> str:
    picked = [labels[int(i)] for i in np.flatnonzero(mask)]
    text = ", ".join(repr(x) for x in picked[:_WARN_LIST])
    if len(picked) > _WARN_LIST:
        text += f" and {len(picked) - _WARN_LIST} more"
    return text


def _methodology_dict(ref: MethodologyRef | None) -> dict[str, Any] | None:
    return None if ref is None else attrs.asdict(ref)


def _as_methodology(where: str, methodology: Any) -> MethodologyRef | None:
    """Validate the ``methodology`` argument: a `MethodologyRef` or None."""
    if methodology is None or isinstance(methodology, MethodologyRef):
        return methodology
    raise ParameterTypeError(
        where,
        "methodology",
        methodology,
        "a MethodologyRef or None",
        hint="Pass the methodology of the analysed result, such as "
        "top_level(result).methodology, or the .ref of a Methodology.",
    )


# ---------------------------------------------------------------------------
# derivatives and elasticities
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class WeightDerivatives:
    r"""Derivatives and elasticities of composite scores with respect to weights.

    Unpacks as ``derivative, elasticity = weight_derivatives(X, w0)``.

    Parameters
    ----------
    labels : tuple of str
        Unit labels, one per row.
    weights : ndarray of shape (n_criteria,)
        The weights as given (not rescaled): the point of differentiation.
    scores : ndarray of shape (n_units,)
        Composite scores $s_u$ at ``weights``.
    derivative : ndarray of shape (n_units, n_criteria)
        $\partial s_u / \partial w_k = (x_{uk} - s_u) / \sum_j w_j$.
    elasticity : ndarray of shape (n_units, n_criteria)
        $(\partial s_u / \partial w_k)\, w_k / s_u$; NaN where $s_u = 0$.
    methodology : MethodologyRef or None
        The methodology whose top level was analysed, when known.
    kampala_version, numpy_version : str
        Library versions that produced the result.

    Examples
    --------
    Which principle weight would raise the overall score of ``PE-HEA-001``
    most?

    >>> from kampala.data import sample_portfolio
    >>> from kampala.scorecard import kps1
    >>> from kampala.sensitivity import top_level, weight_derivatives
    >>> top = top_level(kps1().run(sample_portfolio()))
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

    labels: tuple[str, ...] = attrs.field(converter=_str_tuple)
    weights: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    scores: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    derivative: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    elasticity: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    methodology: MethodologyRef | None = None
    kampala_version: str = __version__
    numpy_version: str = np.__version__

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
        return {
            "labels": list(self.labels),
            "weights": self.weights.tolist(),
            "scores": self.scores.tolist(),
            "derivative": self.derivative.tolist(),
            "elasticity": self.elasticity.tolist(),
            "methodology": _methodology_dict(self.methodology),
            "kampala_version": self.kampala_version,
            "numpy_version": self.numpy_version,
        }


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
    labels : sequence of str, default=None
        Unit labels; default ``"0"``, ``"1"``, ... .
    methodology : MethodologyRef, default=None
        The methodology of the result that ``X`` was taken from, recorded
        on the returned result: typically ``top.methodology`` for
        ``top = top_level(scorecard)``. None when unknown.

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
    x, names = _as_matrix(where, X, labels)
    w = _as_weights(where, w0, x.shape[1], normalise=False)
    ref = _as_methodology(where, methodology)
    total = float(w.sum())
    s = _scores(x, w) / total
    derivative = (x - s[:, None]) / total
    zero = s == 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        elasticity = derivative * w[None, :] / s[:, None]
    if zero.any():
        elasticity[zero] = np.nan
        warnings.warn(
            DegenerateIndicatorWarning(
                f"{where}: composite score 0 for unit(s) {_names(names, zero)}; "
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
@attrs.frozen(kw_only=True)
class OneAtATime:
    r"""Score and rank changes when each weight in turn is raised.

    Parameters
    ----------
    labels : tuple of str
        Unit labels, one per row.
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
    methodology : MethodologyRef or None
        The methodology whose top level was analysed, when known.
    kampala_version, numpy_version : str
        Library versions that produced the result.

    See Also
    --------
    one_at_a_time : Compute it.
    weight_derivatives : The limit of ``score_change / delta`` as ``delta`` → 0.

    Examples
    --------
    Raise each principle weight of KPS-1 by 50 % in turn: how many places
    does a partnership move on average?

    >>> from kampala.data import sample_portfolio
    >>> from kampala.scorecard import kps1
    >>> from kampala.sensitivity import one_at_a_time, top_level
    >>> top = top_level(kps1().run(sample_portfolio()))
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

    labels: tuple[str, ...] = attrs.field(converter=_str_tuple)
    weights: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    delta: float
    scores: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    ranks: IntArray = attrs.field(
        converter=_frozen_int, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    perturbed_weights: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    score_change: FloatArray = attrs.field(
        converter=_frozen, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    rank_change: IntArray = attrs.field(
        converter=_frozen_int, eq=_ARRAY_EQ, hash=False, repr=_array_repr
    )
    methodology: MethodologyRef | None = None
    kampala_version: str = __version__
    numpy_version: str = np.__version__

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
        return {
            "labels": list(self.labels),
            "weights": self.weights.tolist(),
            "delta": self.delta,
            "scores": self.scores.tolist(),
            "ranks": self.ranks.tolist(),
            "perturbed_weights": self.perturbed_weights.tolist(),
            "score_change": self.score_change.tolist(),
            "rank_change": self.rank_change.tolist(),
            "methodology": _methodology_dict(self.methodology),
            "kampala_version": self.kampala_version,
            "numpy_version": self.numpy_version,
        }


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
        Criteria values, higher is better, no missing values.
    w0 : array_like of shape (n_criteria,)
        Nominal weights, >= 0 with a positive sum (rescaled to sum to 1).
    delta : float, default=0.1
        Relative change, > -1 (``0.1`` raises a weight by 10 %, ``-0.1``
        lowers it by 10 %).
    labels : sequence of str, default=None
        Unit labels; default ``"0"``, ``"1"``, ... .
    methodology : MethodologyRef, default=None
        The methodology of the result that ``X`` was taken from, recorded
        on the returned result: typically ``top.methodology`` for
        ``top = top_level(scorecard)``. None when unknown.

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
    x, names = _as_matrix(where, X, labels)
    m = x.shape[1]
    w = _as_weights(where, w0, m)
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
    ref = _as_methodology(where, methodology)
    s0 = _scores(x, w)
    r0 = _ranks1(x, w)
    perturbed = np.empty((m, m))
    change = np.empty((x.shape[0], m))
    rank_change = np.empty((x.shape[0], m), dtype=np.intp)
    for k in range(m):
        wk = w.copy()
        wk[k] *= 1.0 + d
        wk /= wk.sum()
        perturbed[k] = wk
        change[:, k] = _scores(x, wk) - s0
        rank_change[:, k] = _ranks1(x, wk) - r0
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
