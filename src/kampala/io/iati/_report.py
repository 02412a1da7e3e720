"""The import report: per activity, what was filled, missing and warned about."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TextIO

import attrs

from kampala._internal.textout import write_csv_rows, write_text
from kampala.i18n import N_, ntranslate, translate
from kampala.io.iati._criteria import (
    FILLED,
    NOT_DERIVABLE,
    NOT_PUBLISHED,
    criteria_status,
)
from kampala.io.iati._table import NO_ELEMENT, NOT_IN_IATI, elements_for
from kampala.io.iati._xml import PathLike
from kampala.portfolio import Portfolio


def _pairs(
    value: Iterable[tuple[str, str]] | Mapping[str, str],
) -> tuple[tuple[str, str], ...]:
    if type(value) is dict or isinstance(value, Mapping):  # a dict, quickly
        return tuple(value.items())
    return tuple((str(a), str(b)) for a, b in value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _activity_reports(value: Iterable[ActivityReport]) -> tuple[ActivityReport, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class ActivityReport:
    """What the reader made of one IATI activity.

    Parameters
    ----------
    id : str
        The activity's `iati-identifier` (or `activity N` if it has none).
    position : int or None, default=None
        Position of the activity in the file: 1 for the first.
    imported : bool, default=True
        Whether a partnership was made from it (False for an activity skipped
        because it has no identifier or repeats one).
    filled : sequence of (str, str), default=()
        `(field, element)` pairs: each record field filled and the IATI
        element path it came from, in record field order.
    missing : sequence of str, default=()
        Record fields left missing (`None` or empty), in record field order.
    warnings : sequence of str, default=()
        Every warning, each naming the activity and the element.

    Examples
    --------
    >>> import io
    >>> from kampala.io.iati import import_iati
    >>> xml = b'''<iati-activities version="2.03">
    ...  <iati-activity><iati-identifier>A-1</iati-identifier>
    ...   <title><narrative>Agua segura</narrative></title>
    ...   <recipient-country code="PE"/><sector vocabulary="99" code="7"/>
    ...  </iati-activity>
    ...  <iati-activity><title><narrative>Sin identificador</narrative></title>
    ...  </iati-activity>
    ... </iati-activities>'''
    >>> first, second = import_iati(io.BytesIO(xml)).report.activities
    >>> first.id, first.source("title"), first.missing[:3]
    ('A-1', 'title/narrative', ('sectors', 'locations', 'start'))
    >>> print(first.warnings[0])
    A-1: sector/@vocabulary: '99' (Reporting Organisation) is not an OECD DAC
    vocabulary; sector '7' skipped
    >>> second.id, second.position, second.imported
    ('activity 2', 2, False)
    """

    id: str
    position: int | None = None
    imported: bool = True
    filled: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_pairs)
    missing: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def source(self, field: str) -> str | None:
        """Return the element path a field was filled from, or None.

        Examples
        --------
        >>> from kampala.io.iati import ActivityReport
        >>> activity = ActivityReport(id="A-1", filled=[("sectors", "sector/@code")])
        >>> activity.source("sectors"), activity.source("budget_usd")
        ('sector/@code', None)
        """
        for name, element in self.filled:
            if name == field:
                return element
        return None

    def criteria(self) -> tuple[tuple[str, str, str], ...]:
        """Return, for every KPS-1 criterion, what IATI gave it.

        Each item is ``(criterion, status, detail)``: status ``filled``
        (detail: the element paths), ``not published`` (IATI could give it
        but the activity does not publish the elements named in the detail)
        or ``not derivable`` (no IATI element gives it: enter it by hand).
        A skipped activity has none.

        Examples
        --------
        >>> from kampala.io.iati import ActivityReport
        >>> activity = ActivityReport(
        ...     id="A-1", filled=[("leave_no_one_behind.gender_marker",
        ...                        "policy-marker[@code=1]/@significance")])
        >>> gender = [c for c in activity.criteria() if c[0] == "P5.gender_marker"]
        >>> gender[0][1:]
        ('filled', 'policy-marker[@code=1]/@significance')
        >>> dict((c, s) for c, s, _ in activity.criteria())["P1.registration"]
        'not derivable'
        """
        if not self.imported:
            return ()
        return criteria_status(dict(self.filled))


@attrs.frozen(kw_only=True)
class ImportReport:
    """The report of one IATI import: per activity, and for the file.

    `import_iati` returns it as ``.report``; ``report["A-1"]`` is the
    `ActivityReport` of one activity. `summary()` words the whole report in
    English or Spanish; `to_rows()` and `write_csv()` give it as a table, one
    fact per row, as ``kampala import --report`` writes it.

    Parameters
    ----------
    source : str
        Name of the file read.
    version : str or None
        The file's `iati-activities/@version`.
    activities : sequence of ActivityReport
        One report per activity kept by the filters, in file order.
    warnings : sequence of str, default=()
        Warnings about the file as a whole (its version, the filters).
    read : int, default=0
        Activities found in the file.
    skipped : int, default=0
        Activities left out by the `country` and `reporting_org` filters.

    Examples
    --------
    The sample file has one activity in Peru and one in Bolivia:

    >>> from kampala.data import sample_iati_path
    >>> from kampala.io.iati import import_iati
    >>> report = import_iati(sample_iati_path(), country="PE").report
    >>> report.read, report.skipped, report.imported
    (2, 1, 1)
    >>> print(report.summary())
    sample_iati.xml: IATI 2.03; 2 activities read, 1 left out by the filters,
    1 imported; 0 warnings.
    Evidence fields filled (partnerships): transparency.publication (1),
    transparency.publication_completeness (1).
    KPS-1 criteria per activity (of 29): filled from IATI 2.0 on average (2 to 2),
    not published 17.0, not derivable from IATI 10.0.
    """

    source: str
    version: str | None
    activities: tuple[ActivityReport, ...] = attrs.field(converter=_activity_reports)
    warnings: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    read: int = 0
    skipped: int = 0

    @property
    def imported(self) -> int:
        """Number of partnerships made.

        Examples
        --------
        The second activity was skipped, so no partnership was made from it:

        >>> from kampala.io.iati import ActivityReport, ImportReport
        >>> kept = ActivityReport(id="A-1", position=1)
        >>> skipped = ActivityReport(id="activity 2", position=2, imported=False)
        >>> report = ImportReport(
        ...     source="a.xml", version="2.03", activities=[kept, skipped], read=2
        ... )
        >>> report.read, len(report), report.imported
        (2, 2, 1)
        """
        return sum(1 for a in self.activities if a.imported)

    def __getitem__(self, activity_id: str) -> ActivityReport:
        """Return the report of one activity by its identifier."""
        for a in self.activities:
            if a.id == activity_id:
                return a
        raise KeyError(activity_id)

    def __len__(self) -> int:
        """Return the number of activity reports."""
        return len(self.activities)

    def to_rows(self) -> list[dict[str, str]]:
        """Return the report as rows for a table, one fact per row.

        Each row has the keys `activity`, `position`, `status` (`filled`,
        `missing`, `warning` or `skipped` for a record field; `criterion
        filled`, `criterion not published` or `criterion not derivable` for
        a KPS-1 criterion, see `ActivityReport.criteria`), `field` (the record
        field or the criterion code) and `detail` (the element path, the
        elements the activity does not publish, or the warning text).
        File-level warnings have an empty `activity`.

        Examples
        --------
        >>> from kampala.io.iati import ActivityReport, ImportReport
        >>> activity = ActivityReport(
        ...     id="A-1",
        ...     position=1,
        ...     filled=[("id", "iati-identifier")],
        ...     missing=["transparency.joint_reviews"],
        ... )
        >>> report = ImportReport(source="a.xml", version=None, activities=[activity])
        >>> rows = report.to_rows()
        >>> rows[0]
        {'activity': 'A-1', 'position': '1', 'status': 'filled', 'field': 'id',
         'detail': 'iati-identifier'}
        >>> rows[1]["status"], rows[1]["detail"]
        ('missing', 'no IATI element provides it')
        >>> rows[2]["status"], rows[2]["field"], rows[2]["detail"][:14]
        ('criterion not published', 'P1.alignment', 'ownership.nati')
        """
        rows: list[dict[str, str]] = [
            {
                "activity": "",
                "position": "",
                "status": "warning",
                "field": "",
                "detail": w,
            }
            for w in self.warnings
        ]
        for a in self.activities:
            position = "" if a.position is None else str(a.position)
            facts: list[tuple[str, str, str]] = []
            if not a.imported:
                facts.append(("skipped", "", "no partnership made"))
            facts += [("filled", field, element) for field, element in a.filled]
            facts += [
                (
                    "missing",
                    field,
                    NO_ELEMENT
                    if field in NOT_IN_IATI
                    else f"not published: {elements_for(field)}",
                )
                for field in a.missing
            ]
            facts += [("warning", "", w) for w in a.warnings]
            facts += [(f"criterion {st}", code, d) for code, st, d in a.criteria()]
            rows += [
                {
                    "activity": a.id,
                    "position": position,
                    "status": status,
                    "field": field,
                    "detail": detail,
                }
                for status, field, detail in facts
            ]
        return rows

    def write_csv(
        self, target: PathLike | TextIO, *, formula_escape: bool = True
    ) -> None:
        """Write `to_rows()` as CSV (UTF-8, header row) to a path or text file.

        A path is written atomically (a temporary file, then a rename), and a
        text cell a spreadsheet would evaluate (starting with ``=``, ``+``,
        ``-``, ``@``, tab or carriage return) gets a leading ``'`` unless
        ``formula_escape=False``; see "Security and robustness".

        Raises
        ------
        DataFormatError
            If the file cannot be written.

        Examples
        --------
        >>> import io
        >>> from kampala.io.iati import ActivityReport, ImportReport
        >>> warning = "A-1: title: no title narrative; the identifier is used"
        >>> activity = ActivityReport(id="A-1", position=1, warnings=[warning])
        >>> report = ImportReport(source="a.xml", version=None, activities=[activity])
        >>> out = io.StringIO()
        >>> report.write_csv(out)
        >>> for line in out.getvalue().splitlines()[:3]:
        ...     print(line[:60])
        activity,position,status,field,detail
        A-1,1,warning,,A-1: title: no title narrative; the identifie
        A-1,1,criterion not published,P1.alignment,ownership.nationa
        """
        fields = ["activity", "position", "status", "field", "detail"]
        write_text(
            target,
            "ImportReport.write_csv()",
            lambda f: write_csv_rows(f, fields, self.to_rows(), formula_escape),
        )

    def summary(self, lang: str = "en") -> str:
        """Return a few lines: counts of activities, fields and warnings.

        ``lang`` (``"en"`` or ``"es"``) is the language of the lines; field
        paths are the same in both.

        Examples
        --------
        The class example prints the summary in English; in Spanish:

        >>> from kampala.data import sample_iati_path
        >>> from kampala.io.iati import import_iati
        >>> report = import_iati(sample_iati_path(), country="PE").report
        >>> print(report.summary("es"))
        sample_iati.xml: IATI 2.03; 2 actividades leídas, 1 excluida por los
        filtros, 1 importada; 0 avisos.
        Campos de evidencia completados (alianzas): transparency.publication (1),
        transparency.publication_completeness (1).
        Criterios KPS-1 por actividad (de 29): completados desde IATI 2.0 en
        promedio (de 2 a 2), no publicados 17.0, no derivables de IATI 10.0.
        """
        n_warn = len(self.warnings) + sum(len(a.warnings) for a in self.activities)
        told = (  # each with its own plural (Spanish agrees in gender too)
            ntranslate("{n} activity read", "{n} activities read", self.read, lang),
            ntranslate(
                "{n} left out by the filters",
                "{n} left out by the filters",
                self.skipped,
                lang,
            ),
            ntranslate("{n} imported", "{n} imported", self.imported, lang),
            ntranslate("{n} warning", "{n} warnings", n_warn, lang),
        )
        lines = [
            translate(
                N_(
                    "{source}: IATI {version}; {read}, {skipped}, {imported}; "
                    "{warnings}."
                ),
                lang,
                source=self.source,
                version=self.version or "?",
                read=told[0],
                skipped=told[1],
                imported=told[2],
                warnings=told[3],
            )
        ]
        if self.imported:
            counts: dict[str, int] = {}
            for a in self.activities:
                for field, _ in a.filled:
                    counts[field] = counts.get(field, 0) + 1
            evidence = [f for f in counts if "." in f]
            lines.append(
                translate(
                    N_("Evidence fields filled (partnerships): {fields}."),
                    lang,
                    fields=(
                        ", ".join(f"{f} ({counts[f]})" for f in evidence)
                        if evidence
                        else translate(N_("none"), lang)
                    ),
                )
            )
            lines.append(self._criteria_line(lang))
        return "\n".join(lines)

    def _criteria_line(self, lang: str | None) -> str:
        """One line: how many KPS-1 criteria IATI filled per activity."""
        counts: dict[str, list[int]] = {
            FILLED: [],
            NOT_PUBLISHED: [],
            NOT_DERIVABLE: [],
        }
        total = 0
        for a in self.activities:
            statuses = [status for _, status, _ in a.criteria()]
            if not statuses:
                continue
            total = len(statuses)
            for status, found in counts.items():
                found.append(statuses.count(status))
        filled = counts[FILLED]
        n = len(filled)
        return translate(
            N_(
                "KPS-1 criteria per activity (of {total}): filled from IATI "
                "{filled:.1f} on average ({low} to {high}), not published "
                "{unpublished:.1f}, not derivable from IATI {underivable:.1f}."
            ),
            lang,
            total=total,
            filled=sum(filled) / n,
            low=min(filled),
            high=max(filled),
            unpublished=sum(counts[NOT_PUBLISHED]) / n,
            underivable=sum(counts[NOT_DERIVABLE]) / n,
        )


@attrs.frozen(kw_only=True)
class IatiImport:
    """The result of `import_iati`: the portfolio and its import report.

    Parameters
    ----------
    portfolio : Portfolio
        One partnership per imported activity.
    report : ImportReport
        What was filled from which element, what stayed missing, and every
        warning.

    Examples
    --------
    >>> from kampala.data import sample_iati_path
    >>> from kampala.io.iati import import_iati
    >>> result = import_iati(sample_iati_path())
    >>> result.portfolio
    Portfolio(name='sample_iati', partnerships=2, actors=0)
    >>> result.report["XM-EX-1-001"].source("sectors")
    'sector/@code'
    """

    portfolio: Portfolio
    report: ImportReport
