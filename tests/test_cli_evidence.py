"""``kampala score`` and ``methodology``: evidence bounds, next evidence, variants."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kampala.cli import main


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 0
    out, _ = capsys.readouterr()
    return out


def _fails(capsys: pytest.CaptureFixture[str], argv: list[str], match: str) -> None:
    assert main(argv) == 2
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert match in err


def test_score_json_carries_bounds_rank_intervals_and_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.loads(_run(capsys, ["score", "--format", "json"]))
    rows = data["partnerships"]
    for r in rows:
        assert r["overall_low"] <= r["overall_high"]
        assert r["rank_best"] <= r["rank_worst"]
        if r["overall"] is not None:
            assert r["overall_low"] <= r["overall"] <= r["overall_high"]
            assert r["rank_best"] <= r["rank"] <= r["rank_worst"]
        for p in ("P1", "P2", "P3", "P4", "P5"):
            assert r[f"{p}_low"] <= r[f"{p}_high"]
        wide = r["overall"] is not None and r["rank_worst"] - r["rank_best"] > 10
        flag = f"rank depends on missing evidence: {r['rank_best']}–{r['rank_worst']}"  # noqa: RUF001
        assert (flag in r["flags"]) == wide
    assert data["rank_flag_width"] == 10
    assert data["aggregation"]["min_coverage"] == 0.5


def test_score_flags_in_spanish_and_flag_width(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["score", "--format", "json", "--lang", "es", "--rank-flag-width", "30"]
    rows = json.loads(_run(capsys, argv))["partnerships"]
    flags = [f for r in rows for f in r["flags"]]
    assert any(
        f.startswith("el puesto depende de la evidencia faltante") for f in flags
    )
    assert any("evidencia insuficiente" in f for f in flags)
    assert all(
        r["rank_worst"] - r["rank_best"] > 30
        for r in rows
        if any(f.startswith("el puesto") for f in r["flags"])
    )
    _fails(capsys, ["score", "--rank-flag-width", "-1"], "--rank-flag-width")


def test_score_table_and_csv_show_intervals(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys, ["score"])
    assert "range  ranks  flags" in text
    assert "with missing evidence:" in text
    text = _run(capsys, ["score", "--format", "csv"])
    body = "".join(line for line in text.splitlines(True) if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {"overall_low", "overall_high", "rank_best", "rank_worst", "basis"} <= set(
        rows[0]
    )
    assert rows[0]["basis"] == "P1 P2 P3 P4 P5"


def test_next_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys, ["score", "--next-evidence"])
    assert "Evidence to collect next (portfolio)" in text
    data = json.loads(_run(capsys, ["score", "--next-evidence", "--format", "json"]))
    first = data["next_evidence"]["portfolio"][0]
    assert first["rank_width_removed"] > 0
    assert first["evidence"]
    _fails(
        capsys,
        ["score", "--next-evidence", "--format", "csv"],
        "--next-evidence applies to table and json",
    )


def test_a_variant_records_its_weights_and_rests_on_fewer_principles(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.loads(_run(capsys, ["score", "--weights", "P1=3", "--format", "json"]))
    assert data["methodology"]["version"] == "1+custom"
    assert data["aggregation"]["weights"] == {"P1": 3.0}
    assert data["principle_weights"]["P1"] == pytest.approx(3 / 7)
    # the overall score rests on the principles scored, carrying >= 50% weight
    weights = data["principle_weights"]
    for r in data["partnerships"]:
        assert r["basis"] == [p for p in weights if r[p] is not None] or not r["basis"]
        if r["overall"] is not None:
            assert sum(weights[p] for p in r["basis"]) >= 0.5
    meth = json.loads(
        _run(capsys, ["methodology", "--weights", "P1=3", "--format", "json"])
    )
    assert meth["version"] == "1+custom"
    assert meth["steps"][-1]["weights"] == {"P1": 3.0}
    assert meth["sha256"] == data["methodology"]["sha256"]
    text = _run(capsys, ["methodology", "--aggregate", "geometric"])
    assert "geometric" in text
