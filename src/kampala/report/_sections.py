"""The content of the portfolio report as plain data, one function per section.

Nothing here draws or renders: `kampala.report._render` turns the data into
HTML with the figures. Every sentence goes through `kampala.i18n.translate`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kampala.i18n import N_, translate
from kampala.kps import DISCLAIMER_EN, DISCLAIMER_ES, REFERENCES
from kampala.portfolio import Portfolio
from kampala.report._text import KIND_GROUPS, KIND_NAMES, MODALITY_NAMES
from kampala.scales import ActorKind, Modality, Ordinal
from kampala.schema import field

__all__ = [
    "actor_section",
    "appendix_section",
    "offline_text",
    "profiles_section",
    "ranking_section",
    "summary_section",
]

_S_ASSESSED = N_(
    "This report assesses {n} partnerships of the portfolio “{portfolio}” against "
    "the five Kampala Principles for effective private sector engagement through "
    "development co-operation, with the scorecard {methodology}."
)
_S_SCORED = N_(
    "{scored} of them have enough evidence for an overall score; {unscored} do "
    "not, because their evidence covers less than {threshold} of the weight."
)
_S_ALL_SCORED = N_("All of them have enough evidence for an overall score.")
_S_NONE_SCORED = N_(
    "None of them has enough evidence for an overall score: their evidence "
    "covers less than {threshold} of the weight."
)
_S_RANGE = N_(
    "Overall scores run from {low} to {high} on a scale from 0 to 1 (median {median})."
)
_S_PRINCIPLES = N_(
    "Across the portfolio the strongest principle is {best} (mean score "
    "{best_mean}) and the weakest is {worst} (mean score {worst_mean})."
)
_S_TOP = N_("The highest overall scores: {top}.")
_S_MISSING = N_(
    "The evidence most often missing: {items}. Collecting it would let more "
    "partnerships be scored in full."
)
_S_FLAGGED = N_(
    "{n} principle scores are flagged as insufficient evidence and left blank "
    "rather than scored as if complete."
)
_S_MONEY = N_(
    "The actors recorded contribute {total} in money and in kind; the private "
    "sector contributes {private} of it and development partners {partners}."
)
_S_SST = N_("{n} partnerships are South-South or triangular co-operation.")
_S_ROBUST = N_(
    "When the weights and the aggregation vary within reasonable ranges "
    "({samples} samples), ranks move by {shift} places on average; {stable} "
    "partnerships stay within two places of their rank in nine samples out of ten."
)
_S_BOUNDS = N_(
    "With the evidence still missing, the overall scores could move by up to "
    "{width} on average (see the possible ranges in the table)."
)
_MILLION = N_("{amount} million")
_YES = N_("yes")
_NO = N_("no")
_ACTORS_BELOW = N_("{n} actors (listed below)")
_FLAG = N_("insufficient evidence (coverage below {threshold}): {items}")
_OVERALL = N_("overall")
_S_NO_MONEY = N_("The records hold no amounts for the actors' contributions.")
_S_NO_ROBUST = N_(
    "No partnership has an overall score, so the robustness of the ranking "
    "cannot be assessed."
)
_WEIGHT_SHARE = N_("{share} of the overall weight")
_NEXT_GAIN = N_("narrows the overall range by up to {gain}")

_URL = re.compile(r"https?://(?:doi\.org/)?(\S+)")


def offline_text(text: str) -> str:
    """Write web addresses without their scheme (``doi:`` for DOIs).

    The report is read offline; addresses stay as citations, never as links
    or resources a browser would fetch.

    Examples
    --------
    >>> from kampala.report._sections import offline_text
    >>> offline_text("OECD. https://doi.org/10.1787/9789264043466-en")
    'OECD. doi:10.1787/9789264043466-en'
    >>> offline_text("see https://www.effectivecooperation.org/")
    'see www.effectivecooperation.org/'
    """

    def repl(m: re.Match[str]) -> str:
        return ("doi:" if "doi.org/" in m.group(0) else "") + m.group(1)

    return _URL.sub(repl, text)


def _num(x: float | None, digits: int = 2) -> str:
    return "—" if x is None or math.isnan(x) else f"{x:.{digits}f}"


def _pct(x: float) -> str:
    return f"{x:.0%}"


def money(amount: float, currency: str, lang: str) -> str:
    """Format an amount: ``USD 4.80 million``; ``USD 350,000`` below a million."""
    if abs(amount) >= 1e6:
        return f"{currency} " + translate(_MILLION, lang, amount=f"{amount / 1e6:,.2f}")
    return f"{currency} {amount:,.0f}"


def _join(items: Sequence[str], lang: str) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    last = " y " if lang == "es" else " and "
    return ", ".join(items[:-1]) + last + items[-1]


def summary_section(
    card: Any,
    rows: list[dict[str, Any]],
    portfolio: Portfolio | None,
    robustness: Any,
    lang: str,
) -> list[str]:
    """Return the summary's paragraphs: what was assessed and what was found."""
    n = len(rows)
    ranked = [r for r in rows if r["overall"] is not None]
    out = [
        translate(
            _S_ASSESSED,
            lang,
            n=n,
            portfolio=card.portfolio_name,
            methodology=str(card.methodology).split(" (")[0],
        )
    ]
    if len(ranked) == n:
        out.append(translate(_S_ALL_SCORED, lang))
    elif not ranked:
        out.append(translate(_S_NONE_SCORED, lang, threshold=_pct(card.min_coverage)))
    else:
        out.append(
            translate(
                _S_SCORED,
                lang,
                scored=len(ranked),
                unscored=n - len(ranked),
                threshold=_pct(card.min_coverage),
            )
        )
    if ranked:
        overall = np.array([r["overall"] for r in ranked])
        out.append(
            translate(
                _S_RANGE,
                lang,
                low=_num(overall.min()),
                high=_num(overall.max()),
                median=_num(float(np.median(overall))),
            )
        )
        means = []
        for p in card.principles:
            vals = [r[p.code] for r in rows if r[p.code] is not None]
            if vals:
                means.append((float(np.mean(vals)), p))
        if len(means) >= 2:
            means.sort(key=lambda m: m[0])
            (worst_mean, worst), (best_mean, best) = means[0], means[-1]
            out.append(
                translate(
                    _S_PRINCIPLES,
                    lang,
                    best=f"{best.code} {best.title(lang)}",
                    best_mean=_num(best_mean),
                    worst=f"{worst.code} {worst.title(lang)}",
                    worst_mean=_num(worst_mean),
                )
            )
        top = [f"{r['title']} ({_num(r['overall'])})" for r in ranked[:3]]
        out.append(translate(_S_TOP, lang, top=_join(top, lang)))
    flagged = sum(1 for r in rows for p in card.principles if r[p.code] is None)
    if flagged:
        out.append(translate(_S_FLAGGED, lang, n=flagged))
    missing = _most_missing(card, lang)
    if missing:
        out.append(translate(_S_MISSING, lang, items=_join(missing, lang)))
    widths = [
        r["overall_high"] - r["overall_low"]
        for r in rows
        if r.get("overall_low") is not None and r.get("overall_high") is not None
    ]
    if widths:
        out.append(translate(_S_BOUNDS, lang, width=_num(float(np.mean(widths)))))
    if portfolio is not None:
        out.extend(_money_sentences(portfolio, lang))
    if robustness is not None and robustness.uncertainty is not None and not ranked:
        out.append(translate(_S_NO_ROBUST, lang))
    elif robustness is not None and robustness.uncertainty is not None:
        ua = robustness.uncertainty
        table = [r for r in ua.table() if r["nominal_rank"] is not None]
        stable = [
            r
            for r in table
            if r["rank_p5"] is not None
            and r["rank_p95"] is not None
            and abs(r["rank_p5"] - r["nominal_rank"]) <= 2
            and abs(r["rank_p95"] - r["nominal_rank"]) <= 2
        ]
        out.append(
            translate(
                _S_ROBUST,
                lang,
                samples=ua.n,
                shift=_num(ua.mean_rank_shift, 1),
                stable=len(stable),
            )
        )
    return out


