"""CSV as Excel writes it in a Spanish locale, and values written in Spanish."""

from __future__ import annotations

import codecs
import enum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kampala.scales as sc
from kampala.data import sample_portfolio
from kampala.errors import (
    DataFormatError,
    ParameterValueError,
    PortfolioValidationError,
)
from kampala.io import read_portfolio, write_portfolio, write_template
from kampala.io._csv_dialect import Dialect, detect_dialect
from kampala.io._headers import canonical_column, header_row
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.records import GovernmentRole
from kampala.schema import ACTOR_SCHEMA, SCHEMA
from tests.strategies_records import portfolios

SCALES = [c for c in vars(sc).values() if isinstance(c, type) and c in sc._ES]


def _card(pf: Portfolio) -> dict[str, Any]:
    return Methodology.default().run(pf).to_dict()


@pytest.mark.parametrize(
    "options",
    [
        {"sep": ";", "encoding": "cp1252"},
        {"sep": ";", "decimal": ",", "encoding": "utf-8-sig", "lang": "es"},
        {"sep": "\t", "lang": "en"},
    ],
)
def test_spanish_csv_round_trip_scores_as_json(tmp_path: Path, options: dict) -> None:
    pf = sample_portfolio()
    path = tmp_path / "cartera.csv"
    write_portfolio(pf, path, **options)
    back = read_portfolio(path, name=pf.name)  # every option detected
    assert back.records == pf.records
    assert _card(back) == _card(pf)


def test_excel_spanish_bytes_are_detected(tmp_path: Path) -> None:
    text = (
        "id;título;budget_usd;ownership.government_role;"
        "ownership.country_systems_share;notes\r\n"
        "PE-1;Educación rural;1.500.000,50;codiseñado;0,25;año\r\n"
        "PE-2;Agua;2500;Lidera;;\r\n"
    )
    path = tmp_path / "cartera.csv"
    path.write_bytes(text.encode("cp1252"))
    assert detect_dialect(path.read_bytes()) == Dialect(
        sep=";", decimal=",", encoding="cp1252"
    )
    pf = read_portfolio(path)
    a, b = pf.records
    assert (a.title, a.budget_usd, a.notes) == ("Educación rural", 1500000.5, "año")
    assert a.ownership.government_role is GovernmentRole.CO_DESIGNED
    assert a.ownership.country_systems_share == 0.25
    assert b.ownership.government_role is GovernmentRole.LEADS
    assert b.budget_usd == 2500.0
    bom = tmp_path / "utf8.csv"
    bom.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert read_portfolio(bom).records == pf.records


def test_wrong_separator_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cartera.csv"
    path.write_text("id;title;notes\nA;Agua;x\n", encoding="utf-8")
    with pytest.raises(DataFormatError) as info:
        read_portfolio(path, sep=",")
    message = str(info.value)
    assert "\n" not in message
    assert len(message) < 200
    assert "'sep' must be the separator of the file, which is ';'" in message
    assert "line 1" in message


def test_latin1_later_in_a_utf8_file_says_how(tmp_path: Path) -> None:
    path = tmp_path / "cartera.csv"
    path.write_bytes(b"id,title\nA,Agua\n" + b"x" * 70_000 + b",Ca\xf1ete\n")
    with pytest.raises(DataFormatError, match=r"--encoding cp1252") as info:
        read_portfolio(path)
    assert "line 3" in str(info.value)
    assert read_portfolio(path, encoding="cp1252").records[1].title == "Cañete"


def test_bad_options_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,title\nA,B\n", encoding="utf-8")
    for options, field in (
        ({"sep": "|"}, "'sep'"),
        ({"decimal": ";"}, "'decimal'"),
        ({"encoding": "ebcdic"}, "'encoding'"),
        ({"sheet": "Hoja1"}, "'sheet'"),
    ):
        with pytest.raises(ParameterValueError, match=field):
            read_portfolio(path, **options)
    with pytest.raises(ParameterValueError, match="'lang'"):
        write_portfolio(sample_portfolio(), tmp_path / "x.json", lang="es")


