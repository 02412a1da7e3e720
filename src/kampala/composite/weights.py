r"""Weights: derive the weights of indicators from judgements or from data.

Weights normally live on the nodes of a `Framework` and are chosen per run
with ``Aggregate(weights=...)``. This module *derives* them
(equations on ``docs/methodology/weighting.md``):

- `ahp_weights` (W3-W5): the analytic hierarchy process, from a pairwise
  comparison matrix, with Saaty's consistency ratio.
- `pca_weights` (W6-W9): weights from principal components with varimax
  rotation, as in step 6 of the OECD/JRC Handbook (2008).
- `bod_weights` (W10-W11): benefit-of-the-doubt weights, one set per unit,
  by linear programming (data envelopment analysis).
- `budget_weights` (W12): budget allocation, from experts' points.
- `equal_weights` and `explicit_weights`: equal or given weights,
  normalised to sum to 1.

AHP, PCA and budget results give ``{code: weight}`` with
``weight_mapping()``, the form `Aggregate` and `Framework.with_weights`
accept, and ``apply(framework, parent)`` returns a framework whose children
of ``parent`` carry the derived weights. Benefit-of-the-doubt weights differ
from unit to unit, so they are a result to inspect (scores, weights), not
weights of the framework.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt
from scipy import optimize

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
    "RANDOM_INDEX",
    "AHPResult",
    "BoDResult",
    "BudgetResult",
    "PCAResult",
    "ahp_weights",
    "bod_weights",
    "budget_weights",
    "equal_weights",
    "explicit_weights",
    "pca_weights",
    "varimax",
]

FloatArray = npt.NDArray[np.float64]

#: Saaty's random consistency index RI(n) for n = 1..10: the mean consistency
#: index of random reciprocal matrices with entries from the 1/9..9 scale
#: (T. L. Saaty 1980; the table as printed in R. W. Saaty 1987, section 4,
#: doi:10.1016/0270-0255(87)90473-8). For n > 10 pass ``random_index=`` to
#: `ahp_weights`.
RANDOM_INDEX: Mapping[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
}


# ---------------------------------------------------------------------------
# shared checks and helpers
# ---------------------------------------------------------------------------
def _labels(where: str, labels: Sequence[str] | None, n: int) -> tuple[str, ...]:
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


def _matrix(where: str, name: str, values: Any) -> FloatArray:
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(where, name, values, "a 2-D array of numbers") from exc
    if arr.ndim != 2 or 0 in arr.shape:
        raise ParameterValueError(
            where, name, arr.shape, "a non-empty 2-D array (shape (rows, columns))"
        )
    return arr


def _unit(units: tuple[str, ...] | None, r: int) -> str:
    return units[r] if units is not None else f"row {r}"


def _data(
    where: str, data: IndicatorSet | Any, labels: Sequence[str] | None
) -> tuple[FloatArray, tuple[str, ...] | None, tuple[str, ...]]:
    """Return the values, unit codes (None for an array) and indicator codes."""
    units: tuple[str, ...] | None = None
    if isinstance(data, IndicatorSet):
        x = np.asarray(data.values, dtype=np.float64)
        units = data.unit_codes
        codes = _labels(where, labels or data.framework.indicator_codes, x.shape[1])
    else:
        x = _matrix(where, "data", data)
        codes = _labels(where, labels, x.shape[1])
    bad = ~np.isfinite(x)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise DataFormatError(
            f"{where}: unit {_unit(units, r)!r}",
            codes[c],
            float(x[r, c]),
            "a finite number (the method needs complete data)",
            hint="Impute missing values first, e.g. Impute(method='mean').",
        )
    return x, units, codes


def _mapping(labels: tuple[str, ...], weights: FloatArray) -> dict[str, float]:
    return {k: float(w) for k, w in zip(labels, weights, strict=True)}


def _apply(
    where: str, framework: Framework, parent: str, weights: Mapping[str, float]
) -> Framework:
    kids = framework.children(parent)
    if set(kids) != set(weights):
        raise FrameworkError(
            where,
            "parent",
            parent,
            f"an aggregate whose children are exactly {sorted(weights)}",
            hint=f"Its children are {sorted(kids)}.",
        )
    return framework.with_weights(weights)


def _positive_float(where: str, name: str, value: Any, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParameterTypeError(where, name, value, "a number")
    out = float(value)
    if not math.isfinite(out) or out < 0:
        raise ParameterValueError(where, name, value, expected)
    return out


# ---------------------------------------------------------------------------
# equal and explicit
# ---------------------------------------------------------------------------
def equal_weights(labels: Sequence[str]) -> dict[str, float]:
    """Return equal weights, ``1/n`` for each of ``n`` labels.

    Parameters
    ----------
    labels : sequence of str
        Indicator or node codes, unique.

    Returns
    -------
    dict of str to float
        ``{code: 1/n}``, the form ``Aggregate(weights=...)`` accepts.

    Raises
    ------
    ParameterValueError
        If ``labels`` is empty or repeats a code.

    Examples
    --------
    >>> from kampala.composite.weights import equal_weights
    >>> equal_weights(["a", "b", "c", "d"])
    {'a': 0.25, 'b': 0.25, 'c': 0.25, 'd': 0.25}
    """
    given = labels if isinstance(labels, str) else tuple(labels)
    codes = _labels("equal_weights()", given, len(given))
    if not codes:
        raise ParameterValueError(
            "equal_weights()", "labels", (), "a non-empty sequence of codes"
        )
    return {c: 1.0 / len(codes) for c in codes}


def explicit_weights(weights: Mapping[str, float]) -> dict[str, float]:
    r"""Return given weights normalised to sum to 1 (equation (W1)).

    Parameters
    ----------
    weights : mapping of str to float
        Weights >= 0 with a positive sum, in any units (points, shares).

    Returns
    -------
    dict of str to float
        ``{code: w / sum(w)}``, in the order given.

    Raises
    ------
    ParameterValueError
        For a negative or non-finite weight, or weights that sum to 0.
    ParameterTypeError
        For a weight that is not a number.

    Examples
    --------
    >>> from kampala.composite.weights import explicit_weights
    >>> explicit_weights({"a": 1, "b": 1, "c": 2})
    {'a': 0.25, 'b': 0.25, 'c': 0.5}
    """
    where = "explicit_weights()"
    if not isinstance(weights, Mapping):
        raise ParameterTypeError(
            where, "weights", weights, "a mapping of code to weight"
        )
    vals = {
        str(k): _positive_float(where, f"weights[{k!r}]", v, "a finite number >= 0")
        for k, v in weights.items()
    }
    total = math.fsum(vals.values())
    if not total > 0:
        raise ParameterValueError(
            where, "weights", dict(weights), "weights with a positive sum"
        )
    return {k: v / total for k, v in vals.items()}


# ---------------------------------------------------------------------------
# analytic hierarchy process
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True, eq=False)
class AHPResult:
    r"""Weights from a pairwise comparison matrix, with their consistency.

    Attributes
    ----------
    weights : numpy.ndarray
        The principal right eigenvector, normalised to sum to 1 (W3).
    labels : tuple of str
        The code of each row and column of the matrix.
    lambda_max : float
        The principal (Perron) eigenvalue, $\lambda_{max} \ge n$.
    ci : float
        Consistency index $(\lambda_{max} - n)/(n - 1)$ (W4); 0 for n <= 2.
    ri : float
        Random index used, from `RANDOM_INDEX` or the caller.
    cr : float
        Consistency ratio CI / RI (W5); 0 when RI is 0 (n <= 2).
    n : int
        Size of the matrix.

    Examples
    --------
    >>> from kampala.composite.weights import ahp_weights
    >>> res = ahp_weights([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]],
    ...                   labels=["a", "b", "c"])
    >>> res.weights.round(4).tolist(), res.cr
    ([0.5714, 0.2857, 0.1429], 0.0)
    """

    weights: FloatArray = attrs.field(converter=frozen_float64)
    labels: tuple[str, ...]
    lambda_max: float
    ci: float
    ri: float
    cr: float
    n: int

    def weight_mapping(self) -> dict[str, float]:
        """Return ``{code: weight}``, the form ``Aggregate(weights=...)`` accepts.

        Examples
        --------
        >>> from kampala.composite.weights import ahp_weights
        >>> ahp_weights([[1, 3], [1/3, 1]], labels=["x", "y"]).weight_mapping()
        {'x': 0.75, 'y': 0.25}
        """
        return _mapping(self.labels, self.weights)

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
        return _apply("AHPResult.apply()", framework, parent, self.weight_mapping())

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping.

        Examples
        --------
        >>> from kampala.composite.weights import ahp_weights
        >>> ahp_weights([[1, 3], [1/3, 1]], labels=["x", "y"]).to_dict()
        {'method': 'ahp', 'weights': {'x': 0.75, 'y': 0.25}, 'lambda_max': 2.0,
         'ci': 0.0, 'ri': 0.0, 'cr': 0.0, 'n': 2}
        """
        return {
            "method": "ahp",
            "weights": self.weight_mapping(),
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "ri": self.ri,
            "cr": self.cr,
            "n": self.n,
        }


