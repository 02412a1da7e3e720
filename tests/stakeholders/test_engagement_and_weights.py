"""Engagement indicators by hand; whose view counts in an uncertainty analysis."""

from __future__ import annotations

import numpy as np
import pytest

from kampala.data import sample_portfolio, sample_responses
from kampala.errors import ParameterValueError
from kampala.methodology import kps1
from kampala.sensitivity import UncertaintySpec, WeightNoise, uncertainty_analysis
from kampala.stakeholders import (
    DONT_KNOW,
    NOT_ANSWERED,
    Responses,
    combine,
    engagement_indicators,
    group_weight_choice,
    questionnaire,
)

Q = questionnaire()


def test_engagement_counts_each_respondent_once() -> None:
    j = Q.codes.index("e_national_dialogue")
    a = np.full((5, len(Q)), NOT_ANSWERED, dtype=np.int16)
    a[:, j] = [1, 0, 0, DONT_KNOW, 0]  # A: yes then no; B: no; C: don't know; D: no
    r = Responses(
        questionnaire=Q,
        respondent=["A", "A", "B", "C", "D"],
        group=["civil-society"] * 4 + ["government"],
        partnership=["P1", "P2", "P1", "P1", "P1"],
        answers=a,
    )
    rows = {(e["group"], e["indicator"]): e for e in engagement_indicators(r)}
    cso = rows[("civil-society", "E.national_dialogue")]
    assert (cso["respondents"], cso["engaged"], cso["unknown"]) == (2, 1, 1)
    assert cso["share"] == 0.5
    assert rows[("government", "E.national_dialogue")]["share"] == 0.0
    assert rows[("trade-union", "E.national_dialogue")]["share"] is None
    assert ("development-partner", "E.by_development_partners") not in rows


def test_group_weights_vary_in_an_uncertainty_analysis() -> None:
    ev = combine(sample_responses(), sample_portfolio())
    equal = dict.fromkeys(ev.groups, 1.0)
    factor = group_weight_choice(
        ev,
        {
            "equal": equal,
            "government only": {"government": 1.0},
            "civil society only": {"civil-society": 1.0},
        },
    )
    spec = UncertaintySpec(factors=[factor, WeightNoise(levels=2, spread=0.1)])
    res = uncertainty_analysis(kps1(), ev.portfolio(), spec, n=64, rng=3)
    assert res.discrete_labels[0] == ("equal", "government only", "civil society only")
    # option 1 scores the government's view; with nominal weights it is its card
    gov = ev.reweighted({"government": 1.0}).scorecard().score()
    cso = ev.reweighted({"civil-society": 1.0}).scorecard().score()
    assert not np.allclose(gov, cso, equal_nan=True)
    again = uncertainty_analysis(kps1(), ev.portfolio(), spec, n=64, rng=3)
    assert np.array_equal(res.scores, again.scores, equal_nan=True)
    with pytest.raises(ParameterValueError, match=r"'weightings' must be at least two"):
        group_weight_choice(ev, {"equal": equal})
