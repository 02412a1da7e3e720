r"""Krippendorff's alpha from value counts, with a bootstrap interval over units.

With $n_{uc}$ the number of values $c$ in unit $u$ and $m_u = \sum_c n_{uc}$
(units with $m_u < 2$ are not pairable and are left out), the coincidence
matrix and its margins are

$$o_{ck} = \sum_u \frac{n_{uc}\,n_{uk} - [c = k]\,n_{uc}}{m_u - 1}, \qquad
n_c = \sum_k o_{ck}, \qquad n = \sum_c n_c, \qquad (MS4)$$

and

$$\alpha = 1 - (n - 1)\,\frac{\sum_{c,k} o_{ck}\,\delta^2_{ck}}
                             {\sum_{c,k} n_c\,n_k\,\delta^2_{ck}}, \qquad (MS5)$$

with the ordinal metric $\delta^2_{ck} = \bigl(\sum_{g=c}^{k} n_g -
(n_c + n_k)/2\bigr)^2$ for $c \le k$ (Krippendorff 2011), the interval metric
$(c - k)^2$ or the nominal metric $[c \ne k]$. The bootstrap resamples units
with replacement and recomputes (MS4)-(MS5) for every replicate at once
(percentile interval). See ``docs/methodology/stakeholders.md``.

References
----------
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
https://repository.upenn.edu/asc_papers/43

Examples
--------
>>> import numpy as np
>>> from kampala.stakeholders import krippendorff_alpha
>>> data = np.array([[1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan],
...                  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5],
...                  [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5]])
>>> round(krippendorff_alpha(data), 4)
0.8049
"""

from __future__ import annotations

from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray
from kampala._internal.rng import SeedLike
from kampala.errors import ParameterValueError

__all__ = [
    "Agreement",
    "alpha_from_counts",
    "alpha_interval",
    "bootstrap_alpha",
    "krippendorff_alpha",
]

Metric = Literal["ordinal", "interval", "nominal"]
_METRICS = ("ordinal", "interval", "nominal")


def _check_metric(level: str, where: str) -> None:
    if level not in _METRICS:
        raise ParameterValueError(
            where, "level", level, f"one of {', '.join(_METRICS)}"
        )


def _unit_terms(counts: FloatArray) -> FloatArray:
    """Per unit, its contribution to the coincidence matrix: (units, V, V)."""
    m = counts.sum(axis=1)
    pairable = m >= 2
    n = counts[pairable]
    inv = 1.0 / (m[pairable] - 1.0)
    terms = np.einsum("uc,uk->uck", n, n)
    idx = np.arange(n.shape[1])
    terms[:, idx, idx] -= n
    out: FloatArray = terms * inv[:, None, None]
    return out


def _delta2(margins: FloatArray, level: str, values: FloatArray) -> FloatArray:
    """Squared distances (..., V, V) for margins (..., V)."""
    v = margins.shape[-1]
    if level == "nominal":
        return np.broadcast_to(1.0 - np.eye(v), (*margins.shape[:-1], v, v))
    if level == "interval":
        d = values[:, None] - values[None, :]
        return np.broadcast_to(d * d, (*margins.shape[:-1], v, v))
    cum = np.cumsum(margins, axis=-1)
    lo = cum - margins  # sum of the margins below c
    # sum_{g=c}^{k} n_g for c <= k: cum[k] - lo[c]
    between = cum[..., None, :] - lo[..., :, None]
    d = between - (margins[..., :, None] + margins[..., None, :]) / 2.0
    upper = np.triu(np.ones((v, v), dtype=bool))
    d = np.where(upper, d, np.swapaxes(d, -1, -2))
    return d * d


def _alpha(o: FloatArray, level: str, values: FloatArray) -> FloatArray:
    """Alpha from coincidence matrices (..., V, V)."""
    margins = o.sum(axis=-1)
    n = margins.sum(axis=-1)
    d2 = _delta2(margins, level, values)
    observed = (o * d2).sum(axis=(-1, -2))
    expected = (margins[..., :, None] * margins[..., None, :] * d2).sum(axis=(-1, -2))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = 1.0 - (n - 1.0) * observed / expected
    return out


