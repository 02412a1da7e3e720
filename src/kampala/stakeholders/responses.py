"""Answers of several stakeholders, one row per respondent and partnership.

`Responses` holds the answers as a matrix of codes (respondents x
questions): a level of the question's scale (0 = lowest; ``no`` = 0,
``yes`` = 1), or `NOT_ANSWERED`, `DONT_KNOW`, `NOT_APPLICABLE`.
`Responses.from_table` parses a table of text cells as ODK Central,
KoboToolbox or kampala's own ``.xlsx`` form write them, and reports every
problem at once, each naming its file, row and column;
`kampala.io.read_responses` reads the files.

Examples
--------
>>> from kampala.stakeholders import Responses
>>> header = ["respondent", "group", "partnership", "p1/p1_alignment"]
>>> rows = [["ACME", "private-sector", "PE-AGR-001", "full"],
...         ["MINAGRI", "government", "PE-AGR-001", "partial"]]
>>> r = Responses.from_table(header, rows, source="demo.csv")
>>> len(r), r.column("p1_alignment")
(2, array([2, 1], dtype=int16))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.csvsafe import unescape_cell
from kampala.errors import (
    DataFormatError,
    ParameterValueError,
    PortfolioValidationError,
)
from kampala.stakeholders._questionnaire import (
    NOT_ANSWERED,
    STAKEHOLDER_GROUPS,
    Question,
    Questionnaire,
    check_group,
    group_label,
    questionnaire,
)

if TYPE_CHECKING:
    from kampala.portfolio import Portfolio

__all__ = ["INSTANCE_COLUMNS", "Responses"]

IntArray = npt.NDArray[np.int16]

#: Columns that identify a submission, in the order they are looked for:
#: ODK's ``meta/instanceID`` (``meta-instanceID`` in ODK Central), then
#: KoboToolbox's ``_uuid``, then ODK Central's ``KEY``.
INSTANCE_COLUMNS: tuple[str, ...] = ("instanceID", "_uuid", "KEY")
_FIXED = ("respondent", "group", "partnership")


def _strs(value: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _readonly(a: Any) -> IntArray:
    out = np.array(a, dtype=np.int16)
    out.setflags(write=False)
    return out


def _name(header: str, known: set[str]) -> str:
    """Return the question name of a header (``p1/p1_x``, ``p1-p1_x``, ``p1_x``)."""
    name = header.strip()
    if name in known:
        return name
    tail = name.split("/")[-1]
    if tail in known:
        return tail
    return tail.split("-")[-1] if tail.split("-")[-1] in known else tail


def _groups_by_text() -> dict[str, str]:
    out: dict[str, str] = {}
    for g in STAKEHOLDER_GROUPS:
        for text in (g, group_label(g, "en"), group_label(g, "es")):
            out[text.casefold()] = g
    return out


def _answer_codes(q: Question) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in q.choices:
        for text in (c.name, c.label_en, c.label_es):
            out.setdefault(text.strip().casefold(), c.level)
    return out


@attrs.frozen(kw_only=True, eq=False)
class Responses:
    """Answers of stakeholders about partnerships.

    Attributes
    ----------
    questionnaire : Questionnaire
        The questions (columns of `answers`).
    respondent, group, partnership : tuple of str
        One entry per row: who answered, their stakeholder group and the
        partnership the answers are about.
    answers : numpy.ndarray of int16, shape (rows, questions)
        Answer codes, read-only.
    source : str
        Where they came from (a file name).

    Examples
    --------
    >>> from kampala.data import sample_responses
    >>> r = sample_responses()
    >>> len(r), r.groups_present()
    (104, ('government', 'private-sector', 'development-partner', 'civil-society', 'trade-union'))
    """  # noqa: E501 - doctest output

    questionnaire: Questionnaire
    respondent: tuple[str, ...] = attrs.field(converter=_strs)
    group: tuple[str, ...] = attrs.field(converter=_strs)
    partnership: tuple[str, ...] = attrs.field(converter=_strs)
    answers: IntArray = attrs.field(converter=_readonly)
    source: str = "responses"

    def __attrs_post_init__(self) -> None:
        n = len(self.respondent)
        shape = (n, len(self.questionnaire))
        if len(self.group) != n or len(self.partnership) != n:
            raise ParameterValueError(
                "Responses()", "group", len(self.group), f"{n} entries, one per row"
            )
        if self.answers.shape != shape:
            raise ParameterValueError(
                "Responses()", "answers", self.answers.shape, f"of shape {shape}"
            )
        for g in set(self.group):
            check_group(g, "Responses()")

    def __len__(self) -> int:
        return len(self.respondent)

    @property
    def group_index(self) -> npt.NDArray[np.intp]:
        """Each row's group as its position in `STAKEHOLDER_GROUPS`.

        Examples
        --------
        >>> from kampala.data import sample_responses
        >>> sample_responses().group_index[:3]
        array([0, 0, 1])
        """
        uniq, inv = np.unique(np.array(self.group, dtype=object), return_inverse=True)
        pos = np.array([STAKEHOLDER_GROUPS.index(str(g)) for g in uniq], dtype=np.intp)
        return pos[inv].reshape(len(self))

    def groups_present(self) -> tuple[str, ...]:
        """Return the groups with at least one row, in the standard order.

        Examples
        --------
        >>> from kampala.data import sample_responses
        >>> sample_responses().without_group("trade-union").groups_present()[-1]
        'civil-society'
        """
        present = set(self.group)
        return tuple(g for g in STAKEHOLDER_GROUPS if g in present)

    def column(self, code: str) -> IntArray:
        """Return the answer codes of one question.

        Examples
        --------
        >>> from kampala.data import sample_responses
        >>> sample_responses().column("p3_shared_governance")[:4]
        array([1, 1, 1, 1], dtype=int16)
        """
        return self.answers[:, self.questionnaire.codes.index(code)]

    def select(self, rows: npt.ArrayLike) -> Responses:
        """Return the rows ``rows`` (indices or a boolean mask), in that order.

        Examples
        --------
        >>> from kampala.data import sample_responses
        >>> len(sample_responses().select([0, 1, 2]))
        3
        """
        idx = np.arange(len(self))[np.asarray(rows)]
        return attrs.evolve(
            self,
            respondent=[self.respondent[i] for i in idx],
            group=[self.group[i] for i in idx],
            partnership=[self.partnership[i] for i in idx],
            answers=self.answers[idx],
        )

    def without_group(self, group: str) -> Responses:
        """Return the responses without one stakeholder group.

        Examples
        --------
        >>> from kampala.data import sample_responses
        >>> r = sample_responses()
        >>> len(r) - len(r.without_group("government"))
        16
        """
        check_group(group, "Responses.without_group()")
        return self.select(np.array([g != group for g in self.group], dtype=bool))

    @classmethod
    def from_table(
        cls,
        header: Sequence[Any],
        rows: Iterable[Sequence[Any]],
        *,
        source: str = "responses",
        questions: Questionnaire | None = None,
        portfolio: Portfolio | None = None,
        first_row: int = 2,
    ) -> Responses:
        """Parse a table of cells: a header row, then one row per submission.

        Headers may carry group prefixes (``p1/p1_alignment`` as KoboToolbox
        writes them, ``p1-p1_alignment`` as ODK Central does); columns that
        are not questions (``SubmissionDate``, ``_index``, ...) are ignored.
        Answers are choice names (``consulted``) or labels in English or
        Spanish, case-insensitive; a blank cell is not answered.

        Parameters
        ----------
        header : sequence
            Column names.
        rows : iterable of sequence
            Cells (text, numbers or None).
        source : str, default="responses"
            The file name, for messages.
        questions, portfolio : optional
            As for `kampala.io.read_responses`: the questions (KPS-1's if
            None), and the portfolio every partnership must be in.
        first_row : int, default=2
            The row number of the first data row in the file (for messages).

        Returns
        -------
        Responses
            One row per submission: a respondent's answers about one
            partnership.

        Raises
        ------
        PortfolioValidationError
            Listing every problem (missing column, unknown group, answer
            outside the scale, a question not asked of the group, a
            duplicate respondent or submission, a partnership not in the
            portfolio), each as ``<file>, row <r>: '<column>' must be ...``.

        Examples
        --------
        >>> from kampala.stakeholders import Responses
        >>> header = ["respondent", "group", "partnership", "p3-p3_dialogue"]
        >>> Responses.from_table(header, [["A", "firms", "X", "weekly"]],
        ...                      source="r.csv")
        Traceback (most recent call last):
        ...
        kampala.errors.PortfolioValidationError: r.csv: 2 problem(s)
          r.csv, row 2: 'group' must be one of government, private-sector, development-partner, civil-society, trade-union (got 'firms').
          r.csv, row 2: 'p3-p3_dialogue' must be one of none, one-off, regular, institutionalised, dont_know, not_applicable (got 'weekly').
        """  # noqa: E501 - doctest output
        q = questionnaire() if questions is None else questions
        parser = _TableParser(q, source, header, first_row)
        return parser.parse(rows, portfolio)


class _TableParser:
    """Parse a response table column by column, collecting every problem."""

    def __init__(
        self, q: Questionnaire, source: str, header: Sequence[Any], first_row: int
    ) -> None:
        self.q = q
        self.source = source
        self.first_row = first_row
        self.errors: list[tuple[int, int, Exception]] = []
        known = {*q.codes, *_FIXED, *INSTANCE_COLUMNS}
        self.header = ["" if h is None else str(h) for h in header]
        self.names = [_name(h, known) for h in self.header]

    def error(
        self, row: int, col: int, value: Any, expected: str, hint: str = ""
    ) -> None:
        where = f"{self.source}, row {row + self.first_row}"
        field = self.header[col] if col >= 0 else "columns"
        err = DataFormatError(where, field, value, expected, hint=hint)
        self.errors.append((row, col, err))

    def _cells(self, rows: Iterable[Sequence[Any]]) -> npt.NDArray[Any]:
        width = len(self.header)
        table = [
            [("" if c is None else str(c).strip()) for c in list(r)[:width]]
            + [""] * max(0, width - len(r))
            for r in rows
        ]
        return np.array(table, dtype=object).reshape(len(table), width)

    def column(self, name: str) -> int:
        return self.names.index(name) if name in self.names else -1

    def parse(
        self, rows: Iterable[Sequence[Any]], portfolio: Portfolio | None
    ) -> Responses:
        cells = self._cells(rows)
        n = cells.shape[0]
        fixed: dict[str, npt.NDArray[Any]] = {}
        for name in _FIXED:
            j = self.column(name)
            if j < 0:
                self.error(
                    -1,
                    -1,
                    name,
                    "a column of the file",
                    "Columns: " + ", ".join(self.header[:8]),
                )
                fixed[name] = np.full(n, "", dtype=object)
                continue
            fixed[name] = cells[:, j]
            for i in np.flatnonzero(cells[:, j] == ""):
                self.error(int(i), j, "", "a non-empty value")
        groups = self._groups(fixed["group"])
        self._partnerships(fixed["partnership"], portfolio)
        answers = np.full((n, len(self.q)), NOT_ANSWERED, dtype=np.int16)
        for k, item in enumerate(self.q.questions):
            j = self.column(item.code)
            if j >= 0:
                answers[:, k] = self._answers(item, cells[:, j], j, groups)
        self._duplicates(cells, fixed)
        if self.errors:
            self.errors.sort(key=lambda e: (e[0], e[1]))
            raise PortfolioValidationError(self.source, [e for _, _, e in self.errors])
        return Responses(
            questionnaire=self.q,
            respondent=[str(v) for v in fixed["respondent"]],
            group=[str(g) for g in groups],
            partnership=[unescape_cell(str(p)) for p in fixed["partnership"]],
            answers=answers,
            source=self.source,
        )

    def _groups(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        by_text = _groups_by_text()
        j = self.column("group")
        out = np.full(values.shape, "", dtype=object)
        uniq, inv = np.unique(values.astype(str), return_inverse=True)
        for k, text in enumerate(uniq):
            group = by_text.get(str(text).casefold())
            rows = np.flatnonzero(inv == k)
            if group is not None:
                out[rows] = group
            elif text != "":
                for i in rows:
                    self.error(
                        int(i), j, str(text), f"one of {', '.join(STAKEHOLDER_GROUPS)}"
                    )
        return out

    def _partnerships(
        self, values: npt.NDArray[Any], portfolio: Portfolio | None
    ) -> None:
        if portfolio is None:
            return
        known = set(portfolio.ids)
        j = self.column("partnership")
        for text in np.unique(values.astype(str)):
            if text == "" or text in known or unescape_cell(text) in known:
                continue
            for i in np.flatnonzero(values == text):
                self.error(
                    int(i),
                    j,
                    str(text),
                    f"a partnership of {portfolio.name!r}",
                    "Add it to the portfolio or correct the id.",
                )

    def _answers(
        self, item: Question, values: npt.NDArray[Any], j: int, groups: npt.NDArray[Any]
    ) -> npt.NDArray[np.int16]:
        codes = _answer_codes(item)
        out = np.full(values.shape, NOT_ANSWERED, dtype=np.int16)
        uniq, inv = np.unique(values.astype(str), return_inverse=True)
        names = ", ".join(c.name for c in item.choices)
        for k, text in enumerate(uniq):
            if text == "":
                continue
            rows = np.flatnonzero(inv == k)
            code = codes.get(str(text).casefold())
            if code is None:
                for i in rows:
                    self.error(int(i), j, str(text), f"one of {names}")
            else:
                out[rows] = code
        answered = out != NOT_ANSWERED
        not_asked = answered & ~np.isin(groups, [*item.groups, ""])
        for i in np.flatnonzero(not_asked):
            self.error(
                int(i),
                j,
                str(values[i]),
                f"blank for group {groups[i]!r}",
                f"The question is asked of: {', '.join(item.groups)}.",
            )
        return out

    def _duplicates(self, cells: npt.NDArray[Any], fixed: dict[str, Any]) -> None:
        pairs = np.array(
            [
                f"{r}\x00{p}"
                for r, p in zip(fixed["respondent"], fixed["partnership"], strict=True)
            ],
            dtype=object,
        )
        self._repeats(
            pairs,
            self.column("respondent"),
            "once per partnership",
            "first in row {row}",
        )
        for name in INSTANCE_COLUMNS:
            j = self.column(name)
            if j >= 0:
                ids = cells[:, j].copy()
                ids[ids == ""] = None
                self._repeats(
                    ids,
                    j,
                    "a submission id not seen before",
                    "first in row {row}",
                )
                break

    def _repeats(
        self, keys: npt.NDArray[Any], j: int, expected: str, hint: str
    ) -> None:
        if j < 0 or keys.size == 0:
            return
        shown = [str(k).split("\x00")[0] for k in keys]
        _, idx, inv = np.unique(
            keys.astype(str), return_index=True, return_inverse=True
        )
        for i in np.flatnonzero(idx[inv] != np.arange(keys.size)):
            if keys[i] is not None:
                row = int(idx[inv[i]]) + self.first_row
                self.error(int(i), j, shown[i], expected, hint.format(row=row))
