"""Errors and warnings raised by kampala.

Every exception kampala raises on purpose derives from `KampalaError`.
Each concrete error also derives from the builtin exception users already
catch (``ValueError``, ``TypeError``, ``ImportError``), so ``except ValueError``
keeps working. `PortfolioValidationError` is an ``ExceptionGroup`` of
`RecordValidationError` (catch it with ``except*``).

Messages share one shape::

    <where>: '<field>' must be <expectation> (got <value!r>). <hint>

and every error keeps those parts as attributes (``where``, ``field``,
``value``, ``expected``, ``hint``) so that programs can act on them without
parsing text. Errors survive pickling.

Examples
--------
>>> from kampala.errors import ParameterValueError
>>> err = ParameterValueError(
...     "normalise()", "l_u", (5.0, 1.0), "an increasing pair (l, u)",
...     hint="Swap the bounds.",
... )
>>> print(err)
normalise(): 'l_u' must be an increasing pair (l, u) (got (5.0, 1.0)). Swap the bounds.
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "DataFormatError",
    "DegenerateIndicatorWarning",
    "FrameworkError",
    "KampalaError",
    "KampalaWarning",
    "MethodologyError",
    "MissingDataWarning",
    "ParameterTypeError",
    "ParameterValueError",
    "PluginLoadError",
    "PortfolioValidationError",
    "RecordValidationError",
    "RegistrationError",
]

_UNSET: Any = object()


def _format(where: str, field: str, value: Any, expected: str, hint: str) -> str:
    text = f"{where}: '{field}' must be {expected}"
    if value is not _UNSET:
        text += f" (got {value!r})"
    text += "."
    if hint:
        text += f" {hint}"
    return text


class KampalaError(Exception):
    """Root of every error kampala raises on purpose.

    Parameters
    ----------
    where : str
        Who reports the problem: a function (``"normalise()"``), a record
        (``"partnership 'PE-2021-014'"``), a file and line.
    field : str
        The parameter, field or column at fault.
    value : object, optional
        The offending value. Omit it when there is no single value to show.
    expected : str
        What would have been valid, phrased to follow "must be".
    hint : str, default=""
        How to fix it.
    """

    def __init__(
        self,
        where: str,
        field: str,
        value: Any = _UNSET,
        expected: str = "valid",
        *,
        hint: str = "",
    ) -> None:
        self.where = where
        self.field = field
        self.value = None if value is _UNSET else value
        self._has_value = value is not _UNSET
        self.expected = expected
        self.hint = hint
        super().__init__(_format(where, field, value, expected, hint))

    def __reduce__(self) -> tuple[Any, ...]:
        value = self.value if self._has_value else _Unset()
        notes = getattr(self, "__notes__", None)
        return (
            _rebuild,
            (type(self), self.where, self.field, value, self.expected, self.hint),
            {"__notes__": list(notes)} if notes else None,
        )


class _Unset:
    """Pickle-safe stand-in for an omitted ``value``."""


def _rebuild(
    cls: type[KampalaError],
    where: str,
    field: str,
    value: Any,
    expected: str,
    hint: str,
) -> KampalaError:
    if isinstance(value, _Unset):
        value = _UNSET
    return cls(where, field, value, expected, hint=hint)


class ParameterValueError(KampalaError, ValueError):
    """A parameter has the right type but a value outside what is valid."""


class ParameterTypeError(KampalaError, TypeError):
    """A parameter has the wrong type."""


class FrameworkError(KampalaError, ValueError):
    """An indicator framework is not a valid tree.

    Raised for cycles, orphan nodes, unknown parents, duplicate codes,
    negative weights and sibling weights that do not sum to a positive
    number.
    """


class DataFormatError(KampalaError, ValueError):
    """A data file or table is malformed or does not match its metadata."""


class MethodologyError(KampalaError, ValueError):
    """A methodology is inconsistent, or its recorded hash does not match."""


class RecordValidationError(KampalaError, ValueError):
    """A record field holds a value that is not valid for it."""


class RegistrationError(KampalaError, ValueError):
    """A scorer or plug-in could not be registered."""


class PluginLoadError(KampalaError, ImportError):
    """A third-party plug-in failed to load."""


class KampalaWarning(UserWarning):
    """Root of every warning kampala emits."""


class DegenerateIndicatorWarning(KampalaWarning):
    """An indicator cannot be transformed as asked (for example, it is constant).

    The affected values become missing (NaN) and the warning names the
    indicator, so the gap is never silent.
    """


class MissingDataWarning(KampalaWarning):
    """A step left values missing that later steps will have to handle."""


class PortfolioValidationError(ExceptionGroup, KampalaError):
    """Every problem found while loading a portfolio, at once.

    An `ExceptionGroup` of `RecordValidationError`, one per
    record and field at fault, each with a note giving its location (line,
    record index). Its message lists them all, so printing the error shows
    the analyst everything to fix in one go.

    Parameters
    ----------
    source : str
        What was being loaded (a file name, ``"records"``).
    errors : sequence of RecordValidationError
        The problems, in the order found.

    Examples
    --------
    >>> from kampala.errors import PortfolioValidationError, RecordValidationError
    >>> err = PortfolioValidationError("portfolio.csv", [
    ...     RecordValidationError("partnership 'A'", "budget_usd", -1.0, ">= 0"),
    ... ])
    >>> print(err)
    portfolio.csv: 1 problem(s)
      partnership 'A': 'budget_usd' must be >= 0 (got -1.0).
    >>> isinstance(err, ValueError), len(err.exceptions)
    (False, 1)
    """

    def __new__(
        cls, source: str, errors: Sequence[Exception]
    ) -> PortfolioValidationError:
        """Create the group (ExceptionGroup needs its message in ``__new__``)."""
        message = _group_message(source, errors)
        self = super().__new__(cls, message, list(errors))
        return self

    def __init__(self, source: str, errors: Sequence[Exception]) -> None:
        super().__init__(_group_message(source, errors), list(errors))
        self.source = source
        self.where = source
        self.field = "records"
        self.value = None
        self._has_value = False
        self.expected = "valid"
        self.hint = ""

    def __str__(self) -> str:
        return self.message

    def derive(self, excs: Sequence[Exception]) -> PortfolioValidationError:  # type: ignore[override]
        """Return a group of a subset of the errors (used by ``split``)."""
        return PortfolioValidationError(self.source, excs)

    def __reduce__(self) -> tuple[Any, ...]:
        notes = getattr(self, "__notes__", None)
        return (
            type(self),
            (self.source, list(self.exceptions)),
            {"__notes__": list(notes)} if notes else None,
        )


def _group_message(source: str, errors: Sequence[Exception]) -> str:
    lines = [f"{source}: {len(errors)} problem(s)"]
    for err in errors:
        notes = getattr(err, "__notes__", None) or []
        suffix = f" [{'; '.join(notes)}]" if notes else ""
        lines.append(f"  {err}{suffix}")
    return "\n".join(lines)
