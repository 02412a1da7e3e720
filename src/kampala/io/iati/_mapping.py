"""Mapping one IATI activity to a partnership, step by step.

Each step reads some elements of the activity and returns values for the
record fields it declares, named by their dotted paths
(`"ownership.government_role"`); `STEPS` lists them in the order they run,
which is also the order of the warnings. `build` then makes the partnership,
one evidence record per group of dotted paths.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from kampala.errors import RecordValidationError
from kampala.io.iati import _actors, _extra, _markers, _money, _places, _results
from kampala.io.iati._common import (
    Activity,
    Context,
    Element,
    Notes,
    Step,
    code_of,
    narrative,
)
from kampala.io.iati._report import ActivityReport
from kampala.io.iati._xml import ACTIVITY
from kampala.portfolio import SCHEMA
from kampala.records import (
    DataPublication,
    InclusionEvidence,
    LeaveNoOneBehindEvidence,
    OwnershipEvidence,
    Partnership,
    ResultsEvidence,
    TransparencyEvidence,
)

#: The evidence record of each group of dotted paths.
GROUPS: dict[str, type[Any]] = {
    "ownership": OwnershipEvidence,
    "results": ResultsEvidence,
    "inclusion": InclusionEvidence,
    "transparency": TransparencyEvidence,
    "leave_no_one_behind": LeaveNoOneBehindEvidence,
}

#: The elements counted by `transparency.publication_completeness`, besides
#: recipient-country or -region, budget (or @budget-not-provided) and result
#: (or an A08 document).
_COMPLETENESS_TAGS = (
    "title",
    "description",
    "participating-org",
    "activity-status",
    "activity-date",
    "sector",
    "transaction",
    "location",
    "policy-marker",
    "document-link",
    "contact-info",
)
_COMPLETENESS_ITEMS = len(_COMPLETENESS_TAGS) + 3


def title(a: Activity, values: dict[str, Any]) -> str:
    """Return the title in the requested language, else the identifier."""
    for t in a.groups.get("title", ()):
        found = narrative(t, a.ctx.lang, a.default_lang)
        if found:
            a.notes.fill("title", "title/narrative")
            return found
    a.notes.warn("title", "no title narrative; the identifier is used")
    return str(values["id"])


def publication(a: Activity, values: dict[str, Any]) -> tuple[DataPublication, float]:
    """Return IATI publication and the share of the 14 elements present."""
    groups = a.groups
    present = 0
    for tag in _COMPLETENESS_TAGS:
        if tag in groups:
            present += 1
    if "recipient-country" in groups or "recipient-region" in groups:
        present += 1
    if "budget" in groups or a.element.get("budget-not-provided"):
        present += 1
    if "result" in groups or any(
        code_of(c) == "A08"
        for d in groups.get("document-link", ())
        for c in d.findall("category")
    ):
        present += 1
    a.notes.fill("transparency.publication", "iati-activities")
    a.notes.fill("transparency.publication_completeness", "iati-activity")
    return DataPublication.IATI, present / _COMPLETENESS_ITEMS


def note(a: Activity, values: dict[str, Any]) -> str:
    """Return `IATI <version>; reporting-org <ref>; activity-status <code>`."""
    reporting = a.element.find("reporting-org")
    ref = code_of(reporting, "ref") if reporting is not None else ""
    status_el = a.element.find("activity-status")
    text = f"IATI {a.ctx.version or '?'}"
    if ref:
        text += f"; reporting-org {ref}"
    status = code_of(status_el) if status_el is not None else ""
    if status:
        text += f"; activity-status {status}"
    a.notes.fill("notes", "iati-activities/@version")
    return text


#: Every step, in the order it runs, with the record fields it writes.
STEPS: tuple[Step, ...] = (
    Step(("title",), title),
    *_places.STEPS,
    *_money.STEPS,
    *_actors.STEPS,
    *_results.STEPS,
    *_markers.STEPS,
    *_extra.STEPS,
    Step(
        ("transparency.publication", "transparency.publication_completeness"),
        publication,
    ),
    Step(("notes",), note),
)


def _field_order() -> tuple[str, ...]:
    order = [spec.path for spec in SCHEMA]
    at = order.index("instruments") + 1
    order[at:at] = ["actors", "actors.kind", "actors.roles", "actors.domestic"]
    return tuple(order)


#: Record fields in the order the report lists them.
FIELD_ORDER = _field_order()

_RANK = {f: i for i, f in enumerate(FIELD_ORDER)}

#: Record fields the report says are missing when no element filled them.
OPTIONAL_FIELDS: tuple[str, ...] = tuple(
    spec.path
    for spec in SCHEMA
    if spec.optional or spec.path in ("sectors", "locations", "instruments")
)


def map_activity(
    element: Element, position: int, ctx: Context, seen: set[str]
) -> tuple[Partnership | None, ActivityReport]:
    """Map one activity: its partnership (None if skipped) and its report."""
    ident_el = element.find("iati-identifier")
    ident = (ident_el.text or "").strip() if ident_el is not None else ""
    # Ids are compared in Unicode NFC, as the portfolio compares them: an id
    # in decomposed form repeats its composed form.
    ident = unicodedata.normalize("NFC", ident)
    if not ident or ident in seen:
        notes = Notes(ident or f"activity {position}")
        notes.warn(
            "iati-identifier",
            "repeats an earlier activity; skipped"
            if ident
            else "missing or empty; activity skipped",
        )
        return None, _skipped(notes, position)
    notes = Notes(ident)
    a = Activity(element, ctx, notes)
    values: dict[str, Any] = {"id": ident}
    notes.fill("id", "iati-identifier")
    for run, writes, first, mode in _RUNS:
        if mode == _ONE:
            values[first] = run(a, values)
        elif mode == _MANY:
            values.update(zip(writes, run(a, values), strict=True))
        else:  # adds to lists that other steps write too
            out = run(a, values)
            outs = (out,) if len(writes) == 1 else out
            for path, value in zip(writes, outs, strict=True):
                held = values.get(path)
                if held is None:
                    values[path] = value
                else:
                    held.extend(value)
    try:
        record = build(values, ctx)
    except RecordValidationError as exc:  # a safety net: the rules avoid it
        notes.warn(ACTIVITY, f"could not be imported: {exc}")
        return None, _skipped(notes, position)
    filled = {f: notes.filled[f] for f in FIELD_ORDER if f in notes.filled}
    missing = [f for f in OPTIONAL_FIELDS if f not in notes.filled]
    if not values["actors"]:  # in report order, whether or not instruments is filled
        at = sum(_RANK[f] < _RANK["actors"] for f in missing)
        missing.insert(at, "actors")
    return record, ActivityReport(
        id=ident,
        position=position,
        filled=filled,
        missing=missing,
        warnings=list(notes.warnings),
    )


def _skipped(notes: Notes, position: int) -> ActivityReport:
    return ActivityReport(
        id=notes.id, position=position, imported=False, warnings=list(notes.warnings)
    )


def build(values: Mapping[str, Any], ctx: Context) -> Partnership:
    """Make a partnership from values keyed by dotted path.

    A list that several steps add to loses its repeats and, in an evidence
    group, is missing (None) when empty; steps return the other evidence
    values as the records take them. Equal evidence records are shared
    (`Context.make`).
    """
    fields: dict[str, Any] = {}
    for path in _TOP:
        fields[path] = values[path]
    for path in _TOP_ADDED:
        fields[path] = tuple(dict.fromkeys(values[path]))
    for group, cls, members, added in _LAYOUT:
        kwargs: dict[str, Any] = {}
        for path, name in members:
            kwargs[name] = values[path]
        for path, name in added:
            kwargs[name] = tuple(dict.fromkeys(values[path])) or None
        fields[group] = ctx.make(cls, **kwargs)
    return Partnership(**fields)


def _written() -> list[str]:
    return ["id", *(path for step in STEPS for path in step.writes)]


#: The fields that several steps add to (lists).
_ADDED = frozenset(p for p in _written() if _written().count(p) > 1)
_ONE, _MANY, _ADDS = range(3)
#: The steps as `map_activity` runs them: the rule, the fields, the first, and
#: how the values are stored (one field; several; adding to lists other steps
#: write).
_RUNS = tuple(
    (
        step.run,
        step.writes,
        step.writes[0],
        _ADDS
        if not _ADDED.isdisjoint(step.writes)
        else _ONE
        if len(step.writes) == 1
        else _MANY,
    )
    for step in STEPS
)
_FIELDS = tuple(dict.fromkeys(_written()))
#: The partnership's own fields (those several steps add to apart), and each
#: evidence group with its record, its fields and those several steps add to,
#: as `(path, record field)` pairs.
_TOP = tuple(p for p in _FIELDS if "." not in p and p not in _ADDED)
_TOP_ADDED = tuple(p for p in _FIELDS if "." not in p and p in _ADDED)
_LAYOUT = tuple(
    (
        group,
        cls,
        tuple(
            (p, p.partition(".")[2])
            for p in _FIELDS
            if p.startswith(group + ".") and p not in _ADDED
        ),
        tuple(
            (p, p.partition(".")[2])
            for p in _FIELDS
            if p.startswith(group + ".") and p in _ADDED
        ),
    )
    for group, cls in GROUPS.items()
)
