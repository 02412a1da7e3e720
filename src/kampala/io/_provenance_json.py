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
import numpy as np
import numpy.typing as npt

from kampala.errors import DataFormatError
from kampala.portfolio import SCHEMA, FieldSpec, Portfolio
from kampala.provenance import CellProvenance, Provenance, Source

__all__: list[str] = []  # private; see kampala.io.formats

_PATHS = (*(spec.path for spec in SCHEMA), "actors")
SPEC = {spec.path: spec for spec in SCHEMA}
_FLOAT_KINDS = ("amount", "share", "count", "bool", "ordinal")
Array = npt.NDArray[Any]


def present_values(spec: FieldSpec, col: Array) -> npt.NDArray[np.bool_]:
    """Return which values of a column hold evidence (see `is_blank`)."""
    kind = spec.kind
    if kind in _FLOAT_KINDS:
        return ~np.isnan(col)
    if kind == "enumset":
        if col.shape[1] == 0:
            return np.zeros(col.shape[0], dtype=bool)
        if not spec.optional:  # an empty set is no evidence
            return np.asarray(np.nansum(col, axis=1) > 0)
        return ~np.isnan(col[:, 0])
    if kind == "date":
        return ~np.isnat(col)
    if kind == "enum":
        return np.asarray(col != -1)
    return np.fromiter((bool(v) for v in col.tolist()), dtype=bool, count=len(col))


def provenance_to_json(portfolio: Portfolio) -> dict[str, Any] | None:
    """Return the ``provenance`` member for a portfolio, or None to omit it."""
    prov = portfolio.provenance
    if prov is None or not prov.persist:
        return None
    numbers: dict[tuple[str, str, str], int] = {}
    ids = portfolio.ids
    rows: list[dict[str, list[Any]]] = [{} for _ in ids]
    has_actors = np.zeros(len(ids), dtype=bool)
    has_actors[portfolio.actors["partnership"]] = True
    for path in _PATHS:
        if path == "actors":
            present = has_actors
        else:
            present = present_values(SPEC[path], portfolio.column(path))
        for i in np.flatnonzero(present).tolist():
            src = prov.source(i, path)
            if src is None:
                continue
            key = (src.kind, src.file, src.read_at)
            number = numbers.setdefault(key, len(numbers))
            rows[i][path] = [number, src.location]
    sources = [
        Source(kind=kind, file=file, read_at=read_at).to_dict()
        for kind, file, read_at in numbers
    ]
    cells = {pid: row for pid, row in zip(ids, rows, strict=True) if row}
    return {"sources": sources, "cells": cells}


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
