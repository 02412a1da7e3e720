"""Reading and writing data: COINr iData/iMeta tables (and more to come).

Parsing happens here, at the edges; the records and data sets it builds are
validated on construction.
"""

from kampala.io.coinr import read_coinr, write_results_csv

__all__ = ["read_coinr", "write_results_csv"]
