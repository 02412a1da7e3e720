"""Portfolios: validated collections of partnerships with a columnar view.

A `Portfolio` stores its partnerships as columns (numpy arrays), the
form scorers work on: one value per partnership for every field of
`SCHEMA`, and one value per actor for every actor field. Records
(`Partnership`) are built from the columns on
demand, and columns from records, so both views always agree.

Column encodings (``portfolio.column(path)``):

========== ================================ ================================
kind       array                            missing
========== ================================ ================================
str        object array of ``str``          never missing (``""`` for notes)
date       ``datetime64[D]``                ``NaT``
amount     float64 (>= 0)                   NaN
share      float64 in [0, 1]                NaN
count      float64 (whole, >= 0)            NaN
bool       float64 0.0 or 1.0               NaN
ordinal    float64 rank 0 .. levels - 1     NaN
enum       int16 member index               -1
enumset    float64 (n, members) of 0/1      a row of NaN
strlist    object array of tuples of str    ``None``
========== ================================ ================================

Actor columns (``portfolio.actor_column(name)``) have one entry per actor;
``partnership`` gives the row of the partnership the actor belongs to.

Examples
--------
>>> from kampala import Portfolio
>>> from kampala.records import Partnership, OwnershipEvidence, GovernmentRole
>>> pf = Portfolio.from_records([
...     Partnership(id="A", title="Agua segura",
...                 ownership=OwnershipEvidence(government_role=GovernmentRole.LEADS)),
...     Partnership(id="B", title="Banca rural"),
... ])
>>> pf.column("ownership.government_role")
array([ 4., nan])
>>> pf.records[0].ownership.government_role
<GovernmentRole.LEADS: 'leads'>
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala.errors import (
    ConfusableIdWarning,
    DataFormatError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.provenance import Provenance, Source, is_blank
from kampala.records import EVIDENCE_GROUPS, Actor, ActorKind, Partnership
from kampala.schema import (
    ACTOR_SCHEMA,
    RULES,
    SCHEMA,
    EnumFieldSpec,
    FieldSpec,
    lookup,
)
from kampala.validators import Identifier, Problem

__all__ = ["ACTOR_SCHEMA", "SCHEMA", "FieldSpec", "Portfolio"]

SPEC_BY_PATH = {f.path: f for f in SCHEMA}
_ACTOR_SPEC = {f.path: f for f in ACTOR_SCHEMA}

Array = npt.NDArray[Any]
FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------------------
# encoding one value
# ---------------------------------------------------------------------------
def _empty(spec: FieldSpec, n: int) -> Array:
    k = spec.kind
    if k in ("str", "strlist"):
        return np.empty(n, dtype=object)
    if k == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    if k == "enum":
        return np.full(n, -1, dtype=np.int16)
    if isinstance(spec, EnumFieldSpec) and k == "enumset":
        return np.full((n, len(spec.enum)), np.nan)
    return np.full(n, np.nan)


def _default_column(spec: FieldSpec, n: int) -> Array:
    """Make a column of ``n`` rows holding the field's default (missing if None)."""
    col = _empty(spec, n)
    default = spec.default
    if default is None or default is attrs.NOTHING:
        return col
    if spec.kind == "strlist":
        col.fill(tuple(default))
    elif spec.kind == "enumset":  # the empty set
        col[:] = 0.0
    else:
        col[:] = default
    return col


def _encode(spec: FieldSpec, value: Any, out: Array, i: int) -> None:
    if value is None:
        return  # the column's missing marker is already there
    k = spec.kind
    if k == "str":
        out[i] = value
    elif k == "strlist":
        out[i] = tuple(value)
    elif k == "date":
        out[i] = np.datetime64(value, "D")
    elif k in ("amount", "share", "count"):
        out[i] = float(value)
    elif k == "bool":
        out[i] = 1.0 if value else 0.0
    elif k == "ordinal":
        out[i] = float(value.rank)
    elif isinstance(spec, EnumFieldSpec):
        members = list(spec.enum)
        if k == "enum":
            out[i] = members.index(value)
        else:  # enumset
            out[i, :] = 0.0
            for v in value:
                out[i, members.index(v)] = 1.0


