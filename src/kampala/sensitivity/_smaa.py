r"""SMAA-2: stochastic multicriteria acceptability analysis of the weights.

Instead of one weight vector, SMAA-2 (Lahdelma & Salminen, 2001) looks at
all of them: weights are drawn uniformly from the simplex
$\Delta = \{w \ge 0, \sum_k w_k = 1\}$, or from the part of it that meets
linear constraints $A w \le b$ (for example an order of importance), and
for each draw the units are ranked by their linear composite
$s_u(w) = X_u \cdot w$. The analysis reports

- rank acceptability indices $b_u^r$: the share of weights that give unit
  $u$ rank $r$;
- central weight vectors $w_u^c$: the mean of the weights that make $u$
  best, a "typical" supporting preference;
- confidence factors $p_u^c$: whether $u$ is best with its own central
  weights;
- holistic acceptability indices $a_u^h = \sum_r \alpha_r b_u^r$ with
  meta-weights $\alpha_1 = 1 \ge \alpha_2 \ge \dots \ge 0$;

and a summary of the weights drawn. Unconstrained weights are
Dirichlet(1, ..., 1) draws; constrained weights come from a hit-and-run
sampler (Smith, 1984). Equations (SMAA1)-(SMAA4) below.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.allocator import reuse_freed_memory
from kampala._internal.array_types import FloatArray, IntArray
from kampala._internal.arrays import (
    array_fields,
    optional_frozen_float64,
)
from kampala._internal.blas_threads import limit_blas_threads
from kampala._internal.checks import (
    as_float_array,
    as_int,
)
from kampala._internal.rng import SeedLike
from kampala.errors import ParameterValueError
from kampala.sensitivity._limits import check_memory, max_memory_bytes, seeded
from kampala.sensitivity._run import check_executor, map_blocks
from kampala.sensitivity._weight_sampling import (
    as_constraints,
    draw_weights,
    sampler_args,
)
from kampala.sensitivity._weights_common import (
    RobustnessResult,
    as_matrix,
    as_methodology,
    competition_ranks,
    linear_scores,
    result_dict,
)

if TYPE_CHECKING:
    from kampala.composite_result import MethodologyRef

__all__ = ["SMAAResult", "smaa"]

MetaWeights = Literal["linear", "inverse", "centroid"]

#: Array elements (units x samples) scored and ranked per chunk when
#: ``chunk_size`` is not given. Chunking never changes the numbers.
_CHUNK_ELEMENTS = 2**20

_META_WEIGHTS = ("linear", "inverse", "centroid")


# ---------------------------------------------------------------------------
# the analysis
# ---------------------------------------------------------------------------
def _meta_weights(where: str, meta: Any, n_units: int) -> tuple[str, FloatArray]:
    r = np.arange(1, n_units + 1, dtype=np.float64)
    if isinstance(meta, str):
        if meta == "linear":
            alpha = (n_units - r) / (n_units - 1) if n_units > 1 else np.ones(1)
        elif meta == "inverse":
            alpha = 1.0 / r
        elif meta == "centroid":
            tail = np.cumsum((1.0 / r)[::-1])[::-1]
            alpha = tail / tail[0]
        else:
            raise ParameterValueError(
                where,
                "meta_weights",
                meta,
                f"one of {', '.join(repr(x) for x in _META_WEIGHTS)} or an array",
            )
        return meta, alpha
    alpha = as_float_array(where, "meta_weights", meta)
    if (
        alpha.shape != (n_units,)
        or not np.isfinite(alpha).all()
        or alpha[0] != 1.0
        or (alpha < 0).any()
        or (np.diff(alpha) > 0).any()
    ):
        raise ParameterValueError(
            where,
            "meta_weights",
            alpha.tolist(),
            f"{n_units} non-increasing values from 1 down to >= 0",
        )
    return "custom", alpha


def _as_mapping(values: Mapping[str, int]) -> dict[str, int]:
    return dict(values)


def _optional_eq(a: FloatArray | None, b: FloatArray | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(a, b))


@attrs.frozen(kw_only=True, field_transformer=array_fields)
class SMAAResult(RobustnessResult):
    r"""Result of an SMAA-2 analysis of the weights.

    Parameters
    ----------
    n : int
        Number of weight vectors drawn.
    sampler : {"dirichlet", "hit-and-run"}
        How they were drawn.
    sampler_params : mapping of str to int
        ``burn_in``, ``thin`` and ``chains`` for hit-and-run; empty for
        Dirichlet draws.
    constraints_A, constraints_b : ndarray or None
        The linear constraints ``A @ w <= b``, if any.
    acceptability : ndarray of shape (n_units, n_units)
        Rank acceptability indices: ``acceptability[u, r]`` is the share of
        weight draws that give unit ``u`` rank ``r + 1`` (SMAA1). Rows sum
        to 1.
    central_weights : ndarray of shape (n_units, n_criteria)
        Mean of the weight draws that rank the unit first (SMAA2); NaN rows
        for units never first.
    confidence : ndarray of shape (n_units,)
        Confidence factors (SMAA3): 1.0 if the unit ranks first with its
        own central weights, else 0.0; NaN for units never first. With exact
        criteria values this is 1.0 for every unit that is ever first (see
        `smaa`).
    holistic : ndarray of shape (n_units,)
        Holistic acceptability indices (SMAA4) with ``meta_weight_values``.
    meta_weights : str
        ``"linear"``, ``"inverse"``, ``"centroid"`` or ``"custom"``.
    meta_weight_values : ndarray of shape (n_units,)
        The meta-weights $\alpha_r$.
    weight_mean, weight_std, weight_min, weight_max : ndarray of shape (n_criteria,)
        Summary of the weight draws, per criterion.
    seed : int or None
        The seed that reproduces the draws (drawn from OS entropy when
        ``rng`` was None; None when a Generator was passed).
    labels, methodology, kampala_version, numpy_version
        The units and where the result comes from (`RobustnessResult`).

    See Also
    --------
    smaa : Compute it.

    Examples
    --------
    Over all principle weights (uniform on the simplex), which partnerships
    of the sample portfolio rank first most often? The nominal first,
    ``PE-HEA-001``, is first for fewer than a fifth of the weights.

    >>> import numpy as np
    >>> from kampala.sensitivity import example_top_level, smaa
    >>> top = example_top_level()  # KPS-1's principles, sample portfolio
    >>> res = smaa(
    ...     top.X, n=2000, labels=top.units, methodology=top.methodology, rng=0
    ... )
    >>> bool(np.allclose(res.acceptability.sum(axis=1), 1.0))  # every rank
    True
    >>> best = np.argsort(-res.first_rank)[:3]
    >>> [(res.labels[u], round(float(res.first_rank[u]), 2)) for u in best]
    [('PE-WAS-006', 0.34), ('PE-AGR-004', 0.31), ('PE-HEA-001', 0.18)]
    >>> res.methodology.id, res.methodology.version  # carried from the scorecard
    ('KPS', '1')
    """

    n: int
    sampler: str
    sampler_params: Mapping[str, int] = attrs.field(converter=_as_mapping, hash=False)
    constraints_A: FloatArray | None = attrs.field(
        converter=optional_frozen_float64,
        eq=attrs.cmp_using(eq=_optional_eq),
        hash=False,
        repr=False,
    )
    constraints_b: FloatArray | None = attrs.field(
        converter=optional_frozen_float64,
        eq=attrs.cmp_using(eq=_optional_eq),
        hash=False,
        repr=False,
    )
    acceptability: FloatArray
    central_weights: FloatArray
    confidence: FloatArray
    holistic: FloatArray
    meta_weights: str
    meta_weight_values: FloatArray
    weight_mean: FloatArray
    weight_std: FloatArray
    weight_min: FloatArray
    weight_max: FloatArray
    seed: int | None = attrs.field(default=None, eq=False)

    @property
    def first_rank(self) -> FloatArray:
        """Share of weights that make each unit best, ``acceptability[:, 0]``.

        Examples
        --------
        >>> from kampala.sensitivity import smaa
        >>> res = smaa([[0.9, 0.2], [0.6, 0.6], [0.3, 0.8]], n=20_000,
        ...            labels=["A", "B", "C"], rng=7)
        >>> res.first_rank.round(2).tolist()  # exact: 3/7, 6/35 and 2/5
        [0.43, 0.18, 0.39]
        """
        return self.acceptability[:, 0]

    @property
    def expected_rank(self) -> FloatArray:
        """Mean rank of each unit over the weight draws.

        Examples
        --------
        ``B`` is first least often but has the best mean rank: it is never
        last.

        >>> from kampala.sensitivity import smaa
        >>> res = smaa([[0.9, 0.2], [0.6, 0.6], [0.3, 0.8]], n=20_000,
        ...            labels=["A", "B", "C"], rng=7)
        >>> res.expected_rank.round(1).tolist()  # exact: 29/14, 64/35 and 21/10
        [2.1, 1.8, 2.1]
        >>> res.acceptability[1].round(2).tolist()  # B by rank
        [0.18, 0.82, 0.0]
        """
        n_units = self.acceptability.shape[1]
        out: FloatArray = self.acceptability @ np.arange(1, n_units + 1)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain Python values.

        Arrays become nested lists; NaN stays ``float("nan")``.

        Examples
        --------
        >>> import json
        >>> from kampala.sensitivity import smaa
        >>> res = smaa([[0.9, 0.2], [0.6, 0.6], [0.3, 0.8]], n=1000,
        ...            labels=["A", "B", "C"], rng=0)
        >>> d = res.to_dict()
        >>> d["n"], d["sampler"], d["constraints"], d["meta_weights"]
        (1000, 'dirichlet', None, 'linear')
        >>> json.loads(json.dumps(d)) == d  # no NaN here: every unit is ever first
        True
        """
        constraints = (
            None
            if self.constraints_A is None or self.constraints_b is None
            else {"A": self.constraints_A.tolist(), "b": self.constraints_b.tolist()}
        )
        return result_dict(
            self,
            "labels",
            "n",
            "sampler",
            "sampler_params",
            "constraints",
            "acceptability",
            "central_weights",
            "confidence",
            "holistic",
            "meta_weights",
            "meta_weight_values",
            "weight_mean",
            "weight_std",
            "weight_min",
            "weight_max",
            constraints=constraints,
        )


