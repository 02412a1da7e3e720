from __future__ import annotations

import csv
import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kampala.data import sample_portfolio_path
from kampala.errors import (
    DataFormatError,
    ParameterTypeError,
    ParameterValueError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.io import _csv_format as csv_format
from kampala.io import (
    portfolio_from_dicts,
    portfolio_from_pandas,
    portfolio_to_dicts,
    portfolio_to_pandas,
    read_portfolio,
    write_portfolio,
)
from kampala.portfolio import SCHEMA, Portfolio
from kampala.records import (
    Actor,
    ActorKind,
    AdditionalityLevel,
    Alignment,
    CapacityLevel,
    DataPublication,
    DialogueLevel,
    Disaggregation,
    EvaluationStatus,
    GenderMarker,
    GovernmentRole,
    InclusionEvidence,
    Instrument,
    LeaveNoOneBehindEvidence,
    Modality,
    OwnershipEvidence,
    Partnership,
    ProvisionLevel,
    ReportingFrequency,
    ResultsEvidence,
    RiskSharing,
    Role,
    TargetGroup,
    TransparencyEvidence,
)

FORMATS = ("json", "jsonl", "csv")


# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------
# characters that stress CSV and JSON: separators, quotes, line breaks, the
# placeholders the fast CSV reader uses, non-ASCII text
_CHARS = st.one_of(
    st.sampled_from(list(',;"\n\r \t[]\x00\x03\u2028\x85é')),
    st.characters(codec="utf-8"),
)
text = st.text(_CHARS, max_size=12)
nonblank = text.filter(lambda s: bool(s.strip()))
place = nonblank.filter(lambda s: ";" not in s and s != "[]")
shares = st.floats(0.0, 1.0)
amounts = st.one_of(
    st.floats(min_value=0.0, allow_nan=False, allow_infinity=False),
    st.just(-0.0),
    st.integers(0, 2**53).map(float),
)


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def members(cls: Any) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(list(cls)), unique=True, max_size=4)


@st.composite
def actors(draw: st.DrawFn, currency: str) -> Actor:
    return Actor(
        name=draw(nonblank),
        kind=draw(st.sampled_from(list(ActorKind))),
        roles=draw(members(Role)),
        domestic=draw(opt(st.booleans())),
        financial_contribution=draw(opt(amounts)),
        in_kind_contribution=draw(opt(amounts)),
        currency=currency,
    )


@st.composite
def results(draw: st.DrawFn) -> ResultsEvidence:
    total = draw(opt(st.integers(0, 10**6)))
    bound = 10**6 if total is None else total
    return ResultsEvidence(
        indicators_total=total,
        indicators_with_baseline_and_target=draw(opt(st.integers(0, bound))),
        indicators_from_country_frameworks=draw(opt(st.integers(0, bound))),
        sdg_targets=draw(
            opt(st.lists(st.sampled_from(["5.5", "17.b", "1.1", "10.2"]), unique=True))
        ),
        sdg_goals=draw(
            opt(st.lists(st.sampled_from([str(g) for g in range(1, 18)]), unique=True))
        ),
        additionality=draw(opt(st.sampled_from(list(AdditionalityLevel)))),
        target_progress=draw(opt(shares)),
    )


