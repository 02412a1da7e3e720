"""Array helpers shared by records, data sets and results."""

from __future__ import annotations

import functools
import threading
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

__all__ = [
    "ARRAY_EQ",
    "array_fields",
    "array_repr",
    "frozen_bool",
    "frozen_float64",
    "frozen_int",
    "optional_frozen_float64",
    "readonly",
]

#: ``attrs`` comparison of array fields: equal shape and values, NaN == NaN.
ARRAY_EQ = attrs.cmp_using(eq=functools.partial(np.array_equal, equal_nan=True))


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


def optional_frozen_float64(values: Any) -> npt.NDArray[np.float64] | None:
    """`frozen_float64`, letting None through."""
    return None if values is None else frozen_float64(values)


def frozen_int(values: Any) -> npt.NDArray[np.intp]:
    """Return a read-only integer (``intp``) copy of ``values``."""
    out = np.array(values, dtype=np.intp, copy=True)
    out.flags.writeable = False
    return out


def frozen_bool(values: Any) -> npt.NDArray[np.bool_]:
    """Return a read-only boolean copy of ``values``."""
    out = np.array(values, dtype=bool, copy=True)
    out.flags.writeable = False
    return out


def readonly(values: Any) -> Any:
    """Freeze an array without copying it (results own their arrays).

    Integer and boolean input becomes float64 (a copy); float arrays of any
    precision keep their dtype and memory.
    """
    arr = np.asarray(values)
    if arr.dtype.kind not in "fc":
        arr = arr.astype(np.float64)
    if arr.flags.writeable:
        arr.flags.writeable = False
    return arr


def array_repr(arr: npt.NDArray[Any]) -> str:
    """Return a short ``repr`` for a large array field: its shape only."""
    return f"<array of shape {arr.shape}>"


_FIELD_CONVERTERS: dict[str, Any] = {
    "FloatArray": frozen_float64,
    "IntArray": frozen_int,
    "BoolArray": frozen_bool,
}


def array_fields(cls: type, fields: list[attrs.Attribute]) -> list[attrs.Attribute]:  # type: ignore[type-arg]
    """Make every array field of a result read-only (an attrs ``field_transformer``).

    A field annotated ``FloatArray``, ``IntArray`` or ``BoolArray`` (the
    aliases of the result modules) without a converter of its own gets the
    matching frozen copy as converter, NaN-aware comparison (`ARRAY_EQ`), no
    hash and a short ``repr``: declared once here instead of on every field.
    """
    out = []
    for f in fields:
        convert = _FIELD_CONVERTERS.get(str(f.type))
        if convert is not None and f.converter is None:
            f = f.evolve(
                converter=convert, eq=True, eq_key=ARRAY_EQ, hash=False, repr=array_repr
            )
        out.append(f)
    return out


#: work arrays of each thread, by name (see `scratch`)
_scratch = threading.local()


def scratch(name: str, shape: tuple[int, ...], dtype: Any = np.float64) -> Any:
    """Return a work array of this thread, reused by the next call with ``name``.

    Hot loops that need the same large temporary block after block take it
    from here: no allocation, so no page faults, whatever the allocator's
    settings (a ``dask.distributed`` worker returns freed memory to the
    system at once). The content is undefined; the array is valid until
    the next call with the same name in the same thread, so it must never
    be returned to a caller. Each name keeps its largest array.

    Examples
    --------
    >>> from kampala._internal.arrays import scratch
    >>> a = scratch("doc.example", (2, 3))
    >>> b = scratch("doc.example", (3, 2))
    >>> a.shape, b.shape, bool(np.shares_memory(a, b))
    ((2, 3), (3, 2), True)
    """
    dt = np.dtype(dtype)
    size = int(np.prod(shape, dtype=np.int64))
    key = f"{name}:{dt.str}"
    held = getattr(_scratch, key, None)
    if held is None or held.size < size:
        held = np.empty(size, dtype=dt)
        setattr(_scratch, key, held)
    return held[:size].reshape(shape)
