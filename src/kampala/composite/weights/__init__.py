r"""Weights: derive the weights of indicators from judgements or from data.

Weights normally live on the nodes of a `Framework` and are chosen per run
with ``Aggregate(weights=...)``. This module *derives* them
(equations on ``docs/methodology/weighting.md``):

- `ahp_weights` (W3-W5): the analytic hierarchy process, from a pairwise
  comparison matrix, with Saaty's consistency ratio.
- `pca_weights` (W6-W9): weights from principal components with varimax
  rotation, as in step 6 of the OECD/JRC Handbook (2008).
- `bod_weights` (W10-W11): benefit-of-the-doubt weights, one set per unit,
  by linear programming (data envelopment analysis).
- `budget_weights` (W12): budget allocation, from experts' points.
- `equal_weights` and `explicit_weights`: equal or given weights,
  normalised to sum to 1.

AHP, PCA and budget results give ``{code: weight}`` with
``weight_mapping()``, the form `Aggregate` and `Framework.with_weights`
accept, and ``apply(framework, parent)`` returns a framework whose children
of ``parent`` carry the derived weights. Benefit-of-the-doubt weights differ
from unit to unit, so they are a result to inspect (scores, weights), not
weights of the framework.
"""

from kampala.composite.weights.ahp import RANDOM_INDEX, AHPResult, ahp_weights
from kampala.composite.weights.bod import BoDResult, bod_weights
from kampala.composite.weights.budget import BudgetResult, budget_weights
from kampala.composite.weights.pca import PCAResult, pca_weights, varimax
from kampala.composite.weights.simple import equal_weights, explicit_weights

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "BoDResult",
    "BudgetResult",
    "PCAResult",
    "ahp_weights",
    "bod_weights",
    "budget_weights",
    "equal_weights",
    "explicit_weights",
    "pca_weights",
    "varimax",
]
