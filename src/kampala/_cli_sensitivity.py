"""Parts of ``kampala sensitivity``: factors, progress, tables and files."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from kampala._internal.atomic import atomic_folder
from kampala._internal.terminal import UsageError, shown, writing
from kampala.io.coinr import write_results_csv
from kampala.methodology import Methodology

__all__ = [
    "parse_factor",
    "progress_bar",
    "sobol_table",
    "ua_table",
    "write_sensitivity",
]


def parse_factor(text: str, methodology: Methodology) -> Any:
    from kampala import sensitivity as sa

    name, _, rest = text.partition(":")
    head, _, levels_text = name.partition("@")
    head = head.strip()
    values = [v.strip() for v in rest.split(",") if v.strip()] if rest else []

    def fail(expected: str) -> NoReturn:
        raise UsageError(f"kampala sensitivity: --vary {text!r}: {expected}")

    def numbers() -> list[float]:
        try:
            return [float(v) for v in values]
        except ValueError:
            fail("the values must be numbers")

    if head in ("weights", "dirichlet"):
        try:
            levels = [int(v) for v in levels_text.split(",")] if levels_text else [2]
        except ValueError:
            fail("levels must be integers, as in weights@1,2:0.25")
        (value,) = numbers() if len(values) == 1 else fail("give one number")
        if head == "weights":
            return sa.WeightNoise(levels=levels, spread=value)
        return sa.DirichletWeights(level=levels[0], concentration=value)
    if head == "aggregation":
        level = None
        if levels_text:
            if not levels_text.isdigit():
                fail("the level must be an integer, as in aggregation@3:...")
            level = int(levels_text)
        return sa.aggregation_choice(values or fail("list the methods"), level=level)
    if head == "coverage":
        return sa.coverage_choice(numbers() or fail("list the thresholds"))
    if head == "missing":
        return sa.missing_evidence_choice()
    if head == "exclude":
        from kampala.scoring import methodology_framework

        framework = methodology_framework(methodology)
        if values == ["principle"]:
            codes = [c for c in framework.aggregate_codes if c != framework.root]
        elif values == ["criterion"]:
            codes = list(framework.indicator_codes)
        else:
            codes = values
        return sa.Exclusion(codes=codes or fail("name principle, criterion or codes"))
    if head == "scorer":
        target, _, options = rest.partition("=")
        principle, _, param = target.partition(".")
        try:
            number = int(principle.strip().upper().removeprefix("P"))
            opts = [int(v) for v in options.split(",") if v.strip()]
        except ValueError:
            fail("use scorer:P3.diversity_target=3,4,5")
        return sa.ScorerParameter(principle=number, param=param.strip(), values=opts)
    fail("one of weights, dirichlet, aggregation, coverage, missing, exclude, scorer")


def progress_bar() -> Any:
    if not sys.stderr.isatty():
        return None
    state = {"last": -1}

    def show(done: int, total: int) -> None:
        pct = int(100 * done / max(1, total))
        if pct != state["last"]:
            state["last"] = pct
            bar = "#" * (pct // 4)
            sys.stderr.write(f"\r[{bar:<25}] {pct:3d}% ({done}/{total} runs)")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return show


def ua_table(ua: Any) -> str:
    k = ua.top_k
    lines = [
        f"Uncertainty analysis: {ua.n} samples of {', '.join(ua.factor_names)}; "
        f"methodology {ua.methodology}",
        f"{'rank':>4}  {'id':<12}  {'median':>6}  {'5%-95%':>9}  "
        f"{f'P(top {k})':>10}  {'shift':>5}",
    ]
    for r in ua.table():
        if r["nominal_rank"] is None:
            continue
        interval = f"{r['rank_p5']:.0f}-{r['rank_p95']:.0f}"
        lines.append(
            f"{r['nominal_rank']:4.0f}  {shown(r['unit']):<12}  "
            f"{r['rank_median']:6.1f}  "
            f"{interval:>9}  {r[f'p_top_{k}']:10.2f}  {r['rank_shift']:5.2f}"
        )
    lines.append(f"Mean absolute rank shift: {ua.mean_rank_shift:.2f}\n")
    return "\n".join(lines) + "\n"


def sobol_table(sobol: Any) -> str:
    lines = [
        f"Sobol' indices of the mean absolute rank shift ({sobol.n_runs} runs):",
        f"{'factor':<24}  {'S1':>13}  {'ST':>13}",
    ]
    for r in sobol.table():
        s1 = "n/a" if r["S1"] is None else f"{r['S1']:.3f} ± {r['S1_conf']:.3f}"
        st = "n/a" if r["ST"] is None else f"{r['ST']:.3f} ± {r['ST_conf']:.3f}"
        lines.append(f"{shown(r['factor']):<24}  {s1:>13}  {st:>13}")
    return "\n".join(lines) + "\n"


def write_sensitivity(out: Path, ua: Any, sobol: Any, formula_escape: bool) -> None:
    """Write the tables, JSON and figures; the set appears whole or not at all."""
    where = "kampala sensitivity"
    try:
        import matplotlib
    except ImportError:
        has_plot = False
        print(
            "figures skipped: install the plot extra (pip install 'kampala[plot]')",
            file=sys.stderr,
        )
    else:
        has_plot = True
    with writing(where, "--out", str(out)), atomic_folder(out) as path:
        for name, result in (("uncertainty", ua), ("sobol", sobol)):
            if result is None:
                continue
            rows = result.table()
            write_results_csv(
                path(f"{name}.csv"), rows, list(rows[0]), formula_escape=formula_escape
            )
            path(f"{name}.json").write_text(
                json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n",
                "utf-8",
            )
        if not has_plot:
            return
        matplotlib.use("Agg")  # the command writes files and never opens a window
        import matplotlib.pyplot as plt

        from kampala import plot

        figures = []
        if ua is not None:
            figures.append(("rank_intervals.png", plot.rank_intervals(ua)))
        if sobol is not None:
            figures.append(("sobol.png", plot.sobol_bars(sobol)))
        for name, ax in figures:
            try:
                ax.figure.savefig(path(name), dpi=120, format="png")
            except (ValueError, RuntimeError) as exc:  # matplotlib's own failures
                raise UsageError(
                    f"{where}: --out: cannot draw {name!r} in {str(out)!r}: {exc}; "
                    "no output file was changed"
                ) from exc
            finally:
                plt.close(ax.figure)
