"""Runs that cannot be computed, recorded as missing (``on_error="missing"``).

With ``on_error="missing"`` a sample whose methodology variant raises a
`~kampala.errors.KampalaError` while it is scored gets NaN scores and ranks
and the analysis goes on. This module is where such samples are collected
(`Failures`, per evaluation), merged in row order across blocks
(`first_failure`) and told (`failure_note`), and where Saltelli's design
gives up the base samples with a missing run (`complete_base_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from kampala.errors import ExecutionError, KampalaError
from kampala.i18n import N_, translate

__all__ = [
    "Failures",
    "complete_base_rows",
    "failure_note",
    "first_failure",
    "frozen_rows",
]

IntArray = npt.NDArray[np.intp]


def frozen_rows(rows: npt.ArrayLike = ()) -> IntArray:
    """Return row numbers as a read-only integer array (empty by default).

    Examples
    --------
    >>> from kampala.sensitivity._failures import frozen_rows
    >>> frozen_rows([3, 5]).tolist(), frozen_rows().size
    ([3, 5], 0)
    """
    out = np.array(rows, dtype=np.intp)
    out.flags.writeable = False
    return out


class Failures:
    """The samples of one evaluation that raised, with their reasons.

    Parameters
    ----------
    on_error : {"raise", "missing"}
        ``"raise"``: `add` re-raises at once; ``"missing"``: it records.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.errors import ParameterValueError
    >>> from kampala.sensitivity._failures import Failures
    >>> found = Failures("missing")
    >>> found.add(np.array([7, 9]), ParameterValueError("f()", "x", -1, ">= 0"))
    >>> found.add(np.array([2]), ParameterValueError("f()", "y", -2, ">= 0"))
    >>> out = found.fields()
    >>> out["failed"].tolist(), out["failure"]
    ([2, 7, 9], "f(): 'y' must be >= 0 (got -2).")
    """

    def __init__(self, on_error: str) -> None:
        self.keep_going = on_error == "missing"
        self.rows: list[IntArray] = []
        self.reasons: list[str] = []

    def add(self, rows: IntArray, exc: KampalaError) -> None:
        """Record ``rows`` as failed with ``exc``, or re-raise it."""
        if not self.keep_going:
            raise exc
        self.rows.append(rows)
        self.reasons.append(str(exc))

    def fields(self) -> dict[str, Any]:
        """Return ``failed`` (the rows in order) and ``failure`` (the first reason)."""
        if not self.rows:
            return {"failed": frozen_rows(), "failure": ""}
        first = min(range(len(self.rows)), key=lambda i: int(self.rows[i].min()))
        rows = np.sort(np.concatenate(self.rows))
        return {"failed": frozen_rows(rows), "failure": self.reasons[first]}


def first_failure(parts: Iterable[Any]) -> dict[str, Any]:
    """Return ``failed`` and ``failure`` of blocks taken together, in row order.

    ``parts`` are `BlockResult` (or anything with their ``start``,
    ``failed`` and ``failure``), in any order.

    Examples
    --------
    >>> from types import SimpleNamespace as Part
    >>> from kampala.sensitivity._failures import first_failure
    >>> parts = [Part(start=2, failed=[3], failure="b"),
    ...          Part(start=0, failed=[], failure=""),
    ...          Part(start=4, failed=[4], failure="c")]
    >>> out = first_failure(parts)
    >>> out["failed"].tolist(), out["failure"]
    ([3, 4], 'b')
    """
    ordered = [p for p in sorted(parts, key=lambda b: b.start) if len(p.failed)]
    if not ordered:
        return {"failed": frozen_rows(), "failure": ""}
    return {
        "failed": frozen_rows(np.concatenate([p.failed for p in ordered])),
        "failure": ordered[0].failure,
    }


def failure_note(
    n_failed: int, n_runs: int, reason: str, *, lang: str | None = "en"
) -> str:
    """Return "12 of 1024 runs could not be computed: <reason>" ("" for none).

    Examples
    --------
    >>> from kampala.sensitivity._failures import failure_note
    >>> failure_note(2, 64, "aggregate 'P1': ...")
    "2 of 64 runs could not be computed: aggregate 'P1': ..."
    >>> failure_note(1, 64, "...", lang="es")
    '1 de 64 corridas no se pudieron calcular: ...'
    >>> failure_note(0, 64, "")
    ''
    """
    if not n_failed:
        return ""
    return translate(
        N_("{failed} of {runs} runs could not be computed: {reason}"),
        lang,
        failed=n_failed,
        runs=n_runs,
        reason=reason,
    )


def complete_base_rows(
    failed: IntArray, failure: str, n: int, n_groups: int
) -> IntArray | None:
    """Return the base samples of a Saltelli design whose runs were all computed.

    The runs of base sample ``j`` are the rows ``j (G + 2)`` to
    ``(j + 1)(G + 2) - 1`` of `SaltelliDesign.stack`. None when no run
    failed. ``failure`` (the first reason) is for the error.

    Raises
    ------
    ExecutionError
        If fewer than two base samples are left.

    See Also
    --------
    SaltelliDesign.analyse : Estimates the indices from these base samples
        only (``base_rows=``).

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.sensitivity._failures import complete_base_rows
    >>> complete_base_rows(np.array([1, 2, 9]), "...", 4, 1).tolist()  # 3 runs each
    [1, 2]
    >>> complete_base_rows(np.array([0, 3, 6]), "...", 3, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kampala.errors.ExecutionError: sensitivity_analysis(): 'on_error' must be ...
    """
    if not failed.size:
        return None
    broken = np.unique(failed // (n_groups + 2))
    keep = np.setdiff1d(np.arange(n), broken).astype(np.intp)
    if keep.size < 2:
        raise ExecutionError(
            "sensitivity_analysis()",
            "on_error",
            "missing",
            translate("at least two base samples whose runs were all computed"),
            hint=failure_note(failed.size, n * (n_groups + 2), failure),
        )
    return keep
