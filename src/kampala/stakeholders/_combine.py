r"""From answers to evidence: each group's result, and all groups together.

For partnership $p$, question $q$ and group $g$, let $c_{gpq\ell}$ be the
number of respondents of $g$ who chose level $\ell$ (answers "don't know",
"not applicable" and blanks are not counted) and $n_{gpq} = \sum_\ell
c_{gpq\ell}$. The group's answer distribution is $f_{gpq\ell} =
c_{gpq\ell} / n_{gpq}$; all groups together, each group counts by its
weight $w_g$, not by its number of respondents:

$$f_{pq\ell} = \frac{\sum_{g : n_{gpq} > 0} w_g\, f_{gpq\ell}}
                   {\sum_{g : n_{gpq} > 0} w_g}. \qquad (MS1)$$

A distribution becomes evidence by the `CombinationRule`: for an ordinal
question the (lower) median, the smallest level $\ell$ with
$\sum_{k \le \ell} f_\ell \ge 1/2$, or the mode (the lowest of tied levels);
for a yes / no question the share of "yes" $s = f_{1}$, which is "yes" when
$s \ge \tau$ (default $\tau = 1/2$). Fewer than ``min_respondents`` answers
on the scale ($n_{gpq}$, or $\sum_g n_{gpq}$ together) leave the evidence
missing. See ``docs/methodology/stakeholders.md`` (MS1)-(MS3).

Examples
--------
>>> from kampala.data import sample_portfolio, sample_responses
>>> from kampala.stakeholders import combine
>>> ev = combine(sample_responses(), sample_portfolio())
>>> len(ev.partnerships), ev.groups[:2]
(8, ('government', 'private-sector'))
>>> card = ev.scorecard()
>>> card.methodology.sha256 == ev.scorecard(group="government").methodology.sha256
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import array_fields
from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.methodology import Methodology, kps1
from kampala.portfolio import Portfolio
from kampala.schema import SCHEMA
from kampala.stakeholders._questionnaire import STAKEHOLDER_GROUPS, check_group
from kampala.stakeholders.responses import Responses

if TYPE_CHECKING:
    from kampala.scorecard import Scorecard

__all__ = ["CombinationRule", "StakeholderEvidence", "combine", "distribution_level"]

_KIND = {s.path: s.kind for s in SCHEMA}
_TOL = 1e-12


@attrs.frozen(kw_only=True)
class CombinationRule:
    """How answers become evidence (see the module's equation MS1).

    Parameters
    ----------
    ordinal : {"median", "mode"}, default="median"
        The statistic of an ordinal question's answers: the lower median or
        the mode (ties: the lowest level).
    yes_threshold : float, default=0.5
        A yes / no criterion holds when the share of "yes" is at least this.
    min_respondents : int, default=1
        Fewest answers on the scale for evidence; below it the evidence is
        missing (and the scorecard flags the coverage).

    Examples
    --------
    >>> from kampala.stakeholders import CombinationRule
    >>> CombinationRule(ordinal="mode", min_respondents=2).ordinal
    'mode'
    >>> CombinationRule(yes_threshold=1.5)
    Traceback (most recent call last):
    ...
    kampala.errors.ParameterValueError: CombinationRule(): 'yes_threshold' must be in (0, 1] (got 1.5).
    """  # noqa: E501 - doctest output

    ordinal: Literal["median", "mode"] = "median"
    yes_threshold: float = 0.5
    min_respondents: int = 1

    def __attrs_post_init__(self) -> None:
        where = "CombinationRule()"
        if self.ordinal not in ("median", "mode"):
            raise ParameterValueError(
                where, "ordinal", self.ordinal, '"median" or "mode"'
            )
        if not 0.0 < float(self.yes_threshold) <= 1.0:
            raise ParameterValueError(
                where, "yes_threshold", self.yes_threshold, "in (0, 1]"
            )
        if (
            not isinstance(self.min_respondents, int)
            or isinstance(self.min_respondents, bool)
            or self.min_respondents < 1
        ):
            raise ParameterValueError(
                where, "min_respondents", self.min_respondents, "an integer >= 1"
            )


def distribution_level(
    dist: FloatArray, binary: npt.NDArray[np.bool_], rule: CombinationRule
) -> FloatArray:
    """Apply a rule to answer distributions (last axis: levels).

    Parameters
    ----------
    dist : numpy.ndarray, shape (..., questions, levels)
        Counts or weights per level (not normalised); a row of zeros has no
        answer.
    binary : numpy.ndarray of bool, shape (questions,)
        Which questions are yes / no.
    rule : CombinationRule

    Returns
    -------
    numpy.ndarray, shape (..., questions)
        The level (NaN where there is no answer).

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.stakeholders import CombinationRule, distribution_level
    >>> counts = np.array([[1., 1., 2.], [3., 1., 0.], [0., 0., 0.]])
    >>> distribution_level(counts, np.array([False, True, False]), CombinationRule())
    array([ 1.,  0., nan])
    """
    total = dist.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        f = dist / total[..., None]
    if rule.ordinal == "median":
        level = np.argmax(np.cumsum(f, axis=-1) >= 0.5 - _TOL, axis=-1)
    else:
        top = f.max(axis=-1, keepdims=True)
        level = np.argmax(f >= top - _TOL, axis=-1)
    share = f[..., 1] if f.shape[-1] > 1 else np.zeros(f.shape[:-1])
    yes = (share >= rule.yes_threshold - _TOL).astype(np.float64)
    out = np.where(binary, yes, level.astype(np.float64))
    return np.where(total > 0, out, np.nan)


def _weights(value: Mapping[str, float] | None) -> tuple[float, ...]:
    where = "combine()"
    if value is None:
        return tuple(1.0 for _ in STAKEHOLDER_GROUPS)
    if not isinstance(value, Mapping):
        raise ParameterTypeError(
            where, "weights", value, "a mapping of group to weight"
        )
    for g, w in value.items():
        check_group(g, where, "weights")
        if not isinstance(w, int | float) or not np.isfinite(w) or w < 0:
            raise ParameterValueError(
                where, f"weights[{g!r}]", w, "a finite number >= 0"
            )
    return tuple(float(value.get(g, 0.0)) for g in STAKEHOLDER_GROUPS)


@attrs.frozen(kw_only=True, eq=False, field_transformer=array_fields)
class StakeholderEvidence:
    """Evidence from stakeholders' answers: per group and all together.

    Attributes
    ----------
    responses : Responses
    base : Portfolio
        The analyst's portfolio: partnerships assessed keep its other fields.
    rule : CombinationRule
    weights : tuple of float
        Each group's weight in the combined evidence (order of
        `STAKEHOLDER_GROUPS`).
    partnerships : tuple of str
        Partnerships with answers, in portfolio order.
    counts : numpy.ndarray, shape (groups, partnerships, questions, levels)
        Respondents per level (`STAKEHOLDER_GROUPS` order).
    group_level : numpy.ndarray, shape (groups, partnerships, questions)
        Each group's result (level; NaN: missing).
    level : numpy.ndarray, shape (partnerships, questions)
        All groups together.

    Examples
    --------
    >>> from kampala.data import sample_portfolio, sample_responses
    >>> from kampala.stakeholders import combine
    >>> ev = combine(sample_responses(), sample_portfolio())
    >>> ev.counts.shape, ev.level.shape
    ((5, 8, 20, 5), (8, 20))
    """

    responses: Responses
    base: Portfolio
    rule: CombinationRule
    weights: tuple[float, ...]
    partnerships: tuple[str, ...]
    counts: FloatArray
    group_level: FloatArray
    level: FloatArray

    @property
    def groups(self) -> tuple[str, ...]:
        """Groups with at least one response.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine
        >>> combine(sample_responses(), sample_portfolio()).groups[-1]
        'trade-union'
        """
        return self.responses.groups_present()

    def respondents(self, group: str | None = None) -> FloatArray:
        """Answers on the scale per partnership and question (one group or all).

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine
        >>> ev = combine(sample_responses(), sample_portfolio())
        >>> int(ev.respondents("government")[0, 0]), int(ev.respondents()[0, 0])
        (1, 10)
        """
        n = self.counts.sum(axis=-1)
        if group is None:
            return np.asarray(n.sum(axis=0))
        return np.asarray(
            n[STAKEHOLDER_GROUPS.index(check_group(group, "respondents()"))]
        )

    def evidence(self, group: str | None = None) -> FloatArray:
        """Return the evidence levels of one group, or of all together.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine
        >>> ev = combine(sample_responses(), sample_portfolio())
        >>> ev.evidence("private-sector").shape
        (8, 20)
        """
        if group is None:
            return self.level
        return np.asarray(
            self.group_level[STAKEHOLDER_GROUPS.index(check_group(group, "evidence()"))]
        )

    def portfolio(self, group: str | None = None) -> Portfolio:
        """Return the assessed partnerships with the stakeholders' evidence.

        Fields asked in the questionnaire take the evidence of ``group`` (or
        of all groups); every other field keeps the base portfolio's value.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine
        >>> ev = combine(sample_responses(), sample_portfolio())
        >>> pf = ev.portfolio("government")
        >>> len(pf), pf.name
        (8, 'Cartera ilustrativa APCI (ficticia) [government]')
        """
        values = self.evidence(group)
        base = self.base
        idx = np.array([base.index(p) for p in self.partnerships], dtype=np.intp)
        columns = {k: np.asarray(v)[idx] for k, v in base.columns.items()}
        for j, q in enumerate(self.responses.questionnaire.questions):
            if q.kind == "criterion" and _KIND.get(q.field) in ("ordinal", "bool"):
                columns[q.field] = values[:, j].astype(np.float64)
        owner = np.asarray(base.actors["partnership"])
        keep = np.isin(owner, idx)
        new_row = np.full(len(base), -1, dtype=np.int64)
        new_row[idx] = np.arange(idx.size)
        actors = {k: np.asarray(v)[keep] for k, v in base.actors.items()}
        actors["partnership"] = new_row[owner[keep]]
        name = f"{base.name} [{group or 'all groups'}]"
        return Portfolio.from_columns(columns, actors, name=name)

    def scorecard(
        self, methodology: Methodology | None = None, *, group: str | None = None
    ) -> Scorecard:
        """Score the evidence of one group, or of all groups together.

        The methodology (KPS-1 by default) and its hash are the same for every
        group.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine
        >>> ev = combine(sample_responses(), sample_portfolio())
        >>> ev.scorecard(group="civil-society").portfolio_name[-15:]
        '[civil-society]'
        """
        m = kps1() if methodology is None else methodology
        return m.run(self.portfolio(group))

    def reweighted(self, weights: Mapping[str, float]) -> StakeholderEvidence:
        """Return the evidence with other group weights (the counts are kept).

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine
        >>> ev = combine(sample_responses(), sample_portfolio())
        >>> import numpy as np
        >>> only = ev.reweighted({"government": 1.0})
        >>> gov = ev.evidence("government")
        >>> bool(np.array_equal(only.level[~np.isnan(gov)], gov[~np.isnan(gov)]))
        True
        """
        w = _weights(weights)
        return attrs.evolve(self, weights=w, level=_combined(self.counts, w, self))

    def table(self, group: str | None = None) -> list[dict[str, Any]]:
        """Rows of partnership, question, evidence level and respondents.

        Examples
        --------
        >>> from kampala.data import sample_portfolio, sample_responses
        >>> from kampala.stakeholders import combine
        >>> row = combine(sample_responses(), sample_portfolio()).table()[0]
        >>> row["partnership"], row["question"], row["answer"], row["respondents"]
        ('PE-AGR-001', 'p1_alignment', 'partial', 10)
        """
        values = self.evidence(group)
        n = self.respondents(group)
        rows = []
        for i, p in enumerate(self.partnerships):
            for j, q in enumerate(self.responses.questionnaire.questions):
                v = values[i, j]
                answer = None if np.isnan(v) else q.choices[int(v)].name
                rows.append(
                    {
                        "partnership": p,
                        "question": q.code,
                        "criterion": q.criterion,
                        "answer": answer,
                        "respondents": int(n[i, j]),
                    }
                )
        return rows


def _binary(responses: Responses) -> npt.NDArray[np.bool_]:
    return np.array([q.binary for q in responses.questionnaire.questions], dtype=bool)


def _combined(counts: FloatArray, weights: tuple[float, ...], ev: Any) -> FloatArray:
    rule: CombinationRule = ev.rule
    n = counts.sum(axis=-1)  # (G, P, Q)
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(n[..., None] > 0, counts / n[..., None], 0.0)
    w = np.asarray(weights)[:, None, None, None]
    dist = (w * f).sum(axis=0)
    level = distribution_level(dist, _binary(ev.responses), rule)
    return np.where(n.sum(axis=0) >= rule.min_respondents, level, np.nan)


def combine(
    responses: Responses,
    portfolio: Portfolio,
    *,
    rule: CombinationRule | None = None,
    weights: Mapping[str, float] | None = None,
) -> StakeholderEvidence:
    """Combine stakeholders' answers into evidence, per group and together.

    Parameters
    ----------
    responses : Responses
        The answers.
    portfolio : Portfolio
        The analyst's portfolio: every partnership answered about must be in
        it; fields not asked keep its values.
    rule : CombinationRule, default=None
        The aggregation rule; the default median / share >= 1/2 / one
        respondent if None.
    weights : mapping of str to float, default=None
        Each group's weight in the combined evidence (equal if None; a group
        left out weighs 0).

    Returns
    -------
    StakeholderEvidence

    Raises
    ------
    ParameterValueError
        For a partnership not in the portfolio, an unknown group or a
        negative weight.

    Notes
    -----
    Equation (MS1) of the stakeholder methodology page. A group's result
    depends only on its own respondents, and not on their order.

    Examples
    --------
    >>> from kampala.data import sample_portfolio, sample_responses
    >>> from kampala.stakeholders import CombinationRule, combine
    >>> ev = combine(sample_responses(), sample_portfolio(),
    ...              rule=CombinationRule(min_respondents=2))
    >>> int(np.isnan(ev.group_level).sum()) > 0
    True
    """
    rule = CombinationRule() if rule is None else rule
    w = _weights(weights)
    known = set(portfolio.ids)
    for p in dict.fromkeys(responses.partnership):
        if p not in known:
            raise ParameterValueError(
                "combine()", "partnership", p, f"a partnership of {portfolio.name!r}"
            )
    present = set(responses.partnership)
    partnerships = tuple(p for p in portfolio.ids if p in present)
    pos = {p: i for i, p in enumerate(partnerships)}
    q = responses.questionnaire
    levels = max(item.levels for item in q.questions)
    counts = np.zeros((len(STAKEHOLDER_GROUPS), len(partnerships), len(q), levels))
    a = responses.answers
    rows, cols = np.nonzero(a >= 0)
    g = responses.group_index[rows]
    uniq, inv = np.unique(
        np.array(responses.partnership, dtype=object), return_inverse=True
    )
    p_idx = np.array([pos[str(p)] for p in uniq], dtype=np.intp)[inv][rows]
    np.add.at(counts, (g, p_idx, cols, a[rows, cols].astype(np.intp)), 1.0)
    n = counts.sum(axis=-1)
    group_level = distribution_level(counts, _binary(responses), rule)
    group_level = np.where(n >= rule.min_respondents, group_level, np.nan)
    ev = StakeholderEvidence(
        responses=responses,
        base=portfolio,
        rule=rule,
        weights=w,
        partnerships=partnerships,
        counts=counts,
        group_level=group_level,
        level=np.empty((len(partnerships), len(q))),
    )
    return attrs.evolve(ev, level=_combined(counts, w, ev))
