"""The portfolio report: one self-contained HTML page, in English or Spanish.

`build_report` scores a portfolio and renders the report; `render_report`
renders a scorecard already made (``Scorecard.report()`` calls it). The page
holds a summary for decision makers, the ranked table, a heat map of
principle scores, the contributions of all actors by kind and modality, a
profile per partnership, the robustness analysis (``sensitivity=True``) and
the methodology appendix. Styles and figures are inline: the page opens
offline and prints to PDF from a browser, a section per page.

Needs the optional extra ``report`` (jinja2 and matplotlib):
``pip install 'kampala[report]'``.
"""

from __future__ import annotations

from kampala.report._build import build_report, run_robustness, write_pdf
from kampala.report._render import Robustness, render_report

__all__ = ["Robustness", "build_report", "render_report", "run_robustness", "write_pdf"]
