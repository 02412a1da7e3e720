"""The KPS-1 scorer of principle 3, inclusive partnership.

Criteria, rules and sources: `kps1_criteria` (``data/kps1_criteria.json``)
and ``docs/methodology/principles/p3-inclusive-partnership.md``.
"""

from __future__ import annotations

import attrs
import numpy as np

from kampala.errors import ParameterValueError
from kampala.portfolio import Portfolio
from kampala.principles import _rubric as rubric
from kampala.records import ActorKind

__all__ = ["STAKEHOLDER_CATEGORIES", "InclusivePartnershipScorer"]


#: Stakeholder categories counted by P3.diversity.
STAKEHOLDER_CATEGORIES: tuple[str, ...] = (
    "government",
    "domestic private sector",
    "foreign private sector",
    "civil society",
    "academia",
    "community or indigenous organisation",
    "trade union",
    "development partner",
)

_PRIVATE = (
    ActorKind.PRIVATE_SECTOR,
    ActorKind.MSME,
    ActorKind.BUSINESS_ASSOCIATION,
    ActorKind.PUBLIC_PRIVATE_PARTNERSHIP,
)
_KIND_CATEGORY: dict[ActorKind, int] = {
    ActorKind.GOVERNMENT: 0,
    ActorKind.SUBNATIONAL_GOVERNMENT: 0,
    ActorKind.CIVIL_SOCIETY: 3,
    ActorKind.FOUNDATION: 3,
    ActorKind.ACADEMIA: 4,
    ActorKind.COMMUNITY_ORGANISATION: 5,
    ActorKind.INDIGENOUS_ORGANISATION: 5,
    ActorKind.TRADE_UNION: 6,
    ActorKind.DEVELOPMENT_PARTNER: 7,
    ActorKind.MULTILATERAL: 7,
}


def _categories(pf: Portfolio) -> rubric.FloatArray:
    """Count distinct stakeholder categories among each partnership's actors."""
    kinds = pf.actor_column("kind").astype(np.intp)
    domestic = pf.actor_column("domestic")
    members = list(ActorKind)
    table = np.full(len(members), -1, dtype=np.int64)  # category of each kind
    for kind, c in _KIND_CATEGORY.items():
        table[members.index(kind)] = c
    cat = table[kinds]
    private = np.isin(np.arange(len(members)), [members.index(k) for k in _PRIVATE])
    private = private[kinds]
    cat[private & (domestic == 1.0)] = 1
    cat[private & (domestic == 0.0)] = 2
    known = cat >= 0
    idx = pf.actor_column("partnership")[known]
    k = len(STAKEHOLDER_CATEGORIES)
    seen = np.zeros((len(pf), k), dtype=bool)
    seen[idx, cat[known]] = True
    out: rubric.FloatArray = seen.sum(axis=1).astype(np.float64)
    out[out == 0] = np.nan  # no actor, or none that fits a category: no evidence
    return out


def _local_share(pf: Portfolio) -> rubric.FloatArray:
    """Domestic actors' share of the contributions whose origin and amount are known."""
    fin = pf.actor_column("financial_contribution")
    kind = pf.actor_column("in_kind_contribution")
    dom = pf.actor_column("domestic")
    amount = np.where(
        np.isnan(fin) & np.isnan(kind), np.nan, np.nan_to_num(fin) + np.nan_to_num(kind)
    )
    usable = ~np.isnan(amount) & ~np.isnan(dom)
    total = pf.actor_sum(np.where(usable, amount, 0.0))
    local = pf.actor_sum(np.where(usable & (dom == 1.0), amount, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: rubric.FloatArray = np.where(
            total > 0, local / np.where(total > 0, total, 1), np.nan
        )
    return out


@attrs.frozen(kw_only=True)
class InclusivePartnershipScorer(
    rubric.KPS1Scorer, scorer_id="kps.inclusive-partnership"
):
    """Principle 3, inclusive partnership (KPS-1 criteria P3.*).

    Parameters
    ----------
    diversity_target : int, default=5
        Number of distinct stakeholder categories that scores 1; one category
        scores 0 and the score rises linearly in between.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import InclusivePartnershipScorer
    >>> pf = sample_portfolio()
    >>> default = InclusivePartnershipScorer().score(pf)
    >>> default.column("P3.diversity")[:4].round(2).tolist()
    [1.0, 0.75, 0.5, 0.75]
    >>> every = InclusivePartnershipScorer(diversity_target=8).score(pf)
    >>> every.column("P3.diversity")[:4].round(2).tolist()  # all 8 categories
    [0.57, 0.43, 0.29, 0.43]
    """

    diversity_target: int = attrs.field(default=5, validator=rubric.check_target)

    def __attrs_post_init__(self) -> None:
        if self.diversity_target < 2:
            raise ParameterValueError(
                "InclusivePartnershipScorer()",
                "diversity_target",
                self.diversity_target,
                "an integer >= 2",
            )

    def _compute(self, pf: Portfolio) -> list[rubric.FloatArray]:
        cats = _categories(pf)
        diversity = np.clip((cats - 1.0) / (self.diversity_target - 1.0), 0.0, 1.0)
        return [
            diversity,
            _local_share(pf),
            rubric.ordinal_score(pf, "inclusion.dialogue"),
            rubric.flag_score(pf, "inclusion.shared_governance"),
            rubric.ordinal_score(pf, "inclusion.msme_access"),
        ]
