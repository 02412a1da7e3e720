r"""Where the stakeholder groups disagree: gaps, spread and agreement.

Each group's evidence is scored with the same methodology
(`StakeholderEvidence.scorecard`), giving for group $g$ and partnership $p$
criterion scores $x_{gpc}$, principle scores $y_{gpk}$ and the overall score.
The gap between two groups is the difference of their scores,

$$\Delta_{ab,pk} = y_{apk} - y_{bpk}, \qquad (MS2)$$

and the spread of a partnership on a principle (or criterion) is the range
over the groups that have a score,

$$R_{pk} = \max_g y_{gpk} - \min_g y_{gpk}\quad(\text{at least two groups}).
\qquad (MS3)$$

`Divergence.most_divergent` lists the partnerships and principles with the
largest spread; `Divergence.agreement` gives Krippendorff's alpha of one
question, between the groups' results or between all respondents, with a
bootstrap interval (`kampala.stakeholders.alpha_interval`).

Examples
--------
>>> from kampala.data import sample_portfolio, sample_responses
>>> from kampala.stakeholders import combine, divergence
>>> div = divergence(combine(sample_responses(), sample_portfolio()))
>>> div.principle_scores.shape
(5, 8, 5)
>>> top = div.most_divergent(1)[0]
>>> sorted(top)
['code', 'high', 'low', 'partnership', 'spread']
"""

from __future__ import annotations

from typing import Any, Literal

import attrs
import numpy as np

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import array_fields
from kampala._internal.rng import SeedLike
from kampala.errors import ParameterValueError
from kampala.methodology import Methodology, kps1
from kampala.principles import Principle
from kampala.stakeholders._combine import StakeholderEvidence
from kampala.stakeholders._questionnaire import check_group
from kampala.stakeholders.agreement import Agreement, alpha_interval

__all__ = ["Divergence", "divergence"]

Level = Literal["criterion", "principle", "overall"]


