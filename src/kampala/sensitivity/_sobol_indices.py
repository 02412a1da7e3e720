r"""First-order and total Sobol' indices of factor groups, with bootstrap intervals.

`sobol_indices` takes the model outputs on Saltelli's design (see
`kampala.sensitivity._sobol.saltelli_design`) and estimates, for every
output at once, the first-order (Saltelli et al. 2010) and total (Jansen
1999) indices of each group, as SALib does (equations (SA1)-(SA3) on
``docs/methodology/sensitivity/variance-based.md``).

Unlike `scipy.stats.sobol_indices`, which *evaluates* a model
(``func=...``, ``n=...``), this function *estimates* indices from outputs
already computed; the model runs happen elsewhere (here, in the engine).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt
from scipy import special

from kampala._internal.array_types import FloatArray, IntArray
from kampala._internal.arrays import array_fields
from kampala._internal.checks import as_int, float_array_view, str_tuple
from kampala._internal.rng import SeedLike
from kampala.errors import (
    DegenerateIndicatorWarning,
    ParameterTypeError,
    ParameterValueError,
)

__all__ = ["SobolIndices", "group_names", "sobol_indices"]


#: Bootstrap replicates drawn from one random stream. Replicate block ``k``
#: (replicates ``100 k`` to ``100 k + 99``) draws its resampling indices from
#: child ``k`` of ``rng.spawn(ceil(n_bootstrap / 100))``. This layout is part
#: of the reproducibility contract: changing it changes the intervals.
_BOOTSTRAP_BLOCK = 100

#: Bytes of working memory per chunk of outputs in `sobol_indices`. Only the
#: grouping of outputs into chunks depends on it, never the random draws.
_MEMORY_BUDGET = 64 * 2**20

#: An output whose values in A and B all agree to within this fraction of
#: their largest magnitude (128 ulps) is constant: its spread is rounding noise.
_CONSTANT_RTOL = 128 * float(np.finfo(np.float64).eps)

#: A bootstrap resample whose variance is below this share of the full
#: sample's variance drew (nearly) constant rows; it is left out.
_RESAMPLE_VAR_RTOL = 1e-10

#: How many output names a warning lists before it stops.
_WARN_LIST = 10


def group_names(
    where: str,
    field: str,
    names: Sequence[str] | None,
    count: int,
    per: str = "group",
) -> tuple[str, ...]:
    """Return ``count`` unique names: the given ones, or ``g0``, ``g1``, ...."""
    if names is None:
        return tuple(f"g{i}" for i in range(count))
    if isinstance(names, str):
        raise ParameterTypeError(
            where, field, names, "a sequence of strings", hint="Wrap it in a list."
        )
    out = tuple(names)
    if len(out) != count or not all(isinstance(x, str) for x in out):
        raise ParameterValueError(
            where,
            field,
            out,
            f"a sequence of {count} strings (one per {per})",
        )
    if len(set(out)) != count:
        raise ParameterValueError(where, field, out, "unique names")
    return out


# ---------------------------------------------------------------------------
# indices
# ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True, field_transformer=array_fields)
class SobolIndices:
    r"""First-order and total Sobol' indices of factor groups, with intervals.

    Every index array has shape ``(G, *output_shape)``: one row per group,
    then the shape of one model output (``()`` for a scalar output,
    ``(n_units,)`` for a score per unit).

    Parameters
    ----------
    S1 : ndarray
        First-order indices (SA1).
    ST : ndarray
        Total indices (SA2).
    S1_conf : ndarray
        Half-width of the normal-approximation interval of ``S1``,
        $z_{(1+c)/2}$ times the bootstrap standard deviation (as SALib).
    ST_conf : ndarray
        The same for ``ST``.
    S1_low : ndarray
        Lower end of the bootstrap percentile interval of ``S1``.
    S1_high : ndarray
        Upper end of the bootstrap percentile interval of ``S1``.
    ST_low : ndarray
        Lower end of the bootstrap percentile interval of ``ST``.
    ST_high : ndarray
        Upper end of the bootstrap percentile interval of ``ST``.
    groups : tuple of str
        Group names, in the order of the first axis.
    outputs : tuple of str or None
        Output names, when given for 1-D outputs.
    n : int
        Number of base samples.
    n_bootstrap : int
        Number of bootstrap replicates; 0 leaves every interval NaN.
    confidence : float
        Confidence level of the intervals.
    method : str
        The estimator, ``"saltelli_2010"`` (the name
        `scipy.stats.sobol_indices` uses for the same pair of estimators).

    See Also
    --------
    sobol_indices : Compute them.
    """

    S1: FloatArray
    ST: FloatArray
    S1_conf: FloatArray
    ST_conf: FloatArray
    S1_low: FloatArray
    S1_high: FloatArray
    ST_low: FloatArray
    ST_high: FloatArray
    groups: tuple[str, ...] = attrs.field(converter=str_tuple)
    outputs: tuple[str, ...] | None = attrs.field(
        default=None, converter=attrs.converters.optional(str_tuple)
    )
    n: int
    n_bootstrap: int
    confidence: float
    method: str = "saltelli_2010"

    _ARRAYS: ClassVar[tuple[str, ...]] = (
        "S1",
        "S1_conf",
        "S1_low",
        "S1_high",
        "ST",
        "ST_conf",
        "ST_low",
        "ST_high",
    )

    @property
    def output_shape(self) -> tuple[int, ...]:
        """Shape of one model output."""
        return tuple(int(k) for k in self.S1.shape[1:])

    def to_dict(self) -> dict[str, Any]:
        """Return the indices as a mapping of plain Python values.

        Arrays become nested lists (NaN stays ``float("nan")``).
        """
        out: dict[str, Any] = {
            "method": self.method,
            "n": self.n,
            "n_bootstrap": self.n_bootstrap,
            "confidence": self.confidence,
            "groups": list(self.groups),
            "outputs": None if self.outputs is None else list(self.outputs),
        }
        for name in self._ARRAYS:
            out[name] = getattr(self, name).tolist()
        return out

    def to_table(self) -> list[dict[str, Any]]:
        """Return one row per output and group, ready for a data frame.

        Each row has the keys ``"output"`` (the name, the index for 1-D
        outputs, the index tuple otherwise; absent for a scalar output),
        ``"group"`` and the eight index and interval values. Rows run over
        groups within outputs.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.sensitivity._sobol import saltelli_design
        >>> design = saltelli_design([1, 1], 64, groups=["x", "y"], rng=0)
        >>> X = design.stack()
        >>> res = design.analyse(X[:, 0] + 2 * X[:, 1], n_bootstrap=0)
        >>> [(r["group"], round(r["S1"], 1)) for r in res.to_table()]
        [('x', 0.2), ('y', 0.8)]
        """
        shape = self.output_shape
        t = math.prod(shape)
        columns = {
            name: getattr(self, name).reshape(len(self.groups), t).T.tolist()
            for name in self._ARRAYS
        }
        rows: list[dict[str, Any]] = []
        for j, index in enumerate(np.ndindex(*shape)):
            label: Any
            if self.outputs is not None:
                label = self.outputs[j]
            elif len(shape) == 1:
                label = index[0]
            else:
                label = index
            for g, name in enumerate(self.groups):
                row: dict[str, Any] = {"output": label} if shape else {}
                row["group"] = name
                for field in self._ARRAYS:
                    row[field] = columns[field][j][g]
                rows.append(row)
        return rows


def _label(j: int, shape: tuple[int, ...], outputs: tuple[str, ...] | None) -> str:
    if outputs is not None:
        return repr(outputs[j])
    if not shape:
        return "the output"
    if len(shape) == 1:
        return str(j)
    return str(tuple(int(i) for i in np.unravel_index(j, shape)))


def _warn_outputs(
    columns: IntArray,
    problem: str,
    consequence: str,
    shape: tuple[int, ...],
    outputs: tuple[str, ...] | None,
    stacklevel: int = 3,
) -> None:
    if columns.size == 0:
        return
    if shape:
        names = ", ".join(_label(int(j), shape, outputs) for j in columns[:_WARN_LIST])
        if columns.size > _WARN_LIST:
            names += f" and {columns.size - _WARN_LIST} more"
        subject = f"{columns.size} output(s) ({names})"
    else:
        subject = "the output"
    warnings.warn(
        f"sobol_indices(): {problem} for {subject}. {consequence}",
        DegenerateIndicatorWarning,
        stacklevel=stacklevel,
    )


def _counts(gen: np.random.Generator, n_rep: int, n: int) -> FloatArray:
    """Draw ``n_rep`` bootstrap resamples of ``n`` rows as row counts."""
    idx = gen.integers(0, n, size=(n_rep, n))
    idx += (n * np.arange(n_rep))[:, None]
    counts = np.bincount(idx.ravel(), minlength=n_rep * n).reshape(n_rep, n)
    return counts.astype(np.float64)


def _interval_stats(
    boot: FloatArray, z: float, q: tuple[float, float]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return z * sd (ddof=1) and the percentile interval over axis 0."""
    conf = z * np.std(boot, axis=0, ddof=1)
    low, high = np.quantile(boot, q, axis=0)
    return conf, low, high


