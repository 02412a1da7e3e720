"""Uncertainty specifications: factor validation, dimensions, weights, labels."""

from __future__ import annotations

import re
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from kampala import Framework, Methodology, Node
from kampala.composite import (
    Aggregate,
    Denominate,
    Impute,
    Normalise,
    Screen,
    Treat,
)
from kampala.data import sample_portfolio
from kampala.errors import (
    KampalaError,
    MethodologyError,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.principles import (
    DEFAULT_SCORERS,
    InclusivePartnershipScorer,
    ScorerRegistry,
)
from kampala.scoring import ScorerSpec, methodology_framework
from kampala.sensitivity import (
    DirichletWeights,
    Exclusion,
    ScorerParameter,
    SettingChoice,
    StepChoice,
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    coverage_choice,
    missing_evidence_choice,
    sensitivity_analysis,
    uncertainty_analysis,
)
from kampala.sensitivity.spec import weighted_nodes


# ---------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kps() -> Methodology:
    return Methodology.default()


@pytest.fixture(scope="module")
def kps_fw(kps: Methodology) -> Framework:
    return methodology_framework(kps)


def small_framework() -> Framework:
    """Indicators a1, a2 -> A; b1, b2, b3 -> B; A, B -> R."""
    return Framework(
        nodes=[
            Node(code="a1", parent="A", weight=1.0),
            Node(code="a2", parent="A", weight=3.0),
            Node(code="b1", parent="B", weight=1.0),
            Node(code="b2", parent="B", weight=1.0),
            Node(code="b3", parent="B", weight=2.0),
            Node(code="A", level=2, kind="aggregate", parent="R", weight=1.0),
            Node(code="B", level=2, kind="aggregate", parent="R", weight=2.0),
            Node(code="R", level=3, kind="aggregate"),
        ]
    )


def indicator_methodology() -> Methodology:
    return Methodology(
        id="IND",
        version="1",
        steps=[
            Denominate(),
            Impute(method="group-mean", params={"group": "g"}),
            Treat(params={"points": 5}),
            Normalise(method="min-max", params={"lower": 1, "upper": 100}),
            Aggregate(method="arithmetic"),
        ],
    )


def validate(factor: object, methodology: Methodology, fw: Framework) -> None:
    UncertaintySpec(factors=[factor]).validate(methodology, fw)


# ---------------------------------------------------------------------------
# construction errors of each factor
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("spread", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_weight_noise_spread_out_of_range(spread: float) -> None:
    with pytest.raises(
        ParameterValueError, match=r"^WeightNoise\(\): 'spread' must be in \(0, 1\)"
    ) as info:
        WeightNoise(levels=2, spread=spread)
    assert info.value.field == "spread"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("concentration", [0.0, -1.0, float("nan")])
def test_dirichlet_concentration_must_be_positive(concentration: float) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^DirichletWeights\(\): 'concentration' must be > 0",
    ):
        DirichletWeights(level=2, concentration=concentration)


@pytest.mark.parametrize("alternatives", [[], [Normalise()]])
def test_step_choice_needs_two_alternatives(alternatives: list[object]) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^StepChoice\(\): 'alternatives' must be at least two alternatives "
        rf"\(got {len(alternatives)}\)",
    ):
        StepChoice(step="normalise", alternatives=alternatives)


def test_step_choice_rejects_a_step_object_of_another_kind() -> None:
    with pytest.raises(
        ParameterTypeError,
        match=r"^StepChoice\(\): 'alternatives' must be Normalise objects or None "
        r"for step 'normalise' \(got Aggregate\(",
    ) as info:
        StepChoice(step="normalise", alternatives=[Normalise(), Aggregate()])
    assert isinstance(info.value, TypeError)


def test_step_choice_rejects_a_non_step() -> None:
    with pytest.raises(
        ParameterTypeError, match=r"'alternatives' must be Treat objects"
    ):
        StepChoice(step="treat", alternatives=[Treat(), "winsorise"])


def test_step_choice_cannot_drop_aggregation() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^StepChoice\(\): 'alternatives' must be aggregate steps "
        r"\(aggregation cannot be dropped\) \(got None\)",
    ):
        StepChoice(step="aggregate", alternatives=[Aggregate(), None])