@attrs.frozen(kw_only=True, eq=False, field_transformer=array_fields)
class Divergence:
    """Scores per stakeholder group, and where they differ.

    Attributes
    ----------
    evidence : StakeholderEvidence
    groups : tuple of str
        The groups with responses (first axis of the score arrays).
    criteria : tuple of str
        Criterion codes (last axis of `criterion_scores`).
    criterion_scores : numpy.ndarray, shape (groups, partnerships, criteria)
    principle_scores : numpy.ndarray, shape (groups, partnerships, 5)
    overall : numpy.ndarray, shape (groups, partnerships)

    Examples
    --------
    >>> from kampala.data import sample_portfolio, sample_responses
    >>> from kampala.stakeholders import combine, divergence
    >>> div = divergence(combine(sample_responses(), sample_portfolio()))
    >>> div.groups[0], len(div.criteria), div.overall.shape
    ('government', 29, (5, 8))
    """

    evidence: StakeholderEvidence
    groups: tuple[str, ...]
    criteria: tuple[str, ...]
    criterion_scores: FloatArray
    principle_scores: FloatArray
    overall: FloatArray

    @property
    def partnerships(self) -> tuple[str, ...]:
        """The partnerships assessed (second axis of the score arrays).

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine, divergence
        >>> divergence(combine(sample_responses(), sample_portfolio())).partnerships[0]
        'PE-AGR-001'
        """
        return self.evidence.partnerships

    def scores(self, level: Level = "principle") -> tuple[FloatArray, tuple[str, ...]]:
        """Return the scores at one level (groups, partnerships, codes) and codes.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine, divergence
        >>> div = divergence(combine(sample_responses(), sample_portfolio()))
        >>> values, codes = div.scores("principle")
        >>> values.shape, codes
        ((5, 8, 5), ('P1', 'P2', 'P3', 'P4', 'P5'))
        """
        if level == "criterion":
            return self.criterion_scores, self.criteria
        if level == "principle":
            return self.principle_scores, tuple(p.code for p in Principle)
        if level == "overall":
            return self.overall[..., None], ("overall",)
        raise ParameterValueError(
            "Divergence.scores()",
            "level",
            level,
            '"criterion", "principle" or "overall"',
        )

    def _group(self, group: str) -> int:
        check_group(group, "Divergence")
        if group not in self.groups:
            raise ParameterValueError(
                "Divergence", "group", group, f"a group with responses: {self.groups}"
            )
        return self.groups.index(group)

    def gap(self, a: str, b: str, level: Level = "principle") -> FloatArray:
        """Scores of group ``a`` minus those of group ``b`` (MS2).

        Returns
        -------
        numpy.ndarray, shape (partnerships, codes)
            NaN where either group has no score.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine, divergence
        >>> div = divergence(combine(sample_responses(), sample_portfolio()))
        >>> gap = div.gap("private-sector", "civil-society", "overall")
        >>> gap.shape, bool((gap > 0).mean() > 0.5)
        ((8, 1), True)
        """
        values, _ = self.scores(level)
        out: FloatArray = values[self._group(a)] - values[self._group(b)]
        return out

    def spread(self, level: Level = "principle") -> FloatArray:
        """Return the range of the groups' scores (MS3); NaN below two groups.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine, divergence
        >>> div = divergence(combine(sample_responses(), sample_portfolio()))
        >>> bool((div.spread() >= 0).all())
        True
        """
        values, _ = self.scores(level)
        ok = np.isfinite(values)
        hi = np.where(ok, values, -np.inf).max(axis=0)
        lo = np.where(ok, values, np.inf).min(axis=0)
        out: FloatArray = np.where(ok.sum(axis=0) >= 2, hi - lo, np.nan)
        return out

    def most_divergent(
        self, k: int = 10, level: Level = "principle"
    ) -> list[dict[str, Any]]:
        """Return the ``k`` (partnership, code) pairs with the largest spread.

        Each row gives the spread and the groups with the highest and lowest
        score. Ties keep portfolio and code order.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine, divergence
        >>> div = divergence(combine(sample_responses(), sample_portfolio()))
        >>> rows = div.most_divergent(3)
        >>> rows[0]["spread"] >= rows[1]["spread"] >= rows[2]["spread"]
        True
        """
        if not isinstance(k, int) or k < 1:
            raise ParameterValueError("most_divergent()", "k", k, "an integer >= 1")
        values, codes = self.scores(level)
        spread = self.spread(level)
        flat = np.where(np.isnan(spread), -np.inf, spread).ravel()
        order = np.argsort(-flat, kind="stable")[:k]
        ok = np.isfinite(values)
        hi = np.argmax(np.where(ok, values, -np.inf), axis=0)
        lo = np.argmin(np.where(ok, values, np.inf), axis=0)
        rows = []
        for f in order:
            if not np.isfinite(flat[f]):
                break
            p, c = np.unravel_index(f, spread.shape)
            rows.append(
                {
                    "partnership": self.partnerships[p],
                    "code": codes[c],
                    "spread": float(spread[p, c]),
                    "high": self.groups[hi[p, c]],
                    "low": self.groups[lo[p, c]],
                }
            )
        return rows

    def agreement(
        self,
        question: str,
        *,
        between: Literal["groups", "respondents"] = "groups",
        n: int = 1000,
        confidence: float = 0.95,
        rng: SeedLike = None,
    ) -> Agreement:
        """Krippendorff's alpha (ordinal) of one question over the partnerships.

        Each partnership is a unit, and its values are levels of the
        question's scale: one per group that reached a level
        (`StakeholderEvidence.group_level`), or every respondent's answer.
        Answers off the scale (don't know, not applicable, not answered) are
        not values. The interval is `alpha_interval`'s bootstrap over the
        partnerships.

        Parameters
        ----------
        question : str
            A question code (``"p3_dialogue"``).
        between : {"groups", "respondents"}, default="groups"
            Coders are the groups (their combined answers) or every
            respondent.
        n, confidence, rng
            Bootstrap replicates, coverage of the interval and source of
            randomness, as for `alpha_interval`.

        Returns
        -------
        Agreement

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine, divergence
        >>> div = divergence(combine(sample_responses(), sample_portfolio()))
        >>> a = div.agreement("p3_dialogue", n=200, rng=1)
        >>> a.units, a.low <= a.alpha <= a.high
        (8, True)
        """
        ev = self.evidence
        j = ev.responses.questionnaire.codes.index(
            ev.responses.questionnaire.question(question).code
        )
        levels = ev.responses.questionnaire.questions[j].levels
        if between == "respondents":
            counts = ev.counts[:, :, j, :levels].sum(axis=0)
        elif between == "groups":
            values = ev.group_level[:, :, j]  # (all groups, partnerships)
            ok = ~np.isnan(values)
            counts = np.zeros((values.shape[1], levels))
            g, p = np.nonzero(ok)
            np.add.at(counts, (p, values[g, p].astype(np.intp)), 1.0)
        else:
            raise ParameterValueError(
                "Divergence.agreement()",
                "between",
                between,
                '"groups" or "respondents"',
            )
        return alpha_interval(counts, n=n, confidence=confidence, rng=rng)


def divergence(
    evidence: StakeholderEvidence, methodology: Methodology | None = None
) -> Divergence:
    """Score every group's evidence with one methodology and compare.

    Parameters
    ----------
    evidence : StakeholderEvidence
        From `kampala.stakeholders.combine`.
    methodology : Methodology, default=None
        KPS-1 if None; the same for every group.

    Returns
    -------
    Divergence

    Notes
    -----
    Equations (MS2)-(MS3) of the stakeholder methodology page.

    Examples
    --------
    >>> from kampala.data import sample_portfolio, sample_responses
    >>> from kampala.stakeholders import combine, divergence
    >>> fewer = sample_responses().without_group("trade-union")
    >>> div = divergence(combine(fewer, sample_portfolio()))
    >>> div.groups[-1], div.principle_scores.shape
    ('civil-society', (4, 8, 5))
    """
    m = kps1() if methodology is None else methodology
    groups = evidence.groups
    crit: list[FloatArray] = []
    prin: list[FloatArray] = []
    overall: list[FloatArray] = []
    codes: tuple[str, ...] = ()
    for g in groups:
        card = evidence.scorecard(m, group=g)
        scores = [
            card.principle_scores[p] for p in Principle if p in card.principle_scores
        ]
        crit.append(np.concatenate([np.asarray(s.values) for s in scores], axis=1))
        codes = tuple(c.code for s in scores for c in s.criteria)
        prin.append(np.stack([card.score(p) for p in Principle], axis=1))
        overall.append(card.score())
    return Divergence(
        evidence=evidence,
        groups=groups,
        criteria=codes,
        criterion_scores=np.stack(crit),
        principle_scores=np.stack(prin),
        overall=np.stack(overall),
    )
