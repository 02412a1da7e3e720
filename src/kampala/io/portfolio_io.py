"""Read and write portfolios as JSON, JSON Lines or flat CSV.

Three file formats hold a `Portfolio`; the layouts
are documented in the reference page *Portfolio file formats*
(``docs/reference/formats.md``):

- **JSON** (``.json``): ``{"format": "kampala.portfolio/1", "name": ...,
  "partnerships": [...]}``, or a bare list of partnership objects. Each
  partnership object uses the attrs field names of
  `Partnership`.
- **JSON Lines** (``.jsonl``): one partnership object per line.
- **CSV** (``.csv``): one row per partnership, one column per field
  (evidence fields by their dotted path in `SCHEMA`)
  and numbered column groups ``actor_1_name`` … for the actors.

Reading validates everything and reports every problem at once in one
`PortfolioValidationError`, whose sub-errors name the
partnership, the field, the value and what would be valid, each with a note
giving its location (``line N`` in CSV and JSON Lines, ``record N`` in JSON).
Nothing is coerced: ``"1,5"`` is not a number and ``"yes"`` is not a boolean.

The code lives in one module per job, and this module gathers the public
functions:

- `kampala.io.formats`: the format registry, `read_portfolio` and
  `write_portfolio` (formats chosen by suffix or by content);
- `kampala.io._dicts`: partnership objects to and from records, with the field
  schema (`kampala.schema`); cattrs (the ``io`` extra) only to list every
  problem of an invalid object;
- `kampala.io._json_format`: JSON and JSON Lines files;
- `kampala.io._csv_format` (and ``_csv_cells``): CSV files, read block by
  block and column by column with numpy;
- `kampala.io.pandas_format`: DataFrames in the CSV layout.

Examples
--------
>>> import tempfile, pathlib
>>> from kampala.io import read_portfolio, write_portfolio
>>> from kampala.portfolio import Portfolio
>>> from kampala.records import Partnership
>>> pf = Portfolio.from_records([Partnership(id="A", title="Agua segura")])
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp) / "cartera.csv"
...     write_portfolio(pf, path)
...     back = read_portfolio(path)
>>> back.records == pf.records
True
"""

from __future__ import annotations

from kampala.io._dicts import portfolio_from_dicts, portfolio_to_dicts
from kampala.io.formats import read_portfolio, write_portfolio
from kampala.io.pandas_format import portfolio_from_pandas, portfolio_to_pandas

__all__ = [
    "portfolio_from_dicts",
    "portfolio_from_pandas",
    "portfolio_to_dicts",
    "portfolio_to_pandas",
    "read_portfolio",
    "write_portfolio",
]
