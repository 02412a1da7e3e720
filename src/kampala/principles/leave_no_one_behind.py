"""The KPS-1 scorer of principle 5, leave no one behind.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p5-leave-no-one-behind.md``.
"""

from __future__ import annotations

import attrs

from kampala.portfolio import Portfolio
from kampala.principles import _rubric as rubric

__all__ = ["LeaveNoOneBehindScorer"]


def _set_count(pf: Portfolio, path: str) -> rubric.FloatArray:
    col = pf.column(path)
    out: rubric.FloatArray = col.sum(axis=1)  # a NaN row (unknown) stays NaN
    return out


@attrs.frozen(kw_only=True)
class LeaveNoOneBehindScorer(rubric.KPS1Scorer, scorer_id="kps.leave-no-one-behind"):
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

    target_group_count: int = attrs.field(default=2, validator=rubric.check_target)
    disaggregation_count: int = attrs.field(default=3, validator=rubric.check_target)

    def _compute(self, pf: Portfolio) -> list[rubric.FloatArray]:
        return [
            rubric.count_score(
                _set_count(pf, "leave_no_one_behind.target_groups"),
                self.target_group_count,
            ),
            rubric.share_score(pf, "leave_no_one_behind.poor_district_share"),
            rubric.count_score(
                _set_count(pf, "leave_no_one_behind.disaggregation"),
                self.disaggregation_count,
            ),
            rubric.ordinal_score(pf, "leave_no_one_behind.gender_marker"),
            rubric.ordinal_score(pf, "leave_no_one_behind.safeguards"),
            rubric.ordinal_score(pf, "leave_no_one_behind.risk_sharing"),
            rubric.ordinal_score(pf, "leave_no_one_behind.private_solution_case"),
        ]
