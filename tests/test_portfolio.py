from __future__ import annotations

import datetime as dt
import math
import pickle
from typing import Any

import numpy as np
import pytest
from hypothesis import given

from kampala import DataFormatError, Portfolio
from kampala.errors import PortfolioValidationError, RecordValidationError
from kampala.portfolio import ACTOR_SCHEMA, SCHEMA, FieldSpec
from kampala.records import (
    Actor,
    ActorKind,
    Alignment,
    DataPublication,
    Disaggregation,
    GenderMarker,
    GovernmentRole,
    InclusionEvidence,
    Instrument,
    LeaveNoOneBehindEvidence,
    Modality,
    OwnershipEvidence,
    Partnership,
    ResultsEvidence,
    Role,
    TargetGroup,
    TransparencyEvidence,
)
from kampala.schema import EnumFieldSpec, field
from kampala.testing import sample_test_portfolio
from tests.strategies_records import partnership_lists

nan = math.nan
KINDS = list(ActorKind)


def actor(name: str, kind: ActorKind, **kw: Any) -> Actor:
    return Actor(name=name, kind=kind, **kw)


@pytest.fixture
def two() -> Portfolio:
    return Portfolio.from_records(
        [
            Partnership(
                id="A",
                title="Agua segura",
                sectors=["140", "14030"],
                start=dt.date(2020, 1, 1),
                end=dt.date(2023, 6, 30),
                budget_usd=1000.0,
                modality=Modality.TRIANGULAR,
                instruments=[Instrument.GRANT, Instrument.EQUITY],
                actors=[
                    actor("MIDAGRI", ActorKind.GOVERNMENT, domestic=True),
                    actor(
                        "Banco",
                        ActorKind.PRIVATE_SECTOR,
                        roles=[Role.FUNDER, Role.IMPLEMENTER],
                        domestic=False,
                        financial_contribution=500.0,
                    ),
                    actor("UNI", ActorKind.ACADEMIA),
                ],
                ownership=OwnershipEvidence(
                    government_role=GovernmentRole.LEADS,
                    registered_with_agency=False,
                    country_systems_share=0.25,
                ),
                results=ResultsEvidence(
                    indicators_total=4,
                    indicators_with_baseline_and_target=3,
                    sdg_targets=["6.1", "17.b"],
                ),
                transparency=TransparencyEvidence(publication=DataPublication.SUMMARY),
                leave_no_one_behind=LeaveNoOneBehindEvidence(
                    target_groups=[TargetGroup.WOMEN, TargetGroup.YOUTH],
                    disaggregation=(),
                    gender_marker=GenderMarker.PRINCIPAL,
                ),
                notes="nota",
            ),
            Partnership(
                id="B",
                title="Banca rural",
                country="BO",
                actors=[actor("GIZ", ActorKind.DEVELOPMENT_PARTNER)],
            ),
        ],
        name="two",
    )


# ---------------------------------------------------------------------------
# the schema
# ---------------------------------------------------------------------------
def test_schema_covers_every_record_field() -> None:
    import attrs

    paths = {s.path for s in SCHEMA}
    top = {
        f.name
        for f in attrs.fields(Partnership)
        if f.name not in ("actors",) and not f.name.startswith("_")
    }
    groups = {
        "ownership": OwnershipEvidence,
        "results": ResultsEvidence,
        "inclusion": InclusionEvidence,
        "transparency": TransparencyEvidence,
        "leave_no_one_behind": LeaveNoOneBehindEvidence,
    }
    expected = (top - set(groups)) | {
        f"{g}.{f.name}" for g, cls in groups.items() for f in attrs.fields(cls)
    }
    assert paths == expected
    assert {s.path for s in ACTOR_SCHEMA} == {f.name for f in attrs.fields(Actor)}
    assert len(paths) == len(SCHEMA)


