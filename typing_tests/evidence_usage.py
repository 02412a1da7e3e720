"""Public-usage snippets of kampala.evidence, checked by ``mypy --strict``."""

import numpy as np
import numpy.typing as npt

from kampala import Methodology
from kampala.data import sample_portfolio
from kampala.evidence import (
    CriterionToCollect,
    EvidenceBounds,
    NextEvidence,
    evidence_bounds,
    rank_bounds,
)

card = Methodology.default().run(sample_portfolio())
bounds: EvidenceBounds = card.evidence_bounds()
low: npt.NDArray[np.float64] = bounds.overall_low
width: npt.NDArray[np.float64] = bounds.rank_width()
again: EvidenceBounds = evidence_bounds(card.result, min_coverage=card.min_coverage)
best, worst = rank_bounds(card.score(), low, bounds.overall_high)
nxt: NextEvidence = card.next_evidence()
first: CriterionToCollect = nxt.portfolio[0]
removed: float = first.rank_width_removed
basis: list[list[str]] = card.basis()
text: str = nxt.to_text(top=3, lang="es")
