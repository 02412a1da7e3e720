from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import (
    Aggregate,
    Framework,
    LevelRule,
    Node,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.composite.aggregate import aggregate_values
from tests.strategies import MEAN_METHODS, frameworks, indicator_matrices

nan = math.nan


def flat(weights: Sequence[float]) -> Framework:
    """Children c0, c1, ... under a single root T."""
    nodes = [Node(code=f"c{i}", parent="T", weight=w) for i, w in enumerate(weights)]
    return Framework(nodes=[*nodes, Node(code="T", level=2, kind="aggregate")])


def agg(
    rows: Sequence[Sequence[float]],
    weights: Sequence[float],
    method: str = "arithmetic",
    params: Mapping[str, Any] | None = None,
    **kw: Any,
) -> np.ndarray:
    fw = flat(weights)
    out = Aggregate(method=method, params=params, **kw).apply(
        fw, np.array(rows, dtype=float), tuple(f"u{i}" for i in range(len(rows)))
    )
    assert out.codes == ("T",)
    return out.scores[:, 0]


X = [1.0, 4.0, 16.0]
W = [1.0, 1.0, 2.0]  # normalised: 1/4, 1/4, 1/2


def close(got: float | np.ndarray, expected: float | Sequence[float]) -> None:
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-13)


# -- hand-computed cases -------------------------------------------------------------
def test_arithmetic() -> None:
    close(agg([X], W, "arithmetic"), [0.25 * 1 + 0.25 * 4 + 0.5 * 16])  # 9.25


def test_geometric() -> None:
    close(agg([X], W, "geometric"), [4 * math.sqrt(2)])  # 1^.25 4^.25 16^.5


def test_harmonic() -> None:
    close(agg([X], W, "harmonic"), [32 / 11])  # 1 / (.25 + .0625 + .03125)


def test_generalised_mean_p_half() -> None:
    close(agg([X], W, "generalised-mean", {"p": 0.5}), [(0.25 + 0.5 + 2) ** 2])


def test_generalised_mean_p_two() -> None:
    close(agg([X], W, "generalised-mean", {"p": 2}), [11.5])  # sqrt(.25 + 4 + 128)


def test_generalised_mean_p_zero_is_geometric() -> None:
    close(agg([X], W, "generalised-mean", {"p": 0}), agg([X], W, "geometric"))


def test_generalised_mean_p_minus_one_is_harmonic() -> None:
    close(agg([X], W, "generalised-mean", {"p": -1}), [32 / 11])


def test_generalised_mean_p_one_is_arithmetic() -> None:
    close(agg([X], W, "generalised-mean", {"p": 1}), [9.25])


@pytest.mark.parametrize("p", [1e-12, 1e-300, -1e-300])
def test_generalised_mean_tiny_p_tends_to_geometric(p: float) -> None:
    # the power mean is continuous in p: M_p -> M_0 (geometric) as p -> 0
    x = [[5.0, 8.0, 10.0]]
    np.testing.assert_allclose(
        agg(x, [1, 1, 1], "generalised-mean", {"p": p}),
        agg(x, [1, 1, 1], "geometric"),
        rtol=1e-9,
    )


def test_generalised_mean_accepts_zero_refuses_negative_values() -> None:
    # values must be >= 0 for every p (a negative value has no real power)
    close(
        agg([[0.0, 0.0, 4.0]], [1, 1, 2], "generalised-mean", {"p": 2}),
        [math.sqrt(8.0)],
    )
    with pytest.raises(ParameterValueError, match=r"'c0' must be >= 0"):
        agg([[-3.0, 0.0, 4.0]], [1, 1, 2], "generalised-mean", {"p": 2})


def test_minimum_ignores_zero_weight_children() -> None:
    close(agg([X], W, "minimum"), [1.0])
    close(agg([[0.0, 4.0, 16.0]], [0.0, 1.0, 1.0], "minimum"), [4.0])


def test_mazziotta_pareto_penalties() -> None:
    m = 9.25
    var = 0.25 * (1 - m) ** 2 + 0.25 * (4 - m) ** 2 + 0.5 * (16 - m) ** 2  # 46.6875
    close(agg([X], W, "mazziotta-pareto"), [m - var / m])
    close(agg([X], W, "mazziotta-pareto", {"penalty": -1}), [m - var / m])
    close(agg([X], W, "mazziotta-pareto", {"penalty": 1}), [m + var / m])


def test_mazziotta_pareto_balanced_children_is_the_mean() -> None:
    close(agg([[5.0, 5.0, 5.0]], W, "mazziotta-pareto"), [5.0])


