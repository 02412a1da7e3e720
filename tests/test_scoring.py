from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import (
    Aggregate,
    CompositeResult,
    Denominate,
    Framework,
    Impute,
    IndicatorSet,
    LevelRule,
    Methodology,
    MethodologyError,
    MethodologyRef,
    Node,
    Normalise,
    ParameterValueError,
    Screen,
    Treat,
    rank_scores,
)
from tests.strategies import frameworks, indicator_matrices, methodologies

nan = math.nan

PINNED_JSON = (
    '{"description":"","format":"kampala.methodology/1","id":"pinned",'
    '"references":[],"scorers":[],"steps":['
    '{"method":"mean","params":{},"step":"impute"},'
    '{"indicator_params":{},"method":"min-max","params":{"lower":1.0,"upper":100.0},'
    '"step":"normalise"},'
    '{"levels":{"3":{"method":"arithmetic","params":{}}},"method":"geometric",'
    '"min_coverage":0.0,"min_data":0.0,"params":{},"step":"aggregate",'
    '"weights":"framework"}],'
    '"title":"Pinned","version":"1.0"}'
)
PINNED_SHA256 = "e05fa664a76082d88fb11051fca14dc33a3bac38aca08c52e969bca6ffdefda8"


def pinned() -> Methodology:
    return Methodology(
        id="pinned",
        version="1.0",
        title="Pinned",
        steps=[
            Impute(method="mean"),
            Normalise(method="min-max", params={"lower": 1, "upper": 100}),
            Aggregate(method="geometric", levels={3: "arithmetic"}),
        ],
    )


@pytest.fixture
def fw() -> Framework:
    return Framework(
        nodes=[
            Node(code="a", parent="P"),
            Node(code="b", parent="P", weight=3),
            Node(code="c", parent="Q", direction=-1),
            Node(code="d", parent="Q"),
            Node(code="P", level=2, kind="aggregate", parent="T"),
            Node(code="Q", level=2, kind="aggregate", parent="T", weight=2),
            Node(code="T", level=3, kind="aggregate"),
        ]
    )


@pytest.fixture
def data(fw: Framework) -> IndicatorSet:
    return IndicatorSet(
        framework=fw,
        unit_codes=["u0", "u1", "u2", "u3"],
        unit_names=["Zero", "One", "Two", "Three"],
        values=[
            [1.0, 10.0, 5.0, 2.0],
            [2.0, nan, 3.0, 4.0],
            [3.0, 30.0, nan, 8.0],
            [nan, 20.0, 1.0, 6.0],
        ],
        groups={"g": ["A", "A", "B", "B"]},
        denominators={"pop": [1.0, 2.0, 3.0, 4.0]},
    )


def full() -> Methodology:
    return Methodology(
        id="full",
        version="2",
        steps=[
            Denominate(),
            Impute(method="group-mean", params={"group": "g"}),
            Screen(params={"threshold": 0.5}),
            Treat(),
            Normalise(method="min-max", params={"lower": 1, "upper": 100}),
            Aggregate(),
        ],
    )


