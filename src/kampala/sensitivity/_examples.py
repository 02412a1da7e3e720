"""The small analyses the examples of the sensitivity package start from.

Every method of `UncertaintyResult` and `SensitivityResult` is shown on the
same two analyses of the sample portfolio, and the weight-robustness
functions on the same top level; they are built here once, so that each
example shows only what it is about.
"""

from __future__ import annotations

import warnings

from kampala.data import sample_portfolio
from kampala.errors import DegenerateIndicatorWarning
from kampala.methodology import kps1
from kampala.sensitivity.analysis import (
    SensitivityResult,
    UncertaintyResult,
    sensitivity_analysis,
    uncertainty_analysis,
)
from kampala.sensitivity.robustness import TopLevel, top_level
from kampala.sensitivity.spec import (
    UncertaintySpec,
    WeightNoise,
    missing_evidence_choice,
)

__all__ = ["example_sensitivity", "example_top_level", "example_uncertainty"]


def example_uncertainty(n: int = 16, rng: int = 0) -> UncertaintyResult:
    """Run an uncertainty analysis of KPS-1 on the sample portfolio, weights varied.

    The principle weights vary by up to 25% (``WeightNoise(levels=2,
    spread=0.25)``).

    Parameters
    ----------
    n : int, default=16
        Number of samples.
    rng : int, default=0
        Seed.

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    The same as:

    >>> import numpy as np
    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala import sensitivity as sa
    >>> spec = sa.UncertaintySpec(factors=[sa.WeightNoise(levels=2, spread=0.25)])
    >>> res = sa.uncertainty_analysis(kps1(), sample_portfolio(), spec, n=16, rng=0)
    >>> bool(np.array_equal(res.ranks, sa.example_uncertainty().ranks, equal_nan=True))
    True
    """
    spec = UncertaintySpec(factors=[WeightNoise(levels=2, spread=0.25)])
    return uncertainty_analysis(kps1(), sample_portfolio(), spec, n=n, rng=rng)


def example_sensitivity(n: int = 64, rng: int = 1) -> SensitivityResult:
    """Compute Sobol' indices of KPS-1 on the sample portfolio (weights, evidence).

    The factors are the principle weights (``WeightNoise(levels=2)``) and
    whether missing evidence counts as 0 (`missing_evidence_choice`), with
    100 bootstrap replicates. The warning that names the units that never
    get a score is silenced.

    Parameters
    ----------
    n : int, default=64
        Base sample size.
    rng : int, default=1
        Seed.

    Returns
    -------
    SensitivityResult

    Examples
    --------
    >>> from kampala.sensitivity import example_sensitivity
    >>> res = example_sensitivity()
    >>> res.factors, res.n_runs  # 64 * (2 factors + 2)
    (('weights@2', 'missing'), 256)
    """
    spec = UncertaintySpec(factors=[WeightNoise(levels=2), missing_evidence_choice()])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateIndicatorWarning)
        return sensitivity_analysis(
            kps1(), sample_portfolio(), spec, n=n, n_bootstrap=100, rng=rng
        )


def example_top_level() -> TopLevel:
    """Return the principles of KPS-1 on the sample portfolio as a linear top level.

    Returns
    -------
    TopLevel

    Examples
    --------
    The same as:

    >>> from kampala.data import sample_portfolio
    >>> from kampala.methodology import kps1
    >>> from kampala.sensitivity import example_top_level, top_level
    >>> top = top_level(kps1().run(sample_portfolio()))
    >>> top.units == example_top_level().units, top.components
    (True, ('P1', 'P2', 'P3', 'P4', 'P5'))
    """
    return top_level(kps1().run(sample_portfolio()))