def _most_missing(card: Any, lang: str, k: int = 3) -> list[str]:
    counts: list[tuple[int, str]] = []
    for ps in card.principle_scores.values():
        missing = np.isnan(ps.values).sum(axis=0)
        for c, m in zip(ps.criteria, missing.tolist(), strict=True):
            if m:
                counts.append((int(m), f"{c.name(lang).lower()} ({m})"))
    counts.sort(key=lambda t: -t[0])
    return [text for _, text in counts[:k]]


def _main_currency(portfolio: Portfolio) -> str:
    cur = portfolio.actor_column("currency")
    if cur.size == 0:
        return "USD"
    names, counts = np.unique(cur.astype(str), return_counts=True)
    return str(names[int(np.argmax(counts))])


def _kind_values() -> list[str]:
    return [k.value for k in ActorKind]


def actor_section(portfolio: Portfolio, lang: str) -> dict[str, Any]:
    """Contributions by kind of actor and by modality, as the records hold them."""
    main = _main_currency(portfolio)
    cur = portfolio.actor_column("currency").astype(str)
    same = cur == main
    kinds = portfolio.actor_column("kind").astype(np.int64)
    part = portfolio.actor_column("partnership").astype(np.int64)
    fin = portfolio.actor_column("financial_contribution").astype(np.float64)
    kind = portfolio.actor_column("in_kind_contribution").astype(np.float64)
    unknown = np.isnan(fin) | np.isnan(kind)
    fin0 = np.where(same, np.nan_to_num(fin), 0.0)
    kind0 = np.where(same, np.nan_to_num(kind), 0.0)
    grand = float(fin0.sum() + kind0.sum())
    values = _kind_values()
    by_kind = []
    for label, members in KIND_GROUPS:
        codes = [values.index(m) for m in members]
        mask = np.isin(kinds, codes)
        if not mask.any():
            continue
        f, k = float(fin0[mask].sum()), float(kind0[mask].sum())
        by_kind.append(
            {
                "label": translate(label, lang),
                "actors": int(mask.sum()),
                "partnerships": int(np.unique(part[mask]).size),
                "financial": money(f, main, lang),
                "in_kind": money(k, main, lang),
                "total": money(f + k, main, lang),
                "share": _pct((f + k) / grand) if grand else "—",
                "unknown": int((unknown & mask).sum()),
            }
        )
    modality = portfolio.column("modality").astype(np.int64)
    budget = portfolio.column("budget_usd").astype(np.float64)
    per_fin = np.bincount(part, weights=fin0, minlength=len(portfolio))
    per_kind = np.bincount(part, weights=kind0, minlength=len(portfolio))
    by_modality = []
    modalities: list[Modality | None] = [*Modality, None]
    for j, m in enumerate(modalities):
        mask = modality == (j if m is not None else -1)
        if not mask.any():
            continue
        f, k = float(per_fin[mask].sum()), float(per_kind[mask].sum())
        name = (
            translate(MODALITY_NAMES[m.value], lang)
            if m is not None
            else translate(N_("not recorded"), lang)
        )
        by_modality.append(
            {
                "label": name,
                "partnerships": int(mask.sum()),
                "budget": money(float(np.nansum(budget[mask])), "USD", lang),
                "financial": money(f, main, lang),
                "in_kind": money(k, main, lang),
                "total": money(f + k, main, lang),
                "share": _pct((f + k) / grand) if grand else "—",
            }
        )
    others = sorted(set(cur[~same].tolist()))
    return {
        "currency": main,
        "by_kind": by_kind,
        "by_modality": by_modality,
        "other_currencies": ", ".join(others),
        "other_count": int((~same).sum()),
        "other_note": "",
        "grand_total": money(grand, main, lang),
    }


