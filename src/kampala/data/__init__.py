"""Example data shipped with kampala (see the README in this folder).

- `sample_portfolio()`: an illustrative, fictional portfolio of Peruvian
  multi-stakeholder partnerships (not real projects, not an assessment).
- `asem_paths()`: the ASEM Sustainable Connectivity example index in
  COINr's iData/iMeta layout (data: JRC ASEM portal; example: COINr).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kampala.portfolio import Portfolio

__all__ = ["asem_paths", "sample_portfolio", "sample_portfolio_path"]


def _path(*parts: str) -> Path:
    return Path(str(resources.files("kampala.data").joinpath(*parts)))


def sample_portfolio_path() -> Path:
    """Return the path of the sample portfolio's JSON file.

    Examples
    --------
    >>> import json
    >>> from kampala.data import sample_portfolio_path
    >>> path = sample_portfolio_path()
    >>> path.name
    'sample_portfolio.json'
    >>> json.loads(path.read_text(encoding="utf-8"))["format"]
    'kampala.portfolio/1'
    """
    return _path("sample_portfolio.json")


def sample_portfolio() -> Portfolio:
    """Load the illustrative sample portfolio of Peruvian partnerships.

    The partnerships are fictional; they exist to show and test the
    library, not to describe real projects.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> pf = sample_portfolio()
    >>> len(pf), pf.name
    (48, 'Cartera ilustrativa APCI (ficticia)')
    >>> pf["PE-AGR-001"].title
    'Cadenas de valor de café especial con cooperativas del Alto Mayo'
    """
    from kampala.io.portfolio_io import read_portfolio

    return read_portfolio(sample_portfolio_path())


def asem_paths() -> tuple[Path, Path]:
    """Return the paths of the ASEM example's iData and iMeta CSV files.

    Examples
    --------
    >>> from kampala.data import asem_paths
    >>> from kampala.io.coinr import read_coinr
    >>> idata, imeta = asem_paths()
    >>> idata.name, imeta.name
    ('asem_iData.csv', 'asem_iMeta.csv')
    >>> data = read_coinr(idata, imeta)
    >>> data.n_units, data.n_indicators, data.framework.root
    (51, 49, 'Index')
    """
    return _path("asem", "asem_iData.csv"), _path("asem", "asem_iMeta.csv")