def test_field_spec_group_and_name() -> None:
    spec = field("ownership.government_role")
    assert (spec.group, spec.name) == ("ownership", "government_role")
    assert isinstance(spec, EnumFieldSpec)
    assert spec.enum is GovernmentRole
    assert (field("budget_usd").group, field("notes").name) == (None, "notes")
    assert field("budget_usd").enum is None


# ---------------------------------------------------------------------------
# column encodings (the module table)
# ---------------------------------------------------------------------------
def test_column_encodings(two: Portfolio) -> None:
    c = two.column
    assert c("id").dtype == object
    assert c("id").tolist() == ["A", "B"]
    assert c("country").tolist() == ["PE", "BO"]
    assert c("notes").tolist() == ["nota", ""]
    assert c("sectors").tolist() == [("140", "14030"), ()]
    assert c("start").dtype == np.dtype("datetime64[D]")
    assert c("start")[0] == np.datetime64("2020-01-01")
    assert np.isnat(c("start")[1])
    np.testing.assert_array_equal(c("budget_usd"), [1000.0, nan])
    assert c("modality").dtype == np.int16
    np.testing.assert_array_equal(c("modality"), [3, -1])  # TRIANGULAR is 4th
    np.testing.assert_array_equal(c("instruments"), [[1, 0, 0, 1, 0], [0, 0, 0, 0, 0]])
    np.testing.assert_array_equal(c("ownership.government_role"), [4.0, nan])
    np.testing.assert_array_equal(c("ownership.registered_with_agency"), [0.0, nan])
    np.testing.assert_array_equal(c("ownership.country_systems_share"), [0.25, nan])
    np.testing.assert_array_equal(c("results.indicators_total"), [4.0, nan])
    assert c("results.sdg_targets").tolist() == [("6.1", "17.b"), None]
    np.testing.assert_array_equal(c("transparency.publication"), [1.0, nan])
    tg = c("leave_no_one_behind.target_groups")
    assert tg.shape == (2, len(TargetGroup))
    np.testing.assert_array_equal(tg[0], [1, 0, 0, 0, 0, 0, 1, 0, 0, 0])
    assert np.isnan(tg[1]).all()
    dis = c("leave_no_one_behind.disaggregation")
    np.testing.assert_array_equal(dis[0], np.zeros(len(Disaggregation)))  # empty set
    assert np.isnan(dis[1]).all()  # unknown
    np.testing.assert_array_equal(c("leave_no_one_behind.gender_marker"), [2.0, nan])


@pytest.mark.parametrize("spec", SCHEMA, ids=lambda s: s.path)
def test_every_column_dtype(spec: FieldSpec) -> None:
    pf = sample_test_portfolio(12, rng=3)
    col = pf.column(spec.path)
    assert col.shape[0] == 12
    assert not col.flags.writeable
    expected = {
        "str": object,
        "strlist": object,
        "date": "datetime64[D]",
        "enum": np.int16,
        "enumset": np.float64,
    }.get(spec.kind, np.float64)
    assert col.dtype == np.dtype(expected)
    if spec.kind == "enumset":
        assert spec.enum is not None
        assert col.shape == (12, len(spec.enum))


def test_actor_columns(two: Portfolio) -> None:
    a = two.actor_column
    np.testing.assert_array_equal(a("partnership"), [0, 0, 0, 1])
    assert a("name").tolist() == ["MIDAGRI", "Banco", "UNI", "GIZ"]
    np.testing.assert_array_equal(
        a("kind"),
        [
            KINDS.index(ActorKind.GOVERNMENT),
            KINDS.index(ActorKind.PRIVATE_SECTOR),
            KINDS.index(ActorKind.ACADEMIA),
            KINDS.index(ActorKind.DEVELOPMENT_PARTNER),
        ],
    )
    np.testing.assert_array_equal(a("domestic"), [1.0, 0.0, nan, nan])
    np.testing.assert_array_equal(a("financial_contribution"), [nan, 500.0, nan, nan])
    assert a("roles")[1].tolist() == [1, 0, 0, 1, 0, 0, 0]
    assert a("currency").tolist() == ["USD"] * 4


