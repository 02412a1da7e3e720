"""JSON Lines portfolios parsed in bulk by pyarrow's JSON reader.

The file is parsed in one pass against a schema derived from
`kampala.schema` (amounts as numbers, counts as integers, flags as
booleans, lists as lists, actors as a list of objects); its columns then go
through the same bulk conversion as Parquet and Arrow files
(`kampala.io._arrow_format`). Anything unusual -- a key that is not a field,
a value of another JSON type, a repeated key, ``NaN``, an explicit ``null``
where a field has a default, a list item with ``;`` -- sends the file to the
record-by-record reader, which gives the portfolio or its messages as
before. So the bulk path only ever gives the portfolio the record reader
would give.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import numpy as np

from kampala.errors import DataFormatError, PortfolioValidationError
from kampala.io._arrow_format import Declined, convert_column
from kampala.io._common import ACTOR_DEFAULTS, DEFAULTS, Array
from kampala.portfolio import ACTOR_SCHEMA, SCHEMA, Portfolio
from kampala.schema import FieldSpec

__all__ = ["read_jsonl_arrow"]

_LISTS = ("strlist", "enumset")


def _arrow_type(pa: Any, spec: FieldSpec) -> Any:
    k = spec.kind
    if k in ("amount", "share"):
        return pa.float64()
    if k == "count":
        return pa.int64()
    if k == "bool":
        return pa.bool_()
    if k in _LISTS:
        return pa.list_(pa.string())
    return pa.string()  # text, dates, categories


def _schema(pa: Any) -> Any:
    top = [pa.field(s.path, _arrow_type(pa, s)) for s in SCHEMA if s.group is None]
    groups: dict[str, list[Any]] = {}
    for s in SCHEMA:
        if s.group is not None:
            groups.setdefault(s.group, []).append(pa.field(s.name, _arrow_type(pa, s)))
    actor = pa.struct([pa.field(s.path, _arrow_type(pa, s)) for s in ACTOR_SCHEMA])
    fields = top + [pa.field(g, pa.struct(f)) for g, f in groups.items()]
    return pa.schema([*fields, pa.field("actors", pa.list_(actor))])


def read_jsonl_arrow(path: Path, name: str) -> Portfolio | None:
    """Read a JSON Lines portfolio in bulk; None to use the record reader."""
    try:
        pa = importlib.import_module("pyarrow")
        pajson = importlib.import_module("pyarrow.json")
    except ImportError:
        return None
    try:
        table = pajson.read_json(
            path,
            read_options=pajson.ReadOptions(block_size=1 << 24),
            parse_options=pajson.ParseOptions(
                explicit_schema=_schema(pa), unexpected_field_behavior="error"
            ),
        )
        if table.num_rows == 0:
            return None
        return _portfolio(pa, table, name)
    except (pa.ArrowException, OSError, ValueError, Declined):
        return None


def _portfolio(pa: Any, table: Any, name: str) -> Portfolio:
    columns: dict[str, Array] = {}
    for spec in SCHEMA:
        col = table.column(spec.path if spec.group is None else spec.group)
        if spec.group is not None:
            if col.null_count:  # a group left out, or null: the record reader decides
                raise Declined
            col = pa.chunked_array(
                [chunk.field(spec.name) for chunk in col.chunks], _arrow_type(pa, spec)
            )
        columns[spec.path] = _convert(pa, spec, col, DEFAULTS.get(spec.path))
    actors = _actors(pa, table.column("actors"))
    try:
        return Portfolio.from_columns(columns, actors, name=name, copy=False)
    except (PortfolioValidationError, DataFormatError) as exc:
        raise Declined from exc


def _convert(pa: Any, spec: FieldSpec, col: Any, default: Any) -> Array:
    pc = importlib.import_module("pyarrow.compute")
    if col.null_count and (default is not None or spec.path in ("id", "title")):
        raise Declined  # an explicit null where the record reader has a rule
    if spec.kind in _LISTS:
        items = pc.list_flatten(col)
        if len(items) and (
            pc.any(pc.match_substring(items, ";")).as_py()
            or pc.any(pc.is_in(items, pa.array(["", "[]"]))).as_py()
            or items.null_count
        ):
            raise Declined  # not expressible as the CSV spelling
        joined = pc.binary_join(col, ";")
        empty = pc.equal(pc.list_value_length(col), 0)
        col = pc.if_else(empty, pa.scalar("[]"), joined)
    elif pa.types.is_floating(col.type) and pc.any(pc.is_nan(col)).as_py():
        raise Declined  # NaN is not JSON: the record reader names it
    return convert_column(spec, col, default, False)


def _actors(pa: Any, col: Any) -> dict[str, Array]:
    pc = importlib.import_module("pyarrow.compute")
    if col.null_count:
        raise Declined
    owner = np.asarray(pc.list_parent_indices(col), dtype=np.int64)
    if owner.size == 0:
        return {}
    flat = pc.list_flatten(col)
    out: dict[str, Array] = {"partnership": owner}
    for spec in ACTOR_SCHEMA:
        child = pa.chunked_array(
            [chunk.field(spec.path) for chunk in flat.chunks], _arrow_type(pa, spec)
        )
        out[spec.path] = _convert(pa, spec, child, ACTOR_DEFAULTS.get(spec.path))
    return out
