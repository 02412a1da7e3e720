"""Shared Hypothesis strategies: frameworks, weights, indicator data, steps."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kampala import (
    Aggregate,
    Denominate,
    Framework,
    Impute,
    IndicatorSet,
    LevelRule,
    Methodology,
    Node,
    Normalise,
    Screen,
    Treat,
)

#: aggregation methods whose result lies between the smallest and largest child
MEAN_METHODS = ("arithmetic", "geometric", "harmonic", "generalised-mean", "minimum")

positive_weights = st.floats(
    min_value=0.01, max_value=100.0, allow_nan=False, allow_infinity=False
)


@st.composite
def simplex_weights(draw: st.DrawFn, n: int) -> np.ndarray:
    """``n`` positive weights that sum to 1."""
    w = np.array(draw(st.lists(positive_weights, min_size=n, max_size=n)))
    return w / w.sum()


@st.composite
def sibling_weights(draw: st.DrawFn, n: int) -> list[float]:
    """``n`` weights >= 0 with a positive sum (a zero switches a node off)."""
    w = draw(
        st.lists(st.one_of(st.just(0.0), positive_weights), min_size=n, max_size=n)
    )
    if not sum(w) > 0:
        w[draw(st.integers(0, n - 1))] = draw(positive_weights)
    return w


@st.composite
def frameworks(
    draw: st.DrawFn,
    *,
    min_levels: int = 2,
    max_levels: int = 3,
    max_indicators: int = 4,
    directions: bool = True,
    zero_weights: bool = False,
) -> Framework:
    """A random valid framework of 2 or 3 levels (indicators are level 1).

    With 3 levels, pillars (level 2) sit under the root (level 3), and an
    indicator may also hang directly from the root.
    """
    n_levels = draw(st.integers(min_levels, max_levels))
    weights = sibling_weights if zero_weights else None
    nodes: list[Node] = []
    counter = 0

    def children(parent: str, n: int) -> list[Node]:
        nonlocal counter
        ws = (
            draw(weights(n))
            if weights
            else draw(st.lists(positive_weights, min_size=n, max_size=n))
        )
        out = []
        for w in ws:
            d = draw(st.sampled_from([1, -1])) if directions else 1
            out.append(Node(code=f"i{counter}", parent=parent, weight=w, direction=d))
            counter += 1
        return out

    if n_levels == 2:
        nodes.extend(children("T", draw(st.integers(1, max_indicators))))
        nodes.append(Node(code="T", level=2, kind="aggregate"))
    else:
        n_pillars = draw(st.integers(1, 3))
        direct = draw(st.integers(0, 1))
        pw = draw(st.lists(positive_weights, min_size=n_pillars, max_size=n_pillars))
        for p in range(n_pillars):
            nodes.extend(children(f"P{p}", draw(st.integers(1, max_indicators))))
        if direct:
            nodes.extend(children("T", 1))
        for p in range(n_pillars):
            nodes.append(
                Node(code=f"P{p}", level=2, kind="aggregate", parent="T", weight=pw[p])
            )
        nodes.append(Node(code="T", level=3, kind="aggregate"))
    return Framework(nodes=nodes)


@st.composite
def indicator_matrices(
    draw: st.DrawFn,
    n_units: int,
    n_indicators: int,
    *,
    lo: float = -1000.0,
    hi: float = 1000.0,
    allow_nan: bool = True,
    integers: bool = False,
) -> np.ndarray:
    """Values in [lo, hi], NaN for missing, at least two distinct values a column.

    Every column keeps two distinct values so that no normalisation method
    meets a degenerate (constant) indicator.
    """
    assert n_units >= 2
    assert lo < hi
    if integers:
        elements = st.integers(int(np.ceil(lo)), int(np.floor(hi))).map(float)
    else:
        elements = st.floats(
            lo, hi, allow_nan=False, allow_infinity=False, allow_subnormal=False
        )
    x = draw(arrays(np.float64, (n_units, n_indicators), elements=elements))
    if allow_nan:
        mask = draw(arrays(np.bool_, (n_units, n_indicators)))
        x[mask] = np.nan
    for j in range(n_indicators):
        col = x[:, j]
        if np.unique(col[~np.isnan(col)]).size < 2:
            rows = draw(
                st.lists(
                    st.integers(0, n_units - 1), min_size=2, max_size=2, unique=True
                )
            )
            x[rows[0], j] = float(np.ceil(lo)) if integers else lo
            x[rows[1], j] = float(np.floor(hi)) if integers else hi
    return x


@st.composite
def indicator_sets(
    draw: st.DrawFn,
    *,
    framework: st.SearchStrategy[Framework] | None = None,
    min_units: int = 2,
    max_units: int = 8,
    lo: float = -1000.0,
    hi: float = 1000.0,
    allow_nan: bool = True,
    integers: bool = False,
) -> IndicatorSet:
    """An :class:`IndicatorSet` on a random framework with random data."""
    fw = draw(framework if framework is not None else frameworks())
    n = draw(st.integers(min_units, max_units))
    x = draw(
        indicator_matrices(
            n,
            len(fw.indicator_codes),
            lo=lo,
            hi=hi,
            allow_nan=allow_nan,
            integers=integers,
        )
    )
    return IndicatorSet(framework=fw, unit_codes=[f"u{i}" for i in range(n)], values=x)


# -- methodology steps --------------------------------------------------------------
finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)

normalise_steps = st.one_of(
    st.tuples(finite, finite)
    .filter(lambda t: t[0] < t[1])
    .map(lambda t: Normalise(method="min-max", params={"lower": t[0], "upper": t[1]})),
    st.tuples(finite, st.floats(0.01, 1e3)).map(
        lambda t: Normalise(method="z-score", params={"mean": t[0], "sd": t[1]})
    ),
    st.tuples(finite, finite, st.booleans())
    .filter(lambda t: t[0] < t[1])
    .map(
        lambda t: Normalise(
            method="goalposts",
            params={"lower": t[0], "upper": t[1], "clip": t[2]},
        )
    ),
    st.sampled_from(["rank", "percentile-rank", "distance-to-max", "none"]).map(
        lambda m: Normalise(method=m)
    ),
    st.tuples(st.one_of(st.none(), finite), st.booleans()).map(
        lambda t: Normalise(
            method="distance-to-target", params={"target": t[0], "cap": t[1]}
        )
    ),
)

level_rules = st.one_of(
    st.sampled_from(["arithmetic", "geometric", "harmonic", "minimum", "copeland"]).map(
        lambda m: LevelRule(method=m)
    ),
    st.floats(-5, 5, allow_nan=False).map(
        lambda p: LevelRule(method="generalised-mean", params={"p": p})
    ),
    st.sampled_from([-1, 1]).map(
        lambda p: LevelRule(method="mazziotta-pareto", params={"penalty": p})
    ),
)


@st.composite
def aggregate_steps(draw: st.DrawFn) -> Aggregate:
    """A random aggregation step: method, per-level rules, weights, min_data."""
    rule = draw(level_rules)
    levels = draw(st.dictionaries(st.integers(2, 4), level_rules, max_size=2))
    weights = draw(
        st.one_of(
            st.sampled_from(["framework", "equal"]),
            st.dictionaries(st.sampled_from(["a", "b", "T"]), positive_weights),
        )
    )
    return Aggregate(
        method=rule.method,
        params=rule.params,
        levels=levels,
        weights=weights,
        min_data=draw(st.floats(0, 1)),
    )


data_steps = {
    "denominate": st.just(Denominate()),
    "impute": st.one_of(
        st.sampled_from(["mean", "median"]).map(lambda m: Impute(method=m)),
        st.tuples(
            st.sampled_from(["group-mean", "group-median"]),
            st.text(min_size=1, max_size=12),
        ).map(lambda t: Impute(method=t[0], params={"group": t[1]})),
    ),
    "screen": st.tuples(st.floats(0, 1), st.sampled_from(["input", "raw"])).map(
        lambda t: Screen(params={"threshold": t[0], "basis": t[1]})
    ),
    "treat": st.one_of(
        st.just(Treat(method="none")),
        st.builds(
            lambda p, s, k, log: Treat(
                params={"points": p, "skew": s, "kurtosis": k, "log": log}
            ),
            st.integers(0, 20),
            st.floats(0.01, 10),
            st.floats(-10, 10),
            st.booleans(),
        ),
    ),
    "normalise": normalise_steps,
}


@st.composite
def methodologies(draw: st.DrawFn) -> Methodology:
    """A random valid methodology: a subset of data steps, then aggregation."""
    kinds = draw(st.lists(st.sampled_from(sorted(data_steps)), unique=True, max_size=5))
    steps = [draw(data_steps[k]) for k in kinds]
    if draw(st.booleans()):
        steps.append(draw(aggregate_steps()))
    text = st.text(max_size=20)
    return Methodology(
        id=draw(st.text(min_size=1, max_size=12).filter(str.strip)),
        version=draw(st.text(min_size=1, max_size=6).filter(str.strip)),
        title=draw(text),
        description=draw(text),
        steps=steps,
    )
