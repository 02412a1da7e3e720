"""Mapping: the participating organisations and the ownership evidence."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import attrs

from kampala.io.iati._codelists import (
    BUDGET_IDENTIFIER_VOCABULARY,
    BUDGET_SUPPORT,
    COUNTRY_BUDGET_VOCABULARY,
    DOMESTIC_OF_TYPE,
    KIND_OF_TYPE,
    ORGANISATION_TYPE,
    ROLE,
    TIED_STATUS,
)
from kampala.io.iati._common import (
    ISO2,
    UNKNOWN_COUNTRY,
    Activity,
    Element,
    Step,
    code_of,
    in_transactions,
    narrative,
    plain_text,
)
from kampala.records import (
    Actor,
    ActorKind,
    Alignment,
    GovernmentRole,
    Role,
)

# legal forms of companies (dots and commas removed, upper case)
_LEGAL_FORMS = frozenset(
    {
        "SA",
        "SAC",
        "SAA",
        "SAS",
        "SRL",
        "SCRL",
        "EIRL",
        "SPA",
        "LTDA",
        "LTD",
        "LIMITED",
        "LLC",
        "INC",
        "PLC",
        "GMBH",
        "BV",
        "NV",
        "SARL",
        "PTY",
        "CORP",
    }
)
_LEGAL_TAILS = (("SA", "DE", "CV"), ("S", "DE", "RL"), ("SAB", "DE", "CV"))
# names of governments (matched in lower case, without accents)
_SUBNATIONAL_NAME = re.compile(
    r"\b(gobierno regional|gobierno provincial|gobierno local|gobierno municipal|"
    r"municipalidad|municipio|alcaldia|prefeitura|gobernacion|governo estadual|"
    r"local government|municipality|city council|county government|"
    r"district council|regional government|provincial government)\b"
)
_GOVERNMENT_NAME = re.compile(
    r"^(ministerio|ministry|ministere|secretaria de estado|gobierno de |"
    r"gobierno del |gobierno nacional|government of |governo d|gouvernement d|"
    r"republica de |republica del |republic of |republique d|presidencia de |"
    r"presidency of )"
)


@functools.lru_cache(maxsize=4096)
def _kind_from_name(name: str) -> tuple[ActorKind, str] | None:
    """Infer an actor kind from an organisation's name, with the clue found."""
    plain = plain_text(name)
    if _SUBNATIONAL_NAME.search(plain):
        return ActorKind.SUBNATIONAL_GOVERNMENT, "a local government name"
    if _GOVERNMENT_NAME.match(plain):
        return ActorKind.GOVERNMENT, "a ministry or government name"
    base = re.sub(r"\s*\([^)]*\)\s*$", "", name.upper())  # a trailing (acronym)
    tokens = re.sub(r"[.,]", "", base).replace("/", " ").split()
    if tokens and tokens[-1] in _LEGAL_FORMS:
        return ActorKind.PRIVATE_SECTOR, f"the legal form {tokens[-1]!r}"
    if tuple(tokens[-3:]) in _LEGAL_TAILS:
        return ActorKind.PRIVATE_SECTOR, f"the legal form {' '.join(tokens[-3:])!r}"
    return None


@functools.lru_cache(maxsize=4096)
def _ref_domestic(ref: str, country: str) -> bool | None:
    """Return what an organisation identifier's prefix says about its origin."""
    prefix = ref.split("-", 1)[0].upper() if "-" in ref else ""
    if not ISO2.match(prefix):
        return None
    if country != UNKNOWN_COUNTRY and prefix == country:
        return True
    if prefix == "XM":
        return False if ref.upper().startswith("XM-DAC-") else None
    if prefix.startswith("X") or country == UNKNOWN_COUNTRY:
        return None  # XI-, XR-: international or unregistered; no country
    return False


@attrs.define
class _Org:
    name: str
    kind: ActorKind
    roles: list[Role]
    domestic: bool | None


