"""top_level and the methodology carried by the weight-robustness results."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
import pytest

from kampala import Methodology
from kampala.composite_result import MethodologyRef
from kampala.data import sample_portfolio
from kampala.errors import ParameterTypeError
from kampala.scorecard import Scorecard
from kampala.sensitivity import (
    TopLevel,
    one_at_a_time,
    rank_margins,
    smaa,
    top_level,
    topk_margins,
    weight_derivatives,
)

X = np.array([[0.9, 0.3, 0.5], [0.5, 0.6, 0.4], [0.2, 0.2, 0.9], [0.4, 0.7, 0.1]])
W0 = np.array([0.5, 0.3, 0.2])
REF = MethodologyRef(id="TEST", version="2", sha256="ab" * 32)

#: One call of each weight-robustness function on (X, W0), with extra keywords.
ANALYSES: dict[str, Callable[..., Any]] = {
    "smaa": lambda **kw: smaa(X, n=200, rng=0, **kw),
    "rank_margins": lambda **kw: rank_margins(X, W0, **kw),
    "topk_margins": lambda **kw: topk_margins(X, W0, 2, **kw),
    "weight_derivatives": lambda **kw: weight_derivatives(X, W0, **kw),
    "one_at_a_time": lambda **kw: one_at_a_time(X, W0, 0.2, **kw),
}


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return Methodology.default().run(sample_portfolio())


# -- top_level -------------------------------------------------------------------------
def test_top_level_carries_the_methodology(card: Scorecard) -> None:
    top = top_level(card)
    assert isinstance(top, TopLevel)
    assert isinstance(top.methodology, MethodologyRef)
    assert top.methodology == card.methodology
    assert top_level(card.result).methodology == card.result.methodology


def test_top_level_methodology_follows_a_variant(card: Scorecard) -> None:
    variant = attrs.evolve(Methodology.default(), version="1+test")
    other = variant.run(sample_portfolio())
    top = top_level(other)
    assert top.methodology == other.methodology
    assert top.methodology != card.methodology
    assert top.methodology.version == "1+test"


# -- every analysis --------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_methodology_defaults_to_none(name: str) -> None:
    res = ANALYSES[name]()
    assert res.methodology is None
    assert res.to_dict()["methodology"] is None


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_result_carries_the_methodology_given(name: str) -> None:
    res = ANALYSES[name](methodology=REF)
    assert res.methodology is REF
    out = res.to_dict()
    assert out["methodology"] == {"id": "TEST", "version": "2", "sha256": "ab" * 32}
    json.dumps(out)
    assert pickle.loads(pickle.dumps(res)).methodology == REF


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_methodology_does_not_change_the_numbers(name: str) -> None:
    plain = ANALYSES[name]()
    carried = ANALYSES[name](methodology=REF)
    assert carried == attrs.evolve(plain, methodology=REF)
    assert carried != plain


@pytest.mark.parametrize("name", sorted(ANALYSES))
@pytest.mark.parametrize(
    "bad", ["KPS 1", {"id": "KPS", "version": "1", "sha256": "0" * 64}, 1]
)
def test_wrong_methodology_type_is_rejected(name: str, bad: object) -> None:
    with pytest.raises(
        ParameterTypeError,
        match=rf"^{name}\(\): 'methodology' must be a MethodologyRef or None "
        r"\(got .*\)\. Pass the methodology",
    ) as info:
        ANALYSES[name](methodology=bad)
    assert info.value.field == "methodology"
    assert info.value.value == bad
    assert isinstance(info.value, TypeError)


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_a_methodology_is_not_a_reference(name: str) -> None:
    with pytest.raises(ParameterTypeError, match=r"the \.ref of a Methodology"):
        ANALYSES[name](methodology=Methodology.default())


def test_top_level_methodology_passes_through_every_analysis(card: Scorecard) -> None:
    top = top_level(card)
    kw: dict[str, Any] = {"labels": top.units, "methodology": top.methodology}
    results = [
        smaa(top.X, n=200, rng=0, **kw),
        rank_margins(top.X, top.weights, **kw),
        topk_margins(top.X, top.weights, 1, **kw),
        weight_derivatives(top.X, top.weights, **kw),
        one_at_a_time(top.X, top.weights, 0.5, **kw),
    ]
    for res in results:
        assert res.methodology == card.methodology
        assert res.to_dict()["methodology"] == attrs.asdict(card.methodology)
