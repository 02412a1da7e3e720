"""Mapping: policy markers (gender, disability, participation) and evaluations."""

from __future__ import annotations

from typing import Any

from kampala.io.iati._codelists import (
    DIALOGUE,
    DISABILITY,
    DOCUMENT_CATEGORY,
    GENDER,
    GENDER_MARKER,
    PARTICIPATION,
    POLICY_MARKER,
    SIGNIFICANCE,
)
from kampala.io.iati._common import Activity, Element, Step, code_of, parse_date
from kampala.records import (
    DialogueLevel,
    EvaluationStatus,
    GenderMarker,
    TargetGroup,
)

#: The target group a policy marker adds when significant or principal, and
#: the element the report names for it.
_TARGET_GROUP: dict[str, tuple[TargetGroup, str]] = {
    GENDER: (TargetGroup.WOMEN, "policy-marker[@code=1]/@significance"),
    DISABILITY: (
        TargetGroup.PERSONS_WITH_DISABILITIES,
        "policy-marker[@code=11]/@significance",
    ),
}


def _significance(a: Activity, pm: Element) -> tuple[str, str] | None:
    """Return a DAC marker's code and significance, if kampala reads it.

    Markers of other vocabularies, other codes and unusable significances
    give None (with a warning for unknown codes and significances).
    """
    get = pm.get  # code_of() inlined: markers are many
    if ((get("vocabulary") or "").strip() or "1") != "1":
        return None  # reporting-organisation markers have no shared meaning
    code = (get("code") or "").strip()
    sig = (get("significance") or "").strip()
    if code not in POLICY_MARKER:
        a.notes.warn(
            "policy-marker/@code", f"unknown PolicyMarker code {code!r}; ignored"
        )
        return None
    if code not in (GENDER, PARTICIPATION, DISABILITY):
        return None
    if sig not in SIGNIFICANCE:
        a.notes.warn(
            "policy-marker/@significance",
            f"{sig!r} is not a PolicySignificance code (marker {code}, "
            f"{POLICY_MARKER[code]}); ignored",
        )
        return None
    if sig in ("3", "4"):
        a.notes.warn(
            "policy-marker/@significance",
            f"{sig!r} ({SIGNIFICANCE[sig]}) is not used with marker "
            f"{code} ({POLICY_MARKER[code]}); ignored",
        )
        return None
    return code, sig


def policy_markers(
    a: Activity, values: dict[str, Any]
) -> tuple[GenderMarker | None, tuple[TargetGroup, ...] | None, DialogueLevel | None]:
    """Return the gender marker, the target groups and the dialogue level."""
    notes = a.notes
    gender: GenderMarker | None = None
    groups: list[TargetGroup] = []
    dialogue: DialogueLevel | None = None
    for pm in a.groups.get("policy-marker", ()):
        found = _significance(a, pm)
        if found is None:
            continue
        code, sig = found
        if code == GENDER:
            gender = GENDER_MARKER[sig]
            notes.fill(
                "leave_no_one_behind.gender_marker",
                "policy-marker[@code=1]/@significance",
            )
        if code in _TARGET_GROUP:
            group = _TARGET_GROUP[code][0]
            if sig != "0" and group not in groups:
                groups.append(group)
        elif sig in DIALOGUE:
            dialogue = DIALOGUE[sig]
            notes.fill("inclusion.dialogue", "policy-marker[@code=3]/@significance")
    if groups:
        sources = [
            element for group, element in _TARGET_GROUP.values() if group in groups
        ]
        notes.fill("leave_no_one_behind.target_groups", " + ".join(sources))
    return gender, tuple(groups) or None, dialogue


def evaluation(a: Activity, values: dict[str, Any]) -> EvaluationStatus | None:
    """Return the evaluation status the document links show."""
    notes = a.notes
    end = values["end"]
    status: EvaluationStatus | None = None
    for link in a.groups.get("document-link", ()):
        codes = [code_of(c) for c in link.findall("category")]
        for code in codes:
            if code not in DOCUMENT_CATEGORY:
                notes.warn(
                    "document-link/category/@code",
                    f"unknown DocumentCategory code {code!r}",
                )
        url = (link.get("url") or "").strip()
        level: EvaluationStatus | None = None
        if "A07" in codes:
            level = EvaluationStatus.PUBLISHED if url else EvaluationStatus.DONE
            element = "document-link/category/@code[.='A07']"
        elif "A01" in codes and url:
            date_el = link.find("document-date")
            day = (
                parse_date(
                    date_el.get("iso-date"), notes, "document-link/document-date"
                )
                if date_el is not None
                else None
            )
            if day is not None and end is not None and day > end:
                level = EvaluationStatus.PUBLISHED
                element = "document-link/category/@code[.='A01']"
        if level is not None and (status is None or level.rank > status.rank):
            status = level
            notes.filled.pop("transparency.evaluation", None)
            notes.fill("transparency.evaluation", element)
    return status


#: The steps of this module, in the order they run, with the fields they write.
STEPS: tuple[Step, ...] = (
    Step(
        (
            "leave_no_one_behind.gender_marker",
            "leave_no_one_behind.target_groups",
            "inclusion.dialogue",
        ),
        policy_markers,
    ),
    Step(("transparency.evaluation",), evaluation),
)
