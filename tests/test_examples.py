"""The example notebooks and scripts run, from a clean kernel, without errors.

The notebooks in ``examples/notebooks`` are also rendered, executed again, in
the documentation (mkdocs-jupyter); these tests make a broken example fail the
test suite, not only the site build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NOTEBOOKS = sorted((EXAMPLES / "notebooks").glob("*.ipynb"))

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def test_the_notebooks_are_found() -> None:
    names = {path.name for path in NOTEBOOKS}
    assert {
        "score-peru-portfolio.ipynb",
        "asem-index-stress-test.ipynb",
        "tutorial-puntuar-cartera.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    # The site executes the notebooks at build time; stored outputs would only
    # go stale (and make diffs unreadable).
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {cell.id} has stored outputs"
            assert cell.execution_count is None, f"cell {cell.id} was executed"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_cleanly(path: Path, tmp_path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    figures = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            # A warning in a notebook is a problem the reader sees and the
            # author did not handle.
            assert not (output.output_type == "stream" and output.name == "stderr"), (
                f"cell {cell.id} wrote to stderr:\n{output.text}"
            )
        shows = "plt.show()" in cell.source
        images = sum("image/png" in o.get("data", {}) for o in cell.outputs)
        assert images == shows, f"cell {cell.id}: {images} figures, plt.show() {shows}"
        figures += images
    assert figures >= 3


def _run_example(script: str, *args: object) -> subprocess.CompletedProcess[str]:
    """Run ``examples/<script>`` in a fresh interpreter, drawing off-screen."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        check=False,
    )


@pytest.mark.slow
def test_batch_script_scores_a_portfolio_file(tmp_path: Path) -> None:
    from kampala.data import sample_portfolio_path

    out = tmp_path / "out"
    proc = _run_example("batch_score.py", sample_portfolio_path(), out)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in out.iterdir()} >= {"scores.csv", "scores.json"}
    assert "KPS 1 (sha256:" in proc.stdout


def test_batch_script_rejects_a_bad_file_with_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "kampala.portfolio/1", "partnerships": [{}]}', "utf-8")
    proc = _run_example("batch_score.py", bad, tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("batch_score: ")


@pytest.mark.slow
def test_audit_script_writes_ranks_and_methodology(tmp_path: Path) -> None:
    from kampala import Methodology

    proc = _run_example("audit_index.py", tmp_path, "--n", "64")
    assert proc.returncode == 0, proc.stderr
    # the data's own problem (Laos has no energy figure) is reported, once
    assert proc.stderr.count("'LAO'") == 2  # the Elec and Gas indicators
    lines = (tmp_path / "ranks.csv").read_text("utf-8").splitlines()
    assert lines[0] == "unit,nominal_rank,rank_median,rank_p5,rank_p95"
    assert len(lines) == 1 + 51
    saved = Methodology.from_json((tmp_path / "methodology.json").read_text("utf-8"))
    assert f"{saved.ref}" in proc.stdout