@st.composite
def partnerships(draw: st.DrawFn, pid: str) -> Partnership:
    start = draw(opt(st.dates()))
    end = draw(opt(st.dates(min_value=start or dt.date.min)))
    currency = draw(st.sampled_from(["USD", "PEN", "EUR"]))

    def ordinal(cls: Any) -> Any:
        return draw(opt(st.sampled_from(list(cls))))

    return Partnership(
        id=pid,
        title=draw(nonblank),
        country=draw(st.from_regex(r"[A-Z]{2}", fullmatch=True)),
        sectors=draw(st.lists(st.sampled_from(["311", "31120", "14030"]), max_size=3)),
        locations=draw(st.lists(place, max_size=2)),
        start=start,
        end=end,
        budget_usd=draw(opt(amounts)),
        modality=ordinal(Modality),
        instruments=draw(members(Instrument)),
        actors=draw(st.lists(actors(currency), max_size=3)),
        ownership=OwnershipEvidence(
            national_plan_alignment=ordinal(Alignment),
            government_role=ordinal(GovernmentRole),
            country_systems_share=draw(opt(shares)),
            registered_with_agency=draw(opt(st.booleans())),
            local_capacity=ordinal(CapacityLevel),
        ),
        results=draw(results()),
        inclusion=InclusionEvidence(
            dialogue=ordinal(DialogueLevel),
            shared_governance=draw(opt(st.booleans())),
            msme_access=ordinal(ProvisionLevel),
        ),
        transparency=TransparencyEvidence(
            publication=ordinal(DataPublication),
            publication_completeness=draw(opt(shares)),
            reporting_frequency=ordinal(ReportingFrequency),
            evaluation=ordinal(EvaluationStatus),
            grievance_mechanism=draw(opt(st.booleans())),
            contributions_disclosed=draw(opt(st.booleans())),
            joint_reviews=draw(opt(st.booleans())),
        ),
        leave_no_one_behind=LeaveNoOneBehindEvidence(
            target_groups=draw(opt(members(TargetGroup))),
            poor_district_share=draw(opt(shares)),
            disaggregation=draw(opt(members(Disaggregation))),
            gender_marker=ordinal(GenderMarker),
            safeguards=ordinal(ProvisionLevel),
            risk_sharing=ordinal(RiskSharing),
            private_solution_case=ordinal(ProvisionLevel),
        ),
        notes=draw(text),
    )


#: Valid ids (no white space or invisible character), and no two alike in
#: case or width, which would warn (ConfusableIdWarning).
_ID_TEXT = st.text(
    st.characters(codec="latin-1", categories=("L", "N", "P", "S")).filter(
        lambda c: c != "\u00b5"  # MICRO SIGN: NFKC makes it a Greek mu
    ),
    min_size=1,
    max_size=10,
)


def _id_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@st.composite
def portfolios(draw: st.DrawFn) -> Portfolio:
    ids = draw(st.lists(_ID_TEXT, unique_by=_id_key, max_size=4))
    return Portfolio.from_records([draw(partnerships(pid)) for pid in ids])


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def full_record(pid: str = "PE-1", **changes: Any) -> Partnership:
    rec = Partnership(
        id=pid,
        title="Riego tecnificado, Piura",
        sectors=["31140"],
        locations=["Piura"],
        start=dt.date(2021, 3, 1),
        end=dt.date(2024, 2, 29),
        budget_usd=1_250_000.5,
        modality=Modality.MULTI_STAKEHOLDER,
        instruments=[Instrument.GRANT, Instrument.BLENDED],
        actors=[
            Actor(
                name="MIDAGRI",
                kind=ActorKind.GOVERNMENT,
                roles=[Role.IMPLEMENTER],
                domestic=True,
                financial_contribution=0.0,
                in_kind_contribution=1e5,
            ),
            Actor(name='Cooperativa "Valle", Piura', kind=ActorKind.MSME),
        ],
        ownership=OwnershipEvidence(
            government_role=GovernmentRole.CO_DESIGNED, country_systems_share=0.25
        ),
        results=ResultsEvidence(indicators_total=12, sdg_targets=[]),
        leave_no_one_behind=LeaveNoOneBehindEvidence(
            gender_marker=GenderMarker.PRINCIPAL, target_groups=[TargetGroup.WOMEN]
        ),
        notes='Notas: "piloto", fase 1',
    )
    return attrs.evolve(rec, **changes)


def small_portfolio() -> Portfolio:
    return Portfolio.from_records(
        [
            full_record("PE-1"),
            full_record("PE-2", actors=[], notes="línea 1\nlínea 2"),
            Partnership(id="PE-3", title="Banca rural"),
        ]
    )


def problems(exc: pytest.ExceptionInfo[PortfolioValidationError]) -> list[str]:
    return [f"{e} {getattr(e, '__notes__', [])}" for e in exc.value.exceptions]


def write_csv_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    return path


def csv_rows(tmp_path: Path, pf: Portfolio) -> list[list[str]]:
    path = tmp_path / "base.csv"
    write_portfolio(pf, path)
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def set_cell(rows: list[list[str]], row: int, column: str, value: str) -> None:
    rows[row][rows[0].index(column)] = value


