"""Parts of ``kampala sensitivity``: the progress bar and the output folder.

Parsing ``--vary``, checking the options and the printed tables are in
`kampala.sensitivity._command`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from kampala._cli_output import csv_comments
from kampala._internal.atomic import atomic_folder
from kampala._internal.terminal import UsageError, writing
from kampala.i18n import N_, translate
from kampala.io.coinr import write_results_csv

__all__ = ["add_on_error", "progress_bar", "write_sensitivity"]


def add_on_error(parser: Any) -> None:
    """Add ``--on-error {raise,missing}`` to ``kampala sensitivity``."""
    parser.add_argument(
        "--on-error",
        choices=("raise", "missing"),
        default="raise",
        help=translate(
            "what a run that cannot be computed (e.g. a geometric mean meeting "
            "a negative value) does: stop (raise, the default), or count as "
            "missing and go on (missing; the outputs say how many)"
        ),
    )


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


def write_sensitivity(
    out: Path,
    ua: Any,
    sobol: Any,
    formula_escape: bool,
    *,
    digits: int | None = None,
    lang: str = "en",
    xlsx: bool = False,
) -> None:
    """Write the tables, JSON and figures; the set appears whole or not at all.

    The CSV tables are rounded to ``digits`` places (None: full precision)
    and start with ``#`` lines naming the kampala version, the methodology
    and the rounding; the JSON keeps full precision. ``xlsx``: also the
    tables as one workbook, ``sensitivity.xlsx``.
    """
    where = "kampala sensitivity"
    try:
        import matplotlib
    except ImportError:
        has_plot = False
        print(
            translate(
                N_(
                    "figures skipped: install the plot extra (pip install "
                    "'kampala[plot]')"
                ),
                lang,
            ),
            file=sys.stderr,
        )
    else:
        has_plot = True
    with writing(where, "--out", str(out)), atomic_folder(out) as path:
        if xlsx:
            from kampala.io._xlsx import write_table_xlsx

            found = (("uncertainty", ua), ("sobol", sobol))
            tables = [(n, r.table()) for n, r in found if r is not None]
            write_table_xlsx(
                path("sensitivity.xlsx"),
                [
                    (n, list(t[0]), (list(r.values()) for r in t))
                    for n, t in tables
                    if t
                ],
                formula_escape=formula_escape,
                where=where,
                digits=digits,  # rounded as the CSV tables
            )
        for name, result in (("uncertainty", ua), ("sobol", sobol)):
            if result is None:
                continue
            rows = result.table()
            write_results_csv(
                path(f"{name}.csv"),
                rows,
                list(rows[0]),
                formula_escape=formula_escape,
                digits=digits,
                comments=csv_comments(result.methodology, digits, lang, missing="NA"),
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
