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
  geometric mean; values must be >= 0. Computed in the scaled form (A8),
  finite and exact for any p.

For the geometric, harmonic and power means with p < 0, a child equal to 0
(with positive weight) makes the aggregate 0, the limit of the mean as that
child tends to 0; negative values are an error.
- ``"minimum"`` (A5): $\min_i x_i$ over children with positive weight.
- ``"mazziotta-pareto"`` (A6): $M - \sigma^2 / M$ (penalty -1) with the
  weighted mean $M$ and weighted standard deviation $\sigma$.
- ``"copeland"`` (A7): pairwise outranking; wins minus losses.

Every method is computed by `kampala.composite.kernel.weighted_mean`, the
kernel the sensitivity analyses and principle scores share.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from kampala.composite.kernel import NON_NEGATIVE, weighted_mean
from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.framework import Framework

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

    def mean(
        self, values: FloatArray, weights: FloatArray, **options: Any
    ) -> FloatArray:
        """Weighted mean of ``values`` by this rule's method and parameters.

        Parameters
        ----------
        values, weights
            As for `kampala.composite.kernel.weighted_mean`, which this calls
            with the rule's method and its ``p`` (generalised mean) or
            ``penalty`` (Mazziotta-Pareto).
        **options
            ``min_data``, ``min_coverage``, ``groups`` and ``out``, as for
            `kampala.composite.kernel.weighted_mean`.

        Returns
        -------
        numpy.ndarray

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.composite import LevelRule
        >>> rule = LevelRule(method="generalised-mean", params={"p": 2})
        >>> rule.mean(np.array([[30.0, 40.0]]), np.array([1.0, 1.0])).round(2)
        array([35.36])
        """
        method, params = self.method, self.params
        p = as_float(params, "p") if method == "generalised-mean" else 1.0
        penalty = as_int(params, "penalty") if method == "mazziotta-pareto" else -1
        return weighted_mean(values, weights, method, p=p, penalty=penalty, **options)


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

    kind, dataset = "aggregate", "Aggregated"

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
    """Return the children's columns, a view where they are contiguous."""
    lo, hi = min(cols), max(cols) + 1
    contiguous = list(cols) == list(range(lo, hi))
    if hi <= n_ind:
        return leaves[:, lo:hi] if contiguous else leaves[:, list(cols)]
    if lo >= n_ind and contiguous:
        return aggs[:, lo - n_ind : hi - n_ind]
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
    aggs = np.full((values.shape[0], len(framework.aggregate_codes)), np.nan)
    codes = framework.indicator_codes + framework.aggregate_codes
    for plan in framework._level_plans():
        rule = rules[plan.level]
        # the level's children: one block of columns, one group per aggregate
        cols = sorted(c for kids in plan.children for c in kids)
        pos = {c: i for i, c in enumerate(cols)}
        groups = [[pos[c] for c in kids] for kids in plan.children]
        w = np.empty(len(cols))
        w[[i for g in groups for i in g]] = [v for wts in plan.weights for v in wts]
        x = _gather(tuple(cols), values, aggs, n_ind)
        where = _Where(codes, cols, plan.targets, unit_codes)
        _check_domain(rule.method, x, w, groups, where)
        lo, hi = plan.targets[0] - n_ind, plan.targets[-1] + 1 - n_ind
        contiguous = list(plan.targets) == list(range(lo + n_ind, hi + n_ind))
        out = rule.mean(
            x,
            w,
            min_data=min_data,
            min_coverage=min_coverage,
            groups=groups,
            out=aggs[:, lo:hi] if contiguous else None,
        )
        if not contiguous:
            aggs[:, [t - n_ind for t in plan.targets]] = out
    return aggs


@attrs.frozen
class _Where:
    """Names for error messages about one level: built only when needed."""

    codes: tuple[str, ...]
    cols: list[int]
    targets: tuple[int, ...]
    unit_codes: tuple[str, ...] | None

    def child(self, c: int) -> str:
        return self.codes[self.cols[c]]

    def target(self, g: int) -> str:
        return f"aggregate {self.codes[self.targets[g]]!r}"

    def unit(self, row: int) -> str:
        return self.unit_codes[row] if self.unit_codes else f"row {row}"


def _check_domain(
    method: str,
    x: FloatArray,
    w: FloatArray,
    groups: list[list[int]],
    where: _Where,
) -> None:
    """Raise if a mean meets values outside its domain, naming the unit."""
    # fmin ignores NaN and needs no temporary array
    if method in NON_NEGATIVE and x.size and np.fmin.reduce(x, axis=None) < 0:
        r, c = np.argwhere(x < 0)[0]
        g = next(g for g, cols in enumerate(groups) if c in cols)
        raise ParameterValueError(
            where.target(g),
            where.child(c),
            float(x[r, c]),
            f">= 0 for the {method} mean (unit {where.unit(r)!r})",
            hint="Normalise to a non-negative range first, e.g. min-max:1,100.",
        )
    if method == "mazziotta-pareto":
        mean = weighted_mean(x, w, groups=groups)
        bad = mean <= 0
        if bad.any():
            r, g = np.argwhere(bad)[0]
            raise ParameterValueError(
                where.target(g),
                "mean of children",
                float(mean[r, g]),
                f"> 0 for the Mazziotta-Pareto index (unit {where.unit(r)!r})",
                hint="Normalise to a positive scale such as z-score:100,10.",
            )
