"""The public readers: `read_iati` and `import_iati`, and their argument checks."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO, Any

import attrs
import numpy as np

from kampala.errors import ParameterTypeError, ParameterValueError
from kampala.io.iati._common import Context, Element, own_or_transactions
from kampala.io.iati._mapping import map_activity
from kampala.io.iati._report import ActivityReport, IatiImport, ImportReport
from kampala.io.iati._xml import (
    ACTIVITY,
    DEFAULT_MAX_BYTES,
    PathLike,
    StreamReader,
    gc_paused,
    open_source,
    require_defusedxml,
)
from kampala.portfolio import Portfolio
from kampala.provenance import CellProvenance, FileProvenance, Source, now
from kampala.records import Partnership


def read_iati(
    source: PathLike | IO[bytes],
    *,
    country: str | None = None,
    reporting_org: str | None = None,
    lang: str = "es",
    name: str | None = None,
    infer_kinds: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> Portfolio:
    """Read an IATI activity file into a portfolio.

    The same as `import_iati(...).portfolio`; use `import_iati` to see the
    import report (what was filled from which element, and every warning).
    No Python warning is emitted.

    Parameters
    ----------
    source : str, os.PathLike or binary file object
        The IATI activity XML file (IATI Standard 2.01 to 2.03).
    country : str, default=None
        ISO 3166-1 alpha-2 code: _keep only activities with this
        `recipient-country` (at activity or transaction level).
    reporting_org : str, default=None
        Keep only activities whose `reporting-org/@ref` is this (compared
        without regard to case).
    lang : str, default="es"
        Preferred language of narratives (titles, names); the first
        non-empty narrative is used when none is in this language.
    name : str, default=None
        Name of the portfolio; by default the file name without its suffix
        (``"iati"`` for a file object without a name).
    infer_kinds : bool, default=True
        Infer the kind of a participating organisation without a known
        `@type` from its name (company legal forms, ministries); each
        inference is reported as a warning.
    max_bytes : int or None, default=DEFAULT_MAX_BYTES
        Refuse files larger than this many bytes (1 GiB by default); None
        lifts the limit. Reading takes time linear in the size, however
        long a single attribute, comment or text is.

    Returns
    -------
    Portfolio
        One partnership per activity kept, identified by its
        `iati-identifier`.

    Raises
    ------
    DataFormatError
        If the file is missing, unreadable or not a regular file (a FIFO,
        device or directory), larger than `max_bytes`, not well-formed XML
        (with the line and column), declares a DTD or entities, has a root
        element other than `iati-activities` or one whose start tag does
        not end within the first 1 MiB, declares an encoding
        the parser cannot read (multi-byte encodings other than UTF-8 and
        UTF-16, such as Shift_JIS, or an unknown name), or uses a version
        before 2.01.
    ParameterTypeError, ParameterValueError
        For an invalid argument.
    ImportError
        If defusedxml (the `io` extra) is not installed.

    See Also
    --------
    import_iati : the same, with the import report.

    Examples
    --------
    Keep the activities in Peru from an agency's file:

    >>> import pathlib, tempfile
    >>> from kampala.io.iati import read_iati
    >>> xml = '''<iati-activities version="2.03">
    ...  <iati-activity><iati-identifier>XM-EX-1-001</iati-identifier>
    ...   <title><narrative>Agua segura en Piura</narrative></title>
    ...   <recipient-country code="PE"/><sector code="14030"/></iati-activity>
    ...  <iati-activity><iati-identifier>XM-EX-1-002</iati-identifier>
    ...   <title><narrative>Riego en Cochabamba</narrative></title>
    ...   <recipient-country code="BO"/></iati-activity>
    ... </iati-activities>'''
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "agencia.xml"
    ...     _ = path.write_text(xml, encoding="utf-8")
    ...     portfolio = read_iati(path, country="PE")
    >>> portfolio
    Portfolio(name='agencia', partnerships=1, actors=0)
    >>> p = portfolio["XM-EX-1-001"]
    >>> p.title, p.sectors, p.transparency.publication
    ('Agua segura en Piura', ('14030',), <DataPublication.IATI: 'iati'>)
    """
    return _import(
        source,
        country,
        reporting_org,
        lang,
        name,
        infer_kinds,
        max_bytes,
        caller="read_iati()",
    ).portfolio


def import_iati(
    source: PathLike | IO[bytes],
    *,
    country: str | None = None,
    reporting_org: str | None = None,
    lang: str = "es",
    name: str | None = None,
    infer_kinds: bool = True,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
) -> IatiImport:
    """Read an IATI activity file into a portfolio and an import report.

    Activities are mapped one at a time as the file streams past, by the
    rules of `MAPPING` (see `docs/methodology/iati-mapping.md`). Real-world
    quirks (missing references and types, placeholder years, zero-value
    transactions, degenerate periods, non-DAC sector vocabularies, unknown
    codes, region-only activities) do not stop the import: each is recorded
    as a warning naming the activity and the element.

    Parameters
    ----------
    source, country, reporting_org, lang, name, infer_kinds, max_bytes
        As for `read_iati`.

    Returns
    -------
    IatiImport
        `portfolio` and `report` (an `ImportReport` with one
        `ActivityReport` per activity kept by the filters).

    Raises
    ------
    DataFormatError, ParameterTypeError, ParameterValueError, ImportError
        As for `read_iati`.

    Notes
    -----
    The file is streamed: only the activity being mapped is held as XML, so
    memory grows with the number of partnerships made, not with the size of
    the file. Equal actors and evidence groups are shared between
    partnerships (records are immutable). The cyclic garbage collector is
    paused while the file is read, because its full collections would
    otherwise take about half the time of a large import; the reader creates
    no reference cycles, and the collector is re-enabled (if it was) when the
    import ends, even on error. The mapping and its rationale are on the
    methodology page *IATI import mapping* (`docs/methodology/iati-mapping.md`).

    Examples
    --------
    >>> import io
    >>> from kampala.io.iati import import_iati
    >>> xml = b'''<iati-activities version="2.01">
    ...   <iati-activity><iati-identifier>A-1</iati-identifier>
    ...     <title><narrative>Riego</narrative></title>
    ...     <recipient-region code="489"/>
    ...     <sector vocabulary="99" code="7"/>
    ...   </iati-activity></iati-activities>'''
    >>> out = import_iati(io.BytesIO(xml))
    >>> out.portfolio["A-1"].locations, out.portfolio["A-1"].country
    (('region:489',), 'ZZ')
    >>> for w in out.report["A-1"].warnings:
    ...     print(w)
    A-1: recipient-country: none given (only regions or nothing); country set to 'ZZ' (unknown)
    A-1: sector/@vocabulary: '99' (Reporting Organisation) is not an OECD DAC vocabulary; sector '7' skipped
    """  # noqa: E501 - doctest output lines
    return _import(
        source,
        country,
        reporting_org,
        lang,
        name,
        infer_kinds,
        max_bytes,
        caller="import_iati()",
    )


def _import(
    source: PathLike | IO[bytes],
    country: str | None,
    reporting_org: str | None,
    lang: str,
    name: str | None,
    infer_kinds: bool,
    max_bytes: int | None,
    *,
    caller: str,
) -> IatiImport:
    country = _check_arguments(
        country, reporting_org, lang, name, infer_kinds, max_bytes, caller
    )
    defused = require_defusedxml()
    stream, where, close = open_source(source, max_bytes, caller)
    ctx = Context(
        lang=lang.lower(),
        country=country,
        infer_kinds=infer_kinds,
        version=None,
    )
    ref_filter = reporting_org.strip().casefold() if reporting_org else None
    records: list[Partnership] = []
    reports: list[ActivityReport] = []
    seen: set[str] = set()
    read = skipped = 0
    with gc_paused():
        reader = StreamReader(stream, where, max_bytes, defused, caller)
        try:
            for position, activity in reader:
                if read == 0:
                    ctx.version = reader.version
                read += 1
                if not _keep(activity, country, ref_filter):
                    skipped += 1
                    continue
                record, activity_report = map_activity(activity, position, ctx, seen)
                reports.append(activity_report)
                if record is not None:
                    records.append(record)
                    seen.add(record.id)
        finally:
            if close:
                stream.close()
        file_warnings = list(reader.warnings)
        if read == 0:
            file_warnings.append(f"{where}: {ACTIVITY}: the file has no activity")
        elif country is not None and not records:
            file_warnings.append(
                f"{where}: recipient-country: no activity has recipient-country "
                f"{country!r}"
            )
        report = ImportReport(
            source=where,
            version=reader.version,
            activities=reports,
            warnings=file_warnings,
            read=read,
            skipped=skipped,
        )
        label = name or _default_name(source, where)
        portfolio = Portfolio.from_records(records, name=label)
    portfolio = portfolio.with_provenance(_provenance(reports, where))
    return IatiImport(portfolio=portfolio, report=report)


def _located(element: str, position: int | None) -> str:
    """Return an element path of the report as a path in the file."""
    if element.startswith("iati-activities"):
        return element
    if element == ACTIVITY:
        return f"{ACTIVITY}[{position}]"
    return f"{ACTIVITY}[{position}]/{element}"


def _provenance(reports: list[ActivityReport], where: str) -> CellProvenance:
    """Each imported field's source: the file and the element's path in it."""
    base = Source(kind="iati", file=Path(where).name, read_at=now())
    cells: list[dict[str, Source]] = []
    positions: list[int] = []
    for a in reports:
        if not a.imported:
            continue
        row: dict[str, Source] = {}
        for field, element in a.filled:
            key = "actors" if field.startswith("actors") else field
            if key in row:
                continue
            location = " + ".join(
                _located(part, a.position) for part in element.split(" + ")
            )
            row[key] = attrs.evolve(base, location=location)
        cells.append(row)
        positions.append(a.position or 0)
    # a value set without an element of its own (a default) comes from the
    # activity as a whole
    activity = FileProvenance(
        file_source=base,
        location=f"{ACTIVITY}[{{n}}]",
        numbers=np.array(positions, dtype=np.int64),
    )
    return CellProvenance(cells=cells, fallback=activity)


def _check_country(country: Any, caller: str) -> str | None:
    if country is None:
        return None
    if not isinstance(country, str) or not re.fullmatch(r"[A-Za-z]{2}", country):
        raise ParameterValueError(
            caller, "country", country, "an ISO 3166-1 alpha-2 code such as 'PE'"
        )
    return country.upper()


def _default_name(source: Any, where: str) -> str:
    if isinstance(source, str | os.PathLike):
        return Path(source).stem or "iati"
    return Path(where).stem if where != "<stream>" else "iati"


def _keep(activity: Element, country: str | None, ref: str | None) -> bool:
    """Tell whether an activity passes the `reporting_org` and `country` filters."""
    if ref is not None:
        org = activity.find("reporting-org")
        if org is None or (org.get("ref") or "").strip().casefold() != ref:
            return False
    if country is not None:
        tag = "recipient-country"
        found, _ = own_or_transactions(activity, tag, activity.findall(tag))
        return country in {(e.get("code") or "").strip().upper() for e in found}
    return True


def _check_arguments(
    country: Any,
    reporting_org: Any,
    lang: Any,
    name: Any,
    infer_kinds: Any,
    max_bytes: Any,
    caller: str,
) -> str | None:
    """Check the arguments of `import_iati`; return the country in upper case."""
    checked = _check_country(country, caller)
    if reporting_org is not None and (
        not isinstance(reporting_org, str) or not reporting_org.strip()
    ):
        raise ParameterTypeError(
            caller, "reporting_org", reporting_org, "a non-empty string or None"
        )
    if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z]{2,3}", lang):
        raise ParameterValueError(
            caller, "lang", lang, "an ISO 639-1 language code such as 'es' or 'en'"
        )
    if name is not None and (not isinstance(name, str) or not name):
        raise ParameterTypeError(caller, "name", name, "a non-empty string or None")
    if not isinstance(infer_kinds, bool):
        raise ParameterTypeError(caller, "infer_kinds", infer_kinds, "true or false")
    if max_bytes is not None and (
        isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1
    ):
        raise ParameterValueError(
            caller, "max_bytes", max_bytes, "a positive whole number of bytes or None"
        )
    return checked