def test_columns_are_read_only(two: Portfolio) -> None:
    with pytest.raises(ValueError, match="read-only"):
        two.column("budget_usd")[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        two.actor_column("kind")[0] = 1


def test_unknown_column_names() -> None:
    pf = sample_test_portfolio(4, rng=0)
    with pytest.raises(DataFormatError, match=r"'path' must be a field path"):
        pf.column("ownership.nope")
    with pytest.raises(DataFormatError, match=r"'name' must be one of"):
        pf.actor_column("nope")


# ---------------------------------------------------------------------------
# actor aggregates
# ---------------------------------------------------------------------------
def test_actor_kind_matrix(two: Portfolio) -> None:
    m = two.actor_kind_matrix()
    assert m.shape == (2, len(ActorKind))
    expected = np.zeros((2, len(ActorKind)))
    expected[0, KINDS.index(ActorKind.GOVERNMENT)] = 1
    expected[0, KINDS.index(ActorKind.PRIVATE_SECTOR)] = 1
    expected[0, KINDS.index(ActorKind.ACADEMIA)] = 1
    expected[1, KINDS.index(ActorKind.DEVELOPMENT_PARTNER)] = 1
    np.testing.assert_array_equal(m, expected)


def test_actor_kind_matrix_counts_repeats_and_empty_rows() -> None:
    pf = Portfolio.from_records(
        [
            Partnership(id="none", title="t"),
            Partnership(
                id="msmes",
                title="t",
                actors=[actor(f"M{i}", ActorKind.MSME) for i in range(3)],
            ),
        ]
    )
    m = pf.actor_kind_matrix()
    assert m[0].sum() == 0
    assert m[1, KINDS.index(ActorKind.MSME)] == 3
    np.testing.assert_array_equal(pf.actor_counts(), [0.0, 3.0])


def test_actor_counts(two: Portfolio) -> None:
    np.testing.assert_array_equal(two.actor_counts(), [3.0, 1.0])
    dom = two.actor_column("domestic") == 1.0
    np.testing.assert_array_equal(two.actor_counts(dom), [1.0, 0.0])
    assert two.actor_counts().dtype == np.float64


def test_actor_sum(two: Portfolio) -> None:
    np.testing.assert_array_equal(two.actor_sum(np.array([1.0, 2.0, 3.0, 4.0])), [6, 4])
    fin = two.actor_column("financial_contribution")
    out = two.actor_sum(fin)
    assert np.isnan(out[0])  # NaN if any term is NaN
    np.testing.assert_array_equal(two.actor_sum(np.nan_to_num(fin)), [500.0, 0.0])
    empty = Portfolio.from_records([Partnership(id="x", title="t")])
    np.testing.assert_array_equal(empty.actor_sum(np.empty(0)), [0.0])


# ---------------------------------------------------------------------------
# records <-> columns
# ---------------------------------------------------------------------------
def test_from_records_keeps_records(two: Portfolio) -> None:
    assert len(two) == 2
    assert two.ids == ("A", "B")
    assert two["B"].country == "BO"
    assert two[0].id == "A"
    assert [r.id for r in two] == ["A", "B"]
    assert two.index("B") == 1
    with pytest.raises(DataFormatError, match=r"'id' must be the id of a partnership"):
        two.index("Z")


def test_round_trip_through_columns(two: Portfolio) -> None:
    rebuilt = Portfolio.from_columns(dict(two.columns), dict(two.actors))
    assert rebuilt.records == two.records
    again = Portfolio.from_records(rebuilt.records)
    for path in two.columns:
        np.testing.assert_array_equal(again.column(path), two.column(path))
    for name in two.actors:
        np.testing.assert_array_equal(again.actor_column(name), two.actor_column(name))


def test_sample_portfolio_round_trips() -> None:
    pf = sample_test_portfolio(30, rng=11)
    rebuilt = Portfolio.from_columns(dict(pf.columns), dict(pf.actors))
    assert rebuilt.records == pf.records


@given(partnership_lists(max_size=5))
def test_round_trip_property(records: list[Partnership]) -> None:
    pf = Portfolio.from_records(records)
    rebuilt = Portfolio.from_columns(dict(pf.columns), dict(pf.actors))
    assert rebuilt.records == records
    assert Portfolio.from_records(rebuilt.records).ids == pf.ids


def test_round_trip_keeps_set_fields_in_any_order() -> None:
    # BUG: enumset columns store membership only, so records whose set-valued
    # fields (roles, instruments, target_groups, disaggregation) are not in
    # enum declaration order come back reordered and compare unequal.
    rec = Partnership(
        id="A",
        title="t",
        instruments=[Instrument.LOAN, Instrument.GRANT],
        actors=[actor("X", ActorKind.MSME, roles=[Role.IMPLEMENTER, Role.FUNDER])],
        leave_no_one_behind=LeaveNoOneBehindEvidence(
            target_groups=[TargetGroup.YOUTH, TargetGroup.WOMEN]
        ),
    )
    pf = Portfolio.from_records([rec])
    rebuilt = Portfolio.from_columns(dict(pf.columns), dict(pf.actors))
    assert rebuilt.records == [rec]


def test_pickle_portfolio(two: Portfolio) -> None:
    again = pickle.loads(pickle.dumps(two))
    assert again.records == two.records


def test_repr_and_html(two: Portfolio) -> None:
    assert repr(two) == "Portfolio(name='two', partnerships=2, actors=4)"
    html = two._repr_html_()
    assert "Agua segura" in html
    assert "<b>two</b>" in html
    big = sample_test_portfolio(25, rng=1)
    assert "5 more" in big._repr_html_()


def test_empty_portfolio() -> None:
    pf = Portfolio.from_records([])
    assert len(pf) == 0
    assert pf.records == []
    assert pf.actor_kind_matrix().shape == (0, len(ActorKind))


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------
def _cols(n: int = 3, **extra: Any) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "id": [f"R{i}" for i in range(n)],
        "title": [f"t{i}" for i in range(n)],
    }
    cols.update(extra)
    return cols