def _cell(labels: tuple[str, ...] | None, i: int, j: int) -> str:
    if labels is None:
        return f"matrix[{i}, {j}]"
    return f"matrix[{labels[i]!r}, {labels[j]!r}]"


def _check_pairwise(
    where: str, a: FloatArray, names: tuple[str, ...] | None, rtol: float
) -> FloatArray:
    """Validate a pairwise matrix and return it made exactly reciprocal."""
    n = a.shape[0]
    if a.shape != (n, n):
        raise ParameterValueError(where, "matrix", a.shape, "a square matrix")
    bad = ~(np.isfinite(a) & (a > 0))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ParameterValueError(
            where,
            _cell(names, i, j),
            float(a[i, j]),
            "a finite number > 0",
            hint="Judgements are ratios on Saaty's scale 1/9 .. 9.",
        )
    diag = np.abs(np.diag(a) - 1.0) > rtol
    if diag.any():
        i = int(np.flatnonzero(diag)[0])
        raise ParameterValueError(
            where,
            _cell(names, i, i),
            float(a[i, i]),
            "1 (an item is as important as itself)",
        )
    off = np.abs(a * a.T - 1.0) > rtol
    off &= np.tri(n, k=-1, dtype=bool)  # report the lower cell of a pair
    if off.any():
        i, j = np.argwhere(off)[0]
        raise ParameterValueError(
            where,
            _cell(names, i, j),
            float(a[i, j]),
            f"1 / {_cell(names, j, i)} = {1.0 / a[j, i]:.6g} (reciprocal)",
            hint=f"Enter reciprocals to full precision or raise rtol (now {rtol}).",
        )
    out = np.ones_like(a)
    rows, cols = np.triu_indices(n, k=1)
    out[rows, cols] = a[rows, cols]
    out[cols, rows] = 1.0 / a[rows, cols]
    return out


