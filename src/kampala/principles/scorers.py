r"""The default scorers of KPS-1, one per Kampala Principle.

Every criterion maps evidence to [0, 1] with a fixed rule (equations (K1)
to (K5) of the principle pages in ``docs/methodology/principles/``):

- an ordinal level scores $\mathrm{rank} / (\mathrm{levels} - 1)$;
- a yes/no answer scores 1 or 0;
- a share scores itself;
- a count scores $\min(1, c / c^\ast)$ against a documented target
  $c^\ast$ (a scorer parameter);
- missing evidence scores NaN, never 0.

All scorers work on the columns of a `Portfolio`
at once; no Python loop runs per partnership.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from kampala.errors import ParameterValueError
from kampala.portfolio import _SPEC, Portfolio, _decode
from kampala.principles._base import Criterion, Principle, PrincipleScores
from kampala.records import ActorKind, Ordinal

__all__ = [
    "DEFAULT_SCORERS",
    "InclusivePartnershipScorer",
    "LeaveNoOneBehindScorer",
    "OwnershipScorer",
    "ResultsScorer",
    "RubricScorer",
    "TransparencyScorer",
    "count_score",
    "flag_score",
    "ordinal_score",
    "ratio_score",
    "share_score",
]

FloatArray = npt.NDArray[np.float64]

_GPEDC = "https://www.effectivecooperation.org/landing-page/"


# ---------------------------------------------------------------------------
# rules
# ---------------------------------------------------------------------------
def ordinal_score(pf: Portfolio, path: str) -> FloatArray:
    """Score an ordinal column: rank / (levels - 1), NaN if missing.

    Examples
    --------
    The government's role has five levels, from none (rank 0) to leads (4):

    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles.scorers import ordinal_score
    >>> pf = sample_portfolio()
    >>> pf.column("ownership.government_role")[:4].tolist()
    [4.0, 3.0, 1.0, nan]
    >>> ordinal_score(pf, "ownership.government_role")[:4].tolist()
    [1.0, 0.75, 0.25, nan]
    """
    spec = _SPEC[path]
    assert spec.enum is not None
    out: FloatArray = pf.column(path) / (len(spec.enum) - 1)
    return out


def flag_score(pf: Portfolio, path: str) -> FloatArray:
    """Score a yes/no column: 1 or 0, NaN if missing.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles.scorers import flag_score
    >>> pf = sample_portfolio()
    >>> flag_score(pf, "transparency.grievance_mechanism")[:5].tolist()
    [1.0, 0.0, 0.0, 1.0, nan]
    """
    out: FloatArray = np.array(pf.column(path), dtype=np.float64)  # 1, 0 or NaN
    return out


def share_score(pf: Portfolio, path: str) -> FloatArray:
    """Score a share column as itself, NaN if missing.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles.scorers import share_score
    >>> pf = sample_portfolio()
    >>> share_score(pf, "ownership.country_systems_share")[:5].tolist()
    [0.36, 0.28, 0.0, 0.24, nan]
    """
    out: FloatArray = np.array(pf.column(path), dtype=np.float64)
    return out


def ratio_score(part: FloatArray, total: FloatArray) -> FloatArray:
    """Score ``part / total``: 0 when ``total`` is 0, else NaN if either is missing.

    Examples
    --------
    Indicators with a baseline and a target, out of all indicators; a
    partnership without indicators scores 0 even if the first count is
    missing:

    >>> import numpy as np
    >>> from kampala.principles.scorers import ratio_score
    >>> with_baseline = np.array([3.0, 0.0, np.nan, np.nan])
    >>> total = np.array([4.0, 0.0, 5.0, 0.0])
    >>> ratio_score(with_baseline, total).tolist()
    [0.75, 0.0, nan, 0.0]
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(total > 0, part / np.where(total > 0, total, 1), 0.0)
    out[np.isnan(part) & (total != 0)] = np.nan
    out[np.isnan(total)] = np.nan
    return out


def count_score(count: FloatArray, target: float) -> FloatArray:
    """Score a count against a target: min(1, count / target), NaN if missing.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.principles.scorers import count_score
    >>> count_score(np.array([0.0, 1.0, 3.0, np.nan]), 2).tolist()
    [0.0, 0.5, 1.0, nan]
    """
    out: FloatArray = np.minimum(1.0, count / target)
    return out


