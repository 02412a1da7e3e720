from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import subprocess
import sys
import textwrap
from types import ModuleType

import pytest

import kampala


def _public_module_names() -> list[str]:
    names = ["kampala"]
    for info in pkgutil.walk_packages(kampala.__path__, "kampala."):
        parts = info.name.split(".")[1:]
        if any(p.startswith("_") for p in parts):
            continue  # private (and __main__, which runs the command line)
        names.append(info.name)
    return sorted(names)


PUBLIC_MODULES = _public_module_names()


def _isort_key(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 enforces: CONSTANTS, then Classes, then the rest."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def test_public_modules_found() -> None:
    assert {"kampala", "kampala.errors", "kampala.scoring", "kampala.io.coinr"} <= set(
        PUBLIC_MODULES
    )
    assert "kampala.__main__" not in PUBLIC_MODULES


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_module_has_a_sorted_all(name: str) -> None:
    mod = _module(name)
    assert hasattr(mod, "__all__"), f"{name} has no __all__"
    names = list(mod.__all__)
    assert len(set(names)) == len(names), f"{name}.__all__ repeats a name"
    assert names == sorted(names, key=_isort_key), f"{name}.__all__ is not sorted"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_names_exist(name: str) -> None:
    mod = _module(name)
    for attr in getattr(mod, "__all__", []):
        assert hasattr(mod, attr), f"{name}.__all__ lists missing {attr!r}"
        assert attr in dir(mod)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_definitions_are_in_all(name: str) -> None:
    # names that are not API start with an underscore (STYLE section 1)
    mod = _module(name)
    listed = set(getattr(mod, "__all__", []))
    unlisted = sorted(
        n
        for n, obj in vars(mod).items()
        if not n.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", None) == name
        and n not in listed
    )
    assert unlisted == [], f"{name} defines public names missing from __all__"


def test_star_import() -> None:
    namespace: dict[str, object] = {}
    exec("from kampala import *", namespace)
    for name in kampala.__all__:
        assert namespace[name] is getattr(kampala, name)


def test_facade_exports() -> None:
    for name in (
        "Framework",
        "Node",
        "IndicatorSet",
        "Methodology",
        "normalise",
        "rank_scores",
    ):
        assert name in kampala.__all__
    assert isinstance(kampala.__version__, str)


def test_import_is_light() -> None:
    code = textwrap.dedent(
        """
        import sys
        import kampala
        heavy = sorted(
            m for m in ("pandas", "matplotlib", "cattrs", "defusedxml")
            if m in sys.modules
        )
        print(",".join(heavy))
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert proc.stdout.strip() == "", f"import kampala imported {proc.stdout.strip()}"


def _public_objects() -> list[tuple[str, object]]:
    """Every class and function a public module lists in ``__all__``, once."""
    found: dict[tuple[str, str], tuple[str, object]] = {}
    for name in PUBLIC_MODULES:
        mod = _module(name)
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            # functools.cache and other wrappers keep the function's docstring
            if inspect.isclass(obj) or inspect.isfunction(inspect.unwrap(obj)):
                key = (obj.__module__, obj.__qualname__)
                found.setdefault(key, (f"{name}.{attr}", obj))
    return sorted(found.values(), key=lambda item: item[0])


PUBLIC_OBJECTS = _public_objects()


def _public_members() -> list[tuple[str, object]]:
    """Public methods and properties that the public classes define themselves.

    Members of protocols (``Scorer``) are declarations, not code, and are left
    out; so are names starting with an underscore.
    """
    found = []
    for name, cls in PUBLIC_OBJECTS:
        if not inspect.isclass(cls) or getattr(cls, "_is_protocol", False):
            continue
        for attr, member in vars(cls).items():
            func = member
            if isinstance(func, (staticmethod, classmethod)):
                func = func.__func__
            elif isinstance(func, property):
                func = func.fget
            elif isinstance(func, functools.cached_property):
                func = func.func
            if attr.startswith("_") or not inspect.isfunction(func):
                continue
            found.append((f"{name}.{attr}", func))
    return found


PUBLIC_MEMBERS = _public_members()


@pytest.mark.parametrize(
    "obj",
    [obj for _, obj in PUBLIC_OBJECTS + PUBLIC_MEMBERS],
    ids=[name for name, _ in PUBLIC_OBJECTS + PUBLIC_MEMBERS],
)
def test_public_api_has_a_doctest_example(obj: object) -> None:
    # STYLE section 7: every public function, class, method and property
    # carries a numpydoc Examples section with a doctest, which
    # --doctest-modules runs.
    doc = inspect.getdoc(obj) or ""
    _, sep, examples = doc.partition("\nExamples\n--------\n")
    assert sep, "no numpydoc 'Examples' section"
    assert ">>>" in examples, "the Examples section has no doctest"


def test_public_object_walk_finds_the_api() -> None:
    names = {name for name, _ in PUBLIC_OBJECTS}
    assert {"kampala.Methodology", "kampala.io.read_iati"} <= names
    assert len(PUBLIC_OBJECTS) > 100
    members = {name for name, _ in PUBLIC_MEMBERS}
    assert {"kampala.Methodology.run", "kampala.Scorecard.explain"} <= members
