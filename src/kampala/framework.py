"""Indicator frameworks: validated trees of indicators and aggregates.

A `Framework` is the structure of a composite index. Its leaves are
*indicators* (level 1), its inner nodes are *aggregates* (levels 2 and up)
and its single top node is the *root*. Every node carries a weight relative
to its siblings and a direction (+1: higher is better, -1: lower is better).

The framework is validated once, when it is built: duplicate codes, unknown
parents, cycles, orphans, aggregates without children, negative weights and
sibling weights that do not sum to a positive number are all errors
(`FrameworkError`) that name the node at fault.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from kampala._internal.params import relative_shares
from kampala.errors import FrameworkError

__all__ = ["Framework", "Node"]

NodeKind = Literal["indicator", "aggregate"]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )


def _check_number(instance: Node, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None and attribute.name == "target":
        return
    if not _is_number(value) or not math.isfinite(value):
        raise FrameworkError(
            f"node {instance.code!r}", attribute.name, value, "a finite number"
        )


def _check_scale_factor(
    instance: Node, attribute: attrs.Attribute[float], value: Any
) -> None:
    if not _is_number(value) or not math.isfinite(value) or value <= 0:
        raise FrameworkError(
            f"node {instance.code!r}",
            "scale_factor",
            value,
            "a finite number > 0",
            hint="Denominators are divided by it; use 1 for none.",
        )


def _check_direction(
    instance: Node, attribute: attrs.Attribute[int], value: int
) -> None:
    if not _is_number(value) or value not in (1, -1):
        raise FrameworkError(
            f"node {instance.code!r}",
            "direction",
            value,
            "+1 (higher is better) or -1 (lower is better)",
        )


def _check_weight(
    instance: Node, attribute: attrs.Attribute[float], value: float
) -> None:
    if not _is_number(value) or not math.isfinite(value) or value < 0:
        raise FrameworkError(
            f"node {instance.code!r}",
            "weight",
            value,
            "a finite number >= 0",
            hint="Weights are relative to siblings; 0 switches a node off.",
        )


def _check_level(instance: Node, attribute: attrs.Attribute[int], value: int) -> None:
    if not _is_number(value) or value != int(value) or value < 1:
        raise FrameworkError(
            f"node {instance.code!r}", "level", value, "an integer >= 1"
        )


def _check_code(instance: Node, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value or value != value.strip():
        raise FrameworkError(
            "Node()",
            "code",
            value,
            "a non-empty string without surrounding spaces",
        )


_opt_str = attrs.validators.optional(attrs.validators.instance_of(str))


@attrs.frozen(kw_only=True)
class Node:
    """One indicator or aggregate of a framework.

    Parameters
    ----------
    code : str
        Unique identifier, for example ``"LPI"`` or ``"Physical"``.
    name : str, default=""
        Human-readable name. Defaults to the code.
    level : int, default=1
        1 for indicators; aggregates sit above all of their children.
    parent : str or None, default=None
        Code of the aggregate this node feeds; ``None`` only for the root.
    weight : float, default=1.0
        Weight relative to the node's siblings (they need not sum to 1).
    direction : {1, -1}, default=1
        +1 if higher values are better, -1 if lower values are better.
    kind : {"indicator", "aggregate"}, default="indicator"
        Indicators are the leaves that hold data; aggregates are computed.
    target : float or None, default=None
        A target value in the indicator's own units, used by
        distance-to-target normalisation.
    denominator : str or None, default=None
        The unit-level variable this indicator is divided by when data are
        denominated (for example ``"Population"``).
    scale_factor : float, default=1.0
        Denominators are divided by this factor before they divide the
        indicator (so 1000 turns "per person" into "per thousand people").
        Must be finite and > 0.
    unit : str, default=""
        Unit of measurement, for display.

    Examples
    --------
    >>> from kampala import Node
    >>> lpi = Node(code="LPI", name="Logistics performance index", parent="Physical",
    ...            weight=2)
    >>> lpi.level, lpi.kind, lpi.weight, lpi.direction
    (1, 'indicator', 2.0, 1)
    >>> Node(code="Physical", level=2, kind="aggregate", parent="Index").name
    'Physical'
    >>> Node(code="CO2", direction=-1).direction  # lower emissions are better
    -1
    """

    code: str = attrs.field(validator=_check_code)
    name: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    level: int = attrs.field(default=1, validator=_check_level)
    parent: str | None = attrs.field(default=None, validator=_opt_str)
    weight: float = attrs.field(default=1.0, validator=_check_weight)
    direction: int = attrs.field(default=1, validator=_check_direction)
    kind: NodeKind = attrs.field(
        default="indicator",
        validator=attrs.validators.in_(("indicator", "aggregate")),
    )
    target: float | None = attrs.field(default=None, validator=_check_number)
    denominator: str | None = attrs.field(default=None, validator=_opt_str)
    scale_factor: float = attrs.field(default=1.0, validator=_check_scale_factor)
    unit: str = attrs.field(default="", validator=attrs.validators.instance_of(str))

    def __attrs_post_init__(self) -> None:
        # lossless normalisation of the numeric types validated above
        object.__setattr__(self, "level", int(self.level))
        object.__setattr__(self, "direction", int(self.direction))
        object.__setattr__(self, "weight", float(self.weight))
        object.__setattr__(self, "scale_factor", float(self.scale_factor))
        if self.target is not None:
            object.__setattr__(self, "target", float(self.target))
        if not self.name:
            object.__setattr__(self, "name", self.code)

    def to_dict(self) -> dict[str, Any]:
        """Return the node as a JSON-ready mapping.

        Examples
        --------
        >>> from kampala import Node
        >>> node = Node(code="CO2", parent="Environ", direction=-1, unit="t")
        >>> node.to_dict()
        {'code': 'CO2', 'name': 'CO2', 'level': 1, 'parent': 'Environ', 'weight': 1.0,
         'direction': -1, 'kind': 'indicator', 'target': None, 'denominator': None,
         'scale_factor': 1.0, 'unit': 't'}
        >>> Node(**node.to_dict()) == node
        True
        """
        return attrs.asdict(self)


def _frozen_array(values: Any, dtype: Any = np.float64) -> npt.NDArray[Any]:
    arr = np.array(values, dtype=dtype)
    arr.flags.writeable = False
    return arr


def _node_tuple(nodes: Iterable[Node]) -> tuple[Node, ...]:
    return tuple(nodes)


@attrs.frozen(kw_only=True)
class _LevelPlan:
    """How to compute one aggregation level from the full column matrix."""

    level: int
    #: column indices (into the full matrix) of the aggregates of this level
    targets: tuple[int, ...]
    #: for each target, the column indices of its children
    children: tuple[tuple[int, ...], ...]
    #: for each target, the children's nominal weights normalised to sum 1
    weights: tuple[tuple[float, ...], ...]


@attrs.frozen(kw_only=True, eq=False)
class Framework:
    """A validated tree of indicators and aggregates.

    Parameters
    ----------
    nodes : sequence of Node
        All indicators and aggregates. Order is kept: indicators appear in
        data sets in the order given here, aggregates in level order and,
        within a level, in the order given here.

    Raises
    ------
    FrameworkError
        For duplicate codes, unknown or non-aggregate parents, cycles,
        several roots or orphans, aggregates with no children, children at
        a level not below their parent, and sibling weights that do not sum
        to a positive number.

    Examples
    --------
    >>> from kampala import Framework, Node
    >>> fw = Framework(nodes=[
    ...     Node(code="a", parent="P"),
    ...     Node(code="b", parent="P", weight=3),
    ...     Node(code="P", level=2, kind="aggregate"),
    ... ])
    >>> fw.indicator_codes, fw.aggregate_codes, fw.root
    (('a', 'b'), ('P',), 'P')
    >>> fw.effective_weights().tolist()
    [0.25, 0.75]
    """

    nodes: tuple[Node, ...] = attrs.field(converter=_node_tuple)
    _by_code: dict[str, Node] = attrs.field(init=False, repr=False)
    _children: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False)
    _indicators: tuple[str, ...] = attrs.field(init=False, repr=False)
    _aggregates: tuple[str, ...] = attrs.field(init=False, repr=False)
    _root: str | None = attrs.field(init=False, repr=False)
    #: the compiled aggregation plan, built on first use (the nodes are frozen)
    _plans: tuple[_LevelPlan, ...] | None = attrs.field(
        init=False, repr=False, default=None
    )

    def __attrs_post_init__(self) -> None:
        by_code: dict[str, Node] = {}
        for node in self.nodes:
            if not isinstance(node, Node):
                raise FrameworkError(
                    "Framework()", "nodes", node, "a sequence of Node objects"
                )
            if node.code in by_code:
                raise FrameworkError(
                    f"node {node.code!r}",
                    "code",
                    node.code,
                    "unique within the framework",
                    hint="Each indicator and aggregate needs its own code.",
                )
            by_code[node.code] = node
        children: dict[str, list[str]] = {
            n.code: [] for n in self.nodes if n.kind == "aggregate"
        }
        for node in self.nodes:
            if node.parent is None:
                continue
            if node.parent not in by_code:
                raise FrameworkError(
                    f"node {node.code!r}",
                    "parent",
                    node.parent,
                    "the code of an aggregate in the framework",
                    hint=f"Known aggregates: {sorted(children)}.",
                )
            parent = by_code[node.parent]
            if parent.kind != "aggregate":
                raise FrameworkError(
                    f"node {node.code!r}",
                    "parent",
                    node.parent,
                    "an aggregate, not an indicator",
                )
            if parent.level <= node.level:
                raise FrameworkError(
                    f"node {node.code!r}",
                    "level",
                    node.level,
                    f"below its parent {parent.code!r} (level {parent.level})",
                    hint="Levels increase from indicators (1) towards the root.",
                )
            children[node.parent].append(node.code)
        for node in self.nodes:
            if node.kind == "indicator" and node.level != 1:
                raise FrameworkError(
                    f"indicator {node.code!r}",
                    "level",
                    node.level,
                    "1 (indicators are the leaves of the framework)",
                )
        for code, kids in children.items():
            if not kids:
                raise FrameworkError(
                    f"aggregate {code!r}",
                    "children",
                    (),
                    "at least one child node",
                    hint="Remove the aggregate or give it indicators.",
                )
            total = max((by_code[k].weight for k in kids), default=0.0)
            if not total > 0:
                raise FrameworkError(
                    f"aggregate {code!r}",
                    "weights of its children",
                    total,
                    "a positive sum",
                    hint=f"Children: {kids}.",
                )
        # walk up from every node: detects cycles (defensive; levels forbid them)
        for node in self.nodes:
            seen = {node.code}
            cur = node
            while cur.parent is not None:
                if cur.parent in seen:
                    raise FrameworkError(
                        f"node {node.code!r}",
                        "parent",
                        cur.parent,
                        "part of a tree without cycles",
                    )
                seen.add(cur.parent)
                cur = by_code[cur.parent]
        roots = [
            n.code for n in self.nodes if n.parent is None and n.kind == "aggregate"
        ]
        if len(roots) > 1:
            raise FrameworkError(
                "Framework()",
                "root",
                tuple(roots),
                "a single aggregate without a parent",
                hint="Give every aggregate but the top one a parent.",
            )
        root = roots[0] if roots else None
        if root is not None:
            for node in self.nodes:
                if node.parent is None and node.code != root:
                    raise FrameworkError(
                        f"node {node.code!r}",
                        "parent",
                        None,
                        f"set: it is an orphan outside the tree rooted at {root!r}",
                    )
        indicators = tuple(n.code for n in self.nodes if n.kind == "indicator")
        if not indicators:
            raise FrameworkError("Framework()", "nodes", (), "at least one indicator")
        aggregates = tuple(
            n.code
            for n in sorted(
                (n for n in self.nodes if n.kind == "aggregate"),
                key=lambda n: n.level,
            )
        )
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(
            self, "_children", {k: tuple(v) for k, v in children.items()}
        )
        object.__setattr__(self, "_indicators", indicators)
        object.__setattr__(self, "_aggregates", aggregates)
        object.__setattr__(self, "_root", root)

    # -- equality by content -------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Framework):
            return NotImplemented
        return self.nodes == other.nodes

    def __hash__(self) -> int:
        return hash(self.nodes)

    # -- structure -----------------------------------------------------------
    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """Codes of the indicators (leaves), in data-set column order.

        Examples
        --------
        In the order the nodes are given in (``x``, ``y``, ``P``, ``T`` here):

        >>> from kampala.data import example_framework
        >>> example_framework().indicator_codes
        ('x', 'y')
        """
        return self._indicators

    @property
    def aggregate_codes(self) -> tuple[str, ...]:
        """Codes of the aggregates, lowest level first.

        Examples
        --------
        Whatever the order the nodes are given in:

        >>> from kampala import Framework
        >>> from kampala.data import example_framework
        >>> reverse = Framework(nodes=example_framework().nodes[::-1])
        >>> [n.code for n in reverse.nodes], reverse.aggregate_codes
        (['T', 'P', 'y', 'x'], ('P', 'T'))
        """
        return self._aggregates

    @property
    def root(self) -> str | None:
        """Code of the top aggregate, or ``None`` if there are no aggregates.

        Examples
        --------
        >>> from kampala import Framework, Node
        >>> from kampala.data import example_framework
        >>> example_framework().root
        'T'
        >>> Framework(nodes=[Node(code="x"), Node(code="y")]).root is None
        True
        """
        return self._root

    @property
    def levels(self) -> tuple[int, ...]:
        """The distinct aggregate levels, in increasing order.

        Examples
        --------
        >>> from kampala.data import example_framework
        >>> example_framework().levels  # x under P (2) under T (3)
        (2, 3)
        """
        return tuple(sorted({self._by_code[c].level for c in self._aggregates}))

    def node(self, code: str) -> Node:
        """Return the node with this code.

        Raises
        ------
        FrameworkError
            If no node has this code.

        Examples
        --------
        >>> from kampala import Framework, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="x", parent="P", weight=2),
        ...     Node(code="P", level=2, kind="aggregate"),
        ... ])
        >>> fw.node("x").weight, fw.node("P").kind
        (2.0, 'aggregate')
        """
        try:
            return self._by_code[code]
        except KeyError:
            raise FrameworkError(
                "Framework.node()",
                "code",
                code,
                "the code of a node in the framework",
            ) from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def children(self, code: str) -> tuple[str, ...]:
        """Codes of the direct children of an aggregate (empty for indicators).

        Examples
        --------
        ``x`` belongs to ``P``, and ``P`` and ``y`` to the root ``T``:

        >>> from kampala.data import example_framework
        >>> fw = example_framework()
        >>> fw.children("T"), fw.children("P"), fw.children("x")
        (('y', 'P'), ('x',), ())
        """
        self.node(code)
        return self._children.get(code, ())

    def indicators_under(self, code: str) -> tuple[str, ...]:
        """Codes of every indicator below ``code`` (itself if an indicator).

        Examples
        --------
        >>> from kampala.data import example_framework
        >>> fw = example_framework()  # x under P; P and y under T
        >>> fw.indicators_under("T"), fw.indicators_under("P"), fw.indicators_under("y")
        (('x', 'y'), ('x',), ('y',))
        """
        node = self.node(code)
        if node.kind == "indicator":
            return (code,)
        out: list[str] = []
        for child in self._children[code]:
            out.extend(self.indicators_under(child))
        order = {c: i for i, c in enumerate(self._indicators)}
        return tuple(sorted(out, key=order.__getitem__))

    @property
    def directions(self) -> npt.NDArray[np.float64]:
        """Direction (+1/-1) of each indicator, in column order.

        Examples
        --------
        >>> from kampala import Framework, Node
        >>> fw = Framework(nodes=[Node(code="gdp"), Node(code="co2", direction=-1)])
        >>> fw.directions
        array([ 1., -1.])
        """
        return _frozen_array([self._by_code[c].direction for c in self._indicators])

    # -- weights --------------------------------------------------------------
    def with_weights(self, weights: Mapping[str, float]) -> Framework:
        """Return a copy whose nodes take the given weights.

        Parameters
        ----------
        weights : mapping of str to float
            New weight for each named node; nodes not named keep theirs.

        Raises
        ------
        FrameworkError
            If a code is unknown, a weight is negative, or the siblings under
            some parent would no longer sum to a positive number.

        Examples
        --------
        ``y`` weighs 3 against its sibling ``P``, which passes its share on
        to ``x``:

        >>> from kampala.data import example_framework
        >>> fw = example_framework()
        >>> fw.with_weights({"y": 3}).effective_weights().tolist()
        [0.25, 0.75]
        >>> fw.effective_weights().tolist()  # the original is unchanged
        [0.5, 0.5]
        """
        for code in weights:
            self.node(code)
        return Framework(
            nodes=[
                attrs.evolve(n, weight=weights[n.code]) if n.code in weights else n
                for n in self.nodes
            ]
        )

    def with_equal_weights(self) -> Framework:
        """Return a copy in which siblings all weigh the same.

        Examples
        --------
        >>> from kampala.data import example_framework
        >>> unequal = example_framework().with_weights({"y": 3})
        >>> unequal.with_equal_weights().effective_weights().tolist()
        [0.5, 0.5]
        """
        return Framework(nodes=[attrs.evolve(n, weight=1.0) for n in self.nodes])

    def normalised_weight(self, code: str) -> float:
        """Weight of a node divided by the sum of its siblings' weights.

        The sum includes the node itself; the root's normalised weight is 1.

        Examples
        --------
        >>> from kampala.data import example_framework
        >>> fw = example_framework().with_weights({"y": 3})
        >>> [fw.normalised_weight(code) for code in ("x", "P", "y", "T")]
        [1.0, 0.25, 0.75, 1.0]
        """
        node = self.node(code)
        if node.parent is None:
            return 1.0
        sibs = self._children[node.parent]
        shares = relative_shares([self._by_code[s].weight for s in sibs])
        return shares[list(sibs).index(code)]

    def effective_weights(self) -> npt.NDArray[np.float64]:
        r"""Effective weight of every indicator at the root.

        The product of the normalised weights on the path from the indicator
        to the root (equation (W2) of the weighting methodology page):

        $$
        W_i = \prod_{v \in \mathrm{path}(i)}
        \frac{w_v}{\sum_{s \in \mathrm{sib}(v)} w_s}
        $$

        Returns
        -------
        numpy.ndarray
            One weight per indicator, in column order, summing to 1 when the
            framework has a root.

        Examples
        --------
        ``x`` and ``y`` share half of the root's weight, ``z`` has the other half:

        >>> from kampala import Framework, Node
        >>> fw = Framework(nodes=[
        ...     Node(code="x", parent="P"), Node(code="y", parent="P"),
        ...     Node(code="z", parent="T"),
        ...     Node(code="P", level=2, kind="aggregate", parent="T"),
        ...     Node(code="T", level=3, kind="aggregate"),
        ... ])
        >>> fw.effective_weights().tolist()
        [0.25, 0.25, 0.5]
        """
        out = np.empty(len(self._indicators))
        for i, code in enumerate(self._indicators):
            w = 1.0
            cur: str | None = code
            while cur is not None:
                w *= self.normalised_weight(cur)
                cur = self._by_code[cur].parent
            out[i] = w
        out.flags.writeable = False
        return out

    # -- compiled plan for the aggregation kernels -----------------------------
    def _level_plans(self) -> tuple[_LevelPlan, ...]:
        plans = self._plans
        if plans is None:
            plans = self._compile_plans()
            object.__setattr__(self, "_plans", plans)
        return plans

    def _compile_plans(self) -> tuple[_LevelPlan, ...]:
        col = {c: i for i, c in enumerate(self._indicators)}
        n_ind = len(self._indicators)
        for j, c in enumerate(self._aggregates):
            col[c] = n_ind + j
        plans = []
        for level in self.levels:
            codes = [c for c in self._aggregates if self._by_code[c].level == level]
            kids = [self._children[c] for c in codes]
            plans.append(
                _LevelPlan(
                    level=level,
                    targets=tuple(col[c] for c in codes),
                    children=tuple(tuple(col[k] for k in ks) for ks in kids),
                    weights=tuple(
                        tuple(self.normalised_weight(k) for k in ks) for ks in kids
                    ),
                )
            )
        return tuple(plans)

    # -- construction and serialisation ---------------------------------------
    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]]) -> Framework:
        """Build a framework from mappings with `Node` field names.

        Raises
        ------
        FrameworkError
            If a mapping has a key that is not a `Node` field, or the nodes do
            not form a valid framework.

        Examples
        --------
        >>> from kampala import Framework
        >>> fw = Framework.from_records([
        ...     {"code": "a", "parent": "P", "weight": 3},
        ...     {"code": "b", "parent": "P"},
        ...     {"code": "P", "level": 2, "kind": "aggregate"},
        ... ])
        >>> fw.indicator_codes, fw.root, fw.node("a").weight
        (('a', 'b'), 'P', 3.0)
        """
        nodes = []
        for rec in records:
            try:
                nodes.append(Node(**rec))
            except TypeError as exc:
                raise FrameworkError(
                    "Framework.from_records()",
                    "record",
                    dict(rec),
                    f"a mapping of Node fields ({', '.join(attrs.fields_dict(Node))})",
                ) from exc
        return cls(nodes=nodes)

    def to_records(self) -> list[dict[str, Any]]:
        """Return the nodes as JSON-ready mappings (inverse of `from_records()`).

        Examples
        --------
        >>> from kampala import Framework
        >>> from kampala.data import example_framework
        >>> fw = example_framework()
        >>> [(r["code"], r["kind"], r["parent"]) for r in fw.to_records()]
        [('x', 'indicator', 'P'), ('y', 'indicator', 'T'),
         ('P', 'aggregate', 'T'), ('T', 'aggregate', None)]
        >>> Framework.from_records(fw.to_records()) == fw
        True
        """
        return [n.to_dict() for n in self.nodes]

    def subset(self, indicators: Sequence[str]) -> Framework:
        """Return the framework restricted to the given indicators.

        Aggregates left without any indicator below them are dropped.

        Raises
        ------
        FrameworkError
            If a code is not an indicator of the framework: aggregates are
            kept or dropped, never named.

        Examples
        --------
        >>> from kampala.data import example_framework
        >>> small = example_framework().subset(["y"])  # P loses its only indicator
        >>> small.indicator_codes, small.aggregate_codes
        (('y',), ('T',))
        """
        keep_ind = set(indicators)
        for code in keep_ind:
            if self.node(code).kind != "indicator":
                raise FrameworkError(
                    "Framework.subset()", "indicators", code, "indicator codes"
                )
        keep = {
            a
            for a in self._aggregates
            if any(i in keep_ind for i in self.indicators_under(a))
        }
        return Framework(
            nodes=[n for n in self.nodes if n.code in keep_ind or n.code in keep]
        )
