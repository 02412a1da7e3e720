r"""Missing evidence: how far it could move every score and rank, and what to collect.

A scorecard averages the evidence that is documented. That is a defensible
convention only if the reader can see, for every score, how far the missing
evidence could move it. This module computes, exactly and without sampling:

- `evidence_bounds`: for every partnership, principle and the overall score,
  the lowest and highest score the methodology's own rule (weights,
  aggregation method, coverage threshold) could give once some or all of the
  missing criteria are documented, each at any value of its scale; and the
  best and worst rank each partnership could reach if every other
  partnership's missing evidence also fell anywhere in its range;
- `rank_bounds`: those rank intervals from score intervals, sort-based;
- `next_evidence`: for each partnership, its missing criteria ordered by how
  much each one alone narrows its overall interval (its effective weight),
  and for the portfolio, the criteria whose collection would most reduce the
  rank uncertainty of all partnerships.

The equations are (E1)-(E6) on ``docs/methodology/missing-evidence.md``.
Bounds are reported beside the scores; they do not change the scoring rule,
so a methodology's hash is unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala.composite.aggregate import aggregate_values
from kampala.composite_result import CompositeResult
from kampala.errors import ParameterValueError
from kampala.framework import Framework
from kampala.i18n import translate

__all__ = [
    "MONOTONE_METHODS",
    "CriterionToCollect",
    "EvidenceBounds",
    "NextEvidence",
    "evidence_bounds",
    "next_evidence",
    "rank_bounds",
    "rank_flags",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Aggregation methods for which the bounds are computed: means that never
#: decrease when a child rises, so the extremes of the scale give them.
MONOTONE_METHODS = frozenset(
    {"arithmetic", "geometric", "harmonic", "generalised-mean", "minimum"}
)
_TIE = 1e-12  # relative difference of two bounds treated as a possible tie
_MAX_PRINCIPLES = 16  # 2**16 subsets of principles: beyond, refuse


def _ro(a: FloatArray) -> FloatArray:
    a.flags.writeable = False
    return a


def rank_bounds(
    score: FloatArray, low: FloatArray, high: FloatArray
) -> tuple[FloatArray, FloatArray]:
    r"""Best and worst rank of each unit when every score may lie in its interval.

    Ranks follow the scorecard's convention (1 = highest score, ties share
    the best rank). A unit ranks at best

    $$ r^{best}_u = 1 + \#\{v \ne u : S_v \text{ defined},\ L_v > H_u\} $$

    (the units certainly above it: only a unit that has a score now is
    certain to have one), and at worst

    $$ r^{worst}_u = 1 + \#\{v \ne u : H_v > L_u\} $$

    (every unit that could be above it), equations (E4) and (E5). Both are
    reached: put ``u`` at its high end and every other unit at its low end
    (or unscored), or the reverse. Computed with two sorts, O(n log n).
    Bounds within $10^{-12}$ (relative) of each other count as a possible
    tie, so rounding never narrows an interval.

    Parameters
    ----------
    score : numpy.ndarray, shape (n,)
        Current scores; NaN for a unit without a score now.
    low, high : numpy.ndarray, shape (n,)
        Bounds of each unit's score; NaN where unknown.

    Returns
    -------
    best, worst : numpy.ndarray, shape (n,)
        Ranks as floats; NaN where the bounds are NaN.

    Examples
    --------
    Unit ``c`` has no score now but could reach 0.9 once documented:

    >>> import numpy as np
    >>> from kampala.evidence import rank_bounds
    >>> best, worst = rank_bounds(np.array([0.8, 0.5, np.nan]),
    ...                           np.array([0.7, 0.4, 0.1]),
    ...                           np.array([0.85, 0.6, 0.9]))
    >>> best.tolist(), worst.tolist()
    ([1.0, 2.0, 1.0], [2.0, 3.0, 3.0])
    """
    score = np.asarray(score, dtype=np.float64)
    low = np.asarray(low, dtype=np.float64)
    high = np.asarray(high, dtype=np.float64)
    known = ~(np.isnan(low) | np.isnan(high))
    # bounds computed in floating point: treat a difference within rounding
    # as a possible tie, so the interval errs on the wide side
    tol = _TIE * max(1.0, float(np.max(np.abs(high[known]), initial=0.0)))
    certain = np.sort(low[known & ~np.isnan(score)])
    possible = np.sort(high[known])
    above_surely = certain.size - np.searchsorted(certain, high + tol, side="right")
    above_maybe = possible.size - np.searchsorted(possible, low - tol, side="right")
    above_maybe -= known  # the unit itself (its high is above its low - tol)
    best = np.where(known, 1.0 + above_surely, np.nan)
    worst = np.where(known, 1.0 + above_maybe, np.nan)
    return best, worst


@attrs.frozen(kw_only=True, eq=False)
class EvidenceBounds:
    r"""How far missing evidence could move every score and rank.

    Attributes
    ----------
    ids : tuple of str
        Units (partnerships), in portfolio order.
    principles : tuple of str
        Codes of the principles (the root's children).
    low, high : numpy.ndarray, shape (n, n_principles)
        Bounds of each principle score, equation (E1).
    overall_low, overall_high : numpy.ndarray, shape (n,)
        Bounds of the overall score, equation (E3); NaN for an aggregation
        method outside `MONOTONE_METHODS`.
    rank_best, rank_worst : numpy.ndarray, shape (n,)
        Rank interval (E4)-(E5).

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> b = card.evidence_bounds()
    >>> i = b.ids.index("PE-FIN-006")  # ranked 9th with P1 flagged
    >>> bool(b.overall_low[i] <= card.score()[i] <= b.overall_high[i])
    True
    >>> int(b.rank_best[i]), int(b.rank_worst[i])
    (1, 37)
    >>> j = b.ids.index("PE-HEA-001")  # everything documented
    >>> bool(b.overall_low[j] == b.overall_high[j]), int(b.rank_worst[j])
    (True, 6)
    """

    ids: tuple[str, ...]
    principles: tuple[str, ...]
    low: FloatArray
    high: FloatArray
    overall_low: FloatArray
    overall_high: FloatArray
    rank_best: FloatArray
    rank_worst: FloatArray

    def width(self) -> FloatArray:
        """Width of each overall interval, ``overall_high - overall_low``.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> b = Methodology.default().run(data.sample_portfolio()).evidence_bounds()
        >>> round(float(b.width()[b.ids.index("PE-FIN-006")]), 3)
        0.297
        """
        out: FloatArray = self.overall_high - self.overall_low
        return out

    def row(self, i: int) -> dict[str, float | int | None]:
        """Return the table cells of unit ``i``: ``P1_low`` … ``rank_worst``.

        Missing bounds are None, ranks are ints (the keys and types of
        `Scorecard.table`).

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> b = Methodology.default().run(data.sample_portfolio()).evidence_bounds()
        >>> cells = b.row(b.ids.index("PE-FIN-006"))
        >>> list(cells)[:2], cells["rank_best"], cells["rank_worst"]
        (['P1_low', 'P1_high'], 1, 37)
        """

        def num(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        cells: dict[str, float | int | None] = {}
        for k, code in enumerate(self.principles):
            cells[f"{code}_low"] = num(self.low[i, k])
            cells[f"{code}_high"] = num(self.high[i, k])
        cells["overall_low"] = num(self.overall_low[i])
        cells["overall_high"] = num(self.overall_high[i])
        for key, ranks in (
            ("rank_best", self.rank_best),
            ("rank_worst", self.rank_worst),
        ):
            cells[key] = None if math.isnan(ranks[i]) else int(ranks[i])
        return cells

    def rank_width(self) -> FloatArray:
        """Return how many ranks each partnership could move, worst minus best.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> b = Methodology.default().run(data.sample_portfolio()).evidence_bounds()
        >>> int(b.rank_width()[b.ids.index("PE-FIN-006")])
        36
        """
        out: FloatArray = self.rank_worst - self.rank_best
        return out


def _shape(framework: Framework) -> tuple[str, tuple[str, ...], list[list[int]]]:
    root = framework.root
    if root is None or framework.levels != (2, 3):
        raise ParameterValueError(
            "evidence_bounds()",
            "framework",
            framework.levels,
            "a scorecard framework: criteria -> principles -> overall score",
        )
    principles = framework.children(root)
    if len(principles) > _MAX_PRINCIPLES:
        raise ParameterValueError(
            "evidence_bounds()",
            "framework",
            len(principles),
            f"at most {_MAX_PRINCIPLES} principles",
        )
    pos = {c: j for j, c in enumerate(framework.indicator_codes)}
    groups = [[pos[c] for c in framework.children(p)] for p in principles]
    return root, principles, groups


def _bounds(
    result: CompositeResult,
    values: FloatArray,
    *,
    min_coverage: float,
    min_data: float,
    scale: tuple[float, float],
    rescore: bool = False,
) -> EvidenceBounds:
    fw = result.framework
    root, principles, groups = _shape(fw)
    rules = result.aggregation.rules
    if rescore:  # values other than the run's: score them as the run would
        aggs = aggregate_values(
            fw, values, rules, min_data=min_data, min_coverage=min_coverage
        )
        col = {c: aggs[:, j] for j, c in enumerate(fw.aggregate_codes)}
    else:
        col = {c: result.score(c) for c in (*principles, root)}
    leaf_w = np.array([fw.node(c).weight for c in fw.indicator_codes])
    v = np.array([fw.node(p).weight for p in principles])
    missing = np.isnan(values)
    n, k = values.shape[0], len(principles)
    # (E1) principle bounds: every missing criterion at the scale's extremes
    plow = rules[2].mean(np.where(missing, scale[0], values), leaf_w, groups=groups)
    phigh = rules[2].mean(np.where(missing, scale[1], values), leaf_w, groups=groups)
    current = np.column_stack([col[p] for p in principles])
    incomplete = np.column_stack([missing[:, g].any(axis=1) for g in groups])
    plow = np.where(incomplete, np.fmin(plow, current), current)
    phigh = np.where(incomplete, np.fmax(phigh, current), current)
    if rules[2].method not in MONOTONE_METHODS:  # a unit's score moves with others'
        plow = np.full_like(plow, np.nan)
        phigh = np.full_like(phigh, np.nan)
    overall = col[root]
    low = np.full(n, np.nan)
    high = np.full(n, np.nan)
    if rules[2].method in MONOTONE_METHODS and rules[3].method in MONOTONE_METHODS:
        # (E2)-(E3): every set D of principles with a score that documenting
        # could produce (D holds the principles scored now), at both ends
        scored = ~np.isnan(current)
        for mask in range(1, 1 << k):
            in_d = np.array([(mask >> j) & 1 == 1 for j in range(k)])
            reachable = ~(scored & ~in_d).any(axis=1)
            if not reachable.any():
                continue
            lo, hi = (
                rules[3].mean(
                    np.where(in_d, ends, np.nan),
                    v,
                    min_data=min_data,
                    min_coverage=min_coverage,
                )
                for ends in (plow, phigh)
            )
            low = np.where(reachable, np.fmin(low, lo), low)
            high = np.where(reachable, np.fmax(high, hi), high)
        complete = ~missing.any(axis=1)
        low = np.where(complete, overall, np.fmin(low, overall))
        high = np.where(complete, overall, np.fmax(high, overall))
    best, worst = rank_bounds(overall, low, high)
    return EvidenceBounds(
        ids=result.unit_codes,
        principles=principles,
        low=_ro(plow),
        high=_ro(phigh),
        overall_low=_ro(low),
        overall_high=_ro(high),
        rank_best=_ro(best),
        rank_worst=_ro(worst),
    )


def _aggregated_values(result: CompositeResult) -> FloatArray:
    data = list(result.datasets.values())[-1]
    return np.asarray(data.values, dtype=np.float64)


def _check_scale(scale: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(s) for s in scale)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
        raise ParameterValueError(
            "evidence_bounds()", "scale", scale, "(min, max) with finite min <= max"
        )
    return lo, hi


def evidence_bounds(
    result: CompositeResult,
    *,
    min_coverage: float = 0.0,
    min_data: float = 0.0,
    scale: tuple[float, float] = (0.0, 1.0),
) -> EvidenceBounds:
    r"""Bounds of every score and rank that the missing evidence leaves open.

    For each unit, principle and the overall score: the lowest and highest
    score the methodology's rule could give once some or all of the missing
    criteria are documented, each at any value of ``scale``; the current
    score is one of these (nothing documented), so it always lies inside.
    For a unit without a score now (coverage below the threshold), the
    bounds are over the ways of documenting that give it one: every unit
    gets an interval. A unit with every criterion documented has equal
    bounds. Rank bounds follow from `rank_bounds`.

    Parameters
    ----------
    result : CompositeResult
        A run on a framework criteria -> principles -> overall score, such as
        ``Scorecard.result``.
    min_coverage, min_data : float, default=0.0
        The aggregation step's thresholds, as the run used them.
    scale : (float, float), default=(0.0, 1.0)
        The criteria's scale: a missing criterion may take any value in it.

    Returns
    -------
    EvidenceBounds

    Raises
    ------
    ParameterValueError
        If the framework is not criteria -> principles -> overall score, or
        ``scale`` is not an interval.

    Notes
    -----
    A principle score is a mean that never decreases when a criterion
    rises, and documenting a criterion at the top (bottom) of the scale
    never lowers (raises) it, so its bounds are the mean with every missing
    criterion at the scale's minimum and maximum (E1). The overall score is
    the mean over the set $D$ of principles that have a score; documenting
    can add principles to $D$ but never remove one, so the bounds are the
    extremes over every admissible $D$ (E2)-(E3), $2^K$ sets of $K$
    principles, each one vectorised over all units. For the
    Mazziotta-Pareto and Copeland methods, which are not monotone (a
    Copeland score even moves with the other units' values), the bounds of
    the level that uses them, and of the levels above, are NaN. See
    ``docs/methodology/missing-evidence.md``.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> from kampala.evidence import evidence_bounds
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> b = evidence_bounds(card.result, min_coverage=0.5)
    >>> i = b.ids.index("PE-ENE-005")  # no overall score, still an interval
    >>> bool(card.score()[i] != card.score()[i]), b.overall_low[i] < b.overall_high[i]
    (True, np.True_)
    """
    lo, hi = _check_scale(scale)
    return _bounds(
        result,
        _aggregated_values(result),
        min_coverage=min_coverage,
        min_data=min_data,
        scale=(lo, hi),
    )


@attrs.frozen(kw_only=True)
class CriterionToCollect:
    """One criterion worth documenting, for a partnership or a portfolio.

    Attributes
    ----------
    code : str
        Criterion code (``"P2.progress"``).
    evidence : tuple of str
        The evidence fields it reads.
    effective_weight : float
        Its weight in the overall score (W2): by how much documenting it
        narrows one partnership's overall interval under the arithmetic mean.
    missing : int
        Partnerships without it (1 for a partnership's own list).
    rank_width_removed : float
        Portfolio list: total rank-interval width removed if it were
        documented for every partnership missing it, at the middle of its
        scale (E6); NaN in a partnership's own list.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> nxt = Methodology.default().run(data.sample_portfolio()).next_evidence()
    >>> first = nxt.portfolio[0]
    >>> first.code, first.missing > 0, first.rank_width_removed > 0
    ('P2.country_indicators', True, True)
    """

    code: str
    evidence: tuple[str, ...]
    effective_weight: float
    missing: int = 1
    rank_width_removed: float = float("nan")

    def to_dict(self) -> dict[str, Any]:
        """Return the item as JSON-ready data.

        Examples
        --------
        >>> from kampala.evidence import CriterionToCollect
        >>> CriterionToCollect(code="P1.alignment", evidence=("a.b",),
        ...                    effective_weight=0.04).to_dict()
        {'code': 'P1.alignment', 'evidence': ['a.b'], 'effective_weight': 0.04,
         'missing': 1, 'rank_width_removed': None}
        """
        rw = self.rank_width_removed
        return {
            "code": self.code,
            "evidence": list(self.evidence),
            "effective_weight": self.effective_weight,
            "missing": self.missing,
            "rank_width_removed": None if np.isnan(rw) else rw,
        }


@attrs.frozen(kw_only=True, eq=False)
class NextEvidence:
    """Which evidence to collect next, per partnership and for the portfolio.

    Attributes
    ----------
    partnerships : mapping of str to tuple of CriterionToCollect
        Each partnership's missing criteria, largest effective weight first.
    portfolio : tuple of CriterionToCollect
        Criteria missing somewhere, largest rank-width reduction first.
    rank_width_total : float
        Sum over partnerships of ``rank_worst - rank_best`` now.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> nxt = card.next_evidence()
    >>> [c.code for c in nxt.partnerships["PE-ENE-005"]][:2]
    ['P1.alignment', 'P1.government_role']
    >>> print(nxt.to_text(top=2))  # doctest: +ELLIPSIS
    Evidence to collect next (portfolio): total rank uncertainty 1240 ranks
      P2.country_indicators — missing in 15 partnerships; documenting it would
      remove 66 ranks of uncertainty (results.indicators_from_country_frameworks,
      results.indicators_total)
      P1.alignment — missing in 12 partnerships; ...
    """

    partnerships: Mapping[str, tuple[CriterionToCollect, ...]]
    portfolio: tuple[CriterionToCollect, ...]
    rank_width_total: float

    def to_dict(self) -> dict[str, Any]:
        """Return the lists as JSON-ready data.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> d = Methodology.default().run(data.sample_portfolio()).next_evidence()
        >>> sorted(d.to_dict())
        ['partnerships', 'portfolio', 'rank_width_total']
        """
        return {
            "rank_width_total": self.rank_width_total,
            "portfolio": [c.to_dict() for c in self.portfolio],
            "partnerships": {
                pid: [c.to_dict() for c in items]
                for pid, items in self.partnerships.items()
            },
        }

    def to_text(self, *, top: int | None = 10, lang: str | None = "en") -> str:
        """Return the portfolio list as readable lines, in English or Spanish.

        Parameters
        ----------
        top : int or None, default=10
            Criteria to list; None for all.
        lang : {"en", "es"} or None, default="en"
            Language; None reads ``KAMPALA_LANG`` or the locale.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> nxt = Methodology.default().run(data.sample_portfolio()).next_evidence()
        >>> print(nxt.to_text(top=1, lang="es"))  # doctest: +ELLIPSIS
        Evidencia que conviene reunir primero (cartera): incertidumbre total de
        1240 puestos
          P2.country_indicators — falta en 15 alianzas; documentarlo quitaría 66
          puestos de incertidumbre (results.indicators_from_country_frameworks,
          results.indicators_total)
        """
        lines = [
            translate(
                "Evidence to collect next (portfolio): total rank uncertainty "
                "{total:.0f} ranks",
                lang,
                total=self.rank_width_total,
            )
        ]
        items = self.portfolio if top is None else self.portfolio[:top]
        lines.extend(
            "  "
            + translate(
                "{code} — missing in {n} partnerships; documenting it would "
                "remove {ranks:.0f} ranks of uncertainty ({fields})",
                lang,
                code=c.code,
                n=c.missing,
                ranks=c.rank_width_removed,
                fields=", ".join(c.evidence),
            )
            for c in items
        )
        return "\n".join(lines)


def next_evidence(
    result: CompositeResult,
    evidence: Mapping[str, Sequence[str]] | None = None,
    *,
    min_coverage: float = 0.0,
    min_data: float = 0.0,
    scale: tuple[float, float] = (0.0, 1.0),
    portfolio: bool = True,
    units: Sequence[str] | None = None,
) -> NextEvidence:
    r"""Which missing criteria to document first.

    For each unit, its missing criteria ordered by effective weight (W2): the
    width one criterion alone removes from the unit's overall interval
    under the arithmetic mean, whatever value it turns out to have. For the
    portfolio, every criterion missing somewhere, ordered by how much the
    sum of all units' rank-interval widths would fall if it were documented
    wherever it is missing, at the middle of the scale (E6): the interval
    then shrinks evenly from both ends.

    Parameters
    ----------
    result : CompositeResult
        A run on a framework criteria -> principles -> overall score.
    evidence : mapping of str to sequence of str, default=None
        The evidence fields each criterion reads, by criterion code.
    min_coverage, min_data : float, default=0.0
        The aggregation step's thresholds.
    scale : (float, float), default=(0.0, 1.0)
        The criteria's scale.
    portfolio : bool, default=True
        Whether to rank the criteria for the portfolio (one bounds
        computation per criterion missing somewhere); False leaves
        ``NextEvidence.portfolio`` empty.
    units : sequence of str, default=None
        The units whose lists to build (e.g. the one partnership an
        explanation is about); None: every unit.

    Returns
    -------
    NextEvidence

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> from kampala.evidence import next_evidence
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> nxt = next_evidence(card.result, min_coverage=0.5)
    >>> nxt.portfolio[0].code, nxt.portfolio[0].evidence
    ('P2.country_indicators', ())
    """
    lo, hi = _check_scale(scale)
    values = _aggregated_values(result)
    kw: dict[str, Any] = {
        "min_coverage": min_coverage,
        "min_data": min_data,
        "scale": (lo, hi),
    }
    fw = result.framework
    codes = fw.indicator_codes
    eff = fw.effective_weights()
    fields = {c: tuple(evidence.get(c, ())) if evidence else () for c in codes}
    missing = np.isnan(values)
    total = float(np.nansum(_bounds(result, values, **kw).rank_width()))
    order = np.argsort(-eff, kind="stable")
    per_unit: dict[str, tuple[CriterionToCollect, ...]] = {}
    rows = (
        range(len(result.unit_codes))
        if units is None
        else [result.unit_index(u) for u in units]
    )
    for i in rows:
        per_unit[result.unit_codes[i]] = tuple(
            CriterionToCollect(
                code=codes[j], evidence=fields[codes[j]], effective_weight=float(eff[j])
            )
            for j in order
            if missing[i, j]
        )
    items = []
    mid = 0.5 * (lo + hi)
    for j in np.flatnonzero(missing.any(axis=0) if portfolio else ()):
        filled = values.copy()
        filled[missing[:, j], j] = mid
        after = _bounds(result, filled, rescore=True, **kw).rank_width()
        after_total = float(np.nansum(after))
        items.append(
            CriterionToCollect(
                code=codes[j],
                evidence=fields[codes[j]],
                effective_weight=float(eff[j]),
                missing=int(missing[:, j].sum()),
                rank_width_removed=total - after_total,
            )
        )
    items.sort(key=lambda c: (-c.rank_width_removed, -c.effective_weight, c.code))
    return NextEvidence(
        partnerships=per_unit, portfolio=tuple(items), rank_width_total=total
    )


def rank_flags(
    score: FloatArray,
    rank_best: FloatArray,
    rank_worst: FloatArray,
    width: int,
    lang: str | None = None,
) -> list[str | None]:
    """Flag each scored unit whose rank interval is wider than ``width`` ranks.

    Parameters
    ----------
    score : numpy.ndarray, shape (n,)
        Current scores; an unscored unit (NaN) is not flagged.
    rank_best, rank_worst : numpy.ndarray, shape (n,)
        Rank bounds, as `rank_bounds` gives them.
    width : int
        Widest interval (``rank_worst - rank_best``) left unflagged.
    lang : {"en", "es"} or None, default=None
        Language of the flag (see `kampala.i18n.resolve_lang`).

    Returns
    -------
    list of str or None
        The flag of each unit, None where there is none.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.evidence import rank_flags
    >>> rank_flags(np.array([0.9, 0.5, np.nan]), np.array([1.0, 1.0, 1.0]),
    ...            np.array([2.0, 30.0, 30.0]), 10, "es")
    [None, 'el puesto depende de la evidencia faltante: 1–30', None]
    """  # noqa: RUF002 (the en dash of a range, as typeset)
    wide = ~np.isnan(score) & (rank_worst - rank_best > width)
    return [
        translate(
            "rank depends on missing evidence: {best}–{worst}",  # noqa: RUF001
            lang,
            best=int(rank_best[i]),
            worst=int(rank_worst[i]),
        )
        if wide[i]
        else None
        for i in range(len(score))
    ]
