"""Strict JSON for input files: no repeated key, bounded nesting and integers.

`json.loads` keeps the last of two equal keys, recurses until Python's
recursion limit, and raises a bare `ValueError` for an integer of more than
4,300 digits. `load_json` turns each into the caller's `KampalaError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from kampala.errors import KampalaError

__all__ = ["DuplicateKey", "load_json"]


class DuplicateKey(Exception):
    """Raised inside the decoder for a key given twice in one object."""

    def __init__(self, key: str, keys: list[str]) -> None:
        super().__init__(key)
        self.key = key
        self.keys = keys


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key, [k for k, _ in pairs])
            seen.add(key)
    return d


def load_json(
    text: str,
    where: str,
    error: type[KampalaError],
    *,
    parse_constant: Callable[[str], Any] | None = None,
    line: int | None = None,
) -> Any:
    """Decode JSON text strictly, raising ``error`` with ``where`` on failure.

    ``line`` is the line number of the text in its file (JSON Lines); errors
    then name it.

    Raises
    ------
    KampalaError
        The ``error`` class, for malformed JSON (with line and column), a key
        given twice in one object, nesting deeper than the interpreter can
        follow, or an integer longer than Python converts.

    Examples
    --------
    >>> from kampala.errors import DataFormatError
    >>> from kampala._internal.json_input import load_json
    >>> load_json('{"id": "A", "id": "B"}', "p.json", DataFormatError)
    Traceback (most recent call last):
    ...
    kampala.errors.DataFormatError: p.json: 'id' must be given once per object (got 'id'). It is repeated in the object with keys id, id; JSON readers disagree on which value wins.
    """  # noqa: E501 - doctest output
    at = where if line is None else f"{where} line {line}"
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=parse_constant)
    except json.JSONDecodeError as exc:
        number = exc.lineno + (0 if line is None else line - 1)
        raise error(
            f"{where} line {number} column {exc.colno}",
            "JSON",
            exc.msg,
            "well-formed JSON",
        ) from exc
    except DuplicateKey as exc:
        shown = ", ".join(exc.keys[:12]) + (", ..." if len(exc.keys) > 12 else "")
        raise error(
            at,
            exc.key,
            exc.key,
            "given once per object",
            hint=f"It is repeated in the object with keys {shown}; JSON readers "
            "disagree on which value wins.",
        ) from None
    except RecursionError as exc:
        raise error(
            at,
            "JSON",
            "deeper than Python can follow",
            "nested at most a few hundred levels deep",
        ) from exc
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise error(
            at,
            "JSON",
            "an integer too long to convert",
            "free of integers longer than 4,300 digits",
            hint="No count or parameter needs that many digits.",
        ) from exc
