"""The KPS-1 scorer of principle 4, transparency and accountability.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p4-transparency.md``.
"""

from __future__ import annotations

import attrs

from kampala.portfolio import Portfolio
from kampala.principles import _rubric as rubric

__all__ = ["TransparencyScorer"]


@attrs.frozen(kw_only=True)
class TransparencyScorer(rubric.KPS1Scorer, scorer_id="kps.transparency"):
    """Principle 4, transparency and accountability (KPS-1 criteria P4.*).

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import TransparencyScorer
    >>> ps = TransparencyScorer().score(sample_portfolio())
    >>> len(ps.criteria), ps.score()[:4].round(3).tolist()
    (7, [0.688, 0.514, 0.423, 0.853])
    >>> ps.coverage()[:4].round(2).tolist()  # the 2nd lacks one of 7 criteria
    [1.0, 0.86, 1.0, 1.0]
    """

    def _compute(self, pf: Portfolio) -> list[rubric.FloatArray]:
        return [
            rubric.ordinal_score(pf, "transparency.publication"),
            rubric.share_score(pf, "transparency.publication_completeness"),
            rubric.ordinal_score(pf, "transparency.reporting_frequency"),
            rubric.ordinal_score(pf, "transparency.evaluation"),
            rubric.flag_score(pf, "transparency.grievance_mechanism"),
            rubric.flag_score(pf, "transparency.contributions_disclosed"),
            rubric.flag_score(pf, "transparency.joint_reviews"),
        ]
