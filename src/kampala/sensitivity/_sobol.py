r"""Variance-based (Sobol') sensitivity analysis with grouped factors.

A *factor* is anything uncertain in the construction of a composite
indicator: the weights of one level, the choice of normalisation method, the
imputation method. A factor may span several input dimensions (all the weights
of a level) and is then a *group*; a discrete factor (one of $m$ choices) is a
single dimension $u \in [0, 1)$ mapped to a level by `discretise`,
$\lfloor u m \rfloor$.

The design is Saltelli's (2002, 2010): two base matrices $A$ and $B$ of $n$
rows over the $D$ input dimensions, and for each group $g$ the matrix
$A_B^{(g)}$ equal to $A$ except that the group's columns come from $B$. The
model runs $n (G + 2)$ times. `saltelli_design` builds the design and lays it
out as SALib does (``SALib.sample.sobol.sample`` with
``calc_second_order=False``); `sobol_indices` estimates first-order and total
indices for every output at once (equations (SA1)-(SA3) on
``docs/methodology/sensitivity/variance-based.md``), with bootstrap
confidence intervals.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt
from scipy.stats import qmc

from kampala._internal.array_types import FloatArray, IntArray
from kampala._internal.arrays import array_fields
from kampala._internal.checks import as_int, float_array_view, int_tuple, str_tuple
from kampala._internal.rng import SeedLike
from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.sensitivity._sobol_indices import (
    SobolIndices,
    group_names,
    sobol_indices,
)

__all__ = [
    "SaltelliDesign",
    "SobolIndices",
    "discretise",
    "saltelli_design",
    "sobol_indices",
]


# ---------------------------------------------------------------------------
# design
# ---------------------------------------------------------------------------
@attrs.frozen(kw_only=True, field_transformer=array_fields)
class SaltelliDesign:
    r"""Saltelli sample design: base matrices A and B and the mixed matrices.

    Build it with `saltelli_design`. All values are in $[0, 1)$; map them
    to factor values yourself (``lo + u * (hi - lo)`` for a continuous
    factor, `discretise` for a discrete one).

    Parameters
    ----------
    A : ndarray of shape (n, D)
        First base matrix.
    B : ndarray of shape (n, D)
        Second base matrix.
    AB : ndarray of shape (G, n, D)
        ``AB[g]`` is ``A`` with the columns of group ``g`` taken from ``B``.
    dims : tuple of int
        Number of input dimensions of each group; group ``g`` owns the
        columns ``slices[g]``, in order.
    groups : tuple of str
        Group names.
    method : {"sobol", "random"}
        How ``A`` and ``B`` were drawn.

    See Also
    --------
    saltelli_design : Build a design.
    sobol_indices : Estimate the indices from model outputs.
    """

    A: FloatArray
    B: FloatArray
    AB: FloatArray
    dims: tuple[int, ...] = attrs.field(converter=int_tuple)
    groups: tuple[str, ...] = attrs.field(converter=str_tuple)
    method: str = attrs.field(validator=attrs.validators.in_(("sobol", "random")))

    def __attrs_post_init__(self) -> None:
        where = "SaltelliDesign()"
        if self.A.ndim != 2 or self.B.shape != self.A.shape:
            raise ParameterValueError(
                where,
                "B",
                self.B.shape,
                f"a 2-D array of the shape of A {self.A.shape}",
            )
        n, d = self.A.shape
        g = len(self.dims)
        if sum(self.dims) != d or any(k < 1 for k in self.dims):
            raise ParameterValueError(
                where, "dims", self.dims, f"positive integers summing to {d}"
            )
        if len(self.groups) != g:
            raise ParameterValueError(
                where, "groups", self.groups, f"{g} names (one per group)"
            )
        if self.AB.shape != (g, n, d):
            raise ParameterValueError(
                where, "AB", self.AB.shape, f"of shape {(g, n, d)}"
            )

    @property
    def n(self) -> int:
        """Number of base samples (rows of ``A``)."""
        return int(self.A.shape[0])

    @property
    def n_dims(self) -> int:
        """Number of input dimensions D."""
        return int(self.A.shape[1])

    @property
    def n_groups(self) -> int:
        """Number of groups G."""
        return len(self.dims)

    @property
    def n_runs(self) -> int:
        """Number of model runs, ``n * (G + 2)``."""
        return self.n * (self.n_groups + 2)

    @property
    def slices(self) -> tuple[slice, ...]:
        """The columns of each group, in order."""
        ends = np.cumsum((0, *self.dims))
        return tuple(slice(int(a), int(b)) for a, b in itertools.pairwise(ends))

    def stack(self) -> FloatArray:
        """Return every model input, one row per run, in SALib's order.

        Rows are interleaved by base sample: for ``j = 0, …, n - 1`` the rows
        ``A[j]``, ``AB[0, j]``, …, ``AB[G - 1, j]``, ``B[j]``. This is the
        layout of ``SALib.sample.sobol.sample(..., calc_second_order=False)``
        (with groups), so the same outputs can be given to
        ``SALib.analyze.sobol.analyze``.

        Returns
        -------
        ndarray of shape (n * (G + 2), D)
            A new (writeable) array.

        Examples
        --------
        >>> from kampala.sensitivity._sobol import saltelli_design
        >>> design = saltelli_design([1, 2], 4, rng=1)
        >>> design.stack().shape
        (16, 3)
        """
        n, d, g = self.n, self.n_dims, self.n_groups
        out = np.empty((n, g + 2, d))
        out[:, 0] = self.A
        out[:, 1 : g + 1] = self.AB.transpose(1, 0, 2)
        out[:, g + 1] = self.B
        return out.reshape(n * (g + 2), d)

    def split(self, Y: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Split model outputs in `stack` order into ``fA``, ``fB`` and ``fAB``.

        Parameters
        ----------
        Y : array_like of shape (n * (G + 2), ...)
            One output row per run of `stack`, with any trailing
            dimensions (for example one column per unit).

        Returns
        -------
        fA : ndarray of shape (n, ...)
            Outputs on ``A``.
        fB : ndarray of shape (n, ...)
            Outputs on ``B``.
        fAB : ndarray of shape (G, n, ...)
            Outputs on ``AB[g]``.

        Raises
        ------
        ParameterValueError
            If ``Y`` does not have ``n * (G + 2)`` rows.
        ParameterTypeError
            If ``Y`` is not numeric.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.sensitivity._sobol import saltelli_design
        >>> design = saltelli_design([1, 1], 4, rng=1)
        >>> fA, fB, fAB = design.split(design.stack().sum(axis=1))
        >>> fA.shape, fB.shape, fAB.shape
        ((4,), (4,), (2, 4))
        >>> bool(np.allclose(fA, design.A.sum(axis=1)))
        True
        """
        y = float_array_view("SaltelliDesign.split()", "Y", Y)
        n, g = self.n, self.n_groups
        if y.ndim < 1 or y.shape[0] != n * (g + 2):
            raise ParameterValueError(
                "SaltelliDesign.split()",
                "Y",
                y.shape,
                f"an array with n * (G + 2) = {n * (g + 2)} rows",
                hint="Evaluate the model on every row of design.stack(), in order.",
            )
        y3 = y.reshape(n, g + 2, *y.shape[1:])
        fa = np.ascontiguousarray(y3[:, 0])
        fb = np.ascontiguousarray(y3[:, g + 1])
        fab = np.ascontiguousarray(np.moveaxis(y3[:, 1 : g + 1], 1, 0))
        return fa, fb, fab

    def analyse(
        self,
        Y: npt.ArrayLike,
        *,
        outputs: Sequence[str] | None = None,
        n_bootstrap: int = 1000,
        confidence: float = 0.95,
        rng: SeedLike = None,
        base_rows: npt.ArrayLike | None = None,
    ) -> SobolIndices:
        """Estimate the indices from outputs in `stack` order.

        Shorthand for ``sobol_indices(*design.split(Y), groups=design.groups,
        ...)``; see `sobol_indices` for the parameters.

        Parameters
        ----------
        Y : array_like of shape (n * (G + 2), ...)
            One output row per run of `stack`.
        outputs : sequence of str, default=None
            Names of the outputs when ``Y`` is 2-D.
        n_bootstrap : int, default=1000
            Number of bootstrap replicates (0 for none).
        confidence : float, default=0.95
            Confidence level of the intervals.
        rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
            Source of randomness for the bootstrap, as in `sobol_indices`.
        base_rows : array_like of int, default=None
            Use only these base samples (rows of ``A``, with their rows of
            ``B`` and ``AB``), for example those whose runs could all be
            computed; default all.

        Returns
        -------
        SobolIndices
            The indices of each group for every output.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.sensitivity._sobol import saltelli_design
        >>> design = saltelli_design([1, 1], 64, rng=1)
        >>> y = (design.stack() @ np.array([1.0, 3.0]))[:, None]
        >>> every = design.analyse(y, n_bootstrap=0).ST[:, 0]
        >>> part = design.analyse(y, n_bootstrap=0, base_rows=range(32)).ST[:, 0]
        >>> bool(every[1] > every[0]), bool(part[1] > part[0])
        (True, True)
        """
        fa, fb, fab = self.split(Y)
        if base_rows is not None:
            keep = np.asarray(base_rows, dtype=np.intp)
            fa, fb, fab = fa[keep], fb[keep], fab[:, keep]
        return sobol_indices(
            fa,
            fb,
            fab,
            groups=self.groups,
            outputs=outputs,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            rng=rng,
        )


