"""What the results of `uncertainty_analysis` and `sensitivity_analysis` share."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from kampala.sensitivity._failures import failure_note

__all__ = ["AnalysisResult"]


class AnalysisResult:
    """A mixin: the table as a DataFrame, and the runs that could not be computed.

    `UncertaintyResult` and `SensitivityResult` hold ``failed`` (the runs,
    rows of the design, that could not be computed), ``failure`` (the first
    reason), ``n_runs`` and ``methodology``, and have a ``table()`` of one
    row per ``index_name``.

    Examples
    --------
    >>> from kampala.sensitivity import example_uncertainty
    >>> res = example_uncertainty()
    >>> res.n_failed, res.failure_note()
    (0, '')
    """

    __slots__ = ()
    #: the column of `table` that indexes `to_pandas`
    index_name: ClassVar[str] = ""
    failed: npt.NDArray[np.intp]
    failure: str
    methodology: Any

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        raise NotImplementedError

    def table(self) -> list[dict[str, Any]]:
        """One row per unit or factor."""
        raise NotImplementedError

    @property
    def n_failed(self) -> int:
        """Number of runs that could not be computed (see `failure_note`)."""
        return int(self.failed.size)

    def failure_note(self, *, lang: str | None = "en") -> str:
        """Say how many runs could not be computed and why ("" if none)."""
        return failure_note(self.n_failed, self.n_runs, self.failure, lang=lang)

    def to_pandas(self) -> Any:
        """Return `table` as a pandas DataFrame, indexed by unit or by factor.

        The methodology is recorded in ``DataFrame.attrs["methodology"]``.

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> from kampala.sensitivity import example_sensitivity, example_uncertainty
        >>> df = example_uncertainty().to_pandas()  # one row per unit
        >>> df.shape, df.index.name
        ((48, 13), 'unit')
        >>> list(df.columns[:4])
        ['name', 'nominal_rank', 'rank_median', 'rank_p5']
        >>> df.loc["PE-HEA-001", ["nominal_rank", "p_top_10"]].tolist()
        [1.0, 1.0]
        >>> df = example_sensitivity().to_pandas()  # one row per factor
        >>> df.shape, df.index.name, list(df.columns)
        ((2, 6), 'factor', ['S1', 'S1_conf', 'ST', 'ST_conf', 'reliable', 'note'])
        >>> df["ST"].round(2).to_dict()
        {'weights@2': 0.01, 'missing': 0.99}
        """
        from kampala.io._pandas import require_pandas

        pd = require_pandas(f"{type(self).__name__}.to_pandas()")
        df = pd.DataFrame(self.table()).set_index(self.index_name)
        df.attrs["methodology"] = str(self.methodology)
        return df
