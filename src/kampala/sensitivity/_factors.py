"""What every uncertainty factor answers; the weight factors and `Exclusion`.

A factor is one class: `FactorBase` gives the defaults (a discrete factor
varies no weight continuously and excludes nothing), each factor class
overrides what it does. The engine and `UncertaintySpec` ask the factor,
never its type.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
import numpy as np
import scipy.special

from kampala._internal.array_types import FloatArray, IntArray
from kampala.errors import ParameterValueError
from kampala.framework import Framework

#: smallest Dirichlet concentration: below it even the logarithms of the
#: gamma variates overflow
_MIN_CONCENTRATION = 1e-100

if TYPE_CHECKING:
    from kampala.methodology import Methodology
    from kampala.portfolio import Portfolio
    from kampala.principles import ScorerRegistry
    from kampala.sensitivity.spec import UncertaintySpec

__all__ = [
    "DirichletWeights",
    "EvidenceChoice",
    "Exclusion",
    "FactorBase",
    "FactorContext",
    "ValueChoice",
    "WeightNoise",
    "weighted_nodes",
]


class FactorBase:
    """Defaults shared by every factor of an `UncertaintySpec`.

    Attributes
    ----------
    discrete : bool
        Whether the factor is a choice among options (one input dimension,
        cut into ``options`` equal parts) rather than continuous weights.

    Examples
    --------
    >>> from kampala.sensitivity import Exclusion, WeightNoise
    >>> WeightNoise(levels=2).discrete, Exclusion(codes=["P1"]).discrete
    (False, True)
    """

    __slots__ = ()
    discrete: ClassVar[bool] = True
    name: str

    @property
    def where(self) -> str:
        """Where errors about the factor say they are: ``factor '<name>'``.

        Examples
        --------
        >>> from kampala.sensitivity import WeightNoise
        >>> WeightNoise(levels=2).where
        "factor 'weights@2'"
        """
        return f"factor {self.name!r}"

    @property
    def weight_levels(self) -> tuple[int, ...]:
        """Levels whose weights the factor varies continuously (none).

        Examples
        --------
        >>> from kampala.sensitivity import missing_evidence_choice
        >>> missing_evidence_choice().weight_levels
        ()
        """
        return ()

    def nodes(self, framework: Framework) -> tuple[str, ...]:
        """Return the nodes whose weights the factor varies continuously.

        They are the weighted nodes at the `weight_levels`: none for a
        discrete factor.

        Examples
        --------
        Level 1 of KPS-1 holds its 29 criteria:

        >>> from kampala.methodology import kps1
        >>> from kampala.scoring import methodology_framework
        >>> from kampala.sensitivity import Exclusion, WeightNoise
        >>> fw = methodology_framework(kps1())
        >>> nodes = WeightNoise(levels=1).nodes(fw)
        >>> len(nodes), nodes[:2], Exclusion(codes=["P1"]).nodes(fw)
        (29, ('P1.alignment', 'P1.government_role'), ())
        """
        return weighted_nodes(framework, self.weight_levels)

    def excluded(self, index: int) -> tuple[str, ...]:
        """Return the nodes whose weight option ``index`` sets to 0 (none).

        Examples
        --------
        >>> from kampala.sensitivity import missing_evidence_choice
        >>> missing_evidence_choice().excluded(1)
        ()
        """
        return ()

    def portfolio(self, index: int) -> Portfolio | None:
        """Return the evidence option ``index`` scores instead of the data (none).

        Examples
        --------
        >>> from kampala.sensitivity import WeightNoise
        >>> print(WeightNoise(levels=2).portfolio(0))
        None
        """
        return None

    def drops_step(self, kind: str) -> bool:
        """Return whether some option removes the ``kind`` step (no).

        Examples
        --------
        >>> from kampala.sensitivity import WeightNoise
        >>> WeightNoise(levels=2).drops_step("impute")
        False
        """
        return False

    def validate(
        self,
        methodology: Methodology,
        framework: Framework,
        *,
        spec: UncertaintySpec,
        registry: ScorerRegistry | None = None,
    ) -> None:
        """Check the factor against a methodology and its framework.

        Every level in `weight_levels` must carry weights; then the
        factor's own `check` runs (`UncertaintySpec.validate` calls this for
        every factor).

        Raises
        ------
        ParameterValueError
            Naming the factor and what the methodology lacks, for example
            a weight level that its framework does not have.

        Examples
        --------
        >>> from kampala.methodology import kps1
        >>> from kampala.scoring import methodology_framework
        >>> from kampala.sensitivity import UncertaintySpec, WeightNoise
        >>> kps = kps1()
        >>> factor = WeightNoise(levels=3)
        >>> spec = UncertaintySpec(factors=[factor])
        >>> factor.validate(kps, methodology_framework(kps), spec=spec)
        Traceback (most recent call last):
            ...
        kampala.errors.ParameterValueError: factor 'weights@3': 'level' must be a
        level with weighted nodes [1, 2] (got 3).
        """
        weighted = sorted({n.level for n in framework.nodes if n.parent is not None})
        for level in self.weight_levels:
            if level not in weighted:
                raise ParameterValueError(
                    self.where,
                    "level",
                    level,
                    f"a level with weighted nodes {weighted}",
                )
        self.check(FactorContext(methodology, framework, spec, registry))

    def check(self, context: FactorContext) -> None:
        """Check what is particular to the factor (nothing here).

        Examples
        --------
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import UncertaintySpec, WeightNoise
        >>> UncertaintySpec(factors=[WeightNoise(levels=2)]).validate(kps1())
        """


@attrs.frozen
class FactorContext:
    """What a factor is checked against (see `FactorBase.check`).

    Attributes
    ----------
    methodology : Methodology
        The nominal methodology.
    framework : Framework
        Its framework.
    spec : UncertaintySpec
        The whole spec (a factor may depend on the others).
    registry : ScorerRegistry or None
        Where to find scorers.

    Examples
    --------
    >>> from kampala.methodology import kps1
    >>> from kampala.scoring import methodology_framework
    >>> from kampala.sensitivity import UncertaintySpec, WeightNoise
    >>> from kampala.sensitivity._factors import FactorContext
    >>> kps, spec = kps1(), UncertaintySpec(factors=[WeightNoise(levels=2)])
    >>> fw = methodology_framework(kps)
    >>> FactorContext(kps, fw, spec, None).framework is fw
    True
    """

    methodology: Methodology
    framework: Framework
    spec: UncertaintySpec
    registry: ScorerRegistry | None


class ValueChoice(FactorBase):
    """Defaults of a factor that chooses among its ``values``, equally likely.

    `SettingChoice` and `ScorerParameter` are value choices: one option per
    value, labelled by the value as text.

    Examples
    --------
    >>> from kampala.sensitivity import ScorerParameter
    >>> factor = ScorerParameter(principle=3, param="diversity_target",
    ...                          values=[3, 4, 5])
    >>> factor.options, factor.label(0)
    (3, '3')
    """

    __slots__ = ()
    values: tuple[Any, ...]

    def _check_values(self, where: str) -> None:
        """Raise unless there are at least two values to choose from."""
        if len(self.values) < 2:
            raise ParameterValueError(
                where, "values", self.values, "at least two values"
            )

    @property
    def options(self) -> int:
        """Number of values.

        Examples
        --------
        >>> from kampala.sensitivity import SettingChoice
        >>> SettingChoice(step="aggregate", setting="min_coverage",
        ...               values=[0.4, 0.5, 0.6]).options
        3
        """
        return len(self.values)

    def label(self, index: int) -> str:
        """Return the value, as text.

        Examples
        --------
        >>> from kampala.sensitivity import SettingChoice
        >>> choice = SettingChoice(step="treat", setting="params.points",
        ...                        values=[1, 2])
        >>> choice.name, choice.label(1)
        ('treat.params.points', '2')
        """
        return str(self.values[index])


def _levels(value: int | Iterable[int]) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,)
    return tuple(int(v) for v in value)


def weighted_nodes(framework: Framework, levels: Sequence[int]) -> tuple[str, ...]:
    """Codes of the nodes at the given levels that carry a weight (not the root).

    Examples
    --------
    >>> from kampala.methodology import kps1
    >>> from kampala.scoring import methodology_framework
    >>> from kampala.sensitivity.spec import weighted_nodes
    >>> fw = methodology_framework(kps1())
    >>> weighted_nodes(fw, [2])
    ('P1', 'P2', 'P3', 'P4', 'P5')
    >>> len(weighted_nodes(fw, [1, 2]))  # 29 criteria and 5 principles
    34
    """
    return tuple(
        n.code for n in framework.nodes if n.level in levels and n.parent is not None
    )


@attrs.frozen(kw_only=True)
class WeightNoise(FactorBase):
    """Multiply each weight at some levels by a uniform factor in [1 - s, 1 + s].

    Parameters
    ----------
    levels : int or sequence of int
        Levels of the nodes whose weights vary (1 = indicators or criteria,
        2 = pillars or principles, ...).
    spread : float, default=0.25
        Half-width $s$ of the multiplier's range, in (0, 1).
    name : str, default=""
        Label in results; default ``"weights@<levels>"``.

    Examples
    --------
    Each principle weight of KPS-1 varies by up to 25 %; uniform numbers 0,
    0.5 and 1 give the lowest, the nominal and the highest weight:

    >>> import numpy as np
    >>> from kampala.methodology import kps1
    >>> from kampala.scoring import methodology_framework
    >>> from kampala.sensitivity import WeightNoise
    >>> noise = WeightNoise(levels=2, spread=0.25)
    >>> noise.name, noise.nodes(methodology_framework(kps1()))
    ('weights@2', ('P1', 'P2', 'P3', 'P4', 'P5'))
    >>> noise.weights(np.array([[0.0, 0.5, 1.0]]), np.full(3, 0.2)).round(2).tolist()
    [[0.15, 0.2, 0.25]]
    """

    discrete: ClassVar[bool] = False
    levels: tuple[int, ...] = attrs.field(converter=_levels)
    spread: float = attrs.field(default=0.25, converter=float)
    name: str = ""

    @property
    def weight_levels(self) -> tuple[int, ...]:
        """Levels whose weights the factor varies: `levels`.

        Examples
        --------
        >>> from kampala.sensitivity import WeightNoise
        >>> WeightNoise(levels=[1, 2]).weight_levels
        (1, 2)
        """
        return self.levels

    def __attrs_post_init__(self) -> None:
        if not 0.0 < self.spread < 1.0:
            raise ParameterValueError(
                "WeightNoise()", "spread", self.spread, "in (0, 1)"
            )
        if not self.name:
            levels = ",".join(str(v) for v in self.levels)
            object.__setattr__(self, "name", f"weights@{levels}")

    def weights(
        self, u: FloatArray, nominal: FloatArray, groups: IntArray | None = None
    ) -> FloatArray:
        """Map uniforms (n, k) to weights: nominal x (1 - s + 2 s u).

        ``groups`` (each node's sibling group) is accepted for a common
        signature with `DirichletWeights.weights` and not used.

        Examples
        --------
        The weights are not rescaled to sum to 1; the aggregation does that:

        >>> import numpy as np
        >>> from kampala.sensitivity import WeightNoise
        >>> noise = WeightNoise(levels=2, spread=0.5)
        >>> u = np.array([[0.0, 0.25], [0.5, 1.0]])
        >>> noise.weights(u, np.array([0.4, 0.6])).round(2).tolist()
        [[0.2, 0.45], [0.4, 0.9]]
        """
        out: FloatArray = nominal * (1.0 - self.spread + 2.0 * self.spread * u)
        return out


@attrs.frozen(kw_only=True)
class DirichletWeights(FactorBase):
    r"""Draw sibling weights from a Dirichlet distribution around the nominal.

    Parameters
    ----------
    level : int
        Level of the nodes whose weights vary.
    concentration : float
        $c > 0$; each sibling group draws Dirichlet($c\,w$) with its
        normalised nominal weights $w$ (larger $c$, closer to nominal).
    name : str, default=""
        Label in results; default ``"dirichlet@<level>"``.

    Examples
    --------
    Five equal sibling weights with concentration 50 (each
    $\alpha_i = 10$): every draw sums to 1 and the draws centre on the
    nominal weights.

    >>> import numpy as np
    >>> from kampala.sensitivity import DirichletWeights
    >>> factor = DirichletWeights(level=2, concentration=50)
    >>> u = np.random.default_rng(0).random((1000, 5))
    >>> W = factor.weights(u, np.full(5, 0.2), groups=np.zeros(5, dtype=int))
    >>> bool(np.allclose(W.sum(axis=1), 1.0)), W.mean(axis=0).round(2).tolist()
    (True, [0.2, 0.2, 0.2, 0.2, 0.2])
    """

    discrete: ClassVar[bool] = False
    level: int
    concentration: float = attrs.field(converter=float)
    name: str = ""

    @property
    def weight_levels(self) -> tuple[int, ...]:
        """Levels whose weights the factor varies: ``(level,)``.

        Examples
        --------
        >>> from kampala.sensitivity import DirichletWeights
        >>> DirichletWeights(level=2, concentration=10).weight_levels
        (2,)
        """
        return (self.level,)

    def __attrs_post_init__(self) -> None:
        if not self.concentration > 0:
            raise ParameterValueError(
                "DirichletWeights()", "concentration", self.concentration, "> 0"
            )
        if not (_MIN_CONCENTRATION <= self.concentration < math.inf):
            raise ParameterValueError(
                "DirichletWeights()",
                "concentration",
                self.concentration,
                f"a finite number >= {_MIN_CONCENTRATION:g}",
                hint="Below it the gamma variates underflow even in logarithms "
                "and every draw gives all the weight to one node.",
            )
        if not self.name:
            object.__setattr__(self, "name", f"dirichlet@{self.level}")

    def weights(
        self, u: FloatArray, nominal: FloatArray, groups: IntArray
    ) -> FloatArray:
        """Map uniforms (n, k) to Dirichlet weights, by inverse gamma CDFs.

        ``groups`` gives each node's sibling group; within a group the
        gammas are normalised to sum to one.

        Examples
        --------
        Two sibling groups, of two and three nodes: each group's weights sum
        to 1 in every draw, and their means are the group's normalised
        nominal weights.

        >>> import numpy as np
        >>> from kampala.sensitivity import DirichletWeights
        >>> factor = DirichletWeights(level=1, concentration=20)
        >>> u = np.random.default_rng(0).random((2000, 5))
        >>> W = factor.weights(u, np.array([1.0, 1.0, 0.2, 0.3, 0.5]),
        ...                    groups=np.array([0, 0, 1, 1, 1]))
        >>> W[:3, :2].sum(axis=1).tolist(), W[:3, 2:].sum(axis=1).round(12).tolist()
        ([1.0, 1.0, 1.0], [1.0, 1.0, 1.0])
        >>> W.mean(axis=0).round(1).tolist()
        [0.5, 0.5, 0.2, 0.3, 0.5]
        """
        alpha = np.empty_like(nominal)
        for g in np.unique(groups):
            idx = groups == g
            alpha[idx] = self.concentration * nominal[idx] / nominal[idx].sum()
        # keep u strictly inside (0, 1) so the inverse CDF stays finite
        eps = np.finfo(np.float64).tiny
        uu = np.clip(u, eps, 1.0 - 1e-16)
        gam: FloatArray = scipy.special.gammaincinv(alpha, uu)
        # for small alpha and u the gamma variate underflows to 0; its log is
        # then taken from the lower tail P(a, x) ~ x^a / (a Gamma(a))
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            log_gam = np.where(
                gam > 0,
                np.log(np.where(gam > 0, gam, 1.0)),
                (np.log(uu) + np.log(alpha) + scipy.special.gammaln(alpha)) / alpha,
            )
        out = np.empty_like(gam)
        if not bool(np.isfinite(log_gam).all()):
            raise ParameterValueError(
                "DirichletWeights()",
                "concentration",
                self.concentration,
                "large enough for every node's share of it to keep the gamma "
                "variates finite in logarithms",
                hint="Raise the concentration or the smallest nominal weight.",
            )
        for g in np.unique(groups):
            idx = groups == g
            block = log_gam[:, idx]
            block = np.exp(block - block.max(axis=1, keepdims=True))
            out[:, idx] = block / block.sum(axis=1, keepdims=True)
        return out


def _codes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Exclusion(FactorBase):
    """Leave out one node at a time (or none).

    Parameters
    ----------
    codes : sequence of str
        Candidate nodes (indicators, criteria, pillars or principles). Option
        0 keeps them all; option $i$ leaves out ``codes[i - 1]`` (its weight
        becomes 0, so its siblings share its weight).
    name : str, default="exclusion"
        Label in results.

    Examples
    --------
    >>> from kampala.methodology import kps1
    >>> from kampala.scoring import methodology_framework
    >>> from kampala.sensitivity import Exclusion, UncertaintySpec
    >>> factor = Exclusion(codes=["P1", "P5"])
    >>> [factor.label(i) for i in range(factor.options)]
    ['none', '-P1', '-P5']
    >>> kps = kps1()
    >>> UncertaintySpec(factors=[Exclusion(codes=["P6"])]).validate(
    ...     kps, methodology_framework(kps))
    Traceback (most recent call last):
        ...
    kampala.errors.ParameterValueError: factor 'exclusion': 'codes' must be a node
    of the framework other than the root (got 'P6').
    """

    codes: tuple[str, ...] = attrs.field(converter=_codes)
    name: str = "exclusion"

    def __attrs_post_init__(self) -> None:
        if not self.codes:
            raise ParameterValueError(
                "Exclusion()", "codes", (), "at least one node code"
            )

    @property
    def options(self) -> int:
        """Number of options: none excluded, then each code.

        Examples
        --------
        >>> from kampala.sensitivity import Exclusion
        >>> Exclusion(codes=["P1", "P2", "P5"]).options
        4
        """
        return len(self.codes) + 1

    def label(self, index: int) -> str:
        """Return ``"none"`` for option 0, else ``"-<code>"``.

        Examples
        --------
        >>> from kampala.sensitivity import Exclusion
        >>> factor = Exclusion(codes=["P1", "P5"])
        >>> factor.label(0), factor.label(2)
        ('none', '-P5')
        """
        return "none" if index == 0 else f"-{self.codes[index - 1]}"

    def check(self, context: FactorContext) -> None:
        """Check that every code is a node of the framework other than the root.

        Raises
        ------
        ParameterValueError
            Naming the first code the framework lacks.

        Examples
        --------
        >>> from kampala.methodology import kps1
        >>> from kampala.sensitivity import Exclusion, UncertaintySpec
        >>> UncertaintySpec(factors=[Exclusion(codes=["P1", "P5"])]).validate(kps1())
        """
        framework = context.framework
        for code in self.codes:
            if code not in framework or code == framework.root:
                raise ParameterValueError(
                    self.where,
                    "codes",
                    code,
                    "a node of the framework other than the root",
                )

    def excluded(self, index: int) -> tuple[str, ...]:
        """Return the node option ``index`` leaves out: none, then each code.

        Examples
        --------
        >>> from kampala.sensitivity import Exclusion
        >>> f = Exclusion(codes=["P1", "P5"])
        >>> [f.excluded(i) for i in range(f.options)]
        [(), ('P1',), ('P5',)]
        """
        return () if index == 0 else (self.codes[index - 1],)


def _portfolios(value: Iterable[Portfolio]) -> tuple[Portfolio, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class EvidenceChoice(FactorBase):
    """A choice among alternative evidence for the same partnerships.

    Each option scores its own portfolio (same partnership ids, in the same
    order, as the data of the analysis) instead of the analysis' data: for
    example the evidence of a multi-stakeholder assessment combined with
    different weights of the stakeholder groups ("whose view counts", see
    `kampala.stakeholders.group_weight_choice`).

    Parameters
    ----------
    portfolios : sequence of Portfolio
        At least two.
    labels : sequence of str
        One label per portfolio.
    name : str, default="evidence"
        Label in results.

    Examples
    --------
    >>> from kampala.data import sample_portfolio
    >>> from kampala.sensitivity import EvidenceChoice
    >>> pf = sample_portfolio()
    >>> f = EvidenceChoice(portfolios=[pf, pf], labels=["a", "b"])
    >>> f.options, f.label(1), f.portfolio(0) is pf
    (2, 'b', True)
    """

    portfolios: tuple[Portfolio, ...] = attrs.field(converter=_portfolios)
    labels: tuple[str, ...] = attrs.field(converter=_codes)
    name: str = "evidence"

    def __attrs_post_init__(self) -> None:
        where = "EvidenceChoice()"
        if len(self.portfolios) != len(self.labels):
            raise ParameterValueError(
                where, "labels", len(self.labels), f"{len(self.portfolios)} labels"
            )
        if len(self.portfolios) < 2:
            raise ParameterValueError(
                where, "portfolios", len(self.portfolios), "at least two portfolios"
            )
        ids = {pf.ids for pf in self.portfolios}
        if len(ids) != 1:
            raise ParameterValueError(
                where, "portfolios", len(ids), "portfolios of the same partnerships"
            )

    @property
    def options(self) -> int:
        """Number of options: one per portfolio.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.sensitivity import EvidenceChoice
        >>> pf = sample_portfolio()
        >>> EvidenceChoice(portfolios=[pf, pf], labels=["a", "b"]).options
        2
        """
        return len(self.portfolios)

    def label(self, index: int) -> str:
        """Return the label of option ``index``.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.sensitivity import EvidenceChoice
        >>> pf = sample_portfolio()
        >>> EvidenceChoice(portfolios=[pf, pf], labels=["a", "b"]).label(0)
        'a'
        """
        return self.labels[index]

    def portfolio(self, index: int) -> Portfolio:
        """Return the portfolio of option ``index``.

        Examples
        --------
        >>> from kampala.data import sample_portfolio
        >>> from kampala.sensitivity import EvidenceChoice
        >>> pf = sample_portfolio()
        >>> len(EvidenceChoice(portfolios=[pf, pf], labels=["a", "b"]).portfolio(1))
        48
        """
        return self.portfolios[index]
