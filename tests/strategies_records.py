"""Hypothesis strategies for partnership records and portfolios.

Every strategy yields valid records: enums come from ``st.sampled_from``,
evidence fields are ``None`` (no evidence) part of the time, counts respect
``part <= indicators_total``, dates respect ``start <= end`` and all actors
of a partnership share one currency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from kampala import Portfolio
from kampala.records import (
    EVIDENCE_GROUPS,
    Actor,
    ActorKind,
    Instrument,
    Modality,
    Partnership,
    ResultsEvidence,
    Role,
)
from kampala.schema import SCHEMA, EnumFieldSpec, FieldSpec

T = TypeVar("T")

SDG_CODES = ("1.4", "2.3", "5.5", "8.3", "9.3", "10.2", "13.1", "17.b", "17.17")
SECTOR_CODES = ("311", "31120", "140", "14030", "151", "240")
CURRENCIES = ("USD", "PEN", "EUR")


def optional(strategy: st.SearchStrategy[T]) -> st.SearchStrategy[T | None]:
    """``None`` (no evidence) or a value of ``strategy``."""
    return st.none() | strategy


def members(cls: Any) -> st.SearchStrategy[Any]:
    """A member of an enumeration."""
    return st.sampled_from(list(cls))


def member_sets(cls: Any) -> st.SearchStrategy[tuple[Any, ...]]:
    """Distinct members of an enumeration, in declaration order."""
    return st.sets(members(cls)).map(lambda s: tuple(m for m in cls if m in s))


shares = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
amounts = st.floats(min_value=0.0, max_value=1e7, allow_nan=False)
flags = optional(st.booleans())

_COUNTS = st.integers(0, 20)
_SDG_GOALS = tuple(str(g) for g in range(1, 18))
#: Items of the list fields (any other list field holds place names).
_ITEMS = {
    "sectors": SECTOR_CODES,
    "results.sdg_targets": SDG_CODES,
    "results.sdg_goals": _SDG_GOALS,
}


def field_values(spec: FieldSpec) -> st.SearchStrategy[Any]:
    """Valid values of one field, from its declaration in kampala.schema."""
    if isinstance(spec, EnumFieldSpec):
        values = (
            member_sets(spec.enum) if spec.kind == "enumset" else members(spec.enum)
        )
    elif spec.kind == "strlist":
        items = _ITEMS.get(spec.path, ("Piura", "Lima", "region:489"))
        values = st.lists(st.sampled_from(items), unique=True, max_size=5).map(tuple)
    else:
        values = {
            "share": shares,
            "amount": amounts,
            "count": _COUNTS,
            "bool": st.booleans(),
        }[spec.kind]
    return optional(values) if spec.optional else values


def evidence(group: str, **overrides: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An evidence group with every field drawn from its declaration."""
    return st.builds(
        EVIDENCE_GROUPS[group],
        **{
            s.name: overrides.get(s.name, field_values(s))
            for s in SCHEMA
            if s.group == group
        },
    )


ownership_evidence = evidence("ownership")


@st.composite
def results_evidence(draw: st.DrawFn) -> ResultsEvidence:
    """Results evidence whose indicator counts never exceed the total."""
    total = draw(optional(_COUNTS))

    def part() -> int | None:
        if draw(st.booleans()):
            return None
        value = draw(_COUNTS)
        return value if total is None else value % (total + 1)

    counts = {
        "indicators_total": st.just(total),
        "indicators_with_baseline_and_target": st.just(part()),
        "indicators_from_country_frameworks": st.just(part()),
    }
    return draw(evidence("results", **counts))  # type: ignore[no-any-return]


inclusion_evidence = evidence("inclusion")
transparency_evidence = evidence("transparency")
leave_no_one_behind_evidence = evidence("leave_no_one_behind")


def _actors(currency: str) -> st.SearchStrategy[Actor]:
    return st.builds(
        Actor,
        name=st.sampled_from(["MIDAGRI", "Banco Rural", "ONG Agua", "UNI", "GIZ"]),
        kind=members(ActorKind),
        roles=member_sets(Role),
        domestic=flags,
        financial_contribution=optional(amounts),
        in_kind_contribution=optional(amounts),
        currency=st.just(currency),
    )


_ACTORS = {c: _actors(c) for c in CURRENCIES}
_ACTOR_LISTS = {c: st.lists(_ACTORS[c], max_size=4) for c in CURRENCIES}


def actors(currency: str = "USD") -> st.SearchStrategy[Actor]:
    """An actor whose amounts are in ``currency``."""
    return _ACTORS[currency] if currency in _ACTORS else _actors(currency)


_DATES = st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
_DAYS = st.integers(0, 3650)


@st.composite
def date_ranges(draw: st.DrawFn) -> tuple[dt.date | None, dt.date | None]:
    """``(start, end)`` with ``start <= end`` where both are known."""
    start = draw(optional(_DATES))
    if start is None:
        return None, draw(optional(_DATES))
    if draw(st.booleans()):
        return start, None
    return start, start + dt.timedelta(days=draw(_DAYS))


_TITLES = st.sampled_from(["Agua segura", "Riego en Piura", "Banca rural"])
_COUNTRIES = st.sampled_from(["PE", "BO", "CO"])
_SECTORS = st.lists(st.sampled_from(SECTOR_CODES), max_size=3)
_MODALITIES = optional(members(Modality))
_INSTRUMENTS = member_sets(Instrument)
_NOTES = st.sampled_from(["", "nota"])
_IDS = st.from_regex(r"PE-20[0-9]{2}-[0-9]{3}", fullmatch=True)


@st.composite
def partnerships(draw: st.DrawFn, id: str | None = None) -> Partnership:
    """A valid partnership with any mix of evidence and actors."""
    currency = draw(st.sampled_from(CURRENCIES))
    start, end = draw(date_ranges())
    return Partnership(
        id=id if id is not None else draw(_IDS),
        title=draw(_TITLES),
        country=draw(_COUNTRIES),
        sectors=draw(_SECTORS),
        start=start,
        end=end,
        budget_usd=draw(optional(amounts)),
        modality=draw(_MODALITIES),
        instruments=draw(_INSTRUMENTS),
        actors=draw(_ACTOR_LISTS[currency]),
        ownership=draw(ownership_evidence),
        results=draw(results_evidence()),
        inclusion=draw(inclusion_evidence),
        transparency=draw(transparency_evidence),
        leave_no_one_behind=draw(leave_no_one_behind_evidence),
        notes=draw(_NOTES),
    )


@st.composite
def partnership_lists(
    draw: st.DrawFn, *, min_size: int = 1, max_size: int = 6
) -> list[Partnership]:
    """Partnerships with unique ids ``"P-000"``, ``"P-001"``, …."""
    n = draw(st.integers(min_size, max_size))
    return [draw(partnerships(id=f"P-{i:03d}")) for i in range(n)]


def portfolios(*, min_size: int = 1, max_size: int = 6) -> st.SearchStrategy[Portfolio]:
    """A portfolio built from :func:`partnership_lists`."""
    return partnership_lists(min_size=min_size, max_size=max_size).map(
        Portfolio.from_records
    )


def reorder(items: Sequence[T], order: Sequence[int]) -> list[T]:
    """``items`` in the order given by the index list ``order``."""
    return [items[i] for i in order]