def test_decimal_comma_unquoted_gives_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,title,budget_usd\nA,Agua,1,5\n", encoding="utf-8")
    with pytest.raises(PortfolioValidationError, match=r"'row' must be 3 cells") as e:
        read_portfolio(path)
    assert "save the file with ';' between cells" in str(e.value)


def test_utf16_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_bytes("id\ttitle\nA\tB\n".encode("utf-16"))
    with pytest.raises(DataFormatError, match="'CSV UTF-8'"):
        read_portfolio(path, format="csv")


def test_wrong_spanish_label_suggests_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "id;título;ownership.government_role\nA;Agua;codiseniado\n", encoding="utf-8"
    )
    with pytest.raises(PortfolioValidationError) as info:
        read_portfolio(path)
    (err,) = info.value.exceptions
    assert "(got 'codiseniado'). Did you mean 'codiseñado'?" in str(err)
    assert err.__notes__ == ["line 2"]


@pytest.mark.parametrize("cls", SCALES, ids=lambda c: c.__name__)
def test_every_member_has_a_distinct_spanish_label(cls: type[enum.Enum]) -> None:
    names = [sc.label(m, "es") for m in cls]
    assert len({sc.fold(n) for n in names}) == len(cls)
    for m in cls:
        assert sc.parse_member(cls, sc.label(m, "es")) is m
        assert sc.parse_member(cls, sc.label(m, "es").upper()) is m
        assert sc.parse_member(cls, str(m.value)) is m


@given(st.sampled_from([(c, m) for c in SCALES for m in c]))
def test_labels_parse_back_folded(pair: tuple[type[enum.Enum], enum.Enum]) -> None:
    cls, member = pair
    text = sc.label(member, "es")
    assert sc.parse_member(cls, f"  {text.title()} ") is member


def test_headers_by_label_map_to_one_column_each() -> None:
    for spec in SCHEMA:
        for text in (spec.path, spec.label, spec.label_es):
            assert canonical_column(text) == spec.path
            assert canonical_column(text.upper()) == spec.path
    columns = [f"actor_3_{s.path}" for s in ACTOR_SCHEMA]
    for lang in ("en", "es"):
        assert [canonical_column(h) for h in header_row(columns, lang)] == columns


def test_format_reference_lists_the_spanish_labels() -> None:
    from kampala.io._headers import spanish_labels_table

    docs = Path(__file__).parents[2] / "docs" / "reference" / "formats.md"
    text = docs.read_text(encoding="utf-8")
    start = text.index("<!-- generated: kampala.io._headers.spanish_labels_table()")
    start = text.index("\n", start) + 1
    end = text.index("<!-- end spanish labels -->")
    assert text[start:end].strip() == spanish_labels_table()


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow])
@given(pf=portfolios(max_size=3), spanish=st.booleans())
def test_spanish_dialect_round_trip_property(
    tmp_path_factory: pytest.TempPathFactory, pf: Portfolio, spanish: bool
) -> None:
    path = tmp_path_factory.mktemp("es") / "p.csv"
    options = {"sep": ";", "lang": "es"} if spanish else {"sep": "\t", "lang": "en"}
    write_portfolio(pf, path, encoding="utf-8-sig", **options)
    assert read_portfolio(path).records == pf.records
    xlsx = path.with_suffix(".xlsx")
    write_portfolio(pf, xlsx, lang=options["lang"])
    assert read_portfolio(xlsx).records == pf.records
    write_template(xlsx, lang=options["lang"], portfolio=pf)
    assert read_portfolio(xlsx).records == pf.records


def test_hints_follow_the_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAMPALA_LANG", "es")
    path = tmp_path / "c.csv"
    path.write_text("id;title;modality\nA;Agua;sur sud\n", encoding="utf-8")
    with pytest.raises(PortfolioValidationError, match=r"¿Quiso decir 'sur-sur'\?"):
        read_portfolio(path)
