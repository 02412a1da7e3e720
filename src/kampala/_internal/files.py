"""Reading input files safely: regular files only, and a size limit.

Every reader of a user's file (portfolios, COINr tables, methodologies)
opens it here. The file is opened without blocking (a FIFO does not hang),
checked to be a regular file (a symlink is followed; its target must be
regular: no FIFO, device or directory) and no larger than ``max_bytes``
BEFORE it is read, and at most ``max_bytes + 1`` bytes are ever read (a file
that grows while it is read is refused too).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

from kampala.errors import DataFormatError, KampalaError, ParameterValueError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_BYTES_ENV",
    "check_max_bytes",
    "check_regular_file",
    "env_max_bytes",
    "open_input",
    "read_input_bytes",
    "read_input_text",
]

#: The default size limit of an input file (portfolio, COINr table,
#: methodology): 256 MiB.
DEFAULT_MAX_BYTES: int = 1 << 28

#: The environment variable the command line reads its size limit from.
MAX_BYTES_ENV = "KAMPALA_MAX_INPUT_BYTES"

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def check_max_bytes(max_bytes: Any, caller: str) -> int | None:
    """Return ``max_bytes`` if it is a positive int or None, else raise."""
    if max_bytes is None:
        return None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ParameterValueError(
            caller, "max_bytes", max_bytes, "a positive whole number of bytes or None"
        )
    return max_bytes


def env_max_bytes(default: int | None = DEFAULT_MAX_BYTES) -> int | None:
    """Return the limit set by ``KAMPALA_MAX_INPUT_BYTES``, else ``default``.

    ``0`` or ``none`` lifts the limit.
    """
    text = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not text:
        return default
    if text.lower() in ("0", "none"):
        return None
    if not text.isascii() or not text.isdigit():
        raise ParameterValueError(
            "kampala",
            MAX_BYTES_ENV,
            text,
            "a whole number of bytes, or 0 or 'none' for no limit",
        )
    return int(text)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - every kind is listed


def _too_big(where: str, size: int, max_bytes: int) -> DataFormatError:
    return DataFormatError(
        where,
        "size",
        size,
        f"at most max_bytes={max_bytes} bytes",
        hint=f"Pass a larger max_bytes (or None), or set {MAX_BYTES_ENV} for the "
        "command line, if you trust the file.",
    )


def _open(
    path: Path,
    where: str,
    field: str,
    max_bytes: int | None,
    error: type[KampalaError],
) -> int:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as exc:
        raise error(where, field, str(path), "an existing file") from exc
    except IsADirectoryError as exc:
        raise error(
            where, field, str(path), "a regular file", hint="It is a directory."
        ) from exc
    except OSError as exc:
        raise error(
            where, field, str(path), "a readable file", hint=exc.strerror or str(exc)
        ) from exc
    except ValueError as exc:  # "embedded null byte"
        raise error(
            where, field, str(path), "a path", hint="It contains a NUL character."
        ) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(
                where,
                field,
                str(path),
                "a regular file",
                hint=f"It is {_kind(st.st_mode)}.",
            )
        if max_bytes is not None and st.st_size > max_bytes:
            raise _too_big(path.name, st.st_size, max_bytes)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check_regular_file(
    path: Path,
    where: str,
    field: str = "source",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    error: type[KampalaError] = DataFormatError,
) -> None:
    """Raise ``error`` unless ``path`` is a regular file of at most ``max_bytes``.

    Examples
    --------
    >>> from pathlib import Path
    >>> from kampala._internal.files import check_regular_file
    >>> check_regular_file(Path("/"), "read_portfolio()")
    Traceback (most recent call last):
    ...
    kampala.errors.DataFormatError: read_portfolio(): 'source' must be a regular file (got '/'). It is a directory.
    """  # noqa: E501 - doctest output
    os.close(_open(path, where, field, max_bytes, error))


def read_input_bytes(
    path: Path,
    where: str,
    field: str = "source",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    error: type[KampalaError] = DataFormatError,
) -> bytes:
    """Read a regular file of at most ``max_bytes`` bytes, or raise ``error``."""
    fd = _open(path, where, field, max_bytes, error)
    try:
        with os.fdopen(fd, "rb") as f:
            data = f.read() if max_bytes is None else f.read(max_bytes + 1)
    except OSError as exc:
        raise error(
            where, field, str(path), "a readable file", hint=exc.strerror or str(exc)
        ) from exc
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_big(path.name, len(data), max_bytes)
    return data


def read_input_text(
    path: Path,
    where: str,
    field: str = "source",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    error: type[KampalaError] = DataFormatError,
) -> str:
    """Read a regular UTF-8 text file (a byte order mark is dropped)."""
    raw = read_input_bytes(path, where, field, max_bytes, error)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(path.name, "encoding", f"byte {exc.start}", "UTF-8 text") from exc


def open_input(
    path: Path,
    where: str,
    field: str = "source",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    error: type[KampalaError] = DataFormatError,
) -> BinaryIO:
    """Open a regular file of at most ``max_bytes`` bytes for streaming, or raise."""
    return os.fdopen(_open(path, where, field, max_bytes, error), "rb")
