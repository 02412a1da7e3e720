"""What the mapping modules share: one activity's state and small element readers."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

import attrs

Element = ET.Element
_R = TypeVar("_R")

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Years before this are placeholders (`1900-01-01`), not dates.
PLACEHOLDER_YEAR = 1950
#: The country of an activity with no recipient country.
UNKNOWN_COUNTRY = "ZZ"
ISO2 = re.compile(r"^[A-Z]{2}$")
_SDG_GOAL = re.compile(r"^(?:[1-9]|1[0-7])$")
_SDG_TARGET = re.compile(r"^(?:[1-9]|1[0-7])\.(?:[1-9][0-9]?|[a-z])$")


@attrs.define
class Context:
    lang: str
    country: str | None
    infer_kinds: bool
    version: str | None
    records: dict[tuple[Any, ...], Any] = attrs.field(factory=dict)

    def make(self, cls: type[_R], **fields: Any) -> _R:
        """Build a frozen record, reusing an equal one made earlier.

        Records are immutable, so partnerships may share equal actors and
        evidence groups; real files repeat the same organisations and codes
        from one activity to the next, and building a record (with its
        validators and converters) costs far more than a dictionary lookup.
        """
        key = (cls, *fields.values())
        try:
            return self.records[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: build without reuse
            return cls(**fields)
        record = self.records[key] = cls(**fields)
        return record


class Notes:
    """Collect the filled fields and the warnings of one activity."""

    __slots__ = ("filled", "id", "warnings")

    def __init__(self, activity_id: str) -> None:
        self.id = activity_id
        self.filled: dict[str, str] = {}
        self.warnings: dict[str, None] = {}  # ordered set, repeats dropped

    def warn(self, element: str, message: str) -> None:
        self.warnings[f"{self.id}: {element}: {message}"] = None

    def fill(self, field: str, element: str) -> None:
        held = self.filled.get(field)
        if held is None:
            self.filled[field] = element
        elif held != element and element not in held.split(" + "):
            self.filled[field] = f"{held} + {element}"


class Activity:
    """One activity being mapped: its children by tag, its notes and defaults.

    `groups` maps each tag to the children with that tag, in file order.
    """

    __slots__ = ("ctx", "currency", "default_lang", "element", "groups", "notes")

    def __init__(self, element: Element, ctx: Context, notes: Notes) -> None:
        groups: dict[str, list[Element]] = {}
        for child in element:
            group = groups.get(child.tag)
            if group is None:
                groups[child.tag] = [child]
            else:
                group.append(child)
        self.element = element
        self.groups = groups
        self.ctx = ctx
        self.notes = notes
        self.default_lang = primary_lang(element.get(XML_LANG) or "")
        self.currency = (element.get("default-currency") or "").strip().upper()


class Step(NamedTuple):
    """One mapping step: the record fields it writes, by dotted path, and the rule.

    `run(activity, values)` returns the value of the field when `writes`
    names one, else a tuple with one value per field, in order. `values`
    holds what the earlier steps returned, keyed by dotted path
    (`"ownership.government_role"`), so that a step may read what an earlier
    one found (the actors read the country).
    """

    writes: tuple[str, ...]
    run: Callable[[Activity, dict[str, Any]], Any]


def clean_text(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


@functools.lru_cache(maxsize=64)
def primary_lang(lang: str) -> str:
    return lang.split("-")[0].split("_")[0].lower()


def narrative(el: Element | None, lang: str, default_lang: str) -> str:
    """Return the narrative of `el` in `lang`, else its first non-empty one."""
    if el is None:
        return ""
    first = ""
    for n in el.findall("narrative"):
        text = clean_text(n.text)
        if not text:
            continue
        if primary_lang(n.get(XML_LANG) or default_lang) == lang:
            return text
        if not first:
            first = text
    if not first:  # IATI 1.0x style text directly in the element
        first = clean_text(el.text)
    return first


def code_of(el: Element, attr: str = "code") -> str:
    return (el.get(attr) or "").strip()


def parse_date(value: str | None, notes: Notes, element: str) -> dt.date | None:
    """Parse an ISO date (a time and zone after it are ignored); None if unusable."""
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        notes.warn(element, f"{text!r} is not a valid ISO date; ignored")
        return None
    if day.year < PLACEHOLDER_YEAR:
        notes.warn(element, f"{text!r} is a placeholder date (before 1950); ignored")
        return None
    return day


#: A decimal number in ASCII digits (xsd:decimal, and an exponent).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_number(value: str | None) -> float | None:
    """Return a finite number from an attribute or text, or None.

    Only ASCII digits are numbers, as in XML Schema: ``1_000``, full-width
    or Arabic-Indic digits, ``0x10`` and ``nan`` are not (Python's `float`
    would read the first three). Spaces between digit groups (``1 000``)
    are allowed.
    """
    if not value:
        return None
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        text = text.replace(" ", "")  # "1 000"
        if not _NUMBER.fullmatch(text):
            return None
    x = float(text)
    return x if math.isfinite(x) else None


def plain_text(text: str) -> str:
    """Return `text` in lower case without accents (for matching names)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    return ascii_text.decode("ascii").lower()


def in_transactions(act: Element, tag: str) -> list[Element]:
    """Return the `tag` children of every transaction of an activity."""
    return [c for t in act.findall("transaction") for c in t if c.tag == tag]


def own_or_transactions(
    act: Element, tag: str, own: Sequence[Element]
) -> tuple[Sequence[Element], str]:
    """Return the activity's `tag` children (`own`), else those of its transactions.

    The second item is the element path: `tag`, or `transaction/<tag>`.
    """
    if own:
        return own, tag
    return in_transactions(act, tag), f"transaction/{tag}"


@functools.lru_cache(maxsize=1024)
def sdg_goal(code: str) -> str | None:
    """Return an SDG goal (`"5"`) from a code such as `"SDG 05"`, or None."""
    c = code.strip().upper().removeprefix("SDG").strip().lstrip("0")
    return c if _SDG_GOAL.match(c) else None


@functools.lru_cache(maxsize=1024)
def sdg_target(code: str) -> str | None:
    """Return an SDG target (`"5.5"`) from a target or indicator code, or None."""
    c = code.strip().lower().removeprefix("sdg").strip()
    parts = c.split(".")
    if len(parts) < 2:
        return None
    target = f"{parts[0].lstrip('0')}.{parts[1].lstrip('0') or '0'}"
    return target if _SDG_TARGET.match(target) else None


def add_sdg(a: Activity, out: list[str], found: str | None, element: str) -> bool:
    """Add an SDG goal (`"5"`) or target (`"5.5"`) and note its element.

    Returns False, and adds nothing, when `found` is None.
    """
    if found is None:
        return False
    out.append(found)
    field = "results.sdg_targets" if "." in found else "results.sdg_goals"
    a.notes.fill(field, element)
    return True
