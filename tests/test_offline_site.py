"""The documentation site works offline: tools/check_offline_site.py and its setup.

``make docs`` builds the site and runs the checker on it; these tests check
the checker on small pages and the configuration it relies on, without a
build.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = _load(ROOT / "tools" / "check_offline_site.py", "check_offline_site")
hook = _load(ROOT / "docs" / "hooks" / "offline.py", "offline_hook")


@pytest.mark.parametrize(
    "html",
    [
        '<script src="https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js"></script>',
        '<script src="//cdn.example.org/x.js"></script>',
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">',
        '<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>',
        '<img src="https://img.shields.io/badge/x.svg">',
        '<script type="module">await import("https://cdnjs.cloudflare.com/m.mjs")</script>',
        "<style>@import url('https://fonts.googleapis.com/css');</style>",
        "<div style=\"background: url('http://example.org/a.png')\"></div>",
    ],
)
def test_remote_resources_are_found(html: str) -> None:
    assert len(checker.check_html(html)) == 1


@pytest.mark.parametrize(
    "html",
    [
        '<script src="../javascripts/vendor/mathjax/tex-svg-full.js"></script>',
        '<a href="https://doi.org/10.1787/9789264043466-en">OECD 2008</a>',
        '<link rel="canonical" href="https://kampala.readthedocs.io/">',
        '<img src="data:image/png;base64,AAAA">',
        "<script>const url = 'https://example.org'; // a string, not a load</script>",
        "<p>https://unpkg.com/mathjax in the text</p>",
    ],
)
def test_local_resources_and_links_pass(html: str) -> None:
    assert checker.check_html(html) == []


def test_css_fonts_on_another_host_are_found() -> None:
    css = "@font-face{src:url(https://fonts.gstatic.com/s/roboto.woff2)}"
    assert checker.check_css(css) == ["https://fonts.gstatic.com/s/roboto.woff2"]


def test_check_site_and_exit_status(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<script src="https://unpkg.com/x.js"></script>', encoding="utf-8"
    )
    (tmp_path / "ok.html").write_text("<p>offline</p>", encoding="utf-8")
    assert checker.check_site(tmp_path) == [
        "a/index.html: <script src> https://unpkg.com/x.js"
    ]
    assert checker.main([str(tmp_path)]) == 1
    (tmp_path / "a" / "index.html").write_text("<p>fixed</p>", encoding="utf-8")
    assert checker.main([str(tmp_path)]) == 0
    assert checker.main([str(tmp_path / "missing")]) == 2


def test_the_hook_drops_the_mermaid_loader_of_pages_without_diagrams() -> None:
    page = (
        '<script src=""> </script><script type="module">\n'
        "const d = document.querySelectorAll('.jp-Mermaid > pre.mermaid');\n"
        'await import("https://cdnjs.cloudflare.com/ajax/libs/mermaid/11/m.mjs");'
        "\n</script><p>text</p>"
    )
    out = hook.on_post_page(page, None, None)
    assert out == "<p>text</p>"
    assert checker.check_html(out) == []
    with_diagram = page + '<div class="jp-Mermaid"><pre class="mermaid">a</pre></div>'
    assert "cdnjs" in hook.on_post_page(with_diagram, None, None)


def test_the_site_configuration_is_offline() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "font: false" in config
    scripts = config.split("extra_javascript:")[1].split("\n\n")[0].splitlines()
    entries = [line.strip()[2:] for line in scripts if line.strip().startswith("- ")]
    assert entries, "extra_javascript not found"
    assert not [e for e in entries if "//" in e], entries
    assert (ROOT / "docs/javascripts/vendor/mathjax/tex-svg-full.js").stat().st_size
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "tools/check_offline_site.py site" in makefile