def _check_target(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ParameterValueError(
            f"{type(instance).__name__}()", attribute.name, value, "an integer >= 1"
        )


# ---------------------------------------------------------------------------
# the shared machinery
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True)
class RubricScorer:
    """Base of the default scorers: criteria, rules and explanations.

    Subclasses set the class attributes ``id``, ``version``, ``principle``
    and ``criteria`` and implement `_compute()`, which returns one column
    of scores per criterion. Their attrs fields are their parameters.

    Examples
    --------
    A one-criterion scorer of your own; scores and explanations come from
    the base class:

    >>> import attrs
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import Criterion, Principle, RubricScorer
    >>> from kampala.principles.scorers import flag_score
    >>> @attrs.frozen(kw_only=True)
    ... class GrievanceScorer(RubricScorer):
    ...     id, version, principle = "acme.grievance", "1", Principle.TRANSPARENCY
    ...     criteria = (Criterion(code="P4.grievance", principle=principle,
    ...                           subprinciple="4.C", name_en="Grievance mechanism",
    ...                           evidence=("transparency.grievance_mechanism",)),)
    ...     def _compute(self, pf):
    ...         return [flag_score(pf, "transparency.grievance_mechanism")]
    >>> print(GrievanceScorer().explain(sample_portfolio(), "PE-AGR-002"))
    P4 Transparency and accountability — PE-AGR-002
      P4.grievance Grievance mechanism: transparency.grievance_mechanism = False
      → 0.00 (weight 1.00, contributes 0.000)
    """

    id: ClassVar[str]
    version: ClassVar[str]
    principle: ClassVar[Principle]
    criteria: ClassVar[tuple[Criterion, ...]]

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """Return the scorer's parameters (its fields), JSON-ready.

        Examples
        --------
        >>> from kampala.principles import OwnershipScorer, ResultsScorer
        >>> ResultsScorer(sdg_target_count=3).params(), OwnershipScorer().params()
        ({'sdg_target_count': 3}, {})
        """
        return attrs.asdict(self)

    def score(self, portfolio: Portfolio) -> PrincipleScores:
        """Score every partnership of ``portfolio`` on every criterion.

        Examples
        --------
        One column per criterion (NaN where evidence is missing), and the
        principle score over the criteria with evidence:

        >>> from kampala.data import sample_portfolio
        >>> from kampala.principles import OwnershipScorer
        >>> ps = OwnershipScorer().score(sample_portfolio())
        >>> ps.ids[1], ps.values[1].tolist(), float(ps.score()[1])
        ('PE-AGR-002', [nan, 0.75, 0.28, 0.0, 0.0], 0.2575)
        """
        cols = self._compute(portfolio)
        n = len(portfolio)
        values = np.column_stack(cols) if n else np.empty((0, len(self.criteria)))
        values.flags.writeable = False  # a fresh array: frozen, not copied
        return PrincipleScores(
            principle=self.principle,
            scorer_id=self.id,
            scorer_version=self.version,
            criteria=self.criteria,
            values=values,
            ids=portfolio.ids,
        )

    def explain(self, portfolio: Portfolio, partnership_id: str) -> str:
        """Explain each criterion of one partnership: evidence, rule, score.

        Weights are shares among the criteria with evidence.

        Raises
        ------
        DataFormatError
            If no partnership of ``portfolio`` has that id.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.principles import OwnershipScorer
        >>> print(OwnershipScorer().explain(sample_portfolio(), "PE-AGR-002"))
        P1 Inclusive country ownership — PE-AGR-002
          P1.alignment Objectives drawn from national plans: no evidence
          (ownership.national_plan_alignment = missing) — not scored
          P1.government_role Role of the partner-country government:
          ownership.government_role = co-designed
          → 0.75 (weight 0.25, contributes 0.188)
          P1.country_systems Funds through country systems:
          ownership.country_systems_share = 0.28
          → 0.28 (weight 0.25, contributes 0.070)
          P1.registration Registered with the national co-operation agency:
          ownership.registered_with_agency = False
          → 0.00 (weight 0.25, contributes 0.000)
          P1.local_capacity Investment in local capacities:
          ownership.local_capacity = none
          → 0.00 (weight 0.25, contributes 0.000)
        """
        i = portfolio.index(partnership_id)
        scores = self._compute(portfolio)
        w = np.array([c.weight for c in self.criteria])
        present = np.array([not math.isnan(s[i]) for s in scores])
        wsum = float(w[present].sum())
        lines = [f"{self.principle.code} {self.principle.title()} — {partnership_id}"]
        for c, col, wc in zip(self.criteria, scores, w, strict=True):
            value = float(col[i])
            evidence = ", ".join(
                f"{path} = {_describe(portfolio, path, i)}" for path in c.evidence
            )
            if math.isnan(value):
                lines.append(
                    f"  {c.code} {c.name_en}: no evidence ({evidence}) — not scored"
                )
                continue
            share = wc / wsum if wsum else 0.0
            lines.append(
                f"  {c.code} {c.name_en}: {evidence} → {value:.2f} "
                f"(weight {share:.2f}, contributes {share * value:.3f})"
            )
        return "\n".join(lines)


def _describe(pf: Portfolio, path: str, i: int) -> str:
    if path == "actors":
        return _describe_actors(pf, i)
    spec = _SPEC[path]
    value = _decode(spec, pf.column(path), i)
    if value is None:
        return "missing"
    if isinstance(value, Ordinal):
        return str(value.value)
    if isinstance(value, tuple):
        return "[" + ", ".join(getattr(v, "value", str(v)) for v in value) + "]"
    return str(value)


def _describe_actors(pf: Portfolio, i: int) -> str:
    idx = pf.actor_column("partnership")
    rows = np.flatnonzero(idx == i)
    if rows.size == 0:
        return "no actors recorded"
    kinds = pf.actor_column("kind")
    dom = pf.actor_column("domestic")
    names = pf.actor_column("name")
    parts = []
    for j in rows:
        where = {1.0: "domestic", 0.0: "foreign"}.get(float(dom[j]), "origin unknown")
        parts.append(f"{names[j]} ({list(ActorKind)[int(kinds[j])].value}, {where})")
    return "; ".join(parts)


