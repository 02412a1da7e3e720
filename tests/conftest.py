"""Shared fixtures and Hypothesis profiles.

Profiles: ``dev`` (the default, quick) and ``ci`` (more examples,
derandomised), chosen with the environment variable ``HYPOTHESIS_PROFILE``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from kampala.data import asem_paths as packaged_asem_paths
from kampala.indicators import IndicatorSet
from kampala.io import read_coinr

settings.register_profile(
    "dev",
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    deadline=None,
    max_examples=100,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: The ASEM example data ship with the package (``kampala/data/asem``), so the
#: COINr cross-checks run on every clone and every installed copy.
ASEM_DIR = packaged_asem_paths()[0].parent


@pytest.fixture(scope="session")
def asem_dir() -> Path:
    """Directory holding asem_iData.csv and asem_iMeta.csv (package data)."""
    return ASEM_DIR


@pytest.fixture(scope="session")
def asem_paths(asem_dir: Path) -> tuple[Path, Path]:
    """The ASEM (iData, iMeta) CSV paths."""
    return asem_dir / "asem_iData.csv", asem_dir / "asem_iMeta.csv"


@pytest.fixture(scope="session")
def asem(asem_paths: tuple[Path, Path]) -> IndicatorSet:
    """The raw ASEM data set, read once per session."""
    return read_coinr(*asem_paths)
