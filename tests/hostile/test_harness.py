"""The harness itself: it catches what the hostile suite must catch."""

from __future__ import annotations

from pathlib import Path

import pytest

from kampala.data import sample_portfolio_path
from tests.hostile.harness import (
    assert_clean_failure,
    assert_clean_run,
    csv_formula_cells,
    run,
)


def test_a_good_run_passes(tmp_path: Path) -> None:
    out = run(["validate", str(sample_portfolio_path())], tmp_path)
    assert out.status == 0
    assert_clean_run(out, tmp_path)


def test_a_missing_file_fails_cleanly(tmp_path: Path) -> None:
    out = run(["validate", "no-such-file.json"], tmp_path)
    assert_clean_failure(out, names=["no-such-file.json"])


def test_the_harness_sees_a_formula_cell(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,title\n1,"=HYPERLINK(""http://x"",""y"")"\n2,-1.5\n3,@SUM(1)\n')
    assert [(r, c) for r, c, _ in csv_formula_cells(path)] == [(1, 1), (3, 1)]


def test_the_harness_sees_a_touched_file(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text("{}")
    out = run(["validate", "old.json"], tmp_path)
    assert out.status == 2
    with pytest.raises(AssertionError, match="extra"):
        assert_clean_failure(out, names=["extra"])
