"""mkdocs hook: notebook pages load nothing from another host.

nbconvert's HTML template (used by mkdocs-jupyter) adds a script that imports
mermaid.js from cdnjs when a notebook has a mermaid diagram; kampala's
notebooks have none, so the script is removed from pages without one. The
empty ``<script src="">`` nbconvert writes when no MathJax URL is configured
goes too (the site's own MathJax typesets notebook pages).
"""

from __future__ import annotations

import re
from typing import Any

_MERMAID = re.compile(
    r"<script type=\"module\">(?:(?!</script>).)*?cdnjs\.cloudflare\.com/ajax/libs/"
    r"mermaid(?:(?!</script>).)*</script>",
    re.DOTALL,
)
_EMPTY_SCRIPT = re.compile(r"<script src=\"\">\s*</script>")
_DIAGRAM = re.compile(r"class=\"[^\"]*\bjp-Mermaid\b")


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Remove the CDN loaders of notebook pages that do not need them."""
    if not _DIAGRAM.search(output):
        output = _MERMAID.sub("", output)
    return _EMPTY_SCRIPT.sub("", output)