def ahp_weights(
    matrix: Any,
    *,
    labels: Sequence[str] | None = None,
    max_cr: float | None = 0.1,
    rtol: float = 0.05,
    random_index: float | None = None,
) -> AHPResult:
    r"""Derive weights from a pairwise comparison matrix (analytic hierarchy process).

    ``matrix[i, j]`` says how many times item ``i`` is more important than
    item ``j`` (Saaty's scale 1/9 .. 9). The weights are the principal right
    eigenvector, normalised to sum to 1 (W3); the consistency ratio
    compares the inconsistency of the judgements with that of random
    matrices (W4, W5).

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Positive, reciprocal ($a_{ji} = 1/a_{ij}$ within ``rtol``), with ones
        on the diagonal. The upper triangle is used; the lower one is only
        checked, so rounded reciprocals such as 0.33 do not shift the weights.
    labels : sequence of str, default=None
        The code of each row; default ``"0"``, ``"1"``, ... Errors name cells
        by label when labels are given.
    max_cr : float or None, default=0.1
        Largest consistency ratio accepted (Saaty's 10 % rule). ``None``
        accepts any matrix; the ratio is still reported.
    rtol : float, default=0.05
        Tolerance on $|a_{ij} a_{ji} - 1|$ and on the diagonal: wide enough
        for reciprocals rounded to two decimals (1/7 as 0.14), narrow enough
        to catch a judgement entered the wrong way round (3 for 1/3).
    random_index : float or None, default=None
        RI(n) to divide by. ``None`` takes Saaty's value from
        `RANDOM_INDEX`, which stops at n = 10; larger matrices need it.

    Returns
    -------
    AHPResult
        Weights, $\lambda_{max}$, CI, RI, CR and n.

    Raises
    ------
    ParameterValueError
        For a matrix that is not square, a cell that is not a finite positive
        number, a diagonal cell other than 1 or a pair that is not reciprocal
        (naming the cell), for n > 10 without ``random_index``, and when the
        consistency ratio exceeds ``max_cr``.

    See Also
    --------
    budget_weights : weights from experts' points instead of comparisons.

    Notes
    -----
    With $A w = \lambda_{max} w$ for the Perron root $\lambda_{max}$,

    $$ CI = \frac{\lambda_{max} - n}{n - 1}, \qquad CR = \frac{CI}{RI(n)} . $$

    A consistent matrix ($a_{ij} = v_i / v_j$) has $\lambda_{max} = n$ and
    weights $v / \sum v$. Against rounding, $\lambda_{max}$ within
    $10^{-12} n$ of $n$ is taken as $n$ and CI is clipped at 0. See
    ``docs/methodology/weighting.md``, equations (W3)-(W5).

    References
    ----------
    Saaty, T. L. (1980). *The Analytic Hierarchy Process*. McGraw-Hill.

    Saaty, R. W. (1987). The analytic hierarchy process: what it is and how
    it is used. *Mathematical Modelling*, 9(3-5), 161-176.
    https://doi.org/10.1016/0270-0255(87)90473-8

    Examples
    --------
    >>> from kampala.composite.weights import ahp_weights
    >>> res = ahp_weights([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]],
    ...                   labels=["ownership", "results", "transparency"])
    >>> res.weights.round(3).tolist()
    [0.637, 0.258, 0.105]
    >>> round(res.lambda_max, 4), round(res.cr, 4)
    (3.0385, 0.0332)
    """
    where = "ahp_weights()"
    a = _matrix(where, "matrix", matrix)
    n = a.shape[0]
    rtol = _positive_float(where, "rtol", rtol, "a finite number >= 0")
    names = None if labels is None else _labels(where, labels, n)
    a = _check_pairwise(where, a, names, rtol)
    codes = names if names is not None else _labels(where, None, n)
    if random_index is None:
        if n not in RANDOM_INDEX:
            raise ParameterValueError(
                where,
                "random_index",
                None,
                f"given for a {n} x {n} matrix (Saaty's table stops at n = 10)",
                hint="Pass the RI of a published table for your n.",
            )
        ri = RANDOM_INDEX[n]
    else:
        ri = _positive_float(where, "random_index", random_index, "a number > 0")
        if ri == 0 and n > 2:
            raise ParameterValueError(where, "random_index", ri, "a number > 0")
    if n == 1:
        vals, vecs = np.ones(1), np.ones((1, 1))
    else:
        vals_c, vecs_c = np.linalg.eig(a)
        k = int(np.argmax(vals_c.real))
        vals, vecs = vals_c.real, vecs_c.real[:, [k]]
        vals = vals[[k]]
    lam = float(vals[0])
    if abs(lam - n) <= 1e-12 * n:
        lam = float(n)  # rounding: a consistent matrix has lambda_max = n exactly
    v = np.abs(vecs[:, 0])  # the Perron vector has one sign
    w = v / v.sum()
    ci = max((lam - n) / (n - 1), 0.0) if n > 2 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    if max_cr is not None:
        limit = _positive_float(where, "max_cr", max_cr, "a number >= 0 or None")
        if cr > limit:
            raise ParameterValueError(
                where,
                "consistency ratio",
                round(cr, 4),
                f"<= max_cr = {limit:g}",
                hint=(
                    "Revise the most inconsistent judgements, or pass max_cr=None "
                    "to accept the matrix as it is."
                ),
            )
    return AHPResult(weights=w, labels=codes, lambda_max=lam, ci=ci, ri=ri, cr=cr, n=n)


