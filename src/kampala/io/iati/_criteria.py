"""Per activity, what IATI gave each KPS-1 criterion.

Each criterion of the KPS-1 scorecard is, for one activity:

- ``filled``: the activity published the elements its evidence comes from
  (the detail names them);
- ``not published``: IATI has elements that could give it, but the activity
  does not publish them (the detail names them);
- ``not derivable``: no IATI element gives its evidence; it has to be
  entered by hand (or merged from another source).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from kampala.io.iati._table import NOT_IN_IATI, elements_for
from kampala.principles.scorers import default_criteria

__all__ = ["FILLED", "NOT_DERIVABLE", "NOT_PUBLISHED", "criteria_status"]

FILLED = "filled"
NOT_PUBLISHED = "not published"
NOT_DERIVABLE = "not derivable"

#: Criteria scored from any one of their evidence fields.
_ANY_OF = frozenset({"P2.sdg_targets"})
#: Criteria IATI cannot give although some of their evidence fields are
#: filled, with the reason.
_NOT_DERIVABLE = {
    "P3.local_share": "participating-org gives no contributions per organisation",
}


@functools.cache
def _criteria() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((c.code, tuple(c.evidence)) for c in default_criteria())


def criteria_status(
    filled: Mapping[str, str],
) -> tuple[tuple[str, str, str], ...]:
    """Return ``(criterion, status, detail)`` for every KPS-1 criterion.

    ``filled`` maps each record field filled from IATI to its element path.
    """
    out = []
    for code, evidence in _criteria():
        if code in _NOT_DERIVABLE:
            out.append((code, NOT_DERIVABLE, _NOT_DERIVABLE[code]))
            continue
        if any(f in NOT_IN_IATI for f in evidence):
            out.append((code, NOT_DERIVABLE, "no IATI element provides it"))
            continue
        got = [filled[f] for f in evidence if f in filled]
        if got and (code in _ANY_OF or len(got) == len(evidence)):
            out.append((code, FILLED, " + ".join(dict.fromkeys(got))))
        else:
            lacking = [f for f in evidence if f not in filled]
            detail = "; ".join(f"{f}: {elements_for(f)}" for f in lacking)
            out.append((code, NOT_PUBLISHED, detail))
    return tuple(out)
