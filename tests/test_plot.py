from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from kampala import DegenerateIndicatorWarning, Methodology
from kampala import sensitivity as sa
from kampala.data import sample_portfolio

matplotlib = pytest.importorskip("matplotlib")
plt = pytest.importorskip("matplotlib.pyplot")

from kampala import plot  # noqa: E402  (after the skip: needs matplotlib)


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def spec() -> sa.UncertaintySpec:
    return sa.UncertaintySpec(
        factors=[
            sa.WeightNoise(levels=2, spread=0.25),
            sa.aggregation_choice(["arithmetic", "geometric"], level=3),
        ]
    )


@pytest.fixture(scope="module")
def ua(spec: sa.UncertaintySpec) -> Any:
    kps = Methodology.default()
    return sa.uncertainty_analysis(kps, sample_portfolio(), spec, n=32, rng=0)


def test_rank_intervals_draws_one_row_per_unit_best_first(ua: Any) -> None:
    ax = plot.rank_intervals(ua, max_units=10)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 10
    ranked = [row["unit"] for row in ua.table()][:10]
    assert labels == ranked


def test_sobol_bars_draws_both_indices_per_factor(spec: sa.UncertaintySpec) -> None:
    kps = Methodology.default()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        si = sa.sensitivity_analysis(kps, sample_portfolio(), spec, n=64, rng=0)
    ax = plot.sobol_bars(si)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(si.factors)
    widths = sorted(round(p.get_width(), 12) for p in ax.patches)
    expected = [row[k] for row in si.table() for k in ("S1", "ST")]
    assert widths == sorted(round(v, 12) for v in expected)


def test_acceptability_heatmap_and_stability_bars_use_the_given_axes() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((6, 3))
    labels = [f"u{i}" for i in range(6)]
    res = sa.smaa(x, n=200, labels=labels, rng=1)
    _, (left, right) = plt.subplots(1, 2)
    assert plot.acceptability_heatmap(res.acceptability, labels, ax=left) is left
    image = left.get_images()[0]
    np.testing.assert_array_equal(image.get_array(), res.acceptability)
    w = np.full(3, 1 / 3)
    intervals = sa.stability_intervals(x, w)
    assert plot.stability_bars(intervals, w, ["a", "b", "c"], ax=right) is right
    assert [t.get_text() for t in right.get_yticklabels()] == ["a", "b", "c"]


def test_plotting_leaves_the_callers_backend_alone(ua: Any) -> None:
    # In Jupyter the backend is the inline one; switching it to Agg would stop
    # every later figure from showing.
    before = matplotlib.get_backend()
    plt.switch_backend("svg")
    try:
        plot.rank_intervals(ua)
        assert matplotlib.get_backend() == "svg"
    finally:
        plt.switch_backend(before)
