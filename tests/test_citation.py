"""CITATION.cff is valid YAML with the fields citers need, and agrees with the code."""

from __future__ import annotations

from pathlib import Path

import pytest

import kampala

yaml = pytest.importorskip("yaml")

CFF = Path(__file__).resolve().parents[1] / "CITATION.cff"


def test_citation_file_matches_the_package() -> None:
    meta = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert meta["cff-version"] == "1.2.0"
    assert meta["type"] == "software"
    assert meta["title"] == "kampala"
    assert str(meta["version"]) == kampala.__version__
    assert meta["license"] == "MIT"
    # the methodology hash and the non-official status are part of the message
    assert "hash" in meta["message"]
    assert "not an official GPEDC score" in " ".join(meta["abstract"].split())
    titles = [ref["title"] for ref in meta["references"]]
    assert any("Kampala Principles" in t for t in titles)
    assert any("Handbook on Constructing Composite Indicators" in t for t in titles)
