"""The registry of portfolio file formats, and `read_portfolio`/`write_portfolio`.

Each format is one `PortfolioFormat`: a name, its file suffixes, a test of a
file's first bytes (content sniffing), and a reader and a writer. JSON, JSON
Lines, CSV and Excel workbooks (xlsx, with openpyxl, imported only when
used) are built in; IATI activity XML is registered here too and imported
only when used (`kampala.io.iati.import_iati`). `read_portfolio`,
`write_portfolio` and every command of the command line that takes a
portfolio ask the registry, so a format registered with `register_format`
(xlsx, Parquet, survey responses) works everywhere at once.

Examples
--------
>>> from kampala.io.formats import available_formats, get_format
>>> available_formats()
('json', 'jsonl', 'csv', 'iati', 'xlsx', 'parquet', 'arrow')
>>> get_format("iati").suffixes, get_format("iati").write is None
(('.xml',), True)
"""

from __future__ import annotations

import codecs
import functools
import json
import os
import threading
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from kampala._internal.atomic import atomic_path
from kampala._internal.files import (
    DEFAULT_MAX_BYTES,
    check_max_bytes,
    check_regular_file,
)
from kampala.errors import (
    DataFormatError,
    ParameterTypeError,
    ParameterValueError,
    RegistrationError,
)
from kampala.i18n import resolve_lang
from kampala.io._arrow_format import (
    read_arrow,
    read_csv_arrow,
    read_parquet,
    sniff_arrow,
    sniff_parquet,
    write_arrow,
    write_parquet,
)
from kampala.io._common import (
    PathLike,
    build_portfolio,
    check_name,
    check_portfolio,
    open_error,
)
from kampala.io._csv_dialect import Dialect, check_options
from kampala.io._csv_format import read_csv, write_csv
from kampala.io._dicts import portfolio_to_dicts, structure_all
from kampala.io._json_format import (
    FORMAT_ID,
    dump_line,
    json_document,
    jsonl_items,
)
from kampala.io._jsonl_arrow import read_jsonl_arrow
from kampala.io._provenance_json import provenance_from_json, provenance_to_json
from kampala.portfolio import Portfolio
from kampala.provenance import FileProvenance, Source, now

__all__ = [
    "DEFAULT_MAX_BYTES",
    "PortfolioFormat",
    "available_formats",
    "detect_format",
    "get_format",
    "read_portfolio",
    "register_format",
    "write_portfolio",
]

#: Reads a file: ``read(path, name=None, **options) -> Portfolio``.
Reader = Callable[..., Portfolio]
#: Writes a file: ``write(portfolio, path, **options) -> None``.
Writer = Callable[..., None]
_SNIFF_BYTES = 4096


@attrs.frozen(kw_only=True)
class PortfolioFormat:
    """A portfolio file format, as the registry knows it.

    Parameters
    ----------
    name : str
        The name ``format=`` takes, such as ``"csv"``.
    suffixes : tuple of str
        File suffixes, lower case with the dot (``(".csv",)``).
    read : callable
        ``read(path, name=None, **options)`` returns the `Portfolio`;
        ``name`` is None for the format's default name.
    write : callable or None, default=None
        ``write(portfolio, path)``; None for a format that is only read.
    sniff : callable or None, default=None
        ``sniff(head)`` tells from the first bytes of a file (up to 4 KiB,
        without a UTF-8 byte order mark or leading white space) whether it
        is in this format. None: recognised by its suffix only.
    options : tuple of str, default=()
        Keyword options ``read`` takes besides ``name`` (such as
        ``"country"`` for IATI).
    description : str, default=""
        One line for listings.
    write_options : tuple of str, default=()
        Keyword options ``write`` takes (such as ``"sep"`` for CSV);
        ``"formula_escape"`` if it escapes text cells.

    Examples
    --------
    A format that reads a portfolio stored as a JSON list under another
    suffix:

    >>> from kampala.io.formats import PortfolioFormat, get_format
    >>> fmt = PortfolioFormat(name="list", suffixes=(".list",),
    ...                       read=get_format("json").read)
    >>> fmt.name, fmt.write is None
    ('list', True)
    """

    name: str
    suffixes: tuple[str, ...]
    read: Reader
    write: Writer | None = None
    sniff: Callable[[bytes], bool] | None = None
    options: tuple[str, ...] = ()
    description: str = ""
    write_options: tuple[str, ...] = ()


_REGISTRY: dict[str, PortfolioFormat] = {}
_LOCK = threading.Lock()


def register_format(fmt: PortfolioFormat, *, replace: bool = False) -> None:
    """Add a format to the registry (later formats are sniffed last).

    Raises
    ------
    ParameterTypeError
        If ``fmt`` is not a `PortfolioFormat`.
    RegistrationError
        If the name or a suffix is already registered and not ``replace``.

    Examples
    --------
    >>> from kampala.io.formats import (PortfolioFormat, available_formats,
    ...                                  get_format, register_format)
    >>> register_format(PortfolioFormat(name="list", suffixes=(".list",),
    ...                                 read=get_format("json").read))
    >>> available_formats()[-1]
    'list'
    >>> register_format(get_format("list"))
    Traceback (most recent call last):
    ...
    kampala.errors.RegistrationError: register_format(): 'name' must be a name not yet registered (got 'list'). Pass replace=True to replace it.
    >>> from kampala.io.formats import _REGISTRY
    >>> del _REGISTRY["list"]
    """  # noqa: E501 - doctest output
    if not isinstance(fmt, PortfolioFormat):
        raise ParameterTypeError(
            "register_format()", "fmt", type(fmt).__name__, "a PortfolioFormat"
        )
    with _LOCK:
        if not replace:
            taken = {s: f.name for f in _REGISTRY.values() for s in f.suffixes}
            clash = [s for s in fmt.suffixes if s in taken]
            if fmt.name in _REGISTRY or clash:
                field, value = (
                    ("name", fmt.name)
                    if fmt.name in _REGISTRY
                    else ("suffixes", clash[0])
                )
                raise RegistrationError(
                    "register_format()",
                    field,
                    value,
                    f"a {field[:-2] if field == 'suffixes' else field} not yet "
                    "registered",
                    hint="Pass replace=True to replace it.",
                )
        _REGISTRY[fmt.name] = fmt


def available_formats() -> tuple[str, ...]:
    """Return the names of the registered formats, in sniffing order.

    Examples
    --------
    >>> from kampala.io.formats import available_formats
    >>> "csv" in available_formats()
    True
    """
    return tuple(_REGISTRY)


