"""The execution layer: a picklable problem, a fixed design, blocks, one merge.

An analysis is an `AnalysisProblem` (methodology, data, uncertainty spec,
scorer registry and a sample design drawn once from ``rng``) whose rows can be
evaluated in any blocks, anywhere, and put back together with `merge_blocks`
bit for bit as one serial run. `uncertainty_analysis` and
`sensitivity_analysis` run on it; to spread the work, map
`AnalysisProblem.evaluate` over `AnalysisProblem.blocks` with any
`concurrent.futures.Executor`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from typing import Any, Literal, cast

import attrs
import numpy as np
import numpy.typing as npt
import scipy.stats

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import readonly
from kampala._internal.checks import as_int
from kampala._internal.rng import SeedLike
from kampala.errors import ParameterValueError
from kampala.i18n import translate
from kampala.indicators import IndicatorSet
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.principles import ScorerRegistry
from kampala.sensitivity._engine import Problem
from kampala.sensitivity._failures import first_failure, frozen_rows
from kampala.sensitivity._limits import check_memory, max_memory_bytes, seeded
from kampala.sensitivity._sobol import SaltelliDesign, saltelli_design
from kampala.sensitivity.spec import UncertaintySpec

__all__ = [
    "AnalysisProblem",
    "BlockResult",
    "check_on_error",
    "merge_blocks",
]


#: Rows per block of `AnalysisProblem.blocks` when no size is given.
_DEFAULT_ROWS = 4096


@attrs.frozen(kw_only=True, eq=False)
class BlockResult:
    """Scores and ranks of the design rows ``start`` to ``stop - 1``.

    Attributes
    ----------
    start, stop : int
        The row range of the design.
    scores : numpy.ndarray, shape (stop - start, n_units)
        Root scores (NaN where a unit has no score), in the problem's
        ``dtype``; every row is computed in double precision.
    ranks : numpy.ndarray of float32, shape (stop - start, n_units)
        Ranks, 1 = best, NaN where the score is NaN.
    choices : numpy.ndarray of intp, shape (stop - start, n_discrete)
        Option index of each discrete factor.
    weights : numpy.ndarray, shape (stop - start, n_nodes)
        Relative weight of every weighted node.
    failed : numpy.ndarray of intp
        Design rows (counted from 0 in the whole design) that could not be
        computed, in increasing order (only with ``on_error="missing"``);
        their scores and ranks are NaN.
    failure : str
        Why the first of them failed ("" when none did).

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import AnalysisProblem, UncertaintySpec, WeightNoise
    >>> problem = AnalysisProblem.uncertainty(
    ...     kps1(), sample_portfolio(),
    ...     UncertaintySpec(factors=[WeightNoise(levels=2)]), n=16, rng=0)
    >>> part = problem.evaluate(4, 8)
    >>> part.start, part.stop, part.scores.shape, part.ranks.dtype
    (4, 8, (4, 48), dtype('float32'))
    >>> part.choices.shape, part.weights.shape  # no discrete factor; 34 nodes
    ((4, 0), (4, 34))
    """

    start: int
    stop: int
    scores: Any = attrs.field(converter=readonly)
    ranks: npt.NDArray[np.float32] = attrs.field(converter=readonly)
    choices: npt.NDArray[np.intp]
    weights: FloatArray = attrs.field(converter=readonly)
    failed: npt.NDArray[np.intp] = attrs.field(
        factory=frozen_rows, converter=frozen_rows
    )
    failure: str = ""


#: What ``on_error`` may be.
ON_ERROR = ("raise", "missing")


def check_on_error(where: str, on_error: Any) -> Literal["raise", "missing"]:
    """Return ``on_error`` if it is ``"raise"`` or ``"missing"``.

    Examples
    --------
    >>> from kampala.sensitivity._execution import check_on_error
    >>> check_on_error("f()", "missing")
    'missing'
    >>> check_on_error("f()", "skip")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kampala.errors.ParameterValueError: f(): 'on_error' must be one of ...
    """
    if on_error in ON_ERROR:
        return cast(Literal["raise", "missing"], on_error)
    raise ParameterValueError(
        where,
        "on_error",
        on_error,
        translate("one of {choices}", choices=", ".join(map(repr, ON_ERROR))),
    )


class AnalysisProblem:
    """A methodology, its data, an uncertainty spec and a fixed sample design.

    The design (rows in $[0, 1)^d$) is drawn once, before any splitting, so
    how the rows are split into blocks, in which order and where they are
    evaluated never changes a number: `merge_blocks` of any blocks covering
    the design equals the serial run bit for bit. The problem pickles
    (also with an explicit scorer registry), so blocks can be evaluated in
    other processes.

    Build one with `uncertainty` (the design of `uncertainty_analysis`) or
    `sobol` (Saltelli's design of `sensitivity_analysis`), or from a design
    of your own.

    Parameters
    ----------
    methodology : Methodology
        The nominal methodology (it must have an aggregate step).
    data : IndicatorSet or Portfolio
        What it scores.
    spec : UncertaintySpec
        The uncertain factors, validated against the methodology here.
    design : array_like, shape (n_samples, n_dims)
        Uniform numbers in $[0, 1)$, one column per input dimension of the
        spec (see `UncertaintySpec.dims`).
    registry : ScorerRegistry, default=None
        Where to find scorers; the default registry if None.
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        How `BlockResult.scores` are stored.
    max_memory : int or str, default=None
        Refuse when the estimated memory of the evaluation exceeds this
        many bytes (or a size such as ``"8GiB"``); default the environment
        variable ``KAMPALA_MAX_MEMORY``, else half the physical memory.

    Attributes
    ----------
    design : numpy.ndarray
        The design, read-only.
    n_samples : int
        Its number of rows.
    engine : Problem
        The evaluation engine (units, nodes, discrete factors), shared by
        every block.
    saltelli : SaltelliDesign or None
        For a problem built by `sobol`, the Saltelli design whose stacked
        rows are ``design``.
    bootstrap_rng : numpy.random.Generator or None
        For a problem built by `sobol`, the stream the bootstrap draws from.
    seed : int or None
        For a problem built by `uncertainty` or `sobol`, the seed that
        reproduces its design (drawn from OS entropy when ``rng`` is None).
    on_error : {"raise", "missing"}
        What `evaluate` does with a sample that raises a `KampalaError`
        while scoring: re-raise (the default), or record it in
        `BlockResult.failed` (set by `uncertainty` and `sobol`, or assign it).

    Raises
    ------
    MethodologyError
        If the methodology has no aggregate step.
    ParameterValueError
        If the spec does not fit the methodology, the design has the
        wrong shape, or its evaluation would need more than ``max_memory``.

    Examples
    --------
    Evaluate a design in two blocks, in reverse order, and merge them:
    the same bytes as one run.

    >>> import pickle
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import (AnalysisProblem, UncertaintySpec,
    ...                                  WeightNoise, merge_blocks)
    >>> spec = UncertaintySpec(factors=[WeightNoise(levels=2)])
    >>> problem = AnalysisProblem.uncertainty(kps1(), sample_portfolio(), spec,
    ...                                       n=64, rng=0)
    >>> problem.n_samples, problem.blocks(40)
    (64, [(0, 40), (40, 64)])
    >>> copy = pickle.loads(pickle.dumps(problem))  # as a worker receives it
    >>> parts = [copy.evaluate(40, 64), problem.evaluate(0, 40)]
    >>> merged = merge_blocks(parts)
    >>> merged.scores.tobytes() == problem.evaluate().scores.tobytes()
    True
    """

    def __init__(
        self,
        methodology: Methodology,
        data: IndicatorSet | Portfolio,
        spec: UncertaintySpec,
        design: npt.ArrayLike,
        *,
        registry: ScorerRegistry | None = None,
        dtype: type = np.float64,
        max_memory: int | str | None = None,
    ) -> None:
        self.engine = Problem(methodology, data, spec, registry=registry)
        u = np.array(design, dtype=np.float64, copy=True)
        if u.ndim != 2 or u.shape[1] != self.engine.n_dims or u.shape[0] < 1:
            raise ParameterValueError(
                "AnalysisProblem()",
                "design",
                u.shape,
                f"of shape (n_samples, {self.engine.n_dims}) with n_samples >= 1",
            )
        limit = max_memory_bytes("AnalysisProblem()", max_memory)
        rows = int(u.shape[0])
        check_memory(
            "AnalysisProblem()",
            rows,
            _estimate(self.engine, rows, rows, np.dtype(dtype).itemsize),
            limit,
        )
        u.flags.writeable = False
        self._set(self.engine, u, dtype)

    # -- constructors ---------------------------------------------------------
    @classmethod
    def uncertainty(
        cls,
        methodology: Methodology,
        data: IndicatorSet | Portfolio,
        spec: UncertaintySpec,
        *,
        n: int = 1024,
        method: Literal["sobol", "random"] = "sobol",
        registry: ScorerRegistry | None = None,
        rng: SeedLike = None,
        max_memory: int | str | None = None,
        on_error: Literal["raise", "missing"] = "raise",
    ) -> AnalysisProblem:
        """Return the problem of `uncertainty_analysis`: ``n`` samples.

        Scores are stored in single precision (each sample is computed and
        ranked in double precision), as `uncertainty_analysis` reports them.

        Parameters
        ----------
        methodology, data, spec, registry
            As for the class.
        n : int, default=1024
            Number of samples (a power of 2 for ``method="sobol"``).
        method : {"sobol", "random"}, default="sobol"
            Scrambled Sobol' points (`scipy.stats.qmc.Sobol`) or plain random.
        rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
            Source of randomness, passed to `numpy.random.default_rng`.
            `None` draws a seed from OS entropy and records it in `seed`,
            so the run can be repeated. An int (>= 0) or `SeedSequence`
            makes results reproducible. A `Generator` is used as-is and is
            advanced (`seed` is then None).
        max_memory : int or str, default=None
            Refuse (`ParameterValueError` naming ``n``) when the estimated
            memory exceeds this many bytes (or a size such as ``"8GiB"``);
            default ``KAMPALA_MAX_MEMORY``, else half the physical memory.
        on_error : {"raise", "missing"}, default="raise"
            Stop at a sample whose methodology variant raises a
            `KampalaError` while scoring, or record it as missing
            (`BlockResult.failed`) and go on.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import (AnalysisProblem, UncertaintySpec,
        ...                                  WeightNoise)
        >>> problem = AnalysisProblem.uncertainty(
        ...     kps1(), sample_portfolio(),
        ...     UncertaintySpec(factors=[WeightNoise(levels=2)]), n=32, rng=1)
        >>> problem.design.shape  # 32 samples of 5 principle weights
        (32, 5)
        """
        where = "uncertainty_analysis()"
        on_error = check_on_error(where, on_error)
        limit = max_memory_bytes(where, max_memory)
        gen, seed = seeded(where, rng)
        engine = Problem(methodology, data, spec, registry=registry)
        n = as_int(where, "n", n, 1)
        check_memory(where, n, _estimate(engine, n, n, 4), limit)
        u = _design(where, n, engine.n_dims, method, gen)
        out = cls._from_engine(engine, u, np.float32)
        out.seed = seed
        out.on_error = on_error
        return out

    @classmethod
    def sobol(
        cls,
        methodology: Methodology,
        data: IndicatorSet | Portfolio,
        spec: UncertaintySpec,
        *,
        n: int = 512,
        method: Literal["sobol", "random"] = "sobol",
        registry: ScorerRegistry | None = None,
        rng: SeedLike = None,
        max_memory: int | str | None = None,
        on_error: Literal["raise", "missing"] = "raise",
    ) -> AnalysisProblem:
        """Return the problem of `sensitivity_analysis`: Saltelli's design.

        The ``n (d + 2)`` rows are the stacked matrices A, B and AB_i of
        `saltelli_design`, one group per factor. ``rng`` is split in two:
        one stream draws the design, the other (`bootstrap_rng`) is kept for
        the bootstrap of the indices.

        Parameters
        ----------
        methodology, data, spec, registry
            As for the class.
        n : int, default=512
            Base sample size.
        method : {"sobol", "random"}, default="sobol"
            Base matrices from scrambled Sobol' points or plain random.
        rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
            Source of randomness, as in `uncertainty` (recorded in `seed`).
        max_memory : int or str, default=None
            Memory limit in bytes or a size such as ``"8GiB"``, as in
            `uncertainty`.
        on_error : {"raise", "missing"}, default="raise"
            As in `uncertainty`.

        Raises
        ------
        ParameterValueError
            If ``n`` is not a power of 2 (Sobol' points), or a discrete
            factor takes the same option in A and B in every row.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import (AnalysisProblem, UncertaintySpec,
        ...                                  WeightNoise, missing_evidence_choice)
        >>> spec = UncertaintySpec(factors=[WeightNoise(levels=2),
        ...                                 missing_evidence_choice()])
        >>> problem = AnalysisProblem.sobol(kps1(), sample_portfolio(), spec,
        ...                                 n=64, rng=1)
        >>> problem.n_samples  # 64 * (2 factors + 2)
        256
        """
        where = "sensitivity_analysis()"
        on_error = check_on_error(where, on_error)
        limit = max_memory_bytes(where, max_memory)
        gen, seed = seeded(where, rng)
        design_rng, boot_rng = gen.spawn(2)
        engine = Problem(methodology, data, spec, registry=registry)
        n = as_int(where, "n", n, 1)
        rows = n * (len(spec.names) + 2)
        # the design stacks A, B and one AB_i per factor; A and B are kept too
        check_memory(where, n, _estimate(engine, rows, rows + 2 * n, 8), limit)
        design = saltelli_design(
            engine.dims, n, groups=list(spec.names), method=method, rng=design_rng
        )
        _check_discrete_factors_vary(engine, design)
        out = cls._from_engine(engine, design.stack(), np.float64)
        out.saltelli = design
        out.bootstrap_rng = boot_rng
        out.seed = seed
        out.on_error = on_error
        return out

    @classmethod
    def _from_engine(
        cls, engine: Problem, u: FloatArray, dtype: type
    ) -> AnalysisProblem:
        out = cls.__new__(cls)
        u.flags.writeable = False
        out._set(engine, u, dtype)
        return out

    def _set(self, engine: Problem, u: FloatArray, dtype: type) -> None:
        self.engine = engine
        self.design: FloatArray = u
        self.n_samples = int(u.shape[0])
        self.dtype = dtype
        self.saltelli: SaltelliDesign | None = None
        self.bootstrap_rng: np.random.Generator | None = None
        #: the seed that reproduces the design (None for a given design or
        #: a Generator passed as ``rng``)
        self.seed: int | None = None
        #: what a sample that cannot be computed does: stop, or count as missing
        self.on_error: Literal["raise", "missing"] = "raise"

    def blocks(self, size: int | None = None) -> list[tuple[int, int]]:
        """Cut the design into consecutive row ranges of at most ``size`` rows.

        Parameters
        ----------
        size : int, default=None
            Rows per block; default 4096. Any size gives the same numbers.

        Examples
        --------
        A design of one's own: 16 rows for the 5 principle weights.

        >>> import numpy as np
        >>> from kampala.data import sample_portfolio
        >>> from kampala.methodology import kps1
        >>> from kampala import sensitivity as sa
        >>> u = np.random.default_rng(0).random((16, 5))
        >>> spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2)])
        >>> sa.AnalysisProblem(kps1(), sample_portfolio(), spec, u).blocks(6)
        [(0, 6), (6, 12), (12, 16)]
        """
        step = _DEFAULT_ROWS if size is None else as_int("blocks()", "size", size, 1)
        n = self.n_samples
        return [(a, min(n, a + step)) for a in range(0, n, step)]

    def evaluate(
        self,
        start: int = 0,
        stop: int | None = None,
        *,
        block: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        out: tuple[Any, Any] | None = None,
    ) -> BlockResult:
        """Evaluate the design rows ``start`` to ``stop - 1``.

        Parameters
        ----------
        start, stop : int
            The row range; default the whole design.
        block : int, default=None
            Samples computed together inside the range; bounds memory,
            never changes the numbers.
        progress : callable, default=None
            Called as ``progress(done, total)`` within the range.
        out : (scores, ranks), optional
            Arrays of shape ``(stop - start, n_units)`` (the problem's
            ``dtype``, and float32) to write the scores and ranks into; the
            result then holds them (read-only views).

        Returns
        -------
        BlockResult
            Small and picklable: the range's scores, ranks, choices and
            weights.

        Examples
        --------
        Rows of Saltelli's design, alone or with the others, give the same
        bits:

        >>> from kampala.data import sample_portfolio
        >>> from kampala.methodology import kps1
        >>> from kampala import sensitivity as sa
        >>> spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=1),
        ...                                    sa.missing_evidence_choice()])
        >>> problem = sa.AnalysisProblem.sobol(kps1(), sample_portfolio(), spec,
        ...                                    n=64, rng=3)
        >>> whole = problem.evaluate()
        >>> part = problem.evaluate(3, 4)  # one row, the same bits
        >>> part.scores.tobytes() == whole.scores[3:4].tobytes()
        True
        """
        n = self.n_samples
        stop = n if stop is None else stop
        if not (
            isinstance(start, int | np.integer)
            and isinstance(stop, int | np.integer)
            and 0 <= start < stop <= n
        ):
            raise ParameterValueError(
                "AnalysisProblem.evaluate()",
                "start, stop",
                (start, stop),
                f"a row range with 0 <= start < stop <= {n}",
            )
        ev = self.engine.evaluate(
            self.design[start:stop],
            block=block,
            progress=progress,
            dtype=self.dtype,
            on_error=self.on_error,
            out=out,
        )
        return BlockResult(
            start=int(start),
            stop=int(stop),
            scores=ev.scores,
            ranks=ev.ranks,
            choices=ev.choices,
            weights=ev.weights,
            failed=ev.failed + int(start),
            failure=ev.failure,
        )

    def nominal_scores(self) -> FloatArray:
        """Root scores under the nominal methodology.

        Examples
        --------
        The first sample of a design at the nominal weights (all 0.5) scores
        every unit as the nominal methodology:

        >>> import numpy as np
        >>> from kampala.data import sample_portfolio
        >>> from kampala.methodology import kps1
        >>> from kampala import sensitivity as sa
        >>> spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2)])
        >>> problem = sa.AnalysisProblem(kps1(), sample_portfolio(), spec,
        ...                              np.full((1, 5), 0.5))
        >>> nominal = problem.nominal_scores()
        >>> bool(np.allclose(problem.evaluate().scores[0], nominal,
        ...                  equal_nan=True))
        True
        """
        e = self.engine
        if isinstance(e.data, Portfolio):
            card = e.methodology.run(e.data, registry=e.registry)
            return np.asarray(card.score(), dtype=np.float64)
        return np.asarray(e.methodology.run(e.data).score(), dtype=np.float64)


def merge_blocks(blocks: Iterable[BlockResult]) -> BlockResult:
    """Put evaluated blocks back together, in row order, exactly.

    The blocks may come in any order but must cover a run of rows without
    gaps or overlaps; rows are copied, never recomputed, so the result is
    bitwise the serial evaluation of the same rows.

    Parameters
    ----------
    blocks : iterable of BlockResult
        For example the results of ``executor.map`` over
        `AnalysisProblem.blocks`.

    Returns
    -------
    BlockResult
        The rows from the smallest ``start`` to the largest ``stop``.

    Raises
    ------
    ParameterValueError
        If there are no blocks, or they leave a gap or overlap.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import (AnalysisProblem, UncertaintySpec,
    ...                                  WeightNoise, merge_blocks)
    >>> problem = AnalysisProblem.uncertainty(
    ...     kps1(), sample_portfolio(),
    ...     UncertaintySpec(factors=[WeightNoise(levels=2)]), n=32, rng=0)
    >>> with ThreadPoolExecutor(2) as pool:
    ...     parts = list(pool.map(lambda r: problem.evaluate(*r), problem.blocks(5)))
    >>> merged = merge_blocks(parts)
    >>> (merged.start, merged.stop), merged.ranks.tobytes() == (
    ...     problem.evaluate().ranks.tobytes())
    ((0, 32), True)
    """
    parts = sorted(blocks, key=lambda b: b.start)
    if not parts:
        raise ParameterValueError("merge_blocks()", "blocks", [], "at least one block")
    for before, after in itertools.pairwise(parts):
        if after.start != before.stop:
            raise ParameterValueError(
                "merge_blocks()",
                "blocks",
                [(b.start, b.stop) for b in parts],
                "row ranges that follow each other without gaps or overlaps",
                hint=f"Rows {before.stop} to {after.start} do not fit.",
            )
    if len(parts) == 1:
        return parts[0]
    return BlockResult(
        start=parts[0].start,
        stop=parts[-1].stop,
        scores=np.concatenate([b.scores for b in parts]),
        ranks=np.concatenate([b.ranks for b in parts]),
        choices=np.concatenate([b.choices for b in parts]),
        weights=np.concatenate([b.weights for b in parts]),
        **first_failure(parts),
    )


def _estimate(problem: Problem, rows: int, design_rows: int, itemsize: int) -> float:
    """Estimated peak bytes of evaluating ``rows`` samples of ``problem``.

    The design (float64), the stored scores and ranks (``itemsize`` each)
    and their merged copies, the discrete choices and the node weights of
    every sample. Arithmetic in floats: a huge ``n`` must not overflow.
    """
    n_units = len(problem.units)
    per_row = (
        8.0 * len(problem.discrete)  # choices
        + 8.0 * len(problem.nodes)  # weights
        + 2.0 * 2.0 * itemsize * n_units  # scores and ranks, and merged copies
    )
    return float(design_rows) * 8.0 * problem.n_dims + float(rows) * per_row


def _power_of_two(where: str, n: int) -> None:
    if n < 2 or n & (n - 1):
        lower = 1 << max(1, n.bit_length() - 1)
        raise ParameterValueError(
            where,
            "n",
            n,
            "a power of 2 for scrambled Sobol' points",
            hint=f"Use {lower} or {lower * 2}, or method='random'.",
        )


def _design(
    where: str, n: int, dims: int, method: str, rng: np.random.Generator
) -> FloatArray:
    if method == "sobol":
        _power_of_two(where, n)
        engine = scipy.stats.qmc.Sobol(d=dims, scramble=True, rng=rng)
        out: FloatArray = engine.random_base2(int(math.log2(n)))
        return out
    if method == "random":
        return rng.random((n, dims))
    raise ParameterValueError(where, "method", method, '"sobol" or "random"')


def _check_discrete_factors_vary(problem: Problem, design: SaltelliDesign) -> None:
    """Refuse a design in which a discrete factor never differs between A and B.

    If a factor takes the same option in base samples A and B in every row,
    then AB_i equals A and its estimated indices are exactly 0, whatever the
    factor's real effect. With few rows of a scrambled Sobol' sequence this
    can happen for a factor with few options.
    """
    in_a, _ = problem.decode(design.A)
    in_b, _ = problem.decode(design.B)
    for j, (i, _) in enumerate(problem.discrete):
        if np.array_equal(in_a[:, j], in_b[:, j]):
            raise ParameterValueError(
                "sensitivity_analysis()",
                "n",
                design.n,
                "large enough for every discrete factor to take different "
                "options in the two base samples",
                hint=f"Factor {problem.spec.names[i]!r} takes the same option in A "
                f"and B in all {design.n} rows, so its indices would be 0 "
                "whatever its effect. Use n >= 64.",
            )
