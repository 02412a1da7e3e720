"""Partnership objects (the JSON format's items) to and from records.

Valid objects are read with the field schema alone (`kampala.schema`):
no optional dependency is needed to read a valid file. An object that fails
is structured again with a dedicated cattrs converter (the ``io`` extra),
which runs every field's validator and reports every problem of the record;
without cattrs, a record's first invalid value is reported if a record
validator found it, and an ImportError asks for cattrs otherwise.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from kampala._internal.text import enum_expected
from kampala.errors import (
    ParameterTypeError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.io._common import (
    BOOL_EXPECTED,
    COUNT_EXPECTED,
    DATE,
    DATE_EXPECTED,
    NO_VALUE,
    build_portfolio,
    check_name,
    check_portfolio,
    record_error,
    suggest,
)
from kampala.io._pandas import require
from kampala.portfolio import Portfolio
from kampala.records import EVIDENCE_GROUPS, Actor, Partnership
from kampala.scales import enum_hint, parse_member
from kampala.schema import ACTOR_SCHEMA, GROUPS, SCHEMA, EnumFieldSpec, FieldSpec
from kampala.validators import Number

if TYPE_CHECKING:
    import cattrs


__all__ = ["portfolio_from_dicts", "portfolio_to_dicts"]


def portfolio_from_dicts(items: Iterable[Mapping[str, Any]], *, name: str) -> Portfolio:
    """Build a portfolio from partnership objects (as in the JSON format).

    Each item is a mapping with the attrs field names of
    `Partnership`: enumerations by value (or member),
    dates as ``"YYYY-MM-DD"`` strings (or `date`), lists for
    sequences and nested mappings for the evidence groups and actors.

    Parameters
    ----------
    items : iterable of mapping
        One partnership object per item.
    name : str
        Name of the portfolio, also used as the source in error messages.

    Returns
    -------
    Portfolio
        The validated portfolio, keeping the structured records.

    Raises
    ------
    PortfolioValidationError
        Listing every problem; each sub-error has a note ``record N``
        (counted from 0).
    ParameterTypeError
        If ``items`` is not an iterable of mappings (a single mapping, a
        string or ``None``).
    ImportError
        If an item is invalid and cattrs (the ``io`` extra), which lists
        every problem of an item, is not installed.

    Examples
    --------
    >>> from kampala.io import portfolio_from_dicts
    >>> pf = portfolio_from_dicts(
    ...     [{"id": "A", "title": "Agua segura", "start": "2021-03-01",
    ...       "actors": [{"name": "Ministerio (ejemplo)", "kind": "government"}]}],
    ...     name="demo")
    >>> pf.records[0].start, pf.records[0].actors[0].kind
    (datetime.date(2021, 3, 1), <ActorKind.GOVERNMENT: 'government'>)
    """
    check_name(name, "portfolio_from_dicts()", required=True)
    if isinstance(items, str | bytes | Mapping) or not isinstance(items, Iterable):
        raise ParameterTypeError(
            "portfolio_from_dicts()",
            "items",
            items,
            "an iterable of mappings, one per partnership",
            hint="Wrap a single partnership in a list.",
        )
    records = structure_all(
        ((f"record {i}", item) for i, item in enumerate(items)), name
    )
    return build_portfolio(records, name, name)


def portfolio_to_dicts(portfolio: Portfolio) -> list[dict[str, Any]]:
    """Return the partnerships as JSON-ready objects (the JSON format).

    Every field is present, ``None`` included; enumerations are written by
    value, dates as ``"YYYY-MM-DD"``, sequences as lists and amounts and
    shares as floats.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio to convert.

    Returns
    -------
    list of dict
        One object per partnership, in portfolio order.

    Raises
    ------
    ParameterTypeError
        If ``portfolio`` is not a `Portfolio`.

    Examples
    --------
    >>> from kampala.io import portfolio_to_dicts
    >>> from kampala.portfolio import Portfolio
    >>> from kampala.records import Partnership, Modality
    >>> pf = Portfolio.from_records([Partnership(
    ...     id="A", title="Agua segura", budget_usd=1500, modality=Modality.BILATERAL)])
    >>> d = portfolio_to_dicts(pf)[0]
    >>> d["budget_usd"], d["modality"], d["ownership"]["government_role"]
    (1500.0, 'bilateral', None)
    """
    check_portfolio(portfolio, "portfolio_to_dicts()")
    return [_unstructure(r) for r in portfolio.records]


def _require_cattrs() -> Any:
    why = "Listing every problem of a partnership object needs cattrs"
    return require("cattrs", "io", why)


class NonStandard:
    """A JSON ``NaN``/``Infinity`` token, which no field accepts."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __repr__(self) -> str:
        return self.token


