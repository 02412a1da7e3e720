from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pytest

from kampala import Aggregate, Methodology, Normalise
from kampala.cli import main
from kampala.errors import DegenerateIndicatorWarning
from kampala.io import read_coinr

META = """Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,x,Indicator x,1,1,,,,P,Indicator
1,y,Indicator y,-1,1,,,,P,Indicator
1,z,Indicator z,1,2,,,,T,Indicator
2,P,Pillar,1,1,,,,T,Aggregate
3,T,Index,1,1,,,,,Aggregate
,grp,Group,,,,,,,Group
"""

DATA = """uCode,uName,grp,x,y,z
A,Alpha,G1,1,2,3
B,Beta,G1,2,4,5
C,Gamma,G2,5,,7
D,Delta,G2,3,1,2
"""


@pytest.fixture
def small(tmp_path: Path) -> tuple[str, str]:
    d = tmp_path / "iData.csv"
    m = tmp_path / "iMeta.csv"
    d.write_text(DATA, encoding="utf-8")
    m.write_text(META, encoding="utf-8")
    return str(d), str(m)


@pytest.fixture
def asem_args(asem_paths: tuple[Path, Path]) -> list[str]:
    return [str(asem_paths[0]), str(asem_paths[1])]


def fails_cleanly(
    capsys: pytest.CaptureFixture[str], argv: list[str], match: str
) -> str:
    """Run the command line, expect status 2 and one clean error line."""
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert match in lines[0], lines[0]
    return lines[0]


