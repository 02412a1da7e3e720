"""JSON Lines parsed in bulk by pyarrow (issue 15, part 2): as record by record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kampala.data import sample_portfolio
from kampala.errors import DataFormatError, PortfolioValidationError
from kampala.io import read_portfolio, write_portfolio
from kampala.portfolio import Portfolio
from kampala.testing import sample_test_portfolio
from tests.io.test_columnar import assert_same

pytest.importorskip("pyarrow.json")

from kampala.io import _jsonl_arrow, formats


def _outcome(path: Path) -> Any:
    try:
        return read_portfolio(path)
    except (PortfolioValidationError, DataFormatError) as exc:
        return str(exc), [str(e) for e in getattr(exc, "exceptions", [])]


@pytest.mark.parametrize(
    "make", [sample_portfolio, lambda: sample_test_portfolio(300, rng=12)]
)
def test_bulk_path_gives_the_record_readers_portfolio(tmp_path: Path, make) -> None:
    path = tmp_path / "p.jsonl"
    write_portfolio(make(), path)
    fast = _jsonl_arrow.read_jsonl_arrow(path, "p")
    assert fast is not None  # a file kampala wrote takes the bulk path
    assert_same(fast, formats._read_jsonl_records(path, "p"))


HEAD = '{"id": "A", "title": "Agua"'
QUIRKS = {
    "null-country": HEAD + ', "country": null}\n',
    "nan": HEAD + ', "budget_usd": NaN}\n',
    "repeated-key": HEAD + ', "title": "Otra"}\n',
    "float-count": HEAD + ', "results": {"indicators_total": 3.0}}\n',
    "text-amount": HEAD + ', "budget_usd": "1500"}\n',
    "unknown-key": HEAD + ', "budjet": 1}\n',
    "null-group": HEAD + ', "ownership": null}\n',
    "list-item-semicolon": HEAD + ', "sectors": ["a;b"]}\n',
    "empty-list": HEAD + ', "sectors": []}\n',
    "one-flag": HEAD + ', "transparency": {"grievance_mechanism": 1}}\n',
    "actor-null-currency": HEAD
    + ', "actors": [{"name": "M", "kind": "government", "currency": null}]}\n',
    "valid-actor": HEAD + ', "actors": [{"name": "M", "kind": "government"}]}\n',
    "ids-repeat": HEAD + "}\n" + HEAD + "}\n",
}


@pytest.mark.parametrize("text", QUIRKS.values(), ids=QUIRKS.keys())
def test_quirks_read_alike(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(text, encoding="utf-8")
    records = _outcome(path)
    monkeypatch.setattr(formats, "ARROW_CSV_MIN_BYTES", 0)
    bulk = _outcome(path)
    if isinstance(records, Portfolio):
        assert isinstance(bulk, Portfolio)
        assert_same(records, bulk)
    else:
        assert bulk == records