NO_ACTORS: dict[str, Any] = {
    "partnership": np.empty(0, dtype=np.int64),
    "name": np.empty(0, dtype=object),
    "kind": np.empty(0, dtype=np.int16),
}


def test_from_columns_minimal_defaults() -> None:
    pf = Portfolio.from_columns(_cols(2), NO_ACTORS)
    assert pf.column("country").tolist() == ["PE", "PE"]
    assert pf.column("notes").tolist() == ["", ""]
    assert pf.column("sectors").tolist() == [(), ()]
    np.testing.assert_array_equal(pf.column("instruments"), np.zeros((2, 5)))
    assert np.isnan(pf.column("leave_no_one_behind.target_groups")).all()
    assert pf.records[0] == Partnership(id="R0", title="t0")


def test_from_columns_without_actors() -> None:
    # BUG: the docstring says actors are optional ("none by default"), but
    # from_columns(columns) raises DataFormatError "'actors' must be present
    # (got 'name')" because the non-optional actor fields are required even
    # when there are no actors.
    pf = Portfolio.from_columns(_cols(2))
    assert pf.actor_counts().tolist() == [0.0, 0.0]


def test_from_columns_with_no_rows() -> None:
    # BUG: Portfolio._validate builds `ok &= np.array([...])` from an empty
    # list, which is a float64 array, so from_columns on zero rows raises
    # "TypeError: ufunc 'bitwise_and' not supported for the input types".
    pf = Portfolio.from_columns({"id": [], "title": []}, NO_ACTORS)
    assert len(pf) == 0
    assert pf.records == []


