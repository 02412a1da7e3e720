"""Equal and explicit weights, normalised to sum to 1 (equation (W1))."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kampala._internal.params import relative_shares
from kampala.composite.weights._common import check_labels, positive_float
from kampala.errors import ParameterTypeError, ParameterValueError

__all__ = ["equal_weights", "explicit_weights"]


def equal_weights(labels: Sequence[str]) -> dict[str, float]:
    """Return equal weights, ``1/n`` for each of ``n`` labels.

    Parameters
    ----------
    labels : sequence of str
        Indicator or node codes, unique.

    Returns
    -------
    dict of str to float
        ``{code: 1/n}``, the form ``Aggregate(weights=...)`` accepts.

    Raises
    ------
    ParameterValueError
        If ``labels`` is empty or repeats a code.

    Examples
    --------
    >>> from kampala.composite.weights import equal_weights
    >>> equal_weights(["a", "b", "c", "d"])
    {'a': 0.25, 'b': 0.25, 'c': 0.25, 'd': 0.25}
    """
    given = labels if isinstance(labels, str) else tuple(labels)
    codes = check_labels("equal_weights()", given, len(given))
    if not codes:
        raise ParameterValueError(
            "equal_weights()", "labels", (), "a non-empty sequence of codes"
        )
    return {c: 1.0 / len(codes) for c in codes}


def explicit_weights(weights: Mapping[str, float]) -> dict[str, float]:
    r"""Return given weights normalised to sum to 1 (equation (W1)).

    Parameters
    ----------
    weights : mapping of str to float
        Weights >= 0 with a positive sum, in any units (points, shares).

    Returns
    -------
    dict of str to float
        ``{code: w / sum(w)}``, in the order given.

    Raises
    ------
    ParameterValueError
        For a negative or non-finite weight, or weights that sum to 0.
    ParameterTypeError
        For a weight that is not a number.

    Examples
    --------
    >>> from kampala.composite.weights import explicit_weights
    >>> explicit_weights({"a": 1, "b": 1, "c": 2})
    {'a': 0.25, 'b': 0.25, 'c': 0.5}
    """
    where = "explicit_weights()"
    if not isinstance(weights, Mapping):
        raise ParameterTypeError(
            where, "weights", weights, "a mapping of code to weight"
        )
    vals = {
        str(k): positive_float(where, f"weights[{k!r}]", v, "a finite number >= 0")
        for k, v in weights.items()
    }
    if not max(vals.values(), default=0.0) > 0:
        raise ParameterValueError(
            where, "weights", dict(weights), "weights with a positive sum"
        )
    shares = relative_shares(list(vals.values()), exact=True)
    return dict(zip(vals, shares, strict=True))