@pytest.mark.parametrize("cls", [StepChoice, SettingChoice])
def test_unknown_step_kind(cls: type) -> None:
    kwargs = (
        {"alternatives": [None, None]}
        if cls is StepChoice
        else {"setting": "method", "values": [1, 2]}
    )
    with pytest.raises(
        ParameterValueError,
        match=rf"^{cls.__name__}\(\): 'step' must be one of 'denominate', 'impute', "
        r"'screen', 'treat', 'normalise', 'aggregate' \(got 'weight'\)",
    ):
        cls(step="weight", **kwargs)


@pytest.mark.parametrize("values", [[], ["arithmetic"]])
def test_setting_choice_needs_two_values(values: list[str]) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^SettingChoice\(\): 'values' must be at least two values",
    ):
        SettingChoice(step="aggregate", setting="method", values=values)


def test_scorer_parameter_needs_two_values() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^ScorerParameter\(\): 'values' must be at least two values "
        r"\(got \(5,\)\)",
    ):
        ScorerParameter(principle=3, param="diversity_target", values=[5])


def test_exclusion_needs_a_code() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^Exclusion\(\): 'codes' must be at least one node code \(got \(\)\)",
    ):
        Exclusion(codes=[])


# ---------------------------------------------------------------------------
# UncertaintySpec construction
# ---------------------------------------------------------------------------
def test_spec_needs_a_factor() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^UncertaintySpec\(\): 'factors' must be at least one factor",
    ):
        UncertaintySpec(factors=[])


@pytest.mark.parametrize("bad", ["weights", Normalise(), 3])
def test_spec_rejects_objects_that_are_not_factors(bad: object) -> None:
    with pytest.raises(
        ParameterTypeError,
        match=r"^UncertaintySpec\(\): 'factors' must be WeightNoise, DirichletWeights, "
        r"StepChoice, SettingChoice, Exclusion or ScorerParameter objects",
    ):
        UncertaintySpec(factors=[WeightNoise(levels=2), bad])


def test_spec_factor_names_must_be_unique() -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^UncertaintySpec\(\): 'factors' must be unique factor names "
        r"\(got 'aggregation'\)",
    ):
        UncertaintySpec(
            factors=[
                aggregation_choice(["arithmetic", "geometric"]),
                aggregation_choice(["arithmetic", "harmonic"]),
            ]
        )


@pytest.mark.parametrize(
    "factors",
    [
        [WeightNoise(levels=(1, 2)), DirichletWeights(level=2, concentration=5.0)],
        [WeightNoise(levels=2), WeightNoise(levels=2, spread=0.1, name="again")],
        [
            DirichletWeights(level=1, concentration=5.0),
            DirichletWeights(level=1, concentration=1.0, name="again"),
        ],
    ],
)
def test_spec_allows_one_weight_factor_per_level(factors: list[object]) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^UncertaintySpec\(\): 'factors' must be at most one weight factor "
        r"per level \(got [12]\)",
    ):
        UncertaintySpec(factors=factors)


def test_weight_factors_on_different_levels_are_fine(
    kps: Methodology, kps_fw: Framework
) -> None:
    spec = UncertaintySpec(
        factors=[WeightNoise(levels=1), DirichletWeights(level=2, concentration=4.0)]
    )
    spec.validate(kps, kps_fw)
    assert spec.names == ("weights@1", "dirichlet@2")


# ---------------------------------------------------------------------------
# validation against a methodology
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("level", [3, 7])
def test_weight_factor_on_a_level_without_weights(
    kps: Methodology, kps_fw: Framework, level: int
) -> None:
    with pytest.raises(
        ParameterValueError,
        match=rf"^factor 'weights@{level}': 'level' must be a level with weighted "
        rf"nodes \[1, 2\] \(got {level}\)",
    ):
        validate(WeightNoise(levels=level), kps, kps_fw)
    with pytest.raises(
        ParameterValueError,
        match=rf"^factor 'dirichlet@{level}': 'level' must be a level with weighted",
    ):
        validate(DirichletWeights(level=level, concentration=1.0), kps, kps_fw)


