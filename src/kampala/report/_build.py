"""Build the portfolio report end to end: score, analyse, render, write."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np

from kampala.errors import DegenerateIndicatorWarning, ParameterValueError
from kampala.i18n import N_, resolve_lang, translate
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.report._render import Robustness, render_report
from kampala.sensitivity import (
    UncertaintySpec,
    WeightNoise,
    aggregation_choice,
    sensitivity_analysis,
    uncertainty_analysis,
)

__all__ = ["build_report", "run_robustness", "write_pdf"]

_WEIGHTS = N_("principle weights ±{spread}")
_WEIGHTS_SHORT = N_("principle weights")
_AGGREGATION_SHORT = N_("aggregation of the principles")
_AGGREGATION = N_(
    "overall score by the arithmetic or the geometric mean of the principles"
)


def run_robustness(
    methodology: Methodology,
    portfolio: Portfolio,
    *,
    n: int = 512,
    lang: str | None = None,
    rng: Any = None,
) -> Robustness:
    """Run the report's uncertainty and Sobol' analyses, small and seeded.

    The choices varied are those of ``kampala sensitivity`` by default:
    principle weights ±25% and the overall score by the arithmetic or the
    geometric mean of the principles. The Sobol' base sample is ``n // 4``
    (a power of 2, at least 64 so that each discrete choice takes both
    options), so both analyses together take a few seconds on a portfolio
    of fifty partnerships.

    Parameters
    ----------
    methodology : Methodology
        The methodology the scorecard was made with.
    portfolio : Portfolio
        The portfolio scored.
    n : int, default=512
        Samples of the uncertainty analysis, a power of 2.
    lang : {"en", "es"}, default=None
        Language of the factor descriptions.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness, passed to `numpy.random.default_rng`.
        `None` draws fresh OS entropy. An int or `SeedSequence` makes results
        reproducible. A `Generator` is used as-is and is advanced. The seed
        both analyses use is recorded in the result.

    Returns
    -------
    Robustness

    Examples
    --------
    >>> from kampala import Methodology
    >>> from kampala.data import sample_portfolio
    >>> from kampala.report import run_robustness
    >>> rob = run_robustness(Methodology.default(), sample_portfolio(), n=64, rng=1)
    >>> rob.n, rob.n_base, rob.uncertainty.n, rob.sobol.factors
    (64, 64, 64, ('weights@2', 'aggregation'))
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 8 or n & (n - 1):
        raise ParameterValueError("run_robustness()", "n", n, "a power of 2, >= 8")
    lang = resolve_lang(lang)
    seed = int(np.random.default_rng(rng).integers(2**31 - 1))
    spec = UncertaintySpec(
        factors=[
            WeightNoise(levels=2, spread=0.25),
            aggregation_choice(["arithmetic", "geometric"], level=3),
        ]
    )
    n_base = max(64, n // 4)
    ua = uncertainty_analysis(methodology, portfolio, spec, n=n, rng=seed)
    with warnings.catch_warnings():
        # partnerships without a score have no indices; the caveat says so
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        so = sensitivity_analysis(
            methodology, portfolio, spec, n=n_base, n_bootstrap=200, rng=seed
        )
    return Robustness(
        uncertainty=ua,
        sobol=so,
        seed=seed,
        n=n,
        n_base=n_base,
        factors=(
            translate(_WEIGHTS, lang, spread="25%"),
            translate(_AGGREGATION, lang),
        ),
        factor_labels=(
            translate(_WEIGHTS_SHORT, lang),
            translate(_AGGREGATION_SHORT, lang),
        ),
    )


def build_report(
    portfolio: Portfolio,
    *,
    methodology: Methodology | None = None,
    lang: str | None = None,
    sensitivity: bool = False,
    n: int = 512,
    source: str | None = None,
    rng: Any = None,
) -> str:
    """Score a portfolio and return its report as one self-contained HTML page.

    Parameters
    ----------
    portfolio : Portfolio
        The partnerships to assess.
    methodology : Methodology, default=None
        KPS-1 if None.
    lang : {"en", "es"}, default=None
        The language (see `kampala.i18n.resolve_lang`).
    sensitivity : bool, default=False
        Add the robustness section (`run_robustness`).
    n : int, default=512
        Samples of the robustness analysis.
    source : str, optional
        Where the data came from, for the appendix.
    rng : {None, int, SeedSequence, BitGenerator, Generator}, default=None
        Source of randomness of the robustness analysis, as for
        `run_robustness`; an int makes the report reproducible.

    Returns
    -------
    str

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.report import build_report
    >>> page = build_report(sample_portfolio(), lang="en")
    >>> "Summary for decision makers" in page, "http://" in page
    (True, False)
    """
    methodology = methodology or Methodology.default()
    card = methodology.run(portfolio)
    robustness = (
        run_robustness(methodology, portfolio, n=n, lang=lang, rng=rng)
        if sensitivity
        else None
    )
    return render_report(
        card,
        portfolio,
        methodology=methodology,
        robustness=robustness,
        lang=lang,
        source=source,
    )


def write_pdf(html: str, path: str | Path) -> None:
    """Write the report as PDF with WeasyPrint (not a kampala dependency).

    Raises
    ------
    ImportError
        If WeasyPrint is not installed (``pip install weasyprint``); the
        HTML report prints to PDF from any browser instead.

    Examples
    --------
    >>> import importlib.util
    >>> from kampala.report import write_pdf
    >>> if importlib.util.find_spec("weasyprint") is None:
    ...     try:
    ...         write_pdf("<p>x</p>", "report.pdf")
    ...     except ImportError as exc:
    ...         print(str(exc)[:40])
    ... else:
    ...     print("writing PDF needs Weasy")  # doctest: +SKIP
    writing PDF needs WeasyPrint (pip insta
    """
    try:
        import weasyprint  # type: ignore[import-not-found]
    except ImportError as exc:
        raise ImportError(
            "writing PDF needs WeasyPrint (pip install weasyprint), which "
            "kampala does not install; or open the HTML report in a browser and "
            "print it to PDF"
        ) from exc
    weasyprint.HTML(string=html).write_pdf(str(path))  # pragma: no cover