def _c(
    code: str,
    principle: Principle,
    sub: str,
    evidence: tuple[str, ...],
    name_en: str,
    name_es: str,
    rule_en: str,
    rule_es: str,
    source: str,
    source_es: str,
) -> Criterion:
    return Criterion(
        code=code,
        principle=principle,
        subprinciple=sub,
        evidence=evidence,
        name_en=name_en,
        name_es=name_es,
        rule_en=rule_en,
        rule_es=rule_es,
        source=source,
        source_es=source_es,
    )


_ORD_EN = "ordinal level: rank / (levels - 1)"
_ORD_ES = "nivel ordinal: posición / (niveles - 1)"
_YES_EN = "yes = 1, no = 0"
_YES_ES = "sí = 1, no = 0"
_SHARE_EN = "the share itself, in [0, 1]"
_SHARE_ES = "la proporción misma, en [0, 1]"


# ---------------------------------------------------------------------------
# principle 1
# ---------------------------------------------------------------------------
_P1 = Principle.OWNERSHIP


@attrs.frozen(kw_only=True)
class OwnershipScorer(RubricScorer):
    """Principle 1, inclusive country ownership (KPS-1 criteria P1.*).

    Examples
    --------
    >>> [c.code for c in OwnershipScorer().criteria]
    ['P1.alignment', 'P1.government_role', 'P1.country_systems', \
'P1.registration', 'P1.local_capacity']
    """

    id: ClassVar[str] = "kps.ownership"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = _P1
    criteria: ClassVar[tuple[Criterion, ...]] = (
        _c(
            "P1.alignment",
            _P1,
            "1.B",
            ("ownership.national_plan_alignment",),
            "Objectives drawn from national plans",
            "Objetivos tomados de los planes nacionales",
            f"none / partial / full; {_ORD_EN}",
            f"ninguna / parcial / total; {_ORD_ES}",
            f"Toolkit 1.B (align PSE with national priorities); GPEDC indicator 1a "
            f"(SDG 17.15.1). {_GPEDC}kampala-principle-tussubp-1b",
            "Caja de herramientas 1.B (alinear la participación del sector privado "
            "con las prioridades nacionales); indicador 1a del monitoreo de la "
            f"GPEDC (ODS 17.15.1). {_GPEDC}kampala-principle-tussubp-1b",
        ),
        _c(
            "P1.government_role",
            _P1,
            "1.A",
            ("ownership.government_role",),
            "Role of the partner-country government",
            "Rol del gobierno del país socio",
            f"none / informed / consulted / co-designed / leads; {_ORD_EN}",
            f"ninguno / informado / consultado / codiseño / lidera; {_ORD_ES}",
            f"Toolkit 1.A and 3.A (government-led, inclusive PSE goals). "
            f"{_GPEDC}kampala-principle-1dpssubp-1a",
            "Caja de herramientas 1.A y 3.A (metas de participación del sector "
            "privado lideradas por el gobierno e inclusivas). "
            f"{_GPEDC}kampala-principle-1dpssubp-1a",
        ),
        _c(
            "P1.country_systems",
            _P1,
            "1.B",
            ("ownership.country_systems_share",),
            "Funds through country systems",
            "Fondos canalizados por sistemas nacionales",
            _SHARE_EN,
            _SHARE_ES,
            f"Toolkit 4.A (use partner-country systems); GPEDC indicator 9b. "
            f"{_GPEDC}kampala-principle-4dpssubp-4a",
            "Caja de herramientas 4.A (uso de los sistemas del país socio); "
            "indicador 9b del monitoreo de la GPEDC. "
            f"{_GPEDC}kampala-principle-4dpssubp-4a",
        ),
        _c(
            "P1.registration",
            _P1,
            "1.B",
            ("ownership.registered_with_agency",),
            "Registered with the national co-operation agency",
            "Registrada ante la agencia nacional de cooperación (APCI)",
            _YES_EN,
            _YES_ES,
            f"Toolkit 1.B (co-ordination with national priorities). "
            f"{_GPEDC}kampala-principle-tussubp-1b",
            "Caja de herramientas 1.B (coordinación con las prioridades "
            f"nacionales). {_GPEDC}kampala-principle-tussubp-1b",
        ),
        _c(
            "P1.local_capacity",
            _P1,
            "1.C",
            ("ownership.local_capacity",),
            "Investment in local capacities",
            "Inversión en capacidades locales",
            f"none / some / substantial; {_ORD_EN}",
            f"ninguna / alguna / sustancial; {_ORD_ES}",
            f"Toolkit 1.C (invest in capacities for PSE). "
            f"{_GPEDC}kampala-principle-1csossubp-1c",
            "Caja de herramientas 1.C (invertir en capacidades para la "
            "participación del sector privado). "
            f"{_GPEDC}kampala-principle-1csossubp-1c",
        ),
    )

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        return [
            ordinal_score(pf, "ownership.national_plan_alignment"),
            ordinal_score(pf, "ownership.government_role"),
            share_score(pf, "ownership.country_systems_share"),
            flag_score(pf, "ownership.registered_with_agency"),
            ordinal_score(pf, "ownership.local_capacity"),
        ]


# ---------------------------------------------------------------------------
# principle 2
# ---------------------------------------------------------------------------
_P2 = Principle.RESULTS


