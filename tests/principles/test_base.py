from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest

from kampala.errors import ParameterValueError
from kampala.principles import (
    DEFAULT_SCORERS,
    Criterion,
    OwnershipScorer,
    Principle,
    PrincipleScores,
    Scorer,
    SubPrinciple,
    subprinciples,
)
from kampala.principles._base import criterion_table, valid_scorer_id

nan = math.nan

TITLES = {
    Principle.OWNERSHIP: (
        "Inclusive country ownership",
        "Apropiación nacional inclusiva",
    ),
    Principle.RESULTS: (
        "Results and targeted impact",
        "Resultados e impacto focalizado",
    ),
    Principle.INCLUSIVE_PARTNERSHIP: ("Inclusive partnership", "Alianza inclusiva"),
    Principle.TRANSPARENCY: (
        "Transparency and accountability",
        "Transparencia y rendición de cuentas",
    ),
    Principle.LEAVE_NO_ONE_BEHIND: ("Leave no one behind", "No dejar a nadie atrás"),
}

EN_MARK = "(kampala paraphrase, unverified)"
ES_MARK = "(paráfrasis de kampala, no verificada)"


# ---------------------------------------------------------------------------
# principles
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("principle", list(Principle), ids=lambda p: p.name)
def test_principle_titles(principle: Principle) -> None:
    en, es = TITLES[principle]
    assert principle.title() == en
    assert principle.title("en") == en
    assert principle.title("es") == es
    assert principle.tagline("en")
    assert principle.tagline("es")
    assert principle.verified("en") is True
    assert principle.verified("es") is False
    assert principle.source_url.startswith("https://")


def test_principle_numbers_and_codes() -> None:
    assert [p.number for p in Principle] == [1, 2, 3, 4, 5]
    assert [p.code for p in Principle] == ["P1", "P2", "P3", "P4", "P5"]


@pytest.mark.parametrize("lang", ["fr", "", "spanish"])
def test_principle_title_rejects_unknown_language(lang: str) -> None:
    # the one language check of the library (kampala.i18n.resolve_lang)
    with pytest.raises(ParameterValueError, match=r"'lang' must be one of en, es"):
        Principle.RESULTS.title(lang)
    with pytest.raises(ParameterValueError, match=r"'lang'"):
        Principle.RESULTS.tagline(lang)


def test_principle_title_language_is_case_insensitive() -> None:
    assert Principle.RESULTS.title("ES") == Principle.RESULTS.title("es")


# ---------------------------------------------------------------------------
# sub-principles
# ---------------------------------------------------------------------------
def test_sixteen_subprinciples_in_order() -> None:
    subs = subprinciples()
    assert len(subs) == 16
    assert [s.code for s in subs] == [
        "1.A", "1.B", "1.C",
        "2.A", "2.B", "2.C",
        "3.A", "3.B", "3.C",
        "4.A", "4.B", "4.C",
        "5.A", "5.B", "5.C", "5.D",
    ]  # fmt: skip
    for s in subs:
        assert isinstance(s, SubPrinciple)
        assert s.principle.number == int(s.code[0])
    assert [len(p.subprinciples) for p in Principle] == [3, 3, 3, 3, 4]
    assert subprinciples() is subs  # cached


def test_subprinciple_titles_and_paraphrase_marks() -> None:
    for s in subprinciples():
        en, es = s.title("en"), s.title("es")
        assert en.startswith(s.title_en)
        assert es.startswith(s.title_es)
        assert en.endswith(EN_MARK) is (not s.verified_en)
        assert es.endswith(ES_MARK) is (not s.verified_es)
        if s.verified_en:
            assert en == s.title_en
            assert s.source_url
    unverified_en = [s.code for s in subprinciples() if not s.verified_en]
    assert unverified_en == ["2.C"]
    sp = next(s for s in subprinciples() if s.code == "2.C")
    assert sp.title() == f"Sustain results through mutual benefits {EN_MARK}"
    assert next(s for s in subprinciples() if s.code == "4.A").title() == (
        "Measure results"
    )
    assert all(not s.verified_es for s in subprinciples())


def test_subprinciple_title_language_check() -> None:
    with pytest.raises(ParameterValueError, match=r"'lang' must be"):
        subprinciples()[0].title("de")


# ---------------------------------------------------------------------------
# criteria
# ---------------------------------------------------------------------------
def crit(code: str, weight: float = 1.0, **kw: Any) -> Criterion:
    return Criterion(
        code=code,
        principle=Principle.OWNERSHIP,
        subprinciple="1.A",
        weight=weight,
        **kw,
    )


