r"""Imputation: fill missing indicator values.

Methods (equations on ``docs/methodology/imputation.md``):

- ``"constant"`` (I0): a fixed value, for example 0 so that missing evidence
  counts as absent (a pessimistic policy).
- ``"mean"`` (I1) and ``"median"`` (I2): the indicator's mean or median over
  the units that have a value.
- ``"group-mean"`` (I3) and ``"group-median"`` (I4): the same statistic over
  the units of the same group (a group column of the data, for example
  ``"EurAsia_group"``). A unit outside every group, or a group with no value
  for the indicator, stays missing and is reported.

Imputation works indicator by indicator on the raw (or denominated) scale,
before treatment and normalisation.
"""

from __future__ import annotations

import warnings

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.params import Method, Param, as_float
from kampala.composite._step import MethodStep, StepOutput
from kampala.errors import MissingDataWarning
from kampala.indicators import IndicatorSet

__all__ = ["METHODS", "Impute"]

FloatArray = npt.NDArray[np.float64]

_GROUP = Param("group", str, doc="name of the group column, e.g. EurAsia_group")

METHODS: dict[str, Method] = {
    "constant": Method(
        "constant",
        (Param("value", float, doc="the value every missing entry takes"),),
        doc="A fixed value, e.g. 0 to count missing evidence as absent.",
    ),
    "mean": Method("mean", (), doc="Indicator mean over all units."),
    "median": Method("median", (), doc="Indicator median over all units."),
    "group-mean": Method("group-mean", (_GROUP,), doc="Mean within the unit's group."),
    "group-median": Method(
        "group-median", (_GROUP,), doc="Median within the unit's group."
    ),
}


def _stat(x: FloatArray, median: bool) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing -> NaN
        return np.asarray(np.nanmedian(x, axis=0) if median else np.nanmean(x, axis=0))


@attrs.frozen(kw_only=True)
class Impute(MethodStep):
    """The imputation step.

    Parameters
    ----------
    method : {"constant", "mean", "median", "group-mean", "group-median"}
        How to fill a missing value.
    params : mapping, default=None
        ``{"value": v}`` for ``"constant"``, ``{"group": name}`` for the group
        methods.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala import Framework, IndicatorSet, Node
    >>> from kampala.composite import Impute
    >>> fw = Framework(nodes=[Node(code="x")])
    >>> data = IndicatorSet(framework=fw, unit_codes="abcd",
    ...                     values=[[1.0], [np.nan], [5.0], [7.0]],
    ...                     groups={"g": ["A", "A", "B", "B"]})
    >>> step = Impute(method="group-mean", params={"group": "g"})
    >>> step.apply(data).data.values.ravel()
    array([1., 1., 5., 7.])
    """

    kind, dataset, methods = "impute", "Imputed", METHODS

    def apply(self, data: IndicatorSet) -> StepOutput:
        """Fill the missing values of ``data``.

        Warns
        -----
        MissingDataWarning
            If values stay missing (no value to impute from).

        Examples
        --------
        >>> import numpy as np
        >>> from kampala import Framework, IndicatorSet, Node
        >>> from kampala.composite import Impute
        >>> data = IndicatorSet.from_columns(Framework(nodes=[Node(code="x")]),
        ...                                  "abc", {"x": [1.0, np.nan, 5.0]})
        >>> out = Impute(method="median").apply(data)
        >>> out.data.values.ravel().tolist()
        [1.0, 3.0, 5.0]
        >>> out.details
        {'n_imputed': 1, 'imputed': [('b', 'x')], 'n_still_missing': 0}
        """
        x = data.values.copy()
        missing = np.isnan(x)
        median = self.method.endswith("median")
        if self.method == "constant":
            x[missing] = as_float(self.params, "value")
        elif self.method in ("mean", "median"):
            fill = np.broadcast_to(_stat(x, median), x.shape)
            x[missing] = fill[missing]
        else:
            labels = data.group(str(self.params["group"]))
            keys = sorted({g for g in labels if g is not None})
            codes = np.array(
                [keys.index(g) if g is not None else -1 for g in labels], dtype=np.intp
            )
            for k in range(len(keys)):
                rows = codes == k
                stat = _stat(x[rows], median)
                block = x[rows]
                hole = np.isnan(block)
                block[hole] = np.broadcast_to(stat, block.shape)[hole]
                x[rows] = block
        left = np.isnan(x)
        n_left = int(left.sum())
        if n_left:
            r, c = np.argwhere(left)[0]
            warnings.warn(
                f"Impute(): {n_left} value(s) stay missing after {self.method} "
                f"imputation, first for unit {data.unit_codes[r]!r} and indicator "
                f"{data.indicator_codes[c]!r} (no value to impute from).",
                MissingDataWarning,
                stacklevel=2,
            )
        filled = missing & ~left
        x.flags.writeable = False
        return StepOutput(
            data=data.with_values(x),
            details={
                "n_imputed": int(filled.sum()),
                "imputed": [
                    (data.unit_codes[r], data.indicator_codes[c])
                    for r, c in np.argwhere(filled)
                ],
                "n_still_missing": n_left,
            },
        )
