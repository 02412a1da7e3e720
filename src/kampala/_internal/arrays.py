"""Array helpers shared by records, data sets and results."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["frozen_float64"]


def frozen_float64(values: Any) -> npt.NDArray[np.float64]:
    """Return ``values`` as a read-only float64 array that nobody else can change.

    An array that is already read-only float64 is used as it is; anything
    else is copied first, so freezing never alters a caller's array.
    """
    if (
        isinstance(values, np.ndarray)
        and values.dtype == np.float64
        and not values.flags.writeable
    ):
        return values
    out = np.array(values, dtype=np.float64, copy=True)
    out.flags.writeable = False
    return out
