"""Wording helpers shared by error messages."""

from __future__ import annotations

import enum
from collections.abc import Sequence

__all__ = ["counted", "enum_expected", "new_notes", "with_article"]


def with_article(noun: str) -> str:
    """Return ``noun`` after its indefinite article: "a Modality", "an Actor".

    The article follows the first letter, which is right for the class and
    type names it is used with (not for words such as "hour" or "unit").
    """
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def enum_expected(cls: type[enum.Enum]) -> str:
    """Describe a valid value of an enumeration: its name and every value."""
    return f"{with_article(cls.__name__)} ({', '.join(m.value for m in cls)})"


def counted(n: int, noun: str) -> str:
    """Return "1 partnership", "2 partnerships": a count with its noun."""
    return f"{n} {noun if n == 1 else noun + 's'}"


def new_notes(message: str, notes: Sequence[str]) -> list[str]:
    """Return the notes of an error that its message does not already start with.

    A problem located by its line (``where="line 2"``) also carries the line
    as a note, as every problem of a file does; printing both would say
    ``line 2: ... [line 2]``.
    """
    return [n for n in notes if not message.startswith(f"{n}:")]
