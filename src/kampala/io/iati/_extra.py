"""Mapping: evidence read from IATI 2.03 elements added in kampala 0.2.

Each rule gives the weakest level its element supports and says nothing
when the element is absent (absence is not a negative answer):

- technical co-operation (aid type D02, or the CRS flag "free-standing
  technical co-operation") is investment in local capacities: *some*;
- an ex-ante impact appraisal (document category A01, not dated after the
  activity's end) is a safeguards provision: *partial*;
- SME development and micro-finance purposes (DAC 32130, 24040) make the
  activity accessible to MSMEs: *partial*;
- incoming funds from a private-sector funding organisation disclose that
  partner's contribution: *yes*.

See `docs/methodology/iati-mapping.md` for each rule and its limit.
"""

from __future__ import annotations

from typing import Any

from kampala.io.iati._common import (
    Activity,
    Step,
    code_of,
    in_transactions,
    parse_date,
)
from kampala.records import CapacityLevel, ProvisionLevel

#: Aid types of technical co-operation in partner countries (vocabulary 1).
_TECHNICAL_COOPERATION = frozenset({"D02"})
#: CRS other-flags code 1: free-standing technical co-operation.
_FTC_FLAG = "1"
#: DAC purpose codes whose beneficiaries are micro, small and medium firms.
_MSME_PURPOSES = frozenset({"32130", "24040"})
#: OrganisationType codes of the private sector.
_PRIVATE_TYPES = frozenset({"70", "71", "72", "73"})
#: TransactionType codes of money coming in: incoming funds, incoming
#: commitment.
_INCOMING = frozenset({"1", "11"})


def local_capacity(a: Activity, values: dict[str, Any]) -> CapacityLevel | None:
    """Return *some* for technical co-operation, else None."""
    notes = a.notes
    default = {
        code_of(t)
        for t in a.groups.get("default-aid-type", ())
        if (code_of(t, "vocabulary") or "1") == "1"
    }
    if not default.isdisjoint(_TECHNICAL_COOPERATION):
        notes.fill("ownership.local_capacity", "default-aid-type/@code")
        return CapacityLevel.SOME
    for crs in a.groups.get("crs-add", ()):
        for flag in crs.findall("other-flags"):
            if code_of(flag) == _FTC_FLAG and code_of(flag, "significance") == "1":
                notes.fill("ownership.local_capacity", "crs-add/other-flags/@code")
                return CapacityLevel.SOME
    aid = {
        code_of(t)
        for t in in_transactions(a.element, "aid-type")
        if (code_of(t, "vocabulary") or "1") == "1"
    }
    if not default and aid and aid <= _TECHNICAL_COOPERATION:
        notes.fill("ownership.local_capacity", "transaction/aid-type/@code")
        return CapacityLevel.SOME
    return None


def safeguards(a: Activity, values: dict[str, Any]) -> ProvisionLevel | None:
    """Return *partial* when an ex-ante impact appraisal is published."""
    end = values["end"]
    for link in a.groups.get("document-link", ()):
        if "A01" not in (code_of(c) for c in link.findall("category")):
            continue
        date_el = link.find("document-date")
        day = (
            parse_date(date_el.get("iso-date"), a.notes, "document-link/document-date")
            if date_el is not None
            else None
        )
        if day is not None and end is not None and day > end:
            continue  # after the end: an evaluation (see transparency.evaluation)
        a.notes.fill(
            "leave_no_one_behind.safeguards", "document-link/category/@code[.='A01']"
        )
        return ProvisionLevel.PARTIAL
    return None


def msme_access(a: Activity, values: dict[str, Any]) -> ProvisionLevel | None:
    """Return *partial* for an SME development or micro-finance purpose."""
    sectors = values.get("sectors") or ()
    if _MSME_PURPOSES.isdisjoint(sectors):
        return None
    a.notes.fill("inclusion.msme_access", "sector/@code[.=32130 or .=24040]")
    return ProvisionLevel.PARTIAL


def contributions_disclosed(a: Activity, values: dict[str, Any]) -> bool | None:
    """Return True when a private funder's incoming funds are published."""
    funders = {
        code_of(org, "ref").casefold()
        for org in a.groups.get("participating-org", ())
        if code_of(org, "role") == "1" and code_of(org, "type") in _PRIVATE_TYPES
    }
    if not funders:
        return None
    for t in a.groups.get("transaction", ()):
        kind = t.find("transaction-type")
        if kind is None or code_of(kind) not in _INCOMING:
            continue
        provider = t.find("provider-org")
        if provider is None:
            continue
        ref = code_of(provider, "ref").casefold()
        if code_of(provider, "type") in _PRIVATE_TYPES or (ref and ref in funders):
            a.notes.fill(
                "transparency.contributions_disclosed",
                "transaction[transaction-type/@code=1 or 11]/provider-org",
            )
            return True
    return None


#: The steps of this module, in the order they run, with the fields they write.
STEPS: tuple[Step, ...] = (
    Step(("ownership.local_capacity",), local_capacity),
    Step(("leave_no_one_behind.safeguards",), safeguards),
    Step(("inclusion.msme_access",), msme_access),
    Step(("transparency.contributions_disclosed",), contributions_disclosed),
)
