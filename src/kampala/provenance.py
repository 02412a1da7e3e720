"""Where each piece of evidence came from: `Source` and `Provenance`.

A `Source` names one origin of one value: its kind (``"iati"``, ``"file"``,
``"hand"``, ``"template"`` ...), the file, the place in the file (``line 12``,
``Hoja1!F12``, ``iati-activity[3]/result/indicator/baseline``) and when it was
read. A `Provenance` answers ``source(row, path)`` for a whole portfolio
without storing one object per value: a file read gives one `FileProvenance`
(a source and a row-numbering rule), an IATI import one `CellProvenance`
(element paths per activity), and `kampala.io.merge_portfolios` a
`MergedProvenance` that points, field by field, into the provenances of the
portfolios it merged. Users ask a portfolio: ``portfolio.source_of(id, path)``.

Every kind other than ``"iati"`` counts as evidence entered by people
(`Source.manual`): merging never lets an IATI re-import overwrite it unless
asked to.

Examples
--------
>>> from kampala.provenance import FileProvenance, Source
>>> prov = FileProvenance(
...     file_source=Source(kind="file", file="socios.csv", read_at="2026-03-01"),
...     location="line {n}",
...     first=2,
... )
>>> prov.source(0, "budget_usd")
Source(kind='file', file='socios.csv', location='line 2', read_at='2026-03-01')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala.errors import DataFormatError

__all__ = [
    "CellProvenance",
    "FileProvenance",
    "MergedProvenance",
    "Provenance",
    "Source",
    "TakenProvenance",
    "is_blank",
    "now",
]

IntArray = npt.NDArray[np.int64]

_KIND = re.compile(r"[a-z][a-z0-9-]{0,31}")


def _check_kind(instance: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not _KIND.fullmatch(value):
        raise DataFormatError(
            "Source()",
            "kind",
            value,
            "a short lower-case name such as 'iati', 'file', 'hand' or 'template'",
        )


def is_blank(value: Any) -> bool:
    """Tell whether a field value holds no evidence (None, empty, ``""``).

    Such a value has no source.

    Examples
    --------
    >>> from kampala.provenance import is_blank
    >>> is_blank(None), is_blank(()), is_blank(frozenset()), is_blank(0.0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, str | tuple | frozenset | list | set):
        return len(value) == 0
    return False


def now() -> str:
    """Return the current UTC time as ISO 8601 text, to the second.

    Examples
    --------
    >>> from kampala.provenance import now
    >>> len(now()), now().endswith("Z")
    (20, True)
    """
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@attrs.frozen(kw_only=True)
class Source:
    """One origin of one value: kind, file, place in the file, time read.

    Parameters
    ----------
    kind : str
        ``"iati"`` (an IATI activity file), ``"file"`` (any other file),
        ``"hand"`` (entered by a person), ``"template"`` (the fill-in
        template) or another short lower-case name.
    file : str, default=""
        The file name (without its folder).
    location : str, default=""
        Where in the file: ``line 12``, ``record 3``, ``Hoja1!F12`` or an IATI
        element path such as ``iati-activity[3]/result/indicator/baseline``.
    read_at : str, default=""
        When it was read, ISO 8601 (UTC).

    Examples
    --------
    >>> from kampala.provenance import Source
    >>> s = Source(kind="iati", file="caf.xml", location="iati-activity[2]/title")
    >>> s.manual, str(s)
    (False, 'caf.xml: iati-activity[2]/title')
    """

    kind: str = attrs.field(validator=_check_kind)
    file: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    location: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    read_at: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    @property
    def manual(self) -> bool:
        """Whether the value counts as entered by people (any kind but IATI).

        Examples
        --------
        >>> from kampala.provenance import Source
        >>> Source(kind="hand").manual, Source(kind="iati").manual
        (True, False)
        """
        return self.kind != "iati"

    def __str__(self) -> str:
        """Return ``file: location`` (the parts that are known)."""
        return ": ".join(p for p in (self.file or self.kind, self.location) if p)

    def to_dict(self) -> dict[str, str]:
        """Return the source as a JSON-ready dict.

        Examples
        --------
        >>> from kampala.provenance import Source
        >>> Source(kind="hand", file="a.csv").to_dict()
        {'kind': 'hand', 'file': 'a.csv', 'location': '', 'read_at': ''}
        """
        return attrs.asdict(self)

    @classmethod
    def from_dict(cls, data: Any, where: str = "Source.from_dict()") -> Source:
        """Make a source from `to_dict()` output, checking every key.

        Raises
        ------
        DataFormatError
            If ``data`` is not such a dict.

        Examples
        --------
        >>> from kampala.provenance import Source
        >>> Source.from_dict({"kind": "iati", "file": "caf.xml"}).file
        'caf.xml'
        """
        keys = ("kind", "file", "location", "read_at")
        if not isinstance(data, dict) or "kind" not in data:
            raise DataFormatError(where, "source", data, "an object with a 'kind'")
        for key, value in data.items():
            if key not in keys or not isinstance(value, str):
                raise DataFormatError(
                    where,
                    str(key),
                    value,
                    f"one of {', '.join(keys)}, with a string value",
                )
        if not _KIND.fullmatch(data["kind"]):
            raise DataFormatError(
                where, "kind", data["kind"], "a short lower-case name such as 'iati'"
            )
        return cls(**data)


