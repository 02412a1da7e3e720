"""Parquet, Arrow IPC and CSV read through pyarrow (issue 15, part 2).

Every path gives the portfolio the own CSV reader gives, and for bad input
the same messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kampala.data import sample_portfolio
from kampala.errors import DataFormatError, PortfolioValidationError
from kampala.io import detect_format, read_portfolio, write_portfolio
from kampala.portfolio import Portfolio
from kampala.testing import sample_test_portfolio

pa = pytest.importorskip("pyarrow")
pacsv = pytest.importorskip("pyarrow.csv")
pq = pytest.importorskip("pyarrow.parquet")
feather = pytest.importorskip("pyarrow.feather")

from kampala.io import _arrow_format, formats  # noqa: E402 - after the skip


def assert_same(a: Portfolio, b: Portfolio) -> None:
    assert (len(a), a.name) == (len(b), b.name)
    for store_a, store_b in ((a.columns, b.columns), (a.actors, b.actors)):
        assert set(store_a) == set(store_b)
        for key, x in store_a.items():
            y = store_b[key]
            assert x.dtype == y.dtype, key
            if x.dtype.kind in "fM":
                assert np.array_equal(x, y, equal_nan=True), key
            else:
                assert x.tolist() == y.tolist(), key


@pytest.fixture
def arrow_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read every CSV file through pyarrow, whatever its size."""
    monkeypatch.setattr(formats, "ARROW_CSV_MIN_BYTES", 0)


