"""Limit the threads of the BLAS (OpenBLAS, MKL) and OpenMP for a while.

Several worker processes that each let the BLAS start one thread per core
oversubscribe the machine: on 2 cores, 2 workers x 2 BLAS threads run
slower than 2 x 1. Blocks of an analysis evaluated by an executor therefore
run inside ``limit_blas_threads(1)``. The limit uses ``threadpoolctl``
(installed with the ``dask`` extra); without it the context manager does
nothing, and the BLAS keeps its own setting (``OPENBLAS_NUM_THREADS`` and
the like still apply).
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

__all__ = ["limit_blas_threads"]


@contextlib.contextmanager
def limit_blas_threads(n: int | None) -> Iterator[None]:
    """Run the body with at most ``n`` BLAS and OpenMP threads.

    Parameters
    ----------
    n : int or None
        The thread limit; None changes nothing.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala._internal.blas_threads import limit_blas_threads
    >>> with limit_blas_threads(1):
    ...     x = np.ones((64, 64)) @ np.ones((64, 64))
    >>> float(x[0, 0])
    64.0
    """
    if n is None:
        yield
        return
    try:
        threadpoolctl = importlib.import_module("threadpoolctl")
    except ImportError:  # optional: the dask extra installs it
        yield
        return
    with threadpoolctl.threadpool_limits(limits=max(1, int(n))):
        yield
