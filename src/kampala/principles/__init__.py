"""The Kampala Principles, their sub-principles, and the scorers that rate them.

- `Principle`: the five principles, with English and Spanish titles.
- `subprinciples()`: the 16 sub-principles and the provenance of their
  titles (unverified titles are shown as the library's paraphrase).
- `Scorer`: the protocol a principle scorer follows;
  `PrincipleScores` is what it returns.
- `ScorerRegistry` and `default_registry`, which also loads
  third-party scorers from the ``kampala.scorers`` entry-point group.
- The KPS-1 default scorers, one per principle.
"""

from kampala.principles._base import (
    Criterion,
    Principle,
    PrincipleScores,
    Scorer,
    SubPrinciple,
    subprinciples,
)
from kampala.principles.registry import ENTRY_POINT_GROUP, ScorerRegistry
from kampala.principles.scorers import (
    DEFAULT_SCORERS,
    InclusivePartnershipScorer,
    LeaveNoOneBehindScorer,
    OwnershipScorer,
    ResultsScorer,
    RubricScorer,
    TransparencyScorer,
)

__all__ = [
    "DEFAULT_SCORERS",
    "ENTRY_POINT_GROUP",
    "Criterion",
    "InclusivePartnershipScorer",
    "LeaveNoOneBehindScorer",
    "OwnershipScorer",
    "Principle",
    "PrincipleScores",
    "ResultsScorer",
    "RubricScorer",
    "Scorer",
    "ScorerRegistry",
    "SubPrinciple",
    "TransparencyScorer",
    "default_registry",
    "subprinciples",
]


def _default_registry() -> ScorerRegistry:
    registry = ScorerRegistry()
    for factory in DEFAULT_SCORERS:
        registry.register(factory())
    return registry


#: The registry notebooks and the command line use (KPS-1 scorers plus any
#: plug-ins, loaded on first look-up).
default_registry: ScorerRegistry = _default_registry()
