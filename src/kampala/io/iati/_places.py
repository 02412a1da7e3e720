"""Mapping: where, when and in which sector (country, locations, sectors, dates)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kampala.io.iati._codelists import DATE_TYPE, REGION_VOCABULARY, SECTOR_VOCABULARY
from kampala.io.iati._common import (
    ISO2,
    UNKNOWN_COUNTRY,
    Activity,
    Step,
    add_sdg,
    code_of,
    narrative,
    own_or_transactions,
    parse_date,
    sdg_goal,
    sdg_target,
)

_DAC = {"1": re.compile(r"^[0-9]{5}$"), "2": re.compile(r"^[0-9]{3}$")}


def countries(a: Activity, values: dict[str, Any]) -> tuple[str, list[str]]:
    """Return the partnership's country and the other recipient countries."""
    notes = a.notes
    found, path = own_or_transactions(
        a.element, "recipient-country", a.groups.get("recipient-country", ())
    )
    element = f"{path}/@code"
    codes: list[str] = []
    for c in found:
        code = code_of(c).upper()
        if ISO2.match(code):
            if code not in codes:
                codes.append(code)
        else:
            notes.warn(
                element, f"{code_of(c)!r} is not an ISO 3166-1 alpha-2 code; ignored"
            )
    wanted = a.ctx.country
    if len(codes) == 1:
        country = codes[0]
    elif codes and wanted in codes:
        country = wanted
    elif codes:
        country = codes[0]
        notes.warn(
            element,
            f"{len(codes)} recipient countries; country set to the first, {country!r}",
        )
    else:
        country = wanted or UNKNOWN_COUNTRY
        notes.warn(
            "recipient-country",
            "none given (only regions or nothing); country set to "
            + (f"{country!r}" if wanted else f"{country!r} (unknown)"),
        )
        return country, []
    notes.fill("country", element)
    others = [f"country:{c}" for c in codes if c != country]
    if others:
        notes.fill("locations", element)
    return country, others


def regions(a: Activity, values: dict[str, Any]) -> list[str]:
    """Return the recipient regions as locations (`region:<code>`)."""
    out: list[str] = []
    for r in a.groups.get("recipient-region", ()):
        code = code_of(r)
        if not code:
            a.notes.warn("recipient-region/@code", "missing; ignored")
            continue
        vocab = code_of(r, "vocabulary") or "1"
        if vocab not in REGION_VOCABULARY:
            a.notes.warn(
                "recipient-region/@vocabulary",
                f"unknown RegionVocabulary code {vocab!r}; kept as given",
            )
        out.append(f"region:{code}" if vocab == "1" else f"region:{vocab}:{code}")
    if out:
        a.notes.fill("locations", "recipient-region/@code")
    return out


def locations(a: Activity, values: dict[str, Any]) -> list[str]:
    """Return the named (or administrative) locations."""
    out: list[str] = []
    for loc in a.groups.get("location", ()):
        name = narrative(loc.find("name"), a.ctx.lang, a.default_lang)
        if name:
            out.append(name)
            a.notes.fill("locations", "location/name/narrative")
            continue
        adm = loc.find("administrative")
        if adm is not None and code_of(adm):
            vocab = code_of(adm, "vocabulary") or "?"
            out.append(f"admin:{vocab}:{code_of(adm)}")
            a.notes.fill("locations", "location/administrative/@code")
            continue
        a.notes.warn("location", "a location without a name or code; ignored")
    return out


def sectors(
    a: Activity, values: dict[str, Any]
) -> tuple[list[str], list[str], list[str]]:
    """Return the OECD DAC sectors, and the SDG goals and targets given as sectors."""
    found, element = own_or_transactions(
        a.element, "sector", a.groups.get("sector", ())
    )
    out: list[str] = []
    goals: list[str] = []
    targets: list[str] = []
    notes = a.notes
    for s in found:
        get = s.get  # code_of() inlined: sectors are many
        code = (get("code") or "").strip()
        vocab = (get("vocabulary") or "").strip() or "1"
        if not code:
            notes.warn(f"{element}/@code", "missing; ignored")
        elif vocab in _DAC:
            if _DAC[vocab].match(code):
                if code not in out:
                    out.append(code)
                notes.fill("sectors", f"{element}/@code")
            else:
                digits = "5" if vocab == "1" else "3"
                notes.warn(
                    f"{element}/@code",
                    f"{code!r} is not a {digits}-digit OECD DAC code "
                    f"(vocabulary {vocab}); ignored",
                )
        elif vocab == "7":
            if not add_sdg(a, goals, sdg_goal(code), f"{element}/@code"):
                notes.warn(f"{element}/@code", f"{code!r} is not an SDG goal")
        elif vocab in ("8", "9"):
            if not add_sdg(a, targets, sdg_target(code), f"{element}/@code"):
                what = "target" if vocab == "8" else "indicator"
                notes.warn(f"{element}/@code", f"{code!r} is not an SDG {what}")
        else:
            label = SECTOR_VOCABULARY.get(vocab)
            described = f"{vocab!r} ({label})" if label else f"{vocab!r} (unknown)"
            notes.warn(
                f"{element}/@vocabulary",
                f"{described} is not an OECD DAC vocabulary; sector {code!r} skipped",
            )
    return out, goals, targets


def dates(a: Activity, values: dict[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    """Return the start (actual, else planned) and the end (likewise)."""
    notes = a.notes
    found: dict[str, dt.date] = {}
    for d in a.groups.get("activity-date", ()):
        kind = (d.get("type") or "").strip()  # code_of() inlined
        if kind not in DATE_TYPE:
            notes.warn(
                "activity-date/@type",
                f"unknown ActivityDateType code {kind!r}; ignored",
            )
            continue
        day = parse_date(d.get("iso-date"), notes, "activity-date/@iso-date")
        if day is not None and kind not in found:
            found[kind] = day
    start = found.get("2") or found.get("1")
    start_el = "2" if "2" in found else "1"
    ends = [(k, found[k]) for k in ("4", "3") if k in found]
    end: dt.date | None = None
    end_el = ""
    for k, day in ends:
        if start is None or day >= start:
            end, end_el = day, k
            break
    if ends and end is None and start is not None:
        notes.warn(
            "activity-date/@iso-date",
            f"the end ({ends[0][1].isoformat()}) precedes the start "
            f"({start.isoformat()}); end ignored",
        )
    if start is not None:
        notes.fill("start", f"activity-date[@type={start_el}]/@iso-date")
    if end is not None:
        notes.fill("end", f"activity-date[@type={end_el}]/@iso-date")
    return start, end


#: The steps of this module, in the order they run, with the fields they write.
STEPS: tuple[Step, ...] = (
    Step(("country", "locations"), countries),
    Step(("locations",), regions),
    Step(("locations",), locations),
    Step(("sectors", "results.sdg_goals", "results.sdg_targets"), sectors),
    Step(("start", "end"), dates),
)
