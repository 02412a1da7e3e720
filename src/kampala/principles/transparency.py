"""The KPS-1 scorer of principle 4, transparency and accountability.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p4-transparency.md``.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from kampala.portfolio import Portfolio
from kampala.principles._base import Criterion, Principle
from kampala.principles._rubric import (
    FloatArray,
    RubricScorer,
    flag_score,
    kps1_criteria,
    ordinal_score,
    share_score,
)

__all__ = ["TransparencyScorer"]


@attrs.frozen(kw_only=True)
class TransparencyScorer(RubricScorer):
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

    id: ClassVar[str] = "kps.transparency"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = Principle.TRANSPARENCY
    criteria: ClassVar[tuple[Criterion, ...]] = kps1_criteria("kps.transparency")

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        return [
            ordinal_score(pf, "transparency.publication"),
            share_score(pf, "transparency.publication_completeness"),
            ordinal_score(pf, "transparency.reporting_frequency"),
            ordinal_score(pf, "transparency.evaluation"),
            flag_score(pf, "transparency.grievance_mechanism"),
            flag_score(pf, "transparency.contributions_disclosed"),
            flag_score(pf, "transparency.joint_reviews"),
        ]