# -- identity, serialisation --------------------------------------------------------
def test_hash_is_sha256_of_the_canonical_json() -> None:
    m = pinned()
    canonical = json.dumps(
        m.content(),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    assert canonical == PINNED_JSON
    assert m.sha256 == hashlib.sha256(PINNED_JSON.encode("utf-8")).hexdigest()


def test_hash_is_stable_across_releases() -> None:
    # changing this value breaks every stored methodology reference
    assert pinned().sha256 == PINNED_SHA256


def test_same_meaning_same_hash() -> None:
    a = Methodology(
        id="m",
        version="1",
        steps=[
            Normalise(),
            Aggregate(levels={2: "geometric"}, min_data=0),
        ],
    )
    b = Methodology(
        id="m",
        version="1",
        steps=[
            Normalise(method="min-max", params={"lower": 0.0, "upper": 100}),
            Aggregate(
                method="arithmetic",
                params={},
                levels={"2": {"method": "geometric"}},  # type: ignore[dict-item]
                weights="framework",
                min_data=0.0,
            ),
        ],
    )
    assert a == b
    assert a.sha256 == b.sha256


def test_any_change_changes_the_hash() -> None:
    base = pinned()
    changed = [
        Methodology(id="pinned", version="1.1", title="Pinned", steps=base.steps),
        Methodology(id="pinned", version="1.0", title="Pinned!", steps=base.steps),
        Methodology(
            id="pinned",
            version="1.0",
            title="Pinned",
            steps=[*base.steps[:-1], Aggregate(method="geometric")],
        ),
    ]
    assert len({base.sha256, *(m.sha256 for m in changed)}) == 4


def test_json_round_trip() -> None:
    m = full()
    text = m.to_json()
    back = Methodology.from_json(text)
    assert back == m
    assert back.sha256 == m.sha256
    assert json.loads(text)["sha256"] == m.sha256
    assert Methodology.from_dict(m.to_dict()) == m


@given(methodologies())
def test_json_round_trip_random_steps(m: Methodology) -> None:
    back = Methodology.from_json(m.to_json())
    assert back == m
    assert back.sha256 == m.sha256
    assert Methodology.from_json(m.to_json(indent=None)) == m


def test_ref(data: IndicatorSet) -> None:
    m = pinned()
    assert m.ref == MethodologyRef(id="pinned", version="1.0", sha256=PINNED_SHA256)
    assert str(m.ref) == f"pinned 1.0 (sha256:{PINNED_SHA256[:12]})"


# -- methodology errors (messages are API) -----------------------------------------
def test_tampered_hash_is_rejected() -> None:
    d = pinned().to_dict()
    d["steps"][1]["params"]["upper"] = 10.0
    with pytest.raises(
        MethodologyError,
        match=r"Methodology.from_dict\(\): 'sha256' must be the hash of the content "
        r"\([0-9a-f]{64}\) \(got '" + PINNED_SHA256 + r"'\)\. The methodology was "
        r"changed after it was hashed",
    ):
        Methodology.from_dict(d)


def test_tampered_json_text_is_rejected() -> None:
    text = pinned().to_json().replace('"Pinned"', '"Pinned, edited"')
    with pytest.raises(MethodologyError, match=r"'sha256' must be the hash"):
        Methodology.from_json(text)


def test_without_a_recorded_hash_the_content_is_accepted() -> None:
    d = pinned().to_dict()
    del d["sha256"]
    assert Methodology.from_dict(d) == pinned()


def test_duplicate_step_is_rejected() -> None:
    with pytest.raises(
        MethodologyError,
        match=r"Methodology\(\): 'steps\[1\]' must be a kind of step not already "
        r"listed \(got 'normalise'\)",
    ):
        Methodology(id="m", version="1", steps=[Normalise(), Normalise(method="rank")])


def test_aggregate_not_last_is_rejected() -> None:
    with pytest.raises(
        MethodologyError,
        match=r"Methodology\(\): 'steps\[0\]' must be the last step "
        r"\(got 'aggregate'\)\. "
        r"Aggregation produces scores, not indicator data\.",
    ):
        Methodology(id="m", version="1", steps=[Aggregate(), Normalise()])


def test_non_step_is_rejected() -> None:
    with pytest.raises(MethodologyError, match=r"'steps\[0\]' must be a step object"):
        Methodology(id="m", version="1", steps=["normalise"])  # type: ignore[list-item]


@pytest.mark.parametrize("field", ["id", "version"])
def test_id_and_version_must_be_non_empty(field: str) -> None:
    kwargs: dict[str, Any] = {"id": "m", "version": "1", "steps": [], field: " "}
    with pytest.raises(
        MethodologyError,
        match=rf"Methodology\(\): '{field}' must be a non-empty string",
    ):
        Methodology(**kwargs)


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ([], r"'methodology' must be a JSON object"),
        (
            {"format": "other/2", "id": "m", "version": "1", "steps": []},
            r"'format' must be",
        ),
        ({"id": "m", "version": "1"}, r"'steps' must be present"),
        ({"version": "1", "steps": []}, r"'id' must be present"),
        ({"id": "m", "version": "1", "steps": {}}, r"'steps' must be a list of steps"),
        (
            {"id": "m", "version": "1", "steps": [1]},
            r"'steps' must be mappings with a 'step' key",
        ),
        (
            {"id": "m", "version": "1", "steps": [{"step": "weigh"}]},
            r"'step' must be one of 'denominate', 'impute'",
        ),
        (
            {"id": "m", "version": "1", "steps": [{"step": "impute", "colour": 1}]},
            r"'impute step' must be a mapping of that step's fields",
        ),
    ],
)
def test_malformed_methodology(doc: Any, match: str) -> None:
    with pytest.raises(MethodologyError, match=match):
        Methodology.from_dict(doc)


