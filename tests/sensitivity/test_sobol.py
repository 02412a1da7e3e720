"""Tests for kampala.sensitivity._sobol (Saltelli design and Sobol' indices)."""

from __future__ import annotations

import math
import pickle

import attrs
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from kampala.errors import (
    DegenerateIndicatorWarning,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.sensitivity import _sobol_indices
from kampala.sensitivity._sobol import (
    SaltelliDesign,
    SobolIndices,
    discretise,
    saltelli_design,
    sobol_indices,
)

FloatArray = np.ndarray


# ---------------------------------------------------------------------------
# reference models
# ---------------------------------------------------------------------------
def ishigami(x: FloatArray, a: float = 7.0, b: float = 0.1) -> FloatArray:
    return (
        np.sin(x[..., 0])
        + a * np.sin(x[..., 1]) ** 2
        + b * x[..., 2] ** 4 * np.sin(x[..., 0])
    )


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> tuple[FloatArray, FloatArray]:
    """Analytic indices of the Ishigami function on [-pi, pi]^3.

    Ishigami, T. and Homma, T. (1990). An importance quantification technique
    in uncertainty analysis for computer models. ISUMA '90, 398-403,
    https://doi.org/10.1109/ISUMA.1990.151285; values as tabulated in
    Saltelli et al. (2010), https://doi.org/10.1016/j.cpc.2009.09.018.
    """
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


def scale(u: FloatArray, lo: float, hi: float) -> FloatArray:
    return lo + (hi - lo) * u


# ---------------------------------------------------------------------------
# accuracy against analytic values
# ---------------------------------------------------------------------------
def test_ishigami_analytic_values_are_the_published_ones():
    s1, st = ishigami_indices()
    assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-5)
    assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-5)


def test_ishigami_estimates_lie_within_their_intervals():
    design = saltelli_design([1, 1, 1], 2**12, rng=20100101)
    y = ishigami(scale(design.stack(), -math.pi, math.pi))
    res = design.analyse(y, n_bootstrap=500, rng=1)
    s1, st = ishigami_indices()
    assert np.all(np.abs(res.S1 - s1) <= 3 * res.S1_conf)
    assert np.all(np.abs(res.ST - st) <= 3 * res.ST_conf)
    assert_allclose(res.S1, s1, atol=0.05)
    assert_allclose(res.ST, st, atol=0.03)
    # percentile intervals bracket the estimate and are of the conf's size
    assert np.all(res.S1_low <= res.S1)
    assert np.all(res.S1_high >= res.S1)
    assert np.all(res.ST_low <= res.ST)
    assert np.all(res.ST_high >= res.ST)
    width = res.ST_high - res.ST_low
    assert np.all((width > res.ST_conf) & (width < 4 * res.ST_conf))


@pytest.mark.parametrize("method", ["sobol", "random"])
def test_linear_model_indices_are_squared_coefficient_shares(method):
    coef = np.array([1.0, 2.0, 3.0, 0.5])
    design = saltelli_design([1] * 4, 2**13, method=method, rng=5)
    res = design.analyse(design.stack() @ coef, n_bootstrap=200, rng=5)
    expected = coef**2 / np.sum(coef**2)
    assert_allclose(res.S1, expected, atol=0.03)
    assert_allclose(res.ST, expected, atol=0.03)
    assert np.all(np.abs(res.ST - expected) <= 4 * res.ST_conf)


def test_linear_model_group_index_is_sum_of_member_shares():
    coef = np.array([1.0, 2.0, 3.0, 0.5])
    design = saltelli_design([2, 1, 1], 2**13, groups=["w", "x", "y"], rng=6)
    res = design.analyse(design.stack() @ coef, n_bootstrap=0)
    share = coef**2 / np.sum(coef**2)
    expected = [share[0] + share[1], share[2], share[3]]
    assert res.groups == ("w", "x", "y")
    assert_allclose(res.S1, expected, atol=0.03)
    assert_allclose(res.ST, expected, atol=0.03)


