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
import enum
import html
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kampala.errors import (
    DataFormatError,
    PortfolioValidationError,
    RecordValidationError,
)
from kampala.records import (
    _COUNTRY,
    _CURRENCY,
    _SDG_GOAL,
    _SDG_TARGET,
    _SECTOR,
    Actor,
    ActorKind,
    AdditionalityLevel,
    Alignment,
    CapacityLevel,
    DataPublication,
    DialogueLevel,
    Disaggregation,
    EvaluationStatus,
    GenderMarker,
    GovernmentRole,
    InclusionEvidence,
    Instrument,
    LeaveNoOneBehindEvidence,
    Modality,
    OwnershipEvidence,
    Partnership,
    ProvisionLevel,
    ReportingFrequency,
    ResultsEvidence,
    RiskSharing,
    Role,
    TargetGroup,
    TransparencyEvidence,
)

__all__ = ["ACTOR_SCHEMA", "SCHEMA", "FieldSpec", "Portfolio"]

Kind = Literal[
    "str",
    "date",
    "amount",
    "share",
    "count",
    "bool",
    "ordinal",
    "enum",
    "enumset",
    "strlist",
]


@attrs.frozen
class FieldSpec:
    """How one record field is stored as a column.

    Attributes
    ----------
    path : str
        Dotted path: ``"budget_usd"`` or ``"ownership.government_role"``.
    kind : str
        Encoding, see the module table.
    enum : type or None
        The enumeration of ``ordinal``, ``enum`` and ``enumset`` fields.
    optional : bool
        Whether the field may be missing (None) in a record.

    Examples
    --------
    >>> from kampala.portfolio import SCHEMA
    >>> spec = next(f for f in SCHEMA if f.path == "ownership.government_role")
    >>> spec.group, spec.name, spec.kind, spec.enum.__name__
    ('ownership', 'government_role', 'ordinal', 'GovernmentRole')
    >>> [f.path for f in SCHEMA if f.kind == "share"][:2]
    ['ownership.country_systems_share', 'results.target_progress']
    """

    path: str
    kind: Kind
    enum: type[enum.Enum] | None = None
    optional: bool = True

    @property
    def group(self) -> str | None:
        """The evidence group of the field, or None for top-level fields.

        Examples
        --------
        >>> from kampala.portfolio import FieldSpec
        >>> FieldSpec("ownership.government_role", "ordinal").group
        'ownership'
        >>> FieldSpec("budget_usd", "amount").group is None
        True
        """
        return self.path.split(".")[0] if "." in self.path else None

    @property
    def name(self) -> str:
        """The field name within its record or group.

        Examples
        --------
        >>> from kampala.portfolio import FieldSpec
        >>> FieldSpec("ownership.government_role", "ordinal").name
        'government_role'
        >>> FieldSpec("budget_usd", "amount").name
        'budget_usd'
        """
        return self.path.split(".")[-1]


