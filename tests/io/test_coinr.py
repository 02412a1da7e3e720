from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kampala import DataFormatError, FrameworkError, IndicatorSet
from kampala.io import read_coinr, write_results_csv

META = """Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,x,Indicator x,1,1,Score,10,NA,P,Indicator
1,y,,-1,2,,NA,pop,P,Indicator
1,z,Indicator z,1,1,,,,T,Indicator
2,P,Pillar,,1,,,,T,Aggregate
3,T,Index,1,1,,,,NA,Aggregate
NA,grp,Group,NA,NA,NA,NA,NA,NA,Group
NA,pop,Population,NA,NA,NA,NA,NA,NA,Denominator
NA,note,A note,NA,NA,NA,NA,NA,NA,Other
"""

DATA = """uCode,uName,grp,pop,note,Time,x,y,z
A,Alpha,G1,10,hello,2020,1,2,3
B,,G1,20,,2020,NA,4,
C,Gamma,,5,,2020,5,6,7.5
"""


def write(tmp_path: Path, data: str = DATA, meta: str = META) -> tuple[Path, Path]:
    d = tmp_path / "iData.csv"
    m = tmp_path / "iMeta.csv"
    d.write_text(data, encoding="utf-8")
    m.write_text(meta, encoding="utf-8")
    return d, m


def test_reads_a_small_index(tmp_path: Path) -> None:
    data = read_coinr(*write(tmp_path))
    assert isinstance(data, IndicatorSet)
    assert data.unit_codes == ("A", "B", "C")
    assert data.unit_names == ("Alpha", "B", "Gamma")
    assert data.indicator_codes == ("x", "y", "z")
    np.testing.assert_array_equal(
        data.values, [[1, 2, 3], [np.nan, 4, np.nan], [5, 6, 7.5]]
    )
    assert data.group("grp") == ("G1", "G1", None)
    assert data.denominators["pop"].tolist() == [10.0, 20.0, 5.0]
    fw = data.framework
    assert fw.root == "T"
    assert fw.aggregate_codes == ("P", "T")
    assert fw.children("T") == ("z", "P")
    x, y = fw.node("x"), fw.node("y")
    assert (x.name, x.target, x.unit, x.denominator) == (
        "Indicator x",
        10.0,
        "Score",
        None,
    )
    assert (y.name, y.direction, y.weight, y.denominator) == ("y", -1, 2.0, "pop")
    assert fw.node("P").direction == 1


def test_reads_paths_as_strings(tmp_path: Path) -> None:
    d, m = write(tmp_path)
    assert read_coinr(str(d), str(m)).n_units == 3


def test_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    d = tmp_path / "iData.csv"
    m = tmp_path / "iMeta.csv"
    d.write_bytes(b"\xef\xbb\xbf" + DATA.replace("\n", "\r\n").encode())
    m.write_text(META, encoding="utf-8")
    assert read_coinr(d, m).unit_codes == ("A", "B", "C")


def test_scale_factor_column(tmp_path: Path) -> None:
    meta = META.replace("Type\n", "Type,ScaleFactor\n", 1)
    meta = "\n".join(
        line + (",1000" if line.startswith("1,y") else ",") if i else line
        for i, line in enumerate(meta.strip().split("\n"))
    )
    data = read_coinr(*write(tmp_path, meta=meta + "\n"))
    assert data.framework.node("y").scale_factor == 1000.0
    assert data.framework.node("x").scale_factor == 1.0


def test_asem(asem: IndicatorSet) -> None:
    assert (asem.n_units, asem.n_indicators) == (51, 49)
    assert set(asem.groups) == {
        "GDP_group",
        "GDPpc_group",
        "Pop_group",
        "EurAsia_group",
    }
    assert set(asem.denominators) == {"Area", "Energy", "GDP", "Population"}
    assert asem.framework.root == "Index"
    assert asem.framework.levels == (2, 3, 4)
    assert len(asem.framework.aggregate_codes) == 11
    assert asem.framework.node("Flights").denominator == "Population"
    assert asem.framework.node("CO2").direction == -1
    assert asem.unit_codes[0] == "AUT"
    assert asem.unit_names[0] == "Austria"
    assert int(np.isnan(asem.values).sum()) > 0


# -- malformed files (messages are API) ----------------------------------------------
def test_missing_file(tmp_path: Path) -> None:
    d, m = write(tmp_path)
    missing = tmp_path / "nope.csv"
    with pytest.raises(
        DataFormatError,
        match=r"read_coinr\(\) iData: 'path' must be an existing file "
        r"\(got '.*nope\.csv'\)",
    ):
        read_coinr(missing, m)
    with pytest.raises(
        DataFormatError, match=r"read_coinr\(\) iMeta: 'path' must be an existing"
    ):
        read_coinr(d, missing)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    _, m = write(tmp_path)
    with pytest.raises(DataFormatError, match=r"'path' must be a regular file"):
        read_coinr(tmp_path, m)