def test_discrete_factor_maps_by_floor_and_gets_its_variance_share():
    # y = c[level] + x, level uniform on 3 choices, x uniform on [0, 1)
    c = np.array([0.0, 1.0, 3.0])
    design = saltelli_design([1, 1], 2**13, groups=["choice", "x"], rng=8)
    X = design.stack()
    y = c[discretise(X[:, 0], 3)] + X[:, 1]
    res = design.analyse(y, n_bootstrap=0)
    v_choice, v_x = np.var(c), 1.0 / 12.0
    expected = np.array([v_choice, v_x]) / (v_choice + v_x)
    assert_allclose(res.S1, expected, atol=0.02)
    assert_allclose(res.ST, expected, atol=0.02)


# ---------------------------------------------------------------------------
# agreement with SALib
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def salib_sample():
    return pytest.importorskip("SALib.sample.sobol")


@pytest.fixture(scope="module")
def salib_analyze():
    return pytest.importorskip("SALib.analyze.sobol")


def test_design_equals_salib_sample(salib_sample):
    problem = {
        "num_vars": 4,
        "names": ["a", "b", "c", "d"],
        "bounds": [[0.0, 1.0]] * 4,
        "groups": ["g1", "g1", "g2", "g3"],
    }
    design = saltelli_design([2, 1, 1], 64, groups=["g1", "g2", "g3"], rng=3)
    x_salib = salib_sample.sample(
        problem, 64, calc_second_order=False, seed=np.random.default_rng(3)
    )
    assert_array_equal(design.stack(), x_salib)


def _salib(salib_analyze, problem, y, num_resamples=200):
    return salib_analyze.analyze(
        problem, y, calc_second_order=False, num_resamples=num_resamples, seed=11
    )


def test_point_estimates_equal_salib_without_groups(salib_analyze):
    problem = {
        "num_vars": 3,
        "names": ["x1", "x2", "x3"],
        "bounds": [[-np.pi, np.pi]] * 3,
    }
    design = saltelli_design([1, 1, 1], 2**10, rng=12345)
    y = ishigami(scale(design.stack(), -math.pi, math.pi))
    ref = _salib(salib_analyze, problem, y)
    res = design.analyse(y, n_bootstrap=200, rng=11)
    assert_allclose(res.S1, ref["S1"], rtol=0, atol=1e-12)
    assert_allclose(res.ST, ref["ST"], rtol=0, atol=1e-12)
    # different random streams: the intervals only agree in size
    assert np.all(
        (res.S1_conf > ref["S1_conf"] / 2) & (res.S1_conf < 2 * ref["S1_conf"])
    )
    assert np.all(
        (res.ST_conf > ref["ST_conf"] / 2) & (res.ST_conf < 2 * ref["ST_conf"])
    )


def test_point_estimates_equal_salib_with_groups(salib_analyze):
    problem = {
        "num_vars": 3,
        "names": ["x1", "x2", "x3"],
        "bounds": [[-np.pi, np.pi]] * 3,
        "groups": ["x1+x3", "x1+x3", "x2"],
    }
    # columns ordered as the groups: (x1, x3) then x2
    design = saltelli_design([2, 1], 2**10, groups=["x1+x3", "x2"], rng=4)
    x = scale(design.stack(), -math.pi, math.pi)
    y = ishigami(x[:, [0, 2, 1]])
    problem["names"] = ["x1", "x3", "x2"]
    ref = _salib(salib_analyze, problem, y)
    res = design.analyse(y, n_bootstrap=200, rng=11)
    assert_allclose(res.S1, ref["S1"], rtol=0, atol=1e-12)
    assert_allclose(res.ST, ref["ST"], rtol=0, atol=1e-12)
    assert np.all(
        (res.ST_conf > ref["ST_conf"] / 2) & (res.ST_conf < 2 * ref["ST_conf"])
    )


