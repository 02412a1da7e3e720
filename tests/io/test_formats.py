"""The portfolio format registry: suffixes, content sniffing, the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kampala.cli import main
from kampala.errors import ParameterTypeError, ParameterValueError, RegistrationError
from kampala.io import (
    PortfolioFormat,
    available_formats,
    detect_format,
    get_format,
    read_portfolio,
    register_format,
    write_portfolio,
)
from kampala.io.formats import _REGISTRY
from kampala.portfolio import Portfolio
from kampala.records import Partnership

FIXTURES = Path(__file__).parent / "iati_fixtures"
IATI = FIXTURES / "activities-2.03.xml"


def small() -> Portfolio:
    return Portfolio.from_records(
        [
            Partnership(id="A", title="Agua", budget_usd=1.5e6),
            Partnership(id="B", title="Banca"),
        ],
        name="cartera",
    )


def test_builtin_formats() -> None:
    assert available_formats()[:4] == ("json", "jsonl", "csv", "iati")
    assert get_format("csv").write is not None
    assert get_format("iati").write is None
    with pytest.raises(ParameterValueError, match=r"'format' must be one of 'json'"):
        get_format("parquet-not-registered")


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_content_sniffing_reads_every_format(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "export.txt"
    write_portfolio(small(), path, format=fmt)
    assert detect_format(path).name == fmt
    assert read_portfolio(path).records == small().records


def test_sniffing_compact_json_document_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "doc.data"
    doc = {"format": "kampala.portfolio/1", "partnerships": [{"id": "A", "title": "x"}]}
    path.write_bytes(b"\xef\xbb\xbf  " + json.dumps(doc).encode())
    assert detect_format(path).name == "json"
    assert read_portfolio(path).ids == ("A",)


def test_sniffing_iati_without_xml_suffix(tmp_path: Path) -> None:
    path = tmp_path / "activities.dat"
    path.write_bytes(IATI.read_bytes())
    assert detect_format(path).name == "iati"
    assert len(read_portfolio(path)) == len(read_portfolio(IATI)) > 0


def test_iati_is_read_through_the_registry() -> None:
    from kampala.io.iati import import_iati

    assert read_portfolio(IATI).records == import_iati(IATI).portfolio.records


def test_register_a_format(tmp_path: Path) -> None:
    def read(path: Path, name: str | None = None) -> Portfolio:
        ids = path.read_text(encoding="utf-8").split()
        return Portfolio.from_records(
            [Partnership(id=i, title=i) for i in ids], name=name or path.stem
        )

    fmt = PortfolioFormat(
        name="ids",
        suffixes=(".ids",),
        read=read,
        sniff=lambda head: head.startswith(b"#ids"),
    )
    register_format(fmt)
    try:
        (tmp_path / "a.ids").write_text("A B", encoding="utf-8")
        (tmp_path / "b.txt").write_text("#ids C", encoding="utf-8")
        assert read_portfolio(tmp_path / "a.ids").ids == ("A", "B")
        assert read_portfolio(tmp_path / "b.txt").ids == ("#ids", "C")
        with pytest.raises(RegistrationError, match=r"'name' must be a name not yet"):
            register_format(fmt)
        clash = PortfolioFormat(name="other", suffixes=(".csv",), read=read)
        with pytest.raises(RegistrationError, match=r"'suffixes' must be a suffix"):
            register_format(clash)
        with pytest.raises(ParameterValueError, match=r"'format' must be one of"):
            write_portfolio(small(), tmp_path / "x.ids", format="ids")
        assert main(["validate", str(tmp_path / "a.ids")]) == 0
    finally:
        del _REGISTRY["ids"]
    with pytest.raises(ParameterTypeError, match=r"'fmt' must be a PortfolioFormat"):
        register_format("csv")  # type: ignore[arg-type]


def test_cli_validate_reads_iati_like_score(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(IATI)]) == 0
    out = capsys.readouterr().out
    n = len(read_portfolio(IATI))
    assert f"valid — {n} partnership" in out
    assert main(["score", str(IATI)]) == 0


def test_cli_country_only_for_iati(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    write_portfolio(small(), path)
    assert main(["score", str(path), "--country", "PE"]) == 2
    assert "--country applies to IATI XML files only" in capsys.readouterr().err


def test_sample_portfolio_without_cattrs() -> None:
    # a fresh interpreter in which the io extra cannot be imported
    code = textwrap.dedent(
        """
        import sys
        sys.modules["cattrs"] = None  # the io extra: cattrs and defusedxml
        sys.modules["defusedxml"] = None
        from kampala.data import sample_portfolio
        from kampala.io import portfolio_to_dicts
        pf = sample_portfolio()
        assert len(pf) == 48, len(pf)
        assert portfolio_to_dicts(pf)[0]["id"] == "PE-AGR-001"
        assert "cattrs" not in {m for m in sys.modules if sys.modules[m] is not None}
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr
