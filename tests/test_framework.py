from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import Framework, FrameworkError, Node
from tests.strategies import frameworks, positive_weights


def ind(code: str, parent: str | None = "T", **kw: object) -> Node:
    return Node(code=code, parent=parent, **kw)  # type: ignore[arg-type]


def agg(code: str, level: int = 2, parent: str | None = None, **kw: object) -> Node:
    return Node(code=code, level=level, parent=parent, kind="aggregate", **kw)  # type: ignore[arg-type]


@pytest.fixture
def fw3() -> Framework:
    return Framework(
        nodes=[
            ind("a", "P", weight=1),
            ind("b", "P", weight=3),
            ind("c", "Q", weight=2, direction=-1),
            agg("P", 2, "T", weight=1),
            agg("Q", 2, "T", weight=1),
            agg("T", 3),
        ]
    )


# -- a valid framework --------------------------------------------------------------
def test_structure(fw3: Framework) -> None:
    assert fw3.indicator_codes == ("a", "b", "c")
    assert fw3.aggregate_codes == ("P", "Q", "T")
    assert fw3.root == "T"
    assert fw3.levels == (2, 3)
    assert fw3.children("P") == ("a", "b")
    assert fw3.children("a") == ()
    assert fw3.indicators_under("T") == ("a", "b", "c")
    assert fw3.indicators_under("b") == ("b",)
    assert "a" in fw3
    assert "zz" not in fw3
    assert fw3.directions.tolist() == [1.0, 1.0, -1.0]


def test_aggregates_listed_lowest_level_first() -> None:
    fw = Framework(nodes=[ind("a", "P"), agg("T", 3), ind("b", "P"), agg("P", 2, "T")])
    assert fw.aggregate_codes == ("P", "T")
    assert fw.indicator_codes == ("a", "b")


def test_effective_weights_hand_computed(fw3: Framework) -> None:
    # a: 1/4 * 1/2, b: 3/4 * 1/2, c: 1 * 1/2
    np.testing.assert_allclose(fw3.effective_weights(), [0.125, 0.375, 0.5])
    assert fw3.normalised_weight("b") == 0.75
    assert fw3.normalised_weight("T") == 1.0


def test_arrays_are_read_only(fw3: Framework) -> None:
    with pytest.raises(ValueError, match="read-only"):
        fw3.effective_weights()[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        fw3.directions[0] = 1.0


def test_node_defaults_and_conversion() -> None:
    n = Node(code="x", level=1.0, weight=2, direction=-1.0)  # type: ignore[arg-type]
    assert n.name == "x"
    assert type(n.level) is int
    assert type(n.weight) is float
    assert type(n.direction) is int
    assert n.kind == "indicator"
    assert n.target is None


def test_indicator_only_framework_has_no_root() -> None:
    fw = Framework(nodes=[Node(code="x"), Node(code="y")])
    assert fw.root is None
    assert fw.aggregate_codes == ()
    assert fw.levels == ()


def test_with_weights_and_equal_weights(fw3: Framework) -> None:
    fw = fw3.with_weights({"b": 1.0})
    assert fw.node("b").weight == 1.0
    assert fw.node("a").weight == 1.0
    assert fw3.node("b").weight == 3.0  # the original is unchanged
    eq = fw3.with_equal_weights()
    assert all(n.weight == 1.0 for n in eq.nodes)
    with pytest.raises(FrameworkError, match="'code' must be the code of a node"):
        fw3.with_weights({"nope": 1.0})
    with pytest.raises(FrameworkError, match="'weight' must be a finite number >= 0"):
        fw3.with_weights({"a": -1.0})


def test_records_round_trip(fw3: Framework) -> None:
    assert Framework.from_records(fw3.to_records()) == fw3
    assert hash(Framework.from_records(fw3.to_records())) == hash(fw3)


def test_from_records_rejects_unknown_field() -> None:
    with pytest.raises(
        FrameworkError, match="'record' must be a mapping of Node fields"
    ):
        Framework.from_records([{"code": "a", "colour": "red"}])


def test_subset(fw3: Framework) -> None:
    sub = fw3.subset(["a", "b"])
    assert sub.indicator_codes == ("a", "b")
    assert sub.aggregate_codes == ("P", "T")
    with pytest.raises(FrameworkError, match="'indicators' must be indicator codes"):
        fw3.subset(["P"])


def test_node_lookup_error(fw3: Framework) -> None:
    with pytest.raises(
        FrameworkError,
        match=r"Framework.node\(\): 'code' must be the code of a node in the "
        r"framework \(got 'zz'\)",
    ):
        fw3.node("zz")


# -- errors (messages are API) ------------------------------------------------------
def test_cycle_is_reported_by_the_level_rule() -> None:
    # P -> Q -> P: levels strictly increase towards the root, so a cycle always
    # has a child that is not below its parent, which is reported first.
    with pytest.raises(
        FrameworkError,
        match=r"node 'Q': 'level' must be below its parent 'P' \(level 2\) \(got 3\)",
    ):
        Framework(nodes=[ind("a", "P"), agg("P", 2, "Q"), agg("Q", 3, "P")])


def test_self_parent_is_rejected() -> None:
    with pytest.raises(
        FrameworkError, match=r"node 'P': 'level' must be below its parent 'P'"
    ):
        Framework(nodes=[ind("a", "P"), agg("P", 2, "P")])


def test_orphan() -> None:
    with pytest.raises(
        FrameworkError,
        match=r"node 'z': 'parent' must be set: it is an orphan outside the tree "
        r"rooted at 'T' \(got None\)",
    ):
        Framework(nodes=[ind("a"), ind("z", None), agg("T")])


def test_unknown_parent() -> None:
    with pytest.raises(
        FrameworkError,
        match=r"node 'a': 'parent' must be the code of an aggregate in the framework "
        r"\(got 'X'\)\. Known aggregates: \['T'\]\.",
    ):
        Framework(nodes=[ind("a", "X"), ind("b"), agg("T")])


def test_parent_that_is_an_indicator() -> None:
    with pytest.raises(
        FrameworkError,
        match=r"node 'b': 'parent' must be an aggregate, not an indicator \(got 'a'\)",
    ):
        Framework(nodes=[ind("a"), ind("b", "a"), agg("T")])


def test_duplicate_codes() -> None:
    with pytest.raises(
        FrameworkError,
        match=r"node 'a': 'code' must be unique within the framework \(got 'a'\)",
    ):
        Framework(nodes=[ind("a"), ind("a"), agg("T")])


@pytest.mark.parametrize("weight", [-1.0, -1e-300, float("nan"), float("inf")])
def test_negative_or_non_finite_weight(weight: float) -> None:
    with pytest.raises(
        FrameworkError, match=r"node 'a': 'weight' must be a finite number >= 0"
    ):
        ind("a", weight=weight)


def test_non_positive_sibling_weight_sum() -> None:
    with pytest.raises(
        FrameworkError,
        match=r"aggregate 'T': 'weights of its children' must be a positive sum "
        r"\(got 0\.0\)",
    ):
        Framework(nodes=[ind("a", weight=0), ind("b", weight=0), agg("T")])


def test_aggregate_without_children() -> None:
    with pytest.raises(
        FrameworkError,
        match=r"aggregate 'Q': 'children' must be at least one child node \(got \(\)\)",
    ):
        Framework(
            nodes=[ind("a", "P"), agg("P", 2, "T"), agg("Q", 2, "T"), agg("T", 3)]
        )


def test_several_roots() -> None:
    with pytest.raises(
        FrameworkError,
        match=r"Framework\(\): 'root' must be a single aggregate without a parent "
        r"\(got \('P', 'Q'\)\)",
    ):
        Framework(nodes=[ind("a", "P"), ind("b", "Q"), agg("P"), agg("Q")])


def test_indicator_above_level_one() -> None:
    with pytest.raises(
        FrameworkError, match=r"indicator 'a': 'level' must be 1 \(indicators are"
    ):
        Framework(nodes=[Node(code="a", level=2, parent="T"), agg("T", 3)])


def test_no_indicator() -> None:
    with pytest.raises(FrameworkError, match=r"'nodes' must be at least one indicator"):
        Framework(nodes=[])


def test_nodes_must_be_nodes() -> None:
    with pytest.raises(
        FrameworkError, match=r"'nodes' must be a sequence of Node objects"
    ):
        Framework(nodes=[{"code": "a"}])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"code": ""}, r"Node\(\): 'code' must be a non-empty string"),
        ({"code": " a"}, r"Node\(\): 'code' must be a non-empty string without"),
        (
            {"code": "a", "direction": 0},
            r"'direction' must be \+1 \(higher is better\)",
        ),
        ({"code": "a", "direction": True}, r"'direction' must be \+1"),
        ({"code": "a", "level": 0}, r"node 'a': 'level' must be an integer >= 1"),
        ({"code": "a", "level": 1.5}, r"'level' must be an integer >= 1"),
        ({"code": "a", "target": float("nan")}, r"'target' must be a finite number"),
        ({"code": "a", "scale_factor": "2"}, r"'scale_factor' must be a finite number"),
        (
            {"code": "a", "scale_factor": 0},
            r"'scale_factor' must be a finite number > 0",
        ),
        ({"code": "a", "scale_factor": -1000}, r"'scale_factor' must be .* > 0"),
        ({"code": "a", "scale_factor": float("inf")}, r"'scale_factor' must be"),
    ],
)
def test_node_field_errors(kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(FrameworkError, match=match):
        Node(**kwargs)  # type: ignore[arg-type]


def test_framework_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unique within the framework"):
        Framework(nodes=[ind("a"), ind("a"), agg("T")])


def test_error_keeps_its_parts_and_pickles() -> None:
    with pytest.raises(FrameworkError) as info:
        Framework(nodes=[ind("a", "X"), agg("T")])
    err = info.value
    assert (err.where, err.field, err.value) == ("node 'a'", "parent", "X")
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err)
    assert (again.where, again.field, again.value, again.expected, again.hint) == (
        err.where,
        err.field,
        err.value,
        err.expected,
        err.hint,
    )


