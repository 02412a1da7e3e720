"""Multi-stakeholder assessments: questionnaire, answers as evidence, disagreement.

The Kampala Principles are assessed in practice by asking each stakeholder
group (the partner-country government, the private sector, development
partners, civil society, trade unions) the same questions and comparing
their views. This package:

- builds the questionnaire from the criteria and the field schema
  (`questionnaire`, `Questionnaire`, `Question`) and writes it as an
  XLSForm for ODK and KoboToolbox or as a plain spreadsheet
  (`write_xlsform`, `write_xlsx_form`);
- holds the answers (`Responses`; `kampala.io.read_responses` reads ODK
  Central and KoboToolbox exports and the spreadsheet form);
- combines them into evidence per group and for all groups together by a
  documented rule (`combine`, `CombinationRule`, `StakeholderEvidence`), so
  that a scorecard can be computed per group with the same methodology;
- measures where the groups disagree (`divergence`, `Divergence`,
  `krippendorff_alpha`, `agreement`) and lets a sensitivity analysis vary
  whose view counts (`group_weight_choice`);
- computes portfolio-level engagement indicators (`engagement_indicators`).

The equations are on the methodology page "Multi-stakeholder assessments".
"""

from kampala.stakeholders._combine import (
    CombinationRule,
    StakeholderEvidence,
    combine,
    distribution_level,
)
from kampala.stakeholders._divergence import Divergence, divergence
from kampala.stakeholders._questionnaire import (
    DONT_KNOW,
    NOT_ANSWERED,
    NOT_APPLICABLE,
    STAKEHOLDER_GROUPS,
    Choice,
    Question,
    Questionnaire,
    group_label,
    questionnaire,
)
from kampala.stakeholders.agreement import (
    Agreement,
    alpha_from_counts,
    alpha_interval,
    bootstrap_alpha,
    krippendorff_alpha,
)
from kampala.stakeholders.engagement import engagement_indicators
from kampala.stakeholders.forms import write_xlsform, write_xlsx_form
from kampala.stakeholders.responses import Responses
from kampala.stakeholders.weighting import group_weight_choice

__all__ = [
    "DONT_KNOW",
    "NOT_ANSWERED",
    "NOT_APPLICABLE",
    "STAKEHOLDER_GROUPS",
    "Agreement",
    "Choice",
    "CombinationRule",
    "Divergence",
    "Question",
    "Questionnaire",
    "Responses",
    "StakeholderEvidence",
    "alpha_from_counts",
    "alpha_interval",
    "bootstrap_alpha",
    "combine",
    "distribution_level",
    "divergence",
    "engagement_indicators",
    "group_label",
    "group_weight_choice",
    "krippendorff_alpha",
    "questionnaire",
    "write_xlsform",
    "write_xlsx_form",
]
