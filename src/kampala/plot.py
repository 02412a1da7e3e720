"""Figures for sensitivity results (optional extra ``plot``: matplotlib).

Each function draws on the matplotlib ``Axes`` given as ``ax`` (on a new
figure if None), labels it in the language ``lang`` (see
`kampala.i18n.resolve_lang`) and returns the ``Axes``:

- `rank_intervals`: each unit's nominal rank and its 5th-95th percentile
  rank interval over the uncertainty samples;
- `sobol_bars`: first-order and total Sobol' indices with confidence
  intervals;
- `acceptability_heatmap`: SMAA rank acceptability indices;
- `stability_bars`: for each weight, the interval over which the ranking
  stays as it is;
- `principle_heatmap`: the principle and overall scores of every
  partnership of a scorecard;
- `partnership_profile`: one partnership's principle scores with their
  coverage (and evidence bounds where the scorecard has them).

Figures read well on screen, on paper and for readers with a colour-vision
deficiency: legends sit outside the data area (never over a bar or a point),
colours come from the Okabe-Ito palette and ``viridis``, and every label is
in English or Spanish (``lang=``, see `kampala.i18n`).

``import kampala`` never imports matplotlib; these functions import it when
called and explain how to install it if it is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kampala.i18n import N_, translate

__all__ = [
    "OKABE_ITO",
    "acceptability_heatmap",
    "partnership_profile",
    "principle_heatmap",
    "rank_intervals",
    "sobol_bars",
    "stability_bars",
]

#: The Okabe-Ito palette (Okabe & Ito, 2008): eight colours told apart with
#: every common colour-vision deficiency; black, orange, sky blue, bluish
#: green, yellow, blue, vermillion, reddish purple.
OKABE_ITO = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
_BLUE, _ORANGE, _VERMILLION, _GREEN = (
    OKABE_ITO[5],
    OKABE_ITO[1],
    OKABE_ITO[6],
    OKABE_ITO[3],
)
_MISSING = "#d9d9d9"

_P590 = N_("5th to 95th percentile of ranks")
_MEDIAN = N_("median")
_NOMINAL = N_("nominal")
_RANK_AXIS = N_("rank (1 = best)")
_RANK_TITLE = N_("Rank intervals over {n} samples")
_FIRST_ORDER = N_("first order")
_TOTAL = N_("total")
_SOBOL_AXIS = N_("Sobol' index (mean absolute rank shift)")
_RANK = N_("rank")
_ACCEPTABILITY = N_("rank acceptability")
_UNCHANGED = N_("ranking unchanged")
_NOMINAL_W = N_("nominal weight")
_WEIGHT_AXIS = N_("weight (others rescaled proportionally)")
_HEAT_TITLE = N_("Principle scores by partnership")
_SCORE_AXIS = N_("score (0 = worst, 1 = best)")
_OVERALL = N_("overall")
_INSUFFICIENT = N_("insufficient evidence")
_COVERAGE = N_("coverage {share}")
_BOUNDS = N_("possible range with the missing evidence")
_SCORE = N_("score")


def _pyplot() -> Any:
    # The backend is the caller's: Jupyter's inline backend, a GUI, or Agg
    # (matplotlib falls back to it on a machine without a display).
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "kampala.plot needs matplotlib. Install it with: pip install "
            "'kampala[plot]'"
        ) from exc
    return plt


def _legend_outside(ax: Any, ncol: int = 1) -> Any:
    """Put the legend to the right of the axes, outside the data area.

    With the constrained layout of the figures made here, the figure grows
    room for it; a legend inside the axes would hide bars or points.
    """
    return ax.legend(
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        fontsize=8,
        frameon=False,
        ncol=ncol,
    )


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    plt = _pyplot()
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def rank_intervals(
    result: Any, *, ax: Any = None, max_units: int = 60, lang: str | None = None
) -> Any:
    """Plot nominal ranks with their 5th-95th percentile intervals.

    Parameters
    ----------
    result : UncertaintyResult
        From `kampala.sensitivity.uncertainty_analysis`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    max_units : int, default=60
        Units shown, best nominal ranks first.
    lang : {"en", "es"}, default=None
        Language of the labels (see `kampala.i18n.resolve_lang`).

    Returns
    -------
    matplotlib.axes.Axes
        One row per unit: its interval as a line, its nominal rank as a dot.

    Examples
    --------
    The ten best-ranked partnerships of the sample portfolio when the
    principle weights vary:

    >>> import matplotlib.pyplot as plt
    >>> from kampala import plot
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import UncertaintySpec, WeightNoise
    >>> from kampala.sensitivity import uncertainty_analysis
    >>> spec = UncertaintySpec(factors=[WeightNoise(levels=2, spread=0.25)])
    >>> res = uncertainty_analysis(kps1(), sample_portfolio(), spec, n=64, rng=0)
    >>> ax = plot.rank_intervals(res, max_units=10)
    >>> ax.get_title(), [t.get_text() for t in ax.get_yticklabels()][:2]
    ('Rank intervals over 64 samples', ['PE-HEA-001', 'PE-ENE-006'])
    >>> plt.close("all")
    """
    ranked = np.lexsort(
        (np.arange(len(result.units)), np.nan_to_num(result.nominal_rank, nan=np.inf))
    )[:max_units]
    order = [int(i) for i in ranked if not np.isnan(result.nominal_rank[i])]
    ax = _axes(ax, (7.0, max(3.0, 0.22 * len(order) + 1.0)))
    y = np.arange(len(order))
    lo = result.rank_p5[order]
    hi = result.rank_p95[order]
    ax.hlines(
        y, lo, hi, color=_BLUE, linewidth=3, alpha=0.6, label=translate(_P590, lang)
    )
    for ranks, marker, colour, size, label in (
        (result.rank_median, "|", _BLUE, 10, _MEDIAN),
        (result.nominal_rank, "o", _VERMILLION, 4, _NOMINAL),
    ):
        ax.plot(
            ranks[order],
            y,
            marker,
            color=colour,
            markersize=size,
            label=translate(label, lang),
        )
    ax.set_yticks(y, [result.units[i] for i in order], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(translate(_RANK_AXIS, lang))
    ax.set_title(translate(_RANK_TITLE, lang, n=result.n))
    _legend_outside(ax)
    return ax


def sobol_bars(result: Any, *, ax: Any = None, lang: str | None = None) -> Any:
    """Plot Sobol' indices of the mean absolute rank shift with intervals.

    The error bars are the bootstrap confidence intervals (``S1_conf`` and
    ``ST_conf`` of the result's table). An index that is not reliable is not
    drawn: the note of its factor is written in its place.

    Parameters
    ----------
    result : SensitivityResult
        From `kampala.sensitivity.sensitivity_analysis`.
    ax, lang : optional
        Where to draw, and the language of the labels (see `kampala.plot`).

    Returns
    -------
    matplotlib.axes.Axes
        One pair of bars per factor: first-order and total index.

    Examples
    --------
    >>> import warnings
    >>> import matplotlib.pyplot as plt
    >>> from kampala import DegenerateIndicatorWarning, plot
    >>> from kampala import sensitivity as sa
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2),
    ...                                    sa.missing_evidence_choice()])
    >>> with warnings.catch_warnings():  # units without a score have no indices
    ...     warnings.simplefilter("ignore", DegenerateIndicatorWarning)
    ...     res = sa.sensitivity_analysis(kps1(), sample_portfolio(), spec, n=64,
    ...                                   n_bootstrap=100, rng=1)
    >>> ax = plot.sobol_bars(res)
    >>> [t.get_text() for t in ax.get_yticklabels()], len(ax.patches)  # S1, ST
    (['weights@2', 'missing'], 4)
    >>> plt.close("all")
    """
    rows = result.table()
    ax = _axes(ax, (6.0, 0.5 * len(rows) + 1.5))
    y = np.arange(len(rows))
    # unreliable or undefined indices are not drawn as results (NaN bars)
    shown = [r.get("reliable", True) for r in rows]
    s1 = np.array(
        [
            np.nan if r["S1"] is None or not ok else r["S1"]
            for r, ok in zip(rows, shown, strict=True)
        ]
    )
    st = np.array(
        [
            np.nan if r["ST"] is None or not ok else r["ST"]
            for r, ok in zip(rows, shown, strict=True)
        ]
    )
    s1c = np.array([0.0 if r["S1_conf"] is None else r["S1_conf"] for r in rows])
    stc = np.array([0.0 if r["ST_conf"] is None else r["ST_conf"] for r in rows])
    s1_label = translate(_FIRST_ORDER, lang) + " $S_i$"
    st_label = translate(_TOTAL, lang) + " $S_{Ti}$"
    ax.barh(y - 0.2, s1, 0.4, xerr=s1c, label=s1_label, color=_BLUE)
    ax.barh(y + 0.2, st, 0.4, xerr=stc, label=st_label, color=_ORANGE)
    ax.set_yticks(y, [r["factor"] for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(left=min(0.0, float(np.nanmin(np.r_[s1, st, 0.0])) - 0.05))
    for yi, r, ok in zip(y, rows, shown, strict=True):
        if not ok:
            ax.text(
                0.02,
                yi,
                r["note"],
                fontsize=7,
                va="center",
                wrap=True,
                transform=ax.get_yaxis_transform(),
            )
    ax.set_xlabel(translate(_SOBOL_AXIS, lang))
    _legend_outside(ax)
    return ax


def acceptability_heatmap(
    acceptability: Any,
    labels: Sequence[str],
    *,
    ax: Any = None,
    lang: str | None = None,
) -> Any:
    """Plot a units x ranks matrix of SMAA rank acceptability indices.

    Each cell is the share of weight samples giving the unit that rank. The
    colour scale (``viridis``, readable in grey and with every common
    colour-vision deficiency) runs from 0 to 1 whatever the data, so
    figures of different analyses compare directly.

    Parameters
    ----------
    acceptability : array_like, shape (n_units, n_ranks)
        Share of weight samples giving each unit each rank.
    labels : sequence of str
        Unit labels.
    ax, lang : optional
        Where to draw, and the language of the labels (see `kampala.plot`).

    Returns
    -------
    matplotlib.axes.Axes
        One row per unit, one column per rank, with a colour bar.

    Examples
    --------
    The acceptability of every rank for the 36 scored partnerships of the
    sample portfolio, over weights drawn at random:

    >>> import matplotlib.pyplot as plt
    >>> from kampala import plot
    >>> from kampala.data import sample_scorecard
    >>> from kampala.sensitivity import smaa, top_level
    >>> top = top_level(sample_scorecard())
    >>> res = smaa(top.X, n=2000, labels=top.units, rng=0)
    >>> ax = plot.acceptability_heatmap(res.acceptability, res.labels)
    >>> ax.images[0].get_array().shape, ax.get_xlabel()  # units x ranks
    ((36, 36), 'rank')
    >>> plt.close("all")
    """
    b = np.asarray(acceptability, dtype=np.float64)
    ax = _axes(ax, (0.18 * b.shape[1] + 3.0, 0.2 * b.shape[0] + 1.5))
    image = ax.imshow(b, aspect="auto", cmap="viridis", vmin=0.0, vmax=1.0)
    ax.set_yticks(np.arange(b.shape[0]), list(labels), fontsize=7)
    ax.set_xlabel(translate(_RANK, lang))
    ax.set_xticks(np.arange(0, b.shape[1], max(1, b.shape[1] // 10)))
    ax.set_xticklabels([str(i + 1) for i in ax.get_xticks()])
    ax.figure.colorbar(image, ax=ax, label=translate(_ACCEPTABILITY, lang))
    return ax


def stability_bars(
    intervals: Sequence[tuple[float, float]],
    nominal: Sequence[float],
    labels: Sequence[str],
    *,
    ax: Any = None,
    lang: str | None = None,
) -> Any:
    """Plot, per weight, the interval keeping the ranking as it is.

    Parameters
    ----------
    intervals : sequence of (low, high)
        Stability interval of each weight.
    nominal : sequence of float
        Nominal weights.
    labels : sequence of str
        Weight labels.
    ax, lang : optional
        Where to draw, and the language of the labels (see `kampala.plot`).

    Returns
    -------
    matplotlib.axes.Axes
        One bar per weight, its nominal value marked.

    Examples
    --------
    In the sample portfolio no principle weight (nominal 0.2) can move by
    more than about 0.02 without changing some order of the ranking:

    >>> import matplotlib.pyplot as plt
    >>> from kampala import plot
    >>> from kampala.data import sample_scorecard
    >>> from kampala.sensitivity import stability_intervals, top_level
    >>> top = top_level(sample_scorecard())
    >>> intervals = stability_intervals(top.X, top.weights)
    >>> [(round(lo, 4), round(hi, 4)) for lo, hi in intervals[:2]]  # P1, P2
    [(0.1905, 0.2001), (0.1998, 0.2081)]
    >>> ax = plot.stability_bars(intervals, top.weights, top.components)
    >>> [t.get_text() for t in ax.get_yticklabels()], len(ax.patches)
    (['P1', 'P2', 'P3', 'P4', 'P5'], 5)
    >>> plt.close("all")
    """
    ax = _axes(ax, (6.0, 0.45 * len(labels) + 1.5))
    y = np.arange(len(labels))
    lows = np.array([lo for lo, _ in intervals])
    highs = np.array([hi for _, hi in intervals])
    ax.barh(
        y,
        highs - lows,
        left=lows,
        color=_GREEN,
        alpha=0.7,
        label=translate(_UNCHANGED, lang),
    )
    ax.plot(nominal, y, "o", color=_VERMILLION, label=translate(_NOMINAL_W, lang))
    ax.set_yticks(y, list(labels))
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(translate(_WEIGHT_AXIS, lang))
    _legend_outside(ax)
    return ax


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def principle_heatmap(
    card: Any,
    *,
    ax: Any = None,
    max_units: int = 60,
    lang: str | None = None,
) -> Any:
    """Plot the principle and overall scores of each partnership as a heat map.

    Rows are partnerships in rank order (unranked last), columns the
    principles and the overall score; each cell shows its score. Cells
    with insufficient evidence are grey and marked "—". The colour map is
    ``viridis``, readable in grey and with every common colour-vision
    deficiency.

    Parameters
    ----------
    card : Scorecard
        From `kampala.Methodology.run`.
    ax, lang : optional
        Where to draw, and the language of the labels (see `kampala.plot`).
    max_units : int, default=60
        Partnerships shown, best ranks first.

    Returns
    -------
    matplotlib.axes.Axes
        One row per partnership, one column per principle and the overall
        score, with a colour bar.

    Examples
    --------
    The five best-ranked partnerships of the sample portfolio, in Spanish:

    >>> import matplotlib.pyplot as plt
    >>> from kampala import plot
    >>> from kampala.data import sample_scorecard
    >>> card = sample_scorecard()
    >>> ax = plot.principle_heatmap(card, max_units=5, lang="es")
    >>> ax.images[0].get_array().shape, [t.get_text() for t in ax.get_xticklabels()]
    ((5, 6), ['P1', 'P2', 'P3', 'P4', 'P5', 'global'])
    >>> ax.get_yticklabels()[0].get_text()
    '1  PE-HEA-001'
    >>> plt.close("all")
    """
    rows = card.table()[:max_units]
    codes = [p.code for p in card.principles]
    keys = [*codes, "overall"]
    values = np.array(
        [[np.nan if r[k] is None else r[k] for k in keys] for r in rows],
        dtype=np.float64,
    ).reshape(len(rows), len(keys))
    ax = _axes(ax, (1.0 * len(keys) + 3.0, 0.24 * len(rows) + 1.6))
    _pyplot()  # matplotlib is there, or a clear ImportError
    import matplotlib

    cmap = matplotlib.colormaps["viridis"].with_extremes(bad=_MISSING)
    image = ax.imshow(
        np.ma.masked_invalid(values), aspect="auto", cmap=cmap, vmin=0.0, vmax=1.0
    )
    for (i, j), v in np.ndenumerate(values):
        text, colour = ("—", "#333333") if np.isnan(v) else (f"{v:.2f}", "white")
        if not np.isnan(v) and v > 0.55:
            colour = "black"  # viridis is light at the top
        weight = "bold" if j == len(keys) - 1 else "normal"
        ax.text(
            j,
            i,
            text,
            ha="center",
            va="center",
            fontsize=7,
            color=colour,
            fontweight=weight,
        )
    ax.set_xticks(np.arange(len(keys)), [*codes, translate(_OVERALL, lang)])
    ax.xaxis.tick_top()
    labels = [f"{'-' if r['rank'] is None else r['rank']}  {r['id']}" for r in rows]
    ax.set_yticks(np.arange(len(rows)), labels, fontsize=7)
    ax.set_title(translate(_HEAT_TITLE, lang), fontsize=10)
    ax.figure.colorbar(image, ax=ax, label=translate(_SCORE_AXIS, lang), shrink=0.6)
    return ax


def partnership_profile(
    card: Any, partnership_id: str, *, ax: Any = None, lang: str | None = None
) -> Any:
    """Plot one partnership's principle and overall scores with their coverage.

    One bar per principle and one for the overall score, on a 0-1 scale.
    A score with insufficient evidence has no bar and says so; the coverage
    (share of weight with evidence) is written at the right of each bar.
    Where the scorecard carries evidence bounds (``P1_low``/``P1_high``…),
    each bar shows the range the missing evidence could still produce.

    Parameters
    ----------
    card : Scorecard
        From `kampala.Methodology.run`.
    partnership_id : str
        The partnership's id.
    ax, lang : optional
        Where to draw, and the language of the labels (see `kampala.plot`).

    Returns
    -------
    matplotlib.axes.Axes
        One bar per principle and one for the overall score.

    Raises
    ------
    KeyError
        If the scorecard has no partnership ``partnership_id``.

    Examples
    --------
    A partnership with no evidence for P4 (so no P4 bar), in Spanish:

    >>> import matplotlib.pyplot as plt
    >>> from kampala import plot
    >>> from kampala.data import sample_scorecard
    >>> ax = plot.partnership_profile(sample_scorecard(), "PE-TEL-003", lang="es")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['P1', 'P2', 'P3', 'P4', 'P5', 'global']
    >>> [round(float(p.get_width()), 2) for p in ax.patches]  # P4: no bar
    [0.31, 0.49, 0.08, 0.0, 0.39, 0.32]
    >>> plt.close("all")
    """
    found = [r for r in card.table() if r["id"] == partnership_id]
    if not found:
        raise KeyError(partnership_id)
    row = found[0]
    codes = [p.code for p in card.principles]
    keys = [*codes, "overall"]
    names = [*codes, translate(_OVERALL, lang)]
    coverage = [row.get(f"{c}_coverage") for c in codes]
    ax = _axes(ax, (6.5, 0.42 * len(keys) + 1.4))
    y = np.arange(len(keys))
    scores = np.array([np.nan if row[k] is None else row[k] for k in keys])
    colours = [_BLUE] * len(codes) + [_ORANGE]
    ax.barh(y, np.nan_to_num(scores), 0.6, color=colours, label=translate(_SCORE, lang))
    low = [row.get(f"{k}_low") for k in keys]
    high = [row.get(f"{k}_high") for k in keys]
    if any(v is not None for v in low) and any(v is not None for v in high):
        lo = np.array([np.nan if v is None else v for v in low])
        hi = np.array([np.nan if v is None else v for v in high])
        ax.hlines(
            y, lo, hi, color=OKABE_ITO[0], linewidth=1.5, label=translate(_BOUNDS, lang)
        )
        ax.plot(lo, y, "|", hi, y, "|", color=OKABE_ITO[0], markersize=8)
    for i, v in enumerate(scores):
        if np.isnan(v):
            ax.text(
                0.01,
                i,
                translate(_INSUFFICIENT, lang),
                va="center",
                fontsize=8,
                color=_VERMILLION,
            )
        cov = coverage[i] if i < len(codes) else None
        if cov is not None:
            share = f"{cov:.0%}"
            ax.text(
                1.02,
                i,
                translate(_COVERAGE, lang, share=share),
                va="center",
                fontsize=7,
                transform=ax.get_yaxis_transform(),
            )
    ax.set_yticks(y, names)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel(translate(_SCORE_AXIS, lang))
    ax.set_title(f"{row['id']} — {_short(str(row['title']), 60)}", fontsize=9)
    return ax
