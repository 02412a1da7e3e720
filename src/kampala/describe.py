"""The citable description of a methodology, generated from the object itself.

`describe()` returns every part of a methodology as data (id, version,
hash, steps, scorers with every criterion and rule, weights, aggregation,
thresholds, references); `to_markdown()` renders it as Markdown in
English or Spanish. Because both read the `Methodology`
object, the description cannot drift from the code that scores.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kampala._version import __version__
from kampala.errors import ParameterValueError
from kampala.i18n import N_, translate
from kampala.kps import DISCLAIMER_EN, DISCLAIMER_ES
from kampala.principles import Principle, Scorer, ScorerRegistry
from kampala.principles._base import criterion_table
from kampala.scoring import ScorerSpec, resolve_scorer

if TYPE_CHECKING:
    # annotations only: kampala.methodology imports this module
    # (Methodology.to_markdown renders the description here)
    from kampala.methodology import Methodology

__all__ = ["describe", "to_markdown"]

#: The words of the description, in English; Spanish is in the catalogue.
_TEXT_EN: dict[str, str] = {
    "title": N_("Methodology"),
    "identity": N_("Identity"),
    "id": N_("Identifier"),
    "version": N_("Version"),
    "hash": N_("SHA-256 of the canonical JSON"),
    "library": N_("Described by kampala"),
    "status": N_("Status"),
    "principles": N_("Principles and criteria"),
    "subprinciples": N_("Sub-principles served"),
    "criterion": N_("Criterion"),
    "sub": N_("Sub-principle"),
    "evidence": N_("Evidence"),
    "rule": N_("Scoring rule"),
    "weight": N_("Weight"),
    "source": N_("Source question or indicator"),
    "scorer": N_("Scorer"),
    "params": N_("parameters"),
    "steps": N_("Steps"),
    "aggregation": N_("Aggregation"),
    "weights_fw": N_(
        "weights from the framework (criteria: as listed; principles: equal "
        "unless overridden)"
    ),
    "weights_eq": N_("equal weights among siblings"),
    "weights_map": N_("weights overridden for"),
    "coverage": N_("Missing evidence"),
    "coverage_text": N_(
        "A criterion without evidence is missing (not zero). A principle's "
        "score is the weighted mean of its criteria with evidence, the "
        "weights renormalised over them; coverage is the share of criterion "
        "weight with evidence. An aggregate whose coverage is below {cov:.0%}"
        " is missing and flagged as insufficient evidence instead of being "
        "scored as if complete; the overall score follows the same rule over "
        "the principles."
    ),
    "references": N_("References"),
    "unverified": N_("(kampala paraphrase, unverified)"),
    "cite": N_("How to cite"),
    "cite_text": N_(
        "Cite the methodology by identifier, version and hash, and the "
        "kampala version that produced the results: "
    ),
    "levels": N_("at level"),
    "min_data": N_("minimum share of children with data"),
    "min_cov": N_("minimum share of children's weight with data"),
    "method": N_("method"),
    "none": N_("none"),
}


def describe(
    methodology: Methodology, *, registry: ScorerRegistry | None = None
) -> dict[str, Any]:
    """Return the full description of a methodology as JSON-ready data.

    Parameters
    ----------
    methodology : Methodology
        The methodology to describe.
    registry : ScorerRegistry, default=None
        Where to find its scorers; `default_registry` if None.

    Returns
    -------
    dict
        The methodology's own JSON (with hash) plus, for each scorer, its
        criteria with rules, sources and effective weights, and the
        principles' titles with the provenance of each title. Names, rules
        and sources come in English and Spanish (``name_en``/``name_es``,
        ``rule_en``/``rule_es``, ``source``/``source_es``); ``source_es``
        is ``source`` where a criterion has no Spanish source.

    Examples
    --------
    >>> from kampala import Methodology
    >>> d = describe(Methodology.default())
    >>> d["id"], len(d["principles"]), d["principles"][0]["criteria"][0]["code"]
    ('KPS', 5, 'P1.alignment')
    >>> d["principles"][0]["criteria"][0]["source_es"][:24]
    'Caja de herramientas 1.B'
    """
    out = methodology.to_dict()
    out["kampala_version"] = __version__
    if methodology.scorers:
        out["disclaimer"] = {"en": DISCLAIMER_EN, "es": DISCLAIMER_ES}
    weight_of = _weights(methodology)
    out["principles"] = [
        _describe_principle(spec, resolve_scorer(spec, registry), weight_of)
        for spec in sorted(methodology.scorers, key=lambda s: s.principle)
    ]
    return out


def _weights(methodology: Methodology) -> Callable[[str, float], float]:
    """Return the weight of a node under the aggregation step (code, default)."""
    agg = methodology.aggregate
    if agg is not None and agg.weights == "equal":
        return lambda code, default: 1.0
    overrides = (
        dict(agg.weights)
        if agg is not None and not isinstance(agg.weights, str)
        else {}
    )
    return lambda code, default: overrides.get(code, default)


def _describe_principle(
    spec: ScorerSpec, scorer: Scorer, weight_of: Callable[[str, float], float]
) -> dict[str, Any]:
    p = Principle(spec.principle)
    rows = criterion_table(scorer.criteria)
    weights = [weight_of(r["code"], r["weight"]) for r in rows]
    total = sum(weights)
    for r, w in zip(rows, weights, strict=True):
        r["weight"] = w
        r["weight_in_principle"] = w / total
    return {
        "number": p.number,
        "code": p.code,
        "title_en": p.title("en"),
        "title_es": p.title("es"),
        "title_verified_en": p.verified("en"),
        "title_verified_es": p.verified("es"),
        "tagline_en": p.tagline("en"),
        "tagline_es": p.tagline("es"),
        "source_url": p.source_url,
        "weight": weight_of(p.code, 1.0),
        "scorer": {"id": spec.id, "version": spec.version, "params": dict(spec.params)},
        "subprinciples": [
            {
                "code": s.code,
                "title_en": s.title("en"),
                "title_es": s.title("es"),
                "verified_en": s.verified_en,
                "verified_es": s.verified_es,
                "source_url": s.source_url,
            }
            for s in p.subprinciples
        ],
        "criteria": rows,
    }


def _lang(lang: str) -> dict[str, str]:
    if lang not in ("en", "es"):
        raise ParameterValueError("to_markdown()", "lang", lang, '"en" or "es"')
    return {key: translate(text, lang) for key, text in _TEXT_EN.items()}


def _step_line(step: dict[str, Any], t: dict[str, str]) -> str:
    params = ", ".join(f"{k}={v!r}" for k, v in step.get("params", {}).items())
    line = f"- **{step['step']}**: {t['method']} `{step['method']}`"
    if params:
        line += f" ({params})"
    if step["step"] == "aggregate":
        if step["weights"] == "framework":
            line += f"; {t['weights_fw']}"
        elif step["weights"] == "equal":
            line += f"; {t['weights_eq']}"
        else:
            pairs = ", ".join(f"{k}={v}" for k, v in step["weights"].items())
            line += f"; {t['weights_map']} {pairs}"
        for level, rule in step.get("levels", {}).items():
            line += f"; {t['levels']} {level}: `{rule['method']}` {rule['params']}"
        if step.get("min_data"):
            line += f"; {t['min_data']} {step['min_data']:.0%}"
        if step.get("min_coverage"):
            line += f"; {t['min_cov']} {step['min_coverage']:.0%}"
    return line


def to_markdown(
    methodology: Methodology,
    *,
    lang: str = "en",
    registry: ScorerRegistry | None = None,
) -> str:
    """Render the citable description of a methodology as Markdown.

    Parameters
    ----------
    methodology, registry
        As for `describe`.
    lang : {"en", "es"}, default="en"
        Language of the description.

    Returns
    -------
    str
        Markdown text: identity and hash, status, every principle with its
        criteria (evidence, rule, weight, source), the steps and thresholds,
        the missing-evidence policy, references and how to cite.

    Examples
    --------
    >>> from kampala import Methodology
    >>> text = to_markdown(Methodology.default(), lang="es")
    >>> "Apropiación nacional inclusiva" in text
    True
    """
    t = _lang(lang)
    d = describe(methodology, registry=registry)
    title = _md_text(d.get("title") or d["id"])
    lines = [f"# {t['title']}: {title}", ""]
    lines += [
        f"## {t['identity']}",
        "",
        f"- {t['id']}: {_md_code(d['id'])}",
        f"- {t['version']}: {_md_code(d['version'])}",
        f"- {t['hash']}: `{d['sha256']}`",
        f"- {t['library']}: {d['kampala_version']}",
        "",
    ]
    if "disclaimer" in d:
        lines += [f"## {t['status']}", "", d["disclaimer"][lang], ""]
    elif d.get("description"):
        lines += [_md_text(d["description"], block=True), ""]
    if d["principles"]:
        lines += [f"## {t['principles']}", ""]
    for p in d["principles"]:
        lines += _principle_markdown(p, lang, t)
    lines += [f"## {t['steps']}", ""]
    for step in d["steps"]:
        lines.append(_step_line(step, t))
    lines.append("")
    agg = next((s for s in d["steps"] if s["step"] == "aggregate"), None)
    if d["principles"] and agg is not None:
        lines += [
            f"## {t['coverage']}",
            "",
            t["coverage_text"].format(cov=agg.get("min_coverage", 0.0)),
            "",
            _coverage_rule(d["principles"], agg.get("min_coverage", 0.0), lang),
            "",
        ]
    if d.get("references"):
        lines += [f"## {t['references']}", ""]
        lines += [f"- {_md_text(r)}" for r in d["references"]]
        lines.append("")
    lines += [
        f"## {t['cite']}",
        "",
        t["cite_text"]
        + _md_code(f"{d['id']} {d['version']} (sha256:{d['sha256']})")
        + f", kampala {d['kampala_version']}.",
        "",
    ]
    return "\n".join(lines)


def _coverage_rule(principles: list[dict[str, Any]], cov: float, lang: str) -> str:
    """State the coverage rule in weight terms, with the fewest principles."""
    weights = sorted((float(p["weight"]) for p in principles), reverse=True)
    total = sum(weights)
    fewest = next(
        (k for k in range(1, len(weights) + 1) if sum(weights[:k]) >= cov * total),
        len(weights),
    )
    return translate(
        "The rule is on weight: the principles with a score must carry at least "
        "{cov:.0%} of the principle weight. With these weights an overall score "
        "can rest on as few as {fewest} of {n} principles; every scorecard row "
        "lists the principles it rests on (basis) and the lowest and highest "
        "score and rank its missing evidence allows.",
        lang,
        cov=cov,
        fewest=fewest,
        n=len(weights),
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _md_text(text: str, *, block: bool = False) -> str:
    """Text from a methodology file, safe in Markdown and the HTML it becomes.

    HTML is escaped (``<script>`` shows as text), control characters are
    dropped, and outside a block (``block=False``) line breaks become spaces,
    so a title cannot start a heading or a list of its own. A line of a block
    that starts with ``#``, ``>``, ``-``, ``+``, ``*``, ``=`` or ``|`` gets a
    backslash, so it stays a paragraph.
    """
    text = html.escape(_CONTROL.sub("", text), quote=False)
    if not block:
        return " ".join(text.split())
    return "\n".join(
        "\\" + line if line.lstrip().startswith(tuple("#>-+*=|")) else line
        for line in text.splitlines()
    )


def _md_code(text: str) -> str:
    """Return a Markdown code span of ``text``, whatever backticks it holds."""
    text = " ".join(_CONTROL.sub("", text).split())
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


def _principle_markdown(p: dict[str, Any], lang: str, t: dict[str, str]) -> list[str]:
    lines: list[str] = []
    ptitle = p[f"title_{lang}"]
    if not p[f"title_verified_{lang}"]:
        ptitle += f" {t['unverified']}"
    lines += [
        f"### {p['code']}. {ptitle}",
        "",
        f"*{p[f'tagline_{lang}']}*"
        + ("" if p[f"title_verified_{lang}"] else f" {t['unverified']}"),
        "",
        f"{t['weight']}: {p['weight']:g} · {t['scorer']}: `{p['scorer']['id']}` "
        f"v{p['scorer']['version']}"
        + (
            f" ({t['params']}: "
            + ", ".join(f"{k}={v}" for k, v in p["scorer"]["params"].items())
            + ")"
            if p["scorer"]["params"]
            else ""
        ),
        "",
        f"{t['subprinciples']}:",
        "",
    ]
    used = {c["subprinciple"] for c in p["criteria"]}
    for s in p["subprinciples"]:
        if s["code"] in used:
            lines.append(f"- {s['code']} {s[f'title_{lang}']}")
    lines += [
        "",
        f"| {t['criterion']} | {t['sub']} | {t['evidence']} | {t['rule']} | "
        f"{t['weight']} | {t['source']} |",
        "|---|---|---|---|---|---|",
    ]
    for c in p["criteria"]:
        name = c[f"name_{lang}"]
        rule = c[f"rule_{lang}"]
        source = c["source_es"] if lang == "es" else c["source"]
        evidence = ", ".join(f"`{e}`" for e in c["evidence"])
        lines.append(
            f"| `{c['code']}` {name} | {c['subprinciple']} | {evidence} | {rule} | "
            f"{c['weight_in_principle']:.3f} | {source} |"
        )
    lines.append("")
    return lines
