"""Merge portfolios from several sources, keeping where each value came from.

`merge_portfolios` matches partnerships by id (an IATI identifier or the
agency's own; ``aliases`` maps other ids to the one kept) and takes each
field from the source that has it. Every value keeps its `Source`
(``merged.portfolio.source_of(id, path)``). When sources give different
values for the same field, the conflict is resolved, in this order:

1. **Evidence entered by people wins over IATI.** A value from an IATI file
   never replaces one from any other kind of source (a filled CSV, JSON or
   spreadsheet), unless ``overwrite_manual=True``; the conflict is reported.
2. **The policy** decides among the rest: ``"error"`` (the default) raises
   `MergeConflictError` listing every conflict; ``"prefer-latest"`` takes
   the value read most recently (each value's ``read_at``; later sources win
   ties); ``"in-order"`` takes the first source given; a sequence of source
   names (file names, or portfolio names) is an order of preference.

Every conflict, resolved or not, is listed in `MergeResult.conflicts`, and
`MergeResult.write_report` writes them as CSV or JSON.

Examples
--------
>>> from kampala import Portfolio
>>> from kampala.io import merge_portfolios
>>> from kampala.provenance import FileProvenance, Source
>>> from kampala.records import Partnership
>>> iati = Portfolio.from_records(
...     [Partnership(id="XM-1", title="Agua", budget_usd=2e6)], name="caf"
... ).with_provenance(FileProvenance(file_source=Source(kind="iati", file="caf.xml")))
>>> hand = Portfolio.from_records(
...     [Partnership(id="XM-1", title="Agua", budget_usd=1.5e6)], name="socios"
... ).with_provenance(FileProvenance(file_source=Source(kind="hand", file="s.csv")))
>>> out = merge_portfolios([iati, hand])
>>> out.portfolio["XM-1"].budget_usd, str(out.portfolio.source_of("XM-1", "budget_usd"))
(1500000.0, 's.csv: row 1')
>>> out.conflicts[0].reason
'manual evidence kept'
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.textout import write_csv_rows, write_text
from kampala.errors import (
    DataFormatError,
    MergeConflictError,
    ParameterTypeError,
    ParameterValueError,
)
from kampala.i18n import translate
from kampala.io._provenance_json import present_values
from kampala.io.formats import DEFAULT_MAX_BYTES, read_portfolio
from kampala.portfolio import ACTOR_SCHEMA, SCHEMA, FieldSpec, Portfolio
from kampala.provenance import MergedProvenance, Provenance, Source, is_blank

__all__ = ["POLICIES", "Conflict", "MergeResult", "merge_portfolios"]

#: The named conflict policies (a sequence of source names is also one).
POLICIES = ("error", "prefer-latest", "in-order")
_FLOAT_KINDS = ("amount", "share", "count", "bool", "ordinal")
_REPORT_FIELDS = ("id", "field", "values", "chosen", "reason")
Array = npt.NDArray[Any]
IntArray = npt.NDArray[np.int64]


@attrs.frozen(kw_only=True)
class Conflict:
    """Two or more sources give different values for one field.

    Parameters
    ----------
    id : str
        The partnership's id (in the merged portfolio).
    field : str
        The field path (``"actors"`` for the list of actors).
    values : tuple of (str, str)
        ``(source, value)`` for every source that has a value, in the order
        the sources were given; the source is shown as ``file: location``.
    chosen : str
        The source whose value was kept (as in ``values``), or ``""`` if the
        conflict was left unresolved (policy ``"error"``).
    reason : str
        ``"manual evidence kept"``, ``"policy prefer-latest"``, ``"policy
        in-order"``, ``"policy order"`` or ``"unresolved"``.

    Examples
    --------
    >>> from kampala.io.merge import Conflict
    >>> c = Conflict(id="A", field="budget_usd",
    ...              values=(("a.xml", "1.0"), ("b.csv", "2.0")),
    ...              chosen="b.csv", reason="policy in-order")
    >>> c.to_dict()["values"]
    'a.xml = 1.0; b.csv = 2.0'
    """

    id: str
    field: str
    values: tuple[tuple[str, str], ...]
    chosen: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Return the conflict as one report row (values joined by ``; ``).

        Examples
        --------
        >>> from kampala.io.merge import Conflict
        >>> Conflict(id="A", field="title", values=(("a", "Agua"),), chosen="a",
        ...          reason="policy in-order").to_dict()["chosen"]
        'a'
        """
        values = "; ".join(f"{s} = {v}" for s, v in self.values)
        return {
            "id": self.id,
            "field": self.field,
            "values": values,
            "chosen": self.chosen,
            "reason": self.reason,
        }


