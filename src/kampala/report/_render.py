"""Render the portfolio report: data from `_sections`, HTML from Jinja2.

The output is one self-contained HTML file: the stylesheet is inline and the
figures are SVG images in ``data:`` URIs, so it opens offline and nothing is
fetched from the network when it is viewed. Jinja2 autoescapes everything,
so a partnership title such as ``<script>`` is shown as text.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import io
from importlib import resources
from typing import Any

import attrs

from kampala.errors import ParameterValueError
from kampala.i18n import resolve_lang, translate
from kampala.portfolio import Portfolio
from kampala.report import _sections as sections
from kampala.report._text import TEXT, words

__all__ = ["Robustness", "render_report"]

_EXTRA = "pip install 'kampala[report]'"


@attrs.frozen(kw_only=True)
class Robustness:
    """Results of the robustness analyses a report shows.

    Attributes
    ----------
    uncertainty : UncertaintyResult or None
        Rank intervals, from `kampala.sensitivity.uncertainty_analysis`.
    sobol : SensitivityResult or None
        Sobol' indices, from `kampala.sensitivity.sensitivity_analysis`.
    seed : int or None
        The seed both analyses used (recorded in the appendix).
    n, n_base : int
        Samples of the uncertainty analysis; base sample of the Sobol' one.
    factors : tuple of str
        The choices varied, in words.
    factor_labels : tuple of str
        Short names of the factors for the figures, in factor order.

    Examples
    --------
    >>> from kampala.report import Robustness
    >>> Robustness(seed=7, n=256, n_base=64).seed
    7
    """

    uncertainty: Any = None
    sobol: Any = None
    seed: int | None = None
    n: int = 0
    n_base: int = 0
    factors: tuple[str, ...] = ()
    factor_labels: tuple[str, ...] = ()


def _require(module: str, message: str) -> Any:
    """Import ``module``, or raise ImportError: ``message`` and the extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"{message} {_EXTRA}") from exc


def _jinja() -> Any:
    jinja2 = _require(
        "jinja2",
        "the kampala report needs jinja2 and matplotlib. Install them with:",
    )

    def load(name: str) -> str:
        return (
            resources.files("kampala.report")
            .joinpath("templates", name)
            .read_text("utf-8")
        )

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _matplotlib() -> Any:
    _require(
        "matplotlib.figure",
        "the kampala report needs matplotlib for its figures. Install it with:",
    )
    return importlib.import_module("matplotlib")


def _svg(draw: Any, size: tuple[float, float]) -> str:
    """Draw on a new figure (no pyplot: no window, no notebook output)."""
    mpl = _matplotlib()
    with mpl.rc_context({"svg.fonttype": "path", "svg.hashsalt": "kampala"}):
        fig = mpl.figure.Figure(figsize=size, layout="constrained")
        draw(fig.add_subplot())
        buf = io.BytesIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


def _figures(card: Any, robustness: Robustness | None, lang: str) -> dict[str, Any]:
    from kampala import plot

    n = len(card.ids)
    out: dict[str, Any] = {
        "heatmap": _svg(
            lambda ax: plot.principle_heatmap(card, ax=ax, max_units=n, lang=lang),
            (7.5, 0.24 * min(n, 60) + 1.6),
        )
    }
    if robustness is not None and robustness.uncertainty is not None:
        ua = robustness.uncertainty
        out["ranks"] = _svg(
            lambda ax: plot.rank_intervals(ua, ax=ax, lang=lang),
            (7.5, max(3.0, 0.2 * min(len(ua.units), 60) + 1.2)),
        )
    if robustness is not None and robustness.sobol is not None:
        so = robustness.sobol
        names = dict(zip(so.factors, robustness.factor_labels, strict=False))

        def sobol(ax: Any) -> None:
            plot.sobol_bars(so, ax=ax, lang=lang)
            ax.set_yticks(ax.get_yticks(), [names.get(f, f) for f in so.factors])

        out["sobol"] = _svg(sobol, (7.5, 0.5 * len(so.factors) + 1.6))
    return out


