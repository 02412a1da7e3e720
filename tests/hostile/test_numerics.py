"""Hostile numbers: overflow, memory, seeds, integer options and their messages.

Classes of issue 11 covered here: 4 (float overflow), 8 (memory guard),
9 (``--rng -1``), 10 (arguments silently ignored), 12 (messages) and 13
(reproducibility). Every command-line case runs `kampala.cli.main` in
process through the shared harness; the Python cases call the public API.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kampala import Framework, KampalaError, Node, Normalise, ParameterValueError
from kampala import sensitivity as sa
from kampala._internal.params import parse_spec
from kampala.composite import normalise as _normalise
from kampala.composite.kernel import weighted_mean
from kampala.composite.weights.simple import explicit_weights
from kampala.data import asem_paths, sample_portfolio
from kampala.methodology import kps1
from tests.hostile.harness import assert_clean_failure, assert_clean_run, run

HUGE = "1099511627776"  # 2**40 samples: 48 TiB of design alone


def _asem(tmp_path: Path, weight: str | None = None) -> tuple[str, str]:
    """The ASEM files, with every iMeta weight replaced by ``weight``."""
    data, meta = asem_paths()
    if weight is None:
        return str(data), str(meta)
    with meta.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    col = rows[0].index("Weight")
    for row in rows[1:]:
        if row[col].strip():
            row[col] = weight
    out = tmp_path / f"meta-{weight}.csv"
    with out.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return str(data), str(out)


# -- class 4: float overflow -------------------------------------------------------
def test_c4_huge_relative_weights_score_like_equal_weights(tmp_path: Path) -> None:
    huge = run(
        ["score", "--weights", "P1=1e308,P2=1e308", "--format", "json"], tmp_path
    )
    # the other principles keep weight 1: next to 1e308 that is exactly 0
    plain = run(
        ["score", "--weights", "P1=1,P2=1,P3=0,P4=0,P5=0", "--format", "json"],
        tmp_path,
    )
    assert_clean_run(huge, tmp_path)
    assert huge.status == 0, huge.stderr
    rows = json.loads(huge.stdout)["partnerships"]
    assert any(r["overall"] is not None for r in rows)
    expected = json.loads(plain.stdout)["partnerships"]
    # evidence bounds are computed over sets of principles: weights 1e-308 and
    # 0 may differ in the last bits there, never more
    bounds = {k for k in rows[0] if k.endswith(("_low", "_high"))}
    for row, exp in zip(rows, expected, strict=True):
        assert {k: row[k] for k in bounds} == pytest.approx({k: exp[k] for k in bounds})
        assert {k: v for k, v in row.items() if k not in bounds} == {
            k: v for k, v in exp.items() if k not in bounds
        }


def test_c4_huge_imeta_weights_keep_every_aggregate(tmp_path: Path) -> None:
    data, meta_huge = _asem(tmp_path, "1e308")
    _, meta_one = _asem(tmp_path, "1")
    huge = run(["index", data, meta_huge, "--out", "huge.csv"], tmp_path)
    one = run(["index", data, meta_one, "--out", "one.csv"], tmp_path)
    assert huge.status == 0, huge.stderr
    assert one.status == 0, one.stderr
    assert "RuntimeWarning" not in huge.stderr
    assert "encountered" not in huge.stderr
    assert (tmp_path / "huge.csv").read_text() == (tmp_path / "one.csv").read_text()


@pytest.mark.parametrize(
    ("spec", "names"),
    [
        pytest.param("min-max:-1e308,1e308", ["upper", "overflows"], id="c4-minmax"),
        pytest.param("goalposts:-1e308,1e308", ["upper", "overflows"], id="c4-goal"),
        pytest.param("z-score:0,1e308", ["params", "z-score"], id="c4-zscore-sd"),
        pytest.param("min-max:0,1e309", ["upper", "1e309"], id="c4-minmax-1e309"),
    ],
)
def test_c4_normalise_overflow_is_an_error(
    tmp_path: Path, spec: str, names: list[str]
) -> None:
    data, meta = _asem(tmp_path)
    out = run(["index", data, meta, "--normalise", spec, "--out", "x.csv"], tmp_path)
    assert_clean_failure(out, names=["--normalise" if "1e309" in spec else "", *names])


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["--aggregate", "generalised-mean:1e300"], id="c4-p-huge"),
        pytest.param(["--aggregate", "generalised-mean:-1e300"], id="c4-p-tiny"),
        pytest.param(["--aggregate", "geometric"], id="c4-geometric"),
        pytest.param(["--aggregate", "mazziotta-pareto"], id="c4-mpi"),
        pytest.param(["--normalise", "min-max:1e-300,1e-299"], id="c4-subnormal"),
        pytest.param(["--normalise", "goalposts:0,1,1e308"], id="c4-scale"),
    ],
)
def test_c4_extreme_parameters_never_warn_raw(
    tmp_path: Path, options: list[str]
) -> None:
    data, meta = _asem(tmp_path, "1e308")
    if options[0] == "--aggregate":
        options = ["--normalise", "min-max:1,100", *options]
    out = run(["index", data, meta, *options, "--out", "x.csv"], tmp_path)
    assert_clean_run(out, tmp_path)
    assert "RuntimeWarning" not in out.stderr
    assert "encountered" not in out.stderr
    if out.status == 0:
        assert "inf" not in (tmp_path / "x.csv").read_text().lower()


_EXTREME = st.sampled_from(
    [0.0, 1e-308, 5e-324, 1.0, 1e300, 1e308, 1.7976931348623157e308]
).flatmap(lambda v: st.sampled_from([v, -v]))


@settings(max_examples=15, deadline=None)
@given(
    method=st.sampled_from(["min-max", "goalposts", "z-score"]),
    a=_EXTREME,
    b=_EXTREME,
)
def test_c4_random_extreme_bounds_never_write_inf(
    tmp_path_factory: pytest.TempPathFactory, method: str, a: float, b: float
) -> None:
    folder = tmp_path_factory.mktemp("c4")
    data, meta = _asem(folder)
    spec = f"{method}:{a!r},{b!r}"
    out = run(["index", data, meta, "--normalise", spec, "--out", "x.csv"], folder)
    assert_clean_run(out, folder)
    assert "encountered" not in out.stderr
    if out.status == 0:
        assert "inf" not in (folder / "x.csv").read_text().lower()


def test_c4_python_weights_are_relative() -> None:
    assert explicit_weights({"a": 1e308, "b": 1e308}) == {"a": 0.5, "b": 0.5}
    fw = Framework(
        nodes=[
            Node(code="a", parent="P", weight=1e308),
            Node(code="b", parent="P", weight=1e308),
            Node(code="P", level=2, kind="aggregate"),
        ]
    )
    assert fw.effective_weights().tolist() == [0.5, 0.5]
    with pytest.raises(ParameterValueError, match="overflows"):
        Normalise(method="min-max", params={"lower": -1e308, "upper": 1e308})


@settings(max_examples=60, deadline=None)
@given(
    exponent=st.integers(-1000, 1023),
    w=st.lists(st.floats(0.01, 100.0), min_size=2, max_size=5),
    method=st.sampled_from(
        ["arithmetic", "geometric", "harmonic", "generalised-mean", "minimum"]
    ),
)
def test_c4_scaled_weights_give_the_same_means(
    exponent: int, w: list[float], method: str
) -> None:
    """Weights are relative: scaling them by any power of two changes nothing."""
    x = np.random.default_rng(len(w)).uniform(0.5, 2.0, (4, len(w)))
    x[0, 0] = np.nan
    base = np.array(w)
    with np.errstate(over="ignore"):
        scaled = np.ldexp(base, exponent)
    if not np.isfinite(scaled).all() or not (scaled > 0).all():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        a = weighted_mean(x, base, method, p=3.0, min_coverage=0.1)
        b = weighted_mean(x, scaled, method, p=3.0, min_coverage=0.1)
    assert np.isfinite(a[1:]).all()  # unit 0 may fall below min_coverage
    np.testing.assert_array_equal(a, b)


# -- class 8: memory guard ---------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "names"),
    [
        pytest.param(["--n", HUGE], ["--n", "memory", "PiB"], id="c8-n-2pow40"),
        pytest.param(
            ["--n", HUGE, "--analysis", "sobol"], ["--n", "memory"], id="c8-sobol"
        ),
        pytest.param(
            ["--n", "256", "--max-memory", "1K"], ["--max-memory"], id="c8-limit"
        ),
        pytest.param(
            ["--n", "256", "--max-memory", "lots"], ["--max-memory"], id="c8-bad-size"
        ),
    ],
)
def test_c8_memory_guard_cli(tmp_path: Path, args: list[str], names: list[str]) -> None:
    out = run(["sensitivity", "--rng", "1", *args, "--out", "o"], tmp_path)
    assert_clean_failure(out, names=names, limit=5.0)
    assert out.stdout == ""


def test_c8_memory_guard_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAMPALA_MAX_MEMORY", "1KiB")
    out = run(["sensitivity", "--n", "256", "--rng", "1"], tmp_path)
    assert_clean_failure(out, names=["'--n'", "256", "memory"])
    monkeypatch.setenv("KAMPALA_MAX_MEMORY", "much")
    out = run(["sensitivity", "--n", "256", "--rng", "1"], tmp_path)
    assert_clean_failure(out, names=["KAMPALA_MAX_MEMORY"])


@pytest.mark.parametrize(
    "call",
    [
        pytest.param("uncertainty", id="c8-py-uncertainty"),
        pytest.param("sobol", id="c8-py-sobol"),
        pytest.param("smaa", id="c8-py-smaa"),
        pytest.param("problem", id="c8-py-problem"),
    ],
)
def test_c8_memory_guard_python(call: str) -> None:
    spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2)])
    m, p = kps1(), sample_portfolio()
    calls = {
        "uncertainty": lambda: sa.uncertainty_analysis(m, p, spec, n=2**40, rng=0),
        "sobol": lambda: sa.sensitivity_analysis(m, p, spec, n=2**40, rng=0),
        "smaa": lambda: sa.smaa(np.eye(3), n=2**40, rng=0),
        "problem": lambda: sa.AnalysisProblem(
            m, p, spec, np.zeros((64, 5)), max_memory="1KiB"
        ),
    }
    with pytest.raises(ParameterValueError, match="max_memory") as info:
        calls[call]()
    assert info.value.field == "n"


# -- class 9: --rng -1 and other seeds ---------------------------------------------
@pytest.mark.parametrize(
    "rng", [pytest.param(-1, id="c9-rng-negative"), pytest.param(True, id="c9-bool")]
)
def test_c9_bad_seed_python(rng: object) -> None:
    spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2)])
    with pytest.raises(KampalaError, match="rng"):
        sa.uncertainty_analysis(kps1(), sample_portfolio(), spec, n=16, rng=rng)  # type: ignore[arg-type]


def test_c9_negative_rng_cli(tmp_path: Path) -> None:
    out = run(["sensitivity", "--rng", "-1", "--out", "o"], tmp_path)
    assert_clean_failure(out, names=["--rng", "non-negative integer"])


# -- class 10: arguments never ignored ---------------------------------------------
_C10 = [  # (id, command line, words the error names, separated by |)
    ("c10-missing-arg", "sensitivity --vary missing:1", "missing"),
    ("c10-empty-levels", "sensitivity --vary weights@:0.1", "@"),
    ("c10-bad-levels", "sensitivity --vary weights@x:0.1", "levels"),
    ("c10-coverage-at", "sensitivity --vary coverage@2:0.5,0.7", "@LEVELS"),
    ("c10-dirichlet-two", "sensitivity --vary dirichlet@1,2:5", "one level"),
    ("c10-no-value", "sensitivity --vary weights", "value"),
    ("c10-underscore", "sensitivity --vary weights:1_0", "numbers"),
    ("c10-unknown", "sensitivity --vary bogus:1", "forms"),
    ("c10-topk-zero", "sensitivity --top-k 0", "--top-k"),
    ("c10-topk-negative", "sensitivity --top-k -3", "--top-k"),
    ("c10-n-zero", "sensitivity --n 0", "--n|power of 2"),
    ("c10-n-negative", "sensitivity --n -8", "--n"),
    ("c10-n-not-pow2", "sensitivity --n 1000", "--n|512 or 1024"),
    ("c10-top-negative", "demo --asem --top -5", "--top|>= 1"),
    ("c10-top-zero", "demo --asem --top 0", "--top"),
    ("c10-top-without-asem", "demo --top 3", "--asem"),
    ("c10-weights-underscore", "score --weights P1=1_000", "--weights"),
    ("c10-weights-fullwidth", "score --weights P1=\uff12", "--weights"),
    ("c10-weights-unknown", "score --weights X9=2", "X9|P1, P2"),
]


@pytest.mark.parametrize(
    ("args", "names"),
    [pytest.param(a.split(), n.split("|"), id=i) for i, a, n in _C10],
)
def test_c10_bad_options_fail_cleanly(
    tmp_path: Path, args: list[str], names: list[str]
) -> None:
    out = run([*args, "--out", "o"] if args[0] == "sensitivity" else args, tmp_path)
    assert_clean_failure(out, names=names, limit=5.0)


def test_c10_lowercase_weight_code_is_the_code(tmp_path: Path) -> None:
    lower = run(["score", "--weights", "p1=3", "--format", "json"], tmp_path)
    upper = run(["score", "--weights", "P1=3", "--format", "json"], tmp_path)
    assert lower.status == 0, lower.stderr
    assert lower.stdout == upper.stdout


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        pytest.param("min-max:0,1_000", "upper", id="c10-spec-underscore"),
        pytest.param("min-max:0,\uff11\uff10\uff10", "upper", id="c10-spec-fullwidth"),
        pytest.param("min-max:0," + "9" * 5000, "upper", id="c9-spec-5000-digits"),
    ],
)
def test_c10_spec_numbers_are_plain_ascii(spec: str, field: str) -> None:
    with pytest.raises(KampalaError) as info:
        parse_spec("--normalise", _normalise.METHODS, spec)
    assert info.value.field == field


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30))
def test_c10_any_spec_text_is_parsed_or_refused(text: str) -> None:
    for name in ("min-max", "goalposts", "z-score"):
        with contextlib.suppress(KampalaError):
            parse_spec("--normalise", _normalise.METHODS, f"{name}:{text}")


# -- class 12: messages --------------------------------------------------------------
_C12 = [  # (id, command line, words the error names, separated by |)
    ("c12-weights-1e309", "score --weights P1=1e309", "'1e309'|too large"),
    ("c12-spec-1e309", "index D M --treat winsorise:5,1e309", "'1e309'|skew"),
    ("c12-screen-1e309", "index D M --screen 1e309", "'1e309'"),
    ("c12-vary-1e309", "sensitivity --vary weights:1e309", "float range"),
    ("c12-n-16", "sensitivity --n 16", "--n|256|--analysis uncertainty"),
    ("c12-dirichlet-tiny", "sensitivity --vary dirichlet:1e-308", "concentration"),
]


@pytest.mark.parametrize(
    ("args", "names"),
    [pytest.param(a.split(), n.split("|"), id=i) for i, a, n in _C12],
)
def test_c12_messages_name_the_command_line(
    tmp_path: Path, args: list[str], names: list[str]
) -> None:
    data, meta = _asem(tmp_path)
    args = [data if a == "D" else meta if a == "M" else a for a in args]
    if args[0] == "sensitivity":
        args = [*args, "--rng", "1", "--out", "o"]
    out = run(args, tmp_path)
    assert_clean_failure(out, names=names, limit=5.0)
    assert "got inf" not in out.stderr
    assert out.stdout == ""  # nothing printed, no finished result thrown away


# -- class 13: reproducibility -------------------------------------------------------
def test_c13_unseeded_run_records_a_seed_that_repeats_it(tmp_path: Path) -> None:
    first = run(["sensitivity", "--n", "256", "--out", "a"], tmp_path)
    assert first.status == 0, first.stderr
    ua = json.loads((tmp_path / "a" / "uncertainty.json").read_text())
    sobol = json.loads((tmp_path / "a" / "sobol.json").read_text())
    assert isinstance(ua["seed"], int)
    assert ua["seed"] == sobol["seed"]
    again = run(
        ["sensitivity", "--n", "256", "--rng", str(ua["seed"]), "--out", "b"], tmp_path
    )
    assert again.status == 0, again.stderr
    for name in ("uncertainty.json", "sobol.json", "uncertainty.csv", "sobol.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (
            tmp_path / "b" / name
        ).read_bytes()


def test_c13_python_results_record_the_seed() -> None:
    spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2)])
    m, p = kps1(), sample_portfolio()
    res = sa.uncertainty_analysis(m, p, spec, n=16, rng=None)
    assert isinstance(res.seed, int)
    assert res.to_dict()["seed"] == res.seed
    same = sa.uncertainty_analysis(m, p, spec, n=16, rng=res.seed)
    assert json.dumps(same.to_dict()) == json.dumps(res.to_dict())
    assert sa.uncertainty_analysis(m, p, spec, n=16, rng=7).seed == 7
    gen = np.random.default_rng(1)
    assert sa.uncertainty_analysis(m, p, spec, n=16, rng=gen).seed is None
    top = sa.smaa(np.eye(3), n=100)
    assert top.to_dict()["seed"] == top.seed
    assert not math.isnan(sa.smaa(np.eye(3), n=100, rng=top.seed).acceptability.sum())
