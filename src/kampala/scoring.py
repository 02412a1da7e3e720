"""Methodologies and their results.

A `Methodology` is an ordered list of composite steps with an
``id``, a ``version`` and a content hash: the SHA-256 of its canonical JSON
(keys sorted, no insignificant white space, UTF-8). Two methodologies that
mean the same thing have the same hash, and a methodology read back from
JSON is equal to the one written.

Running a methodology on an `IndicatorSet` gives a
`CompositeResult` that keeps every intermediate data set by step name
(``"Raw"``, ``"Denominated"``, ``"Imputed"``, ``"Screened"``, ``"Treated"``,
``"Normalised"``), the score and rank of every aggregate, and the
contribution of each indicator to the root score of any unit.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import attrs
import numpy as np
import numpy.typing as npt
import scipy.stats

from kampala._version import __version__
from kampala.composite.aggregate import Aggregate, AggregateOutput
from kampala.composite.denominate import Denominate
from kampala.composite.impute import Impute
from kampala.composite.normalise import Normalise
from kampala.composite.screen import Screen
from kampala.composite.treat import Treat
from kampala.errors import MethodologyError, ParameterValueError
from kampala.framework import Framework
from kampala.indicators import IndicatorSet
from kampala.portfolio import Portfolio

if TYPE_CHECKING:
    from kampala.scorecard import Scorecard

__all__ = [
    "CANONICAL_ORDER",
    "CompositeResult",
    "Methodology",
    "MethodologyRef",
    "ScorerSpec",
    "canonical_json",
    "rank_scores",
    "steps_in_canonical_order",
]

FloatArray = npt.NDArray[np.float64]
AnyStep = Denominate | Impute | Screen | Treat | Normalise | Aggregate

#: The order in which the command line applies the steps it is given.
CANONICAL_ORDER = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")

_STEP_TYPES: dict[str, type[Any]] = {
    "denominate": Denominate,
    "impute": Impute,
    "screen": Screen,
    "treat": Treat,
    "normalise": Normalise,
    "aggregate": Aggregate,
}

_FORMAT = "kampala.methodology/1"


def canonical_json(obj: Any) -> str:
    """Serialise ``obj`` canonically: sorted keys, compact, UTF-8, no NaN.

    Examples
    --------
    Keys are sorted and no white space is added, so equal content always gives
    the same text (and the same hash); NaN is refused:

    >>> from kampala.scoring import canonical_json
    >>> canonical_json({"weights": {"P2": 0.25, "P1": 0.75}, "title": "Índice"})
    '{"title":"Índice","weights":{"P1":0.75,"P2":0.25}}'
    >>> canonical_json({"weight": float("nan")})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: Out of range float values are not JSON compliant...
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def rank_scores(scores: FloatArray) -> FloatArray:
    """Rank scores, 1 = highest; ties share the best rank; NaN stays NaN.

    Examples
    --------
    >>> rank_scores(np.array([3.0, 5.0, 3.0, np.nan])).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.size == 0:
        return s.copy()
    out: FloatArray = scipy.stats.rankdata(-s, method="min", nan_policy="omit")
    return out.astype(np.float64)


@attrs.frozen(kw_only=True)
class MethodologyRef:
    """Identifies the methodology that produced a result.

    Parameters
    ----------
    id : str
        Methodology identifier.
    version : str
        Methodology version.
    sha256 : str
        Content hash of the methodology's canonical JSON.

    Examples
    --------
    Every result records the methodology that produced it:

    >>> from kampala import Methodology
    >>> ref = Methodology.default().ref
    >>> ref.id, ref.version, len(ref.sha256)
    ('KPS', '1', 64)
    >>> print(ref)  # doctest: +ELLIPSIS
    KPS 1 (sha256:...)
    """

    id: str
    version: str
    sha256: str

    def __str__(self) -> str:
        return f"{self.id} {self.version} (sha256:{self.sha256[:12]})"


def _scorer_spec_from_dict(d: Any) -> ScorerSpec:
    if not isinstance(d, Mapping):
        raise MethodologyError(
            "Methodology.from_dict()",
            "scorers",
            d,
            "objects with principle, id, version",
        )
    try:
        return ScorerSpec(**d)
    except TypeError as exc:
        raise MethodologyError(
            "Methodology.from_dict()",
            "scorers",
            dict(d),
            "objects with keys principle, id, version, params",
        ) from exc


def _step_from_dict(d: Mapping[str, Any]) -> AnyStep:
    where = "Methodology.from_dict()"
    if not isinstance(d, Mapping) or "step" not in d:
        raise MethodologyError(where, "steps", d, "mappings with a 'step' key")
    kind = d["step"]
    if kind not in _STEP_TYPES:
        raise MethodologyError(
            where, "step", kind, f"one of {', '.join(repr(k) for k in _STEP_TYPES)}"
        )
    kwargs = {k: v for k, v in d.items() if k != "step"}
    try:
        step: AnyStep = _STEP_TYPES[kind](**kwargs)
    except MethodologyError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        # includes KampalaError subclasses raised by the step's own validation
        raise MethodologyError(
            where,
            f"{kind} step",
            kwargs,
            "a mapping of that step's fields with valid values",
            hint=str(exc),
        ) from exc
    return step


def _step_tuple(steps: Iterable[AnyStep]) -> tuple[AnyStep, ...]:
    return tuple(steps)


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


def _spec_tuple(
    specs: Iterable[ScorerSpec | Mapping[str, Any]],
) -> tuple[ScorerSpec, ...]:
    out = []
    for spec in specs:
        out.append(spec if isinstance(spec, ScorerSpec) else ScorerSpec(**spec))
    return tuple(out)


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


def _check_id(instance: Any, attribute: Any, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise MethodologyError(
            "Methodology()", attribute.name, value, "a non-empty string"
        )


@attrs.frozen(kw_only=True)
class Methodology:
    """An ordered, versioned, hashable list of composite steps.

    Parameters
    ----------
    id : str
        Identifier, for example ``"ASEM-COINr"`` or ``"KPS"``.
    version : str
        Version string; change it whenever the steps change.
    steps : sequence of step
        Steps applied in the order given. Each kind of step appears at most
        once; `Aggregate`, if present, comes last.
    title : str, default=""
        Human-readable title.
    description : str, default=""
        Free text for the citable description.
    scorers : sequence of ScorerSpec, default=()
        For a Kampala scorecard methodology: the scorer of each principle.
        Running it needs a `Portfolio` and gives a
        `Scorecard`; without scorers it runs on an
        `IndicatorSet` and gives a
        `CompositeResult`.
    references : sequence of str, default=()
        References cited by the methodology's description.

    Raises
    ------
    MethodologyError
        For a repeated step kind, an aggregation step that is not last, or
        two scorers for one principle.

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.composite import Aggregate, Normalise
    >>> m = Methodology(id="demo", version="1", steps=[Normalise(), Aggregate()])
    >>> Methodology.from_json(m.to_json()) == m
    True
    >>> len(m.sha256)
    64
    """

    id: str = attrs.field(validator=_check_id)
    version: str = attrs.field(validator=_check_id)
    steps: tuple[AnyStep, ...] = attrs.field(converter=_step_tuple)
    title: str = ""
    description: str = ""
    scorers: tuple[ScorerSpec, ...] = attrs.field(default=(), converter=_spec_tuple)
    references: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)

    def __attrs_post_init__(self) -> None:
        principles = [s.principle for s in self.scorers]
        if len(set(principles)) != len(principles):
            raise MethodologyError(
                "Methodology()",
                "scorers",
                principles,
                "at most one scorer per principle",
            )
        seen: set[str] = set()
        for i, step in enumerate(self.steps):
            kind = getattr(step, "kind", None)
            if kind not in _STEP_TYPES or not isinstance(step, _STEP_TYPES[kind]):
                raise MethodologyError(
                    "Methodology()",
                    f"steps[{i}]",
                    step,
                    "a step object (Denominate, Impute, Screen, Treat, Normalise, "
                    "Aggregate)",
                )
            if kind in seen:
                raise MethodologyError(
                    "Methodology()",
                    f"steps[{i}]",
                    kind,
                    "a kind of step not already listed",
                )
            if kind == "aggregate" and i != len(self.steps) - 1:
                raise MethodologyError(
                    "Methodology()",
                    f"steps[{i}]",
                    kind,
                    "the last step",
                    hint="Aggregation produces scores, not indicator data.",
                )
            seen.add(kind)

    @classmethod
    def default(cls) -> Methodology:
        """Return KPS-1, the default Kampala scorecard methodology.

        See `kps1()`.

        Examples
        --------
        >>> from kampala import Methodology
        >>> m = Methodology.default()
        >>> m.id, m.version, [spec.principle for spec in m.scorers]
        ('KPS', '1', [1, 2, 3, 4, 5])
        """
        from kampala.scorecard import kps1

        return kps1()

    def to_markdown(self, *, lang: str = "en") -> str:
        """Return the citable description in Markdown (``"en"`` or ``"es"``).

        See `to_markdown()`.

        Examples
        --------
        >>> from kampala import Methodology
        >>> m = Methodology.default()
        >>> m.to_markdown().splitlines()[0]
        '# Methodology: Kampala Partnership Scorecard, KPS-1'
        >>> m.to_markdown(lang="es").splitlines()[0]
        '# Metodología: Kampala Partnership Scorecard, KPS-1'
        """
        from kampala.describe import to_markdown

        return to_markdown(self, lang=lang)

    # -- identity ------------------------------------------------------------------
    def content(self) -> dict[str, Any]:
        """Return the hashed content: everything but the hash itself.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology
        >>> Methodology(id="demo", version="1", steps=[Aggregate()]).content()
        {'format': 'kampala.methodology/1', 'id': 'demo', 'version': '1', 'title': '',
         'description': '',
         'steps': [{'step': 'aggregate', 'method': 'arithmetic', 'params': {},
                    'levels': {}, 'weights': 'framework', 'min_data': 0.0,
                    'min_coverage': 0.0}],
         'scorers': [], 'references': []}
        """
        return {
            "format": _FORMAT,
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "description": self.description,
            "steps": [s.to_dict() for s in self.steps],
            "scorers": [s.to_dict() for s in self.scorers],
            "references": list(self.references),
        }

    @property
    def sha256(self) -> str:
        """SHA-256 of the canonical JSON of `content()`.

        Examples
        --------
        Spelling out a default does not change the content, so not the hash;
        another method does:

        >>> from kampala import Aggregate, Methodology, Normalise
        >>> def demo(step):
        ...     return Methodology(id="demo", version="1", steps=[step, Aggregate()])
        >>> m = demo(Normalise())
        >>> len(m.sha256), m.sha256 == demo(Normalise(method="min-max")).sha256
        (64, True)
        >>> m.sha256 == demo(Normalise(method="rank")).sha256
        False
        """
        return hashlib.sha256(
            canonical_json(self.content()).encode("utf-8")
        ).hexdigest()

    @property
    def ref(self) -> MethodologyRef:
        """The reference results carry: id, version and hash.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology
        >>> m = Methodology(id="demo", version="1", steps=[Aggregate()])
        >>> m.ref.id, m.ref.version, m.ref.sha256 == m.sha256
        ('demo', '1', True)
        >>> print(m.ref)  # doctest: +ELLIPSIS
        demo 1 (sha256:...)
        """
        return MethodologyRef(id=self.id, version=self.version, sha256=self.sha256)

    @property
    def aggregate(self) -> Aggregate | None:
        """The aggregation step, if any.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology, Normalise
        >>> m = Methodology(id="demo", version="1",
        ...                 steps=[Normalise(), Aggregate(method="geometric")])
        >>> m.aggregate.method
        'geometric'
        >>> Methodology(id="prep", version="1", steps=[Normalise()]).aggregate is None
        True
        """
        last = self.steps[-1] if self.steps else None
        return last if isinstance(last, Aggregate) else None

    # -- serialisation --------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the methodology as a JSON-ready mapping, hash included.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology
        >>> m = Methodology(id="demo", version="1", steps=[Aggregate()])
        >>> d = m.to_dict()
        >>> d["sha256"] == m.sha256, d.keys() - m.content().keys()
        (True, {'sha256'})
        """
        out = self.content()
        out["sha256"] = self.sha256
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        """Serialise to JSON (keys sorted); `from_json()` reads it back.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology
        >>> m = Methodology(id="demo", version="1", steps=[Aggregate()])
        >>> text = m.to_json()
        >>> text.splitlines()[:3]
        ['{', '  "description": "",', '  "format": "kampala.methodology/1",']
        >>> Methodology.from_json(text) == m
        True
        """
        return json.dumps(
            self.to_dict(),
            indent=indent,
            sort_keys=True,
            ensure_ascii=False,
            allow_nan=False,
        )

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Methodology:
        """Build a methodology from `to_dict()` output.

        Raises
        ------
        MethodologyError
            If the mapping is malformed or its ``sha256`` does not match its
            content (the file was edited without a new hash).

        Examples
        --------
        >>> from kampala import Aggregate, Methodology
        >>> m = Methodology(id="demo", version="1", steps=[Aggregate()])
        >>> d = m.to_dict()
        >>> Methodology.from_dict(d) == m
        True
        >>> d["version"] = "2"  # edited, but the old hash kept
        >>> Methodology.from_dict(d)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        kampala.errors.MethodologyError: Methodology.from_dict(): 'sha256' must be
        the hash of the content (...) (got '...'). The methodology was changed
        after it was hashed; give it a new version and drop the old hash.
        >>> del d["sha256"]
        >>> Methodology.from_dict(d).version
        '2'
        """
        where = "Methodology.from_dict()"
        if not isinstance(d, Mapping):
            raise MethodologyError(where, "methodology", d, "a JSON object")
        fmt = d.get("format", _FORMAT)
        if fmt != _FORMAT:
            raise MethodologyError(where, "format", fmt, repr(_FORMAT))
        for key in ("id", "version", "steps"):
            if key not in d:
                raise MethodologyError(where, key, expected="present")
        if not isinstance(d["steps"], list):
            raise MethodologyError(where, "steps", d["steps"], "a list of steps")
        m = cls(
            id=d["id"],
            version=d["version"],
            steps=[_step_from_dict(s) for s in d["steps"]],
            title=d.get("title", ""),
            description=d.get("description", ""),
            scorers=[_scorer_spec_from_dict(x) for x in d.get("scorers", [])],
            references=d.get("references", []),
        )
        recorded = d.get("sha256")
        if recorded is not None and recorded != m.sha256:
            raise MethodologyError(
                where,
                "sha256",
                recorded,
                f"the hash of the content ({m.sha256})",
                hint="The methodology was changed after it was hashed; give it a "
                "new version and drop the old hash.",
            )
        return m

    @classmethod
    def from_json(cls, text: str) -> Methodology:
        """Read a methodology from JSON text.

        Raises
        ------
        MethodologyError
            If the text is not valid JSON or not a valid methodology.

        Examples
        --------
        The hash is optional and omitted fields take their defaults:

        >>> from kampala import Methodology
        >>> text = '{"id": "demo", "version": "1", "steps": [{"step": "aggregate"}]}'
        >>> m = Methodology.from_json(text)
        >>> m.aggregate.method, m.title
        ('arithmetic', '')
        """
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MethodologyError(
                "Methodology.from_json()",
                "text",
                f"line {exc.lineno} column {exc.colno}",
                "valid JSON",
                hint=exc.msg,
            ) from exc
        return cls.from_dict(d)

    # -- running ----------------------------------------------------------------------
    @overload
    def run(self, data: IndicatorSet) -> CompositeResult: ...

    @overload
    def run(self, data: Portfolio, *, registry: Any = None) -> Scorecard: ...

    def run(
        self, data: IndicatorSet | Portfolio, *, registry: Any = None
    ) -> CompositeResult | Scorecard:
        """Apply the methodology.

        Parameters
        ----------
        data : IndicatorSet or Portfolio
            Indicator data with its framework (for a methodology without
            scorers), or a portfolio of partnerships (for a scorecard
            methodology such as KPS-1).
        registry : ScorerRegistry, optional
            Where to find the scorers; default
            `default_registry`.

        Returns
        -------
        CompositeResult or Scorecard
            Every intermediate data set, aggregate scores and ranks; for a
            portfolio, the scorecard built on them.

        Raises
        ------
        MethodologyError
            If the methodology has no aggregation step, or the data do not
            fit it (a portfolio for a methodology without scorers, or the
            reverse).

        Examples
        --------
        Indicator data give a `CompositeResult`:

        >>> from kampala import Aggregate, Methodology, Normalise
        >>> from kampala.data import asem_paths, sample_portfolio
        >>> from kampala.io.coinr import read_coinr
        >>> m = Methodology(id="asem", version="1", steps=[Normalise(), Aggregate()])
        >>> m.run(read_coinr(*asem_paths()))  # doctest: +ELLIPSIS
        CompositeResult(methodology=asem 1 (sha256:...), units=51, aggregates=11)

        A portfolio gives a `Scorecard`:

        >>> Methodology.default().run(sample_portfolio())  # doctest: +ELLIPSIS
        Scorecard(portfolio='Cartera ilustrativa APCI (ficticia)', partnerships=48,
                  methodology=KPS 1 (sha256:...))
        """
        if isinstance(data, Portfolio):
            if not self.scorers:
                raise MethodologyError(
                    "Methodology.run()",
                    "data",
                    "Portfolio",
                    "an IndicatorSet: this methodology has no principle scorers",
                    hint="Use Methodology.default() to score a portfolio.",
                )
            from kampala.scorecard import score_portfolio

            return score_portfolio(self, data, registry=registry)
        if self.scorers:
            raise MethodologyError(
                "Methodology.run()",
                "data",
                type(data).__name__,
                "a Portfolio: this methodology scores partnerships",
            )
        return self.run_indicators(data)

    def prepare(
        self, data: IndicatorSet
    ) -> tuple[dict[str, IndicatorSet], dict[str, Mapping[str, Any]]]:
        """Apply the data steps (all but aggregation) to indicator data.

        Returns
        -------
        datasets : dict of str to IndicatorSet
            ``"Raw"`` and each step's output, in order; the last one is the
            input of aggregation.
        details : dict of str to mapping
            What each step did.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala import (Aggregate, Framework, Impute, IndicatorSet,
        ...                      Methodology, Node, Normalise)
        >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
        >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b", "c"],
        ...                     values=[[1.0, np.nan], [2.0, 5.0], [3.0, 7.0]])
        >>> m = Methodology(id="demo", version="1",
        ...                 steps=[Impute(method="mean"), Normalise(), Aggregate()])
        >>> datasets, details = m.prepare(data)
        >>> list(datasets), details["impute"]["imputed"]
        (['Raw', 'Imputed', 'Normalised'], [('a', 'y')])
        >>> datasets["Normalised"].values.tolist()
        [[0.0, 50.0], [50.0, 0.0], [100.0, 100.0]]
        """
        datasets: dict[str, IndicatorSet] = {"Raw": data}
        details: dict[str, Mapping[str, Any]] = {}
        current = data
        steps = self.steps[:-1] if self.aggregate is not None else self.steps
        for step in steps:
            if isinstance(step, Screen):
                out = step.apply(current, raw=data)
            elif isinstance(step, Aggregate):  # only last, checked on construction
                raise MethodologyError("Methodology.run()", "steps", step.kind, "last")
            else:
                out = step.apply(current)
            current = out.data
            datasets[step.dataset] = current
            details[step.kind] = out.details
        return datasets, details

    def run_indicators(self, data: IndicatorSet) -> CompositeResult:
        """Apply the steps to indicator data and aggregate (see `run()`).

        Raises
        ------
        MethodologyError
            If the methodology has no aggregation step.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.score().tolist()
        [70.0, 75.0]
        """
        agg = self.aggregate
        if agg is None:
            raise MethodologyError(
                "Methodology.run()",
                "steps",
                [s.kind for s in self.steps],
                "a list that ends with an aggregate step",
            )
        datasets, details = self.prepare(data)
        current = list(datasets.values())[-1]
        agg_out = agg.apply(current.framework, current.values, current.unit_codes)
        return CompositeResult(
            methodology=self.ref,
            datasets=datasets,
            details=details,
            aggregation=agg_out,
            unit_codes=current.unit_codes,
            unit_names=current.unit_names,
        )