def sobol_indices(
    fA: npt.ArrayLike,
    fB: npt.ArrayLike,
    fAB: npt.ArrayLike,
    *,
    groups: Sequence[str] | None = None,
    outputs: Sequence[str] | None = None,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    rng: SeedLike = None,
) -> SobolIndices:
    r"""Estimate first-order and total Sobol' indices of factor groups.

    Vectorised over groups and over every output (trailing dimensions), with
    bootstrap confidence intervals. On the same model runs the point
    estimates equal those of ``SALib.analyze.sobol.analyze(...,
    calc_second_order=False)`` to rounding.

    Parameters
    ----------
    fA : array_like of shape (n, ...)
        Model outputs on the rows of ``A``; trailing dimensions are separate
        outputs (for example one score per unit).
    fB : array_like of shape (n, ...)
        Model outputs on the rows of ``B``.
    fAB : array_like of shape (G, n, ...)
        Model outputs on the rows of ``AB[g]``, for each group ``g``.
    groups : sequence of str, default=None
        Group names; ``"g0"``, ``"g1"``, … when omitted.
    outputs : sequence of str, default=None
        Names of the outputs when there is one trailing dimension; used in
        warnings and by `SobolIndices.to_table`.
    n_bootstrap : int, default=1000
        Number of bootstrap replicates; at least 2, or 0 to skip the
        bootstrap (every interval is then NaN).
    confidence : float, default=0.95
        Confidence level of the intervals, strictly between 0 and 1.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, passed to `numpy.random.default_rng`.
        `None` draws fresh OS entropy. An int or `SeedSequence` makes results
        reproducible. A `Generator` is used as-is and is advanced.

    Returns
    -------
    SobolIndices
        ``S1``, ``ST`` and their intervals, each of shape (G, ...).

    Raises
    ------
    ParameterValueError
        If the shapes do not match, ``n`` is below 2, ``n_bootstrap`` is 1 or
        negative, ``confidence`` is not in (0, 1), or names do not match the
        groups or outputs.
    ParameterTypeError
        If an input is not numeric, or ``n_bootstrap`` or ``confidence`` has
        the wrong type.

    Warns
    -----
    DegenerateIndicatorWarning
        For outputs that are constant on ``A`` and ``B`` or have a non-finite
        value; their indices are NaN. Also when bootstrap resamples of an
        output are constant; they are left out of that output's intervals.

    See Also
    --------
    saltelli_design : Build the design; its `SaltelliDesign.analyse` method
        splits outputs in run order and calls this function.
    scipy.stats.sobol_indices : The same estimators, without groups.

    Notes
    -----
    Each output is first standardised over all $n (G + 2)$ runs, $y
    \mapsto (y - \bar y) / s_y$, as SALib does: the first-order estimator is
    not invariant to shifts, and centring lowers its variance. With $f_A$,
    $f_B$, $f_{AB}^{(g)}$ the standardised outputs and $V$ the variance
    (divisor $2n$) of the $2n$ values of $f_A$ and $f_B$:

    $$S_g = \frac{1}{V} \frac{1}{n} \sum_{j=1}^{n} f_B(j)
    \left(f_{AB}^{(g)}(j) - f_A(j)\right) \qquad \text{(SA1)}$$

    (Saltelli et al. 2010, table 2 (b)) and

    $$S_{T,g} = \frac{1}{V} \frac{1}{2n} \sum_{j=1}^{n}
    \left(f_A(j) - f_{AB}^{(g)}(j)\right)^2 \qquad \text{(SA2)}$$

    (Jansen 1999; Saltelli et al. 2010, table 2 (f)).

    Bootstrap (SA3): each replicate resamples the $n$ base rows with
    replacement (the same rows for every group and output) and recomputes
    (SA1) and (SA2), standardisation kept. ``S1_conf`` is
    $z_{(1+c)/2}$ times the standard deviation (divisor $R - 1$) of the $R$
    replicates, as in SALib; ``S1_low`` and ``S1_high`` are their
    $(1-c)/2$ and $(1+c)/2$ quantiles (linear interpolation). Replicates
    come in blocks of 100: block $k$ draws its $100 \times n$ row indices
    (``integers(0, n, size=(100, n))``) from child $k$ of
    ``rng.spawn(ceil(R / 100))``. The resamples are therefore fixed before
    any work is chunked: every output and group sees the same resamples,
    outputs are processed in chunks that keep memory bounded (about 64 MiB)
    without changing the draws (only rounding, about $10^{-16}$ relative),
    and the first $R$ replicates are the same for any larger $R$.

    References
    ----------
    Jansen, M. J. W. (1999). Analysis of variance designs for model output.
    *Computer Physics Communications* 117(1-2), 35-43.
    https://doi.org/10.1016/S0010-4655(98)00154-4

    Saltelli, A. et al. (2010), as in `saltelli_design`: the first-order
    estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._sobol import saltelli_design, sobol_indices
    >>> design = saltelli_design([1, 1], 1024, rng=7)
    >>> def model(x):
    ...     return x[..., 0] + 2.0 * x[..., 1]
    >>> res = sobol_indices(model(design.A), model(design.B), model(design.AB),
    ...                     n_bootstrap=200, rng=7)
    >>> np.round(res.S1, 2), np.round(res.ST, 2)
    (array([0.2, 0.8]), array([0.2, 0.8]))
    >>> res.S1_conf.shape
    (2,)
    """
    a, b, ab, n_boot, conf_level = _checked_runs(fA, fB, fAB, n_bootstrap, confidence)
    n, g = int(a.shape[0]), int(ab.shape[0])
    shape = tuple(int(k) for k in a.shape[1:])
    names, out_names = _names(groups, outputs, g, shape)
    rng = np.random.default_rng(rng)

    t = math.prod(shape)
    ya = a.reshape(n, t)
    yb = b.reshape(n, t)
    yab = ab.reshape(g, n, t)

    valid = _screen(ya, yb, yab, shape, out_names)
    result, dropped = _estimate(ya, yb, yab, valid, n_boot, conf_level, rng)
    _warn_outputs(
        np.flatnonzero(dropped),
        "constant bootstrap resamples of A and B",
        "They are left out of the intervals (NaN when fewer than 2 remain); "
        "increase n.",
        shape,
        out_names,
    )
    out = {k: v.reshape(g, *shape) for k, v in result.items()}
    return SobolIndices(
        S1=out["S1"],
        ST=out["ST"],
        S1_conf=out["S1_conf"],
        ST_conf=out["ST_conf"],
        S1_low=out["S1_low"],
        S1_high=out["S1_high"],
        ST_low=out["ST_low"],
        ST_high=out["ST_high"],
        groups=names,
        outputs=out_names,
        n=n,
        n_bootstrap=n_boot,
        confidence=conf_level,
    )


