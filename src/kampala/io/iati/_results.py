"""Mapping: results evidence (indicators, progress, SDGs, disaggregation)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from typing import Any

import attrs

from kampala.io.iati._codelists import (
    INDICATOR_MEASURE,
    SDG_INDICATOR_VOCABULARY,
    TAG_VOCABULARY,
)
from kampala.io.iati._common import (
    PLACEHOLDER_YEAR,
    Activity,
    Element,
    Step,
    add_sdg,
    clean_text,
    code_of,
    parse_number,
    plain_text,
    sdg_goal,
    sdg_target,
)
from kampala.records import Disaggregation, ReportingFrequency

#: Words (lower case, without accents) that name a disaggregation dimension,
#: in English, Spanish, French or Portuguese.
_DIMENSIONS: tuple[tuple[Disaggregation, tuple[str, ...]], ...] = (
    (Disaggregation.SEX, ("sex", "gender", "sexo", "genero", "sexe", "genre")),
    (Disaggregation.AGE, ("age", "edad", "idade")),
    (Disaggregation.DISABILITY, ("disab", "discapacidad", "handicap", "deficiencia")),
    (
        Disaggregation.ETHNICITY,
        ("ethnic", "etnia", "etnic", "race", "indigen", "raza", "ethni"),
    ),
    (
        Disaggregation.LOCATION,
        (
            "location",
            "region",
            "district",
            "province",
            "provincia",
            "departamento",
            "ubicacion",
            "localidad",
            "urban",
            "rural",
            "zona",
            "area",
        ),
    ),
    (
        Disaggregation.INCOME,
        ("income", "ingreso", "wealth", "quintil", "poverty", "pobreza", "renda"),
    ),
)

#: Median period length (days) up to which reporting has each frequency.
_FREQUENCY: tuple[tuple[int, ReportingFrequency], ...] = (
    (100, ReportingFrequency.QUARTERLY),
    (200, ReportingFrequency.SEMI_ANNUAL),
    (400, ReportingFrequency.ANNUAL),
)


def tags(a: Activity, values: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Return the SDG goals (vocabulary 2) and targets (vocabulary 3) of the tags."""
    goals: list[str] = []
    targets: list[str] = []
    for t in a.groups.get("tag", ()):
        get = t.get  # code_of() inlined: tags are many
        vocab = (get("vocabulary") or "").strip()
        code = (get("code") or "").strip()
        if vocab == "2":
            if not add_sdg(a, goals, sdg_goal(code), "tag[@vocabulary=2]/@code"):
                a.notes.warn("tag/@code", f"{code!r} is not an SDG goal (1-17)")
        elif vocab == "3":
            if not add_sdg(a, targets, sdg_target(code), "tag[@vocabulary=3]/@code"):
                a.notes.warn(
                    "tag/@code", f"{code!r} is not an SDG target such as '5.5'"
                )
        elif vocab not in TAG_VOCABULARY:
            a.notes.warn(
                "tag/@vocabulary", f"unknown TagVocabulary code {vocab!r}; ignored"
            )
    return goals, targets


@attrs.define
class _Tally:
    """What the indicators of one activity add up to."""

    total: int = 0
    with_both: int = 0
    degenerate: int = 0
    progress: list[float] = attrs.field(factory=list)
    lengths: list[int] = attrs.field(factory=list)
    dims: list[Disaggregation] = attrs.field(factory=list)
    sdg_targets: list[str] = attrs.field(factory=list)