def alpha_from_counts(
    counts: npt.ArrayLike,
    *,
    level: Metric = "ordinal",
    values: npt.ArrayLike | None = None,
) -> float:
    """Krippendorff's alpha from the value counts of each unit (MS4)-(MS5).

    Parameters
    ----------
    counts : array_like, shape (units, values)
        How many coders gave each value (in order) to each unit.
    level : {"ordinal", "interval", "nominal"}, default="ordinal"
        The metric.
    values : array_like, shape (values,), default=None
        The numeric values (for the interval metric); 0, 1, ... if None.

    Returns
    -------
    float
        Alpha; NaN when no unit is pairable or every value is the same
        (no expected disagreement).

    Examples
    --------
    >>> from kampala.stakeholders import alpha_from_counts
    >>> alpha_from_counts([[2, 0, 0], [0, 2, 0], [0, 0, 2]])
    1.0
    """
    _check_metric(level, "alpha_from_counts()")
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2 or (c < 0).any() or not np.isfinite(c).all():
        raise ParameterValueError(
            "alpha_from_counts()", "counts", c.shape, "a 2-d array of counts >= 0"
        )
    vals = (
        np.arange(c.shape[1], dtype=np.float64)
        if values is None
        else np.asarray(values, dtype=np.float64)
    )
    o = _unit_terms(c).sum(axis=0)
    return float(_alpha(o, level, vals))


def _counts(data: npt.ArrayLike, where: str) -> tuple[FloatArray, FloatArray]:
    a = np.asarray(data, dtype=np.float64)
    if a.ndim != 2:
        raise ParameterValueError(where, "data", a.shape, "a 2-d array (coders, units)")
    domain = np.unique(a[~np.isnan(a)])
    counts = np.zeros((a.shape[1], domain.size))
    coder, unit = np.nonzero(~np.isnan(a))
    np.add.at(counts, (unit, np.searchsorted(domain, a[coder, unit])), 1.0)
    return counts, domain


def krippendorff_alpha(data: npt.ArrayLike, *, level: Metric = "ordinal") -> float:
    """Krippendorff's alpha of reliability data (coders x units, NaN missing).

    Parameters
    ----------
    data : array_like, shape (coders, units)
        Values (numbers; NaN where a coder gave none). Here coders are
        stakeholder groups or respondents, units are partnerships.
    level : {"ordinal", "interval", "nominal"}, default="ordinal"
        The metric, as for `alpha_from_counts`.

    Returns
    -------
    float

    Notes
    -----
    Equations (MS4)-(MS5) of the stakeholder methodology page.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.stakeholders import krippendorff_alpha
    >>> krippendorff_alpha([[0, 1, 2, 2], [0, 1, 2, 2]])
    1.0
    """
    _check_metric(level, "krippendorff_alpha()")
    counts, domain = _counts(data, "krippendorff_alpha()")
    o = _unit_terms(counts).sum(axis=0)
    return float(_alpha(o, level, domain))


@attrs.frozen(kw_only=True)
class Agreement:
    """Krippendorff's alpha with a percentile bootstrap interval.

    Attributes
    ----------
    alpha : float
    low, high : float
        The interval's bounds.
    confidence : float
    units : int
        Pairable units (partnerships with at least two values).
    n : int
        Bootstrap replicates.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.stakeholders import bootstrap_alpha
    >>> res = bootstrap_alpha([[0, 1, 2, 2, 1], [0, 1, 2, 1, 1]], n=200, rng=1)
    >>> res.low <= res.alpha <= res.high, res.units
    (True, 5)
    """

    alpha: float
    low: float
    high: float
    confidence: float
    units: int
    n: int


