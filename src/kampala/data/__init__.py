"""Example data shipped with kampala (see the README in this folder).

- `sample_portfolio()`: an illustrative, fictional portfolio of Peruvian
  multi-stakeholder partnerships (not real projects, not an assessment).
- `sample_scorecard()`: the sample portfolio scored with KPS-1, for the
  examples of figures, reports and sensitivity analyses.
- `sample_iati_path()`: a tiny fictional IATI activity file (two
  activities, in Peru and Bolivia), for the IATI import examples.
- `sample_responses()`: fictional answers of the five stakeholder groups
  about eight partnerships of the sample portfolio (ODK Central's CSV
  layout), for the multi-stakeholder examples; invented, not a survey.
- `asem_paths()`: the ASEM Sustainable Connectivity example index in
  COINr's iData/iMeta layout (data: JRC ASEM portal; example: COINr).
- `example_framework()`, `example_indicators()` and `example_result()`: the
  small framework, indicator set and composite result that the reference
  examples build on.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kampala.composite.aggregate import Aggregate
from kampala.composite_result import CompositeResult
from kampala.framework import Framework, Node
from kampala.indicators import IndicatorSet
from kampala.methodology import Methodology

if TYPE_CHECKING:
    from kampala.portfolio import Portfolio
    from kampala.scorecard import Scorecard
    from kampala.stakeholders import Responses

__all__ = [
    "asem_paths",
    "example_framework",
    "example_indicators",
    "example_result",
    "example_weighted_indicators",
    "sample_iati_path",
    "sample_portfolio",
    "sample_portfolio_path",
    "sample_responses",
    "sample_responses_path",
    "sample_scorecard",
]


def _path(*parts: str) -> Path:
    return Path(str(resources.files("kampala.data").joinpath(*parts)))


def sample_iati_path() -> Path:
    """Return the path of a tiny fictional IATI activity file.

    Two activities (IATI Standard 2.03): ``XM-EX-1-001`` in Peru, with a
    title and a DAC sector, and ``XM-EX-1-002`` in Bolivia, with a title
    only. They are invented, for the examples of `kampala.io.iati`.

    Examples
    --------
    >>> from kampala.data import sample_iati_path
    >>> from kampala.io.iati import read_iati
    >>> read_iati(sample_iati_path()).ids
    ('XM-EX-1-001', 'XM-EX-1-002')
    """
    return _path("sample_iati.xml")


def sample_portfolio_path() -> Path:
    """Return the path of the sample portfolio's JSON file.

    Examples
    --------
    >>> import json
    >>> from kampala.data import sample_portfolio_path
    >>> path = sample_portfolio_path()
    >>> path.name
    'sample_portfolio.json'
    >>> json.loads(path.read_text(encoding="utf-8"))["format"]
    'kampala.portfolio/1'
    """
    return _path("sample_portfolio.json")


def sample_portfolio() -> Portfolio:
    """Load the illustrative sample portfolio of Peruvian partnerships.

    The partnerships are fictional; they exist to show and test the
    library, not to describe real projects.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> pf = sample_portfolio()
    >>> len(pf), pf.name
    (48, 'Cartera ilustrativa APCI (ficticia)')
    >>> pf["PE-AGR-001"].title
    'Cadenas de valor de café especial con cooperativas del Alto Mayo'
    """
    from kampala.io.portfolio_io import read_portfolio

    return read_portfolio(sample_portfolio_path())


def sample_scorecard() -> Scorecard:
    """Score the sample portfolio with KPS-1 (`Methodology.default`).

    The starting point of the examples of figures, reports and sensitivity
    analyses; scored anew at every call.

    Examples
    --------
    >>> from kampala.data import sample_scorecard
    >>> card = sample_scorecard()
    >>> len(card.ids), card.table()[0]["rank"]
    (48, 1)
    """
    return Methodology.default().run(sample_portfolio())


def sample_responses_path() -> Path:
    """Return the path of the fictional stakeholder responses (CSV).

    Examples
    --------
    >>> from kampala.data import sample_responses_path
    >>> sample_responses_path().name
    'sample_responses.csv'
    """
    return _path("stakeholders", "sample_responses.csv")


def sample_responses() -> Responses:
    """Load the fictional answers of five stakeholder groups (see the README).

    **Invented data**: no organisation answered; the answers are drawn
    around the sample portfolio's evidence with a made-up lean per group.

    Examples
    --------
    >>> from kampala.data import sample_responses
    >>> r = sample_responses()
    >>> len(r), sorted(set(r.partnership))[:2]
    (104, ['PE-AGR-001', 'PE-AGR-004'])
    """
    from kampala.io import read_responses

    return read_responses(sample_responses_path())


def asem_paths() -> tuple[Path, Path]:
    """Return the paths of the ASEM example's iData and iMeta CSV files.

    Examples
    --------
    >>> from kampala.data import asem_paths
    >>> from kampala.io.coinr import read_coinr
    >>> idata, imeta = asem_paths()
    >>> idata.name, imeta.name
    ('asem_iData.csv', 'asem_iMeta.csv')
    >>> data = read_coinr(idata, imeta)
    >>> data.n_units, data.n_indicators, data.framework.root
    (51, 49, 'Index')
    """
    return _path("asem", "asem_iData.csv"), _path("asem", "asem_iMeta.csv")


def example_framework() -> Framework:
    """Build the small three-level framework of the reference examples.

    Indicator ``x`` belongs to the aggregate ``P`` (level 2); ``P`` and
    indicator ``y`` belong to the root ``T`` (level 3). Every weight is 1.

    Examples
    --------
    >>> from kampala.data import example_framework
    >>> fw = example_framework()
    >>> fw.indicator_codes, fw.aggregate_codes, fw.node("P").parent
    (('x', 'y'), ('P', 'T'), 'T')
    >>> fw.effective_weights().tolist()
    [0.5, 0.5]
    """
    return Framework(
        nodes=[
            Node(code="x", parent="P"),
            Node(code="y", parent="T"),
            Node(code="P", level=2, kind="aggregate", parent="T"),
            Node(code="T", level=3, kind="aggregate"),
        ]
    )


def example_indicators() -> IndicatorSet:
    """Build the small indicator set of the reference examples.

    Units ``a``, ``b`` and ``c``; indicators ``x`` and ``y`` without
    aggregates; ``y`` is missing for ``a``.

    Examples
    --------
    >>> from kampala.data import example_indicators
    >>> data = example_indicators()
    >>> data.unit_codes, data.indicator_codes, data.framework.root
    (('a', 'b', 'c'), ('x', 'y'), None)
    >>> data.values.tolist()
    [[1.0, nan], [2.0, 5.0], [3.0, 6.0]]
    """
    return IndicatorSet(
        framework=Framework(nodes=[Node(code="x"), Node(code="y")]),
        unit_codes=["a", "b", "c"],
        values=[[1.0, math.nan], [2.0, 5.0], [3.0, 6.0]],
    )


def example_weighted_indicators() -> IndicatorSet:
    """Build the two-indicator tree of the `CompositeResult` examples.

    Indicators ``a`` and ``b`` (weight 3) under the root ``P``, for units
    ``u1`` (40, 80) and ``u2`` (90, 70).

    Examples
    --------
    >>> from kampala.data import example_weighted_indicators
    >>> data = example_weighted_indicators()
    >>> data.framework.node("b").weight, data.values.tolist()
    (3.0, [[40.0, 80.0], [90.0, 70.0]])
    """
    framework = Framework(
        nodes=[
            Node(code="a", parent="P"),
            Node(code="b", parent="P", weight=3),
            Node(code="P", level=2, kind="aggregate"),
        ]
    )
    return IndicatorSet(
        framework=framework,
        unit_codes=["u1", "u2"],
        values=[[40.0, 80.0], [90.0, 70.0]],
    )


def example_result() -> CompositeResult:
    """Build the composite result that the `CompositeResult` examples show.

    `example_weighted_indicators` aggregated by the weighted arithmetic mean
    with no other step.

    Examples
    --------
    >>> from kampala.data import example_result
    >>> result = example_result()
    >>> result.unit_codes, result.root
    (('u1', 'u2'), 'P')
    >>> result.score().tolist()
    [70.0, 75.0]
    """
    steps = [Aggregate()]
    return Methodology(id="demo", version="1", steps=steps).run(
        example_weighted_indicators()
    )