def _decode_value(spec: FieldSpec, col: Array, i: int) -> Any:
    k = spec.kind
    v = col[i]
    if k == "str":
        return v
    if k == "strlist":
        return None if v is None else tuple(v)
    if k == "date":
        return None if np.isnat(v) else v.astype(dt.date)
    if isinstance(spec, EnumFieldSpec):
        members = list(spec.enum)
        if k == "enumset":
            if np.isnan(v).any():
                return None
            return tuple(members[j] for j in np.flatnonzero(v == 1.0))
        if k == "enum":
            return None if v < 0 else members[int(v)]
        return None if np.isnan(v) else members[int(v)]
    if np.isnan(v):
        return None
    if k == "bool":
        return bool(v == 1.0)
    if k == "count":
        return int(v)
    return float(v)


def _record_value(record: Any, path: str) -> Any:
    obj = record
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


# ---------------------------------------------------------------------------
# the portfolio
# ---------------------------------------------------------------------------
def _readonly_columns(columns: Mapping[str, Array]) -> dict[str, Array]:
    out = {}
    for k, v in columns.items():
        arr = np.asarray(v)
        if arr.flags.writeable:
            arr = arr.copy()
            arr.flags.writeable = False
        out[k] = arr
    return out


@attrs.frozen(eq=False)
class Portfolio:
    """A validated collection of partnerships, stored as columns.

    Build one with `from_records()` or `from_columns()` (or the
    readers in `io`); both validate everything and report every
    problem at once in a `PortfolioValidationError`.

    Parameters
    ----------
    columns : mapping of str to numpy.ndarray
        One array per entry of `SCHEMA`, encoded as in the module table.
    actors : mapping of str to numpy.ndarray
        One array per entry of `ACTOR_SCHEMA` plus ``"partnership"``
        (the row of each actor's partnership, non-decreasing).
    name : str, default="portfolio"
        A label used in messages and results.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> pf = sample_portfolio()
    >>> pf
    Portfolio(name='Cartera ilustrativa APCI (ficticia)', partnerships=48, actors=214)
    >>> len(pf), pf.ids[:2]
    (48, ('PE-AGR-001', 'PE-AGR-002'))
    >>> pf.column("budget_usd")[:3]
    array([ 4800000.,  2350000., 12500000.])
    >>> pf["PE-AGR-001"].sectors
    ('31120', '31166')
    """

    columns: Mapping[str, Array] = attrs.field(converter=_readonly_columns)
    actors: Mapping[str, Array] = attrs.field(converter=_readonly_columns)
    name: str = "portfolio"
    _records: list[Partnership] | None = attrs.field(default=None, repr=False)
    _ids: tuple[str, ...] | None = attrs.field(
        default=None, init=False, repr=False, eq=False
    )
    #: Where each value came from (see `kampala.provenance`); None: unknown.
    provenance: Provenance | None = attrs.field(default=None, kw_only=True, repr=False)

    # -- construction ----------------------------------------------------------
    @classmethod
    def from_records(
        cls, records: Iterable[Partnership], *, name: str = "portfolio"
    ) -> Portfolio:
        """Build a portfolio from partnership records.

        Raises
        ------
        PortfolioValidationError
            If an item is not a `Partnership` or ids
            repeat (records validate their own fields on construction).

        Examples
        --------
        >>> from kampala import Portfolio
        >>> from kampala.records import Partnership
        >>> pf = Portfolio.from_records([
        ...     Partnership(id="A", title="Agua segura", budget_usd=1.2e6),
        ...     Partnership(id="B", title="Banca rural")], name="demo")
        >>> pf, pf.column("budget_usd")
        (Portfolio(name='demo', partnerships=2, actors=0), array([1200000., nan]))
        """
        recs = list(records)
        errors: list[Exception] = []
        for i, r in enumerate(recs):
            if not isinstance(r, Partnership):
                err = RecordValidationError(
                    f"record {i}", "type", type(r).__name__, "a Partnership"
                )
                errors.append(err)
        if errors:
            raise PortfolioValidationError(name, errors)
        n = len(recs)
        columns = {spec.path: _empty(spec, n) for spec in SCHEMA}
        for i, rec in enumerate(recs):
            for spec in SCHEMA:
                _encode(spec, _record_value(rec, spec.path), columns[spec.path], i)
        m = sum(len(r.actors) for r in recs)
        actors = {spec.path: _empty(spec, m) for spec in ACTOR_SCHEMA}
        actors["partnership"] = np.empty(m, dtype=np.int64)
        j = 0
        for i, rec in enumerate(recs):
            for actor in rec.actors:
                for spec in ACTOR_SCHEMA:
                    _encode(spec, getattr(actor, spec.path), actors[spec.path], j)
                actors["partnership"][j] = i
                j += 1
        pf = cls(columns, actors, name=name, records=None)
        pf._check_ids()
        object.__setattr__(pf, "_records", recs)
        return pf

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Any],
        actors: Mapping[str, Any] | None = None,
        *,
        name: str = "portfolio",
        copy: bool = True,
    ) -> Portfolio:
        """Build a portfolio from columns, validating them all at once.

        Parameters
        ----------
        columns : mapping of str to array_like
            Encoded as in the module table. ``id`` and ``title`` are
            required; any other field may be omitted and is then missing
            (``country`` defaults to ``"PE"``, ``notes`` to ``""``,
            ``sectors`` and ``instruments`` to empty).
        actors : mapping of str to array_like, optional
            Actor columns with ``partnership`` (row index); none by default.
        name : str, default="portfolio"
            Label for messages.
        copy : bool, default=True
            Copy the arrays given, so that changing them later does not
            change the portfolio. ``False`` keeps arrays of the right dtype
            as they are and makes them read-only in place (the portfolio
            takes them over): for large columns built only to make the
            portfolio, it saves a copy of each. Added in version 0.5.

        Raises
        ------
        PortfolioValidationError
            Listing every invalid value with its partnership id and field.
        DataFormatError
            For an unknown column name or arrays of the wrong length.

        Examples
        --------
        Columns left out are missing, NaN stands for a missing amount:

        >>> import numpy as np
        >>> from kampala import Portfolio
        >>> pf = Portfolio.from_columns({"id": ["A", "B"], "title": ["Agua", "Banca"],
        ...                              "budget_usd": [1.2e6, np.nan]})
        >>> pf["A"].budget_usd, pf["B"].budget_usd, pf["B"].country
        (1200000.0, None, 'PE')
        """
        if "id" not in columns or "title" not in columns:
            raise DataFormatError(
                f"{name}", "columns", sorted(columns)[:6], "including 'id' and 'title'"
            )
        n = len(columns["id"])
        out: dict[str, Array] = {}
        for key in columns:
            if key not in SPEC_BY_PATH:
                raise DataFormatError(
                    name, "columns", key, "a field path of kampala.portfolio.SCHEMA"
                )
        for spec in SCHEMA:
            if spec.path in columns:
                values = columns[spec.path]
                out[spec.path] = _coerce_column(name, spec, values, n, copy)
            else:
                out[spec.path] = _owned(_default_column(spec, n), None)
        m_cols = dict(actors or {})
        m = len(m_cols["partnership"]) if "partnership" in m_cols else 0
        act: dict[str, Array] = {}
        for key in m_cols:
            if key != "partnership" and key not in _ACTOR_SPEC:
                raise DataFormatError(
                    name, "actors", key, "a field of kampala.portfolio.ACTOR_SCHEMA"
                )
        for spec in ACTOR_SCHEMA:
            if spec.path in m_cols:
                act[spec.path] = _coerce_column(name, spec, m_cols[spec.path], m, copy)
            elif spec.default is attrs.NOTHING and m > 0:
                raise DataFormatError(name, "actors", spec.path, "present")
            else:
                act[spec.path] = _owned(_default_column(spec, m), None)
        given = m_cols.get("partnership", np.empty(0, dtype=np.int64))
        act["partnership"] = _owned(np.asarray(given, dtype=np.int64), given, copy)
        pf = cls(out, act, name=name, records=None)
        pf._validate()
        return pf

    # -- validation -------------------------------------------------------------
    def _check_ids(self) -> None:
        ids = self.columns["id"]
        values = ids.tolist()
        if _all_distinct(values):
            _warn_confusable(self.name, values)
            return
        _warn_confusable(self.name, set(values))
        uniq, counts = np.unique(ids.astype(str), return_counts=True)
        dups = uniq[counts > 1]
        if dups.size:
            errors: list[Exception] = []
            for d in dups.tolist():
                rows = np.flatnonzero(ids == d)
                err = RecordValidationError(
                    f"partnership {d!r}",
                    "id",
                    d,
                    "unique in the portfolio",
                    hint=f"It appears {rows.size} times.",
                    record_id=d,
                )
                err.add_note(f"records {', '.join(str(r) for r in rows.tolist())}")
                errors.append(err)
            raise PortfolioValidationError(self.name, errors)

    def _validate(self) -> None:
        """Check every column with its field's validator; raise one error."""
        errors: list[Exception] = []
        ids = self.columns["id"]
        n = ids.shape[0]
        found: list[tuple[str, list[tuple[int, Problem]]]] = [
            (spec.path, spec.validator.column(self.columns[spec.path]))
            for spec in SCHEMA
        ]
        found += [(rule.field, rule.column(self.columns)) for rule in RULES]
        for path, problems in found:
            for r, problem in problems:
                errors.append(_row_error(ids, r, path, problem))
        errors.extend(self._validate_actors(n))
        if errors:
            raise PortfolioValidationError(self.name, errors)
        self._check_ids()

    def _validate_actors(self, n: int) -> list[Exception]:
        errors: list[Exception] = []
        a = self.actors
        idx = a["partnership"]
        ids = self.columns["id"]
        if idx.size and (
            (idx < 0).any() or (idx >= n).any() or (np.diff(idx) < 0).any()
        ):
            errors.append(
                RecordValidationError(
                    f"{self.name} actors",
                    "partnership",
                    expected=f"non-decreasing row indices in [0, {n})",
                )
            )
            return errors
        distinct: dict[str, set[Any] | None] = {}
        for spec in ACTOR_SCHEMA:
            if spec.kind == "str":  # names and codes repeat: each checked once
                problems, distinct[spec.path] = _distinct_problems(spec, a[spec.path])
            else:
                problems = spec.validator.column(a[spec.path])
            for j, problem in problems:
                first = int(np.searchsorted(idx, idx[j]))  # the row's first actor
                path = f"actors[{j - first}].{spec.path}"
                errors.append(_row_error(ids, int(idx[j]), path, problem))
        currencies = distinct.get("currency")
        if currencies is None or len(currencies) > 1:
            errors.extend(_mixed_currencies(a, ids, n))
        return errors

    # -- views ---------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.columns["id"].shape[0])

    @property
    def ids(self) -> tuple[str, ...]:
        """Partnership ids, in row order.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> sample_portfolio().ids[:3]
        ('PE-AGR-001', 'PE-AGR-002', 'PE-AGR-003')
        """
        if self._ids is None:
            object.__setattr__(self, "_ids", tuple(self.columns["id"].tolist()))
        assert self._ids is not None
        return self._ids

    def value(self, path: str, index: int) -> Any:
        """Return one partnership's value of one field, as the record holds it.

        Parameters
        ----------
        path : str
            Dotted field path, such as ``"ownership.government_role"``.
        index : int
            Position of the partnership in the portfolio.

        Returns
        -------
        object
            The decoded value (an enumeration member, float, int, bool, date,
            str or tuple), or None where the field has no evidence.

        Raises
        ------
        ParameterValueError
            If ``path`` is not a partnership field.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> pf = sample_portfolio()
        >>> pf.value("ownership.government_role", 1).value
        'co-designed'
        >>> print(pf.value("ownership.national_plan_alignment", 1))
        None
        """
        return _decode_value(SPEC_BY_PATH[path], self.column(path), index)

    def source_of(self, partnership_id: str, path: str) -> Source | None:
        """Return where one partnership's value of one field came from.

        Parameters
        ----------
        partnership_id : str
            The partnership's id.
        path : str
            Dotted field path (``"ownership.government_role"``), or
            ``"actors"`` (or an actor field such as ``"actors.kind"``).

        Returns
        -------
        Source or None
            None when the value is missing or its origin is unknown.

        Raises
        ------
        DataFormatError
            If ``path`` is not a field path.

        Examples
        --------
        >>> from kampala.provenance import FileProvenance, Source
        >>> from kampala.data import sample_portfolio
        >>> pf = sample_portfolio()
        >>> print(pf.source_of("PE-AGR-001", "budget_usd"))
        sample_portfolio.json: record 0
        >>> print(pf.source_of("PE-AGR-002", "ownership.national_plan_alignment"))
        None
        >>> src = Source(kind="hand", file="socios.csv")
        >>> pf = pf.with_provenance(FileProvenance(file_source=src))
        >>> str(pf.source_of("PE-AGR-002", "budget_usd"))
        'socios.csv: row 2'
        """
        actor = path == "actors" or path.startswith("actors.")
        if not actor and path not in SPEC_BY_PATH:
            raise DataFormatError(
                "Portfolio.source_of()", "path", path, "a field path of SCHEMA"
            )
        i = self.index(partnership_id)
        if self.provenance is None:
            return None
        if actor:
            if not np.any(self.actors["partnership"] == i):
                return None
        elif is_blank(self.value(path, i)):
            return None
        return self.provenance.source(i, path)

    def with_provenance(self, provenance: Provenance | None) -> Portfolio:
        """Return the same portfolio with another provenance (no copy of data).

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> sample_portfolio().with_provenance(None).provenance is None
        True
        """
        return attrs.evolve(self, provenance=provenance)

    def column(self, path: str) -> Array:
        """Return one partnership column (read-only), see the module table.

        Raises
        ------
        DataFormatError
            For an unknown path (see `SCHEMA`).

        Examples
        --------
        An ordinal column holds ranks (``LEADS`` is rank 4), NaN where missing:

        >>> from kampala import Portfolio
        >>> from kampala.records import GovernmentRole, OwnershipEvidence, Partnership
        >>> leads = OwnershipEvidence(government_role=GovernmentRole.LEADS)
        >>> pf = Portfolio.from_records([
        ...     Partnership(id="A", title="Agua", ownership=leads),
        ...     Partnership(id="B", title="Banca")])
        >>> pf.column("ownership.government_role"), pf.column("title")
        (array([ 4., nan]), array(['Agua', 'Banca'], dtype=object))
        """
        where = "Portfolio.column()"
        return lookup(self.columns, path, where, "path", "a field path of SCHEMA")

    def actor_column(self, name: str) -> Array:
        """Return one actor column (read-only), or ``"partnership"``.

        Raises
        ------
        DataFormatError
            For a name that is not an actor column.

        Examples
        --------
        ``"partnership"`` gives the row of each actor's partnership:

        >>> from kampala.data import sample_portfolio
        >>> pf = sample_portfolio()
        >>> pf.actor_column("partnership")[:8]
        array([0, 0, 0, 0, 0, 0, 1, 1])
        >>> pf.actor_column("name")[0]
        'Gobierno Regional de San Martín'
        """
        expected = f"one of {sorted(self.actors)}"
        return lookup(self.actors, name, "Portfolio.actor_column()", "name", expected)

    def actor_sum(self, values: FloatArray) -> FloatArray:
        """Sum a per-actor quantity per partnership (NaN if any term is NaN).

        Examples
        --------
        Contributions per partnership; one unknown amount makes the sum unknown:

        >>> from kampala import Portfolio
        >>> pf = Portfolio.from_columns(
        ...     {"id": ["A", "B"], "title": ["Agua", "Banca"]},
        ...     {"partnership": [0, 0, 1], "name": ["MINAM", "Coop", "Banco"],
        ...      "kind": [0, 3, 2], "financial_contribution": [5e5, 2e4, float("nan")]})
        >>> pf.actor_sum(pf.actor_column("financial_contribution"))
        array([520000., nan])
        """
        idx = self.actors["partnership"]
        out = np.zeros(len(self))
        np.add.at(out, idx, values)
        return out

    def actor_counts(self, mask: npt.NDArray[np.bool_] | None = None) -> FloatArray:
        """Count actors per partnership, optionally only where ``mask`` holds.

        Examples
        --------
        All actors, then only the domestic ones:

        >>> from kampala.data import sample_portfolio
        >>> pf = sample_portfolio()
        >>> pf.actor_counts()[:4]
        array([6., 5., 4., 5.])
        >>> pf.actor_counts(pf.actor_column("domestic") == 1)[:4]
        array([5., 4., 2., 3.])
        """
        idx = self.actors["partnership"]
        weights = None if mask is None else mask.astype(np.float64)
        return np.bincount(idx, weights=weights, minlength=len(self)).astype(np.float64)

    def actor_kind_matrix(self) -> FloatArray:
        """Count actors of each kind per partnership, shape (n, kinds).

        Columns follow the order of `ActorKind`.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.records import ActorKind
        >>> m = sample_portfolio().actor_kind_matrix()
        >>> m.shape
        (48, 15)
        >>> {kind.value: int(n) for kind, n in zip(ActorKind, m[1]) if n}
        {'government': 1, 'subnational-government': 1, 'private-sector': 1,
         'community-organisation': 1, 'development-partner': 1}
        """
        idx = self.actors["partnership"]
        k = len(ActorKind)
        flat = idx * k + self.actors["kind"].astype(np.int64)
        counts = np.bincount(flat, minlength=len(self) * k)
        return counts.reshape(len(self), k).astype(np.float64)

    @property
    def records(self) -> list[Partnership]:
        """The partnerships as records (built from the columns once).

        Examples
        --------
        >>> from kampala import Portfolio
        >>> pf = Portfolio.from_columns({"id": ["A", "B"], "title": ["Agua", "Banca"]})
        >>> [(p.id, p.title, p.budget_usd) for p in pf.records]
        [('A', 'Agua', None), ('B', 'Banca', None)]
        """
        if self._records is None:
            object.__setattr__(self, "_records", self._build_records())
        assert self._records is not None
        return self._records

    def __iter__(self) -> Iterator[Partnership]:
        return iter(self.records)

    def __getitem__(self, key: int | str) -> Partnership:
        if isinstance(key, str):
            return self.records[self.index(key)]
        return self.records[key]

    def index(self, partnership_id: str) -> int:
        """Row of a partnership id.

        Raises
        ------
        DataFormatError
            If no partnership has that id; ids are compared exactly, case
            and accents included.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> pf = sample_portfolio()
        >>> pf.index("PE-AGR-002"), pf.ids[1]
        (1, 'PE-AGR-002')
        """
        rows = np.flatnonzero(self.columns["id"] == partnership_id)
        if rows.size == 0:
            raise DataFormatError(
                self.name, "id", partnership_id, "the id of a partnership in it"
            )
        return int(rows[0])

    def _build_records(self) -> list[Partnership]:
        n = len(self)
        idx = self.actors["partnership"]
        starts = np.searchsorted(idx, np.arange(n), side="left")
        stops = np.searchsorted(idx, np.arange(n), side="right")
        out = []
        errors: list[Exception] = []
        for i in range(n):
            top: dict[str, Any] = {}
            groups: dict[str, dict[str, Any]] = {g: {} for g in EVIDENCE_GROUPS}
            for spec in SCHEMA:
                value = _decode_value(spec, self.columns[spec.path], i)
                if spec.group is None:
                    if value is not None or spec.path in ("start", "end"):
                        top[spec.path] = value
                else:
                    groups[spec.group][spec.name] = value
            try:
                top["actors"] = [
                    Actor(
                        **{
                            spec.path: _decode_value(spec, self.actors[spec.path], j)
                            for spec in ACTOR_SCHEMA
                        }
                    )
                    for j in range(starts[i], stops[i])
                ]
                for g, cls in EVIDENCE_GROUPS.items():
                    top[g] = cls(**groups[g])
                out.append(Partnership(**top))
            except RecordValidationError as exc:
                exc.add_note(f"record {i}")
                errors.append(exc)
        if errors:
            raise PortfolioValidationError(self.name, errors)
        return out

    # -- display -------------------------------------------------------------
    def __repr__(self) -> str:
        n_act = self.actors["partnership"].size
        return (
            f"Portfolio(name={self.name!r}, partnerships={len(self)}, actors={n_act})"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(i))}</td><td>{html.escape(str(t))}</td></tr>"
            for i, t in zip(
                self.columns["id"][:20], self.columns["title"][:20], strict=True
            )
        )
        more = f"<p>… {len(self) - 20} more</p>" if len(self) > 20 else ""
        return (
            f"<p><b>{html.escape(self.name)}</b>: {len(self)} partnerships</p>"
            f"<table><tr><th>id</th><th>title</th></tr>{rows}</table>{more}"
        )


