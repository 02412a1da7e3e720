"""Analytic hierarchy process: weights from a pairwise comparison matrix.

Equations (W3)-(W5) of ``docs/methodology/weighting.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from kampala._internal.array_types import FloatArray
from kampala.composite.weights._common import (
    FrameworkWeights,
    check_labels,
    check_matrix,
    first_cell,
    positive_float,
    reject_cells,
)
from kampala.errors import ParameterValueError

__all__ = ["RANDOM_INDEX", "AHPResult", "ahp_weights"]

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
"""Saaty's random consistency index RI(n) for n = 1..10.

The mean consistency index of random reciprocal matrices with entries from
the 1/9..9 scale (T. L. Saaty 1980; the table as printed in R. W. Saaty 1987,
section 4, doi:10.1016/0270-0255(87)90473-8). For n > 10 pass
``random_index=`` to `ahp_weights`.
"""


@attrs.frozen(kw_only=True, eq=False)
class AHPResult(FrameworkWeights):
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

    lambda_max: float
    ci: float
    ri: float
    cr: float
    n: int

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

    def place(i: int, j: int) -> tuple[str, str]:
        return where, _cell(names, i, j)

    reject_cells(
        ~(np.isfinite(a) & (a > 0)),
        a,
        place,
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
        i, j = first_cell(off)
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


def _random_index(where: str, n: int, given: float | None) -> float:
    """Return RI(n): Saaty's value, or the caller's."""
    if given is None:
        if n not in RANDOM_INDEX:
            raise ParameterValueError(
                where,
                "random_index",
                None,
                f"given for a {n} x {n} matrix (Saaty's table stops at n = 10)",
                hint="Pass the RI of a published table for your n.",
            )
        return RANDOM_INDEX[n]
    ri = positive_float(where, "random_index", given, "a number > 0")
    if ri == 0 and n > 2:
        raise ParameterValueError(where, "random_index", ri, "a number > 0")
    return ri


def _perron(a: FloatArray) -> tuple[float, FloatArray]:
    """Return the Perron root and its eigenvector, normalised to sum to 1."""
    n = a.shape[0]
    if n == 1:
        return 1.0, np.ones(1)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    lam = float(vals.real[k])
    if abs(lam - n) <= 1e-12 * n:
        lam = float(n)  # rounding: a consistent matrix has lambda_max = n exactly
    v = np.abs(vecs.real[:, k])  # the Perron vector has one sign
    return lam, v / v.sum()


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
    a = check_matrix(where, "matrix", matrix)
    n = a.shape[0]
    rtol = positive_float(where, "rtol", rtol, "a finite number >= 0")
    names = None if labels is None else check_labels(where, labels, n)
    a = _check_pairwise(where, a, names, rtol)
    codes = names if names is not None else check_labels(where, None, n)
    ri = _random_index(where, n, random_index)
    lam, w = _perron(a)
    ci = max((lam - n) / (n - 1), 0.0) if n > 2 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    if max_cr is not None:
        limit = positive_float(where, "max_cr", max_cr, "a number >= 0 or None")
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