def read_out(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


# -- successful runs ----------------------------------------------------------------
def test_default_run_prints_the_ranking(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    assert main(["index", *small]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("T — methodology cli-index 1 (sha256:")
    assert lines[1].split() == ["rank", "code", "name", "score"]
    assert len(lines) == 2 + 4
    assert err == ""


def test_default_run_is_min_max_0_100_and_arithmetic(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    out_csv = tmp_path / "scores.csv"
    assert main(["index", *small, "--out", str(out_csv), "--digits", "full"]) == 0
    _, err = capsys.readouterr()
    assert err.startswith("wrote 4 units x 2 aggregates to ")
    rows = read_out(out_csv)
    assert list(rows[0]) == ["uCode", "P", "T", "rank"]
    expected = (
        Methodology(
            id="x",
            version="1",
            steps=[
                Normalise(method="min-max", params={"lower": 0, "upper": 100}),
                Aggregate(method="arithmetic"),
            ],
        )
        .run(read_coinr(*small))
        .table()
    )
    assert [r["uCode"] for r in rows] == [r["uCode"] for r in expected]
    for got, want in zip(rows, expected, strict=True):
        assert float(got["P"]) == want["P"]  # written with repr: exact
        assert float(got["T"]) == want["T"]
        assert int(got["rank"]) == want["rank"]


def test_asem_out_has_every_aggregate(
    capsys: pytest.CaptureFixture[str], asem_args: list[str], tmp_path: Path
) -> None:
    out_csv = tmp_path / "asem.csv"
    assert main(["index", *asem_args, "--out", str(out_csv)]) == 0
    capsys.readouterr()
    rows = read_out(out_csv)
    fw = read_coinr(*asem_args).framework
    assert list(rows[0]) == ["uCode", *fw.aggregate_codes, "rank"]
    assert len(rows) == 51
    assert sorted(int(r["rank"]) for r in rows) == list(range(1, 52))


def test_full_build_matches_the_reference_methodology(
    capsys: pytest.CaptureFixture[str], asem_args: list[str], tmp_path: Path
) -> None:
    from kampala.cli import asem_methodology

    out_csv = tmp_path / "asem.csv"
    saved = tmp_path / "m.json"
    argv = [
        "index",
        *asem_args,
        "--denominate",
        "--impute",
        "group-mean:EurAsia_group",
        "--screen",
        "0.9",
        "--treat",
        "winsorise:5",
        "--normalise",
        "min-max:0,100",
        "--aggregate",
        "arithmetic",
        "--out",
        str(out_csv),
        "--save-methodology",
        str(saved),
        "--digits",
        "full",
    ]
    assert main(argv) == 0
    capsys.readouterr()
    with pytest.warns(DegenerateIndicatorWarning, match="'Energy'.*'LAO'"):
        ref = asem_methodology().run(read_coinr(*asem_args))
    rows = read_out(out_csv)
    np.testing.assert_array_equal([float(r["Index"]) for r in rows], ref.score())
    m = Methodology.from_json(saved.read_text(encoding="utf-8"))
    assert m.steps == asem_methodology().steps
    # the saved methodology reproduces the run
    again = tmp_path / "again.csv"
    assert (
        main(
            [
                "index",
                *asem_args,
                "--methodology",
                str(saved),
                "--out",
                str(again),
                "--digits",
                "full",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert again.read_text() == out_csv.read_text()


def test_steps_run_in_canonical_order(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    saved = tmp_path / "m.json"
    argv = ["index", *small, "--normalise", "rank", "--impute", "mean"]
    assert main([*argv, "--save-methodology", str(saved)]) == 0
    capsys.readouterr()
    steps = json.loads(saved.read_text())["steps"]
    assert [s["step"] for s in steps] == ["impute", "normalise", "aggregate"]
    assert steps[-1]["method"] == "arithmetic"


@pytest.mark.parametrize("spec", ["0.5", "availability:0.5", "threshold=0.5"])
def test_screen_spec_forms(
    capsys: pytest.CaptureFixture[str],
    small: tuple[str, str],
    tmp_path: Path,
    spec: str,
) -> None:
    saved = tmp_path / "m.json"
    assert (
        main(["index", *small, "--screen", spec, "--save-methodology", str(saved)]) == 0
    )
    capsys.readouterr()
    screen = json.loads(saved.read_text())["steps"][0]
    assert screen["params"]["threshold"] == 0.5


def test_warnings_go_to_stderr(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = tmp_path / "iData.csv"
    m = tmp_path / "iMeta.csv"
    d.write_text(
        DATA.replace("A,Alpha,G1,1,", "A,Alpha,G1,2,")
        .replace("C,Gamma,G2,5", "C,Gamma,G2,2")
        .replace("D,Delta,G2,3", "D,Delta,G2,2")
    )
    m.write_text(META)
    assert main(["index", str(d), str(m)]) == 0
    out, err = capsys.readouterr()
    assert "warning: normalise(): indicator 'x' has no spread" in err
    assert "Traceback" not in err
    assert out.startswith("T — methodology")


def test_demo_asem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--asem", "--top", "3"]) == 0
    out, _ = capsys.readouterr()
    assert "ASEM" in out
    table = out.split("\n\n", 1)[1].splitlines()
    assert table[0].startswith("Index — methodology ASEM-example 1")
    assert len(table) == 2 + 3


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    out, _ = capsys.readouterr()
    assert "usage: kampala" in out


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_exit_0(capsys: pytest.CaptureFixture[str], flag: str) -> None:
    assert main([flag]) == 0  # main returns; it never raises SystemExit
    out, _ = capsys.readouterr()
    assert "kampala" in out


# -- errors: status 2, one line on stderr, no traceback ------------------------------
def test_missing_file(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    fails_cleanly(
        capsys,
        ["index", "nope.csv", small[1]],
        "kampala: error: read_coinr() iData: 'path' must be an existing file "
        "(got 'nope.csv')",
    )


def test_unknown_method(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    fails_cleanly(
        capsys,
        ["index", *small, "--normalise", "minmax"],
        "--normalise: 'method' must be one of 'min-max', 'z-score'",
    )
    fails_cleanly(
        capsys,
        ["index", *small, "--aggregate", "median"],
        "--aggregate: 'method' must be one of 'arithmetic'",
    )


def test_non_numeric_parameters(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    fails_cleanly(
        capsys,
        ["index", *small, "--normalise", "min-max:a,b"],
        "--normalise: 'lower' must be a number for method 'min-max' (got 'a')",
    )


def test_too_many_parameters(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    fails_cleanly(
        capsys,
        ["index", *small, "--normalise", "min-max:1,2,3"],
        "--normalise: 'min-max:1,2,3' must be at most 2 parameter(s) for 'min-max': "
        "lower, upper",
    )


@pytest.mark.parametrize(
    ("option", "spec", "match"),
    [
        ("--normalise", "z-score:0,-1", "'sd' must be > 0 (got -1.0)"),
        (
            "--normalise",
            "min-max:low=1",
            "'params' must be a parameter of method 'min-max'",
        ),
        (
            "--aggregate",
            "generalised-mean",
            "'p' must be given for method 'generalised-mean'",
        ),
        ("--screen", "1.5", "'threshold' must be between 0 and 1 (got 1.5)"),
        ("--treat", "winsorise:-1", "'points' must be >= 0 (got -1)"),
        ("--impute", "group-mean", "'group' must be given for method 'group-mean'"),
        ("--impute", "group-mean:nogroup", "'name' must be one of the group columns"),
        ("--aggregate", "geometric", "must be >= 0 for the geometric mean"),
    ],
)
def test_bad_step_options(
    capsys: pytest.CaptureFixture[str],
    small: tuple[str, str],
    option: str,
    spec: str,
    match: str,
) -> None:
    argv = ["index", *small, option, spec]
    if option == "--aggregate" and spec == "geometric":
        argv += ["--normalise", "z-score"]
    fails_cleanly(capsys, argv, match)


def test_ragged_row(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    Path(small[0]).write_text(DATA.replace("B,Beta,G1,2,4,5", "B,Beta,G1,2,4"))
    fails_cleanly(
        capsys,
        ["index", *small],
        "iData.csv line 3: 'fields' must be 6 fields, as in the header (got 5)",
    )


def test_non_numeric_value(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    Path(small[0]).write_text(DATA.replace("B,Beta,G1,2,4,5", "B,Beta,G1,2,four,5"))
    fails_cleanly(
        capsys,
        ["index", *small],
        "iData.csv line 3 (unit 'B'): 'y' must be a number or NA (got 'four')",
    )


def test_binary_file(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    Path(small[0]).write_bytes(bytes(range(256)) * 4)
    fails_cleanly(capsys, ["index", *small], "kampala: error: iData.csv:")
    Path(small[0]).write_bytes(b"uCode,x\x00\nA,1\n")
    fails_cleanly(capsys, ["index", *small], "'content' must be a CSV text file")


def test_imeta_indicator_missing_from_idata(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    Path(small[0]).write_text(
        "\n".join(line.rsplit(",", 1)[0] for line in DATA.strip().split("\n")) + "\n"
    )
    fails_cleanly(
        capsys,
        ["index", *small],
        "iData.csv: 'header' must be present: iMeta declares this column (got 'z')",
    )


def test_extra_undeclared_column(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    lines = DATA.strip().split("\n")
    Path(small[0]).write_text(
        "\n".join([lines[0] + ",w"] + [line + ",0" for line in lines[1:]]) + "\n"
    )
    fails_cleanly(
        capsys,
        ["index", *small],
        "iData.csv: 'header' must be columns that iMeta declares (got ['w'])",
    )


def test_imeta_not_a_tree(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    Path(small[1]).write_text(
        META.replace("1,z,Indicator z,1,2,,,,T,", "1,z,Indicator z,1,2,,,,Q,")
    )
    fails_cleanly(
        capsys, ["index", *small], "node 'z': 'parent' must be the code of an aggregate"
    )


def test_methodology_and_step_options_conflict(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    fails_cleanly(
        capsys,
        [
            "index",
            *small,
            "--methodology",
            str(tmp_path / "m.json"),
            "--normalise",
            "rank",
        ],
        "give either --methodology or step options, not both",
    )


def test_methodology_file_errors(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "m.json"
    fails_cleanly(
        capsys,
        ["index", *small, "--methodology", str(path)],
        "kampala index: '--methodology' must be an existing file",
    )
    path.write_text("{not json")
    fails_cleanly(
        capsys,
        ["index", *small, "--methodology", str(path)],
        "'text' must be valid JSON",
    )
    m = Methodology(id="m", version="1", steps=[Normalise(), Aggregate()])
    d = m.to_dict()
    d["steps"][0]["params"]["upper"] = 10.0
    path.write_text(json.dumps(d))
    fails_cleanly(
        capsys,
        ["index", *small, "--methodology", str(path)],
        "'sha256' must be the hash of the content",
    )


def test_hand_written_methodology_with_short_level_rules(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    # a level rule may be written as just the method name, as in Python
    path = tmp_path / "m.json"
    doc = {
        "id": "m",
        "version": "1",
        "steps": [{"step": "aggregate", "levels": {"3": "geometric"}}],
    }
    path.write_text(json.dumps(doc))
    assert main(["index", *small, "--methodology", str(path)]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_hand_written_methodology_with_bad_levels(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "m.json"
    doc = {
        "id": "m",
        "version": "1",
        "steps": [{"step": "aggregate", "levels": {"three": "geometric"}}],
    }
    path.write_text(json.dumps(doc))
    fails_cleanly(
        capsys, ["index", *small, "--methodology", str(path)], "kampala: error:"
    )


def test_unwritable_out(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    fails_cleanly(
        capsys,
        ["index", *small, "--out", str(tmp_path / "no" / "such" / "dir.csv")],
        "kampala index: cannot write",
    )


def test_unwritable_save_methodology(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    fails_cleanly(
        capsys,
        ["index", *small, "--save-methodology", str(tmp_path / "no" / "m.json")],
        "kampala",
    )


def test_unknown_option(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str]
) -> None:
    fails_cleanly(
        capsys, ["index", *small, "--colour"], "unrecognized arguments: --colour"
    )
    fails_cleanly(capsys, ["index"], "the following arguments are required: DATA, META")


def test_scores_with_nan_print_as_na(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    d = tmp_path / "iData.csv"
    m = tmp_path / "iMeta.csv"
    d.write_text(DATA + "E,Epsilon,G2,NA,NA,NA\n")
    m.write_text(META)
    out_csv = tmp_path / "o.csv"
    assert main(["index", str(d), str(m)]) == 0
    out, _ = capsys.readouterr()
    last = out.strip().splitlines()[-1].split()
    assert last[0] == "-"
    assert last[-1] == "NA"
    assert main(["index", str(d), str(m), "--out", str(out_csv)]) == 0
    capsys.readouterr()
    row = read_out(out_csv)[-1]
    assert row == {"uCode": "E", "P": "NA", "T": "NA", "rank": "NA"}
    assert not math.isnan(float(read_out(out_csv)[0]["T"]))


def test_index_csv_is_rounded_and_carries_the_methodology(
    capsys: pytest.CaptureFixture[str], small: tuple[str, str], tmp_path: Path
) -> None:
    out_csv = tmp_path / "scores.csv"
    assert main(["index", *small, "--out", str(out_csv), "--digits", "2"]) == 0
    capsys.readouterr()
    lines = out_csv.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# kampala ")
    assert "methodology cli-index 1 (sha256:" in lines[0]
    assert lines[1] == "# scores rounded to 2 decimal places; NA is a missing score"
    for row in read_out(out_csv):
        assert len(row["T"].partition(".")[2]) <= 2


def test_score_csv_digits_and_empty_cells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_csv = tmp_path / "kps.csv"
    assert main(["score", "--out", str(out_csv)]) == 0
    capsys.readouterr()
    rows = read_out(out_csv)
    assert rows[0]["P1"] == "0.868"  # 0.8680000000000001 at full precision
    assert rows[-1]["overall"] == ""  # missing: an empty cell, not NA
    assert main(["score", "--out", str(out_csv), "--digits", "full"]) == 0
    capsys.readouterr()
    assert read_out(out_csv)[0]["P1"] == "0.8680000000000001"
    assert main(["score", "--digits", "x"]) == 2
