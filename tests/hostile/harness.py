"""Drive the command line with a bad input and check what every run promises.

Each hostile case runs ``kampala.cli.main`` in process (fast: no interpreter
start per case) with standard output and standard error captured, and checks:

- the exit status is 0 or 2 (never 1, never an uncaught exception);
- a failed run prints exactly one line on standard error, with no traceback,
  naming what is at fault (the test gives the words it must contain);
- a failed run creates or changes no output file (every file under the
  case's folder is fingerprinted before and after);
- no CSV written by a run has a text cell that a spreadsheet would evaluate;
- the run finishes within its time limit.

Cases that could block or exhaust memory (a FIFO, ``/dev/zero``, very large
tokens) run in a subprocess with a hard timeout instead (`run_isolated`).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

#: A cell a spreadsheet evaluates: OWASP's list of formula triggers.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@attrs.frozen
class Outcome:
    """What one run of the command line did."""

    status: int
    stdout: str
    stderr: str
    seconds: float
    changed: tuple[str, ...]  # files created, changed or removed under the folder

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def fingerprint(folder: Path) -> dict[str, str]:
    """Map each regular file under ``folder`` to a digest of its bytes."""
    out: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[str(path.relative_to(folder))] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return out


def _changed(before: dict[str, str], after: dict[str, str]) -> tuple[str, ...]:
    keys = set(before) | set(after)
    return tuple(sorted(k for k in keys if before.get(k) != after.get(k)))


def run(args: Sequence[str], folder: Path) -> Outcome:
    """Run ``kampala ARGS`` in process, in ``folder``; never raise.

    ``seconds`` is the CPU time of the run, so that time limits catch
    super-linear work without failing on a busy machine.
    """
    from kampala.cli import main

    before = fingerprint(folder)
    out, err = io.StringIO(), io.StringIO()
    # CPU time: a guard against super-linear work, not against a busy machine
    start = time.process_time()
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(list(args))
            except SystemExit as exc:  # main must return, not exit
                status = 100 + (exc.code if isinstance(exc.code, int) else 1)
            except BaseException as exc:
                status = 1
                err.write(f"Traceback (uncaught): {type(exc).__name__}: {exc}\n")
    finally:
        os.chdir(cwd)
    seconds = time.process_time() - start
    return Outcome(
        status,
        out.getvalue(),
        err.getvalue(),
        seconds,
        _changed(before, fingerprint(folder)),
    )


def run_isolated(
    args: Sequence[str], folder: Path, *, timeout: float = 20.0
) -> Outcome:
    """Run ``python -m kampala ARGS`` in a subprocess with a hard timeout."""
    before = fingerprint(folder)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kampala", *args],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        status, stdout, stderr = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired:
        status, stdout, stderr = -1, "", f"timed out after {timeout} s"
    seconds = time.perf_counter() - start
    return Outcome(
        status, stdout, stderr, seconds, _changed(before, fingerprint(folder))
    )


def csv_formula_cells(path: Path) -> list[tuple[int, int, str]]:
    """Return (row, column, text) of every cell a spreadsheet would evaluate.

    A cell that parses as a number (``-1.5``, ``+3``) is data, not a formula.
    """
    found: list[tuple[int, int, str]] = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        for r, row in enumerate(csv.reader(f)):
            for c, cell in enumerate(row):
                if cell.startswith(FORMULA_START) and not _is_number(cell):
                    found.append((r, c, cell))
    return found


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_clean_failure(
    outcome: Outcome, *, names: Iterable[str] = (), limit: float = 10.0
) -> None:
    """A failed run: status 2, one line naming ``names``, nothing written."""
    assert outcome.status == 2, (outcome.status, outcome.stderr[-2000:])
    lines = outcome.error_lines
    assert len(lines) == 1, f"expected one line on stderr, got: {outcome.stderr!r}"
    assert "Traceback" not in outcome.stderr
    for name in names:
        assert name in lines[0], f"{name!r} not named in: {lines[0]!r}"
    assert outcome.changed == (), f"a failed run touched {outcome.changed}"
    assert outcome.seconds < limit, f"took {outcome.seconds:.1f} s (limit {limit} s)"


def assert_clean_run(outcome: Outcome, folder: Path, *, limit: float = 10.0) -> None:
    """A run that may succeed or fail cleanly; CSVs it wrote hold no formula."""
    assert outcome.status in (0, 2), (outcome.status, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr
    if outcome.status == 2:
        assert len(outcome.error_lines) == 1, outcome.stderr
        assert outcome.changed == (), f"a failed run touched {outcome.changed}"
    for name in outcome.changed:
        if name.endswith(".csv"):
            assert csv_formula_cells(folder / name) == [], name
    assert outcome.seconds < limit, f"took {outcome.seconds:.1f} s (limit {limit} s)"
