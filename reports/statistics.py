"""Small, pure statistics for the reports: everything is computed from sums SQL already made.

No scipy: the reports need a mean with its confidence interval, a least-squares slope with its
interval, and rank bands, all from ``n``, ``Σy``, ``Σy²`` (and ``Σx``, ``Σx²``, ``Σxy``).

Conventions
-----------
- Standard deviations are sample standard deviations (divisor ``n - 1``).
- Intervals are 95 %, two-sided, from Student's t: ``mean ± t(0.975, n-1) · sd / √n``.
- ``t_975(df)`` is exact to the printed digits for df 1..30 (a table) and uses the
  Cornish-Fisher expansion of t around the normal quantile beyond (error < 1e-4 at df 31,
  shrinking fast; it tends to 1.959964 as df grows).
- Rank bands (see ``rank_bands``): stores whose intervals overlap are not ranked apart.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

# t(0.975, df) for df = 1..30.
T_975 = (
    12.706204736,
    4.302652730,
    3.182446305,
    2.776445105,
    2.570581836,
    2.446911851,
    2.364624252,
    2.306004135,
    2.262157163,
    2.228138852,
    2.200985160,
    2.178812830,
    2.160368656,
    2.144786688,
    2.131449546,
    2.119905299,
    2.109815578,
    2.100922040,
    2.093024054,
    2.085963447,
    2.079613845,
    2.073873068,
    2.068657610,
    2.063898562,
    2.059538553,
    2.055529439,
    2.051830516,
    2.048407142,
    2.045229642,
    2.042272456,
)
Z_975 = 1.959963984540054


def t_975(df: int) -> float:
    """The 0.975 quantile of Student's t with ``df`` degrees of freedom (95 % two-sided)."""
    if df < 1:
        raise ValueError("t needs at least one degree of freedom")
    if df <= len(T_975):
        return T_975[df - 1]
    z = Z_975
    # Cornish-Fisher expansion of the t quantile in powers of 1/df (Abramowitz & Stegun 26.7.5).
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


@dataclass(frozen=True)
class MeanEstimate:
    """A mean with its 95 % interval; ``low``/``high`` are None when ``n < 2``."""

    n: int
    mean: float | None
    sd: float | None
    low: float | None
    high: float | None


RELATIVE_NOISE = 1e-12


def mean_sd(n: int, total: float, total_sq: float) -> tuple[float | None, float | None]:
    """Mean and sample SD from ``n``, ``Σy`` and ``Σy²``; None where undefined (n = 0, or SD with n = 1)."""
    if not n:
        return None, None
    mean = float(total) / n
    if n < 2:
        return mean, None
    # Σ(y - ȳ)² = Σy² - (Σy)²/n. In floating point an all-equal series leaves rounding noise
    # of about 1e-16 · Σy² (either sign); anything below 1e-12 · Σy² is that noise, not spread
    # (scores have one decimal: real spread is at least 0.005 against Σy² of at most 10⁴ · n).
    squares = float(total_sq) - float(total) * float(total) / n
    if squares <= RELATIVE_NOISE * abs(float(total_sq)):
        squares = 0.0
    return mean, math.sqrt(squares / (n - 1))


def mean_interval(n: int, total: float, total_sq: float, *, bounds: tuple[float, float] | None = None) -> MeanEstimate:
    """Mean, SD and the 95 % t interval of the mean, from sums.

    ``bounds``: the range the values can take (scores: 0..100). The t interval of a few scattered
    values can reach past it (two visits at 40 and 100 give -5.5..174.9), which no mean can;
    the interval is cut to the range so nobody reads an impossible score.
    """
    n = int(n or 0)
    mean, sd = mean_sd(n, total or 0, total_sq or 0)
    if mean is None or sd is None:
        return MeanEstimate(n=n, mean=mean, sd=sd, low=None, high=None)
    half = t_975(n - 1) * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return MeanEstimate(n=n, mean=mean, sd=sd, low=low, high=high)


