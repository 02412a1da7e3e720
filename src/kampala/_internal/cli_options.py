"""Command-line options that several ``kampala`` commands share.

Each is declared once here, so that every command spells it the same way:
``--lang`` offers the languages of `kampala.i18n.LANGUAGES`, ``--out`` takes
a ``FILE``.
"""

from __future__ import annotations

import argparse

from kampala.i18n import LANGUAGES

__all__ = ["add_lang", "add_out"]


def add_lang(
    parser: argparse.ArgumentParser, help: str, default: str | None = None
) -> None:
    """Add ``--lang``: one of the languages kampala speaks."""
    parser.add_argument("--lang", choices=LANGUAGES, default=default, help=help)


def add_out(
    parser: argparse.ArgumentParser,
    help: str,
    *,
    default: str | None = None,
    required: bool = False,
) -> None:
    """Add ``--out FILE``: the file a command writes."""
    parser.add_argument(
        "--out", metavar="FILE", default=default, required=required, help=help
    )