def _money_sentences(portfolio: Portfolio, lang: str) -> list[str]:
    out = []
    sec = actor_section(portfolio, lang)
    if not any(r["total"] != money(0.0, sec["currency"], lang) for r in sec["by_kind"]):
        out.append(translate(_S_NO_MONEY, lang))
    elif sec["by_kind"]:
        labels = [translate(g[0], lang) for g in KIND_GROUPS]
        by_label = {r["label"]: r["share"] for r in sec["by_kind"]}
        out.append(
            translate(
                _S_MONEY,
                lang,
                total=sec["grand_total"],
                private=by_label.get(labels[1], "0%"),
                partners=by_label.get(labels[2], "0%"),
            )
        )
    codes = portfolio.column("modality")
    sst = int(
        np.isin(
            codes,
            [
                list(Modality).index(Modality.SOUTH_SOUTH),
                list(Modality).index(Modality.TRIANGULAR),
            ],
        ).sum()
    )
    if sst:
        out.append(translate(_S_SST, lang, n=sst))
    return out


def ranking_section(card: Any, rows: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Return the ranked table's rows, with bounds where the scorecard has them."""
    codes = [p.code for p in card.principles]
    fw = card.result.framework
    weights = [fw.normalised_weight(c) for c in codes]
    has_bounds = any("overall_low" in r for r in rows)
    has_ranks = any("rank_best" in r for r in rows)
    table = []
    for r in rows:
        cov = card_coverage(r, codes, weights)
        entry = {
            "rank": "—" if r["rank"] is None else str(r["rank"]),
            "id": r["id"],
            "title": r["title"],
            "scores": [(_num(r[c]), _cell_class(r[c])) for c in codes],
            "overall": _num(r["overall"], 3),
            "overall_class": _cell_class(r["overall"]),
            "coverage": _pct(cov),
            "flags": flags_text(r, codes, card.min_coverage, lang),
        }
        if has_bounds:
            entry["bounds"] = (
                f"{_num(r.get('overall_low'))}\u2013{_num(r.get('overall_high'))}"
            )
        if has_ranks:
            best, worst = r.get("rank_best"), r.get("rank_worst")
            entry["ranks"] = (
                "—" if best is None or worst is None else f"{best}\u2013{worst}"
            )
        table.append(entry)
    return {
        "codes": codes,
        "titles": {p.code: p.title for p in card.principles},
        "rows": table,
        "has_bounds": has_bounds,
        "has_ranks": has_ranks,
    }


def card_coverage(
    row: Mapping[str, Any], codes: Sequence[str], weights: Sequence[float]
) -> float:
    """Return the share of a row's weight with evidence, over its principles."""
    total = float(sum(weights))
    if not total:
        return 0.0
    return (
        sum(
            w * float(row.get(f"{c}_coverage", 0.0))
            for c, w in zip(codes, weights, strict=True)
        )
        / total
    )


def evidence_text(portfolio: Portfolio, criterion: Any, i: int, lang: str) -> str:
    """Describe the evidence a criterion read for partnership ``i``, in words.

    Ordinal levels are named as the criterion's rule names them in ``lang``;
    yes/no, shares as percentages; several fields as ``label: value``.
    """
    paths = criterion.evidence
    if tuple(paths) == ("actors",):
        n = int((portfolio.actor_column("partnership") == i).sum())
        return translate(_ACTORS_BELOW, lang, n=n)
    parts = []
    for path in paths:
        text = _value_text(portfolio, criterion, path, i, lang)
        if len(paths) > 1:
            spec = field(path)
            text = f"{spec.label_es if lang == 'es' else spec.label}: {text}"
        parts.append(text)
    return "; ".join(parts)


def _value_text(
    portfolio: Portfolio, criterion: Any, path: str, i: int, lang: str
) -> str:
    value = portfolio.value(path, i)
    kind = field(path).kind
    if value is None:
        return translate(N_("missing"), lang)
    if isinstance(value, Ordinal):
        names = criterion.rule(lang).split(";")[0].split(" / ")
        levels = len(type(value))
        return names[value.rank].strip() if len(names) == levels else str(value.value)
    if isinstance(value, bool):
        return translate(_YES if value else _NO, lang)
    if kind == "share":
        return f"{float(value):.0%}"
    if isinstance(value, tuple):
        items = [translate(str(getattr(v, "value", v)), lang) for v in value]
        return ", ".join(items)
    return translate(str(getattr(value, "value", value)), lang)


def flags_text(
    row: Mapping[str, Any], codes: Sequence[str], threshold: float, lang: str
) -> str:
    """Return a row's flags in ``lang``: the scores left blank and their coverage.

    Empty when every score is there.
    """
    items = [
        f"{c} {float(row.get(f'{c}_coverage', 0.0)):.0%}"
        for c in codes
        if row[c] is None
    ]
    if row["overall"] is None:
        items.append(translate(_OVERALL, lang))
    if not items:
        return ""
    return translate(_FLAG, lang, threshold=f"{threshold:.0%}", items=", ".join(items))


def _cell_class(x: float | None) -> str:
    if x is None or math.isnan(x):
        return "na"
    return f"q{min(4, int(x * 5))}"


def _next_items(
    next_evidence: Any, names: Mapping[str, str], pid: str, lang: str
) -> list[str] | None:
    """Return the partnership's missing criteria, largest effective weight first.

    ``next_evidence`` is the scorecard's `NextEvidence` (None when the
    scorecard cannot give one); each item says by how much documenting it
    alone could narrow the overall range (its effective weight).
    """
    if next_evidence is None:
        return None
    return [
        f"{names.get(c.code, c.code)} ({c.code}) — "
        + translate(_NEXT_GAIN, lang, gain=_num(float(c.effective_weight)))
        for c in next_evidence.partnerships.get(pid, ())
    ]


def profiles_section(
    card: Any, rows: list[dict[str, Any]], portfolio: Portfolio | None, lang: str
) -> list[dict[str, Any]]:
    """One profile per partnership, in rank order."""
    fw = card.result.framework
    ranked = sum(1 for r in rows if r["rank"] is not None)
    index = {pid: i for i, pid in enumerate(card.ids)}
    method = getattr(card, "next_evidence", None)
    nxt = method() if method is not None else None  # once: it ranks them all
    names = {
        c.code: c.name(lang)
        for ps in card.principle_scores.values()
        for c in ps.criteria
    }
    profiles = []
    for r in rows:
        i = index[r["id"]]
        principles = []
        missing: list[tuple[float, str]] = []
        for p, ps in card.principle_scores.items():
            values = ps.values[i]
            criteria = []
            for c, v in zip(ps.criteria, values.tolist(), strict=True):
                if portfolio is not None:
                    ev = evidence_text(portfolio, c, portfolio.index(r["id"]), lang)
                else:
                    ev = ", ".join(c.evidence)
                if math.isnan(v):
                    ev = translate(N_("missing"), lang)
                    share = fw.normalised_weight(c.code) * fw.normalised_weight(p.code)
                    text = f"{c.name(lang)} ({', '.join(c.evidence)}) — " + translate(
                        _WEIGHT_SHARE, lang, share=f"{share:.0%}"
                    )
                    missing.append((share, text))
                criteria.append(
                    {
                        "name": c.name(lang),
                        "code": c.code,
                        "evidence": ev,
                        "score": _num(v),
                        "width": 0.0 if math.isnan(v) else round(100 * v, 1),
                        "weight": _pct(fw.normalised_weight(c.code)),
                    }
                )
            score = r[p.code]
            low, high = r.get(f"{p.code}_low"), r.get(f"{p.code}_high")
            principles.append(
                {
                    "code": p.code,
                    "title": p.title(lang),
                    "score": _num(score),
                    "width": 0.0 if score is None else round(100 * score, 1),
                    "coverage": _pct(r.get(f"{p.code}_coverage", 0.0)),
                    "low": None if low is None else round(100 * low, 1),
                    "high": None if high is None else round(100 * high, 1),
                    "criteria": criteria,
                }
            )
        profiles.append(
            {
                "id": r["id"],
                "anchor": f"p-{i}",
                "title": r["title"],
                "meta": (
                    translate(
                        N_("Rank {rank} of {ranked} · overall score {overall}"),
                        lang,
                        rank=r["rank"],
                        ranked=ranked,
                        overall=_num(r["overall"], 3),
                    )
                    if r["rank"] is not None
                    else translate(
                        N_("Not ranked · insufficient evidence for an overall score"),
                        lang,
                    )
                ),
                "principles": principles,
                # the heaviest first: what would change the score the most
                "missing": [t for _, t in sorted(missing, key=lambda m: -m[0])],
                "next": _next_items(nxt, names, r["id"], lang),
                "flags": flags_text(
                    r, [p.code for p in card.principles], card.min_coverage, lang
                ),
                "facts": _facts(portfolio, r["id"], lang) if portfolio else [],
                "actors": _actors(portfolio, r["id"], lang) if portfolio else [],
            }
        )
    return profiles


def _facts(portfolio: Portfolio, pid: str, lang: str) -> list[tuple[str, str]]:
    i = portfolio.index(pid)
    out = []
    for path in ("modality", "budget_usd", "start", "end", "sectors"):
        spec = field(path)
        value = portfolio.value(path, i)
        if value is None or value == ():
            continue
        if path == "modality":
            text = translate(MODALITY_NAMES[value.value], lang)
        elif path == "budget_usd":
            text = money(float(value), "USD", lang)
        elif isinstance(value, tuple):
            text = ", ".join(str(v) for v in value)
        else:
            text = str(value)
        out.append((spec.label_es if lang == "es" else spec.label, text))
    return out


def _actors(portfolio: Portfolio, pid: str, lang: str) -> list[dict[str, str]]:
    i = portfolio.index(pid)
    rows = np.flatnonzero(portfolio.actor_column("partnership") == i)
    kinds = list(ActorKind)
    names = portfolio.actor_column("name")
    kind = portfolio.actor_column("kind")
    dom = portfolio.actor_column("domestic")
    fin = portfolio.actor_column("financial_contribution")
    ink = portfolio.actor_column("in_kind_contribution")
    cur = portfolio.actor_column("currency")
    origin = {1.0: N_("domestic"), 0.0: N_("foreign")}
    out = []
    for j in rows.tolist():

        def amount(x: float, j: int = j) -> str:
            return "—" if math.isnan(x) else money(float(x), str(cur[j]), lang)

        out.append(
            {
                "name": str(names[j]),
                "kind": translate(KIND_NAMES[kinds[int(kind[j])].value], lang),
                "origin": translate(
                    origin.get(float(dom[j]), N_("origin unknown")), lang
                ),
                "financial": amount(float(fin[j])),
                "in_kind": amount(float(ink[j])),
            }
        )
    return out


def appendix_section(
    card: Any, methodology: Any, source: str | None, robustness: Any, lang: str
) -> dict[str, Any]:
    """Identity, steps, criteria and weights, references: the citable record."""
    fw = card.result.framework
    principles = []
    for p, ps in card.principle_scores.items():
        principles.append(
            {
                "code": p.code,
                "title": p.title(lang),
                "weight": _pct(fw.normalised_weight(p.code)),
                "scorer": f"{ps.scorer_id} {ps.scorer_version}",
                "criteria": [
                    {
                        "code": c.code,
                        "name": c.name(lang),
                        "weight": _pct(fw.normalised_weight(c.code)),
                        "rule": c.rule(lang),
                        "evidence": ", ".join(c.evidence),
                    }
                    for c in ps.criteria
                ],
            }
        )
    steps = []
    references: list[str] = list(REFERENCES)
    title = card.methodology.id
    if methodology is not None:
        data = methodology.to_dict()
        title = data.get("title") or title
        for step in data.get("steps", []):
            params = ", ".join(f"{k}={v!r}" for k, v in step.get("params", {}).items())
            text = f"{step.get('step')}: {step.get('method')}"
            steps.append(text + (f" ({params})" if params else ""))
        references = list(data.get("references") or references)
    seed = None
    if robustness is not None:
        seed = robustness.seed
    return {
        "title": title,
        "id": card.methodology.id,
        "version": card.methodology.version,
        "sha256": card.methodology.sha256,
        "kampala_version": card.kampala_version,
        "numpy_version": card.numpy_version,
        "portfolio": card.portfolio_name,
        "source": source or card.portfolio_name,
        "min_coverage": _pct(card.min_coverage),
        "steps": steps,
        "described": methodology is not None,
        "principles": principles,
        "references": [offline_text(r) for r in references],
        "seed": seed,
        "disclaimer": DISCLAIMER_ES if lang == "es" else DISCLAIMER_EN,
    }
