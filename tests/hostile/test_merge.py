"""Hostile inputs to ``kampala merge``: provenance members, id maps, sources.

A failed run exits 2 with one line naming the file and the field, prints no
traceback and leaves every file as it was.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.harness import assert_clean_failure, run

PART = {"id": "A", "title": "Agua"}


def _doc(provenance: object) -> str:
    return json.dumps(
        {
            "format": "kampala.portfolio/1",
            "name": "m",
            "partnerships": [PART],
            "provenance": provenance,
        }
    )


BAD_PROVENANCE = [
    pytest.param([], id="not-an-object"),
    pytest.param({"sources": []}, id="no-cells"),
    pytest.param({"sources": {}, "cells": {}}, id="sources-not-a-list"),
    pytest.param({"sources": [{"file": "x"}], "cells": {}}, id="source-without-kind"),
    pytest.param({"sources": [{"kind": "BAD KIND"}], "cells": {}}, id="bad-kind"),
    pytest.param({"sources": [{"kind": "iati", "x": "1"}], "cells": {}}, id="key"),
    pytest.param({"sources": [{"kind": "iati", "file": 3}], "cells": {}}, id="type"),
    pytest.param({"sources": [], "cells": []}, id="cells-not-an-object"),
    pytest.param({"sources": [], "cells": {"Z": {}}}, id="unknown-id"),
    pytest.param({"sources": [], "cells": {"A": []}}, id="row-not-an-object"),
    pytest.param(
        {"sources": [{"kind": "hand"}], "cells": {"A": {"title": [1, "x"]}}},
        id="source-number-out-of-range",
    ),
    pytest.param(
        {"sources": [{"kind": "hand"}], "cells": {"A": {"budget": [0, "x"]}}},
        id="unknown-field",
    ),
    pytest.param(
        {"sources": [{"kind": "hand"}], "cells": {"A": {"title": [True, "x"]}}},
        id="bool-number",
    ),
    pytest.param(
        {"sources": [{"kind": "hand"}], "cells": {"A": {"title": [0]}}},
        id="short-cell",
    ),
]


@pytest.mark.parametrize("provenance", BAD_PROVENANCE)
def test_bad_provenance_member_fails_cleanly(
    tmp_path: Path, provenance: object
) -> None:
    (tmp_path / "m.json").write_text(_doc(provenance), encoding="utf-8")
    (tmp_path / "out.json").write_text("old\n", encoding="utf-8")
    args = ["merge", "m.json", "--out", "out.json"]
    assert_clean_failure(run(args, tmp_path), names=["m.json"])


def test_bad_provenance_member_when_scoring(tmp_path: Path) -> None:
    (tmp_path / "m.json").write_text(_doc({"sources": []}), encoding="utf-8")
    assert_clean_failure(run(["score", "m.json"], tmp_path), names=["m.json"])


BAD_ID_MAPS = [
    pytest.param("", id="empty"),
    pytest.param("alias;id\n", id="wrong-header"),
    pytest.param("alias,id\nA\n", id="short-row"),
    pytest.param("alias,id\n,A\n", id="empty-alias"),
    pytest.param("alias,id\nA,B,C\n", id="long-row"),
    pytest.param('alias,id\n"A,B\n', id="open-quote"),
]


@pytest.mark.parametrize("text", BAD_ID_MAPS)
def test_bad_id_map_fails_cleanly(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.csv").write_text("id,title\nA,Agua\n", encoding="utf-8")
    (tmp_path / "ids.csv").write_text(text, encoding="utf-8")
    out = run(["merge", "a.csv", "--out", "o.json", "--id-map", "ids.csv"], tmp_path)
    assert_clean_failure(out, names=["--id-map"])


def test_id_map_that_joins_two_ids_of_one_file(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,title\nA,Agua\nB,Banca\n", encoding="utf-8")
    (tmp_path / "ids.csv").write_text("alias,id\nB,A\n", encoding="utf-8")
    out = run(["merge", "a.csv", "--out", "o.json", "--id-map", "ids.csv"], tmp_path)
    assert_clean_failure(out, names=["a.csv", "'id'"])


def test_missing_and_unreadable_sources(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_bytes(b"\xff\xfe\x00")
    for name in ("nope.csv", "bad.csv"):
        out = run(["merge", name, "--out", "o.json"], tmp_path)
        assert_clean_failure(out, names=[name])
    out = run(["merge", "nope.csv", "--out", "o.xlsx.exe"], tmp_path)
    assert_clean_failure(out, names=["--out"])
