"""The composite-indicator engine: steps that turn indicators into an index.

Each step is a frozen configuration with a pure, vectorised kernel:
`Denominate`, `Impute`, `Screen`, `Treat`,
`Normalise` and `Aggregate`. A
`Methodology` lists the steps to apply, in order. Every weighted mean (of
aggregation, principle scores and sensitivity analysis) is computed by the
one kernel in `kampala.composite.kernel`.
"""

from kampala.composite.aggregate import Aggregate, LevelRule, aggregate_values
from kampala.composite.denominate import Denominate
from kampala.composite.impute import Impute
from kampala.composite.normalise import Normalise
from kampala.composite.screen import Screen
from kampala.composite.treat import Treat

__all__ = [
    "Aggregate",
    "Denominate",
    "Impute",
    "LevelRule",
    "Normalise",
    "Screen",
    "Treat",
    "aggregate_values",
]