@attrs.frozen(kw_only=True)
class MergeResult:
    """What `merge_portfolios` gives: the portfolio and its conflicts.

    Parameters
    ----------
    portfolio : Portfolio
        The merged partnerships; ``portfolio.source_of(id, path)`` tells
        where each value came from.
    conflicts : tuple of Conflict
        Every field on which sources disagreed, and how it was resolved.
    sources : tuple of str
        The names of the merged sources, in the order given.

    Examples
    --------
    >>> from kampala import Portfolio
    >>> from kampala.io import merge_portfolios
    >>> from kampala.records import Partnership
    >>> a = Portfolio.from_records([Partnership(id="A", title="Agua")], name="a")
    >>> b = Portfolio.from_records([Partnership(id="B", title="Banca")], name="b")
    >>> out = merge_portfolios([a, b])
    >>> out.portfolio.ids, out.sources, out.conflicts
    (('A', 'B'), ('a', 'b'), ())
    """

    portfolio: Portfolio
    conflicts: tuple[Conflict, ...]
    sources: tuple[str, ...]

    def summary(self, lang: str | None = None) -> str:
        """Return one line: sources, partnerships and conflicts.

        Examples
        --------
        The sample portfolio merged with itself agrees everywhere:

        >>> from kampala.data import sample_portfolio
        >>> from kampala.io import merge_portfolios
        >>> merged = merge_portfolios([sample_portfolio(), sample_portfolio()])
        >>> print(merged.summary(lang="es"))
        2 fuentes unidas: 48 alianza(s), 0 conflicto(s).
        """
        return translate(
            "{sources} sources merged: {partnerships} partnership(s), "
            "{conflicts} conflict(s).",
            lang,
            sources=len(self.sources),
            partnerships=len(self.portfolio),
            conflicts=len(self.conflicts),
        )

    def write_report(
        self, target: str | os.PathLike[str] | TextIO, *, formula_escape: bool = True
    ) -> None:
        """Write the conflicts as CSV, or as JSON for a path ending in ``.json``.

        Columns (keys): ``id``, ``field``, ``values``, ``chosen``, ``reason``.
        A path is written atomically; CSV text a spreadsheet would evaluate
        gets a leading ``'`` unless ``formula_escape=False``.

        Raises
        ------
        DataFormatError
            If ``target`` is a path that cannot be written (a folder, a
            read-only place).

        Examples
        --------
        Two sources that disagree on a title; the first one is kept:

        >>> import io
        >>> from kampala import Portfolio
        >>> from kampala.io import merge_portfolios
        >>> from kampala.records import Partnership
        >>> a = Portfolio.from_records([Partnership(id="A", title="Agua")], name="a")
        >>> b = Portfolio.from_records([Partnership(id="A", title="Riego")], name="b")
        >>> out = io.StringIO()
        >>> merge_portfolios([a, b], policy="in-order").write_report(out)
        >>> print(out.getvalue(), end="")
        id,field,values,chosen,reason
        A,title,a = Agua; b = Riego,a,policy in-order
        """
        rows = [c.to_dict() for c in self.conflicts]
        as_json = (
            isinstance(target, str | os.PathLike)
            and Path(target).suffix.lower() == ".json"
        )

        def write(f: TextIO) -> None:
            if as_json:
                f.write(json.dumps({"conflicts": rows}, ensure_ascii=False, indent=2))
                f.write("\n")
            else:
                write_csv_rows(f, _REPORT_FIELDS, rows, formula_escape)

        write_text(target, "MergeResult.write_report()", write)


