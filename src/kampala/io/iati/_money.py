"""Mapping: money and its terms (budget in US dollars, modality, instruments)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from kampala.io.iati._codelists import (
    BUDGET_TYPE,
    MODALITY,
    TRANSACTION_TYPE,
    finance_instrument,
)
from kampala.io.iati._common import (
    Activity,
    Element,
    Step,
    clean_text,
    code_of,
    in_transactions,
    parse_number,
)
from kampala.records import Instrument, Modality

#: Commitment transaction types read for the budget, in order of preference.
_COMMITMENTS = (("2", "outgoing"), ("11", "incoming"))


def _usd(a: Activity, value_el: Element | None, element: str) -> float | str | None:
    """Return a value in USD, None if absent, its currency if not USD."""
    if value_el is None:
        return None
    amount = parse_number(value_el.text)
    if amount is None:
        if clean_text(value_el.text):
            a.notes.warn(
                element, f"{clean_text(value_el.text)!r} is not a number; ignored"
            )
        return None
    currency = (value_el.get("currency") or "").strip().upper() or a.currency
    if currency != "USD":
        return currency or "an unstated currency"
    return amount


def _in_usd(
    a: Activity, what: str, element: str, total: float, currencies: Iterable[str]
) -> float | None:
    """Return a total for `budget_usd`, or warn and return None.

    `currencies` are the currencies other than USD that some amounts were in;
    any makes the total unusable (kampala does not convert currencies), and
    so does a total that is not positive.
    """
    others = sorted(currencies)
    if others:
        a.notes.warn(
            f"{element}/@currency",
            f"{what} in {', '.join(others)}, not USD; budget_usd left missing "
            "(kampala does not convert currencies)",
        )
        return None
    if 0 < total < math.inf:
        return total
    a.notes.warn(element, f"{what} sum to {total:g}; budget_usd left missing")
    return None


def budget(a: Activity, values: dict[str, Any]) -> float | None:
    """Return the budget in USD: commitments, else budgets."""
    notes = a.notes
    sums: dict[str, float] = {"2": 0.0, "11": 0.0}
    counts: dict[str, int] = {"2": 0, "11": 0}
    other: dict[str, set[str]] = {"2": set(), "11": set()}
    for t in a.groups.get("transaction", ()):
        type_el = t.find("transaction-type")
        kind = (type_el.get("code") or "").strip() if type_el is not None else ""
        if kind not in TRANSACTION_TYPE:
            notes.warn(
                "transaction/transaction-type/@code",
                f"unknown TransactionType code {kind!r}; transaction ignored",
            )
            continue
        if kind not in sums:
            continue
        value = _usd(a, t.find("value"), "transaction/value")
        if isinstance(value, str):
            other[kind].add(value)
        elif value is not None:
            sums[kind] += value
            counts[kind] += 1
    for kind, label in _COMMITMENTS:
        if counts[kind] or other[kind]:
            total = _in_usd(
                a, f"{label} commitments", "transaction/value", sums[kind], other[kind]
            )
            if total is not None:
                notes.fill(
                    "budget_usd", f"transaction[transaction-type/@code={kind}]/value"
                )
            return total
    return _budgets(a, a.groups.get("budget", ()))


def _budgets(a: Activity, budgets: Sequence[Element]) -> float | None:
    """Return the sum of the budgets, a revised one replacing the original."""
    by_period: dict[tuple[str, str], tuple[str, float]] = {}
    other: set[str] = set()
    for b in budgets:
        kind = code_of(b, "type") or "1"
        if kind not in BUDGET_TYPE:
            a.notes.warn("budget/@type", f"unknown BudgetType code {kind!r}; ignored")
            continue
        value = _usd(a, b.find("value"), "budget/value")
        if isinstance(value, str):
            other.add(value)
            continue
        if value is None:
            continue
        start_el, end_el = b.find("period-start"), b.find("period-end")
        period = (
            (start_el.get("iso-date") or "") if start_el is not None else "",
            (end_el.get("iso-date") or "") if end_el is not None else "",
        )
        held = by_period.get(period)
        if held is None or (kind == "2" and held[0] == "1"):
            by_period[period] = (kind, value)
        elif held[0] == kind:
            by_period[period] = (kind, held[1] + value)
    if not by_period and not other:
        return None
    total = sum(v for _, v in by_period.values())
    usd = _in_usd(a, "budgets", "budget/value", total, other)
    if usd is not None:
        a.notes.fill("budget_usd", "budget/value")
    return usd


def modality(a: Activity, values: dict[str, Any]) -> Modality | None:
    """Return the modality of the first known collaboration type."""
    for c in a.groups.get("collaboration-type", ()):
        code = code_of(c)
        if code not in MODALITY:
            a.notes.warn(
                "collaboration-type/@code",
                f"unknown CollaborationType code {code!r}; ignored",
            )
            continue
        found = MODALITY[code]
        if found is not None:
            a.notes.fill("modality", "collaboration-type/@code")
        return found
    return None


def instruments(a: Activity, values: dict[str, Any]) -> list[Instrument]:
    """Return the instruments of the default and the transaction finance types."""
    out: list[Instrument] = []
    for element, items in (
        ("default-finance-type/@code", a.groups.get("default-finance-type", ())),
        (
            "transaction/finance-type/@code",
            in_transactions(a.element, "finance-type"),
        ),
    ):
        for f in items:
            code = code_of(f)
            if not code.isdigit():
                a.notes.warn(element, f"{code!r} is not a FinanceType code; ignored")
                continue
            instrument = finance_instrument(code)
            if instrument is not None:
                a.notes.fill("instruments", element)
                if instrument not in out:
                    out.append(instrument)
    return out


#: The steps of this module, in the order they run, with the fields they write.
STEPS: tuple[Step, ...] = (
    Step(("budget_usd",), budget),
    Step(("modality",), modality),
    Step(("instruments",), instruments),
)