def _screen(
    ya: FloatArray,
    yb: FloatArray,
    yab: FloatArray,
    shape: tuple[int, ...],
    out_names: tuple[str, ...] | None,
) -> npt.NDArray[np.bool_]:
    """Return the outputs with finite, varying values; warn about the others."""
    finite = (
        np.isfinite(ya).all(axis=0)
        & np.isfinite(yb).all(axis=0)
        & np.isfinite(yab).all(axis=(0, 1))
    )
    with np.errstate(invalid="ignore"):
        spread = np.maximum(ya.max(axis=0), yb.max(axis=0)) - np.minimum(
            ya.min(axis=0), yb.min(axis=0)
        )
        scale = np.maximum(np.abs(ya).max(axis=0), np.abs(yb).max(axis=0))
    constant = finite & (spread <= _CONSTANT_RTOL * scale)
    valid: npt.NDArray[np.bool_] = finite & ~constant
    _warn_outputs(
        np.flatnonzero(~finite),
        "non-finite model values (NaN or inf)",
        "Their indices are NaN.",
        shape,
        out_names,
        stacklevel=4,
    )
    _warn_outputs(
        np.flatnonzero(constant),
        "no variance on the base samples A and B (a constant output)",
        "There is no variance to apportion; their indices are NaN.",
        shape,
        out_names,
        stacklevel=4,
    )
    return valid


