"""Evidence bounds: exact, nested, and containing every completion's score and rank."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampala import Aggregate, Framework, IndicatorSet, LevelRule, Methodology, Node
from kampala.composite import aggregate_values
from kampala.composite_result import CompositeResult, rank_scores
from kampala.data import sample_portfolio
from kampala.errors import ParameterValueError
from kampala.evidence import evidence_bounds, next_evidence, rank_bounds

TOL = 1e-9
METHODS = [
    ("arithmetic", {}),
    ("geometric", {}),
    ("harmonic", {}),
    ("generalised-mean", {"p": 2.0}),
    ("generalised-mean", {"p": -1.5}),
    ("minimum", {}),
]


@st.composite
def problems(draw: st.DrawFn) -> dict:
    """A small scorecard: 1-3 principles of 1-3 criteria, 1-4 units, gaps."""
    k = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(k)]
    nodes = []
    for p, size in enumerate(sizes):
        nodes.extend(
            Node(
                code=f"P{p}.c{c}", parent=f"P{p}", weight=draw(st.sampled_from([1, 2]))
            )
            for c in range(size)
        )
        nodes.append(
            Node(
                code=f"P{p}",
                level=2,
                kind="aggregate",
                parent="KPS",
                weight=draw(st.sampled_from([1, 2, 3])),
            )
        )
    nodes.append(Node(code="KPS", level=3, kind="aggregate"))
    fw = Framework(nodes=nodes)
    n = draw(st.integers(1, 4))
    n_ind = sum(sizes)
    values = np.array(
        draw(
            st.lists(
                st.lists(
                    st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0]),
                    min_size=n_ind,
                    max_size=n_ind,
                ),
                min_size=n,
                max_size=n,
            )
        )
    )
    # at most 5 gaps per unit keeps the brute force (3**5 completions) small
    for i in range(n):
        gaps = draw(st.lists(st.integers(0, n_ind - 1), max_size=5, unique=True))
        values[i, gaps] = np.nan
    m2 = draw(st.sampled_from(METHODS))
    m3 = draw(st.sampled_from(METHODS))
    rules = {
        2: LevelRule(method=m2[0], params=m2[1]),
        3: LevelRule(method=m3[0], params=m3[1]),
    }
    return {
        "framework": fw,
        "values": values,
        "rules": rules,
        "min_coverage": draw(st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0])),
        "min_data": draw(st.sampled_from([0.0, 0.0, 0.6])),
    }


def _run(pb: dict, values: np.ndarray) -> CompositeResult:
    step = Aggregate(
        levels=dict(pb["rules"]),
        min_coverage=pb["min_coverage"],
        min_data=pb["min_data"],
    )
    data = IndicatorSet(
        framework=pb["framework"],
        unit_codes=[f"u{i}" for i in range(len(values))],
        values=values,
    )
    return Methodology(id="t", version="1", steps=[step]).run_indicators(data)


def _bounds(pb: dict, values: np.ndarray):
    return evidence_bounds(
        _run(pb, values), min_coverage=pb["min_coverage"], min_data=pb["min_data"]
    )


def _completions(row: np.ndarray, fills: tuple[float, ...]) -> np.ndarray:
    """Every way of documenting some or all of a row's gaps with ``fills``."""
    gaps = np.flatnonzero(np.isnan(row))
    out = np.repeat(row[None, :], len(fills) ** len(gaps), axis=0)
    for r, combo in enumerate(itertools.product(fills, repeat=len(gaps))):
        out[r, gaps] = combo
    return out


def _score_all(pb: dict, values: np.ndarray) -> np.ndarray:
    fw = pb["framework"]
    return aggregate_values(
        fw,
        values,
        pb["rules"],
        min_coverage=pb["min_coverage"],
        min_data=pb["min_data"],
    )


