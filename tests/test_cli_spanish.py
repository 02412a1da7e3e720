"""With ``--lang es`` (or ``KAMPALA_LANG=es``) the commands print no English sentence.

Each command runs in Spanish; its standard output and standard error are
scanned for the English text of every catalogue entry whose Spanish differs
(the literal parts of its template, of two words or more). Data (ids, titles,
field paths, category codes in JSON) is not text for people and is allowed.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

babel_pofile = pytest.importorskip("babel.messages.pofile")

import kampala  # noqa: E402
from kampala.cli import main  # noqa: E402
from kampala.data import asem_paths, sample_portfolio_path, sample_responses_path  # noqa: E402

PO = Path(kampala.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "kampala.po"
FIXTURES = Path(__file__).parent / "io" / "iati_fixtures"
_FIELD = re.compile(r"\{[a-zA-Z_]+\}")


def _english_fragments() -> list[str]:
    with PO.open("rb") as f:
        catalogue = babel_pofile.read_po(f, locale="es")
    fragments: set[str] = set()
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        spanish = " ".join(strings)
        for msgid in ids:
            for part in _FIELD.split(msgid):
                part = part.strip(" .,:;()—-'")
                if len(part.split()) >= 2 and part not in spanish:
                    fragments.add(part)
    return sorted(fragments, key=len, reverse=True)


FRAGMENTS = _english_fragments()


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue() + err.getvalue()


@pytest.fixture(autouse=True)
def _english_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KAMPALA_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)


SAMPLE = str(sample_portfolio_path())
DATA, META = map(str, asem_paths())
COMMANDS = {
    "score": ["score"],
    "score-csv": ["score", "--format", "csv"],
    "score-json": ["score", "--format", "json"],
    "demo": ["demo"],
    "demo-asem": ["demo", "--asem", "--top", "3"],
    "validate": ["validate", SAMPLE],
    "explain": ["explain", "PE-ENE-005", SAMPLE],
    "explain-json": ["explain", "PE-HEA-001", "--format", "json"],
    "sensitivity": ["sensitivity", "--n", "256", "--rng", "1"],
    "methodology": ["methodology"],
    "index": ["index", DATA, META, "--denominate", "--normalise", "min-max"],
    "index-out": ["index", DATA, META, "--out", "scores.csv"],
    "import": ["import", str(FIXTURES / "activities-2.03.xml")],
    "report": ["report", "--out", "informe.html"],
    "template": ["template", "--out", "plantilla.xlsx"],
    "score-xlsx": ["score", "--format", "xlsx", "--out", "puntajes.xlsx"],
    "questionnaire": ["questionnaire", "--group", "government"],
    "responses": ["responses", str(sample_responses_path())],
    "score-next-evidence": ["score", "--next-evidence"],
    # errors, one line each
    "error-usage": ["score", "--format", "xx"],
    "error-required": ["explain"],
    "error-id": ["explain", "PE-XXX-999"],
    "error-file": ["validate", "no-such-file.json"],
    "error-weights": ["score", "--weights", "P9=1"],
    "error-top": ["demo", "--top", "3"],
    "error-record": ["validate", "bad.csv"],
    "error-records": ["score", "bad.json"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_spanish_output_has_no_english_sentence(name: str) -> None:
    Path("bad.csv").write_text("id,title,budget_usd\nA,t,-3\n", encoding="utf-8")
    Path("bad.json").write_text(
        '[{"id": "A", "title": "t", "budget_usd": -5,'
        ' "actors": [{"name": "x", "kind": "ngo"}]}]',
        encoding="utf-8",
    )
    status, text = _run([*COMMANDS[name], "--lang", "es"])
    assert status == (2 if name.startswith("error") else 0), text
    # references keep the titles they were published with
    prose = "\n".join(line for line in text.splitlines() if "doi.org/" not in line)
    english = [f for f in FRAGMENTS if f in prose]
    assert not english, f"English in `kampala {name} --lang es`: {english}\n{text}"


def test_the_language_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, english = _run(["validate", SAMPLE])
    monkeypatch.setenv("KAMPALA_LANG", "es")
    _, spanish = _run(["validate", SAMPLE])
    assert "48 partnerships" in english
    assert "48 alianzas" in spanish
    monkeypatch.delenv("KAMPALA_LANG")
    monkeypatch.setenv("LANG", "es_PE.UTF-8")
    assert "alianzas" in _run(["validate", SAMPLE])[1]
    assert "partnerships" in _run(["validate", SAMPLE, "--lang", "en"])[1]


def test_json_keys_are_the_same_in_both_languages() -> None:
    _, en = _run(["score", "--format", "json", "--lang", "en"])
    _, es = _run(["score", "--format", "json", "--lang", "es"])
    assert en != es
    doc_en, doc_es = json.loads(en), json.loads(es)
    assert list(doc_en) == list(doc_es)
    assert [list(r) for r in doc_en["partnerships"]] == [
        list(r) for r in doc_es["partnerships"]
    ]
    assert doc_es["lang"] == "es"
    assert doc_es["disclaimer"].startswith("KPS es la metodología")
    flagged = [r["flags"] for r in doc_es["partnerships"] if r["flags"]]
    assert all(
        "evidencia insuficiente" in f or "evidencia faltante" in f
        for fs in flagged
        for f in fs
    )
    _, ex_en = _run(["explain", "PE-HEA-001", "--format", "json", "--lang", "en"])
    _, ex_es = _run(["explain", "PE-HEA-001", "--format", "json", "--lang", "es"])
    assert ex_en != ex_es
    assert list(json.loads(ex_en)) == list(json.loads(ex_es))


def test_csv_columns_are_the_same_in_both_languages() -> None:
    _, en = _run(["score", "--format", "csv", "--lang", "en"])
    _, es = _run(["score", "--format", "csv", "--lang", "es"])
    header = next(line for line in en.splitlines() if not line.startswith("#"))
    assert header == next(line for line in es.splitlines() if not line.startswith("#"))
    assert "evidencia insuficiente" in es


def _command_names() -> list[str]:
    import argparse

    from kampala.cli import _build_parser

    parser = _build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return ["", *sub.choices]


@pytest.mark.parametrize("how", ["--lang", "KAMPALA_LANG"])
@pytest.mark.parametrize("command", _command_names())
def test_spanish_help_has_no_english_sentence(
    command: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = [command] if command else []
    if how == "--lang":
        argv += ["--lang", "es"] if command else []
    else:
        monkeypatch.setenv("KAMPALA_LANG", "es")
    if not command and how == "--lang":
        monkeypatch.setenv("LANG", "es_PE.UTF-8")  # the program itself has no --lang
    status, text = _run([*argv, "--help"])
    assert status == 0, text
    english = [f for f in FRAGMENTS if f in text]
    assert not english, f"English in `kampala {command} --help` ({how}): {english}"
    assert text.startswith("uso: kampala")
    assert "opciones:" in text
    assert "mostrar este mensaje de ayuda y salir" in text
    assert "usage:" not in text
    assert "show this help" not in text
