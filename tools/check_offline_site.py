"""Check that a built documentation site loads nothing from another host.

Usage: ``python tools/check_offline_site.py SITE_DIR`` (``make docs`` runs it
on ``site/`` after the build). Exit status 1, with one line per problem, if
any page references a script, stylesheet, font, image or frame on another
host (``https://``, ``http://`` or ``//``), by a tag, an inline ``import()``
or a CSS ``url()``/``@import``; 0 otherwise. Links a reader follows (``<a
href>``, ``<link rel="canonical">``) are not resources and are allowed.

Many ministries' networks have no access to CDNs: a page that needs one shows
equations as raw TeX and text in a fallback font.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["check_css", "check_html", "check_site", "main"]

_REMOTE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//", re.ASCII)
_LOCAL_SCHEMES = re.compile(r"^\s*(?:data|blob|about|javascript):", re.IGNORECASE)
#: resources a <link> makes the browser fetch (or connect to)
_FETCHING_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
}
#: attributes that load a resource, by tag
_LOADING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "track": ("src",),
    "input": ("src",),
}
_JS_IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\bimport\s[^;'"]*?from\s*|\bimportScripts\s*\(\s*)"""
    r"""["'`]((?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//[^"'`]+)"""
)
_CSS_URL = re.compile(
    r"""(?:url\(\s*["']?|@import\s+["'])((?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//[^"')\s]+)"""
)


def _remote(url: str | None) -> bool:
    return (
        bool(url)
        and not _LOCAL_SCHEMES.match(url or "")
        and bool(_REMOTE.match(url or ""))
    )


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "link":
            rels = set((values.get("rel") or "").lower().split())
            if rels & _FETCHING_RELS and _remote(values.get("href")):
                self.found.append(f"<link rel={values.get('rel')}> {values['href']}")
        for name in _LOADING.get(tag, ()):
            for url in (values.get(name) or "").split(","):
                url = url.strip().split(" ")[0] if name == "srcset" else url
                if _remote(url):
                    self.found.append(f"<{tag} {name}> {url.strip()}")
        if tag in ("script", "style"):
            self._in = tag
        if values.get("style"):
            self.found.extend(f"style url() {u}" for u in check_css(values["style"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.found.extend(f"script import {m}" for m in _JS_IMPORT.findall(data))
        elif self._in == "style":
            self.found.extend(f"style url() {u}" for u in check_css(data))


def check_html(text: str) -> list[str]:
    """Return the remote resources an HTML page loads (empty if none).

    Examples
    --------
    >>> check_html('<script src="https://unpkg.com/mathjax@3/es5/tex-chtml.js">'
    ...            '</script><a href="https://doi.org/10.1787/x">cited</a>')
    ['<script src> https://unpkg.com/mathjax@3/es5/tex-chtml.js']
    >>> check_html('<script src="../js/tex-svg-full.js"></script>')
    []
    """
    page = _Page()
    page.feed(text)
    page.close()
    return page.found


def check_css(text: str) -> list[str]:
    """Return the remote URLs a stylesheet loads (``url()``, ``@import``).

    Examples
    --------
    >>> check_css("@import 'https://fonts.googleapis.com/css?family=Roboto';")
    ['https://fonts.googleapis.com/css?family=Roboto']
    >>> check_css("a { background: url(data:image/svg+xml;base64,AAAA) }")
    []
    """
    return _CSS_URL.findall(text)


def check_site(site: Path) -> list[str]:
    """Return one line per remote resource of every page and stylesheet."""
    problems = []
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".htm"):
            found = check_html(path.read_text(encoding="utf-8", errors="replace"))
        elif path.suffix == ".css":
            found = check_css(path.read_text(encoding="utf-8", errors="replace"))
        else:
            continue
        rel = path.relative_to(site)
        problems.extend(f"{rel}: {item}" for item in dict.fromkeys(found))
    return problems


def main(argv: list[str] | None = None) -> int:
    """Check the site folder named on the command line; return the exit status."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: check_offline_site.py SITE_DIR", file=sys.stderr)
        return 2
    problems = check_site(Path(args[0]))
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} reference(s) to another host: the site would not "
            "work offline",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
