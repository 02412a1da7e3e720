"""Reading and writing data: portfolios, IATI activity files, COINr tables.

- Portfolios in JSON, JSON Lines, CSV, IATI or pandas (`read_portfolio`,
  `write_portfolio`), every problem in a file reported at once; formats
  come from a registry (`register_format`, `available_formats`), chosen by
  suffix or by content (`detect_format`).
- IATI activity XML, 2.01 to 2.03, parsed safely and streamed
  (`read_iati`, `import_iati` with its per-activity report).
- Several sources merged field by field, each value keeping its source
  (`merge_portfolios`).
- Stakeholders' answers as ODK Central and KoboToolbox export them, or in
  kampala's spreadsheet form (`read_responses`).
- Fill-in templates (Excel workbooks) generated from the field schema
  (`write_template`), that read back as they are.
- Indicator tables in COINr's iData/iMeta CSV layout (`read_coinr`).

Parsing happens here, at the edges; the records and data sets it builds are
validated on construction.
"""

from kampala.io._responses import read_responses
from kampala.io._template import write_template
from kampala.io.coinr import read_coinr, write_results_csv
from kampala.io.formats import (
    PortfolioFormat,
    available_formats,
    detect_format,
    get_format,
    register_format,
)
from kampala.io.iati import (
    ActivityReport,
    IatiImport,
    ImportReport,
    import_iati,
    is_iati,
    read_iati,
)
from kampala.io.merge import MergeResult, merge_portfolios
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
    "MergeResult",
    "PortfolioFormat",
    "available_formats",
    "detect_format",
    "get_format",
    "import_iati",
    "is_iati",
    "merge_portfolios",
    "portfolio_from_dicts",
    "portfolio_from_pandas",
    "portfolio_to_dicts",
    "portfolio_to_pandas",
    "read_coinr",
    "read_iati",
    "read_portfolio",
    "read_responses",
    "register_format",
    "write_portfolio",
    "write_results_csv",
    "write_template",
]
