"""A deliberately naive, loop-based transcription of COINr's published functions.

COINr (European Commission JRC, MIT licence, copyright William Becker) builds
composite indicators in R. The functions below follow its R source line by
line, with plain Python lists and loops, so that kampala's vectorised engine
can be checked against an implementation that shares none of its code:

- ``n_minmax``, ``n_zscore`` (R/normalise.R), with ``Normalise.numeric``'s
  ``x * direction``;
- ``a_amean``, ``a_gmean`` (R/aggregate.R): NA removal and weights
  renormalised over the values present;
- ``skew``, ``kurt``, ``check_SkewKurt``, ``winsorise``, ``log_CT`` and the
  two-stage ``Treat.numeric`` (R/treat.R);
- ``i_mean`` and ``i_mean_grp`` (R/impute.R);
- ``Screen`` with ``unit_screen = "byNA"`` (R/screen_units.R);
- ``Denominate`` (R/denominate.R).

NA is represented by ``None`` throughout; nothing here uses NumPy.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

Vector = list[float | None]

NA_STRINGS = {"", "NA"}


def _present(x: Sequence[float | None]) -> list[float]:
    return [v for v in x if v is not None]


def _mean(x: Sequence[float]) -> float:
    total = 0.0
    for v in x:
        total += v
    return total / len(x)


def _sd(x: Sequence[float]) -> float:
    # stats::sd: sample standard deviation, divisor n - 1. R accumulates in
    # long double, whose exponent range keeps squares of tiny deviations
    # (1e-258) from underflowing; scaling by the largest deviation does the
    # same in double precision.
    m = _mean(x)
    scale = max(abs(v - m) for v in x)
    if scale == 0:
        return 0.0
    ss = 0.0
    for v in x:
        ss += ((v - m) / scale) ** 2
    return scale * math.sqrt(ss / (len(x) - 1))


def _median(x: Sequence[float]) -> float:
    s = sorted(x)
    n = len(s)
    mid = n // 2
    return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2


# -- normalisation ----------------------------------------------------------------
def n_minmax(x: Vector, l_u: tuple[float, float] = (0.0, 100.0)) -> Vector:
    minx = min(_present(x))
    maxx = max(_present(x))
    out: Vector = []
    for v in x:
        if v is None:
            out.append(None)
        else:
            out.append((v - minx) / (maxx - minx) * (l_u[1] - l_u[0]) + l_u[0])
    return out


def n_zscore(x: Vector, m_sd: tuple[float, float] = (0.0, 1.0)) -> Vector:
    p = _present(x)
    mu = _mean(p)
    sd = _sd(p)
    out: Vector = []
    for v in x:
        out.append(None if v is None else (v - mu) / sd * m_sd[1] + m_sd[0])
    return out


def normalise_numeric(x: Vector, f_n: str, para: Any, direction: int) -> Vector:
    # Normalise.numeric: x <- x * direction, then the normalisation function
    xd: Vector = [None if v is None else v * direction for v in x]
    if f_n == "n_minmax":
        return n_minmax(xd, para)
    if f_n == "n_zscore":
        return n_zscore(xd, para)
    raise ValueError(f_n)


# -- aggregation ------------------------------------------------------------------
def a_amean(x: Vector, w: Sequence[float]) -> float | None:
    ws = [w[i] for i in range(len(x)) if x[i] is not None]
    xs = [v for v in x if v is not None]
    if len(xs) == 0:
        return None
    total_w = 0.0
    for wi in ws:
        total_w += wi
    out = 0.0
    for wi, xi in zip(ws, xs, strict=True):
        out += wi / total_w * xi
    return out


def a_gmean(x: Vector, w: Sequence[float]) -> float | None:
    if all(v is None for v in x):
        return None
    for v in x:
        if v is not None and v <= 0:
            raise ValueError(
                "Negative or zero values found when applying geometric mean"
            )
    num = 0.0
    den = 0.0
    for wi, xi in zip(w, x, strict=True):
        if xi is None:
            continue
        num += wi * math.log(xi)
        den += wi
    return math.exp(num / den)


# -- treatment --------------------------------------------------------------------
def skew(x: Vector) -> float:
    p = _present(x)
    n = len(p)
    m = _mean(p)
    d = [v - m for v in p]
    s3 = 0.0
    s2 = 0.0
    for v in d:
        s3 += v**3
        s2 += v**2
    if s2 == 0:
        return math.nan  # R: 0/0 is NaN
    y = math.sqrt(n) * s3 / (s2 ** (3 / 2))
    return y * math.sqrt(n * (n - 1)) / (n - 2)


def kurt(x: Vector) -> float:
    p = _present(x)
    n = len(p)
    m = _mean(p)
    d = [v - m for v in p]
    s4 = 0.0
    s2 = 0.0
    for v in d:
        s4 += v**4
        s2 += v**2
    if s2 == 0:
        return math.nan
    r = n * s4 / (s2**2)
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def check_skew_kurt(
    x: Vector, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> bool:
    sk, kt = skew(x), kurt(x)
    if math.isnan(sk) or math.isnan(kt):
        # a constant vector: COINr stops with an error (NA in a condition);
        # kampala counts it as passing, as there is nothing left to treat
        return True
    return abs(sk) < skew_thresh or kt < kurt_thresh


def winsorise(
    x: Vector, winmax: int = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> Vector:
    x = list(x)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    nwin = 0
    imax: list[int] = []
    imin: list[int] = []
    if not passing:
        below_winmax = nwin < winmax
        while (not passing) and below_winmax:
            if skew(x) >= 0:
                mx = max(_present(x))
                imax = [i for i, v in enumerate(x) if v is not None and v == mx]
                rest = [v for i, v in enumerate(x) if i not in imax and v is not None]
                new = max(rest)
                for i in imax:
                    x[i] = new
            else:
                mn = min(_present(x))
                imin = [i for i, v in enumerate(x) if v is not None and v == mn]
                rest = [v for i, v in enumerate(x) if i not in imin and v is not None]
                new = min(rest)
                for i in imin:
                    x[i] = new
            nwin = len(imax) + len(imin)
            below_winmax = nwin < winmax
            passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    return x


def log_ct(x: Vector) -> Vector:
    p = _present(x)
    mn = min(p)
    mx = max(p)
    return [None if v is None else math.log(v - mn + 0.01 * (mx - mn)) for v in x]


def treat_numeric(x: Vector, winmax: int = 5) -> Vector:
    # Treat.numeric with f1 = winsorise, f2 = log_CT, f_pass = check_SkewKurt,
    # combine_treat = FALSE (f2 is applied to the original x)
    if check_skew_kurt(x):
        return list(x)
    x1 = winsorise(x, winmax=winmax)
    if check_skew_kurt(x1):
        return x1
    return log_ct(x)


# -- imputation -------------------------------------------------------------------
def i_mean(x: Vector) -> Vector:
    p = _present(x)
    if not p:
        return list(x)
    mx = _mean(p)
    return [mx if v is None else v for v in x]


def i_mean_grp(x: Vector, f: Sequence[str | None]) -> Vector:
    out = list(x)
    groups: dict[str, list[int]] = {}
    for i, g in enumerate(f):
        if g is None:
            continue  # skip_f_na = TRUE
        groups.setdefault(g, []).append(i)
    for idx in groups.values():
        filled = i_mean([x[i] for i in idx])
        for i, v in zip(idx, filled, strict=True):
            out[i] = v
    return out


# -- screening and denomination ---------------------------------------------------
def screen_by_na(rows: list[Vector], dat_thresh: float) -> list[bool]:
    keep = []
    for row in rows:
        n_na = 0
        for v in row:
            if v is None:
                n_na += 1
        prc_avail = 1 - n_na / len(row)
        keep.append(prc_avail >= dat_thresh)
    return keep


def denominate(x: Vector, d: Vector, scale_factor: float = 1.0) -> Vector:
    # dcol <- denoms / ScaleFactor; x / dcol (R would give Inf for a zero)
    out: Vector = []
    for xi, di in zip(x, d, strict=True):
        if xi is None or di is None:
            out.append(None)
        else:
            out.append(xi / (di / scale_factor))
    return out


# -- reading and the whole build --------------------------------------------------
class Coin:
    """The ASEM tables as plain lists: columns of iData and rows of iMeta."""

    def __init__(self, idata: Path, imeta: Path) -> None:
        with open(imeta, newline="", encoding="utf-8") as fh:
            self.meta = list(csv.DictReader(fh))
        with open(idata, newline="", encoding="utf-8") as fh:
            self.rows = list(csv.DictReader(fh))
        self.ucodes = [r["uCode"] for r in self.rows]
        self.ind = [m for m in self.meta if m["Type"] == "Indicator"]
        self.icodes = [m["iCode"] for m in self.ind]
        self.aggs = [m for m in self.meta if m["Type"] == "Aggregate"]

    def column(self, code: str) -> Vector:
        out: Vector = []
        for r in self.rows:
            text = r[code].strip()
            out.append(None if text in NA_STRINGS else float(text))
        return out

    def group(self, code: str) -> list[str | None]:
        return [None if r[code] in NA_STRINGS else r[code] for r in self.rows]


def aggregate(
    coin: Coin, data: dict[str, Vector], f_ag: str = "a_amean"
) -> dict[str, Vector]:
    """Aggregate level by level with the iMeta weights (COINr Aggregate.coin)."""
    fun = {"a_amean": a_amean, "a_gmean": a_gmean}[f_ag]
    values = dict(data)
    n = len(next(iter(data.values())))
    nlev = max(int(m["Level"]) for m in coin.aggs)
    weight = {m["iCode"]: float(m["Weight"]) for m in coin.ind + coin.aggs}
    out: dict[str, Vector] = {}
    for lev in range(2, nlev + 1):
        for agg in coin.aggs:
            if int(agg["Level"]) != lev:
                continue
            kids = [
                m["iCode"]
                for m in coin.ind + coin.aggs
                if m["Parent"] == agg["iCode"] and int(m["Level"]) == lev - 1
            ]
            w = [weight[k] for k in kids]
            col: Vector = []
            for i in range(n):
                col.append(fun([values[k][i] for k in kids], w))
            values[agg["iCode"]] = col
            out[agg["iCode"]] = col
    return out


def normalise_all(
    coin: Coin, data: dict[str, Vector], f_n: str, para: Any
) -> dict[str, Vector]:
    direction = {m["iCode"]: int(m["Direction"]) for m in coin.ind}
    return {c: normalise_numeric(data[c], f_n, para, direction[c]) for c in data}


def build_asem(coin: Coin) -> tuple[list[str], dict[str, Vector]]:
    """COINr's build_example_coin(): the reference ASEM index.

    Returns the unit codes kept by screening and every aggregate's scores.
    """
    raw = {c: coin.column(c) for c in coin.icodes}
    # DENOMINATE
    den: dict[str, Vector] = {}
    for m in coin.ind:
        d = m["Denominator"]
        if d in NA_STRINGS:
            den[m["iCode"]] = raw[m["iCode"]]
        else:
            den[m["iCode"]] = denominate(raw[m["iCode"]], coin.column(d))
    # IMPUTE (group mean by EurAsia_group)
    grp = coin.group("EurAsia_group")
    imp = {c: i_mean_grp(den[c], grp) for c in coin.icodes}
    # SCREEN byNA, 0.9, on the imputed data
    rows = [[imp[c][i] for c in coin.icodes] for i in range(len(coin.ucodes))]
    keep = screen_by_na(rows, 0.9)
    units = [u for u, k in zip(coin.ucodes, keep, strict=True) if k]
    scr = {c: [v for v, k in zip(imp[c], keep, strict=True) if k] for c in imp}
    # TREAT (winsorise up to 5 points, then log_CT on the original values)
    trt = {c: treat_numeric(scr[c], winmax=5) for c in coin.icodes}
    # NORMALISE min-max [0, 100] with directions
    nrm = normalise_all(coin, trt, "n_minmax", (0.0, 100.0))
    # AGGREGATE arithmetic mean
    return units, aggregate(coin, nrm, "a_amean")