def get_format(name: str) -> PortfolioFormat:
    """Return a registered format by name.

    Raises
    ------
    ParameterValueError
        For a name that is not registered, listing those that are.

    Examples
    --------
    >>> from kampala.io.formats import get_format
    >>> get_format("jsonl").suffixes
    ('.jsonl',)
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        names = ", ".join(repr(n) for n in _REGISTRY)
        raise ParameterValueError(
            "get_format()", "format", name, f"one of {names} or None"
        ) from None


def detect_format(source: PathLike) -> PortfolioFormat:
    r"""Choose the format of a file: by its suffix, else by its content.

    Content: ``<`` (``<?xml``, ``<iati-activities``) is IATI, ``[`` or a
    ``{`` that does not end on its line is JSON, one JSON object per line
    is JSON Lines, anything else CSV.

    Raises
    ------
    DataFormatError
        If the suffix is unknown and the file cannot be read.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from kampala.io.formats import detect_format
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "export.txt"
    ...     _ = path.write_text('{"id": "A", "title": "Agua"}\n', encoding="utf-8")
    ...     detect_format(path).name
    'jsonl'
    """
    path = Path(source)
    suffix = path.suffix.lower()
    for fmt in _REGISTRY.values():
        if suffix in fmt.suffixes:
            return fmt
    check_regular_file(path, "detect_format()", "source", None)
    try:
        with path.open("rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as exc:
        raise open_error(path, exc) from exc
    head = head.removeprefix(codecs.BOM_UTF8).lstrip()
    for fmt in _REGISTRY.values():
        if fmt.sniff is not None and fmt.sniff(head):
            return fmt
    return _REGISTRY["csv"]


def _resolve(path: Path, format: Any, caller: str) -> PortfolioFormat:
    if format is None:
        return detect_format(path)
    if format not in _REGISTRY:
        names = ", ".join(repr(n) for n in _REGISTRY)
        raise ParameterValueError(caller, "format", format, f"one of {names} or None")
    return _REGISTRY[format]


def read_portfolio(
    source: PathLike,
    *,
    format: str | None = None,
    name: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    **options: Any,
) -> Portfolio:
    """Read a portfolio from a file in any registered format.

    The format is ``format`` if given, else the one whose suffix the file
    name has, else the one its content looks like (`detect_format`): JSON,
    JSON Lines, CSV, or IATI activity XML.

    Every record is validated and every problem is reported at once.

    Parameters
    ----------
    source : str or os.PathLike
        Path of the file.
    format : {"json", "jsonl", "csv", "iati", "xlsx"} or str, default=None
        The name of a registered format (see `available_formats`); by
        default inferred from the suffix (``.json``, ``.jsonl``, ``.csv``,
        ``.xml``, ``.xlsx``, in any case), else from the content.
    name : str, default=None
        Name of the portfolio; by default the ``name`` of a JSON file, or
        else the file name without its suffix.
    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        Refuse a file larger than this many bytes (256 MiB by default)
        before reading it; None lifts the limit. Only regular files are
        read (a symlink is followed): a FIFO, device or directory is
        refused without being opened for reading.
    **options
        Options of the format (`PortfolioFormat.options`). CSV: ``sep``
        (``","``, ``";"`` or a tab), ``decimal`` (``"."`` or ``","``) and
        ``encoding`` (``"utf-8"``, ``"cp1252"``, ``"latin-1"``), each
        detected when not given (see the format reference). xlsx:
        ``sheet``, the name of the worksheet. IATI: ``country``.

    Returns
    -------
    Portfolio
        The portfolio, validated.

    Raises
    ------
    PortfolioValidationError
        Listing every invalid value, unknown field or column and repeated id,
        as `RecordValidationError` sub-errors that name
        the partnership (or the line if it has no id) and the field; each has
        a note ``line N`` (CSV, JSON Lines) or ``record N`` (JSON, counted
        from 0).
    DataFormatError
        If the file is missing, unreadable, not a regular file or larger
        than ``max_bytes``, is not UTF-8, is malformed JSON or CSV (with the
        line and column), repeats a key in a JSON object, or a JSON file is
        not a portfolio document.
    ParameterTypeError
        If ``source`` is not a path.
    ParameterValueError
        If ``format`` is not a registered format or ``max_bytes`` is not a
        positive integer or None.
    ImportError
        For an invalid JSON or JSON Lines file if cattrs (the ``io`` extra),
        which lists every problem of a record, is not installed; valid files
        need no optional dependency.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> from kampala.io import read_portfolio
    >>> doc = {"format": "kampala.portfolio/1", "name": "demo", "partnerships": [
    ...     {"id": "A", "title": "Agua segura", "budget_usd": 1.5e6,
    ...      "ownership": {"government_role": "co-designed"}}]}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "demo.json"
    ...     _ = path.write_text(json.dumps(doc), encoding="utf-8")
    ...     pf = read_portfolio(path)
    >>> pf.name, pf.records[0].ownership.government_role
    ('demo', <GovernmentRole.CO_DESIGNED: 'co-designed'>)

    Every problem is listed:

    >>> doc["partnerships"] = [
    ...     {"id": "A", "title": "Agua", "budget_usd": -5.0},
    ...     {"id": "B", "title": "Banca", "modality": "bilaterl"}]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "bad.json"
    ...     _ = path.write_text(json.dumps(doc), encoding="utf-8")
    ...     read_portfolio(path)
    Traceback (most recent call last):
    ...
    kampala.errors.PortfolioValidationError: bad.json: 2 problem(s)
      partnership 'A': 'budget_usd' must be >= 0 (got -5.0). Use None for an unknown amount. [record 0]
      partnership 'B': 'modality' must be a Modality (bilateral, multilateral, south-south, triangular, multi-stakeholder) (got 'bilaterl'). Did you mean 'bilateral'? [record 1]
    """  # noqa: E501 - doctest output lines
    caller = "read_portfolio()"
    if not isinstance(source, str | os.PathLike):
        raise ParameterTypeError(
            caller, "source", type(source).__name__, "a path (str or os.PathLike)"
        )
    path = Path(source)
    check_name(name, caller)
    check_regular_file(path, caller, "source", check_max_bytes(max_bytes, caller))
    fmt = _resolve(path, format, caller)
    _check_options(caller, fmt, options, fmt.options)
    return _file_provenance(fmt.read(path, name=name, **options), path, fmt.name)


def _file_provenance(pf: Portfolio, path: Path, fmt: str) -> Portfolio:
    """Attach the file as the source of every value, unless the reader did."""
    if pf.provenance is not None:
        return pf
    record = fmt == "json"
    src = Source(kind="file", file=path.name, read_at=now())
    return pf.with_provenance(
        FileProvenance(
            file_source=src,
            location="record {n}" if record else "row {n}",
            first=0 if record else 1,
        )
    )


def _check_options(
    caller: str, fmt: PortfolioFormat, options: dict[str, Any], allowed: Any
) -> None:
    for key in options:
        if key not in allowed:
            names = ", ".join(allowed) or "none"
            raise ParameterValueError(
                caller,
                key,
                options[key],
                f"an option of the {fmt.name} format ({names})",
                hint="Options depend on the format of the file.",
            )


def write_portfolio(
    portfolio: Portfolio,
    target: PathLike,
    *,
    format: str | None = None,
    formula_escape: bool = True,
    **options: Any,
) -> None:
    """Write a portfolio to a JSON, JSON Lines, CSV or Excel (xlsx) file.

    Every field is written, missing values included (``null`` in JSON, an
    empty cell in CSV), and floats with ``repr`` precision, so that
    `read_portfolio()` gives back the same records and writing again
    gives the same bytes. The file is written whole or not at all: to a
    temporary file in the same folder, renamed into place when complete.

    Parameters
    ----------
    portfolio : Portfolio
        The portfolio to write.
    target : str or os.PathLike
        Path of the file; it is overwritten.
    format : {"json", "jsonl", "csv", "xlsx"} or str, default=None
        File format; by default inferred from the suffix.
    formula_escape : bool, default=True
        CSV and xlsx: put a ``'`` before every text cell that a spreadsheet
        would evaluate (one starting with ``=``, ``+``, ``-``, ``@``, a tab
        or a carriage return). `read_portfolio()` removes exactly that
        quote, so the file reads back as written. ``False`` writes text as
        is, for programs that read the file.
    **options
        Options of the format (`PortfolioFormat.write_options`). CSV:
        ``sep`` and ``decimal`` (as `read_portfolio`), ``encoding``
        (``"utf-8"``, ``"utf-8-sig"``, ``"cp1252"``) and ``lang``; xlsx:
        ``lang``. ``lang="es"`` (or ``"en"``) writes the labels of the fields
        as the header and the Spanish (English) labels of scale values,
        which `read_portfolio` reads back.

    Raises
    ------
    ParameterTypeError
        If ``portfolio`` is not a `Portfolio`.
    ParameterValueError
        If ``format`` is not a registered format that can be written, or it
        is not given and the suffix is not one of theirs.
    DataFormatError
        If the file cannot be written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kampala.io import write_portfolio
    >>> from kampala.portfolio import Portfolio
    >>> from kampala.records import Partnership
    >>> pf = Portfolio.from_records([Partnership(id="A", title="Agua segura",
    ...                                          sectors=["14030"])])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "cartera.csv"
    ...     write_portfolio(pf, path)
    ...     text = path.read_text(encoding="utf-8")
    >>> print(text.splitlines()[1][:40])
    A,Agua segura,PE,14030,,,,,,,,,,,,,,,,,,
    """
    check_portfolio(portfolio, "write_portfolio()")
    path = Path(target)
    writable = {n: f for n, f in _REGISTRY.items() if f.write is not None}
    if format is not None:
        fmt = writable.get(format)
        if fmt is None:
            names = ", ".join(repr(n) for n in writable)
            raise ParameterValueError(
                "write_portfolio()", "format", format, f"one of {names} or None"
            )
    else:
        suffix = path.suffix.lower()
        found = [f for f in writable.values() if suffix in f.suffixes]
        if not found:
            suffixes = ", ".join(s for f in writable.values() for s in f.suffixes)
            raise ParameterValueError(
                "write_portfolio()",
                "format",
                None,
                f"given when the file name does not end in {suffixes}",
                hint=f"Pass format={' or '.join(map(repr, writable))} for "
                f"{path.name!r}.",
            )
        fmt = found[0]
    _check_options("write_portfolio()", fmt, options, fmt.write_options)
    write = typing.cast(Writer, fmt.write)  # writable: not None
    if not formula_escape and "formula_escape" in fmt.write_options:
        write = functools.partial(write, formula_escape=False)
    try:
        with atomic_path(path) as part:
            write(portfolio, part, **options)
    except UnicodeEncodeError as exc:
        raise DataFormatError(
            "write_portfolio()",
            "target",
            str(path),
            f"text that {exc.encoding} can encode",
            hint=f"The portfolio holds {exc.object[exc.start : exc.end]!r}; "
            "nothing was written. Use UTF-8.",
        ) from exc
    except OSError as exc:
        raise DataFormatError(
            "write_portfolio()", "target", str(path), "a writable path", hint=str(exc)
        ) from exc


# ---------------------------------------------------------------------------
# the built-in formats
# ---------------------------------------------------------------------------
def _read_json(path: Path, name: str | None = None) -> Portfolio:
    doc_name, items, provenance = json_document(path)
    records = structure_all(items, path.name)
    pf = build_portfolio(records, path.name, name or doc_name or path.stem)
    if provenance is None:
        return pf
    here = _file_provenance(pf, path, "json")
    return pf.with_provenance(
        provenance_from_json(provenance, pf, path.name, here.provenance)
    )


def _read_jsonl(path: Path, name: str | None = None) -> Portfolio:
    if path.stat().st_size >= ARROW_CSV_MIN_BYTES:  # parsed in bulk by pyarrow
        fast = read_jsonl_arrow(path, name or path.stem)
        if fast is not None:
            return fast
    return _read_jsonl_records(path, name or path.stem)


def _read_jsonl_records(path: Path, name: str) -> Portfolio:
    """Read a JSON Lines file record by record (every problem with its line)."""
    records = structure_all(jsonl_items(path), path.name)
    return build_portfolio(records, path.name, name)


#: CSV and JSON Lines files of at least this size are read with pyarrow's
#: readers when it is installed (the ``arrow`` extra); smaller ones, and any
#: file they decline, with kampala's own readers. Both give the same
#: portfolio and messages.
ARROW_CSV_MIN_BYTES = 1 << 20


def _read_csv_file(path: Path, name: str | None = None, **options: Any) -> Portfolio:
    if not options and path.stat().st_size >= ARROW_CSV_MIN_BYTES:
        fast = read_csv_arrow(path, path.name, name or path.stem)
        if fast is not None:
            return fast
    return read_csv(path, path.name, name or path.stem, **options)


def _read_xlsx(path: Path, name: str | None = None, **options: Any) -> Portfolio:
    from kampala.io._xlsx import read_xlsx

    return read_xlsx(path, path.name, name or path.stem, **options)


def _write_xlsx(portfolio: Portfolio, path: Path, **options: Any) -> None:
    from kampala.io._xlsx import write_xlsx

    write_xlsx(portfolio, path, **options)


def _sniff_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _read_iati(
    path: Path, name: str | None = None, country: str | None = None
) -> Portfolio:
    from kampala.io.iati import import_iati

    return import_iati(path, name=name, country=country).portfolio


def _write_json(portfolio: Portfolio, path: Path) -> None:
    doc: dict[str, Any] = {
        "format": FORMAT_ID,
        "name": portfolio.name,
        "partnerships": portfolio_to_dicts(portfolio),
    }
    provenance = provenance_to_json(portfolio)
    if provenance is not None:
        doc["provenance"] = provenance
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False))
        f.write("\n")


def _write_jsonl(portfolio: Portfolio, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        for item in portfolio_to_dicts(portfolio):
            f.write(dump_line(item))
            f.write("\n")


def _write_csv_file(
    portfolio: Portfolio,
    path: Path,
    *,
    formula_escape: bool = True,
    sep: str | None = None,
    decimal: str | None = None,
    encoding: str | None = None,
    lang: str | None = None,
) -> None:
    codec = check_options("write_portfolio()", sep, decimal, encoding) or "utf-8"
    dialect = Dialect(
        sep=sep or ",",
        decimal=decimal or ("," if sep == ";" else "."),
        encoding=codec,
    )
    lang = None if lang is None else resolve_lang(lang)
    with path.open("w", encoding=codec, newline="") as f:
        write_csv(
            portfolio, f, formula_escape=formula_escape, dialect=dialect, lang=lang
        )


def _first_line(head: bytes) -> Any:
    line = head.split(b"\n", 1)[0].strip()
    try:
        return json.loads(line)
    except ValueError:
        return None


def _sniff_json(head: bytes) -> bool:
    if head[:1] == b"[":
        return True
    if head[:1] != b"{":
        return False
    first = _first_line(head)
    return not isinstance(first, dict) or "partnerships" in first


def _sniff_jsonl(head: bytes) -> bool:
    return head[:1] == b"{" and isinstance(_first_line(head), dict)


def _sniff_iati(head: bytes) -> bool:
    return head.startswith((b"<?xml", b"<iati-activities"))


#: The built-in formats, in sniffing order (CSV takes what no other does).
_BUILTIN: tuple[tuple[str, Reader, Writer | None, Any, str], ...] = (
    ("json", _read_json, _write_json, _sniff_json, "a portfolio document or list"),
    ("jsonl", _read_jsonl, _write_jsonl, _sniff_jsonl, "one partnership per line"),
    ("csv", _read_csv_file, _write_csv_file, None, "one row per partnership"),
    ("iati", _read_iati, None, _sniff_iati, "IATI activity XML 2.01-2.03"),
    ("xlsx", _read_xlsx, _write_xlsx, _sniff_xlsx, "Excel workbook, one row each"),
)
_OPTIONS = {
    "iati": ("country",),
    "csv": ("sep", "decimal", "encoding"),
    "xlsx": ("sheet",),
}
_WRITE_OPTIONS = {
    "csv": ("formula_escape", "sep", "decimal", "encoding", "lang"),
    "xlsx": ("formula_escape", "lang"),
}
for _name, _read, _write, _sniff, _text in _BUILTIN:
    register_format(
        PortfolioFormat(
            name=_name,
            suffixes=(".xml",) if _name == "iati" else (f".{_name}",),
            read=_read,
            write=_write,
            sniff=_sniff,
            options=_OPTIONS.get(_name, ()),
            description=_text,
            write_options=_WRITE_OPTIONS.get(_name, ()),
        )
    )
for _fmt in (
    PortfolioFormat(
        name="parquet",
        suffixes=(".parquet",),
        read=read_parquet,
        write=write_parquet,
        sniff=sniff_parquet,
        description="Apache Parquet, one row per partnership (the arrow extra)",
    ),
    PortfolioFormat(
        name="arrow",
        suffixes=(".arrow", ".feather"),
        read=read_arrow,
        write=write_arrow,
        sniff=sniff_arrow,
        description="Arrow IPC / Feather v2, one row per partnership (arrow extra)",
    ),
):
    register_format(_fmt)