def saltelli_design(
    n_groups_dims: Sequence[int],
    n: int,
    *,
    groups: Sequence[str] | None = None,
    method: Literal["sobol", "random"] = "sobol",
    rng: SeedLike = None,
) -> SaltelliDesign:
    r"""Draw a Saltelli design for factor groups of the given sizes.

    One sample of $2D$ uniform dimensions is drawn, $D$ the total number of
    input dimensions; its first $D$ columns form $A$ and its last $D$
    columns $B$ (Saltelli 2002; SALib's construction). For each group
    $g$, $A_B^{(g)}$ is $A$ with the group's columns taken from $B$.

    Parameters
    ----------
    n_groups_dims : sequence of int
        Number of input dimensions of each group, in order: ``[4, 1]`` is a
        group of four weights (columns 0-3) and a discrete factor (column 4).
    n : int
        Number of base samples. The model runs ``n * (G + 2)`` times. With
        ``method="sobol"`` it must be a power of two.
    groups : sequence of str, default=None
        Group names; ``"g0"``, ``"g1"``, … when omitted.
    method : {"sobol", "random"}, default="sobol"
        ``"sobol"`` draws a scrambled Sobol' sequence
        (``scipy.stats.qmc.Sobol(d=2 * D, scramble=True, rng=rng)``), whose
        estimates converge faster; ``"random"`` draws independent uniforms
        with ``rng.random``.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, as in `sobol_indices`.

    Returns
    -------
    SaltelliDesign
        Base matrices ``A``, ``B`` of shape (n, D) and ``AB`` of shape
        (G, n, D), all in $[0, 1)$.

    Raises
    ------
    ParameterValueError
        If a group has no dimension, ``n`` is below 2, ``n`` is not a power of
        two with ``method="sobol"``, ``method`` is unknown, or the names are
        not one unique string per group.
    ParameterTypeError
        If ``n`` or a group size is not an integer.

    See Also
    --------
    sobol_indices : Estimate the indices from the model outputs.
    scipy.stats.qmc.Sobol : The Sobol' engine.

    Notes
    -----
    ``method="sobol"`` with ``rng=k`` gives exactly the sample
    ``SALib.sample.sobol.sample(problem, n, calc_second_order=False,
    seed=numpy.random.default_rng(k))`` gives for the same grouping, before
    SALib scales it to the bounds. (Given a plain int ``seed``, SALib passes
    it to SciPy's legacy ``seed=`` argument, which draws another sample.)

    References
    ----------
    Saltelli, A. (2002). Making best use of model evaluations to compute
    sensitivity indices. *Computer Physics Communications* 145(2), 280-297.
    https://doi.org/10.1016/S0010-4655(02)00280-1

    Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and
    Tarantola, S. (2010). Variance based sensitivity analysis of model output.
    Design and estimator for the total sensitivity index. *Computer Physics
    Communications* 181(2), 259-270. https://doi.org/10.1016/j.cpc.2009.09.018

    Examples
    --------
    >>> from kampala.sensitivity._sobol import saltelli_design
    >>> design = saltelli_design([3, 1], 8, groups=["weights", "method"], rng=42)
    >>> design.A.shape, design.AB.shape, design.n_runs
    ((8, 4), (2, 8, 4), 32)
    >>> design.slices
    (slice(0, 3, None), slice(3, 4, None))
    >>> bool((design.AB[1][:, 3] == design.B[:, 3]).all())
    True
    """
    where = "saltelli_design()"
    if isinstance(n_groups_dims, str | bytes) or not isinstance(
        n_groups_dims, Sequence | np.ndarray
    ):
        raise ParameterTypeError(
            where, "n_groups_dims", n_groups_dims, "a sequence of integers"
        )
    dims = tuple(
        as_int(where, f"n_groups_dims[{i}]", k, 1) for i, k in enumerate(n_groups_dims)
    )
    if not dims:
        raise ParameterValueError(
            where, "n_groups_dims", n_groups_dims, "a non-empty sequence of integers"
        )
    n = as_int(where, "n", n, 2)
    if method not in ("sobol", "random"):
        raise ParameterValueError(where, "method", method, "one of 'sobol', 'random'")
    names = group_names(where, "groups", groups, len(dims))
    d = sum(dims)
    rng = np.random.default_rng(rng)
    if method == "sobol":
        if n & (n - 1):
            lo = 1 << (n.bit_length() - 1)
            raise ParameterValueError(
                where,
                "n",
                n,
                "a power of two with method='sobol'",
                hint=f"Use n={lo} or n={2 * lo}, or method='random'. Sobol' points "
                "keep their balance properties only in powers of two.",
            )
        if 2 * d > qmc.Sobol.MAXDIM:
            raise ParameterValueError(
                where,
                "n_groups_dims",
                d,
                f"at most {qmc.Sobol.MAXDIM // 2} dimensions in all with "
                "method='sobol'",
                hint="Use method='random'.",
            )
        u = qmc.Sobol(d=2 * d, scramble=True, rng=rng).random(n)
    else:
        u = rng.random((n, 2 * d))
    a = np.ascontiguousarray(u[:, :d])
    b = np.ascontiguousarray(u[:, d:])
    member = np.repeat(np.eye(len(dims), dtype=bool), dims, axis=1)  # (G, D)
    ab = np.where(member[:, None, :], b[None], a[None])
    return SaltelliDesign(A=a, B=b, AB=ab, dims=dims, groups=names, method=method)


