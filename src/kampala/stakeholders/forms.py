"""Forms of the questionnaire: an XLSForm (ODK, KoboToolbox) and a plain ``.xlsx``.

`write_xlsform` writes an XLSForm (sheets ``survey``, ``choices`` and
``settings``; labels in ``label::English (en)`` and ``label::Español (es)``
columns, the default language chosen by ``lang``). Questions are grouped by
principle (``begin_group`` ``p1`` ... ``p5``, then ``engagement``), so ODK
Central exports them as ``p1-p1_alignment`` and KoboToolbox as
``p1/p1_alignment``; `kampala.io.read_responses` reads both. A form for one
group uses that group's wording and asks only its questions (the group is a
``calculate`` field); a form for all groups asks the respondent's group and
shows each question only to the groups it is for (``relevant``).

`write_xlsx_form` writes a spreadsheet for people without those tools: one
row per answer set in the sheet ``responses`` (drop-down lists of the answer
labels), the questions in full in the sheet ``questions``.

Both need openpyxl (``pip install 'kampala[io]'``). Files are written
atomically; text that comes from a portfolio is formula-escaped.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from kampala._internal.atomic import atomic_path
from kampala._internal.csvsafe import escape_cell
from kampala._internal.optional_xlsx import openpyxl
from kampala.i18n import resolve_lang, translate
from kampala.principles import Principle
from kampala.stakeholders._questionnaire import (
    STAKEHOLDER_GROUPS,
    check_group,
    group_label,
    questionnaire,
)

if TYPE_CHECKING:
    from kampala.portfolio import Portfolio
    from kampala.stakeholders._questionnaire import Question, Questionnaire

__all__ = ["FIXED_QUESTIONS", "write_xlsform", "write_xlsx_form"]

#: The questions every form asks first: who answers, for which group and
#: partnership.
FIXED_QUESTIONS: tuple[str, ...] = ("respondent", "group", "partnership")

_LANG_COLUMNS = {"en": "English (en)", "es": "Español (es)"}
_MAX_ROWS = 1000  # rows of the plain form that carry drop-down lists


def _questions(q: Questionnaire, group: str | None) -> tuple[Question, ...]:
    return q.questions if group is None else q.for_group(group)


def _fixed_label(name: str, lang: str) -> str:
    texts = {
        "respondent": "Your organisation (name or code)",
        "group": "Which stakeholder group do you belong to?",
        "partnership": "Which partnership do you answer about?",
    }
    return translate(texts[name], lang)


def _section(question: Question) -> str:
    return "engagement" if question.kind == "engagement" else f"p{question.principle}"


def _section_label(section: str, lang: str) -> str:
    if section == "engagement":
        return translate("Engagement in dialogue", lang)
    return Principle(int(section[1:])).title(lang)


def _hint(question: Question, lang: str) -> str:
    return translate(
        "Informs {criterion} (sub-principle {subprinciple}).",
        lang,
        criterion=question.criterion,
        subprinciple=question.subprinciple,
    )


def _relevant(question: Question, group: str | None) -> str:
    if group is not None or set(question.groups) == set(STAKEHOLDER_GROUPS):
        return ""
    return " or ".join(f"selected(${{group}}, '{g}')" for g in question.groups)


def _row(
    kind: str,
    name: str,
    label: tuple[str, str] = ("", ""),
    hint: tuple[str, str] = ("", ""),
    required: str = "",
    relevant: str = "",
    calculation: str = "",
) -> list[str]:
    """One survey row, in the order of the survey sheet's columns."""
    return [kind, name, *label, *hint, required, relevant, calculation]


def _both(make: Any) -> tuple[str, str]:
    return (make("en"), make("es"))


def _fixed_question(kind: str, name: str) -> list[str]:
    """Return the row of a required question of the form itself (who, about what)."""
    return _row(kind, name, _both(lambda g: _fixed_label(name, g)), required="yes")


