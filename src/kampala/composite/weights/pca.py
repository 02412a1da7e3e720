"""Weights from principal components with varimax rotation.

Step 6 of the OECD/JRC Handbook (2008); equations (W6)-(W9) of
``docs/methodology/weighting.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import attrs
import numpy as np

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import frozen_float64
from kampala.composite.weights._common import (
    FrameworkWeights,
    check_data,
    check_matrix,
    positive_float,
)
from kampala.errors import DataFormatError, ParameterTypeError, ParameterValueError
from kampala.indicators import IndicatorSet

__all__ = ["PCAResult", "pca_weights", "varimax"]


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
    lo = check_matrix(where, "loadings", loadings)
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
class PCAResult(FrameworkWeights):
    r"""Weights from principal components, with every intermediate result.

    Attributes
    ----------
    weights, labels
        As for `FrameworkWeights`: one weight per indicator (W9),
        and the indicator codes.
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

    eigenvalues: FloatArray = attrs.field(converter=frozen_float64)
    explained: FloatArray = attrs.field(converter=frozen_float64)
    n_factors: int
    loadings: FloatArray = attrs.field(converter=frozen_float64)
    rotated_loadings: FloatArray = attrs.field(converter=frozen_float64)
    factor_variance: FloatArray = attrs.field(converter=frozen_float64)
    factor_of: tuple[int, ...]

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


def _check_options(
    where: str,
    shape: tuple[int, ...],
    min_eigenvalue: float,
    min_variance_share: float,
    min_cumulative: float,
) -> None:
    """Check the data's shape and the three retention criteria."""
    if shape[0] < 2 or shape[1] < 2:
        raise ParameterValueError(
            where, "data", shape, "at least 2 units and 2 indicators"
        )
    for name, val in (
        ("min_eigenvalue", min_eigenvalue),
        ("min_variance_share", min_variance_share),
        ("min_cumulative", min_cumulative),
    ):
        positive_float(where, name, val, "a finite number >= 0")
    if min_cumulative > 1:
        raise ParameterValueError(
            where, "min_cumulative", min_cumulative, "between 0 and 1"
        )


def _check_n_factors(where: str, n_factors: Any, p: int) -> int:
    if isinstance(n_factors, bool) or not isinstance(n_factors, int):
        raise ParameterTypeError(where, "n_factors", n_factors, "an integer")
    if not 1 <= n_factors <= p:
        raise ParameterValueError(
            where, "n_factors", n_factors, f"between 1 and {p} (the indicators)"
        )
    return n_factors


def _components(
    where: str, x: FloatArray, codes: tuple[str, ...]
) -> tuple[FloatArray, FloatArray]:
    """Eigenvalues (largest first, >= 0) and eigenvectors of the correlations."""
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
    corr = (z.T @ z) / (x.shape[0] - 1)
    eig, vec = np.linalg.eigh(corr)
    return np.clip(eig[::-1], 0.0, None), vec[:, ::-1]


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
    x, _, codes = check_data(where, data, labels)
    _check_options(where, x.shape, min_eigenvalue, min_variance_share, min_cumulative)
    if rotation not in ("varimax", "none"):
        raise ParameterValueError(
            where, "rotation", rotation, "one of 'varimax', 'none'"
        )
    eig, vec = _components(where, x, codes)
    if n_factors is None:
        m = _retain(eig, min_eigenvalue, min_variance_share, min_cumulative)
    else:
        m = _check_n_factors(where, n_factors, x.shape[1])
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
    raw = scaled[np.arange(x.shape[1]), factor_of] * share[factor_of]
    return PCAResult(
        weights=raw / raw.sum(),
        labels=codes,
        eigenvalues=eig,
        explained=eig / eig.sum(),
        n_factors=m,
        loadings=loadings,
        rotated_loadings=rotated,
        factor_variance=fvar,
        factor_of=tuple(int(f) for f in factor_of),
    )
