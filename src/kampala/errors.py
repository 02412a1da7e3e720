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

import pickle
from collections.abc import Sequence
from typing import Any

from kampala._internal.text import new_notes

__all__ = [
    "ConfusableIdWarning",
    "DataFormatError",
    "DegenerateIndicatorWarning",
    "ExecutionError",
    "FrameworkError",
    "KampalaError",
    "KampalaWarning",
    "MergeConflictError",
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
    expected : str, default="valid"
        What would have been valid, phrased to follow "must be".
    hint : str, default=""
        How to fix it.
    record_id : str or None, default=None
        The id of the partnership at fault, when there is one (``where`` then
        reads ``"partnership '<id>'"``); ``None`` for an error about no single
        record.

    Examples
    --------
    Catch every error kampala raises on purpose, and act on its parts:

    >>> from kampala import KampalaError
    >>> from kampala.data import sample_portfolio
    >>> try:
    ...     sample_portfolio().index("PE-XXX-999")
    ... except KampalaError as err:
    ...     print(err.field, err.value, err.expected, sep=" | ")
    id | PE-XXX-999 | the id of a partnership in it
    """

    def __init__(
        self,
        where: str,
        field: str,
        value: Any = _UNSET,
        expected: str = "valid",
        *,
        hint: str = "",
        record_id: str | None = None,
    ) -> None:
        self.where = where
        self.field = field
        self.value = None if value is _UNSET else value
        self._has_value = value is not _UNSET
        self.expected = expected
        self.hint = hint
        self.record_id = record_id
        super().__init__(_format(where, field, value, expected, hint))

    def __reduce__(self) -> tuple[Any, ...]:
        value = _picklable(self.value) if self._has_value else _Unset()
        notes = getattr(self, "__notes__", None)
        state: dict[str, Any] = {"record_id": self.record_id}
        if notes:
            state["__notes__"] = list(notes)
        return (
            _rebuild,
            (type(self), self.where, self.field, value, self.expected, self.hint),
            state,
        )


class _Unset:
    """Pickle-safe stand-in for an omitted ``value``."""


def _picklable(value: Any) -> Any:
    """Return ``value``, or its ``repr`` if it cannot be pickled."""
    try:
        pickle.dumps(value)
    except Exception:  # any failure to pickle: keep what the message showed
        return _Shown(repr(value))
    return value


class _Shown(str):
    """The ``repr`` of a value that could not be pickled; shown as it was."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


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
    """A parameter has the right type but a value outside what is valid.

    Examples
    --------
    >>> from kampala import Normalise, ParameterValueError
    >>> try:
    ...     Normalise(method="min-max", params={"lower": 100, "upper": 0})
    ... except ParameterValueError as err:
    ...     print(err)
    ...     print(err.field, err.value)
    Normalise(): 'upper' must be greater than lower (100.0) (got 0.0).
    Use direction -1 on the node to reverse an indicator.
    upper 0.0
    """


class ParameterTypeError(KampalaError, TypeError):
    """A parameter has the wrong type.

    Examples
    --------
    >>> from kampala import Aggregate, ParameterTypeError
    >>> try:
    ...     Aggregate(weights=3)
    ... except ParameterTypeError as err:
    ...     print(err)
    Aggregate(): 'weights' must be "framework", "equal" or a mapping of node
    code to weight (got 3).
    """


class FrameworkError(KampalaError, ValueError):
    """An indicator framework is not a valid tree.

    Raised for cycles, orphan nodes, unknown parents, duplicate codes,
    negative weights and sibling weights that do not sum to a positive
    number.

    Examples
    --------
    >>> from kampala import FrameworkError, Node
    >>> try:
    ...     Node(code="LPI", weight=-1)
    ... except FrameworkError as err:
    ...     print(err.where, err.field, err.value, sep=" | ")
    ...     print(err.hint)
    node 'LPI' | weight | -1
    Weights are relative to siblings; 0 switches a node off.
    """


class DataFormatError(KampalaError, ValueError):
    """A data file or table is malformed or does not match its metadata.

    Examples
    --------
    >>> from kampala import DataFormatError
    >>> from kampala.data import sample_portfolio
    >>> try:
    ...     sample_portfolio().column("budget")
    ... except DataFormatError as err:
    ...     print(err)
    Portfolio.column(): 'path' must be a field path of SCHEMA (got 'budget').
    """


class MethodologyError(KampalaError, ValueError):
    """A methodology is inconsistent, or its recorded hash does not match.

    Examples
    --------
    >>> from kampala import Aggregate, Methodology, MethodologyError, Normalise
    >>> try:
    ...     Methodology(id="demo", version="1", steps=[Aggregate(), Normalise()])
    ... except MethodologyError as err:
    ...     print(err)
    Methodology(): 'steps[0]' must be the last step (got 'aggregate').
    Aggregation produces scores, not indicator data.
    """


class RecordValidationError(KampalaError, ValueError):
    """A record field holds a value that is not valid for it.

    Parameters
    ----------
    where, field, value, expected, hint, record_id
        As for `KampalaError`; ``record_id`` is None for a record without a
        valid id.

    Examples
    --------
    It is a ``ValueError``, so code that catches ``ValueError`` keeps working:

    >>> from kampala.records import Partnership
    >>> try:
    ...     Partnership(id="PE-2021-014", title="Riego", budget_usd=-5.0)
    ... except ValueError as err:
    ...     print(type(err).__name__)
    ...     print(err)
    ...     print(err.where, err.field, err.value, err.expected, sep=" | ")
    ...     print(err.record_id)
    RecordValidationError
    partnership 'PE-2021-014': 'budget_usd' must be >= 0 (got -5.0).
    Use None for an unknown amount.
    partnership 'PE-2021-014' | budget_usd | -5.0 | >= 0
    PE-2021-014
    """


class RegistrationError(KampalaError, ValueError):
    """A scorer or plug-in could not be registered.

    Examples
    --------
    Registering a second scorer under a taken id, without ``replace=True``:

    >>> from kampala.principles import OwnershipScorer, ScorerRegistry
    >>> registry = ScorerRegistry(load_plugins=False)
    >>> registry.register(OwnershipScorer())
    >>> try:
    ...     registry.register(OwnershipScorer())
    ... except ValueError as err:
    ...     print(type(err).__name__)
    ...     print(err)
    RegistrationError
    ScorerRegistry.register(): 'id' must be not yet registered for OWNERSHIP
    (got 'kps.ownership'). Pass replace=True to replace it.
    """


class MergeConflictError(KampalaError, ValueError):
    """Sources being merged disagree, and the policy says to stop.

    ``conflicts`` holds every unresolved `kampala.io.merge.Conflict`.

    Examples
    --------
    >>> from kampala import Portfolio
    >>> from kampala.errors import MergeConflictError
    >>> from kampala.io import merge_portfolios
    >>> from kampala.records import Partnership
    >>> a = Portfolio.from_records([Partnership(id="A", title="Agua")], name="a")
    >>> b = Portfolio.from_records([Partnership(id="A", title="Riego")], name="b")
    >>> try:
    ...     merge_portfolios([a, b])
    ... except MergeConflictError as err:
    ...     print(err.conflicts[0].field, len(err.conflicts))
    title 1
    """

    def __init__(self, *args: Any, conflicts: tuple[Any, ...] = (), **kw: Any) -> None:
        super().__init__(*args, **kw)  # the parts of `KampalaError`
        self.conflicts = conflicts

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle with the conflicts."""
        rebuild, args, state = super().__reduce__()
        return rebuild, args, {**(state or {}), "conflicts": self.conflicts}


class PluginLoadError(KampalaError, ImportError):
    """A third-party plug-in failed to load.

    The scorer registry raises it when an entry point of the group
    ``kampala.scorers`` cannot be loaded; like any import failure it is an
    ``ImportError``.

    Examples
    --------
    >>> from kampala.errors import PluginLoadError
    >>> err = PluginLoadError(
    ...     "plug-in 'acme' of acme-scorers", "entry point", "acme.scorers:make",
    ...     "a scorer in group 'kampala.scorers'", hint="Set KAMPALA_NO_PLUGINS=1.",
    ... )
    >>> print(err)
    plug-in 'acme' of acme-scorers: 'entry point' must be a scorer in group
    'kampala.scorers' (got 'acme.scorers:make'). Set KAMPALA_NO_PLUGINS=1.
    >>> isinstance(err, ImportError)
    True
    """


class ExecutionError(KampalaError, RuntimeError):
    """A block of an analysis failed where it ran (a worker died or raised).

    ``value`` is the block's row range ``(start, stop)`` of the sample
    design; the original exception is chained (``__cause__``). Nothing of
    the analysis is returned or written.

    Examples
    --------
    >>> from kampala.errors import ExecutionError
    >>> err = ExecutionError(
    ...     "uncertainty_analysis()", "block", (4096, 8192),
    ...     "evaluated by the executor without failure",
    ...     hint="BrokenProcessPool: a worker process died.",
    ... )
    >>> print(err)
    uncertainty_analysis(): 'block' must be evaluated by the executor without
    failure (got (4096, 8192)). BrokenProcessPool: a worker process died.
    """


class KampalaWarning(UserWarning):
    """Root of every warning kampala emits.

    Examples
    --------
    Turn every kampala warning into an error, for example in a pipeline that
    must not publish scores with silent gaps:

    >>> import warnings
    >>> from kampala import Framework, IndicatorSet, KampalaWarning, Node, normalise
    >>> data = IndicatorSet(framework=Framework(nodes=[Node(code="x")]),
    ...                     unit_codes=["a", "b"], values=[[5.0], [5.0]])
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", KampalaWarning)
    ...     try:
    ...         normalise(data)
    ...     except KampalaWarning as w:
    ...         print(type(w).__name__)
    DegenerateIndicatorWarning
    """


class DegenerateIndicatorWarning(KampalaWarning):
    """An indicator cannot be transformed as asked (for example, it is constant).

    The affected values become missing (NaN) and the warning names the
    indicator, so the gap is never silent.

    Examples
    --------
    >>> import warnings
    >>> from kampala import Framework, IndicatorSet, Node, normalise
    >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b"],
    ...                     values=[[1.0, 5.0], [3.0, 5.0]])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     out = normalise(data)
    >>> caught[0].category.__name__
    'DegenerateIndicatorWarning'
    >>> print(caught[0].message)
    normalise(): indicator 'y' has no spread (constant or without data); its
    normalised values are missing (NaN) and aggregation will skip them.
    >>> out.values.tolist()
    [[0.0, nan], [100.0, nan]]
    """


class MissingDataWarning(KampalaWarning):
    """A step left values missing that later steps will have to handle.

    Examples
    --------
    Mean imputation cannot fill an indicator that has no value at all:

    >>> import warnings
    >>> from kampala import Framework, Impute, IndicatorSet, Node
    >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b"],
    ...                     values=[[1.0, float("nan")], [2.0, float("nan")]])
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     out = Impute(method="mean").apply(data)
    >>> print(caught[0].message)
    Impute(): 2 value(s) stay missing after mean imputation, first for unit 'a'
    and indicator 'y' (no value to impute from).
    >>> out.details["n_still_missing"]
    2
    """


class ConfusableIdWarning(KampalaWarning):
    """Two partnership ids differ but look alike (case, width, script).

    Ids are compared exactly, so ``"PE-001"``, ``"pe-001"`` and
    ``"P\u0415-001"`` (with a Cyrillic capital Ie) are three partnerships;
    the portfolio warns, naming two of them at a time, so a copy-and-paste
    slip does not pass unseen.

    Examples
    --------
    >>> import warnings
    >>> from kampala import Portfolio
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     pf = Portfolio.from_columns({"id": ["PE-001", "pe-001"],
    ...                                  "title": ["Agua", "Banca"]})
    >>> print(caught[0].message)
    portfolio: partnership ids 'PE-001' and 'pe-001' look alike (they differ in
    case, width or script). Check that they are two partnerships.
    """


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
        """Return a group of a subset of the errors (used by ``split``, ``subgroup``).

        Examples
        --------
        >>> from kampala.errors import PortfolioValidationError, RecordValidationError
        >>> err = PortfolioValidationError("portfolio.csv", [
        ...     RecordValidationError("partnership 'A'", "budget_usd", -1.0, ">= 0"),
        ...     RecordValidationError("partnership 'B'", "title", "", "non-empty"),
        ... ])
        >>> sub = err.derive(err.exceptions[:1])
        >>> type(sub).__name__, sub.source, len(sub.exceptions)
        ('PortfolioValidationError', 'portfolio.csv', 1)

        ``split`` and ``subgroup`` use it, so their parts keep the type and source:

        >>> titles, others = err.split(lambda e: e.field == "title")
        >>> print(titles)
        portfolio.csv: 1 problem(s)
          partnership 'B': 'title' must be non-empty (got '').
        """
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
        notes = new_notes(str(err), getattr(err, "__notes__", None) or [])
        suffix = f" [{'; '.join(notes)}]" if notes else ""
        lines.append(f"  {err}{suffix}")
    return "\n".join(lines)
