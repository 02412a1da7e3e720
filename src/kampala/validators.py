"""Validators that check one value or a whole column, with one message.

A validator is a small frozen object, in the spirit of attrs'
``validators.le(5)``: it carries what it checks and renders its own
message. The same object is

- an attrs field validator (``validator(instance, attribute, value)``),
  used by the records of `kampala.records`;
- a value check (`Validator.check`), returning a `Problem` or None;
- a column check (`Validator.column`), vectorised over a portfolio column
  in its encoding (see `kampala.portfolio`), returning the rows at fault
  and their `Problem`.

So a bad value gives the same message whether it reaches kampala as a
record, a column, a CSV cell or a JSON value. Cross-field rules
(`AtMost`, `NotBefore`) work the same way on two values or two columns.

Examples
--------
>>> import numpy as np
>>> from kampala.validators import Number
>>> share = Number(expected="a share in [0, 1] or None", upper=1.0)
>>> share.check(0.4) is None, share.check(1.5)
(True, Problem(value=1.5, expected='a share in [0, 1] or None', hint=''))
>>> share.column(np.array([0.2, np.nan, 1.5]))
[(2, Problem(value=1.5, expected='a share in [0, 1] or None', hint=''))]
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.text import enum_expected
from kampala.errors import RecordValidationError
from kampala.scales import enum_hint

__all__ = [
    "AtMost",
    "Flag",
    "Identifier",
    "IsoDate",
    "Items",
    "Member",
    "Members",
    "NotBefore",
    "Number",
    "Problem",
    "Rule",
    "Text",
    "Validator",
    "fail",
]

Array = npt.NDArray[Any]
Mask = npt.NDArray[np.bool_]
#: A problem found in a column: its row and what is wrong.
RowProblem = tuple[int, "Problem"]


@attrs.frozen
class Problem:
    """What is wrong with one value: the value, what was expected, a hint.

    Examples
    --------
    >>> from kampala.validators import Problem
    >>> Problem(-5.0, ">= 0", "Use None for an unknown amount.").expected
    '>= 0'
    """

    value: Any
    expected: str
    hint: str = ""


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def fail(instance: Any, field: str, problem: Problem) -> None:
    """Raise the `RecordValidationError` of a record field.

    ``where`` is ``partnership '<id>'`` for a record that has an ``id``
    (and says so with a ``_identified`` class attribute), else the class
    name with parentheses.

    Raises
    ------
    RecordValidationError
        Always.

    Examples
    --------
    >>> from kampala.validators import Problem, fail
    >>> class Thing: ...
    >>> fail(Thing(), "size", Problem(-1, ">= 0"))
    Traceback (most recent call last):
    ...
    kampala.errors.RecordValidationError: Thing(): 'size' must be >= 0 (got -1).
    """
    record_id = getattr(instance, "id", None)
    if getattr(type(instance), "_identified", False) and isinstance(record_id, str):
        where = f"partnership {record_id!r}"
    else:
        record_id = None
        where = type(instance).__name__ + "()"
    raise RecordValidationError(
        where,
        field,
        problem.value,
        problem.expected,
        hint=problem.hint,
        record_id=record_id,
    )


@attrs.frozen
class Validator:
    """Base class: checks a value (None allowed if ``optional``) or a column.

    Subclasses define ``_problem(value)`` for a value that is not None and
    ``_column_ok(column)``, a boolean mask of the valid rows.

    Examples
    --------
    >>> from kampala.validators import Flag
    >>> Flag().check("yes")
    Problem(value='yes', expected='true, false or None', hint='')
    """

    expected: str
    hint: str = ""
    optional: bool = True

    def check(self, value: Any) -> Problem | None:
        """Return the problem with one value, or None if it is valid.

        Examples
        --------
        >>> from kampala.validators import Text
        >>> Text(expected="a non-empty string", optional=False).check(" ")
        Problem(value=' ', expected='a non-empty string', hint='')
        """
        if value is None:
            return None if self.optional else self.problem(value)
        return self._problem(value)

    def problem(self, value: Any) -> Problem:
        """Return the problem of an invalid value, in this validator's words.

        Examples
        --------
        >>> from kampala.validators import Flag
        >>> Flag().problem(2).expected
        'true, false or None'
        """
        return Problem(value, self.expected, self.hint)

    def _problem(self, value: Any) -> Problem | None:
        return None if self._ok(value) else self.problem(value)

    def _ok(self, value: Any) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def column(self, col: Array) -> list[RowProblem]:
        """Return ``(row, problem)`` for every invalid entry of a column.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.validators import Flag
        >>> Flag().column(np.array([0.0, 1.0, np.nan, 0.5]))
        [(3, Problem(value=0.5, expected='true, false or None', hint=''))]
        """
        bad = np.flatnonzero(~self._column_ok(col))
        return [(int(r), self._column_problem(col[r])) for r in bad]

    def _column_problem(self, entry: Any) -> Problem:
        return self.problem(_py(entry))

    def _column_ok(self, col: Array) -> Mask:
        return _by_distinct(col, lambda v: self.check(v) is None)

    def __call__(
        self, instance: Any, attribute: attrs.Attribute[Any], value: Any
    ) -> None:
        """Check a record field (the attrs validator protocol)."""
        problem = self.check(value)
        if problem is not None:
            fail(instance, attribute.name, problem)


def _by_distinct(col: Array, ok: Callable[[Any], bool]) -> Mask:
    """Check each distinct entry of an object column once."""
    values = col.tolist()
    try:
        verdict = {v: ok(v) for v in set(values)}
    except TypeError:  # an unhashable entry: check them one by one
        return np.fromiter(map(ok, values), dtype=bool, count=len(values))
    if all(verdict.values()):  # the usual case: no second pass over the rows
        return np.ones(len(values), dtype=bool)
    return np.fromiter(map(verdict.__getitem__, values), dtype=bool, count=len(values))


def _repeats(values: list[Any]) -> bool:
    """Whether a column's first values repeat (then deduplicating pays off)."""
    head = values[:1024]
    return 2 * len(set(head)) < len(head)


