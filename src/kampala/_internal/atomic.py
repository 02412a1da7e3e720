"""Write output files whole or not at all.

Every file kampala writes goes first to a temporary file in the same folder,
is flushed to disk, and is then renamed over the target with `os.replace`,
which is atomic on POSIX and Windows: a reader sees the old file or the new
one, never a part. If writing fails (disk full, a file-size limit, an
exception, Ctrl-C) the temporary file is removed and the target is left as
it was.

`atomic_folder` does the same for a set of files in a folder: a folder that
did not exist is built under a temporary name and renamed into place; in a
folder that exists, every file is written to a temporary file first and the
files are renamed into place only when all of them have been written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_folder", "atomic_open", "atomic_path"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError), path.open("rb") as f:
        os.fsync(f.fileno())


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; rename it over on success.

    Raises
    ------
    OSError
        If the temporary file cannot be created, written or renamed (the
        target is then unchanged and the temporary file removed).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kampala._internal.atomic import atomic_path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = pathlib.Path(tmp) / "a.txt"
    ...     with atomic_path(out) as part:
    ...         _ = part.write_text("whole")
    ...     print(out.read_text(), sorted(p.name for p in out.parent.iterdir()))
    whole ['a.txt']
    """
    path = Path(target)
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    mode = _mode_for(path)
    fd, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".part", dir=path.parent
    )
    os.close(fd)
    part = Path(name)
    try:
        yield part
        os.chmod(part, mode)
        _fsync(part)
        os.replace(part, path)
    except BaseException:
        _remove(part)
        raise


@contextlib.contextmanager
def atomic_open(
    target: str | os.PathLike[str], *, newline: str | None = ""
) -> Iterator[TextIO]:
    """Open a UTF-8 text file for writing that replaces ``target`` when closed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kampala._internal.atomic import atomic_open
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = pathlib.Path(tmp) / "a.csv"
    ...     _ = out.write_text("old")
    ...     try:
    ...         with atomic_open(out) as f:
    ...             _ = f.write("half")
    ...             raise RuntimeError("disk full")
    ...     except RuntimeError:
    ...         pass
    ...     print(out.read_text(), len(list(out.parent.iterdir())))
    old 1
    """
    with (
        atomic_path(target) as part,
        part.open("w", encoding="utf-8", newline=newline) as f,
    ):
        yield f


@contextlib.contextmanager
def atomic_folder(folder: str | os.PathLike[str]) -> Iterator[Callable[[str], Path]]:
    """Yield ``path(name)`` for files of ``folder``; they appear all at once.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kampala._internal.atomic import atomic_folder
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = pathlib.Path(tmp) / "results"
    ...     with atomic_folder(out) as path:
    ...         _ = path("a.csv").write_text("a")
    ...         _ = path("b.csv").write_text("b")
    ...     print(sorted(p.name for p in out.iterdir()))
    ['a.csv', 'b.csv']
    """
    target = Path(folder)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(
                prefix=f".{target.name}.", suffix=".part", dir=target.parent
            )
        )
        try:
            yield lambda name: staging / name
            os.chmod(staging, 0o777 & ~_umask())
            for child in staging.iterdir():
                os.chmod(child, 0o666 & ~_umask())
                _fsync(child)
            os.rename(staging, target)
        except BaseException:
            _remove(staging)
            raise
        return
    if not target.is_dir():
        raise NotADirectoryError(20, "Not a directory", str(target))
    parts: dict[str, Path] = {}

    def path(name: str) -> Path:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=target)
        os.close(fd)
        parts[name] = Path(tmp)
        return parts[name]

    try:
        yield path
        for name, part in parts.items():
            os.chmod(part, _mode_for(target / name))
            _fsync(part)
        for name, part in parts.items():
            os.replace(part, target / name)
    except BaseException:
        for part in parts.values():
            _remove(part)
        raise
