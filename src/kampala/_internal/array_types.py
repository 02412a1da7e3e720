"""Type aliases of the NumPy arrays that kernels and results pass around.

Examples
--------
>>> import numpy as np
>>> from kampala._internal.array_types import FloatArray
>>> x: FloatArray = np.zeros(3)
>>> x.dtype
dtype('float64')
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["BoolArray", "FloatArray", "IntArray"]

#: An array of float64 values.
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: An array of platform integers (indices, ranks, counts).
IntArray: TypeAlias = npt.NDArray[np.intp]
#: An array of booleans (masks).
BoolArray: TypeAlias = npt.NDArray[np.bool_]