def _row_error(
    ids: Array, r: int, path: str, problem: Problem
) -> RecordValidationError:
    """Make the error of a problem in row ``r``, noted ``record r``."""
    known = ids[r] if isinstance(ids[r], str) and ids[r] else None
    rid = f"#{r}" if known is None else known
    err = RecordValidationError(
        f"partnership {rid!r}",
        path,
        problem.value,
        problem.expected,
        hint=problem.hint,
        record_id=known,
    )
    err.add_note(f"record {r}")
    return err


def _distinct_problems(
    spec: FieldSpec, col: Array
) -> tuple[list[tuple[int, Problem]], set[Any] | None]:
    """Check an object column's distinct values, then its rows if one fails.

    Returns the problems and the set of distinct values (None if an entry
    cannot be hashed).
    """
    try:
        distinct = set(col.tolist())
    except TypeError:  # an unhashable entry: the validator says which
        return spec.validator.column(col), None
    uniq = np.fromiter(distinct, dtype=object, count=len(distinct))
    if not spec.validator.column(uniq):
        return [], distinct
    return spec.validator.column(col), distinct


def _mixed_currencies(
    a: Mapping[str, Array], ids: Array, n: int
) -> list[RecordValidationError]:
    """Partnerships whose actors with money use more than one currency."""
    idx, cur = a["partnership"], a["currency"]
    has_money = ~np.isnan(a["financial_contribution"]) | ~np.isnan(
        a["in_kind_contribution"]
    )
    if not has_money.any():
        return []
    used = cur[has_money].tolist()
    try:
        lookup = {c: i for i, c in enumerate(set(used))}
    except TypeError:  # an invalid entry (reported by the validator): as text
        used = list(map(str, used))
        lookup = {c: i for i, c in enumerate(set(used))}
    if len(lookup) == 1:  # one currency in the whole portfolio
        return []
    inverse = np.fromiter(map(lookup.__getitem__, used), np.int64, count=len(used))
    pairs = np.unique(idx[has_money] * len(lookup) + inverse)
    per_partnership = np.bincount(pairs // len(lookup), minlength=n)
    out = []
    for i in np.flatnonzero(per_partnership > 1).tolist():
        currencies = sorted({str(c) for c in cur[(idx == i) & has_money]})
        problem = Problem(
            currencies,
            "contributions in a single currency",
            "Convert all contributions to one currency (for example USD).",
        )
        out.append(_row_error(ids, i, "actors", problem))
    return out


#: Look-alike letters of other scripts, mapped to the Latin letter they
#: imitate (after case folding and NFKC), for `ConfusableIdWarning`.
_LOOKALIKE = str.maketrans(
    "\u0430\u0432\u0441\u0501\u0435\u04bb\u043d\u0456\u0458\u043a"
    "\u04cf\u043c\u043e\u0440\u0455\u0442\u0445\u0443\u03b1\u03b2"
    "\u03f2\u03b5\u03b7\u03b9\u03ba\u03bc\u03bd\u03bf\u03c1\u03c4\u03c5\u03c7\u03b6",
    "abcdehhijklmopstxyabcehikmnoptyxz",
)


def _skeleton(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKC", folded).translate(_LOOKALIKE)


def _all_distinct(values: list[Any]) -> bool:
    """Whether the values are distinct, by their hashes (sorted in numpy).

    Distinct hashes mean distinct values; equal hashes (a repeat, or rarely
    a collision) are left to the caller's exact check.
    """
    try:
        hashes = np.fromiter(map(hash, values), np.int64, count=len(values))
    except TypeError:  # an unhashable entry
        return False
    hashes.sort()
    return not bool((hashes[1:] == hashes[:-1]).any())


def _warn_confusable(name: str, distinct: list[Any] | set[Any]) -> None:
    """Warn once per pair of distinct ids with the same skeleton."""
    try:
        values = distinct if isinstance(distinct, list) else list(distinct)
        joined = "".join(values)
    except TypeError:  # an id that is not text (reported by the validator)
        values = [v for v in distinct if isinstance(v, str)]
        joined = "".join(values)
    if joined.isascii():  # the skeleton is the case fold: one pass
        if joined.upper() == joined or joined.lower() == joined:
            return  # one case only: folding cannot make two ids equal
        if len(set(map(str.casefold, values))) == len(values):
            return
    elif len(set(map(_skeleton, values))) == len(values):
        return
    seen: dict[str, str] = {}
    for v in sorted(values):
        key = _skeleton(v)
        if key in seen:
            warnings.warn(
                f"{name}: partnership ids {seen[key]!r} and {v!r} look alike "
                "(they differ in case, width or script). Check that they are two "
                "partnerships.",
                ConfusableIdWarning,
                stacklevel=4,
            )
        else:
            seen[key] = v


def _coerce_column(
    name: str, spec: FieldSpec, values: Any, n: int, copy: bool = True
) -> Array:
    k = spec.kind
    nfc = isinstance(spec.validator, Identifier)
    if (
        k in ("str", "strlist")
        and isinstance(values, np.ndarray)
        and values.dtype == object
        and values.ndim == 1
    ):  # an object array: kept (or copied whole), never rebuilt item by item
        arr = values.copy() if copy else values
        if nfc and not _all_ascii(arr.tolist()):
            arr = np.array([Identifier.nfc(v) for v in arr.tolist()], dtype=object)
    elif k in ("str", "strlist"):
        arr = np.empty(len(values), dtype=object)
        items = values.tolist() if isinstance(values, np.ndarray) else list(values)
        if nfc and not _all_ascii(items):
            items = [Identifier.nfc(v) for v in items]
        arr[:] = items
    elif k == "date":
        arr = np.asarray(values, dtype="datetime64[D]")
    elif k == "enum":
        arr = np.asarray(values)
        if arr.dtype.kind not in "iu":
            raise DataFormatError(name, spec.path, str(arr.dtype), "integer codes")
        arr = arr.astype(np.int16)
    elif isinstance(spec, EnumFieldSpec) and k == "enumset":
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[-1] != len(spec.enum):
            raise DataFormatError(
                name, spec.path, arr.shape, f"of shape (n, {len(spec.enum)})"
            )
    else:
        arr = np.asarray(values, dtype=np.float64)
    if len(arr) != n:
        raise DataFormatError(name, spec.path, arr.shape[0], f"of length {n}")
    return _owned(arr, values, copy)


def _all_ascii(items: list[Any]) -> bool:
    """Whether every item is an ASCII str (then NFC changes nothing)."""
    try:
        return "".join(items).isascii()
    except TypeError:
        return False


def _owned(arr: Array, given: Any, copy: bool = True) -> Array:
    """Return ``arr`` read-only, copied if it shares memory with ``given``.

    A portfolio owns its columns: a caller's array is copied once (unless
    ``copy`` is False: then it is taken over), a fresh one (converted, or
    built here) is kept.
    """
    if copy and isinstance(given, np.ndarray) and np.may_share_memory(arr, given):
        arr = arr.copy()
    arr.flags.writeable = False
    return arr
