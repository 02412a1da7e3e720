"""Languages of kampala's outputs: English and Spanish from one catalogue.

Every sentence kampala shows a person (table headers, flags, explanations,
warnings, error messages, report text, plot labels) is written in English in
the code and passed through `translate`; its Spanish text lives in one gettext
catalogue, ``kampala/locale/es/LC_MESSAGES/kampala.po`` (compiled to
``kampala.mo`` by ``make catalogue``). A test fails when an English message
has no Spanish entry, so Spanish is never a partial translation.

Messages are `str.format` templates: ``translate("{n} partnerships", "es",
n=3)`` formats the Spanish template with the same fields. Text defined at
import time (module constants) is marked with `N_` and translated where it
is shown.

The language of an output is, in order: the ``lang`` argument, the
``KAMPALA_LANG`` environment variable, the locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``; a value starting with ``es`` means Spanish), else
English.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
import os
import re
from importlib import resources
from typing import Any, Literal, get_args

from kampala.errors import KampalaError, ParameterValueError

__all__ = [
    "LANGUAGES",
    "N_",
    "Lang",
    "error_message",
    "ntranslate",
    "resolve_lang",
    "translate",
]

#: The languages kampala writes.
Lang = Literal["en", "es"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (yet).

    Examples
    --------
    >>> from kampala.i18n import N_, translate
    >>> HEADER = N_("rank")
    >>> translate(HEADER, "es")
    'puesto'
    """
    return message


def resolve_lang(lang: str | None = None) -> Lang:
    """Return the output language: ``lang``, else the environment, else English.

    Parameters
    ----------
    lang : {"en", "es"} or None
        The language asked for; None looks at ``KAMPALA_LANG`` and then the
        locale variables ``LC_ALL``, ``LC_MESSAGES`` and ``LANG``.

    Returns
    -------
    {"en", "es"}

    Raises
    ------
    ParameterValueError
        If ``lang`` (or ``KAMPALA_LANG``) is not a language kampala writes.

    Examples
    --------
    >>> from kampala.i18n import resolve_lang
    >>> resolve_lang("es")
    'es'
    >>> resolve_lang("ES")
    'es'
    """
    where = "lang"
    if lang is None:
        env = os.environ.get("KAMPALA_LANG", "").strip()
        if env:
            lang, where = env, "KAMPALA_LANG"
        else:
            for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
                value = os.environ.get(name, "")
                if value:
                    return "es" if value.lower().startswith("es") else "en"
            return "en"
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise ParameterValueError(
            "kampala", where, lang, f"one of {', '.join(LANGUAGES)}"
        )
    return "es" if code == "es" else "en"


@functools.cache
def _catalogue(lang: str) -> _gettext.NullTranslations:
    if lang == "en":
        return _gettext.NullTranslations()
    data = (
        resources.files("kampala")
        .joinpath("locale", lang, "LC_MESSAGES", "kampala.mo")
        .read_bytes()
    )
    return _gettext.GNUTranslations(io.BytesIO(data))


def translate(message: str, lang: str | None = None, /, **fields: Any) -> str:
    """Return ``message`` in ``lang``, formatted with ``fields``.

    Parameters
    ----------
    message : str
        The English text, a `str.format` template when ``fields`` are given.
    lang : {"en", "es"} or None
        The language (see `resolve_lang`).
    **fields
        Values for the template's fields.

    Returns
    -------
    str

    Examples
    --------
    >>> from kampala.i18n import translate
    >>> translate("rank", "es")
    'puesto'
    >>> translate("{n} partnerships", "es", n=3)
    '3 alianzas'
    >>> translate("{n} partnerships", "en", n=3)
    '3 partnerships'
    """
    text = _catalogue(resolve_lang(lang)).gettext(message)
    return text.format(**fields) if fields else text