# ---------------------------------------------------------------------------
# columns: missing values, presence and equality, by kind
# ---------------------------------------------------------------------------
def _missing(spec: FieldSpec, col: Array, n: int) -> Array:
    """Return ``n`` missing values, shaped and typed like ``col``."""
    kind = spec.kind
    if kind == "enumset" and not spec.optional:
        return np.zeros((n, *col.shape[1:]))
    if kind in _FLOAT_KINDS or kind == "enumset":
        return np.full((n, *col.shape[1:]), np.nan)
    if kind == "date":
        return np.full(n, np.datetime64("NaT"), dtype=col.dtype)
    if kind == "enum":
        return np.full(n, -1, dtype=col.dtype)
    if kind == "strlist" and not spec.optional:
        return np.asarray(np.frompyfunc(lambda _: (), 1, 1)(np.empty(n)), dtype=object)
    out = np.empty(n, dtype=object)
    out[:] = "" if kind == "str" else None
    return out


def _equal(spec: FieldSpec, a: Array, b: Array) -> npt.NDArray[np.bool_]:
    if spec.kind == "enumset":
        return np.asarray(np.all(a == b, axis=1), dtype=bool)
    if spec.kind in ("str", "strlist"):
        eq = np.frompyfunc(operator.eq, 2, 1)(a, b)
        return np.asarray(eq, dtype=bool)
    return np.asarray(a == b)


def _gather(spec: FieldSpec, col: Array, rows: IntArray) -> Array:
    out = _missing(spec, col, len(rows))
    have = rows >= 0
    out[have] = col[rows[have]]
    return out


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | frozenset | list):
        return ", ".join(sorted(_shown(v) for v in value))
    return str(getattr(value, "value", value))


# ---------------------------------------------------------------------------
# the merge
# ---------------------------------------------------------------------------
@attrs.frozen
class _Input:
    label: str
    portfolio: Portfolio
    rows: IntArray  # merged row -> row here, -1 absent