@pytest.mark.parametrize(
    "step",
    [
        {"step": "normalise", "method": "min-max", "params": "lower"},
        {"step": "aggregate", "levels": {"two": {"method": "geometric"}}},
        {"step": "aggregate", "levels": {"2": "no-such-mean"}},
    ],
)
def test_malformed_step_fields_raise_kampala_errors(step: dict[str, Any]) -> None:
    # a hand-edited file must give a KampalaError, never a bare ValueError or
    # TypeError (the command line would print a traceback)
    doc = {"id": "m", "version": "1", "steps": [step]}
    with pytest.raises(MethodologyError):
        Methodology.from_dict(doc)


def test_invalid_json() -> None:
    with pytest.raises(
        MethodologyError,
        match=r"Methodology.from_json\(\): 'text' must be valid JSON \(got 'line 1 "
        r"column 2'\)",
    ):
        Methodology.from_json("{oops")


def test_run_needs_an_aggregate_step(data: IndicatorSet) -> None:
    with pytest.raises(
        MethodologyError,
        match=r"Methodology.run\(\): 'steps' must be a list that ends with an "
        r"aggregate step \(got \['normalise'\]\)",
    ):
        Methodology(id="m", version="1", steps=[Normalise()]).run(data)


# -- running ------------------------------------------------------------------------
def test_run_keeps_every_dataset(data: IndicatorSet) -> None:
    r = full().run(data)
    assert list(r.datasets) == [
        "Raw",
        "Denominated",
        "Imputed",
        "Screened",
        "Treated",
        "Normalised",
    ]
    assert r.datasets["Raw"] is data
    assert np.isnan(r.datasets["Denominated"].values).sum() == 3
    assert not np.isnan(r.datasets["Imputed"].values).any()
    assert set(r.details) == {"denominate", "impute", "screen", "treat", "normalise"}
    assert r.methodology == full().ref
    assert r.aggregate_codes == ("P", "Q", "T")
    assert r.root == "T"
    assert r.scores.shape == (4, 3)
    assert isinstance(r.kampala_version, str)
    assert r.numpy_version == np.__version__


def test_run_by_hand(data: IndicatorSet) -> None:
    m = Methodology(
        id="m",
        version="1",
        steps=[Normalise(method="min-max", params={"upper": 1}), Aggregate()],
    )
    r = m.run(data)
    n = r.datasets["Normalised"].values
    # a: 1,2,3,- -> 0, .5, 1 ; b: 10,-,30,20 -> 0, -, 1, .5
    # c (direction -1): 5,3,-,1 -> 0, .5, -, 1 ; d: 2,4,8,6 -> 0, 1/3, 1, 2/3
    np.testing.assert_allclose(
        n,
        [[0, 0, 0, 0], [0.5, nan, 0.5, 1 / 3], [1, 1, nan, 1], [nan, 0.5, 1, 2 / 3]],
        rtol=1e-15,
    )
    p = [0.0, 0.5, 1.0, 0.5]  # P = (a + 3b) / 4, renormalised when b is missing
    q = [0.0, (0.5 + 1 / 3) / 2, 1.0, (1 + 2 / 3) / 2]
    t = [(pi + 2 * qi) / 3 for pi, qi in zip(p, q, strict=True)]
    np.testing.assert_allclose(r.score("P"), p, rtol=1e-14)
    np.testing.assert_allclose(r.score("Q"), q, rtol=1e-14)
    np.testing.assert_allclose(r.score(), t, rtol=1e-14)
    np.testing.assert_array_equal(r.ranks(), [4, 3, 1, 2])


