r"""Outlier treatment: winsorisation, then a log transform if still needed.

For each indicator (equations on ``docs/methodology/treatment.md``):

1. The indicator *passes* if :math:`|G_1| < s` **or** :math:`G_2 < k`, where
   :math:`G_1` is the bias-corrected sample skewness and :math:`G_2` the
   bias-corrected sample excess kurtosis (Excel's ``SKEW`` and ``KURT``),
   with thresholds ``skew`` = 2 and ``kurtosis`` = 3.5 by default (T1).
2. While it fails and fewer than ``points`` values have been winsorised:
   if :math:`G_1 \ge 0` every value equal to the current maximum is set to
   the largest remaining value, otherwise every value equal to the current
   minimum is set to the smallest remaining value (T2). The count is the
   number of distinct units whose value has been changed; ties are moved
   together, so the count can pass ``points`` by the size of a tie.
3. If it still fails and ``log`` is true, the *original* values are
   transformed instead by :math:`\ln(x - \min x + 0.01(\max x - \min x))` (T3).

Indicators with fewer than four values, or without spread, are left as
they are and reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.params import Method, Param, as_float, as_int
from kampala.composite._step import MethodStep, StepOutput
from kampala.indicators import IndicatorSet

__all__ = ["METHODS", "Treat", "kurtosis", "skewness"]

FloatArray = npt.NDArray[np.float64]

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
    r"""Bias-corrected sample skewness :math:`G_1` (Excel ``SKEW``).

    .. math:: G_1 = \frac{\sqrt{n(n-1)}}{n-2}\,\frac{m_3}{m_2^{3/2}}

    with central moments :math:`m_r = \frac1n \sum (x_i - \bar x)^r`.

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
    r"""Bias-corrected sample excess kurtosis :math:`G_2` (Excel ``KURT``).

    .. math:: G_2 = \frac{n-1}{(n-2)(n-3)}\left((n+1)\frac{m_4}{m_2^2} - 3(n-1)\right)

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


def _passes(v: FloatArray, s: float, k: float) -> bool:
    return abs(skewness(v)) < s or kurtosis(v) < k


def _treat_column(
    x: FloatArray, points: int, s: float, k: float, log: bool
) -> tuple[FloatArray, dict[str, Any]]:
    present = ~np.isnan(x)
    v = x[present].copy()
    info: dict[str, Any] = {"treatment": "none", "winsorised": [], "passes": True}
    if v.size < 4 or not np.ptp(v) > 0:
        info["treatment"] = "skipped (fewer than 4 values or no spread)"
        return x, info
    info["skew_before"] = skewness(v)
    info["kurtosis_before"] = kurtosis(v)
    if _passes(v, s, k):
        return x, info
    changed = np.zeros(v.size, dtype=bool)
    passes = False
    while not passes and changed.sum() < points:
        if skewness(v) >= 0:
            hit = v == v.max()
            if hit.all():
                break
            v[hit] = v[~hit].max()
        else:
            hit = v == v.min()
            if hit.all():
                break
            v[hit] = v[~hit].min()
        changed |= hit
        passes = _passes(v, s, k) if np.ptp(v) > 0 else True
    out = x.copy()
    rows = np.flatnonzero(present)
    if passes:
        out[present] = v
        info.update(treatment="winsorised", winsorised=rows[changed].tolist())
    elif log:
        orig = x[present]
        lo, hi = orig.min(), orig.max()
        out[present] = np.log(orig - lo + 0.01 * (hi - lo))
        info["treatment"] = "log"
        passes = _passes(out[present], s, k)
    else:
        out[present] = v
        info.update(treatment="winsorised", winsorised=rows[changed].tolist())
    info["passes"] = passes
    if np.ptp(out[present]) > 0:
        info["skew_after"] = skewness(out[present])
        info["kurtosis_after"] = kurtosis(out[present])
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

    kind: ClassVar[str] = "treat"
    dataset: ClassVar[str] = "Treated"
    methods: ClassVar[Mapping[str, Method]] = METHODS

    method: str = "winsorise"

    def apply(self, data: IndicatorSet) -> StepOutput:
        """Treat every indicator of ``data``; details per indicator."""
        if self.method == "none":
            return StepOutput(data=data, details={"indicators": {}})
        p = self.params
        x = data.values.copy()
        details: dict[str, dict[str, Any]] = {}
        for j, code in enumerate(data.indicator_codes):
            col, info = _treat_column(
                x[:, j],
                as_int(p, "points"),
                as_float(p, "skew"),
                as_float(p, "kurtosis"),
                bool(p["log"]),
            )
            x[:, j] = col
            info["winsorised"] = [data.unit_codes[i] for i in info["winsorised"]]
            details[code] = info
        x.flags.writeable = False
        return StepOutput(data=data.with_values(x), details={"indicators": details})
