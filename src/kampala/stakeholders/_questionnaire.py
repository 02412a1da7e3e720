"""The multi-stakeholder questionnaire: questions from the criteria and the schema.

Every KPS-1 criterion that reads one ordinal or yes/no evidence field of the
field schema (`kampala.schema`) becomes a question: it names the criterion
and sub-principle it informs, offers the field's scale (or yes / no) plus
"don't know" and "not applicable", and is asked of the stakeholder groups
listed for it, with wording per group where a firm and a government see the
partnership from different places. Two engagement questions of kampala's own
feed the portfolio-level engagement indicators
(`kampala.stakeholders.engagement_indicators`).

Question texts are data (``stakeholders/data/questions.json``), in English
and Spanish. All of them are kampala's own wording (``wording == "kampala"``)
modelled on the GPEDC Kampala Principles Assessment, which asks each
stakeholder group its own questionnaire; each question names its source.

Evidence that is a count, a share or a list (indicators, budget shares,
target groups) is factual, not a perception: it stays with the analyst's
portfolio and is not asked.

Examples
--------
>>> from kampala.stakeholders import questionnaire
>>> q = questionnaire()
>>> len(q), q.codes[:3]
(20, ('p1_alignment', 'p1_government_role', 'p1_registration'))
>>> item = q.question("p1_government_role")
>>> item.criterion, item.subprinciple, item.field
('P1.government_role', '1.A', 'ownership.government_role')
>>> item.text("es", "government")
'¿Qué rol cumple su institución en la alianza?'
>>> [c.name for c in item.choices][-3:]
['leads', 'dont_know', 'not_applicable']
>>> len(q.for_group("trade-union"))
13
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

import attrs

from kampala.errors import ParameterValueError
from kampala.i18n import resolve_lang
from kampala.methodology import Methodology, kps1
from kampala.principles import ScorerRegistry
from kampala.schema import SCHEMA
from kampala.scoring import resolve_scorer

__all__ = [
    "DONT_KNOW",
    "NOT_ANSWERED",
    "NOT_APPLICABLE",
    "STAKEHOLDER_GROUPS",
    "Choice",
    "Question",
    "Questionnaire",
    "check_group",
    "group_label",
    "questionnaire",
]

#: Answer codes below the levels of a scale (levels are 0, 1, ...).
NOT_ANSWERED = -1
DONT_KNOW = -2
NOT_APPLICABLE = -3

_SPEC = {s.path: s for s in SCHEMA}


@functools.cache
def _data() -> dict[str, Any]:
    text = (
        resources.files("kampala.stakeholders")
        .joinpath("data", "questions.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


#: The stakeholder groups, in the order of the GPEDC Kampala Principles
#: Assessment's questionnaires.
STAKEHOLDER_GROUPS: tuple[str, ...] = tuple(g["code"] for g in _data()["groups"])


def group_label(group: str, lang: str | None = None) -> str:
    """Return the name of a stakeholder group in English or Spanish.

    Examples
    --------
    >>> from kampala.stakeholders import group_label
    >>> group_label("trade-union", "es")
    'Sindicatos'
    """
    check_group(group, "group_label()")
    entry = next(g for g in _data()["groups"] if g["code"] == group)
    return str(entry[resolve_lang(lang)])


def check_group(group: Any, where: str, field: str = "group") -> str:
    """Return ``group`` if it is a stakeholder group, else raise.

    Examples
    --------
    >>> from kampala.stakeholders._questionnaire import check_group
    >>> check_group("firms", "f()")
    Traceback (most recent call last):
    ...
    kampala.errors.ParameterValueError: f(): 'group' must be one of government, private-sector, development-partner, civil-society, trade-union (got 'firms').
    """  # noqa: E501 - doctest output
    if group not in STAKEHOLDER_GROUPS:
        raise ParameterValueError(
            where, field, group, f"one of {', '.join(STAKEHOLDER_GROUPS)}"
        )
    return str(group)


@attrs.frozen(kw_only=True)
class Choice:
    """One answer option: its name in forms and files, labels and level.

    Attributes
    ----------
    name : str
        The value stored in submissions (``"consulted"``, ``"yes"``,
        ``"dont_know"``).
    label_en, label_es : str
        What a respondent reads.
    level : int
        The answer code: the rank on the scale (0 = lowest; ``no`` = 0,
        ``yes`` = 1), `DONT_KNOW` or `NOT_APPLICABLE`.

    Examples
    --------
    >>> from kampala.stakeholders import questionnaire
    >>> c = questionnaire().question("p3_dialogue").choices[2]
    >>> c.name, c.label_es, c.level
    ('regular', 'Regular', 2)
    """

    name: str
    label_en: str
    label_es: str
    level: int

    def label(self, lang: str | None = None) -> str:
        """Return the label in ``lang``.

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> questionnaire().question("p1_registration").choices[1].label("es")
        'Sí'
        """
        return self.label_es if resolve_lang(lang) == "es" else self.label_en


def _choice_tuple(value: Iterable[Choice]) -> tuple[Choice, ...]:
    return tuple(value)


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _question_tuple(value: Iterable[Question]) -> tuple[Question, ...]:
    return tuple(value)


def _wordings(value: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[str, str]]:
    return {g: (str(w["en"]), str(w["es"])) for g, w in value.items()}


@attrs.frozen(kw_only=True)
class Question:
    """One question of the questionnaire.

    Attributes
    ----------
    code : str
        Its name in forms and submissions (``"p1_alignment"``).
    kind : {"criterion", "engagement"}
        A criterion question gives evidence for `field`; an engagement
        question feeds the engagement indicators.
    field : str
        The evidence field (schema path) or the engagement indicator it feeds.
    criterion : str
        The criterion it informs (``"P1.alignment"``), or the engagement
        indicator's code (``"E.national_dialogue"``).
    principle : int
        The principle (1 to 5).
    subprinciple : str
        The sub-principle (``"1.B"``).
    scale : str
        The name of its list of choices (``"Alignment"``, ``"yes_no"``).
    choices : tuple of Choice
        The scale's levels (lowest first), then "don't know" and "not
        applicable".
    groups : tuple of str
        The stakeholder groups it is asked of.
    text_en, text_es : str
        The wording for every group without a wording of its own.
    by_group : mapping of str to (str, str)
        Wording (English, Spanish) for some groups.
    wording : {"kampala", "gpedc"}
        Whose wording it is.
    source : str
        The criterion's or indicator's source, with a URL.

    Examples
    --------
    >>> from kampala.stakeholders import questionnaire
    >>> q = questionnaire().question("e_national_dialogue")
    >>> q.kind, q.levels, q.binary, q.wording
    ('engagement', 2, True, 'kampala')
    """

    code: str
    kind: str
    field: str
    criterion: str
    principle: int
    subprinciple: str
    scale: str
    choices: tuple[Choice, ...] = attrs.field(converter=_choice_tuple)
    groups: tuple[str, ...] = attrs.field(converter=_str_tuple)
    text_en: str
    text_es: str
    by_group: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)
    wording: str = "kampala"
    source: str = ""

    @property
    def levels(self) -> int:
        """Number of levels of the scale (2 for yes / no).

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> questionnaire().question("p1_government_role").levels
        5
        """
        return sum(1 for c in self.choices if c.level >= 0)

    @property
    def binary(self) -> bool:
        """Whether the answer is yes / no.

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> questionnaire().question("p3_shared_governance").binary
        True
        """
        return self.scale == "yes_no"

    def text(self, lang: str | None = None, group: str | None = None) -> str:
        """Return the wording for ``group`` in ``lang``.

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> q = questionnaire().question("p1_local_capacity")
        >>> q.text("en")
        'How much does the partnership invest in local capacities?'
        >>> q.text("es", "private-sector").endswith("su empresa o de sus agremiados?")
        True
        """
        en, es = self.by_group.get(group or "", (self.text_en, self.text_es))
        return es if resolve_lang(lang) == "es" else en

    def asked_of(self, group: str) -> bool:
        """Return whether the question is asked of ``group``.

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> q = questionnaire().question("p5_gender_marker")
        >>> q.asked_of("development-partner"), q.asked_of("civil-society")
        (True, False)
        """
        return group in self.groups


def _special(name: str, level: int) -> Choice:
    words = _data()["special"][name]
    return Choice(name=name, label_en=words["en"], label_es=words["es"], level=level)


def _choices(scale: str) -> tuple[Choice, ...]:
    levels: tuple[Choice, ...]
    if scale == "yes_no":
        levels = (_special("no", 0), _special("yes", 1))
    else:
        labels = _data()["scales"][scale]
        levels = tuple(
            Choice(name=name, label_en=en, label_es=es, level=i)
            for i, (name, (en, es)) in enumerate(labels.items())
        )
    return (
        *levels,
        _special("dont_know", DONT_KNOW),
        _special("not_applicable", NOT_APPLICABLE),
    )


def _scale(path: str) -> str | None:
    spec = _SPEC.get(path)
    if spec is None:
        return None
    if spec.kind == "bool":
        return "yes_no"
    if spec.kind == "ordinal" and spec.enum is not None:
        return spec.enum.__name__ if spec.enum.__name__ in _data()["scales"] else None
    return None


def _code(criterion: str) -> str:
    return criterion.lower().replace(".", "_").replace("-", "_")


@attrs.frozen(kw_only=True)
class Questionnaire:
    """The questions of a multi-stakeholder assessment, in order.

    Build it with `questionnaire`; write forms with
    `kampala.stakeholders.write_xlsform` and `write_xlsx_form`.

    Attributes
    ----------
    questions : tuple of Question
    methodology : str
        Id and version of the methodology its criteria come from.

    Examples
    --------
    >>> from kampala.stakeholders import questionnaire
    >>> q = questionnaire()
    >>> q.methodology, q.codes[-2:]
    ('KPS 1', ('e_national_dialogue', 'e_by_development_partners'))
    """

    questions: tuple[Question, ...] = attrs.field(converter=_question_tuple)
    methodology: str = ""

    def __len__(self) -> int:
        return len(self.questions)

    @property
    def codes(self) -> tuple[str, ...]:
        """The question codes, in order.

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> questionnaire().codes[5]
        'p3_dialogue'
        """
        return tuple(q.code for q in self.questions)

    def question(self, code: str) -> Question:
        """Return the question with this code.

        Raises
        ------
        ParameterValueError
            For an unknown code.

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> questionnaire().question("p4_evaluation").scale
        'EvaluationStatus'
        """
        for q in self.questions:
            if q.code == code:
                return q
        raise ParameterValueError(
            "Questionnaire.question()", "code", code, "a question code of it"
        )

    def for_group(self, group: str) -> tuple[Question, ...]:
        """Return the questions asked of ``group``.

        Examples
        --------
        >>> from kampala.stakeholders import questionnaire
        >>> [q.code for q in questionnaire().for_group("development-partner")][-3:]
        ['p5_risk_sharing', 'p5_private_solution', 'e_national_dialogue']
        """
        check_group(group, "Questionnaire.for_group()")
        return tuple(q for q in self.questions if q.asked_of(group))


def _criterion_questions(
    methodology: Methodology, registry: ScorerRegistry | None
) -> Iterable[Question]:
    texts = _data()["criteria"]
    for spec in methodology.scorers:
        scorer = resolve_scorer(spec, registry)
        for c in scorer.criteria:
            if len(c.evidence) != 1:
                continue
            path = c.evidence[0]
            scale = _scale(path)
            if scale is None:
                continue
            field_spec = _SPEC[path]
            words = texts.get(path)
            if words is None:  # a criterion of a plug-in: the schema's words
                words = {
                    "groups": list(STAKEHOLDER_GROUPS),
                    "en": field_spec.help,
                    "es": field_spec.help_es,
                    "by_group": {},
                }
            yield Question(
                code=_code(c.code),
                kind="criterion",
                field=path,
                criterion=c.code,
                principle=int(c.principle.number),
                subprinciple=c.subprinciple,
                scale=scale,
                choices=_choices(scale),
                groups=words["groups"],
                text_en=words["en"],
                text_es=words["es"],
                by_group=_wordings(words["by_group"]),
                source=c.source,
            )


def _engagement_questions() -> Iterable[Question]:
    data = _data()
    for key, words in data["engagement"].items():
        yield Question(
            code=_code(words["code"]),
            kind="engagement",
            field=key,
            criterion=words["code"],
            principle=int(words["principle"]),
            subprinciple=words["subprinciple"],
            scale="yes_no",
            choices=_choices("yes_no"),
            groups=words["groups"],
            text_en=words["en"],
            text_es=words["es"],
            by_group=_wordings(words["by_group"]),
            source=data["sources"][words["source"]],
        )


def questionnaire(
    methodology: Methodology | None = None, *, registry: ScorerRegistry | None = None
) -> Questionnaire:
    """Build the questionnaire of a scorecard methodology (KPS-1 by default).

    One question per criterion that reads a single ordinal or yes / no
    evidence field, in the methodology's order, then the engagement
    questions.

    Parameters
    ----------
    methodology : Methodology, default=None
        A methodology with scorers; `kampala.methodology.kps1` if None.
    registry : ScorerRegistry, default=None
        Where to find its scorers.

    Returns
    -------
    Questionnaire

    Examples
    --------
    >>> from kampala.stakeholders import questionnaire
    >>> q = questionnaire()
    >>> sorted({item.principle for item in q.questions})
    [1, 2, 3, 4, 5]
    """
    m = kps1() if methodology is None else methodology
    questions = (*_criterion_questions(m, registry), *_engagement_questions())
    return Questionnaire(questions=questions, methodology=f"{m.id} {m.version}")
