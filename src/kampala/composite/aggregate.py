r"""Aggregation: combine children into their parent, level by level.

Each aggregate of the framework is computed from its children (indicators
or lower aggregates) with the children's weights normalised to sum to one.
Kernels work on all units at once.

Missing values: a child without a value is skipped and the weights of the
children present are renormalised (equation (A0)). If the share of children
present is below ``min_data``, or the share of their weight below
``min_coverage``, the aggregate is missing instead.

Methods (equations on ``docs/methodology/aggregation.md``):

- ``"arithmetic"`` (A1): $\sum_i w_i x_i$.
- ``"geometric"`` (A2): $\prod_i x_i^{w_i}$, values must be >= 0.
- ``"harmonic"`` (A3): $1 / \sum_i (w_i / x_i)$, values must be >= 0.
- ``"generalised-mean"`` (A4): $(\sum_i w_i x_i^p)^{1/p}$; p = 0 is the
  geometric mean; values must be >= 0.

For the geometric, harmonic and power means with p < 0, a child equal to 0
(with positive weight) makes the aggregate 0, the limit of the mean as that
child tends to 0; negative values are an error.
- ``"minimum"`` (A5): $\min_i x_i$ over children with positive weight.
- ``"mazziotta-pareto"`` (A6): $M - \sigma^2 / M$ (penalty -1) with the
  weighted mean $M$ and weighted standard deviation $\sigma$.
- ``"copeland"`` (A7): pairwise outranking; wins minus losses.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.params import (
    Method,
    Param,
    ParamValue,
    as_float,
    as_int,
    resolve_method,
)
from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.framework import Framework, _LevelPlan

__all__ = ["METHODS", "Aggregate", "AggregateOutput", "LevelRule", "aggregate_values"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

METHODS: dict[str, Method] = {
    "arithmetic": Method("arithmetic", (), doc="Weighted arithmetic mean."),
    "geometric": Method("geometric", (), doc="Weighted geometric mean (values >= 0)."),
    "harmonic": Method("harmonic", (), doc="Weighted harmonic mean (values >= 0)."),
    "generalised-mean": Method(
        "generalised-mean",
        (Param("p", float, doc="power p; 1 arithmetic, 0 geometric, -1 harmonic"),),
        doc="Weighted power mean of order p.",
    ),
    "minimum": Method("minimum", (), doc="Weakest link: the smallest child."),
    "mazziotta-pareto": Method(
        "mazziotta-pareto",
        (
            Param(
                "penalty",
                int,
                -1,
                check=lambda v: v in (-1, 1),
                expected="-1 (penalise imbalance) or +1",
                doc="-1 subtracts the imbalance penalty, +1 adds it",
            ),
        ),
        doc="Mean penalised by the horizontal variability of the children.",
    ),
    "copeland": Method(
        "copeland", (), doc="Pairwise weighted majority: wins minus losses."
    ),
}

_PAIR_BUDGET = 8_000_000  # array elements per block in the pairwise Copeland kernel


# ---------------------------------------------------------------------------
# kernels: clean arrays in, no validation
# ---------------------------------------------------------------------------
def _weighted(
    x: FloatArray, w: FloatArray
) -> tuple[FloatArray, FloatArray, BoolArray | None]:
    """Return values with NaN set to 0, per-row weight sums, and the NaN mask."""
    nan = np.isnan(x)
    if not nan.any():
        return x, np.full(x.shape[0], w.sum()), None
    x0 = np.where(nan, 0.0, x)
    wsum = (~nan) @ w
    return x0, wsum, nan


def _arithmetic(x: FloatArray, w: FloatArray) -> FloatArray:
    x0, wsum, _ = _weighted(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray((x0 @ w) / wsum)


def _minimum(x: FloatArray, w: FloatArray) -> FloatArray:
    cols = x[:, w > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing rows -> NaN
        return np.asarray(np.nanmin(cols, axis=1))


def _mazziotta_pareto(x: FloatArray, w: FloatArray, penalty: int) -> FloatArray:
    x0, wsum, nan = _weighted(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        m = (x0 @ w) / wsum
        dev = (x0 - m[:, None]) ** 2
        if nan is not None:
            dev[nan] = 0.0
        var = (dev @ w) / wsum
        return np.asarray(m + penalty * var / m)


def _copeland(x: FloatArray, w: FloatArray) -> FloatArray:
    n = x.shape[0]
    present = ~np.isnan(x)
    out = np.empty(n)
    chunk = max(1, _PAIR_BUDGET // max(1, n * x.shape[1]))
    for start in range(0, n, chunk):
        stop = start + chunk
        blk = x[start:stop]
        both = present[start:stop, None, :] & present[None, :, :]
        diff = blk[:, None, :] - x[None, :, :]
        wb = np.where(both, w, 0.0)
        win = np.where(diff > 0, wb, 0.0).sum(axis=2)
        lose = np.where(diff < 0, wb, 0.0).sum(axis=2)
        out[start:stop] = np.sign(win - lose).sum(axis=1)
    no_data = ~present.any(axis=1)
    out[no_data] = np.nan
    return out


def _apply_kernel(
    method: str, params: Mapping[str, ParamValue], x: FloatArray, w: FloatArray
) -> FloatArray:
    """Kernels that are not quasi-arithmetic means (one aggregate at a time)."""
    if method == "minimum":
        return _minimum(x, w)
    if method == "mazziotta-pareto":
        return _mazziotta_pareto(x, w, as_int(params, "penalty"))
    return _copeland(x, w)


def _needs_positive(method: str, params: Mapping[str, ParamValue]) -> str | None:
    """Return the sign requirement of a mean (zeros take the mean's limit, 0)."""
    if method in ("geometric", "harmonic"):
        return ">= 0"
    if method == "generalised-mean":
        return ">= 0"
    return None


def _param_dict(value: Mapping[str, ParamValue] | None) -> dict[str, ParamValue]:
    return dict(value or {})


# ---------------------------------------------------------------------------
# the step
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class LevelRule:
    """The method and parameters used at one level.

    Parameters
    ----------
    method : str
        One of `METHODS`.
    params : mapping, default=None
        The method's parameters; defaults are filled in.

    Examples
    --------
    Omitted parameters take their defaults; a rule can set the method of one
    level of an `Aggregate` step:

    >>> from kampala.composite import Aggregate, LevelRule
    >>> LevelRule(method="mazziotta-pareto")
    LevelRule(method='mazziotta-pareto', params={'penalty': -1})
    >>> rule = LevelRule(method="generalised-mean", params={"p": 2})
    >>> step = Aggregate(levels={2: rule})
    >>> step.rule(2).params, step.rule(3).method
    ({'p': 2.0}, 'arithmetic')
    """

    method: str
    params: Mapping[str, ParamValue] = attrs.field(factory=dict, converter=_param_dict)

    def __attrs_post_init__(self) -> None:
        resolved = resolve_method("LevelRule()", METHODS, self.method, self.params)
        object.__setattr__(self, "params", resolved)


@attrs.frozen(kw_only=True, eq=False)
class AggregateOutput:
    """Aggregate scores for every unit, plus what was needed to compute them.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala import Aggregate, Framework, Node
    >>> fw = Framework(nodes=[Node(code="a", parent="P"), Node(code="b", parent="P"),
    ...                       Node(code="P", level=2, kind="aggregate")])
    >>> out = Aggregate(method="minimum").apply(fw, np.array([[40.0, 80.0]]), ("u1",))
    >>> out.codes, out.scores.tolist(), out.rules[2].method
    (('P',), [[40.0]], 'minimum')
    """

    codes: tuple[str, ...]
    scores: FloatArray
    framework: Framework
    rules: Mapping[int, LevelRule]


def _weights_converter(value: Any) -> str | dict[str, float]:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return {str(k): float(v) for k, v in value.items()}
    raise ParameterTypeError(
        "Aggregate()",
        "weights",
        value,
        '"framework", "equal" or a mapping of node code to weight',
    )


def _levels_converter(value: Any) -> dict[int, LevelRule]:
    out: dict[int, LevelRule] = {}
    for k, v in dict(value or {}).items():
        if isinstance(v, LevelRule):
            out[int(k)] = v
        elif isinstance(v, str):
            out[int(k)] = LevelRule(method=v)
        else:
            out[int(k)] = LevelRule(**dict(v))
    return out


@attrs.frozen(kw_only=True)
class Aggregate:
    """The aggregation step.

    Parameters
    ----------
    method : str, default="arithmetic"
        Method used at every level unless ``levels`` overrides it.
    params : mapping, default=None
        Parameters of ``method``.
    levels : mapping of int to LevelRule, str or mapping, default=None
        Per-level rules, for example ``{4: "geometric"}``.
    weights : {"framework", "equal"} or mapping of str to float, default="framework"
        ``"framework"`` uses the nodes' weights, ``"equal"`` gives siblings
        equal weight, a mapping overrides the weights of the nodes it names.
    min_data : float, default=0.0
        Minimum share of an aggregate's children that must have a value;
        below it the aggregate is missing. 0 accepts any single value.
    min_coverage : float, default=0.0
        Minimum share of an aggregate's children's (normalised) weight that
        must have a value (equation (A0)); below it the aggregate is missing.

    Examples
    --------
    >>> from kampala.composite.aggregate import Aggregate
    >>> Aggregate(method="generalised-mean", params={"p": 0.5}).to_dict()["params"]
    {'p': 0.5}
    """

    kind: ClassVar[str] = "aggregate"
    dataset: ClassVar[str] = "Aggregated"

    method: str = "arithmetic"
    params: Mapping[str, ParamValue] = attrs.field(factory=dict, converter=_param_dict)
    levels: Mapping[int, LevelRule] = attrs.field(
        factory=dict, converter=_levels_converter
    )
    weights: str | Mapping[str, float] = attrs.field(
        default="framework", converter=_weights_converter
    )
    min_data: float = attrs.field(default=0.0, converter=float)
    min_coverage: float = attrs.field(default=0.0, converter=float)

    def __attrs_post_init__(self) -> None:
        resolved = resolve_method("Aggregate()", METHODS, self.method, self.params)
        object.__setattr__(self, "params", resolved)
        if isinstance(self.weights, str) and self.weights not in ("framework", "equal"):
            raise ParameterValueError(
                "Aggregate()",
                "weights",
                self.weights,
                '"framework", "equal" or a mapping of node code to weight',
            )
        for name in ("min_data", "min_coverage"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ParameterValueError("Aggregate()", name, value, "between 0 and 1")

    def to_dict(self) -> dict[str, Any]:
        """Return the step as a JSON-ready mapping.

        Examples
        --------
        Level keys become strings, as JSON requires:

        >>> from kampala import Aggregate
        >>> Aggregate(levels={3: "geometric"}, min_coverage=0.5).to_dict()
        {'step': 'aggregate', 'method': 'arithmetic', 'params': {},
         'levels': {'3': {'method': 'geometric', 'params': {}}},
         'weights': 'framework', 'min_data': 0.0, 'min_coverage': 0.5}
        """
        return {
            "step": self.kind,
            "method": self.method,
            "params": dict(self.params),
            "levels": {
                str(k): {"method": r.method, "params": dict(r.params)}
                for k, r in sorted(self.levels.items())
            },
            "weights": self.weights
            if isinstance(self.weights, str)
            else dict(self.weights),
            "min_data": self.min_data,
            "min_coverage": self.min_coverage,
        }

    def rule(self, level: int) -> LevelRule:
        """Return the rule used at ``level``.

        A level without a rule of its own uses the step's method and parameters.

        Examples
        --------
        >>> from kampala import Aggregate
        >>> step = Aggregate(method="arithmetic", levels={3: "geometric"})
        >>> step.rule(2).method, step.rule(3).method
        ('arithmetic', 'geometric')
        """
        return self.levels.get(level) or LevelRule(
            method=self.method, params=self.params
        )

    def weighted_framework(self, framework: Framework) -> Framework:
        """Return the framework with this step's weights applied.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> Aggregate().weighted_framework(fw).node("b").weight
        3.0
        >>> equal = Aggregate(weights="equal").weighted_framework(fw)
        >>> equal.node("b").weight, equal.effective_weights().tolist()
        (1.0, [0.5, 0.5])
        """
        if self.weights == "framework":
            return framework
        if self.weights == "equal":
            return framework.with_equal_weights()
        assert isinstance(self.weights, Mapping)
        return framework.with_weights(self.weights)

    def apply(
        self, framework: Framework, values: FloatArray, unit_codes: tuple[str, ...]
    ) -> AggregateOutput:
        """Aggregate normalised indicator values (n_units x n_indicators).

        Raises
        ------
        ParameterValueError
            If the framework has no aggregates, a per-level rule names a level
            the framework lacks, a mean that needs non-negative values meets a
            negative one, or the Mazziotta-Pareto index meets a mean <= 0.

        Examples
        --------
        The missing value of ``u2`` is skipped and the weights renormalised:

        >>> import numpy as np
        >>> from kampala import Aggregate, Framework, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> out = Aggregate().apply(fw, np.array([[40.0, 80.0], [100.0, np.nan]]),
        ...                         ("u1", "u2"))
        >>> out.codes, out.scores.tolist()
        (('P',), [[70.0], [100.0]])
        """
        fw = self.weighted_framework(framework)
        if fw.root is None:
            raise ParameterValueError(
                "Aggregate()",
                "framework",
                expected="a framework with at least one aggregate",
            )
        for level in self.levels:
            if level not in fw.levels:
                raise ParameterValueError(
                    "Aggregate()",
                    "levels",
                    level,
                    f"one of the framework's aggregate levels {list(fw.levels)}",
                )
        rules = {lv: self.rule(lv) for lv in fw.levels}
        scores = aggregate_values(
            fw,
            values,
            rules,
            min_data=self.min_data,
            min_coverage=self.min_coverage,
            unit_codes=unit_codes,
        )
        scores.flags.writeable = False
        return AggregateOutput(
            codes=fw.aggregate_codes, scores=scores, framework=fw, rules=rules
        )


def _gather(
    cols: tuple[int, ...], leaves: FloatArray, aggs: FloatArray, n_ind: int
) -> FloatArray:
    if all(c < n_ind for c in cols):
        lo, hi = min(cols), max(cols) + 1
        if list(cols) == list(range(lo, hi)):
            return leaves[:, lo:hi]
        return leaves[:, list(cols)]
    return np.column_stack(
        [leaves[:, c] if c < n_ind else aggs[:, c - n_ind] for c in cols]
    )


def aggregate_values(
    framework: Framework,
    values: FloatArray,
    rules: Mapping[int, LevelRule],
    *,
    min_data: float = 0.0,
    min_coverage: float = 0.0,
    unit_codes: tuple[str, ...] | None = None,
) -> FloatArray:
    """Compute every aggregate of ``framework`` from indicator values.

    Parameters
    ----------
    framework : Framework
        Structure and (nominal) weights.
    values : numpy.ndarray, shape (n_units, n_indicators)
        Normalised indicator values, NaN for missing.
    rules : mapping of int to LevelRule
        The rule of each aggregate level.
    min_data : float, default=0.0
        Minimum share of children present (equation (A0)).
    min_coverage : float, default=0.0
        Minimum share of children's weight present (equation (A0)).
    unit_codes : tuple of str, optional
        Used to name the unit in error messages.

    Returns
    -------
    numpy.ndarray, shape (n_units, n_aggregates)
        Scores in the order of ``framework.aggregate_codes``.

    Examples
    --------
    The missing value of unit 2 is skipped and the weights renormalised, unless
    ``min_coverage`` asks for more of the weight to be present:

    >>> import numpy as np
    >>> from kampala import Framework, LevelRule, Node
    >>> from kampala.composite import aggregate_values
    >>> fw = Framework(nodes=[Node(code="a", parent="P"),
    ...                       Node(code="b", parent="P", weight=3),
    ...                       Node(code="P", level=2, kind="aggregate")])
    >>> x = np.array([[40.0, 80.0], [100.0, np.nan]])
    >>> aggregate_values(fw, x, {2: LevelRule(method="arithmetic")}).tolist()
    [[70.0], [100.0]]
    >>> aggregate_values(fw, x, {2: LevelRule(method="arithmetic")}, min_coverage=0.5)
    array([[70.], [nan]])
    """
    n_ind = len(framework.indicator_codes)
    n = values.shape[0]
    aggs = np.full((n, len(framework.aggregate_codes)), np.nan)
    codes = framework.indicator_codes + framework.aggregate_codes
    for plan in framework._level_plans():
        rule = rules[plan.level]
        if rule.method in _QUASI_ARITHMETIC:
            _quasi_arithmetic_level(
                plan,
                rule,
                values,
                aggs,
                n_ind,
                (min_data, min_coverage),
                codes,
                unit_codes,
            )
        else:
            _aggregate_level(
                plan,
                rule,
                values,
                aggs,
                n_ind,
                (min_data, min_coverage),
                codes,
                unit_codes,
            )
    return aggs


_QUASI_ARITHMETIC = ("arithmetic", "geometric", "harmonic", "generalised-mean")
_ROW_CHUNK = 32768  # rows per block: bounds temporaries, keeps blocks in cache


def _positive_error(
    rule: LevelRule,
    x: FloatArray,
    cols: list[int],
    plan: _LevelPlan,
    codes: tuple[str, ...],
    unit_codes: tuple[str, ...] | None,
    row0: int,
    positive: str,
) -> ParameterValueError:
    r, c = np.argwhere(x < 0)[0]
    col = cols[c]
    target = next(
        t for t, kids in zip(plan.targets, plan.children, strict=True) if col in kids
    )
    unit = unit_codes[row0 + r] if unit_codes else f"row {row0 + r}"
    return ParameterValueError(
        f"aggregate {codes[target]!r}",
        codes[col],
        float(x[r, c]),
        f"{positive} for the {rule.method} mean (unit {unit!r})",
        hint="Normalise to a non-negative range first, e.g. min-max:1,100.",
    )


def _quasi_arithmetic_level(
    plan: _LevelPlan,
    rule: LevelRule,
    leaves: FloatArray,
    aggs: FloatArray,
    n_ind: int,
    thresholds: tuple[float, float],
    codes: tuple[str, ...],
    unit_codes: tuple[str, ...] | None,
) -> None:
    r"""One level of weighted quasi-arithmetic means, in blocks of rows.

    With a transform $\phi$ (identity, log, reciprocal, power p) each
    aggregate is $\phi^{-1}(\sum_i w_i \phi(x_i) / \sum_{i\,present}
    w_i)$, so a whole level is one product of a block of rows with a
    (children x aggregates) weight matrix.
    """
    method = rule.method
    p = as_float(rule.params, "p") if method == "generalised-mean" else 1.0
    if method == "generalised-mean" and p == 0:
        method = "geometric"
    positive = _needs_positive(rule.method, rule.params)
    cols = sorted({c for kids in plan.children for c in kids})
    pos = {c: i for i, c in enumerate(cols)}
    wmat = np.zeros((len(cols), len(plan.targets)))
    member = np.zeros_like(wmat)
    for t, (kids, wts) in enumerate(zip(plan.children, plan.weights, strict=True)):
        for c, w in zip(kids, wts, strict=True):
            wmat[pos[c], t] = w
            member[pos[c], t] = 1.0
    n_kids = member.sum(axis=0)
    wtotal = wmat.sum(axis=0)
    targets = np.array(plan.targets) - n_ind
    contiguous_targets = bool(np.all(np.diff(targets) == 1))
    # a child without weight contributes nothing, whatever phi(x) is (0 * inf)
    weightless = wmat.sum(axis=1) == 0
    contiguous = cols == list(range(cols[0], cols[-1] + 1))
    source, offset = (leaves, 0) if cols[-1] < n_ind else (aggs, n_ind)
    contiguous &= cols[0] >= offset
    n = leaves.shape[0]
    for start in range(0, n, _ROW_CHUNK):
        stop = min(n, start + _ROW_CHUNK)
        if contiguous:
            x = source[start:stop, cols[0] - offset : cols[-1] + 1 - offset]
        else:
            x = np.column_stack(
                [
                    leaves[start:stop, c] if c < n_ind else aggs[start:stop, c - n_ind]
                    for c in cols
                ]
            )
        if positive is not None and (x < 0).any():
            raise _positive_error(
                rule, x, cols, plan, codes, unit_codes, start, positive
            )
        nan = np.isnan(x)
        has_nan = bool(nan.any())
        zero_limit = method in ("geometric", "harmonic") or (
            method == "generalised-mean" and p <= 0
        )
        zero_hit = None
        if zero_limit:
            zeros = x == 0
            if zeros.any():
                # a child at 0 makes the mean 0 (its limit); phi(0) is infinite,
                # so it is left out of the sums and applied afterwards
                zero_hit = (zeros.astype(np.float64) @ (wmat > 0)) > 0
                x = np.where(zeros, 1.0, x)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if has_nan and method != "arithmetic":
                x = np.where(nan, 1.0, x)
            if method == "arithmetic":
                # one pass: missing values contribute 0 to the weighted sum
                phi = np.where(nan, 0.0, x) if has_nan else x
            elif method == "geometric":
                phi = np.log(x)
            elif method == "harmonic":
                phi = 1.0 / x
            else:
                # M_p(x) = m M_p(x / m) with m the row's largest value keeps
                # x^p finite; for |p| < 1/2, expm1/log1p keep the mean
                # accurate as p tends to 0 (where x^p - 1 loses all digits)
                scale = np.max(x, axis=1, keepdims=True)
                scale = np.where(scale > 0, scale, 1.0)
                if abs(p) < 0.5:
                    phi = np.expm1(p * np.log(x / scale))
                else:
                    phi = np.power(x / scale, p)
            if weightless.any():
                phi = np.where(weightless, 0.0, phi)
            if has_nan:
                present = ~nan
                if method != "arithmetic":
                    phi = np.where(present, phi, 0.0)
                den = present.astype(np.float64) @ wmat
            else:
                den = wtotal
            mean = (phi @ wmat) / den
            if method == "arithmetic":
                out = mean
            elif method == "geometric":
                out = np.exp(mean)
            elif method == "harmonic":
                out = 1.0 / mean
            elif abs(p) < 0.5:
                out = scale * np.exp(np.log1p(mean) / p)
            else:
                out = scale * np.power(mean, 1.0 / p)
        if zero_hit is not None:
            out = np.where(zero_hit, 0.0, out)
        if has_nan:
            out = np.where(den > 0, out, np.nan)
            min_data, min_coverage = thresholds
            if min_data > 0:
                share = (present @ member) / n_kids
                out = np.where(share < min_data, np.nan, out)
            if min_coverage > 0:
                out = np.where(den / wtotal < min_coverage, np.nan, out)
        if contiguous_targets:
            aggs[start:stop, targets[0] : targets[-1] + 1] = out
        else:
            aggs[start:stop, targets] = out


def _aggregate_level(
    plan: _LevelPlan,
    rule: LevelRule,
    leaves: FloatArray,
    aggs: FloatArray,
    n_ind: int,
    thresholds: tuple[float, float],
    codes: tuple[str, ...],
    unit_codes: tuple[str, ...] | None,
) -> None:
    """Minimum, Mazziotta-Pareto and Copeland: one aggregate at a time."""
    for target, kids, wts in zip(
        plan.targets, plan.children, plan.weights, strict=True
    ):
        x = _gather(kids, leaves, aggs, n_ind)
        w = np.asarray(wts, dtype=np.float64)
        if rule.method == "mazziotta-pareto":
            with np.errstate(invalid="ignore"):
                mean = _arithmetic(x, w)
            bad_mean = mean <= 0
            if bad_mean.any():
                r = int(np.flatnonzero(bad_mean)[0])
                unit = unit_codes[r] if unit_codes else f"row {r}"
                raise ParameterValueError(
                    f"aggregate {codes[target]!r}",
                    "mean of children",
                    float(mean[r]),
                    f"> 0 for the Mazziotta-Pareto index (unit {unit!r})",
                    hint="Normalise to a positive scale such as z-score:100,10.",
                )
        out = _apply_kernel(rule.method, rule.params, x, w)
        min_data, min_coverage = thresholds
        present = ~np.isnan(x)
        if min_data > 0:
            out = np.where(present.mean(axis=1) < min_data, np.nan, out)
        if min_coverage > 0:
            out = np.where((present @ w) / w.sum() < min_coverage, np.nan, out)
        aggs[:, target - n_ind] = out