@dataclass(frozen=True)
class SlopeEstimate:
    """Least-squares slope of y on x with its 95 % interval, or the reason there is none."""

    n: int
    slope: float | None
    low: float | None
    high: float | None
    reason: str | None = None


MIN_POINTS_FOR_SLOPE = 3


def slope_interval(n: int, sx, sy, sxy, sxx, syy, *, scale: float = 1.0) -> SlopeEstimate:
    """The ordinary least-squares slope of y on x and its 95 % t interval, from sums.

    ``b = Sxy / Sxx`` with ``Sxx = Σx² - (Σx)²/n`` and ``Sxy = Σxy - ΣxΣy/n``; the residual
    variance is ``s² = (Syy - b·Sxy) / (n - 2)`` and ``se(b) = s / √Sxx``; the interval is
    ``b ± t(0.975, n-2) · se(b)``. ``scale`` converts the unit of x (e.g. days to months:
    the slope and interval are multiplied by it). Sums are combined exactly (as fractions),
    so a perfectly linear series has a residual of exactly zero and a zero-width interval.
    Fewer than 3 points, or all points at the same x, have no slope: ``reason`` says why.
    """
    n = int(n or 0)
    if n < MIN_POINTS_FOR_SLOPE:
        return SlopeEstimate(
            n=n, slope=None, low=None, high=None, reason=f"fewer than {MIN_POINTS_FOR_SLOPE} visits ({n})"
        )
    sx, sy, sxy, sxx, syy = (Fraction(value or 0) for value in (sx, sy, sxy, sxx, syy))
    cxx = sxx - sx * sx / n
    if cxx <= 0:
        return SlopeEstimate(n=n, slope=None, low=None, high=None, reason="all visits on the same day")
    cxy = sxy - sx * sy / n
    cyy = syy - sy * sy / n
    slope = cxy / cxx
    residual = max(Fraction(0), cyy - slope * cxy)
    se = math.sqrt(residual / (n - 2) / cxx)
    half = t_975(n - 2) * se
    b = float(slope)
    return SlopeEstimate(n=n, slope=b * scale, low=(b - half) * scale, high=(b + half) * scale)


# --- Rank bands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankBand:
    best: int
    worst: int

    @property
    def label(self) -> str:
        return str(self.best) if self.best == self.worst else f"{self.best}-{self.worst}"


def rank_bands(estimates: Sequence[MeanEstimate], *, min_visits: int) -> list[RankBand | None]:
    """Honest ranks: a band of places each store could hold, given the noise in its mean.

    Only stores with at least ``min_visits`` visits and an interval (n >= 2) are ranked; the
    others get None ("not enough data") and do not count for anybody else's band either.
    Among the ranked stores, with [low, high] each store's 95 % interval of the mean:

    - best  = 1 + the number of stores clearly above it (their ``low`` > its ``high``);
    - worst = the number of stores not clearly below it (their ``high`` >= its ``low``),
      itself included.

    A store clearly above all others is "1"; two stores whose intervals overlap share places.
    If A's whole band is above B's (``A.worst < B.best``) then A's mean is above B's, since
    each interval contains its mean.
    """
    ranked = [
        index
        for index, estimate in enumerate(estimates)
        if estimate.n >= min_visits and estimate.low is not None and estimate.high is not None
    ]
    lows = sorted(estimates[index].low for index in ranked)
    highs = sorted(estimates[index].high for index in ranked)
    bands: list[RankBand | None] = [None] * len(estimates)
    for index in ranked:
        low, high = estimates[index].low, estimates[index].high
        clearly_above = len(lows) - bisect.bisect_right(lows, high)
        not_clearly_below = len(highs) - bisect.bisect_left(highs, low)
        bands[index] = RankBand(best=1 + clearly_above, worst=not_clearly_below)
    return bands
