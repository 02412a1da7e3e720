"""The KPS-1 scorer of principle 1, inclusive country ownership.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p1-ownership.md``.
"""

from __future__ import annotations

import attrs

from kampala.portfolio import Portfolio
from kampala.principles import _rubric as rubric

__all__ = ["OwnershipScorer"]


@attrs.frozen(kw_only=True)
class OwnershipScorer(rubric.KPS1Scorer, scorer_id="kps.ownership"):
    """Principle 1, inclusive country ownership (KPS-1 criteria P1.*).

    Examples
    --------
    >>> from kampala.principles import OwnershipScorer
    >>> [c.code for c in OwnershipScorer().criteria]
    ['P1.alignment', 'P1.government_role', 'P1.country_systems', \
'P1.registration', 'P1.local_capacity']
    """

    def _compute(self, pf: Portfolio) -> list[rubric.FloatArray]:
        return [
            rubric.ordinal_score(pf, "ownership.national_plan_alignment"),
            rubric.ordinal_score(pf, "ownership.government_role"),
            rubric.share_score(pf, "ownership.country_systems_share"),
            rubric.flag_score(pf, "ownership.registered_with_agency"),
            rubric.ordinal_score(pf, "ownership.local_capacity"),
        ]