#: Partnership columns, in record field order.
SCHEMA: tuple[FieldSpec, ...] = (
    FieldSpec("id", "str", optional=False),
    FieldSpec("title", "str", optional=False),
    FieldSpec("country", "str", optional=False),
    FieldSpec("sectors", "strlist", optional=False),
    FieldSpec("locations", "strlist", optional=False),
    FieldSpec("start", "date"),
    FieldSpec("end", "date"),
    FieldSpec("budget_usd", "amount"),
    FieldSpec("modality", "enum", Modality),
    FieldSpec("instruments", "enumset", Instrument, optional=False),
    FieldSpec("ownership.national_plan_alignment", "ordinal", Alignment),
    FieldSpec("ownership.government_role", "ordinal", GovernmentRole),
    FieldSpec("ownership.country_systems_share", "share"),
    FieldSpec("ownership.registered_with_agency", "bool"),
    FieldSpec("ownership.local_capacity", "ordinal", CapacityLevel),
    FieldSpec("results.indicators_total", "count"),
    FieldSpec("results.indicators_with_baseline_and_target", "count"),
    FieldSpec("results.indicators_from_country_frameworks", "count"),
    FieldSpec("results.sdg_targets", "strlist"),
    FieldSpec("results.sdg_goals", "strlist"),
    FieldSpec("results.additionality", "ordinal", AdditionalityLevel),
    FieldSpec("results.target_progress", "share"),
    FieldSpec("inclusion.dialogue", "ordinal", DialogueLevel),
    FieldSpec("inclusion.shared_governance", "bool"),
    FieldSpec("inclusion.msme_access", "ordinal", ProvisionLevel),
    FieldSpec("transparency.publication", "ordinal", DataPublication),
    FieldSpec("transparency.publication_completeness", "share"),
    FieldSpec("transparency.reporting_frequency", "ordinal", ReportingFrequency),
    FieldSpec("transparency.evaluation", "ordinal", EvaluationStatus),
    FieldSpec("transparency.grievance_mechanism", "bool"),
    FieldSpec("transparency.contributions_disclosed", "bool"),
    FieldSpec("transparency.joint_reviews", "bool"),
    FieldSpec("leave_no_one_behind.target_groups", "enumset", TargetGroup),
    FieldSpec("leave_no_one_behind.poor_district_share", "share"),
    FieldSpec("leave_no_one_behind.disaggregation", "enumset", Disaggregation),
    FieldSpec("leave_no_one_behind.gender_marker", "ordinal", GenderMarker),
    FieldSpec("leave_no_one_behind.safeguards", "ordinal", ProvisionLevel),
    FieldSpec("leave_no_one_behind.risk_sharing", "ordinal", RiskSharing),
    FieldSpec("leave_no_one_behind.private_solution_case", "ordinal", ProvisionLevel),
    FieldSpec("notes", "str", optional=False),
)

"""Partnership columns, in record field order: path, encoding and scale."""

#: Actor columns (one entry per actor).
ACTOR_SCHEMA: tuple[FieldSpec, ...] = (
    FieldSpec("name", "str", optional=False),
    FieldSpec("kind", "enum", ActorKind, optional=False),
    FieldSpec("roles", "enumset", Role, optional=False),
    FieldSpec("domestic", "bool"),
    FieldSpec("financial_contribution", "amount"),
    FieldSpec("in_kind_contribution", "amount"),
    FieldSpec("currency", "str", optional=False),
)
"""Actor columns: one value per actor; ``partnership`` links it to its row."""

_SPEC = {f.path: f for f in SCHEMA}
_ACTOR_SPEC = {f.path: f for f in ACTOR_SCHEMA}
_GROUPS: dict[str, type[Any]] = {
    "ownership": OwnershipEvidence,
    "results": ResultsEvidence,
    "inclusion": InclusionEvidence,
    "transparency": TransparencyEvidence,
    "leave_no_one_behind": LeaveNoOneBehindEvidence,
}

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
    if k == "enumset":
        assert spec.enum is not None
        return np.full((n, len(spec.enum)), np.nan)
    return np.full(n, np.nan)


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
    elif k == "enum":
        assert spec.enum is not None
        out[i] = list(spec.enum).index(value)
    else:  # enumset
        assert spec.enum is not None
        members = list(spec.enum)
        out[i, :] = 0.0
        for v in value:
            out[i, members.index(v)] = 1.0


