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
    """Return the path of the sample portfolio's JSON file."""
    return _path("sample_portfolio.json")


def sample_portfolio() -> Portfolio:
    """Load the illustrative sample portfolio of Peruvian partnerships.

    The partnerships are fictional; they exist to show and test the
    library, not to describe real projects.
    """
    from kampala.io.portfolio_io import read_portfolio

    return read_portfolio(sample_portfolio_path())


def asem_paths() -> tuple[Path, Path]:
    """Return the paths of the ASEM example's iData and iMeta CSV files."""
    return _path("asem", "asem_iData.csv"), _path("asem", "asem_iMeta.csv")