# ---------------------------------------------------------------------------
# principal components and varimax
# ---------------------------------------------------------------------------
def _varimax_criterion(z: FloatArray) -> float:
    p = z.shape[0]
    z2 = z**2
    return float(np.sum((z2**2).sum(axis=0) / p - (z2.sum(axis=0) / p) ** 2))


def varimax(
    loadings: Any,
    *,
    normalize: bool = True,
    tol: float = 1e-10,
    max_iter: int = 1000,
) -> tuple[FloatArray, FloatArray]:
    r"""Rotate loadings orthogonally to maximise the varimax criterion.

    Kaiser's (1958) varimax rotation, by his original algorithm: sweeps
    over every pair of factors, each rotated by the angle that maximises the
    criterion in their plane (closed form), until no angle exceeds ``tol``.
    It finds the orthogonal $T$ maximising

    $$ V(LT) = \sum_j \Big[\frac1p \sum_i z_{ij}^4
       - \Big(\frac1p \sum_i z_{ij}^2\Big)^2\Big], \quad Z = LT, $$

    on rows scaled to unit length when ``normalize`` (Kaiser normalisation).

    Parameters
    ----------
    loadings : array_like, shape (p, k)
        Loadings of p indicators on k factors.
    normalize : bool, default=True
        Scale each row to unit length before rotating, and back afterwards.
    tol : float, default=1e-10
        Stop when no pairwise angle (radians) exceeds this.
    max_iter : int, default=1000
        Largest number of sweeps over the pairs of factors.

    Returns
    -------
    rotated : numpy.ndarray, shape (p, k)
        ``loadings @ rotation``.
    rotation : numpy.ndarray, shape (k, k)
        The orthogonal rotation matrix.

    Raises
    ------
    ParameterValueError
        If ``loadings`` is not a finite 2-D array.

    References
    ----------
    Kaiser, H. F. (1958). The varimax criterion for analytic rotation in
    factor analysis. *Psychometrika*, 23(3), 187-200.
    https://doi.org/10.1007/BF02289233

    Examples
    --------
    A rotation of a simple structure is undone:

    >>> import numpy as np
    >>> from kampala.composite.weights import varimax
    >>> simple = np.array([[0.9, 0.0], [0.8, 0.0], [0.0, 0.7], [0.0, 0.9]])
    >>> c, s = np.cos(0.5), np.sin(0.5)
    >>> rotated, t = varimax(simple @ np.array([[c, -s], [s, c]]))
    >>> np.abs(rotated).round(6).tolist()
    [[0.9, 0.0], [0.8, 0.0], [0.0, 0.7], [0.0, 0.9]]
    """
    where = "varimax()"
    lo = _matrix(where, "loadings", loadings)
    if not np.isfinite(lo).all():
        raise ParameterValueError(where, "loadings", "non-finite", "finite numbers")
    return _varimax(lo, normalize=normalize, tol=tol, max_iter=max_iter)


