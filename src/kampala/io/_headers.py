"""Column headers of tables of partnerships: names, or labels in a language.

A CSV file or a workbook may name its columns by their column names
(``ownership.government_role``, ``actor_1_name``) or by the fields' labels in
English or Spanish (``Rol del gobierno``, ``Actor 1: Nombre``), in any case
and with or without accents: the fill-in template writes labels, and reads
back as it is.
"""

from __future__ import annotations

import functools
import re

from kampala.io._common import ACTOR_COLUMN, COLUMNS, SPEC_BY_PATH
from kampala.scales import fold
from kampala.schema import ACTOR_SCHEMA

__all__ = ["canonical_column", "header_row", "is_known_column"]

_ACTOR_LABEL = re.compile(r"actor ([1-9][0-9]{0,5}):? (.+)")


@functools.cache
def _aliases() -> tuple[dict[str, str], dict[str, str]]:
    """Folded names and labels of partnership columns, and of actor fields."""
    top: dict[str, str] = {}
    for path in COLUMNS:
        spec = SPEC_BY_PATH[path]
        for text in (path, spec.label, spec.label_es):
            top.setdefault(fold(text), path)
    actor: dict[str, str] = {}
    for spec in ACTOR_SCHEMA:
        for text in (spec.path, spec.label, spec.label_es):
            actor.setdefault(fold(text), spec.path)
    return top, actor


def canonical_column(cell: str) -> str:
    """Return the column a header cell names, or the cell itself if none.

    Examples
    --------
    >>> from kampala.io._headers import canonical_column
    >>> canonical_column("Rol del gobierno"), canonical_column("actor 2: Tipo")
    ('ownership.government_role', 'actor_2_kind')
    >>> canonical_column("budget_usd"), canonical_column("Unknown")
    ('budget_usd', 'Unknown')
    """
    if cell in SPEC_BY_PATH or ACTOR_COLUMN.fullmatch(cell):
        return cell
    top, actor = _aliases()
    folded = fold(cell)
    found = top.get(folded)
    if found is not None:
        return found
    m = _ACTOR_LABEL.fullmatch(folded)
    if m and m.group(2) in actor:
        return f"actor_{m.group(1)}_{actor[m.group(2)]}"
    return cell


def is_known_column(cell: str) -> bool:
    """Whether a header cell names a column (see `canonical_column`)."""
    column = canonical_column(cell)
    return column in SPEC_BY_PATH or ACTOR_COLUMN.fullmatch(column) is not None


def header_row(columns: list[str], lang: str | None) -> list[str]:
    """Return the header of ``columns``: names (``lang=None``) or labels.

    Examples
    --------
    >>> from kampala.io._headers import header_row
    >>> header_row(["id", "actor_1_kind"], "es")
    ['Identificador', 'Actor 1: Tipo']
    """
    if lang is None:
        return list(columns)
    es = lang == "es"
    out = []
    for column in columns:
        m = ACTOR_COLUMN.fullmatch(column)
        if m:
            spec = next(s for s in ACTOR_SCHEMA if s.path == m.group(2))
            out.append(f"Actor {m.group(1)}: {spec.label_es if es else spec.label}")
        else:
            spec = SPEC_BY_PATH[column]
            out.append(spec.label_es if es else spec.label)
    return out


def spanish_labels_table() -> str:
    """Render the Spanish label of every value, per field, as Markdown.

    The table of the format reference page (a test checks it is current).

    Examples
    --------
    >>> from kampala.io._headers import spanish_labels_table
    >>> spanish_labels_table().splitlines()[2].startswith("| `modality` | Modalidad |")
    True
    """
    from kampala.scales import label
    from kampala.schema import SCHEMA, markdown_table

    specs = [s for s in (*SCHEMA, *ACTOR_SCHEMA) if s.enum is not None]
    rows = markdown_table(
        specs,
        lang="es",
        describe=lambda s: ", ".join(
            f"`{m.value}` = {label(m, 'es')}" for m in s.enum or ()
        ),
    ).splitlines()
    out = ["| field | label | values (Spanish labels) |", "|---|---|---|"]
    for row in rows[2:]:
        cells = row.split(" | ")
        out.append(f"{cells[0]} | {cells[2]} | {cells[4]}")
    return "\n".join(out)
