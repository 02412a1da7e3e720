"""Resource limits and recorded seeds of the Monte Carlo analyses.

- **Memory guard**: every analysis estimates the memory of its largest
  arrays (design, per-sample scores and ranks, draws) *before* allocating
  them and refuses, naming ``n``, the estimate and the limit, when the
  estimate exceeds ``max_memory``. The limit is the ``max_memory=``
  argument, else the environment variable ``KAMPALA_MAX_MEMORY``, else half
  the machine's physical memory (4 GiB where that is unknown).
- **Recorded seed**: `seeded` turns ``rng`` into a generator and the seed
  that reproduces it. With ``rng=None`` a seed is drawn from OS entropy
  (`numpy.random.SeedSequence`) and used, so even an unseeded run can be
  repeated exactly from the seed its result records.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

import numpy as np

from kampala._internal.rng import SeedLike
from kampala.errors import ParameterTypeError, ParameterValueError

__all__ = [
    "DEFAULT_MAX_MEMORY",
    "ENV_MAX_MEMORY",
    "check_memory",
    "format_bytes",
    "max_memory_bytes",
    "seeded",
]

#: Environment variable that sets the default memory limit (bytes, or a size
#: such as ``"8GiB"``, ``"512M"``).
ENV_MAX_MEMORY = "KAMPALA_MAX_MEMORY"

_FALLBACK = 4 * 2**30


def _half_ram() -> int:
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        size = os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):  # pragma: no cover - non-POSIX
        return _FALLBACK
    if pages <= 0 or size <= 0:  # pragma: no cover
        return _FALLBACK
    return int(pages * size // 2)


#: Default memory limit: half the machine's physical memory (4 GiB if unknown).
DEFAULT_MAX_MEMORY: int = _half_ram()

_UNITS = {
    "": 1,
    "b": 1,
    "k": 2**10,
    "kb": 10**3,
    "kib": 2**10,
    "m": 2**20,
    "mb": 10**6,
    "mib": 2**20,
    "g": 2**30,
    "gb": 10**9,
    "gib": 2**30,
    "t": 2**40,
    "tb": 10**12,
    "tib": 2**40,
}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?)\s*([a-zA-Z]*)\s*")


def format_bytes(n: float) -> str:
    """Return a size in bytes as a short text: ``'48.0 TiB'``.

    >>> format_bytes(3 * 2**30), format_bytes(512)
    ('3.0 GiB', '512 B')
    """
    if n < 1024:
        return f"{int(n)} B"
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        n /= 1024
        if n < 1024 or unit == "EiB":
            break
    return f"{n:.1f} {unit}"


def max_memory_bytes(where: str, value: Any = None) -> int:
    """Resolve ``max_memory`` (None, bytes, or a size text) to bytes.

    None reads ``KAMPALA_MAX_MEMORY`` and falls back to `DEFAULT_MAX_MEMORY`.

    >>> max_memory_bytes("f()", "2GiB"), max_memory_bytes("f()", 1000)
    (2147483648, 1000)
    """
    field = "max_memory"
    if value is None:
        env = os.environ.get(ENV_MAX_MEMORY)
        if env is None or not env.strip():
            return DEFAULT_MAX_MEMORY
        value, field = env, ENV_MAX_MEMORY
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ParameterTypeError(
            where, field, value, "a number of bytes or a size such as '8GiB'"
        )
    if isinstance(value, str):
        m = _SIZE.fullmatch(value)
        unit = m.group(2).lower() if m else ""
        if m is None or unit not in _UNITS:
            raise ParameterValueError(
                where,
                field,
                value,
                "a number of bytes or a size such as '8GiB', '512M' or '2GB'",
            )
        number = float(m.group(1)) * _UNITS[unit]
    else:
        number = float(value)
    if not math.isfinite(number) or number < 1:
        raise ParameterValueError(where, field, value, "a finite size >= 1 byte")
    return int(number)


def check_memory(where: str, n: int, estimate: float, limit: int) -> None:
    """Refuse an analysis whose estimated memory exceeds ``limit``, naming ``n``."""
    if estimate > limit:
        raise ParameterValueError(
            where,
            "n",
            n,
            f"small enough for the memory limit: {n} samples need about "
            f"{format_bytes(estimate)}, over max_memory = {format_bytes(limit)}",
            hint="Use a smaller n, or raise the limit (max_memory=, the "
            f"command-line option --max-memory or {ENV_MAX_MEMORY}).",
        )


def seeded(where: str, rng: SeedLike) -> tuple[np.random.Generator, int | None]:
    """Return a generator for ``rng`` and the seed that reproduces it.

    ``None`` draws a seed from OS entropy and records it; an int is checked
    (a non-negative integer) and recorded; a `numpy.random.SeedSequence`
    records its entropy if it was not spawned; a `numpy.random.Generator`
    or `numpy.random.BitGenerator` is used as is and records None.

    >>> gen, seed = seeded("f()", None)
    >>> gen2, _ = seeded("f()", seed)
    >>> gen.random() == gen2.random()
    True
    >>> seeded("f()", 7)[1]
    7
    """
    if rng is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        return np.random.default_rng(seed), seed
    if isinstance(rng, bool):
        raise ParameterTypeError(where, "rng", rng, "an integer seed, or None")
    if isinstance(rng, int | np.integer):
        if rng < 0:
            raise ParameterValueError(
                where,
                "rng",
                int(rng),
                "a non-negative integer seed",
                hint="Use 0 or a positive integer, or omit it for a fresh seed.",
            )
        return np.random.default_rng(int(rng)), int(rng)
    if isinstance(rng, np.random.SeedSequence):
        entropy = rng.entropy
        kept = int(entropy) if isinstance(entropy, int) and not rng.spawn_key else None
        return np.random.default_rng(rng), kept
    try:
        return np.random.default_rng(rng), None
    except (TypeError, ValueError) as exc:
        raise ParameterTypeError(
            where,
            "rng",
            rng,
            "None, a non-negative integer, a SeedSequence, a BitGenerator or "
            "a Generator",
        ) from exc
