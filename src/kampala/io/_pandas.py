"""Optional pandas support, imported only when asked for."""

from __future__ import annotations

from typing import Any

__all__ = ["require_pandas"]


def require_pandas(where: str) -> Any:
    """Import pandas or explain how to install it.

    Raises
    ------
    ImportError
        If pandas is not installed, naming the extra that provides it.
    """
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{where} needs pandas. Install it with: pip install 'kampala[pandas]'"
        ) from exc
    return pd
