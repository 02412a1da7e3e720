r"""Outlier treatment: winsorisation, then a log transform if still needed.

For each indicator (equations on ``docs/methodology/treatment.md``):

1. The indicator *passes* if $|G_1| < s$ **or** $G_2 < k$, where
   $G_1$ is the bias-corrected sample skewness and $G_2$ the
   bias-corrected sample excess kurtosis (Excel's ``SKEW`` and ``KURT``),
   with thresholds ``skew`` = 2 and ``kurtosis`` = 3.5 by default (T1).
2. While it fails and fewer than ``points`` values have been winsorised:
   if $G_1 \ge 0$ every value equal to the current maximum is set to
   the largest remaining value, otherwise every value equal to the current
   minimum is set to the smallest remaining value (T2). The count is the
   number of distinct units whose value has been changed; ties are moved
   together, so the count can pass ``points`` by the size of a tie.
3. If it still fails and ``log`` is true, the *original* values are
   transformed instead by $\ln(x - \min x + 0.01(\max x - \min x))$ (T3).

Indicators with fewer than four values, or without spread, are left as
they are and reported.
"""

from __future__ import annotations

import warnings
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.params import Method, Param, as_float, as_int
from kampala.composite._step import MethodStep, StepOutput
from kampala.indicators import IndicatorSet

__all__ = ["METHODS", "Treat", "kurtosis", "skewness"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

METHODS: dict[str, Method] = {
    "winsorise": Method(
        "winsorise",
        (
            Param(
                "points",
                int,
                5,
                check=lambda v: v >= 0,
                expected=">= 0",
                doc="maximum number of points winsorised per indicator",
            ),
            Param(
                "skew",
                float,
                2.0,
                check=lambda v: v > 0,
                expected="> 0",
                doc="threshold on absolute skewness",
            ),
            Param("kurtosis", float, 3.5, doc="threshold on excess kurtosis"),
            Param("log", bool, True, doc="log-transform indicators still failing"),
        ),
        doc="Skew/kurtosis-triggered winsorisation, then a log transform.",
    ),
    "none": Method("none", (), doc="No treatment."),
}


def skewness(x: FloatArray) -> float:
    r"""Bias-corrected sample skewness $G_1$ (Excel ``SKEW``).

    $$
    G_1 = \frac{\sqrt{n(n-1)}}{n-2}\,\frac{m_3}{m_2^{3/2}}
    $$

    with central moments $m_r = \frac1n \sum (x_i - \bar x)^r$.

    Examples
    --------
    >>> round(skewness(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    1.763633
    """
    n = x.size
    d = x - x.mean()
    m2 = np.mean(d**2)
    m3 = np.mean(d**3)
    return float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def kurtosis(x: FloatArray) -> float:
    r"""Bias-corrected sample excess kurtosis $G_2$ (Excel ``KURT``).

    $$
    G_2 = \frac{n-1}{(n-2)(n-3)}\left((n+1)\frac{m_4}{m_2^2} - 3(n-1)\right)
    $$

    Examples
    --------
    >>> round(kurtosis(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    3.228
    """
    n = x.size
    d = x - x.mean()
    m2 = np.mean(d**2)
    m4 = np.mean(d**4)
    r = m4 / m2**2
    return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * r - 3 * (n - 1)))