def test_copeland_wins_minus_losses() -> None:
    rows = [
        [1.0, 2.0, 3.0],  # A
        [2.0, 1.0, 1.0],  # B
        [0.0, 0.0, 5.0],  # C
        [0.0, 0.0, 0.0],  # D
    ]
    # weights 1/4, 1/4, 1/2. A beats B (3/4 vs 1/4), ties C (1/2 vs 1/2),
    # beats D; B ties C, beats D; C beats D (1/2 vs 0, two draws).
    close(agg(rows, W, "copeland"), [2, 0, 1, -3])


def test_copeland_compares_pairs_on_shared_children() -> None:
    rows = [[1.0, nan], [0.0, 5.0], [nan, nan]]
    # u0 vs u1 only on c0 (u0 wins); u2 has no data at all
    close(agg(rows, [1, 1], "copeland")[:2], [1, -1])
    assert math.isnan(agg(rows, [1, 1], "copeland")[2])


# -- missing values ------------------------------------------------------------------
def test_missing_children_renormalise_weights() -> None:
    row = [nan, 4.0, 16.0]
    close(agg([row], W, "arithmetic"), [(0.25 * 4 + 0.5 * 16) / 0.75])  # 12
    close(agg([row], W, "geometric"), [2 ** (10 / 3)])
    close(agg([row], W, "harmonic"), [0.75 / (0.25 / 4 + 0.5 / 16)])
    close(
        agg([row], W, "generalised-mean", {"p": 2}),
        [math.sqrt((0.25 * 16 + 0.5 * 256) / 0.75)],
    )
    close(agg([row], W, "minimum"), [4.0])
    m = 12.0
    var = (0.25 * (4 - m) ** 2 + 0.5 * (16 - m) ** 2) / 0.75
    close(agg([row], W, "mazziotta-pareto"), [m - var / m])


@pytest.mark.parametrize(
    "method", ["arithmetic", "geometric", "harmonic", "minimum", "mazziotta-pareto"]
)
def test_all_children_missing_gives_missing(method: str) -> None:
    assert math.isnan(agg([[nan, nan, nan], X], W, method)[0])


def test_min_coverage_threshold() -> None:
    # weights 1/4, 1/4, 1/2: the share of weight present
    rows = [[nan, 4.0, 16.0], [1.0, 4.0, nan], X]  # coverage 3/4, 1/2, 1
    out = agg(rows, W, min_coverage=0.75)
    close(out[[0, 2]], [12.0, 9.25])
    assert math.isnan(out[1])
    out = agg(rows, W, "minimum", min_coverage=0.75)
    close(out[[0, 2]], [4.0, 1.0])
    assert math.isnan(out[1])
    # by count both first rows have 2 of 3 children
    assert not np.isnan(agg(rows, W, min_data=0.6)).any()


def test_min_data_threshold() -> None:
    rows = [[nan, 4.0, 16.0], X, [nan, nan, 16.0]]
    # shares present: 2/3, 1, 1/3
    close(agg(rows, W, min_data=2 / 3)[:2], [12.0, 9.25])
    assert math.isnan(agg(rows, W, min_data=2 / 3)[2])
    out = agg(rows, W, min_data=0.7)
    assert math.isnan(out[0])
    assert math.isnan(out[2])
    close(out[1], 9.25)
    # the default accepts a single value
    close(agg(rows, W)[2], 16.0)


# -- the tree ------------------------------------------------------------------------
@pytest.fixture
def tree() -> Framework:
    return Framework(
        nodes=[
            Node(code="a", parent="P"),
            Node(code="b", parent="P", weight=3),
            Node(code="c", parent="Q"),
            Node(code="d", parent="T", weight=2),  # an indicator right under the root
            Node(code="P", level=2, kind="aggregate", parent="T"),
            Node(code="Q", level=2, kind="aggregate", parent="T"),
            Node(code="T", level=3, kind="aggregate"),
        ]
    )


def test_levels_by_hand(tree: Framework) -> None:
    x = np.array([[4.0, 8.0, 2.0, 1.0]])
    out = Aggregate().apply(tree, x, ("u",))
    assert out.codes == ("P", "Q", "T")
    p = 0.25 * 4 + 0.75 * 8  # 7
    q = 2.0
    t = (p + q + 2 * 1.0) / 4
    close(out.scores[0], [p, q, t])
    geo = Aggregate(levels={3: "geometric"}).apply(tree, x, ("u",))
    close(geo.scores[0], [p, q, (p * q * 1.0**2) ** (1 / 4)])
    assert geo.rules[2].method == "arithmetic"
    assert geo.rules[3].method == "geometric"