def _list_counts(pf: Portfolio, path: str) -> FloatArray:
    """Length of each list in an object column; NaN where it is None."""
    col = pf.column(path)
    known = col != None  # noqa: E711 - elementwise comparison with None
    out = np.full(len(col), np.nan)
    out[known] = np.fromiter(
        map(len, col[known]), dtype=np.float64, count=int(known.sum())
    )
    return out


def _sdg_score(pf: Portfolio, target: int) -> FloatArray:
    """Score targets against the target count; 0.5 for goals named alone."""
    score = count_score(_list_counts(pf, "results.sdg_targets"), target)
    goals = _list_counts(pf, "results.sdg_goals")
    goal_only = np.isnan(score) & ~np.isnan(goals)
    out: FloatArray = np.where(goal_only, np.where(goals > 0, 0.5, 0.0), score)
    return out


@attrs.frozen(kw_only=True)
class ResultsScorer(RubricScorer):
    """Principle 2, results and targeted impact (KPS-1 criteria P2.*).

    Parameters
    ----------
    sdg_target_count : int, default=1
        Number of SDG targets identified that scores 1 (fewer score
        proportionally).

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import ResultsScorer
    >>> pf = sample_portfolio()
    >>> i = pf.index("PE-AGR-005")
    >>> pf.column("results.sdg_targets")[i]
    ('2.3', '15.2')
    >>> for target in (1, 3):
    ...     scores = ResultsScorer(sdg_target_count=target).score(pf)
    ...     print(target, round(float(scores.column("P2.sdg_targets")[i]), 2))
    1 1.0
    3 0.67
    """

    id: ClassVar[str] = "kps.results"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = _P2
    criteria: ClassVar[tuple[Criterion, ...]] = (
        _c(
            "P2.results_framework",
            _P2,
            "2.A",
            ("results.indicators_with_baseline_and_target", "results.indicators_total"),
            "Indicators with baseline and target",
            "Indicadores con línea de base y meta",
            "indicators with both a baseline and a target / all indicators "
            "(0 without a results framework)",
            "indicadores con línea de base y meta / total de indicadores "
            "(0 sin marco de resultados)",
            f"Toolkit 4.A (measure results; results framework with indicators). "
            f"{_GPEDC}kampala-principle-4dpssubp-4a",
            "Caja de herramientas 4.A (medir resultados; marco de resultados con "
            f"indicadores). {_GPEDC}kampala-principle-4dpssubp-4a",
        ),
        _c(
            "P2.country_indicators",
            _P2,
            "2.A",
            ("results.indicators_from_country_frameworks", "results.indicators_total"),
            "Indicators from country results frameworks",
            "Indicadores tomados de marcos de resultados del país",
            "indicators drawn from country results frameworks / all indicators",
            "indicadores tomados de marcos nacionales / total de indicadores",
            "GPEDC indicator 1a (use of country results frameworks, SDG 17.15.1). "
            "http://effectivecooperation.org/monitoring-country-progress/",
            "Indicador 1a del monitoreo de la GPEDC (uso de los marcos de "
            "resultados del país, ODS 17.15.1). "
            "http://effectivecooperation.org/monitoring-country-progress/",
        ),
        _c(
            "P2.sdg_targets",
            _P2,
            "2.A",
            ("results.sdg_targets", "results.sdg_goals"),
            "SDG targets identified",
            "Metas ODS identificadas",
            "min(1, targets identified / sdg_target_count); 0.5 when only goals "
            "(no targets) are named",
            "min(1, metas identificadas / sdg_target_count); 0,5 si solo se "
            "nombran objetivos (sin metas)",
            f"Toolkit 1.B (which SDGs projects address). "
            f"{_GPEDC}kampala-principle-tussubp-1b",
            "Caja de herramientas 1.B (a qué ODS apuntan los proyectos). "
            f"{_GPEDC}kampala-principle-tussubp-1b",
        ),
        _c(
            "P2.additionality",
            _P2,
            "2.B",
            ("results.additionality",),
            "Additionality assessed",
            "Adicionalidad evaluada",
            f"none / asserted / assessed; {_ORD_EN}",
            f"ninguna / afirmada / evaluada; {_ORD_ES}",
            f"Toolkit 5.A and 2.B (ex-ante development additionality). "
            f"{_GPEDC}kampala-principle-5dpssubp-5a",
            "Caja de herramientas 5.A y 2.B (adicionalidad de desarrollo ex ante). "
            f"{_GPEDC}kampala-principle-5dpssubp-5a",
        ),
        _c(
            "P2.progress",
            _P2,
            "2.C",
            ("results.target_progress",),
            "Progress towards targets",
            "Avance hacia las metas",
            "mean achieved share of the baseline-to-target distance, capped at 1",
            "proporción media alcanzada entre línea de base y meta, máx. 1",
            f"Toolkit 4.A (measure results). {_GPEDC}kampala-principle-4dpssubp-4a",
            "Caja de herramientas 4.A (medir resultados). "
            f"{_GPEDC}kampala-principle-4dpssubp-4a",
        ),
    )

    sdg_target_count: int = attrs.field(default=1, validator=_check_target)

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        total = pf.column("results.indicators_total")
        return [
            ratio_score(
                pf.column("results.indicators_with_baseline_and_target"), total
            ),
            ratio_score(pf.column("results.indicators_from_country_frameworks"), total),
            _sdg_score(pf, self.sdg_target_count),
            ordinal_score(pf, "results.additionality"),
            share_score(pf, "results.target_progress"),
        ]