_SURROGATE = re.compile("[\ud800-\udfff]")
#: Invisible characters: format (Cf: zero-width, bidi controls), control
#: (Cc), line and paragraph separators, surrogates and private use.
_INVISIBLE = frozenset(("Cf", "Cc", "Cs", "Co", "Zl", "Zp"))


def _valid_unicode(value: str) -> bool:
    return value.isascii() or _SURROGATE.search(value) is None


def _surrogate_problem(value: str) -> Problem:
    at = _SURROGATE.search(value)
    pos = at.start() if at is not None else 0
    return Problem(
        value,
        "valid Unicode text",
        f"It has a lone surrogate (U+{ord(value[pos]):04X}) at position {pos}; "
        "fix the encoding of the source.",
    )


@attrs.frozen
class Text(Validator):
    """A string: non-empty (``nonempty``), matching ``pattern`` if given.

    Examples
    --------
    >>> import re
    >>> from kampala.validators import Text
    >>> country = Text(expected="an ISO 3166-1 alpha-2 code such as 'PE'",
    ...                pattern=re.compile(r"[A-Z]{2}"), optional=False)
    >>> country.check("PE") is None, country.check("Peru").value
    (True, 'Peru')
    """

    nonempty: bool = True
    pattern: re.Pattern[str] | None = None

    def _problem(self, value: Any) -> Problem | None:
        if isinstance(value, str) and not _valid_unicode(value):
            return _surrogate_problem(value)
        return None if self._ok(value) else self.problem(value)

    def _ok(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        if self.pattern is not None:
            return self.pattern.fullmatch(value) is not None
        return bool(value.strip()) or not self.nonempty

    def _column_ok(self, col: Array) -> Mask:
        if self.pattern is None:  # free text: one pass in C when all is well
            values = col.tolist()
            try:
                if _repeats(values):  # repeated text: check each value once
                    values = list(set(values))
                joined = "".join(values)
                ok = _valid_unicode(joined) and (
                    all(values) and not any(map(str.isspace, values))
                    if self.nonempty
                    else True
                )
            except TypeError:  # an entry that is not a string
                ok = False
            if ok:
                return np.ones(col.shape[0], dtype=bool)
        return _by_distinct(col, lambda v: self.check(v) is None)

    def _column_problem(self, entry: Any) -> Problem:
        return self.check(_py(entry)) or self.problem(_py(entry))


@attrs.frozen
class Identifier(Text):
    """An identifier: visible text in NFC, without surrounding white space.

    Records and portfolios normalise ids to Unicode NFC first (`nfc`), so
    ``"Pe\u0301"`` and ``"P\u00e9"`` are the same id; a zero-width space,
    a bidirectional control or another invisible character, and leading or
    trailing white space, are refused.

    Examples
    --------
    >>> from kampala.validators import Identifier
    >>> ids = Identifier(expected="a non-empty string", optional=False)
    >>> ids.check("PE-001") is None
    True
    >>> ids.check("PE\u200b001").expected
    'free of invisible characters'
    >>> ids.check(" PE-001").expected
    'free of leading and trailing white space'
    """

    def _problem(self, value: Any) -> Problem | None:
        problem = super()._problem(value)
        if problem is not None:
            return problem
        if value != value.strip():
            return Problem(
                value,
                "free of leading and trailing white space",
                "Ids are compared exactly; remove the spaces.",
            )
        if not value.isprintable():  # Cc, Cf, Zl, Zp, Co among others
            for pos, char in enumerate(value):
                if unicodedata.category(char) in _INVISIBLE:
                    name = unicodedata.name(char, "a control character")
                    return Problem(
                        value,
                        "free of invisible characters",
                        f"It has U+{ord(char):04X} ({name}) at position {pos}.",
                    )
        return None

    def _column_ok(self, col: Array) -> Mask:
        values = col.tolist()
        try:
            joined = "".join(values)
            ok = joined.isascii() and joined.isprintable() and all(values)
            if ok and " " in joined:  # the only printable ASCII space
                ok = all(v == v.strip() for v in values)
        except TypeError:
            ok = False
        if ok:
            return np.ones(len(values), dtype=bool)
        return _by_distinct(col, lambda v: self.check(v) is None)

    @staticmethod
    def nfc(value: Any) -> Any:
        """Return a string in Unicode NFC (anything else as it is).

        Examples
        --------
        >>> from kampala.validators import Identifier
        >>> Identifier.nfc("Pe\u0301") == "P\u00e9"
        True
        """
        if isinstance(value, str) and not value.isascii() and _valid_unicode(value):
            return unicodedata.normalize("NFC", value)
        return value


@attrs.frozen
class Number(Validator):
    """A real number (not a bool) in ``[lower, upper]``; whole if ``whole``.

    Columns hold floats with NaN for missing. A whole-number field takes
    Python ints only; the others take ints and floats.

    Examples
    --------
    >>> from kampala.validators import Number
    >>> amount = Number(expected=">= 0", hint="Use None for an unknown amount.")
    >>> amount.check(-1.0)
    Problem(value=-1.0, expected='>= 0', hint='Use None for an unknown amount.')
    >>> amount.check(True).value
    True
    """

    lower: float = 0.0
    upper: float = math.inf
    whole: bool = False

    def problem(self, value: Any) -> Problem:
        """Return the problem of an invalid value; an overflow says so.

        Examples
        --------
        >>> from kampala.validators import Number
        >>> Number(expected=">= 0").problem(float("inf")).expected
        'a finite number'
        """
        if isinstance(value, float) and math.isinf(value):
            return Problem(
                value,
                "a finite number",
                "A value beyond 1.8e308 does not fit a float (it overflows to inf).",
            )
        return super().problem(value)

    def _ok(self, value: Any) -> bool:
        types_ok = int if self.whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, types_ok):
            return False
        if not math.isfinite(value):
            return False
        return bool(self.lower <= value <= self.upper)

    def _column_ok(self, col: Array) -> Mask:
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(col) & (col >= self.lower) & (col <= self.upper)
            if self.whole:
                ok &= col == np.floor(col)
        return np.isnan(col) | ok

    def _column_problem(self, entry: Any) -> Problem:
        value = _py(entry)
        if self.whole and float(value).is_integer():
            value = int(value)
        return self.problem(value)


