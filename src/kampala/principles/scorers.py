r"""The default scorers of KPS-1, one per Kampala Principle, and their rules.

Each scorer lives in its own module (`kampala.principles.ownership`,
`kampala.principles.results`, `kampala.principles.inclusive_partnership`,
`kampala.principles.transparency`, `kampala.principles.leave_no_one_behind`);
this module gathers them, in principle order, as `DEFAULT_SCORERS`, and
re-exports the rules they share. Every criterion maps evidence to [0, 1]
with a fixed rule (equations (K1) to (K5) of the principle pages in
``docs/methodology/principles/``):

- an ordinal level scores $\mathrm{rank} / (\mathrm{levels} - 1)$;
- a yes/no answer scores 1 or 0;
- a share scores itself;
- a count scores $\min(1, c / c^\ast)$ against a documented target
  $c^\ast$ (a scorer parameter);
- missing evidence scores NaN, never 0.

All scorers work on the columns of a `Portfolio`
at once; no Python loop runs per partnership.
"""

from __future__ import annotations

from collections.abc import Callable

from kampala.principles._base import Criterion
from kampala.principles._rubric import (
    RubricScorer,
    count_score,
    flag_score,
    ordinal_score,
    ratio_score,
    share_score,
)
from kampala.principles.inclusive_partnership import (
    STAKEHOLDER_CATEGORIES,
    InclusivePartnershipScorer,
)
from kampala.principles.leave_no_one_behind import LeaveNoOneBehindScorer
from kampala.principles.ownership import OwnershipScorer
from kampala.principles.results import ResultsScorer
from kampala.principles.transparency import TransparencyScorer

__all__ = [
    "DEFAULT_SCORERS",
    "STAKEHOLDER_CATEGORIES",
    "InclusivePartnershipScorer",
    "LeaveNoOneBehindScorer",
    "OwnershipScorer",
    "ResultsScorer",
    "RubricScorer",
    "TransparencyScorer",
    "count_score",
    "default_criteria",
    "flag_score",
    "ordinal_score",
    "ratio_score",
    "share_score",
]

#: Factories of the KPS-1 scorers, in principle order.
DEFAULT_SCORERS: tuple[Callable[[], RubricScorer], ...] = (
    OwnershipScorer,
    ResultsScorer,
    InclusivePartnershipScorer,
    TransparencyScorer,
    LeaveNoOneBehindScorer,
)


def default_criteria() -> tuple[Criterion, ...]:
    """Return every criterion of the KPS-1 scorers, in principle order.

    Examples
    --------
    >>> from kampala.principles.scorers import default_criteria
    >>> criteria = default_criteria()
    >>> len(criteria), criteria[0].code, criteria[-1].code
    (29, 'P1.alignment', 'P5.private_solution')
    """
    classes = (
        OwnershipScorer,
        ResultsScorer,
        InclusivePartnershipScorer,
        TransparencyScorer,
        LeaveNoOneBehindScorer,
    )
    return tuple(c for cls in classes for c in cls.criteria)
