"""Principles, sub-principles, criteria, principle scores and the Scorer protocol."""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import frozen_float64
from kampala.composite.kernel import coverage, weighted_mean
from kampala.errors import ParameterValueError
from kampala.i18n import resolve_lang
from kampala.portfolio import Portfolio

__all__ = [
    "Criterion",
    "Principle",
    "PrincipleScores",
    "Scorer",
    "SubPrinciple",
    "subprinciples",
]

_ID = re.compile(r"^[a-z][a-z0-9_.-]*$")


@functools.cache
def _catalogue() -> dict[str, Any]:
    text = (
        resources.files("kampala.principles")
        .joinpath("data/subprinciples.json")
        .read_text(encoding="utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


class Principle(enum.Enum):
    """The five Kampala Principles (GPEDC, 2019).

    Examples
    --------
    >>> Principle.OWNERSHIP.number, Principle.OWNERSHIP.title("es")
    (1, 'Apropiación nacional inclusiva')
    """

    OWNERSHIP = 1
    RESULTS = 2
    INCLUSIVE_PARTNERSHIP = 3
    TRANSPARENCY = 4
    LEAVE_NO_ONE_BEHIND = 5

    @property
    def number(self) -> int:
        """The principle's number, 1 to 5.

        Examples
        --------
        >>> from kampala import Principle
        >>> [p.number for p in Principle]
        [1, 2, 3, 4, 5]
        >>> Principle(4).name
        'TRANSPARENCY'
        """
        return int(self.value)

    @property
    def code(self) -> str:
        """Short code used in frameworks and tables: ``"P1"`` … ``"P5"``.

        Examples
        --------
        >>> from kampala import Principle
        >>> Principle.TRANSPARENCY.code
        'P4'
        """
        return f"P{self.value}"

    def _entry(self) -> dict[str, Any]:
        entries: list[dict[str, Any]] = _catalogue()["principles"]
        return next(e for e in entries if e["number"] == self.value)

    def title(self, lang: str = "en") -> str:
        """Title in English (``"en"``) or Spanish (``"es"``).

        Raises
        ------
        ParameterValueError
            For a language other than ``"en"`` or ``"es"``.

        Examples
        --------
        >>> from kampala import Principle
        >>> p = Principle.INCLUSIVE_PARTNERSHIP
        >>> p.title(), p.title("es")
        ('Inclusive partnership', 'Alianza inclusiva')
        """
        return str(self._entry()[f"title_{resolve_lang(lang)}"])

    def tagline(self, lang: str = "en") -> str:
        """One-line description in English or Spanish.

        Examples
        --------
        >>> from kampala import Principle
        >>> Principle.INCLUSIVE_PARTNERSHIP.tagline()
        'Foster trust through inclusive dialogue and consultation'
        >>> Principle.INCLUSIVE_PARTNERSHIP.tagline("es")
        'Generar confianza mediante el diálogo y la consulta inclusivos'
        """
        return str(self._entry()[f"tagline_{resolve_lang(lang)}"])

    def verified(self, lang: str = "en") -> bool:
        """Whether the title and tagline were checked against an official text.

        Examples
        --------
        The English texts were; no official Spanish text is stored, so the
        Spanish ones are the library's own translation:

        >>> from kampala import Principle
        >>> Principle.OWNERSHIP.verified("en"), Principle.OWNERSHIP.verified("es")
        (True, False)
        """
        return bool(self._entry()[f"verified_{resolve_lang(lang)}"])

    @property
    def source_url(self) -> str:
        """Where the title was checked.

        Examples
        --------
        >>> from kampala import Principle
        >>> Principle.RESULTS.source_url
        'https://www.oecd.org/dac/effectiveness/kampala-principles.htm'
        """
        return str(self._entry()["source_url"])

    @property
    def subprinciples(self) -> tuple[SubPrinciple, ...]:
        """The sub-principles of this principle.

        Examples
        --------
        >>> from kampala import Principle
        >>> [s.code for s in Principle.TRANSPARENCY.subprinciples]
        ['4.A', '4.B', '4.C']
        >>> len(Principle.LEAVE_NO_ONE_BEHIND.subprinciples)
        4
        """
        return tuple(s for s in subprinciples() if s.principle is self)


@attrs.frozen(kw_only=True)
class SubPrinciple:
    """One of the 16 sub-principles, with titles and their provenance.

    Attributes
    ----------
    code : str
        ``"1.A"`` … ``"5.D"``.
    principle : Principle
        The principle it belongs to.
    title_en, title_es : str
        Titles. Where ``verified_en``/``verified_es`` is false the title is
        the library's own paraphrase, not official text.
    source_url : str or None
        The official page the title was checked against.
    verified_en, verified_es : bool
        Whether the title was found verbatim in an official source.
    note : str
        Provenance details.

    Examples
    --------
    >>> from kampala.principles import subprinciples
    >>> sp = subprinciples()[0]
    >>> sp.code, sp.principle, sp.verified_en, sp.verified_es
    ('1.A', <Principle.OWNERSHIP: 1>, True, False)

    No official Spanish text is stored, so the Spanish title is marked as
    the library's paraphrase:

    >>> sp.title("es")  # doctest: +ELLIPSIS
    'Definir metas nacionales ... (paráfrasis de kampala, no verificada)'
    """

    code: str
    principle: Principle
    title_en: str
    title_es: str
    source_url: str | None
    verified_en: bool
    verified_es: bool
    note: str = ""

    def title(self, lang: str = "en") -> str:
        """Title; unverified titles are marked as the library's paraphrase.

        Examples
        --------
        >>> sp = next(s for s in subprinciples() if s.code == "2.C")
        >>> sp.title().endswith("(kampala paraphrase, unverified)")
        True
        """
        lang = resolve_lang(lang)
        text = self.title_en if lang == "en" else self.title_es
        ok = self.verified_en if lang == "en" else self.verified_es
        if ok:
            return text
        mark = (
            "(kampala paraphrase, unverified)"
            if lang == "en"
            else "(paráfrasis de kampala, no verificada)"
        )
        return f"{text} {mark}"


@functools.cache
def subprinciples() -> tuple[SubPrinciple, ...]:
    """Return the 16 sub-principles, 1.A to 5.D, from the packaged catalogue.

    Examples
    --------
    >>> from kampala.principles import subprinciples
    >>> len(subprinciples()), subprinciples()[-1].code
    (16, '5.D')
    """
    out = []
    for e in _catalogue()["subprinciples"]:
        out.append(
            SubPrinciple(
                code=e["code"],
                principle=Principle(e["principle"]),
                title_en=e["title_en"],
                title_es=e["title_es"],
                source_url=e.get("source_url"),
                verified_en=bool(e["verified_en"]),
                verified_es=bool(e["verified_es"]),
                note=e.get("note", ""),
            )
        )
    return tuple(out)


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _criteria_tuple(values: Iterable[Criterion]) -> tuple[Criterion, ...]:
    return tuple(values)


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
        raise ParameterValueError(
            f"criterion {getattr(instance, 'code', '?')!r}",
            attribute.name,
            value,
            "a number > 0",
        )


@attrs.frozen(kw_only=True)
class Criterion:
    """One scoring criterion of a principle.

    Parameters
    ----------
    code : str
        Unique code across the methodology, for example ``"P1.alignment"``.
    principle : Principle
        The principle it serves.
    subprinciple : str
        Code of the sub-principle it serves (``"1.B"``).
    weight : float
        Default weight relative to the principle's other criteria.
    evidence : tuple of str
        The portfolio columns it reads (``"ownership.government_role"``).
    name_en, name_es : str
        Short names.
    rule_en, rule_es : str
        The scoring rule, in words (the methodology pages give it in full).
    source : str
        The question or indicator behind the criterion, with a URL.
    source_es : str, default=""
        The same in Spanish, with the same codes and URL. Spanish output
        (`kampala.describe.to_markdown` with ``lang="es"``) falls back to
        ``source`` when it is empty.

    Examples
    --------
    A criterion for a scorer of your own:

    >>> from kampala.principles import Criterion, Principle
    >>> c = Criterion(code="P3.youth_voice", principle=Principle.INCLUSIVE_PARTNERSHIP,
    ...               subprinciple="3.A", weight=0.5, evidence=["inclusion.dialogue"],
    ...               name_en="Youth in dialogue", name_es="Jóvenes en el diálogo")
    >>> c.evidence, c.name("es")
    (('inclusion.dialogue',), 'Jóvenes en el diálogo')

    The built-in criteria cite their source in both languages:

    >>> from kampala.principles import OwnershipScorer
    >>> print(OwnershipScorer.criteria[3].source_es)  # doctest: +NORMALIZE_WHITESPACE
    Caja de herramientas 1.B (coordinación con las prioridades nacionales).
    https://www.effectivecooperation.org/landing-page/kampala-principle-tussubp-1b
    """

    code: str
    principle: Principle
    subprinciple: str
    weight: float = attrs.field(default=1.0, validator=_positive)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    name_en: str = ""
    name_es: str = ""
    rule_en: str = ""
    rule_es: str = ""
    source: str = ""
    source_es: str = ""

    def name(self, lang: str = "en") -> str:
        """Name in English or Spanish.

        Examples
        --------
        >>> from kampala.principles import OwnershipScorer
        >>> c = OwnershipScorer.criteria[1]
        >>> c.code, c.name(), c.name("es")
        ('P1.government_role', 'Role of the partner-country government',
         'Rol del gobierno del país socio')
        """
        return self.name_en if resolve_lang(lang) == "en" else self.name_es

    def rule(self, lang: str = "en") -> str:
        """Scoring rule in English or Spanish.

        Examples
        --------
        >>> from kampala.principles import OwnershipScorer
        >>> c = OwnershipScorer.criteria[1]
        >>> print(c.rule())
        none / informed / consulted / co-designed / leads;
        ordinal level: rank / (levels - 1)
        >>> print(c.rule("es"))
        ninguno / informado / consultado / codiseño / lidera;
        nivel ordinal: posición / (niveles - 1)
        """
        return self.rule_en if resolve_lang(lang) == "en" else self.rule_es


@attrs.frozen(kw_only=True, eq=False)
class PrincipleScores:
    """Per-criterion scores of one principle for every partnership.

    Parameters
    ----------
    principle : Principle
        The principle scored.
    scorer_id, scorer_version : str
        The scorer that produced the scores.
    criteria : tuple of Criterion
        The criteria, in column order.
    values : numpy.ndarray, shape (n_partnerships, n_criteria)
        Scores in [0, 1]; NaN where the evidence is missing.
    ids : tuple of str
        Partnership ids, in row order.

    Raises
    ------
    ParameterValueError
        If shapes disagree or a value lies outside [0, 1].

    Examples
    --------
    Missing evidence (NaN) is left out of the score, not counted as 0, and
    lowers the coverage instead:

    >>> import numpy as np
    >>> from kampala import Principle, PrincipleScores
    >>> from kampala.principles import OwnershipScorer
    >>> ps = PrincipleScores(principle=Principle.OWNERSHIP, scorer_id="demo",
    ...     scorer_version="1", criteria=OwnershipScorer.criteria[:2],
    ...     values=[[1.0, 0.5], [0.25, np.nan]], ids=["A", "B"])
    >>> ps.score().tolist(), ps.coverage().tolist()
    ([0.75, 0.25], [1.0, 0.5])
    """

    principle: Principle
    scorer_id: str
    scorer_version: str
    criteria: tuple[Criterion, ...] = attrs.field(converter=_criteria_tuple)
    values: FloatArray = attrs.field(converter=frozen_float64)
    ids: tuple[str, ...] = attrs.field(converter=_str_tuple)

    def __attrs_post_init__(self) -> None:
        where = f"scorer {self.scorer_id!r}"
        if self.values.shape != (len(self.ids), len(self.criteria)):
            raise ParameterValueError(
                where,
                "values",
                self.values.shape,
                f"of shape ({len(self.ids)}, {len(self.criteria)})",
            )
        bad = ~np.isnan(self.values) & ((self.values < 0) | (self.values > 1))
        if bad.any():
            r, c = np.argwhere(bad)[0]
            raise ParameterValueError(
                where,
                self.criteria[c].code,
                float(self.values[r, c]),
                f"in [0, 1] or NaN (partnership {self.ids[r]!r})",
            )

    @property
    def weights(self) -> FloatArray:
        """Criterion weights, in column order.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.principles import OwnershipScorer
        >>> OwnershipScorer().score(sample_portfolio()).weights
        array([1., 1., 1., 1., 1.])
        """
        return np.array([c.weight for c in self.criteria])

    def coverage(self) -> FloatArray:
        r"""Share of criterion weight with evidence, per partnership.

        $$
        \mathrm{cov}_u = \sum_{c\,present} w_c / \sum_c w_c
        $$

        Examples
        --------
        The second partnership has no evidence for one of its five
        criteria, all of weight 1:

        >>> from kampala.data import sample_portfolio
        >>> from kampala.principles import OwnershipScorer
        >>> OwnershipScorer().score(sample_portfolio()).coverage()[:3].tolist()
        [1.0, 0.8, 1.0]
        """
        return coverage(self.values, self.weights)

    def score(self) -> FloatArray:
        r"""Weighted mean of the criteria with evidence (NaN if none).

        $$
        s_u = \sum_{c\,present} w_c x_{uc} / \sum_{c\,present} w_c
        $$

        Computed by `kampala.composite.kernel.weighted_mean`, equations (A0)
        and (A1) of the aggregation methodology.

        Examples
        --------
        The second partnership's missing criterion is left out, not counted
        as 0: it scores $(0.75 + 0.28 + 0 + 0) / 4$.

        >>> from kampala.data import sample_portfolio
        >>> from kampala.principles import OwnershipScorer
        >>> ps = OwnershipScorer().score(sample_portfolio())
        >>> ps.values[1].tolist(), ps.score()[:3].tolist()
        ([nan, 0.75, 0.28, 0.0, 0.0], [0.772, 0.2575, 0.45])
        """
        return weighted_mean(self.values, self.weights)

    def column(self, code: str) -> FloatArray:
        """Scores of one criterion.

        Raises
        ------
        ParameterValueError
            For a code that is not one of the criteria.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.principles import OwnershipScorer
        >>> ps = OwnershipScorer().score(sample_portfolio())
        >>> ps.column("P1.alignment")[:3], ps.values[:3, 0]
        (array([0.5, nan, 0.5]), array([0.5, nan, 0.5]))
        """
        codes = [c.code for c in self.criteria]
        if code not in codes:
            raise ParameterValueError(
                "PrincipleScores.column()", "code", code, f"one of {codes}"
            )
        return self.values[:, codes.index(code)]


@runtime_checkable
class Scorer(Protocol):
    """What a principle scorer provides. Scorers need not inherit from anything.

    Attributes
    ----------
    id : str
        Lower-case identifier, unique per principle (``"kps.ownership"``).
    version : str
        Changes whenever the scores it gives could change.
    principle : Principle
        The principle scored.
    criteria : tuple of Criterion
        Its criteria, with default weights.

    Examples
    --------
    The protocol is runtime-checkable: ``isinstance`` checks that an object
    has every member (not their types or behaviour; `kampala.testing.check_scorer`
    does that).

    >>> from kampala.data import sample_portfolio
    >>> from kampala.principles import ResultsScorer, Scorer
    >>> isinstance(ResultsScorer(), Scorer), isinstance(object(), Scorer)
    (True, False)
    >>> ps = ResultsScorer().score(sample_portfolio())
    >>> ps.scorer_id, ps.values.shape
    ('kps.results', (48, 5))
    """

    @property
    def id(self) -> str:
        """Identifier."""
        ...

    @property
    def version(self) -> str:
        """Version of the scoring rules."""
        ...

    @property
    def principle(self) -> Principle:
        """The principle scored."""
        ...

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """The criteria, in column order."""
        ...

    def score(self, portfolio: Portfolio) -> PrincipleScores:
        """Score every partnership of a portfolio at once."""
        ...

    def explain(self, portfolio: Portfolio, partnership_id: str) -> str:
        """Explain, in words, how one partnership's criteria were scored."""
        ...

    def params(self) -> Mapping[str, Any]:
        """Return the scorer's parameters (its constructor fields), JSON-ready."""
        ...


def valid_scorer_id(value: str) -> bool:
    """Whether ``value`` is a valid scorer id (lower case, dots, dashes)."""
    return isinstance(value, str) and bool(_ID.match(value))


def criterion_table(criteria: Sequence[Criterion]) -> list[dict[str, Any]]:
    """Return the criteria as JSON-ready rows.

    ``source_es`` falls back to ``source`` for a criterion without a Spanish
    source, so that a Spanish reader always gets one.
    """
    return [
        {
            "code": c.code,
            "principle": c.principle.number,
            "subprinciple": c.subprinciple,
            "weight": c.weight,
            "evidence": list(c.evidence),
            "name_en": c.name_en,
            "name_es": c.name_es,
            "rule_en": c.rule_en,
            "rule_es": c.rule_es,
            "source": c.source,
            "source_es": c.source_es or c.source,
        }
        for c in criteria
    ]
