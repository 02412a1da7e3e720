"""``kampala --help`` in the language of the output.

The parser is declared in English; `localise_parser` rewords a built parser
in another language: the program and command descriptions, the help of every
command and option, the titles of the option groups and argparse's own words
("usage:", "positional arguments", "options", "show this help message and
exit"). Every text comes from the one catalogue (`kampala.i18n.translate`);
metavars (``FILE``, ``PORTFOLIO``, ``SPEC`` ...) and option names stay as
they are, and so do argparse's ``%(default)s``-style placeholders.

Nothing global is changed: argparse's module-level ``gettext`` is left
alone (so two parsers in two threads may speak two languages), and the
English parser is returned untouched, byte for byte. argparse's error
messages are worded by `kampala._cli_output.usage_text`.
"""

from __future__ import annotations

import argparse
import functools
from typing import Any

from kampala.i18n import N_, Lang, translate

__all__ = ["localise_parser"]

#: argparse's own words in the help (argparse has no Spanish of its own).
_USAGE = N_("usage: ")
_ARGPARSE_WORDS = (
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
)


class _Formatter(argparse.HelpFormatter):
    """A help formatter whose "usage:" prefix is in ``lang``."""

    def __init__(self, prog: str, *, lang: Lang, **kwargs: Any) -> None:
        super().__init__(prog, **kwargs)
        self._lang = lang

    def add_usage(
        self,
        usage: str | None,
        actions: Any,
        groups: Any,
        prefix: str | None = None,
    ) -> None:
        if prefix is None:
            prefix = translate(_USAGE, self._lang)
        super().add_usage(usage, actions, groups, prefix)


def _text(text: str | None, lang: Lang) -> str | None:
    if not text or text == argparse.SUPPRESS:
        return text
    return translate(text, lang)


def localise_parser(
    parser: argparse.ArgumentParser, lang: Lang
) -> argparse.ArgumentParser:
    """Reword ``parser`` and all its sub-parsers in ``lang``; return it.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        A parser declared in English.
    lang : {"en", "es"}
        The language of its help; English leaves it as it is.

    Returns
    -------
    argparse.ArgumentParser
        ``parser`` itself.

    Examples
    --------
    >>> import argparse
    >>> from kampala._cli_help import localise_parser
    >>> p = argparse.ArgumentParser(prog="kampala")
    >>> _ = p.add_argument("--out", metavar="FILE", help="write the output to FILE")
    >>> print(localise_parser(p, "es").format_usage().strip())
    uso: kampala [-h] [--out FILE]
    >>> p._optionals.title
    'opciones'
    """
    if lang == "en":
        return parser
    seen: set[int] = set()
    todo = [parser]
    while todo:
        p = todo.pop()
        if id(p) in seen:
            continue
        seen.add(id(p))
        p.formatter_class = functools.partial(_Formatter, lang=lang)
        p.description = _text(p.description, lang)
        p.epilog = _text(p.epilog, lang)
        for group in p._action_groups:
            group.title = _text(group.title, lang)
            group.description = _text(group.description, lang)
        for action in p._actions:
            action.help = _text(action.help, lang)
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    choice.help = _text(choice.help, lang)
                todo.extend(action.choices.values())
    return parser
