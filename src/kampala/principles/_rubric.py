"""What the KPS-1 default scorers share: scoring rules, base class, evidence text.

The rules (ordinal level, yes/no, share, ratio, count against a target) are
documented where users find them, in `kampala.principles.scorers`, which
re-exports them. The criteria of the default scorers (names, rules and
sources in English and Spanish) are data, in ``data/kps1_criteria.json``,
read by `kps1_criteria`.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable
from enum import Enum
from importlib import resources
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from kampala._category_labels import category_label
from kampala.errors import ParameterValueError
from kampala.i18n import N_, translate
from kampala.portfolio import SPEC_BY_PATH, Portfolio
from kampala.principles._base import Criterion, Principle, PrincipleScores
from kampala.records import ActorKind, Ordinal
from kampala.schema import EnumFieldSpec

__all__ = [
    "KPS1Scorer",
    "RubricScorer",
    "check_target",
    "count_score",
    "describe_evidence",
    "flag_score",
    "kps1_criteria",
    "ordinal_score",
    "ratio_score",
    "share_score",
]

FloatArray = npt.NDArray[np.float64]


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
    spec = SPEC_BY_PATH[path]
    if not isinstance(spec, EnumFieldSpec):
        raise ParameterValueError(
            "ordinal_score()", "path", path, "the path of an ordinal evidence field"
        )
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


def check_target(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Validate a count target of a scorer: an integer >= 1 (attrs validator).

    Examples
    --------
    >>> from kampala.principles import ResultsScorer
    >>> ResultsScorer(sdg_target_count=0)
    Traceback (most recent call last):
        ...
    kampala.errors.ParameterValueError: ResultsScorer(): 'sdg_target_count' must be
    an integer >= 1 (got 0).
    """
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

    def score(
        self, portfolio: Portfolio, *, out: FloatArray | None = None
    ) -> PrincipleScores:
        """Score every partnership of ``portfolio`` on every criterion.

        Parameters
        ----------
        portfolio : Portfolio
            The partnerships to score.
        out : numpy.ndarray, shape (n_partnerships, n_criteria), default=None
            Where to write the scores (for example a slice of a larger
            criteria matrix, as `kampala.scoring.indicator_table` passes);
            the result's ``values`` is then a read-only view of it. A new
            array by default.

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
        shape = (len(portfolio), len(self.criteria))
        if out is None:  # column-major: each criterion is one contiguous copy
            out = np.empty(shape, order="F")
        elif out.shape != shape:
            raise ParameterValueError(
                f"{type(self).__name__}.score()", "out", out.shape, f"of shape {shape}"
            )
        for j, col in enumerate(cols):
            out[:, j] = col
        values = out.view()
        values.flags.writeable = False  # frozen, not copied
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
                f"{path} = {describe_evidence(portfolio, path, i)}"
                for path in c.evidence
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


def describe_evidence_in(lang: str) -> Callable[[Portfolio, str, int], str]:
    """Return `describe_evidence` in ``lang``: the same values, words translated.

    Field paths and enumeration codes are data and stay as they are; the
    words around them ("missing", yes/no, an actor's origin) are translated.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles._rubric import describe_evidence_in
    >>> describe = describe_evidence_in("es")
    >>> describe(sample_portfolio(), "ownership.national_plan_alignment", 1)
    'sin dato'
    """

    def describe(pf: Portfolio, path: str, i: int) -> str:
        return _describe(pf, path, i, lang)

    return describe


def describe_evidence(pf: Portfolio, path: str, i: int) -> str:
    """Describe the evidence in column ``path`` of partnership ``i`` as text.

    ``"missing"`` where there is none; ordinal levels by name; the
    ``"actors"`` path lists each actor with its kind and origin.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles._rubric import describe_evidence
    >>> pf = sample_portfolio()
    >>> describe_evidence(pf, "ownership.government_role", 1)
    'co-designed'
    >>> describe_evidence(pf, "ownership.national_plan_alignment", 1)
    'missing'
    """
    return _describe(pf, path, i, "en")


def _describe(pf: Portfolio, path: str, i: int, lang: str) -> str:
    if path == "actors":
        return _describe_actors(pf, i, lang)
    value = pf.value(path, i)
    if value is None:
        return translate(N_("missing"), lang)
    if isinstance(value, bool) and lang != "en":
        return translate(N_("yes") if value else N_("no"), lang)
    if isinstance(value, Ordinal):
        return category_label(value, lang)
    if isinstance(value, tuple):
        return "[" + ", ".join(_item(v, lang) for v in value) + "]"
    return str(value)


def _item(value: Any, lang: str) -> str:
    return category_label(value, lang) if isinstance(value, Enum) else str(value)


def _describe_actors(pf: Portfolio, i: int, lang: str = "en") -> str:
    idx = pf.actor_column("partnership")
    rows = np.flatnonzero(idx == i)
    if rows.size == 0:
        return translate(N_("no actors recorded"), lang)
    kinds = pf.actor_column("kind")
    dom = pf.actor_column("domestic")
    names = pf.actor_column("name")
    parts = []
    for j in rows:
        where = translate(
            {1.0: N_("domestic"), 0.0: N_("foreign")}.get(
                float(dom[j]), N_("origin unknown")
            ),
            lang,
        )
        kind = category_label(list(ActorKind)[int(kinds[j])], lang)
        parts.append(f"{names[j]} ({kind}, {where})")
    return "; ".join(parts)


@functools.cache
def _criteria_data() -> dict[str, Any]:
    text = (
        resources.files("kampala.principles")
        .joinpath("data/kps1_criteria.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)["scorers"]
    return data


def kps1_criteria(scorer_id: str) -> tuple[Criterion, ...]:
    """Return the criteria of a KPS-1 default scorer, from the package data.

    Examples
    --------
    >>> from kampala.principles._rubric import kps1_criteria
    >>> [c.code for c in kps1_criteria("kps.ownership")][:2]
    ['P1.alignment', 'P1.government_role']
    >>> kps1_criteria("kps.ownership")[0].rule_es
    'ninguna / parcial / total; nivel ordinal: posición / (niveles - 1)'
    """
    entry = _criteria_data()[scorer_id]
    principle = Principle(entry["principle"])
    return tuple(Criterion(principle=principle, **row) for row in entry["criteria"])


class KPS1Scorer(RubricScorer):
    """Base of the five KPS-1 scorers: declares them from the criteria catalogue.

    A subclass names its scorer id (``class X(KPS1Scorer, scorer_id="kps.ownership")``)
    and gets ``id``, ``version`` 1, ``principle`` and ``criteria`` from
    ``data/kps1_criteria.json``; it implements only `_compute()`.

    Examples
    --------
    >>> from kampala.principles import OwnershipScorer
    >>> OwnershipScorer.id, OwnershipScorer.version, OwnershipScorer.principle.value
    ('kps.ownership', '1', 1)
    """

    def __init_subclass__(cls, scorer_id: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if scorer_id is not None:  # attrs rebuilds the class without the keyword
            cls.criteria = kps1_criteria(scorer_id)
            cls.id, cls.version, cls.principle = (
                scorer_id,
                "1",
                cls.criteria[0].principle,
            )
