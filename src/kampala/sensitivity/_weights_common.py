"""Inputs and kernels shared by the weight analyses of a linear top level.

`smaa`, `rank_margins`, `topk_margins`, `weight_derivatives` and
`one_at_a_time` all take a criteria matrix ``X`` (units x criteria), nominal
weights and optional unit labels, score units by $X w$ and rank them; the
checks and kernels they share live here, once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray, IntArray
from kampala._internal.checks import as_float_array, str_tuple
from kampala._version import __version__
from kampala.composite.kernel import weighted_sum
from kampala.composite_result import MethodologyRef
from kampala.errors import ParameterTypeError, ParameterValueError

__all__ = [
    "WARN_LIST",
    "RobustnessResult",
    "as_labels",
    "as_matrix",
    "as_methodology",
    "as_weights",
    "competition_ranks",
    "linear_ranks",
    "linear_scores",
    "listed_labels",
    "methodology_dict",
    "result_dict",
]


#: How many unit labels a warning lists before it stops.
WARN_LIST = 10


def as_labels(where: str, labels: Sequence[str] | None, n: int) -> tuple[str, ...]:
    """Return the unit labels: the given unique strings, or ``"0"``, ``"1"``, ...."""
    if labels is None:
        return tuple(str(i) for i in range(n))
    if isinstance(labels, str):
        raise ParameterTypeError(
            where, "labels", labels, "a sequence of strings", hint="Wrap it in a list."
        )
    out = tuple(labels)
    if len(out) != n or not all(isinstance(x, str) for x in out):
        raise ParameterValueError(
            where, "labels", out, f"a sequence of {n} strings (one per unit)"
        )
    if len(set(out)) != n:
        dup = next(x for x in out if out.count(x) > 1)
        raise ParameterValueError(
            where, "labels", dup, "unique", hint="Each unit needs its own label."
        )
    return out


def as_matrix(
    where: str, X: Any, labels: Sequence[str] | None
) -> tuple[FloatArray, tuple[str, ...]]:
    """Validate the criteria matrix: 2-D, at least one unit and criterion, finite."""
    arr = as_float_array(where, "X", X)
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ParameterValueError(
            where,
            "X",
            arr.shape,
            "a 2-D array of shape (n_units, n_criteria) with at least one of each",
            hint="Give one row per unit and one column per criterion.",
        )
    names = as_labels(where, labels, arr.shape[0])
    bad = ~np.isfinite(arr)
    if bad.any():
        r, c = (int(i) for i in np.argwhere(bad)[0])
        value = float(arr[r, c])
        missing = np.isnan(value)
        hint = (
            f"Unit {names[r]!r} (row {r}) has no value for criterion {c}; "
            "impute or drop it before a weight analysis."
            if missing
            else f"Unit {names[r]!r} (row {r}) has an infinite value in criterion {c}."
        )
        raise ParameterValueError(
            where,
            f"X[{r}, {c}]",
            value,
            "a finite number (no missing values)",
            hint=hint,
        )
    arr = np.ascontiguousarray(arr)
    return arr, names


def as_weights(
    where: str, w0: Any, m: int, *, field: str = "w0", normalise: bool = True
) -> FloatArray:
    """Validate non-negative weights for ``m`` criteria; optionally sum them to 1."""
    w = as_float_array(where, field, w0)
    if w.shape != (m,):
        raise ParameterValueError(
            where,
            field,
            w.shape,
            f"a 1-D array of {m} weights (one per column of X)",
        )
    bad = ~np.isfinite(w)
    if bad.any():
        k = int(np.argmax(bad))
        raise ParameterValueError(where, f"{field}[{k}]", float(w[k]), "finite")
    if (w < 0).any():
        k = int(np.argmax(w < 0))
        raise ParameterValueError(
            where,
            f"{field}[{k}]",
            float(w[k]),
            ">= 0",
            hint="Weights are shares of importance; use 0 to leave a criterion out.",
        )
    total = float(w.sum())
    if total <= 0.0:
        raise ParameterValueError(
            where,
            field,
            w.tolist(),
            "weights with a positive sum",
            hint="Give at least one criterion a positive weight.",
        )
    return w / total if normalise else w


def linear_scores(X: FloatArray, W: FloatArray) -> FloatArray:
    """Composite scores $X w$ for one weight vector or a block of them.

    ``W`` has shape ``(m,)`` (result ``(n_units,)``) or ``(c, m)`` (result
    ``(n_units, c)``). `kampala.composite.kernel.weighted_sum` sums over
    criteria in a fixed order, so each score is bitwise the same whatever
    block it is computed in, and units with identical rows tie exactly.
    """
    out: FloatArray = weighted_sum(X, W) if W.ndim == 1 else weighted_sum(X, W).T
    return out


def competition_ranks(S: FloatArray) -> IntArray:
    """Competition ranks along axis 0 (0 = best, ties share the best rank).

    Equivalent to ``scipy.stats.rankdata(-S, method="min", axis=0) - 1``.
    """
    order = np.argsort(-S, axis=0, kind="stable")
    ranked = np.take_along_axis(S, order, axis=0)
    n = S.shape[0]
    new = np.empty(ranked.shape, dtype=bool)
    new[0] = True
    new[1:] = ranked[1:] != ranked[:-1]
    index = np.arange(n, dtype=np.intp).reshape((n,) + (1,) * (S.ndim - 1))
    start = np.maximum.accumulate(np.where(new, index, 0), axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, start, axis=0)
    return ranks


def linear_ranks(X: FloatArray, w: FloatArray) -> IntArray:
    """1-based competition ranks of the composite at weights ``w``."""
    return competition_ranks(linear_scores(X, w)) + 1


def listed_labels(labels: Sequence[str], mask: npt.NDArray[np.bool_]) -> str:
    picked = [labels[int(i)] for i in np.flatnonzero(mask)]
    text = ", ".join(repr(x) for x in picked[:WARN_LIST])
    if len(picked) > WARN_LIST:
        text += f" and {len(picked) - WARN_LIST} more"
    return text


@attrs.frozen(kw_only=True)
class RobustnessResult:
    """Which units a weight-robustness result is about, and where it comes from.

    The base class of `MarginResult`, `TopKMarginResult`, `SMAAResult`,
    `WeightDerivatives` and `OneAtATime`.

    Attributes
    ----------
    labels : tuple of str
        Unit labels, one per row of ``X``.
    methodology : MethodologyRef or None
        The methodology whose top level was analysed, when known.
    kampala_version, numpy_version : str
        Library versions that produced the result.

    Examples
    --------
    >>> from kampala.sensitivity import rank_margins
    >>> res = rank_margins([[0.9, 0.3], [0.5, 0.6]], [0.5, 0.5])
    >>> res.labels
    ('0', '1')
    >>> import kampala
    >>> res.methodology is None, res.kampala_version == kampala.__version__
    (True, True)
    """

    labels: tuple[str, ...] = attrs.field(converter=str_tuple)
    methodology: MethodologyRef | None = None
    kampala_version: str = __version__
    numpy_version: str = np.__version__


def methodology_dict(ref: MethodologyRef | None) -> dict[str, Any] | None:
    return None if ref is None else attrs.asdict(ref)


def _plain(value: Any) -> Any:
    """Return ``value`` as plain Python: arrays and tuples become lists."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return [list(v) if isinstance(v, tuple) else v for v in value]
    if isinstance(value, Mapping):
        return dict(value)
    return value


def result_dict(result: Any, *names: str, **given: Any) -> dict[str, Any]:
    """Return the ``to_dict`` of a weight-analysis result, in the order of ``names``.

    Each named field becomes plain Python values (or is taken from ``given``),
    then come the methodology, the seed (for results that draw samples) and
    the library versions every result carries.
    """
    out = {
        name: given[name] if name in given else _plain(getattr(result, name))
        for name in names
    }
    out["methodology"] = methodology_dict(result.methodology)
    if hasattr(result, "seed"):
        out["seed"] = result.seed
    out["kampala_version"] = result.kampala_version
    out["numpy_version"] = result.numpy_version
    return out


def as_methodology(where: str, methodology: Any) -> MethodologyRef | None:
    """Validate the ``methodology`` argument: a `MethodologyRef` or None."""
    if methodology is None or isinstance(methodology, MethodologyRef):
        return methodology
    raise ParameterTypeError(
        where,
        "methodology",
        methodology,
        "a MethodologyRef or None",
        hint="Pass the methodology of the analysed result, such as "
        "top_level(result).methodology, or the .ref of a Methodology.",
    )
