"""Hostile INPUTS (issue 11, classes 6, 7, 9 and 10): every reader, every command.

Each case writes a bad input into a fresh folder, runs the command line on it
(in process; in a subprocess with a timeout when it could block) and checks
the promise: exit 2, a message naming the file, record or line and the
field, no traceback, nothing written. The public Python readers must raise a
`KampalaError` subclass for the same inputs. Ids name the class: ``c6-...``
(Unicode), ``c7-...`` (file type and size), ``c9-...`` (uncaught
exceptions), ``c10-...`` (silent changes).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kampala.data import asem_paths
from kampala.errors import (
    ConfusableIdWarning,
    DataFormatError,
    KampalaError,
    MethodologyError,
    ParameterTypeError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.io import read_coinr, read_portfolio
from kampala.io.pandas_format import portfolio_from_pandas
from kampala.methodology import Methodology
from kampala.portfolio import Portfolio
from kampala.records import Partnership
from tests.hostile.harness import Outcome, assert_clean_run, run, run_isolated

POSIX = sys.platform != "win32"
DEEP = 100_000
LONG_INT = "1" * 5000


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------
def assert_rejected(outcome: Outcome, names: list[str], limit: float = 10.0) -> None:
    """Status 2, no traceback, nothing written, and the message names ``names``.

    A portfolio with invalid records is reported as one header line
    (``FILE: N problem(s)``) and one line per problem; any other failure is
    one line.
    """
    assert outcome.status == 2, (outcome.status, outcome.stderr[-2000:])
    assert "Traceback" not in outcome.stderr
    lines = outcome.error_lines
    if len(lines) > 1:
        assert lines[0].endswith("problem(s)"), outcome.stderr
    text = "\n".join(lines)
    for name in names:
        assert name in text, f"{name!r} not named in: {text!r}"
    assert outcome.changed == (), f"a failed run touched {outcome.changed}"
    assert outcome.seconds < limit, f"took {outcome.seconds:.1f} s"


def portfolio_doc(*records: dict[str, Any]) -> dict[str, Any]:
    return {"format": "kampala.portfolio/1", "name": "t", "partnerships": list(records)}


def rec(pid: str = "PE-001", **fields: Any) -> dict[str, Any]:
    return {"id": pid, "title": "Agua", **fields}


def methodology_text(**changes: Any) -> str:
    d = Methodology.default().to_dict()
    d.pop("sha256")
    d.update(changes)
    return json.dumps(d)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def coinr_pair(folder: Path, data: str | None = None) -> tuple[str, str]:
    idata, imeta = asem_paths()
    text = Path(idata).read_text(encoding="utf-8") if data is None else data
    write(folder, "iData.csv", text)
    write(folder, "iMeta.csv", Path(imeta).read_text(encoding="utf-8"))
    return "iData.csv", "iMeta.csv"


def first_indicator_cell(value: str) -> str:
    """The ASEM iData with its first ``Goods`` value replaced by ``value``."""
    text = Path(asem_paths()[0]).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    rows[1][rows[0].index("Goods")] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


# ---------------------------------------------------------------------------
# portfolio files through `validate` and `score` (classes 6, 9, 10)
# ---------------------------------------------------------------------------
#: (id, file name, content, words the message must contain)
PORTFOLIO_CASES: list[tuple[str, str, str | bytes, list[str]]] = [
    # class 6: Unicode
    (
        "c6-surrogate-title-json",
        "p.json",
        json.dumps(portfolio_doc(rec(title="x\ud800y"))),
        ["PE-001", "'title'", "valid Unicode text"],
    ),
    (
        "c6-surrogate-id-json",
        "p.json",
        json.dumps(portfolio_doc(rec("PE\udfff"))),
        ["'id'", "valid Unicode text"],
    ),
    (
        "c6-surrogate-notes-jsonl",
        "p.jsonl",
        json.dumps(rec(notes="\ud83d")) + "\n",
        ["PE-001", "'notes'", "line 1"],
    ),
    (
        "c6-surrogate-sector-json",
        "p.json",
        json.dumps(portfolio_doc(rec(sectors=["311\udc00"]))),
        ["PE-001", "'sectors'", "valid Unicode text"],
    ),
    (
        "c6-surrogate-evidence-json",
        "p.json",
        json.dumps(portfolio_doc(rec(actors=[{"name": "\ud800", "kind": "ngo"}]))),
        ["PE-001", "name", "valid Unicode text"],
    ),
    (
        "c6-zero-width-id-csv",
        "p.csv",
        "id,title\nPE\u200b001,Agua\n",
        ["'id'", "invisible", "U+200B", "line 2"],
    ),
    (
        "c6-bidi-override-id-json",
        "p.json",
        json.dumps(portfolio_doc(rec("PE-\u202e100"))),
        ["'id'", "invisible", "U+202E"],
    ),
    (
        "c6-bom-inside-id-json",
        "p.json",
        json.dumps(portfolio_doc(rec("PE-\ufeff001"))),
        ["'id'", "invisible", "U+FEFF"],
    ),
    (
        "c6-control-id-csv",
        "p.csv",
        "id,title\nPE\x01001,Agua\n",
        ["'id'", "invisible", "U+0001"],
    ),
    (
        "c6-leading-space-id-csv",
        "p.csv",
        'id,title\n" PE-001",Agua\n',
        ["'id'", "leading and trailing white space"],
    ),
    (
        "c6-trailing-space-id-json",
        "p.json",
        json.dumps(portfolio_doc(rec("PE-001\u00a0"))),
        ["'id'", "leading and trailing white space"],
    ),
    (
        "c6-nfd-nfc-same-id-json",
        "p.json",
        json.dumps(portfolio_doc(rec("Pe\u0301-1"), rec("P\u00e9-1"))),
        ["'id'", "unique in the portfolio"],
    ),
    (
        "c6-nfd-nfc-same-id-csv",
        "p.csv",
        "id,title\nPe\u0301-1,Agua\nP\u00e9-1,Banca\n",
        ["'id'", "unique in the portfolio"],
    ),
    # class 9: uncaught exceptions
    (
        "c9-deep-array-json",
        "p.json",
        "[" * DEEP,
        ["p.json", "'JSON'", "nested"],
    ),
    (
        "c9-deep-object-json",
        "p.json",
        '{"a":' * DEEP,
        ["p.json", "'JSON'", "nested"],
    ),
    (
        "c9-deep-jsonl",
        "p.jsonl",
        json.dumps(rec()) + "\n" + '{"a":' * DEEP + "\n",
        ["p.jsonl line 2", "nested"],
    ),
    (
        "c9-long-integer-json",
        "p.json",
        '{"format": "kampala.portfolio/1", "partnerships": [{"id": "A", '
        f'"title": "x", "budget_usd": {LONG_INT}}}]}}',
        ["p.json", "4,300 digits"],
    ),
    (
        "c9-long-integer-csv-count",
        "p.csv",
        f"id,title,results.indicators_total\nA,x,{LONG_INT}\n",
        ["'A'", "results.indicators_total", "2**53"],
    ),
    (
        "c9-huge-float-csv",
        "p.csv",
        f"id,title,budget_usd\nA,x,{LONG_INT}.5\n",
        ["'A'", "'budget_usd'", "a finite number"],
    ),
    (
        "c9-overflow-float-json",
        "p.json",
        json.dumps(portfolio_doc(rec(budget_usd=1.0))).replace("1.0", "1e309"),
        ["PE-001", "'budget_usd'", "a finite number"],
    ),
    # class 10: silent changes
    (
        "c10-duplicate-id-key-json",
        "p.json",
        '[{"id": "PE-AGR-001", "title": "x", "id": "PE-OTHER"}]',
        ["p.json", "'id'", "given once per object"],
    ),
    (
        "c10-duplicate-id-key-jsonl",
        "p.jsonl",
        '{"id": "A", "title": "x"}\n{"id":"PE-AGR-001","title":"y","id":"B"}\n',
        ["p.jsonl line 2", "'id'", "given once per object"],
    ),
    (
        "c10-duplicate-envelope-key-json",
        "p.json",
        '{"format": "kampala.portfolio/1", "partnerships": [], '
        '"partnerships": [{"id": "A", "title": "x"}]}',
        ["p.json", "'partnerships'", "given once per object"],
    ),
    (
        "c10-duplicate-evidence-key-json",
        "p.json",
        '[{"id": "A", "title": "x", "ownership": {"government_role": "led", '
        '"government_role": "consulted"}}]',
        ["p.json", "'government_role'", "given once per object"],
    ),
    (
        "c10-count-2-53-plus-1-csv",
        "p.csv",
        "id,title,results.indicators_total\nA,x,9007199254740993\n",
        ["'A'", "results.indicators_total", "9007199254740993"],
    ),
    (
        "c10-count-2-53-plus-1-mixed-csv",
        "p.csv",
        "id,title,results.indicators_total\nA,x,1\nB,y,9007199254740993\n",
        ["'B'", "results.indicators_total", "2**53"],
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "names"),
    [pytest.param(n, c, w, id=i) for i, n, c, w in PORTFOLIO_CASES],
)
@pytest.mark.parametrize("command", ["validate", "score", "report", "explain"])
def test_portfolio_file_is_rejected(
    tmp_path: Path, command: str, name: str, content: str | bytes, names: list[str]
) -> None:
    write(tmp_path, name, content)
    args = [command, name] + (["--out", "out.json"] if command == "score" else [])
    if command == "explain":
        args = ["explain", "PE-001", name]
    assert_rejected(run(args, tmp_path), names)


@pytest.mark.parametrize(
    ("name", "content", "names"),
    [pytest.param(n, c, w, id=i) for i, n, c, w in PORTFOLIO_CASES],
)
def test_read_portfolio_raises_a_kampala_error(
    tmp_path: Path, name: str, content: str | bytes, names: list[str]
) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(KampalaError) as info:
        read_portfolio(path)
    assert isinstance(info.value, DataFormatError | PortfolioValidationError)


def test_c10_count_2_53_is_kept_exact(tmp_path: Path) -> None:
    path = write(
        tmp_path, "p.csv", "id,title,results.indicators_total\nA,x,9007199254740992\n"
    )
    assert read_portfolio(path)["A"].results.indicators_total == 2**53


def test_c6_nfd_id_is_normalised_to_nfc(tmp_path: Path) -> None:
    path = write(tmp_path, "p.json", json.dumps(portfolio_doc(rec("Pe\u0301-1"))))
    assert read_portfolio(path).ids == ("P\u00e9-1",)
    assert Partnership(id="Pe\u0301-1", title="x").id == "P\u00e9-1"


def test_c6_sample_ids_stay_valid_and_silent() -> None:
    from kampala.data import sample_portfolio

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(sample_portfolio()) == 48


# ---------------------------------------------------------------------------
# class 6 through every Python path: records, columns, dicts, pandas
# ---------------------------------------------------------------------------
BAD_IDS = [
    pytest.param("x\ud800y", "valid Unicode text", id="c6-api-surrogate"),
    pytest.param("PE\u200b1", "invisible", id="c6-api-zero-width"),
    pytest.param("PE\u2066-1", "invisible", id="c6-api-bidi-isolate"),
    pytest.param("PE-1\n", "leading and trailing", id="c6-api-newline"),
    pytest.param("\tPE-1", "leading and trailing", id="c6-api-tab"),
    pytest.param("PE\x00-1", "invisible", id="c6-api-nul"),
]


@pytest.mark.parametrize(("pid", "words"), BAD_IDS)
def test_bad_id_same_message_on_every_path(pid: str, words: str) -> None:
    messages = []
    with pytest.raises(RecordValidationError) as one:
        Partnership(id=pid, title="x")
    messages.append(str(one.value))
    makers: list[Callable[[], Any]] = [
        lambda: Portfolio.from_columns({"id": [pid], "title": ["x"]}),
        lambda: __import__("kampala.io", fromlist=["x"]).portfolio_from_dicts(
            [{"id": pid, "title": "x"}], name="t"
        ),
        lambda: portfolio_from_pandas(
            __import__("pandas").DataFrame({"id": [pid], "title": ["x"]}, dtype=object)
        ),
    ]
    for make in makers:
        with pytest.raises(PortfolioValidationError) as group:
            make()
        messages.append(str(group.value.exceptions[0]))
    assert all(words in m and "'id'" in m for m in messages), messages
    assert len(set(messages)) == 1, messages


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("PE-001", "P\u0415-001", id="c6-confusable-cyrillic-E"),
        pytest.param("PE-001", "pe-001", id="c6-confusable-case"),
        pytest.param("PE-001", "\uff30\uff25-001", id="c6-confusable-fullwidth"),
        pytest.param("ALPHA-1", "\u0391LPHA-1", id="c6-confusable-greek-alpha"),
        pytest.param("ocp-1", "\u043e\u0441\u0440-1", id="c6-confusable-cyrillic-ocp"),
    ],
)
def test_confusable_ids_warn_naming_both(a: str, b: str) -> None:
    with pytest.warns(ConfusableIdWarning) as caught:
        Portfolio.from_records(
            [Partnership(id=a, title="x"), Partnership(id=b, title="y")]
        )
    text = str(caught[0].message)
    assert repr(a) in text
    assert repr(b) in text


def test_c6_confusable_ids_warn_on_the_command_line(tmp_path: Path) -> None:
    write(tmp_path, "p.csv", "id,title\nPE-001,Agua\nP\u0415-001,Banca\n")
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        out = run(["validate", "p.csv"], tmp_path)
    assert out.status == 0, out.stderr
    assert "look alike" in out.stderr
    assert "PE-001" in out.stderr


def test_c6_distinct_ids_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Portfolio.from_columns(
            {"id": ["PE-001", "PE-002", "Ñandú"], "title": ["a"] * 3}
        )


# ---------------------------------------------------------------------------
# class 7: file type and size
# ---------------------------------------------------------------------------
def _fifo(folder: Path, name: str) -> str:
    os.mkfifo(folder / name)
    return name


def _dev_zero(folder: Path, name: str) -> str:
    (folder / name).symlink_to("/dev/zero")
    return name


def _directory(folder: Path, name: str) -> str:
    (folder / name).mkdir()
    return name


def _dangling(folder: Path, name: str) -> str:
    (folder / name).symlink_to(folder / "nowhere.json")
    return name


SPECIAL_FILES = [
    pytest.param(_fifo, "a FIFO", id="c7-fifo"),
    pytest.param(_dev_zero, "a character device", id="c7-symlink-dev-zero"),
    pytest.param(_directory, "It is a directory", id="c7-directory"),
    pytest.param(_dangling, "an existing file", id="c7-dangling-symlink"),
]


@pytest.mark.skipif(not POSIX, reason="FIFOs and /dev/zero are POSIX")
@pytest.mark.parametrize(("make", "words"), SPECIAL_FILES)
@pytest.mark.parametrize(
    ("args", "name"),
    [
        pytest.param(["validate", "{}"], "f.json", id="validate-json"),
        pytest.param(["score", "{}"], "f.jsonl", id="score-jsonl"),
        pytest.param(["validate", "{}"], "f.csv", id="validate-csv"),
        pytest.param(["validate", "{}"], "f.txt", id="validate-sniffed"),
        pytest.param(
            ["score", "--methodology", "{}"], "m.json", id="score-methodology"
        ),
        pytest.param(
            ["methodology", "--methodology", "{}"], "m.json", id="methodology"
        ),
        pytest.param(["explain", "X", "{}"], "f.json", id="explain-json"),
        pytest.param(
            ["explain", "X", "--methodology", "{}"], "m.json", id="explain-methodology"
        ),
        pytest.param(["index", "{}", "META"], "d.csv", id="index-idata"),
        pytest.param(["index", "DATA", "{}"], "m.csv", id="index-imeta"),
        pytest.param(["report", "{}"], "f.json", id="report"),
        pytest.param(
            ["report", "--methodology", "{}"], "m.json", id="report-methodology"
        ),
    ],
)
def test_special_file_is_refused(
    tmp_path: Path,
    make: Callable[[Path, str], str],
    words: str,
    args: list[str],
    name: str,
) -> None:
    data, meta = coinr_pair(tmp_path)
    make(tmp_path, name)
    argv = [{"{}": name, "DATA": data, "META": meta}.get(a, a) for a in args]
    out = run(argv, tmp_path)  # in process: it must not block
    assert_rejected(out, [name, words], limit=5.0)


@pytest.mark.skipif(not POSIX, reason="FIFOs are POSIX")
def test_c7_fifo_in_a_subprocess_does_not_block(tmp_path: Path) -> None:
    _fifo(tmp_path, "f.json")
    out = run_isolated(["score", "f.json"], tmp_path, timeout=30)
    assert out.status == 2, out.stderr
    assert "a FIFO" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.skipif(not POSIX, reason="/dev/zero is POSIX")
@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda p: read_portfolio(p), id="c7-api-read_portfolio"),
        pytest.param(lambda p: read_portfolio(p, format="csv"), id="c7-api-csv"),
        pytest.param(lambda p: read_coinr(p, asem_paths()[1]), id="c7-api-read_coinr"),
    ],
)
@pytest.mark.parametrize(("make", "words"), SPECIAL_FILES)
def test_special_file_python_readers(
    tmp_path: Path, read: Callable[[Path], Any], make: Any, words: str
) -> None:
    name = make(tmp_path, "f.json")
    with pytest.raises(DataFormatError, match=words):
        read(tmp_path / name)


def test_c7_symlink_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    target = write(tmp_path, "real.json", json.dumps(portfolio_doc(rec())))
    (tmp_path / "link.json").symlink_to(target)
    assert read_portfolio(tmp_path / "link.json").ids == ("PE-001",)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("p.json", json.dumps(portfolio_doc(rec())), id="c7-size-json"),
        pytest.param("p.csv", "id,title\nA,Agua\n", id="c7-size-csv"),
        pytest.param("p.jsonl", json.dumps(rec()) + "\n", id="c7-size-jsonl"),
    ],
)
def test_size_limit_python(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(DataFormatError, match=r"'size' must be at most max_bytes=10"):
        read_portfolio(path, max_bytes=10)
    assert len(read_portfolio(path, max_bytes=None)) == 1


def test_c7_size_limit_coinr_python(tmp_path: Path) -> None:
    data, meta = coinr_pair(tmp_path)
    with pytest.raises(DataFormatError, match=r"iMeta\.csv: 'size' must be at most"):
        read_coinr(tmp_path / data, tmp_path / meta, max_bytes=100)


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["validate", "p.json"], id="c7-env-limit-validate"),
        pytest.param(["score", "p.json"], id="c7-env-limit-score"),
        pytest.param(
            ["score", "--methodology", "m.json"], id="c7-env-limit-methodology"
        ),
        pytest.param(["index", "iData.csv", "iMeta.csv"], id="c7-env-limit-index"),
    ],
)
def test_size_limit_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    write(tmp_path, "p.json", json.dumps(portfolio_doc(rec())))
    write(tmp_path, "m.json", methodology_text())
    coinr_pair(tmp_path)
    monkeypatch.setenv("KAMPALA_MAX_INPUT_BYTES", "40")
    assert_rejected(run(args, tmp_path), ["'size' must be at most max_bytes=40"])


def test_c7_env_limit_must_be_a_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "p.json", json.dumps(portfolio_doc(rec())))
    monkeypatch.setenv("KAMPALA_MAX_INPUT_BYTES", "lots")
    assert_rejected(run(["validate", "p.json"], tmp_path), ["KAMPALA_MAX_INPUT_BYTES"])


def test_c7_env_limit_can_be_lifted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "p.json", json.dumps(portfolio_doc(rec())))
    monkeypatch.setenv("KAMPALA_MAX_INPUT_BYTES", "none")
    assert run(["validate", "p.json"], tmp_path).status == 0


@pytest.mark.parametrize("bad", [0, -1, 1.5, "10", True])
def test_c7_max_bytes_must_be_positive(tmp_path: Path, bad: Any) -> None:
    path = write(tmp_path, "p.csv", "id,title\nA,x\n")
    with pytest.raises(KampalaError, match="'max_bytes' must be a positive"):
        read_portfolio(path, max_bytes=bad)


# ---------------------------------------------------------------------------
# methodology files (classes 7, 9, 10)
# ---------------------------------------------------------------------------
METHODOLOGY_CASES = [
    pytest.param("[" * DEEP, ["'JSON'", "nested"], id="c9-methodology-deep"),
    pytest.param(
        '{"id": ' + LONG_INT + "}", ["4,300 digits"], id="c9-methodology-long-integer"
    ),
    pytest.param(
        methodology_text(
            scorers=[{"principle": 9, "id": "kps.ownership", "version": "1"}]
        ),
        ["scorers[0]", "'principle'", "(got 9)"],
        id="c9-methodology-principle-9",
    ),
    pytest.param(
        methodology_text(
            scorers=[{"principle": True, "id": "kps.ownership", "version": "1"}]
        ),
        ["'principle'", "(got True)"],
        id="c9-methodology-principle-bool",
    ),
    pytest.param(
        methodology_text(scorers=[{"principle": 1, "id": "x"}]),
        ["'scorers'"],
        id="c9-methodology-scorer-missing-version",
    ),
    pytest.param(
        methodology_text(steps="aggregate"),
        ["'steps'", "a list"],
        id="c9-methodology-steps-not-list",
    ),
    pytest.param(
        methodology_text(references=5),
        ["'references'", "a list"],
        id="c9-methodology-references-not-list",
    ),
    pytest.param(
        methodology_text(title=5),
        ["'title'", "a string"],
        id="c9-methodology-title-not-str",
    ),
    pytest.param(
        methodology_text()[:-1] + ', "id": "other"}',
        ["'id'", "given once per object"],
        id="c10-methodology-duplicate-id",
    ),
    pytest.param(
        methodology_text(weights={"P1": 2}),
        ["'weights'", "Valid keys: format, id, version"],
        id="c10-methodology-unknown-key",
    ),
    pytest.param(
        b"\xff\xfe{}",
        ["m.json", "'encoding'", "UTF-8"],
        id="c9-methodology-not-utf8",
    ),
]


@pytest.mark.parametrize(("content", "names"), METHODOLOGY_CASES)
@pytest.mark.parametrize(
    "command",
    [
        ["score", "--methodology", "m.json", "--out", "o.json"],
        ["methodology", "--methodology", "m.json", "--out", "o.md"],
        ["sensitivity", "--methodology", "m.json", "--n", "64"],
    ],
    ids=["score", "methodology", "sensitivity"],
)
def test_methodology_file_is_rejected(
    tmp_path: Path, content: str | bytes, names: list[str], command: list[str]
) -> None:
    write(tmp_path, "m.json", content)
    assert_rejected(run(command, tmp_path), names)


@pytest.mark.parametrize(("content", "names"), METHODOLOGY_CASES)
def test_methodology_from_json_raises_methodology_error(
    content: str | bytes, names: list[str]
) -> None:
    with pytest.raises(MethodologyError):
        Methodology.from_json(content)  # type: ignore[arg-type]  # bytes too


def test_c10_methodology_good_file_still_reads() -> None:
    m = Methodology.default()
    assert Methodology.from_json(m.to_json()) == m


# ---------------------------------------------------------------------------
# COINr iData / iMeta (classes 9, 10)
# ---------------------------------------------------------------------------
def _header_only() -> str:
    return Path(asem_paths()[0]).read_text(encoding="utf-8").splitlines()[0] + "\n"


COINR_CASES = [
    pytest.param(
        _header_only(),
        ["iData.csv", "a header row and one row per unit"],
        id="c9-idata-header-only",
    ),
    pytest.param(
        first_indicator_cell("1_000"),
        ["iData.csv line 2", "'Goods'", "1_000"],
        id="c10-idata-underscore",
    ),
    pytest.param(
        first_indicator_cell("\uff11\uff12"),
        ["iData.csv line 2", "'Goods'"],
        id="c10-idata-fullwidth-digits",
    ),
    pytest.param(
        first_indicator_cell("\u0661\u0662"),
        ["iData.csv line 2", "'Goods'"],
        id="c10-idata-arabic-indic-digits",
    ),
    pytest.param(
        first_indicator_cell("1,5"),
        ["iData.csv line 2", "'Goods'", "1,5"],
        id="c10-idata-decimal-comma",
    ),
    pytest.param(
        first_indicator_cell("0x10"),
        ["iData.csv line 2", "'Goods'"],
        id="c10-idata-hex",
    ),
    pytest.param(
        first_indicator_cell("infinity"), ["'Goods'", "finite"], id="c9-idata-infinity"
    ),
    pytest.param(
        first_indicator_cell(LONG_INT), ["'Goods'", "finite"], id="c9-idata-long-number"
    ),
]


@pytest.mark.parametrize(("data", "names"), COINR_CASES)
def test_coinr_data_is_rejected(tmp_path: Path, data: str, names: list[str]) -> None:
    idata, imeta = coinr_pair(tmp_path, data)
    assert_rejected(run(["index", idata, imeta, "--out", "o.csv"], tmp_path), names)
    with pytest.raises(DataFormatError):
        read_coinr(tmp_path / idata, tmp_path / imeta)


def test_c10_idata_plain_numbers_still_read(tmp_path: Path) -> None:
    for text in ("1500", "-2.5", "+3", ".5", "2.5e6", "1E-3", "NA", ""):
        idata, imeta = coinr_pair(tmp_path, first_indicator_cell(text))
        read_coinr(tmp_path / idata, tmp_path / imeta)


# ---------------------------------------------------------------------------
# class 9: wrong argument types to the public readers
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: read_portfolio(5), id="c9-read_portfolio-int"),
        pytest.param(lambda: read_portfolio(None), id="c9-read_portfolio-none"),
        pytest.param(lambda: read_portfolio(b"p.json"), id="c9-read_portfolio-bytes"),
        pytest.param(lambda: Methodology.from_json(None), id="c9-from_json-none"),
        pytest.param(lambda: Methodology.from_json(5), id="c9-from_json-int"),
        pytest.param(lambda: read_coinr(5, "m.csv"), id="c9-read_coinr-int"),
    ],
)
def test_wrong_type_is_a_parameter_type_error(call: Callable[[], Any]) -> None:
    with pytest.raises(ParameterTypeError) as info:
        call()
    assert isinstance(info.value, TypeError)


# ---------------------------------------------------------------------------
# Hypothesis: garbage in, a KampalaError or a portfolio out
# ---------------------------------------------------------------------------
_FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_ANY_TEXT = st.text(st.characters(codec=None), max_size=20)  # surrogates included


@_FAST
@given(
    field=st.sampled_from(
        [
            "id",
            "title",
            "country",
            "notes",
            "sectors",
            "budget_usd",
            "start",
            "modality",
        ]
    ),
    value=st.one_of(
        _ANY_TEXT,
        st.lists(_ANY_TEXT, max_size=3),
        st.integers(),
        st.floats(),
        st.none(),
        st.booleans(),
    ),
)
def test_random_json_value_in_any_field(tmp_path: Path, field: str, value: Any) -> None:
    doc = portfolio_doc({**rec(), field: value})
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConfusableIdWarning)
            read_portfolio(path)
    except KampalaError:
        pass


@_FAST
@given(
    raw=st.binary(max_size=300),
    suffix=st.sampled_from([".json", ".jsonl", ".csv", ".txt"]),
)
def test_random_bytes_any_format(tmp_path: Path, raw: bytes, suffix: str) -> None:
    path = tmp_path / f"p{suffix}"
    path.write_bytes(raw)
    with contextlib.suppress(KampalaError):
        read_portfolio(path)


@_FAST
@given(
    cells=st.lists(
        st.text(st.characters(codec="utf-8", exclude_characters='"\r\n,'), max_size=12),
        min_size=4,
        max_size=4,
    )
)
def test_random_csv_cells(tmp_path: Path, cells: list[str]) -> None:
    path = tmp_path / "p.csv"
    header = "id,title,budget_usd,results.indicators_total"
    path.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConfusableIdWarning)
            read_portfolio(path)
    except KampalaError:
        pass


@_FAST
@given(
    cell=st.text(st.characters(codec="utf-8", exclude_characters='"\r\n,'), max_size=12)
)
def test_random_idata_cell(tmp_path: Path, cell: str) -> None:
    idata, imeta = coinr_pair(tmp_path, first_indicator_cell(cell))
    with contextlib.suppress(KampalaError):
        read_coinr(tmp_path / idata, tmp_path / imeta)


@_FAST
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=5),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from(
                        ["id", "version", "steps", "scorers", "format", "x"]
                    ),
                    inner,
                    max_size=4,
                )
            ),
            max_leaves=10,
        ).map(json.dumps),
    )
)
def test_random_methodology_text(text: str) -> None:
    with contextlib.suppress(KampalaError):
        Methodology.from_json(text)


@_FAST
@given(pid=st.text(st.characters(codec=None), min_size=1, max_size=8))
def test_random_id_same_verdict_record_and_columns(pid: str) -> None:
    try:
        Partnership(id=pid, title="x")
        one_ok = True
    except RecordValidationError:
        one_ok = False
    try:
        Portfolio.from_columns({"id": [pid], "title": ["x"]})
        col_ok = True
    except PortfolioValidationError:
        col_ok = False
    assert one_ok == col_ok


def test_clean_run_on_a_good_portfolio(tmp_path: Path) -> None:
    write(tmp_path, "p.csv", "id,title\nPE-001,Agua\nPE-002,Banca\n")
    assert_clean_run(
        run(["score", "p.csv", "--format", "csv", "--out", "o.csv"], tmp_path), tmp_path
    )
