"""The KPS-1 scorer of principle 1, inclusive country ownership.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p1-ownership.md``.
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

__all__ = ["OwnershipScorer"]


@attrs.frozen(kw_only=True)
class OwnershipScorer(RubricScorer):
    """Principle 1, inclusive country ownership (KPS-1 criteria P1.*).

    Examples
    --------
    >>> from kampala.principles import OwnershipScorer
    >>> [c.code for c in OwnershipScorer().criteria]
    ['P1.alignment', 'P1.government_role', 'P1.country_systems', \
'P1.registration', 'P1.local_capacity']
    """

    id: ClassVar[str] = "kps.ownership"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = Principle.OWNERSHIP
    criteria: ClassVar[tuple[Criterion, ...]] = kps1_criteria("kps.ownership")

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        return [
            ordinal_score(pf, "ownership.national_plan_alignment"),
            ordinal_score(pf, "ownership.government_role"),
            share_score(pf, "ownership.country_systems_share"),
            flag_score(pf, "ownership.registered_with_agency"),
            ordinal_score(pf, "ownership.local_capacity"),
        ]