@settings(max_examples=60, deadline=None)
@given(problems())
def test_bounds_are_exact_and_contain_every_completion(pb: dict) -> None:
    fw = pb["framework"]
    b = _bounds(pb, pb["values"])
    codes = fw.aggregate_codes  # principles, then KPS
    result = _run(pb, pb["values"])
    for i, row in enumerate(pb["values"]):
        # extremes: the methodology's own scores over every completion with
        # gaps left open or set to the ends of the scale
        scores = _score_all(pb, _completions(row, (np.nan, 0.0, 1.0)))
        inner = _score_all(pb, _completions(row, (0.37, 0.81)))
        for j, code in enumerate(codes):
            col = scores[:, j]
            if code == "KPS":
                low, high = b.overall_low[i], b.overall_high[i]
            else:
                k = b.principles.index(code)
                low, high = b.low[i, k], b.high[i, k]
            assert np.nanmin(col) == pytest.approx(low, abs=TOL)
            assert np.nanmax(col) == pytest.approx(high, abs=TOL)
            current = result.score(code)[i]
            if not np.isnan(current):
                assert low <= current <= high
            ok = ~np.isnan(inner[:, j])
            assert (inner[ok, j] >= low - TOL).all()
            assert (inner[ok, j] <= high + TOL).all()
        if not np.isnan(row).any():
            assert b.overall_low[i] == b.overall_high[i]
            assert (b.low[i] == b.high[i]).all()


@settings(max_examples=60, deadline=None)
@given(problems(), st.data())
def test_documenting_a_gap_narrows_the_interval(pb: dict, data: st.DataObject) -> None:
    values = pb["values"]
    gaps = np.argwhere(np.isnan(values))
    if len(gaps) == 0:
        return
    i, j = gaps[data.draw(st.integers(0, len(gaps) - 1))]
    value = data.draw(st.floats(0.0, 1.0))
    before = _bounds(pb, values)
    filled = values.copy()
    filled[i, j] = value
    after = _bounds(pb, filled)
    new = _run(pb, filled).score("KPS")[i]
    assert after.overall_low[i] >= before.overall_low[i] - TOL
    assert after.overall_high[i] <= before.overall_high[i] + TOL
    assert (after.low[i] >= before.low[i] - TOL).all()
    assert (after.high[i] <= before.high[i] + TOL).all()
    if not np.isnan(new):
        assert before.overall_low[i] - TOL <= new <= before.overall_high[i] + TOL
    # the other units' ranks can only become more certain
    assert (after.rank_best >= before.rank_best).all()
    assert (after.rank_worst <= before.rank_worst).all()


@settings(max_examples=60, deadline=None)
@given(problems(), st.data())
def test_rank_bounds_contain_the_rank_under_every_completion(
    pb: dict, data: st.DataObject
) -> None:
    values = pb["values"]
    b = _bounds(pb, values)
    fills = (np.nan, 0.0, 0.5, 1.0)
    for _ in range(5):
        done = values.copy()
        for i, j in np.argwhere(np.isnan(values)):
            done[i, j] = data.draw(st.sampled_from(fills))
        ranks = rank_scores(_score_all(pb, done)[:, -1])
        ok = ~np.isnan(ranks)
        assert (ranks[ok] >= b.rank_best[ok]).all()
        assert (ranks[ok] <= b.rank_worst[ok]).all()


def test_rank_bounds_are_reached() -> None:
    """Best and worst ranks are attained, and ties share the best rank."""
    score = np.array([0.5, 0.5, np.nan, 0.2])
    low = np.array([0.5, 0.4, 0.3, 0.2])
    high = np.array([0.5, 0.6, 0.7, 0.2])
    best, worst = rank_bounds(score, low, high)
    assert best.tolist() == [1.0, 1.0, 1.0, 3.0]
    assert worst.tolist() == [3.0, 3.0, 3.0, 4.0]
    nan = rank_bounds(np.array([0.5]), np.array([np.nan]), np.array([np.nan]))
    assert np.isnan(nan[0]).all()


