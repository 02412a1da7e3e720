r"""Normalisation: bring indicators onto a common scale.

Every method works column by column over all units at once. An indicator
with direction -1 is multiplied by -1 before it is normalised, so that
higher normalised values are always better (equation (N0) on the
normalisation methodology page).

Methods (equations on ``docs/methodology/normalisation.md``):

- ``"min-max"`` (N1): $l + (u - l)(x - \min x) / (\max x - \min x)$.
- ``"z-score"`` (N2): $m + s (x - \bar x) / \mathrm{sd}(x)$, with the
  sample standard deviation (divisor $n - 1$).
- ``"goalposts"`` (N3): $c \cdot \mathrm{clip}((x - L)/(U - L), 0, 1)$
  with fixed bounds; reversed to $(U - x)/(U - L)$ for direction -1.
- ``"rank"`` (N4): rank among units, lowest value 1, ties share the lowest
  rank.
- ``"percentile-rank"`` (N5): $(r - 1)/(n - 1)$.
- ``"distance-to-max"`` (N6): $1 - (\max x - x)/(\max x - \min x)$.
- ``"distance-to-target"`` (N7): $1 - (t - x)/(t - \min x)$, optionally
  capped at 1.
- ``"none"``: direction applied, values otherwise unchanged.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import scipy.stats

from kampala._internal.array_types import FloatArray
from kampala._internal.params import Method, Param, ParamValue, as_float, resolve_method
from kampala.composite._step import MethodStep, StepOutput
from kampala.errors import DegenerateIndicatorWarning, ParameterValueError
from kampala.indicators import IndicatorSet

__all__ = ["METHODS", "Normalise", "normalise"]


METHODS: dict[str, Method] = {
    "min-max": Method(
        "min-max",
        (
            Param("lower", float, 0.0, doc="lower end l of the output range"),
            Param("upper", float, 100.0, doc="upper end u of the output range"),
        ),
        doc="Linear rescaling onto [lower, upper].",
    ),
    "z-score": Method(
        "z-score",
        (
            Param("mean", float, 0.0, doc="mean m of the output"),
            Param(
                "sd",
                float,
                1.0,
                check=lambda v: v > 0,
                expected="> 0",
                doc="standard deviation s of the output",
            ),
        ),
        doc="Standardisation with the sample standard deviation (n - 1).",
    ),
    "goalposts": Method(
        "goalposts",
        (
            Param("lower", float, doc="lower goalpost L, in the indicator's units"),
            Param("upper", float, doc="upper goalpost U, in the indicator's units"),
            Param("scale", float, 1.0, doc="multiplier c of the clipped share"),
            Param("clip", bool, True, doc="truncate values outside the goalposts"),
        ),
        doc="Position between fixed bounds, clipped to [0, 1] and scaled.",
    ),
    "rank": Method("rank", (), doc="Rank, lowest value 1; ties take the lowest rank."),
    "percentile-rank": Method(
        "percentile-rank", (), doc="(rank - 1) / (n - 1), in [0, 1]."
    ),
    "distance-to-max": Method(
        "distance-to-max", (), doc="1 - (max - x) / (max - min), in [0, 1]."
    ),
    "distance-to-target": Method(
        "distance-to-target",
        (
            Param(
                "target",
                float,
                None,
                nullable=True,
                doc="target t in the indicator's units; default: each node's target",
            ),
            Param("cap", bool, False, doc="cap scores above the target at 1"),
        ),
        doc="1 - (t - x) / (t - min), 1 at the target.",
    ),
    "none": Method("none", (), doc="Direction applied; values otherwise unchanged."),
}


def _degenerate(codes: tuple[str, ...], bad: npt.NDArray[np.bool_], why: str) -> None:
    for j in np.flatnonzero(bad):
        warnings.warn(
            f"normalise(): indicator {codes[j]!r} {why}; its normalised values "
            "are missing (NaN) and aggregation will skip them.",
            DegenerateIndicatorWarning,
            stacklevel=4,
        )


def _check_span(where: str, lower: Any, upper: Any, code: str) -> None:
    """Refuse bounds whose difference overflows (both ends near the float limit)."""
    if not math.isfinite(float(upper) - float(lower)):
        raise ParameterValueError(
            where,
            "upper",
            float(upper),
            f"within the float range of lower ({float(lower)!r}): upper - lower "
            "overflows" + (f" for indicator {code!r}" if code else ""),
            hint="Rescale the bounds (for example divide both by 1e300).",
        )


def _check_finite(step: Normalise, data: IndicatorSet, after: FloatArray) -> None:
    """Refuse a normalisation whose parameters make finite values overflow."""
    before = data.values
    with np.errstate(invalid="ignore"):
        bad = np.isinf(after) & np.isfinite(before)
    if bad.any():
        i, j = (int(v[0]) for v in np.nonzero(bad))
        raise ParameterValueError(
            "Normalise()",
            "params",
            dict(step.params),
            f"parameters that keep method {step.method!r} finite (value "
            f"{float(before[i, j])!r} of indicator {data.indicator_codes[j]!r} "
            f"overflows to "
            f"{float(after[i, j])!r})",
            hint="Use smaller output bounds, sd or scale.",
        )


def _nan_min_max(x: FloatArray, rows: int = 64) -> tuple[FloatArray, FloatArray]:
    """Column minimum and maximum ignoring NaN (NaN for an all-missing column).

    Reduced over blocks of ``rows`` rows first, so each pass runs along long
    contiguous runs of memory; `numpy.fmin` and `numpy.fmax` skip NaN.
    """
    n, k = x.shape
    whole = n - n % rows
    parts_min = [x[whole:]] if whole < n else []
    parts_max = list(parts_min)
    if whole:
        blocks = x[:whole].reshape(-1, rows, k)
        parts_min.append(np.fmin.reduce(blocks, axis=1))
        parts_max.append(np.fmax.reduce(blocks, axis=1))
    mn = np.fmin.reduce(np.concatenate(parts_min), axis=0)
    mx = np.fmax.reduce(np.concatenate(parts_max), axis=0)
    return mn, mx


def _colrange(
    x: FloatArray, codes: tuple[str, ...]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Column minimum, maximum and range; warns for empty or constant columns."""
    mn, mx = _nan_min_max(x)
    rng = mx - mn
    bad = ~(rng > 0)
    if bad.any():
        _degenerate(codes, bad, "has no spread (constant or without data)")
        rng = np.where(bad, np.nan, rng)
    return mn, mx, rng


