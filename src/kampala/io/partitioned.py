r"""Score a portfolio larger than memory, partition by partition.

A partitioned portfolio is a folder of Parquet or Arrow files (for example
one per region or per year, as Spark, Dask or ``pyarrow.dataset`` write
them) or a ``dask.dataframe.DataFrame`` in the flat (CSV) layout. Each
partition is read, validated and scored on its own, so memory holds one
partition (per worker) plus the scores; the ranks are then computed once
from all the overall scores.

The result is the same as scoring the whole portfolio in one piece, to the
last bit and including ties: KPS-1 scores each partnership from its own
evidence (equations (K0)--(K9) of the KPS-1 methodology page), and the rank
of a score is its position among all the scores (equation (K10)),

$$
r_u = 1 + \#\{v : S_v > S_u\},
$$

which needs the scores only, not the evidence. A methodology whose steps
use the whole portfolio (normalisation, imputation, outlier treatment) is
refused: its scores would depend on how the portfolio is cut.
"""

from __future__ import annotations

import functools
import importlib
import math
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.array_types import FloatArray
from kampala._internal.files import DEFAULT_MAX_BYTES
from kampala.composite_result import MethodologyRef, rank_scores
from kampala.errors import (
    DataFormatError,
    ParameterTypeError,
    ParameterValueError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.evidence import EvidenceBounds, rank_bounds, rank_flags
from kampala.i18n import resolve_lang
from kampala.io.formats import read_portfolio
from kampala.methodology import Methodology
from kampala.scorecard import Scorecard

__all__ = ["PARTITION_SUFFIXES", "PartitionedScores", "score_partitioned"]


#: Files of a partitioned portfolio folder, by suffix.
PARTITION_SUFFIXES = (".parquet", ".arrow", ".feather")


@attrs.frozen(kw_only=True, eq=False)
class _Part:
    """What one partition sends back: its scores, not its evidence."""

    ids: list[str]
    titles: list[str]
    codes: tuple[str, ...]
    scores: FloatArray
    overall: FloatArray
    coverage: FloatArray
    flags: list[list[str]]
    methodology: MethodologyRef
    min_coverage: float
    bounds: EvidenceBounds  # its rank bounds are the partition's own
    basis: list[list[str]]
    rank_flag_width: int
    lang: str


def _part(card: Scorecard) -> _Part:
    codes = tuple(p.code for p in card.principles)
    lang = resolve_lang(None)
    bounds = card.evidence_bounds()  # score bounds are row by row; ranks are not
    return _Part(
        ids=list(card.ids),
        titles=list(card.titles),
        codes=codes,
        scores=np.column_stack([card.score(c) for c in codes]),
        overall=card.score(),
        coverage=np.column_stack([card.coverage(c) for c in codes]),
        flags=card.flags(lang=lang, ranks=False),
        methodology=card.methodology,
        min_coverage=card.min_coverage,
        bounds=bounds,
        basis=card.basis(),
        rank_flag_width=card.rank_flag_width,
        lang=lang,
    )


@attrs.frozen(kw_only=True, eq=False)
class PartitionedScores:
    """Scores of every partnership of a partitioned portfolio, ranked globally.

    Parameters
    ----------
    methodology : MethodologyRef
        The methodology that produced the scores.
    portfolio_name : str
        Name of the portfolio (the folder's name by default).
    codes : tuple of str
        Principle codes, in column order (``"P1"`` … ``"P5"``).
    ids, titles : tuple of str
        Partnerships, in partition order then row order.
    scores : numpy.ndarray, shape (n, principles)
        Principle scores; NaN where the evidence is insufficient.
    overall : numpy.ndarray, shape (n,)
        Overall scores.
    coverage : numpy.ndarray, shape (n, principles)
        Share of criterion weight with evidence, per principle.
    flags : tuple of tuple of str
        Per partnership, the scores flagged as insufficient evidence and a
        rank that rests on gaps (as `Scorecard.flags`).
    ranks : numpy.ndarray, shape (n,)
        Overall ranks among all partnerships (1 = best, ties share the best
        rank, NaN where the overall score is missing).
    bounds : EvidenceBounds
        The bounds the missing evidence leaves on every score (row by row,
        so exact per partition) and on the rank, over all partnerships (as
        `Scorecard.evidence_bounds`).
    basis : tuple of tuple of str
        The principles each overall score rests on.
    min_coverage : float
        Coverage threshold of the methodology.
    partitions : int
        Number of partitions scored.

    Examples
    --------
    >>> from kampala import Methodology, data
    >>> from kampala.io.partitioned import PartitionedScores
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> scores = PartitionedScores.from_scorecard(card)
    >>> scores.table()[0]["id"] == card.table()[0]["id"], scores.partitions
    (True, 1)
    """

    methodology: MethodologyRef
    portfolio_name: str
    codes: tuple[str, ...]
    ids: tuple[str, ...]
    titles: tuple[str, ...]
    scores: FloatArray
    overall: FloatArray
    coverage: FloatArray
    flags: tuple[tuple[str, ...], ...]
    ranks: FloatArray
    min_coverage: float
    bounds: EvidenceBounds
    basis: tuple[tuple[str, ...], ...]
    partitions: int = 1

    @classmethod
    def from_scorecard(cls, card: Scorecard) -> PartitionedScores:
        """Take the scores of a portfolio scored in one piece.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> from kampala.io.partitioned import PartitionedScores
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> PartitionedScores.from_scorecard(card).codes
        ('P1', 'P2', 'P3', 'P4', 'P5')
        """
        return _combine([_part(card)], card.portfolio_name)

    def __len__(self) -> int:
        return len(self.ids)

    def _order(self) -> npt.NDArray[np.intp]:
        """Rank order, unranked last, ties in row order (as `Scorecard.table`)."""
        unranked_last = np.nan_to_num(self.ranks, nan=np.inf)
        return np.lexsort((np.arange(len(self)), unranked_last))

    def table(self) -> list[dict[str, Any]]:
        """One row per partnership in rank order, as `Scorecard.table()` gives.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> from kampala.io.partitioned import PartitionedScores
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> PartitionedScores.from_scorecard(card).table() == card.table()
        True
        """
        order = np.lexsort(
            (np.arange(len(self)), np.nan_to_num(self.ranks, nan=np.inf))
        )
        rows = []
        for i in order.tolist():
            rank = self.ranks[i]
            row: dict[str, Any] = {
                "rank": None if math.isnan(rank) else int(rank),
                "id": self.ids[i],
                "title": self.titles[i],
            }
            for j, code in enumerate(self.codes):
                row[code] = _none(self.scores[i, j])
            row["overall"] = _none(self.overall[i])
            for j, code in enumerate(self.codes):
                row[f"{code}_coverage"] = float(self.coverage[i, j])
            row.update(self.bounds.row(i))
            row["basis"] = list(self.basis[i])
            row["flags"] = list(self.flags[i])
            rows.append(row)
        return rows

    def to_arrow(self) -> Any:
        """Return the rows of `table()` as a pyarrow Table (the ``arrow`` extra).

        Columns: ``rank``, ``id``, ``title``, the principle codes,
        ``overall``, the coverages (``P1_coverage`` …) and ``flags`` (joined
        with ``"; "``); a missing score or rank is null.

        Examples
        --------
        >>> from kampala import Methodology, data
        >>> from kampala.io.partitioned import PartitionedScores
        >>> card = Methodology.default().run(data.sample_portfolio())
        >>> table = PartitionedScores.from_scorecard(card).to_arrow()
        >>> table.column_names[:4], table.num_rows
        (['rank', 'id', 'title', 'P1'], 48)
        """
        from kampala.io._arrow_format import require_pyarrow

        pa = require_pyarrow("Writing results as Parquet or Arrow")
        order = np.lexsort(
            (np.arange(len(self)), np.nan_to_num(self.ranks, nan=np.inf))
        )
        ranks = self.ranks[order]
        columns: dict[str, Any] = {
            "rank": pa.array(
                np.nan_to_num(ranks).astype(np.int64), mask=np.isnan(ranks)
            ),
            "id": pa.array(np.asarray(self.ids, dtype=object)[order], pa.string()),
            "title": pa.array(
                np.asarray(self.titles, dtype=object)[order], pa.string()
            ),
        }
        for j, code in enumerate(self.codes):
            columns[code] = _floats(pa, self.scores[order, j])
        columns["overall"] = _floats(pa, self.overall[order])
        for j, code in enumerate(self.codes):
            columns[f"{code}_coverage"] = pa.array(self.coverage[order, j])
        b = self.bounds
        for j, code in enumerate(self.codes):
            columns[f"{code}_low"] = _floats(pa, b.low[order, j])
            columns[f"{code}_high"] = _floats(pa, b.high[order, j])
        columns["overall_low"] = _floats(pa, b.overall_low[order])
        columns["overall_high"] = _floats(pa, b.overall_high[order])
        for key, r in (("rank_best", b.rank_best), ("rank_worst", b.rank_worst)):
            ranks_k = r[order]
            columns[key] = pa.array(
                np.nan_to_num(ranks_k).astype(np.int64), mask=np.isnan(ranks_k)
            )
        columns["basis"] = pa.array(
            [" ".join(self.basis[i]) for i in order.tolist()], pa.string()
        )
        flags = ["; ".join(self.flags[i]) for i in order.tolist()]
        columns["flags"] = pa.array(flags, pa.string())
        meta = {
            b"kampala.methodology": str(self.methodology).encode("utf-8"),
            b"kampala.portfolio": self.portfolio_name.encode("utf-8"),
        }
        return pa.table(columns, metadata=meta)


def _take(values: tuple[str, ...], order: npt.NDArray[np.intp]) -> list[str]:
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return list(arr[order])


def _floats(pa: Any, values: FloatArray) -> Any:
    return pa.array(values, mask=np.isnan(values))


def _none(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def score_partitioned(
    source: Any,
    methodology: Methodology | None = None,
    *,
    name: str | None = None,
    executor: Executor | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> PartitionedScores:
    """Score a partitioned portfolio in bounded memory and rank it globally.

    Parameters
    ----------
    source : str, os.PathLike, sequence of paths or dask.dataframe.DataFrame
        A folder of Parquet or Arrow files (searched recursively, in path
        order; see `PARTITION_SUFFIXES`), the partition files themselves,
        or a Dask DataFrame in the flat (CSV) layout.
    methodology : Methodology, default=None
        A scorecard methodology whose steps work row by row; KPS-1 by
        default.
    name : str, default=None
        Name of the portfolio; the folder's name by default.
    executor : concurrent.futures.Executor, default=None
        Reads and scores the partition files in parallel (a process pool,
        or a Dask cluster's ``Client.get_executor()``); one at a time in
        this process by default. A Dask DataFrame is computed by Dask's
        scheduler instead.
    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        Size limit of each partition file (see `read_portfolio`).

    Returns
    -------
    PartitionedScores
        The same scores, coverages, flags and ranks as scoring the whole
        portfolio in one piece.

    Raises
    ------
    ParameterValueError
        If the methodology has steps that use the whole portfolio, or the
        folder holds no partition file.
    PortfolioValidationError
        If a partition is invalid (its problems, named by its file), or an
        id appears in more than one partition.

    Examples
    --------
    The sample portfolio cut in two Parquet files scores as in one piece:

    >>> import tempfile, pathlib
    >>> import pyarrow.parquet as pq
    >>> from kampala import Methodology, data
    >>> from kampala.io import write_portfolio
    >>> from kampala.io.partitioned import score_partitioned
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     whole = pathlib.Path(tmp) / "whole.parquet"
    ...     write_portfolio(data.sample_portfolio(), whole)
    ...     table = pq.read_table(whole)
    ...     parts = pathlib.Path(tmp) / "cartera"
    ...     parts.mkdir()
    ...     for i in range(2):
    ...         pq.write_table(table.slice(24 * i, 24), parts / f"part-{i}.parquet")
    ...     scores = score_partitioned(parts)
    >>> len(scores), scores.partitions, scores.portfolio_name
    (48, 2, 'cartera')
    >>> card = Methodology.default().run(data.sample_portfolio())
    >>> scores.table() == card.table()
    True
    """
    methodology = Methodology.default() if methodology is None else methodology
    _check_row_wise(methodology)
    if _is_dask_frame(source):
        parts = _score_dask(source, methodology)
        label = name or "dask"
    else:
        paths = _partition_paths(source)
        task = functools.partial(
            _score_path, methodology=methodology, max_bytes=max_bytes
        )
        mapped: Iterable[_Part | None] = (
            executor.map(task, paths) if executor is not None else map(task, paths)
        )
        parts = [p for p in mapped if p is not None]
        label = name or (
            Path(source).name if isinstance(source, str | os.PathLike) else "portfolio"
        )
    return _combine(parts, label)


def _check_row_wise(methodology: Methodology) -> None:
    if not isinstance(methodology, Methodology):
        raise ParameterTypeError(
            "score_partitioned()",
            "methodology",
            type(methodology).__name__,
            "a Methodology",
        )
    kinds = [step.kind for step in methodology.steps]
    if not methodology.scorers or kinds != ["aggregate"]:
        raise ParameterValueError(
            "score_partitioned()",
            "methodology",
            kinds,
            "a scorecard methodology whose only step is the aggregation",
            hint="Steps such as normalisation use the whole portfolio; "
            "score it in one piece.",
        )


def _partition_paths(source: Any) -> list[Path]:
    if isinstance(source, str | os.PathLike):
        folder = Path(source)
        if not folder.is_dir():
            raise DataFormatError(
                "score_partitioned()", "source", str(folder), "a folder"
            )
        paths = sorted(
            p
            for p in folder.rglob("*")
            if p.suffix.lower() in PARTITION_SUFFIXES and p.is_file()
        )
        if not paths:
            raise ParameterValueError(
                "score_partitioned()",
                "source",
                str(folder),
                "a folder with Parquet or Arrow files",
                hint=f"Files are found by suffix: {', '.join(PARTITION_SUFFIXES)}.",
            )
        return paths
    if isinstance(source, Sequence) and all(
        isinstance(p, str | os.PathLike) for p in source
    ):
        return [Path(p) for p in source]
    raise ParameterTypeError(
        "score_partitioned()",
        "source",
        type(source).__name__,
        "a folder, a sequence of paths or a dask DataFrame",
    )


def _score_path(
    path: Path, methodology: Methodology, max_bytes: int | None
) -> _Part | None:
    portfolio = read_portfolio(path, max_bytes=max_bytes)
    return _part(methodology.run(portfolio)) if len(portfolio) else None


def _is_dask_frame(source: Any) -> bool:
    return type(source).__module__.startswith("dask") and hasattr(source, "to_delayed")


def _score_dask(frame: Any, methodology: Methodology) -> list[_Part]:
    dask = importlib.import_module("dask")
    tasks = [
        dask.delayed(_score_frame)(part, methodology, i)
        for i, part in enumerate(frame.to_delayed())
    ]
    return list(dask.compute(*tasks))


def _score_frame(frame: Any, methodology: Methodology, index: int) -> _Part:
    from kampala.io.pandas_format import portfolio_from_pandas

    portfolio = portfolio_from_pandas(
        frame.reset_index(drop=True), name=f"partition {index}"
    )
    return _part(methodology.run(portfolio))


def _combine(parts: list[_Part], name: str) -> PartitionedScores:
    if not parts:
        raise ParameterValueError(
            "score_partitioned()", "source", name, "at least one partition"
        )
    first = parts[0]
    ids = [i for p in parts for i in p.ids]
    if len(set(ids)) != len(ids):
        seen: dict[str, int] = {}
        for rid in ids:
            seen[rid] = seen.get(rid, 0) + 1
        errors: list[Exception] = [
            RecordValidationError(
                f"partnership {rid!r}",
                "id",
                rid,
                "unique in the portfolio",
                hint=f"It appears {count} times, in more than one partition.",
                record_id=rid,
            )
            for rid, count in seen.items()
            if count > 1
        ]
        raise PortfolioValidationError(name, errors)
    overall = np.concatenate([p.overall for p in parts])
    overall_low = np.concatenate([p.bounds.overall_low for p in parts])
    overall_high = np.concatenate([p.bounds.overall_high for p in parts])
    best, worst = rank_bounds(overall, overall_low, overall_high)
    found = rank_flags(overall, best, worst, first.rank_flag_width, first.lang)
    flags = [f for p in parts for f in p.flags]
    return PartitionedScores(
        methodology=first.methodology,
        portfolio_name=name,
        codes=first.codes,
        ids=tuple(ids),
        titles=tuple(t for p in parts for t in p.titles),
        scores=np.concatenate([p.scores for p in parts]),
        overall=overall,
        coverage=np.concatenate([p.coverage for p in parts]),
        flags=tuple(
            (*f, flag) if flag is not None else tuple(f)
            for f, flag in zip(flags, found, strict=True)
        ),
        ranks=rank_scores(overall),
        min_coverage=first.min_coverage,
        bounds=EvidenceBounds(
            ids=tuple(ids),
            principles=first.codes,
            low=np.concatenate([p.bounds.low for p in parts]),
            high=np.concatenate([p.bounds.high for p in parts]),
            overall_low=overall_low,
            overall_high=overall_high,
            rank_best=best,
            rank_worst=worst,
        ),
        basis=tuple(tuple(b) for p in parts for b in p.basis),
        partitions=len(parts),
    )
