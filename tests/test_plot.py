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


def _drawn(ax: Any) -> Any:
    import io

    ax.figure.savefig(io.BytesIO(), format="png", dpi=72)  # lays the figure out
    return ax.figure.canvas.get_renderer()


def _legend_clear_of_data(ax: Any) -> None:
    renderer = _drawn(ax)
    legend = ax.get_legend()
    assert legend is not None
    box = legend.get_window_extent(renderer)
    data = ax.get_window_extent(renderer)  # the axes' data area
    assert not box.overlaps(data), f"legend {box} covers the data area {data}"
    fig = ax.figure.bbox
    assert fig.x0 <= box.x0
    assert box.x1 <= fig.x1
    assert fig.y0 <= box.y0 <= box.y1 <= fig.y1


@pytest.mark.parametrize("lang", ["en", "es"])
def test_legends_never_cover_data(ua: Any, spec: sa.UncertaintySpec, lang: str) -> None:
    # the rank-interval legend once covered the bottom rows
    _legend_clear_of_data(plot.rank_intervals(ua, lang=lang))
    _legend_clear_of_data(plot.rank_intervals(ua, max_units=5, lang=lang))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        si = sa.sensitivity_analysis(
            Methodology.default(), sample_portfolio(), spec, n=64, rng=0
        )
    _legend_clear_of_data(plot.sobol_bars(si, lang=lang))
    w = np.full(3, 1 / 3)
    intervals = [(0.2, 0.5), (0.1, 0.9), (0.3, 0.34)]
    _legend_clear_of_data(plot.stability_bars(intervals, w, ["a", "b", "c"], lang=lang))


def test_labels_are_spanish_with_lang_es(ua: Any) -> None:
    ax = plot.rank_intervals(ua, lang="es")
    assert ax.get_title() == "Intervalos de puesto en 32 muestras"
    assert ax.get_xlabel() == "puesto (1 = el mejor)"
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["percentiles 5 a 95 de los puestos", "mediana", "nominal"]


def test_colours_are_colour_blind_safe(ua: Any) -> None:
    from matplotlib.colors import to_hex

    ax = plot.rank_intervals(ua)
    used = {to_hex(h.get_color()).upper() for h in ax.get_legend().legend_handles}
    assert used <= {c.upper() for c in plot.OKABE_ITO}


def test_heatmap_and_profile_show_missing_and_bounds() -> None:
    card = Methodology.default().run(sample_portfolio())
    ax = plot.principle_heatmap(card)
    values = ax.images[0].get_array()
    assert values.shape == (48, 6)
    assert values.mask.sum() > 0
    assert ax.get_yticklabels()[-1].get_text().endswith("PE-HEA-004")

    class WithBounds:
        principles = card.principles

        def table(self) -> list[dict[str, Any]]:
            rows = card.table()
            for r in rows:
                for k in ["P1", "P2", "P3", "P4", "P5", "overall"]:
                    r[f"{k}_low"], r[f"{k}_high"] = 0.2, 0.8
            return rows

    ax = plot.partnership_profile(WithBounds(), "PE-TEL-003", lang="es")
    assert len(ax.collections) == 1  # the ranges
    assert "evidencia insuficiente" in [t.get_text() for t in ax.texts]
    with pytest.raises(KeyError):
        plot.partnership_profile(card, "NO-SUCH-ID")
