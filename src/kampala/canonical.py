"""Canonical JSON: the text a methodology's hash is computed from.

Keys sorted, no insignificant white space, UTF-8, no NaN: two objects with
the same content always give the same text, so the same SHA-256
([Versioning and hashing](../../methodology/versioning.md)).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["canonical_json"]


def canonical_json(obj: Any) -> str:
    """Serialise ``obj`` canonically: sorted keys, compact, UTF-8, no NaN.

    Examples
    --------
    Keys are sorted and no white space is added, so equal content always gives
    the same text (and the same hash); NaN is refused:

    >>> from kampala.canonical import canonical_json
    >>> canonical_json({"weights": {"P2": 0.25, "P1": 0.75}, "title": "Índice"})
    '{"title":"Índice","weights":{"P1":0.75,"P2":0.25}}'
    >>> canonical_json({"weight": float("nan")})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
        ...
    ValueError: Out of range float values are not JSON compliant...
    """
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