@attrs.frozen
class Flag(Validator):
    """True, False or None; columns hold 0.0, 1.0 or NaN.

    Examples
    --------
    >>> from kampala.validators import Flag
    >>> Flag().check(True) is None, Flag().check(1).value
    (True, 1)
    """

    expected: str = "true, false or None"

    def _ok(self, value: Any) -> bool:
        return isinstance(value, bool)

    def _column_ok(self, col: Array) -> Mask:
        return np.isnan(col) | (col == 0) | (col == 1)  # type: ignore[no-any-return]


@attrs.frozen
class IsoDate(Validator):
    """A `datetime.date` (not a datetime); columns are ``datetime64[D]``.

    Examples
    --------
    >>> from kampala.validators import IsoDate
    >>> import datetime as dt
    >>> IsoDate().check(dt.date(2021, 3, 1)) is None, IsoDate().check("2021").value
    (True, '2021')
    """

    expected: str = "a datetime.date or None"

    def _ok(self, value: Any) -> bool:
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)

    def _column_ok(self, col: Array) -> Mask:
        return np.ones(col.shape[0], dtype=bool)


@attrs.frozen
class Member(Validator):
    """A member of ``members``; columns hold its code.

    An ordinal column holds ranks (floats, NaN missing), an enum column
    member indices (int16, -1 missing): a column reports the code it cannot
    decode, in the column's terms.

    Examples
    --------
    A value must be a member (the message lists them); an enum column
    (``code="index"``) holds member indices, -1 where missing:

    >>> import numpy as np
    >>> from kampala.records import Modality
    >>> from kampala.validators import Member
    >>> modality = Member.of(Modality, "index")
    >>> modality.check("bilaterl").expected
    'a Modality (bilateral, multilateral, south-south, triangular, multi-stakeholder)'
    >>> modality.column(np.array([0, -1, 7], dtype=np.int16))
    [(2, Problem(value=7, expected='an index of Modality or -1', hint=''))]
    """

    members: type[Enum] = Enum
    code: Literal["rank", "index"] = "rank"

    @classmethod
    def of(
        cls, members: type[Enum], code: Literal["rank", "index"], optional: bool = True
    ) -> Member:
        """Make a validator of one member of ``members``.

        Examples
        --------
        >>> from kampala.records import Alignment
        >>> from kampala.validators import Member
        >>> Member.of(Alignment, "rank").members.__name__
        'Alignment'
        """
        return cls(enum_expected(members), "", optional, members, code)

    def _ok(self, value: Any) -> bool:
        return isinstance(value, self.members)

    def problem(self, value: Any) -> Problem:
        """Describe ``value`` as not a member; a close label is the hint.

        Examples
        --------
        >>> from kampala.records import GovernmentRole
        >>> from kampala.validators import Member
        >>> Member.of(GovernmentRole, "rank").problem("lidere").hint
        "Did you mean 'lidera'?"
        """
        hint = enum_hint(self.members, value) if isinstance(value, str) else ""
        return Problem(value, self.expected, hint or self.hint)

    def _column_ok(self, col: Array) -> Mask:
        top = len(self.members) - 1
        if self.code == "rank":
            with np.errstate(invalid="ignore"):
                ok = (col >= 0) & (col <= top) & (col == np.floor(col))
            return np.isnan(col) | ok  # type: ignore[no-any-return]
        low = -1 if self.optional else 0
        return (col >= low) & (col <= top)

    def _column_problem(self, entry: Any) -> Problem:
        name, top = self.members.__name__, len(self.members) - 1
        if self.code == "rank":
            expected = f"a rank from 0 to {top} of {name}"
        elif self.optional:
            expected = f"an index of {name} or -1"
        else:
            expected = f"an index of {name} (0 to {top})"
        return Problem(_py(entry), expected)