def test_criterion_names_rules_and_tuple_evidence() -> None:
    c = crit(
        "P1.x",
        evidence=["ownership.government_role"],
        name_en="Role",
        name_es="Rol",
        rule_en="rank",
        rule_es="posición",
    )
    assert c.evidence == ("ownership.government_role",)
    assert (c.name(), c.name("es"), c.rule(), c.rule("es")) == (
        "Role",
        "Rol",
        "rank",
        "posición",
    )
    with pytest.raises(ParameterValueError):
        c.name("xx")


@pytest.mark.parametrize("weight", [0, -1.0, True, "1", nan, None])
def test_criterion_weight_must_be_positive(weight: Any) -> None:
    with pytest.raises(
        ParameterValueError, match=r"^criterion 'P1.x': 'weight' must be a number > 0"
    ):
        crit("P1.x", weight=weight)


def test_criterion_table() -> None:
    rows = criterion_table(OwnershipScorer.criteria)
    assert [r["code"] for r in rows] == [c.code for c in OwnershipScorer.criteria]
    assert rows[0]["principle"] == 1
    assert rows[0]["evidence"] == ["ownership.national_plan_alignment"]
    assert set(rows[0]) == {
        "code",
        "principle",
        "subprinciple",
        "weight",
        "evidence",
        "name_en",
        "name_es",
        "rule_en",
        "rule_es",
        "source",
        "source_es",
    }
    assert rows[0]["source_es"] == OwnershipScorer.criteria[0].source_es


def test_criterion_source_es_defaults_to_empty_and_the_table_falls_back() -> None:
    plain = crit("P1.x", source="Toolkit 1.A. https://example.org/1a")
    both = crit("P1.y", source="Toolkit 1.A.", source_es="Caja de herramientas 1.A.")
    assert plain.source_es == ""
    rows = criterion_table([plain, both])
    assert [r["source"] for r in rows] == [
        "Toolkit 1.A. https://example.org/1a",
        "Toolkit 1.A.",
    ]
    assert [r["source_es"] for r in rows] == [
        "Toolkit 1.A. https://example.org/1a",
        "Caja de herramientas 1.A.",
    ]


def test_default_criteria_are_consistent_with_the_catalogue() -> None:
    codes = {s.code: s for s in subprinciples()}
    all_codes: list[str] = []
    for factory in DEFAULT_SCORERS:
        scorer = factory()
        for c in scorer.criteria:
            assert c.subprinciple in codes, c.code
            # a criterion may serve another principle's sub-principle only if
            # that is documented in its source; KPS-1 keeps them aligned
            assert codes[c.subprinciple].principle is scorer.principle, c.code
            assert c.code.startswith(scorer.principle.code + ".")
            texts = (c.name_en, c.name_es, c.rule_en, c.rule_es)
            for text in (*texts, c.source, c.source_es):
                assert text, c.code
            assert c.source_es != c.source, c.code
            all_codes.append(c.code)
    assert len(all_codes) == len(set(all_codes))


_URL = re.compile(r"https?://\S+")
_CODE = re.compile(r"\b\d+(?:\.[0-9A-Za-z]+)+")  # 1.B, 17.15.1, 5.c.1


@pytest.mark.parametrize(
    "c",
    [c for f in DEFAULT_SCORERS for c in f().criteria],
    ids=lambda c: c.code,
)
def test_spanish_sources_keep_codes_indicators_and_urls(c: Criterion) -> None:
    assert _URL.findall(c.source_es) == _URL.findall(c.source)
    en, es = _URL.sub("", c.source), _URL.sub("", c.source_es)
    assert _CODE.findall(es) == _CODE.findall(en)
    indicators = re.findall(r"GPEDC indicator (\w+)", en)
    assert re.findall(r"[Ii]ndicador (\w+) del monitoreo de la GPEDC", es) == (
        indicators
    )
    assert "Toolkit" not in es
    assert ("Caja de herramientas" in es) == ("Toolkit" in en)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("kps.ownership", True),
        ("a", True),
        ("acme_2.p-1", True),
        ("Kps", False),
        ("1abc", False),
        ("", False),
        ("kps ownership", False),
        ("kps/ownership", False),
        (".kps", False),
        (None, False),
    ],
)
def test_valid_scorer_id(value: Any, ok: bool) -> None:
    assert valid_scorer_id(value) is ok


