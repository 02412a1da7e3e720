"""Scoring a partitioned portfolio (issue 15, part 5): as in one piece."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from kampala import Aggregate, Methodology, Normalise
from kampala.cli import main
from kampala.data import sample_portfolio
from kampala.errors import ParameterValueError, PortfolioValidationError
from kampala.io import portfolio_to_pandas, write_portfolio
from kampala.io.partitioned import PartitionedScores, score_partitioned
from kampala.testing import sample_test_portfolio

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
feather = pytest.importorskip("pyarrow.feather")


def _cut(tmp_path: Path, pf, sizes: list[int], suffix: str = ".parquet") -> Path:
    whole = tmp_path / "whole.parquet"
    write_portfolio(pf, whole)
    table = pq.read_table(whole)
    folder = tmp_path / "parts"
    start = 0
    for i, size in enumerate(sizes):
        sub = folder / f"region={i % 2}" / f"part-{i:03d}{suffix}"
        sub.parent.mkdir(parents=True, exist_ok=True)
        piece = table.slice(start, size)
        if suffix == ".parquet":
            pq.write_table(piece, sub)
        else:
            feather.write_feather(piece, str(sub))
        start += size
    assert start == len(pf)
    return folder


def _assert_same(scores: PartitionedScores, card) -> None:
    reference = PartitionedScores.from_scorecard(card)
    order = np.argsort(np.asarray(scores.ids, dtype=object))
    ref_order = np.argsort(np.asarray(reference.ids, dtype=object))
    for field in ("scores", "overall", "coverage", "ranks"):
        a = getattr(scores, field)[order]
        b = getattr(reference, field)[ref_order]
        assert a.tobytes() == b.tobytes(), field  # bit for bit, NaN included
    assert sorted(scores.table(), key=lambda r: r["id"]) == sorted(
        card.table(), key=lambda r: r["id"]
    )


@pytest.mark.parametrize("sizes", [[700, 1, 299], [250, 250, 250, 250]])
def test_partitioned_parquet_scores_as_one_file(tmp_path: Path, sizes) -> None:
    pf = sample_test_portfolio(1000, rng=2026)
    folder = _cut(tmp_path, pf, sizes)
    card = Methodology.default().run(pf)
    # the rows of a folder come in path order: region=0 first
    _assert_same(score_partitioned(folder), card)


def test_ties_rank_globally(tmp_path: Path) -> None:
    pf = sample_test_portfolio(400, rng=3)
    card = Methodology.default().run(pf)
    overall = card.score()
    assert len(np.unique(overall[~np.isnan(overall)])) < np.isfinite(overall).sum()
    scores = score_partitioned(_cut(tmp_path, pf, [100, 100, 100, 100], ".arrow"))
    _assert_same(scores, card)


def test_executor_gives_the_same_scores(tmp_path: Path) -> None:
    pf = sample_test_portfolio(300, rng=4)
    folder = _cut(tmp_path, pf, [100, 100, 100])
    with ThreadPoolExecutor(2) as pool:
        parallel = score_partitioned(folder, executor=pool)
    _assert_same(parallel, Methodology.default().run(pf))


def test_dask_dataframe(tmp_path: Path) -> None:
    dd = pytest.importorskip("dask.dataframe")
    dask = pytest.importorskip("dask")
    pf = sample_portfolio()
    # lists stay Python objects (dask would make them strings by default)
    with dask.config.set(
        {"dataframe.convert-string": False, "scheduler": "synchronous"}
    ):
        frame = dd.from_pandas(portfolio_to_pandas(pf), npartitions=3)
        scores = score_partitioned(frame)
    assert scores.partitions == 3
    _assert_same(scores, Methodology.default().run(pf))


def test_command_line_csv_is_byte_identical(tmp_path: Path, monkeypatch) -> None:
    pf = sample_test_portfolio(500, rng=9)
    folder = _cut(tmp_path, pf, [200, 300])
    monkeypatch.chdir(tmp_path)
    assert main(["score", "whole.parquet", "--out", "one.csv"]) == 0
    assert main(["score", "parts", "--out", "parts.csv"]) == 0
    one, parts = ((tmp_path / f).read_bytes() for f in ("one.csv", "parts.csv"))
    # the '#' lines name the portfolio: 'whole' and 'parts'
    assert one.split(b"\n")[2:] == parts.split(b"\n")[2:]
    assert one.count(b"\n# ") == 1  # two comment lines, then the table
    assert b"rank_best" in one
    assert main(["score", str(folder), "--out", "parts.parquet"]) == 0
    table = pq.read_table(tmp_path / "parts.parquet")
    assert table.num_rows == 500
    assert table.column_names[:3] == ["rank", "id", "title"]


def test_duplicate_ids_across_partitions(tmp_path: Path) -> None:
    pf = sample_portfolio()
    folder = tmp_path / "parts"
    folder.mkdir()
    write_portfolio(pf, folder / "a.parquet")
    write_portfolio(pf, folder / "b.parquet")
    with pytest.raises(PortfolioValidationError, match="'id' must be unique"):
        score_partitioned(folder)


def test_portfolio_wide_steps_are_refused(tmp_path: Path) -> None:
    folder = _cut(tmp_path, sample_portfolio(), [24, 24])
    base = Methodology.default()
    import attrs

    normalising = attrs.evolve(
        base, steps=[Normalise(method="min-max"), Aggregate(min_coverage=0.5)]
    )
    with pytest.raises(ParameterValueError, match="whose only step"):
        score_partitioned(folder, normalising)


def test_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ParameterValueError, match="Parquet or Arrow files"):
        score_partitioned(tmp_path)