def _varimax(
    lo: FloatArray, *, normalize: bool, tol: float, max_iter: int
) -> tuple[FloatArray, FloatArray]:
    p, k = lo.shape
    if k < 2:
        return lo.copy(), np.eye(k)
    scale = np.sqrt((lo**2).sum(axis=1)) if normalize else np.ones(p)
    scale = np.where(scale > 0, scale, 1.0)
    x = lo / scale[:, None]
    z = x.copy()
    t = np.eye(k)
    for _ in range(max_iter):
        largest = 0.0
        for j in range(k - 1):
            for m in range(j + 1, k):
                # Kaiser's closed-form best angle in the plane of factors j, m
                u = z[:, j] ** 2 - z[:, m] ** 2
                v = 2.0 * z[:, j] * z[:, m]
                a, b = u.sum(), v.sum()
                c = (u**2 - v**2).sum() - (a**2 - b**2) / p
                d = 2.0 * ((u * v).sum() - a * b / p)
                phi = 0.25 * math.atan2(d, c)
                if abs(phi) <= tol:
                    continue
                largest = max(largest, abs(phi))
                cos, sin = math.cos(phi), math.sin(phi)
                rot = np.array([[cos, -sin], [sin, cos]])
                z[:, [j, m]] = z[:, [j, m]] @ rot
                t[:, [j, m]] = t[:, [j, m]] @ rot
        if largest <= tol:
            break
    return z * scale[:, None], t


def _orient(lo: FloatArray) -> FloatArray:
    """Make the largest loading of every factor positive (sign convention)."""
    idx = np.argmax(np.abs(lo), axis=0)
    signs = np.sign(lo[idx, np.arange(lo.shape[1])])
    return lo * np.where(signs == 0, 1.0, signs)


