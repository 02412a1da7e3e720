"""Reading and writing data: portfolios, IATI activity files, COINr tables.

- Portfolios in JSON, JSON Lines, CSV or pandas (`read_portfolio`,
  `write_portfolio`), every problem in a file reported at once.
- IATI activity XML, 2.01 to 2.03, parsed safely and streamed
  (`read_iati`, `import_iati` with its per-activity report).
- Indicator tables in COINr's iData/iMeta CSV layout (`read_coinr`).

Parsing happens here, at the edges; the records and data sets it builds are
validated on construction.
"""

from kampala.io.coinr import read_coinr, write_results_csv
from kampala.io.iati import (
    ActivityReport,
    IatiImport,
    ImportReport,
    import_iati,
    is_iati,
    read_iati,
)
from kampala.io.portfolio_io import (
    portfolio_from_dicts,
    portfolio_from_pandas,
    portfolio_to_dicts,
    portfolio_to_pandas,
    read_portfolio,
    write_portfolio,
)

__all__ = [
    "ActivityReport",
    "IatiImport",
    "ImportReport",
    "import_iati",
    "is_iati",
    "portfolio_from_dicts",
    "portfolio_from_pandas",
    "portfolio_to_dicts",
    "portfolio_to_pandas",
    "read_coinr",
    "read_iati",
    "read_portfolio",
    "write_portfolio",
    "write_results_csv",
]
