"""The words of the portfolio report, in English; Spanish in the catalogue.

`TEXT` maps a key the template uses to an English message; `words(lang)`
translates all of them at once. Sentences with values are templates
(`str.format` fields) translated where the values are known.
"""

from __future__ import annotations

from kampala.i18n import N_, translate

__all__ = ["KIND_GROUPS", "KIND_NAMES", "MODALITY_NAMES", "TEXT", "words"]

TEXT: dict[str, str] = {
    "title": N_("Kampala Principles report"),
    "contents": N_("Contents"),
    "summary": N_("Summary for decision makers"),
    "ranking": N_("Ranking of partnerships"),
    "heatmap": N_("Principle scores at a glance"),
    "actors": N_("Contributions of the actors"),
    "robustness": N_("How robust is the ranking?"),
    "profiles": N_("Partnership profiles"),
    "appendix": N_("Methodology appendix"),
    "rank": N_("rank"),
    "id": N_("id"),
    "partnership": N_("partnership"),
    "overall": N_("overall"),
    "coverage": N_("coverage"),
    "flags": N_("flags"),
    "bounds": N_("possible range"),
    "rank_range": N_("possible ranks"),
    "insufficient": N_("insufficient evidence"),
    "table_note": N_(
        "Scores run from 0 (worst) to 1 (best). — means insufficient evidence: "
        "the evidence covers less than {threshold} of the weight, so no score is "
        "given rather than one that would look complete. Coverage is the share "
        "of the weight with evidence."
    ),
    "bounds_note": N_(
        "The possible range is the lowest and highest overall score the missing "
        "evidence could still produce; the possible ranks follow from the ranges "
        "of all partnerships."
    ),
    "heatmap_note": N_(
        "Each row is a partnership in rank order, each column a principle; "
        "grey cells have insufficient evidence."
    ),
    "actor_kind": N_("kind of actor"),
    "modality": N_("modality"),
    "actors_n": N_("actors"),
    "partnerships_n": N_("partnerships"),
    "financial": N_("financial"),
    "in_kind": N_("in kind"),
    "total": N_("total"),
    "share": N_("share"),
    "unknown": N_("amounts unknown"),
    "budget": N_("budget"),
    "not_recorded": N_("not recorded"),
    "actors_note": N_(
        "As the records hold them: contributions declared by each actor, in "
        "{currency}; amounts the records leave unknown are not counted (the last "
        "column says how many)."
    ),
    "modality_note": N_(
        "Modality of each partnership as recorded (bilateral, multilateral, "
        "South-South, triangular or multi-stakeholder); contributions are those "
        "of all its actors."
    ),
    "currency_mixed": N_(
        "Contributions in {currency} ({n} actors) are left out of this table, "
        "which sums {main} only."
    ),
    "robust_note": N_(
        "Caveats: the analysis varies only the choices listed; it cannot correct "
        "wrong or missing evidence. Intervals from {n} samples are estimates, and "
        "the Sobol' indices carry the bootstrap confidence intervals drawn as "
        "error bars; a small index does not prove a choice harmless outside the "
        "ranges tried."
    ),
    "robust_factors": N_("Choices varied: {factors}."),
    "robust_seed": N_("Samples: {n} (Sobol' base sample {n_base}); seed {seed}."),
    "rank_intervals": N_("Rank intervals"),
    "sobol": N_("What drives the changes in rank (Sobol' indices)"),
    "profile_meta": N_("Rank {rank} of {ranked} · overall score {overall}"),
    "profile_unranked": N_("Not ranked · insufficient evidence for an overall score"),
    "criterion": N_("criterion"),
    "evidence": N_("evidence"),
    "score": N_("score"),
    "missing": N_("missing"),
    "what_missing": N_("What is missing, the heaviest first"),
    "nothing_missing": N_("Every criterion has evidence."),
    "collect_next": N_("What to collect next"),
    "actors_of": N_("Actors and contributions"),
    "no_actors": N_("No actors recorded."),
    "domestic": N_("domestic"),
    "foreign": N_("foreign"),
    "origin_unknown": N_("origin unknown"),
    "identity": N_("Identity"),
    "methodology": N_("Methodology"),
    "version": N_("version"),
    "hash": N_("SHA-256 of the methodology"),
    "kampala_version": N_("kampala version"),
    "numpy_version": N_("NumPy version"),
    "source": N_("data source"),
    "portfolio": N_("portfolio"),
    "generated": N_("generated on"),
    "min_coverage": N_("minimum coverage for a score"),
    "steps": N_("steps"),
    "principles_criteria": N_("Principles, criteria and weights"),
    "weight": N_("weight"),
    "rule": N_("scoring rule"),
    "references": N_("References"),
    "sensitivity_run": N_("sensitivity analysis"),
    "not_run": N_("not run (use --sensitivity)"),
    "disclaimer_title": N_("What this report is not"),
    "print_hint": N_("To print or save as PDF, use the browser's Print command."),
    "principle": N_("principle"),
    "method": N_("method"),
    "criteria_unknown": N_(
        "The full description of the methodology was not given; the criteria "
        "below are those the scorecard scored."
    ),
}

#: Groups of actor kinds in the contributions table, in display order.
KIND_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Government (national and subnational)"),
     ("government", "subnational-government")),
    (N_("Private sector (firms, MSMEs, business associations, PPPs)"),
     ("private-sector", "msme", "business-association",
      "public-private-partnership")),
    (N_("Development partners (bilateral and multilateral)"),
     ("development-partner", "multilateral")),
    (N_("Civil society, communities, academia and foundations"),
     ("civil-society", "community-organisation", "indigenous-organisation",
      "trade-union", "academia", "foundation")),
    (N_("Other"), ("other",)),
)  # fmt: skip

#: Names of the co-operation modalities.
MODALITY_NAMES: dict[str, str] = {
    "bilateral": N_("bilateral"),
    "multilateral": N_("multilateral"),
    "south-south": N_("South-South co-operation"),
    "triangular": N_("triangular co-operation"),
    "multi-stakeholder": N_("multi-stakeholder"),
}

#: Names of the kinds of actor.
KIND_NAMES: dict[str, str] = {
    "government": N_("national government"),
    "subnational-government": N_("subnational government"),
    "private-sector": N_("private firm"),
    "msme": N_("micro, small or medium enterprise"),
    "business-association": N_("business association"),
    "civil-society": N_("civil society organisation"),
    "academia": N_("academia"),
    "community-organisation": N_("community organisation"),
    "indigenous-organisation": N_("indigenous peoples' organisation"),
    "trade-union": N_("trade union"),
    "foundation": N_("foundation"),
    "development-partner": N_("development partner"),
    "multilateral": N_("multilateral organisation"),
    "public-private-partnership": N_("public-private partnership"),
    "other": N_("other"),
}


def words(lang: str) -> dict[str, str]:
    """Return every entry of `TEXT` in ``lang``."""
    return {key: translate(message, lang) for key, message in TEXT.items()}
