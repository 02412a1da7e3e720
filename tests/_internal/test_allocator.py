"""Freed memory kept for reuse during a task, only where a worker fixed glibc."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from kampala._internal import allocator
from kampala._internal.allocator import reuse_freed_memory


class _FakeLibc:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int]] = []

    def mallopt(self, param: int, value: int) -> int:
        self.calls.append(("mallopt", param, value))
        return 1

    def malloc_trim(self, pad: int) -> int:
        self.calls.append(("malloc_trim", pad, 0))
        return 1


@pytest.fixture
def libc(monkeypatch: pytest.MonkeyPatch) -> _FakeLibc:
    fake = _FakeLibc()
    monkeypatch.setattr(allocator, "_libc", fake)
    return fake


def test_nothing_changes_without_a_fixed_trim_threshold(
    libc: _FakeLibc, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with reuse_freed_memory():
        pass
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "1000000")  # the user's own choice
    with reuse_freed_memory():
        pass
    assert libc.calls == []


def test_a_dask_worker_environment_is_put_back_after_the_task(
    libc: _FakeLibc, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    with reuse_freed_memory(), reuse_freed_memory():  # nested: set once
        assert len(libc.calls) == 2
    assert libc.calls == [
        ("mallopt", -3, 32 * 1024 * 1024),
        ("mallopt", -1, 256 * 1024 * 1024),
        ("mallopt", -3, 128 * 1024),
        ("mallopt", -1, 65536),
        ("malloc_trim", 0, 0),
    ]
    assert allocator._active == 0


def test_threads_restore_once_the_last_task_ends(
    libc: _FakeLibc, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    barrier = threading.Barrier(3)

    def task() -> None:
        with reuse_freed_memory():
            barrier.wait()
            np.ones(1 << 20).sum()

    threads = [threading.Thread(target=task) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [c[0] for c in libc.calls].count("malloc_trim") == 1
    assert allocator._active == 0


def test_the_real_library_is_found_or_left_alone() -> None:
    # in a child process: the thresholds put back are a Dask worker's, which
    # would slow this process's later tests
    code = (
        "import numpy as np\n"
        "from kampala._internal import allocator\n"
        "with allocator.reuse_freed_memory():\n"
        "    assert float(np.ones(1 << 21).sum()) == 2.0**21\n"
        "assert allocator._active == 0\n"
        "print(bool(allocator._glibc()))\n"
    )
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() in ("True", "False")  # glibc, or left alone
