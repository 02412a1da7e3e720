r"""Uncertainty analysis and variance-based sensitivity analysis of a ranking.

- `uncertainty_analysis` draws $N$ samples of the uncertain factors
  (scrambled Sobol' points, or plain random) and reports, per unit, the
  nominal score and rank, their mean, median, 5th and 95th percentiles, the
  probability of ranking in the top $k$ and the mean absolute rank shift
  against the nominal ranking (equations (U1)-(U3) on the sensitivity
  methodology page).
- `sensitivity_analysis` runs Saltelli's design, $N(d + 2)$ runs for $d$
  factors, and estimates first-order and total Sobol' indices with bootstrap
  confidence intervals for the mean absolute rank shift and for each unit's
  rank and score; discrete factors are first-class.

Both evaluate all samples through `AnalysisProblem` (the execution layer), so
they work on indicator data (any composite index) and on portfolios (the
Kampala scorecard).
"""

from __future__ import annotations

import contextlib
import html
import math
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from typing import Any, ClassVar, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray
from kampala._internal.arrays import readonly
from kampala._internal.rng import SeedLike
from kampala._version import __version__
from kampala.composite_result import MethodologyRef
from kampala.errors import ExecutionError, ParameterValueError
from kampala.i18n import N_, translate
from kampala.indicators import IndicatorSet
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.principles import ScorerRegistry
from kampala.sensitivity._engine import rank_rows
from kampala.sensitivity._execution import AnalysisProblem, BlockResult
from kampala.sensitivity._failures import (
    complete_base_rows,
    failure_note,
    frozen_rows,
)
from kampala.sensitivity._rank_stats import (
    json_safe,
    nan_quantiles,
    num_or_none,
    row_rank_shift,
)
from kampala.sensitivity._reliability import index_note
from kampala.sensitivity._results import AnalysisResult
from kampala.sensitivity._run import check_executor, evaluation, summarise_units
from kampala.sensitivity._shared import SharedArrays
from kampala.sensitivity._sobol import SobolIndices
from kampala.sensitivity.spec import UncertaintySpec

__all__ = [
    "SensitivityResult",
    "UncertaintyResult",
    "nan_quantiles",
    "sensitivity_analysis",
    "uncertainty_analysis",
]