def test_step_choice_on_a_missing_step_names_factor_and_step(
    kps: Methodology, kps_fw: Framework
) -> None:
    factor = StepChoice(
        step="normalise",
        alternatives=[Normalise(), Normalise(method="z-score")],
        name="norm",
    )
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'norm': 'step' must be a step of methodology 'KPS' "
        r"\(aggregate\) \(got 'normalise'\)\. Add None to the alternatives",
    ) as info:
        validate(factor, kps, kps_fw)
    assert info.value.where == "factor 'norm'"
    assert info.value.field == "step"
    assert info.value.value == "normalise"


def test_step_choice_on_a_missing_step_with_none_is_valid(
    kps: Methodology, kps_fw: Framework
) -> None:
    validate(missing_evidence_choice(), kps, kps_fw)
    validate(StepChoice(step="treat", alternatives=[None, Treat()]), kps, kps_fw)


def test_setting_choice_on_a_missing_step(kps: Methodology, kps_fw: Framework) -> None:
    factor = SettingChoice(step="treat", setting="params.points", values=[1, 2])
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'treat\.params\.points': 'step' must be a step of "
        r"methodology 'KPS' \(aggregate\) \(got 'treat'\)",
    ):
        validate(factor, kps, kps_fw)


def test_setting_choice_unknown_setting_lists_the_valid_ones(
    kps: Methodology, kps_fw: Framework
) -> None:
    factor = SettingChoice(step="aggregate", setting="bogus", values=[1, 2])
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'aggregate\.bogus': 'setting' must be a setting of the "
        r"aggregate step \(method, levels, weights, min_data, min_coverage\) "
        r"\(got 'bogus'\)",
    ):
        validate(factor, kps, kps_fw)


def test_setting_choice_unknown_parameter_lists_the_step_parameters() -> None:
    m = indicator_methodology()
    factor = SettingChoice(step="treat", setting="params.nope", values=[1, 2])
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'treat\.params\.nope': 'setting' must be a setting of the "
        r"treat step \(method, params\.points, params\.skew, params\.kurtosis, "
        r"params\.log\) \(got 'params\.nope'\)",
    ):
        validate(factor, m, small_framework())


def test_setting_choice_invalid_value_lists_the_valid_values(
    kps: Methodology, kps_fw: Framework
) -> None:
    factor = aggregation_choice(["arithmetic", "nope"])
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'aggregation': 'values' must be valid values of aggregate "
        r"method \(got 'nope'\)\. Aggregate\(\): 'method' must be one of "
        r"'arithmetic', 'geometric', 'harmonic'",
    ) as info:
        validate(factor, kps, kps_fw)
    assert isinstance(info.value.__cause__, KampalaError)


def test_setting_choice_invalid_number_is_reported(
    kps: Methodology, kps_fw: Framework
) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'coverage': 'values' must be valid values of aggregate "
        r"min_coverage \(got 1\.5\)",
    ):
        validate(coverage_choice([0.5, 1.5]), kps, kps_fw)
    with pytest.raises(ParameterValueError, match=r"'values' must be valid values"):
        validate(
            SettingChoice(step="treat", setting="params.points", values=[3, -1]),
            indicator_methodology(),
            small_framework(),
        )


def test_setting_choice_valid_values_pass() -> None:
    m = indicator_methodology()
    fw = small_framework()
    validate(
        SettingChoice(step="treat", setting="params.points", values=[1, 2, 3, 4, 5]),
        m,
        fw,
    )
    validate(
        SettingChoice(
            step="normalise", setting="method", values=["min-max", "z-score"]
        ),
        m,
        fw,
    )


@pytest.mark.parametrize("code", ["KPS", "P9", "nope"])
def test_exclusion_of_the_root_or_an_unknown_code(
    kps: Methodology, kps_fw: Framework, code: str
) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'exclusion': 'codes' must be a node of the framework other "
        rf"than the root \(got '{code}'\)",
    ):
        validate(Exclusion(codes=["P2", code]), kps, kps_fw)