def test_scores_are_read_only(data: IndicatorSet) -> None:
    r = full().run(data)
    with pytest.raises(ValueError, match="read-only"):
        r.scores[0, 0] = 1.0


def test_score_of_unknown_aggregate(data: IndicatorSet) -> None:
    r = full().run(data)
    with pytest.raises(
        ParameterValueError,
        match=r"CompositeResult.score\(\): 'code' must be one of the aggregates "
        r"\['P', 'Q', 'T'\] \(got 'a'\)",
    ):
        r.score("a")


def test_screened_out_unit_is_explained(data: IndicatorSet) -> None:
    m = Methodology(
        id="m", version="1", steps=[Screen(params={"threshold": 1.0}), Aggregate()]
    )
    r = m.run(data)
    assert r.unit_codes == ("u0",)
    with pytest.raises(
        ParameterValueError,
        match=r"CompositeResult: 'unit' must be a unit code of the result "
        r"\(got 'u1'\)\. It was screened out\.",
    ):
        r.explain("u1")
    with pytest.raises(ParameterValueError, match=r"\(got 'zz'\)\.$"):
        r.unit_index("zz")


def test_table_top_and_repr(data: IndicatorSet) -> None:
    r = full().run(data)
    table = r.table()
    assert [list(row) for row in table] == [["uCode", "P", "Q", "T", "rank"]] * 4
    assert [row["uCode"] for row in table] == list(r.unit_codes)
    assert sorted(row["rank"] for row in table) == [1, 2, 3, 4]
    top = r.top(2)
    assert [t[0] for t in top] == [1, 2]
    assert top[0][3] == max(r.score())
    assert top[0][2] == dict(zip(r.unit_codes, r.unit_names, strict=True))[top[0][1]]
    assert "units=4" in repr(r)
    assert "<table>" in r._repr_html_()


def test_to_pandas(data: IndicatorSet) -> None:
    pd = pytest.importorskip("pandas")
    df = full().run(data).to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["uName", "P", "Q", "T", "rank"]
    assert df.index.name == "uCode"
    assert str(df["rank"].dtype) == "Int64"


def test_effective_weights_on_results(data: IndicatorSet) -> None:
    r = Methodology(id="m", version="1", steps=[Aggregate(weights={"Q": 1})]).run(data)
    ew = r.effective_weights
    assert ew == pytest.approx({"a": 0.125, "b": 0.375, "c": 0.25, "d": 0.25})