def test_ragged_row(tmp_path: Path) -> None:
    data = DATA.replace("B,,G1,20,,2020,NA,4,\n", "B,,G1,20,,2020,NA,4\n")
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv line 3: 'fields' must be 9 fields, as in the header "
        r"\(got 8\)",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_ragged_row_after_a_blank_line_names_the_right_line(tmp_path: Path) -> None:
    lines = DATA.splitlines()
    data = "\n".join(
        [lines[0], lines[1], "", lines[2][:-1].rsplit(",", 1)[0], lines[3]]
    )
    # the ragged row is on line 4 of the file
    with pytest.raises(DataFormatError, match=r"iData.csv line 4: 'fields'"):
        read_coinr(*write(tmp_path, data=data + "\n"))


def test_non_numeric_value(tmp_path: Path) -> None:
    data = DATA.replace("5,6,7.5", "5,six,7.5")
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv line 4 \(unit 'C'\): 'y' must be a number or NA "
        r"\(got 'six'\)",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_infinite_value(tmp_path: Path) -> None:
    data = DATA.replace("5,6,7.5", "5,inf,7.5")
    with pytest.raises(
        DataFormatError, match=r"'y' must be a finite number or NA \(got 'inf'\)"
    ):
        read_coinr(*write(tmp_path, data=data))


def test_non_numeric_denominator(tmp_path: Path) -> None:
    data = DATA.replace("G1,20,", "G1,many,")
    with pytest.raises(
        DataFormatError,
        match=r"line 3 \(unit 'B'\): 'pop' must be a number or NA \(got 'many'\)",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_binary_file(tmp_path: Path) -> None:
    d, m = write(tmp_path)
    d.write_bytes(b"\x00\x01\x02PK\x03\x04" * 10)
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv: 'content' must be a CSV text file \(got 'binary data'\)",
    ):
        read_coinr(d, m)
    d.write_bytes(bytes(range(128, 256)))
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv: 'encoding' must be UTF-8 text \(got 'byte 0'\)",
    ):
        read_coinr(d, m)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv: 'content' must be a header row and data "
        r"\(got 'empty file'\)",
    ):
        read_coinr(*write(tmp_path, data="\n\n"))


def test_unterminated_quote(tmp_path: Path) -> None:
    data = DATA.replace("Alpha", '"Alpha')
    with pytest.raises(
        DataFormatError, match=r"iData.csv line \d+: 'CSV' must be well-formed CSV"
    ):
        read_coinr(*write(tmp_path, data=data))


def test_duplicate_header(tmp_path: Path) -> None:
    data = DATA.replace("uName,grp", "uName,uName", 1)
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv line 1: 'header' must be unique column names \(got 'uName'\)",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_indicator_column_missing_from_idata(tmp_path: Path) -> None:
    data = "\n".join(line.rsplit(",", 1)[0] for line in DATA.strip().split("\n")) + "\n"
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv: 'header' must be present: iMeta declares this column "
        r"\(got 'z'\)\. iMeta and iData must describe the same columns\.",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_group_column_missing_from_idata(tmp_path: Path) -> None:
    data = DATA.replace("uName,grp,", "uName,grq,")
    with pytest.raises(
        DataFormatError,
        match=r"'header' must be present: iMeta declares this column \(got 'grp'\)",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_extra_undeclared_column(tmp_path: Path) -> None:
    lines = DATA.strip().split("\n")
    data = "\n".join([lines[0] + ",w"] + [line + ",1" for line in lines[1:]]) + "\n"
    with pytest.raises(
        DataFormatError,
        match=r"iData.csv: 'header' must be columns that iMeta declares "
        r"\(got \['w'\]\)\. "
        r"Add them to iMeta \(Type 'Other' carries them unused\) or drop them\.",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_several_time_points(tmp_path: Path) -> None:
    data = DATA.replace("Gamma,,5,,2020", "Gamma,,5,,2021")
    with pytest.raises(
        DataFormatError,
        match=r"'Time' must be a single time point \(got \['2020', '2021'\]\)\. "
        r"Select one year's rows before reading\.",
    ):
        read_coinr(*write(tmp_path, data=data))


def test_duplicate_unit(tmp_path: Path) -> None:
    data = DATA.replace("C,Gamma", "A,Gamma")
    with pytest.raises(
        DataFormatError, match=r"iData.csv: 'uCode' must be unique \(got 'A'\)"
    ):
        read_coinr(*write(tmp_path, data=data))


def test_missing_unit_code(tmp_path: Path) -> None:
    data = DATA.replace("C,Gamma", "NA,Gamma")
    with pytest.raises(
        DataFormatError, match=r"iData.csv line 4: 'uCode' must be a unit code"
    ):
        read_coinr(*write(tmp_path, data=data))


def test_no_ucode_column(tmp_path: Path) -> None:
    data = DATA.replace("uCode,", "code,", 1)
    with pytest.raises(
        DataFormatError, match=r"iData.csv: 'header' must be a 'uCode' column"
    ):
        read_coinr(*write(tmp_path, data=data))


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        (
            ",Indicator\n1,y",
            ",Indikator\n1,y",
            r"iMeta.csv line 2: 'Type' must be one of Indicator, ",
        ),
        (
            "1,y,",
            "1,x,",
            r"iMeta.csv line 3: 'iCode' must be unique in iMeta \(got 'x'\)",
        ),
        (
            "1,y,,-1,2",
            "NA,y,,-1,2",
            r"iMeta.csv line 3: 'Level' must be given for Indicator 'y'",
        ),
        (
            "1,y,,-1,2",
            "1.5,y,,-1,2",
            r"line 3: 'Level' must be a whole number \(got '1.5'\)",
        ),
        (
            "1,y,,-1,2",
            "1,y,,-1,heavy",
            r"line 3: 'Weight' must be a number or NA \(got 'heavy'\)",
        ),
        (
            "1,y,,-1,2",
            "1,y,,-1,-2",
            r"iMeta.csv line 3: 'weight' must be a finite number >= 0 \(got -2.0\)",
        ),
        ("1,y,,-1,2", "1,y,,0,2", r"iMeta.csv line 3: 'direction' must be \+1"),
        (
            "NA,pop,Population",
            "NA,pup,Population",
            r"iMeta.csv: 'Denominator of 'y'' must be a Denominator row",
        ),
    ],
)
def test_bad_imeta(tmp_path: Path, old: str, new: str, match: str) -> None:
    assert old in META
    data = DATA.replace("pop,", "pup,") if "pup" in new else DATA
    with pytest.raises(DataFormatError, match=match):
        read_coinr(*write(tmp_path, data=data, meta=META.replace(old, new, 1)))