def _invalid(value: Any, expected: str, hint: str = "") -> RecordValidationError:
    """Make a leaf error without location (the translation adds it)."""
    return RecordValidationError("", "", value, expected, hint=hint)


def _structure_str(value: Any, _: Any = None) -> str:
    if not isinstance(value, str):
        raise _invalid(value, "a string")
    return value


def _structure_float(value: Any, _: Any = None) -> float:
    if isinstance(value, float):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            out = float(value)
        except OverflowError:
            out = math.inf
        if out != value:
            raise _invalid(value, "a number a float holds exactly")
        return out
    hint = "JSON has no NaN or Infinity." if isinstance(value, NonStandard) else ""
    raise _invalid(value, "a number or None", hint)


def _structure_int(value: Any, _: Any = None) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise _invalid(value, COUNT_EXPECTED)


def _structure_bool(value: Any, _: Any = None) -> bool:
    if isinstance(value, bool):
        return value
    raise _invalid(value, BOOL_EXPECTED)


def _structure_date(value: Any, _: Any = None) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise _invalid(value, DATE_EXPECTED)


def _enum_structure_factory(cls: type[enum.Enum]) -> Callable[[Any, Any], Any]:
    by_value = {m.value: m for m in cls}
    expected = enum_expected(cls)

    def structure(value: Any, _: Any = None) -> Any:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            member = by_value.get(value) or parse_member(cls, value)
            if member is not None:
                return member
        hint = enum_hint(cls, value)
        if not isinstance(value, str) and str(value) in by_value:
            hint = f"Write it as a string: {str(value)!r}."
        raise _invalid(value, expected, hint)

    return structure


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _is_optional(t: Any) -> bool:
    args = typing.get_args(t)
    return (
        typing.get_origin(t) in (typing.Union, types.UnionType)
        and len(args) == 2
        and type(None) in args
    )


def _is_var_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


@functools.cache
def _converter() -> cattrs.Converter:
    """Build the converter that lists every problem of an invalid object.

    Strict leaf hooks, no extra keys, and every field's own validator run
    inside cattrs' per-attribute error collection, so that every invalid
    field of a record is reported, not only the first one its ``__init__``
    meets. Valid objects never come here (see `_structure`).
    """
    cattrs_mod = _require_cattrs()
    conv: cattrs.Converter = cattrs_mod.Converter(
        forbid_extra_keys=True, detailed_validation=True
    )
    leaves: tuple[tuple[Any, Callable[[Any, Any], Any]], ...] = (
        (str, _structure_str),
        (float, _structure_float),
        (int, _structure_int),
        (bool, _structure_bool),
        (dt.date, _structure_date),
    )
    for type_, hook in leaves:
        conv.register_structure_hook(type_, hook)
    conv.register_structure_hook_factory(_is_enum, _enum_structure_factory)
    for test, factory in (
        (_is_optional, _optional_structure),
        (_is_var_tuple, _tuple_structure),
        (attrs.has, _attrs_structure),
    ):
        conv.register_structure_hook_factory(test, functools.partial(factory, conv))
    return conv


def _optional_structure(conv: cattrs.Converter, t: Any) -> Callable[[Any, Any], Any]:
    inner = next(a for a in typing.get_args(t) if a is not type(None))
    hook = conv.get_structure_hook(inner)

    def structure(value: Any, _: Any = None) -> Any:
        return None if value is None else hook(value, inner)

    return structure


def _tuple_structure(
    conv: cattrs.Converter, t: Any
) -> Callable[[Any, Any], tuple[Any, ...]]:
    from cattrs.errors import IterableValidationError, IterableValidationNote

    item_type = typing.get_args(t)[0]
    item_hook = conv.get_structure_hook(item_type)

    def structure(value: Any, _: Any = None) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise _invalid(value, "a list")
        out = []
        errors: list[Exception] = []
        for i, item in enumerate(value):
            try:
                out.append(item_hook(item, item_type))
            except Exception as exc:  # collected, as cattrs does
                exc.add_note(IterableValidationNote(f"@ index {i}", i, item_type))
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t}", errors, t)
        return tuple(out)

    return structure