@attrs.frozen
class Members(Validator):
    """A tuple of distinct members of ``members``; columns hold 0/1 flags.

    Examples
    --------
    >>> from kampala.records import Role
    >>> from kampala.validators import Members
    >>> roles = Members.of(Role, optional=False)
    >>> roles.check((Role.FUNDER, Role.FUNDER)).expected
    'free of repeated values'
    """

    members: type[Enum] = Enum

    @classmethod
    def of(cls, members: type[Enum], optional: bool = True) -> Members:
        """Make a validator of a set of members of ``members``.

        Examples
        --------
        >>> from kampala.records import Instrument
        >>> from kampala.validators import Members
        >>> Members.of(Instrument).expected
        'a sequence of Instrument'
        """
        return cls(f"a sequence of {members.__name__}", "", optional, members)

    def _problem(self, value: Any) -> Problem | None:
        if not isinstance(value, tuple):
            return self.problem(value)
        for item in value:
            if not isinstance(item, self.members):
                hint = enum_hint(self.members, item) if isinstance(item, str) else ""
                return Problem(item, enum_expected(self.members), hint)
        if len(set(value)) != len(value):
            return Problem(value, "free of repeated values")
        return None

    def _column_ok(self, col: Array) -> Mask:
        flags = (col == 0) | (col == 1)
        nan = np.isnan(col) if self.optional else None  # a missing set: all NaN
        if nan is not None:
            flags |= nan
        # whole-array reductions first (fast); per-row ones only if one fails
        if flags.all() and (nan is None or (nan == nan[:, :1]).all()):
            return np.ones(col.shape[0], dtype=bool)
        ok: Mask = flags.all(axis=1)
        if nan is not None:
            ok &= ~nan.any(axis=1) | nan.all(axis=1)
        return ok

    def _column_problem(self, entry: Any) -> Problem:
        unknown = " (all NaN if unknown)" if self.optional else ""
        return Problem(_py(entry), f"a row of 0/1 flags{unknown}")


