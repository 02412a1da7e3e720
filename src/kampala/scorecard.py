"""Kampala scorecards: principle scores, coverage, flags, composite and ranks.

A `Scorecard` is what scoring a portfolio gives (`kampala.scoring`, or
``Methodology.run(portfolio)``): the criterion scores of each principle as
the scorers gave them, the composite engine's result on the criteria →
principles → overall score (``KPS``) framework, and the coverage threshold
below which a score is *flagged as insufficient evidence* instead of being
scored as if complete. `Scorecard.explain` gives an `Explanation` of one
partnership, criterion by criterion.

kampala's scorecard is the library's own methodology, built on the content
of the Kampala Principles; it is not an official GPEDC assessment or score.

``kps1`` lives in `kampala.methodology`; ``score_portfolio``,
``scorecard_framework`` and ``methodology_framework`` in `kampala.scoring`.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._version import __version__
from kampala.composite_result import CompositeResult, MethodologyRef
from kampala.errors import ParameterValueError
from kampala.evidence import (
    CriterionToCollect,
    EvidenceBounds,
    NextEvidence,
    evidence_bounds,
    next_evidence,
    rank_flags,
)
from kampala.i18n import N_, resolve_lang, translate
from kampala.kps import DISCLAIMER_EN, DISCLAIMER_ES
from kampala.portfolio import Portfolio
from kampala.principles import Principle, PrincipleScores
from kampala.principles._rubric import describe_evidence, describe_evidence_in

__all__ = [
    "ROOT",
    "Explanation",
    "Scorecard",
]

FloatArray = npt.NDArray[np.float64]

#: Code of the overall score in scorecard frameworks.
ROOT = "KPS"


@attrs.frozen(kw_only=True)
class Explanation:
    """Why one partnership scored what it did.

    ``str(explanation)`` gives a readable account; `to_dict()` the same
    as data. Each criterion lists its evidence, score, weight within its
    principle and contribution to the overall score. ``lang`` is the
    language of the text (titles, names, the account); the keys of
    `to_dict()` are the same in every language.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> ex = card.explain("PE-HEA-001")
    >>> ex.rank, round(ex.composite, 3)
    (1, 0.845)
    >>> print(ex)  # doctest: +ELLIPSIS
    PE-HEA-001 — Reducción de la anemia infantil con nutrición y agricultura familiar
    overall 0.845 (rank 1); methodology KPS 1 (sha256:...)
    with the missing evidence: score between 0.845 and 0.845, rank between 1 and 6
      P1 Inclusive country ownership: 0.868 (coverage 100%)
        P1.alignment Objectives drawn from national plans: 1.00 at weight 0.20
        → contributes 0.040 overall — ownership.national_plan_alignment
    ...
    """

    partnership_id: str
    title: str
    rank: int | None
    composite: float | None
    principles: tuple[dict[str, Any], ...]
    methodology: MethodologyRef
    bounds: Mapping[str, Any] = attrs.field(factory=dict)
    to_collect: tuple[CriterionToCollect, ...] = ()
    lang: str = "en"

    def to_dict(self) -> dict[str, Any]:
        """Return the explanation as JSON-ready data.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> data = card.explain("PE-HEA-001").to_dict()
        >>> data["id"], data["rank"], round(data["composite"], 3)
        ('PE-HEA-001', 1, 0.845)
        >>> data["principles"][0]["criteria"][0]
        {'code': 'P1.alignment', 'name': 'Objectives drawn from national plans',
         'subprinciple': '1.B', 'evidence': 'ownership.national_plan_alignment',
         'score': 1.0, 'weight': 0.2, 'contribution': 0.04,
         'rule': 'none / partial / full; ordinal level: rank / (levels - 1)'}
        """
        return {
            "id": self.partnership_id,
            "title": self.title,
            "rank": self.rank,
            "composite": self.composite,
            "principles": list(self.principles),
            "methodology": attrs.asdict(self.methodology),
            "bounds": dict(self.bounds),
            "to_collect": [c.to_dict() for c in self.to_collect],
            "lang": self.lang,
        }

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, lang: str | None = None) -> str:
        """Return the explanation as readable lines; ``str()`` gives the same.

        Parameters
        ----------
        lang : {"en", "es"} or None, default=None
            Language of the account; None keeps the explanation's own
            (``lang``), in which its names, titles and rules were written.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> text = card.explain("PE-FIN-006").to_text(lang="es")
        >>> print(text.splitlines()[2])
        con la evidencia faltante: puntaje entre 0.565 y 0.863, puesto entre 1 y 37
        """
        lang = self.lang if lang is None else resolve_lang(lang)
        insufficient = translate(_INSUFFICIENT, lang)
        comp = insufficient if self.composite is None else f"{self.composite:.3f}"
        rank = "-" if self.rank is None else str(self.rank)
        lines = [
            f"{self.partnership_id} — {self.title}",
            translate(
                N_("overall {score} (rank {rank}); methodology {methodology}"),
                lang,
                score=comp,
                rank=rank,
                methodology=self.methodology,
            ),
        ]
        b = self.bounds
        if b.get("overall_low") is not None:
            lines.append(
                translate(
                    "with the missing evidence: score between {low:.3f} and "
                    "{high:.3f}, rank between {best} and {worst}",
                    lang,
                    low=b["overall_low"],
                    high=b["overall_high"],
                    best=b["rank_best"],
                    worst=b["rank_worst"],
                )
            )
        for p in self.principles:
            score = insufficient if p["score"] is None else f"{p['score']:.3f}"
            lines.append(
                translate(
                    N_("  {code} {title}: {score} (coverage {coverage})"),
                    lang,
                    code=p["code"],
                    title=p["title"],
                    score=score,
                    coverage=f"{p['coverage']:.0%}",
                )
            )
            for c in p["criteria"]:
                lines.append(_criterion_line(c, lang))
        if self.to_collect:
            head = translate("Evidence to collect next, most useful first:", lang)
            lines.append(head)
            lines.extend(
                "  "
                + translate(
                    "{code} (weight {weight:.3f} of the overall score): {fields}",
                    lang,
                    code=c.code,
                    weight=c.effective_weight,
                    fields=", ".join(c.evidence),
                )
                for c in self.to_collect
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"


_INSUFFICIENT = N_("insufficient evidence")


def _criterion_line(c: Mapping[str, Any], lang: str) -> str:
    """One criterion of an explanation: score, weight, contribution, evidence."""
    if c["score"] is None:
        line = translate(
            N_("    {code} {name}: no evidence — {evidence}"),
            lang,
            code=c["code"],
            name=c["name"],
            evidence=c["evidence"],
        )
    else:
        line = translate(
            N_(
                "    {code} {name}: {score} at weight {weight} → contributes "
                "{contribution} overall — {evidence}"
            ),
            lang,
            code=c["code"],
            name=c["name"],
            score=f"{c['score']:.2f}",
            weight=f"{c['weight']:.2f}",
            contribution=f"{c['contribution']:.3f}",
            evidence=c["evidence"],
        )
    return line


def _none(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


@attrs.frozen(kw_only=True, eq=False)
class Scorecard:
    """Scores of a portfolio on the Kampala Principles.

    Attributes
    ----------
    methodology : MethodologyRef
        Id, version and hash of the methodology used.
    portfolio_name : str
        Name of the portfolio scored.
    principle_scores : mapping of Principle to PrincipleScores
        Criterion scores of each principle, as the scorers gave them.
    result : CompositeResult
        The composite engine's result (every aggregate, contributions).
    min_coverage : float
        Coverage threshold below which a score is flagged.
    min_data : float, default=0.0
        Share of children below which a score is missing (the aggregation
        step's ``min_data``).
    aggregation : mapping, default=None
        The aggregation step's settings (``Aggregate.to_dict()``): method,
        weights, thresholds. A variant made with other weights records them
        here and in `to_dict()`, so it can be cited and reproduced.
    rank_flag_width : int, default=10
        A ranked partnership whose rank interval from missing evidence
        (``rank_worst - rank_best``) is wider than this is flagged.
    kampala_version, numpy_version : str
        Versions that produced the scorecard.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> card  # doctest: +ELLIPSIS
    Scorecard(portfolio='Cartera ilustrativa APCI (ficticia)', partnerships=48,
              methodology=KPS 1 (sha256:...))
    >>> best = card.table()[0]
    >>> best["rank"], best["id"], round(best["overall"], 3)
    (1, 'PE-HEA-001', 0.845)
    >>> card.flags()[card.ids.index("PE-ENE-005")][-1]
    'overall: insufficient evidence'
    """

    methodology: MethodologyRef
    portfolio_name: str
    principle_scores: Mapping[Principle, PrincipleScores]
    result: CompositeResult
    min_coverage: float
    min_data: float = 0.0
    aggregation: Mapping[str, Any] = attrs.field(factory=dict)
    rank_flag_width: int = attrs.field(
        default=10,
        validator=[attrs.validators.instance_of(int), attrs.validators.ge(0)],
    )
    kampala_version: str = __version__
    numpy_version: str = np.__version__

    # -- basic views --------------------------------------------------------------
    @property
    def ids(self) -> tuple[str, ...]:
        """Partnership ids, in portfolio order.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> card.ids[:3]
        ('PE-AGR-001', 'PE-AGR-002', 'PE-AGR-003')
        """
        return self.result.unit_codes

    @property
    def titles(self) -> tuple[str, ...]:
        """Partnership titles, in portfolio order.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> card.titles[0]
        'Cadenas de valor de café especial con cooperativas del Alto Mayo'
        """
        return self.result.unit_names

    @property
    def principles(self) -> tuple[Principle, ...]:
        """The principles scored.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> [p.code for p in card.principles]
        ['P1', 'P2', 'P3', 'P4', 'P5']
        """
        return tuple(self.principle_scores)

    def _principle(self, principle: Principle | int | str) -> Principle:
        by_key: dict[object, Principle] = {}
        for p in self.principle_scores:
            by_key.update({p: p, p.value: p, str(p.value): p, p.code.lower(): p})
        key = principle.lower() if isinstance(principle, str) else principle
        if isinstance(key, bool) or key not in by_key:
            codes = ", ".join(p.code for p in self.principle_scores)
            raise ParameterValueError(
                "Scorecard",
                "principle",
                principle,
                f"a principle of the scorecard ({codes}), its number or a Principle",
            )
        return by_key[key]

    def score(self, principle: Principle | int | str | None = None) -> FloatArray:
        """Overall scores, or one principle's (NaN: insufficient evidence).

        Parameters
        ----------
        principle : Principle, int or str, default=None
            A principle of the scorecard, its number or its code (``"P1"``);
            None for the overall score.

        Raises
        ------
        ParameterValueError
            For a principle the scorecard does not have.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> card.score()[:3].round(3), card.score("P1")[:3]
        (array([0.766, 0.458, 0.302]), array([0.772 , 0.2575, 0.45  ]))
        >>> card.score()[card.ids.index("PE-ENE-005")]  # insufficient evidence
        np.float64(nan)
        """
        if principle is None:
            return self.result.score(ROOT)
        return self.result.score(self._principle(principle).code)

    def coverage(self, principle: Principle | int | str | None = None) -> FloatArray:
        r"""Share of weight with evidence: of a principle's criteria, or overall.

        For a principle, $\sum_{c\,present} w_c / \sum_c w_c$ over its
        criteria with the weights used; overall, the same over principles
        that could be scored.

        Examples
        --------
        PE-ENE-005 has evidence for 40% of the weight of P2, and two of its
        five principles could be scored:

        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> i = card.ids.index("PE-ENE-005")
        >>> float(card.coverage("P2")[i]), float(card.coverage()[i])
        (0.4, 0.4)
        """
        fw = self.result.framework
        if principle is None:
            codes = [p.code for p in self.principles]
            w = np.array([fw.normalised_weight(c) for c in codes])
            present = np.column_stack([~np.isnan(self.result.score(c)) for c in codes])
            out: FloatArray = present @ w
            return out
        p = self._principle(principle)
        ps = self.principle_scores[p]
        w = np.array([fw.normalised_weight(c.code) for c in ps.criteria])
        cov: FloatArray = (~np.isnan(ps.values)) @ w
        return cov

    def ranks(self) -> FloatArray:
        """Overall ranks, 1 = best; NaN where the overall score is missing.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> card.ranks()[:4]
        array([10., 36., 43.,  4.])
        >>> card.ranks()[card.ids.index("PE-ENE-005")]
        np.float64(nan)
        """
        return self.result.ranks(ROOT)

    def flags(self, *, lang: str | None = None, ranks: bool = True) -> list[list[str]]:
        """Per partnership, the scores withheld and the ranks that rest on gaps.

        A score below the coverage threshold is flagged as insufficient
        evidence; a ranked partnership whose rank interval from missing
        evidence (`evidence_bounds`) is wider than ``rank_flag_width`` ranks
        is flagged with that interval.

        Parameters
        ----------
        lang : {"en", "es"}, default=None
            Language of the flags; None: ``KAMPALA_LANG``, else the locale
            (see `kampala.i18n.resolve_lang`).
        ranks : bool, default=True
            Include the rank flags (False: only the scores withheld, e.g.
            for a part of a portfolio ranked later as a whole).

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> flags = card.flags()
        >>> flags[card.ids.index("PE-TEL-003")]
        ['P4: insufficient evidence (coverage 29% < 50%)',
         'rank depends on missing evidence: 20–48']
        >>> card.flags(lang="es")[card.ids.index("PE-TEL-003")]
        ['P4: evidencia insuficiente (cobertura 29% < 50%)',
         'el puesto depende de la evidencia faltante: 20–48']
        >>> flags[card.ids.index("PE-HEA-001")]
        []
        """  # noqa: RUF002 (the en dash of a range, as typeset)
        return self._flags(
            resolve_lang(lang), self.evidence_bounds() if ranks else None
        )

    def _flags(self, lang: str, bounds: EvidenceBounds | None) -> list[list[str]]:
        """Return `flags()` from bounds already computed (None: no rank flags)."""
        out: list[list[str]] = [[] for _ in self.ids]
        template = N_("{code}: insufficient evidence (coverage {coverage} < {minimum})")
        for p in self.principles:
            cov = self.coverage(p)
            for i in np.flatnonzero(np.isnan(self.score(p))):
                out[i].append(
                    translate(
                        template,
                        lang,
                        code=p.code,
                        coverage=f"{cov[i]:.0%}",
                        minimum=f"{self.min_coverage:.0%}",
                    )
                )
        overall = translate(N_("overall: insufficient evidence"), lang)
        for i in np.flatnonzero(np.isnan(self.score())):
            out[i].append(overall)
        if bounds is None:
            return out
        width = self.rank_flag_width
        found = rank_flags(
            self.score(), bounds.rank_best, bounds.rank_worst, width, lang
        )
        for row, flag in zip(out, found, strict=True):
            if flag is not None:
                row.append(flag)
        return out

    # -- missing evidence ------------------------------------------------------------
    def evidence_bounds(self) -> EvidenceBounds:
        """How far the missing evidence could move every score and rank.

        See `kampala.evidence.evidence_bounds`: for every partnership,
        principle and the overall score, the lowest and highest score this
        methodology's rule could give once missing criteria are documented,
        and the best and worst rank.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> b = card.evidence_bounds()
        >>> i = card.ids.index("PE-FIN-006")  # ranked 9th with P1 flagged
        >>> round(float(b.overall_low[i]), 3), round(float(b.overall_high[i]), 3)
        (0.565, 0.863)
        >>> int(b.rank_best[i]), int(b.rank_worst[i])
        (1, 37)
        """
        return evidence_bounds(
            self.result, min_coverage=self.min_coverage, min_data=self.min_data
        )

    def next_evidence(self) -> NextEvidence:
        """Which evidence to collect next, per partnership and for the portfolio.

        See `kampala.evidence.next_evidence`.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> nxt = card.next_evidence()
        >>> top = nxt.portfolio[0]
        >>> top.code, top.evidence, top.missing
        ('P2.country_indicators',
         ('results.indicators_from_country_frameworks', 'results.indicators_total'), 15)
        """
        return next_evidence(
            self.result,
            self._criterion_evidence(),
            min_coverage=self.min_coverage,
            min_data=self.min_data,
        )

    def _criterion_evidence(self) -> dict[str, tuple[str, ...]]:
        return {
            c.code: c.evidence
            for ps in self.principle_scores.values()
            for c in ps.criteria
        }

    def basis(self) -> list[list[str]]:
        """Per partnership, the principles its overall score rests on.

        The principles with a score; empty when the overall score is missing.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> card.basis()[card.ids.index("PE-FIN-006")]
        ['P2', 'P3', 'P4', 'P5']
        """
        codes = [p.code for p in self.principles]
        scored = np.column_stack([~np.isnan(self.score(c)) for c in codes])
        scored &= ~np.isnan(self.score())[:, None]
        return [[c for c, ok in zip(codes, row, strict=True) if ok] for row in scored]

    # -- tables ------------------------------------------------------------------
    def table(self, *, lang: str | None = None) -> list[dict[str, Any]]:
        """One row per partnership, in rank order (unranked last).

        Keys: ``rank``, ``id``, ``title``, one score per principle code,
        ``overall``, one coverage per principle (``P1_coverage``…); the
        bounds the missing evidence leaves (`evidence_bounds`): ``P1_low``,
        ``P1_high``… ``overall_low``, ``overall_high``, ``rank_best``,
        ``rank_worst``; ``basis``, the principles the overall score rests
        on; and ``flags``. Missing scores are None. The keys are the same in
        every language; ``lang`` is the language of the flags (None:
        ``KAMPALA_LANG``, else the locale).

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> rows = card.table()
        >>> [(r["rank"], r["id"], round(r["overall"], 3)) for r in rows[:2]]
        [(1, 'PE-HEA-001', 0.845), (2, 'PE-ENE-006', 0.838)]
        >>> r = rows[1]
        >>> round(r["overall_low"], 3), round(r["overall_high"], 3)
        (0.66, 0.866)
        >>> r["rank_best"], r["rank_worst"], r["basis"]
        (1, 28, ['P1', 'P2', 'P3', 'P4', 'P5'])
        >>> rows[-1]["rank"], rows[-1]["id"], rows[-1]["P1"], rows[-1]["overall"]
        (None, 'PE-HEA-004', None, None)
        >>> rows[-1]["overall_low"] < rows[-1]["overall_high"]  # still an interval
        True
        """
        ranks = self.ranks()
        overall = self.score()
        b = self.evidence_bounds()  # once: the flags need it too
        flags = self._flags(resolve_lang(lang), b)
        basis = self.basis()
        scores = {p: self.score(p) for p in self.principles}
        covs = {p: self.coverage(p) for p in self.principles}
        order = np.lexsort((np.arange(len(self.ids)), np.nan_to_num(ranks, nan=np.inf)))
        rows = []
        for i in order:
            row: dict[str, Any] = {
                "rank": None if math.isnan(ranks[i]) else int(ranks[i]),
                "id": self.ids[i],
                "title": self.titles[i],
            }
            for p in self.principles:
                row[p.code] = _none(scores[p][i])
            row["overall"] = _none(overall[i])
            for p in self.principles:
                row[f"{p.code}_coverage"] = float(covs[p][i])
            row.update(b.row(i))
            row["basis"] = basis[i]
            row["flags"] = flags[i]
            rows.append(row)
        return rows

    def to_dict(self, *, lang: str | None = None) -> dict[str, Any]:
        """Return the scorecard as JSON-ready data, with its provenance.

        ``aggregation`` records the aggregation step's settings (method,
        weights, thresholds), so a variant can be cited and reproduced;
        ``principle_weights`` the normalised weight of each principle. The
        keys are the same in every language; the text meant for people (the
        disclaimer and the flags) is in ``lang`` (None: ``KAMPALA_LANG``,
        else the locale), which the data records under ``"lang"``.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> data = card.to_dict()
        >>> list(data)
        ['methodology', 'kampala_version', 'numpy_version', 'portfolio',
         'min_coverage', 'aggregation', 'principle_weights', 'rank_flag_width',
         'disclaimer', 'lang', 'partnerships']
        >>> data["principle_weights"]["P1"], data["aggregation"]["method"]
        (0.2, 'arithmetic')
        >>> data["methodology"]["id"], data["min_coverage"], len(data["partnerships"])
        ('KPS', 0.5, 48)
        """
        lang = resolve_lang(lang)
        return {
            "methodology": attrs.asdict(self.methodology),
            "kampala_version": self.kampala_version,
            "numpy_version": self.numpy_version,
            "portfolio": self.portfolio_name,
            "min_coverage": self.min_coverage,
            "aggregation": dict(self.aggregation),
            "principle_weights": {
                p.code: self.result.framework.normalised_weight(p.code)
                for p in self.principles
            },
            "rank_flag_width": self.rank_flag_width,
            "disclaimer": DISCLAIMER_ES if lang == "es" else DISCLAIMER_EN,
            "lang": lang,
            "partnerships": self.table(lang=lang),
        }

    def to_json(self, *, indent: int | None = 2, lang: str | None = None) -> str:
        """Serialise `to_dict()` as JSON.

        Examples
        --------
        >>> import json
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> print(card.to_json()[:60])  # doctest: +ELLIPSIS
        {
          "methodology": {
            "id": "KPS",
            "version": "1",...
        >>> json.loads(card.to_json())["partnerships"][0]["id"]
        'PE-HEA-001'
        """
        return json.dumps(self.to_dict(lang=lang), indent=indent, ensure_ascii=False)

    def to_pandas(self) -> Any:
        """Return `table()` as a pandas DataFrame indexed by id.

        Requires the optional ``pandas`` extra.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> df = card.to_pandas()
        >>> df.shape
        (48, 29)
        >>> df["rank"].head(3)
        id
        PE-HEA-001    1
        PE-ENE-006    2
        PE-WAS-006    3
        Name: rank, dtype: Int64
        >>> df.attrs["methodology"]  # doctest: +ELLIPSIS
        'KPS 1 (sha256:...)'
        """
        from kampala.io._pandas import require_pandas

        pd = require_pandas("Scorecard.to_pandas()")
        df = pd.DataFrame(self.table()).set_index("id")
        for col in ("rank", "rank_best", "rank_worst"):
            df[col] = df[col].astype("Int64")
        df.attrs["methodology"] = str(self.methodology)
        return df

    # -- report ---------------------------------------------------------------------
    def report(
        self,
        portfolio: Portfolio | None = None,
        *,
        methodology: Any = None,
        robustness: Any = None,
        lang: str | None = None,
        source: str | None = None,
    ) -> str:
        """Return the portfolio report: one self-contained HTML page.

        A summary for decision makers, the ranked table, a heat map, the
        actors' contributions, a profile per partnership, the robustness
        section (when ``robustness`` is given) and the methodology appendix,
        in English or Spanish; see `kampala.report`. Needs the extra
        ``report`` (``pip install 'kampala[report]'``).

        Parameters
        ----------
        portfolio : Portfolio, optional
            The portfolio scored: contributions, modalities and evidence
            values appear when given.
        methodology : Methodology, optional
            The methodology run, for the appendix's steps and references.
        robustness : kampala.report.Robustness, optional
            From `kampala.report.run_robustness`.
        lang : {"en", "es"}, default=None
            The language (see `kampala.i18n.resolve_lang`).
        source : str, optional
            Where the data came from, for the appendix.

        Returns
        -------
        str

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> pf = data.sample_portfolio()
        >>> page = Methodology.default().run(pf).report(pf, lang="es")
        >>> "No dejar a nadie atrás" in page, "<script" in page
        (True, False)
        """
        from kampala.report._render import render_report

        return render_report(
            self,
            portfolio,
            methodology=methodology,
            robustness=robustness,
            lang=lang,
            source=source,
        )

    # -- explanation ----------------------------------------------------------------
    def explain(
        self,
        partnership_id: str,
        *,
        portfolio: Portfolio | None = None,
        lang: str | None = None,
    ) -> Explanation:
        """Explain one partnership's scores, criterion by criterion.

        Parameters
        ----------
        partnership_id : str
            Its id.
        portfolio : Portfolio, optional
            The portfolio scored; when given, each criterion shows the
            evidence values behind it (and where each came from, when the
            portfolio knows).
        lang : {"en", "es"}, default=None
            Language of the explanation; None: ``KAMPALA_LANG``, else the
            locale (see `kampala.i18n.resolve_lang`).

        Returns
        -------
        Explanation

        Examples
        --------
        >>> from kampala import Methodology
        >>> from kampala.data import sample_portfolio
        >>> pf = sample_portfolio()
        >>> ex = Methodology.default().run(pf).explain("PE-AGR-002", portfolio=pf)
        >>> ex.rank, round(ex.composite, 3), ex.principles[0]["score"]
        (36, 0.458, 0.2575)
        >>> ex.principles[0]["criteria"][1]["evidence"]
        'ownership.government_role = co-designed'
        >>> es = Methodology.default().run(pf).explain("PE-AGR-002", lang="es")
        >>> es.principles[0]["title"]
        'Apropiación nacional inclusiva'
        """
        lang = resolve_lang(lang)
        i = self.result.unit_index(partnership_id)
        contrib = self.result.contributions()[i]
        principles = tuple(
            self._explain_principle(p, i, contrib, portfolio, lang)
            for p in self.principle_scores
        )
        rank = self.ranks()[i]
        cells = self.evidence_bounds().row(i)  # this partnership's, not the table
        keys = ("overall_low", "overall_high", "rank_best", "rank_worst")
        bounds: dict[str, Any] = {k: cells[k] for k in keys}
        for p in self.principles:
            bounds[p.code] = [cells[f"{p.code}_low"], cells[f"{p.code}_high"]]
        nxt = next_evidence(
            self.result,
            self._criterion_evidence(),
            min_coverage=self.min_coverage,
            min_data=self.min_data,
            portfolio=False,
            units=[partnership_id],
        )
        return Explanation(
            partnership_id=partnership_id,
            title=self.titles[i],
            rank=None if math.isnan(rank) else int(rank),
            composite=_none(float(self.score()[i])),
            principles=principles,
            methodology=self.methodology,
            bounds=bounds,
            to_collect=nxt.partnerships[partnership_id],
            lang=lang,
        )

    def _explain_principle(
        self,
        p: Principle,
        i: int,
        contrib: FloatArray,
        portfolio: Portfolio | None,
        lang: str = "en",
    ) -> dict[str, Any]:
        fw = self.result.framework
        leaf_pos = {c: j for j, c in enumerate(fw.indicator_codes)}
        ps = self.principle_scores[p]
        values = ps.values[i]
        weights = np.array([fw.normalised_weight(c.code) for c in ps.criteria])
        present_w = float(weights[~np.isnan(values)].sum())
        if portfolio is None:
            evidence = [", ".join(c.evidence) for c in ps.criteria]
        else:
            row = portfolio.index(self.ids[i])
            shown = describe_evidence if lang == "en" else describe_evidence_in(lang)
            evidence = [
                ", ".join(
                    f"{path} = {shown(portfolio, path, row)}"
                    + _source_note(portfolio, self.ids[i], path)
                    for path in c.evidence
                )
                for c in ps.criteria
            ]
        criteria = []
        for c, v, w, ev in zip(
            ps.criteria, values.tolist(), weights.tolist(), evidence, strict=True
        ):
            part = float(contrib[leaf_pos[c.code]])
            criteria.append(
                {
                    "code": c.code,
                    "name": (c.name_es or c.name_en) if lang == "es" else c.name_en,
                    "subprinciple": c.subprinciple,
                    "evidence": ev,
                    "score": _none(v),
                    "weight": w / present_w if present_w and not math.isnan(v) else 0.0,
                    "contribution": 0.0 if math.isnan(part) else part,
                    "rule": (c.rule_es or c.rule_en) if lang == "es" else c.rule_en,
                }
            )
        return {
            "code": p.code,
            "title": p.title("es" if lang == "es" else "en"),
            "score": _none(float(self.score(p)[i])),
            "coverage": float(self.coverage(p)[i]),
            "criteria": criteria,
        }

    # -- display ----------------------------------------------------------------------
    def _repr_html_(self) -> str:
        heads = "".join(f"<th>{p.code}</th>" for p in self.principles)
        body = []
        for row in self.table():
            cells = "".join(
                f"<td>{'—' if row[p.code] is None else f'{row[p.code]:.2f}'}</td>"
                for p in self.principles
            )
            overall = "—" if row["overall"] is None else f"{row['overall']:.3f}"
            lo, hi = row["overall_low"], row["overall_high"]
            span = "—" if lo is None else f"{lo:.3f}–{hi:.3f}"  # noqa: RUF001
            best, worst = row["rank_best"], row["rank_worst"]
            ranks = "—" if best is None else f"{best}–{worst}"  # noqa: RUF001
            flags = html.escape("; ".join(row["flags"]))
            body.append(
                f"<tr><td>{row['rank'] or '—'}</td><td>{html.escape(row['id'])}</td>"
                f"<td>{html.escape(row['title'])}</td>{cells}<td><b>{overall}</b></td>"
                f"<td>{span}</td><td>{ranks}</td><td>{flags}</td></tr>"
            )
        return (
            f"<p><b>{html.escape(self.portfolio_name)}</b> — methodology "
            f"{html.escape(str(self.methodology))}. {html.escape(DISCLAIMER_EN)}</p>"
            f"<table><thead><tr><th>rank</th><th>id</th><th>title</th>{heads}"
            f"<th>overall</th><th>range</th><th>ranks</th><th>flags</th></tr></thead>"
            f"<tbody>{''.join(body)}"
            "</tbody></table>"
        )

    def __repr__(self) -> str:
        return (
            f"Scorecard(portfolio={self.portfolio_name!r}, "
            f"partnerships={len(self.ids)}, methodology={self.methodology!s})"
        )


def _source_note(portfolio: Portfolio, partnership_id: str, path: str) -> str:
    """`` [file: location]`` after evidence from a merge or an IATI import.

    A portfolio read from one file has that file as its only source, which
    is not repeated after every value.
    """
    if portfolio.provenance is None or not portfolio.provenance.persist:
        return ""
    source = portfolio.source_of(partnership_id, path)
    return "" if source is None else f" [{source}]"