def test_from_columns_lists_all_problems() -> None:
    cols = _cols(
        3,
        budget_usd=[-1.0, 10.0, 5.0],
        **{
            "ownership.country_systems_share": [0.5, 1.5, nan],
            "ownership.government_role": [0.0, 1.0, 7.0],
        },
    )
    with pytest.raises(PortfolioValidationError) as info:
        Portfolio.from_columns(cols, NO_ACTORS, name="cartera.csv")
    err = info.value
    assert len(err.exceptions) == 3
    assert all(isinstance(e, RecordValidationError) for e in err.exceptions)
    found = {(e.where, e.field, e.value) for e in err.exceptions}  # type: ignore[attr-defined]
    assert found == {
        ("partnership 'R0'", "budget_usd", -1.0),
        ("partnership 'R1'", "ownership.country_systems_share", 1.5),
        ("partnership 'R2'", "ownership.government_role", 7.0),
    }
    notes = sorted(e.__notes__[0] for e in err.exceptions)
    assert notes == ["record 0", "record 1", "record 2"]
    text = str(err)
    assert text.startswith("cartera.csv: 3 problem(s)")
    assert "partnership 'R0': 'budget_usd' must be >= 0 (got -1.0)" in text
    assert "must be a share in [0, 1] or None (got 1.5)" in text
    assert "must be a rank from 0 to 4 of GovernmentRole (got 7.0)" in text
    assert "[record 2]" in text


def test_validation_error_pickles_with_locations() -> None:
    # BUG: KampalaError.__reduce__ (kampala/errors.py) rebuilds an error from
    # (where, field, value, expected, hint) and drops its PEP 678 __notes__,
    # so a pickled PortfolioValidationError (e.g. sent back from a worker
    # process) loses every "record i" location and its message changes.
    cols = _cols(2, budget_usd=[-1.0, -2.0])
    with pytest.raises(PortfolioValidationError) as info:
        Portfolio.from_columns(cols, NO_ACTORS)
    err = info.value
    again = pickle.loads(pickle.dumps(err))
    assert len(again.exceptions) == 2
    assert [e.__notes__ for e in again.exceptions] == [["record 0"], ["record 1"]]
    assert str(again) == str(err)


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ({"id": ["", "R1"]}, r"partnership '#0': 'id' must be a non-empty string"),
        ({"title": ["t", " "]}, r"'title' must be a non-empty string"),
        ({"country": ["pe", "PE"]}, r"'country' must be an ISO 3166-1 alpha-2"),
        ({"notes": [None, ""]}, r"'notes' must be a string"),
        ({"modality": np.array([9, -1])}, r"'modality' must be an index of Modality"),
        (
            {"budget_usd": [nan, np.inf]},
            r"'budget_usd' must be a finite number \(got inf\)",
        ),
        (
            {"results.indicators_total": [2.5, 1.0]},
            r"'results.indicators_total' must be a whole number >= 0 or None",
        ),
        (
            {"transparency.joint_reviews": [2.0, nan]},
            r"'transparency.joint_reviews' must be true, false or None \(got 2.0\)",
        ),
        (
            {"ownership.national_plan_alignment": [0.5, nan]},
            r"must be a rank from 0 to 2 of Alignment \(got 0.5\)",
        ),
        (
            {"instruments": [[nan] * 5, [0.0] * 5]},
            r"'instruments' must be a row of 0/1 flags",
        ),
        (
            {"leave_no_one_behind.target_groups": [[nan, 1.0] + [0.0] * 8, [nan] * 10]},
            r"'leave_no_one_behind.target_groups' must be a row of 0/1 flags",
        ),
        (
            {
                "leave_no_one_behind.disaggregation": [
                    [2.0] + [0.0] * 5,
                    [0.0] * 6,
                ]
            },
            r"'leave_no_one_behind.disaggregation' must be a row of 0/1 flags",
        ),
        (
            {"start": ["2021-01-01", None], "end": ["2020-01-01", "2020-01-01"]},
            r"'end' must be on or after start \(2021-01-01\) \(got '2020-01-01'\)",
        ),
        (
            {
                "results.indicators_total": [2.0, nan],
                "results.indicators_with_baseline_and_target": [3.0, 4.0],
            },
            r"'results.indicators_with_baseline_and_target' must be <= "
            r"indicators_total \(2\) \(got 3\)\. It counts a subset",
        ),
    ],
)
def test_from_columns_rejects(extra: dict[str, Any], pattern: str) -> None:
    cols = _cols(2)
    cols.update(extra)
    with pytest.raises(PortfolioValidationError, match=pattern) as info:
        Portfolio.from_columns(cols, NO_ACTORS)
    assert len(info.value.exceptions) == 1


