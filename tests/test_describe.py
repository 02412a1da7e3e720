from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import attrs
import pytest

from kampala import Aggregate, Methodology, ScorerSpec
from kampala.describe import describe, to_markdown
from kampala.principles import (
    DEFAULT_SCORERS,
    Criterion,
    OwnershipScorer,
    ScorerRegistry,
)

REPO = Path(__file__).resolve().parents[1]
CRITERIA = [c for f in DEFAULT_SCORERS for c in f().criteria]


@pytest.fixture(scope="module")
def markdown_es() -> str:
    return to_markdown(Methodology.default(), lang="es")


@pytest.fixture(scope="module")
def markdown_en() -> str:
    return to_markdown(Methodology.default(), lang="en")


def _row(markdown: str, code: str) -> str:
    (row,) = [line for line in markdown.splitlines() if line.startswith(f"| `{code}`")]
    return row


def test_every_builtin_criterion_has_a_spanish_source() -> None:
    assert len(CRITERIA) == 29
    for c in CRITERIA:
        assert c.source_es, c.code


@pytest.mark.parametrize("c", CRITERIA, ids=lambda c: c.code)
def test_spanish_markdown_cites_the_spanish_source(
    markdown_es: str, c: Criterion
) -> None:
    assert _row(markdown_es, c.code).endswith(f"| {c.source_es} |")


@pytest.mark.parametrize("c", CRITERIA, ids=lambda c: c.code)
def test_english_markdown_cites_the_english_source(
    markdown_en: str, c: Criterion
) -> None:
    assert _row(markdown_en, c.code).endswith(f"| {c.source} |")


def test_spanish_markdown_has_no_english_source(markdown_es: str) -> None:
    assert "Pregunta o indicador de origen" in markdown_es
    for english in ("Toolkit ", "GPEDC indicator", "GPEDC monitoring", "OECD DAC"):
        assert english not in markdown_es
    for c in CRITERIA:
        assert c.source not in markdown_es, c.code


def test_english_markdown_has_no_spanish_source(markdown_en: str) -> None:
    assert "Caja de herramientas" not in markdown_en
    assert "del monitoreo de la GPEDC" not in markdown_en


def test_json_description_carries_both_sources() -> None:
    rows = [
        row
        for p in describe(Methodology.default())["principles"]
        for row in p["criteria"]
    ]
    assert [(r["code"], r["source"], r["source_es"]) for r in rows] == [
        (c.code, c.source, c.source_es) for c in CRITERIA
    ]


@attrs.frozen(kw_only=True)
class _UntranslatedScorer(OwnershipScorer):
    """OwnershipScorer whose first criterion has no Spanish source."""

    id: ClassVar[str] = "test.untranslated"
    criteria: ClassVar[tuple[Criterion, ...]] = (
        attrs.evolve(OwnershipScorer.criteria[0], source_es=""),
        *OwnershipScorer.criteria[1:],
    )


def test_spanish_output_falls_back_to_the_source() -> None:
    registry = ScorerRegistry(load_plugins=False)
    registry.register(_UntranslatedScorer())
    m = Methodology(
        id="demo",
        version="1",
        scorers=[ScorerSpec(principle=1, id="test.untranslated", version="1")],
        steps=[Aggregate()],
    )
    first, second = OwnershipScorer.criteria[:2]
    text = to_markdown(m, lang="es", registry=registry)
    assert _row(text, first.code).endswith(f"| {first.source} |")
    assert _row(text, second.code).endswith(f"| {second.source_es} |")
    row = describe(m, registry=registry)["principles"][0]["criteria"][0]
    assert row["source"] == row["source_es"] == first.source


@pytest.mark.parametrize("c", CRITERIA, ids=lambda c: c.code)
def test_spanish_principles_page_cites_the_spanish_source(c: Criterion) -> None:
    page = (REPO / "docs" / "es" / "principios.md").read_text(encoding="utf-8")
    linked = re.sub(r"(https?://\S+)$", r"<\1>", c.source_es)
    assert _row(page, c.code).endswith(f"| {linked} |")