@pytest.fixture
def no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if a valid file leaves the fast path."""

    def refuse(*args: Any) -> Any:
        raise AssertionError("the fast path declined a valid file")

    monkeypatch.setattr(_arrow_format, "_via_csv", refuse)
    monkeypatch.setattr(formats, "read_csv", refuse)


PORTFOLIOS = {
    "sample": sample_portfolio,
    "random": lambda: sample_test_portfolio(300, rng=11),
}


@pytest.mark.parametrize("make", PORTFOLIOS.values(), ids=PORTFOLIOS.keys())
@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".arrow", ".feather"])
def test_same_portfolio_as_the_own_csv_reader(
    tmp_path: Path, make: Any, suffix: str, arrow_csv: None
) -> None:
    pf = make()
    write_portfolio(pf, tmp_path / "p.csv")
    reference = formats.read_csv(tmp_path / "p.csv", "p.csv", "p")
    write_portfolio(pf, tmp_path / f"p{suffix}")
    assert_same(read_portfolio(tmp_path / f"p{suffix}", name="p"), reference)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".arrow"])
def test_valid_files_take_the_fast_path(
    tmp_path: Path, suffix: str, arrow_csv: None, no_fallback: None
) -> None:
    pf = sample_test_portfolio(200, rng=5)
    write_portfolio(pf, tmp_path / f"p{suffix}")
    assert len(read_portfolio(tmp_path / f"p{suffix}")) == 200


def test_the_slow_path_reads_a_table_the_same(tmp_path: Path) -> None:
    pf = sample_test_portfolio(200, rng=6)
    write_portfolio(pf, tmp_path / "p.csv")
    reference = formats.read_csv(tmp_path / "p.csv", "p.csv", "p")
    table = _arrow_format.portfolio_table(pf)
    assert_same(_arrow_format._via_csv(table, "p.parquet", "p"), reference)


def test_columns_are_typed_and_the_name_is_kept(tmp_path: Path) -> None:
    pf = sample_portfolio()
    write_portfolio(pf, tmp_path / "cartera.parquet")
    schema = pq.read_schema(tmp_path / "cartera.parquet")
    assert schema.field("budget_usd").type == pa.float64()
    assert schema.field("results.indicators_total").type == pa.int64()
    assert schema.field("start").type == pa.date32()
    codes = pa.dictionary(pa.int32(), pa.string())
    assert schema.field("ownership.government_role").type == codes
    assert schema.field("actor_1_name").type == codes
    assert schema.field("title").type == pa.string()
    assert read_portfolio(tmp_path / "cartera.parquet").name == pf.name


@pytest.mark.parametrize(
    ("suffix", "magic"), [(".parquet", b"PAR1"), (".arrow", b"ARROW1")]
)
def test_content_sniffing_by_magic_bytes(
    tmp_path: Path, suffix: str, magic: bytes
) -> None:
    write_portfolio(sample_portfolio(), tmp_path / f"p{suffix}")
    unnamed = tmp_path / "export.bin"
    unnamed.write_bytes((tmp_path / f"p{suffix}").read_bytes())
    assert unnamed.read_bytes().startswith(magic)
    assert detect_format(unnamed).name == suffix[1:]
    assert len(read_portfolio(unnamed)) == 48


def test_pandas_style_parquet_is_read(tmp_path: Path) -> None:
    """Plain types from other tools: ints for counts, NaN for missing."""
    table = pa.table(
        {
            "id": ["A", "B"],
            "title": ["Agua", "Banca"],
            "budget_usd": [1.5e6, float("nan")],
            "results.indicators_total": pa.array([3, None], type=pa.int32()),
            "ownership.government_role": pa.array(["leads", None]).dictionary_encode(),
        }
    )
    pq.write_table(table, tmp_path / "p.parquet")
    pf = read_portfolio(tmp_path / "p.parquet")
    assert pf["A"].budget_usd == 1.5e6
    assert pf["B"].budget_usd is None
    assert pf["A"].results.indicators_total == 3
    assert pf["A"].ownership.government_role.value == "leads"


HEAD = "id,title,budget_usd,modality,results.indicators_total,start,end"
ACTORS = ",actor_1_name,actor_1_kind,actor_1_currency,actor_1_financial_contribution"
ACTORS += ",actor_2_name,actor_2_kind,actor_2_currency,actor_2_financial_contribution"
OK = "A,Agua,1500.0,bilateral,3,2021-01-01,2022-01-01"
OK_ACTORS = ",MINAM,government,USD,10.0,,,,"
BAD_CSV = {
    "negative-amount": f"{HEAD}\n{OK}\nB,Banca,-5,,,,\n",
    "decimal-comma": f'{HEAD}\n{OK}\nB,Banca,"1,5",,,,\n',
    "unknown-enum": f"{HEAD}\n{OK}\nB,Banca,,bilaterl,,,\n",
    "fractional-count": f"{HEAD}\n{OK}\nB,Banca,,,2.5,,\n",
    "bad-date": f"{HEAD}\n{OK}\nB,Banca,,,,2021-13-01,\n",
    "end-before-start": f"{HEAD}\n{OK}\nB,Banca,,,,2022-01-01,2021-01-01\n",
    "duplicate-id": f"{HEAD}\n{OK}\nA,Banca,,,,,\n",
    "empty-title": f"{HEAD}\n{OK}\nB,,,,,,\n",
    "unknown-column": f"{HEAD},budget\n{OK},1\n",
    "nan-amount": f"{HEAD}\n{OK}\nB,Banca,nan,,,,\n",
    "actor-gap": f"{HEAD}{ACTORS}\n{OK}{OK_ACTORS}\nB,Banca,,,,,,,,,,Coop,ngo,USD,1\n",
    "mixed-currency": f"{HEAD}{ACTORS}\n{OK},MINAM,government,USD,10,Coop,ngo,EUR,5\n",
    "unknown-actor-kind": f"{HEAD}{ACTORS}\n{OK},MINAM,ministry,USD,10,,,,\n",
}


def _problems(path: Path) -> list[str]:
    with pytest.raises(PortfolioValidationError) as info:
        read_portfolio(path)
    return [f"{e} {getattr(e, '__notes__', [])}" for e in info.value.exceptions]


@pytest.mark.parametrize("content", BAD_CSV.values(), ids=BAD_CSV.keys())
@pytest.mark.parametrize("suffix", [".csv-arrow", ".parquet", ".arrow"])
def test_bad_input_same_messages_as_the_own_csv_reader(
    tmp_path: Path, content: str, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text(content, encoding="utf-8")
    reference = _problems(csv_path)
    assert reference
    if suffix == ".csv-arrow":
        monkeypatch.setattr(formats, "ARROW_CSV_MIN_BYTES", 0)
        assert _problems(csv_path) == reference
        return
    strings = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in content.split("\n")[0].split(",")},
        strings_can_be_null=False,
        null_values=[],
    )
    table = pacsv.read_csv(csv_path, convert_options=strings)
    path = tmp_path / f"bad{suffix}"
    if suffix == ".parquet":
        pq.write_table(table, path)
    else:
        feather.write_feather(table, str(path))
    assert _problems(path) == reference


def test_formula_cells_round_trip(tmp_path: Path, arrow_csv: None) -> None:
    pf = Portfolio.from_columns({"id": ["A"], "title": ["=1+1"], "notes": ["'+x"]})
    for suffix in (".csv", ".parquet"):
        write_portfolio(pf, tmp_path / f"p{suffix}")
        back = read_portfolio(tmp_path / f"p{suffix}")
        assert back["A"].title == "=1+1"
        assert back["A"].notes == "'+x"


QUIRKS = {
    "bom": b"\xef\xbb\xbfid,title\r\nA,Agua\r\n",
    "quote-inside": b'id,title\nA,5" screen\n',
    "quoted-newline": b'id,title,notes\nA,Agua,"line1\r\nline2"\n',
    "bare-cr": b"id,title\rA,Agua\rB,Banca\r",
    "blank-lines": b"id,title\n\nA,Agua\n\n",
    "spaces": b"id,title\nA, Agua \n",
    "escaped-quote": b'id,title\nA,"say ""hi"""\n',
    "numbers": b"id,title,budget_usd,results.indicators_total\nA,x,+.5,007\nB,y,5.,\n",
    "inf": b"id,title,budget_usd\nA,Agua,inf\n",
    "latin-1": "id,title\nA,Año\n".encode("latin-1"),
    "semicolons": b"id;title\nA;Agua\n",
}


