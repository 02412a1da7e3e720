r"""Uncertainty specifications: which choices of a methodology may vary, and how.

An `UncertaintySpec` is a list of factors. Each factor points at a part
of a `Methodology` and turns uniform numbers in
$[0, 1)$ into a value for that part:

- `WeightNoise`: each weight of the nodes at the given levels is multiplied
  by a factor uniform in $[1 - s, 1 + s]$ (weights are relative to their
  siblings, so they are renormalised by the aggregation) — one input
  dimension per weight;
- `DirichletWeights`: the weights of each group of siblings at a level are
  drawn from a Dirichlet distribution centred on the nominal weights, with
  concentration $c$ ($\alpha_i = c\,w_i$ for normalised nominal $w_i$);
- `StepChoice`: a discrete choice among alternative configurations of one
  step (normalisation, aggregation, imputation, treatment, screening) — or
  its absence (``None``);
- `SettingChoice`: a discrete choice among values of one setting of a step
  (the aggregation method, the coverage threshold, the number of winsorised
  points), the step's other settings kept; several settings of one step may
  vary together;
- `Exclusion`: leave out one indicator, criterion or principle at a time
  (option 0 keeps them all);
- `ScorerParameter`: a discrete choice among values of one scorer parameter.

`UncertaintySpec.validate` checks every factor against a methodology and its
framework: a factor that names a step, level, node, scorer or parameter the
methodology does not have, or that offers a value the step or scorer rejects,
is an error that says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from kampala.composite.aggregate import Aggregate, LevelRule
from kampala.composite.impute import Impute
from kampala.errors import (
    MethodologyError,
    ParameterTypeError,
    ParameterValueError,
    RegistrationError,
)
from kampala.framework import Framework
from kampala.methodology import Methodology
from kampala.principles import default_registry
from kampala.scoring import ScorerSpec, methodology_framework, resolve_scorer
from kampala.sensitivity._factors import (
    DirichletWeights,
    EvidenceChoice,
    Exclusion,
    FactorBase,
    FactorContext,
    ValueChoice,
    WeightNoise,
    weighted_nodes,
)
from kampala.steps import STEP_TYPES as _STEP_TYPES

if TYPE_CHECKING:
    from kampala.principles import Scorer, ScorerRegistry

__all__ = [
    "DirichletWeights",
    "EvidenceChoice",
    "Exclusion",
    "Factor",
    "ScorerParameter",
    "SettingChoice",
    "StepChoice",
    "UncertaintySpec",
    "WeightNoise",
    "aggregation_choice",
    "coverage_choice",
    "missing_evidence_choice",
    "weighted_nodes",
]


def _check_step_kind(where: str, step: str) -> None:
    """Refuse a step kind the methodology format does not know."""
    if step not in _STEP_TYPES:
        raise ParameterValueError(
            where, "step", step, f"one of {', '.join(repr(k) for k in _STEP_TYPES)}"
        )


def _alternatives(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class StepChoice(FactorBase):
    """A discrete choice among alternative configurations of one step.

    Parameters
    ----------
    step : {"denominate", "impute", "screen", "treat", "normalise", "aggregate"}
        The kind of step.
    alternatives : sequence of step objects or None
        The configurations to choose from; ``None`` means "without this
        step". Each is equally likely.
    name : str, default=""
        Label in results; default the step kind.

    Examples
    --------
    >>> from kampala.composite import Normalise
    >>> from kampala.sensitivity import StepChoice
    >>> choice = StepChoice(step="normalise", alternatives=[
    ...     Normalise(method="min-max"), Normalise(method="z-score"), None])
    >>> choice.name, [choice.label(i) for i in range(choice.options)]
    ('normalise', ['min-max:0.0,100.0', 'z-score:0.0,1.0', 'none'])
    """

    step: str
    alternatives: tuple[Any, ...] = attrs.field(converter=_alternatives)
    name: str = ""

    def __attrs_post_init__(self) -> None:
        _check_step_kind("StepChoice()", self.step)
        if len(self.alternatives) < 2:
            raise ParameterValueError(
                "StepChoice()",
                "alternatives",
                len(self.alternatives),
                "at least two alternatives",
            )
        cls = _STEP_TYPES[self.step]
        for alt in self.alternatives:
            if alt is not None and not isinstance(alt, cls):
                raise ParameterTypeError(
                    "StepChoice()",
                    "alternatives",
                    alt,
                    f"{cls.__name__} objects or None for step {self.step!r}",
                )
        if self.step == "aggregate" and None in self.alternatives:
            raise ParameterValueError(
                "StepChoice()",
                "alternatives",
                None,
                "aggregate steps (aggregation cannot be dropped)",
            )
        if not self.name:
            object.__setattr__(self, "name", self.step)

    @property
    def options(self) -> int:
        """Number of alternatives.

        Examples
        --------
        >>> from kampala.composite import Normalise
        >>> from kampala.sensitivity import StepChoice
        >>> StepChoice(step="normalise", alternatives=[
        ...     Normalise(method="min-max"), None]).options
        2
        """
        return len(self.alternatives)

    def label(self, index: int) -> str:
        """Return a short description of alternative ``index``.

        The method and its parameter values, plus ``" cov>=<threshold>"``
        for an aggregation with a coverage threshold; ``"none"`` for the
        step's absence.

        Examples
        --------
        >>> from kampala.composite import Aggregate, Normalise
        >>> from kampala.sensitivity import StepChoice
        >>> StepChoice(step="normalise", alternatives=[
        ...     Normalise(method="z-score"), None]).label(0)
        'z-score:0.0,1.0'
        >>> StepChoice(step="aggregate", alternatives=[
        ...     Aggregate(method="arithmetic", min_coverage=0.5),
        ...     Aggregate(method="geometric")]).label(0)
        'arithmetic cov>=0.5'
        """
        alt = self.alternatives[index]
        if alt is None:
            return "none"
        params = ",".join(str(v) for v in getattr(alt, "params", {}).values())
        extra = ""
        if isinstance(alt, Aggregate) and alt.min_coverage:
            extra = f" cov>={alt.min_coverage:g}"
        return f"{alt.method}{':' + params if params else ''}{extra}"

    def check(self, context: FactorContext) -> None:
        """Check that the step exists (or may be dropped) and keeps the weights.

        Raises
        ------
        ParameterValueError
            If the methodology lacks the step and ``None`` is not an
            alternative, or an aggregation alternative changes the weights.

        Examples
        --------
        >>> from kampala.composite import Treat
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import StepChoice, UncertaintySpec
        >>> f = StepChoice(step="treat", alternatives=[Treat(), Treat(method="none")])
        >>> UncertaintySpec(factors=[f]).validate(kps1())
        Traceback (most recent call last):
            ...
        kampala.errors.ParameterValueError: factor 'treat': 'step' must be a step of
        methodology 'KPS' (aggregate) (got 'treat'). Add None to the alternatives to
        switch a step on and off.
        """
        methodology = context.methodology
        nominal_agg = methodology.aggregate
        if self.step == "aggregate" and nominal_agg is not None:
            for alt in self.alternatives:
                if alt.weights != nominal_agg.weights:
                    raise ParameterValueError(
                        self.where,
                        "alternatives",
                        alt.weights,
                        f"the methodology's weights ({nominal_agg.weights!r})",
                        hint="Vary weights with WeightNoise or DirichletWeights.",
                    )
        if self.step not in {s.kind for s in methodology.steps} and (
            None not in self.alternatives
        ):
            raise ParameterValueError(
                self.where,
                "step",
                self.step,
                f"a step of methodology {methodology.id!r} "
                f"({', '.join(s.kind for s in methodology.steps)})",
                hint="Add None to the alternatives to switch a step on and off.",
            )

    def drops_step(self, kind: str) -> bool:
        """Return whether an option removes the ``kind`` step (``None`` offered).

        Examples
        --------
        >>> from kampala.sensitivity import missing_evidence_choice
        >>> missing_evidence_choice().drops_step("impute")
        True
        """
        return self.step == kind and None in self.alternatives


@attrs.frozen(kw_only=True)
class SettingChoice(ValueChoice):
    """A discrete choice among values of one setting of a step.

    Parameters
    ----------
    step : str
        The kind of step, which the methodology must have.
    setting : str
        A field of the step (``"method"``, ``"min_coverage"``, ``"min_data"``),
        one of its parameters as ``"params.<name>"`` (``"params.points"``), or,
        for aggregation, the method of one level as ``"method@<level>"``.
        Changing an aggregation ``"method"`` drops method parameters and
        per-level rules.
    values : sequence
        Values to choose from, equally likely.
    name : str, default=""
        Label; default ``"<step>.<setting>"``.

    Examples
    --------
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import SettingChoice
    >>> choice = SettingChoice(step="aggregate", setting="min_coverage",
    ...                        values=[0.4, 0.5, 0.6])
    >>> choice.name, choice.options
    ('aggregate.min_coverage', 3)
    >>> step = choice.apply(kps1().aggregate, 2)  # other settings kept
    >>> step.method, step.min_coverage
    ('arithmetic', 0.6)
    """

    step: str
    setting: str
    values: tuple[Any, ...] = attrs.field(converter=_alternatives)
    name: str = ""

    def __attrs_post_init__(self) -> None:
        _check_step_kind("SettingChoice()", self.step)
        self._check_values("SettingChoice()")
        if not self.name:
            object.__setattr__(self, "name", f"{self.step}.{self.setting}")

    def apply(self, step: Any, index: int) -> Any:
        """Return ``step`` with this setting at value ``index``.

        Raises
        ------
        ParameterValueError
            If the value is not valid for the step: the step's own check
            decides, with the same message as when it is built by hand.

        Examples
        --------
        Changing the aggregation method drops method parameters and
        per-level rules and keeps the coverage threshold; the step's own
        checks reject a value it does not accept:

        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import SettingChoice
        >>> nominal = kps1().aggregate
        >>> choice = SettingChoice(step="aggregate", setting="method",
        ...                        values=["arithmetic", "geometric"])
        >>> step = choice.apply(nominal, 1)
        >>> step.method, step.min_coverage, nominal.method
        ('geometric', 0.5, 'arithmetic')
        >>> SettingChoice(step="aggregate", setting="min_coverage",
        ...               values=[0.5, 1.5]).apply(nominal, 1)
        Traceback (most recent call last):
            ...
        kampala.errors.ParameterValueError: Aggregate(): 'min_coverage' must be
        between 0 and 1 (got 1.5).
        """
        value = self.values[index]
        if self.setting.startswith("method@") and isinstance(step, Aggregate):
            level = int(self.setting.split("@", 1)[1])
            rules = {**step.levels, level: LevelRule(method=value)}
            return attrs.evolve(step, levels=rules)
        if self.setting.startswith("params."):
            key = self.setting.split(".", 1)[1]
            return attrs.evolve(step, params={**step.params, key: value})
        if self.setting == "method" and isinstance(step, Aggregate):
            return attrs.evolve(step, method=value, params={}, levels={})
        if self.setting == "method":
            return attrs.evolve(step, method=value, params={})
        return attrs.evolve(step, **{self.setting: value})

    def check(self, context: FactorContext) -> None:
        """Check the step and setting exist and that every value applies.

        Raises
        ------
        ParameterValueError
            If the step is missing or may be dropped by another factor, the
            setting is not one of the step's, or the step rejects a value.

        Examples
        --------
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import UncertaintySpec, coverage_choice
        >>> UncertaintySpec(factors=[coverage_choice([0.5, 0.75])]).validate(kps1())
        """
        where, methodology = self.where, context.methodology
        if self.step == "aggregate" and self.setting == "weights":
            raise ParameterValueError(
                where,
                "setting",
                self.setting,
                "a setting other than the weights",
                hint="Vary weights with WeightNoise or DirichletWeights.",
            )
        droppable = [g.name for g in context.spec.factors if g.drops_step(self.step)]
        if droppable:
            raise ParameterValueError(
                where,
                "step",
                self.step,
                "a step that no other factor can drop",
                hint=f"Factor {droppable[0]!r} may remove the {self.step} step.",
            )
        step = next((x for x in methodology.steps if x.kind == self.step), None)
        if step is None:
            raise ParameterValueError(
                where,
                "step",
                self.step,
                f"a step of methodology {methodology.id!r} "
                f"({', '.join(x.kind for x in methodology.steps)})",
            )
        self._check_setting(where, step, context.framework)
        for i in range(self.options):
            try:
                self.apply(step, i)
            except (ValueError, TypeError) as exc:
                raise ParameterValueError(
                    where,
                    "values",
                    self.values[i],
                    f"valid values of {self.step} {self.setting}",
                    hint=str(exc),
                ) from exc

    def _check_setting(self, where: str, step: Any, framework: Framework) -> None:
        if self.setting.startswith("params."):
            ok = self.setting.split(".", 1)[1] in step.params
        elif self.setting.startswith("method@") and self.step == "aggregate":
            level_text = self.setting.split("@", 1)[1]
            ok = level_text.isdigit() and int(level_text) in framework.levels
        else:
            ok = self.setting in attrs.fields_dict(type(step))
        if not ok:
            fields = [a for a in attrs.fields_dict(type(step)) if a != "params"]
            raise ParameterValueError(
                where,
                "setting",
                self.setting,
                f"a setting of the {self.step} step ("
                + ", ".join([*fields, *(f"params.{k}" for k in step.params)])
                + ")",
            )


@attrs.frozen(kw_only=True)
class ScorerParameter(ValueChoice):
    """A discrete choice among values of one scorer parameter.

    Parameters
    ----------
    principle : int
        Principle number (1 to 5) of the scorer.
    param : str
        Parameter name (a field of the scorer, e.g. ``"diversity_target"``).
    values : sequence
        Values to choose from, equally likely.
    name : str, default=""
        Label; default ``"P<principle>.<param>"``.

    Examples
    --------
    The diversity target of the P3 scorer (5 in KPS-1) set to 3, 4 or 5:

    >>> from kampala.methodology import kps1
    >>> from kampala.scoring import methodology_framework
    >>> from kampala.sensitivity import ScorerParameter, UncertaintySpec
    >>> factor = ScorerParameter(principle=3, param="diversity_target",
    ...                          values=[3, 4, 5])
    >>> factor.name, [factor.label(i) for i in range(factor.options)]
    ('P3.diversity_target', ['3', '4', '5'])
    >>> kps = kps1()
    >>> UncertaintySpec(factors=[factor]).validate(kps, methodology_framework(kps))

    Every value must be one the scorer accepts; validation builds the scorer
    with each value, so the scorer's own rules apply:

    >>> UncertaintySpec(factors=[ScorerParameter(
    ...     principle=3, param="diversity_target", values=[1, 5])]).validate(
    ...     kps, methodology_framework(kps))
    Traceback (most recent call last):
        ...
    kampala.errors.ParameterValueError: factor 'P3.diversity_target': 'values'
    must be valid values of parameter 'diversity_target' of scorer
    'kps.inclusive-partnership' (got 1). InclusivePartnershipScorer():
    'diversity_target' must be an integer >= 2 (got 1).
    """

    principle: int
    param: str
    values: tuple[Any, ...] = attrs.field(converter=_alternatives)
    name: str = ""

    def __attrs_post_init__(self) -> None:
        self._check_values("ScorerParameter()")
        if not self.name:
            object.__setattr__(self, "name", f"P{self.principle}.{self.param}")

    def check(self, context: FactorContext) -> None:
        """Check the parameter and every value against the scorer itself.

        Raises
        ------
        ParameterValueError
            If the methodology has no scorer for the principle, the scorer
            has no such parameter or rejects a value.

        Examples
        --------
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import ScorerParameter, UncertaintySpec
        >>> f = ScorerParameter(principle=1, param="nope", values=[1, 2])
        >>> UncertaintySpec(factors=[f]).validate(kps1())
        Traceback (most recent call last):
            ...
        kampala.errors.ParameterValueError: factor 'P1.nope': 'param' must be a
        parameter of scorer 'kps.ownership' (none) (got 'nope').
        """
        _check_scorer_parameter(self, self.where, context.methodology, context.registry)


Factor = (
    WeightNoise
    | DirichletWeights
    | StepChoice
    | SettingChoice
    | Exclusion
    | ScorerParameter
    | EvidenceChoice
)
DiscreteFactor = (
    StepChoice | SettingChoice | Exclusion | ScorerParameter | EvidenceChoice
)
WeightFactor = WeightNoise | DirichletWeights


def _factors(value: Iterable[Factor]) -> tuple[Factor, ...]:
    out = tuple(value)
    for f in out:
        if not isinstance(f, FactorBase):
            raise ParameterTypeError(
                "UncertaintySpec()",
                "factors",
                f,
                "WeightNoise, DirichletWeights, StepChoice, SettingChoice, "
                "Exclusion or ScorerParameter objects",
            )
    return out


@attrs.frozen(kw_only=True)
class UncertaintySpec:
    """The factors of an uncertainty or sensitivity analysis.

    Parameters
    ----------
    factors : sequence of factor
        At least one; names must be unique; at most one weight factor per
        level.

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.scoring import methodology_framework
    >>> spec = UncertaintySpec(factors=[
    ...     WeightNoise(levels=2, spread=0.25),
    ...     aggregation_choice(["arithmetic", "geometric"]),
    ... ])
    >>> kps = Methodology.default()
    >>> spec.validate(kps, methodology_framework(kps))
    >>> [f.name for f in spec.factors]
    ['weights@2', 'aggregation']
    """

    factors: tuple[Factor, ...] = attrs.field(converter=_factors)

    def __attrs_post_init__(self) -> None:
        if not self.factors:
            raise ParameterValueError(
                "UncertaintySpec()", "factors", (), "at least one factor"
            )
        names = [f.name for f in self.factors]
        if len(set(names)) != len(names):
            dup = next(n for n in names if names.count(n) > 1)
            raise ParameterValueError(
                "UncertaintySpec()", "factors", dup, "unique factor names"
            )
        levels = [level for f in self.factors for level in f.weight_levels]
        if len(set(levels)) != len(levels):
            dup_level = next(v for v in levels if levels.count(v) > 1)
            raise ParameterValueError(
                "UncertaintySpec()",
                "factors",
                dup_level,
                "at most one weight factor per level",
            )

    @property
    def names(self) -> tuple[str, ...]:
        """Factor names, in order.

        Examples
        --------
        >>> from kampala.sensitivity import (UncertaintySpec, WeightNoise,
        ...                                  missing_evidence_choice)
        >>> UncertaintySpec(factors=[WeightNoise(levels=2),
        ...                          missing_evidence_choice()]).names
        ('weights@2', 'missing')
        """
        return tuple(f.name for f in self.factors)

    def dims(self, framework: Framework) -> tuple[int, ...]:
        """Return the number of uniform input dimensions of each factor.

        One per weight that a weight factor varies; one for each discrete
        factor.

        Examples
        --------
        KPS-1 has 29 criteria (level 1) under 5 principles (level 2):

        >>> from kampala.methodology import kps1
        >>> from kampala.scoring import methodology_framework
        >>> from kampala.sensitivity import (DirichletWeights, UncertaintySpec,
        ...                                  WeightNoise, missing_evidence_choice)
        >>> spec = UncertaintySpec(factors=[
        ...     WeightNoise(levels=2),
        ...     DirichletWeights(level=1, concentration=20),
        ...     missing_evidence_choice(),
        ... ])
        >>> spec.dims(methodology_framework(kps1()))
        (5, 29, 1)
        """
        return tuple(1 if f.discrete else len(f.nodes(framework)) for f in self.factors)

    def validate(
        self,
        methodology: Methodology,
        framework: Framework | None = None,
        *,
        registry: ScorerRegistry | None = None,
    ) -> None:
        """Check every factor against a methodology and its framework.

        Each value of a `SettingChoice` is applied to the methodology's step,
        and each value of a `ScorerParameter` builds the methodology's scorer
        with that value, so a value the step or scorer rejects is reported
        here, before any sampling, rather than in the middle of an analysis.

        Parameters
        ----------
        methodology : Methodology
            The nominal methodology.
        framework : Framework, default=None
            Its framework; default the scorecard framework of its scorers
            (`methodology_framework`), for a scorecard methodology.
        registry : ScorerRegistry, default=None
            Where to find the scorers whose parameters vary; the default
            registry if None. A scorer the registry does not have (or has in
            another version) is not built here: its parameter names are
            checked against the methodology only, and its values when the
            analysis resolves it.

        Raises
        ------
        ParameterValueError
            Naming the factor and the step, level, node, scorer or parameter
            that the methodology does not have, or the first value of a
            factor that its step or scorer rejects (the hint gives the
            step's or scorer's own message).
        PluginLoadError
            If the registry's plug-ins fail to load.

        Examples
        --------
        A valid spec returns None; a level without weights or a value the
        step rejects is reported before any sampling:

        >>> from kampala.methodology import kps1
        >>> from kampala.scoring import methodology_framework
        >>> from kampala.sensitivity import (UncertaintySpec, WeightNoise,
        ...                                  coverage_choice)
        >>> kps = kps1()
        >>> fw = methodology_framework(kps)
        >>> UncertaintySpec(factors=[WeightNoise(levels=2)]).validate(kps, fw)
        >>> UncertaintySpec(factors=[WeightNoise(levels=3)]).validate(kps, fw)
        Traceback (most recent call last):
            ...
        kampala.errors.ParameterValueError: factor 'weights@3': 'level' must be a
        level with weighted nodes [1, 2] (got 3).
        >>> UncertaintySpec(factors=[coverage_choice([0.5, 1.5])]).validate(kps, fw)
        Traceback (most recent call last):
            ...
        kampala.errors.ParameterValueError: factor 'coverage': 'values' must be
        valid values of aggregate min_coverage (got 1.5). Aggregate():
        'min_coverage' must be between 0 and 1 (got 1.5).
        """
        if framework is None:
            framework = methodology_framework(methodology, registry=registry)
        for f in self.factors:
            f.validate(methodology, framework, spec=self, registry=registry)


def _check_scorer_parameter(
    f: ScorerParameter,
    where: str,
    methodology: Methodology,
    registry: ScorerRegistry | None,
) -> None:
    """Check a scorer parameter's name and values against the scorer itself.

    The values are checked by building the scorer exactly as an analysis
    does (`kampala.scoring.resolve_scorer`), so the scorer's own validation
    applies and no rule is repeated here.
    """
    specs = {s.principle: s for s in methodology.scorers}
    if f.principle not in specs:
        raise ParameterValueError(
            where,
            "principle",
            f.principle,
            f"a principle with a scorer in {methodology.id!r} ({sorted(specs)})",
        )
    spec = specs[f.principle]
    reg = default_registry if registry is None else registry
    nominal: Scorer | None
    try:
        nominal = resolve_scorer(spec, reg)
    except (RegistrationError, MethodologyError):
        # the methodology does not run with this registry at all; that is
        # reported where its scorers are resolved, not as a factor's fault
        nominal = None
    params = set(spec.params)
    if nominal is not None:
        params.update(nominal.params())
    if f.param not in params:
        raise ParameterValueError(
            where,
            "param",
            f.param,
            f"a parameter of scorer {spec.id!r} "
            f"({', '.join(sorted(params)) or 'none'})",
        )
    if nominal is None:
        return
    expected = f"valid values of parameter {f.param!r} of scorer {spec.id!r}"
    for value in f.values:
        try:
            variant = ScorerSpec(
                principle=spec.principle,
                id=spec.id,
                version=spec.version,
                params={**spec.params, f.param: value},
            )
        except MethodologyError as exc:  # not JSON-serialisable
            raise ParameterValueError(
                where, "values", value, expected, hint=str(exc)
            ) from exc
        try:
            resolve_scorer(variant, reg)
        except MethodologyError as exc:
            # resolve_scorer wraps the scorer's own error; show that one
            cause = exc.__cause__ if exc.__cause__ is not None else exc
            raise ParameterValueError(
                where, "values", value, expected, hint=str(cause)
            ) from cause


def aggregation_choice(
    methods: Sequence[str], *, level: int | None = None, name: str = "aggregation"
) -> SettingChoice:
    """Choose the aggregation method among ``methods``.

    At every level, or only at ``level`` (for example 3, the overall score
    of a Kampala scorecard, from its principles).

    Examples
    --------
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import aggregation_choice
    >>> choice = aggregation_choice(["arithmetic", "geometric"], level=3)
    >>> choice.setting, choice.values
    ('method@3', ('arithmetic', 'geometric'))
    >>> choice.apply(kps1().aggregate, 1).levels[3].method
    'geometric'
    """
    setting = "method" if level is None else f"method@{level}"
    return SettingChoice(step="aggregate", setting=setting, values=methods, name=name)


def coverage_choice(
    thresholds: Sequence[float], *, name: str = "coverage"
) -> SettingChoice:
    """Choose the coverage threshold of the aggregation among ``thresholds``.

    Examples
    --------
    >>> from kampala.sensitivity import coverage_choice
    >>> choice = coverage_choice([0.4, 0.5, 0.6])
    >>> choice.name, choice.setting, choice.values
    ('coverage', 'min_coverage', (0.4, 0.5, 0.6))
    """
    return SettingChoice(
        step="aggregate",
        setting="min_coverage",
        values=[float(t) for t in thresholds],
        name=name,
    )


def missing_evidence_choice(*, name: str = "missing") -> StepChoice:
    """Missing evidence skipped (weights renormalised) or counted as 0.

    Examples
    --------
    >>> from kampala.sensitivity import missing_evidence_choice
    >>> choice = missing_evidence_choice()
    >>> choice.step, [choice.label(i) for i in range(choice.options)]
    ('impute', ['none', 'constant:0.0'])
    """
    return StepChoice(
        step="impute",
        alternatives=[None, Impute(method="constant", params={"value": 0.0})],
        name=name,
    )
