"""Import openpyxl lazily, with an error that names the extra to install."""

from __future__ import annotations

from typing import Any

__all__ = ["openpyxl"]


def openpyxl() -> Any:
    """Import openpyxl, or raise an ImportError naming the extra.

    Examples
    --------
    >>> from kampala._internal.optional_xlsx import openpyxl
    >>> openpyxl().__name__
    'openpyxl'
    """
    try:
        import openpyxl as module
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise ImportError(
            "forms and response files in .xlsx need openpyxl. "
            "Install it with: pip install 'kampala[io]'"
        ) from exc
    return module