def results(
    a: Activity, values: dict[str, Any]
) -> tuple[
    int | None,
    int | None,
    float | None,
    ReportingFrequency | None,
    tuple[Disaggregation, ...] | None,
    list[str],
]:
    """Return the results evidence of the `result` elements (missing without)."""
    found = a.groups.get("result", ())
    if not found:
        return None, None, None, None, None, []
    notes = a.notes
    tally = _Tally()
    for res in found:
        for ind in res.findall("indicator"):
            _indicator(a, ind, tally)
    if tally.degenerate:
        notes.warn(
            "result/indicator/period",
            f"{tally.degenerate} period(s) start and end on the same day",
        )
    notes.fill("results.indicators_total", "result/indicator")
    notes.fill(
        "results.indicators_with_baseline_and_target",
        "result/indicator/baseline + result/indicator/period/target",
    )
    progress = None
    if tally.progress:
        progress = sum(tally.progress) / len(tally.progress)
        notes.fill("results.target_progress", "result/indicator/period/actual")
    frequency = None
    if tally.lengths:
        tally.lengths.sort()
        median = tally.lengths[len(tally.lengths) // 2]
        frequency = next(
            (f for limit, f in _FREQUENCY if median <= limit),
            ReportingFrequency.END_ONLY,
        )
        notes.fill("transparency.reporting_frequency", "result/indicator/period")
    if tally.dims:
        notes.fill(
            "leave_no_one_behind.disaggregation", "result/indicator//dimension/@name"
        )
    return (
        tally.total,
        tally.with_both,
        progress,
        frequency,
        tuple(tally.dims) or None,
        tally.sdg_targets,
    )


def _indicator(a: Activity, ind: Element, tally: _Tally) -> None:
    """Add one indicator to the tally."""
    notes = a.notes
    tally.total += 1
    measure = code_of(ind, "measure")
    if measure and measure not in INDICATOR_MEASURE:
        notes.warn(
            "result/indicator/@measure", f"unknown IndicatorMeasure code {measure!r}"
        )
    baselines: list[Element] = []
    periods: list[Element] = []
    for child in ind:
        tag = child.tag
        if tag == "period":
            periods.append(child)
        elif tag == "baseline":
            baselines.append(child)
        elif tag == "reference" and (
            code_of(child, "vocabulary") == SDG_INDICATOR_VOCABULARY
        ):
            add_sdg(
                a,
                tally.sdg_targets,
                sdg_target(code_of(child)),
                "result/indicator/reference/@code",
            )
    has_baseline = False
    for b in baselines:
        has_baseline = has_baseline or _has_value(b)
        year = (b.get("year") or "").strip()
        if year.isdigit() and int(year) < PLACEHOLDER_YEAR:
            notes.warn(
                "result/indicator/baseline/@year",
                f"{year!r} is a placeholder year; ignored",
            )
        _add_dimensions(b, tally.dims)
    has_target = False
    best: tuple[str, float, float] | None = None
    for period in periods:
        has_target, found = _period(period, tally, has_target)
        if found is not None and (best is None or found[0] >= best[0]):
            best = found
    if has_baseline and has_target:
        tally.with_both += 1
    if best is not None and measure in ("", "1", "2"):
        base = _baseline_value(baselines)
        if base is not None and best[1] != base:
            p = (best[2] - base) / (best[1] - base)
            if math.isfinite(p):
                tally.progress.append(min(1.0, max(0.0, p)))


def _period(
    period: Element, tally: _Tally, has_target: bool
) -> tuple[bool, tuple[str, float, float] | None]:
    """Read one period into the tally.

    Returns whether this or an earlier period (`has_target`) has a target, and
    the period's `(end, target, actual)` when it has numeric values for both
    (the value without dimensions, else the first).
    """
    start = stop = ""
    t_val = a_val = t_first = a_first = None
    for c in period:
        tag = c.tag
        if tag == "target" or tag == "actual":
            value = parse_number(c.get("value"))
            plain = c.find("dimension") is None
            if tag == "target":
                has_target = has_target or _has_value(c)
                if value is not None:
                    if plain and t_val is None:
                        t_val = value
                    elif t_first is None:
                        t_first = value
            elif value is not None:
                if plain and a_val is None:
                    a_val = value
                elif a_first is None:
                    a_first = value
            if not plain or c.find("location") is not None:
                _add_dimensions(c, tally.dims)
        elif tag == "period-start":
            start = c.get("iso-date") or ""
        elif tag == "period-end":
            stop = c.get("iso-date") or ""
    if start and start == stop:
        tally.degenerate += 1
    actual = a_first if a_val is None else a_val
    if actual is None:
        return has_target, None
    days = _days(start, stop)
    if days is not None and days > 0:
        tally.lengths.append(days)
    target = t_first if t_val is None else t_val
    return has_target, None if target is None else (stop, target, actual)


def _has_value(el: Element) -> bool:
    """Tell whether a baseline or target has a value (or a comment)."""
    if (el.get("value") or "").strip():
        return True
    comment = el.find("comment")
    return comment is not None and any(
        clean_text(n.text) for n in comment.findall("narrative")
    )


@functools.lru_cache(maxsize=512)
def _dimension(name: str) -> Disaggregation | None:
    plain = plain_text(name)
    for member, keys in _DIMENSIONS:
        if any(k in plain for k in keys):
            return member
    return None


def _add_dimensions(holder: Element, dims: list[Disaggregation]) -> None:
    """Add the dimensions a baseline, target or actual is disaggregated by."""
    for d in holder.findall("dimension"):
        member = _dimension((d.get("name") or "").strip())
        if member is not None and member not in dims:
            dims.append(member)
    if holder.find("location") is not None and Disaggregation.LOCATION not in dims:
        dims.append(Disaggregation.LOCATION)


def _baseline_value(baselines: Sequence[Element]) -> float | None:
    """Return the value of the latest baseline (by iso-date, then year)."""
    best: tuple[str, float] | None = None
    for b in baselines:
        value = parse_number(b.get("value"))
        if value is None or b.find("dimension") is not None:
            continue
        key = (b.get("iso-date") or "").strip() or (b.get("year") or "").strip()
        if best is None or key > best[0]:
            best = (key, value)
    return None if best is None else best[1]


@functools.lru_cache(maxsize=1024)
def _days(start: str, stop: str) -> int | None:
    """Return the length of a period in days (both ends counted), or None."""
    try:
        d0 = dt.date.fromisoformat(start.strip()[:10])
        d1 = dt.date.fromisoformat(stop.strip()[:10])
    except ValueError:
        return None
    return (d1 - d0).days + 1


#: The steps of this module, in the order they run, with the fields they write.
STEPS: tuple[Step, ...] = (
    Step(("results.sdg_goals", "results.sdg_targets"), tags),
    Step(
        (
            "results.indicators_total",
            "results.indicators_with_baseline_and_target",
            "results.target_progress",
            "transparency.reporting_frequency",
            "leave_no_one_behind.disaggregation",
            "results.sdg_targets",
        ),
        results,
    ),
)
