"""What every composite step shares: a name, a method, parameters, a record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs

from kampala._internal.params import Method, ParamValue, resolve_method
from kampala.indicators import IndicatorSet

__all__ = ["MethodStep", "Step", "StepOutput"]


@attrs.frozen(kw_only=True)
class StepOutput:
    """What a data step returns: the new data set and what it did."""

    data: IndicatorSet
    details: Mapping[str, Any] = attrs.field(factory=dict)


@runtime_checkable
class Step(Protocol):
    """A data step of a methodology (everything but aggregation)."""

    kind: ClassVar[str]
    dataset: ClassVar[str]

    def apply(self, data: IndicatorSet) -> StepOutput:
        """Apply the step to a data set."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return the step as a JSON-ready mapping."""
        ...


def _params_converter(value: Mapping[str, Any] | None) -> dict[str, Any]:
    return dict(value or {})


@attrs.frozen(kw_only=True)
class MethodStep:
    """Base for steps configured by a named method and its parameters.

    Subclasses set ``kind``, ``dataset`` and ``methods``; construction
    validates the method name and parameters and fills in every default.
    """

    kind: ClassVar[str] = ""
    dataset: ClassVar[str] = ""
    methods: ClassVar[Mapping[str, Method]] = {}

    method: str
    params: Mapping[str, ParamValue] = attrs.field(
        factory=dict, converter=_params_converter
    )

    def __attrs_post_init__(self) -> None:
        resolved = resolve_method(
            f"{type(self).__name__}()", self.methods, self.method, self.params
        )
        object.__setattr__(self, "params", resolved)

    def to_dict(self) -> dict[str, Any]:
        """Return the step as a JSON-ready mapping."""
        return {"step": self.kind, "method": self.method, "params": dict(self.params)}
