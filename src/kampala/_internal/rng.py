"""Randomness: the one type every ``rng=`` parameter accepts (SPEC 7)."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

__all__ = ["SeedLike"]

#: What ``rng=`` accepts; public functions convert it once with
#: ``numpy.random.default_rng``.
SeedLike: TypeAlias = (
    int | np.random.SeedSequence | np.random.BitGenerator | np.random.Generator | None
)