# ---------------------------------------------------------------------------
# principle 3
# ---------------------------------------------------------------------------
_P3 = Principle.INCLUSIVE_PARTNERSHIP

#: Stakeholder categories counted by P3.diversity.
STAKEHOLDER_CATEGORIES: tuple[str, ...] = (
    "government",
    "domestic private sector",
    "foreign private sector",
    "civil society",
    "academia",
    "community or indigenous organisation",
    "trade union",
    "development partner",
)

_PRIVATE = (
    ActorKind.PRIVATE_SECTOR,
    ActorKind.MSME,
    ActorKind.BUSINESS_ASSOCIATION,
    ActorKind.PUBLIC_PRIVATE_PARTNERSHIP,
)
_KIND_CATEGORY: dict[ActorKind, int] = {
    ActorKind.GOVERNMENT: 0,
    ActorKind.SUBNATIONAL_GOVERNMENT: 0,
    ActorKind.CIVIL_SOCIETY: 3,
    ActorKind.FOUNDATION: 3,
    ActorKind.ACADEMIA: 4,
    ActorKind.COMMUNITY_ORGANISATION: 5,
    ActorKind.INDIGENOUS_ORGANISATION: 5,
    ActorKind.TRADE_UNION: 6,
    ActorKind.DEVELOPMENT_PARTNER: 7,
    ActorKind.MULTILATERAL: 7,
}


def _categories(pf: Portfolio) -> FloatArray:
    """Count distinct stakeholder categories among each partnership's actors."""
    kinds = pf.actor_column("kind").astype(np.int64)
    domestic = pf.actor_column("domestic")
    members = list(ActorKind)
    cat = np.full(kinds.size, -1, dtype=np.int64)
    for kind, c in _KIND_CATEGORY.items():
        cat[kinds == members.index(kind)] = c
    private = np.isin(kinds, [members.index(k) for k in _PRIVATE])
    cat[private & (domestic == 1.0)] = 1
    cat[private & (domestic == 0.0)] = 2
    known = cat >= 0
    idx = pf.actor_column("partnership")[known]
    k = len(STAKEHOLDER_CATEGORIES)
    seen = np.zeros((len(pf), k), dtype=bool)
    seen[idx, cat[known]] = True
    out: FloatArray = seen.sum(axis=1).astype(np.float64)
    out[out == 0] = np.nan  # no actor, or none that fits a category: no evidence
    return out