_ROWS = 4096  # rows per block in the affine kernel: keeps each block in cache


def _affine(
    x: FloatArray,
    sign: FloatArray,
    shift: FloatArray,
    div: FloatArray,
    mult: FloatArray,
    add: FloatArray,
) -> FloatArray:
    """Compute ``((sign * x - shift) / div) * mult + add`` column-wise, in blocks.

    The operation order is that of the published formulas, so min-max output
    reaches ``l`` and ``u`` exactly; blocks bound the temporaries to one
    output array.
    """
    out = np.empty_like(x)
    flip = bool((sign < 0).any())
    # overflow is checked on the result (`_check_finite`), never warned raw
    with np.errstate(over="ignore", invalid="ignore"):
        for start in range(0, x.shape[0], _ROWS):
            o = out[start : start + _ROWS]
            if flip:
                np.multiply(x[start : start + _ROWS], sign, out=o)
                o -= shift
            else:
                np.subtract(x[start : start + _ROWS], shift, out=o)
            o /= div
            o *= mult
            o += add
    return out


def _signed_range(
    x: FloatArray, sign: FloatArray, codes: tuple[str, ...]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Minimum, maximum and range of ``sign * x`` per column."""
    mn, mx, rng = _colrange(x, codes)
    return np.where(sign < 0, -mx, mn), np.where(sign < 0, -mn, mx), rng


def _mean_sd(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Column mean, sample standard deviation (n - 1) and count, in blocks."""
    k = x.shape[1]
    total = np.zeros(k)
    count = np.zeros(k)
    for start in range(0, x.shape[0], _ROWS):
        blk = x[start : start + _ROWS]
        present = ~np.isnan(blk)
        total += np.where(present, blk, 0.0).sum(axis=0)
        count += present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        # deviations are scaled by their largest magnitude before squaring, so
        # that tiny spreads (1e-189) do not underflow to a zero deviation
        scale = np.zeros(k)
        for start in range(0, x.shape[0], _ROWS):
            d = np.abs(x[start : start + _ROWS] - mean)
            scale = np.fmax(scale, np.nanmax(np.where(np.isnan(d), 0.0, d), axis=0))
        safe = np.where(scale > 0, scale, 1.0)
        ss = np.zeros(k)
        for start in range(0, x.shape[0], _ROWS):
            d = (x[start : start + _ROWS] - mean) / safe
            ss += np.where(np.isnan(d), 0.0, d * d).sum(axis=0)
        sd = safe * np.sqrt(ss / (count - 1))
        sd = np.where(scale > 0, sd, 0.0)
    return mean, sd, count


def _goalposts(
    x: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    scale: FloatArray,
    clip: npt.NDArray[np.bool_],
    directions: FloatArray,
) -> FloatArray:
    # x already carries the direction sign; bounds are in original units.
    lo = np.where(directions < 0, -upper, lower)
    hi = np.where(directions < 0, -lower, upper)
    with np.errstate(over="ignore", invalid="ignore"):  # see `_check_finite`
        out = (x - lo) / (hi - lo)
        clipped = np.clip(out, 0.0, 1.0)
        out = np.where(clip, clipped, out)
        result: FloatArray = out * scale
    return result


def _rank(x: FloatArray) -> FloatArray:
    out: FloatArray = scipy.stats.rankdata(x, method="min", axis=0, nan_policy="omit")
    return out.astype(np.float64)


def _percentile_rank(x: FloatArray, codes: tuple[str, ...]) -> FloatArray:
    r = _rank(x)
    n = (~np.isnan(x)).sum(axis=0).astype(np.float64)
    bad = n < 2
    if bad.any():
        _degenerate(codes, bad, "has fewer than two values")
        n = np.where(bad, np.nan, n)
    result: FloatArray = (r - 1.0) / (n - 1.0)
    return result


def _distance_to_max(x: FloatArray, codes: tuple[str, ...]) -> FloatArray:
    _, mx, rng = _colrange(x, codes)
    return 1.0 - (mx - x) / rng


def _distance_to_target(
    x: FloatArray, target: FloatArray, cap: bool, codes: tuple[str, ...]
) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mn = np.nanmin(x, axis=0)
    span = target - mn
    bad = ~(span > 0)
    if bad.any():
        _degenerate(codes, bad, "has its target at or below its minimum")
        span = np.where(bad, np.nan, span)
    out = 1.0 - (target - x) / span
    if cap:
        out = np.where(out > 1.0, 1.0, out)
    result: FloatArray = out
    return result


def normalise(
    data: IndicatorSet,
    method: str = "min-max",
    *,
    params: Mapping[str, Any] | None = None,
    indicator_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> IndicatorSet:
    """Normalise every indicator of a data set.

    Parameters
    ----------
    data : IndicatorSet
        The data to normalise.
    method : {"min-max", "z-score", "goalposts", "rank", "percentile-rank", \
"distance-to-max", "distance-to-target", "none"}, default="min-max"
        The normalisation method; see the module documentation.
    params : mapping, default=None
        The method's parameters (for example ``{"lower": 0, "upper": 100}``);
        omitted parameters take their defaults.
    indicator_params : mapping of str to mapping, default=None
        Parameters for single indicators, overriding ``params`` (for example
        different goalposts per indicator).

    Returns
    -------
    IndicatorSet
        The normalised data; missing values stay missing.

    Warns
    -----
    DegenerateIndicatorWarning
        For an indicator that cannot be normalised (for example a constant
        one); its values become missing.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala import Framework, IndicatorSet, Node, normalise
    >>> fw = Framework(nodes=[Node(code="x"), Node(code="y", direction=-1)])
    >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b", "c"],
    ...                     values=[[1.0, 10.0], [2.0, 20.0], [3.0, 40.0]])
    >>> normalise(data, "min-max", params={"lower": 0, "upper": 100}).values.round(2)
    array([[  0.  , 100.  ],
           [ 50.  ,  66.67],
           [100.  ,   0.  ]])
    """
    return (
        Normalise(method=method, params=params, indicator_params=indicator_params or {})
        .apply(data)
        .data
    )


def _indicator_params_converter(
    value: Mapping[str, Mapping[str, Any]] | None,
) -> dict[str, dict[str, Any]]:
    return {str(k): dict(v) for k, v in dict(value or {}).items()}


@attrs.frozen(kw_only=True)
class Normalise(MethodStep):
    """The normalisation step: a method, its parameters, optional overrides.

    Parameters
    ----------
    method : str, default="min-max"
        One of `METHODS`.
    params : mapping, default=None
        Parameters of the method; defaults are filled in.
    indicator_params : mapping of str to mapping, default=None
        Per-indicator parameters that override ``params``.

    See Also
    --------
    normalise : the function form.

    Examples
    --------
    Goalposts from 0 to 4 for every indicator, except ``y`` (0 to 50):

    >>> from kampala import Framework, IndicatorSet, Node, Normalise
    >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b", "c"],
    ...                     values=[[1.0, 10.0], [2.0, 20.0], [3.0, 40.0]])
    >>> step = Normalise(method="goalposts",
    ...                  params={"lower": 0, "upper": 4, "scale": 100},
    ...                  indicator_params={"y": {"upper": 50}})
    >>> step.params
    {'lower': 0.0, 'upper': 4.0, 'scale': 100.0, 'clip': True}
    >>> step.apply(data).data.values.tolist()
    [[25.0, 20.0], [50.0, 40.0], [75.0, 80.0]]
    """

    kind, dataset, methods = "normalise", "Normalised", METHODS

    method: str = "min-max"
    indicator_params: Mapping[str, Mapping[str, ParamValue]] = attrs.field(
        factory=dict, converter=_indicator_params_converter
    )

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        where = "Normalise()"
        resolved = {
            code: resolve_method(where, METHODS, self.method, {**self.params, **p})
            for code, p in self.indicator_params.items()
        }
        if self.method == "min-max":
            for code, p in [("", self.params), *resolved.items()]:
                if not p["lower"] < p["upper"]:  # type: ignore[operator]
                    raise ParameterValueError(
                        where,
                        "upper",
                        p["upper"],
                        f"greater than lower ({p['lower']!r})"
                        + (f" for indicator {code!r}" if code else ""),
                        hint="Use direction -1 on the node to reverse an indicator.",
                    )
                _check_span(where, p["lower"], p["upper"], code)
        object.__setattr__(
            self,
            "indicator_params",
            {
                code: {k: v for k, v in p.items() if self.params.get(k) != v}
                for code, p in resolved.items()
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the step as a JSON-ready mapping.

        Examples
        --------
        Defaults are filled in; overrides keep only what differs from ``params``:

        >>> from kampala import Normalise
        >>> Normalise(method="goalposts", params={"lower": 0, "upper": 4},
        ...           indicator_params={"y": {"lower": 0, "upper": 50}}).to_dict()
        {'step': 'normalise', 'method': 'goalposts',
         'params': {'lower': 0.0, 'upper': 4.0, 'scale': 1.0, 'clip': True},
         'indicator_params': {'y': {'upper': 50.0}}}
        """
        out = super().to_dict()
        out["indicator_params"] = {k: dict(v) for k, v in self.indicator_params.items()}
        return out

    def _column_param(self, data: IndicatorSet, name: str) -> FloatArray:
        codes = data.indicator_codes
        out = np.empty(len(codes))
        for j, code in enumerate(codes):
            value = self.indicator_params.get(code, {}).get(name, self.params[name])
            if value is None and name == "target":
                value = data.framework.node(code).target
                if value is None:
                    raise ParameterValueError(
                        "Normalise()",
                        "target",
                        None,
                        f"given for indicator {code!r}",
                        hint="Set a target on the node, in params or indicator_params.",
                    )
            assert isinstance(value, int | float)
            out[j] = float(value)
        return out

    def apply(self, data: IndicatorSet) -> StepOutput:
        """Normalise ``data``; see `normalise()`.

        Examples
        --------
        Ranks, lowest value 1; ``y`` (lower is better) is reversed first:

        >>> from kampala import Framework, IndicatorSet, Node, Normalise
        >>> fw = Framework(nodes=[Node(code="x"), Node(code="y", direction=-1)])
        >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b", "c"],
        ...                     values=[[1.0, 10.0], [2.0, 20.0], [4.0, 40.0]])
        >>> Normalise(method="rank").apply(data).data.values.tolist()
        [[1.0, 3.0], [2.0, 2.0], [3.0, 1.0]]
        """
        for code in self.indicator_params:
            if code not in data.indicator_codes:
                raise ParameterValueError(
                    "Normalise()",
                    "indicator_params",
                    code,
                    "indicator codes of the data",
                )
        codes = data.indicator_codes
        directions = data.framework.directions
        m = self.method
        ones = np.ones(len(codes))
        if m in ("min-max", "z-score"):
            first, second = ("lower", "upper") if m == "min-max" else ("mean", "sd")
            if self.indicator_params:
                p1 = self._column_param(data, first)
                p2 = self._column_param(data, second)
            else:
                p1 = ones * as_float(self.params, first)
                p2 = ones * as_float(self.params, second)
            if m == "min-max":
                mn, _, rng = _signed_range(data.values, directions, codes)
                out = _affine(data.values, directions, mn, rng, p2 - p1, p1)
            else:
                mean, sd, count = _mean_sd(data.values)
                bad = (count < 2) | ~(sd > 0)
                if bad.any():
                    _degenerate(codes, bad, "has fewer than two distinct values")
                    sd = np.where(bad, np.nan, sd)
                out = _affine(data.values, directions, mean * directions, sd, p2, p1)
            _check_finite(self, data, out)
            out.flags.writeable = False
            # finite: finite inputs over a positive spread, checked above
            return StepOutput(data=data.with_values(out, validate=False), details={})
        flip = bool((directions < 0).any())
        x = data.values * directions if flip else data.values
        if m == "goalposts":
            clip = np.array(
                [
                    bool(
                        self.indicator_params.get(c, {}).get(
                            "clip", self.params["clip"]
                        )
                    )
                    for c in codes
                ]
            )
            lower = self._column_param(data, "lower")
            upper = self._column_param(data, "upper")
            bad = ~(upper > lower)
            if bad.any():
                j = int(np.flatnonzero(bad)[0])
                raise ParameterValueError(
                    "Normalise()",
                    "upper",
                    float(upper[j]),
                    f"greater than lower ({float(lower[j])!r}) "
                    f"for indicator {codes[j]!r}",
                )
            with np.errstate(over="ignore"):
                overflow = np.flatnonzero(~np.isfinite(upper - lower))
            for k in overflow:
                _check_span("Normalise()", lower[k], upper[k], codes[k])
            out = _goalposts(
                x, lower, upper, self._column_param(data, "scale"), clip, directions
            )
        elif m == "rank":
            out = _rank(x)
        elif m == "percentile-rank":
            out = _percentile_rank(x, codes)
        elif m == "distance-to-max":
            out = _distance_to_max(x, codes)
        elif m == "distance-to-target":
            target = self._column_param(data, "target") * directions
            out = _distance_to_target(x, target, bool(self.params["cap"]), codes)
        else:  # "none"
            out = x
        _check_finite(self, data, out)
        out.flags.writeable = False
        return StepOutput(data=data.with_values(out), details={})