@attrs.frozen(kw_only=True, eq=False)
class PCAResult:
    r"""Weights from principal components, with every intermediate result.

    Attributes
    ----------
    weights : numpy.ndarray
        One weight per indicator, summing to 1 (W9).
    labels : tuple of str
        Indicator codes.
    eigenvalues : numpy.ndarray
        Eigenvalues of the correlation matrix, largest first.
    explained : numpy.ndarray
        Share of the total variance each component explains.
    n_factors : int
        Number of factors retained (W6).
    loadings : numpy.ndarray, shape (p, n_factors)
        Loadings before rotation, $v_j \sqrt{\lambda_j}$.
    rotated_loadings : numpy.ndarray, shape (p, n_factors)
        Loadings after rotation (W7); equal to ``loadings`` without rotation.
    factor_variance : numpy.ndarray
        Variance each rotated factor explains, the column sums of squared
        rotated loadings.
    factor_of : tuple of int
        For each indicator, the factor it loads most on.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite.weights import pca_weights
    >>> rng = np.random.default_rng(7)
    >>> f = rng.normal(size=(60, 2))
    >>> x = np.column_stack([f[:, 0], f[:, 0], f[:, 1], f[:, 1]])
    >>> res = pca_weights(x + 0.3 * rng.normal(size=(60, 4)))
    >>> res.n_factors, res.factor_of
    (2, (0, 0, 1, 1))
    """

    weights: FloatArray = attrs.field(converter=frozen_float64)
    labels: tuple[str, ...]
    eigenvalues: FloatArray = attrs.field(converter=frozen_float64)
    explained: FloatArray = attrs.field(converter=frozen_float64)
    n_factors: int
    loadings: FloatArray = attrs.field(converter=frozen_float64)
    rotated_loadings: FloatArray = attrs.field(converter=frozen_float64)
    factor_variance: FloatArray = attrs.field(converter=frozen_float64)
    factor_of: tuple[int, ...]

    def weight_mapping(self) -> dict[str, float]:
        """Return ``{code: weight}``, the form ``Aggregate(weights=...)`` accepts.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.composite.weights import pca_weights
        >>> x = np.random.default_rng(1).normal(size=(30, 2))
        >>> res = pca_weights(x, labels=["a", "b"], n_factors=1)
        >>> sorted(res.weight_mapping()), round(sum(res.weight_mapping().values()), 12)
        (['a', 'b'], 1.0)
        """
        return _mapping(self.labels, self.weights)

    def apply(self, framework: Framework, parent: str) -> Framework:
        """Return ``framework`` with these weights on the children of ``parent``.

        Raises
        ------
        FrameworkError
            If the children of ``parent`` are not exactly the labels.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala import Framework, Node
        >>> from kampala.composite.weights import pca_weights
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P"),
        ...     Node(code="P", level=2, kind="aggregate")])
        >>> x = np.random.default_rng(1).normal(size=(30, 2))
        >>> res = pca_weights(x, labels=["a", "b"], n_factors=1)
        >>> bool(np.allclose(res.apply(fw, "P").effective_weights(), res.weights))
        True
        """
        return _apply("PCAResult.apply()", framework, parent, self.weight_mapping())

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.composite.weights import pca_weights
        >>> x = np.random.default_rng(1).normal(size=(30, 3))
        >>> sorted(pca_weights(x, n_factors=2).to_dict())
        ['eigenvalues', 'explained', 'factor_of', 'factor_variance', 'loadings',
         'method', 'n_factors', 'rotated_loadings', 'weights']
        """
        return {
            "method": "pca",
            "weights": self.weight_mapping(),
            "eigenvalues": self.eigenvalues.tolist(),
            "explained": self.explained.tolist(),
            "n_factors": self.n_factors,
            "loadings": self.loadings.tolist(),
            "rotated_loadings": self.rotated_loadings.tolist(),
            "factor_variance": self.factor_variance.tolist(),
            "factor_of": list(self.factor_of),
        }


def _retain(
    eig: FloatArray, min_eigenvalue: float, min_share: float, min_cumulative: float
) -> int:
    """Count the factors the Handbook's three criteria keep (W6)."""
    share = eig / eig.sum()
    keep = 0
    for lam, s in zip(eig, share, strict=True):
        if lam > min_eigenvalue or s > min_share:
            keep += 1
        else:
            break
    keep = max(keep, 1)
    cum = np.cumsum(share)
    while keep < eig.size and cum[keep - 1] < min_cumulative:
        keep += 1
    return keep