def _local_share(pf: Portfolio) -> FloatArray:
    """Domestic actors' share of the contributions whose origin and amount are known."""
    fin = pf.actor_column("financial_contribution")
    kind = pf.actor_column("in_kind_contribution")
    dom = pf.actor_column("domestic")
    amount = np.where(
        np.isnan(fin) & np.isnan(kind), np.nan, np.nan_to_num(fin) + np.nan_to_num(kind)
    )
    usable = ~np.isnan(amount) & ~np.isnan(dom)
    total = pf.actor_sum(np.where(usable, amount, 0.0))
    local = pf.actor_sum(np.where(usable & (dom == 1.0), amount, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where(
            total > 0, local / np.where(total > 0, total, 1), np.nan
        )
    return out


@attrs.frozen(kw_only=True)
class InclusivePartnershipScorer(RubricScorer):
    """Principle 3, inclusive partnership (KPS-1 criteria P3.*).

    Parameters
    ----------
    diversity_target : int, default=5
        Number of distinct stakeholder categories that scores 1; one category
        scores 0 and the score rises linearly in between.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import InclusivePartnershipScorer
    >>> pf = sample_portfolio()
    >>> default = InclusivePartnershipScorer().score(pf)
    >>> default.column("P3.diversity")[:4].round(2).tolist()
    [1.0, 0.75, 0.5, 0.75]
    >>> every = InclusivePartnershipScorer(diversity_target=8).score(pf)
    >>> every.column("P3.diversity")[:4].round(2).tolist()  # all 8 categories
    [0.57, 0.43, 0.29, 0.43]
    """

    id: ClassVar[str] = "kps.inclusive-partnership"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = _P3
    criteria: ClassVar[tuple[Criterion, ...]] = (
        _c(
            "P3.diversity",
            _P3,
            "3.B",
            ("actors",),
            "Diversity of stakeholder categories",
            "Diversidad de categorías de actores",
            "min(1, (categories - 1) / (diversity_target - 1)) over: "
            + ", ".join(STAKEHOLDER_CATEGORIES),
            "min(1, (categorías - 1) / (diversity_target - 1))",
            f"Toolkit 3.B (inclusive, bottom-up partnerships). "
            f"{_GPEDC}kampala-principle-tussubp-3b",
            "Caja de herramientas 3.B (alianzas inclusivas, desde las bases). "
            f"{_GPEDC}kampala-principle-tussubp-3b",
        ),
        _c(
            "P3.local_share",
            _P3,
            "3.C",
            ("actors",),
            "Local actors' share of contributions",
            "Participación de actores locales en los aportes",
            "domestic actors' financial + in-kind contributions / all contributions "
            "of known origin",
            "aportes financieros y en especie de actores nacionales / todos los "
            "aportes de origen conocido",
            f"Toolkit 3.C (make partnerships accessible to local partners). "
            f"{_GPEDC}kampala-principle-3dpssubp-3c",
            "Caja de herramientas 3.C (hacer las alianzas accesibles a los socios "
            f"locales). {_GPEDC}kampala-principle-3dpssubp-3c",
        ),
        _c(
            "P3.dialogue",
            _P3,
            "3.A",
            ("inclusion.dialogue",),
            "Multi-stakeholder dialogue",
            "Diálogo multiactor",
            f"none / one-off / regular / institutionalised; {_ORD_EN}",
            f"ninguno / puntual / regular / institucionalizado; {_ORD_ES}",
            f"Toolkit 3.A (inclusive dialogue); GPEDC indicator 3 (quality of "
            f"public-private dialogue). {_GPEDC}kampala-principle-3dpssubp-3a",
            "Caja de herramientas 3.A (diálogo inclusivo); indicador 3 del "
            "monitoreo de la GPEDC (calidad del diálogo público-privado). "
            f"{_GPEDC}kampala-principle-3dpssubp-3a",
        ),
        _c(
            "P3.shared_governance",
            _P3,
            "3.A",
            ("inclusion.shared_governance",),
            "Shared governance body",
            "Instancia de gobernanza compartida",
            _YES_EN,
            _YES_ES,
            f"Toolkit 4.C and 3.A (governance agreements, joint rules). "
            f"{_GPEDC}kampala-principle-4dpssubp-4c",
            "Caja de herramientas 4.C y 3.A (acuerdos de gobernanza, reglas "
            f"conjuntas). {_GPEDC}kampala-principle-4dpssubp-4c",
        ),
        _c(
            "P3.msme_access",
            _P3,
            "3.C",
            ("inclusion.msme_access",),
            "Accessible to MSMEs and local partners",
            "Accesible a mipymes y socios locales",
            f"none / partial / full; {_ORD_EN}",
            f"ninguna / parcial / total; {_ORD_ES}",
            f"Toolkit 3.C (make partnerships more accessible). "
            f"{_GPEDC}kampala-principle-3dpssubp-3c",
            "Caja de herramientas 3.C (hacer más accesibles las alianzas). "
            f"{_GPEDC}kampala-principle-3dpssubp-3c",
        ),
    )

    diversity_target: int = attrs.field(default=5, validator=_check_target)

    def __attrs_post_init__(self) -> None:
        if self.diversity_target < 2:
            raise ParameterValueError(
                "InclusivePartnershipScorer()",
                "diversity_target",
                self.diversity_target,
                "an integer >= 2",
            )

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        cats = _categories(pf)
        diversity = np.clip((cats - 1.0) / (self.diversity_target - 1.0), 0.0, 1.0)
        return [
            diversity,
            _local_share(pf),
            ordinal_score(pf, "inclusion.dialogue"),
            flag_score(pf, "inclusion.shared_governance"),
            ordinal_score(pf, "inclusion.msme_access"),
        ]


# ---------------------------------------------------------------------------
# principle 4
# ---------------------------------------------------------------------------
_P4 = Principle.TRANSPARENCY


@attrs.frozen(kw_only=True)
class TransparencyScorer(RubricScorer):
    """Principle 4, transparency and accountability (KPS-1 criteria P4.*).

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import TransparencyScorer
    >>> ps = TransparencyScorer().score(sample_portfolio())
    >>> len(ps.criteria), ps.score()[:4].round(3).tolist()
    (7, [0.688, 0.514, 0.423, 0.853])
    >>> ps.coverage()[:4].round(2).tolist()  # the 2nd lacks one of 7 criteria
    [1.0, 0.86, 1.0, 1.0]
    """

    id: ClassVar[str] = "kps.transparency"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = _P4
    criteria: ClassVar[tuple[Criterion, ...]] = (
        _c(
            "P4.publication",
            _P4,
            "4.B",
            ("transparency.publication",),
            "Publication of activity data",
            "Publicación de datos de la actividad",
            f"none / summary / open data / IATI; {_ORD_EN}",
            f"ninguna / resumen / datos abiertos / IATI; {_ORD_ES}",
            f"Toolkit 4.B (disseminate results; disclose information online); "
            f"GPEDC indicator 4 (transparency). {_GPEDC}kampala-principle4dpssubp-4b",
            "Caja de herramientas 4.B (difundir resultados; publicar la información"
            " en línea); indicador 4 del monitoreo de la GPEDC (transparencia). "
            f"{_GPEDC}kampala-principle4dpssubp-4b",
        ),
        _c(
            "P4.completeness",
            _P4,
            "4.B",
            ("transparency.publication_completeness",),
            "Completeness of published data",
            "Completitud de los datos publicados",
            _SHARE_EN,
            _SHARE_ES,
            f"Toolkit 4.B. {_GPEDC}kampala-principle4dpssubp-4b",
            f"Caja de herramientas 4.B. {_GPEDC}kampala-principle4dpssubp-4b",
        ),
        _c(
            "P4.reporting",
            _P4,
            "4.A",
            ("transparency.reporting_frequency",),
            "Results reporting frequency",
            "Frecuencia de reporte de resultados",
            f"none / end only / annual / semi-annual / quarterly; {_ORD_EN}",
            f"ninguna / solo al final / anual / semestral / trimestral; {_ORD_ES}",
            f"Toolkit 4.A (measure results). {_GPEDC}kampala-principle-4dpssubp-4a",
            "Caja de herramientas 4.A (medir resultados). "
            f"{_GPEDC}kampala-principle-4dpssubp-4a",
        ),
        _c(
            "P4.evaluation",
            _P4,
            "4.C",
            ("transparency.evaluation",),
            "Independent evaluation",
            "Evaluación independiente",
            f"none / planned / done / published; {_ORD_EN}",
            f"ninguna / planificada / realizada / publicada; {_ORD_ES}",
            f"Toolkit 4.A and 4.B (independent evaluation, published). "
            f"{_GPEDC}kampala-principle4dpssubp-4b",
            "Caja de herramientas 4.A y 4.B (evaluación independiente, publicada). "
            f"{_GPEDC}kampala-principle4dpssubp-4b",
        ),
        _c(
            "P4.grievance",
            _P4,
            "4.C",
            ("transparency.grievance_mechanism",),
            "Grievance mechanism for affected people",
            "Mecanismo de quejas para personas afectadas",
            _YES_EN,
            _YES_ES,
            f"Toolkit 4.A, 4.B and 5.D (complaints and remediation). "
            f"{_GPEDC}kampala-principle-tussubp-4a",
            "Caja de herramientas 4.A, 4.B y 5.D (quejas y reparación). "
            f"{_GPEDC}kampala-principle-tussubp-4a",
        ),
        _c(
            "P4.disclosure",
            _P4,
            "4.B",
            ("transparency.contributions_disclosed",),
            "Private partners' contributions disclosed",
            "Aportes de los socios privados divulgados",
            _YES_EN,
            _YES_ES,
            f"Toolkit 4.B and 4.C (openness about spending and commercial results). "
            f"{_GPEDC}kampala-principle-4dpssubp-4c",
            "Caja de herramientas 4.B y 4.C (apertura sobre el gasto y los "
            f"resultados comerciales). {_GPEDC}kampala-principle-4dpssubp-4c",
        ),
        _c(
            "P4.joint_reviews",
            _P4,
            "4.C",
            ("transparency.joint_reviews",),
            "Joint reviews with government",
            "Revisiones conjuntas con el gobierno",
            _YES_EN,
            _YES_ES,
            f"Toolkit 4.C (ensure accountability). "
            f"{_GPEDC}kampala-principle-4dpssubp-4c",
            "Caja de herramientas 4.C (asegurar la rendición de cuentas). "
            f"{_GPEDC}kampala-principle-4dpssubp-4c",
        ),
    )

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        return [
            ordinal_score(pf, "transparency.publication"),
            share_score(pf, "transparency.publication_completeness"),
            ordinal_score(pf, "transparency.reporting_frequency"),
            ordinal_score(pf, "transparency.evaluation"),
            flag_score(pf, "transparency.grievance_mechanism"),
            flag_score(pf, "transparency.contributions_disclosed"),
            flag_score(pf, "transparency.joint_reviews"),
        ]


# ---------------------------------------------------------------------------
# principle 5
# ---------------------------------------------------------------------------
_P5 = Principle.LEAVE_NO_ONE_BEHIND


def _set_count(pf: Portfolio, path: str) -> FloatArray:
    col = pf.column(path)
    out: FloatArray = col.sum(axis=1)  # a NaN row (unknown) stays NaN
    return out


@attrs.frozen(kw_only=True)
class LeaveNoOneBehindScorer(RubricScorer):
    """Principle 5, leave no one behind (KPS-1 criteria P5.*).

    Parameters
    ----------
    target_group_count : int, default=2
        Number of explicitly targeted groups that scores 1.
    disaggregation_count : int, default=3
        Number of disaggregation dimensions of results data that scores 1.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import LeaveNoOneBehindScorer
    >>> pf = sample_portfolio()
    >>> strict = LeaveNoOneBehindScorer(disaggregation_count=5)
    >>> strict.params()
    {'target_group_count': 2, 'disaggregation_count': 5}
    >>> default = LeaveNoOneBehindScorer().score(pf)
    >>> default.column("P5.disaggregation")[:3].round(2).tolist()
    [1.0, 0.33, 0.67]
    >>> strict.score(pf).column("P5.disaggregation")[:3].round(2).tolist()
    [0.6, 0.2, 0.4]
    """

    id: ClassVar[str] = "kps.leave-no-one-behind"
    version: ClassVar[str] = "1"
    principle: ClassVar[Principle] = _P5
    criteria: ClassVar[tuple[Criterion, ...]] = (
        _c(
            "P5.target_groups",
            _P5,
            "5.B",
            ("leave_no_one_behind.target_groups",),
            "Explicit target groups",
            "Grupos objetivo explícitos",
            "min(1, groups targeted / target_group_count)",
            "min(1, grupos atendidos / target_group_count)",
            f"Toolkit 5.B and 2.A (target those furthest behind). "
            f"{_GPEDC}kampala-principle-5dpssubp-5b",
            "Caja de herramientas 5.B y 2.A (llegar a quienes están más rezagados)."
            f" {_GPEDC}kampala-principle-5dpssubp-5b",
        ),
        _c(
            "P5.geographic",
            _P5,
            "5.B",
            ("leave_no_one_behind.poor_district_share",),
            "Funds in districts poorer than average",
            "Fondos en distritos más pobres que el promedio",
            _SHARE_EN,
            _SHARE_ES,
            f"Toolkit 5.B (target locations most likely to benefit those furthest "
            f"behind). {_GPEDC}kampala-principle-5dpssubp-5b",
            "Caja de herramientas 5.B (focalizar los lugares con mayor probabilidad"
            " de beneficiar a los más rezagados). "
            f"{_GPEDC}kampala-principle-5dpssubp-5b",
        ),
        _c(
            "P5.disaggregation",
            _P5,
            "5.B",
            ("leave_no_one_behind.disaggregation",),
            "Disaggregated results data",
            "Datos de resultados desagregados",
            "min(1, dimensions / disaggregation_count)",
            "min(1, dimensiones / disaggregation_count)",
            "GPEDC monitoring and SDG 17.18 (data disaggregated by income, sex, "
            "age, ethnicity, disability, location). "
            f"{_GPEDC}kampala-principle-5dpssubp-5b",
            "Monitoreo de la GPEDC y ODS 17.18 (datos desagregados por ingreso, "
            "sexo, edad, etnia, discapacidad y ubicación). "
            f"{_GPEDC}kampala-principle-5dpssubp-5b",
        ),
        _c(
            "P5.gender_marker",
            _P5,
            "5.B",
            ("leave_no_one_behind.gender_marker",),
            "DAC gender equality marker",
            "Marcador de igualdad de género del CAD",
            f"0 / 1 / 2; {_ORD_EN}",
            f"0 / 1 / 2; {_ORD_ES}",
            "OECD DAC gender equality policy marker; GPEDC indicator 8 (SDG 5.c.1).",
            "Marcador de políticas de igualdad de género del CAD de la OCDE; "
            "indicador 8 del monitoreo de la GPEDC (ODS 5.c.1).",
        ),
        _c(
            "P5.safeguards",
            _P5,
            "5.D",
            ("leave_no_one_behind.safeguards",),
            "Risk-management and safeguards provisions",
            "Disposiciones de gestión de riesgos y salvaguardas",
            f"none / partial / full; {_ORD_EN}",
            f"ninguna / parcial / total; {_ORD_ES}",
            f"Toolkit 5.D (provisions to mitigate and manage risks). "
            f"{_GPEDC}kampala-principle-5dpssubp-5d",
            "Caja de herramientas 5.D (disposiciones para mitigar y gestionar los "
            f"riesgos). {_GPEDC}kampala-principle-5dpssubp-5d",
        ),
        _c(
            "P5.risk_sharing",
            _P5,
            "5.C",
            ("leave_no_one_behind.risk_sharing",),
            "Risk sharing among partners",
            "Riesgos compartidos entre socios",
            f"none / informal / contractual; {_ORD_EN}",
            f"ninguno / informal / contractual; {_ORD_ES}",
            f"Toolkit 5.C (share risks proportionately). "
            f"{_GPEDC}kampala-principle-tussubp-5c",
            "Caja de herramientas 5.C (compartir los riesgos de forma "
            f"proporcional). {_GPEDC}kampala-principle-tussubp-5c",
        ),
        _c(
            "P5.private_solution",
            _P5,
            "5.A",
            ("leave_no_one_behind.private_solution_case",),
            "Ex-ante case that a private-sector solution fits",
            "Justificación ex ante de la solución con el sector privado",
            f"none / partial / full; {_ORD_EN}",
            f"ninguna / parcial / total; {_ORD_ES}",
            f"Toolkit 5.A (private sector solution is the most appropriate way). "
            f"{_GPEDC}kampala-principle-5dpssubp-5a",
            "Caja de herramientas 5.A (que la solución del sector privado sea la "
            f"vía más adecuada). {_GPEDC}kampala-principle-5dpssubp-5a",
        ),
    )

    target_group_count: int = attrs.field(default=2, validator=_check_target)
    disaggregation_count: int = attrs.field(default=3, validator=_check_target)

    def _compute(self, pf: Portfolio) -> list[FloatArray]:
        return [
            count_score(
                _set_count(pf, "leave_no_one_behind.target_groups"),
                self.target_group_count,
            ),
            share_score(pf, "leave_no_one_behind.poor_district_share"),
            count_score(
                _set_count(pf, "leave_no_one_behind.disaggregation"),
                self.disaggregation_count,
            ),
            ordinal_score(pf, "leave_no_one_behind.gender_marker"),
            ordinal_score(pf, "leave_no_one_behind.safeguards"),
            ordinal_score(pf, "leave_no_one_behind.risk_sharing"),
            ordinal_score(pf, "leave_no_one_behind.private_solution_case"),
        ]


#: Factories of the KPS-1 scorers, in principle order.
DEFAULT_SCORERS: tuple[Callable[[], RubricScorer], ...] = (
    OwnershipScorer,
    ResultsScorer,
    InclusivePartnershipScorer,
    TransparencyScorer,
    LeaveNoOneBehindScorer,
)
