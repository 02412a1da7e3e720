"""JSON and JSON Lines portfolio files."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from kampala._internal.json_input import load_json
from kampala.errors import DataFormatError
from kampala.io._common import decode_utf8, open_error, read_bytes
from kampala.io._dicts import NonStandard

__all__: list[str] = []  # the functions are private; see kampala.io.formats

#: The ``format`` value of a JSON portfolio file.
FORMAT_ID = "kampala.portfolio/1"


_ENVELOPE_KEYS = ("format", "name", "description", "partnerships", "provenance")


def dump_line(item: Mapping[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _decode_json(text: str, where: str, line: int | None = None) -> Any:
    return load_json(
        text, where, DataFormatError, parse_constant=NonStandard, line=line
    )


def json_items(path: Path) -> tuple[str | None, Iterator[tuple[str, Any]]]:
    name, items, _ = json_document(path)
    return name, items


def json_document(
    path: Path,
) -> tuple[str | None, Iterator[tuple[str, Any]], Any]:
    """Return the name, the items and the ``provenance`` member (or None)."""
    where = path.name
    provenance: Any = None
    doc = _decode_json(decode_utf8(read_bytes(path), where), where)
    name: str | None = None
    if isinstance(doc, dict):
        unknown = [k for k in doc if k not in _ENVELOPE_KEYS]
        if unknown:
            raise DataFormatError(
                where,
                unknown[0],
                expected="a key of a portfolio document",
                hint=f"Valid keys: {', '.join(_ENVELOPE_KEYS)}.",
            )
        if doc.get("format") != FORMAT_ID:
            raise DataFormatError(
                where,
                "format",
                doc.get("format"),
                f"{FORMAT_ID!r}",
                hint="A bare list of partnership objects is also accepted.",
            )
        for key in ("name", "description"):
            if key in doc and not isinstance(doc[key], str):
                raise DataFormatError(where, key, doc[key], "a string")
        name = doc.get("name") or None
        provenance = doc.get("provenance")
        if "partnerships" not in doc:
            raise DataFormatError(where, "partnerships", expected="present")
        doc = doc["partnerships"]
        if not isinstance(doc, list):
            raise DataFormatError(
                where, "partnerships", type(doc).__name__, "a list of objects"
            )
    elif not isinstance(doc, list):
        raise DataFormatError(
            where,
            "content",
            type(doc).__name__,
            "a portfolio object or a list of partnership objects",
        )
    return name, ((f"record {i}", item) for i, item in enumerate(doc)), provenance


def jsonl_items(path: Path) -> Iterator[tuple[str, Any]]:
    where = path.name
    try:
        f = path.open("rb")
    except OSError as exc:
        raise open_error(path, exc) from exc
    with f:
        for number, raw in enumerate(f, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise DataFormatError(
                    f"{where} line {number}",
                    "encoding",
                    f"byte {exc.start}",
                    "UTF-8 text",
                ) from exc
            text = text.rstrip(" \t\r\n")  # JSON whitespace, and the line end
            if not text.lstrip(" \t"):
                continue
            yield f"line {number}", _decode_json(text, where, number)
