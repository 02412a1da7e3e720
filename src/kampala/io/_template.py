"""The fill-in template: a workbook generated from the field schema.

One worksheet has a column per field (headers in English or Spanish), a
drop-down list for every scale, number and date validation, and a comment
on each header with the field's help text, its values and the KPS-1
criteria it feeds; a second lists the KPS-1 criteria, a third says how to
fill it in. Given a portfolio, its rows are filled in and the evidence that
is missing is coloured. A filled template reads back with `read_portfolio`
as it is: the reader takes labels as headers and Spanish values.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kampala._internal.atomic import atomic_path
from kampala.errors import DataFormatError, ParameterValueError
from kampala.i18n import N_, resolve_lang, translate
from kampala.io._common import ACTOR_FIELDS, COLUMNS, SPEC_BY_PATH, check_portfolio
from kampala.io._headers import header_row
from kampala.io._xlsx import SHEET_NAMES, exact_number, openpyxl, portfolio_rows
from kampala.portfolio import Portfolio
from kampala.scales import labels
from kampala.schema import ACTOR_SCHEMA, FieldSpec

__all__ = ["write_template"]

#: Actor column groups an empty template offers.
MIN_ACTORS = 3
#: Rows of an empty template that carry the drop-down lists and checks.
BLANK_ROWS = 500
#: The fill of a cell whose evidence is missing (light orange).
MISSING_FILL = "FFE0B2"
_SHEETS = {
    "en": ("Lists", "Criteria", "Instructions"),
    "es": ("Listas", "Criterios", "Instrucciones"),
}
_INSTRUCTIONS = (
    N_("One row per partnership; 'Identifier' and 'Title' are required."),
    N_(
        "Choose values from the drop-down lists; write several values of a list "
        "field separated by ';' (for example 'women;youth')."
    ),
    N_("Leave a cell empty when the evidence is unknown: it is then not scored."),
    N_("Orange cells: evidence that is still missing."),
    N_(
        "The comment on each column header says what the field means and which "
        "criteria it feeds (sheet 'Criteria')."
    ),
    N_(
        "Actors: fill 'Actor 1' first, then 'Actor 2', without gaps; add columns "
        "'Actor 4: …' if needed."
    ),
    N_(
        "Check the file with: kampala validate FILE; score it with: kampala score FILE."
    ),
)


def _criteria() -> list[Any]:
    from kampala.principles.scorers import default_criteria

    return list(default_criteria())


def _feeds(lang: str) -> dict[str, list[str]]:
    """Return the criteria each field feeds, as ``P1.alignment (name)``."""
    out: dict[str, list[str]] = {}
    for c in _criteria():
        for path in c.evidence:
            out.setdefault(path, []).append(f"{c.code} ({c.name(lang)})")
    return out


def _spec_of(column: str) -> FieldSpec:
    if column.startswith("actor_"):
        name = column.split("_", 2)[2]
        return next(s for s in ACTOR_SCHEMA if s.path == name)
    return SPEC_BY_PATH[column]


def _values(spec: FieldSpec, lang: str) -> list[str]:
    if spec.enum is not None:
        return list(labels(spec.enum, lang))
    if spec.kind == "bool":
        return ["sí", "no"] if lang == "es" else ["true", "false"]
    return []


def _comment(column: str, spec: FieldSpec, lang: str, feeds: list[str]) -> str:
    lines = [spec.help_es if lang == "es" else spec.help, f"[{column}]"]
    values = _values(spec, lang)
    if values:
        lines.append(translate("Values: {values}", lang, values=", ".join(values)))
    if spec.kind == "enumset" or spec.kind == "strlist":
        lines.append(translate("Several values: separate them with ';'.", lang))
    if feeds:
        lines.append(translate("Feeds: {criteria}", lang, criteria="; ".join(feeds)))
    return "\n".join(lines)


def _validation(spec: FieldSpec, lists: dict[str, str], column: str, lang: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = spec.kind
    error = translate("Not a valid value: see the comment on the header.", lang)
    if column in lists:
        free = kind == "enumset"  # several values: the list only suggests
        return DataValidation(
            type="list", formula1=lists[column], allow_blank=True,
            showErrorMessage=not free, error=error,
        )  # fmt: skip
    checks = {
        "amount": ("decimal", "greaterThanOrEqual", "0", None),
        "share": ("decimal", "between", "0", "1"),
        "count": ("whole", "greaterThanOrEqual", "0", None),
        "date": ("date", "greaterThan", "1", None),
    }
    if kind not in checks:
        return None
    vtype, operator, low, high = checks[kind]
    return DataValidation(
        type=vtype, operator=operator, formula1=low, formula2=high,
        allow_blank=True, showErrorMessage=True, error=error,
    )  # fmt: skip


def write_template(
    target: str | os.PathLike[str],
    *,
    lang: str | None = None,
    portfolio: Portfolio | None = None,
    format: str = "xlsx",
) -> None:
    """Write a fill-in template for partnership evidence.

    The workbook has a sheet of partnerships, one column per field of the
    schema (headers are the fields' labels in ``lang``), with a drop-down
    list for every scale and yes/no field, checks on numbers and dates, and
    a comment on each header with the field's help text, its values and the
    KPS-1 criteria it feeds; a sheet of the KPS-1 criteria; and a sheet of
    instructions. With ``portfolio``, its partnerships are filled in and
    every empty evidence cell is coloured. A filled template reads back with
    `read_portfolio` as it is. ``format="csv"`` writes the header (and the
    rows) only, with ``;`` and a decimal comma in Spanish.

    Parameters
    ----------
    target : str or os.PathLike
        The file to write (``.xlsx``, or ``.csv`` with ``format="csv"``).
    lang : {"en", "es"}, default=None
        The language of headers, values and comments; by default the
        environment's (see `kampala.i18n.resolve_lang`).
    portfolio : Portfolio, default=None
        Partnerships to fill in (for example from an IATI import).
    format : {"xlsx", "csv"}, default="xlsx"
        The kind of file.

    Raises
    ------
    ParameterValueError
        For an unknown ``lang`` or ``format``.
    ParameterTypeError
        If ``portfolio`` is not a `Portfolio`.
    DataFormatError
        If the file cannot be written.
    ImportError
        For ``format="xlsx"`` without openpyxl (the ``io`` extra).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kampala.data import sample_portfolio
    >>> from kampala.io import read_portfolio, write_template
    >>> pf = sample_portfolio()
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "plantilla.xlsx"
    ...     write_template(path, lang="es", portfolio=pf)
    ...     back = read_portfolio(path, name=pf.name)
    >>> back.records == pf.records
    True
    """
    caller = "write_template()"
    code = resolve_lang(lang)
    if portfolio is not None:
        check_portfolio(portfolio, caller)
    if format not in ("xlsx", "csv"):
        raise ParameterValueError(caller, "format", format, "'xlsx' or 'csv'")
    path = Path(target)
    if format == "csv":
        from kampala.io.formats import write_portfolio

        pf = portfolio if portfolio is not None else Portfolio.from_records([])
        options: dict[str, Any] = {"lang": code}
        if code == "es":
            options.update(sep=";", encoding="utf-8-sig")
        write_portfolio(pf, path, format="csv", **options)
        return
    try:
        with atomic_path(path) as part:
            _workbook(code, portfolio).save(part)
    except OSError as exc:
        raise DataFormatError(
            caller, "target", str(path), "a writable path", hint=str(exc)
        ) from exc


def _workbook(lang: str, portfolio: Portfolio | None) -> Any:
    op = openpyxl()
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname

    wb = op.Workbook()
    ws = wb.active
    ws.title = SHEET_NAMES[lang]
    lists_title, criteria_title, help_title = _SHEETS[lang]
    names, rows = _rows(portfolio, lang)
    header = header_row(names, lang)
    ws.append(header)
    bold = Font(bold=True)
    feeds = _feeds(lang)
    missing = PatternFill("solid", start_color=MISSING_FILL, end_color=MISSING_FILL)
    # lists of values, one column each, on a hidden sheet
    lists_ws = wb.create_sheet(lists_title)
    lists: dict[str, str] = {}
    list_of: dict[str, str] = {}  # field path -> range, shared by actor groups
    for column in names:
        spec = _spec_of(column)
        values = _values(spec, lang)
        if not values:
            continue
        if spec.path not in list_of:
            j = len(list_of) + 1
            letter = get_column_letter(j)
            lists_ws.cell(row=1, column=j, value=spec.path)
            for i, v in enumerate(values, start=2):
                lists_ws.cell(row=i, column=j, value=v).data_type = "s"
            ref = quote_sheetname(lists_title)
            list_of[spec.path] = f"{ref}!${letter}$2:${letter}${len(values) + 1}"
        lists[column] = list_of[spec.path]
    lists_ws.sheet_state = "hidden"
    # the rows, typed; missing evidence coloured
    last = max(len(rows) + 1, BLANK_ROWS + 1)
    for r, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            exact = exact_number(value) if isinstance(value, float) else None
            cell = ws.cell(row=r, column=j, value=exact or value)
            if isinstance(value, str):
                cell.data_type = "s"
            elif exact is not None:
                cell.data_type = "n"  # 17 digits: openpyxl would write 16
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            if value is None and "." in names[j - 1]:
                cell.fill = missing
        gaps = sum(v is None and "." in c for v, c in zip(row, names, strict=True))
        if gaps:  # a note on the id: how much evidence is still missing
            note = translate("Missing evidence: {n} field(s), in orange.", lang, n=gaps)
            ws.cell(row=r, column=1).comment = Comment(note, "kampala")
    for j, column in enumerate(names, start=1):
        spec = _spec_of(column)
        cell = ws.cell(row=1, column=j)
        cell.font = bold
        text = _comment(column, spec, lang, feeds.get(spec.path, []))
        cell.comment = Comment(text, "kampala", width=320, height=160)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(12, min(40, len(header[j - 1]) + 2))
        check = _validation(spec, lists, column, lang)
        if check is not None:
            ws.add_data_validation(check)
            check.add(f"{letter}2:{letter}{last}")
        if spec.kind == "date":
            for r in range(2, len(rows) + 2):
                ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
        elif spec.kind in ("str", "strlist"):  # '17.10' stays text, not 17.1
            for r in range(2, last + 1):
                ws.cell(row=r, column=j).number_format = "@"
    ws.freeze_panes = "C2"
    _criteria_sheet(wb.create_sheet(criteria_title), lang, bold)
    _instructions_sheet(wb.create_sheet(help_title), lang, bold)
    return wb


def _rows(portfolio: Portfolio | None, lang: str) -> tuple[list[str], list[list[Any]]]:
    """Return the column names (`MIN_ACTORS` actor groups at least) and rows."""
    rows: list[list[Any]] = []
    n_actors = MIN_ACTORS
    if portfolio is not None:
        names, _, typed = portfolio_rows(portfolio, True, lang)
        rows = list(typed)
        n_actors = max(n_actors, (len(names) - len(COLUMNS)) // len(ACTOR_FIELDS))
    names = list(COLUMNS) + [
        f"actor_{k}_{f}" for k in range(1, n_actors + 1) for f in ACTOR_FIELDS
    ]
    for row in rows:
        row.extend([None] * (len(names) - len(row)))
    return names, rows


def _criteria_sheet(ws: Any, lang: str, bold: Any) -> None:
    heads: Sequence[str] = (
        translate("criterion", lang),
        translate("sub-principle", lang),
        translate("name", lang),
        translate("evidence", lang),
        translate("rule", lang),
    )
    ws.append(list(heads))
    for cell in ws[1]:
        cell.font = bold
    for c in _criteria():
        evidence = ", ".join(
            (SPEC_BY_PATH[p].label_es if lang == "es" else SPEC_BY_PATH[p].label)
            if p in SPEC_BY_PATH
            else p
            for p in c.evidence
        )
        ws.append([c.code, c.subprinciple, c.name(lang), evidence, c.rule(lang)])
    for letter, width in zip("ABCDE", (22, 12, 48, 48, 70), strict=True):
        ws.column_dimensions[letter].width = width


def _instructions_sheet(ws: Any, lang: str, bold: Any) -> None:
    ws.append([translate("How to fill in this template", lang)])
    ws["A1"].font = bold
    for line in _INSTRUCTIONS:
        ws.append([translate(line, lang)])
    ws.column_dimensions["A"].width = 110
