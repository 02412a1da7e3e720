"""The questionnaire: built from the criteria and the schema, in both languages."""

from __future__ import annotations

import pytest

from kampala.errors import ParameterValueError
from kampala.methodology import kps1
from kampala.principles import default_registry
from kampala.schema import SCHEMA, field
from kampala.scoring import resolve_scorer
from kampala.stakeholders import STAKEHOLDER_GROUPS, group_label, questionnaire

Q = questionnaire()


def _criteria() -> dict[str, object]:
    out = {}
    for spec in kps1().scorers:
        for c in resolve_scorer(spec, default_registry).criteria:
            out[c.code] = c
    return out


def test_every_question_has_both_languages_for_every_group() -> None:
    for q in Q.questions:
        for g in q.groups:
            assert q.text("en", g).strip(), (q.code, g)
            assert q.text("es", g).strip(), (q.code, g)
            assert q.text("en", g) != q.text("es", g), (q.code, g)
        for c in q.choices:
            assert c.label_en.strip(), (q.code, c.name)
            assert c.label_es.strip(), (q.code, c.name)


def test_criterion_questions_name_their_criterion_field_and_scale() -> None:
    criteria = _criteria()
    for q in Q.questions:
        assert q.wording in ("kampala", "gpedc")
        assert "GPEDC" in q.source or "Toolkit" in q.source, q.code
        assert set(q.groups) <= set(STAKEHOLDER_GROUPS)
        assert q.groups
        names = [c.name for c in q.choices]
        assert names[-2:] == ["dont_know", "not_applicable"]
        if q.kind == "engagement":
            continue
        c = criteria[q.criterion]
        assert c.evidence == (q.field,)
        assert c.subprinciple == q.subprinciple
        spec = field(q.field)
        if spec.kind == "bool":
            assert names[:2] == ["no", "yes"]
        else:
            assert names[:-2] == [m.value for m in spec.enum]


def test_every_ordinal_or_flag_criterion_is_asked() -> None:
    asked = {q.criterion for q in Q.questions}
    for code, c in _criteria().items():
        kinds = [f.kind for f in SCHEMA if (f.path,) == tuple(c.evidence)]
        if kinds and kinds[0] in ("ordinal", "bool"):
            assert code in asked


def test_wording_per_group_and_groups_asked() -> None:
    q = Q.question("p1_government_role")
    assert q.text("en", "government") != q.text("en", "private-sector")
    assert not Q.question("p5_gender_marker").asked_of("trade-union")
    assert all(q.asked_of("trade-union") for q in Q.for_group("trade-union"))
    assert group_label("private-sector", "es").startswith("Sector privado")


def test_unknown_group_and_code_are_errors() -> None:
    with pytest.raises(ParameterValueError, match=r"'group' must be one of government"):
        Q.for_group("firms")
    with pytest.raises(ParameterValueError, match=r"'code' must be a question code"):
        Q.question("p9_x")
