r"""Denomination: divide indicators by unit-level denominators.

For an indicator whose node names a denominator $d$ with scale factor
$c$, $x'_u = x_u / (d_u / c)$ (D1): GDP by population gives GDP
per person, and a scale factor of 1000 gives it per thousand people.
Indicators without a denominator are unchanged.
"""

from __future__ import annotations

import warnings

import attrs
import numpy as np

from kampala._internal.params import Method
from kampala.composite._step import MethodStep, StepOutput
from kampala.errors import DataFormatError, DegenerateIndicatorWarning
from kampala.indicators import IndicatorSet

__all__ = ["METHODS", "Denominate"]

METHODS: dict[str, Method] = {
    "ratio": Method("ratio", (), doc="Divide by the node's denominator."),
}


@attrs.frozen(kw_only=True)
class Denominate(MethodStep):
    """The denomination step (uses each node's ``denominator``).

    Examples
    --------
    >>> from kampala import Framework, IndicatorSet, Node
    >>> from kampala.composite import Denominate
    >>> fw = Framework(nodes=[Node(code="gdp", denominator="pop")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["a"], values=[[10.0]],
    ...                     denominators={"pop": [4.0]})
    >>> Denominate().apply(data).data.values
    array([[2.5]])
    """

    kind, dataset, methods = "denominate", "Denominated", METHODS

    method: str = "ratio"

    def apply(self, data: IndicatorSet) -> StepOutput:
        """Divide each indicator that has a denominator by it.

        Raises
        ------
        DataFormatError
            If a node names a denominator the data do not have.

        Warns
        -----
        DegenerateIndicatorWarning
            If a denominator is zero or missing for a unit with a value; that
            value becomes missing.

        Examples
        --------
        GDP per thousand people; ``lpi`` has no denominator and is unchanged:

        >>> from kampala import Framework, IndicatorSet, Node
        >>> from kampala.composite import Denominate
        >>> fw = Framework(nodes=[
        ...     Node(code="gdp", denominator="pop", scale_factor=1000),
        ...     Node(code="lpi"),
        ... ])
        >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b"],
        ...                     values=[[10.0, 3.0], [6.0, 4.0]],
        ...                     denominators={"pop": [2000.0, 3000.0]})
        >>> out = Denominate().apply(data)
        >>> out.data.values.tolist(), out.details
        ([[5.0, 3.0], [2.0, 4.0]], {'denominated': {'gdp': 'pop'}})
        """
        x = data.values.copy()
        done: dict[str, str] = {}
        for j, code in enumerate(data.indicator_codes):
            node = data.framework.node(code)
            if node.denominator is None:
                continue
            if node.denominator not in data.denominators:
                raise DataFormatError(
                    f"indicator {code!r}",
                    "denominator",
                    node.denominator,
                    f"one of the data's denominators {sorted(data.denominators)}",
                )
            d = data.denominators[node.denominator] / node.scale_factor
            bad = ((d == 0) | np.isnan(d)) & ~np.isnan(x[:, j])
            if bad.any():
                units = [data.unit_codes[i] for i in np.flatnonzero(bad)]
                warnings.warn(
                    f"Denominate(): denominator {node.denominator!r} is zero or "
                    f"missing for units {units} of indicator {code!r}; those "
                    "values become missing.",
                    DegenerateIndicatorWarning,
                    stacklevel=2,
                )
            with np.errstate(divide="ignore", invalid="ignore"):
                col = x[:, j] / d
            col[~np.isfinite(col)] = np.nan
            x[:, j] = col
            done[code] = node.denominator
        x.flags.writeable = False
        return StepOutput(data=data.with_values(x), details={"denominated": done})