# ---------------------------------------------------------------------------
# principle scores
# ---------------------------------------------------------------------------
def scores(
    values: Any, weights: tuple[float, ...] = (1.0, 2.0, 1.0)
) -> PrincipleScores:
    criteria = [crit(f"P1.c{k}", weight=w) for k, w in enumerate(weights)]
    values = np.asarray(values, dtype=float)
    return PrincipleScores(
        principle=Principle.OWNERSHIP,
        scorer_id="test.scorer",
        scorer_version="1",
        criteria=criteria,
        values=values,
        ids=[f"R{i}" for i in range(values.shape[0])],
    )


def test_score_and_coverage_by_hand() -> None:
    ps = scores(
        [
            [1.0, 0.5, 0.0],  # (1 + 1 + 0) / 4 = 0.5
            [nan, 0.25, 1.0],  # (0.5 + 1) / 3 = 0.5; coverage 3/4
            [0.2, nan, nan],  # 0.2; coverage 1/4
            [nan, nan, nan],  # no evidence: NaN score, coverage 0
            [0.0, 0.0, 0.0],  # evidence of nothing: 0, not NaN
        ]
    )
    np.testing.assert_allclose(ps.score(), [0.5, 0.5, 0.2, nan, 0.0])
    np.testing.assert_allclose(ps.coverage(), [1.0, 0.75, 0.25, 0.0, 1.0])
    np.testing.assert_array_equal(ps.weights, [1.0, 2.0, 1.0])
    np.testing.assert_array_equal(ps.column("P1.c1"), [0.5, 0.25, nan, nan, 0.0])


def test_score_with_unequal_weights_by_hand() -> None:
    ps = scores([[0.9, 0.3]], weights=(3.0, 1.0))
    assert ps.score()[0] == pytest.approx((3 * 0.9 + 0.3) / 4)
    assert ps.coverage()[0] == 1.0


def test_values_are_a_read_only_copy() -> None:
    raw = np.array([[0.1, 0.2, 0.3]])
    ps = scores(raw)
    raw[0, 0] = 0.9
    assert ps.values[0, 0] == 0.1
    with pytest.raises(ValueError, match="read-only"):
        ps.values[0, 0] = 0.5
    assert ps.values.dtype == np.float64


def test_column_unknown_code() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^PrincipleScores.column\(\): 'code' must be one of \['P1.c0'",
    ):
        scores([[0.1, 0.2, 0.3]]).column("P1.zz")


@pytest.mark.parametrize(
    ("values", "ids", "pattern"),
    [
        ([[0.1, 0.2]], ["R0"], r"'values' must be of shape \(1, 3\) \(got \(1, 2\)\)"),
        ([[0.1, 0.2, 0.3]], ["R0", "R1"], r"must be of shape \(2, 3\) \(got \(1, 3\)"),
        ([0.1, 0.2, 0.3], ["R0"], r"must be of shape \(1, 3\) \(got \(3,\)\)"),
        (
            [[0.1, 1.5, 0.3]],
            ["R0"],
            r"^scorer 'test.scorer': 'P1.c1' must be in \[0, 1\] or NaN "
            r"\(partnership 'R0'\) \(got 1.5\)",
        ),
        ([[0.1, 0.2, -0.01]], ["R0"], r"'P1.c2' must be in \[0, 1\] or NaN"),
        (
            [[0.1, 0.2, 0.3], [0.1, np.inf, 0.3]],
            ["R0", "R1"],
            r"'P1.c1' must be in \[0, 1\] or NaN \(partnership 'R1'\) \(got inf\)",
        ),
    ],
)
def test_scores_validation(values: Any, ids: list[str], pattern: str) -> None:
    with pytest.raises(ParameterValueError, match=pattern):
        PrincipleScores(
            principle=Principle.OWNERSHIP,
            scorer_id="test.scorer",
            scorer_version="1",
            criteria=[crit(f"P1.c{k}") for k in range(3)],
            values=np.asarray(values, dtype=float),
            ids=ids,
        )


def test_empty_scores() -> None:
    ps = scores(np.empty((0, 3)))
    assert ps.score().shape == (0,)
    assert ps.coverage().shape == (0,)


def test_scorer_protocol_is_runtime_checkable() -> None:
    for factory in DEFAULT_SCORERS:
        assert isinstance(factory(), Scorer)
    assert not isinstance(object(), Scorer)