def test_exclusion_of_nodes_at_any_level_is_valid(
    kps: Methodology, kps_fw: Framework
) -> None:
    validate(Exclusion(codes=["P2", "P1.alignment"]), kps, kps_fw)


def test_scorer_parameter_unknown_principle(
    kps: Methodology, kps_fw: Framework
) -> None:
    four = attrs.evolve(kps, scorers=kps.scorers[:4])
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'P5\.target_group_count': 'principle' must be a principle "
        r"with a scorer in 'KPS' \(\[1, 2, 3, 4\]\) \(got 5\)",
    ):
        validate(
            ScorerParameter(principle=5, param="target_group_count", values=[1, 2]),
            four,
            kps_fw,
        )
    with pytest.raises(ParameterValueError, match=r"'principle' must be .* \(got 7\)"):
        validate(ScorerParameter(principle=7, param="x", values=[1, 2]), kps, kps_fw)


def test_scorer_parameter_unknown_param_lists_the_parameters(
    kps: Methodology, kps_fw: Framework
) -> None:
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'P3\.nope': 'param' must be a parameter of scorer "
        r"'kps\.inclusive-partnership' \(diversity_target\) \(got 'nope'\)",
    ):
        validate(ScorerParameter(principle=3, param="nope", values=[1, 2]), kps, kps_fw)
    with pytest.raises(
        ParameterValueError,
        match=r"'param' must be a parameter of scorer 'kps\.ownership' \(none\)",
    ):
        validate(ScorerParameter(principle=1, param="x", values=[1, 2]), kps, kps_fw)


@pytest.mark.parametrize(
    ("principle", "param", "bad", "rule"),
    [
        (3, "diversity_target", 1, r"an integer >= 2 \(got 1\)"),
        (3, "diversity_target", 0, r"an integer >= 1 \(got 0\)"),
        (3, "diversity_target", 2.5, r"an integer >= 1 \(got 2\.5\)"),
        (3, "diversity_target", "4", r"an integer >= 1 \(got '4'\)"),
        (3, "diversity_target", True, r"an integer >= 1 \(got True\)"),
        (5, "target_group_count", -2, r"an integer >= 1 \(got -2\)"),
        (2, "sdg_target_count", None, r"an integer >= 1 \(got None\)"),
    ],
    ids=["below-2", "zero", "float", "str", "bool", "negative", "none"],
)
def test_scorer_parameter_invalid_value_is_reported(
    kps: Methodology,
    kps_fw: Framework,
    principle: int,
    param: str,
    bad: object,
    rule: str,
) -> None:
    # the scorer's own validation decides; the error names the factor, the
    # parameter, the value and (in the hint) the scorer's rule
    scorer_id = next(s.id for s in kps.scorers if s.principle == principle)
    factor = ScorerParameter(principle=principle, param=param, values=[3, bad])
    with pytest.raises(
        ParameterValueError,
        match=rf"^factor 'P{principle}\.{param}': 'values' must be valid values of "
        rf"parameter '{param}' of scorer '{re.escape(scorer_id)}' "
        rf"\(got {re.escape(repr(bad))}\)\. [A-Za-z]+Scorer\(\): '{param}' must be "
        + rule,
    ) as info:
        validate(factor, kps, kps_fw)
    err = info.value
    assert (err.where, err.field, err.value) == (
        f"factor 'P{principle}.{param}'",
        "values",
        bad,
    )
    assert (
        err.expected == f"valid values of parameter '{param}' of scorer '{scorer_id}'"
    )
    # chained to the scorer's own error
    assert isinstance(err.__cause__, ParameterValueError)
    assert err.__cause__.field == param


def test_scorer_parameter_reports_the_first_invalid_value(
    kps: Methodology, kps_fw: Framework
) -> None:
    factor = ScorerParameter(principle=3, param="diversity_target", values=[4, 1, 0])
    with pytest.raises(ParameterValueError, match=r"\(got 1\)\.") as info:
        validate(factor, kps, kps_fw)
    assert info.value.value == 1