def pca_weights(
    data: IndicatorSet | Any,
    *,
    labels: Sequence[str] | None = None,
    n_factors: int | None = None,
    min_eigenvalue: float = 1.0,
    min_variance_share: float = 0.10,
    min_cumulative: float = 0.60,
    rotation: Literal["varimax", "none"] = "varimax",
) -> PCAResult:
    r"""Derive weights from principal components (OECD/JRC Handbook, step 6).

    The Handbook's procedure (section 6.1 of its part 1), one step per
    equation of ``docs/methodology/weighting.md``:

    1. principal components of the correlation matrix of the indicators;
    2. retain factors (W6): in order, every factor with eigenvalue
       > ``min_eigenvalue`` or a share of the variance > ``min_variance_share``,
       stopping at the first that meets neither; then more factors, if needed,
       until they explain at least ``min_cumulative`` of the variance;
    3. rotate the retained loadings (varimax, W7);
    4. square the loadings and scale them to unit sum per factor (W8);
    5. give each indicator the scaled squared loading of the factor it loads
       most on, times that factor's share of the variance the retained factors
       explain, and normalise to sum to 1 (W9).

    Parameters
    ----------
    data : IndicatorSet or array_like, shape (n_units, n_indicators)
        Complete data (no missing values), normally after imputation and
        outlier treatment. Correlations do not depend on each indicator's
        location or scale, so normalising first does not change the result.
    labels : sequence of str, default=None
        Indicator codes; default the framework's codes for an `IndicatorSet`,
        else ``"0"``, ``"1"``, ...
    n_factors : int or None, default=None
        Number of factors to keep, overriding the three criteria.
    min_eigenvalue : float, default=1.0
        Kaiser's criterion on eigenvalues of the correlation matrix.
    min_variance_share : float, default=0.10
        A factor explaining more than this share is kept.
    min_cumulative : float, default=0.60
        The factors kept explain at least this share together.
    rotation : {"varimax", "none"}, default="varimax"
        Orthogonal rotation of the retained loadings.

    Returns
    -------
    PCAResult
        The weights and every intermediate quantity.

    Raises
    ------
    DataFormatError
        For a missing or infinite value (naming unit and indicator) or a
        constant indicator.
    ParameterValueError
        For fewer than 2 units or indicators, or an option out of range.

    Notes
    -----
    Signs of components are arbitrary; the largest loading of every factor
    is made positive, and weights use squared loadings, so they do not
    depend on signs. The weights measure how much of the common variance an
    indicator carries, not its importance: an indicator uncorrelated with the
    others can receive a small weight, and a factor on which no indicator
    loads most contributes nothing.

    References
    ----------
    OECD and European Commission JRC (2008). *Handbook on Constructing
    Composite Indicators: Methodology and User Guide*, section 6.1.
    https://doi.org/10.1787/9789264043466-en

    Examples
    --------
    Two pairs of strongly related indicators give two factors, and each
    indicator a weight close to 1/4:

    >>> import numpy as np
    >>> from kampala.composite.weights import pca_weights
    >>> rng = np.random.default_rng(3)
    >>> f = rng.normal(size=(200, 2))
    >>> x = np.repeat(f, 2, axis=1) + 0.2 * rng.normal(size=(200, 4))
    >>> res = pca_weights(x, labels=["a", "b", "c", "d"])
    >>> res.n_factors, res.weights.round(2).tolist()
    (2, [0.25, 0.25, 0.25, 0.25])
    """
    where = "pca_weights()"
    x, _, codes = _data(where, data, labels)
    n, p = x.shape
    if n < 2 or p < 2:
        raise ParameterValueError(
            where, "data", (n, p), "at least 2 units and 2 indicators"
        )
    for name, val in (
        ("min_eigenvalue", min_eigenvalue),
        ("min_variance_share", min_variance_share),
        ("min_cumulative", min_cumulative),
    ):
        _positive_float(where, name, val, "a finite number >= 0")
    if min_cumulative > 1:
        raise ParameterValueError(
            where, "min_cumulative", min_cumulative, "between 0 and 1"
        )
    if rotation not in ("varimax", "none"):
        raise ParameterValueError(
            where, "rotation", rotation, "one of 'varimax', 'none'"
        )
    sd = x.std(axis=0, ddof=1)
    flat = ~(sd > 0)
    if flat.any():
        c = int(np.flatnonzero(flat)[0])
        raise DataFormatError(
            where,
            codes[c],
            float(x[0, c]),
            "an indicator that varies across units",
            hint="A constant indicator has no correlation; remove it first.",
        )
    z = (x - x.mean(axis=0)) / sd
    corr = (z.T @ z) / (n - 1)
    eig, vec = np.linalg.eigh(corr)
    eig, vec = np.clip(eig[::-1], 0.0, None), vec[:, ::-1]
    explained = eig / eig.sum()
    if n_factors is None:
        m = _retain(eig, min_eigenvalue, min_variance_share, min_cumulative)
    else:
        if isinstance(n_factors, bool) or not isinstance(n_factors, int):
            raise ParameterTypeError(where, "n_factors", n_factors, "an integer")
        if not 1 <= n_factors <= p:
            raise ParameterValueError(
                where, "n_factors", n_factors, f"between 1 and {p} (the indicators)"
            )
        m = n_factors
    loadings = _orient(vec[:, :m] * np.sqrt(eig[:m]))
    rotated = loadings
    if rotation == "varimax" and m > 1:
        rotated = _orient(
            _varimax(loadings, normalize=True, tol=1e-10, max_iter=1000)[0]
        )
    sq = rotated**2
    fvar = sq.sum(axis=0)
    scaled = sq / np.where(fvar > 0, fvar, 1.0)
    share = fvar / fvar.sum()
    factor_of = np.argmax(sq, axis=1)
    raw = scaled[np.arange(p), factor_of] * share[factor_of]
    return PCAResult(
        weights=raw / raw.sum(),
        labels=codes,
        eigenvalues=eig,
        explained=explained,
        n_factors=m,
        loadings=loadings,
        rotated_loadings=rotated,
        factor_variance=fvar,
        factor_of=tuple(int(f) for f in factor_of),
    )


