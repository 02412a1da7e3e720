"""Reading and writing data: COINr iData/iMeta tables (and more to come).

Parsing happens here, at the edges; the records and data sets it builds are
validated on construction.
"""

from kampala.io.coinr import read_coinr, write_results_csv
from kampala.io.portfolio_io import (
    portfolio_from_dicts,
    portfolio_from_pandas,
    portfolio_to_dicts,
    portfolio_to_pandas,
    read_portfolio,
    write_portfolio,
)

__all__ = [
    "portfolio_from_dicts",
    "portfolio_from_pandas",
    "portfolio_to_dicts",
    "portfolio_to_pandas",
    "read_coinr",
    "read_portfolio",
    "write_portfolio",
    "write_results_csv",
]