def test_scorer_parameter_value_that_is_not_json_is_reported(
    kps: Methodology, kps_fw: Framework
) -> None:
    # a methodology records scorer parameters as JSON
    factor = ScorerParameter(principle=3, param="diversity_target", values=[3, {4}])
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'P3\.diversity_target': 'values' must be valid values of "
        r"parameter 'diversity_target' of scorer 'kps\.inclusive-partnership' "
        r"\(got \{4\}\)\. ScorerSpec\(\): 'params' must be JSON-serialisable",
    ) as info:
        validate(factor, kps, kps_fw)
    assert isinstance(info.value.__cause__, MethodologyError)


def test_scorer_parameter_valid_values_pass(
    kps: Methodology, kps_fw: Framework
) -> None:
    for factor in (
        ScorerParameter(principle=3, param="diversity_target", values=[2, 5, 40]),
        ScorerParameter(principle=5, param="target_group_count", values=[1, 2, 3]),
        ScorerParameter(principle=5, param="disaggregation_count", values=[3, 1]),
    ):
        validate(factor, kps, kps_fw)


def test_scorer_parameter_known_to_the_scorer_but_not_recorded(
    kps: Methodology, kps_fw: Framework
) -> None:
    # a methodology may leave a scorer's parameters at their defaults
    # (params={}); the scorer's own parameters are still valid names
    bare = attrs.evolve(
        kps,
        scorers=[
            ScorerSpec(principle=s.principle, id=s.id, version=s.version)
            for s in kps.scorers
        ],
    )
    validate(
        ScorerParameter(principle=3, param="diversity_target", values=[3, 5]),
        bare,
        kps_fw,
    )
    with pytest.raises(ParameterValueError, match=r"\(got 1\)"):
        validate(
            ScorerParameter(principle=3, param="diversity_target", values=[3, 1]),
            bare,
            kps_fw,
        )
    with pytest.raises(
        ParameterValueError,
        match=r"'param' must be a parameter of scorer 'kps\.inclusive-partnership' "
        r"\(diversity_target\) \(got 'nope'\)",
    ):
        validate(
            ScorerParameter(principle=3, param="nope", values=[1, 2]), bare, kps_fw
        )