def _cells(value: Any) -> tuple[Mapping[str, Source], ...]:
    return tuple(value)


def _parts(value: Any) -> tuple[Provenance | None, ...]:
    return tuple(value)


def _rows(value: Any) -> tuple[IntArray, ...]:
    return tuple(value)


def _field_key(path: str) -> str:
    """Actor fields (``actors.kind``) share the source of ``actors``."""
    return "actors" if path.startswith("actors") else path


class Provenance:
    """The sources of a portfolio's values, by row and field path.

    Subclasses implement `source`. ``persist`` says whether JSON files keep
    it: the provenance a reader attaches (the file just read) is not
    written back, what an IATI import or a merge made is.

    Examples
    --------
    >>> from kampala.provenance import Provenance
    >>> print(Provenance().source(0, "title"))
    None
    """

    persist: bool = True

    def source(self, row: int, path: str) -> Source | None:
        """Return the source of the value at ``row`` of field ``path``, or None.

        Examples
        --------
        >>> from kampala.provenance import Provenance
        >>> print(Provenance().source(0, "budget_usd"))
        None
        """
        return None

    def take(self, rows: Sequence[int] | IntArray) -> Provenance:
        """Return the provenance of the rows ``rows`` (in that order).

        Examples
        --------
        >>> from kampala.provenance import FileProvenance, Source
        >>> prov = FileProvenance(file_source=Source(kind="file", file="a.csv"))
        >>> prov.take([2]).source(0, "title").location
        'row 3'
        """
        return TakenProvenance(parent=self, rows=np.asarray(rows, dtype=np.int64))


@attrs.frozen(kw_only=True, eq=False)
class FileProvenance(Provenance):
    """Every value of row ``i`` comes from one file, at a numbered place.

    Parameters
    ----------
    file_source : Source
        The file; its ``location`` is replaced by the row's place.
    location : str, default="row {n}"
        The place of row ``i``, with ``{n}`` replaced by ``i + first``.
    first : int, default=1
        The number of the first row.
    numbers : numpy.ndarray of int or None, default=None
        The number of each row, when rows are not evenly spaced (a CSV file
        with multi-line cells); overrides ``first``.

    Examples
    --------
    >>> from kampala.provenance import FileProvenance, Source
    >>> prov = FileProvenance(
    ...     file_source=Source(kind="file", file="cartera.json"),
    ...     location="record {n}", first=0)
    >>> str(prov.source(4, "title"))
    'cartera.json: record 4'
    """

    file_source: Source
    location: str = "row {n}"
    first: int = 1
    numbers: IntArray | None = None
    persist = False

    def source(self, row: int, path: str) -> Source | None:
        """Return the file's source, placed at the row.

        Examples
        --------
        >>> from kampala.provenance import FileProvenance, Source
        >>> prov = FileProvenance(file_source=Source(kind="hand", file="a.csv"),
        ...                       location="line {n}", first=2)
        >>> prov.source(3, "title").location
        'line 5'
        """
        n = self.first + row if self.numbers is None else int(self.numbers[row])
        return attrs.evolve(self.file_source, location=self.location.format(n=n))


