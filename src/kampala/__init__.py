"""kampala: score partnerships against the Kampala Principles.

The public API a notebook needs, re-exported from the submodules.

Examples
--------
>>> import kampala as kp
>>> sorted(kp.__all__)[:3]
['Aggregate', 'CompositeResult', 'ConfusableIdWarning']
"""

from kampala._version import __version__
from kampala.composite import (
    Aggregate,
    Denominate,
    Impute,
    LevelRule,
    Normalise,
    Screen,
    Treat,
)
from kampala.composite.normalise import normalise
from kampala.composite.weights import (
    ahp_weights,
    bod_weights,
    budget_weights,
    pca_weights,
)
from kampala.composite_result import CompositeResult, MethodologyRef, rank_scores
from kampala.errors import (
    ConfusableIdWarning,
    DataFormatError,
    DegenerateIndicatorWarning,
    FrameworkError,
    KampalaError,
    KampalaWarning,
    MethodologyError,
    MissingDataWarning,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.framework import Framework, Node
from kampala.indicators import IndicatorSet
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.principles import Principle, PrincipleScores, default_registry
from kampala.scorecard import Scorecard
from kampala.scoring import ScorerSpec

__all__ = [
    "Aggregate",
    "CompositeResult",
    "ConfusableIdWarning",
    "DataFormatError",
    "DegenerateIndicatorWarning",
    "Denominate",
    "Framework",
    "FrameworkError",
    "Impute",
    "IndicatorSet",
    "KampalaError",
    "KampalaWarning",
    "LevelRule",
    "Methodology",
    "MethodologyError",
    "MethodologyRef",
    "MissingDataWarning",
    "Node",
    "Normalise",
    "ParameterTypeError",
    "ParameterValueError",
    "Portfolio",
    "Principle",
    "PrincipleScores",
    "Scorecard",
    "ScorerSpec",
    "Screen",
    "Treat",
    "__version__",
    "ahp_weights",
    "bod_weights",
    "budget_weights",
    "default_registry",
    "normalise",
    "pca_weights",
    "rank_scores",
]