def render_report(
    card: Any,
    portfolio: Portfolio | None = None,
    *,
    methodology: Any = None,
    robustness: Robustness | None = None,
    lang: str | None = None,
    source: str | None = None,
) -> str:
    """Render the portfolio report of a scorecard as one self-contained HTML page.

    Parameters
    ----------
    card : Scorecard
        The scores to report.
    portfolio : Portfolio, optional
        The portfolio scored: its actors' contributions, modalities and
        evidence values appear when given.
    methodology : Methodology, optional
        The methodology run; the appendix lists its steps and references.
    robustness : Robustness, optional
        Rank intervals and Sobol' indices (see `kampala.report.run_robustness`).
    lang : {"en", "es"}, default=None
        The language (see `kampala.i18n.resolve_lang`).
    source : str, optional
        Where the data came from (a file name), for the appendix.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    ImportError
        Without jinja2 or matplotlib (``pip install 'kampala[report]'``).
    ParameterValueError
        If ``portfolio`` is not the portfolio the scorecard scored.

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.data import sample_portfolio
    >>> from kampala.report import render_report
    >>> pf = sample_portfolio()
    >>> page = render_report(Methodology.default().run(pf), pf, lang="es")
    >>> page[:15], "Resumen para tomadores de decisiones" in page
    ('<!DOCTYPE html>', True)
    """
    lang = resolve_lang(lang)
    if portfolio is not None and tuple(portfolio.ids) != tuple(card.ids):
        raise ParameterValueError(
            "render_report()",
            "portfolio",
            portfolio.name,
            "the portfolio the scorecard scored (the same ids in the same order)",
            hint=f"The scorecard is of {card.portfolio_name!r}.",
        )
    rows = card.table()
    t = words(lang)
    codes = [p.code for p in card.principles]
    context = {
        "lang": lang,
        "t": t,
        "portfolio_name": card.portfolio_name,
        "methodology_ref": str(card.methodology),
        "generated": dt.date.today().isoformat(),
        "summary": sections.summary_section(card, rows, portfolio, robustness, lang),
        "disclaimer": sections.appendix_section(
            card, methodology, source, robustness, lang
        )["disclaimer"],
        "ranking": sections.ranking_section(card, rows, lang),
        "principle_titles": [(p.code, p.title(lang)) for p in card.principles],
        "table_note": translate(
            TEXT["table_note"], lang, threshold=f"{card.min_coverage:.0%}"
        ),
        "actors": None
        if portfolio is None
        else sections.actor_section(portfolio, lang),
        "profiles": sections.profiles_section(card, rows, portfolio, lang),
        "appendix": sections.appendix_section(
            card, methodology, source, robustness, lang
        ),
        "robustness": robustness,
        "robust_text": _robust_text(robustness, lang),
        "figures": _figures(card, robustness, lang),
        "codes": codes,
        "css": resources.files("kampala.report")
        .joinpath("templates", "report.css")
        .read_text("utf-8"),
    }
    if context["actors"] is not None:
        a = context["actors"]
        a["note"] = translate(TEXT["actors_note"], lang, currency=a["currency"])
        if a["other_count"]:
            a["other_note"] = translate(
                TEXT["currency_mixed"],
                lang,
                currency=a["other_currencies"],
                n=a["other_count"],
                main=a["currency"],
            )
    return str(_jinja().get_template("report.html.j2").render(**context))


def _robust_text(robustness: Robustness | None, lang: str) -> list[str]:
    if robustness is None:
        return []
    return [
        translate(TEXT["robust_factors"], lang, factors="; ".join(robustness.factors)),
        translate(
            TEXT["robust_seed"],
            lang,
            n=robustness.n,
            n_base=robustness.n_base,
            seed=robustness.seed,
        ),
        translate(TEXT["robust_note"], lang, n=robustness.n),
    ]
