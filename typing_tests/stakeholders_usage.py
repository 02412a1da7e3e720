"""Public-usage snippets of multi-stakeholder assessments, checked by mypy --strict."""

import numpy as np
import numpy.typing as npt

from kampala.data import sample_portfolio, sample_responses
from kampala.scorecard import Scorecard
from kampala.sensitivity import EvidenceChoice
from kampala.stakeholders import (
    Agreement,
    CombinationRule,
    Divergence,
    Questionnaire,
    Responses,
    StakeholderEvidence,
    combine,
    divergence,
    engagement_indicators,
    group_weight_choice,
    krippendorff_alpha,
    questionnaire,
)

q: Questionnaire = questionnaire()
text: str = q.question("p3_dialogue").text("es", "government")
answers: Responses = sample_responses()
ev: StakeholderEvidence = combine(
    answers, sample_portfolio(), rule=CombinationRule(ordinal="mode")
)
card: Scorecard = ev.scorecard(group="private-sector")
div: Divergence = divergence(ev)
gap: npt.NDArray[np.float64] = div.gap("government", "civil-society")
agreement: Agreement = div.agreement("p3_dialogue", n=100, rng=1)
alpha: float = krippendorff_alpha([[0.0, 1.0], [0.0, 1.0]])
factor: EvidenceChoice = group_weight_choice(
    ev, {"a": {"government": 1.0}, "b": {"private-sector": 1.0}}
)
rows = engagement_indicators(answers)