@attrs.frozen
class Items(Validator):
    """A tuple of strings, each matching ``pattern`` (or non-empty text).

    ``item`` says what one item must be; ``repeats``, if given, what to say
    about an item listed twice (None: repeats are allowed).

    Examples
    --------
    >>> import re
    >>> from kampala.validators import Items
    >>> goals = Items("a sequence of SDG numbers",
    ...               item="an SDG number from '1' to '17'",
    ...               pattern=re.compile(r"[1-9]|1[0-7]"),
    ...               repeats="free of repeated goals")
    >>> goals.check(("5", "18"))
    Problem(value='18', expected="an SDG number from '1' to '17'", hint='')
    >>> goals.check(("5", "5")).expected
    'free of repeated goals'
    """

    item: str = ""
    pattern: re.Pattern[str] | None = None
    repeats: str | None = None

    def _item_ok(self, item: Any) -> bool:
        if not isinstance(item, str) or not _valid_unicode(item):
            return False
        if self.pattern is None:
            return bool(item.strip())
        return self.pattern.fullmatch(item) is not None

    def _problem(self, value: Any) -> Problem | None:
        if not isinstance(value, tuple):
            return self.problem(value)
        for item in value:
            if isinstance(item, str) and not _valid_unicode(item):
                return _surrogate_problem(item)
            if not self._item_ok(item):
                return Problem(item, self.item)
        if self.repeats is not None and len(set(value)) != len(value):
            return Problem(value, self.repeats)
        return None

    def _column_problem(self, entry: Any) -> Problem:
        """Return the problem of an entry (the first wrong item of a list).

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.validators import Items
        >>> places = Items("a sequence of place names", item="a non-empty place name")
        >>> col = np.empty(2, dtype=object)
        >>> col[:] = [("Piura",), ("",)]
        >>> places.column(col)
        [(1, Problem(value='', expected='a non-empty place name', hint=''))]
        """
        return self.check(entry) or self.problem(entry)


