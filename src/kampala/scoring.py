"""Scoring: from a portfolio, through its principle scorers, to a scorecard.

1. `resolve_scorer` finds the scorer a `ScorerSpec` names in a registry,
   at the version the methodology was built with and with its parameters;
2. `score_principles` rates every partnership on every criterion (scores
   in [0, 1], NaN where evidence is missing);
3. `indicator_table` lays the criteria out as the indicators of a
   framework criteria → principles → overall score (``KPS``,
   `scorecard_framework`), with the scorers' criterion weights and equal
   principle weights unless the methodology says otherwise;
4. `score_portfolio` runs the methodology's composite steps on that table
   (weighted arithmetic mean by default) and returns the `Scorecard`; an
   aggregate whose children's weight with evidence is below the
   methodology's ``min_coverage`` is missing and *flagged as insufficient
   evidence* instead of being scored as if complete.

`Methodology.run` calls `score_portfolio` for a portfolio.
kampala's scorecard is the library's own methodology, built on the content
of the Kampala Principles; it is not an official GPEDC assessment or score.

This module also re-exports, for code written before they moved, names it
used to define: `CompositeResult`, `MethodologyRef` and `rank_scores`
(`kampala.composite_result`), `CANONICAL_ORDER` and
`steps_in_canonical_order` (`kampala.steps`) and `canonical_json`
(`kampala.canonical`). `Methodology` now lives in `kampala.methodology`,
above this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from kampala.canonical import canonical_json
from kampala.composite_result import CompositeResult, MethodologyRef, rank_scores
from kampala.errors import MethodologyError, ParameterValueError
from kampala.framework import Framework, Node
from kampala.indicators import IndicatorSet
from kampala.portfolio import Portfolio
from kampala.principles import (
    Criterion,
    Principle,
    PrincipleScores,
    RubricScorer,
    Scorer,
    ScorerRegistry,
    default_registry,
)
from kampala.scorecard import ROOT, Scorecard
from kampala.steps import CANONICAL_ORDER, steps_in_canonical_order

if TYPE_CHECKING:
    from kampala.methodology import Methodology

__all__ = [
    "CANONICAL_ORDER",
    "CompositeResult",
    "MethodologyRef",
    "ScorerSpec",
    "canonical_json",
    "indicator_table",
    "methodology_framework",
    "rank_scores",
    "resolve_scorer",
    "score_portfolio",
    "score_principles",
    "scorecard_framework",
    "steps_in_canonical_order",
]


def _json_params(value: Mapping[str, Any] | None) -> dict[str, Any]:
    out = dict(value or {})
    try:
        canonical_json(out)
    except (TypeError, ValueError) as exc:
        raise MethodologyError(
            "ScorerSpec()", "params", out, "JSON-serialisable values"
        ) from exc
    return out


@attrs.frozen(kw_only=True)
class ScorerSpec:
    """Which scorer a methodology uses for a principle, and its parameters.

    Parameters
    ----------
    principle : int
        Principle number, 1 to 5.
    id : str
        Scorer id in the registry (``"kps.ownership"``).
    version : str
        Scorer version the methodology was built with; running it with
        another version is an error.
    params : mapping, default=None
        Scorer parameters (constructor fields).

    Examples
    --------
    >>> from kampala import ScorerSpec
    >>> spec = ScorerSpec(principle=3, id="kps.inclusive-partnership", version="1",
    ...                   params={"diversity_target": 4})
    >>> spec.to_dict()
    {'principle': 3, 'id': 'kps.inclusive-partnership', 'version': '1',
     'params': {'diversity_target': 4}}
    """

    principle: int = attrs.field(validator=attrs.validators.in_((1, 2, 3, 4, 5)))
    id: str
    version: str
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_json_params)

    def to_dict(self) -> dict[str, Any]:
        """Return the spec as a JSON-ready mapping.

        Examples
        --------
        >>> from kampala import Methodology
        >>> Methodology.default().scorers[0].to_dict()
        {'principle': 1, 'id': 'kps.ownership', 'version': '1', 'params': {}}
        """
        return {
            "principle": self.principle,
            "id": self.id,
            "version": self.version,
            "params": dict(self.params),
        }

    @classmethod
    def from_dict(
        cls, d: Mapping[str, Any], *, where: str = "ScorerSpec.from_dict()"
    ) -> ScorerSpec:
        """Build a spec from `to_dict()` output.

        Raises
        ------
        MethodologyError
            If ``d`` is not a mapping of the spec's keys.

        Examples
        --------
        >>> from kampala.scoring import ScorerSpec
        >>> ScorerSpec.from_dict({"principle": 4, "id": "kps.transparency",
        ...                       "version": "1"}).params
        {}
        >>> ScorerSpec.from_dict({"principle": 4, "name": "kps.transparency"})
        Traceback (most recent call last):
            ...
        kampala.errors.MethodologyError: ScorerSpec.from_dict(): 'scorers' must be
        objects with keys principle, id, version, params (got {'principle': 4,
        'name': 'kps.transparency'}).
        """
        if not isinstance(d, Mapping):
            raise MethodologyError(
                where, "scorers", d, "objects with principle, id, version"
            )
        try:
            return cls(**d)
        except TypeError as exc:
            raise MethodologyError(
                where,
                "scorers",
                dict(d),
                "objects with keys principle, id, version, params",
            ) from exc


def resolve_scorer(spec: ScorerSpec, registry: ScorerRegistry | None = None) -> Scorer:
    """Return the scorer ``spec`` names, with its parameters, from ``registry``.

    Parameters
    ----------
    spec : ScorerSpec
        Principle, scorer id, the version the methodology was built with, and
        parameters.
    registry : ScorerRegistry, default=None
        Where to look; `default_registry` if None.

    Returns
    -------
    Scorer
        The registered scorer, rebuilt with ``spec.params`` where they differ
        from its own (so the scorer's own validation applies to them).

    Raises
    ------
    MethodologyError
        If the registered scorer has another version, or rejects the
        parameters.
    RegistrationError
        If the registry has no such scorer.

    Examples
    --------
    >>> from kampala.scoring import ScorerSpec, resolve_scorer
    >>> spec = ScorerSpec(principle=2, id="kps.results", version="1",
    ...                   params={"sdg_target_count": 3})
    >>> resolve_scorer(spec)
    ResultsScorer(sdg_target_count=3)
    >>> resolve_scorer(ScorerSpec(principle=2, id="kps.results", version="0"))
    Traceback (most recent call last):
        ...
    kampala.errors.MethodologyError: score_portfolio(): 'scorer 'kps.results'
    version' must be '0', the version the methodology was built with (got '1').
    Install the matching kampala version or update the methodology (with a new
    version of its own).
    """
    reg = default_registry if registry is None else registry
    scorer = reg.get(Principle(spec.principle), spec.id)
    if scorer.version != spec.version:
        raise MethodologyError(
            "score_portfolio()",
            f"scorer {spec.id!r} version",
            scorer.version,
            f"{spec.version!r}, the version the methodology was built with",
            hint="Install the matching kampala version or update the methodology "
            "(with a new version of its own).",
        )
    if dict(spec.params) != dict(scorer.params()):
        try:
            if attrs.has(type(scorer)):
                scorer = attrs.evolve(scorer, **spec.params)  # type: ignore[misc]
            else:
                scorer = type(scorer)(**spec.params)
        except (TypeError, ValueError) as exc:
            raise MethodologyError(
                "score_portfolio()",
                f"params of scorer {spec.id!r}",
                dict(spec.params),
                "parameters that scorer accepts",
                hint=str(exc),
            ) from exc
    return scorer


def _memo_key(spec: ScorerSpec) -> tuple[int, str, str, str]:
    return (spec.principle, spec.id, spec.version, canonical_json(dict(spec.params)))


def score_principles(
    portfolio: Portfolio,
    scorers: Iterable[ScorerSpec],
    *,
    registry: ScorerRegistry | None = None,
    memo: MutableMapping[Any, PrincipleScores] | None = None,
) -> dict[Principle, PrincipleScores]:
    """Run each scorer on the portfolio, in principle order.

    Parameters
    ----------
    portfolio : Portfolio
        The partnerships to score.
    scorers : iterable of ScorerSpec
        The scorers, for example a methodology's ``scorers``.
    registry : ScorerRegistry, default=None
        Where to find them; `default_registry` if None.
    memo : mutable mapping, default=None
        Scores already computed for this portfolio, by spec; filled as
        scorers run (a sensitivity analysis scores each variant once).

    Returns
    -------
    dict of Principle to PrincipleScores

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.data import sample_portfolio
    >>> from kampala.scoring import score_principles
    >>> scores = score_principles(sample_portfolio(), Methodology.default().scorers)
    >>> [p.code for p in scores], scores[Principle.OWNERSHIP].values.shape
    (['P1', 'P2', 'P3', 'P4', 'P5'], (48, 5))
    """
    memo = {} if memo is None else memo
    specs = sorted(scorers, key=lambda s: s.principle)
    todo = {_memo_key(s): s for s in specs if _memo_key(s) not in memo}
    resolved = {key: resolve_scorer(spec, registry) for key, spec in todo.items()}
    rubric = {k: sc for k, sc in resolved.items() if isinstance(sc, RubricScorer)}
    if rubric and len(rubric) == len(specs):
        # one column-major criteria matrix; each scorer writes its columns
        widths = [len(sc.criteria) for sc in rubric.values()]
        matrix = np.empty((len(portfolio), sum(widths)), order="F")
        stop = 0
        for (key, scorer), width in zip(rubric.items(), widths, strict=True):
            stop += width
            part = matrix[:, stop - width : stop]
            memo[key] = scorer.score(portfolio, out=part)
    else:
        for key, sc in resolved.items():
            memo[key] = sc.score(portfolio)
    return {Principle(s.principle): memo[_memo_key(s)] for s in specs}


def _table(
    portfolio: Portfolio, scores: Mapping[Principle, PrincipleScores]
) -> IndicatorSet:
    return IndicatorSet(
        framework=scorecard_framework(scores),
        unit_codes=portfolio.ids,
        unit_names=portfolio.column("title").tolist(),
        values=_criteria_matrix([ps.values for ps in scores.values()]),
    )


def _columns_of(blocks: list[Any], base: np.ndarray[Any, Any]) -> bool:
    """Whether ``blocks`` are consecutive column slices covering ``base``."""
    n = base.shape[0]
    if base.ndim != 2 or base.dtype != np.float64 or not base.flags.f_contiguous:
        return False
    start = base.__array_interface__["data"][0]
    for block in blocks:
        if block.base is not base or block.shape[0] != n:
            return False
        if block.__array_interface__["data"][0] != start:
            return False
        start += block.shape[1] * n * base.itemsize
    return bool(start == base.__array_interface__["data"][0] + base.nbytes)


def _criteria_matrix(blocks: list[Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Join the principles' score blocks into one column-major, read-only matrix.

    Each criterion is one contiguous copy (no strided row-by-row writes), and
    the composite engine takes the matrix as it is.
    """
    n = blocks[0].shape[0] if blocks else 0
    width = sum(b.shape[1] for b in blocks)
    base = blocks[0].base if blocks else None
    if isinstance(base, np.ndarray) and _columns_of(blocks, base):
        whole = base.view()  # the scorers wrote into one matrix: use it
        whole.flags.writeable = False
        return whole
    out = np.empty((n, width), order="F")
    j = 0
    for block in blocks:
        out[:, j : j + block.shape[1]] = block
        j += block.shape[1]
    out.flags.writeable = False
    return out


def indicator_table(
    portfolio: Portfolio,
    scorers: Iterable[ScorerSpec],
    *,
    registry: ScorerRegistry | None = None,
    memo: MutableMapping[Any, PrincipleScores] | None = None,
) -> IndicatorSet:
    """Turn a portfolio into the scorecard's indicator table.

    One row per partnership, one column per criterion of each scorer (scores
    in [0, 1], NaN where evidence is missing), under the framework criteria →
    principles → ``KPS`` of `scorecard_framework`. Any composite
    methodology can run on it; `score_portfolio` runs the scorecard's own.

    Parameters
    ----------
    portfolio : Portfolio
        Its partnerships become the rows.
    scorers : iterable of ScorerSpec
        Their criteria become the columns, in principle order.
    registry : ScorerRegistry, default=None
        Where the scorers are registered (`default_registry` if None).
    memo : mutable mapping, default=None
        Scores computed before; see `score_principles`.

    Returns
    -------
    IndicatorSet

    Raises
    ------
    MethodologyError
        If a scorer in the registry has another version than the methodology
        records, or rejects its parameters.

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.data import sample_portfolio
    >>> from kampala.scoring import indicator_table
    >>> table = indicator_table(sample_portfolio(), Methodology.default().scorers)
    >>> table.values.shape, table.framework.indicator_codes[:2]
    ((48, 29), ('P1.alignment', 'P1.government_role'))
    """
    scores = score_principles(portfolio, scorers, registry=registry, memo=memo)
    return _table(portfolio, scores)


def scorecard_framework(scores: Mapping[Principle, PrincipleScores]) -> Framework:
    """Build the framework criteria → principles → ``KPS`` from scorer output.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import OwnershipScorer, TransparencyScorer
    >>> from kampala.scoring import scorecard_framework
    >>> pf = sample_portfolio()
    >>> scores = {s.principle: s.score(pf) for s in (OwnershipScorer(),
    ...                                               TransparencyScorer())}
    >>> fw = scorecard_framework(scores)
    >>> fw.children("KPS"), len(fw.indicator_codes)
    (('P1', 'P4'), 12)
    """
    return _criteria_framework({p: ps.criteria for p, ps in scores.items()})


def methodology_framework(
    methodology: Methodology, *, registry: ScorerRegistry | None = None
) -> Framework:
    """Build the framework of a scorecard methodology from its scorers' criteria.

    The nominal weights are the scorers' criterion weights and equal
    principle weights; the aggregation step's ``weights`` may override them.

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.scoring import methodology_framework
    >>> fw = methodology_framework(Methodology.default())
    >>> fw.root, fw.children("KPS")
    ('KPS', ('P1', 'P2', 'P3', 'P4', 'P5'))
    >>> len(fw.indicator_codes), fw.normalised_weight("P3.dialogue")
    (29, 0.2)
    """
    criteria = {}
    for spec in sorted(methodology.scorers, key=lambda s: s.principle):
        scorer = resolve_scorer(spec, registry)
        criteria[scorer.principle] = scorer.criteria
    return _criteria_framework(criteria)


def _criteria_framework(
    criteria_by_principle: Mapping[Principle, tuple[Criterion, ...]],
) -> Framework:
    nodes = [
        Node(code=c.code, name=c.name_en, parent=principle.code, weight=c.weight)
        for principle, criteria in criteria_by_principle.items()
        for c in criteria
    ]
    nodes.extend(
        Node(
            code=principle.code,
            name=principle.title(),
            level=2,
            kind="aggregate",
            parent=ROOT,
        )
        for principle in criteria_by_principle
    )
    nodes.append(
        Node(code=ROOT, name="Kampala Partnership Score", level=3, kind="aggregate")
    )
    return Framework(nodes=nodes)


def score_portfolio(
    methodology: Methodology,
    portfolio: Portfolio,
    *,
    registry: ScorerRegistry | None = None,
) -> Scorecard:
    """Score a portfolio with a scorecard methodology (see the module docs).

    Parameters
    ----------
    methodology : Methodology
        A methodology with scorers, such as ``Methodology.default()``.
    portfolio : Portfolio
        The partnerships to score.
    registry : ScorerRegistry, default=None
        Where to find the scorers; `default_registry` if None.

    Returns
    -------
    Scorecard

    Raises
    ------
    MethodologyError
        If a scorer is missing, has another version, or rejects its
        parameters, or the methodology has no aggregation step.
    ParameterValueError
        If the portfolio is empty.

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.data import sample_portfolio
    >>> from kampala.scoring import score_portfolio
    >>> card = score_portfolio(Methodology.default(), sample_portfolio())
    >>> [row["id"] for row in card.table()[:3]]
    ['PE-HEA-001', 'PE-ENE-006', 'PE-WAS-006']
    >>> [row["id"] for row in card.table() if row["overall"] is None]  # flagged
    ['PE-ENE-005', 'PE-HEA-004']
    """
    if len(portfolio) == 0:
        raise ParameterValueError(
            "score_portfolio()", "portfolio", portfolio.name, "at least one partnership"
        )
    scores = score_principles(portfolio, methodology.scorers, registry=registry)
    result = methodology.run_indicators(_table(portfolio, scores))
    agg = methodology.aggregate
    assert agg is not None  # run_indicators refuses a methodology without one
    return Scorecard(
        methodology=methodology.ref,
        portfolio_name=portfolio.name,
        principle_scores=scores,
        result=result,
        min_coverage=agg.min_coverage,
        min_data=agg.min_data,
        aggregation=agg.to_dict(),
    )