def _attrs_structure(
    conv: cattrs.Converter, cls: type[Any]
) -> Callable[[Any, Any], Any]:
    from cattrs.gen import make_dict_structure_fn, override

    hints = typing.get_type_hints(cls)
    overrides: dict[str, Any] = {
        f.name: override(struct_hook=_checked_hook(conv, f, hints[f.name]))
        for f in attrs.fields(cls)
    }
    generated = make_dict_structure_fn(
        cls,
        conv,
        _cattrs_forbid_extra_keys=True,
        _cattrs_detailed_validation=True,
        **overrides,
    )
    expected = f"an object with the fields of {cls.__name__}"

    def structure(value: Any, t: Any = cls) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise _invalid(value, expected)
        return generated(value, t)

    return structure


def _checked_hook(
    conv: cattrs.Converter, field: attrs.Attribute[Any], type_: Any
) -> Callable[[Any, Any], Any]:
    """Structure one field, then run its own validator.

    Running the validator here, inside cattrs' per-attribute error
    collection, reports every invalid field of a record, not only the first
    one the class's ``__init__`` meets.
    """
    hook = conv.get_structure_hook(type_)
    validator = field.validator
    if validator is None:
        return hook

    def structure(value: Any, t: Any = type_) -> Any:
        out = hook(value, t)
        try:
            validator(None, field, out)
        except RecordValidationError as exc:
            raise _invalid(exc.value, exc.expected, exc.hint) from None
        return out

    return structure


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _leaves(exc: BaseException, path: str) -> Iterator[tuple[str, BaseException]]:
    """Walk a cattrs error tree, yielding (dotted field path, leaf error)."""
    from cattrs.errors import ClassValidationError, IterableValidationError

    if isinstance(exc, ClassValidationError):
        with_notes, others = exc.group_exceptions()
        for sub, note in with_notes:
            yield from _leaves(sub, _join(path, note.name))
        for sub in others:
            yield from _leaves(sub, path)
    elif isinstance(exc, IterableValidationError):
        with_index, others = exc.group_exceptions()
        for sub, inote in with_index:
            yield from _leaves(sub, f"{path}[{inote.index}]")
        for sub in others:
            yield from _leaves(sub, path)
    else:
        yield path, exc


def _translate(
    exc: BaseException, where: str, note: str, record_id: str | None = None
) -> Iterator[RecordValidationError]:
    from cattrs.errors import ForbiddenExtraKeysError

    for path, leaf in _leaves(exc, ""):
        if isinstance(leaf, RecordValidationError):
            field = (_join(path, leaf.field) if leaf.field else path) or "partnership"
            value = leaf.value if leaf._has_value else NO_VALUE
            yield record_error(
                where,
                field,
                value,
                leaf.expected,
                leaf.hint,
                note,
                record_id=record_id,
            )
        elif isinstance(leaf, ForbiddenExtraKeysError):
            names = [f.name for f in attrs.fields(leaf.cl)]
            for key in sorted(leaf.extra_fields, key=str):
                yield record_error(
                    where,
                    _join(path, str(key)),
                    NO_VALUE,
                    f"a field of {leaf.cl.__name__}",
                    suggest(str(key), names),
                    note,
                    record_id=record_id,
                )
        elif isinstance(leaf, KeyError):  # a required key, already in ``path``
            key = str(leaf.args[0]) if leaf.args else "?"
            yield record_error(
                where,
                path or key,
                NO_VALUE,
                "present",
                "It is required.",
                note,
                record_id=record_id,
            )
        else:  # pragma: no cover - defensive: hooks raise the errors above
            yield record_error(
                where,
                path or "record",
                NO_VALUE,
                "valid",
                f"{type(leaf).__name__}: {leaf}",
                note,
            )


def _record_id(item: Any) -> str | None:
    rid = item.get("id") if isinstance(item, Mapping) else None
    return rid if isinstance(rid, str) and rid.strip() else None


def _where(item: Any, loc: str) -> str:
    rid = _record_id(item)
    return loc if rid is None else f"partnership {rid!r}"


# -- structuring with the schema alone ------------------------------------------
_GROUP_CLASSES: dict[str, type[Any]] = EVIDENCE_GROUPS
_TOP = {s.path: s for s in SCHEMA if s.group is None}
_IN_GROUP: dict[str, dict[str, FieldSpec]] = {
    g: {s.name: s for s in SCHEMA if s.group == g} for g in GROUPS
}
_ACTOR = {s.path: s for s in ACTOR_SCHEMA}