def actors(a: Activity, values: dict[str, Any]) -> tuple[Actor, ...]:
    """Return one actor per organisation (same @ref, else same name)."""
    notes = a.notes
    country: str = values["country"]
    merged: dict[str, _Org] = {}
    sources: dict[tuple[str, str], None] = {}  # (field, element), noted once
    for i, org in enumerate(a.groups.get("participating-org", ()), start=1):
        element = f"participating-org[{i}]"
        get = org.get  # code_of() inlined: organisations are many
        ref = (get("ref") or "").strip()
        name = narrative(org, a.ctx.lang, a.default_lang) or ref
        if not name:
            notes.warn(element, "neither @ref nor a name; organisation skipped")
            continue
        role_code = (get("role") or "").strip()
        role = ROLE.get(role_code)
        if role is None:
            problem = (
                f"unknown OrganisationRole code {role_code!r}"
                if role_code
                else "missing"
            )
            notes.warn(f"{element}/@role", f"{problem} ({name}); no role recorded")
        else:
            sources["actors.roles", "participating-org/@role"] = None
        type_code = (get("type") or "").strip()
        kind, domestic = _actor_kind(a, sources, element, name, ref, type_code, country)
        key = ref.casefold() if ref else " ".join(name.casefold().split())
        held = merged.get(key)
        if held is None:
            merged[key] = _Org(
                name=name, kind=kind, roles=[role] if role else [], domestic=domestic
            )
            continue
        if role and role not in held.roles:
            held.roles.append(role)
        if held.kind is ActorKind.OTHER and kind is not ActorKind.OTHER:
            held.kind = kind
        if held.domestic is None:
            held.domestic = domestic
        elif domestic is not None and domestic != held.domestic:
            notes.warn(
                element,
                f"{name!r} is listed as both domestic and foreign; origin left unknown",
            )
            held.domestic = None
    if _multilateral_single_country(a, values):
        for o in merged.values():
            if o.domestic is None and o.kind in _GOVERNMENTS:
                o.domestic = True
                notes.warn(
                    "participating-org",
                    f"{o.name!r} has no @ref; taken as domestic (a government "
                    "organisation in a single-country activity reported by a "
                    "multilateral)",
                )
                sources["actors.domestic", "reporting-org/@type"] = None
    found = [
        a.ctx.make(
            Actor,
            name=o.name,
            kind=o.kind,
            roles=tuple(o.roles),
            domestic=o.domestic,
        )
        for o in merged.values()
    ]
    if found:
        notes.fill("actors", "participating-org")
    for field, source in sources:
        notes.fill(field, source)
    return tuple(found)


_GOVERNMENTS = (ActorKind.GOVERNMENT, ActorKind.SUBNATIONAL_GOVERNMENT)


def _multilateral_single_country(a: Activity, values: dict[str, Any]) -> bool:
    """Whether a multilateral reports an activity in one known country.

    A multilateral has no government of its own, so a government organisation
    taking part in such an activity is the recipient country's.
    """
    reporting = a.element.find("reporting-org")
    if reporting is None or code_of(reporting, "type") != "40":
        return False
    if values["country"] == UNKNOWN_COUNTRY:
        return False
    return not any(p.startswith("country:") for p in values.get("locations") or ())


def _actor_kind(
    a: Activity,
    sources: dict[tuple[str, str], None],
    element: str,
    name: str,
    ref: str,
    type_code: str,
    country: str,
) -> tuple[ActorKind, bool | None]:
    """Return an organisation's kind and whether it is domestic (None: unknown).

    The fields filled, with their elements, are added to `sources`.
    """
    notes = a.notes
    by_ref = _ref_domestic(ref, country) if ref else None
    by_type = DOMESTIC_OF_TYPE.get(type_code)
    if country == UNKNOWN_COUNTRY and type_code in ("24", "72"):
        by_type = None  # "in the recipient country", but which is unknown
    if by_ref is not None and by_type is not None and by_ref != by_type:
        notes.warn(
            element,
            f"@ref {ref!r} and @type {type_code!r} disagree on whether "
            f"{name!r} is domestic; origin left unknown",
        )
        domestic: bool | None = None
    else:
        domestic = by_type if by_type is not None else by_ref
    kind = KIND_OF_TYPE.get(type_code)
    if kind is None:
        if type_code and type_code not in ORGANISATION_TYPE:
            notes.warn(
                f"{element}/@type",
                f"unknown OrganisationType code {type_code!r} ({name})",
            )
        inferred = _kind_from_name(name) if a.ctx.infer_kinds else None
        if inferred is not None:
            kind, clue = inferred
            notes.warn(
                f"{element}/@type",
                f"missing for {name!r}; kind {kind.value} inferred from {clue}",
            )
            sources["actors.kind", "participating-org/narrative"] = None
        else:
            kind = ActorKind.OTHER
    else:
        sources["actors.kind", "participating-org/@type"] = None
        if kind is ActorKind.GOVERNMENT and domestic is False:
            kind = ActorKind.DEVELOPMENT_PARTNER
    if domestic is not None and by_type is not None:
        sources["actors.domestic", "participating-org/@type"] = None
    elif domestic is not None:
        sources["actors.domestic", "participating-org/@ref"] = None
    return kind, domestic