def test_equal_and_mapped_weights(tree: Framework) -> None:
    x = np.array([[4.0, 8.0, 2.0, 1.0]])
    eq = Aggregate(weights="equal").apply(tree, x, ("u",)).scores[0]
    close(eq, [6.0, 2.0, (6 + 2 + 1) / 3])
    mapped = Aggregate(weights={"b": 1.0, "d": 0.0}).apply(tree, x, ("u",)).scores[0]
    close(mapped, [6.0, 2.0, 4.0])


def test_aggregate_values_function(tree: Framework) -> None:
    x = np.array([[4.0, 8.0, 2.0, 1.0]])
    rules = {2: LevelRule(method="minimum"), 3: LevelRule(method="arithmetic")}
    close(aggregate_values(tree, x, rules)[0], [4.0, 2.0, (4 + 2 + 2) / 4])


def test_scores_are_read_only(tree: Framework) -> None:
    out = Aggregate().apply(tree, np.ones((1, 4)), ("u",))
    with pytest.raises(ValueError, match="read-only"):
        out.scores[0, 0] = 0.0


def test_to_dict() -> None:
    step = Aggregate(
        method="generalised-mean",
        params={"p": 2},
        levels={3: "geometric", 2: {"method": "mazziotta-pareto"}},
        weights={"a": 2},
        min_data=0.5,
    )
    assert step.to_dict() == {
        "step": "aggregate",
        "method": "generalised-mean",
        "params": {"p": 2.0},
        "levels": {
            "2": {"method": "mazziotta-pareto", "params": {"penalty": -1}},
            "3": {"method": "geometric", "params": {}},
        },
        "weights": {"a": 2.0},
        "min_data": 0.5,
        "min_coverage": 0.0,
    }


# -- errors (messages are API) -------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("geometric", None),
        ("harmonic", None),
        ("generalised-mean", {"p": 0.5}),
        ("generalised-mean", {"p": -2}),
        ("generalised-mean", {"p": 2}),
    ],
)
def test_means_that_need_non_negative_values(method: str, params: Any) -> None:
    with pytest.raises(
        ParameterValueError,
        match=rf"aggregate 'T': 'c1' must be >= 0 for the {method} mean "
        r"\(unit 'u1'\) \(got -1\.0\)\. Normalise to a non-negative range first, "
        r"e\.g\. min-max:1,100\.",
    ):
        agg([X, [1.0, -1.0, 2.0]], W, method, params)


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("geometric", None, 0.0),
        ("harmonic", None, 0.0),
        ("generalised-mean", {"p": -1}, 0.0),
        ("generalised-mean", {"p": 0}, 0.0),
        ("generalised-mean", {"p": 0.5}, (0.25 * 1 + 0.5 * 4) ** 2),
    ],
)
def test_a_zero_child_takes_the_limit(
    method: str, params: Any, expected: float
) -> None:
    # the mean as that child tends to 0: 0 for p <= 0
    close(agg([[1.0, 0.0, 16.0]], W, method, params), [expected])


@pytest.mark.parametrize("method", ["geometric", "harmonic"])
def test_a_zero_child_without_weight_is_ignored(method: str) -> None:
    close(
        agg([[0.0, 4.0, 16.0]], [0.0, 1.0, 1.0], method),
        agg([[4.0, 16.0]], [1, 1], method),
    )


def test_mazziotta_pareto_needs_a_positive_mean() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"aggregate 'T': 'mean of children' must be > 0 for the "
        r"Mazziotta-Pareto index \(unit 'u0'\)",
    ):
        agg([[-1.0, 0.0, 0.0]], W, "mazziotta-pareto")


def test_unknown_method() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"Aggregate\(\): 'method' must be one of 'arithmetic', 'geometric', "
        r".*'copeland' \(got 'median'\)",
    ):
        Aggregate(method="median")


def test_bad_parameters() -> None:
    with pytest.raises(
        ParameterValueError, match=r"'p' must be given for method 'generalised-mean'"
    ):
        Aggregate(method="generalised-mean")
    with pytest.raises(
        ParameterValueError,
        match=r"'penalty' must be -1 \(penalise imbalance\) or \+1 \(got 0\)",
    ):
        Aggregate(method="mazziotta-pareto", params={"penalty": 0})
    with pytest.raises(
        ParameterValueError, match=r"LevelRule\(\): 'method' must be one of"
    ):
        Aggregate(levels={2: "median"})
    with pytest.raises(
        ParameterValueError, match=r"'min_data' must be between 0 and 1 \(got 1.5\)"
    ):
        Aggregate(min_data=1.5)
    with pytest.raises(
        ParameterValueError,
        match=r"'min_coverage' must be between 0 and 1 \(got -0.1\)",
    ):
        Aggregate(min_coverage=-0.1)
    with pytest.raises(ParameterValueError, match=r"'weights' must be \"framework\""):
        Aggregate(weights="nominal")
    with pytest.raises(ParameterTypeError, match=r"'weights' must be \"framework\""):
        Aggregate(weights=[1, 2])  # type: ignore[arg-type]


