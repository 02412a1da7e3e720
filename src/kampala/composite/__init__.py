"""The composite-indicator engine: steps that turn indicators into an index.

Each step is a frozen configuration with a pure, vectorised kernel:
`Denominate`, `Impute`, `Screen`, `Treat`,
`Normalise` and `Aggregate`. A
`Methodology` lists the steps to apply, in order.

`kampala.composite.weights` derives weights: from pairwise comparisons
(`ahp_weights`), principal components (`pca_weights`), benefit of the doubt
(`bod_weights`) and experts' budget allocations (`budget_weights`).
Every weighted mean (of aggregation, principle scores and sensitivity
analysis) is computed by the one kernel in `kampala.composite.kernel`.
"""

from kampala.composite.aggregate import Aggregate, LevelRule, aggregate_values
from kampala.composite.denominate import Denominate
from kampala.composite.impute import Impute
from kampala.composite.normalise import Normalise
from kampala.composite.screen import Screen
from kampala.composite.treat import Treat
from kampala.composite.weights import (
    AHPResult,
    BoDResult,
    BudgetResult,
    PCAResult,
    ahp_weights,
    bod_weights,
    budget_weights,
    pca_weights,
)

__all__ = [
    "AHPResult",
    "Aggregate",
    "BoDResult",
    "BudgetResult",
    "Denominate",
    "Impute",
    "LevelRule",
    "Normalise",
    "PCAResult",
    "Screen",
    "Treat",
    "aggregate_values",
    "ahp_weights",
    "bod_weights",
    "budget_weights",
    "pca_weights",
]
