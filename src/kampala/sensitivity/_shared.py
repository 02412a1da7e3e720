"""Result arrays that workers on this machine write into, with no copy.

An analysis run with an executor collects every block's scores and ranks
into arrays as large as the whole design. Shipping each block back costs
what a second core gains (pickling, sending and copying about 8 bytes a
sample and unit), so `SharedArrays` lets workers write in place:

- a worker **thread** of this process gets the arrays themselves (the
  handle carries this process's id, and the arrays are looked up by token);
- a worker **process on this machine** maps a file in ``/dev/shm`` (shared
  memory on Linux; the space is reserved up front, so a full ``/dev/shm``
  is found before any work starts, never by a crashing worker) and checks
  a random token at its start, so it never writes into another file. It
  maps a run's file once and keeps the mapping for the run's later tasks:
  shared memory comes in small pages, and mapping it anew for every task
  faulted every page again;
- anywhere else (a worker on another machine, a system without
  ``/dev/shm``) `SharedArrays.arrays` returns None and the worker ships its
  block back as before.

The file is removed as soon as every block is evaluated (workers keep
their mappings for the summaries), and in any case when the run ends,
failed or not; the calling process keeps its mapping, so the result arrays
stay valid (the memory is freed with the last array that uses it). Files
left by a process killed in the middle of a run are removed by the next
run on the machine.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
import numpy as np

__all__ = ["SharedArrays", "release_file", "shared_arrays"]

#: where shared files go (tmpfs on Linux)
SHM_DIR = "/dev/shm"
#: bytes before the first array: the token
_HEADER = 64
#: arrays of the running analyses of this process, by token (worker threads)
_LOCAL: dict[str, tuple[Any, ...]] = {}
#: arrays this process (a worker) has mapped, by token: the latest runs
_MAPPED: dict[str, tuple[Any, ...]] = {}
_KEEP = 2
_lock = threading.Lock()


@attrs.frozen(kw_only=True)
class SharedArrays:
    """A picklable handle to arrays shared with the workers of one run.

    Attributes
    ----------
    token : str
        Random, unique to the run.
    pid : int
        The process that owns the arrays.
    path : str
        The shared file ("" when there is none: only threads of ``pid``
        reach the arrays).
    layout : tuple of (dtype, shape, offset)
        Where each array lies in the file.
    """

    token: str
    pid: int
    path: str
    layout: tuple[tuple[str, tuple[int, ...], int], ...]

    def arrays(self) -> tuple[Any, ...] | None:
        """Return the arrays, from any process of this machine; None if unreachable.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.sensitivity._shared import shared_arrays
        >>> with shared_arrays([((2, 3), np.float32)]) as (handle, (a,)):
        ...     handle.arrays()[0] is a
        True
        """
        if self.pid == os.getpid():
            with _lock:
                return _LOCAL.get(self.token)
        if not self.path:
            return None
        with _lock:
            found = _MAPPED.get(self.token)
        if found is not None:
            return found
        buffer = _map(self.path)
        key = self.token.encode()
        if buffer is None or buffer.size < _HEADER or bytes(buffer[: len(key)]) != key:
            return None
        arrays = _views(buffer, self.layout)
        with _lock:  # a worker keeps the latest runs mapped: one mapping a run
            _MAPPED[self.token] = arrays
            while len(_MAPPED) > _KEEP:
                _MAPPED.pop(next(iter(_MAPPED)))
        return arrays


def _map(path: str) -> Any:
    """Map a shared file, or None.

    Pages are faulted in as they are touched: a worker touches only its
    rows and its partnerships' columns, and filling every page table up
    front (``MAP_POPULATE``) measured no faster.
    """
    try:
        with open(path, "r+b") as f:
            size = os.fstat(f.fileno()).st_size
            if size == 0:
                return None
            m = mmap.mmap(f.fileno(), size, flags=mmap.MAP_SHARED)
    except (OSError, ValueError):
        return None
    return np.frombuffer(m, dtype=np.uint8)


def _views(
    buffer: Any, layout: Sequence[tuple[str, tuple[int, ...], int]]
) -> tuple[Any, ...]:
    out = []
    for dtype, shape, offset in layout:
        dt = np.dtype(dtype)
        size = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
        # a plain ndarray view: the memmap stays alive as its base
        out.append(np.asarray(buffer[offset : offset + size]).view(dt).reshape(shape))
    return tuple(out)


def _reserve(size: int) -> tuple[str, Any] | None:
    """Create a shared file of ``size`` bytes; None if there is no room."""
    if not os.path.isdir(SHM_DIR) or not hasattr(os, "posix_fallocate"):
        return None
    _sweep()
    try:
        fd, path = tempfile.mkstemp(prefix=f"kampala-{os.getpid()}-", dir=SHM_DIR)
    except OSError:
        return None
    try:
        try:
            os.posix_fallocate(fd, 0, size)  # no room: an error now, not a SIGBUS
        finally:
            os.close(fd)
        buffer = _map(path)
    except OSError:
        buffer = None
    if buffer is None:
        with contextlib.suppress(OSError):
            os.unlink(path)
        return None
    return path, buffer


def _sweep() -> None:
    """Remove the files that runs of processes no longer alive left behind.

    A run removes its file when it ends; only a process killed in the
    middle of one leaves it (in memory, until the next run here).
    """
    with contextlib.suppress(OSError):
        for entry in os.scandir(SHM_DIR):
            parts = entry.name.split("-")
            if len(parts) < 3 or parts[0] != "kampala" or not parts[1].isdigit():
                continue
            if not os.path.exists(f"/proc/{parts[1]}"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def release_file(handle: SharedArrays) -> None:
    """Remove the run's shared file early; mappings (and the arrays) stay valid.

    Workers that have mapped it keep reaching the arrays; others get None
    from `SharedArrays.arrays` and the caller does their part.
    """
    if handle.path:
        with contextlib.suppress(OSError):
            os.unlink(handle.path)


@contextlib.contextmanager
def shared_arrays(
    specs: Sequence[tuple[tuple[int, ...], Any]], *, share: bool = True
) -> Iterator[tuple[SharedArrays, tuple[Any, ...]]]:
    """Allocate arrays that workers of this machine can write into.

    Parameters
    ----------
    specs : sequence of (shape, dtype)
        The arrays.
    share : bool, default=True
        Put them in shared memory when the system has it (else only threads
        of this process reach them).

    Yields
    ------
    (SharedArrays, tuple of numpy.ndarray)
        The handle to give to tasks, and the arrays (uninitialised). They
        stay valid after the block ends; the shared file does not.
    """
    layout: list[tuple[str, tuple[int, ...], int]] = []
    offset = _HEADER
    for shape, dtype in specs:
        dt = np.dtype(dtype)
        layout.append((dt.str, tuple(int(d) for d in shape), offset))
        size = int(np.prod(shape, dtype=np.int64)) * dt.itemsize
        offset += -(-size // 64) * 64  # 64-byte aligned
    token = uuid.uuid4().hex
    made = _reserve(offset) if share else None
    if made is None:
        path = ""
        arrays = tuple(np.empty(shape, dtype=dtype) for shape, dtype in specs)
    else:
        path, mm = made
        mm[: len(token)] = np.frombuffer(token.encode(), dtype=np.uint8)
        arrays = _views(mm, layout)
    handle = SharedArrays(token=token, pid=os.getpid(), path=path, layout=tuple(layout))
    with _lock:
        _LOCAL[token] = arrays
    try:
        yield handle, arrays
    finally:
        with _lock:
            _LOCAL.pop(token, None)
        release_file(handle)