def test_sample_portfolio_bounds_and_flags() -> None:
    card = Methodology.default().run(sample_portfolio())
    b = card.evidence_bounds()
    overall = card.score()
    ok = ~np.isnan(overall)
    assert (b.overall_low[ok] <= overall[ok]).all()
    assert (overall[ok] <= b.overall_high[ok]).all()
    assert not np.isnan(b.overall_low).any()  # unscored partnerships too
    wide = b.rank_width() > card.rank_flag_width
    flagged = [any(f.startswith("rank depends") for f in fl) for fl in card.flags()]
    assert flagged == list(wide & ok)
    assert any(flagged)
    assert Methodology.default().ref.sha256 == card.methodology.sha256


def test_next_evidence_orders_by_effective_weight() -> None:
    card = Methodology.default().run(sample_portfolio())
    nxt = card.next_evidence()
    for items in nxt.partnerships.values():
        weights = [c.effective_weight for c in items]
        assert weights == sorted(weights, reverse=True)
    removed = [c.rank_width_removed for c in nxt.portfolio]
    assert removed == sorted(removed, reverse=True)
    assert json.dumps(nxt.to_dict())  # JSON-ready
    full = next_evidence(card.result, min_coverage=0.5, portfolio=False)
    assert full.portfolio == ()


def test_bounds_refuse_other_frameworks_and_scales() -> None:
    fw = Framework(
        nodes=[Node(code="a", parent="P"), Node(code="P", level=2, kind="aggregate")]
    )
    data = IndicatorSet(framework=fw, unit_codes=["u"], values=[[1.0]])
    result = Methodology(id="t", version="1", steps=[Aggregate()]).run_indicators(data)
    with pytest.raises(ParameterValueError, match="'framework' must be a scorecard"):
        evidence_bounds(result)
    card = Methodology.default().run(sample_portfolio())
    with pytest.raises(ParameterValueError, match="'scale' must be"):
        evidence_bounds(card.result, scale=(1.0, 0.0))


def test_non_monotone_method_gives_no_overall_bounds() -> None:
    pb_values = np.array([[0.5, np.nan], [0.2, 0.9]])
    fw = Framework(
        nodes=[
            Node(code="P0.a", parent="P0"),
            Node(code="P1.a", parent="P1"),
            Node(code="P0", level=2, kind="aggregate", parent="KPS"),
            Node(code="P1", level=2, kind="aggregate", parent="KPS"),
            Node(code="KPS", level=3, kind="aggregate"),
        ]
    )
    data = IndicatorSet(framework=fw, unit_codes=["u", "v"], values=pb_values)
    step = Aggregate(levels={3: "mazziotta-pareto"})
    result = Methodology(id="t", version="1", steps=[step]).run_indicators(data)
    b = evidence_bounds(result)
    assert np.isnan(b.overall_low).all()
    assert np.isnan(b.rank_best).all()
    assert not np.isnan(b.low).any()  # the principles' arithmetic means
    step = Aggregate(levels={2: "copeland"})
    result = Methodology(id="t", version="1", steps=[step]).run_indicators(data)
    b = evidence_bounds(result)
    assert np.isnan(b.low).all()
    assert np.isnan(b.overall_high).all()


CAF_PE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "iati"
    / "CAF-ActivityFile-2025-10-10.PE-only.xml"
)


@pytest.mark.skipif(
    not CAF_PE.exists(), reason="the CAF Peru IATI file is read from ../shared/data"
)
def test_every_imported_iati_activity_gets_an_interval() -> None:
    from kampala.io.formats import read_portfolio

    card = Methodology.default().run(read_portfolio(CAF_PE))
    rows = card.table()
    assert all(r["overall"] is None for r in rows)  # real data: no overall score
    assert all(r["overall_low"] < r["overall_high"] for r in rows)
    assert all(r["rank_best"] <= r["rank_worst"] for r in rows)


def test_html_repr_shows_intervals() -> None:
    card = Methodology.default().run(sample_portfolio())
    text = card._repr_html_()
    assert "<th>range</th><th>ranks</th>" in text
    assert "0.565–0.863" in text  # noqa: RUF001