def test_duplicate_ids_from_records() -> None:
    recs = [Partnership(id=i, title="t") for i in ("A", "B", "A", "C", "B", "A")]
    with pytest.raises(PortfolioValidationError) as info:
        Portfolio.from_records(recs, name="dups")
    err = info.value
    assert len(err.exceptions) == 2
    by_id = {e.value: e for e in err.exceptions}  # type: ignore[attr-defined]
    assert "It appears 3 times." in str(by_id["A"])
    assert by_id["A"].__notes__ == ["records 0, 2, 5"]
    assert by_id["B"].__notes__ == ["records 1, 4"]
    assert "'id' must be unique in the portfolio (got 'A')" in str(err)


def test_duplicate_ids_from_columns() -> None:
    with pytest.raises(PortfolioValidationError, match=r"'id' must be unique"):
        Portfolio.from_columns({"id": ["A", "A"], "title": ["x", "y"]}, NO_ACTORS)


def test_from_records_rejects_non_records() -> None:
    with pytest.raises(PortfolioValidationError) as info:
        Portfolio.from_records([Partnership(id="A", title="t"), {"id": "B"}, "C"])
    assert len(info.value.exceptions) == 2
    assert "record 1: 'type' must be a Partnership (got 'dict')" in str(info.value)


@pytest.mark.parametrize(
    ("columns", "actors", "pattern"),
    [
        ({"id": ["A"]}, NO_ACTORS, r"'columns' must be including 'id' and 'title'"),
        (
            {"id": ["A"], "title": ["t"], "budget": [1.0]},
            NO_ACTORS,
            r"'columns' must be a field path of kampala.portfolio.SCHEMA "
            r"\(got 'budget'\)",
        ),
        (
            {"id": ["A", "B"], "title": ["t", "u"], "budget_usd": [1.0]},
            NO_ACTORS,
            r"'budget_usd' must be of length 2 \(got 1\)",
        ),
        (
            {"id": ["A"], "title": ["t"], "instruments": [[0.0, 1.0]]},
            NO_ACTORS,
            r"'instruments' must be of shape \(n, 5\)",
        ),
        (
            {"id": ["A"], "title": ["t"], "modality": [0.5]},
            NO_ACTORS,
            r"'modality' must be integer codes",
        ),
        (
            {"id": ["A"], "title": ["t"]},
            {**NO_ACTORS, "colour": []},
            r"'actors' must be a field of kampala.portfolio.ACTOR_SCHEMA",
        ),
    ],
)
def test_from_columns_format_errors(
    columns: dict[str, Any], actors: dict[str, Any], pattern: str
) -> None:
    with pytest.raises(DataFormatError, match=pattern):
        Portfolio.from_columns(columns, actors)


def _actors(**extra: Any) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "partnership": np.array([0, 0, 1]),
        "name": np.array(["A", "B", "C"], dtype=object),
        "kind": np.array([0, 2, 1]),
    }
    cols.update(extra)
    return cols


def test_from_columns_actor_problems_listed() -> None:
    acts = _actors(
        financial_contribution=[-1.0, 2.0, nan],
        in_kind_contribution=[nan, nan, -3.0],
        kind=np.array([0, 99, 1]),
    )
    with pytest.raises(PortfolioValidationError) as info:
        Portfolio.from_columns(_cols(2), acts)
    text = str(info.value)
    assert len(info.value.exceptions) == 3
    assert "partnership 'R0': 'actors[0].financial_contribution' must be >= 0" in text
    assert (
        "partnership 'R1': 'actors[0].in_kind_contribution' must be >= 0 (got -3.0). "
        "Use None for an unknown amount." in text
    )
    assert "partnership 'R0': 'actors[1].kind' must be an index of ActorKind" in text


