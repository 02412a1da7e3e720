r"""Portfolio-level engagement indicators from the same answers.

For each stakeholder group $g$ and engagement question $e$ (taking part in
national dialogue on private-sector engagement; being consulted or involved
by the development partners of a partnership), a respondent $r$ of $g$
counts as engaged if they answered "yes" for at least one partnership, and
as not engaged if they answered "no" everywhere they answered:

$$E_{ge} = \frac{\#\{r \in g : \text{some "yes"}\}}
                {\#\{r \in g : \text{some "yes" or "no"}\}}. \qquad (MS6)$$

"Don't know", "not applicable" and blanks are left out of the denominator
and reported as a count. Limits (see the methodology page): a respondent is
one organisation code, so two people of one organisation count once only if
they used the same code; the share describes those who answered, not the
group's population; and the questions are kampala's own wording, not the
official GPEDC indicator.

Examples
--------
>>> from kampala.data import sample_responses
>>> from kampala.stakeholders import engagement_indicators
>>> rows = engagement_indicators(sample_responses())
>>> row = rows[0]
>>> row["group"], row["indicator"], 0 <= row["share"] <= 1
('government', 'E.national_dialogue', True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kampala.stakeholders._questionnaire import STAKEHOLDER_GROUPS
from kampala.stakeholders.responses import Responses

__all__ = ["engagement_indicators"]


def engagement_indicators(responses: Responses) -> list[dict[str, Any]]:
    """Share of each group's respondents who report being engaged (MS6).

    Parameters
    ----------
    responses : Responses

    Returns
    -------
    list of dict
        One row per group and engagement question: ``group``,
        ``indicator`` (its code), ``question``, ``respondents`` (who answered
        yes or no), ``engaged`` (yes), ``share`` (None without respondents)
        and ``unknown`` (respondents who answered only "don't know", "not
        applicable" or left it blank).

    Examples
    --------
    >>> from kampala.data import sample_responses
    >>> from kampala.stakeholders import engagement_indicators
    >>> rows = engagement_indicators(sample_responses())
    >>> sorted({r["indicator"] for r in rows})
    ['E.by_development_partners', 'E.national_dialogue']
    """
    q = responses.questionnaire
    keys = np.array(
        [
            f"{g}\x00{r}"
            for g, r in zip(responses.group, responses.respondent, strict=True)
        ],
        dtype=object,
    )
    uniq, inv = np.unique(keys.astype(str), return_inverse=True)
    owner = np.array([STAKEHOLDER_GROUPS.index(k.split("\x00")[0]) for k in uniq])
    rows: list[dict[str, Any]] = []
    for j, item in enumerate(q.questions):
        if item.kind != "engagement":
            continue
        a = responses.answers[:, j]
        yes = np.zeros(uniq.size, dtype=bool)
        answered = np.zeros(uniq.size, dtype=bool)
        np.logical_or.at(yes, inv, a == 1)
        np.logical_or.at(answered, inv, a >= 0)
        for g_idx, group in enumerate(STAKEHOLDER_GROUPS):
            if not item.asked_of(group):
                continue
            mine = owner == g_idx
            n = int((answered & mine).sum())
            engaged = int((yes & mine).sum())
            rows.append(
                {
                    "group": group,
                    "indicator": item.criterion,
                    "question": item.code,
                    "respondents": n,
                    "engaged": engaged,
                    "share": engaged / n if n else None,
                    "unknown": int((mine & ~answered).sum()),
                }
            )
    return rows