def test_per_unit_outputs_equal_salib_column_by_column(salib_analyze):
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0.0, 1.0]] * 3}
    design = saltelli_design([1, 1, 1], 2**9, rng=21)
    x = design.stack()
    coefs = np.array(
        [[1.0, 2.0, 0.5], [0.1, 0.0, 3.0], [2.0, 2.0, 2.0], [5.0, 1.0, 0.2]]
    )
    y = x @ coefs.T + 0.5 * x[:, [0]] * x[:, [1]]  # (n_runs, 4 units)
    res = design.analyse(y, n_bootstrap=100, rng=0)
    assert res.S1.shape == res.ST_conf.shape == (3, 4)
    for j in range(4):
        ref = _salib(salib_analyze, problem, y[:, j], num_resamples=10)
        assert_allclose(res.S1[:, j], ref["S1"], rtol=0, atol=1e-12)
        assert_allclose(res.ST[:, j], ref["ST"], rtol=0, atol=1e-12)


def test_bootstrap_matches_explicit_resampling_with_documented_streams(salib_analyze):
    # replicate block k resamples rows with child k of rng.spawn(ceil(R / 100))
    design = saltelli_design([1, 2], 2**8, rng=2)
    x = design.stack()
    y = np.stack([x @ [1.0, 2.0, 0.3], np.sin(6 * x[:, 0]) * x[:, 1] + x[:, 2] ** 2], 1)
    n_boot = 250
    res = design.analyse(y, n_bootstrap=n_boot, confidence=0.9, rng=99)

    fa, fb, fab = design.split(y)
    allv = np.concatenate([fa, fb, fab.reshape(-1, 2)])
    m, s = allv.mean(axis=0), allv.std(axis=0)
    fa, fb, fab = (fa - m) / s, (fb - m) / s, (fab - m) / s
    children = np.random.default_rng(99).spawn(3)
    idx = np.concatenate(
        [
            gen.integers(0, 256, size=(min(100, n_boot - 100 * k), 256))
            for k, gen in enumerate(children)
        ]
    )
    s1 = np.empty((n_boot, 2, 2))
    st = np.empty((n_boot, 2, 2))
    for r, rows in enumerate(idx):
        for g in range(2):
            s1[r, g] = salib_analyze.first_order(fa[rows], fab[g][rows], fb[rows])
            st[r, g] = salib_analyze.total_order(fa[rows], fab[g][rows], fb[rows])
    z = 1.6448536269514722
    assert_allclose(res.S1_conf, z * s1.std(axis=0, ddof=1), rtol=1e-9)
    assert_allclose(res.ST_conf, z * st.std(axis=0, ddof=1), rtol=1e-9)
    assert_allclose(res.S1_low, np.quantile(s1, 0.05, axis=0), rtol=1e-9, atol=1e-12)
    assert_allclose(res.ST_high, np.quantile(st, 0.95, axis=0), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------
# randomness (STYLE §6)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["sobol", "random"])
def test_same_rng_gives_same_design_and_different_seeds_differ(method):
    d1 = saltelli_design([2, 1], 32, method=method, rng=7)
    d2 = saltelli_design([2, 1], 32, method=method, rng=7)
    d3 = saltelli_design([2, 1], 32, method=method, rng=8)
    assert_array_equal(d1.stack(), d2.stack())
    assert d1 == d2
    assert not np.array_equal(d1.A, d3.A)
    seq = saltelli_design([2, 1], 32, method=method, rng=np.random.SeedSequence(7))
    assert_array_equal(seq.AB, d1.AB)


def test_generator_is_advanced():
    gen = np.random.default_rng(1)
    d1 = saltelli_design([1, 1], 16, rng=gen)
    d2 = saltelli_design([1, 1], 16, rng=gen)
    assert not np.array_equal(d1.A, d2.A)


def _toy(n=64, t=3, seed=0):
    gen = np.random.default_rng(seed)
    return gen.random((n, t)), gen.random((n, t)), gen.random((2, n, t))


def test_same_rng_gives_same_intervals_and_different_seeds_differ():
    fa, fb, fab = _toy()
    r1 = sobol_indices(fa, fb, fab, n_bootstrap=50, rng=3)
    r2 = sobol_indices(fa, fb, fab, n_bootstrap=50, rng=3)
    r3 = sobol_indices(fa, fb, fab, n_bootstrap=50, rng=4)
    for name in SobolIndices._ARRAYS:
        assert_array_equal(getattr(r1, name), getattr(r2, name))
    assert r1 == r2
    assert_array_equal(r1.S1, r3.S1)
    assert not np.array_equal(r1.S1_conf, r3.S1_conf)
    gen = np.random.default_rng(3)
    first = sobol_indices(fa, fb, fab, n_bootstrap=50, rng=gen)
    second = sobol_indices(fa, fb, fab, n_bootstrap=50, rng=gen)
    assert not np.array_equal(first.S1_conf, second.S1_conf)


def test_numbers_do_not_depend_on_memory_chunking(monkeypatch):
    fa, fb, fab = _toy(n=128, t=7)
    whole = sobol_indices(fa, fb, fab, n_bootstrap=230, rng=5)
    monkeypatch.setattr(_sobol_indices, "_MEMORY_BUDGET", 1)  # one output per chunk
    chunked = sobol_indices(fa, fb, fab, n_bootstrap=230, rng=5)
    assert_array_equal(chunked.S1, whole.S1)
    assert_array_equal(chunked.ST, whole.ST)
    # same resamples; matrix-product rounding may differ in the last bit
    for name in SobolIndices._ARRAYS:
        assert_allclose(getattr(chunked, name), getattr(whole, name), rtol=1e-13)


def test_vectorised_outputs_equal_one_call_per_output():
    fa, fb, fab = _toy(n=128, t=5)
    together = sobol_indices(fa, fb, fab, n_bootstrap=120, rng=9)
    for j in range(5):
        alone = sobol_indices(fa[:, j], fb[:, j], fab[:, :, j], n_bootstrap=120, rng=9)
        for name in SobolIndices._ARRAYS:
            assert_allclose(
                getattr(alone, name), getattr(together, name)[:, j], rtol=1e-12
            )


def test_trailing_dimensions_are_kept():
    gen = np.random.default_rng(0)
    fa, fb, fab = (
        gen.random((32, 2, 3)),
        gen.random((32, 2, 3)),
        gen.random((4, 32, 2, 3)),
    )
    res = sobol_indices(fa, fb, fab, n_bootstrap=10, rng=0)
    assert res.S1.shape == res.ST_high.shape == (4, 2, 3)
    assert res.output_shape == (2, 3)
    assert res.to_table()[0]["output"] == (0, 0)
    assert len(res.to_table()) == 4 * 6


# ---------------------------------------------------------------------------
# design object
# ---------------------------------------------------------------------------
def test_design_structure_and_split_round_trip():
    design = saltelli_design([2, 1, 3], 16, groups=["a", "b", "c"], rng=0)
    assert (design.n, design.n_dims, design.n_groups, design.n_runs) == (16, 6, 3, 80)
    assert design.slices == (slice(0, 2), slice(2, 3), slice(3, 6))
    for g, cols in enumerate(design.slices):
        other = np.ones(6, dtype=bool)
        other[cols] = False
        assert_array_equal(design.AB[g][:, cols], design.B[:, cols])
        assert_array_equal(design.AB[g][:, other], design.A[:, other])
    x = design.stack()
    assert x.shape == (80, 6)
    assert np.all((x >= 0) & (x < 1))
    assert_array_equal(x[0], design.A[0])
    assert_array_equal(x[1], design.AB[0, 0])
    assert_array_equal(x[4], design.B[0])
    fa, fb, fab = design.split(x)
    assert_array_equal(fa, design.A)
    assert_array_equal(fb, design.B)
    assert_array_equal(fab, design.AB)


def test_design_is_frozen_with_read_only_arrays():
    design = saltelli_design([1, 1], 8, rng=0)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        design.method = "random"  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        design.A[0, 0] = 0.5
    assert hash(design) == hash(saltelli_design([1, 1], 8, rng=0))
    assert "shape (8, 2)" in repr(design)


def test_result_object():
    fa, fb, fab = _toy(n=64, t=2)
    res = sobol_indices(
        fa, fb, fab, groups=["w", "m"], outputs=["u1", "u2"], n_bootstrap=20, rng=0
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        res.n = 3  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        res.S1[0, 0] = 1.0
    d = res.to_dict()
    assert d["groups"] == ["w", "m"]
    assert d["outputs"] == ["u1", "u2"]
    assert (d["n"], d["n_bootstrap"], d["method"]) == (64, 20, "saltelli_2010")
    assert np.asarray(d["ST_high"]).shape == (2, 2)
    rows = res.to_table()
    assert [(r["output"], r["group"]) for r in rows] == [
        ("u1", "w"),
        ("u1", "m"),
        ("u2", "w"),
        ("u2", "m"),
    ]
    assert rows[3]["S1"] == res.S1[1, 1]
    assert set(rows[0]) == {"output", "group", *SobolIndices._ARRAYS}
    assert pickle.loads(pickle.dumps(res)) == res
    scalar = sobol_indices(fa[:, 0], fb[:, 0], fab[:, :, 0], n_bootstrap=0)
    assert "output" not in scalar.to_table()[0]
    assert np.isnan(scalar.S1_conf).all()
    assert np.isfinite(scalar.S1).all()


# ---------------------------------------------------------------------------
# discrete factors
# ---------------------------------------------------------------------------
def test_discretise_maps_floor_u_times_m():
    u = np.array([0.0, 0.249, 0.25, 0.5, 0.74, 0.75, 0.999999, 1.0])
    assert discretise(u, 4).tolist() == [0, 0, 1, 2, 2, 3, 3, 3]
    assert discretise(np.nextafter(1.0, 0.0), 10**9).item() == 10**9 - 1
    assert discretise(u, 1).tolist() == [0] * 8
    assert discretise([[0.1, 0.9]], 2).shape == (1, 2)


def test_discretise_levels_are_balanced_on_a_sobol_design():
    design = saltelli_design([1, 1], 2**10, rng=1)
    counts = np.bincount(discretise(design.A[:, 0], 4), minlength=4)
    assert counts.tolist() == [256] * 4


@pytest.mark.parametrize(
    ("u", "m", "error", "match"),
    [
        ([0.5, 1.5], 3, ParameterValueError, r"'u' must be in \[0, 1\] \(got 1.5\)"),
        ([np.nan], 3, ParameterValueError, r"'u' must be in \[0, 1\] \(got nan\)"),
        ([0.5], 0, ParameterValueError, r"'m' must be an integer >= 1 \(got 0\)"),
        ([0.5], 2.0, ParameterTypeError, r"'m' must be an integer >= 1 \(got 2.0\)"),
        (
            ["a"],
            2,
            ParameterTypeError,
            r"discretise\(\): 'u' must be an array of numbers",
        ),
    ],
)
def test_discretise_errors(u, m, error, match):
    with pytest.raises(error, match=match):
        discretise(u, m)


# ---------------------------------------------------------------------------
# degenerate outputs: NaN with a named warning, never silently
# ---------------------------------------------------------------------------
def test_constant_output_gives_nan_and_a_named_warning():
    fa, fb, fab = _toy(n=64, t=3)
    fa[:, 1] = fb[:, 1] = 2.5
    fab[:, :, 1] = 7.0  # only the AB runs vary: still no variance in A and B
    with pytest.warns(
        DegenerateIndicatorWarning,
        match=r"sobol_indices\(\): no variance on the base samples A and B .* "
        r"for 1 output\(s\) \('u2'\)\. .* their indices are NaN",
    ):
        res = sobol_indices(
            fa, fb, fab, outputs=["u1", "u2", "u3"], n_bootstrap=20, rng=0
        )
    for name in SobolIndices._ARRAYS:
        arr = getattr(res, name)
        assert np.isnan(arr[:, 1]).all()
        assert np.isfinite(arr[:, [0, 2]]).all()


def test_rounding_noise_counts_as_constant():
    fa = np.full(32, 0.3) + np.resize([0.0, 5.551115123125783e-17], 32)
    with pytest.warns(DegenerateIndicatorWarning, match="for the output"):
        res = sobol_indices(fa, fa[::-1].copy(), np.stack([fa, fa]), n_bootstrap=0)
    assert np.isnan(res.S1).all()


def test_non_finite_output_gives_nan_and_a_named_warning():
    fa, fb, fab = _toy(n=64, t=3)
    fab[1, 5, 2] = np.nan
    with pytest.warns(
        DegenerateIndicatorWarning, match=r"non-finite model values .* \(2\)\. Their"
    ):
        res = sobol_indices(fa, fb, fab, n_bootstrap=0)
    assert np.isnan(res.ST[:, 2]).all()
    assert np.isfinite(res.ST[:, :2]).all()


def test_constant_bootstrap_resamples_are_left_out_with_a_warning():
    fa = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    fb = np.zeros(6)
    fab = np.stack([fa[::-1].copy()])
    with pytest.warns(DegenerateIndicatorWarning, match="constant bootstrap resamples"):
        res = sobol_indices(fa, fb, fab, n_bootstrap=100, rng=0)
    assert np.isfinite(res.S1).all()
    assert np.isfinite(res.S1_conf).all()
    assert np.isfinite(res.ST_high).all()


def test_degenerate_warning_lists_at_most_ten_outputs():
    fa, fb, fab = _toy(n=16, t=12)
    fa[:] = fb[:] = 1.0
    with pytest.warns(
        DegenerateIndicatorWarning, match=r"12 output\(s\) \(0, 1, .*9 and 2 more\)"
    ):
        sobol_indices(fa, fb, fab, n_bootstrap=0)


# ---------------------------------------------------------------------------
# errors (messages are API)
# ---------------------------------------------------------------------------
def test_sobol_needs_a_power_of_two():
    with pytest.raises(
        ParameterValueError,
        match=r"saltelli_design\(\): 'n' must be a power of two with method='sobol' "
        r"\(got 1000\)\. Use n=512 or n=1024, or method='random'",
    ):
        saltelli_design([1, 1], 1000)
    assert saltelli_design([1, 1], 1000, method="random", rng=0).n == 1000


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (
            {"n_groups_dims": [1, 0]},
            ParameterValueError,
            r"'n_groups_dims\[1\]' must be an integer >= 1",
        ),
        (
            {"n_groups_dims": []},
            ParameterValueError,
            r"'n_groups_dims' must be a non-empty",
        ),
        (
            {"n_groups_dims": 3},
            ParameterTypeError,
            r"'n_groups_dims' must be a sequence",
        ),
        (
            {"n_groups_dims": [1.5]},
            ParameterTypeError,
            r"'n_groups_dims\[0\]' must be an integer",
        ),
        ({"n": 1}, ParameterValueError, r"'n' must be an integer >= 2 \(got 1\)"),
        ({"n": True}, ParameterTypeError, r"'n' must be an integer"),
        (
            {"method": "lhs"},
            ParameterValueError,
            r"'method' must be one of 'sobol', 'random' \(got 'lhs'\)",
        ),
        (
            {"groups": ["a"]},
            ParameterValueError,
            r"'groups' must be a sequence of 2 strings",
        ),
        ({"groups": ["a", "a"]}, ParameterValueError, r"'groups' must be unique names"),
        (
            {"groups": "ab"},
            ParameterTypeError,
            r"'groups' must be a sequence of strings",
        ),
    ],
)
def test_design_errors(kwargs, error, match):
    args = {"n_groups_dims": [1, 1], "n": 8, **kwargs}
    with pytest.raises(error, match=r"saltelli_design\(\): " + match):
        saltelli_design(**args)


