"""Errors and warnings raised by kampala.

Every exception kampala raises on purpose derives from :class:`KampalaError`.
Each concrete error also derives from the builtin exception users already
catch (``ValueError``, ``TypeError``, ``OSError``), so ``except ValueError``
keeps working.

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
        return (
            _rebuild,
            (type(self), self.where, self.field, value, self.expected, self.hint),
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
