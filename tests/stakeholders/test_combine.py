"""Answers to evidence: properties of the rule, the groups and the scorecards."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampala.data import sample_portfolio, sample_responses
from kampala.errors import ParameterValueError
from kampala.methodology import kps1
from kampala.stakeholders import (
    DONT_KNOW,
    NOT_ANSWERED,
    STAKEHOLDER_GROUPS,
    CombinationRule,
    Questionnaire,
    Responses,
    combine,
    distribution_level,
    divergence,
    questionnaire,
)

Q = questionnaire()
PF = sample_portfolio()
IDS = PF.ids[:4]
LEVELS = np.array([q.levels for q in Q.questions])
ASKED = np.array([[q.asked_of(g) for q in Q.questions] for g in STAKEHOLDER_GROUPS])


@st.composite
def answer_sets(draw: st.DrawFn, rows: int) -> np.ndarray:
    """Answers of ``rows`` respondents: levels, don't know or blank."""
    u = np.array(
        draw(
            st.lists(
                st.floats(0, 1, exclude_max=True),
                min_size=rows * len(Q),
                max_size=rows * len(Q),
            )
        )
    )
    u = u.reshape(rows, len(Q))
    a = np.floor(u * (LEVELS + 1)).astype(np.int16)  # one extra: don't know
    return np.where(a == LEVELS, DONT_KNOW, a).astype(np.int16)


@st.composite
def responses(draw: st.DrawFn) -> Responses:
    n = draw(st.integers(1, 14))
    groups = draw(st.lists(st.sampled_from(STAKEHOLDER_GROUPS), min_size=n, max_size=n))
    pids = draw(st.lists(st.sampled_from(IDS), min_size=n, max_size=n))
    a = draw(answer_sets(n))
    g_idx = np.array([STAKEHOLDER_GROUPS.index(g) for g in groups])
    a = np.where(ASKED[g_idx], a, NOT_ANSWERED)
    return Responses(
        questionnaire=Q,
        respondent=[f"R{i}" for i in range(n)],
        group=groups,
        partnership=pids,
        answers=a,
    )


RULES = st.builds(
    CombinationRule,
    ordinal=st.sampled_from(["median", "mode"]),
    min_respondents=st.integers(1, 3),
)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.array_equal(a, b, equal_nan=True))


@settings(max_examples=25, deadline=None)
@given(responses(), RULES, st.randoms(use_true_random=False))
def test_a_group_result_does_not_depend_on_the_order_of_respondents(
    r: Responses, rule: CombinationRule, rnd: object
) -> None:
    order = list(range(len(r)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    a, b = combine(r, PF, rule=rule), combine(r.select(order), PF, rule=rule)
    assert a.partnerships == b.partnerships
    assert _same(a.counts, b.counts)
    assert _same(a.group_level, b.group_level)
    assert _same(a.level, b.level)


@settings(max_examples=25, deadline=None)
@given(responses(), RULES, st.sampled_from(STAKEHOLDER_GROUPS))
def test_removing_a_group_changes_only_what_depends_on_it(
    r: Responses, rule: CombinationRule, gone: str
) -> None:
    rest = r.without_group(gone)
    if not len(rest):
        return
    full, part = combine(r, PF, rule=rule), combine(rest, PF, rule=rule)
    rows = [full.partnerships.index(p) for p in part.partnerships]
    keep = [i for i, g in enumerate(STAKEHOLDER_GROUPS) if g != gone]
    assert _same(full.group_level[keep][:, rows], part.group_level[keep])
    gi = STAKEHOLDER_GROUPS.index(gone)
    untouched = full.counts[gi].sum(axis=-1)[rows] == 0  # the group gave no answer
    assert _same(full.level[rows][untouched], part.level[untouched])


@settings(max_examples=5, deadline=None)
@given(st.data())
def test_identical_answers_in_every_group_give_no_gap_and_full_agreement(
    data: st.DataObject,
) -> None:
    per = data.draw(answer_sets(len(IDS)))  # one respondent per partnership
    per[0, 5], per[1, 5] = 0, 3  # p3_dialogue varies across partnerships
    rows = []
    for g in STAKEHOLDER_GROUPS:
        for i, pid in enumerate(IDS):
            rows.append((g, pid, per[i]))
    everyone = Questionnaire(
        questions=[attrs.evolve(q, groups=STAKEHOLDER_GROUPS) for q in Q.questions]
    )
    r = Responses(
        questionnaire=everyone,
        respondent=[f"{g}-{p}" for g, p, _ in rows],
        group=[g for g, _, _ in rows],
        partnership=[p for _, p, _ in rows],
        answers=np.array([a for _, _, a in rows]),
    )
    ev = combine(r, PF)
    div = divergence(ev)
    for level in ("criterion", "principle", "overall"):
        gap = div.gap("government", "civil-society", level)
        assert np.all(gap[np.isfinite(gap)] == 0)
        spread = div.spread(level)
        assert np.all(spread[np.isfinite(spread)] == 0)
    agreement = div.agreement("p3_dialogue", n=50, rng=0)
    assert agreement.alpha == pytest.approx(1.0, abs=1e-12)


def test_group_scorecards_share_the_methodology_and_its_hash() -> None:
    ev = combine(sample_responses(), PF)
    cards = [ev.scorecard(), *(ev.scorecard(group=g) for g in ev.groups)]
    assert {c.methodology for c in cards} == {kps1().ref}
    assert all(c.ids == ev.partnerships for c in cards)


def test_rule_by_hand() -> None:
    counts = np.array([[0, 1, 1, 2], [2, 2, 0, 0], [1, 0, 0, 0]], dtype=float)
    binary = np.array([False, False, True])
    assert list(distribution_level(counts, binary, CombinationRule())) == [2, 0, 0]
    mode = CombinationRule(ordinal="mode")
    assert list(distribution_level(counts, binary, mode)) == [3, 0, 0]
    yes = np.array([[1, 1, 0, 0]], dtype=float)
    assert distribution_level(yes, np.array([True]), CombinationRule())[0] == 1
    strict = CombinationRule(yes_threshold=0.75)
    assert distribution_level(yes, np.array([True]), strict)[0] == 0


def test_weights_count_groups_not_respondents() -> None:
    r = sample_responses()
    ev = combine(r, PF, weights={"government": 1.0})
    gov = ev.evidence("government")
    ok = ~np.isnan(gov)
    assert _same(ev.level[ok], gov[ok])
    with pytest.raises(ParameterValueError, match=r"'weights\['government'\]' must be"):
        combine(r, PF, weights={"government": -1.0})
    with pytest.raises(ParameterValueError, match=r"'weights' must be one of gov"):
        combine(r, PF, weights={"firms": 1.0})
    with pytest.raises(
        ParameterValueError, match=r"'partnership' must be a partnership"
    ):
        combine(r, PF.__class__.from_columns({"id": ["X"], "title": ["x"]}))
