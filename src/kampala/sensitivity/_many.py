"""Run many methodologies on the same data, in process or with any executor.

Comparing alternative methodologies (weights, aggregation, scorer settings)
on one portfolio or indicator set means running each of them: the runs are
independent, so they can go to local processes or a Dask cluster through
any `concurrent.futures.Executor`. The data are pickled once; a worker
unpickles them once for all the methodologies it runs.
"""

from __future__ import annotations

import pickle
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any

from kampala._internal.allocator import reuse_freed_memory
from kampala._internal.blas_threads import limit_blas_threads
from kampala.composite_result import CompositeResult
from kampala.errors import ParameterTypeError
from kampala.indicators import IndicatorSet
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.principles import ScorerRegistry
from kampala.scorecard import Scorecard
from kampala.sensitivity._run import check_executor, map_blocks, unpickled

__all__ = ["run_methodologies"]


def _run_one(
    token: str, payload: bytes, methodology: Methodology
) -> CompositeResult | Scorecard:
    """Run one methodology where the task lands (module level: pickles by name)."""
    loaded = unpickled(token, payload)
    data, registry = loaded
    with limit_blas_threads(1), reuse_freed_memory():
        if isinstance(data, Portfolio):
            card: Scorecard = methodology.run(data, registry=registry)
            return card
        result: CompositeResult = methodology.run(data)
        return result


def run_methodologies(
    methodologies: Sequence[Methodology],
    data: IndicatorSet | Portfolio,
    *,
    registry: ScorerRegistry | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[CompositeResult | Scorecard]:
    """Run every methodology on ``data``; results in the order given.

    Parameters
    ----------
    methodologies : sequence of Methodology
        The methodologies to run.
    data : IndicatorSet or Portfolio
        What they score (as for `Methodology.run`).
    registry : ScorerRegistry, default=None
        Where to find scorers, for a portfolio.
    executor : concurrent.futures.Executor, default=None
        Where the runs go (local processes, ``Client.get_executor()`` of
        Dask, ...); None runs them here, one after the other. Each result
        is the one `Methodology.run` gives in this process, bit for bit.
    progress : callable, default=None
        Called as ``progress(done, total)`` here after each run.

    Returns
    -------
    list of CompositeResult or Scorecard

    Raises
    ------
    ExecutionError
        If a run fails where it ran (its worker died), naming it.

    Examples
    --------
    KPS-1 and the same with the overall score by geometric mean:

    >>> from concurrent.futures import ThreadPoolExecutor
    >>> import attrs
    >>> from kampala import Aggregate
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import run_methodologies
    >>> base = kps1()
    >>> geometric = attrs.evolve(base, id="KPS-geo", steps=[
    ...     *base.steps[:-1], Aggregate(levels={3: "geometric"}, min_coverage=0.5)])
    >>> with ThreadPoolExecutor(2) as pool:
    ...     cards = run_methodologies([base, geometric], sample_portfolio(),
    ...                               executor=pool)
    >>> [card.methodology.id for card in cards]
    ['KPS', 'KPS-geo']
    """
    where = "run_methodologies()"
    executor = check_executor(where, executor)
    items = list(methodologies)
    for i, m in enumerate(items):
        if not isinstance(m, Methodology):
            raise ParameterTypeError(where, f"methodologies[{i}]", m, "a Methodology")
    results: list[Any] = [None] * len(items)
    if executor is None:
        for i, m in enumerate(items):
            results[i] = (
                m.run(data, registry=registry)
                if isinstance(data, Portfolio)
                else m.run(data)
            )
            if progress is not None:
                progress(i + 1, len(items))
        return results
    payload = pickle.dumps((data, registry), protocol=pickle.HIGHEST_PROTOCOL)
    token = uuid.uuid4().hex
    ranges = [(i, i + 1) for i in range(len(items))]
    runs = map_blocks(
        where,
        executor,
        ranges,
        lambda a, b: (_run_one, token, payload, items[a]),
        items="methodologies",
    )
    for done, (i, _, result) in enumerate(runs, start=1):
        results[i] = result
        if progress is not None:
            progress(done, len(items))
    return results