@pytest.mark.parametrize("data", QUIRKS.values(), ids=QUIRKS.keys())
def test_csv_quirks_read_alike(
    tmp_path: Path, data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(data)

    def outcome() -> Any:
        try:
            pf = read_portfolio(path)
        except (PortfolioValidationError, DataFormatError) as exc:
            return str(exc), [str(e) for e in getattr(exc, "exceptions", [])]
        return pf

    own = outcome()
    monkeypatch.setattr(formats, "ARROW_CSV_MIN_BYTES", 0)
    fast = outcome()
    if isinstance(own, Portfolio):
        assert isinstance(fast, Portfolio)
        assert_same(own, fast)
    else:
        assert fast == own


def _recode(table: Any, how: str) -> Any:
    """The same table with its text columns in another physical encoding."""
    columns = []
    for col in table.columns:
        if pa.types.is_dictionary(col.type) and how == "plain":
            col = col.cast(col.type.value_type)
        elif pa.types.is_dictionary(col.type) and how == "extra-labels":
            chunks = []
            for chunk in col.chunks:  # an unused, invalid label in each dictionary
                labels = pa.concat_arrays([pa.array(["not-a-label"]), chunk.dictionary])
                indices = pa.compute.add(chunk.indices, 1).cast(pa.int32())
                chunks.append(pa.DictionaryArray.from_arrays(indices, labels))
            col = pa.chunked_array(chunks, col.type)
        elif pa.types.is_string(col.type) and how == "chunked":
            half = len(col) // 2
            col = pa.chunked_array([col.slice(0, half), col.slice(half)])
        columns.append(col)
    return pa.Table.from_arrays(columns, names=table.column_names)


@pytest.mark.parametrize("how", ["plain", "extra-labels", "chunked"])
def test_text_in_any_encoding_reads_alike(tmp_path: Path, how: str) -> None:
    pf = sample_test_portfolio(300, rng=12)
    write_portfolio(pf, tmp_path / "p.csv")
    reference = formats.read_csv(tmp_path / "p.csv", "p.csv", "p")
    table = _recode(_arrow_format.portfolio_table(pf), how)
    assert_same(_arrow_format._fast(table, "p", unescape=False), reference)
