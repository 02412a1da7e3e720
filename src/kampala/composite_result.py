"""The result of running a methodology on indicator data.

`CompositeResult` keeps every intermediate data set by step name
(``"Raw"``, ``"Denominated"``, ``"Imputed"``, ``"Screened"``, ``"Treated"``,
``"Normalised"``), the score and rank of every aggregate, and the
contribution of each indicator to the root score of any unit. Every result
carries the `MethodologyRef` (id, version, hash) of the methodology that
produced it; `rank_scores` is the ranking rule all results share.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import scipy.stats

from kampala._version import __version__
from kampala.composite.aggregate import AggregateOutput
from kampala.errors import ParameterValueError
from kampala.framework import Framework
from kampala.indicators import IndicatorSet

__all__ = ["CompositeResult", "MethodologyRef", "rank_scores"]

FloatArray = npt.NDArray[np.float64]


def rank_scores(scores: FloatArray) -> FloatArray:
    """Rank scores, 1 = highest; ties share the best rank; NaN stays NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala.composite_result import rank_scores
    >>> rank_scores(np.array([3.0, 5.0, 3.0, np.nan])).tolist()
    [2.0, 1.0, 2.0, nan]
    """
    s = np.asarray(scores, dtype=np.float64)
    if s.size == 0:
        return s.copy()
    out: FloatArray = scipy.stats.rankdata(-s, method="min", nan_policy="omit")
    return out.astype(np.float64)


@attrs.frozen(kw_only=True)
class MethodologyRef:
    """Identifies the methodology that produced a result.

    Parameters
    ----------
    id : str
        Methodology identifier.
    version : str
        Methodology version.
    sha256 : str
        Content hash of the methodology's canonical JSON.

    Examples
    --------
    Every result records the methodology that produced it:

    >>> from kampala import Methodology
    >>> ref = Methodology.default().ref
    >>> ref.id, ref.version, len(ref.sha256)
    ('KPS', '1', 64)
    >>> print(ref)  # doctest: +ELLIPSIS
    KPS 1 (sha256:...)
    """

    id: str
    version: str
    sha256: str

    def __str__(self) -> str:
        return f"{self.id} {self.version} (sha256:{self.sha256[:12]})"


@attrs.frozen(kw_only=True, eq=False)
class CompositeResult:
    """Everything a methodology run produced.

    Attributes
    ----------
    methodology : MethodologyRef
        Id, version and hash of the methodology that produced the result.
    datasets : mapping of str to IndicatorSet
        ``"Raw"`` and the output of every data step, by data-set name.
    details : mapping of str to mapping
        What each step did (imputed values, removed units, treated points).
    unit_codes, unit_names : tuple of str
        The units scored (after screening).
    kampala_version, numpy_version : str
        Library versions that produced the result.

    Examples
    --------
    >>> from kampala import (Aggregate, Framework, IndicatorSet, Methodology, Node,
    ...                      Normalise)
    >>> fw = Framework(nodes=[Node(code="a", parent="P"),
    ...                       Node(code="b", parent="P", weight=3),
    ...                       Node(code="P", level=2, kind="aggregate")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2", "u3"],
    ...                     values=[[1.0, 10.0], [2.0, 30.0], [3.0, 20.0]])
    >>> m = Methodology(id="demo", version="1", steps=[Normalise(), Aggregate()])
    >>> result = m.run(data)
    >>> result.top(2)
    [(1, 'u2', 'u2', 87.5), (2, 'u3', 'u3', 62.5)]
    >>> result.explain("u2")  # contributions to the root score, summing to 87.5
    {'a': 12.5, 'b': 75.0}
    """

    methodology: MethodologyRef
    datasets: Mapping[str, IndicatorSet]
    details: Mapping[str, Mapping[str, Any]]
    aggregation: AggregateOutput
    unit_codes: tuple[str, ...]
    unit_names: tuple[str, ...]
    kampala_version: str = __version__
    numpy_version: str = np.__version__

    # -- scores and ranks ------------------------------------------------------------
    @property
    def framework(self) -> Framework:
        """The framework with the weights actually used.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology
        >>> from kampala.data import example_weighted_indicators
        >>> data = example_weighted_indicators()
        >>> m = Methodology(id="demo", version="1", steps=[Aggregate(weights="equal")])
        >>> m.run(data).framework.node("b").weight, data.framework.node("b").weight
        (1.0, 3.0)
        """
        return self.aggregation.framework

    @property
    def effective_weights(self) -> dict[str, float]:
        """Effective weight of every indicator at the root (equation (W2)).

        The product of the normalised weights on the path from the indicator
        to the root, with the weights this result used; they sum to 1.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.effective_weights
        {'a': 0.25, 'b': 0.75}
        """
        return dict(
            zip(
                self.framework.indicator_codes,
                self.framework.effective_weights().tolist(),
                strict=True,
            )
        )

    @property
    def aggregate_codes(self) -> tuple[str, ...]:
        """Codes of the aggregates, lowest level first.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.aggregate_codes
        ('P',)
        """
        return self.aggregation.codes

    @property
    def root(self) -> str:
        """Code of the root aggregate.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.root
        'P'
        """
        root = self.framework.root
        assert root is not None
        return root

    @property
    def scores(self) -> FloatArray:
        """All aggregate scores, shape (n_units, n_aggregates), read-only.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.scores
        array([[70.],
               [75.]])
        """
        return self.aggregation.scores

    def score(self, code: str | None = None) -> FloatArray:
        """Scores of one aggregate (default: the root) for every unit.

        Raises
        ------
        ParameterValueError
            If ``code`` is not an aggregate of the result.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.score("P").tolist()
        [70.0, 75.0]
        """
        code = self.root if code is None else code
        if code not in self.aggregate_codes:
            raise ParameterValueError(
                "CompositeResult.score()",
                "code",
                code,
                f"one of the aggregates {list(self.aggregate_codes)}",
            )
        col = self.scores[:, self.aggregate_codes.index(code)]
        return col

    def ranks(self, code: str | None = None) -> FloatArray:
        """Ranks of one aggregate (default: the root); 1 = best, ties share.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.ranks().tolist()
        [2.0, 1.0]
        """
        return rank_scores(self.score(code))

    def unit_index(self, unit: str) -> int:
        """Row of a unit code.

        Raises
        ------
        ParameterValueError
            If the unit is not in the result (unknown or screened out).

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> i = result.unit_index("u2")
        >>> i, float(result.score()[i])
        (1, 75.0)
        """
        try:
            return self.unit_codes.index(unit)
        except ValueError:
            removed = self.details.get("screen", {}).get("removed", [])
            hint = "It was screened out." if unit in removed else ""
            raise ParameterValueError(
                "CompositeResult", "unit", unit, "a unit code of the result", hint=hint
            ) from None

    def top(self, n: int = 10) -> list[tuple[int, str, str, float]]:
        """Return the ``n`` best units as (rank, code, name, root score), best first.

        Units without a root score (too little data under ``min_data`` or
        ``min_coverage``) come last, with rank -1 and a NaN score.

        Examples
        --------
        >>> from kampala import Aggregate, Methodology, Normalise
        >>> from kampala.data import asem_paths
        >>> from kampala.io.coinr import read_coinr
        >>> m = Methodology(id="asem", version="1", steps=[Normalise(), Aggregate()])
        >>> m.run(read_coinr(*asem_paths())).top(3)
        [(1, 'DEU', 'Germany', 75.2278), (2, 'GBR', 'United Kingdom', 68.9363),
         (3, 'FRA', 'France', 65.9181)]
        """
        s = self.score()
        r = self.ranks()
        order = np.lexsort((np.arange(s.size), np.nan_to_num(r, nan=np.inf)))
        return [
            (
                int(r[i]) if not math.isnan(r[i]) else -1,
                self.unit_codes[i],
                self.unit_names[i],
                float(s[i]),
            )
            for i in order[:n]
        ]

    # -- explanation -------------------------------------------------------------------
    def contributions(self) -> FloatArray:
        """Contribution of every indicator to every unit's root score.

        Returns
        -------
        numpy.ndarray, shape (n_units, n_indicators)
            Each row sums to the unit's root score (missing indicators are
            NaN and contribute nothing). For arithmetic levels the split is
            exact (renormalised weight times value); other levels share their
            value among children in proportion to weight times value
            (equation (C1) of the aggregation page).

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.contributions()  # rows sum to the scores 70 and 75
        array([[10. , 60. ],
               [22.5, 52.5]])
        """
        fw = self.framework
        leaves = self.datasets[_last_dataset(self.datasets)].values
        aggs = self.scores
        n = leaves.shape[0]
        n_ind = len(fw.indicator_codes)
        col = {c: i for i, c in enumerate(fw.indicator_codes)}
        for j, c in enumerate(fw.aggregate_codes):
            col[c] = n_ind + j

        def value(code: str) -> FloatArray:
            i = col[code]
            return leaves[:, i] if i < n_ind else aggs[:, i - n_ind]

        contrib: dict[str, FloatArray] = {self.root: value(self.root).copy()}
        mult: dict[str, FloatArray] = {self.root: np.ones(n)}
        rules = self.aggregation.rules
        for parent in reversed(fw.aggregate_codes):
            kids = fw.children(parent)
            x = np.column_stack([value(k) for k in kids])
            present = ~np.isnan(x)
            w = np.array([fw.normalised_weight(k) for k in kids]) * present
            wsum = w.sum(axis=1, keepdims=True)
            with np.errstate(invalid="ignore", divide="ignore"):
                wt = np.where(wsum > 0, w / wsum, 0.0)
            x0 = np.where(present, x, 0.0)
            rule = rules[fw.node(parent).level]
            if rule.method == "arithmetic":
                m = mult[parent][:, None] * wt
                part = m * x0
            else:
                a = (wt * x0).sum(axis=1, keepdims=True)
                with np.errstate(invalid="ignore", divide="ignore"):
                    share = np.where(a != 0, wt * x0 / np.where(a != 0, a, 1.0), wt)
                part = contrib[parent][:, None] * share
                with np.errstate(invalid="ignore", divide="ignore"):
                    m = np.where(x0 != 0, part / np.where(x0 != 0, x0, 1.0), 0.0)
            blank = np.isnan(value(parent))  # a missing aggregate passes nothing on
            for j, k in enumerate(kids):
                contrib[k] = np.where(present[:, j] & ~blank, part[:, j], np.nan)
                mult[k] = np.where(blank, 0.0, m[:, j])
        out = np.column_stack([contrib[code] for code in fw.indicator_codes])
        out.flags.writeable = False
        return out

    def explain(self, unit: str) -> dict[str, float]:
        """Contribution of each indicator to one unit's root score.

        The values (NaN for missing indicators) sum to the unit's root score.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.explain("u1")  # 0.25 * 40 and 0.75 * 80
        {'a': 10.0, 'b': 60.0}
        """
        row = self.contributions()[self.unit_index(unit)]
        return dict(zip(self.framework.indicator_codes, row.tolist(), strict=True))

    # -- tables ----------------------------------------------------------------
    def table(self) -> list[dict[str, Any]]:
        """One row per unit: ``uCode``, every aggregate score, root ``rank``.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.table()
        [{'uCode': 'u1', 'P': 70.0, 'rank': 2}, {'uCode': 'u2', 'P': 75.0, 'rank': 1}]
        """
        r = self.ranks()
        rows = []
        for i, code in enumerate(self.unit_codes):
            row: dict[str, Any] = {"uCode": code}
            for j, a in enumerate(self.aggregate_codes):
                row[a] = float(self.scores[i, j])
            row["rank"] = None if math.isnan(r[i]) else int(r[i])
            rows.append(row)
        return rows

    def to_pandas(self) -> Any:
        """Return `table()` as a pandas DataFrame indexed by unit code.

        Requires the optional ``pandas`` extra.

        Examples
        --------
        >>> from kampala.data import example_result
        >>> result = example_result()  # a, b (weight 3) -> P; units u1, u2
        >>> result.to_pandas()
              uName     P  rank
        uCode
        u1       u1  70.0     2
        u2       u2  75.0     1
        """
        from kampala.io._pandas import require_pandas

        pd = require_pandas("CompositeResult.to_pandas()")
        df = pd.DataFrame(self.table()).set_index("uCode")
        df.insert(0, "uName", list(self.unit_names))
        df["rank"] = df["rank"].astype("Int64")
        df.attrs["methodology"] = str(self.methodology)
        return df

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{rank}</td><td>{html.escape(code)}</td>"
            f"<td>{html.escape(name)}</td><td>{score:.3f}</td></tr>"
            for rank, code, name, score in self.top(len(self.unit_codes))
        )
        return (
            f"<p><b>{html.escape(self.root)}</b> — methodology "
            f"{html.escape(str(self.methodology))}</p>"
            "<table><thead><tr><th>rank</th><th>code</th><th>name</th>"
            f"<th>score</th></tr></thead><tbody>{rows}</tbody></table>"
        )

    def __repr__(self) -> str:
        return (
            f"CompositeResult(methodology={self.methodology!s}, "
            f"units={len(self.unit_codes)}, aggregates={len(self.aggregate_codes)})"
        )


def _last_dataset(datasets: Mapping[str, IndicatorSet]) -> str:
    return list(datasets)[-1]
