"""Sobol' indices of an output that hardly varies are reported as unreliable."""

from __future__ import annotations

import json
import warnings

import pytest

from kampala import sensitivity as sa
from kampala.data import sample_portfolio
from kampala.methodology import kps1
from kampala.portfolio import Portfolio
from kampala.sensitivity._command import sobol_table
from kampala.sensitivity._reliability import index_note

IDS = ("PE-HEA-001", "PE-AGR-002", "PE-ENE-007", "PE-EDU-004", "PE-FIN-004")


@pytest.fixture(scope="module")
def small() -> Portfolio:
    """Five partnerships far apart: weight noise hardly moves their ranks."""
    records = [r for r in sample_portfolio().records if r.id in IDS]
    return Portfolio.from_records(records, name="small")


def _run(small: Portfolio, *factors: object) -> sa.SensitivityResult:
    spec = sa.UncertaintySpec(factors=list(factors))
    with warnings.catch_warnings(action="ignore"):
        return sa.sensitivity_analysis(
            kps1(), small, spec, n=512, n_bootstrap=50, rng=3
        )


def test_constant_output_gives_undefined_indices(small: Portfolio) -> None:
    res = _run(small, sa.WeightNoise(levels=2))
    assert res.output_std == 0.0
    row = res.table()[0]
    assert not row["reliable"]
    assert row["note"].startswith("undefined")


def test_an_output_that_hardly_varies_is_not_reported_as_a_result(
    small: Portfolio,
) -> None:
    res = _run(small, sa.WeightNoise(levels=2), sa.WeightNoise(levels=1))
    assert 0 < res.output_mean < 0.05
    rows = res.table()
    assert not any(r["reliable"] for r in rows)
    assert all("hardly varies" in r["note"] for r in rows)
    assert "casi no varía" in res.table(lang="es")[0]["note"]
    text = sobol_table(res)
    assert "±" not in text  # no numbers printed as if they were results
    assert "unreliable" in text
    data = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert data["output"]["mean_rank_shift_mean"] == pytest.approx(res.output_mean)
    assert data["mean_rank_shift"][0]["reliable"] is False


def test_index_outside_the_unit_interval_gets_a_note() -> None:
    ok, note = index_note(
        {"S1": 1.3, "S1_conf": 0.1, "ST": 0.9, "ST_conf": 0.1}, 3.0, 1.0
    )
    assert ok
    assert note.startswith("S1 = 1.30 is outside [0, 1]")
    ok, note = index_note(
        {"S1": 0.3, "S1_conf": 0.8, "ST": 0.9, "ST_conf": 0.1}, 3.0, 1.0
    )
    assert not ok
    assert "half-width 0.80" in note


def test_the_figure_draws_no_bar_for_unreliable_indices(small: Portfolio) -> None:
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    from kampala import plot

    res = _run(small, sa.WeightNoise(levels=2), sa.WeightNoise(levels=1))
    ax = plot.sobol_bars(res)
    widths = [p.get_width() for p in ax.patches]
    assert all(w != w for w in widths)  # NaN: not drawn
    assert any("unreliable" in t.get_text() for t in ax.texts)
    plt.close("all")