def test_level_not_in_framework(tree: Framework) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"'levels' must be one of the framework's aggregate levels \[2, 3\] "
        r"\(got 4\)",
    ):
        Aggregate(levels={4: "geometric"}).apply(tree, np.ones((1, 4)), ("u",))


def test_framework_without_aggregates() -> None:
    fw = Framework(nodes=[Node(code="x")])
    with pytest.raises(
        ParameterValueError,
        match=r"'framework' must be a framework with at least one aggregate",
    ):
        Aggregate().apply(fw, np.ones((1, 1)), ("u",))


# -- properties ---------------------------------------------------------------------
@st.composite
def bounded_rows(
    draw: st.DrawFn, positive: bool
) -> tuple[np.ndarray, np.ndarray, float, float]:
    a = draw(st.floats(0.001 if positive else -1000, 1000, allow_nan=False))
    b = draw(st.floats(a, 1000, allow_nan=False))
    k = draw(st.integers(1, 6))
    n = draw(st.integers(1, 6))
    w = np.array(draw(st.lists(st.floats(0.01, 100), min_size=k, max_size=k)))
    x = draw(
        st.lists(
            st.lists(st.floats(a, b, allow_nan=False), min_size=k, max_size=k),
            min_size=n,
            max_size=n,
        )
    )
    x = np.array(x)
    mask = np.array(
        draw(st.lists(st.booleans(), min_size=n * k, max_size=n * k))
    ).reshape(n, k)
    x[mask] = np.nan
    return x, w, a, b


# |p| >= 0.1 here; tiny p has its own test (test_generalised_mean_tiny_p)
powers = st.one_of(st.just(0.0), st.floats(0.1, 4), st.floats(-4, -0.1))
method_params = st.one_of(
    st.sampled_from([(m, {}) for m in MEAN_METHODS if m != "generalised-mean"]),
    powers.map(lambda p: ("generalised-mean", {"p": p})),
)


@given(bounded_rows(positive=True), method_params)
def test_means_lie_between_smallest_and_largest_child(
    case: tuple[np.ndarray, np.ndarray, float, float], mp: tuple[str, dict[str, float]]
) -> None:
    x, w, a, b = case
    out = agg(x, w, mp[0], mp[1])
    present = ~np.isnan(x).all(axis=1)
    assert np.array_equal(np.isnan(out), ~present)
    slack = 1e-9 * max(1.0, abs(a), abs(b))
    assert (out[present] >= a - slack).all()
    assert (out[present] <= b + slack).all()
    # and between the unit's own smallest and largest child
    assert (out[present] >= np.nanmin(x[present], axis=1) - slack).all()
    assert (out[present] <= np.nanmax(x[present], axis=1) + slack).all()


@given(bounded_rows(positive=False), st.sampled_from(["arithmetic", "minimum"]))
def test_sign_free_means_stay_in_range(
    case: tuple[np.ndarray, np.ndarray, float, float], method: str
) -> None:
    x, w, a, b = case
    out = agg(x, w, method)
    present = ~np.isnan(out)
    slack = 1e-9 * max(1.0, abs(a), abs(b))
    assert (out[present] >= a - slack).all()
    assert (out[present] <= b + slack).all()


@given(bounded_rows(positive=True))
def test_mean_inequality(case: tuple[np.ndarray, np.ndarray, float, float]) -> None:
    x, w, _, b = case
    mn, hm, gm, am = (
        agg(x, w, m) for m in ("minimum", "harmonic", "geometric", "arithmetic")
    )
    ok = ~np.isnan(am)
    slack = 1e-9 * max(1.0, b)
    assert (mn[ok] <= hm[ok] + slack).all()
    assert (hm[ok] <= gm[ok] + slack).all()
    assert (gm[ok] <= am[ok] + slack).all()