@attrs.frozen(kw_only=True)
class StrictInclusive(InclusivePartnershipScorer):
    """The KPS-1 P3 scorer under its own id, with a stricter rule."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.diversity_target > 6:
            raise ParameterValueError(
                "StrictInclusive()",
                "diversity_target",
                self.diversity_target,
                "an integer <= 6",
            )


def test_scorer_parameter_values_are_checked_by_the_given_registry(
    kps: Methodology, kps_fw: Framework
) -> None:
    reg = ScorerRegistry(load_plugins=False)
    for factory in DEFAULT_SCORERS:
        reg.register(factory())
    reg.register(StrictInclusive(), replace=True)
    spec = UncertaintySpec(
        factors=[ScorerParameter(principle=3, param="diversity_target", values=[5, 8])]
    )
    spec.validate(kps, kps_fw)  # the default scorer accepts 8
    with pytest.raises(
        ParameterValueError,
        match=r"\(got 8\)\. StrictInclusive\(\): 'diversity_target' must be an "
        r"integer <= 6",
    ):
        spec.validate(kps, kps_fw, registry=reg)


def test_scorer_parameter_values_of_a_scorer_the_registry_lacks(
    kps: Methodology, kps_fw: Framework
) -> None:
    # the scorer cannot be built, so only the parameter name is checked (the
    # analysis reports the missing scorer when it resolves the methodology)
    empty = ScorerRegistry(load_plugins=False)
    spec = UncertaintySpec(
        factors=[ScorerParameter(principle=3, param="diversity_target", values=[1, 5])]
    )
    spec.validate(kps, kps_fw, registry=empty)
    with pytest.raises(ParameterValueError, match=r"'param' must be a parameter"):
        UncertaintySpec(
            factors=[ScorerParameter(principle=3, param="nope", values=[1, 5])]
        ).validate(kps, kps_fw, registry=empty)


@pytest.mark.parametrize("analysis", [uncertainty_analysis, sensitivity_analysis])
def test_analysis_reports_an_invalid_scorer_value_before_sampling(
    kps: Methodology, analysis: Any
) -> None:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=2),
            ScorerParameter(principle=3, param="diversity_target", values=[1, 5]),
        ]
    )
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    with pytest.raises(
        ParameterValueError,
        match=r"^factor 'P3\.diversity_target': 'values' must be valid values of "
        r"parameter 'diversity_target' of scorer 'kps\.inclusive-partnership' "
        r"\(got 1\)\. InclusivePartnershipScorer\(\): 'diversity_target' must be "
        r"an integer >= 2 \(got 1\)\.$",
    ):
        analysis(kps, sample_portfolio(), spec, n=8, rng=rng)
    assert rng.bit_generator.state == state  # nothing was drawn


def test_a_full_valid_spec_passes(kps: Methodology, kps_fw: Framework) -> None:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=2, spread=0.25),
            aggregation_choice(["arithmetic", "geometric"]),
            coverage_choice([0.3, 0.5, 0.7]),
            missing_evidence_choice(),
            ScorerParameter(principle=3, param="diversity_target", values=[3, 5]),
            Exclusion(codes=["P1", "P2"]),
        ]
    )
    assert spec.validate(kps, kps_fw) is None


# ---------------------------------------------------------------------------
# dimensions and nodes
# ---------------------------------------------------------------------------
def test_dims(kps_fw: Framework) -> None:
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=1),
            DirichletWeights(level=2, concentration=3.0),
            aggregation_choice(["arithmetic", "geometric"]),
            Exclusion(codes=["P1", "P2", "P3"]),
            ScorerParameter(principle=3, param="diversity_target", values=[3, 4, 5]),
            missing_evidence_choice(),
        ]
    )
    n_criteria = len(kps_fw.indicator_codes)
    assert n_criteria == 29
    assert spec.dims(kps_fw) == (n_criteria, 5, 1, 1, 1, 1)
    both = UncertaintySpec(factors=[WeightNoise(levels=(1, 2))])
    assert both.dims(kps_fw) == (n_criteria + 5,)


def test_weighted_nodes_are_in_framework_order_and_exclude_the_root() -> None:
    fw = small_framework()
    assert weighted_nodes(fw, (1,)) == ("a1", "a2", "b1", "b2", "b3")
    assert weighted_nodes(fw, (2,)) == ("A", "B")
    assert weighted_nodes(fw, (2, 3)) == ("A", "B")
    assert WeightNoise(levels=(1, 2)).nodes(fw) == (
        "a1",
        "a2",
        "b1",
        "b2",
        "b3",
        "A",
        "B",
    )
    assert DirichletWeights(level=1, concentration=1.0).nodes(fw)[-1] == "b3"


# ---------------------------------------------------------------------------
# weight maps
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("spread", [0.1, 0.25, 0.5, 0.9])
def test_weight_noise_maps_the_ends_of_the_unit_interval(spread: float) -> None:
    w = np.array([0.2, 0.3, 0.5, 2.0])
    f = WeightNoise(levels=2, spread=spread)
    u = np.array([np.zeros(4), np.ones(4), np.full(4, 0.5)])
    out = f.weights(u, w)
    assert_allclose(out[0], (1 - spread) * w, rtol=1e-15)
    assert_allclose(out[1], (1 + spread) * w, rtol=1e-15)
    assert_allclose(out[2], w, rtol=1e-15)


@given(
    spread=st.floats(0.01, 0.99),
    u=arrays(np.float64, (5, 3), elements=st.floats(0.0, 1.0)),
)
def test_weight_noise_stays_in_its_band_and_is_monotone(
    spread: float, u: np.ndarray
) -> None:
    w = np.array([1.0, 0.5, 3.0])
    f = WeightNoise(levels=1, spread=spread)
    out = f.weights(u, w)
    assert np.all(out >= (1 - spread) * w * (1 - 1e-15))
    assert np.all(out <= (1 + spread) * w * (1 + 1e-15))
    order = np.argsort(u[:, 0], kind="stable")
    assert np.all(np.diff(out[order, 0]) >= 0)


def dirichlet_inputs() -> tuple[np.ndarray, np.ndarray]:
    nominal = np.array([1.0, 2.0, 3.0, 1.0, 1.0, 0.5, 0.5, 1.0])
    groups = np.array([0, 0, 0, 1, 1, 2, 2, 2], dtype=np.intp)
    return nominal, groups


@pytest.mark.parametrize("concentration", [0.5, 2.0, 10.0, 200.0])
def test_dirichlet_rows_sum_to_one_per_sibling_group(concentration: float) -> None:
    nominal, groups = dirichlet_inputs()
    u = np.random.default_rng(4).random((500, nominal.size))
    out = DirichletWeights(level=1, concentration=concentration).weights(
        u, nominal, groups
    )
    assert out.shape == u.shape
    assert np.all(np.isfinite(out))
    assert np.all(out >= 0)
    for g in range(3):
        assert_allclose(out[:, groups == g].sum(axis=1), 1.0, rtol=1e-13)


@pytest.mark.parametrize("concentration", [2.0, 20.0])
def test_dirichlet_mean_approaches_the_normalised_nominal_weights(
    concentration: float,
) -> None:
    nominal, groups = dirichlet_inputs()
    u = np.random.default_rng(20).random((40_000, nominal.size))
    out = DirichletWeights(level=1, concentration=concentration).weights(
        u, nominal, groups
    )
    expected = np.empty_like(nominal)
    for g in range(3):
        expected[groups == g] = nominal[groups == g] / nominal[groups == g].sum()
    assert_allclose(out.mean(axis=0), expected, atol=0.01)
    # larger concentration, closer to the nominal weights
    if concentration > 10:
        assert np.all(np.abs(out - expected).max(axis=0) < 0.6)


def test_dirichlet_spread_shrinks_with_concentration() -> None:
    nominal, groups = dirichlet_inputs()
    u = np.random.default_rng(5).random((4000, nominal.size))
    sd = [
        DirichletWeights(level=1, concentration=c).weights(u, nominal, groups).std(0)
        for c in (1.0, 10.0, 100.0)
    ]
    assert np.all(sd[0] > sd[1])
    assert np.all(sd[1] > sd[2])


@pytest.mark.parametrize("concentration", [0.5, 1.0, 2.5])
def test_dirichlet_weights_are_finite_at_the_lower_end_of_the_design(
    concentration: float,
) -> None:
    # u = 0 is a valid design value (rng.random draws from [0, 1)); weights.py
    # clips u to keep the inverse gamma CDF finite, but for alpha < 1 every
    # gamma of the group underflows to 0 and the row becomes 0 / 0.
    nominal, groups = dirichlet_inputs()
    u = np.zeros((1, nominal.size))
    out = DirichletWeights(level=1, concentration=concentration).weights(
        u, nominal, groups
    )
    assert np.all(np.isfinite(out))
    for g in range(3):
        assert_allclose(out[:, groups == g].sum(axis=1), 1.0, rtol=1e-13)


def test_dirichlet_weights_are_finite_for_a_small_concentration() -> None:
    # alpha = 0.001 per sibling: gammaincinv(0.001, u) underflows to 0 for
    # u < 0.49, so about a quarter of uniform rows give NaN weights
    nominal = np.array([1.0, 1.0])
    groups = np.array([0, 0], dtype=np.intp)
    u = np.random.default_rng(0).random((200, 2))
    out = DirichletWeights(level=1, concentration=0.002).weights(u, nominal, groups)
    assert np.all(np.isfinite(out))
    assert_allclose(out.sum(axis=1), 1.0, rtol=1e-13)


# ---------------------------------------------------------------------------
# names, options and labels
# ---------------------------------------------------------------------------
def test_default_names() -> None:
    assert WeightNoise(levels=2).name == "weights@2"
    assert WeightNoise(levels=(1, 2)).name == "weights@1,2"
    assert WeightNoise(levels=[2, 3], name="w").name == "w"
    assert DirichletWeights(level=1, concentration=2).name == "dirichlet@1"
    assert (
        StepChoice(step="impute", alternatives=[None, Impute(method="mean")]).name
        == "impute"
    )
    assert (
        SettingChoice(step="treat", setting="params.points", values=[1, 2]).name
        == "treat.params.points"
    )
    assert Exclusion(codes=["P1"]).name == "exclusion"
    assert (
        ScorerParameter(principle=3, param="diversity_target", values=[3, 5]).name
        == "P3.diversity_target"
    )
    assert aggregation_choice(["arithmetic", "geometric"]).name == "aggregation"
    assert coverage_choice([0.3, 0.5]).name == "coverage"
    assert missing_evidence_choice().name == "missing"
    assert missing_evidence_choice(name="mis").name == "mis"


def test_step_choice_labels() -> None:
    f = StepChoice(
        step="normalise",
        alternatives=[
            Normalise(method="min-max", params={"lower": 1, "upper": 100}),
            Normalise(method="z-score", params={"mean": 10, "sd": 2}),
            None,
        ],
    )
    assert f.options == 3
    assert [f.label(i) for i in range(3)] == [
        "min-max:1.0,100.0",
        "z-score:10.0,2.0",
        "none",
    ]
    agg = StepChoice(
        step="aggregate",
        alternatives=[Aggregate(), Aggregate(method="geometric", min_coverage=0.5)],
    )
    assert [agg.label(i) for i in range(2)] == ["arithmetic", "geometric cov>=0.5"]
    screen = StepChoice(
        step="screen", alternatives=[None, Screen(params={"threshold": 0.8})]
    )
    assert screen.label(1) == "availability:0.8,input"
    assert missing_evidence_choice().label(0) == "none"
    assert missing_evidence_choice().label(1) == "constant:0.0"


def test_setting_choice_labels_and_values() -> None:
    f = SettingChoice(step="treat", setting="params.points", values=range(1, 6))
    assert f.values == (1, 2, 3, 4, 5)
    assert f.options == 5
    assert [f.label(i) for i in range(5)] == ["1", "2", "3", "4", "5"]
    cov = coverage_choice([0, 1])
    assert cov.values == (0.0, 1.0)
    assert all(isinstance(v, float) for v in cov.values)
    assert [cov.label(i) for i in range(2)] == ["0.0", "1.0"]
    agg = aggregation_choice(("arithmetic", "geometric"))
    assert (agg.step, agg.setting) == ("aggregate", "method")
    assert agg.label(1) == "geometric"


def test_exclusion_and_scorer_parameter_labels() -> None:
    f = Exclusion(codes=("P2", "P4"))
    assert f.options == 3
    assert [f.label(i) for i in range(3)] == ["none", "-P2", "-P4"]
    s = ScorerParameter(principle=3, param="diversity_target", values=[3, 5])
    assert s.options == 2
    assert [s.label(0), s.label(1)] == ["3", "5"]


def test_setting_choice_apply() -> None:
    agg = Aggregate(
        method="generalised-mean",
        params={"p": 0.5},
        levels={2: "geometric"},
        min_coverage=0.5,
    )
    out = aggregation_choice(["arithmetic", "harmonic"]).apply(agg, 1)
    assert out.method == "harmonic"
    assert dict(out.params) == {}
    assert dict(out.levels) == {}
    assert out.min_coverage == 0.5
    treat = SettingChoice(step="treat", setting="params.points", values=[1, 3])
    t = treat.apply(Treat(params={"points": 5, "skew": 3.0}), 0)
    assert t.params["points"] == 1
    assert t.params["skew"] == 3.0
    assert coverage_choice([0.3, 0.7]).apply(agg, 1).min_coverage == 0.7


def test_factors_are_frozen_records() -> None:
    f = WeightNoise(levels=[1, 2])
    assert f.levels == (1, 2)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        f.spread = 0.5  # type: ignore[misc]
    assert StepChoice(
        step="impute", alternatives=[None, Impute(method="mean")]
    ) == StepChoice(step="impute", alternatives=(None, Impute(method="mean")))
    assert_array_equal(
        WeightNoise(levels=1, spread=0.5).weights(np.array([[0.5]]), np.array([2.0])),
        [[2.0]],
    )