def write_json(path: Path, partnerships: Any) -> Path:
    doc = {"format": "kampala.portfolio/1", "name": "t", "partnerships": partnerships}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def base_item(pid: str = "A", **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"id": pid, "title": "Agua segura"}
    for path, value in changes.items():
        if "." in path:
            group, name = path.split(".")
            item.setdefault(group, {})[name] = value
        else:
            item[path] = value
    return item


# ---------------------------------------------------------------------------
# round trips
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_is_exact(tmp_path: Path, fmt: str) -> None:
    for pf in (small_portfolio(), read_portfolio(sample_portfolio_path())):
        first = tmp_path / f"first.{fmt}"
        second = tmp_path / f"second.{fmt}"
        write_portfolio(pf, first)
        back = read_portfolio(first)
        assert back.records == pf.records
        assert len(back) == len(pf)
        for spec in SCHEMA:
            np.testing.assert_array_equal(back.column(spec.path), pf.column(spec.path))
        write_portfolio(back, second)
        assert first.read_bytes() == second.read_bytes()


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(pf=portfolios())
def test_round_trip_property(tmp_path_factory: pytest.TempPathFactory, pf: Any) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    for fmt in FORMATS:
        path = tmp / f"p.{fmt}"
        write_portfolio(pf, path)
        back = read_portfolio(path)
        assert back.records == pf.records, fmt
        again = tmp / f"q.{fmt}"
        write_portfolio(back, again)
        assert path.read_bytes() == again.read_bytes(), fmt
    assert portfolio_from_dicts(portfolio_to_dicts(pf), name="x").records == pf.records


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(pf=portfolios())
def test_csv_small_blocks(tmp_path_factory: pytest.TempPathFactory, pf: Any) -> None:
    # tiny blocks: rows and quoted cells cross block ends
    path = tmp_path_factory.mktemp("blocks") / "p.csv"
    write_portfolio(pf, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(csv_format, "_BLOCK_BYTES", 97)
        assert read_portfolio(path).records == pf.records


def test_csv_fast_path_matches_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pf = Portfolio.from_records(
        [full_record(f"P{i}", notes="a,b" if i % 2 else "") for i in range(60)]
        + [full_record("multi", notes="one\r\ntwo")]
        + [full_record(f"Q{i}") for i in range(60)]
    )
    path = tmp_path / "p.csv"
    write_portfolio(pf, path)
    monkeypatch.setattr(csv_format, "_BLOCK_BYTES", 1000)
    calls: list[int] = []
    slow = csv_format._read_block_csv

    def spy(*args: Any) -> int:
        calls.append(1)
        return slow(*args)

    monkeypatch.setattr(csv_format, "_read_block_csv", spy)
    assert read_portfolio(path).records == pf.records
    # only the block with the multi-line cell goes through the csv module
    blocks = path.stat().st_size // 1000
    assert 1 <= len(calls) < blocks / 4


def test_json_layout(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    write_portfolio(small_portfolio(), path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert list(doc) == ["format", "name", "partnerships"]
    assert doc["format"] == "kampala.portfolio/1"
    first = doc["partnerships"][0]
    assert list(first) == [f.name for f in attrs.fields(Partnership)]
    assert first["start"] == "2021-03-01"
    assert first["modality"] == "multi-stakeholder"
    assert first["instruments"] == ["grant", "blended"]
    assert first["leave_no_one_behind"]["gender_marker"] == "2"
    assert first["ownership"]["national_plan_alignment"] is None  # nulls written
    assert first["actors"][1]["currency"] == "USD"
    assert first["results"]["sdg_targets"] == []
    assert first["results"]["sdg_goals"] is None


def test_jsonl_layout(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    write_portfolio(small_portfolio(), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert json.loads(lines[2])["id"] == "PE-3"


def test_csv_layout(tmp_path: Path) -> None:
    rows = csv_rows(tmp_path, small_portfolio())
    header = rows[0]
    assert header[:11] == [
        "id",
        "title",
        "country",
        "sectors",
        "locations",
        "start",
        "end",
        "budget_usd",
        "modality",
        "instruments",
        "notes",
    ]
    assert "ownership.government_role" in header
    assert "leave_no_one_behind.target_groups" in header
    assert header[-7:] == [
        "actor_2_name",
        "actor_2_kind",
        "actor_2_roles",
        "actor_2_domestic",
        "actor_2_financial_contribution",
        "actor_2_in_kind_contribution",
        "actor_2_currency",
    ]
    first = dict(zip(header, rows[1], strict=True))
    assert first["budget_usd"] == "1250000.5"
    assert first["instruments"] == "grant;blended"
    assert first["results.sdg_targets"] == "[]"  # empty list, not missing
    assert first["results.sdg_goals"] == ""  # missing
    assert first["ownership.registered_with_agency"] == ""
    assert first["actor_1_domestic"] == "true"
    assert first["actor_1_in_kind_contribution"] == "100000.0"
    third = dict(zip(header, rows[3], strict=True))
    assert third["country"] == "PE"
    assert third["actor_1_name"] == ""


def test_csv_accepts_lf_bom_blank_lines_and_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(
        b"\xef\xbb\xbfid,title,budget_usd,results.sdg_targets\n"
        b"A,Agua,1.5,\n\nB,Banca,,[]\n"
    )
    pf = read_portfolio(path)
    assert pf.ids == ("A", "B")
    assert pf.records[0].results.sdg_targets is None
    assert pf.records[1].results.sdg_targets == ()
    assert pf.records[0].country == "PE"


def test_csv_values_written_with_repr_precision(tmp_path: Path) -> None:
    value = 0.1 + 0.2
    pf = Portfolio.from_records([Partnership(id="A", title="t", budget_usd=value)])
    path = tmp_path / "p.csv"
    write_portfolio(pf, path)
    assert repr(value) in path.read_text(encoding="utf-8")
    assert read_portfolio(path).records[0].budget_usd == value


def test_csv_writer_rejects_unrepresentable_list_items(tmp_path: Path) -> None:
    pf = Portfolio.from_records([Partnership(id="A", title="t", locations=["a;b"])])
    with pytest.raises(DataFormatError, match=r"'locations' must be free of ';'"):
        write_portfolio(pf, tmp_path / "p.csv")
    write_portfolio(pf, tmp_path / "p.json")  # JSON holds it


def test_name_and_format_options(tmp_path: Path) -> None:
    path = tmp_path / "cartera.txt"
    write_portfolio(small_portfolio(), path, format="jsonl")
    assert read_portfolio(path, format="jsonl").name == "cartera"
    assert read_portfolio(path, format="jsonl", name="x").name == "x"
    json_path = tmp_path / "p.JSON"
    write_portfolio(small_portfolio(), json_path)
    assert read_portfolio(json_path).name == "portfolio"
    # an unknown suffix: the content says JSON Lines
    assert read_portfolio(path).records == small_portfolio().records
    with pytest.raises(ParameterValueError, match=r"'format' must be given"):
        write_portfolio(small_portfolio(), path)
    with pytest.raises(ParameterValueError, match=r"'format' must be one of"):
        write_portfolio(small_portfolio(), path, format="xml")  # type: ignore[arg-type]
    with pytest.raises(ParameterTypeError, match=r"'portfolio' must be a Portfolio"):
        write_portfolio([], tmp_path / "p.csv")  # type: ignore[arg-type]


def test_bare_list_and_description_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bare.json"
    path.write_text(json.dumps([base_item("A"), base_item("B")]), encoding="utf-8")
    assert read_portfolio(path).ids == ("A", "B")
    doc = {"format": "kampala.portfolio/1", "description": "d", "partnerships": []}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert len(read_portfolio(path)) == 0


def test_dicts_round_trip() -> None:
    pf = small_portfolio()
    items = portfolio_to_dicts(pf)
    assert items[2]["budget_usd"] is None
    assert items[0]["actors"][0]["roles"] == ["implementer"]
    back = portfolio_from_dicts(items, name="again")
    assert back.records == pf.records
    assert back.name == "again"
    # Python values are accepted as well as their JSON forms
    rec = portfolio_from_dicts(
        [
            {
                "id": "A",
                "title": "t",
                "start": dt.date(2020, 1, 1),
                "modality": Modality.BILATERAL,
            }
        ],
        name="x",
    ).records[0]
    assert rec.start == dt.date(2020, 1, 1)
    assert rec.modality is Modality.BILATERAL


def test_int_amounts_written_as_floats() -> None:
    pf = Portfolio.from_records([Partnership(id="A", title="t", budget_usd=1500)])
    assert portfolio_to_dicts(pf)[0]["budget_usd"] == 1500.0
    assert isinstance(portfolio_to_dicts(pf)[0]["budget_usd"], float)


# ---------------------------------------------------------------------------
# validation: JSON and JSON Lines
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("budget_usd", -5.0, r"'budget_usd' must be >= 0 \(got -5.0\)"),
        ("budget_usd", "1,5", r"'budget_usd' must be a number or None \(got '1,5'\)"),
        ("budget_usd", True, r"'budget_usd' must be a number"),
        (
            "modality",
            "bilaterl",
            r"'modality' must be a Modality \(bilateral, multilateral, south-south,",
        ),
        ("start", "2021-02-30", r"'start' must be an ISO date 'YYYY-MM-DD'"),
        ("start", "01/02/2021", r"'start' must be an ISO date"),
        (
            "ownership.registered_with_agency",
            "yes",
            r"'ownership.registered_with_agency' must be true, false or None",
        ),
        (
            "ownership.country_systems_share",
            1.5,
            r"'ownership.country_systems_share' must be a share in \[0, 1\]",
        ),
        ("sectors", ["31A"], r"'sectors' must be an OECD DAC sector code"),
        ("sectors", "311", r"'sectors' must be a list"),
        ("results.sdg_targets", ["18.1"], r"'results.sdg_targets' must be an SDG"),
        (
            "results.sdg_goals",
            ["5", "5"],
            r"'results.sdg_goals' must be free of repeated goals",
        ),
        (
            "results.indicators_total",
            3.0,
            r"'results.indicators_total' must be a whole",
        ),
        ("country", "pe", r"'country' must be an ISO 3166-1 alpha-2 code"),
        ("title", " ", r"'title' must be a non-empty string"),
        ("notes", 5, r"'notes' must be a string"),
        (
            "leave_no_one_behind.gender_marker",
            2,
            r"'leave_no_one_behind.gender_marker' must be a GenderMarker \(0, 1, 2\)"
            r" \(got 2\). Write it as a string: '2'.",
        ),
        (
            "leave_no_one_behind.target_groups",
            ["women", "women"],
            r"'leave_no_one_behind.target_groups' must be free of repeated values",
        ),
        ("ownership", "leads", r"'ownership' must be an object with the fields of"),
    ],
)
def test_json_rejects(tmp_path: Path, field: str, value: Any, message: str) -> None:
    path = write_json(tmp_path / "bad.json", [base_item("A", **{field: value})])
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    assert len(exc.value.exceptions) == 1
    err = exc.value.exceptions[0]
    assert isinstance(err, RecordValidationError)
    assert err.where == "partnership 'A'"
    assert err.field == field
    assert err.__notes__ == ["record 0"]
    with pytest.raises(PortfolioValidationError, match=message):
        read_portfolio(path)
    assert exc.value.source == "bad.json"


def test_json_lists_every_problem(tmp_path: Path) -> None:
    items = [
        base_item("A", budget_usd=-1.0, modality="bilaterl"),
        base_item("B"),
        base_item("C", start="2022-01-01", end="2021-01-01"),
        {"title": "no id", "country": "PER"},
        base_item("A"),
    ]
    path = write_json(tmp_path / "bad.json", items)
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    found = problems(exc)
    assert len(found) == 6, found
    assert "partnership 'A': 'budget_usd' must be >= 0" in found[0]
    assert "partnership 'A': 'modality' must be a Modality" in found[1]
    assert "partnership 'C': 'end' must be on or after start (2022-01-01)" in found[2]
    assert "record 3: 'id' must be present" in found[3]
    assert "record 3: 'country' must be an ISO 3166-1" in found[4]
    assert "'id' must be unique in the portfolio (got 'A')" in found[5]
    assert found[5].endswith("['record 4']")
    assert "It is also used at record 0." in found[5]


def test_json_unknown_keys_are_errors(tmp_path: Path) -> None:
    item = base_item("A")
    item["ownership"] = {"goverment_role": "leads"}
    item["budget"] = 5.0
    path = write_json(tmp_path / "bad.json", [item])
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    found = problems(exc)
    assert len(found) == 2
    assert any(
        "'ownership.goverment_role' must be a field of OwnershipEvidence."
        " Did you mean 'government_role'?" in f
        for f in found
    )
    assert any("'budget' must be a field of Partnership" in f for f in found)


def test_json_actor_paths(tmp_path: Path) -> None:
    actors = [
        {"name": "A", "kind": "government"},
        {"name": "B", "kind": "msme", "financial_contribution": 5.0, "currency": "PEN"},
        {"name": "", "kind": "ngo", "roles": ["funder", "boss"]},
        {"name": "D", "kind": "msme", "financial_contribution": 1.0},
    ]
    path = write_json(tmp_path / "bad.json", [base_item("A", actors=actors)])
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    found = problems(exc)
    assert any("'actors[2].name' must be a non-empty string" in f for f in found)
    assert any("'actors[2].kind' must be an ActorKind (government," in f for f in found)
    assert any("'actors[2].roles[1]' must be a Role (" in f for f in found)
    assert len(found) == 3
    del actors[2]
    path = write_json(tmp_path / "bad.json", [base_item("A", actors=actors)])
    with pytest.raises(
        PortfolioValidationError,
        match=r"'actors' must be contributions in a single currency \(got \['PEN',",
    ):
        read_portfolio(path)


def test_json_other_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[{"id": "A", "title": "t", "budget_usd": NaN}, 5]', "utf-8")
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    found = problems(exc)
    assert "'budget_usd' must be a number or None (got NaN). JSON has no" in found[0]
    assert "record 1: 'partnership' must be an object with the fields of" in found[1]
    path.write_text('[{"id": "A", "title": "t"}]', "utf-8")
    assert read_portfolio(path).ids == ("A",)


def test_jsonl_errors_name_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps(base_item("A")),
        "",
        json.dumps(base_item("B", budget_usd=-1.0)),
        json.dumps({"title": "x", "budget_usd": -2.0}),
        json.dumps(base_item("C", modality="x")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    notes = [e.__notes__ for e in exc.value.exceptions]
    assert notes == [["line 3"], ["line 4"], ["line 4"], ["line 5"]]
    assert "line 4: 'id' must be present" in problems(exc)[1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bad.json",
            '{"format": "kampala.portfolio/1",\n "partnerships": [}',
            r"bad.json line 2 column \d+: 'JSON' must be well-formed JSON",
        ),
        (
            "bad.jsonl",
            '{"id": "A", "title": "t"}\n{"id": \n',
            r"bad.jsonl line 2 column \d+",
        ),
        ("bad.json", '{"format": "other", "partnerships": []}', r"'format' must be"),
        (
            "bad.json",
            '{"format": "kampala.portfolio/1", "rows": []}',
            r"'rows' must be a key",
        ),
        ("bad.json", '"text"', r"'content' must be a portfolio object"),
        ("bad.csv", "", r"'content' must be a header row"),
        ("bad.csv", 'id,title\nA,"unclosed\n', r"'CSV' must be well-formed CSV"),
    ],
)
def test_malformed_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFormatError, match=message):
        read_portfolio(path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_and_undecodable_files(tmp_path: Path, fmt: str) -> None:
    with pytest.raises(DataFormatError, match=r"'source' must be an existing file"):
        read_portfolio(tmp_path / f"nothing.{fmt}")
    path = tmp_path / f"latin1.{fmt}"
    path.write_bytes(b"Ca\xf1ete,title\n")
    if fmt == "csv":  # Windows-1252 is detected: the header is read, and wrong
        with pytest.raises(PortfolioValidationError, match="Cañete"):
            read_portfolio(path)
        return
    with pytest.raises(DataFormatError, match=r"'encoding' must be UTF-8 text"):
        read_portfolio(path)


# ---------------------------------------------------------------------------
# validation: CSV
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("column", "value", "field", "message"),
    [
        ("budget_usd", "1,5", "budget_usd", r"'budget_usd' must be a decimal number"),
        ("budget_usd", "nan", "budget_usd", r"'budget_usd' must be a decimal number"),
        ("budget_usd", " 1.5", "budget_usd", r"must be a decimal number"),
        ("budget_usd", "-3.0", "budget_usd", r"'budget_usd' must be >= 0 \(got -3.0\)"),
        (
            "ownership.registered_with_agency",
            "yes",
            "ownership.registered_with_agency",
            r"must be true, false or None \(got 'yes'\)",
        ),
        ("inclusion.shared_governance", "Vrai", "inclusion.shared_governance", "true"),
        ("modality", "bilaterl", "modality", r"'modality' must be a Modality \("),
        ("start", "2021-13-01", "start", r"'start' must be an ISO date"),
        ("end", "2021-1-1", "end", r"'end' must be an ISO date"),
        (
            "results.indicators_total",
            "3.0",
            "results.indicators_total",
            r"must be a whole number >= 0 or None \(got '3.0'\)",
        ),
        (
            "results.indicators_total",
            "-3",
            "results.indicators_total",
            r"must be a whole number >= 0 or None \(got -3\)",
        ),
        (
            "ownership.country_systems_share",
            "1.5",
            "ownership.country_systems_share",
            r"must be a share in \[0, 1\] or None \(got 1.5\)",
        ),
        ("sectors", "311;31A", "sectors", r"'sectors' must be an OECD DAC sector code"),
        ("sectors", "311,312", "sectors", r"\(got '311,312'\)"),
        ("results.sdg_targets", "18.1", "results.sdg_targets", r"must be an SDG"),
        ("results.sdg_targets", "5.5;5.5", "results.sdg_targets", "repeated targets"),
        ("country", "pe", "country", r"'country' must be an ISO 3166-1 alpha-2"),
        ("title", "  ", "title", r"'title' must be a non-empty string"),
        ("instruments", "grant;gift", "instruments", r"must be an Instrument \("),
        (
            "leave_no_one_behind.target_groups",
            "women;women",
            "leave_no_one_behind.target_groups",
            r"must be free of repeated values \(got 'women;women'\)",
        ),
        ("actor_1_kind", "ngo", "actors[0].kind", r"'actors\[0\].kind' must be a"),
        ("actor_1_name", "", "actors[0].name", r"must be a non-empty string"),
        ("actor_2_currency", "usd", "actors[1].currency", r"must be an ISO 4217"),
        (
            "actor_1_financial_contribution",
            "-1.0",
            "actors[0].financial_contribution",
            r"must be >= 0",
        ),
        ("actor_2_roles", "boss", "actors[1].roles", r"must be a Role \("),
    ],
)
def test_csv_rejects(
    tmp_path: Path, column: str, value: str, field: str, message: str
) -> None:
    rows = csv_rows(tmp_path, small_portfolio())
    set_cell(rows, 1, column, value)
    path = write_csv_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(PortfolioValidationError, match=message) as exc:
        read_portfolio(path)
    assert exc.value.source == "bad.csv"
    assert len(exc.value.exceptions) == 1, problems(exc)
    err = exc.value.exceptions[0]
    assert isinstance(err, RecordValidationError)
    assert err.field == field
    assert err.where == "partnership 'PE-1'"
    assert err.__notes__ == ["line 2"]


def test_csv_lists_every_bad_row(tmp_path: Path) -> None:
    pf = Portfolio.from_records([full_record(f"P{i}") for i in range(6)])
    rows = csv_rows(tmp_path, pf)
    set_cell(rows, 2, "budget_usd", "1,5")
    set_cell(rows, 4, "budget_usd", "abc")
    set_cell(rows, 5, "budget_usd", "-1.0")
    set_cell(rows, 5, "modality", "bilaterl")
    set_cell(rows, 6, "id", "")
    path = write_csv_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    found = problems(exc)
    assert len(found) == 5, found
    assert [e.__notes__ for e in exc.value.exceptions] == [
        ["line 3"],
        ["line 5"],
        ["line 6"],
        ["line 6"],
        ["line 7"],
    ]
    assert all("must be" in f for f in found)
    assert found[4].startswith("line 7: 'id' must be a non-empty string")


def test_csv_header_and_row_problems(tmp_path: Path) -> None:
    rows = csv_rows(tmp_path, small_portfolio())
    rows[0][rows[0].index("budget_usd")] = "budget"
    rows[2].append("extra")
    set_cell(rows, 3, "id", "PE-1")
    path = write_csv_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    found = problems(exc)
    assert (
        "header: 'budget' must be a column of the kampala portfolio CSV layout."
        in found[0]
    )
    assert "Did you mean 'budget_usd'?" in found[0]
    assert found[0].endswith("['line 1']")
    assert "line 3: 'row' must be" in found[1]
    assert "'id' must be unique in the portfolio (got 'PE-1')" in found[2]
    assert "It is also used on line 2." in found[2]
    assert len(found) == 3


def test_csv_requires_id_and_title(tmp_path: Path) -> None:
    path = write_csv_rows(tmp_path / "bad.csv", [["title"], ["a"]])
    with pytest.raises(
        PortfolioValidationError, match=r"header: 'id' must be a column"
    ):
        read_portfolio(path)


def test_csv_cross_field_checks(tmp_path: Path) -> None:
    rows = csv_rows(tmp_path, small_portfolio())
    set_cell(rows, 1, "start", "2025-01-01")
    set_cell(rows, 1, "results.indicators_with_baseline_and_target", "13")
    set_cell(rows, 1, "actor_2_financial_contribution", "5.0")
    set_cell(rows, 1, "actor_2_currency", "PEN")
    set_cell(rows, 2, "actor_2_name", "Late")
    set_cell(rows, 2, "actor_2_kind", "msme")
    path = write_csv_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    found = problems(exc)
    assert len(found) == 4, found
    assert "'end' must be on or after start (2025-01-01) (got '2024-02-29')" in found[0]
    assert "'results.indicators_with_baseline_and_target' must be <= " in found[1]
    assert "'actors' must be contributions in a single currency" in found[2]
    assert (
        "'actors[0]' must be present, since the actor_2 columns are filled" in found[3]
    )


def test_csv_multi_line_cells_keep_line_numbers(tmp_path: Path) -> None:
    pf = Portfolio.from_records(
        [full_record("A", notes="1\n2\r\n3"), full_record("B"), full_record("C")]
    )
    rows = csv_rows(tmp_path, pf)
    set_cell(rows, 3, "modality", "x")
    path = write_csv_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(PortfolioValidationError) as exc:
        read_portfolio(path)
    assert exc.value.exceptions[0].__notes__ == ["line 6"]


def test_csv_quoted_commas_in_errors_are_restored(tmp_path: Path) -> None:
    rows = csv_rows(tmp_path, small_portfolio())
    set_cell(rows, 1, "country", "P,E")
    path = write_csv_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(PortfolioValidationError, match=r"\(got 'P,E'\)"):
        read_portfolio(path)


# ---------------------------------------------------------------------------
# pandas
# ---------------------------------------------------------------------------
def test_pandas_round_trip() -> None:
    pytest.importorskip("pandas")
    for pf in (small_portfolio(), read_portfolio(sample_portfolio_path())):
        df = portfolio_to_pandas(pf)
        assert list(df.columns[:3]) == ["id", "title", "country"]
        assert str(df["results.indicators_total"].dtype) == "Int64"
        assert str(df["ownership.registered_with_agency"].dtype) == "boolean"
        assert df["ownership.government_role"].cat.ordered
        assert portfolio_from_pandas(df).records == pf.records


def test_pandas_errors_and_float_counts() -> None:
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(
        {
            "id": ["A", "B", "B"],
            "title": ["a", "b", "c"],
            "results.indicators_total": [3.0, None, 2.5],
            "budget": [1.0, 2.0, 3.0],
            "actor_2_name": [None, "x", None],
            "actor_2_kind": [None, "msme", None],
        }
    )
    with pytest.raises(PortfolioValidationError) as exc:
        portfolio_from_pandas(df, name="frame")
    found = problems(exc)
    assert "header: 'budget' must be a column" in found[0]
    assert (
        "partnership 'B': 'actors[0]' must be an object with the fields of Actor"
        in found[1]
    )
    assert "'results.indicators_total' must be a whole number" in found[2]
    assert "'id' must be unique" in found[3]
    assert len(found) == 4
    ok = portfolio_from_pandas(df.iloc[:2, :3])
    assert ok.records[0].results.indicators_total == 3
    with pytest.raises(ParameterTypeError):
        portfolio_from_pandas([])


@pytest.mark.parametrize("items", [None, {"id": "A", "title": "t"}, "A", b"A", 5])
def test_portfolio_from_dicts_needs_an_iterable_of_mappings(items: Any) -> None:
    with pytest.raises(ParameterTypeError, match="an iterable of mappings") as info:
        portfolio_from_dicts(items, name="x")
    assert info.value.field == "items"


def test_portfolio_from_dicts_takes_any_iterable() -> None:
    items = ({"id": f"P{i}", "title": f"t{i}"} for i in range(3))
    assert portfolio_from_dicts(items, name="x").ids == ("P0", "P1", "P2")
