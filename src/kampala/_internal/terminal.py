"""Command-line output: one-line errors, terminal-safe text, safe writes.

Shared by `kampala.cli` and the command modules it calls. Every function
here prints or formats for a person at a terminal, never for a program.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from kampala.errors import KampalaError
from kampala.i18n import N_, error_message, translate

__all__ = [
    "UsageError",
    "add_formula_escape",
    "check_suffix",
    "for_cli",
    "one_line",
    "positive_int",
    "shown",
    "shown_lines",
    "silence_stdout",
    "write_stdout",
    "writing",
    "wrote",
    "wrote_folder",
]


class UsageError(Exception):
    """A command-line mistake; printed as one line, exit status 2."""


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1 (got {text!r})")
    return value


def shown(text: str) -> str:
    r"""``text`` safe to print on a terminal: controls and surrogates escaped.

    C0 and C1 control characters (ESC, NUL, ..., tab and newline too: a cell
    stays on its line), bidirectional overrides and lone surrogates are shown
    as ``\x1b``, ``\u202e``, ``\ud800``; everything else is printed as is.
    """
    if text.isprintable() and not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_escape_char, "".join(_printable(ch) for ch in text))


_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _printable(ch: str) -> str:
    return ch if ch.isprintable() or ch == " " or _UNSAFE.match(ch) else _esc(ch)


def _escape_char(m: re.Match[str]) -> str:
    return _esc(m.group())


def _esc(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def write_stdout(text: str) -> None:
    """Write ``text`` to standard output; a write error is a clean failure."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # /dev/full, a closed stream
        raise UsageError(
            f"kampala: cannot write to standard output: "
            f"{getattr(exc, 'strerror', None) or exc}"
        ) from exc
    except UnicodeEncodeError as exc:  # pragma: no cover - a non-UTF-8 terminal
        raise UsageError(
            f"kampala: cannot write to standard output: {exc.reason}; set "
            "PYTHONIOENCODING=utf-8 or use --out"
        ) from exc


def check_suffix(where: str, option: str, path: str, allowed: Sequence[str]) -> None:
    """Refuse an output name whose suffix names a format not written here."""
    suffix = Path(path).suffix.lower()
    if suffix and suffix not in allowed:
        raise UsageError(
            f"{where}: {option}: the suffix {suffix!r} of {path!r} must be "
            f"{' or '.join(allowed)} (or none); kampala does not write "
            f"{suffix.lstrip('.')} files here"
        )


def shown_lines(text: str) -> str:
    """Apply `shown` to each line of ``text``, keeping the line breaks."""
    return "\n".join(shown(line) for line in text.split("\n"))


def silence_stdout() -> None:
    """Point standard output at the null device (nothing left to flush)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def one_line(text: str) -> str:
    """Put an error message on one line, safe for a terminal."""
    return shown(" ".join(text.split()))


_CLI_TERMS = (
    (re.compile(r" ?,? or method='random'"), ""),
    (re.compile(r" ?Use method='random'\."), ""),
    (re.compile(r"\bn=(\d+)"), r"--n \1"),
    (re.compile(r"\bPass format='csv', 'json' or 'jsonl' for ([^.]*)\."), ""),
)


def for_cli(exc: KampalaError, lang: str = "en") -> str:
    """Word the message of ``exc`` in command-line terms (options, not arguments)."""
    text = error_message(exc, lang)
    for pattern, repl in _CLI_TERMS:
        text = pattern.sub(repl, text)
    return text


@contextlib.contextmanager
def writing(where: str, option: str, path: str) -> Iterator[None]:
    """Turn an error writing an output file into one clean line."""
    try:
        yield
    except OSError as exc:
        raise UsageError(
            f"{where}: cannot write {path!r} ({option}): "
            f"{exc.strerror or exc}; no output file was changed"
        ) from exc
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"{where}: cannot write {path!r} ({option}): the text holds "
            f"{exc.object[exc.start : exc.end]!r}, which is not valid Unicode "
            "(a lone surrogate); no output file was changed"
        ) from exc


_NO_ESCAPE_HELP = (
    "write CSV text cells as they are; by default a cell a spreadsheet would "
    "evaluate (starting with =, +, -, @, tab or CR) gets a leading '"
)


def add_formula_escape(p: argparse.ArgumentParser) -> None:
    """Add ``--no-formula-escape`` (CSV text cells written as they are)."""
    p.add_argument(
        "--no-formula-escape",
        dest="formula_escape",
        action="store_false",
        help=_NO_ESCAPE_HELP,
    )


def wrote(path: str, lang: str | None = None) -> str:
    """Return the line on standard error that names a file written."""
    return translate(N_("wrote {file}"), lang, file=shown(path))


def wrote_folder(path: str, lang: str | None = None) -> str:
    """Return the line on standard error that names a folder of outputs."""
    return translate(
        N_("wrote tables and figures to {folder}"), lang, folder=shown(path)
    )
