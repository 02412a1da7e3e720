"""The field schema: one declaration per field, one message per bad value."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest

from kampala.errors import PortfolioValidationError, RecordValidationError
from kampala.io import portfolio_from_dicts, read_portfolio
from kampala.portfolio import Portfolio
from kampala.records import EVIDENCE_GROUPS, Actor, GovernmentRole, Partnership
from kampala.schema import (
    ACTOR_SCHEMA,
    GROUPS,
    SCHEMA,
    EnumFieldSpec,
    field,
    markdown_table,
)

DOCS = Path(__file__).parents[1] / "docs" / "reference" / "formats.md"


def test_schema_covers_every_record_field() -> None:
    top = [
        a.name for a in attrs.fields(Partnership) if a.name not in (*GROUPS, "actors")
    ]
    assert [s.path for s in SCHEMA if s.group is None] == top
    for group, cls in EVIDENCE_GROUPS.items():
        names = [a.name for a in attrs.fields(cls)]
        assert [s.name for s in SCHEMA if s.group == group] == names
    assert [s.path for s in ACTOR_SCHEMA] == [a.name for a in attrs.fields(Actor)]


def test_record_validators_are_the_schema_validators() -> None:
    for spec in SCHEMA:
        cls = Partnership if spec.group is None else EVIDENCE_GROUPS[spec.group]
        assert attrs.fields_dict(cls)[spec.name].validator is spec.validator
    for spec in ACTOR_SCHEMA:
        assert attrs.fields_dict(Actor)[spec.path].validator is spec.validator


def test_enum_fields_say_their_enum() -> None:
    kinds = {"ordinal", "enum", "enumset"}
    for spec in (*SCHEMA, *ACTOR_SCHEMA):
        assert isinstance(spec, EnumFieldSpec) == (spec.kind in kinds), spec.path
        assert (spec.enum is not None) == (spec.kind in kinds)


def test_every_field_has_labels_and_help_in_both_languages() -> None:
    for spec in (*SCHEMA, *ACTOR_SCHEMA):
        for text in (spec.label, spec.label_es, spec.help, spec.help_es):
            assert text, spec.path
        for text in (spec.help, spec.help_es):
            assert text.endswith("."), spec.path


def test_format_reference_table_is_generated_from_the_schema() -> None:
    text = DOCS.read_text(encoding="utf-8")
    start = text.index("<!-- generated: kampala.schema.markdown_table()")
    start = text.index("\n", start) + 1
    end = text.index("<!-- end generated -->")
    assert text[start:end].strip() == markdown_table(), (
        "docs/reference/formats.md is stale: paste kampala.schema.markdown_table()"
    )


# ---------------------------------------------------------------------------
# the same bad value, the same message, whatever the way in
# ---------------------------------------------------------------------------
#: (case id, {dotted path: record value}, {path: column}, {column: CSV cell},
#:  the field reported, the value reported, what is expected, the hint)
CASES: list[
    tuple[str, dict[str, Any], dict[str, Any], dict[str, str], str, Any, str, str]
] = [
    (
        "share",
        {"results.target_progress": 1.5},
        {"results.target_progress": [1.5]},
        {"results.target_progress": "1.5"},
        "results.target_progress",
        1.5,
        "a share in [0, 1] or None",
        "",
    ),
    (
        "amount",
        {"budget_usd": -5.0},
        {"budget_usd": [-5.0]},
        {"budget_usd": "-5.0"},
        "budget_usd",
        -5.0,
        ">= 0",
        "Use None for an unknown amount.",
    ),
    (
        "count",
        {"results.indicators_total": -2},
        {"results.indicators_total": [-2.0]},
        {"results.indicators_total": "-2"},
        "results.indicators_total",
        -2,
        "a whole number >= 0 or None",
        "",
    ),
    (
        "enum",
        {"ownership.government_role": "liderado"},
        {},  # a column holds ranks: it cannot hold 'liderado'
        {"ownership.government_role": "liderado"},
        "ownership.government_role",
        "liderado",
        "a GovernmentRole (none, informed, consulted, co-designed, leads)",
        "Did you mean 'lidera'?",
    ),
    (
        "flag",
        {"transparency.joint_reviews": "yes"},
        {},  # a column holds 0/1
        {"transparency.joint_reviews": "yes"},
        "transparency.joint_reviews",
        "yes",
        "true, false or None",
        "",
    ),
    (
        "cross-field rule",
        {
            "results.indicators_total": 5,
            "results.indicators_with_baseline_and_target": 7,
        },
        {
            "results.indicators_total": [5.0],
            "results.indicators_with_baseline_and_target": [7.0],
        },
        {
            "results.indicators_total": "5",
            "results.indicators_with_baseline_and_target": "7",
        },
        "results.indicators_with_baseline_and_target",
        7,
        "<= indicators_total (5)",
        "It counts a subset of the framework's indicators.",
    ),
    (
        "sdg target",
        {"results.sdg_targets": ("5.5", "18.1")},
        {"results.sdg_targets": [("5.5", "18.1")]},
        {"results.sdg_targets": "5.5;18.1"},
        "results.sdg_targets",
        "18.1",
        "an SDG target code such as '5.5' or '17.b'",
        "",
    ),
    (
        "date",
        {"start": dt.date(2021, 1, 1), "end": dt.date(2020, 1, 1)},
        {"start": ["2021-01-01"], "end": ["2020-01-01"]},
        {"start": "2021-01-01", "end": "2020-01-01"},
        "end",
        "2020-01-01",
        "on or after start (2021-01-01)",
        "",
    ),
    (
        "code",
        {"country": "Peru"},
        {"country": ["Peru"]},
        {"country": "Peru"},
        "country",
        "Peru",
        "an ISO 3166-1 alpha-2 code such as 'PE'",
        "",
    ),
]


def _nested(values: dict[str, Any], plain: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"id": "A", "title": "Agua"}
    for path, value in values.items():
        if plain and isinstance(value, dt.date):
            value = value.isoformat()
        if plain and isinstance(value, tuple):
            value = list(value)
        if "." in path:
            group, name = path.split(".")
            item.setdefault(group, {})[name] = value
        else:
            item[path] = value
    return item


def _by_record(values: dict[str, Any]) -> RecordValidationError:
    item = _nested(values, plain=False)
    groups = {g: item.pop(g) for g in list(item) if g in EVIDENCE_GROUPS}
    with pytest.raises(RecordValidationError) as info:  # noqa: PT012 - either raises
        for g, kwargs in groups.items():
            EVIDENCE_GROUPS[g](**kwargs)
        Partnership(**item)
    return info.value


def _only(exc: PortfolioValidationError) -> RecordValidationError:
    assert len(exc.exceptions) == 1, exc
    err = exc.exceptions[0]
    assert isinstance(err, RecordValidationError)
    return err


def _by_columns(columns: dict[str, Any]) -> RecordValidationError:
    cols = {"id": ["A"], "title": ["Agua"]}
    for path, value in columns.items():
        kind = field(path).kind
        cols[path] = np.array(value, dtype="datetime64[D]") if kind == "date" else value
    if "results.sdg_targets" in cols:
        arr = np.empty(1, dtype=object)
        arr[0] = cols["results.sdg_targets"][0]
        cols["results.sdg_targets"] = arr
    with pytest.raises(PortfolioValidationError) as info:
        Portfolio.from_columns(cols)
    return _only(info.value)


def _by_csv(cells: dict[str, str], tmp_path: Path) -> RecordValidationError:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "title", *cells])
    writer.writerow(["A", "Agua", *cells.values()])
    path = tmp_path / "p.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    with pytest.raises(PortfolioValidationError) as info:
        read_portfolio(path)
    return _only(info.value)


def _by_json(values: dict[str, Any]) -> RecordValidationError:
    with pytest.raises(PortfolioValidationError) as info:
        portfolio_from_dicts([_nested(values, plain=True)], name="p")
    return _only(info.value)


@pytest.mark.parametrize(
    ("values", "columns", "cells", "path", "value", "expected", "hint"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_same_bad_value_same_message_on_every_path(
    tmp_path: Path,
    values: dict[str, Any],
    columns: dict[str, Any],
    cells: dict[str, str],
    path: str,
    value: Any,
    expected: str,
    hint: str,
) -> None:
    errors = {
        "record": _by_record(values),
        "csv": _by_csv(cells, tmp_path),
        "json": _by_json(values),
    }
    if columns:
        errors["columns"] = _by_columns(columns)
    name = path.split(".")[-1]
    for way, err in errors.items():
        # a record names its own field; a portfolio names the dotted path
        assert err.field == (name if way == "record" else path), way
        assert (err.value, err.expected, err.hint) == (value, expected, hint), way
        text = str(err)
        assert f"must be {expected} (got {value!r})" in text, way
    assert (
        len({str(e).split(": ", 1)[1].replace(path, name) for e in errors.values()})
        == 1
    )


def test_column_codes_are_reported_in_column_terms() -> None:
    with pytest.raises(
        PortfolioValidationError, match=r"a rank from 0 to 4 of GovernmentRole"
    ):
        Portfolio.from_columns(
            {"id": ["A"], "title": ["Agua"], "ownership.government_role": [7.0]}
        )
    assert field("ownership.government_role").enum is GovernmentRole
