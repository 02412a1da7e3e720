"""The composite steps a methodology can list, by kind.

`STEP_TYPES` maps each kind (``"normalise"``) to its step class;
`CANONICAL_ORDER` is the order in which the command line applies the steps
it is given; `step_from_dict` reads one step back from a methodology's JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kampala.composite.aggregate import Aggregate
from kampala.composite.denominate import Denominate
from kampala.composite.impute import Impute
from kampala.composite.normalise import Normalise
from kampala.composite.screen import Screen
from kampala.composite.treat import Treat
from kampala.errors import MethodologyError

__all__ = [
    "CANONICAL_ORDER",
    "STEP_TYPES",
    "AnyStep",
    "step_from_dict",
    "steps_in_canonical_order",
]

#: Any step a methodology can list.
AnyStep = Denominate | Impute | Screen | Treat | Normalise | Aggregate

#: The order in which the command line applies the steps it is given.
CANONICAL_ORDER = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")

#: The step class of each kind, in `CANONICAL_ORDER`.
STEP_TYPES: Mapping[str, type[Any]] = {
    "denominate": Denominate,
    "impute": Impute,
    "screen": Screen,
    "treat": Treat,
    "normalise": Normalise,
    "aggregate": Aggregate,
}


def step_from_dict(d: Mapping[str, Any], *, where: str = "step_from_dict()") -> AnyStep:
    """Build a step from its ``to_dict()`` mapping (``{"step": kind, ...}``).

    Raises
    ------
    MethodologyError
        If the mapping has no known ``"step"`` kind or the step rejects its
        fields.

    Examples
    --------
    >>> from kampala.steps import step_from_dict
    >>> step_from_dict({"step": "normalise", "method": "rank"}).method
    'rank'
    >>> step_from_dict({"step": "sort"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    kampala.errors.MethodologyError: step_from_dict(): 'step' must be one of
    'denominate', ... (got 'sort').
    """
    if not isinstance(d, Mapping) or "step" not in d:
        raise MethodologyError(where, "steps", d, "mappings with a 'step' key")
    kind = d["step"]
    if kind not in STEP_TYPES:
        raise MethodologyError(
            where, "step", kind, f"one of {', '.join(repr(k) for k in STEP_TYPES)}"
        )
    kwargs = {k: v for k, v in d.items() if k != "step"}
    try:
        step: AnyStep = STEP_TYPES[kind](**kwargs)
    except MethodologyError:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        # includes KampalaError subclasses raised by the step's own validation
        raise MethodologyError(
            where,
            f"{kind} step",
            kwargs,
            "a mapping of that step's fields with valid values",
            hint=str(exc),
        ) from exc
    return step


def steps_in_canonical_order(steps: Sequence[AnyStep]) -> list[AnyStep]:
    """Sort steps into `CANONICAL_ORDER`.

    Examples
    --------
    >>> from kampala import Aggregate, Impute, Normalise
    >>> from kampala.steps import steps_in_canonical_order
    >>> given = [Aggregate(), Normalise(), Impute(method="mean")]
    >>> [step.kind for step in steps_in_canonical_order(given)]
    ['impute', 'normalise', 'aggregate']
    """
    return sorted(steps, key=lambda s: CANONICAL_ORDER.index(s.kind))
