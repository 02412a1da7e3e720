"""Keep freed memory for reuse during a task, where a worker returns it at once.

A ``dask.distributed`` nanny starts its workers with
``MALLOC_TRIM_THRESHOLD_=65536``, so that freed memory goes back to the
system at once. Setting it also turns off glibc's adaptive thresholds: every
allocation above 128 KiB is then a fresh mapping, and every block of an
analysis maps, faults and zeroes its temporaries anew (on a virtual machine
that returns freed pages to the host, at 1 to 3 ms a MB). On the sensitivity
benchmark that made a Dask worker about 1.5 times slower than a local
process doing the same work.

`reuse_freed_memory` raises glibc's mmap and trim thresholds for the
duration of a task, only where the environment has fixed them that way
(``MALLOC_TRIM_THRESHOLD_`` set and ``MALLOC_MMAP_THRESHOLD_`` not), and
afterwards puts them back to what the environment asked and returns the
free memory to the system (``malloc_trim``), as the worker's settings
intend. Anywhere else (another C library, other settings, no glibc) it does
nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import threading
from collections.abc import Iterator
from typing import Any

__all__ = ["reuse_freed_memory"]

#: glibc's mallopt parameters
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: glibc's default mmap threshold (the environment fixed it there)
_DEFAULT_MMAP = 128 * 1024
#: the thresholds during a task (glibc's largest mmap threshold on 64 bits)
_MMAP_DURING = 32 * 1024 * 1024
_TRIM_DURING = 256 * 1024 * 1024

_lock = threading.Lock()
_active = 0
_libc: Any = None


def _glibc() -> Any:
    """Return the C library if it is glibc (with ``mallopt`` and ``malloc_trim``)."""
    global _libc
    if _libc is None:
        _libc = False
        name = ctypes.util.find_library("c")
        if name:
            with contextlib.suppress(OSError, AttributeError):
                lib = ctypes.CDLL(name)
                if hasattr(lib, "mallopt") and hasattr(lib, "malloc_trim"):
                    _libc = lib
    return _libc or None


def _fixed_trim() -> int | None:
    """Return the trim threshold the environment fixed, if that is the case here."""
    raw = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    if raw is None or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


@contextlib.contextmanager
def reuse_freed_memory() -> Iterator[None]:
    """Run the body with freed memory kept for reuse (see the module).

    Examples
    --------
    >>> from kampala._internal.allocator import reuse_freed_memory
    >>> with reuse_freed_memory():
    ...     total = sum(range(10))
    >>> total
    45
    """
    global _active
    trim = _fixed_trim()
    lib = _glibc() if trim is not None else None
    if lib is None:
        yield
        return
    with _lock:
        _active += 1
        if _active == 1:
            lib.mallopt(_M_MMAP_THRESHOLD, _MMAP_DURING)
            lib.mallopt(_M_TRIM_THRESHOLD, _TRIM_DURING)
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                lib.mallopt(_M_MMAP_THRESHOLD, _DEFAULT_MMAP)
                lib.mallopt(_M_TRIM_THRESHOLD, trim)
                lib.malloc_trim(0)