# ---------------------------------------------------------------------------
# benefit of the doubt
# ---------------------------------------------------------------------------
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
    y, units, codes = _data(where, data, labels)
    neg = y < 0
    if neg.any():
        r, c = np.argwhere(neg)[0]
        raise DataFormatError(
            f"{where}: unit {_unit(units, r)!r}",
            codes[c],
            float(y[r, c]),
            ">= 0 (benefit of the doubt needs non-negative data)",
            hint="Normalise to a non-negative range first, e.g. min-max:0,1.",
        )
    if method not in ("highs", "highs-ds", "highs-ipm"):
        raise ParameterValueError(
            where, "method", method, "one of 'highs', 'highs-ds', 'highs-ipm'"
        )
    lower, upper = _share_bounds(where, share_bounds, codes)
    n, p = y.shape
    has_low, has_up = lower > 0, upper < 1
    weights = np.zeros((n, p))
    # working set of data constraints, shared by all units: the units best on
    # each indicator to start; rows a solution violates are added and the
    # programme solved again, so every answer is feasible for all n rows
    work = np.zeros(n, dtype=bool)
    work[np.argmax(y, axis=0)] = True
    for u in range(n):
        yu = y[u]
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
                    _unit(units, u),
                    "solvable by scipy.optimize.linprog for every unit",
                    hint=f"The solver said: {res.message}",
                )
            w = np.clip(res.x, 0.0, None)
            excess = np.where(rows, 0.0, y @ w - 1.0)
            violated = np.flatnonzero(excess > 1e-9)
            if violated.size == 0:
                break
            # the most violated few: adding all would fill the set with
            # units that later solutions never reach
            worst = violated[np.argsort(excess[violated])[::-1][:_BOD_ADD]]
            work[worst] = True
        weights[u] = w
    scores = np.clip(np.einsum("ij,ij->i", weights, y), 0.0, 1.0)
    if units is None:  # one label per unit is cheap next to one programme each
        units = tuple(f"row {i}" for i in range(n))
    return BoDResult(
        scores=scores, weights=weights, unit_codes=units, labels=codes, values=y
    )


# ---------------------------------------------------------------------------
# budget allocation
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True, eq=False)
class BudgetResult:
    """Weights from experts' points, with the spread between experts.

    Attributes
    ----------
    weights : numpy.ndarray
        One weight per indicator, summing to 1 (W12).
    labels : tuple of str
        Indicator codes.
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

    weights: FloatArray = attrs.field(converter=frozen_float64)
    labels: tuple[str, ...]
    experts: tuple[str, ...]
    shares: FloatArray = attrs.field(converter=frozen_float64)
    sd: FloatArray = attrs.field(converter=frozen_float64)
    low: FloatArray = attrs.field(converter=frozen_float64)
    high: FloatArray = attrs.field(converter=frozen_float64)
    statistic: str

    def weight_mapping(self) -> dict[str, float]:
        """Return ``{code: weight}``, the form ``Aggregate(weights=...)`` accepts.

        Examples
        --------
        >>> from kampala.composite.weights import budget_weights
        >>> budget_weights([[70, 30], [50, 50]], labels=["a", "b"]).weight_mapping()
        {'a': 0.6, 'b': 0.4}
        """
        return _mapping(self.labels, self.weights)

    def apply(self, framework: Framework, parent: str) -> Framework:
        """Return ``framework`` with these weights on the children of ``parent``.

        Raises
        ------
        FrameworkError
            If the children of ``parent`` are not exactly the labels.

        Examples
        --------
        >>> from kampala import Framework, Node
        >>> from kampala.composite.weights import budget_weights
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P"),
        ...     Node(code="P", level=2, kind="aggregate")])
        >>> res = budget_weights([[70, 30], [50, 50]], labels=["a", "b"])
        >>> res.apply(fw, "P").effective_weights().round(12).tolist()
        [0.6, 0.4]
        """
        return _apply("BudgetResult.apply()", framework, parent, self.weight_mapping())

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
        arr = _matrix(where, "points", points)
        return arr, _labels(where, labels, arr.shape[1]), None
    experts = tuple(str(e) for e in points)
    if not experts:
        raise ParameterValueError(where, "points", {}, "at least one expert")
    for e, given in points.items():
        if not isinstance(given, Mapping):
            raise ParameterTypeError(
                f"{where}: expert {e!r}", "points", given, "a mapping of code to points"
            )
    first = points[next(iter(points))]
    codes = _labels(where, labels if labels is not None else list(first), len(first))
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
        names = _labels(where, experts, n_exp)
    if statistic not in ("mean", "median"):
        raise ParameterValueError(
            where, "statistic", statistic, "one of 'mean', 'median'"
        )
    rtol = _positive_float(where, "rtol", rtol, "a finite number >= 0")
    bad = ~(np.isfinite(arr) & (arr >= 0))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise ParameterValueError(
            f"{where}: expert {names[r]!r}",
            codes[c],
            float(arr[r, c]),
            "a finite number of points >= 0",
        )
    totals = arr.sum(axis=1)
    if budget is not None:
        b = _positive_float(where, "budget", budget, "a finite number > 0")
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