def discretise(u: npt.ArrayLike, m: int) -> IntArray:
    r"""Map uniform values in $[0, 1)$ to the levels ``0, …, m - 1``.

    Level $\lfloor u m \rfloor$, so each level has probability $1/m$.
    Use it for a discrete factor (a choice among $m$ methods) that is one
    column of a `SaltelliDesign`.

    Parameters
    ----------
    u : array_like of float
        Values in $[0, 1]$; 1 maps to the last level.
    m : int
        Number of levels, at least 1.

    Returns
    -------
    ndarray of int
        Levels, same shape as ``u``.

    Raises
    ------
    ParameterValueError
        If ``m`` is below 1 or a value of ``u`` is outside $[0, 1]$ or NaN.
    ParameterTypeError
        If ``m`` is not an integer or ``u`` is not numeric.

    Examples
    --------
    >>> from kampala.sensitivity._sobol import discretise
    >>> discretise([0.0, 0.2, 0.5, 0.99], 3).tolist()
    [0, 0, 1, 2]
    """
    where = "discretise()"
    m = as_int(where, "m", m, 1)
    arr = float_array_view(where, "u", u)
    bad = ~((arr >= 0.0) & (arr <= 1.0))
    if bad.any():
        raise ParameterValueError(
            where,
            "u",
            float(arr[bad].flat[0]),
            "in [0, 1]",
            hint="Pass the design's uniform values before scaling them.",
        )
    return np.minimum(np.floor(arr * m), m - 1).astype(np.intp)
