"""Workers on this machine write results in place; the numbers never change."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kampala.data import sample_portfolio
from kampala.methodology import kps1
from kampala.sensitivity import (
    UncertaintySpec,
    WeightNoise,
    _shared,
    aggregation_choice,
    uncertainty_analysis,
)
from kampala.sensitivity._execution import BlockResult
from kampala.sensitivity._rank_stats import UNIT_SLAB, unit_statistics
from kampala.sensitivity._ranking import rank_rows
from kampala.sensitivity._run import summarise_units
from kampala.sensitivity._shared import SharedArrays, shared_arrays

SPEC = UncertaintySpec(
    factors=[
        WeightNoise(levels=2, spread=0.25),
        aggregation_choice(["arithmetic", "geometric"]),
    ]
)
SHM = _shared.SHM_DIR
HAS_SHM = os.path.isdir(SHM) and hasattr(os, "posix_fallocate")
FORK = multiprocessing.get_context("fork")
QS = (0.1, 0.5)


def _ours() -> set[str]:
    if not HAS_SHM:
        return set()
    return {p for p in os.listdir(SHM) if p.startswith("kampala-")}


def _write(handle: SharedArrays, value: float) -> bool:
    """In a worker: write ``value`` into the first shared array."""
    arrays = handle.arrays()
    if arrays is None:
        return False
    arrays[0][:] = value
    return True


def _digest(**kw: Any) -> str:
    res = uncertainty_analysis(kps1(), sample_portfolio(), SPEC, n=128, rng=7, **kw)
    raw = res.ranks.tobytes() + res.scores.tobytes()
    return json.dumps(res.to_dict()) + hashlib.sha256(raw).hexdigest()


@pytest.mark.skipif(not HAS_SHM, reason="needs /dev/shm (Linux)")
def test_a_worker_process_writes_into_the_arrays_and_the_file_goes() -> None:
    before = _ours()
    with shared_arrays([((3, 4), np.float64), ((2,), np.float32)]) as (handle, arrays):
        assert handle.path
        assert Path(handle.path).exists()
        with ProcessPoolExecutor(1, mp_context=FORK) as pool:
            assert pool.submit(_write, handle, 2.5).result()
        assert arrays[0].tolist() == [[2.5] * 4] * 3
    assert _ours() == before  # removed, and the arrays stay valid
    arrays[1][:] = 1.0
    assert float(arrays[0].sum() + arrays[1].sum()) == 32.0


def test_a_handle_from_elsewhere_reaches_nothing(tmp_path: Path) -> None:
    with shared_arrays([((2,), np.float64)]) as (handle, _):
        layout = handle.layout
    stranger = SharedArrays(token="x" * 32, pid=-1, path=str(tmp_path), layout=layout)
    assert stranger.arrays() is None  # a folder, not a shared file
    gone = SharedArrays(token="x" * 32, pid=-1, path="/nonexistent", layout=layout)
    assert gone.arrays() is None
    (tmp_path / "f").write_bytes(b"y" * 128)  # another token
    other = SharedArrays(
        token="x" * 32, pid=-1, path=str(tmp_path / "f"), layout=layout
    )
    assert other.arrays() is None
    assert SharedArrays(token="t", pid=-1, path="", layout=layout).arrays() is None


def test_without_shared_memory_the_arrays_are_private(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_shared, "SHM_DIR", "/nonexistent")
    with shared_arrays([((2, 2), np.float32)]) as (handle, (a,)):
        assert handle.path == ""
        assert handle.arrays()[0] is a  # threads of this process still reach them


def test_local_processes_give_the_serial_bytes_and_leave_no_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serial = _digest()
    before = _ours()
    with ProcessPoolExecutor(2, mp_context=FORK) as pool:
        assert _digest(executor=pool, block=20) == serial
        # no shared memory: blocks are shipped back, with the same bytes
        monkeypatch.setattr(_shared, "SHM_DIR", "/nonexistent")
        assert _digest(executor=pool, block=33) == serial
    assert _ours() == before
    with ThreadPoolExecutor(2) as pool:
        assert _digest(executor=pool, block=7) == serial


def test_units_unreachable_by_the_workers_are_summarised_here() -> None:
    rng = np.random.default_rng(3)
    n_units = 2 * UNIT_SLAB + 37
    scores = rng.random((50, n_units)).astype(np.float32)
    scores[:, 5] = np.nan
    ranks = rank_rows(scores.astype(np.float64), np.float32)
    nominal = np.asarray(rank_rows(scores[:1].astype(np.float64))[0])
    ev = BlockResult(
        start=0,
        stop=50,
        scores=scores,
        ranks=ranks,
        choices=np.zeros((50, 0), dtype=np.intp),
        weights=np.zeros((50, 1)),
    )
    stranger = SharedArrays(token="t", pid=-1, path="", layout=())
    with ThreadPoolExecutor(2) as pool:
        here, shifts = summarise_units(
            ev,
            nominal,
            top_k=3,
            qs=QS,
            where="t",
            executor=pool,
            target=stranger,
        )
    alone = unit_statistics(scores, ranks, nominal, 3, QS, 50)
    assert here.score_mean.tobytes() == alone.score_mean.tobytes()
    assert here.score_quantiles.tobytes() == alone.score_quantiles.tobytes()
    assert here.ranks.quantiles.tobytes() == alone.ranks.quantiles.tobytes()
    assert shifts.shape == (50,)
    # any range of whole slabs is the same slice of the whole
    part = unit_statistics(
        scores[:, UNIT_SLAB:],
        ranks[:, UNIT_SLAB:],
        nominal[UNIT_SLAB:],
        3,
        QS,
        50,
    )
    assert part.score_mean.tobytes() == alone.score_mean[UNIT_SLAB:].tobytes()
    with warnings.catch_warnings():  # an all-missing unit
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanquantile(scores, QS, axis=0)
    assert np.allclose(alone.score_quantiles, expected, equal_nan=True)


@pytest.mark.skipif(not HAS_SHM, reason="needs /dev/shm (Linux)")
def test_files_of_killed_runs_are_swept() -> None:
    dead = next(
        p for p in range(4_000_000, 4_100_000) if not Path(f"/proc/{p}").exists()
    )
    left = Path(SHM) / f"kampala-{dead}-abc"
    alive = Path(SHM) / f"kampala-{os.getpid()}-abc"
    left.write_bytes(b"x")
    alive.write_bytes(b"x")
    try:
        with shared_arrays([((1,), np.float64)]):
            pass
        assert not left.exists()
        assert alive.exists()  # a live process's run is left alone
    finally:
        left.unlink(missing_ok=True)
        alive.unlink(missing_ok=True)
