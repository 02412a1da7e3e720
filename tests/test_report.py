"""The portfolio report: self-contained, escaped, in both languages."""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from kampala import Methodology
from kampala.data import sample_portfolio

pytest.importorskip("jinja2")
pytest.importorskip("matplotlib")

from kampala.report import render_report, run_robustness


class _Refs(HTMLParser):
    """Collect every URL-bearing attribute and the text of style elements."""

    URL_ATTRS = frozenset(
        {"src", "href", "srcset", "action", "formaction", "poster", "data",
         "xlink:href", "background", "cite", "manifest", "ping"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self.css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in self.URL_ATTRS and value is not None:
                self.urls.append(value)
            if name == "style" and value:
                self.css.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.css.append(data)


def assert_self_contained(page: str) -> None:
    """Nothing outside the page: no web address, only anchors and data: URIs."""
    assert not re.search(r"https?://", page), "a web address in the report"
    refs = _Refs()
    refs.feed(page)
    for url in refs.urls:
        assert url.startswith(("#", "data:")), f"external reference {url[:80]!r}"
        assert not url.startswith("//")
    assert not {"script", "link", "iframe", "object", "embed", "base"} & refs.tags
    css = "\n".join(refs.css)
    assert "@import" not in css
    for m in re.finditer(r"url\(\s*['\"]?([^'\")]*)", css):
        assert m.group(1).startswith("data:"), f"CSS url({m.group(1)[:60]})"


@pytest.fixture(scope="module")
def pf() -> Any:
    return sample_portfolio()


@pytest.fixture(scope="module")
def card(pf: Any) -> Any:
    return Methodology.default().run(pf)


@pytest.fixture(scope="module")
def robustness(pf: Any) -> Any:
    return run_robustness(Methodology.default(), pf, n=64, lang="es", rng=11)


@pytest.fixture(scope="module")
def page_en(card: Any, pf: Any) -> str:
    return render_report(card, pf, methodology=Methodology.default(), lang="en")


@pytest.fixture(scope="module")
def page_es(card: Any, pf: Any, robustness: Any) -> str:
    return render_report(
        card, pf, methodology=Methodology.default(), robustness=robustness, lang="es"
    )


def test_report_references_nothing_outside_itself(page_en: str, page_es: str) -> None:
    assert_self_contained(page_en)
    assert_self_contained(page_es)


def test_the_checker_sees_external_references() -> None:
    for bad in (
        '<img src="https://x.org/a.png">',
        '<a href="//cdn.example/x">x</a>',
        "<style>@import 'a.css';</style>",
        "<style>body{background:url(a.png)}</style>",
        '<script src="data:text/javascript,1"></script>',
    ):
        with pytest.raises(AssertionError):
            assert_self_contained(bad)


def test_english_report_has_every_section(page_en: str, card: Any) -> None:
    for anchor in ("summary", "ranking", "heatmap", "actors", "profiles", "appendix"):
        assert f'id="{anchor}"' in page_en
    assert 'id="robustness"' not in page_en
    assert "Summary for decision makers" in page_en
    assert "This report assesses 48 partnerships" in page_en
    assert card.methodology.sha256 in page_en
    assert card.kampala_version in page_en
    assert "not an official GPEDC assessment or score" in page_en
    assert page_en.count('class="profile"') == 48
    assert "South-South co-operation" in page_en
    assert "triangular co-operation" in page_en
    assert "data:image/svg+xml;base64," in page_en


def test_spanish_report_reads_spanish(page_es: str, robustness: Any) -> None:
    assert '<html lang="es">' in page_es
    for text in (
        "Resumen para tomadores de decisiones",
        "Este informe evalúa 48 alianzas",
        "Clasificación de las alianzas",
        "Aportes de los actores",
        "cooperación Sur-Sur",
        "Fichas de las alianzas",
        "Anexo metodológico",
        "No es una evaluación ni un puntaje oficial de la GPEDC",
        "¿Qué tan sólida es la clasificación?",
    ):
        assert text in page_es, text
    assert f"semilla {robustness.seed}" in page_es  # the seed, in the appendix
    assert "Summary for decision makers" not in page_es


def test_partnership_title_is_escaped(card: Any, pf: Any) -> None:
    import attrs

    from kampala import Portfolio

    records = [attrs.evolve(pf.records[0], title="<script>alert('x')</script>")]
    evil = Portfolio.from_records(records, name="<b>cartera</b>")
    page = render_report(Methodology.default().run(evil), evil, lang="en")
    assert "<script>" not in page
    assert "<b>cartera" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert_self_contained(page)


class _WithoutBounds:
    """A scorecard of a methodology that gives no evidence bounds."""

    def __init__(self, card: Any) -> None:
        self._card = card

    def __getattr__(self, name: str) -> Any:
        if name == "next_evidence":
            raise AttributeError(name)
        return getattr(self._card, name)

    def table(self) -> list[dict[str, Any]]:
        cut = ("_low", "_high", "rank_best", "rank_worst")
        return [
            {k: v for k, v in row.items() if not k.endswith(cut)}
            for row in self._card.table()
        ]


def test_bounds_and_next_evidence_appear_when_the_scorecard_has_them(
    card: Any, pf: Any, page_en: str
) -> None:
    assert "possible range" in page_en
    assert "possible ranks" in page_en
    assert "What to collect next" in page_en
    assert 'class="range"' in page_en  # the profile bars show the ranges
    top = card.next_evidence().partnerships["PE-ENE-005"][0]
    assert f"({top.code}) — narrows the overall range by up to" in page_en
    page = render_report(_WithoutBounds(card), pf, lang="en")
    assert "possible range" not in page
    assert "What to collect next" not in page
    assert_self_contained(page)


def test_report_without_portfolio_leaves_out_the_actors(card: Any) -> None:
    page = card.report(lang="en")
    assert 'id="actors"' not in page
    assert 'id="profiles"' in page
    assert "The full description of the methodology was not given" in page


def test_missing_extra_names_it(card: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jinja2", None)
    with pytest.raises(ImportError, match=r"pip install 'kampala\[report\]'"):
        card.report()


def test_command_writes_the_report(tmp_path: Path) -> None:
    from kampala.cli import main

    out = tmp_path / "informe.html"
    assert main(["report", "--lang", "es", "--out", str(out)]) == 0
    page = out.read_text("utf-8")
    assert "Resumen para tomadores de decisiones" in page
    assert "kampala.data.sample_portfolio()" in page  # the data source
    assert_self_contained(page)


def test_portfolio_must_be_the_one_scored(card: Any, pf: Any) -> None:
    from kampala import ParameterValueError, Portfolio

    other = Portfolio.from_records(pf.records[:3], name="otra")
    with pytest.raises(ParameterValueError, match=r"'portfolio' must be the portfolio"):
        card.report(other)


def test_sobol_figure_names_the_choices_in_words(robustness: Any) -> None:
    assert robustness.factor_labels == (
        "pesos de los principios",
        "agregación de los principios",
    )


def test_a_portfolio_without_evidence_gets_a_plain_report() -> None:
    # as an IATI import without the evidence IATI cannot hold
    from kampala import Portfolio
    from kampala.records import Partnership

    empty = Portfolio.from_records(
        [Partnership(id=f"X-{i}", title=f"Proyecto {i}") for i in range(4)]
    )
    kps = Methodology.default()
    rob = run_robustness(kps, empty, n=64, lang="en", rng=0)
    page = kps.run(empty).report(empty, methodology=kps, robustness=rob, lang="en")
    assert "None of them has enough evidence for an overall score" in page
    assert "The records hold no amounts for the actors&#39; contributions." in page
    assert "robustness of the ranking cannot be assessed" in page
    assert "insufficient evidence (coverage below 50%): P1 0%" in page
    assert_self_contained(page)
