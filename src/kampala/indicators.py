"""Indicator data: units x indicators, with their framework.

An `IndicatorSet` is the input of the composite engine: one row per
unit (a country, a partnership), one column per indicator of its
`Framework`, float64 values with NaN for missing
data, plus unit names, group columns (for group imputation) and
denominators (for denomination).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.arrays import frozen_float64
from kampala.errors import DataFormatError, ParameterValueError
from kampala.framework import Framework

__all__ = ["IndicatorSet"]

FloatArray = npt.NDArray[np.float64]


def _str_tuple(values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, tuple):
        out = values
    elif isinstance(values, np.ndarray):
        out = tuple(values.tolist())
    else:
        out = tuple(values)
    if not set(map(type, out)) <= {str}:
        bad = next(v for v in out if not isinstance(v, str))
        raise DataFormatError("IndicatorSet()", "unit codes and names", bad, "strings")
    return out


def _groups(
    groups: Mapping[str, Sequence[str | None]],
) -> dict[str, tuple[str | None, ...]]:
    return {str(k): tuple(v) for k, v in dict(groups).items()}


def _denominators(denoms: Mapping[str, Any]) -> dict[str, FloatArray]:
    return {str(k): frozen_float64(v) for k, v in dict(denoms).items()}


def _check_finite(values: FloatArray, data: IndicatorSet) -> None:
    """Raise for an infinite value, naming its unit and indicator (in blocks)."""
    for start in range(0, values.shape[0], 8192):
        block = values[start : start + 8192]
        if np.isinf(block).any():
            r, c = np.argwhere(np.isinf(block))[0]
            raise DataFormatError(
                f"unit {data.unit_codes[start + r]!r}",
                data.framework.indicator_codes[c],
                float(block[r, c]),
                "a finite number or NaN (missing)",
            )


def _readonly(arr: FloatArray) -> FloatArray:
    if arr.flags.writeable:
        arr = arr.view()
        arr.flags.writeable = False
    return arr


@attrs.frozen(kw_only=True, eq=False)
class IndicatorSet:
    """Values of the indicators of a framework for a set of units.

    Parameters
    ----------
    framework : Framework
        The indicators (columns) and how they aggregate.
    unit_codes : sequence of str
        Unique unit identifiers, one per row.
    values : array_like, shape (n_units, n_indicators)
        Indicator values in the column order of
        ``framework.indicator_codes``; NaN marks a missing value. Infinite
        values are rejected.
    unit_names : sequence of str, optional
        Display names; default to the codes.
    groups : mapping of str to sequence of str or None, optional
        Categorical unit columns (for example ``"EurAsia_group"``), one
        entry per unit; ``None`` marks a unit outside every group.
    denominators : mapping of str to array_like, optional
        Unit-level variables that indicators may be divided by.

    Raises
    ------
    DataFormatError
        If shapes disagree, unit codes repeat or values are infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from kampala import Framework, IndicatorSet, Node
    >>> fw = Framework(nodes=[Node(code="x", parent="T"), Node(code="y", parent="T"),
    ...                       Node(code="T", level=2, kind="aggregate")])
    >>> data = IndicatorSet(framework=fw, unit_codes=["u1", "u2"],
    ...                     values=[[1.0, np.nan], [3.0, 4.0]])
    >>> data.n_units, data.n_indicators, data.column("x").tolist()
    (2, 2, [1.0, 3.0])
    """

    framework: Framework
    unit_codes: tuple[str, ...] = attrs.field(converter=_str_tuple)
    values: FloatArray = attrs.field(converter=frozen_float64)
    unit_names: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    groups: Mapping[str, tuple[str | None, ...]] = attrs.field(
        factory=dict, converter=_groups
    )
    denominators: Mapping[str, FloatArray] = attrs.field(
        factory=dict, converter=_denominators
    )

    def __attrs_post_init__(self) -> None:
        n = len(self.unit_codes)
        k = len(self.framework.indicator_codes)
        where = "IndicatorSet()"
        if self.values.ndim != 2 or self.values.shape != (n, k):
            raise DataFormatError(
                where,
                "values",
                self.values.shape,
                f"of shape (n_units, n_indicators) = ({n}, {k})",
            )
        if len(set(self.unit_codes)) != n:
            dup = next(c for c in self.unit_codes if self.unit_codes.count(c) > 1)
            raise DataFormatError(where, "unit_codes", dup, "unique")
        _check_finite(self.values, self)
        if not self.unit_names:
            object.__setattr__(self, "unit_names", self.unit_codes)
        elif len(self.unit_names) != n:
            raise DataFormatError(
                where, "unit_names", len(self.unit_names), f"of length {n}"
            )
        for name, col in self.groups.items():
            if len(col) != n:
                raise DataFormatError(
                    where, f"groups[{name!r}]", len(col), f"of length {n}"
                )
        for name, arr in self.denominators.items():
            if arr.shape != (n,):
                raise DataFormatError(
                    where, f"denominators[{name!r}]", arr.shape, f"of shape ({n},)"
                )
            arr.flags.writeable = False
        self.values.flags.writeable = False

    # -- equality ----------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, IndicatorSet):
            return NotImplemented
        return (
            self.framework == other.framework
            and self.unit_codes == other.unit_codes
            and self.unit_names == other.unit_names
            and np.array_equal(self.values, other.values, equal_nan=True)
            and dict(self.groups) == dict(other.groups)
            and self.denominators.keys() == other.denominators.keys()
            and all(
                np.array_equal(v, other.denominators[k], equal_nan=True)
                for k, v in self.denominators.items()
            )
        )

    __hash__ = None  # type: ignore[assignment]

    # -- views ---------------------------------------------------------------------
    @property
    def n_units(self) -> int:
        """Number of units (rows).

        Examples
        --------
        >>> from kampala.data import asem_paths
        >>> from kampala.io.coinr import read_coinr
        >>> read_coinr(*asem_paths()).n_units  # the ASEM countries
        51
        """
        return len(self.unit_codes)

    @property
    def n_indicators(self) -> int:
        """Number of indicators (columns).

        Examples
        --------
        The ASEM example index has 49 indicators under 8 pillars:

        >>> from kampala.data import asem_paths
        >>> from kampala.io.coinr import read_coinr
        >>> read_coinr(*asem_paths()).n_indicators
        49
        """
        return len(self.framework.indicator_codes)

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """Indicator codes, in column order (those of the framework).

        Examples
        --------
        >>> from kampala import Framework, IndicatorSet, Node
        >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
        >>> data = IndicatorSet(framework=fw, unit_codes=["a"], values=[[1.0, 2.0]])
        >>> data.indicator_codes
        ('x', 'y')
        """
        return self.framework.indicator_codes

    def column(self, code: str) -> FloatArray:
        """Return the (read-only) values of one indicator.

        Raises
        ------
        DataFormatError
            If ``code`` is not an indicator of the data.

        Examples
        --------
        >>> from kampala.data import example_indicators
        >>> data = example_indicators()
        >>> data.column("y")
        array([nan,  5.,  6.])
        >>> data.column("y").flags.writeable
        False
        """
        try:
            j = self.framework.indicator_codes.index(code)
        except ValueError:
            raise DataFormatError(
                "IndicatorSet.column()",
                "code",
                code,
                "one of the indicator codes",
                hint=f"Indicators: {list(self.framework.indicator_codes)[:8]}...",
            ) from None
        return _readonly(self.values[:, j])

    def group(self, name: str) -> tuple[str | None, ...]:
        """Return a group column by name.

        Raises
        ------
        DataFormatError
            If there is no group column of that name (group columns are
            read with the data, e.g. ``EurAsia_group`` in COINr's iData).

        Examples
        --------
        >>> from kampala import Framework, IndicatorSet, Node
        >>> fw = Framework(nodes=[Node(code="x")])
        >>> data = IndicatorSet(framework=fw, unit_codes=["a", "b", "c"],
        ...                     values=[[1.0], [2.0], [3.0]],
        ...                     groups={"region": ["North", "South", None]})
        >>> data.group("region")
        ('North', 'South', None)
        """
        if name not in self.groups:
            raise DataFormatError(
                "IndicatorSet.group()",
                "name",
                name,
                f"one of the group columns {sorted(self.groups)}",
            )
        return self.groups[name]

    def data_availability(self) -> FloatArray:
        """Share of indicators with a value, per unit.

        Examples
        --------
        ``y`` is missing for unit ``a``:

        >>> from kampala.data import example_indicators
        >>> example_indicators().data_availability()
        array([0.5, 1. , 1. ])
        """
        # a count over a count: exactly k/n, so thresholds such as 0.9 compare
        # as the analyst expects (1 - 1/10 would be 0.8999999999999999)
        present = (~np.isnan(self.values)).sum(axis=1)
        out: FloatArray = present / max(1, self.values.shape[1])
        return out

    # -- derived sets ---------------------------------------------------------------
    def with_values(self, values: FloatArray, *, validate: bool = True) -> IndicatorSet:
        """Return a copy with new values of the same shape.

        Only the values are checked (shape, no infinities): units, groups and
        denominators are shared with this set, which validated them. Kernels
        whose output is finite by construction pass ``validate=False`` to
        skip the scan for infinities.

        Raises
        ------
        DataFormatError
            If the shape differs or, with ``validate``, a value is infinite.

        Examples
        --------
        >>> from kampala.data import example_indicators
        >>> data = example_indicators()
        >>> scaled = data.with_values(data.values * 10)
        >>> scaled.column("x").tolist(), scaled.unit_codes == data.unit_codes
        ([10.0, 20.0, 30.0], True)
        """
        arr = frozen_float64(values)
        if arr.shape != self.values.shape:
            raise DataFormatError(
                "IndicatorSet.with_values()",
                "values",
                arr.shape,
                f"of shape {self.values.shape}",
            )
        if validate:
            _check_finite(arr, self)
        if arr.flags.writeable:
            arr.flags.writeable = False
        new = copy.copy(self)
        object.__setattr__(new, "values", arr)
        return new

    def select_units(self, mask: npt.NDArray[np.bool_]) -> IndicatorSet:
        """Return the units where ``mask`` is true, keeping their order.

        Raises
        ------
        ParameterValueError
            If ``mask`` is not a boolean array with one value per unit.

        Examples
        --------
        Keep the units with every value:

        >>> from kampala.data import example_indicators
        >>> data = example_indicators()
        >>> complete = data.select_units(data.data_availability() == 1)
        >>> complete.unit_codes, complete.values.tolist()
        (('b', 'c'), [[2.0, 5.0], [3.0, 6.0]])
        """
        m = np.asarray(mask)
        if m.dtype != np.bool_ or m.shape != (self.n_units,):
            raise ParameterValueError(
                "IndicatorSet.select_units()",
                "mask",
                f"array of dtype {m.dtype} and shape {m.shape}",
                f"a boolean array of shape ({self.n_units},), one value per unit",
                hint="Select by position with np.isin(np.arange(n), rows).",
            )
        idx = np.flatnonzero(m)
        return IndicatorSet(
            framework=self.framework,
            unit_codes=[self.unit_codes[i] for i in idx],
            unit_names=[self.unit_names[i] for i in idx],
            values=self.values[idx],
            groups={k: [v[i] for i in idx] for k, v in self.groups.items()},
            denominators={k: v[idx] for k, v in self.denominators.items()},
        )

    def to_records(self) -> list[dict[str, Any]]:
        """Return one mapping per unit: ``uCode``, ``uName``, groups and values.

        Missing values become ``None``; denominators are not included.

        Examples
        --------
        >>> import numpy as np
        >>> from kampala import Framework, IndicatorSet, Node
        >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
        >>> data = IndicatorSet(framework=fw, unit_codes=["PE", "CL"],
        ...                     unit_names=["Peru", "Chile"],
        ...                     groups={"bloc": ["Pacific", "Pacific"]},
        ...                     values=[[1.0, np.nan], [2.0, 5.0]])
        >>> data.to_records()
        [{'uCode': 'PE', 'uName': 'Peru', 'bloc': 'Pacific', 'x': 1.0, 'y': None},
         {'uCode': 'CL', 'uName': 'Chile', 'bloc': 'Pacific', 'x': 2.0, 'y': 5.0}]
        """
        out = []
        for i, code in enumerate(self.unit_codes):
            row: dict[str, Any] = {"uCode": code, "uName": self.unit_names[i]}
            for g, col in self.groups.items():
                row[g] = col[i]
            for j, ind in enumerate(self.indicator_codes):
                v = float(self.values[i, j])
                row[ind] = None if np.isnan(v) else v
            out.append(row)
        return out

    @classmethod
    def from_columns(
        cls,
        framework: Framework,
        unit_codes: Sequence[str],
        columns: Mapping[str, Sequence[float]],
        **kwargs: Any,
    ) -> IndicatorSet:
        """Build a set from one sequence of values per indicator code.

        Raises
        ------
        DataFormatError
            If an indicator of the framework has no column, or a column is
            not an indicator of the framework.

        Examples
        --------
        Columns may come in any order; they are arranged in the framework's:

        >>> from kampala import Framework, IndicatorSet, Node
        >>> fw = Framework(nodes=[Node(code="x"), Node(code="y")])
        >>> data = IndicatorSet.from_columns(fw, ["a", "b"],
        ...                                  {"y": [3.0, 4.0], "x": [1.0, 2.0]})
        >>> data.values.tolist()
        [[1.0, 3.0], [2.0, 4.0]]
        """
        missing = [c for c in framework.indicator_codes if c not in columns]
        if missing:
            raise DataFormatError(
                "IndicatorSet.from_columns()",
                "columns",
                missing,
                "present for every indicator of the framework",
            )
        extra = [c for c in columns if c not in framework.indicator_codes]
        if extra:
            raise DataFormatError(
                "IndicatorSet.from_columns()",
                "columns",
                extra,
                "indicator codes of the framework",
            )
        values = np.column_stack(
            [
                np.asarray(columns[c], dtype=np.float64)
                for c in framework.indicator_codes
            ]
        )
        return cls(framework=framework, unit_codes=unit_codes, values=values, **kwargs)