def merge_portfolios(
    sources: Sequence[Portfolio | str | os.PathLike[str]],
    *,
    policy: str | Sequence[str] = "error",
    overwrite_manual: bool = False,
    aliases: Mapping[str, str] | None = None,
    name: str = "merged",
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> MergeResult:
    """Merge portfolios field by field, keeping each value's source.

    Parameters
    ----------
    sources : sequence of Portfolio or path
        Portfolios, or files in any registered format (read with
        `read_portfolio`: JSON, CSV, IATI XML, xlsx ...). A file's name is
        its source name; a portfolio's ``name`` is (repeats get ``#2`` ...).
    policy : {"error", "prefer-latest", "in-order"} or sequence of str, \
default="error"
        How to resolve a conflict that rule 1 (people's evidence over IATI)
        leaves: raise; take the value read last; take the first source's; or
        take the first in this order of source names (sources not named come
        after, in the order given).
    overwrite_manual : bool, default=False
        Let IATI values replace values from other kinds of source (then only
        the policy decides).
    aliases : mapping of str to str, default=None
        Other ids of the same partnership (the agency's own code, an older
        IATI identifier) mapped to the id the merged portfolio uses.
    name : str, default="merged"
        Name of the merged portfolio.
    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        Size limit of each file read, as for `read_portfolio`.

    Returns
    -------
    MergeResult
        The merged portfolio (with its `MergedProvenance`), the conflicts
        and the source names.

    Raises
    ------
    MergeConflictError
        With ``policy="error"``, if sources disagree on a field (every
        conflict is in its ``conflicts``).
    PortfolioValidationError
        If values from different sources break a rule between fields (an
        end before a start); or from reading a file.
    DataFormatError
        If an id repeats within one source once aliases are applied; or from
        reading a file.
    ParameterValueError, ParameterTypeError
        For an unknown policy, a source name the policy lists but no source
        has, or arguments of the wrong type.

    Examples
    --------
    An order of sources decides; ``explain`` and ``source_of`` show where
    the value came from:

    >>> from kampala import Portfolio
    >>> from kampala.io import merge_portfolios
    >>> from kampala.records import Partnership
    >>> a = Portfolio.from_records([Partnership(id="A", title="Agua",
    ...                                         budget_usd=1.0)], name="a")
    >>> b = Portfolio.from_records([Partnership(id="a-1", title="Agua",
    ...                                         budget_usd=2.0)], name="b")
    >>> out = merge_portfolios([a, b], policy=["b", "a"], aliases={"a-1": "A"})
    >>> out.portfolio["A"].budget_usd, out.conflicts[0].chosen
    (2.0, 'b')
    """
    caller = "merge_portfolios()"
    inputs = _read_inputs(sources, caller, max_bytes)
    if not isinstance(overwrite_manual, bool):
        raise ParameterTypeError(
            caller, "overwrite_manual", overwrite_manual, "True or False"
        )
    labels = [label for label, _ in inputs]
    rank = _ranks(policy, labels, caller)
    ids, parts = _align(inputs, dict(aliases or {}), caller)
    n = len(ids)
    columns: dict[str, Array] = {"id": np.asarray(ids, dtype=object)}
    origin: dict[str, IntArray] = {}
    conflicts: list[Conflict] = []
    unresolved: list[Conflict] = []
    for spec in SCHEMA:
        if spec.path == "id":
            continue
        cols = [_gather(spec, p.portfolio.column(spec.path), p.rows) for p in parts]
        present = [present_values(spec, c) for c in cols]
        chosen = np.full(n, -1, dtype=np.int64)
        for k in np.argsort(rank, kind="stable"):
            chosen[(chosen < 0) & present[k]] = k
        clash = np.zeros(n, dtype=bool)
        for k, col in enumerate(cols):
            both = present[k] & (chosen >= 0) & (chosen != k)
            if not both.any():
                continue
            rows = np.flatnonzero(both)
            ref = np.empty_like(col[rows])
            for j in range(len(parts)):
                at = chosen[rows] == j
                ref[at] = cols[j][rows[at]]
            clash[rows[~_equal(spec, col[rows], ref)]] = True
        for row in np.flatnonzero(clash).tolist():
            conflict, pick = _resolve(
                parts, row, spec.path, ids[row], rank, policy, overwrite_manual
            )
            conflicts.append(conflict)
            if pick < 0:
                unresolved.append(conflict)
            else:
                chosen[row] = pick
        out = _missing(spec, cols[0], n)
        for k, col in enumerate(cols):
            at = chosen == k
            out[at] = col[at]
        columns[spec.path] = out
        origin[spec.path] = chosen
    actors, origin["actors"] = _merge_actors(
        parts, ids, rank, policy, overwrite_manual, conflicts, unresolved
    )
    origin["id"] = origin["title"]
    if unresolved:
        first = unresolved[0].to_dict()
        raise MergeConflictError(
            caller,
            "sources",
            f"{len(unresolved)} conflicting value(s)",
            "in agreement when policy='error'",
            hint=f"First: partnership {first['id']!r}, {first['field']!r}: "
            f"{first['values']}. Pass policy='prefer-latest', 'in-order' or an "
            "order of sources.",
            conflicts=tuple(unresolved),
        )
    merged = Portfolio.from_columns(columns, actors, name=name)
    provenance = MergedProvenance(
        parts=[p.portfolio.provenance for p in parts],
        rows=[p.rows for p in parts],
        origin=origin,
    )
    return MergeResult(
        portfolio=merged.with_provenance(provenance),
        conflicts=tuple(conflicts),
        sources=tuple(labels),
    )


def _read_inputs(
    sources: Any, caller: str, max_bytes: int | None
) -> list[tuple[str, Portfolio]]:
    if isinstance(sources, str | os.PathLike | Portfolio) or not isinstance(
        sources, Sequence
    ):
        raise ParameterTypeError(
            caller, "sources", sources, "a sequence of portfolios or paths"
        )
    if not sources:
        raise ParameterValueError(caller, "sources", [], "at least one source")
    out: list[tuple[str, Portfolio]] = []
    seen: set[str] = set()
    for item in sources:
        if isinstance(item, Portfolio):
            pf, label = item, item.name
        elif isinstance(item, str | os.PathLike):
            pf = read_portfolio(item, max_bytes=max_bytes)
            label = Path(item).name
        else:
            raise ParameterTypeError(
                caller, "sources", type(item).__name__, "portfolios or paths"
            )
        base, k = label, 1
        while label in seen:
            k += 1
            label = f"{base}#{k}"
        seen.add(label)
        out.append((label, pf))
    return out


def _ranks(policy: Any, labels: list[str], caller: str) -> IntArray:
    """Preference of each source: lower is preferred (ties: given order)."""
    n = len(labels)
    if isinstance(policy, str):
        if policy not in POLICIES:
            raise ParameterValueError(
                caller,
                "policy",
                policy,
                "'error', 'prefer-latest', 'in-order' or a sequence of source names",
            )
        return np.arange(n, dtype=np.int64)
    if not isinstance(policy, Sequence) or not all(isinstance(p, str) for p in policy):
        raise ParameterTypeError(
            caller, "policy", policy, "a policy name or a sequence of source names"
        )
    for p in policy:
        if p not in labels:
            raise ParameterValueError(
                caller,
                "policy",
                p,
                "the name of a source",
                hint=f"Sources: {', '.join(labels)}.",
            )
    order = {label: i for i, label in enumerate(policy)}
    return np.array([order.get(lb, len(order) + i) for i, lb in enumerate(labels)])


def _align(
    inputs: list[tuple[str, Portfolio]], aliases: dict[str, str], caller: str
) -> tuple[list[str], list[_Input]]:
    """Return the merged ids (in order of first appearance) and rows per input."""
    for key, value in aliases.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ParameterTypeError(
                caller, "aliases", {key: value}, "a mapping of str to str"
            )
    position: dict[str, int] = {}
    keys: list[list[str]] = []
    for label, pf in inputs:
        mine = [aliases.get(i, i) for i in pf.ids]
        if len(set(mine)) != len(mine):
            repeated = next(i for i in mine if mine.count(i) > 1)
            raise DataFormatError(
                f"{caller} source {label!r}",
                "id",
                repeated,
                "used by one partnership only once aliases are applied",
            )
        for key in mine:
            position.setdefault(key, len(position))
        keys.append(mine)
    parts = []
    for (label, pf), mine in zip(inputs, keys, strict=True):
        rows = np.full(len(position), -1, dtype=np.int64)
        rows[[position[k] for k in mine]] = np.arange(len(mine))
        parts.append(_Input(label, pf, rows))
    return list(position), parts


def _cell_source(part: _Input, row: int, path: str) -> Source | None:
    prov: Provenance | None = part.portfolio.provenance
    return None if prov is None else prov.source(int(part.rows[row]), path)


def _resolve(
    parts: list[_Input],
    row: int,
    path: str,
    pid: str,
    rank: IntArray,
    policy: str | Sequence[str],
    overwrite_manual: bool,
    values: list[tuple[int, Any]] | None = None,
) -> tuple[Conflict, int]:
    """Decide one conflict: the conflict record and the input chosen (-1)."""
    if values is None:
        values = [
            (k, p.portfolio.value(path, int(p.rows[row])))
            for k, p in enumerate(parts)
            if p.rows[row] >= 0
        ]
        values = [(k, v) for k, v in values if not is_blank(v)]
    sources = {k: _cell_source(parts[k], row, path) for k, _ in values}
    names = {k: str(s) if s is not None else parts[k].label for k, s in sources.items()}
    candidates = [k for k, _ in values]
    reason = ""
    manual = [k for k in candidates if _manual(sources[k])]
    if not overwrite_manual and manual and len(manual) < len(candidates):
        candidates = manual
        reason = "manual evidence kept"
    shown = {k: _shown(v) for k, v in values}
    if len({shown[k] for k in candidates}) == 1:
        pick = min(candidates, key=lambda k: rank[k])
    elif policy == "error":
        pick, reason = -1, "unresolved"
    elif policy == "prefer-latest":
        pick = max(candidates, key=lambda k: (_read_at(sources[k]), k))
        reason = reason or "policy prefer-latest"
    else:
        pick = min(candidates, key=lambda k: rank[k])
        reason = reason or (
            "policy in-order" if policy == "in-order" else "policy order"
        )
    conflict = Conflict(
        id=pid,
        field=path,
        values=tuple((names[k], shown[k]) for k, _ in values),
        chosen=names[pick] if pick >= 0 else "",
        reason=reason,
    )
    return conflict, pick


def _manual(source: Source | None) -> bool:
    """Evidence of unknown origin counts as entered by people."""
    return source is None or source.manual


def _read_at(source: Source | None) -> str:
    return "" if source is None else source.read_at


def _merge_actors(
    parts: list[_Input],
    ids: list[str],
    rank: IntArray,
    policy: str | Sequence[str],
    overwrite_manual: bool,
    conflicts: list[Conflict],
    unresolved: list[Conflict],
) -> tuple[dict[str, Array], IntArray]:
    """Actors come whole from one source per partnership."""
    n = len(ids)
    has = []
    for p in parts:
        rows_with = np.zeros(len(p.portfolio), dtype=bool)
        rows_with[p.portfolio.actors["partnership"]] = True
        mine = np.zeros(n, dtype=bool)
        at = p.rows >= 0
        mine[at] = rows_with[p.rows[at]]
        has.append(mine)
    chosen = np.full(n, -1, dtype=np.int64)
    for k in np.argsort(rank, kind="stable"):
        chosen[(chosen < 0) & has[k]] = k
    several = np.sum(has, axis=0) > 1 if parts else np.zeros(n, dtype=bool)
    for row in np.flatnonzero(several).tolist():
        values = [
            (k, p.portfolio[int(p.rows[row])].actors)
            for k, p in enumerate(parts)
            if has[k][row]
        ]
        if len({v for _, v in values}) == 1:
            continue
        conflict, pick = _resolve(
            parts, row, "actors", ids[row], rank, policy, overwrite_manual, values
        )
        conflicts.append(conflict)
        if pick < 0:
            unresolved.append(conflict)
        else:
            chosen[row] = pick
    pieces: list[dict[str, Array]] = []
    for k, p in enumerate(parts):
        inverse = np.full(len(p.portfolio), -1, dtype=np.int64)
        merged_at = np.flatnonzero(p.rows >= 0)
        inverse[p.rows[merged_at]] = merged_at
        merged_row = inverse[p.portfolio.actors["partnership"]]
        keep = chosen[merged_row] == k
        piece = {f.path: p.portfolio.actor_column(f.path)[keep] for f in ACTOR_SCHEMA}
        piece["partnership"] = merged_row[keep]
        pieces.append(piece)
    order = np.argsort(
        np.concatenate([pc["partnership"] for pc in pieces]), kind="stable"
    )
    actors = {
        key: np.concatenate([pc[key] for pc in pieces])[order] for key in pieces[0]
    }
    return actors, chosen