def test_imeta_without_type_column(tmp_path: Path) -> None:
    meta = META.replace(",Type\n", ",Kind\n", 1)
    with pytest.raises(
        DataFormatError, match=r"iMeta.csv: 'header' must be a 'Type' column"
    ):
        read_coinr(*write(tmp_path, meta=meta))


def test_imeta_that_is_not_a_tree(tmp_path: Path) -> None:
    meta = META.replace("1,z,Indicator z,1,1,,,,T,", "1,z,Indicator z,1,1,,,,Q,")
    with pytest.raises(
        FrameworkError, match=r"node 'z': 'parent' must be the code of an aggregate"
    ):
        read_coinr(*write(tmp_path, meta=meta))


# -- writing results ------------------------------------------------------------------
def test_write_results_csv_round_trips(tmp_path: Path) -> None:
    rows = [
        {"uCode": "A", "T": 0.1 + 0.2, "rank": 1},
        {"uCode": "B", "T": math.nan, "rank": None},
    ]
    path = tmp_path / "out.csv"
    write_results_csv(path, rows, ["uCode", "T", "rank"])
    text = path.read_text(encoding="utf-8")
    assert text == "uCode,T,rank\nA,0.30000000000000004,1\nB,NA,NA\n"
    back = list(csv.DictReader(io.StringIO(text)))
    assert float(back[0]["T"]) == 0.1 + 0.2


def test_write_results_csv_to_a_text_stream() -> None:
    buf = io.StringIO()
    write_results_csv(buf, [{"uCode": "A", "x": 1.5}], ["uCode", "x", "missing"])
    assert buf.getvalue() == "uCode,x,missing\nA,1.5,NA\n"


@given(
    values=st.lists(
        st.floats(allow_nan=True, allow_infinity=False, width=64), min_size=1
    ),
    digits=st.integers(0, 12),
)
def test_write_results_csv_rounds_to_the_digits_stated(
    values: list[float], digits: int
) -> None:
    rows = [{"u": f"U{i}", "x": v} for i, v in enumerate(values)]
    buf = io.StringIO()
    write_results_csv(buf, rows, ["u", "x"], digits=digits, missing="")
    got = list(csv.DictReader(buf.getvalue().splitlines()))
    for row, v in zip(got, values, strict=True):
        if math.isnan(v):
            assert row["x"] == ""
            continue
        text = row["x"]
        assert len(text.partition(".")[2]) <= digits
        assert float(text) == float(f"{v:.{digits}f}")


def test_write_results_csv_comment_lines_stay_one_line_each() -> None:
    buf = io.StringIO()
    write_results_csv(buf, [{"a": 1}], ["a"], comments=["two\nlines", "=ok"])
    assert buf.getvalue().splitlines() == ["# two lines", "# =ok", "a", "1"]