def government_role(a: Activity, values: dict[str, Any]) -> GovernmentRole | None:
    """Return the highest role a domestic government actor plays."""
    role: GovernmentRole | None = None
    actor: Actor
    for actor in values["actors"]:
        if actor.domestic is not True or actor.kind not in (
            ActorKind.GOVERNMENT,
            ActorKind.SUBNATIONAL_GOVERNMENT,
        ):
            continue
        if Role.ACCOUNTABLE in actor.roles or Role.EXTENDING in actor.roles:
            level = GovernmentRole.LEADS
        elif Role.IMPLEMENTER in actor.roles or Role.FUNDER in actor.roles:
            level = GovernmentRole.CO_DESIGNED
        else:
            continue
        if role is None or level.rank > role.rank:
            role = level
    if role is not None:
        a.notes.fill("ownership.government_role", "participating-org/@role")
    return role


def plan_alignment(a: Activity, values: dict[str, Any]) -> Alignment | None:
    """Return partial alignment when budget items use a country classification."""
    notes = a.notes
    alignment: Alignment | None = None
    for cbi in a.groups.get("country-budget-items", ()):
        vocab = code_of(cbi, "vocabulary")
        items = [i for i in cbi.findall("budget-item") if code_of(i)]
        if vocab not in BUDGET_IDENTIFIER_VOCABULARY:
            notes.warn(
                "country-budget-items/@vocabulary",
                f"unknown BudgetIdentifierVocabulary code {vocab!r}; ignored",
            )
        elif not items:
            notes.warn("country-budget-items", "no budget-item with a code")
        elif vocab in COUNTRY_BUDGET_VOCABULARY:
            alignment = Alignment.PARTIAL
            notes.fill("ownership.national_plan_alignment", "country-budget-items")
    return alignment


def _dac_codes(items: Sequence[Element]) -> list[str]:
    """Return the codes of the aid types in vocabulary 1 (OECD DAC)."""
    return [
        code_of(t)
        for t in items
        if (code_of(t, "vocabulary") or "1") == "1" and code_of(t)
    ]


def systems_share(a: Activity, values: dict[str, Any]) -> float | None:
    """Return 1.0 for budget support, 0.0 for tied aid, else None."""
    notes = a.notes
    share: float | None = None
    aid_element = "default-aid-type/@code"
    aid_codes = _dac_codes(a.groups.get("default-aid-type", ()))
    if not aid_codes:
        aid_element = "transaction/aid-type/@code"
        aid_codes = list(set(_dac_codes(in_transactions(a.element, "aid-type"))))
        if len(aid_codes) != 1:
            aid_codes = []
    if aid_codes and all(c in BUDGET_SUPPORT for c in aid_codes):
        share = 1.0
        notes.fill("ownership.country_systems_share", aid_element)
    for t in a.groups.get("default-tied-status", ()):
        code = code_of(t)
        if code not in TIED_STATUS:
            notes.warn(
                "default-tied-status/@code",
                f"unknown TiedStatus code {code!r}; ignored",
            )
        elif code == "4" and share is None:
            share = 0.0
            notes.fill("ownership.country_systems_share", "default-tied-status/@code")
    return share


#: The steps of this module, in the order they run, with the fields they write.
STEPS: tuple[Step, ...] = (
    Step(("actors",), actors),
    Step(("ownership.government_role",), government_role),
    Step(("ownership.national_plan_alignment",), plan_alignment),
    Step(("ownership.country_systems_share",), systems_share),
)
