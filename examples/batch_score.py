"""Score a portfolio file in a batch job and keep everything needed to cite it.

An example of kampala embedded in another system (a nightly job, a data
pipeline): read a portfolio file, check that the methodology is the one the
organisation has approved (by its SHA-256 hash), score, and write

- ``scores.csv``: one row per partnership, best first, with the principle
  scores, the overall score, the coverages and the flags;
- ``scores.json``: the same with the methodology reference, the kampala and
  NumPy versions and the disclaimer, which reproduces every number.

Bad input never produces a traceback: the script prints one message (every
problem of an invalid file, each on its own line) and exits with status 2,
so the calling system can tell bad data (2) from a crash (1).

Run from the repository root:

    python examples/batch_score.py PORTFOLIO OUT_DIR [--expect-sha256 HASH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kampala import KampalaError, Methodology
from kampala.io import read_portfolio, write_results_csv


def main(argv: list[str] | None = None) -> int:
    """Score one file; return the exit status (2 for bad input)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("portfolio", type=Path, help="JSON, JSON Lines or CSV file")
    parser.add_argument("out", type=Path, help="folder for scores.csv, scores.json")
    parser.add_argument(
        "--expect-sha256",
        help="refuse to score unless the methodology has this hash",
    )
    args = parser.parse_args(argv)

    methodology = Methodology.default()
    if args.expect_sha256 and methodology.sha256 != args.expect_sha256:
        print(
            f"batch_score: methodology {methodology.ref} is not the approved one "
            f"(expected sha256 {args.expect_sha256}); refusing to score.",
            file=sys.stderr,
        )
        return 2
    try:
        portfolio = read_portfolio(args.portfolio)
        card = methodology.run(portfolio)
    except KampalaError as exc:
        # One message naming the record, field and value at fault; a
        # PortfolioValidationError lists every problem of the file.
        print(f"batch_score: {exc}", file=sys.stderr)
        return 2

    args.out.mkdir(parents=True, exist_ok=True)
    codes = [p.code for p in card.principles]
    rows = [{**row, "flags": "; ".join(row["flags"])} for row in card.table()]
    columns = ["rank", "id", "title", *codes, "overall"]
    columns += [f"{code}_coverage" for code in codes] + ["flags"]
    write_results_csv(args.out / "scores.csv", rows, columns)
    (args.out / "scores.json").write_text(card.to_json(), encoding="utf-8")

    flagged = sum(1 for row in rows if row["flags"])
    print(
        f"{portfolio.name}: {len(portfolio)} partnerships scored with "
        f"{card.methodology}; {flagged} with a score withheld for insufficient "
        f"evidence; wrote {args.out / 'scores.csv'} and {args.out / 'scores.json'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