class _Invalid(Exception):
    """Not a valid partnership object: structure it again to say why."""


def _member(cls: type[enum.Enum], value: Any) -> Any:
    if isinstance(value, cls):
        return value
    if not isinstance(value, str):
        raise _Invalid
    member = parse_member(cls, value)
    return _fail_quick() if member is None else member


def _fail_quick() -> Any:
    raise _Invalid


def _leaf(spec: FieldSpec, value: Any) -> Any:
    """One JSON value as the record value of ``spec``, strictly (no coercion)."""
    if value is None:
        return None
    k = spec.kind
    if isinstance(spec, EnumFieldSpec):
        if k != "enumset":
            return _member(spec.enum, value)
        if not isinstance(value, list | tuple):
            raise _Invalid
        return tuple(_member(spec.enum, v) for v in value)
    if k == "str":
        return value if isinstance(value, str) else _fail_quick()
    if k == "strlist":
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise _Invalid
    if k == "bool":
        return value if isinstance(value, bool) else _fail_quick()
    if k == "count":
        return value if type(value) is int else _fail_quick()
    if k == "date":
        return _structure_date(value)
    return _structure_float(value)  # amount, share


def _fields(specs: Mapping[str, FieldSpec], value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _Invalid
    return {key: _leaf(specs[key], v) for key, v in value.items()}


def _structure(item: Any) -> Partnership:
    """Build a record from a valid partnership object with the schema alone.

    Raises on anything that is not valid (an unknown key, a value of the wrong
    type, a record validator's error); `_report` then says why.
    """
    if not isinstance(item, Mapping):
        raise _Invalid
    kwargs: dict[str, Any] = {}
    for key, value in item.items():
        if key in _GROUP_CLASSES:
            kwargs[key] = _GROUP_CLASSES[key](**_fields(_IN_GROUP[key], value))
        elif key == "actors":
            if not isinstance(value, list | tuple):
                raise _Invalid
            kwargs[key] = tuple(Actor(**_fields(_ACTOR, a)) for a in value)
        else:
            kwargs[key] = _leaf(_TOP[key], value)
    return Partnership(**kwargs)


def _report(
    item: Any, where: str, loc: str, quick_exc: Exception
) -> list[RecordValidationError]:
    """Every problem of an invalid object (cattrs), or the first one without it."""
    try:
        thorough = _converter().get_structure_hook(Partnership)
    except ImportError:
        if isinstance(quick_exc, RecordValidationError):
            quick_exc.add_note(loc)
            return [quick_exc]
        raise
    try:
        thorough(item, Partnership)
    except Exception as exc:  # a cattrs error tree
        return list(_translate(exc, where, loc, _record_id(item)))
    return []  # pragma: no cover - the schema accepts what cattrs accepts


def _plain(value: Any, as_float: bool = False) -> Any:
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | float):
        return float(value) if as_float else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return _unstructure(value)


def _unstructure(record: Any) -> dict[str, Any]:
    """Return a record as a JSON-ready object, every field in declaration order."""
    return {
        a.name: _plain(
            getattr(record, a.name),
            isinstance(a.validator, Number) and not a.validator.whole,
        )
        for a in attrs.fields(type(record))
    }


def structure_all(
    items: Iterable[tuple[str, Any]],
    source: str,
    *,
    leading: Sequence[Exception] = (),
) -> list[Partnership]:
    """Structure every item, collecting every problem; check ids are unique."""
    records: list[Partnership] = []
    errors: list[Exception] = list(leading)
    first: dict[str, str] = {}
    for loc, item in items:
        where = _where(item, loc)
        try:
            records.append(_structure(item))
        except Exception as quick_exc:  # structure again, collecting every problem
            errors.extend(_report(item, where, loc, quick_exc))
        if where.startswith("partnership "):
            rid = item["id"]
            if rid in first:
                errors.append(
                    record_error(
                        where,
                        "id",
                        rid,
                        "unique in the portfolio",
                        f"It is also used at {first[rid]}.",
                        loc,
                        record_id=rid,
                    )
                )
            else:
                first[rid] = loc
    if errors:
        raise PortfolioValidationError(source, errors)
    return records