# -- contributions ------------------------------------------------------------------
def test_contributions_arithmetic_by_hand(data: IndicatorSet) -> None:
    m = Methodology(
        id="m",
        version="1",
        steps=[Normalise(method="min-max", params={"upper": 1}), Aggregate()],
    )
    r = m.run(data)
    c = r.contributions()
    # unit u2: a=1, b=1, c missing, d=1; P weight 1/3, Q weight 2/3
    np.testing.assert_allclose(c[2], [1 / 12, 3 / 12, nan, 2 / 3], rtol=1e-14)
    assert r.explain("u2") == pytest.approx(
        {"a": 1 / 12, "b": 3 / 12, "c": nan, "d": 2 / 3}, nan_ok=True
    )
    np.testing.assert_allclose(np.nansum(c, axis=1), r.score(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "agg",
    [
        Aggregate(),
        Aggregate(method="geometric"),
        Aggregate(method="harmonic", levels={3: "arithmetic"}),
        Aggregate(levels={3: LevelRule(method="generalised-mean", params={"p": 2})}),
        Aggregate(method="minimum"),
        Aggregate(method="mazziotta-pareto"),
        Aggregate(min_data=0.75),
    ],
)
def test_contributions_sum_to_the_root_score(
    data: IndicatorSet, agg: Aggregate
) -> None:
    m = Methodology(
        id="m",
        version="1",
        steps=[Normalise(method="min-max", params={"lower": 1, "upper": 100}), agg],
    )
    r = m.run(data)
    c = r.contributions()
    assert c.shape == (4, 4)
    root = r.score()
    ok = ~np.isnan(root)
    np.testing.assert_allclose(
        np.nansum(c, axis=1)[ok], root[ok], rtol=1e-12, atol=1e-9
    )
    for i, unit in enumerate(r.unit_codes):
        if ok[i]:
            values = [v for v in r.explain(unit).values() if not math.isnan(v)]
            assert math.fsum(values) == pytest.approx(root[i], rel=1e-12, abs=1e-9)
    # missing indicators contribute nothing (NaN)
    normalised = r.datasets["Normalised"].values
    assert np.isnan(c[np.isnan(normalised)]).all()


@st.composite
def runs(draw: st.DrawFn) -> tuple[IndicatorSet, Aggregate]:
    fw = draw(frameworks())
    n = draw(st.integers(2, 6))
    x = draw(indicator_matrices(n, len(fw.indicator_codes), lo=1.0, hi=100.0))
    method = draw(st.sampled_from(["arithmetic", "geometric", "harmonic", "minimum"]))
    data = IndicatorSet(framework=fw, unit_codes=[f"u{i}" for i in range(n)], values=x)
    return data, Aggregate(method=method)


@given(runs())
def test_contributions_sum_to_the_root_score_property(
    case: tuple[IndicatorSet, Aggregate],
) -> None:
    data, agg = case
    r = Methodology(id="m", version="1", steps=[agg]).run(data)
    root = r.score()
    ok = ~np.isnan(root)
    np.testing.assert_allclose(
        np.nansum(r.contributions(), axis=1)[ok], root[ok], rtol=1e-9, atol=1e-9
    )


@given(runs(), st.randoms(use_true_random=False))
def test_scores_are_equivariant_under_permuting_units(
    case: tuple[IndicatorSet, Aggregate], rnd: Any
) -> None:
    data, agg = case
    m = Methodology(id="m", version="1", steps=[Normalise(params={"lower": 1}), agg])
    perm = list(range(data.n_units))
    rnd.shuffle(perm)
    shuffled = IndicatorSet(
        framework=data.framework,
        unit_codes=[data.unit_codes[i] for i in perm],
        values=data.values[perm],
    )
    a = m.run(data)
    b = m.run(shuffled)
    np.testing.assert_allclose(b.scores, a.scores[perm], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(b.ranks(), a.ranks()[perm])


# -- ranks -----------------------------------------------------------------------------
def test_rank_scores() -> None:
    np.testing.assert_array_equal(
        rank_scores(np.array([3.0, 5.0, 3.0, nan, 1.0])), [2, 1, 2, nan, 4]
    )
    assert rank_scores(np.array([])).size == 0


@given(
    st.lists(
        st.one_of(st.floats(-1e9, 1e9), st.just(nan)), min_size=1, max_size=30
    ).filter(lambda v: any(not math.isnan(x) for x in v))
)
def test_rank_scores_gives_1_to_the_max(values: list[float]) -> None:
    s = np.array(values)
    r = rank_scores(s)
    assert np.array_equal(np.isnan(r), np.isnan(s))
    best = np.nanmax(s)
    assert (r[s == best] == 1).all()
    assert (r[~np.isnan(s) & (s != best)] > 1).all()
    # higher score, better (smaller) rank
    for i in range(len(s)):
        for j in range(len(s)):
            if s[i] > s[j]:
                assert r[i] < r[j]


def test_composite_result_is_a_record(data: IndicatorSet) -> None:
    r = full().run(data)
    assert isinstance(r, CompositeResult)
    assert r.framework.root == "T"


# -- scoring a portfolio (kampala.scoring) ---------------------------------------
def test_indicator_table_is_what_the_scorecard_aggregates() -> None:
    from kampala.data import sample_portfolio
    from kampala.scoring import indicator_table

    pf = sample_portfolio()
    m = Methodology.default()
    table = indicator_table(pf, m.scorers)
    card = m.run(pf)
    raw = card.result.datasets["Raw"]
    np.testing.assert_array_equal(table.values, raw.values)
    assert table.framework == raw.framework
    assert table.unit_codes == pf.ids == card.ids
    assert table.unit_names == card.titles


def test_score_principles_fills_and_reuses_the_memo() -> None:
    from kampala.data import sample_portfolio
    from kampala.scoring import ScorerSpec, score_principles

    pf = sample_portfolio()
    memo: dict[Any, Any] = {}
    specs = list(Methodology.default().scorers)
    first = score_principles(pf, reversed(specs), memo=memo)
    assert [p.number for p in first] == [1, 2, 3, 4, 5]  # principle order
    assert len(memo) == 5
    wider = ScorerSpec(**{**specs[2].to_dict(), "params": {"diversity_target": 8}})
    varied = [*specs[:2], wider, *specs[3:]]
    second = score_principles(pf, varied, memo=memo)
    assert len(memo) == 6  # only the changed scorer ran again
    for p in first:
        same = p.number != 3
        assert (second[p] is first[p]) is same


def test_resolve_scorer_uses_the_registry_given() -> None:
    from kampala.errors import RegistrationError
    from kampala.principles import ResultsScorer, ScorerRegistry
    from kampala.scoring import ScorerSpec, resolve_scorer

    spec = ScorerSpec(principle=2, id="kps.results", version="1")
    assert resolve_scorer(spec) == ResultsScorer()
    empty = ScorerRegistry()
    with pytest.raises(RegistrationError, match=r"kps\.results"):
        resolve_scorer(spec, empty)


def test_score_portfolio_refuses_an_empty_portfolio() -> None:
    from kampala import Portfolio
    from kampala.scoring import score_portfolio

    empty = Portfolio.from_records([])
    with pytest.raises(ParameterValueError, match="at least one partnership"):
        score_portfolio(Methodology.default(), empty)


@pytest.mark.parametrize(
    ("old", "name", "new"),
    [
        ("kampala.scoring", "MethodologyRef", "kampala.composite_result"),
        ("kampala.scoring", "CompositeResult", "kampala.composite_result"),
        ("kampala.scoring", "rank_scores", "kampala.composite_result"),
        ("kampala.scoring", "CANONICAL_ORDER", "kampala.steps"),
        ("kampala.scoring", "steps_in_canonical_order", "kampala.steps"),
        ("kampala.scoring", "canonical_json", "kampala.canonical"),
    ],
)
def test_lower_layer_names_stay_importable_from_scoring(
    old: str, name: str, new: str
) -> None:
    import importlib

    old_module = importlib.import_module(old)
    assert getattr(old_module, name) is getattr(importlib.import_module(new), name)
    assert name in old_module.__all__


@pytest.mark.parametrize(
    ("old", "name"),
    [
        ("kampala.scoring", "Methodology"),
        ("kampala.scorecard", "kps1"),
        ("kampala.scorecard", "score_portfolio"),
    ],
)
def test_names_that_moved_up_are_not_served_from_below(old: str, name: str) -> None:
    # serving them would need an import that closes a circle
    import importlib

    with pytest.raises(AttributeError, match=f"no attribute '{name}'"):
        getattr(importlib.import_module(old), name)
