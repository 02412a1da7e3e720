"""Evaluate a whole `AnalysisProblem`, in process or with any executor.

`run_problem` is where every Monte Carlo analysis meets ``executor=``: with
no executor the design is evaluated in this process; with any
`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, a
``ThreadPoolExecutor``, a ``dask.distributed`` ``Client.get_executor()``)
the design's row ranges (`AnalysisProblem.blocks`) are submitted as tasks
and their results copied into place as they complete.

The numbers never depend on the executor or the block size: the sample
design is drawn before it is split, each task evaluates a fixed slice with
the same operations as a serial run (`AnalysisProblem.evaluate`), and the
results are put back by row. Guarantees:

- **Shipping**: the problem (with the variants of the methodology its
  design uses already prepared) is pickled once. Workers on this machine
  read those bytes from shared memory (`kampala.sensitivity._shared`) and
  write their scores and ranks there, so a task carries a few bytes; a
  worker elsewhere answers `NEED_PROBLEM` and gets a task with the bytes,
  and ships its block back. A worker unpickles a problem once and keeps it
  for its later blocks.
- **Progress**: ``progress(done, total)`` is called in the calling process
  each time a block completes, whatever worker ran it.
- **Failure**: when a block fails (its worker died, was killed or raised),
  the blocks not yet started are cancelled and an `ExecutionError` names
  the block's rows, with the original exception chained; an error kampala
  raises on purpose (bad data met by the block) is re-raised as it is, with
  a note naming the block. Nothing partial is returned, so nothing partial
  is written.
- **Memory**: results are written (or copied) into arrays allocated once;
  the calling process holds the merged arrays and the blocks in flight,
  not a second copy.
- **Threads**: each task runs with one BLAS thread
  (`kampala._internal.blas_threads.limit_blas_threads`), so that workers
  do not oversubscribe the cores.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import copy
import pickle
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from types import SimpleNamespace
from typing import Any, Literal

import attrs
import numpy as np

from kampala._internal.allocator import reuse_freed_memory
from kampala._internal.array_types import FloatArray
from kampala._internal.blas_threads import limit_blas_threads
from kampala._internal.checks import as_int
from kampala.errors import ExecutionError, KampalaError, ParameterTypeError
from kampala.i18n import N_, translate
from kampala.sensitivity._execution import AnalysisProblem, BlockResult
from kampala.sensitivity._failures import first_failure
from kampala.sensitivity._rank_stats import (
    UNIT_SLAB,
    UnitStatistics,
    row_rank_shift,
    unit_statistics,
)
from kampala.sensitivity._shared import SharedArrays, release_file, shared_arrays

__all__ = [
    "check_executor",
    "evaluation",
    "map_blocks",
    "run_problem",
    "summarise_units",
    "task_rows",
    "unpickled",
]

#: What a worker keeps unpickled, by token (the latest runs).
_KEEP = 2
#: Tasks that summarise the units of an analysis (ranges of whole slabs).
_SUMMARY_TASKS = 16
_shipped: dict[str, Any] = {}
_lock = threading.Lock()


def check_executor(where: str, executor: Any) -> cf.Executor | None:
    """Return ``executor`` if it is None or a `concurrent.futures.Executor`.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from kampala.sensitivity._run import check_executor
    >>> with ThreadPoolExecutor(1) as pool:
    ...     check_executor("f()", pool) is pool
    True
    >>> check_executor("f()", 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kampala.errors.ParameterTypeError: f(): 'executor' must be ...
    """
    if executor is None or isinstance(executor, cf.Executor):
        return executor
    raise ParameterTypeError(
        where,
        "executor",
        executor,
        translate("a concurrent.futures.Executor or None"),
        hint=translate(
            "For local processes use concurrent.futures.ProcessPoolExecutor; "
            "for Dask, Client.get_executor()."
        ),
    )


def task_rows(n_samples: int, block: int | None) -> int:
    """Rows per task: ``block``, else a sixteenth of the design (64 to 4096).

    Examples
    --------
    >>> from kampala.sensitivity._run import task_rows
    >>> task_rows(10_000, None), task_rows(100, None), task_rows(100, 7)
    (625, 64, 7)
    """
    if block is not None:
        return as_int("run_problem()", "block", block, 1)
    return int(min(4096, max(64, -(-n_samples // 16))))


def unpickled(token: str, payload: bytes | memoryview | Any) -> Any:
    """Return ``pickle.loads(payload)``, once per ``token`` in this process.

    A worker keeps what the latest runs shipped, so that its later tasks
    of the same run reuse it (and its caches) instead of unpickling again.

    Examples
    --------
    >>> import pickle
    >>> from kampala.sensitivity._run import unpickled
    >>> data = pickle.dumps([1, 2])
    >>> unpickled("t", data) is unpickled("t", data)
    True
    """
    with _lock:
        found = _shipped.get(token)
    if found is None:
        found = pickle.loads(payload)
        with _lock:
            _shipped[token] = found
            while len(_shipped) > _KEEP:
                _shipped.pop(next(iter(_shipped)))
    return found


@attrs.frozen(kw_only=True, eq=False)
class _Written:
    """A block whose scores and ranks a worker wrote into the shared arrays."""

    choices: Any
    weights: Any
    failed: Any
    failure: str


#: What a worker that does not reach the shared arrays answers a task
#: without the problem: send it again with the problem.
NEED_PROBLEM = "kampala: send the problem"


def _evaluate(
    token: str,
    payload: bytes | None,
    start: int,
    stop: int,
    block: int | None,
    target: SharedArrays | None = None,
) -> BlockResult | _Written | str:
    """Evaluate one block in a worker (module level, so it pickles by name).

    Where the worker reaches the run's shared arrays (a thread, or a
    process on the same machine), it reads the pickled problem there (when
    ``payload`` is None), writes its scores and ranks there and sends back
    only the rest.
    """
    arrays = None if target is None else target.arrays()
    if payload is None:
        if arrays is None:
            return NEED_PROBLEM
        payload = arrays[2]
    problem: AnalysisProblem = unpickled(token, payload)
    with limit_blas_threads(1), reuse_freed_memory():
        if arrays is None:
            return problem.evaluate(start, stop, block=block)
        scores, ranks = arrays[:2]
        part = problem.evaluate(
            start, stop, block=block, out=(scores[start:stop], ranks[start:stop])
        )
    return _Written(
        choices=part.choices,
        weights=part.weights,
        failed=part.failed,
        failure=part.failure,
    )


def _shippable(problem: AnalysisProblem) -> bytes:
    """Pickle the problem once, with every variant its design needs prepared."""
    engine = problem.engine
    engine.warm(problem.design, skip_failed=problem.on_error == "missing")
    shipped = copy.copy(problem)
    shipped.engine = copy.copy(engine)
    shipped.engine.keep_prepared = True
    return pickle.dumps(shipped, protocol=pickle.HIGHEST_PROTOCOL)


def run_problem(
    problem: AnalysisProblem,
    *,
    where: str,
    executor: cf.Executor | None = None,
    block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BlockResult:
    """Evaluate every row of ``problem``'s design; the same bits however run.

    Parameters
    ----------
    problem : AnalysisProblem
        What to evaluate.
    where : str
        The analysis, for error messages (``"uncertainty_analysis()"``).
    executor : concurrent.futures.Executor, default=None
        Where blocks run; None evaluates in this process.
    block : int, default=None
        Rows per task with an executor (default `task_rows`); without one,
        samples computed together. Never changes a number.
    progress : callable, default=None
        Called as ``progress(done, total)`` in this process.

    Returns
    -------
    BlockResult
        All rows, as `AnalysisProblem.evaluate` of the whole design.

    Raises
    ------
    ExecutionError
        If a block fails where it runs (with the block's rows).

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import AnalysisProblem, UncertaintySpec, WeightNoise
    >>> from kampala.sensitivity._run import run_problem
    >>> problem = AnalysisProblem.uncertainty(
    ...     kps1(), sample_portfolio(),
    ...     UncertaintySpec(factors=[WeightNoise(levels=2)]), n=64, rng=0)
    >>> with ThreadPoolExecutor(2) as pool:
    ...     out = run_problem(problem, where="f()", executor=pool, block=10)
    >>> out.ranks.tobytes() == problem.evaluate().ranks.tobytes()
    True
    """
    with evaluation(
        problem, where=where, executor=executor, block=block, progress=progress
    ) as (result, _):
        return result


@contextlib.contextmanager
def evaluation(
    problem: AnalysisProblem,
    *,
    where: str,
    executor: cf.Executor | None = None,
    block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[BlockResult, SharedArrays | None]]:
    """`run_problem`, keeping the arrays shared with the workers until the end.

    Yields the result and the handle that tasks use to read its scores and
    ranks where they are (None without an executor); see `summarise_units`.
    """
    if executor is None:
        yield problem.evaluate(block=block, progress=progress), None
        return
    n = problem.n_samples
    ranges = problem.blocks(task_rows(n, block))
    payload = _shippable(problem)
    token = uuid.uuid4().hex
    engine = problem.engine
    n_units = len(engine.units)
    choices = np.empty((n, len(engine.discrete)), dtype=np.intp)
    weights = np.empty((n, len(engine.nodes)), dtype=np.float64)
    done = 0
    failures: list[Any] = []  # start, failed rows, reason of blocks with failures
    shape = (n, n_units)
    specs = [(shape, problem.dtype), (shape, np.float32), ((len(payload),), np.uint8)]
    with shared_arrays(specs) as (target, (scores, ranks, shipped)):
        # workers on this machine read the problem from shared memory: a
        # task carries a few bytes; others ask for it (NEED_PROBLEM)
        shipped[:] = np.frombuffer(payload, dtype=np.uint8)
        light = target.path != ""
        tasks = _tasks_with_problem(
            where,
            executor,
            ranges,
            lambda start, stop, with_problem: (
                _evaluate,
                token,
                payload if with_problem or not light else None,
                start,
                stop,
                None,
                target,
            ),
        )
        for start, stop, part in tasks:
            if isinstance(part, BlockResult):  # shipped back: copy into place
                scores[start:stop] = part.scores
                ranks[start:stop] = part.ranks
            choices[start:stop] = part.choices
            weights[start:stop] = part.weights
            if part.failed.size:  # not the part: its arrays are released below
                failures.append(
                    SimpleNamespace(
                        start=start, failed=part.failed, failure=part.failure
                    )
                )
            del part
            done += stop - start
            if progress is not None:
                progress(done, n)
        # every worker that took part has it mapped: a process killed from
        # now on leaves no file behind
        release_file(target)
        yield (
            BlockResult(
                start=0,
                stop=n,
                scores=scores,
                ranks=ranks,
                choices=choices,
                weights=weights,
                **first_failure(failures),
            ),
            target,
        )


def _tasks_with_problem(
    where: str,
    executor: cf.Executor,
    ranges: Sequence[tuple[int, int]],
    task: Callable[[int, int, bool], tuple[Any, ...]],
) -> Iterator[tuple[int, int, Any]]:
    """`map_blocks` of light tasks, then again with the problem for those that ask."""
    again = []
    for start, stop, part in map_blocks(
        where, executor, ranges, lambda a, b: task(a, b, False)
    ):
        if isinstance(part, str) and part == NEED_PROBLEM:
            again.append((start, stop))
        else:
            yield start, stop, part
    if again:
        yield from map_blocks(where, executor, again, lambda a, b: task(a, b, True))


def _summarise_part(
    scores: Any,
    ranks: Any,
    units: tuple[int, int],
    rows: tuple[int, int],
    nominal: FloatArray,
    top_k: int,
    qs: tuple[float, ...],
    n_used: int,
) -> tuple[UnitStatistics, FloatArray]:
    """Statistics of a range of units and row shifts of a range of rows."""
    (a, b), (r0, r1) = units, rows
    stats = unit_statistics(
        scores[:, a:b], ranks[:, a:b], nominal[a:b], top_k, qs, n_used
    )
    return stats, row_rank_shift(ranks[r0:r1], nominal)


def _unit_task(
    target: SharedArrays, *args: Any
) -> tuple[UnitStatistics, FloatArray] | None:
    """`_summarise_part` where a worker is; None where it cannot reach the arrays."""
    arrays = target.arrays()
    if arrays is None:  # another machine: the caller computes them
        return None
    with limit_blas_threads(1), reuse_freed_memory():
        return _summarise_part(arrays[0], arrays[1], *args)


def summarise_units(
    ev: BlockResult,
    nominal: FloatArray,
    *,
    top_k: int,
    qs: tuple[float, ...],
    where: str,
    executor: cf.Executor | None = None,
    target: SharedArrays | None = None,
) -> tuple[UnitStatistics, FloatArray]:
    """Per-unit statistics and per-sample rank shifts of an evaluated design.

    With an executor whose workers reach the shared arrays (``target``),
    ranges of units and of samples are summarised where the workers are;
    the numbers are those of this process in any case (`unit_statistics`
    works slab by slab, and shifts are sums of integers).
    """
    n_rows, n_units = ev.ranks.shape
    n_used = n_rows - int(ev.failed.size)
    if executor is None or target is None:
        whole = ((0, n_units), (0, n_rows), nominal, top_k, qs, n_used)
        return _summarise_part(ev.scores, ev.ranks, *whole)
    slabs = -(-n_units // UNIT_SLAB)
    n_tasks = max(1, min(slabs, _SUMMARY_TASKS))
    unit_cuts = [
        min(n_units, UNIT_SLAB * (slabs * i // n_tasks)) for i in range(n_tasks + 1)
    ]
    row_cuts = [n_rows * i // n_tasks for i in range(n_tasks + 1)]
    ranges = [(i, i + 1) for i in range(n_tasks)]
    found: dict[int, Any] = {}

    def arguments(i: int) -> tuple[Any, ...]:
        units = (unit_cuts[i], unit_cuts[i + 1])
        rows = (row_cuts[i], row_cuts[i + 1])
        return (units, rows, nominal, top_k, qs, n_used)

    for i, _, part in map_blocks(
        where,
        executor,
        ranges,
        lambda i, _: (_unit_task, target, *arguments(i)),
        items="units",
    ):
        found[i] = part
    stats, shifts = [], []
    for i in range(n_tasks):
        part = found[i]
        if part is None:  # workers elsewhere: here
            part = _summarise_part(ev.scores, ev.ranks, *arguments(i))
        stats.append(part[0])
        shifts.append(part[1])
    return UnitStatistics.concatenate(stats), np.concatenate(shifts)


def map_blocks(
    where: str,
    executor: cf.Executor,
    ranges: Sequence[tuple[int, int]],
    task: Callable[[int, int], tuple[Any, ...]],
    *,
    items: Literal["samples", "methodologies", "units"] = "samples",
) -> Iterator[tuple[int, int, Any]]:
    """Submit one task per row range; yield ``(start, stop, result)`` as they end.

    ``task(start, stop)`` gives the function and its arguments; ``items``
    names what the ranges count, in errors. A result is
    released as soon as the caller has it (``concurrent.futures.wait``, not
    ``as_completed``, which keeps every finished future alive). On a
    failure the tasks not yet started are cancelled and the error names
    the block (see `run_problem`).

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from kampala.sensitivity._run import map_blocks
    >>> with ThreadPoolExecutor(2) as pool:
    ...     out = map_blocks("f()", pool, [(0, 3), (3, 5)],
    ...                      lambda a, b: (sum, range(a, b)))
    ...     sorted(out)
    [(0, 3, 3), (3, 5, 7)]
    """
    pending: dict[cf.Future[Any], tuple[int, int]] = {}
    for start, stop in ranges:
        fn, *args = task(start, stop)
        pending[executor.submit(fn, *args)] = (start, stop)
    try:
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                start, stop = pending.pop(fut)
                yield start, stop, _result(fut, where, start, stop, items)
                del fut
    finally:
        for fut in pending:
            fut.cancel()


#: what failed, by what the ranges of `map_blocks` count
_FAILED = {
    "units": N_(
        "The summary of part {start} of the units failed where it ran ({error}). "
        "Nothing was written; run again, or without workers."
    ),
    "samples": N_(
        "Samples {start} to {stop} failed where they ran ({error}). "
        "Nothing was written; run again, or without workers."
    ),
    "methodologies": N_(
        "Methodologies {start} to {stop} (counted from 0) failed where they "
        "ran ({error}). Nothing was returned; run again, or without workers."
    ),
}


def _result(
    fut: cf.Future[Any], where: str, start: int, stop: int, items: str = "samples"
) -> Any:
    """Return the block's result, or raise the error that names it."""
    try:
        return fut.result()
    except KampalaError as exc:  # the data, not the worker: as in a serial run
        exc.add_note(translate("in the block of samples {start} to {stop}",
                               start=start, stop=stop - 1))  # fmt: skip
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ExecutionError(
            where,
            "block",
            (start, stop),
            translate("evaluated by the executor without failure"),
            hint=translate(
                _FAILED[items],
                start=start,
                stop=stop - 1,
                error=f"{type(exc).__name__}: {exc}",
            ),
        ) from exc