def _estimate(
    ya: FloatArray,
    yb: FloatArray,
    yab: FloatArray,
    valid: npt.NDArray[np.bool_],
    n_boot: int,
    conf_level: float,
    rng: np.random.Generator,
) -> tuple[dict[str, FloatArray], IntArray]:
    """Estimate the indices and intervals of the valid outputs, in chunks.

    Returns the index arrays, shape (G, T) each, and how many bootstrap
    resamples each output dropped.
    """
    g, n, t = yab.shape
    z = float(special.ndtri(0.5 + conf_level / 2.0))
    quantiles = ((1.0 - conf_level) / 2.0, (1.0 + conf_level) / 2.0)
    block_states: list[Mapping[str, Any]] = []
    block_gens: list[np.random.Generator] = []
    if n_boot:
        block_gens = rng.spawn(-(-n_boot // _BOOTSTRAP_BLOCK))
        block_states = [gen.bit_generator.state for gen in block_gens]

    result: dict[str, FloatArray] = {
        name: np.full((g, t), np.nan) for name in SobolIndices._ARRAYS
    }
    cols = np.flatnonzero(valid)
    # bytes per output: standardised copies and per-row terms, replicates
    per_output = 8 * (n * (6 * g + 8) + 2 * n_boot * g + _BOOTSTRAP_BLOCK * (2 * g + 2))
    width = max(1, _MEMORY_BUDGET // per_output)
    dropped = np.zeros(t, dtype=np.intp)
    for start in range(0, cols.size, width):
        sub = cols[start : start + width]
        s1, st, s1_boot, st_boot = _chunk(
            ya[:, sub], yb[:, sub], yab[:, :, sub], block_gens, block_states, n_boot
        )
        result["S1"][:, sub] = s1
        result["ST"][:, sub] = st
        if not n_boot:
            continue
        ok = np.isfinite(s1_boot[:, 0, :])  # (R, tc): same for every group
        dropped[sub] = n_boot - ok.sum(axis=0)
        full = ok.all(axis=0)
        for key, boot in (("S1", s1_boot), ("ST", st_boot)):
            conf, low, high = _interval_stats(boot[:, :, full], z, quantiles)
            result[f"{key}_conf"][:, sub[full]] = conf
            result[f"{key}_low"][:, sub[full]] = low
            result[f"{key}_high"][:, sub[full]] = high
            for k in np.flatnonzero(~full):
                keep = boot[ok[:, k], :, k]
                if keep.shape[0] < 2:
                    continue
                conf, low, high = _interval_stats(keep, z, quantiles)
                result[f"{key}_conf"][:, sub[k]] = conf
                result[f"{key}_low"][:, sub[k]] = low
                result[f"{key}_high"][:, sub[k]] = high
    return result, dropped


def _checked_runs(
    fA: Any, fB: Any, fAB: Any, n_bootstrap: Any, confidence: Any
) -> tuple[FloatArray, FloatArray, FloatArray, int, float]:
    """Check the model outputs and the bootstrap settings of `sobol_indices`."""
    where = "sobol_indices()"
    a = float_array_view(where, "fA", fA)
    b = float_array_view(where, "fB", fB)
    ab = float_array_view(where, "fAB", fAB)
    if a.ndim < 1:
        raise ParameterValueError(
            where, "fA", a.shape, "an array with one row per base sample"
        )
    if b.shape != a.shape:
        raise ParameterValueError(where, "fB", b.shape, f"of the shape of fA {a.shape}")
    if ab.ndim != a.ndim + 1 or ab.shape[1:] != a.shape or ab.shape[0] < 1:
        raise ParameterValueError(
            where,
            "fAB",
            ab.shape,
            f"of shape (G, {', '.join(map(str, a.shape))}), one block per group",
        )
    n = int(a.shape[0])
    if n < 2:
        raise ParameterValueError(where, "fA", a.shape, "at least 2 rows")
    n_boot = as_int(where, "n_bootstrap", n_bootstrap, 0)
    if n_boot == 1:
        raise ParameterValueError(
            where,
            "n_bootstrap",
            n_boot,
            "0 (no bootstrap) or an integer >= 2",
        )
    if isinstance(confidence, bool) or not isinstance(
        confidence, int | float | np.floating
    ):
        raise ParameterTypeError(where, "confidence", confidence, "a number")
    conf_level = float(confidence)
    if not 0.0 < conf_level < 1.0:
        raise ParameterValueError(
            where,
            "confidence",
            confidence,
            "strictly between 0 and 1",
            hint="For a 95% interval pass 0.95.",
        )
    return a, b, ab, n_boot, conf_level


def _names(
    groups: Sequence[str] | None,
    outputs: Sequence[str] | None,
    g: int,
    shape: tuple[int, ...],
) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """Check the group and output names of `sobol_indices`."""
    where = "sobol_indices()"
    names = group_names(where, "groups", groups, g)
    out_names: tuple[str, ...] | None = None
    if outputs is not None:
        if len(shape) != 1:
            raise ParameterValueError(
                where,
                "outputs",
                outputs,
                "None unless each output is a 1-D vector",
            )
        out_names = group_names(where, "outputs", outputs, shape[0], "output")
    return names, out_names


def _chunk(
    ya: FloatArray,
    yb: FloatArray,
    yab: FloatArray,
    block_gens: list[np.random.Generator],
    block_states: list[Mapping[str, Any]],
    n_boot: int,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Point estimates and bootstrap replicates for a chunk of valid outputs.

    Kernel: clean finite arrays with non-constant outputs; checks nothing.
    Returns S1 and ST of shape (G, tc) and their replicates (R, G, tc).
    """
    g, n, tc = yab.shape
    # standardise over all n (G + 2) runs, as SALib does
    stacked = np.concatenate([ya, yb, yab.reshape(g * n, tc)])
    mean = stacked.mean(axis=0)
    sd = stacked.std(axis=0)
    del stacked
    a = (ya - mean) / sd
    b = (yb - mean) / sd
    ab = (yab - mean) / sd
    var = np.var(np.concatenate([a, b]), axis=0)
    diff = ab - a  # (G, n, tc)
    q1 = b * diff
    q2 = 0.5 * diff**2
    s1 = q1.mean(axis=1) / var
    st = q2.mean(axis=1) / var
    if not n_boot:
        empty = np.empty((0, g, tc))
        return s1, st, empty, empty
    # Every bootstrap mean is a count-weighted mean over the base rows, so a
    # block of replicates is one matrix product with the per-row terms.
    terms = np.concatenate(
        [
            q1.transpose(1, 0, 2).reshape(n, g * tc),
            q2.transpose(1, 0, 2).reshape(n, g * tc),
            a + b,
            a * a + b * b,
        ],
        axis=1,
    )
    del diff, q1, q2
    s1_boot = np.empty((n_boot, g, tc))
    st_boot = np.empty((n_boot, g, tc))
    for k, (gen, state) in enumerate(zip(block_gens, block_states, strict=True)):
        gen.bit_generator.state = state  # same draws for every chunk of outputs
        lo = k * _BOOTSTRAP_BLOCK
        n_rep = min(_BOOTSTRAP_BLOCK, n_boot - lo)
        means = (_counts(gen, n_rep, n) @ terms) / n
        m1 = means[:, : g * tc].reshape(n_rep, g, tc)
        m2 = means[:, g * tc : 2 * g * tc].reshape(n_rep, g, tc)
        mean_y = means[:, 2 * g * tc : 2 * g * tc + tc] / 2.0
        var_b = means[:, 2 * g * tc + tc :] / 2.0 - mean_y**2
        ok = var_b > _RESAMPLE_VAR_RTOL * var
        var_b = np.where(ok, var_b, np.nan)[:, None, :]
        s1_boot[lo : lo + n_rep] = m1 / var_b
        st_boot[lo : lo + n_rep] = m2 / var_b
    return s1, st, s1_boot, st_boot
