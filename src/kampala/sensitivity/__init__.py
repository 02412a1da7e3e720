"""Sensitivity analysis: how far can a ranking be trusted.

- Specifications (`UncertaintySpec` and its factors): which choices of a
  methodology may vary, validated against the methodology.
- `uncertainty_analysis`: score and rank distributions, top-k
  probabilities and rank shifts over sampled choices.
- `sensitivity_analysis`: first-order and total Sobol' indices with
  bootstrap confidence intervals (Saltelli design; SALib's estimators).
- The execution layer (`AnalysisProblem`, `BlockResult`, `merge_blocks`):
  a picklable problem with a fixed sample design whose rows can be
  evaluated in any blocks, anywhere, and merged exactly. Every analysis
  takes ``executor=`` (any `concurrent.futures.Executor`: local processes,
  Dask), as does `run_methodologies`, with results bitwise the serial ones.
- Weight robustness of a linear top level (`top_level`): SMAA-2 (`smaa`,
  constrained weights by hit-and-run), exact margins (`rank_margins`,
  `topk_margins`, `stability_intervals`) and local derivatives
  (`weight_derivatives`, `one_at_a_time`).

The methods are described, with their equations, on the sensitivity pages of
the methodology documentation.
"""

from kampala.sensitivity._examples import (
    example_sensitivity,
    example_top_level,
    example_uncertainty,
)
from kampala.sensitivity._execution import AnalysisProblem, BlockResult, merge_blocks
from kampala.sensitivity._local import (
    OneAtATime,
    WeightDerivatives,
    one_at_a_time,
    weight_derivatives,
)
from kampala.sensitivity._many import run_methodologies
from kampala.sensitivity._margins import (
    MarginResult,
    rank_margins,
    stability_intervals,
)
from kampala.sensitivity._smaa import SMAAResult, smaa
from kampala.sensitivity._topk import TopKMarginResult, topk_margins
from kampala.sensitivity._weight_sampling import order_constraints, sample_weights
from kampala.sensitivity.analysis import (
    SensitivityResult,
    UncertaintyResult,
    sensitivity_analysis,
    uncertainty_analysis,
)
from kampala.sensitivity.robustness import TopLevel, top_level
from kampala.sensitivity.spec import (
    DirichletWeights,
    EvidenceChoice,
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
    "AnalysisProblem",
    "BlockResult",
    "DirichletWeights",
    "EvidenceChoice",
    "Exclusion",
    "MarginResult",
    "OneAtATime",
    "SMAAResult",
    "ScorerParameter",
    "SensitivityResult",
    "SettingChoice",
    "StepChoice",
    "TopKMarginResult",
    "TopLevel",
    "UncertaintyResult",
    "UncertaintySpec",
    "WeightDerivatives",
    "WeightNoise",
    "aggregation_choice",
    "coverage_choice",
    "example_sensitivity",
    "example_top_level",
    "example_uncertainty",
    "merge_blocks",
    "missing_evidence_choice",
    "one_at_a_time",
    "order_constraints",
    "rank_margins",
    "run_methodologies",
    "sample_weights",
    "sensitivity_analysis",
    "smaa",
    "stability_intervals",
    "top_level",
    "topk_margins",
    "uncertainty_analysis",
    "weight_derivatives",
]