@attrs.frozen(kw_only=True, eq=False)
class UncertaintyResult(AnalysisResult):
    """How scores and ranks vary over the uncertain choices.

    Attributes
    ----------
    units, unit_names : tuple of str
        The units (partnerships or countries).
    nominal_score, nominal_rank : numpy.ndarray
        Under the nominal methodology.
    score_mean, score_median, score_p5, score_p95 : numpy.ndarray
        Per unit, over the samples (NaN-aware).
    rank_mean, rank_median, rank_p5, rank_p95 : numpy.ndarray
        The same for ranks (1 = best).
    p_top_k : numpy.ndarray
        Share of samples in which the unit ranks in the top ``top_k``.
    rank_shift : numpy.ndarray
        Per unit, the mean absolute difference between its rank and its
        nominal rank.
    mean_rank_shift : float
        The same averaged over units and samples (equation (U3)).
    top_k : int
        The $k$ of ``p_top_k``.
    scores, ranks : numpy.ndarray of float32, shape (n, n_units)
        Every sample's scores and ranks. Each sample is computed and ranked
        in double precision; storing them in single precision halves the
        memory of large analyses (ranks are exact, scores keep about seven
        significant digits; the statistics above are computed from them).
    design : numpy.ndarray, shape (n, n_dims)
        The uniform design; with ``choices`` and ``weights`` it records the
        value every factor took in every sample.
    choices : numpy.ndarray, shape (n, n_discrete)
        Option index of each discrete factor in each sample.
    weights : numpy.ndarray, shape (n, n_nodes)
        Relative weight of each weighted node in each sample.
    factor_names, discrete_names, nodes : tuple of str
        Labels of the factors, the discrete factors and the weighted nodes.
    discrete_labels : tuple of tuple of str
        Labels of the options of each discrete factor.
    method : str
        ``"sobol"`` or ``"random"``.
    methodology : MethodologyRef
        The nominal methodology.
    seed : int or None
        The seed that reproduces the result (drawn from OS entropy when
        ``rng`` was None; None when a Generator was passed).
    failed : numpy.ndarray of intp
        Samples that could not be computed (``on_error="missing"``): their
        rows of ``scores`` and ``ranks`` are NaN and every statistic above
        is over the other samples.
    failure : str
        Why the first of them failed ("" when none did).
    kampala_version, numpy_version : str
        Versions that produced the result.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import UncertaintySpec, WeightNoise
    >>> from kampala.sensitivity import uncertainty_analysis
    >>> spec = UncertaintySpec(factors=[WeightNoise(levels=2, spread=0.25)])
    >>> res = uncertainty_analysis(kps1(), sample_portfolio(), spec, n=64,
    ...                            top_k=3, rng=0)
    >>> row = res.table()[0]  # the nominal first
    >>> row["unit"], (row["rank_p5"], row["rank_p95"]), row["p_top_3"]
    ('PE-HEA-001', (1.0, 2.0), 1.0)
    >>> round(res.mean_rank_shift, 2), float(res.p_top_k.sum())  # 3 places
    (0.55, 3.0)
    """

    units: tuple[str, ...]
    unit_names: tuple[str, ...]
    nominal_score: FloatArray = attrs.field(converter=readonly)
    nominal_rank: FloatArray = attrs.field(converter=readonly)
    score_mean: FloatArray = attrs.field(converter=readonly)
    score_median: FloatArray = attrs.field(converter=readonly)
    score_p5: FloatArray = attrs.field(converter=readonly)
    score_p95: FloatArray = attrs.field(converter=readonly)
    rank_mean: FloatArray = attrs.field(converter=readonly)
    rank_median: FloatArray = attrs.field(converter=readonly)
    rank_p5: FloatArray = attrs.field(converter=readonly)
    rank_p95: FloatArray = attrs.field(converter=readonly)
    p_top_k: FloatArray = attrs.field(converter=readonly)
    rank_shift: FloatArray = attrs.field(converter=readonly)
    mean_rank_shift: float
    top_k: int
    scores: FloatArray = attrs.field(converter=readonly)
    ranks: FloatArray = attrs.field(converter=readonly)
    design: FloatArray = attrs.field(converter=readonly)
    choices: npt.NDArray[np.intp]
    weights: FloatArray = attrs.field(converter=readonly)
    factor_names: tuple[str, ...]
    discrete_names: tuple[str, ...]
    discrete_labels: tuple[tuple[str, ...], ...]
    nodes: tuple[str, ...]
    method: str
    methodology: MethodologyRef
    seed: int | None = None
    failed: npt.NDArray[np.intp] = attrs.field(
        factory=frozen_rows, converter=frozen_rows
    )
    failure: str = ""
    kampala_version: str = __version__
    numpy_version: str = np.__version__
    index_name: ClassVar[str] = "unit"

    @property
    def n_runs(self) -> int:
        """Number of samples, as `n` (the runs `failure_note` counts).

        Examples
        --------
        >>> from kampala.sensitivity import example_uncertainty
        >>> res = example_uncertainty()
        >>> res.n_runs, res.n_failed
        (16, 0)
        """
        return self.n

    @property
    def n(self) -> int:
        """Number of samples.

        Examples
        --------
        >>> from kampala.sensitivity import example_uncertainty
        >>> res = example_uncertainty()  # 16 samples of the principle weights
        >>> res.n, res.scores.shape  # one row per sample, one column per unit
        (16, (16, 48))
        """
        return int(self.scores.shape[0])

    def sample(self, i: int) -> dict[str, Any]:
        """Return the value every factor took in sample ``i`` (discrete by label).

        Examples
        --------
        Sample 0 counts missing evidence as 0 and draws new principle weights
        (relative weights, not rescaled to sum to 1):

        >>> from kampala.data import sample_portfolio
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import (UncertaintySpec, WeightNoise,
        ...                                  missing_evidence_choice,
        ...                                  uncertainty_analysis)
        >>> spec = UncertaintySpec(factors=[WeightNoise(levels=2, spread=0.25),
        ...                                 missing_evidence_choice()])
        >>> res = uncertainty_analysis(kps1(), sample_portfolio(), spec, n=16, rng=0)
        >>> s = res.sample(0)
        >>> s["missing"], round(s["weights"]["P1"], 3), round(s["weights"]["P2"], 3)
        ('constant:0.0', 0.191, 0.246)
        """
        out: dict[str, Any] = {
            name: self.discrete_labels[j][int(self.choices[i, j])]
            for j, name in enumerate(self.discrete_names)
        }
        out["weights"] = dict(zip(self.nodes, self.weights[i].tolist(), strict=True))
        return out

    def table(self) -> list[dict[str, Any]]:
        """One row per unit, in nominal rank order (unranked last).

        Missing values (for units that never get a score) are None.

        Examples
        --------
        >>> from kampala.sensitivity import example_uncertainty
        >>> res = example_uncertainty()  # 16 samples of the principle weights
        >>> rows = res.table()
        >>> [(r["unit"], r["nominal_rank"], r["rank_p5"], r["rank_p95"])
        ...  for r in rows[:2]]
        [('PE-HEA-001', 1.0, 1.0, 2.25), ('PE-ENE-006', 2.0, 2.0, 3.0)]
        >>> rows[-1]["unit"], rows[-1]["nominal_rank"], rows[-1]["p_top_10"]
        ('PE-HEA-004', None, 0.0)
        """
        order = np.lexsort(
            (np.arange(len(self.units)), np.nan_to_num(self.nominal_rank, nan=np.inf))
        )
        rows = []
        for i in order:
            rows.append(
                {
                    "unit": self.units[i],
                    "name": self.unit_names[i],
                    "nominal_rank": num_or_none(self.nominal_rank[i]),
                    "rank_median": num_or_none(self.rank_median[i]),
                    "rank_p5": num_or_none(self.rank_p5[i]),
                    "rank_p95": num_or_none(self.rank_p95[i]),
                    "rank_mean": num_or_none(self.rank_mean[i]),
                    f"p_top_{self.top_k}": num_or_none(self.p_top_k[i]),
                    "rank_shift": num_or_none(self.rank_shift[i]),
                    "nominal_score": num_or_none(self.nominal_score[i]),
                    "score_mean": num_or_none(self.score_mean[i]),
                    "score_median": num_or_none(self.score_median[i]),
                    "score_p5": num_or_none(self.score_p5[i]),
                    "score_p95": num_or_none(self.score_p95[i]),
                }
            )
        return rows

    def stable(self, width: int = 2) -> list[str]:
        """Units whose 5th-95th percentile rank interval is at most ``width``.

        Units without ranks are never stable.

        Examples
        --------
        >>> from kampala.sensitivity import example_uncertainty
        >>> res = example_uncertainty()  # 16 samples of the principle weights
        >>> res.stable(width=0)  # the same rank in (nearly) every sample
        ['PE-ENE-007', 'PE-EDU-004']
        >>> len(res.stable()), len(res.units)
        (28, 48)
        """
        span = self.rank_p95 - self.rank_p5
        return [u for u, s in zip(self.units, span, strict=True) if s <= width]

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as JSON-ready data (without the raw samples).

        Missing values are None, so the result is strict JSON.

        Examples
        --------
        >>> import json
        >>> from kampala.sensitivity import example_uncertainty
        >>> res = example_uncertainty()  # 16 samples of the principle weights
        >>> d = res.to_dict()
        >>> d["analysis"], d["n"], d["factors"], round(d["mean_rank_shift"], 2)
        ('uncertainty', 16, ['weights@2'], 0.52)
        >>> d["units"][0]["unit"], len(d["units"])  # the rows of table()
        ('PE-HEA-001', 48)
        >>> json.loads(json.dumps(d, allow_nan=False)) == d
        True
        """
        return {
            "analysis": "uncertainty",
            "methodology": attrs.asdict(self.methodology),
            "kampala_version": self.kampala_version,
            "numpy_version": self.numpy_version,
            "n": self.n,
            "seed": self.seed,
            "method": self.method,
            "factors": list(self.factor_names),
            "top_k": self.top_k,
            "mean_rank_shift": num_or_none(self.mean_rank_shift),
            "n_failed": self.n_failed,
            "failure": self.failure,
            "units": self.table(),
        }

    def _repr_html_(self) -> str:
        head = (
            "<tr><th>unit</th><th>nominal rank</th><th>median</th>"
            "<th>5%-95%</th><th>P(top k)</th><th>shift</th></tr>"
        )
        body = "".join(
            f"<tr><td>{html.escape(r['unit'])}</td><td>{r['nominal_rank']}</td>"
            f"<td>{r['rank_median']}</td><td>{r['rank_p5']} to {r['rank_p95']}</td>"
            f"<td>{r[f'p_top_{self.top_k}']}</td><td>{r['rank_shift']}</td></tr>"
            for r in self.table()
        )
        return (
            f"<p>Uncertainty analysis, {self.n} samples ({self.method}); "
            f"mean absolute rank shift {self.mean_rank_shift:.2f}; methodology "
            f"{html.escape(str(self.methodology))}</p><table>{head}{body}</table>"
        )


def uncertainty_analysis(
    methodology: Methodology,
    data: IndicatorSet | Portfolio,
    spec: UncertaintySpec,
    *,
    n: int = 1024,
    method: Literal["sobol", "random"] = "sobol",
    top_k: int = 10,
    block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    registry: ScorerRegistry | None = None,
    rng: SeedLike = None,
    max_memory: int | str | None = None,
    executor: Executor | None = None,
    on_error: Literal["raise", "missing"] = "raise",
) -> UncertaintyResult:
    r"""Propagate the uncertain choices of a methodology to scores and ranks.

    Parameters
    ----------
    methodology : Methodology
        The nominal methodology.
    data : IndicatorSet or Portfolio
        What it scores.
    spec : UncertaintySpec
        The uncertain factors.
    n : int, default=1024
        Number of samples (a power of 2 for ``method="sobol"``).
    method : {"sobol", "random"}, default="sobol"
        Scrambled Sobol' points (`scipy.stats.qmc.Sobol`) or plain random.
    top_k : int, default=10
        The $k$ of the top-$k$ probability.
    block : int, optional
        Samples evaluated together (with an executor: samples per task);
        bounds memory, never changes numbers.
    progress : callable, optional
        Called as ``progress(done, total)`` (in this process, also when
        blocks run elsewhere).
    registry : ScorerRegistry, optional
        Where to find scorers.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, passed to `numpy.random.default_rng`. `None`
        draws a seed from OS entropy and records it in the result's
        ``seed``, so the run can be repeated. An int (>= 0) or
        `SeedSequence` makes results reproducible. A `Generator` is used
        as-is and is advanced.
    max_memory : int or str, default=None
        Refuse, before allocating, when the estimated memory exceeds this
        many bytes (or a size such as ``"8GiB"``): a `ParameterValueError`
        naming ``n`` gives the estimate and the limit. Default: the
        environment variable ``KAMPALA_MAX_MEMORY``, else half the
        machine's physical memory.
    executor : concurrent.futures.Executor, optional
        Evaluate blocks of samples there: a ``ProcessPoolExecutor`` for
        local processes, a ``dask.distributed`` ``Client.get_executor()``
        for a cluster, or any other. The sample design is drawn here before
        it is split, so the result is bit for bit the serial one whatever
        the executor and ``block``. A block that fails raises
        `~kampala.errors.ExecutionError` naming its samples. See the how-to
        "Scale out".
    on_error : {"raise", "missing"}, default="raise"
        What a sample does whose methodology variant raises a
        `~kampala.errors.KampalaError` while scoring (for example a
        geometric mean meeting a negative value): stop the analysis with
        that error, or record the sample as missing (NaN scores and ranks,
        counted in ``n_failed`` with the first reason in ``failure``) and
        summarise the samples that were computed (see "Runs that cannot be
        computed" on the uncertainty methodology page).

    Returns
    -------
    UncertaintyResult

    Notes
    -----
    With $r_{u,s}$ the rank of unit $u$ in sample $s$ and $r_u^0$ its
    nominal rank, the mean absolute rank shift is

    $$\bar R = \frac{1}{N\,n} \sum_{s=1}^{N} \sum_{u=1}^{n} |r_{u,s} - r_u^0|$$

    (Saisana, Saltelli & Tarantola 2005). See the sensitivity methodology
    page for (U1)-(U3).

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.data import sample_portfolio
    >>> from kampala.sensitivity import UncertaintySpec, WeightNoise
    >>> res = uncertainty_analysis(Methodology.default(), sample_portfolio(),
    ...     UncertaintySpec(factors=[WeightNoise(levels=2, spread=0.25)]),
    ...     n=64, rng=1)
    >>> res.n, len(res.units)
    (64, 48)
    """
    where = "uncertainty_analysis()"
    if not isinstance(top_k, int) or top_k < 1:
        raise ParameterValueError(where, "top_k", top_k, "an integer >= 1")
    with _evaluated(
        AnalysisProblem.uncertainty,
        where,
        methodology,
        data,
        spec,
        n=n,
        method=method,
        block=block,
        progress=progress,
        registry=registry,
        rng=rng,
        max_memory=max_memory,
        executor=executor,
        on_error=on_error,
    ) as (problem, ev, target):
        # the units are summarised where the workers are, when they reach
        # the arrays they wrote
        return _summarise(
            problem,
            ev,
            top_k,
            method,
            methodology,
            executor=executor,  # checked by _evaluated
            target=target,
        )


@contextlib.contextmanager
def _evaluated(
    build: Callable[..., AnalysisProblem],
    where: str,
    methodology: Methodology,
    data: IndicatorSet | Portfolio,
    spec: UncertaintySpec,
    *,
    block: int | None,
    progress: Callable[[int, int], None] | None,
    executor: Executor | None,
    **design: Any,
) -> Iterator[tuple[AnalysisProblem, BlockResult, SharedArrays | None]]:
    """Build the problem of an analysis (``build``) and evaluate all of it.

    ``design`` holds the keywords of ``build`` (``n``, ``method``,
    ``registry``, ``rng``, ``max_memory``, ``on_error``). Raises when no
    sample at all could be computed. Yields the problem, the result and
    the handle to the arrays the workers share (see `evaluation`).
    """
    executor = check_executor(where, executor)
    problem = build(methodology, data, spec, **design)
    # uncertainty samples are summarised, not re-analysed: float32 storage
    # halves the memory; every sample is computed and ranked in double precision
    with evaluation(
        problem, where=where, executor=executor, block=block, progress=progress
    ) as (ev, target):
        if ev.failed.size == problem.n_samples:
            raise ExecutionError(
                where,
                "on_error",
                "missing",
                translate(
                    "a methodology with at least one sample that can be computed"
                ),
                hint=failure_note(ev.failed.size, problem.n_samples, ev.failure),
            )
        yield problem, ev, target


def _nominal(problem: AnalysisProblem) -> tuple[FloatArray, FloatArray]:
    """Return the nominal scores and their ranks (1 = best, NaN unranked)."""
    nominal = problem.nominal_scores()
    return nominal, np.asarray(rank_rows(nominal[None, :])[0], dtype=np.float64)


_QS = (0.05, 0.5, 0.95)


def _summarise(
    problem: AnalysisProblem,
    ev: BlockResult,
    top_k: int,
    method: str,
    methodology: Methodology,
    *,
    executor: Executor | None = None,
    target: SharedArrays | None = None,
) -> UncertaintyResult:
    engine = problem.engine
    nominal, nominal_rank = _nominal(problem)
    # the statistics are over the computed samples only (failed rows are NaN)
    stats, mars = summarise_units(
        ev,
        nominal_rank,
        top_k=top_k,
        qs=_QS,
        where="uncertainty_analysis()",
        executor=executor,
        target=target,
    )
    s_mean, s_q = stats.score_mean, stats.score_quantiles
    r_mean, r_q, p_top, rank_shift = (
        stats.ranks.mean,
        stats.ranks.quantiles,
        stats.ranks.p_top,
        stats.ranks.shift,
    )
    return UncertaintyResult(
        units=engine.units,
        unit_names=engine.unit_names,
        nominal_score=nominal,
        nominal_rank=nominal_rank,
        score_mean=s_mean,
        score_median=s_q[1],
        score_p5=s_q[0],
        score_p95=s_q[2],
        rank_mean=r_mean,
        rank_median=r_q[1],
        rank_p5=r_q[0],
        rank_p95=r_q[2],
        p_top_k=p_top,
        rank_shift=rank_shift,
        mean_rank_shift=float(np.nanmean(mars))
        if np.isfinite(mars).any()
        else math.nan,
        top_k=top_k,
        scores=ev.scores,
        ranks=ev.ranks,
        design=problem.design,
        choices=ev.choices,
        weights=ev.weights,
        factor_names=engine.spec.names,
        discrete_names=tuple(f.name for _, f in engine.discrete),
        discrete_labels=tuple(
            tuple(f.label(k) for k in range(f.options)) for _, f in engine.discrete
        ),
        nodes=engine.nodes,
        method=method,
        methodology=methodology.ref,
        seed=problem.seed,
        failed=ev.failed,
        failure=ev.failure,
    )


@attrs.frozen(kw_only=True, eq=False)
class SensitivityResult(AnalysisResult):
    """First-order and total Sobol' indices of the uncertain factors.

    Attributes
    ----------
    factors : tuple of str
        Factor names (one group each).
    mean_rank_shift : SobolIndices
        Indices for the mean absolute rank shift (a single output).
    rank : SobolIndices
        Indices for each unit's rank (outputs = units).
    score : SobolIndices
        Indices for each unit's score (outputs = units).
    units : tuple of str
        Unit codes, the outputs of ``rank`` and ``score``.
    n : int
        Base sample size.
    n_runs : int
        Number of model runs, ``n * (len(factors) + 2)``.
    methodology : MethodologyRef
        The nominal methodology.
    seed : int or None
        The seed that reproduces the result (drawn from OS entropy when
        ``rng`` was None; None when a Generator was passed).
    output_mean, output_std : float
        Mean and standard deviation of the mean absolute rank shift over all
        runs: when it hardly varies, the indices are reported as unreliable
        (`table`'s ``reliable`` and ``note``).
    failed : numpy.ndarray of intp
        Runs (rows of the design, counted from 0) that could not be
        computed (``on_error="missing"``).
    failure : str
        Why the first of them failed ("" when none did).
    n_used : int
        Base samples the indices are estimated from: those whose runs (on
        A, B and every AB_i) were all computed; ``n`` when none failed.
    kampala_version, numpy_version : str
        Versions that produced the result.

    Examples
    --------
    Units that never get a score (insufficient evidence) have no indices,
    and a `DegenerateIndicatorWarning` names them:

    >>> import warnings
    >>> from kampala import DegenerateIndicatorWarning
    >>> from kampala import sensitivity as sa
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2),
    ...                                    sa.missing_evidence_choice()])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DegenerateIndicatorWarning)
    ...     res = sa.sensitivity_analysis(kps1(), sample_portfolio(), spec, n=64,
    ...                                   n_bootstrap=100, rng=1)
    >>> [(row["factor"], round(row["ST"], 2)) for row in res.table()]
    [('weights@2', 0.01), ('missing', 0.99)]
    """

    factors: tuple[str, ...]
    mean_rank_shift: SobolIndices
    rank: SobolIndices
    score: SobolIndices
    units: tuple[str, ...]
    n: int
    n_runs: int
    methodology: MethodologyRef
    seed: int | None = None
    output_mean: float = math.nan
    output_std: float = math.nan
    failed: npt.NDArray[np.intp] = attrs.field(
        factory=frozen_rows, converter=frozen_rows
    )
    failure: str = ""
    n_used: int = attrs.field(default=attrs.Factory(lambda s: s.n, takes_self=True))
    kampala_version: str = __version__
    numpy_version: str = np.__version__
    index_name: ClassVar[str] = "factor"

    def failure_note(self, *, lang: str | None = "en") -> str:
        """Say how many runs could not be computed, why, and what was used.

        Examples
        --------
        >>> from kampala.sensitivity import example_sensitivity
        >>> res = example_sensitivity()
        >>> res.n_failed, res.n_used == res.n, res.failure_note()
        (0, True, '')
        """
        if not self.n_failed:
            return ""
        return (
            super().failure_note(lang=lang)
            + " "
            + translate(
                N_(
                    "The Sobol' indices use the {used} of {n} base samples "
                    "whose runs were all computed."
                ),
                lang,
                used=self.n_used,
                n=self.n,
            )
        )

    def table(self, *, lang: str | None = "en") -> list[dict[str, Any]]:
        """One row per factor: indices for the mean absolute rank shift.

        ``reliable`` is False and ``note`` says why when the indices are
        undefined (the output does not vary) or unreliable (it hardly varies,
        or the confidence interval is wider than half the index range); an
        index outside [0, 1] by more than its interval gets a ``note`` too
        (``docs/methodology/sensitivity/variance-based.md#reliability``).

        Examples
        --------
        >>> from kampala.sensitivity import example_sensitivity
        >>> res = example_sensitivity()  # weights and missing evidence, n=64
        >>> [(r["factor"], round(r["S1"], 2), round(r["ST"], 2))
        ...  for r in res.table()]
        [('weights@2', -0.01, 0.01), ('missing', 0.98, 0.99)]
        """
        m = self.mean_rank_shift
        rows: list[dict[str, Any]] = [
            {
                "factor": f,
                "S1": num_or_none(m.S1[g, 0]),
                "S1_conf": num_or_none(m.S1_conf[g, 0]),
                "ST": num_or_none(m.ST[g, 0]),
                "ST_conf": num_or_none(m.ST_conf[g, 0]),
            }
            for g, f in enumerate(self.factors)
        ]
        for row in rows:
            reliable, note = (
                (True, "")
                if math.isnan(self.output_std)
                else index_note(row, self.output_mean, self.output_std, lang=lang)
            )
            row["reliable"] = reliable
            row["note"] = note
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Return all indices as JSON-ready data.

        ``"rank"`` and ``"score"`` hold one row per unit and factor; the
        indices of units without any score are None, so the result is
        strict JSON.

        Examples
        --------
        >>> import json
        >>> from kampala.sensitivity import example_sensitivity
        >>> res = example_sensitivity()  # weights and missing evidence, n=64
        >>> d = res.to_dict()
        >>> d["analysis"], d["n_runs"], len(d["rank"])  # 48 units x 2 factors
        ('sobol', 256, 96)
        >>> sorted(d["rank"][0])
        ['S1', 'S1_conf', 'S1_high', 'S1_low', 'ST', 'ST_conf', 'ST_high', 'ST_low',
         'group', 'output']
        >>> sum(row["ST"] is None for row in d["rank"])  # 2 units never scored
        4
        >>> json.loads(json.dumps(d, allow_nan=False)) == d
        True
        """
        return {
            "analysis": "sobol",
            "methodology": attrs.asdict(self.methodology),
            "kampala_version": self.kampala_version,
            "numpy_version": self.numpy_version,
            "n": self.n,
            "n_runs": self.n_runs,
            "seed": self.seed,
            "factors": list(self.factors),
            "output": {
                "mean_rank_shift_mean": num_or_none(self.output_mean),
                "mean_rank_shift_std": num_or_none(self.output_std),
            },
            "n_failed": self.n_failed,
            "n_used": self.n_used,
            "failure": self.failure,
            "mean_rank_shift": self.table(),
            "rank": json_safe(self.rank.to_table()),
            "score": json_safe(self.score.to_table()),
        }

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(r['factor'])}</td><td>{r['S1']:.3f}</td>"
            f"<td>{r['ST']:.3f}</td><td>{html.escape(r['note'])}</td></tr>"
            if r["reliable"]
            else f"<tr><td>{html.escape(r['factor'])}</td><td>—</td><td>—</td>"
            f"<td>{html.escape(r['note'])}</td></tr>"
            for r in self.table()
            if r["S1"] is not None and r["ST"] is not None
        )
        return (
            f"<p>Sobol' indices of the mean absolute rank shift ({self.n_runs} "
            f"runs); methodology {html.escape(str(self.methodology))}</p><table>"
            f"<tr><th>factor</th><th>S1</th><th>ST</th><th>note</th></tr>{rows}</table>"
        )