def _chunk(
    x: FloatArray, block: FloatArray, start: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Rank counts and first places of one chunk of draws (runs anywhere)."""
    n_units = x.shape[0]
    with limit_blas_threads(1), reuse_freed_memory():
        ranks = competition_ranks(linear_scores(x, block))
    offsets = (np.arange(n_units, dtype=np.intp) * n_units)[:, None]
    counts = np.bincount((offsets + ranks).ravel(), minlength=n_units * n_units)
    uu, ss = np.nonzero(ranks == 0)
    return counts, uu, ss + start


def smaa(
    X: npt.ArrayLike,
    *,
    n: int = 10_000,
    constraints: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    labels: Sequence[str] | None = None,
    meta_weights: MetaWeights | npt.ArrayLike = "linear",
    burn_in: int = 1000,
    thin: int = 10,
    chains: int = 100,
    chunk_size: int | None = None,
    methodology: MethodologyRef | None = None,
    rng: SeedLike = None,
    max_memory: int | str | None = None,
    executor: Executor | None = None,
) -> SMAAResult:
    r"""SMAA-2 analysis: how much of the weight space supports each rank.

    Draws ``n`` weight vectors (see `sample_weights`), ranks the units by
    $s_u(w) = X_u \cdot w$ for each, and summarises: rank acceptability
    indices, central weight vectors, confidence factors and holistic
    acceptability indices.

    Parameters
    ----------
    X : array_like of shape (n_units, n_criteria)
        Criteria values (for example the five principle scores of each
        partnership), higher is better, no missing values.
    n : int, default=10_000
        Number of weight vectors. The Monte Carlo standard error of an
        acceptability $b$ is about $\sqrt{b (1 - b) / n}$ for unconstrained
        weights (somewhat more for hit-and-run draws, which are correlated).
    constraints : tuple of (array_like, array_like), default=None
        ``(A, b)`` meaning ``A @ w <= b`` on top of the simplex; see
        `order_constraints`. None samples the whole simplex.
    labels : sequence of str, default=None
        Unit labels; default ``"0"``, ``"1"``, ... .
    meta_weights : {"linear", "inverse", "centroid"} or array_like, default="linear"
        Meta-weights $\alpha_r$ of the holistic index: linear
        $(n_u - r) / (n_u - 1)$, inverse $1 / r$, centroid
        $\sum_{i=r}^{n_u} i^{-1} / \sum_{i=1}^{n_u} i^{-1}$, or ``n_units``
        non-increasing values starting at 1.
    burn_in : int, default=1000
        Hit-and-run steps discarded per chain (constraints only).
    thin : int, default=10
        Hit-and-run steps between kept draws (constraints only).
    chains : int, default=100
        Parallel hit-and-run chains (constraints only).
    chunk_size : int, default=None
        Weight vectors scored and ranked at a time; bounds memory to about
        ``n_units * chunk_size`` values. Default: about $2^{20}$ values per
        chunk. It never changes the results.
    methodology : MethodologyRef, default=None
        The methodology of the result that ``X`` was taken from, recorded
        on the returned result: typically ``top.methodology`` for
        ``top = top_level(scorecard)``. None when unknown.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, passed to `numpy.random.default_rng`.
        `None` draws a seed from OS entropy and records it in the result's
        ``seed``. An int (>= 0) or `SeedSequence` makes results
        reproducible. A `Generator` is used as-is and is advanced.
    max_memory : int or str, default=None
        Refuse (`ParameterValueError` naming ``n``) when the estimated
        memory of the draws exceeds this many bytes (or a size such as
        ``"8GiB"``); default ``KAMPALA_MAX_MEMORY``, else half the
        physical memory.
    executor : concurrent.futures.Executor, default=None
        Score and rank the chunks of draws there (local processes, a Dask
        ``Client.get_executor()``, ...). The weights are all drawn here
        first; counts are integers and the central weights are means in
        draw order, so the result is bitwise the serial one.

    Returns
    -------
    SMAAResult
        Acceptabilities, central weights, confidence factors, holistic
        indices and a summary of the weights drawn.

    Raises
    ------
    ParameterValueError
        For a missing or infinite value in ``X`` (the message names the unit
        and column); constraints of the wrong shape, not finite, infeasible
        or without interior; an unknown meta-weight scheme; a count out of
        range.
    ParameterTypeError
        If an argument has the wrong type (``methodology``: a
        `MethodologyRef` or None).

    See Also
    --------
    sample_weights : The weight draws alone.
    order_constraints : Constraints for an order of importance.
    kampala.sensitivity._margins.rank_margins : Exact margins around one
        weight vector.

    Notes
    -----
    With $f$ the uniform density on the feasible weights $W$ and
    $\mathrm{rank}_u(w) = 1 + \#\{v : s_v(w) > s_u(w)\}$ (competition
    ranking: tied units share the best rank), SMAA-2 defines

    $$b_u^r = \int_{W} f(w)\, [\mathrm{rank}_u(w) = r]\, dw
    \quad\text{(SMAA1)},\qquad
    w_u^c = \frac{\int_{W} f(w)\, [\mathrm{rank}_u(w) = 1]\, w\, dw}{b_u^1}
    \quad\text{(SMAA2)},$$

    $$p_u^c = [\mathrm{rank}_u(w_u^c) = 1]\quad\text{(SMAA3)},\qquad
    a_u^h = \sum_r \alpha_r b_u^r\quad\text{(SMAA4)},$$

    estimated by averages over the draws. In SMAA-2 the confidence factor is
    the probability that $u$ is best with its central weights when the
    *criteria values* are uncertain; here they are exact, so the
    probability is 0 or 1. Moreover the weights that make $u$ best form a
    convex set ($s_u(w) \ge s_v(w)$ for all $v$ is linear in $w$), so the
    mean of any draws from it lies in it: with exact criteria every unit
    that is ever first has confidence factor 1 (up to rounding on a
    boundary). The field is kept for comparison with SMAA-2 analyses of
    uncertain criteria. The meta-weight schemes are those suggested by
    Lahdelma & Salminen (2001); ``"linear"`` weighs rank $r$ by how many
    units it beats.

    Reproducibility: all weights are drawn first (one ``n x n_criteria``
    array, from one stream of ``rng``); they are then scored and ranked in
    chunks of ``chunk_size`` with a fixed-order sum over criteria, counts
    are integers, and each central weight vector is the mean of the draws,
    in draw order, that rank the unit first. The result is therefore
    bitwise the same for every ``chunk_size``.

    References
    ----------
    Lahdelma, R., & Salminen, P. (2001). SMAA-2: Stochastic multicriteria
    acceptability analysis for group decision making. *Operations Research*
    49(3), 444-454. https://doi.org/10.1287/opre.49.3.444.11220

    Smith, R. L. (1984). Efficient Monte Carlo procedures for generating
    points uniformly distributed over bounded regions. *Operations
    Research* 32(6), 1296-1308. https://doi.org/10.1287/opre.32.6.1296

    Examples
    --------
    >>> from kampala.sensitivity._smaa import smaa
    >>> X = [[0.9, 0.2], [0.6, 0.6], [0.3, 0.8]]
    >>> res = smaa(X, n=20_000, labels=["A", "B", "C"], rng=7)
    >>> res.acceptability.round(2).tolist()
    [[0.43, 0.07, 0.5], [0.18, 0.82, 0.0], [0.39, 0.1, 0.5]]

    The exact values are $[3/7, 1/14, 1/2]$, $[6/35, 29/35, 0]$ and
    $[2/5, 1/10, 1/2]$ (the simplex is a segment here).

    >>> res.central_weights.round(2).tolist()
    [[0.79, 0.21], [0.49, 0.51], [0.2, 0.8]]
    >>> res.confidence.tolist()
    [1.0, 1.0, 1.0]
    """
    where = "smaa()"
    executor = check_executor(where, executor)
    x, names = as_matrix(where, X, labels)
    n_units, m = x.shape
    nn, bi, th, ch = sampler_args(where, n, burn_in, thin, chains)
    cons = as_constraints(where, constraints, m)
    meta_name, alpha = _meta_weights(where, meta_weights, n_units)
    chunk = (
        max(1, _CHUNK_ELEMENTS // n_units)
        if chunk_size is None
        else as_int(where, "chunk_size", chunk_size, 1)
    )
    ref = as_methodology(where, methodology)
    limit = max_memory_bytes(where, max_memory)
    # the draws, the first-rank bookkeeping, one chunk of ranks and the counts
    estimate = nn * (8.0 * m + 16.0) + 16.0 * chunk * n_units + 8.0 * n_units**2
    check_memory(where, nn, estimate, limit)
    gen, seed = seeded(where, rng)
    W = draw_weights(where, m, nn, cons, bi, th, ch, gen)

    counts = np.zeros(n_units * n_units, dtype=np.int64)
    ranges = [(a, min(nn, a + chunk)) for a in range(0, nn, chunk)]
    parts: dict[int, tuple[IntArray, IntArray]] = {}
    done: Iterator[tuple[int, int, Any]]
    if executor is None:
        done = ((a, b, _chunk(x, W[a:b], a)) for a, b in ranges)
    else:
        done = map_blocks(where, executor, ranges, lambda a, b: (_chunk, x, W[a:b], a))
    for a, _, (chunk_counts, uu, ss) in done:
        counts += chunk_counts  # integers: any order gives the same sum
        parts[a] = (uu, ss)
    first_units = [parts[a][0] for a, _ in ranges]  # draw order, as serial
    first_draws = [parts[a][1] for a, _ in ranges]
    acceptability = counts.reshape(n_units, n_units) / nn

    units = np.concatenate(first_units)
    draws = np.concatenate(first_draws)
    order = np.argsort(units, kind="stable")
    per_unit = np.bincount(units, minlength=n_units)
    groups = np.split(draws[order], np.cumsum(per_unit)[:-1])
    central = np.full((n_units, m), np.nan)
    confidence = np.full(n_units, np.nan)
    for u, idx in enumerate(groups):
        if idx.size:
            central[u] = W[idx].mean(axis=0)
            s = linear_scores(x, central[u])
            confidence[u] = 1.0 if not (s > s[u]).any() else 0.0

    return SMAAResult(
        labels=names,
        n=nn,
        sampler="dirichlet" if cons is None else "hit-and-run",
        sampler_params={}
        if cons is None
        else {"burn_in": bi, "thin": th, "chains": min(ch, nn)},
        constraints_A=None if cons is None else cons[0],
        constraints_b=None if cons is None else cons[1],
        acceptability=acceptability,
        central_weights=central,
        confidence=confidence,
        holistic=acceptability @ alpha,
        meta_weights=meta_name,
        meta_weight_values=alpha,
        weight_mean=W.mean(axis=0),
        weight_std=W.std(axis=0),
        weight_min=W.min(axis=0),
        weight_max=W.max(axis=0),
        methodology=ref,
        seed=seed,
    )