def _survey_rows(
    q: Questionnaire, group: str | None, portfolio: Portfolio | None
) -> list[list[str]]:
    rows = [_row("start", "start"), _row("end", "end")]
    rows.append(_fixed_question("text", "respondent"))
    if group is None:
        rows.append(_fixed_question("select_one stakeholder_group", "group"))
    else:
        rows.append(_row("calculate", "group", calculation=f"'{group}'"))
    kind = "select_one partnership" if portfolio is not None else "text"
    rows.append(_fixed_question(kind, "partnership"))
    section = ""
    for item in _questions(q, group):
        if _section(item) != section:
            if section:
                rows.append(_row("end_group", ""))
            section = _section(item)
            rows.append(
                _row(
                    "begin_group",
                    section,
                    _both(lambda g, s=section: _section_label(s, g)),
                )
            )
        rows.append(
            _row(
                f"select_one {item.scale}",
                item.code,
                _both(lambda g, i=item: i.text(g, group)),
                _both(lambda g, i=item: _hint(i, g)),
                required="yes",
                relevant=_relevant(item, group),
            )
        )
    if section:
        rows.append(_row("end_group", ""))
    return rows


def _choice_rows(
    q: Questionnaire, group: str | None, portfolio: Portfolio | None
) -> list[list[str]]:
    rows: list[list[str]] = []
    if group is None:
        rows += [
            ["stakeholder_group", g, group_label(g, "en"), group_label(g, "es")]
            for g in STAKEHOLDER_GROUPS
        ]
    if portfolio is not None:
        titles = portfolio.column("title")
        for pid, title in zip(portfolio.ids, titles, strict=True):
            text = escape_cell(f"{pid}: {title}")
            rows.append(["partnership", escape_cell(pid), text, text])
    seen: set[str] = set()
    for item in _questions(q, group):
        if item.scale in seen:
            continue
        seen.add(item.scale)
        rows += [[item.scale, c.name, c.label_en, c.label_es] for c in item.choices]
    return rows


def _check(
    where: str, group: str | None, lang: str | None, questions: Questionnaire | None
) -> tuple[str, Questionnaire]:
    """Check the arguments; return the language and the questions to write."""
    if group is not None:
        check_group(group, where)
    return resolve_lang(lang), questionnaire() if questions is None else questions


def _form_id(group: str | None) -> str:
    return "kampala_kps1_" + (group or "all").replace("-", "_")


def write_xlsform(
    path: str | os.PathLike[str],
    questions: Questionnaire | None = None,
    *,
    group: str | None = None,
    lang: str | None = None,
    portfolio: Portfolio | None = None,
) -> None:
    """Write the questionnaire as an XLSForm for ODK and KoboToolbox.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` file to write (replaced atomically).
    questions : Questionnaire, default=None
        The questions; `questionnaire` () (KPS-1) if None.
    group : str, default=None
        Write the form of one stakeholder group (its questions and
        wording); None writes one form for all groups.
    lang : {"en", "es"}, default=None
        The form's default language (both are in the form).
    portfolio : Portfolio, default=None
        Offer its partnerships as a list; without one the partnership is
        typed in.

    Raises
    ------
    ParameterValueError
        For an unknown group or language.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import openpyxl
    >>> from kampala.stakeholders import write_xlsform
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "form.xlsx"
    ...     write_xlsform(path, group="private-sector", lang="es")
    ...     book = openpyxl.load_workbook(path, read_only=True)
    ...     print(book.sheetnames)
    ...     print(next(book["settings"].values))
    ...     book.close()
    ['survey', 'choices', 'settings']
    ('form_title', 'form_id', 'version', 'default_language')
    """
    lang_, q = _check("write_xlsform()", group, lang, questions)
    xl = openpyxl()
    book = xl.Workbook()
    survey = book.active
    survey.title = "survey"
    en, es = (_LANG_COLUMNS["en"], _LANG_COLUMNS["es"])
    survey.append(
        _row(
            "type",
            "name",
            (f"label::{en}", f"label::{es}"),
            (f"hint::{en}", f"hint::{es}"),
            "required",
            "relevant",
            "calculation",
        )
    )
    for row in _survey_rows(q, group, portfolio):
        survey.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", f"label::{en}", f"label::{es}"])
    for row in _choice_rows(q, group, portfolio):
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    title = translate("Kampala Principles: multi-stakeholder assessment", lang_)
    if group is not None:
        title = f"{title} ({group_label(group, lang_)})"
    settings.append([title, _form_id(group), q.methodology, _LANG_COLUMNS[lang_]])
    with atomic_path(path) as part:
        book.save(part)