@attrs.frozen(kw_only=True, eq=False)
class CompositeResult:
    """Everything a methodology run produced.

    Attributes
    ----------
    methodology : MethodologyRef
        Id, version and hash of the methodology that produced the result.
    datasets : mapping of str to IndicatorSet
        ``"Raw"`` and the output of every data step, by data-set name.
    details : mapping of str to mapping
        What each step did (imputed values, removed units, treated points).
    unit_codes, unit_names : tuple of str
        The units scored (after screening).
    kampala_version, numpy_version : str
        Library versions that produced the result.

    Examples
    --------
    >>> from kampala import (Aggregate, Framework, IndicatorSet, Methodology, Node,
    ...                      Normalise)
    >>> fw = Framework(nodes=[Node(code="a", parent="P"),
    ...                       Node(code="b", parent="P", weight=3),
    ...                       Node(code="P", level=2, kind="aggregate")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2", "u3"],
    ...                     values=[[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
    >>> m = Methodology(id="demo", version="1", steps=[Normalise(), Aggregate()])
    >>> result = m.run(data)
    >>> result.top(2)
    [(1, 'u2', 'u2', 87.5), (2, 'u3', 'u3', 62.5)]
    >>> result.explain("u2")  # contributions to the root score, summing to 87.5
    {'a': 12.5, 'b': 75.0}
    """

    methodology: MethodologyRef
    datasets: Mapping[str, IndicatorSet]
    details: Mapping[str, Mapping[str, Any]]
    aggregation: AggregateOutput
    unit_codes: tuple[str, ...]
    unit_names: tuple[str, ...]
    kampala_version: str = __version__
    numpy_version: str = np.__version__

    # -- scores and ranks ------------------------------------------------------------
    @property
    def framework(self) -> Framework:
        """The framework with the weights actually used.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> m = Methodology(id="demo", version="1", steps=[Aggregate(weights="equal")])
        >>> m.run(data).framework.node("b").weight, fw.node("b").weight
        (1.0, 3.0)
        """
        return self.aggregation.framework

    @property
    def effective_weights(self) -> dict[str, float]:
        """Effective weight of every indicator at the root (equation (W2)).

        The product of the normalised weights on the path from the indicator
        to the root, with the weights this result used; they sum to 1.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.effective_weights
        {'a': 0.25, 'b': 0.75}
        """
        return dict(
            zip(
                self.framework.indicator_codes,
                self.framework.effective_weights().tolist(),
                strict=True,
            )
        )

    @property
    def aggregate_codes(self) -> tuple[str, ...]:
        """Codes of the aggregates, lowest level first.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.aggregate_codes
        ('P',)
        """
        return self.aggregation.codes

    @property
    def root(self) -> str:
        """Code of the root aggregate.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.root
        'P'
        """
        root = self.framework.root
        assert root is not None
        return root

    @property
    def scores(self) -> FloatArray:
        """All aggregate scores, shape (n_units, n_aggregates), read-only.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.scores
        array([[70.],
               [75.]])
        """
        return self.aggregation.scores

    def score(self, code: str | None = None) -> FloatArray:
        """Scores of one aggregate (default: the root) for every unit.

        Raises
        ------
        ParameterValueError
            If ``code`` is not an aggregate of the result.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.score("P").tolist()
        [70.0, 75.0]
        """
        code = self.root if code is None else code
        if code not in self.aggregate_codes:
            raise ParameterValueError(
                "CompositeResult.score()",
                "code",
                code,
                f"one of the aggregates {list(self.aggregate_codes)}",
            )
        col = self.scores[:, self.aggregate_codes.index(code)]
        return col

    def ranks(self, code: str | None = None) -> FloatArray:
        """Ranks of one aggregate (default: the root); 1 = best, ties share.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.ranks().tolist()
        [2.0, 1.0]
        """
        return rank_scores(self.score(code))

    def unit_index(self, unit: str) -> int:
        """Row of a unit code.

        Raises
        ------
        ParameterValueError
            If the unit is not in the result (unknown or screened out).

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> i = result.unit_index("u2")
        >>> i, float(result.score()[i])
        (1, 75.0)
        """
        try:
            return self.unit_codes.index(unit)
        except ValueError:
            removed = self.details.get("screen", {}).get("removed", [])
            hint = "It was screened out." if unit in removed else ""
            raise ParameterValueError(
                "CompositeResult", "unit", unit, "a unit code of the result", hint=hint
            ) from None

    def top(self, n: int = 10) -> list[tuple[int, str, str, float]]:
        """Return the ``n`` best units as (rank, code, name, root score), best first.

        Units without a root score (too little data under ``min_data`` or
        ``min_coverage``) come last, with rank -1 and a NaN score.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology, Normalise
        >>> from kampala.data import asem_paths
        >>> from kampala.io.coinr import read_coinr
        >>> m = Methodology(id="asem", version="1", steps=[Normalise(), Aggregate()])
        >>> m.run(read_coinr(*asem_paths())).top(3)
        [(1, 'DEU', 'Germany', 75.2278), (2, 'GBR', 'United Kingdom', 68.9363),
         (3, 'FRA', 'France', 65.9181)]
        """
        s = self.score()
        r = self.ranks()
        order = np.lexsort((np.arange(s.size), np.nan_to_num(r, nan=np.inf)))
        return [
            (
                int(r[i]) if not math.isnan(r[i]) else -1,
                self.unit_codes[i],
                self.unit_names[i],
                float(s[i]),
            )
            for i in order[:n]
        ]

    # -- explanation -------------------------------------------------------------------
    def contributions(self) -> FloatArray:
        """Contribution of every indicator to every unit's root score.

        Returns
        -------
        numpy.ndarray, shape (n_units, n_indicators)
            Each row sums to the unit's root score (missing indicators are
            NaN and contribute nothing). For arithmetic levels the split is
            exact (renormalised weight times value); other levels share their
            value among children in proportion to weight times value
            (equation (C1) of the aggregation page).

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.contributions()  # rows sum to the scores 70 and 75
        array([[10. , 60. ],
               [22.5, 52.5]])
        """
        fw = self.framework
        leaves = self.datasets[_last_dataset(self.datasets)].values
        aggs = self.scores
        n = leaves.shape[0]
        n_ind = len(fw.indicator_codes)
        col = {c: i for i, c in enumerate(fw.indicator_codes)}
        for j, c in enumerate(fw.aggregate_codes):
            col[c] = n_ind + j

        def value(code: str) -> FloatArray:
            i = col[code]
            return leaves[:, i] if i < n_ind else aggs[:, i - n_ind]

        contrib: dict[str, FloatArray] = {self.root: value(self.root).copy()}
        mult: dict[str, FloatArray] = {self.root: np.ones(n)}
        rules = self.aggregation.rules
        for parent in reversed(fw.aggregate_codes):
            kids = fw.children(parent)
            x = np.column_stack([value(k) for k in kids])
            present = ~np.isnan(x)
            w = np.array([fw.normalised_weight(k) for k in kids]) * present
            wsum = w.sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                wt = np.where(wsum > 0, w / wsum, 0.0)
            x0 = np.where(present, x, 0.0)
            rule = rules[fw.node(parent).level]
            if rule.method == "arithmetic":
                m = mult[parent][:, None] * wt
                part = m * x0
            else:
                a = (wt * x0).sum(axis=1, keepdims=True)
                with np.errstate(invalid="ignore", divide="ignore"):
                    share = np.where(a != 0, wt * x0 / np.where(a != 0, a, 1.0), wt)
                part = contrib[parent][:, None] * share
                with np.errstate(invalid="ignore", divide="ignore"):
                    m = np.where(x0 != 0, part / np.where(x0 != 0, x0, 1.0), 0.0)
            blank = np.isnan(value(parent))  # a missing aggregate passes nothing on
            for j, k in enumerate(kids):
                contrib[k] = np.where(present[:, j] & ~blank, part[:, j], np.nan)
                mult[k] = np.where(blank, 0.0, m[:, j])
        out = np.column_stack([contrib[code] for code in fw.indicator_codes])
        out.flags.writeable = False
        return out

    def explain(self, unit: str) -> dict[str, float]:
        """Contribution of each indicator to one unit's root score.

        The values (NaN for missing indicators) sum to the unit's root score.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.explain("u1")  # 0.25 * 40 and 0.75 * 80
        {'a': 10.0, 'b': 60.0}
        """
        row = self.contributions()[self.unit_index(unit)]
        return dict(zip(self.framework.indicator_codes, row.tolist(), strict=True))

    # -- tables ----------------------------------------------------------------
    def table(self) -> list[dict[str, Any]]:
        """One row per unit: ``uCode``, every aggregate score, root ``rank``.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.table()
        [{'uCode': 'u1', 'P': 70.0, 'rank': 2}, {'uCode': 'u2', 'P': 75.0, 'rank': 1}]
        """
        r = self.ranks()
        rows = []
        for i, code in enumerate(self.unit_codes):
            row: dict[str, Any] = {"uCode": code}
            for j, a in enumerate(self.aggregate_codes):
                row[a] = float(self.scores[i, j])
            row["rank"] = None if math.isnan(r[i]) else int(r[i])
            rows.append(row)
        return rows

    def to_pandas(self) -> Any:
        """Return `table()` as a pandas DataFrame indexed by unit code.

        Requires the optional ``pandas`` extra.

        Examples
        --------
        >>> from kampala import Aggregate, Framework, IndicatorSet, Methodology, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="a", parent="P"), Node(code="b", parent="P", weight=3),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
        ...                     values=[[40.0, 80.0], [90.0, 70.0]])
        >>> result = Methodology(id="demo", version="1", steps=[Aggregate()]).run(data)
        >>> result.to_pandas()
              uName     P  rank
        uCode
        u1       u1  70.0     2
        u2       u2  75.0     1
        """
        from kampala.io._pandas import require_pandas

        pd = require_pandas("CompositeResult.to_pandas()")
        df = pd.DataFrame(self.table()).set_index("uCode")
        df.insert(0, "uName", list(self.unit_names))
        df["rank"] = df["rank"].astype("Int64")
        df.attrs["methodology"] = str(self.methodology)
        return df

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{rank}</td><td>{html.escape(code)}</td>"
            f"<td>{html.escape(name)}</td><td>{score:.3f}</td></tr>"
            for rank, code, name, score in self.top(len(self.unit_codes))
        )
        return (
            f"<p><b>{html.escape(self.root)}</b> — methodology "
            f"{html.escape(str(self.methodology))}</p>"
            "<table><thead><tr><th>rank</th><th>code</th><th>name</th>"
            f"<th>score</th></tr></thead><tbody>{rows}</tbody></table>"
        )

    def __repr__(self) -> str:
        return (
            f"CompositeResult(methodology={self.methodology!s}, "
            f"units={len(self.unit_codes)}, aggregates={len(self.aggregate_codes)})"
        )


def _last_dataset(datasets: Mapping[str, IndicatorSet]) -> str:
    return list(datasets)[-1]


def steps_in_canonical_order(steps: Sequence[AnyStep]) -> list[AnyStep]:
    """Sort steps into `CANONICAL_ORDER`.

    Examples
    --------
    >>> from kampala import Aggregate, Impute, Normalise
    >>> from kampala.scoring import steps_in_canonical_order
    >>> given = [Aggregate(), Normalise(), Impute(method="mean")]
    >>> [step.kind for step in steps_in_canonical_order(given)]
    ['impute', 'normalise', 'aggregate']
    """
    return sorted(steps, key=lambda s: CANONICAL_ORDER.index(s.kind))
