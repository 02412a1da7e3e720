"""The KPS-1 scorer of principle 5, leave no one behind.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p5-leave-no-one-behind.md``.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from kampala.portfolio import Portfolio
from kampala.principles._base import Criterion, Principle
from kampala.principles._rubric import (
    FloatArray,
    RubricScorer,
    check_target,
    count_score,
    kps1_criteria,
    ordinal_score,
    share_score,
)

__all__ = ["LeaveNoOneBehindScorer"]


def _set_count(pf: Portfolio, path: str) -> FloatArray:
    col = pf.column(path)
    out: FloatArray = col.sum(axis=1)  # a NaN row (unknown) stays NaN
    return out


@attrs.frozen(kw_only=True)
class LeaveNoOneBehindScorer(RubricScorer):
    """Principle 5, leave no one behind (KPS-1 criteria P5.*).

    Parameters
    ----------
    target_group_count : int, default=2
        Number of explicitly targeted groups that scores 1.
    disaggregation_count : int, default=3
        Number of disaggregation dimensions of results data that scores 1.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import LeaveNoOneBehindScorer
    >>> pf = sample_portfolio()
    >>> strict = LeaveNoOneBehindScorer(disaggregation_count=5)
    >>> strict.params()
    {'target_group_count': 2, 'disaggregation_count': 5}
    >>> default = LeaveNoOneBehindScorer().score(pf)
    >>> default.column("P5.disaggregation")[:3].round(2).tolist()
    [1.0, 0.33, 0.67]
    >>> strict.score(pf).column("P5.disaggregation")[:3].round(2).tolist()
    [0.6, 0.2, 0.4]
    """

    id: ClassVar[str] = "kps.leave-no-one-behind"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = Principle.LEAVE_NO_ONE_BEHIND
    criteria: ClassVar[tuple[Criterion, ...]] = kps1_criteria("kps.leave-no-one-behind")

    target_group_count: int = attrs.field(default=2, validator=check_target)
    disaggregation_count: int = attrs.field(default=3, validator=check_target)

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        return [
            count_score(
                _set_count(pf, "leave_no_one_behind.target_groups"),
                self.target_group_count,
            ),
            share_score(pf, "leave_no_one_behind.poor_district_share"),
            count_score(
                _set_count(pf, "leave_no_one_behind.disaggregation"),
                self.disaggregation_count,
            ),
            ordinal_score(pf, "leave_no_one_behind.gender_marker"),
            ordinal_score(pf, "leave_no_one_behind.safeguards"),
            ordinal_score(pf, "leave_no_one_behind.risk_sharing"),
            ordinal_score(pf, "leave_no_one_behind.private_solution_case"),
        ]