def write_xlsx_form(
    path: str | os.PathLike[str],
    questions: Questionnaire | None = None,
    *,
    group: str | None = None,
    lang: str | None = None,
    portfolio: Portfolio | None = None,
) -> None:
    """Write the questionnaire as a plain spreadsheet to fill in.

    The sheet ``responses`` has one column per question (its code as header,
    the question as a comment) and a drop-down list of the answer labels in
    ``lang``; `kampala.io.read_responses` reads it back, accepting answer
    names or labels in either language.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.xlsx`` file to write (replaced atomically).
    questions : Questionnaire, default=None
        The questions; KPS-1's if None.
    group : str, default=None
        One stakeholder group's questions and wording, or all.
    lang : {"en", "es"}, default=None
        The language of the labels.
    portfolio : Portfolio, default=None
        Offer its partnership ids as a drop-down list.

    Examples
    --------
    The government's form, read back before anyone has answered:

    >>> import pathlib, tempfile
    >>> from kampala.io import read_responses
    >>> from kampala.stakeholders import write_xlsx_form
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "form.xlsx"
    ...     write_xlsx_form(path, group="government", lang="es")
    ...     responses = read_responses(path)
    >>> len(responses), responses.questionnaire.codes[:2]
    (0, ('p1_alignment', 'p1_government_role'))
    """
    lang_, q = _check("write_xlsx_form()", group, lang, questions)
    xl = openpyxl()
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    items = _questions(q, group)
    book = xl.Workbook()
    sheet = book.active
    sheet.title = "responses"
    sheet.append([*FIXED_QUESTIONS, *(i.code for i in items)])
    lists = book.create_sheet("choices")
    columns: list[list[str]] = [
        [group] if group is not None else list(STAKEHOLDER_GROUPS),
        [escape_cell(p) for p in portfolio.ids] if portfolio is not None else [],
    ]
    columns += [[c.label(lang_) for c in i.choices] for i in items]
    for j, values in enumerate(columns):
        for k, value in enumerate(values):
            lists.cell(row=k + 1, column=j + 1, value=value)
    for j, values in enumerate(columns):
        if not values:
            continue
        letter = get_column_letter(j + 1)
        rule = DataValidation(
            type="list", formula1=f"choices!${letter}$1:${letter}${len(values)}"
        )
        sheet.add_data_validation(rule)
        target = get_column_letter(j + 2)  # after the respondent column
        rule.add(f"{target}2:{target}{_MAX_ROWS}")
    for j, name in enumerate(FIXED_QUESTIONS):
        sheet.cell(row=1, column=j + 1).comment = Comment(_fixed_label(name, lang_), "")
    for j, item in enumerate(items):
        sheet.cell(row=1, column=j + 4).comment = Comment(item.text(lang_, group), "")
    info = book.create_sheet("questions")
    info.append(
        [translate(h, lang_) for h in ("code", "question", "answers", "criterion")]
        + [translate(h, lang_) for h in ("sub-principle", "source")]
    )
    for item in items:
        answers = " / ".join(c.label(lang_) for c in item.choices)
        info.append(
            [
                item.code,
                item.text(lang_, group),
                answers,
                item.criterion,
                item.subprinciple,
                item.source,
            ]
        )
    lists.sheet_state = "hidden"
    with atomic_path(path) as part:
        book.save(part)
