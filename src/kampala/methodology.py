"""Methodologies: an ordered, versioned, hashable list of composite steps.

A `Methodology` has an ``id``, a ``version`` and a content hash: the
SHA-256 of its canonical JSON (keys sorted, no insignificant white space,
UTF-8). Two methodologies that mean the same thing have the same hash, and a
methodology read back from JSON is equal to the one written.

Running a methodology on an `IndicatorSet` gives a `CompositeResult`; a
scorecard methodology (one with principle scorers, such as KPS-1, see
`kps1()`) runs on a `Portfolio` through `kampala.scoring` and gives a
`Scorecard`. `Methodology.to_markdown()` is the citable description
(`kampala.describe`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, overload

import attrs

from kampala._internal.json_input import load_json
from kampala.canonical import canonical_json
from kampala.composite.aggregate import Aggregate
from kampala.composite.screen import Screen
from kampala.composite_result import CompositeResult, MethodologyRef
from kampala.describe import to_markdown
from kampala.errors import KampalaError, MethodologyError, ParameterTypeError
from kampala.indicators import IndicatorSet
from kampala.kps import kps1_definition
from kampala.portfolio import Portfolio
from kampala.principles import ScorerRegistry
from kampala.scorecard import Scorecard
from kampala.scoring import ScorerSpec, score_portfolio
from kampala.steps import STEP_TYPES, AnyStep, step_from_dict

__all__ = ["Methodology", "kps1"]

_FORMAT = "kampala.methodology/1"
#: The keys of a methodology document.
_KEYS = (
    "format",
    "id",
    "version",
    "title",
    "description",
    "steps",
    "scorers",
    "references",
    "sha256",
)


def _step_tuple(steps: Iterable[AnyStep]) -> tuple[AnyStep, ...]:
    return tuple(steps)


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
            kind: str = getattr(step, "kind", "")
            if kind not in STEP_TYPES or not isinstance(step, STEP_TYPES[kind]):
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

        Built from `kampala.kps.kps1_definition`; the same as `kps1()`.

        Examples
        --------
        >>> from kampala import Methodology
        >>> m = Methodology.default()
        >>> m.id, m.version, [spec.principle for spec in m.scorers]
        ('KPS', '1', [1, 2, 3, 4, 5])
        """
        return cls(**kps1_definition())

    def to_markdown(self, *, lang: str = "en") -> str:
        """Return the citable description in Markdown (``"en"`` or ``"es"``).

        See `kampala.describe.to_markdown`.

        Examples
        --------
        >>> from kampala import Methodology
        >>> m = Methodology.default()
        >>> m.to_markdown().splitlines()[0]
        '# Methodology: Kampala Partnership Scorecard, KPS-1'
        >>> m.to_markdown(lang="es").splitlines()[0]
        '# Metodología: Kampala Partnership Scorecard, KPS-1'
        """
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
            If the mapping is malformed, has a key that is not a methodology's
            (listing the valid keys), or its ``sha256`` does not match its
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
        unknown = [k for k in d if k not in _KEYS]
        if unknown:
            raise MethodologyError(
                where,
                str(unknown[0]),
                expected="a key of a methodology",
                hint=f"Valid keys: {', '.join(_KEYS)}.",
            )
        fmt = d.get("format", _FORMAT)
        if fmt != _FORMAT:
            raise MethodologyError(where, "format", fmt, repr(_FORMAT))
        for key in ("id", "version", "steps"):
            if key not in d:
                raise MethodologyError(where, key, expected="present")
        for key, items in (
            ("steps", "steps"),
            ("scorers", "scorer objects"),
            ("references", "strings"),
        ):
            if key in d and not isinstance(d[key], list):
                raise MethodologyError(where, key, d[key], f"a list of {items}")
        for key in ("id", "version", "title", "description"):
            if key in d and not isinstance(d[key], str):
                raise MethodologyError(where, key, d[key], "a string")
        for i, ref in enumerate(d.get("references", [])):
            if not isinstance(ref, str):
                raise MethodologyError(where, f"references[{i}]", ref, "a string")
        for i, x in enumerate(d.get("scorers", [])):
            p = x.get("principle") if isinstance(x, Mapping) else None
            if isinstance(x, Mapping) and (
                isinstance(p, bool) or p not in (1, 2, 3, 4, 5)
            ):
                raise MethodologyError(
                    f"{where} scorers[{i}]",
                    "principle",
                    p,
                    "a principle number from 1 to 5",
                )
        try:
            m = cls(
                id=d["id"],
                version=d["version"],
                steps=[step_from_dict(s, where=where) for s in d["steps"]],
                title=d.get("title", ""),
                description=d.get("description", ""),
                scorers=[
                    ScorerSpec.from_dict(x, where=where) for x in d.get("scorers", [])
                ],
                references=d.get("references", []),
            )
        except KampalaError:
            raise
        except (TypeError, ValueError, AttributeError) as exc:
            raise MethodologyError(
                where, "methodology", expected="a valid methodology", hint=str(exc)
            ) from exc
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
            If the text is not valid JSON (a key repeated in an object, too
            deep a nesting or too long an integer included) or not a valid
            methodology (an unknown top-level key included).
        ParameterTypeError
            If ``text`` is not a string.

        Examples
        --------
        The hash is optional and omitted fields take their defaults:

        >>> from kampala import Methodology
        >>> text = '{"id": "demo", "version": "1", "steps": [{"step": "aggregate"}]}'
        >>> m = Methodology.from_json(text)
        >>> m.aggregate.method, m.title
        ('arithmetic', '')
        """
        where = "Methodology.from_json()"
        if not isinstance(text, str | bytes | bytearray):
            raise ParameterTypeError(
                where, "text", type(text).__name__, "a str of JSON text"
            )
        if not isinstance(text, str):
            try:
                text = bytes(text).decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise MethodologyError(
                    where, "encoding", f"byte {exc.start}", "UTF-8 text"
                ) from exc
        try:
            d = load_json(text, where, MethodologyError)
        except MethodologyError as exc:
            cause = exc.__cause__
            if isinstance(cause, json.JSONDecodeError):
                raise MethodologyError(
                    where,
                    "text",
                    f"line {cause.lineno} column {cause.colno}",
                    "valid JSON",
                    hint=cause.msg,
                ) from cause
            raise
        return cls.from_dict(d)

    # -- running ----------------------------------------------------------------------
    @overload
    def run(self, data: IndicatorSet) -> CompositeResult: ...

    @overload
    def run(
        self, data: Portfolio, *, registry: ScorerRegistry | None = None
    ) -> Scorecard: ...

    def run(
        self,
        data: IndicatorSet | Portfolio,
        *,
        registry: ScorerRegistry | None = None,
    ) -> CompositeResult | Scorecard:
        """Apply the methodology.

        Parameters
        ----------
        data : IndicatorSet or Portfolio
            Indicator data with its framework (for a methodology without
            scorers), or a portfolio of partnerships (for a scorecard
            methodology such as KPS-1).
        registry : ScorerRegistry, default=None
            Where to find the scorers (for a portfolio);
            `default_registry` if None.

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
            If the methodology has no aggregation step: indicator data needs
            one to become a composite score.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology
        >>> from kampala.data import example_weighted_indicators
        >>> data = example_weighted_indicators()
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


def kps1() -> Methodology:
    """Return KPS-1, the default Kampala scorecard methodology.

    The five default scorers (one per principle) with their default
    parameters and criterion weights; equal principle weights; the weighted
    arithmetic mean at both levels; missing evidence is skipped and the
    weights of the criteria with evidence renormalised, and a principle (or
    the overall score) whose share of weight with evidence is below 0.5 is
    missing and flagged as insufficient evidence (`kampala.kps`).

    Examples
    --------
    >>> from kampala.methodology import kps1
    >>> m = kps1()
    >>> m.id, m.version, [s.id for s in m.scorers][:2]
    ('KPS', '1', ['kps.ownership', 'kps.results'])
    >>> m == Methodology.default()
    True
    """
    return Methodology.default()