# -- properties ------------------------------------------------------------------------
@given(frameworks())
def test_effective_weights_sum_to_one(fw: Framework) -> None:
    w = fw.effective_weights()
    assert w.shape == (len(fw.indicator_codes),)
    assert (w > 0).all()
    assert abs(w.sum() - 1.0) < 1e-12


@given(frameworks(zero_weights=True), positive_weights)
def test_scaling_sibling_weights_keeps_normalised_weights(
    fw: Framework, c: float
) -> None:
    scaled = fw.with_weights({n.code: n.weight * c for n in fw.nodes})
    np.testing.assert_allclose(
        scaled.effective_weights(), fw.effective_weights(), rtol=1e-12, atol=1e-15
    )


@given(frameworks(), st.randoms(use_true_random=False))
def test_node_order_of_aggregates_does_not_matter(fw: Framework, rnd: object) -> None:
    aggs = [n for n in fw.nodes if n.kind == "aggregate"]
    inds = [n for n in fw.nodes if n.kind == "indicator"]
    rnd.shuffle(aggs)  # type: ignore[attr-defined]
    shuffled = Framework(nodes=aggs + inds)
    assert shuffled.indicator_codes == fw.indicator_codes
    assert set(shuffled.aggregate_codes) == set(fw.aggregate_codes)
    assert shuffled.root == fw.root
    assert [fw.node(c).level for c in shuffled.aggregate_codes] == sorted(
        fw.node(c).level for c in shuffled.aggregate_codes
    )