def test_from_columns_actor_problems_carry_location_notes() -> None:
    # BUG (STYLE section 5): every sub-error of a PortfolioValidationError
    # carries a PEP 678 note with its location; actor errors from
    # Portfolio._validate_actors carry none.
    acts = _actors(financial_contribution=[-1.0, 2.0, nan])
    with pytest.raises(PortfolioValidationError) as info:
        Portfolio.from_columns(_cols(2), acts)
    assert all(getattr(e, "__notes__", None) for e in info.value.exceptions)


def test_from_columns_bad_actor_rows() -> None:
    acts = _actors(partnership=np.array([1, 0, 0]))
    with pytest.raises(PortfolioValidationError, match=r"non-decreasing row indices"):
        Portfolio.from_columns(_cols(2), acts)
    acts = _actors(partnership=np.array([0, 0, 2]))
    with pytest.raises(PortfolioValidationError, match=r"in \[0, 2\)"):
        Portfolio.from_columns(_cols(2), acts)


@pytest.mark.parametrize(
    ("columns", "actors", "pattern"),
    [
        ({"sectors": [("abc",), ()]}, None, r"'sectors' must be an OECD DAC sector"),
        (
            {"results.sdg_targets": [("18.1",), None]},
            None,
            r"'results.sdg_targets' must be an SDG target code",
        ),
        ({"country": ["ÉÑ", "PE"]}, None, r"'country' must be an ISO 3166-1"),
        (
            {},
            {"currency": np.array(["usd"] * 3, dtype=object)},
            r"'actors\[0\]\.currency' must be an ISO 4217 code",
        ),
        (
            {},
            {"name": np.array(["", "B", "C"], dtype=object)},
            r"'actors\[0\]\.name' must be a non-empty string",
        ),
        (
            {},
            {
                "currency": np.array(["PEN", "USD", "USD"], dtype=object),
                "financial_contribution": [1.0, 2.0, nan],
            },
            r"single currency",
        ),
        ({}, {"financial_contribution": [np.inf, 1.0, 1.0]}, r"a finite number"),
        (
            {},
            {"domestic": [0.5, 1.0, nan]},
            r"'actors\[0\]\.domestic' must be true, false or None",
        ),
        (
            {},
            {"roles": [[2.0] + [0.0] * 6, [0.0] * 7, [0.0] * 7]},
            r"'actors\[0\]\.roles' must be a row of 0/1 flags",
        ),
    ],
    ids=[
        "sector-code",
        "sdg-code",
        "non-ascii-country",
        "currency",
        "actor-name",
        "mixed-currencies",
        "infinite-contribution",
        "domestic-flag",
        "role-flags",
    ],
)
def test_from_columns_validates_what_records_validate(
    columns: dict[str, Any], actors: dict[str, Any] | None, pattern: str
) -> None:
    # BUG: Portfolio.from_columns promises to "validate everything" and report
    # every problem at once, but it accepts these values. Some then fail
    # lazily when `.records` is first used (as a bare RecordValidationError
    # for actor and evidence-group fields); the domestic and role flags are
    # silently decoded (0.5 -> False, 2.0 -> role dropped) while the scorers
    # read the raw column.
    cols = _cols(2)
    cols.update(columns)
    with pytest.raises(PortfolioValidationError, match=pattern):
        Portfolio.from_columns(cols, _actors(**(actors or {})))


def test_validation_never_lets_values_through_to_records() -> None:
    pf = Portfolio.from_columns(
        _cols(2, **{"ownership.national_plan_alignment": [2.0, nan]}), NO_ACTORS
    )
    assert pf.records[0].ownership.national_plan_alignment is Alignment.FULL
