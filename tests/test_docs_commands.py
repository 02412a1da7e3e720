"""Every command of the README and the how-to guides runs as printed.

The README's command-line block is run line by line, from a folder laid out
as the root of a clone (``src`` linked in, ``.venv/bin/kampala`` being this
interpreter's ``kampala``). The how-to guides' ``$ kampala ...`` lines and
``kampala`` lines of bash blocks run the same way, with the example files a
guide names (``cartera.json``, ``cartera.csv``) made from the sample
portfolio; a line that needs a file only its guide's reader has (a plug-in's
methodology, a broken spreadsheet) is listed in ``NEEDS`` with the reason.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import warnings
from pathlib import Path

import pytest

from kampala.cli import main
from kampala.data import sample_portfolio, sample_portfolio_path
from kampala.errors import DegenerateIndicatorWarning
from kampala.io.formats import write_portfolio

ROOT = Path(__file__).resolve().parents[1]
HOWTO = sorted((ROOT / "docs" / "how-to").glob("*.md"))

#: Commands that need a file only the guide's reader has.
NEEDS = {
    "acme.json": "a third-party scorer's methodology (write-a-scorer guide)",
    "cartera-2024.csv": "the reader's broken spreadsheet (shown with its errors)",
    "riego.csv": "a file the guide builds step by step",
    "actividades.xml": "an IATI file the guide writes in its doctest",
    "CAF-ActivityFile-2025-10-10.xml": "the CAF IATI file (shared data)",
    "banco.xml": "the bank's IATI file the merge guide starts from",
    "XM-EX-9-PE-001": "a partnership of the file the merge guide makes",
    "tcp://10.0.0.5:8786": "a Dask scheduler running on the reader's network",
    "cartera/": "the folder of Parquet partitions the guide writes in Python",
}
_BLOCK = re.compile(r"```(bash|console|sh)\n(.*?)```", re.DOTALL)


def _commands(text: str) -> list[str]:
    """The kampala command lines of the bash and console blocks of ``text``."""
    found = []
    for kind, body in _BLOCK.findall(text):
        body = body.replace("\\\n", " ")
        for line in body.splitlines():
            line = line.strip()
            if kind == "console":
                if not line.startswith("$ "):
                    continue
                line = line[2:]
            line = re.sub(r"^if ! (.*?); then$", r"\1", line)
            line = line.split("  #")[0].strip()
            words = shlex.split(line, comments=True) if line else []
            if words and (
                words[0].endswith("kampala")
                or words[0] == "cp"
                or words[0].startswith(("DATA=", "META="))
            ):
                found.append(line)
    return found


def _run(line: str, env: dict[str, str]) -> tuple[int, str, str]:
    words = shlex.split(line, comments=True)
    if "=" in words[0] and len(words) == 1:  # DATA=src/...
        name, _, value = words[0].partition("=")
        env[name] = value
        return 0, "", ""
    words = [env[w[1:]] if w.startswith("$") else w for w in words]
    if words[0] == "cp":
        shutil.copyfile(words[1], words[2])
        return 0, "", ""
    assert words[0].endswith("kampala"), line
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(words[1:])
        except SystemExit as exc:  # --version
            status = exc.code if isinstance(exc.code, int) else 0
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder laid out as the root of a clone, with the guides' example files."""
    (tmp_path / "src").symlink_to(ROOT / "src")
    shutil.copyfile(sample_portfolio_path(), tmp_path / "cartera.json")
    write_portfolio(sample_portfolio(), tmp_path / "cartera.csv")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("KAMPALA_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return tmp_path


def test_the_readme_commands_run_as_printed(clone: Path) -> None:
    (clone / "cartera.json").unlink()  # the README makes it itself
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("From the root of a clone", 1)[1]
    lines = _commands(block.split("\n## ", 1)[0])
    assert lines[0].startswith("cp src/kampala/data/sample_portfolio.json")
    assert len(lines) >= 8
    env: dict[str, str] = {}
    for line in lines:
        status, _out, err = _run(line, env)
        assert status == 0, f"{line}\n{err}"
    # what the README says the commands give
    assert (clone / "kps.csv").read_text(encoding="utf-8").startswith("# kampala")
    assert "CHE" in (clone / "asem_scores.csv").read_text(encoding="utf-8")
    assert "Cómo citar" in (clone / "kps-1-es.md").read_text(encoding="utf-8")


def test_the_readme_asem_numbers_match_the_commands(clone: Path) -> None:
    status, out, _ = _run(".venv/bin/kampala demo --asem --top 1", {})
    assert status == 0
    assert "68.38" in out
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    index = next(line for line in _commands(text) if " index " in line)
    status, out, _ = _run(index.replace("--out asem_scores.csv", ""), {})
    assert status == 0
    assert "68.11" in out, out
    assert "68.38" in text
    assert "68.11" in text


@pytest.mark.parametrize("path", HOWTO, ids=[p.stem for p in HOWTO])
def test_the_howto_commands_run_as_printed(path: Path, clone: Path) -> None:
    env: dict[str, str] = {}
    ran = 0
    for line in _commands(path.read_text(encoding="utf-8")):
        if any(name in line for name in NEEDS):
            continue
        status, _, err = _run(line, env)
        assert status == 0, f"{path.name}: {line}\n{err}"
        ran += 1
    if path.stem in ("score-a-portfolio", "command-line", "cite", "sensitivity"):
        assert ran >= 3


def test_the_readme_python_examples_print_what_they_show(clone: Path) -> None:
    """Run the README's Python blocks in order; the ``# ...`` lines under a
    ``print`` are its output and must appear as printed."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 3
    namespace: dict[str, object] = {"__name__": "readme"}
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            # the ASEM data has one named warning (LAO has no energy data),
            # which a reader sees printed; it is not a failure of the example
            warnings.simplefilter("ignore", DegenerateIndicatorWarning)
            exec(compile(block, "README.md", "exec"), namespace)
        printed = out.getvalue().splitlines()
        expected, after_print = [], False
        for line in block.splitlines():
            if line.startswith("# ") and after_print:
                expected.append(line[2:])
                continue
            after_print = line.startswith(("print(", "for ", "    print("))
        for line in expected:
            assert line in printed, f"README prints {line!r}; got:\n{out.getvalue()}"