def sensitivity_analysis(
    methodology: Methodology,
    data: IndicatorSet | Portfolio,
    spec: UncertaintySpec,
    *,
    n: int = 512,
    method: Literal["sobol", "random"] = "sobol",
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    block: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    registry: ScorerRegistry | None = None,
    rng: SeedLike = None,
    max_memory: int | str | None = None,
    executor: Executor | None = None,
    on_error: Literal["raise", "missing"] = "raise",
) -> SensitivityResult:
    r"""Sobol' indices of the uncertain factors for ranks and scores.

    Parameters
    ----------
    methodology, data, spec
        As for `uncertainty_analysis`.
    n : int, default=512
        Base sample size; the model runs $n(d + 2)$ times for $d$ factors.
    method : {"sobol", "random"}, default="sobol"
        Base matrices from scrambled Sobol' points or plain random.
    n_bootstrap : int, default=1000
        Bootstrap replicates for the confidence intervals.
    confidence : float, default=0.95
        Confidence level of the intervals.
    block, progress, registry
        As for `uncertainty_analysis`.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, as for `uncertainty_analysis` (a seed drawn
        for `None` is recorded in the result's ``seed``).
    max_memory : int or str, default=None
        Memory limit in bytes or a size such as ``"8GiB"``, as for
        `uncertainty_analysis`.
    executor : concurrent.futures.Executor, optional
        Where blocks of the Saltelli design run, as for
        `uncertainty_analysis`; the indices are bit for bit the serial ones.
    on_error : {"raise", "missing"}, default="raise"
        As for `uncertainty_analysis`. The estimators need, for each base
        sample, its runs on A, B and every AB_i: a base sample with any
        run that could not be computed is dropped from every matrix, and
        the indices are estimated from the others (``n_used``).

    Returns
    -------
    SensitivityResult

    Notes
    -----
    Saltelli et al. (2010) first-order and Jansen total-effect estimators,
    as in SALib (equations (SA1)-(SA3) on the sensitivity methodology page).

    References
    ----------
    Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. &
    Tarantola, S. (2010). Variance based sensitivity analysis of model
    output. Computer Physics Communications 181(2), 259-270.
    https://doi.org/10.1016/j.cpc.2009.09.018

    Examples
    --------
    Which choice decides the rank of ``PE-FIN-006``, the principle weights
    or whether missing evidence counts as 0? (Units without a score have no
    indices; the warning that names them is silenced here.)

    >>> import warnings
    >>> from kampala import DegenerateIndicatorWarning
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import (UncertaintySpec, WeightNoise,
    ...                                  missing_evidence_choice)
    >>> spec = UncertaintySpec(factors=[WeightNoise(levels=2),
    ...                                 missing_evidence_choice()])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DegenerateIndicatorWarning)
    ...     res = sensitivity_analysis(kps1(), sample_portfolio(), spec, n=64,
    ...                                n_bootstrap=100, rng=1)
    >>> res.n_runs  # n * (2 factors + 2)
    256
    >>> i = res.units.index("PE-FIN-006")
    >>> dict(zip(res.factors, res.rank.ST[:, i].round(2).tolist()))
    {'weights@2': 0.03, 'missing': 0.95}
    """
    with _evaluated(
        AnalysisProblem.sobol,
        "sensitivity_analysis()",
        methodology,
        data,
        spec,
        n=n,
        method=method,
        block=block,
        progress=progress,
        registry=registry,
        rng=rng,
        max_memory=max_memory,
        executor=executor,
        on_error=on_error,
    ) as (problem, ev, _):
        mars = _rank_shifts(problem, ev)  # once, for the indices and the stats
        base_rows = complete_base_rows(ev.failed, ev.failure, n, len(spec.names))
        indices = _sobol_indices(
            problem, ev, n_bootstrap, confidence, base_rows, mars=mars
        )
        output_mean, output_std = _output_stats(problem, ev, mars=mars)
    return SensitivityResult(
        factors=spec.names,
        mean_rank_shift=indices[0],
        rank=indices[1],
        score=indices[2],
        units=problem.engine.units,
        n=n,
        n_runs=problem.n_samples,
        methodology=methodology.ref,
        seed=problem.seed,
        output_mean=output_mean,
        output_std=output_std,
        failed=ev.failed,
        failure=ev.failure,
        n_used=n if base_rows is None else int(base_rows.size),
    )


