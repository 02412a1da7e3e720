r"""When Sobol' indices say nothing: notes for tables, JSON and figures.

A Sobol' index is a ratio of variances. When the output hardly varies (on a
small portfolio, weight noise may leave every rank in place in almost every
run, a mean absolute rank shift of 0.00), the ratio is of two tiny, noisy
numbers and the estimate can land anywhere, with an interval wider than
[0, 1]. Such indices are reported as *unreliable*, with the reason, instead
of as results; an index whose output does not vary at all is *undefined*.
An index outside [0, 1] by more than its confidence half-width gets a note
too: the sample is too small for it.

The thresholds are `MIN_RANK_SHIFT` (mean absolute rank shift over all runs)
and `MAX_HALF_WIDTH` (half-width of a confidence interval); see
``docs/methodology/sensitivity/variance-based.md#reliability``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from kampala.i18n import translate

__all__ = ["MAX_HALF_WIDTH", "MIN_RANK_SHIFT", "index_note"]

#: Mean absolute rank shift (ranks) below which the output "hardly varies".
MIN_RANK_SHIFT = 0.05
#: Confidence half-width above which an index is too uncertain to report.
MAX_HALF_WIDTH = 0.5


def _num(x: Any) -> float:
    return math.nan if x is None else float(x)


def index_note(
    row: Mapping[str, Any],
    output_mean: float,
    output_std: float,
    *,
    lang: str | None = "en",
) -> tuple[bool, str]:
    """Return whether one factor's indices are reliable, and why not.

    Parameters
    ----------
    row : mapping
        A row of ``SensitivityResult.table()`` (``S1``, ``S1_conf``, ``ST``,
        ``ST_conf``).
    output_mean, output_std : float
        Mean and standard deviation of the output (mean absolute rank shift)
        over all runs.
    lang : {"en", "es"} or None, default="en"
        Language of the note.

    Returns
    -------
    reliable : bool
    note : str
        Empty when the indices are reliable and inside [0, 1].

    Examples
    --------
    >>> from kampala.sensitivity._reliability import index_note
    >>> row = {"S1": 0.999, "S1_conf": 1.457, "ST": 1.506, "ST_conf": 1.408}
    >>> index_note(row, 0.002, 0.03)
    (False, 'unreliable: the output hardly varies (mean absolute rank shift
    0.002 < 0.05); the indices are ratios of tiny variances')
    >>> index_note({"S1": 0.4, "S1_conf": 0.05, "ST": 0.5, "ST_conf": 0.05}, 2.0, 1.0)
    (True, '')
    >>> index_note({"S1": -0.3, "S1_conf": 0.1, "ST": 0.5, "ST_conf": 0.1}, 2.0, 1.0)
    (True, 'S1 = -0.30 is outside [0, 1] by more than its interval (± 0.10):
    increase n')
    """
    s1, st = _num(row["S1"]), _num(row["ST"])
    c1, ct = _num(row["S1_conf"]), _num(row["ST_conf"])
    if not (output_std > 0) or math.isnan(s1) or math.isnan(st):
        return False, translate(
            "undefined: the output does not vary, so there is no variance to apportion",
            lang,
        )
    if output_mean < MIN_RANK_SHIFT:
        return False, translate(
            "unreliable: the output hardly varies (mean absolute rank shift "
            "{mean:.3f} < {limit}); the indices are ratios of tiny variances",
            lang,
            mean=output_mean,
            limit=MIN_RANK_SHIFT,
        )
    if max(c1, ct) > MAX_HALF_WIDTH:
        return False, translate(
            "unreliable: confidence half-width {width:.2f} > {limit}; increase n",
            lang,
            width=max(c1, ct),
            limit=MAX_HALF_WIDTH,
        )
    notes = [
        translate(
            "{name} = {value:.2f} is outside [0, 1] by more than its interval "
            "(± {conf:.2f}): increase n",
            lang,
            name=name,
            value=value,
            conf=conf,
        )
        for name, value, conf in (("S1", s1, c1), ("ST", st, ct))
        if value < -conf or value > 1.0 + conf
    ]
    return True, "; ".join(notes)
