"""``kampala report`` and ``render_report`` on hostile input.

Untrusted text (titles, actor names, notes) is shown as text, never run as
markup; a report that cannot be written leaves nothing behind; the page
references nothing outside itself whatever the data hold.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kampala import Methodology, Portfolio
from kampala.records import Actor, ActorKind, Partnership, Role
from tests.hostile.harness import assert_clean_failure, run

markupsafe = pytest.importorskip("markupsafe")
pytest.importorskip("jinja2")
pytest.importorskip("matplotlib")

from kampala.report import render_report  # noqa: E402


def _urls(page: str) -> list[str]:
    """Every src and href attribute of the page, as a browser parses it."""
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(
            self, tag: str, attrs: list[tuple[str, str | None]]
        ) -> None:
            found.extend(v or "" for k, v in attrs if k in ("src", "href", "srcset"))

    Parser().feed(page)
    return found


HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</style><style>body{background:url(https://evil.example/x.png)}</style>",
    "{{ 7*7 }} {% raw %}",
    "\u202eevil\u202c \u0000-free but odd: \u200b",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_untrusted_text_is_escaped_and_fetches_nothing(text: str) -> None:
    if "\u0000" in text:
        text = text.replace("\u0000", "")
    pf = Portfolio.from_records(
        [
            Partnership(
                id="A-1",
                title=text,
                actors=[
                    Actor(name=text, kind=ActorKind.PRIVATE_SECTOR, roles=[Role.FUNDER])
                ],
            ),
            Partnership(id="B-2", title="Agua segura"),
        ],
        name=text,
    )
    page = render_report(Methodology.default().run(pf), pf, lang="es")
    assert "<script" not in page
    assert "<img src=x" not in page
    assert "<style>body" not in page  # the title's markup stays text
    for url in _urls(page):
        assert url.startswith(("#", "data:")), url[:80]
    assert str(markupsafe.escape(text)) in page  # shown as text, not run


def test_report_to_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    out = run(["report", "--out", "no/such/dir/r.html"], tmp_path)
    assert_clean_failure(out, names=["kampala report", "no/such/dir/r.html"], limit=60)


def test_bad_portfolio_writes_no_report(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps([{"id": "A"}]))
    out = run(["report", "p.json"], tmp_path)
    assert_clean_failure(out, names=["title"])
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--pdf", "r.pdf"], ["--pdf", "WeasyPrint"]),
        (["--out", "r.csv"], ["--out", ".csv"]),
        (["--pdf", "r.html"], ["--pdf", ".html"]),
        (["--sensitivity", "--n", "100"], ["--n", "100"]),
        (["--rng", "-1"], ["--rng"]),
        (["--lang", "fr"], ["--lang"]),
    ],
)
def test_bad_options_fail_before_any_work(
    tmp_path: Path, args: list[str], words: list[str]
) -> None:
    out = run(["report", *args], tmp_path)
    if "--pdf" in args and "r.pdf" in args:
        import importlib.util

        if importlib.util.find_spec("weasyprint") is not None:  # pragma: no cover
            pytest.skip("WeasyPrint is installed here")
    assert_clean_failure(out, names=words, limit=5.0)
