"""Provenance in JSON portfolio files: the ``provenance`` member.

A JSON portfolio document may carry, next to ``partnerships``::

    "provenance": {
      "sources": [{"kind": "iati", "file": "caf.xml", "location": "",
                   "read_at": "2026-03-01T10:00:00Z"}, ...],
      "cells": {"<id>": {"<field path>": [<source number>, "<location>"], ...}}
    }

Sources are listed once, without location; each cell names its source by
number and gives its own location. Only provenance worth keeping is written
(an IATI import, a merge, a file read with one): the provenance a reader
attaches to a plain file is not, so reading and writing a plain file gives
the same bytes.
"""

from __future__ import annotations

from typing import Any

import attrs

from kampala.errors import DataFormatError
from kampala.portfolio import SCHEMA, Portfolio
from kampala.provenance import CellProvenance, Provenance, Source, is_blank

__all__: list[str] = []  # private; see kampala.io.formats

_PATHS = (*(spec.path for spec in SCHEMA), "actors")


def provenance_to_json(portfolio: Portfolio) -> dict[str, Any] | None:
    """Return the ``provenance`` member for a portfolio, or None to omit it."""
    prov = portfolio.provenance
    if prov is None or not prov.persist:
        return None
    numbers: dict[Source, int] = {}
    cells: dict[str, dict[str, list[Any]]] = {}
    has_actors = set(portfolio.actors["partnership"].tolist())
    for i, pid in enumerate(portfolio.ids):
        row: dict[str, list[Any]] = {}
        for path in _PATHS:
            if path == "actors":
                if i not in has_actors:
                    continue
            elif is_blank(portfolio.value(path, i)):
                continue
            src = prov.source(i, path)
            if src is None:
                continue
            key = attrs.evolve(src, location="")
            number = numbers.setdefault(key, len(numbers))
            row[path] = [number, src.location]
        if row:
            cells[pid] = row
    return {"sources": [s.to_dict() for s in numbers], "cells": cells}


def provenance_from_json(
    raw: Any, portfolio: Portfolio, where: str, fallback: Provenance | None
) -> CellProvenance:
    """Read a ``provenance`` member for ``portfolio`` (checking every part)."""
    if not isinstance(raw, dict) or set(raw) != {"sources", "cells"}:
        raise DataFormatError(
            where, "provenance", None, "an object with 'sources' and 'cells'"
        )
    if not isinstance(raw["sources"], list):
        raise DataFormatError(where, "provenance.sources", None, "a list")
    sources = [Source.from_dict(s, where) for s in raw["sources"]]
    if not isinstance(raw["cells"], dict):
        raise DataFormatError(where, "provenance.cells", None, "an object")
    rows: list[dict[str, Source]] = [{} for _ in range(len(portfolio))]
    ids = {pid: i for i, pid in enumerate(portfolio.ids)}
    for pid, fields in raw["cells"].items():
        if pid not in ids or not isinstance(fields, dict):
            raise DataFormatError(
                where,
                "provenance.cells",
                pid,
                "keyed by the id of a partnership in the file, with an object",
            )
        row = rows[ids[pid]]
        for path, cell in fields.items():
            ok = (
                path in _PATHS
                and isinstance(cell, list)
                and len(cell) == 2
                and type(cell[0]) is int
                and 0 <= cell[0] < len(sources)
                and isinstance(cell[1], str)
            )
            if not ok:
                raise DataFormatError(
                    where,
                    f"provenance.cells[{pid!r}]",
                    {path: cell} if isinstance(path, str) else path,
                    "field path: [source number, location]",
                )
            row[path] = attrs.evolve(sources[cell[0]], location=cell[1])
    return CellProvenance(cells=rows, fallback=fallback)
