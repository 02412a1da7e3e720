"""Build the FICTIONAL stakeholder responses of `kampala.data.sample_responses`.

The file is ``src/kampala/data/stakeholders/sample_responses.csv``.

Every answer in the file is INVENTED. No government body, firm, development
partner, civil-society organisation or trade union answered anything: the
respondents are codes (``GOB-1``, ``EMP-2``, ...) and their answers are drawn
around the sample portfolio's own (also fictional) evidence, with a made-up
lean per group (firms and development partners see their partnerships more
favourably, civil society and trade unions less), so that the divergence
analysis has something to show. It is a demonstration, not a finding.

The file has ODK Central's CSV layout (``SubmissionDate``, questions under
their group as ``p1-p1_alignment``, ``meta-instanceID``, ``KEY``), so it
also shows what `kampala.io.read_responses` reads without editing.

Run from the repository root:

    python examples/make_sample_responses.py            # write
    python examples/make_sample_responses.py --check    # verify only
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import uuid
from pathlib import Path

import numpy as np

from kampala.data import sample_portfolio
from kampala.stakeholders import STAKEHOLDER_GROUPS, questionnaire

OUT = (
    Path(__file__).resolve().parents[1]
    / "src/kampala/data/stakeholders/sample_responses.csv"
)
PARTNERSHIPS = (
    "PE-AGR-001", "PE-AGR-004", "PE-FIN-002", "PE-ENE-003",
    "PE-WAS-001", "PE-HEA-002", "PE-TEL-003", "PE-ENE-005",
)  # fmt: skip
#: respondents per group, and the lean of each group (in levels)
PLAN = {
    "government": (2, 0.2, "GOB"),
    "private-sector": (4, 0.7, "EMP"),
    "development-partner": (2, 0.4, "COOP"),
    "civil-society": (3, -0.8, "OSC"),
    "trade-union": (2, -1.0, "SIND"),
}


def _section(q: object) -> str:
    kind = q.kind
    return "engagement" if kind == "engagement" else f"p{q.principle}"


def build() -> str:
    """Return the CSV text (seeded: the same bytes on every run)."""
    rng = np.random.default_rng(20220)
    pf = sample_portfolio()
    qn = questionnaire()
    header = ["SubmissionDate", "start", "end", "respondent", "group", "partnership"]
    header += [f"{_section(q)}-{q.code}" for q in qn.questions]
    header += ["meta-instanceID", "KEY", "SubmitterID", "ReviewState"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    day = 0
    for pid in PARTNERSHIPS:
        i = pf.index(pid)
        for group in STAKEHOLDER_GROUPS:
            count, lean, prefix = PLAN[group]
            for k in range(count):
                cells = []
                for q in qn.questions:
                    if not q.asked_of(group):
                        cells.append("")
                        continue
                    u = rng.random()
                    if u < 0.07:
                        cells.append("dont_know")
                        continue
                    top = q.levels - 1
                    if q.kind == "criterion":
                        true = pf.column(q.field)[i]
                        centre = top / 2 if np.isnan(true) else float(true)
                    else:
                        centre = 0.6 if group != "civil-society" else 0.2
                    level = centre + lean * (top / 4 + 0.25) + rng.normal(0, 0.6)
                    cells.append(q.choices[int(np.clip(np.rint(level), 0, top))].name)
                day += 1
                stamp = f"2022-10-{1 + day % 28:02d}T{9 + k:02d}:15:00.000Z"
                sid = f"uuid:{uuid.UUID(bytes=rng.bytes(16), version=4)}"
                resp = f"{prefix}-{1 + (PARTNERSHIPS.index(pid) * count + k) % 6}"
                writer.writerow(
                    [stamp, stamp, stamp, resp, group, pid, *cells, sid, sid, "7", ""]
                )
    return out.getvalue()


def main() -> int:
    """Write the file, or check it with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    text = build()
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else "out of date")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
