"""Evaluate a methodology on many samples of its uncertain choices at once.

Speed comes from structure (DESIGN.md §6): samples are grouped by their
discrete choices; each distinct upstream data set (scorer parameters,
imputation, treatment, normalisation) is computed once; then every weight
sample of a group is aggregated together, level by level, as array
operations over (samples x units). Samples are processed in blocks whose
size bounds memory; the design is fixed before blocking and every sample is
computed with the same operations in the same order whatever the block
size, so block size never changes the numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, cast

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray, IntArray
from kampala._internal.params import as_float
from kampala.composite.aggregate import Aggregate
from kampala.composite.kernel import NON_NEGATIVE, weighted_mean
from kampala.errors import KampalaError, MethodologyError, ParameterValueError
from kampala.framework import Framework
from kampala.indicators import IndicatorSet
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.principles import ScorerRegistry
from kampala.scoring import indicator_table, methodology_framework
from kampala.sensitivity._failures import Failures, frozen_rows
from kampala.sensitivity._ranking import rank_rows
from kampala.sensitivity.spec import (
    DiscreteFactor,
    ScorerParameter,
    SettingChoice,
    StepChoice,
    UncertaintySpec,
    WeightFactor,
)
from kampala.steps import steps_in_canonical_order

__all__ = ["Evaluation", "Problem", "rank_rows"]


_BLOCK_ELEMENTS = 1_000_000  # samples x units per block (temporaries stay reused)
_MEMO_ENTRIES = 8  # shared aggregates kept (one entry a group of discrete choices)


@attrs.frozen(kw_only=True, eq=False)
class Evaluation:
    """Scores and ranks of every unit for every sample.

    Attributes
    ----------
    scores : numpy.ndarray, shape (n_samples, n_units)
        Root scores (NaN where a unit has no score).
    ranks : numpy.ndarray of float32, shape (n_samples, n_units)
        Ranks, 1 = best, NaN where the score is NaN (float32 holds every
        rank below 2**24 exactly and halves the memory).
    choices : numpy.ndarray, shape (n_samples, n_discrete)
        Index of the option each discrete factor took.
    weights : numpy.ndarray, shape (n_samples, n_weighted_nodes)
        Relative weight of every weighted node in each sample.
    failed : numpy.ndarray of intp
        The samples that could not be computed (``on_error="missing"``),
        in increasing order; their scores and ranks are NaN.
    failure : str
        Why the first of them failed ("" when none did).
    """

    scores: FloatArray
    ranks: npt.NDArray[np.float32]
    choices: IntArray
    weights: FloatArray
    failed: IntArray = attrs.field(factory=frozen_rows)
    failure: str = ""


class Problem:
    """A methodology, its data and an uncertainty spec, ready to evaluate.

    Parameters
    ----------
    methodology : Methodology
        The nominal methodology.
    data : IndicatorSet or Portfolio
        Indicator data, or a portfolio for a scorecard methodology.
    spec : UncertaintySpec
        The uncertain factors; validated against the methodology here.
    registry : ScorerRegistry, optional
        Where to find scorers (default registry by default).
    """

    def __init__(
        self,
        methodology: Methodology,
        data: IndicatorSet | Portfolio,
        spec: UncertaintySpec,
        *,
        registry: ScorerRegistry | None = None,
    ) -> None:
        if methodology.aggregate is None:
            raise MethodologyError(
                "sensitivity",
                "methodology",
                methodology.id,
                "a methodology with an aggregate step",
            )
        self.methodology = methodology
        self.data = data
        self.spec = spec
        self.registry = registry
        if isinstance(data, Portfolio):
            if not methodology.scorers:
                raise MethodologyError(
                    "sensitivity",
                    "data",
                    "Portfolio",
                    "an IndicatorSet: the methodology has no scorers",
                )
            self.framework = methodology_framework(methodology, registry=registry)
            self.units = data.ids
            self.unit_names = tuple(str(t) for t in data.column("title"))
        else:
            self.framework = data.framework
            self.units = data.unit_codes
            self.unit_names = data.unit_names
        spec.validate(methodology, self.framework, registry=registry)
        agg = methodology.aggregate
        nominal_fw = agg.weighted_framework(self.framework)
        #: weighted (non-root) nodes, in framework order
        self.nodes: tuple[str, ...] = tuple(
            n.code for n in nominal_fw.nodes if n.parent is not None
        )
        self.node_index = {c: i for i, c in enumerate(self.nodes)}
        self.nominal_weights = np.array(
            [nominal_fw.normalised_weight(c) for c in self.nodes]
        )
        parents = [nominal_fw.node(c).parent for c in self.nodes]
        parent_ids = {p: i for i, p in enumerate(dict.fromkeys(parents))}
        self.sibling_group = np.array([parent_ids[p] for p in parents], dtype=np.intp)
        self.dims = spec.dims(self.framework)
        self.slices: list[slice] = []
        start = 0
        for d in self.dims:
            self.slices.append(slice(start, start + d))
            start += d
        self.n_dims = start
        # the `discrete` class flag tells the two kinds apart
        self.discrete: list[tuple[int, DiscreteFactor]] = [
            (i, cast("DiscreteFactor", f))
            for i, f in enumerate(spec.factors)
            if f.discrete
        ]
        self.continuous: list[tuple[int, WeightFactor]] = [
            (i, cast("WeightFactor", f))
            for i, f in enumerate(spec.factors)
            if not f.discrete
        ]
        #: nodes whose weight a continuous factor varies from sample to sample
        self.varied = np.zeros(len(self.nodes), dtype=bool)
        for f in spec.factors:
            for code in f.nodes(self.framework):
                self.varied[self.node_index[code]] = True
        self._prepared: dict[tuple[int, ...], tuple[IndicatorSet, Aggregate]] = {}
        self._scored: dict[tuple[Any, ...], Any] = {}
        #: aggregates shared by every sample of a block, by their inputs
        self._constant: dict[tuple[Any, ...], Any] = {}
        if len(self.units) < 2:
            raise ParameterValueError(
                "sensitivity", "data", len(self.units), "at least two units"
            )

    #: pickle the prepared variants too (set on the copy shipped to workers)
    keep_prepared = False

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the problem without its caches (workers rebuild them).

        With ``keep_prepared`` set, the prepared variants are kept (and
        the flag is not): workers then never score the data again.
        """
        state = dict(self.__dict__)
        if not state.pop("keep_prepared", False):
            state["_prepared"] = {}
        state["_scored"] = {}
        state["_constant"] = {}
        return state

    def warm(self, u: FloatArray, *, skip_failed: bool = False) -> None:
        """Prepare every variant of the methodology the design ``u`` uses.

        With ``skip_failed``, a variant that cannot be prepared is left for
        `evaluate` to record as missing.
        """
        choices, _ = self.decode(u)
        for key in np.unique(choices, axis=0):
            try:
                self._prepare(tuple(int(k) for k in key))
            except KampalaError:
                if not skip_failed:
                    raise

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    # -- decoding the design ----------------------------------------------------
    def decode(self, u: FloatArray) -> tuple[IntArray, FloatArray]:
        """Map a design (n_samples, n_dims) in [0, 1) to choices and weights."""
        if u.ndim != 2 or u.shape[1] != self.n_dims:
            raise ParameterValueError(
                "sensitivity",
                "design",
                u.shape,
                f"of shape (n_samples, {self.n_dims})",
            )
        n = u.shape[0]
        choices = np.zeros((n, len(self.discrete)), dtype=np.intp)
        weights = np.broadcast_to(self.nominal_weights, (n, len(self.nodes))).copy()
        for i, wf in self.continuous:
            idx = np.array([self.node_index[c] for c in wf.nodes(self.framework)])
            weights[:, idx] = wf.weights(
                u[:, self.slices[i]], self.nominal_weights[idx], self.sibling_group[idx]
            )
        for j, (i, f) in enumerate(self.discrete):
            col = u[:, self.slices[i]][:, 0]
            choices[:, j] = np.minimum((col * f.options).astype(np.intp), f.options - 1)
            for k in range(f.options):
                for code in f.excluded(k):
                    weights[choices[:, j] == k, self.node_index[code]] = 0.0
        return choices, weights

    # -- variants ---------------------------------------------------------------
    def _variant(self, key: Sequence[int]) -> Methodology:
        """Return the methodology with the discrete choices ``key`` applied."""
        m = self.methodology
        facs = [f for _, f in self.discrete]
        steps = {s.kind: s for s in m.steps}
        scorers = {s.principle: s for s in m.scorers}
        for f, k in zip(facs, key, strict=True):
            if isinstance(f, StepChoice):
                alt = f.alternatives[k]
                if alt is None:
                    steps.pop(f.step, None)
                else:
                    steps[f.step] = alt
        for f, k in zip(facs, key, strict=True):
            if isinstance(f, SettingChoice):
                steps[f.step] = f.apply(steps[f.step], k)
            elif isinstance(f, ScorerParameter):
                spec = scorers[f.principle]
                params = {**spec.params, f.param: f.values[k]}
                scorers[f.principle] = attrs.evolve(spec, params=params)
        return attrs.evolve(
            m,
            steps=steps_in_canonical_order(list(steps.values())),
            scorers=[scorers[p] for p in sorted(scorers)],
        )

    def _prepare(self, key: tuple[int, ...]) -> tuple[IndicatorSet, Aggregate]:
        if key in self._prepared:
            return self._prepared[key]
        variant = self._variant(key)
        if isinstance(self.data, Portfolio):
            data = self._indicators(variant, key)
        else:
            data = self.data
        datasets, _ = variant.prepare(data)
        prepared = list(datasets.values())[-1]
        if prepared.unit_codes != self.units:
            raise ParameterValueError(
                "sensitivity",
                "steps",
                [s.kind for s in variant.steps],
                "steps that keep every unit (screening is not supported in a "
                "sensitivity analysis)",
            )
        agg = variant.aggregate
        assert agg is not None
        self._prepared[key] = (prepared, agg)
        return prepared, agg

    def _indicators(
        self, variant: Methodology, key: Sequence[int] = ()
    ) -> IndicatorSet:
        assert isinstance(self.data, Portfolio)
        data, memo = self.data, self._scored
        for (i, f), k in zip(self.discrete, key, strict=False):
            alt = f.portfolio(k)  # an EvidenceChoice scores its own evidence
            if alt is not None:
                data, memo = alt, self._scored.setdefault(("evidence", i, k), {})
        return indicator_table(data, variant.scorers, registry=self.registry, memo=memo)

    # -- evaluation -------------------------------------------------------------
    def evaluate(
        self,
        u: FloatArray,
        *,
        block: int | None = None,
        progress: Callable[[int, int], None] | None = None,
        dtype: type = np.float64,
        on_error: Literal["raise", "missing"] = "raise",
        out: tuple[Any, Any] | None = None,
    ) -> Evaluation:
        """Scores and ranks for every row of a design in [0, 1).

        Parameters
        ----------
        u : numpy.ndarray, shape (n_samples, n_dims)
            The design.
        block : int, optional
            Samples per block (default: bounded by about one million
            sample-unit values). The numbers do not depend on it.
        progress : callable, optional
            Called as ``progress(done, total)`` after each block.
        dtype : numpy dtype, default=numpy.float64
            How the scores are stored. Every block is computed and ranked in
            double precision; ``numpy.float32`` halves the memory of large
            analyses (ranks stay exact), at about 7 significant digits.
        on_error : {"raise", "missing"}, default="raise"
            What a `KampalaError` raised while a sample is scored does:
            stop, or record the sample as missing (NaN scores and ranks,
            listed in ``failed``) and go on. Each sample is computed as
            alone, so the others keep their bits.
        out : (scores, ranks), optional
            Arrays of shape (n_samples, n_units) to write the scores (of
            ``dtype``) and the float32 ranks into, for example views of
            arrays shared with the process that collects the results.
        """
        choices, weights = self.decode(u)
        n = u.shape[0]
        n_units = len(self.units)
        # every row is written below: no fill (it would touch every page twice)
        if out is None:
            scores: Any = np.empty((n, n_units), dtype=dtype)
            ranks: Any = np.empty((n, n_units), dtype=np.float32)
        else:
            scores, ranks = out
        if block is None:
            block = max(1, _BLOCK_ELEMENTS // max(1, n_units))
        keys, inverse = np.unique(choices, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        done = 0
        failures = Failures(on_error)
        for g, key in enumerate(keys):
            rows = np.flatnonzero(inverse == g)
            try:
                data, agg = self._prepare(tuple(int(k) for k in key))
            except KampalaError as exc:  # the whole variant cannot be computed
                failures.add(rows, exc)
                scores[rows] = np.nan
                ranks[rows] = np.nan
                done += rows.size
                if progress is not None:
                    progress(done, n)
                continue
            for start in range(0, rows.size, block):
                sel = rows[start : start + block]
                block_scores = self._aggregate_or_missing(
                    data, agg, weights, sel, failures
                )
                # each row is one whole sample: rank it now, from the exact scores
                ranks[sel] = rank_rows(block_scores, np.float32)
                scores[sel] = block_scores
                done += sel.size
                if progress is not None:
                    progress(done, n)
        return Evaluation(
            scores=scores,
            ranks=ranks,
            choices=choices,
            weights=weights,
            **failures.fields(),
        )

    def _aggregate_or_missing(
        self,
        data: IndicatorSet,
        agg: Aggregate,
        weights: FloatArray,
        sel: IntArray,
        failures: Failures,
    ) -> FloatArray:
        """Root scores of the rows ``sel``; with failures recorded, NaN rows.

        A block that fails is cut in halves until the samples that fail are
        alone (numbers never depend on the block, so the others keep their
        bits); only blocks that fail cost more than one call.
        """
        try:
            return self._aggregate(data, agg, weights[sel])
        except KampalaError as exc:
            if sel.size == 1 or not failures.keep_going:
                failures.add(sel, exc)  # raises unless failures are recorded
                return np.full((1, len(self.units)), np.nan)
            half = sel.size // 2
            return np.concatenate(
                [
                    self._aggregate_or_missing(data, agg, weights, part, failures)
                    for part in (sel[:half], sel[half:])
                ]
            )

    def _aggregate(
        self, data: IndicatorSet, agg: Aggregate, weights: FloatArray
    ) -> FloatArray:
        """Root scores of the rows of ``weights``, whatever rows come with them.

        The aggregation computes an aggregate once for a whole block when its
        subtree has the same weights in every row. Which aggregates qualify
        must not depend on the block, or the order of floating-point sums
        (and so the last bit of a score) would: a probe row, doubling the
        weights that continuous factors vary, is appended so that exactly the
        aggregates with no varied weight below them are shared, in blocks of
        any size. Its scores are dropped.
        """
        probe = weights[:1].copy()
        probe[:, self.varied] *= 2.0
        rows = np.concatenate([weights, probe])
        out: FloatArray = _aggregate_samples(
            data.framework, data.values, agg, self.node_index, rows, self._constant
        )[:-1]
        return out


def _aggregate_samples(
    framework: Framework,
    leaves: FloatArray,
    agg: Aggregate,
    node_index: Mapping[str, int],
    weights: FloatArray,
    memo: dict[tuple[Any, ...], Any] | None = None,
) -> FloatArray:
    """Root scores of all units for a block of weight samples, shape (S, n).

    ``weights`` (S, n_nodes) holds each node's weight relative to its
    siblings; the aggregation renormalises over the children with a value.
    Aggregates whose children and weights are the same in every sample of
    the block (for example the principles, when only principle weights
    vary) are computed once and then used like indicators; with ``memo``,
    once for every block with the same data, aggregates and weights (the
    same computation, so the same bits).
    """
    leaf_col = {c: i for i, c in enumerate(framework.indicator_codes)}
    constant = _constant_aggregates(framework, node_index, weights)
    root = framework.root
    assert root is not None
    if constant and weights.shape[0] > 1:
        # the weights the same in every row are all the shared aggregates use
        same = np.all(weights == weights[:1], axis=0)
        key = (
            id(leaves),
            id(agg),
            constant,
            same.tobytes(),
            weights[0, same].tobytes(),
        )
        found = None if memo is None else memo.get(key)
        if found is not None and found[0] is leaves and found[1] is agg:
            once = found[2]
        else:
            once = _aggregate_core(
                framework, leaves, leaf_col, agg, node_index, weights[:1], constant, ()
            )
            if memo is not None:
                # a few entries: a worker's task holds blocks of every group
                while len(memo) >= _MEMO_ENTRIES:
                    memo.pop(next(iter(memo)))
                memo[key] = (leaves, agg, once)
        order = [c for c in framework.aggregate_codes if c in constant]
        leaves = np.column_stack([leaves, *(once[c][0] for c in order)])
        leaf_col = {**leaf_col, **{c: len(leaf_col) + i for i, c in enumerate(order)}}
        if root in constant:
            out: FloatArray = np.broadcast_to(
                once[root][0], (weights.shape[0], leaves.shape[0])
            ).copy()
            return out
        skip: frozenset[str] = constant
    else:
        skip = frozenset()
    values = _aggregate_core(
        framework, leaves, leaf_col, agg, node_index, weights, None, skip
    )
    return values[root]


def _constant_aggregates(
    framework: Framework, node_index: Mapping[str, int], weights: FloatArray
) -> frozenset[str]:
    """Find the aggregates whose whole subtree has the same weights in every sample."""
    same = np.all(weights == weights[:1], axis=0)
    out: set[str] = set()
    leaves = set(framework.indicator_codes)
    for code in framework.aggregate_codes:  # lowest level first
        kids = framework.children(code)
        if all(same[node_index[k]] and (k in leaves or k in out) for k in kids):
            out.add(code)
    return frozenset(out)


def _aggregate_core(
    framework: Framework,
    leaves: FloatArray,
    leaf_col: Mapping[str, int],
    agg: Aggregate,
    node_index: Mapping[str, int],
    weights: FloatArray,
    only: frozenset[str] | None,
    skip: Sequence[str] | frozenset[str],
) -> dict[str, FloatArray]:
    """Aggregate level by level; ``only``/``skip`` select the aggregates.

    Each aggregate is one call of `kampala.composite.kernel.weighted_mean`:
    leaf children (the same in every sample) as columns of ``leaves``,
    aggregate children as one row per sample.
    """
    n_ind = len(framework.indicator_codes)
    values: dict[str, FloatArray] = {}
    for plan in framework._level_plans():
        rule = agg.rule(plan.level)
        method = rule.method
        p = as_float(rule.params, "p") if method == "generalised-mean" else 1.0
        penalty = (
            as_float(rule.params, "penalty") if method == "mazziotta-pareto" else -1.0
        )
        for target in plan.targets:
            code = framework.aggregate_codes[target - n_ind]
            if (only is not None and code not in only) or code in skip:
                continue
            kids = framework.children(code)
            w = np.stack([weights[:, node_index[k]] for k in kids], axis=1)  # (S, k)
            children: FloatArray | list[FloatArray]
            if all(k in leaf_col for k in kids):
                children = leaves[:, [leaf_col[k] for k in kids]]
            else:
                children = [
                    leaves[:, leaf_col[k]] if k in leaf_col else values[k] for k in kids
                ]
            _check_domain(code, method, children, w, kids)
            values[code] = weighted_mean(
                children,
                w,
                method,
                p=p,
                penalty=penalty,
                min_data=agg.min_data,
                min_coverage=agg.min_coverage,
            )
    return values


def _check_domain(
    code: str,
    method: str,
    children: FloatArray | Sequence[FloatArray],
    w: FloatArray,
    names: Sequence[str],
) -> None:
    """Raise if a mean meets values outside its domain."""
    where = f"aggregate {code!r}"
    if method in NON_NEGATIVE:
        cols = (
            [children[:, j] for j in range(children.shape[1])]
            if isinstance(children, np.ndarray)
            else children
        )
        for name, x in zip(names, cols, strict=True):
            if np.any(x < 0):
                raise ParameterValueError(
                    where,
                    name,
                    float(x[np.unravel_index(np.argmax(x < 0), x.shape)]),
                    f">= 0 for the {method} mean",
                    hint="Normalise to a non-negative range first.",
                )
    elif method == "mazziotta-pareto":
        mean = weighted_mean(children, w)
        if np.any(mean <= 0):
            s, u = np.argwhere(mean <= 0)[0]
            raise ParameterValueError(
                where,
                "mean of children",
                float(mean[s, u]),
                "> 0 for the Mazziotta-Pareto index",
                hint="Normalise to a positive scale such as z-score:100,10.",
            )