def _rank_shifts(problem: AnalysisProblem, ev: BlockResult) -> FloatArray:
    """Mean absolute rank shift of every run from the nominal ranks."""
    _, nominal_rank = _nominal(problem)
    return row_rank_shift(ev.ranks, nominal_rank)


def _output_stats(
    problem: AnalysisProblem, ev: BlockResult, *, mars: FloatArray | None = None
) -> tuple[float, float]:
    """Mean and standard deviation of the mean absolute rank shift of all runs."""
    if mars is None:
        mars = _rank_shifts(problem, ev)
    if not np.isfinite(mars).any():
        return math.nan, math.nan
    return float(np.nanmean(mars)), float(np.nanstd(mars))


def _sobol_indices(
    problem: AnalysisProblem,
    ev: BlockResult,
    n_bootstrap: int,
    confidence: float,
    base_rows: npt.NDArray[np.intp] | None = None,
    *,
    mars: FloatArray | None = None,
) -> tuple[SobolIndices, SobolIndices, SobolIndices]:
    """Estimate the indices of the mean absolute rank shift, ranks and scores."""
    design = problem.saltelli
    assert design is not None
    assert problem.bootstrap_rng is not None
    if mars is None:
        mars = _rank_shifts(problem, ev)
    units = list(problem.engine.units)
    seeds = problem.bootstrap_rng.spawn(3)
    outputs: list[tuple[Any, list[str]]] = [
        (mars[:, None], ["mean_rank_shift"]),
        (ev.ranks, units),
        (ev.scores, units),
    ]
    a, b, c = (
        design.analyse(
            y,
            outputs=names,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            rng=seed,
            base_rows=base_rows,
        )
        for (y, names), seed in zip(outputs, seeds, strict=True)
    )
    return a, b, c
