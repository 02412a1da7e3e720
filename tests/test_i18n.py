"""The Spanish catalogue is complete, compiled and consistent with the code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

babel_pofile = pytest.importorskip("babel.messages.pofile")
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.mofile import read_mo  # noqa: E402

import kampala  # noqa: E402
from kampala.errors import KampalaError  # noqa: E402
from kampala.i18n import resolve_lang, translate  # noqa: E402

SRC = Path(kampala.__file__).parent
PO = SRC / "locale" / "es" / "LC_MESSAGES" / "kampala.po"
MO = PO.with_suffix(".mo")
FIELD = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)[^{}]*\}")


def _catalogue():
    with PO.open("rb") as f:
        return babel_pofile.read_po(f, locale="es")


def _code_messages() -> dict[str | tuple[str, ...], str]:
    """Every message the code passes to translate()/ntranslate() or marks with N_()."""
    found: dict[str | tuple[str, ...], str] = {}
    keywords = {"translate": (1,), "N_": None, "ntranslate": (1, 2)}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords=keywords
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, f"{filename}:{lineno}")
        elif isinstance(message, tuple) and all(message):
            found.setdefault(tuple(message), f"{filename}:{lineno}")
    return found


def _has_entry(catalogue, msg: str | tuple[str, ...]) -> bool:
    key = msg if isinstance(msg, str) else msg[0]
    if key not in catalogue:
        return False
    entry = catalogue[key]
    if isinstance(msg, str):
        return isinstance(entry.string, str) and bool(entry.string)
    # a plural message: the entry has the same plural and every form
    return (
        tuple(entry.id) == msg and isinstance(entry.string, tuple) and all(entry.string)
    )


def test_every_english_message_has_a_spanish_entry() -> None:
    catalogue = _catalogue()
    missing = [
        f"{where}: {msg!r}"
        for msg, where in _code_messages().items()
        if not _has_entry(catalogue, msg)
    ]
    assert not missing, "no Spanish entry for:\n" + "\n".join(missing)


def test_no_entry_is_fuzzy_and_fields_match() -> None:
    bad = []
    for entry in _catalogue():
        if not entry.id:
            continue
        if entry.fuzzy:
            bad.append(f"fuzzy: {entry.id!r}")
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(FIELD.findall(i) for i in ids))
        for string in strings:
            if set(FIELD.findall(string)) != wanted:
                bad.append(f"fields differ: {entry.id!r} -> {string!r}")
    assert not bad, "\n".join(bad)


def test_compiled_catalogue_is_up_to_date() -> None:
    def key(m):
        return (m.id if isinstance(m.id, str) else tuple(m.id)), (
            m.string if isinstance(m.string, str) else tuple(m.string)
        )

    source = dict(key(m) for m in _catalogue() if m.id)
    with MO.open("rb") as f:
        compiled = dict(key(m) for m in read_mo(f) if m.id)
    assert compiled == source, "run `make catalogue` after editing kampala.po"


def test_translate_formats_in_both_languages() -> None:
    assert translate("{n} partnerships", "en", n=2) == "2 partnerships"
    assert translate("{n} partnerships", "es", n=2) == "2 alianzas"
    assert translate("a message with no entry", "es") == "a message with no entry"


def test_language_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KAMPALA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert resolve_lang() == "en"
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    assert resolve_lang() == "es"
    monkeypatch.setenv("KAMPALA_LANG", "en")
    assert resolve_lang() == "en"
    assert resolve_lang("es-PE") == "es"
    monkeypatch.setenv("KAMPALA_LANG", "qu")
    with pytest.raises(KampalaError, match="KAMPALA_LANG"):
        resolve_lang()


def test_read_po_round_trip_is_lossless() -> None:
    buf = io.BytesIO(PO.read_bytes())
    assert len(babel_pofile.read_po(buf, locale="es")) >= 1


def test_plural_forms_follow_the_count() -> None:
    from kampala.i18n import ntranslate

    assert ntranslate("{n} actor", "{n} actors", 1, "es") == "1 actor"
    assert ntranslate("{n} actor", "{n} actors", 0, "es") == "0 actores"
    assert ntranslate("{n} actor", "{n} actors", 2, "en") == "2 actors"


def test_error_messages_are_worded_in_spanish() -> None:
    from kampala.errors import ParameterValueError
    from kampala.i18n import error_message

    err = ParameterValueError("f()", "n", -1, "one of 1, 2")
    assert error_message(err, "en") == str(err)
    assert error_message(err, "es") == "f(): 'n' debe ser uno de 1, 2 (se recibió -1)."