@attrs.frozen(kw_only=True, eq=False)
class CellProvenance(Provenance):
    """A source per row and field (IATI element paths, a stored provenance).

    Parameters
    ----------
    cells : sequence of mapping of str to Source
        One mapping per row: field path (``"actors"`` for actor fields) to
        source.
    fallback : Provenance or None, default=None
        Asked for the fields a row's mapping does not hold.

    Examples
    --------
    >>> from kampala.provenance import CellProvenance, Source
    >>> prov = CellProvenance(cells=[{"title": Source(kind="iati", file="f.xml")}])
    >>> prov.source(0, "title").kind, prov.source(0, "budget_usd")
    ('iati', None)
    """

    cells: tuple[Mapping[str, Source], ...] = attrs.field(converter=_cells)
    fallback: Provenance | None = None

    def source(self, row: int, path: str) -> Source | None:
        """Return the row's source of the field, else ask the fallback.

        Examples
        --------
        >>> from kampala.provenance import CellProvenance, Source
        >>> src = Source(kind="iati", file="f.xml", location="iati-activity[1]")
        >>> CellProvenance(cells=[{"actors": src}]).source(0, "actors.kind").file
        'f.xml'
        """
        found = self.cells[row].get(_field_key(path))
        if found is None and self.fallback is not None:
            return self.fallback.source(row, path)
        return found


@attrs.frozen(kw_only=True, eq=False)
class TakenProvenance(Provenance):
    """The provenance of some rows of another one (subsetting, reordering).

    Parameters
    ----------
    parent : Provenance
        The provenance of the whole.
    rows : numpy.ndarray of int
        For each row here, its row in the parent (-1: none).

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.provenance import FileProvenance, Source, TakenProvenance
    >>> whole = FileProvenance(file_source=Source(kind="file", file="a.csv"))
    >>> part = TakenProvenance(parent=whole, rows=np.array([5, -1]))
    >>> part.source(0, "title").location, part.source(1, "title")
    ('row 6', None)
    """

    parent: Provenance
    rows: IntArray

    @property
    def persist(self) -> bool:  # type: ignore[override]
        """Kept in JSON files if the parent is.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.provenance import CellProvenance, TakenProvenance
        >>> TakenProvenance(parent=CellProvenance(cells=[]), rows=np.array([])).persist
        True
        """
        return self.parent.persist

    def source(self, row: int, path: str) -> Source | None:
        """Return the parent's source of the row it came from.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.provenance import FileProvenance, Source, TakenProvenance
        >>> whole = FileProvenance(file_source=Source(kind="file", file="a.csv"))
        >>> part = TakenProvenance(parent=whole, rows=np.array([2]))
        >>> part.source(0, "title").location
        'row 3'
        """
        r = int(self.rows[row])
        return None if r < 0 else self.parent.source(r, path)


@attrs.frozen(kw_only=True, eq=False)
class MergedProvenance(Provenance):
    """The provenance of a merge: per field and row, which input gave it.

    Parameters
    ----------
    parts : sequence of Provenance or None
        The provenance of each merged portfolio (None: unknown).
    rows : sequence of numpy.ndarray of int
        For each part, the row in that part of each merged row (-1: absent).
    origin : mapping of str to numpy.ndarray of int
        For each field path (``"actors"`` for the actors), the part that gave
        each merged row its value (-1: none).

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.provenance import FileProvenance, MergedProvenance, Source
    >>> a = FileProvenance(file_source=Source(kind="iati", file="caf.xml"))
    >>> b = FileProvenance(file_source=Source(kind="hand", file="socios.csv"))
    >>> merged = MergedProvenance(
    ...     parts=[a, b],
    ...     rows=[np.array([0, 1]), np.array([-1, 0])],
    ...     origin={"budget_usd": np.array([0, 1])},
    ... )
    >>> str(merged.source(1, "budget_usd")), merged.source(1, "title")
    ('socios.csv: row 1', None)
    """

    parts: tuple[Provenance | None, ...] = attrs.field(converter=_parts)
    rows: tuple[IntArray, ...] = attrs.field(converter=_rows)
    origin: Mapping[str, IntArray]

    def source(self, row: int, path: str) -> Source | None:
        """Return the source of the input the merged value came from.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala.provenance import FileProvenance, MergedProvenance, Source
        >>> a = FileProvenance(file_source=Source(kind="iati", file="caf.xml"))
        >>> merged = MergedProvenance(parts=[a], rows=[np.array([0])],
        ...                           origin={"title": np.array([0])})
        >>> merged.source(0, "title").kind
        'iati'
        """
        origin = self.origin.get(_field_key(path))
        if origin is None:
            return None
        k = int(origin[row])
        if k < 0:
            return None
        part = self.parts[k]
        return None if part is None else part.source(int(self.rows[k][row]), path)
