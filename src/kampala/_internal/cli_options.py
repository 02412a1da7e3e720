"""Command-line options that several ``kampala`` commands share.

Each is declared once here, so that every command spells it the same way:
``--lang`` offers the languages of `kampala.i18n.LANGUAGES`, ``--out`` takes
a ``FILE`` (or a ``DIR``), ``PORTFOLIO`` is optional (the sample portfolio by
default), ``--methodology FILE`` names a methodology JSON file and ``--rng``
takes an integer seed.
"""

from __future__ import annotations

import argparse

from kampala.i18n import LANGUAGES

__all__ = ["add_lang", "add_methodology", "add_out", "add_portfolio", "add_rng"]


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
    metavar: str = "FILE",
) -> None:
    """Add ``--out FILE``: the file (``metavar="DIR"``: the folder) a command writes."""
    parser.add_argument(
        "--out", metavar=metavar, default=default, required=required, help=help
    )


def add_portfolio(
    parser: argparse.ArgumentParser,
    help: str = "portfolio file",
    *,
    optional: bool = True,
) -> None:
    """Add the ``PORTFOLIO`` argument (optional: the sample portfolio)."""
    nargs = "?" if optional else None
    parser.add_argument("portfolio", metavar="PORTFOLIO", nargs=nargs, help=help)


def add_methodology(parser: argparse.ArgumentParser) -> None:
    """Add ``--methodology FILE``: a methodology JSON file (KPS-1 by default)."""
    parser.add_argument("--methodology", metavar="FILE", help="methodology JSON file")


def add_rng(parser: argparse.ArgumentParser, help: str) -> None:
    """Add ``--rng``: the integer seed of a command that draws samples."""
    parser.add_argument("--rng", type=int, default=None, help=help)
