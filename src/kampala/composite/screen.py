r"""Screening: drop units with too little data.

A unit's data availability is the share of indicators with a value,
$a_u = \frac{1}{K}\sum_k \mathbf{1}[x_{uk} \text{ present}]$ (S1). Units
with $a_u < \tau$ are removed; the removed units are recorded.

Availability is measured on the data the step receives. Placed after
imputation (the canonical order), it keeps units that imputation could fill;
set ``basis="raw"`` to measure availability on the data as read instead.
"""

from __future__ import annotations

import attrs
import numpy as np

from kampala._internal.params import Method, Param, as_float
from kampala.composite._step import MethodStep, StepOutput
from kampala.errors import ParameterValueError
from kampala.indicators import IndicatorSet

__all__ = ["METHODS", "Screen"]

METHODS: dict[str, Method] = {
    "availability": Method(
        "availability",
        (
            Param(
                "threshold",
                float,
                check=lambda v: 0.0 <= v <= 1.0,
                expected="between 0 and 1",
                doc="minimum share of indicators with data",
            ),
            Param(
                "basis",
                str,
                "input",
                check=lambda v: v in ("input", "raw"),
                expected='"input" or "raw"',
                doc="measure availability on the step's input or on the raw data",
            ),
        ),
        doc="Keep units whose data availability is at least the threshold.",
    ),
}


@attrs.frozen(kw_only=True)
class Screen(MethodStep):
    """The unit-screening step.

    Parameters
    ----------
    method : {"availability"}, default="availability"
    params : mapping
        ``threshold`` (required, in [0, 1]) and ``basis`` (``"input"``).

    Examples
    --------
    >>> import numpy as np
    >>> from kampala import Framework, IndicatorSet, Node
    >>> from kampala.composite import Screen
    >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b"],
    ...                     values=[[1.0, 2.0], [np.nan, 3.0]])
    >>> out = Screen(params={"threshold": 0.9}).apply(data)
    >>> out.data.unit_codes, out.details["removed"]
    (('a',), ['b'])
    """

    kind, dataset, methods = "screen", "Screened", METHODS

    method: str = "availability"

    def apply(self, data: IndicatorSet, raw: IndicatorSet | None = None) -> StepOutput:
        """Remove units below the threshold; ``raw`` is used for ``basis="raw"``.

        Examples
        --------
        After imputation every unit is complete; ``basis="raw"`` still screens
        on the data as read:

        >>> import numpy as np
        >>> from kampala import Framework, Impute, IndicatorSet, Node, Screen
        >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
        >>> raw = IndicatorSet(framework=fw, unit_codes=["a", "b"],
        ...                    values=[[1.0, 2.0], [np.nan, 3.0]])
        >>> filled = Impute(method="mean").apply(raw).data
        >>> step = Screen(params={"threshold": 1.0, "basis": "raw"})
        >>> step.apply(filled, raw=raw).details
        {'removed': ['b'], 'availability': {'a': 1.0, 'b': 0.5}}
        """
        basis = data
        if self.params["basis"] == "raw":
            if raw is None:
                raise ParameterValueError(
                    "Screen.apply()",
                    "raw",
                    None,
                    'the raw data set when basis="raw"',
                    hint="Methodology.run passes it; pass raw=... when calling apply.",
                )
            basis = raw
        availability = basis.data_availability()
        if basis is not data:
            lookup = dict(zip(basis.unit_codes, availability, strict=True))
            availability = np.array([lookup[c] for c in data.unit_codes])
        keep = availability >= as_float(self.params, "threshold")
        if not keep.any():
            raise ParameterValueError(
                "Screen()",
                "threshold",
                self.params["threshold"],
                f"at most the best unit's data availability ({availability.max():.3f})",
                hint="Every unit would be screened out.",
            )
        removed = [c for c, k in zip(data.unit_codes, keep, strict=True) if not k]
        return StepOutput(
            data=data.select_units(keep) if removed else data,
            details={
                "removed": removed,
                "availability": dict(
                    zip(data.unit_codes, availability.tolist(), strict=True)
                ),
            },
        )
