"""``kampala --help``: English exactly as before, every text with a Spanish entry.

``tests/data/cli_help_en.json`` holds the English ``--help`` of the program
and of every command as it was before the help was localised (80 columns).
After adding or changing an option on purpose, regenerate it with
``PYTHONPATH=src python tests/test_cli_help.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
from pathlib import Path

import pytest

from kampala import cli
from kampala._cli_help import localise_parser
from kampala.i18n import translate

BASELINE = Path(__file__).parent / "data" / "cli_help_en.json"


def _help(argv: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main([*argv, "--help"])
    assert status == 0
    return out.getvalue()


def _commands() -> list[str]:
    parser = cli._build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def _texts(parser: argparse.ArgumentParser) -> set[str]:
    """Every description, help and group title of ``parser`` and its commands."""
    texts = {parser.description or ""}
    texts |= {g.title or "" for g in parser._action_groups}
    for action in parser._actions:
        texts.add(action.help or "")
        if isinstance(action, argparse._SubParsersAction):
            texts |= {c.help or "" for c in action._choices_actions}
            for child in dict.fromkeys(action.choices.values()):
                texts |= _texts(child)
    return texts - {"", argparse.SUPPRESS}


@pytest.fixture(autouse=True)
def _english_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAMPALA_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.setenv("COLUMNS", "80")


BASE = json.loads(BASELINE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("command", list(BASE))
def test_english_help_is_unchanged(command: str) -> None:
    argv = command.split()
    assert _help(argv) == BASE[command]
    if argv:  # the program itself has no --lang
        assert _help([*argv, "--lang", "en"]) == BASE[command]


def test_every_help_text_has_a_spanish_entry() -> None:
    missing = sorted(t for t in _texts(cli._build_parser()) if translate(t, "es") == t)
    assert not missing, "no Spanish entry in kampala.po for:\n" + "\n".join(missing)


def test_english_parser_is_left_as_it_is() -> None:
    parser = cli._build_parser()
    before = parser.format_help()
    assert localise_parser(parser, "en") is parser
    assert parser.format_help() == before


def test_spanish_leaves_argparse_and_other_parsers_alone() -> None:
    english = cli._build_parser()
    spanish = localise_parser(cli._build_parser(), "es")
    assert spanish.format_help().startswith("uso: kampala")
    assert english.format_help().startswith("usage: kampala")
    assert argparse._("usage: ") == "usage: "


def test_argparse_errors_in_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["score", "--e", "x", "--lang", "es"]) == 2
    err = capsys.readouterr().err
    assert "opción ambigua: --e podría ser --explain, --encoding" in err
    assert cli.main(["score", "--e", "x"]) == 2
    assert "ambiguous option: --e could match" in capsys.readouterr().err


if __name__ == "__main__":  # regenerate the English baseline
    os.environ.pop("KAMPALA_LANG", None)
    os.environ.update(LANG="en_GB.UTF-8", COLUMNS="80")
    help_en = {c: _help(c.split()) for c in ["", *_commands()]}
    BASELINE.write_text(
        json.dumps(help_en, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
