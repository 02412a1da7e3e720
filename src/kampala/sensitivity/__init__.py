"""Sensitivity analysis: how far can a ranking be trusted.

- Specifications (`UncertaintySpec` and its factors): which choices of a
  methodology may vary, validated against the methodology.
- `uncertainty_analysis`: score and rank distributions, top-k
  probabilities and rank shifts over sampled choices.
- `sensitivity_analysis`: first-order and total Sobol' indices with
  bootstrap confidence intervals (Saltelli design; SALib's estimators).

The methods are described, with their equations, on the sensitivity pages of
the methodology documentation.
"""

from kampala.sensitivity.analysis import (
    SensitivityResult,
    UncertaintyResult,
    sensitivity_analysis,
    uncertainty_analysis,
)
from kampala.sensitivity.spec import (
    DirichletWeights,
    Exclusion,
    ScorerParameter,
    SettingChoice,
    StepChoice,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    coverage_choice,
    missing_evidence_choice,
)

__all__ = [
    "DirichletWeights",
    "Exclusion",
    "ScorerParameter",
    "SensitivityResult",
    "SettingChoice",
    "StepChoice",
    "UncertaintyResult",
    "UncertaintySpec",
    "WeightNoise",
    "aggregation_choice",
    "coverage_choice",
    "missing_evidence_choice",
    "sensitivity_analysis",
    "uncertainty_analysis",
]
