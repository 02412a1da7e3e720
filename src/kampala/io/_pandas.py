"""Optional dependencies (pandas, cattrs), imported only when asked for."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["require", "require_pandas"]


def require(module: str, extra: str, why: str) -> Any:
    """Import an optional dependency or explain how to install it.

    ``why`` says what needs it ("portfolio_from_pandas() needs pandas").

    Raises
    ------
    ImportError
        If the module is not installed, naming the extra that provides it.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{why}. Install it with: pip install 'kampala[{extra}]'"
        ) from exc


def require_pandas(where: str) -> Any:
    """Import pandas or explain how to install it.

    Raises
    ------
    ImportError
        If pandas is not installed, naming the extra that provides it.
    """
    return require("pandas", "pandas", f"{where} needs pandas")
