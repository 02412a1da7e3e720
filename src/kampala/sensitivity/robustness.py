r"""Weight robustness of a result's top level: SMAA, exact margins, local.

The top level of a scorecard combines the principle scores $X_{up}$ with
the principle weights $w$; when it is the weighted arithmetic mean it is
linear in the weights, $s_u(w) = X_u \cdot w$, and the questions "which
weights would change this ranking?" have exact answers (see
`rank_margins`, `topk_margins`, `stability_intervals`) besides the sampled
ones of SMAA (`smaa`).

`top_level` extracts $X$ and $w$ from a `Scorecard` or a
`CompositeResult`; units without a score on every top-level component are
left out (the renormalisation of missing components would make their score
non-linear in the weights) and listed in ``excluded``. It also keeps the
result's methodology reference: pass ``methodology=top.methodology`` to the
analyses so that their results record which methodology they examined.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray
from kampala.composite_result import CompositeResult, MethodologyRef
from kampala.errors import MethodologyError

__all__ = ["TopLevel", "top_level"]


@attrs.frozen(kw_only=True, eq=False)
class TopLevel:
    """The linear top level of a result.

    Attributes
    ----------
    X : numpy.ndarray, shape (n_units, n_components)
        Component scores (principles, or the root's children).
    weights : numpy.ndarray, shape (n_components,)
        Nominal weights, summing to 1.
    units : tuple of str
        Units kept (every component scored).
    components : tuple of str
        Component codes.
    excluded : tuple of str
        Units left out because a component has no score.
    methodology : MethodologyRef
        The methodology of the result the top level was extracted from.
        Pass it on as ``methodology=top.methodology`` to `smaa`,
        `rank_margins`, `topk_margins`, `weight_derivatives` or
        `one_at_a_time` so that their results carry it.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import top_level
    >>> top = top_level(kps1().run(sample_portfolio()))
    >>> top.X.shape, top.components
    ((36, 5), ('P1', 'P2', 'P3', 'P4', 'P5'))
    >>> len(top.excluded), top.excluded[:2]  # a principle without a score
    (12, ('PE-TEL-003', 'PE-TEL-004'))
    >>> top.methodology.id, top.methodology.version
    ('KPS', '1')
    """

    X: FloatArray
    weights: FloatArray
    units: tuple[str, ...]
    components: tuple[str, ...]
    excluded: tuple[str, ...]
    methodology: MethodologyRef


def top_level(result: Any) -> TopLevel:
    """Extract the top level (components and weights) of a result.

    Parameters
    ----------
    result : Scorecard or CompositeResult
        A result whose root is aggregated by the weighted arithmetic mean.

    Returns
    -------
    TopLevel
        Component scores, nominal weights, units kept and left out, and the
        result's methodology reference.

    Raises
    ------
    MethodologyError
        If the root is not aggregated by the arithmetic mean (the exact
        methods need scores linear in the weights), or fewer than two units
        have every component.

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.data import sample_portfolio
    >>> card = Methodology.default().run(sample_portfolio())
    >>> top = top_level(card)
    >>> top.components, round(float(top.weights.sum()), 12)
    (('P1', 'P2', 'P3', 'P4', 'P5'), 1.0)
    >>> top.methodology == card.methodology
    True
    """
    composite: CompositeResult = getattr(result, "result", result)
    if not isinstance(composite, CompositeResult):
        raise MethodologyError(
            "top_level()",
            "result",
            type(result).__name__,
            "a Scorecard or CompositeResult",
        )
    fw = composite.framework
    root = composite.root
    level = fw.node(root).level
    rule = composite.aggregation.rules[level]
    if rule.method != "arithmetic":
        raise MethodologyError(
            "top_level()",
            "aggregation of the root",
            rule.method,
            "the weighted arithmetic mean (linear in the weights)",
            hint="Exact margins and SMAA here assume a linear top level; use the "
            "uncertainty analysis for other aggregations.",
        )
    components = fw.children(root)
    X = np.column_stack(
        [
            composite.score(c)
            if c in composite.aggregate_codes
            else composite.datasets[list(composite.datasets)[-1]].column(c)
            for c in components
        ]
    )
    weights = np.array([fw.normalised_weight(c) for c in components])
    complete: npt.NDArray[np.bool_] = np.asarray(~np.isnan(X).any(axis=1))
    flags: list[bool] = [bool(v) for v in complete.tolist()]
    units = tuple(u for u, ok in zip(composite.unit_codes, flags, strict=True) if ok)
    excluded = tuple(
        u for u, ok in zip(composite.unit_codes, flags, strict=True) if not ok
    )
    if len(units) < 2:
        raise MethodologyError(
            "top_level()",
            "units",
            len(units),
            "at least two units with a score on every component",
        )
    return TopLevel(
        X=X[complete],
        weights=weights / weights.sum(),
        units=units,
        components=tuple(components),
        excluded=excluded,
        methodology=composite.methodology,
    )
