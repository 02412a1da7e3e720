"""The scorer registry and third-party scorer plug-ins.

Scorers register by principle and id. `default_registry` serves
notebooks and the command line; systems that embed kampala can build their
own `ScorerRegistry`. Third-party scorers are found through the
entry-point group ``kampala.scorers`` (each entry point names a scorer
object, or a callable returning one or a list of them), loaded lazily on the
first look-up; set the environment variable ``KAMPALA_NO_PLUGINS=1`` to
turn plug-ins off.

Loading is all or nothing and happens once per registry: a lock makes
concurrent first look-ups wait for a single load, and a load that fails
registers none of its plug-ins and is not recorded as done, so the next
look-up tries again (and raises again while the plug-in is still broken).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from importlib import metadata
from typing import Any

from kampala.errors import PluginLoadError, RegistrationError
from kampala.principles._base import Principle, Scorer, valid_scorer_id

__all__ = ["ENTRY_POINT_GROUP", "ScorerRegistry"]

ENTRY_POINT_GROUP = "kampala.scorers"


def _check(scorer: Any) -> None:
    where = "ScorerRegistry.register()"
    if isinstance(scorer, type):
        raise RegistrationError(
            where,
            "scorer",
            scorer.__name__,
            "a scorer instance, not a class",
            hint=f"Register {scorer.__name__}() instead.",
        )
    for attr in (
        "id",
        "version",
        "principle",
        "criteria",
        "score",
        "explain",
        "params",
    ):
        if not hasattr(scorer, attr):
            raise RegistrationError(
                where,
                "scorer",
                type(scorer).__name__,
                f"an object with '{attr}' (see kampala.principles.Scorer)",
            )
    if not valid_scorer_id(scorer.id):
        raise RegistrationError(
            where,
            "id",
            scorer.id,
            "lower case letters, digits, '.', '_' or '-', starting with a letter",
        )
    if not isinstance(scorer.version, str) or not scorer.version:
        raise RegistrationError(where, "version", scorer.version, "a non-empty string")
    if not isinstance(scorer.principle, Principle):
        raise RegistrationError(
            where, "principle", scorer.principle, "a kampala.Principle member"
        )
    for name in ("score", "explain", "params"):
        if not callable(getattr(scorer, name)):
            raise RegistrationError(where, name, scorer, "callable")
    criteria = tuple(scorer.criteria)
    if not criteria:
        raise RegistrationError(where, "criteria", (), "at least one criterion")
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise RegistrationError(where, "criteria", codes, "unique criterion codes")
    for c in criteria:
        if c.principle is not scorer.principle:
            raise RegistrationError(
                where,
                f"criterion {c.code!r}",
                c.principle,
                f"of the scorer's principle {scorer.principle.name}",
            )


class ScorerRegistry:
    """Scorers by principle and id.

    Parameters
    ----------
    load_plugins : bool, default=True
        Load scorers from the ``kampala.scorers`` entry-point group on the
        first look-up (unless ``KAMPALA_NO_PLUGINS=1``).

    Notes
    -----
    The registry is safe to share between threads. Plug-ins load on the
    first `get` or `available`, under a lock: threads that look up while
    the plug-ins load wait for the load to finish, and the entry points are
    read once.

    Loading is all or nothing. If any plug-in fails to load (it cannot be
    imported, its factory raises, or it returns something `register`
    rejects), the look-up raises `PluginLoadError`, every scorer registered
    during that load is removed again, and the load is not recorded as
    done: the next look-up retries it, and raises again while the failure
    persists. Setting ``KAMPALA_NO_PLUGINS=1`` before that next look-up
    turns plug-ins off instead. Changing ``KAMPALA_NO_PLUGINS`` after a
    successful (or skipped) load has no effect on that registry.

    Code that runs while plug-ins load (a plug-in's factory, say) and looks
    up this registry sees it without the plug-ins being loaded.

    Examples
    --------
    >>> from kampala.principles import ScorerRegistry, OwnershipScorer, Principle
    >>> reg = ScorerRegistry(load_plugins=False)
    >>> reg.register(OwnershipScorer())
    >>> reg.get(Principle.OWNERSHIP, "kps.ownership").version
    '1'
    """

    def __init__(self, *, load_plugins: bool = True) -> None:
        self._scorers: dict[tuple[Principle, str], Scorer] = {}
        self._plugins_loaded = not load_plugins
        # re-entrant: plug-in code may call register() (or look up) while
        # the lock is held by the load
        self._lock = threading.RLock()
        self._loading = False

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the scorers and the plug-in flag, never the lock."""
        with self._lock:
            return {
                "scorers": dict(self._scorers),
                "plugins_loaded": self._plugins_loaded,
            }

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled registry with a fresh lock (for worker processes)."""
        self._scorers = dict(state["scorers"])
        self._plugins_loaded = state["plugins_loaded"]
        self._lock = threading.RLock()
        self._loading = False

    def register(self, scorer: Scorer, *, replace: bool = False) -> None:
        """Validate and register a scorer.

        Raises
        ------
        RegistrationError
            If the scorer does not conform to the protocol, its id is not
            valid, or a scorer with the same principle and id is registered
            and ``replace`` is false.

        Examples
        --------
        Register a scorer, then replace it with one of other parameters:

        >>> from kampala.principles import Principle, ResultsScorer, ScorerRegistry
        >>> reg = ScorerRegistry(load_plugins=False)
        >>> reg.register(ResultsScorer())
        >>> reg.register(ResultsScorer(sdg_target_count=3), replace=True)
        >>> reg.get(Principle.RESULTS, "kps.results").params()
        {'sdg_target_count': 3}
        """
        _check(scorer)
        key = (scorer.principle, scorer.id)
        with self._lock:
            if key in self._scorers and not replace:
                raise RegistrationError(
                    "ScorerRegistry.register()",
                    "id",
                    scorer.id,
                    f"not yet registered for {scorer.principle.name}",
                    hint="Pass replace=True to replace it.",
                )
            self._scorers[key] = scorer

    def get(self, principle: Principle, scorer_id: str) -> Scorer:
        """Return a registered scorer.

        Raises
        ------
        RegistrationError
            If no scorer of that id is registered for the principle.
        PluginLoadError
            If the plug-ins are not loaded yet and one fails to load (see
            the class Notes: the next look-up retries).

        Examples
        --------
        >>> from kampala.principles import OwnershipScorer, Principle, ScorerRegistry
        >>> reg = ScorerRegistry(load_plugins=False)
        >>> reg.register(OwnershipScorer())
        >>> reg.get(Principle.OWNERSHIP, "kps.ownership")
        OwnershipScorer()
        >>> reg.get(Principle.OWNERSHIP, "acme.ownership")
        Traceback (most recent call last):
        ...
        kampala.errors.RegistrationError: ScorerRegistry.get(): 'scorer_id' must be
        a scorer registered for OWNERSHIP (kps.ownership) (got 'acme.ownership').
        """
        with self._lock:
            self._load_plugins()
            scorer = self._scorers.get((principle, scorer_id))
            if scorer is not None:
                return scorer
            known = [i for (p, i) in self._scorers if p is principle]
        raise RegistrationError(
            "ScorerRegistry.get()",
            "scorer_id",
            scorer_id,
            f"a scorer registered for {principle.name} ({', '.join(known)})",
        )

    def available(self) -> list[tuple[Principle, str, str]]:
        """List (principle, id, version) of every registered scorer.

        Raises
        ------
        PluginLoadError
            If the plug-ins are not loaded yet and one fails to load (see
            the class Notes: the next look-up retries).

        Examples
        --------
        Sorted by principle, then id:

        >>> from kampala.principles import OwnershipScorer, ResultsScorer
        >>> from kampala.principles import ScorerRegistry
        >>> reg = ScorerRegistry(load_plugins=False)
        >>> reg.register(ResultsScorer())
        >>> reg.register(OwnershipScorer())
        >>> reg.available()
        [(<Principle.OWNERSHIP: 1>, 'kps.ownership', '1'),
         (<Principle.RESULTS: 2>, 'kps.results', '1')]
        """
        with self._lock:
            self._load_plugins()
            items = list(self._scorers.items())
        return sorted(
            ((p, i, s.version) for (p, i), s in items),
            key=lambda t: (t[0].value, t[1]),
        )

    def _load_plugins(self) -> None:
        """Load the plug-ins once, all or nothing; the caller holds the lock."""
        if self._plugins_loaded or self._loading:
            # _loading: a look-up from plug-in code during this thread's load
            return
        if os.environ.get("KAMPALA_NO_PLUGINS") == "1":
            self._plugins_loaded = True
            return
        before = dict(self._scorers)
        self._loading = True
        try:
            for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
                self._load_entry_point(ep)
        except BaseException:
            # drop whatever this load registered, and let the next look-up retry
            self._scorers.clear()
            self._scorers.update(before)
            raise
        finally:
            self._loading = False
        self._plugins_loaded = True

    def _load_entry_point(self, ep: metadata.EntryPoint) -> None:
        dist = ep.dist.name if ep.dist is not None else "unknown distribution"
        try:
            obj: Any = ep.load()
            is_factory = isinstance(obj, type) or (
                callable(obj) and not hasattr(obj, "score")
            )
            made = obj() if is_factory else obj
            scorers: Iterable[Any] = made if isinstance(made, list | tuple) else [made]
            for scorer in scorers:
                self.register(scorer)
        except Exception as exc:
            raise PluginLoadError(
                f"plug-in {ep.name!r} of {dist}",
                "entry point",
                ep.value,
                f"a scorer (or a callable returning scorers) in group "
                f"{ENTRY_POINT_GROUP!r}",
                hint=f"Loading failed: {exc}. Set KAMPALA_NO_PLUGINS=1 to skip "
                "plug-ins.",
            ) from exc
