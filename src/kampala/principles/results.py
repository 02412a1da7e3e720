"""The KPS-1 scorer of principle 2, results and targeted impact.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p2-results.md``.
"""

from __future__ import annotations

import attrs
import numpy as np

from kampala.portfolio import Portfolio
from kampala.principles import _rubric as rubric

__all__ = ["ResultsScorer"]


def _list_counts(pf: Portfolio, path: str) -> rubric.FloatArray:
    """Length of each list in an object column; NaN where it is None."""
    col = pf.column(path)
    known = col != None  # noqa: E711 - elementwise comparison with None
    out = np.full(len(col), np.nan)
    out[known] = np.fromiter(
        map(len, col[known]), dtype=np.float64, count=int(known.sum())
    )
    return out


def _sdg_score(pf: Portfolio, target: int) -> rubric.FloatArray:
    """Score targets against the target count; 0.5 for goals named alone."""
    score = rubric.count_score(_list_counts(pf, "results.sdg_targets"), target)
    goals = _list_counts(pf, "results.sdg_goals")
    goal_only = np.isnan(score) & ~np.isnan(goals)
    out: rubric.FloatArray = np.where(goal_only, np.where(goals > 0, 0.5, 0.0), score)
    return out


@attrs.frozen(kw_only=True)
class ResultsScorer(rubric.KPS1Scorer, scorer_id="kps.results"):
    """Principle 2, results and targeted impact (KPS-1 criteria P2.*).

    Parameters
    ----------
    sdg_target_count : int, default=1
        Number of SDG targets identified that scores 1 (fewer score
        proportionally).

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import ResultsScorer
    >>> pf = sample_portfolio()
    >>> i = pf.index("PE-AGR-005")
    >>> pf.column("results.sdg_targets")[i]
    ('2.3', '15.2')
    >>> for target in (1, 3):
    ...     scores = ResultsScorer(sdg_target_count=target).score(pf)
    ...     print(target, round(float(scores.column("P2.sdg_targets")[i]), 2))
    1 1.0
    3 0.67
    """

    sdg_target_count: int = attrs.field(default=1, validator=rubric.check_target)

    def _compute(self, pf: Portfolio) -> list[rubric.FloatArray]:
        total = pf.column("results.indicators_total")
        return [
            rubric.ratio_score(
                pf.column("results.indicators_with_baseline_and_target"), total
            ),
            rubric.ratio_score(
                pf.column("results.indicators_from_country_frameworks"), total
            ),
            _sdg_score(pf, self.sdg_target_count),
            rubric.ordinal_score(pf, "results.additionality"),
            rubric.share_score(pf, "results.target_progress"),
        ]