def ntranslate(
    singular: str, plural: str, n: int, lang: str | None = None, /, **fields: Any
) -> str:
    """Return the singular or plural form of a message for ``n``, in ``lang``.

    The template is formatted with ``n`` and ``fields``; the Spanish
    catalogue chooses the form with its own plural rule.

    Parameters
    ----------
    singular, plural : str
        The English forms (`str.format` templates that may use ``{n}``).
    n : int
        The count that chooses the form.
    lang : {"en", "es"} or None
        The language (see `resolve_lang`).
    **fields
        Other values for the template's fields.

    Returns
    -------
    str

    Examples
    --------
    >>> from kampala.i18n import ntranslate
    >>> ntranslate("{n} actor", "{n} actors", 1, "es")
    '1 actor'
    >>> ntranslate("{n} actor", "{n} actors", 214, "es")
    '214 actores'
    """
    text = _catalogue(resolve_lang(lang)).ngettext(singular, plural, n)
    return text.format(n=n, **fields)


#: The parts of every error message (see `kampala.errors`).
_MUST_BE = N_("{where}: '{field}' must be {expected}")
_GOT = N_(" (got {value})")


def error_message(error: BaseException, lang: str | None = None) -> str:
    """Return the message of ``error`` in ``lang``.

    A `KampalaError` is worded again from its parts (``where``, ``field``,
    ``value``, ``expected``, ``hint``): the frame ("must be", "got") is
    translated, and so are the expectation and the hint when the catalogue
    has them; names, values and paths are shown as they are. Other
    exceptions give ``str(error)``.

    Parameters
    ----------
    error : BaseException
        The error.
    lang : {"en", "es"} or None
        The language (see `resolve_lang`).

    Returns
    -------
    str

    Examples
    --------
    >>> from kampala.errors import ParameterValueError
    >>> from kampala.i18n import error_message
    >>> err = ParameterValueError("kampala", "lang", "qu", "one of en, es")
    >>> error_message(err, "en")
    "kampala: 'lang' must be one of en, es (got 'qu')."
    >>> error_message(err, "es")
    "kampala: 'lang' debe ser uno de en, es (se recibió 'qu')."
    """
    lang = resolve_lang(lang)
    if lang == "en" or not isinstance(error, KampalaError):
        return str(error)
    parts = [
        translate(
            _MUST_BE,
            lang,
            where=_translate_phrase(error.where, lang),
            field=error.field,
            expected=_translate_phrase(error.expected, lang),
        )
    ]
    if getattr(error, "_has_value", True):
        parts.append(translate(_GOT, lang, value=repr(error.value)))
    parts.append(".")
    if error.hint:
        parts.append(" " + _translate_phrase(error.hint, lang))
    return "".join(parts)


#: Shapes of expectations built from values: (pattern, template).
_SHAPES = (
    (re.compile(r"^one of (?P<choices>.+)$"), N_("one of {choices}")),
    (
        re.compile(r"^an? (?P<name>[A-Z][A-Za-z]+) \((?P<values>.+)\)$"),
        N_("a {name} ({values})"),
    ),
    (re.compile(r"^(?P<bound>[<>]=? ?-?[0-9.e+]+)$"), N_("{bound}")),
    (re.compile(r"^partnership (?P<id>'.*')$"), N_("partnership {id}")),
    (re.compile(r"^line (?P<n>[0-9]+)$"), N_("line {n}")),
    (re.compile(r"^Did you mean (?P<label>'.*')\?$"), N_("Did you mean {label}?")),
    (
        re.compile(r"^(?P<n>[0-9]+) cells, as many as the header$"),
        N_("{n} cells, as many as the header"),
    ),
)


def _translate_phrase(text: str, lang: Lang) -> str:
    """Translate ``text`` if the catalogue has it; common shapes by rule."""
    out = translate(text, lang)
    if out != text:
        return out
    for pattern, template in _SHAPES:
        m = pattern.match(text)
        if m:
            return translate(template, lang, **m.groupdict())
    return text