def bootstrap_alpha(
    data: npt.ArrayLike,
    *,
    level: Metric = "ordinal",
    n: int = 1000,
    confidence: float = 0.95,
    rng: SeedLike = None,
) -> Agreement:
    """Alpha with a percentile bootstrap interval over units.

    Units (partnerships) are drawn with replacement ``n`` times; alpha is
    recomputed for every replicate at once from the per-unit terms of (MS4).

    Parameters
    ----------
    data : array_like, shape (coders, units)
        As for `krippendorff_alpha`.
    level, n, confidence, rng
        As for `alpha_interval`, which receives the value counts of
        ``data``.

    Returns
    -------
    Agreement

    Examples
    --------
    >>> from kampala.stakeholders import bootstrap_alpha
    >>> a = bootstrap_alpha([[0, 1, 2, 2, 1, 0], [0, 2, 2, 1, 1, 0]], n=500, rng=7)
    >>> round(a.alpha, 3), a.n
    (0.771, 500)
    """
    counts, domain = _counts(data, "bootstrap_alpha()")
    return alpha_interval(
        counts, level=level, values=domain, n=n, confidence=confidence, rng=rng
    )


def alpha_interval(
    counts: npt.ArrayLike,
    *,
    level: Metric = "ordinal",
    values: npt.ArrayLike | None = None,
    n: int = 1000,
    confidence: float = 0.95,
    rng: SeedLike = None,
) -> Agreement:
    """Alpha from value counts, with a percentile bootstrap interval over units.

    Parameters
    ----------
    counts : array_like, shape (units, values)
        As for `alpha_from_counts`.
    level : {"ordinal", "interval", "nominal"}, default="ordinal"
        The metric, as for `alpha_from_counts`.
    values : array_like, default=None
        Numeric values of the columns (interval metric); 0, 1, ... if None.
    n : int, default=1000
        Replicates.
    confidence : float, default=0.95
        Coverage of the interval.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, passed to `numpy.random.default_rng`. `None`
        draws fresh OS entropy. An int or `SeedSequence` makes results
        reproducible. A `Generator` is used as-is and is advanced.

    Returns
    -------
    Agreement

    Examples
    --------
    >>> from kampala.stakeholders import alpha_interval
    >>> res = alpha_interval([[3, 0], [0, 3], [2, 1], [1, 2]], n=100, rng=3)
    >>> round(res.alpha, 3), res.units
    (0.389, 4)
    """
    where = "alpha_interval()"
    _check_metric(level, where)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ParameterValueError(where, "n", n, "an integer >= 1")
    if not 0.0 < confidence < 1.0:
        raise ParameterValueError(where, "confidence", confidence, "in (0, 1)")
    gen = np.random.default_rng(rng)
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 2 or (c < 0).any() or not np.isfinite(c).all():
        raise ParameterValueError(
            where, "counts", c.shape, "a 2-d array of counts >= 0"
        )
    domain = (
        np.arange(c.shape[1], dtype=np.float64)
        if values is None
        else np.asarray(values, dtype=np.float64)
    )
    terms = _unit_terms(c)
    units = terms.shape[0]
    alpha = float(_alpha(terms.sum(axis=0), level, domain))
    if units == 0:
        return Agreement(
            alpha=alpha, low=np.nan, high=np.nan, confidence=confidence, units=0, n=n
        )
    draws = gen.integers(0, units, size=(n, units))
    mult = np.zeros((n, units))
    np.add.at(mult, (np.arange(n)[:, None], draws), 1.0)
    v = terms.shape[1]
    o = (mult @ terms.reshape(units, v * v)).reshape(n, v, v)
    reps = _alpha(o, level, domain)
    tail = (1.0 - confidence) / 2.0
    finite = reps[np.isfinite(reps)]
    low, high = (
        np.quantile(finite, [tail, 1.0 - tail]) if finite.size else (np.nan, np.nan)
    )
    return Agreement(
        alpha=alpha,
        low=float(low),
        high=float(high),
        confidence=confidence,
        units=units,
        n=n,
    )