@given(bounded_rows(positive=True))
def test_power_mean_special_cases(
    case: tuple[np.ndarray, np.ndarray, float, float],
) -> None:
    x, w, _, _ = case
    np.testing.assert_allclose(
        agg(x, w, "generalised-mean", {"p": 1}), agg(x, w, "arithmetic"), rtol=1e-12
    )
    np.testing.assert_allclose(
        agg(x, w, "generalised-mean", {"p": 0}), agg(x, w, "geometric"), rtol=1e-12
    )
    np.testing.assert_allclose(
        agg(x, w, "generalised-mean", {"p": -1}), agg(x, w, "harmonic"), rtol=1e-12
    )


all_methods = st.one_of(
    st.sampled_from(
        [
            (m, {})
            for m in ("arithmetic", "geometric", "harmonic", "minimum", "copeland")
        ]
    ),
    st.sampled_from([("generalised-mean", {"p": 0.5}), ("generalised-mean", {"p": 2})]),
    # penalty +1 only: M - var/M can turn negative below the root, and a
    # negative mean is (rightly) refused at the next Mazziotta-Pareto level
    st.just(("mazziotta-pareto", {"penalty": 1})),
)


@st.composite
def tree_cases(draw: st.DrawFn) -> tuple[Framework, np.ndarray]:
    fw = draw(frameworks(zero_weights=True))
    n = draw(st.integers(2, 7))
    x = draw(indicator_matrices(n, len(fw.indicator_codes), lo=1.0, hi=100.0))
    return fw, x


@given(tree_cases(), all_methods, st.floats(0.01, 100, allow_nan=False))
def test_scaling_all_sibling_weights_changes_nothing(
    case: tuple[Framework, np.ndarray], mp: tuple[str, dict[str, float]], c: float
) -> None:
    fw, x = case
    units = tuple(f"u{i}" for i in range(x.shape[0]))
    scaled = fw.with_weights({n.code: n.weight * c for n in fw.nodes})
    step = Aggregate(method=mp[0], params=mp[1])
    np.testing.assert_allclose(
        step.apply(scaled, x, units).scores,
        step.apply(fw, x, units).scores,
        rtol=1e-9,
        atol=1e-9,
    )


@given(tree_cases(), all_methods, st.randoms(use_true_random=False))
def test_permuting_units_permutes_scores(
    case: tuple[Framework, np.ndarray], mp: tuple[str, dict[str, float]], rnd: Any
) -> None:
    fw, x = case
    perm = list(range(x.shape[0]))
    rnd.shuffle(perm)
    units = tuple(f"u{i}" for i in range(x.shape[0]))
    step = Aggregate(method=mp[0], params=mp[1])
    np.testing.assert_allclose(
        step.apply(fw, x[perm], tuple(units[i] for i in perm)).scores,
        step.apply(fw, x, units).scores[perm],
        rtol=1e-12,
        atol=1e-12,
    )


@given(tree_cases())
def test_copeland_scores_sum_to_zero_without_missing_values(
    case: tuple[Framework, np.ndarray],
) -> None:
    fw, x = case
    x = np.where(np.isnan(x), 50.0, x)
    out = Aggregate(method="copeland").apply(
        fw, x, tuple(str(i) for i in range(len(x)))
    )
    n = x.shape[0]
    assert (np.abs(out.scores) <= n - 1).all()
    np.testing.assert_allclose(out.scores.sum(axis=0), 0.0, atol=1e-12)


@pytest.mark.parametrize("p", [-200.0, 200.0, 1000.0])
def test_power_mean_scales_each_aggregate_by_its_own_children(p: float) -> None:
    # pillars of very different size on one level: a scale shared by the level
    # made (1 / 99) ** 200 underflow and pillar A score 0 (or NaN for p < 0)
    fw = Framework(
        nodes=[
            Node(code="a", parent="A"),
            Node(code="b", parent="A"),
            Node(code="c", parent="B"),
            Node(code="d", parent="B"),
            Node(code="A", level=2, kind="aggregate", parent="R"),
            Node(code="B", level=2, kind="aggregate", parent="R"),
            Node(code="R", level=3, kind="aggregate"),
        ]
    )
    x = np.array([[1.0, 2.0, 90.0, 99.0]])
    step = Aggregate(method="generalised-mean", params={"p": p})
    a, b, r = step.apply(fw, x, ("u",)).scores[0]

    def power_mean(*xs: float) -> float:
        ld = np.array(xs, dtype=np.longdouble)  # 99.0**1000 fits in long double
        return float(np.mean(ld**p) ** (1 / np.longdouble(p)))

    close([a, b], [power_mean(1.0, 2.0), power_mean(90.0, 99.0)])
    close(r, power_mean(a, b))