def _decode(spec: FieldSpec, col: Array, i: int) -> Any:
    k = spec.kind
    v = col[i]
    if k == "str":
        return v
    if k == "strlist":
        return None if v is None else tuple(v)
    if k == "date":
        return None if np.isnat(v) else v.astype(dt.date)
    if k == "enumset":
        assert spec.enum is not None
        if np.isnan(v).any():
            return None
        members = list(spec.enum)
        return tuple(members[j] for j in np.flatnonzero(v == 1.0))
    if k == "enum":
        assert spec.enum is not None
        return None if v < 0 else list(spec.enum)[int(v)]
    if np.isnan(v):
        return None
    if k == "bool":
        return bool(v == 1.0)
    if k == "count":
        return int(v)
    if k == "ordinal":
        assert spec.enum is not None
        return list(spec.enum)[int(v)]
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
            if key not in _SPEC:
                raise DataFormatError(
                    name, "columns", key, "a field path of kampala.portfolio.SCHEMA"
                )
        for spec in SCHEMA:
            if spec.path in columns:
                out[spec.path] = _coerce_column(name, spec, columns[spec.path], n)
            else:
                col = _empty(spec, n)
                if spec.path == "country":
                    col[:] = "PE"
                elif spec.path == "notes":
                    col[:] = ""
                elif spec.path in ("sectors", "locations"):
                    col[:] = [()] * n
                elif spec.kind == "enumset" and not spec.optional:
                    col[:] = 0.0
                out[spec.path] = col
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
                act[spec.path] = _coerce_column(name, spec, m_cols[spec.path], m)
            elif spec.path == "currency":
                act[spec.path] = np.full(m, "USD", dtype=object)
            elif spec.path == "roles":
                act[spec.path] = np.zeros((m, len(Role)))
            elif not spec.optional and m > 0:
                raise DataFormatError(name, "actors", spec.path, "present")
            else:
                act[spec.path] = _empty(spec, m)
        act["partnership"] = np.asarray(
            m_cols.get("partnership", np.empty(0, dtype=np.int64)), dtype=np.int64
        )
        pf = cls(out, act, name=name, records=None)
        pf._validate()
        return pf

    # -- validation -------------------------------------------------------------
    def _check_ids(self) -> None:
        ids = self.columns["id"]
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
        """Vectorised checks of every column; raises one error listing all."""
        errors: list[Exception] = []
        ids = self.columns["id"]
        n = ids.shape[0]

        def bad(
            rows: npt.NDArray[np.bool_],
            path: str,
            values: Array,
            expected: str,
            hint: str = "",
        ) -> None:
            for r in np.flatnonzero(rows):
                known = ids[r] if isinstance(ids[r], str) and ids[r] else None
                rid = f"#{r}" if known is None else known
                err = RecordValidationError(
                    f"partnership {rid!r}",
                    path,
                    _py(values[r]),
                    expected,
                    hint=hint,
                    record_id=known,
                )
                err.add_note(f"record {r}")
                errors.append(err)

        def bad_one(r: int, path: str, value: Any, expected: str) -> None:
            known = ids[r] if isinstance(ids[r], str) and ids[r] else None
            rid = f"#{r}" if known is None else known
            err = RecordValidationError(
                f"partnership {rid!r}", path, value, expected, record_id=known
            )
            err.add_note(f"record {r}")
            errors.append(err)

        def flags(values: Iterable[bool]) -> npt.NDArray[np.bool_]:
            return np.fromiter(values, dtype=bool, count=n)

        for path in ("id", "title"):
            col = self.columns[path]
            ok = flags(isinstance(v, str) and bool(v.strip()) for v in col)
            bad(~ok, path, col, "a non-empty string")
        col = self.columns["notes"]
        bad(~flags(isinstance(v, str) for v in col), "notes", col, "a string")
        col = self.columns["country"]
        ok = flags(isinstance(v, str) and bool(_COUNTRY.match(v)) for v in col)
        bad(~ok, "country", col, "an ISO 3166-1 alpha-2 code such as 'PE'")
        col = self.columns["sectors"]
        for r, v in enumerate(col):
            items = v if isinstance(v, tuple) else (v,)
            wrong = [c for c in items if not (isinstance(c, str) and _SECTOR.match(c))]
            if wrong or not isinstance(v, tuple):
                bad_one(
                    r,
                    "sectors",
                    wrong[0] if wrong else v,
                    "an OECD DAC sector code of 3 or 5 digits, such as '311' or "
                    "'31120'",
                )
        col = self.columns["locations"]
        ok = flags(
            isinstance(v, tuple) and all(isinstance(c, str) and c.strip() for c in v)
            for v in col
        )
        bad(~ok, "locations", col, "a sequence of non-empty place names or codes")
        col = self.columns["results.sdg_goals"]
        ok = flags(
            v is None
            or (
                isinstance(v, tuple)
                and len(set(v)) == len(v)
                and all(isinstance(c, str) and bool(_SDG_GOAL.match(c)) for c in v)
            )
            for v in col
        )
        bad(~ok, "results.sdg_goals", col, "distinct SDG numbers '1' to '17', or None")
        col = self.columns["results.sdg_targets"]
        for r, v in enumerate(col):
            if v is None:
                continue
            items = v if isinstance(v, tuple) else (v,)
            wrong = [
                c for c in items if not (isinstance(c, str) and _SDG_TARGET.match(c))
            ]
            if wrong or not isinstance(v, tuple) or len(set(v)) != len(v):
                bad_one(
                    r,
                    "results.sdg_targets",
                    wrong[0] if wrong else v,
                    "an SDG target code such as '5.5' or '17.b', each listed once"
                    if wrong
                    else "free of repeated targets",
                )
        for spec in SCHEMA:
            col = self.columns[spec.path]
            if spec.kind in ("amount", "share", "count", "bool", "ordinal"):
                present = ~np.isnan(col)
                if spec.kind == "amount":
                    ok = ~present | ((col >= 0) & np.isfinite(col))
                    bad(~ok, spec.path, col, ">= 0", "Use None for an unknown amount.")
                elif spec.kind == "share":
                    ok = ~present | ((col >= 0) & (col <= 1))
                    bad(~ok, spec.path, col, "a share in [0, 1] or None")
                elif spec.kind == "count":
                    ok = ~present | ((col >= 0) & (col == np.floor(col)))
                    bad(~ok, spec.path, col, "a whole number >= 0 or None")
                elif spec.kind == "bool":
                    ok = ~present | (col == 0) | (col == 1)
                    bad(~ok, spec.path, col, "0 or 1 (false or true) or None")
                else:
                    assert spec.enum is not None
                    top = len(spec.enum) - 1
                    ok = ~present | ((col >= 0) & (col <= top) & (col == np.floor(col)))
                    bad(
                        ~ok,
                        spec.path,
                        col,
                        f"a rank from 0 to {top} of {spec.enum.__name__}",
                    )
            elif spec.kind == "enum":
                assert spec.enum is not None
                ok = (col >= -1) & (col < len(spec.enum))
                bad(~ok, spec.path, col, f"an index of {spec.enum.__name__} or -1")
            elif spec.kind == "enumset":
                rows_nan = np.isnan(col).any(axis=1)
                rows_all_nan = np.isnan(col).all(axis=1)
                valid = np.where(np.isnan(col), 0.0, col)
                ok = ((valid == 0) | (valid == 1)).all(axis=1) & (
                    ~rows_nan | rows_all_nan
                )
                if not spec.optional:
                    ok &= ~rows_nan
                bad(~ok, spec.path, col, "a row of 0/1 flags (all NaN if unknown)")
            elif spec.kind == "date":
                pass
        start, end = self.columns["start"], self.columns["end"]
        both = ~np.isnat(start) & ~np.isnat(end)
        order_bad = both & (end < start)
        for k in np.flatnonzero(order_bad).tolist():
            err = RecordValidationError(
                f"partnership {ids[k]!r}",
                "end",
                str(end[k]),
                f"on or after start ({start[k]})",
                record_id=ids[k],
            )
            err.add_note(f"record {k}")
            errors.append(err)
        total = self.columns["results.indicators_total"]
        for path in (
            "results.indicators_with_baseline_and_target",
            "results.indicators_from_country_frameworks",
        ):
            part = self.columns[path]
            over = ~np.isnan(part) & ~np.isnan(total) & (part > total)
            bad(over, path, part, "<= results.indicators_total")
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
        for path in ("financial_contribution", "in_kind_contribution"):
            col = a[path]
            neg = ~np.isnan(col) & ~((col >= 0) & np.isfinite(col))
            for j in np.flatnonzero(neg):
                err = RecordValidationError(
                    f"partnership {ids[idx[j]]!r}",
                    f"actors[{j - int(np.searchsorted(idx, idx[j]))}].{path}",
                    float(col[j]),
                    "a finite number >= 0",
                    record_id=ids[idx[j]],
                )
                err.add_note(f"record {int(idx[j])}")
                errors.append(err)
        m = idx.size

        def actor_bad(
            rows: npt.NDArray[np.bool_], field: str, values: Array, expected: str
        ) -> None:
            for j in np.flatnonzero(rows):
                err = RecordValidationError(
                    f"partnership {ids[idx[j]]!r}",
                    f"actors[{j - int(np.searchsorted(idx, idx[j]))}].{field}",
                    _py(values[j]),
                    expected,
                    record_id=ids[idx[j]],
                )
                err.add_note(f"record {int(idx[j])}")
                errors.append(err)

        names = a["name"]
        actor_bad(
            ~np.fromiter(
                (isinstance(v, str) and bool(v.strip()) for v in names),
                dtype=bool,
                count=m,
            ),
            "name",
            names,
            "a non-empty string",
        )
        cur = a["currency"]
        actor_bad(
            ~np.fromiter(
                (isinstance(v, str) and bool(_CURRENCY.match(v)) for v in cur),
                dtype=bool,
                count=m,
            ),
            "currency",
            cur,
            "an ISO 4217 code such as 'USD' or 'PEN'",
        )
        dom = a["domestic"]
        actor_bad(
            ~(np.isnan(dom) | (dom == 0) | (dom == 1)),
            "domestic",
            dom,
            "0 or 1 (false or true) or None",
        )
        roles = a["roles"]
        actor_bad(
            ~((roles == 0) | (roles == 1)).all(axis=1),
            "roles",
            roles,
            "a row of 0/1 flags",
        )
        has_money = ~np.isnan(a["financial_contribution"]) | ~np.isnan(
            a["in_kind_contribution"]
        )
        if has_money.any():
            # partnerships whose actors with money use more than one currency
            codes, inverse = np.unique(cur[has_money].astype(str), return_inverse=True)
            pairs = np.unique(idx[has_money] * len(codes) + inverse.reshape(-1))
            per_partnership = np.bincount(pairs // len(codes), minlength=n)
            for i in np.flatnonzero(per_partnership > 1).tolist():
                currencies = sorted({str(c) for c in cur[(idx == i) & has_money]})
                err = RecordValidationError(
                    f"partnership {ids[i]!r}",
                    "actors",
                    currencies,
                    "contributions in a single currency",
                    hint="Convert all contributions to one currency (e.g. USD).",
                    record_id=ids[i],
                )
                err.add_note(f"record {i}")
                errors.append(err)
        kinds = a["kind"]
        for j in np.flatnonzero((kinds < 0) | (kinds >= len(ActorKind))):
            err = RecordValidationError(
                f"partnership {ids[idx[j]]!r}",
                f"actors[{j - int(np.searchsorted(idx, idx[j]))}].kind",
                int(kinds[j]),
                f"an index of ActorKind (0 to {len(ActorKind) - 1})",
                record_id=ids[idx[j]],
            )
            err.add_note(f"record {int(idx[j])}")
            errors.append(err)
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

    def column(self, path: str) -> Array:
        """Return one partnership column (read-only), see the module table.

        Raises
        ------
        DataFormatError
            For a path that is not in `SCHEMA`.

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
        try:
            return self.columns[path]
        except KeyError:
            raise DataFormatError(
                "Portfolio.column()", "path", path, "a field path of SCHEMA"
            ) from None

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
        try:
            return self.actors[name]
        except KeyError:
            raise DataFormatError(
                "Portfolio.actor_column()",
                "name",
                name,
                f"one of {sorted(self.actors)}",
            ) from None

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
            If no partnership has that id.

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
            groups: dict[str, dict[str, Any]] = {g: {} for g in _GROUPS}
            for spec in SCHEMA:
                value = _decode(spec, self.columns[spec.path], i)
                if spec.group is None:
                    if value is not None or spec.path in ("start", "end"):
                        top[spec.path] = value
                else:
                    groups[spec.group][spec.name] = value
            try:
                top["actors"] = [
                    Actor(
                        **{
                            spec.path: _decode(spec, self.actors[spec.path], j)
                            for spec in ACTOR_SCHEMA
                        }
                    )
                    for j in range(starts[i], stops[i])
                ]
                for g, cls in _GROUPS.items():
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


def _py(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _coerce_column(name: str, spec: FieldSpec, values: Any, n: int) -> Array:
    k = spec.kind
    if k in ("str", "strlist"):
        arr = np.empty(len(values), dtype=object)
        arr[:] = list(values)
    elif k == "date":
        arr = np.asarray(values, dtype="datetime64[D]")
    elif k == "enum":
        arr = np.asarray(values)
        if arr.dtype.kind not in "iu":
            raise DataFormatError(name, spec.path, str(arr.dtype), "integer codes")
        arr = arr.astype(np.int16)
    elif k == "enumset":
        assert spec.enum is not None
        arr = np.asarray(values, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[-1] != len(spec.enum):
            raise DataFormatError(
                name, spec.path, arr.shape, f"of shape (n, {len(spec.enum)})"
            )
    else:
        arr = np.asarray(values, dtype=np.float64)
    if len(arr) != n:
        raise DataFormatError(name, spec.path, arr.shape[0], f"of length {n}")
    return arr