def _moments(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Column-wise G1, G2 and value counts of a matrix with NaN for missing."""
    present = ~np.isnan(x)
    n = present.sum(axis=0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, x, 0.0).sum(axis=0) / n
        d = np.where(present, x - mean, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0) / n
        m3 = (d2 * d).sum(axis=0) / n
        m4 = (d2 * d2).sum(axis=0) / n
        g1 = np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
        g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / m2**2 - 3 * (n - 1))
    return g1, g2, n


def _passing(g1: FloatArray, g2: FloatArray, s: float, k: float) -> BoolArray:
    # NaN moments (no spread) count as passing: there is nothing to treat
    out: BoolArray = (np.abs(g1) < s) | (g2 < k) | np.isnan(g1) | np.isnan(g2)
    return out


def _winsorise_all(
    x: FloatArray, points: int, s: float, k: float, log: bool
) -> tuple[FloatArray, dict[str, Any]]:
    """Treat every column at once; columns are independent (equations T1-T3)."""
    g1_0, g2_0, n = _moments(x)
    eligible = n >= 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanmax(x, axis=0) - np.nanmin(x, axis=0)
    eligible &= spread > 0
    fails = eligible & ~_passing(g1_0, g2_0, s, k)
    out = x.copy()
    changed = np.zeros(x.shape, dtype=bool)
    active = fails & (points > 0)
    g1, g2 = g1_0.copy(), g2_0.copy()
    while active.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            high = g1 >= 0
            cmax = np.nanmax(out, axis=0)
            cmin = np.nanmin(out, axis=0)
            hit_hi = (out == cmax) & (active & high)
            hit_lo = (out == cmin) & (active & ~high)
            next_hi = np.nanmax(np.where(hit_hi, np.nan, out), axis=0)
            next_lo = np.nanmin(np.where(hit_lo, np.nan, out), axis=0)
        # a column whose values are all tied has nothing left to winsorise
        stuck = active & np.where(high, np.isnan(next_hi), np.isnan(next_lo))
        hit_hi &= ~stuck
        hit_lo &= ~stuck
        out = np.where(hit_hi, next_hi, out)
        out = np.where(hit_lo, next_lo, out)
        changed |= hit_hi | hit_lo
        g1, g2, _ = _moments(out)
        active &= ~stuck & ~_passing(g1, g2, s, k) & (changed.sum(axis=0) < points)
    still = fails & ~_passing(g1, g2, s, k)
    logged = still & log
    if logged.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanmin(x, axis=0)
            hi = np.nanmax(x, axis=0)
        cols = np.flatnonzero(logged)
        out[:, cols] = np.log(x[:, cols] - lo[cols] + 0.01 * (hi[cols] - lo[cols]))
        changed[:, cols] = False
    g1_after, g2_after, _ = _moments(out)
    info = {
        "eligible": eligible,
        "fails": fails,
        "logged": logged,
        "changed": changed,
        "passes": _passing(g1_after, g2_after, s, k) | ~eligible,
        "skew_before": g1_0,
        "kurtosis_before": g2_0,
        "skew_after": g1_after,
        "kurtosis_after": g2_after,
    }
    return out, info


@attrs.frozen(kw_only=True)
class Treat(MethodStep):
    """The outlier-treatment step.

    Parameters
    ----------
    method : {"winsorise", "none"}, default="winsorise"
        ``"winsorise"`` follows the three-stage rule of the module docs.
    params : mapping, default=None
        ``points`` (5), ``skew`` (2.0), ``kurtosis`` (3.5), ``log`` (True).

    Examples
    --------
    >>> from kampala import Framework, IndicatorSet, Node
    >>> from kampala.composite import Treat
    >>> fw = Framework(nodes=[Node(code="x")])
    >>> values = [[v] for v in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]]
    >>> data = IndicatorSet(framework=fw, unit_codes=[str(i) for i in range(11)],
    ...                     values=values)
    >>> out = Treat(params={"points": 5}).apply(data)
    >>> out.details["indicators"]["x"]["treatment"], float(out.data.values.max())
    ('winsorised', 10.0)
    """

    kind, dataset, methods = "treat", "Treated", METHODS

    method: str = "winsorise"

    def apply(self, data: IndicatorSet) -> StepOutput:
        """Treat every indicator of ``data``; details per indicator.

        Examples
        --------
        Winsorising one point (unit ``k``) is enough for the indicator to pass;
        with no point allowed, it is log-transformed instead:

        >>> from kampala import Framework, IndicatorSet, Node, Treat
        >>> fw = Framework(nodes=[Node(code="x")])
        >>> values = [[v] for v in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]]
        >>> data = IndicatorSet(framework=fw, unit_codes=list("abcdefghijk"),
        ...                     values=values)
        >>> x = Treat(params={"points": 1}).apply(data).details["indicators"]["x"]
        >>> x["treatment"], x["winsorised"], x["passes"]
        ('winsorised', ['k'], True)
        >>> out = Treat(params={"points": 0}).apply(data)
        >>> out.details["indicators"]["x"]["treatment"]
        'log'
        """
        if self.method == "none":
            return StepOutput(data=data, details={"indicators": {}})
        p = self.params
        out, info = _winsorise_all(
            data.values,
            as_int(p, "points"),
            as_float(p, "skew"),
            as_float(p, "kurtosis"),
            bool(p["log"]),
        )
        details: dict[str, dict[str, Any]] = {}
        for j, code in enumerate(data.indicator_codes):
            if not info["eligible"][j]:
                treatment = "skipped (fewer than 4 values or no spread)"
            elif info["logged"][j]:
                treatment = "log"
            elif info["fails"][j] and info["changed"][:, j].any():
                treatment = "winsorised"
            elif info["fails"][j]:
                treatment = "none (fails, no treatment allowed)"
            else:
                treatment = "none"
            details[code] = {
                "treatment": treatment,
                "winsorised": [
                    data.unit_codes[i] for i in np.flatnonzero(info["changed"][:, j])
                ],
                "passes": bool(info["passes"][j]),
                "skew_before": float(info["skew_before"][j]),
                "kurtosis_before": float(info["kurtosis_before"][j]),
                "skew_after": float(info["skew_after"][j]),
                "kurtosis_after": float(info["kurtosis_after"][j]),
            }
        out.flags.writeable = False
        return StepOutput(data=data.with_values(out), details={"indicators": details})