@attrs.frozen
class Rule:
    """Base class of cross-field rules: ``field`` compared with ``bound``.

    Subclasses define ``check(value, bound)`` on two record values, and
    ``_rows(field_column, bound_column)``, the rows that may break the
    rule, with ``_value(entry)`` turning a column entry into a record value.

    Examples
    --------
    >>> from kampala.validators import AtMost, Rule
    >>> isinstance(AtMost("a.part", "a.total"), Rule)
    True
    """

    field: str
    bound: str
    hint: str = ""

    def check(self, value: Any, bound: Any) -> Problem | None:  # pragma: no cover
        """Return the problem with one pair of values, or None (see subclasses).

        Examples
        --------
        >>> from kampala.validators import AtMost
        >>> AtMost("a.part", "a.total").check(3, None) is None
        True
        """
        raise NotImplementedError

    def column(self, columns: Mapping[str, Array]) -> list[RowProblem]:
        """Return ``(row, problem)`` for every row that breaks the rule.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.validators import AtMost, NotBefore
        >>> AtMost("part", "total").column(
        ...     {"part": np.array([1.0, 4.0]), "total": np.array([2.0, 3.0])})
        [(1, Problem(value=4, expected='<= total (3)', hint=''))]
        >>> d = np.array(["2021-01-01", "2020-01-01"], dtype="datetime64[D]")
        >>> NotBefore("end", "start").column({"end": d, "start": d[::-1]})[0][0]
        1
        """
        values, bounds = columns[self.field], columns[self.bound]
        out: list[RowProblem] = []
        for r in np.flatnonzero(self._rows(values, bounds)).tolist():
            problem = self.check(self._value(values[r]), self._value(bounds[r]))
            if problem is not None:
                out.append((r, problem))
        return out

    def _rows(self, values: Array, bounds: Array) -> Mask:  # pragma: no cover
        raise NotImplementedError

    def _value(self, entry: Any) -> Any:  # pragma: no cover
        raise NotImplementedError


@attrs.frozen
class AtMost(Rule):
    """Cross-field rule: ``field`` is at most ``bound`` where both are known.

    Examples
    --------
    >>> from kampala.validators import AtMost
    >>> rule = AtMost("results.indicators_with_baseline_and_target",
    ...               "results.indicators_total", "It counts a subset.")
    >>> rule.check(7, 5)
    Problem(value=7, expected='<= indicators_total (5)', hint='It counts a subset.')
    """

    def check(self, value: Any, bound: Any) -> Problem | None:
        """Return the problem with one pair of counts, or None.

        Examples
        --------
        >>> from kampala.validators import AtMost
        >>> AtMost("a.part", "a.total").check(3, 2).expected
        '<= total (2)'
        """
        if value is None or bound is None or value <= bound:
            return None
        name = self.bound.rsplit(".", 1)[-1]
        return Problem(value, f"<= {name} ({bound})", self.hint)

    def _rows(self, values: Array, bounds: Array) -> Mask:
        with np.errstate(invalid="ignore"):
            return values > bounds

    def _value(self, entry: Any) -> Any:
        return int(entry)


@attrs.frozen
class NotBefore(Rule):
    """Cross-field rule: the date ``field`` is not before the date ``bound``.

    Examples
    --------
    >>> import datetime as dt
    >>> from kampala.validators import NotBefore
    >>> NotBefore("end", "start").check(dt.date(2020, 1, 1), dt.date(2021, 1, 1))
    Problem(value='2020-01-01', expected='on or after start (2021-01-01)', hint='')
    """

    def check(self, value: Any, bound: Any) -> Problem | None:
        """Return the problem with one pair of dates, or None.

        Examples
        --------
        >>> import datetime as dt
        >>> from kampala.validators import NotBefore
        >>> NotBefore("end", "start").check(dt.date(2022, 1, 1), None) is None
        True
        """
        if value is None or bound is None or value >= bound:
            return None
        return Problem(
            value.isoformat(),
            f"on or after {self.bound} ({bound.isoformat()})",
            self.hint,
        )

    def _rows(self, values: Array, bounds: Array) -> Mask:
        return ~np.isnat(bounds) & ~np.isnat(values) & (values < bounds)

    def _value(self, entry: Any) -> Any:
        return entry.astype(dt.date)