def test_split_checks_the_number_of_rows():
    design = saltelli_design([1, 1], 8, rng=0)
    with pytest.raises(
        ParameterValueError,
        match=r"SaltelliDesign.split\(\): 'Y' must be an array with "
        r"n \* \(G \+ 2\) = 32 rows \(got \(31,\)\)\. Evaluate the model on every row",
    ):
        design.split(np.zeros(31))


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        (
            {"fB": np.zeros((10, 3))},
            ParameterValueError,
            r"'fB' must be of the shape of fA \(8, 2\) \(got \(10, 3\)\)",
        ),
        (
            {"fAB": np.zeros((2, 8, 3))},
            ParameterValueError,
            r"'fAB' must be of shape \(G, 8, 2\), one block per group "
            r"\(got \(2, 8, 3\)\)",
        ),
        (
            {"fAB": np.zeros((8, 2))},
            ParameterValueError,
            r"'fAB' must be of shape \(G, 8, 2\)",
        ),
        (
            {
                "fA": np.zeros((1, 2)),
                "fB": np.zeros((1, 2)),
                "fAB": np.zeros((1, 1, 2)),
            },
            ParameterValueError,
            r"'fA' must be at least 2 rows",
        ),
        (
            {"fA": 1.0},
            ParameterValueError,
            r"'fA' must be an array with one row per base sample",
        ),
        (
            {"fA": [["x", "y"]] * 8},
            ParameterTypeError,
            r"'fA' must be an array of numbers",
        ),
        (
            {"confidence": 0.0},
            ParameterValueError,
            r"'confidence' must be strictly between 0 and 1 \(got 0.0\)\. "
            r"For a 95% interval pass 0.95\.",
        ),
        (
            {"confidence": 95},
            ParameterValueError,
            r"'confidence' must be strictly between 0 and 1 \(got 95\)",
        ),
        ({"confidence": "0.9"}, ParameterTypeError, r"'confidence' must be a number"),
        ({"confidence": True}, ParameterTypeError, r"'confidence' must be a number"),
        (
            {"n_bootstrap": 1},
            ParameterValueError,
            r"'n_bootstrap' must be 0 \(no bootstrap\) or an integer >= 2",
        ),
        (
            {"n_bootstrap": -5},
            ParameterValueError,
            r"'n_bootstrap' must be an integer >= 0",
        ),
        (
            {"n_bootstrap": 10.0},
            ParameterTypeError,
            r"'n_bootstrap' must be an integer",
        ),
        (
            {"groups": ["a", "b", "c"]},
            ParameterValueError,
            r"'groups' must be a sequence of 2 strings \(one per group\)",
        ),
        (
            {"outputs": ["u"]},
            ParameterValueError,
            r"'outputs' must be a sequence of 2 strings \(one per output\)",
        ),
    ],
)
def test_sobol_indices_errors(change, error, match):
    gen = np.random.default_rng(0)
    args = {
        "fA": gen.random((8, 2)),
        "fB": gen.random((8, 2)),
        "fAB": gen.random((2, 8, 2)),
        "n_bootstrap": 10,
        **change,
    }
    with pytest.raises(error, match=r"sobol_indices\(\): " + match):
        sobol_indices(**args)


def test_outputs_need_one_trailing_dimension():
    gen = np.random.default_rng(0)
    with pytest.raises(ParameterValueError, match="'outputs' must be None unless"):
        sobol_indices(
            gen.random(8),
            gen.random(8),
            gen.random((1, 8)),
            outputs=["y"],
            n_bootstrap=0,
        )


def test_design_validates_its_own_fields():
    design = saltelli_design([1, 1], 8, rng=0)
    with pytest.raises(ParameterValueError, match=r"SaltelliDesign\(\): 'dims'"):
        attrs.evolve(design, dims=(1, 2))
    with pytest.raises(ParameterValueError, match=r"SaltelliDesign\(\): 'AB'"):
        attrs.evolve(design, AB=design.AB[:1])
    assert isinstance(attrs.evolve(design), SaltelliDesign)
