"""Figures for sensitivity results (optional extra ``plot``: matplotlib).

Each function draws on a given matplotlib ``Axes`` (or a new figure) and
returns the ``Axes``:

- `rank_intervals`: each unit's nominal rank and its 5th-95th percentile
  rank interval over the uncertainty samples;
- `sobol_bars`: first-order and total Sobol' indices with confidence
  intervals;
- `acceptability_heatmap`: SMAA rank acceptability indices;
- `stability_bars`: for each weight, the interval over which the ranking
  stays as it is.

``import kampala`` never imports matplotlib; these functions import it when
called and explain how to install it if it is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["acceptability_heatmap", "rank_intervals", "sobol_bars", "stability_bars"]


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


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    plt = _pyplot()
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def rank_intervals(result: Any, *, ax: Any = None, max_units: int = 60) -> Any:
    """Plot nominal ranks with their 5th-95th percentile intervals.

    Parameters
    ----------
    result : UncertaintyResult
        From `kampala.sensitivity.uncertainty_analysis`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure by default.
    max_units : int, default=60
        Units shown, best nominal ranks first.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
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
    ax.hlines(y, lo, hi, color="#4c72b0", linewidth=3, alpha=0.6, label="5%-95%")
    ax.plot(
        result.rank_median[order],
        y,
        "|",
        color="#4c72b0",
        markersize=10,
        label="median",
    )
    ax.plot(
        result.nominal_rank[order],
        y,
        "o",
        color="#c44e52",
        markersize=4,
        label="nominal",
    )
    ax.set_yticks(y, [result.units[i] for i in order], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("rank (1 = best)")
    ax.set_title(f"Rank intervals over {result.n} samples")
    ax.legend(loc="lower right", fontsize=7)
    return ax


def sobol_bars(result: Any, *, ax: Any = None) -> Any:
    """Plot Sobol' indices of the mean absolute rank shift with intervals.

    Parameters
    ----------
    result : SensitivityResult
        From `kampala.sensitivity.sensitivity_analysis`.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

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
    ax.barh(y - 0.2, s1, 0.4, xerr=s1c, label="first order $S_i$", color="#4c72b0")
    ax.barh(y + 0.2, st, 0.4, xerr=stc, label="total $S_{Ti}$", color="#dd8452")
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
    ax.set_xlabel("Sobol' index (mean absolute rank shift)")
    ax.legend(fontsize=8)
    return ax


def acceptability_heatmap(
    acceptability: Any, labels: Sequence[str], *, ax: Any = None
) -> Any:
    """Plot a units x ranks matrix of SMAA rank acceptability indices.

    Parameters
    ----------
    acceptability : array_like, shape (n_units, n_ranks)
        Share of weight samples giving each unit each rank.
    labels : sequence of str
        Unit labels.
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from kampala import plot
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import smaa, top_level
    >>> top = top_level(kps1().run(sample_portfolio()))
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
    ax.set_xlabel("rank")
    ax.set_xticks(np.arange(0, b.shape[1], max(1, b.shape[1] // 10)))
    ax.set_xticklabels([str(i + 1) for i in ax.get_xticks()])
    ax.figure.colorbar(image, ax=ax, label="rank acceptability")
    return ax


def stability_bars(
    intervals: Sequence[tuple[float, float]],
    nominal: Sequence[float],
    labels: Sequence[str],
    *,
    ax: Any = None,
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
    ax : matplotlib.axes.Axes, optional
        Where to draw.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    In the sample portfolio no principle weight (nominal 0.2) can move by
    more than about 0.02 without changing some order of the ranking:

    >>> import matplotlib.pyplot as plt
    >>> from kampala import plot
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import stability_intervals, top_level
    >>> top = top_level(kps1().run(sample_portfolio()))
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
        color="#55a868",
        alpha=0.7,
        label="ranking unchanged",
    )
    ax.plot(nominal, y, "o", color="#c44e52", label="nominal weight")
    ax.set_yticks(y, list(labels))
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("weight (others rescaled proportionally)")
    ax.legend(fontsize=8)
    return ax
