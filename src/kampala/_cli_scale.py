"""``--workers`` and ``--scheduler``: where the command line runs its analyses.

``--workers N`` evaluates blocks of samples on N local processes
(`concurrent.futures.ProcessPoolExecutor`); ``--scheduler ADDRESS`` sends
them to a running ``dask.distributed`` scheduler (the ``dask`` extra), through
the client's `concurrent.futures` executor. Either way the outputs are the
bytes of a run in one process: the executors only change where blocks run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from kampala._internal.terminal import UsageError, shown
from kampala.i18n import translate

__all__ = ["add_scale_options", "executor_from_args"]


def _workers(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(
            translate("must be an integer from 1 to 1024 (got {value})", value=text)
        )
    return value


def add_scale_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers`` and ``--scheduler`` (one or the other) to ``parser``."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--workers",
        metavar="N",
        type=_workers,
        default=None,
        help=translate(
            "evaluate blocks of samples on N local processes; the results are "
            "identical to one process (default: one process)"
        ),
    )
    group.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help=translate(
            "evaluate blocks of samples on a Dask cluster, e.g. "
            "tcp://10.0.0.5:8786 (needs the dask extra); identical results"
        ),
    )


@contextlib.contextmanager
def executor_from_args(args: Any, where: str) -> Iterator[Executor | None]:
    """Yield the executor ``args`` ask for (None: this process); close it after.

    Raises
    ------
    UsageError
        If Dask is not installed or the scheduler cannot be reached.
    """
    workers = getattr(args, "workers", None)
    address = getattr(args, "scheduler", None)
    if address is not None:
        with _dask_executor(address, where) as executor:
            yield executor
    elif workers is not None and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield pool
    else:
        yield None


@contextlib.contextmanager
def _dask_executor(address: str, where: str) -> Iterator[Executor]:
    try:
        distributed = importlib.import_module("distributed")
    except ImportError:
        raise UsageError(
            translate(
                "{where}: '--scheduler' needs Dask: pip install 'kampala[dask]'",
                where=where,
            )
        ) from None
    try:
        client = distributed.Client(address, timeout=10)
    except Exception as exc:  # anything that stops the connection
        # (a host that answers in another protocol gives even a MemoryError)
        raise UsageError(
            translate(
                "{where}: '--scheduler' must be the address of a running Dask "
                "scheduler (got {address!r}): {error}",
                where=where,
                address=shown(address),
                error=shown(str(exc)),
            )
        ) from None
    try:
        yield client.get_executor()
    finally:
        client.close()
