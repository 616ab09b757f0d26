"""Geometry for the inline SVG charts: pure functions from report figures to coordinates.

The templates draw the shapes and write the words (so every label is translated and localised
there); these functions only place things. Scores are 0-100; the value axis starts at the tens
below the lowest figure shown (never below 0) and ends at 100, so differences are not magnified
beyond a 10-point floor.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from reports.selectors import StoreTrend


@dataclass(frozen=True)
class Scale:
    lo: float
    hi: float
    a: float  # pixel at lo
    b: float  # pixel at hi

    def __call__(self, value: float) -> float:
        return round(self.a + (value - self.lo) / (self.hi - self.lo) * (self.b - self.a), 1)


def _n(value: float) -> str:
    """A coordinate as plain text: never localised (no decimal comma, no thousands separator)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def score_domain(values: list[float]) -> tuple[float, float]:
    known = [v for v in values if v is not None]
    if not known:
        return 0.0, 100.0
    lo = math.floor(min(known) / 10) * 10
    lo = max(0.0, min(lo, 90.0))
    return float(lo), 100.0


def score_ticks(lo: float, hi: float) -> list[int]:
    step = 5 if hi - lo <= 30 else 10
    return list(range(int(lo), int(hi) + 1, step))


# --- Regional comparison: each store's mean with its 95 % interval ------------------------------

COMPARISON_WIDTH = 720
COMPARISON_LABEL = 210
COMPARISON_ROW = 26
COMPARISON_TOP = 28
COMPARISON_BOTTOM = 12


def comparison_chart(rows: list, brand_mean: float | None) -> dict | None:
    """Rows (``ComparisonRow``s, or rows reading through to them) with a mean, in the order given;
    None when no store has one."""
    rows = [row for row in rows if row.mean is not None]
    if not rows:
        return None
    lo, hi = score_domain([row.ci_low if row.ci_low is not None else row.mean for row in rows])
    x = Scale(lo, hi, COMPARISON_LABEL + 10, COMPARISON_WIDTH - 20)
    height = COMPARISON_TOP + COMPARISON_ROW * len(rows) + COMPARISON_BOTTOM
    points = []
    for index, row in enumerate(rows):
        y = COMPARISON_TOP + COMPARISON_ROW * index + COMPARISON_ROW / 2
        low, high = row.ci_low, row.ci_high
        points.append(
            {
                "row": row,
                "y": _n(y),
                "label_y": _n(y + 4),
                "cap_top": _n(y - 5),
                "cap_bottom": _n(y + 5),
                "x": _n(x(row.mean)),
                "x_low": _n(x(max(lo, low))) if low is not None else None,
                "x_high": _n(x(min(hi, high))) if high is not None else None,
                "band_y": _n(y - COMPARISON_ROW / 2),
                "stripe": index % 2 == 1,
            }
        )
    return {
        "width": _n(COMPARISON_WIDTH),
        "height": _n(height),
        "label_x": _n(COMPARISON_LABEL),
        "bottom": _n(height - COMPARISON_BOTTOM),
        "ticks": [{"value": tick, "x": _n(x(tick))} for tick in score_ticks(lo, hi)],
        "tick_y": _n(COMPARISON_TOP - 10),
        "grid_top": _n(COMPARISON_TOP - 6),
        "row_height": _n(COMPARISON_ROW),
        "points": points,
        "brand_mean": brand_mean,
        "brand_x": _n(x(brand_mean)) if brand_mean is not None and lo <= brand_mean <= hi else None,
        "lo": lo,
        "hi": hi,
    }


# --- Store trend: visits, monthly means, the region's monthly means ----------------------------

TREND_WIDTH = 720
TREND_HEIGHT = 300
TREND_LEFT = 44
TREND_RIGHT = 16
TREND_TOP = 14
TREND_BOTTOM = 46


def _month_start(month: str) -> dt.date:
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


def _path(points: list[tuple[float, float] | None]) -> str:
    """An SVG path through the points, broken where a point is missing."""
    parts, pen_down = [], False
    for point in points:
        if point is None:
            pen_down = False
            continue
        parts.append(f"{'L' if pen_down else 'M'}{_n(point[0])},{_n(point[1])}")
        pen_down = True
    return " ".join(parts)


def trend_chart(trend: StoreTrend) -> dict | None:
    """From ``reports.selectors.store_trend``'s result; None without visits."""
    visits = trend.visits
    if not visits:
        return None
    start, end = trend.period.start, trend.period.end
    days = max((end - start).days, 1)
    months = trend.months
    region_months = trend.region.months
    values = [float(v.score) for v in visits if v.score is not None]
    values += [m.mean for m in months if m.mean is not None]
    values += [m.mean for m in region_months if m.mean is not None]
    lo, hi = score_domain(values)
    plot_bottom = TREND_HEIGHT - TREND_BOTTOM
    x = Scale(0, days, TREND_LEFT, TREND_WIDTH - TREND_RIGHT)
    y = Scale(lo, hi, plot_bottom, TREND_TOP)

    def x_of(day: dt.date) -> float:
        return x(min(max((day - start).days, 0), days))

    def mid_month(month: str) -> dt.date:
        first = _month_start(month)
        return min(max(first + dt.timedelta(days=14), start), end)

    points = [
        {"visit": v, "x": _n(x_of(v.visited_on)), "y": _n(y(float(v.score)))} for v in visits if v.score is not None
    ]
    month_points = [(x_of(mid_month(m.month)), y(m.mean)) if m.mean is not None else None for m in months]
    region_points = [(x_of(mid_month(m.month)), y(m.mean)) if m.mean is not None else None for m in region_months]
    ticks = []
    for index, month in enumerate(months):
        first = max(_month_start(month.month), start)
        ticks.append(
            {
                "date": first,
                "x": _n(x_of(first)),
                "show_year": index == 0 or first.month == 1,
                "show_label": len(months) <= 13 or index % math.ceil(len(months) / 12) == 0,
            }
        )
    return {
        "width": _n(TREND_WIDTH),
        "height": _n(TREND_HEIGHT),
        "left": _n(TREND_LEFT),
        "label_x": _n(TREND_LEFT - 6),
        "right": _n(TREND_WIDTH - TREND_RIGHT),
        "top": _n(TREND_TOP),
        "bottom": _n(plot_bottom),
        "points": points,
        "month_path": _path(month_points),
        "month_dots": [
            {"x": _n(p[0]), "y": _n(p[1]), "month": m}
            for p, m in zip(month_points, months, strict=True)
            if p is not None
        ],
        "region_path": _path(region_points),
        "y_ticks": [{"value": tick, "y": _n(y(tick)), "text_y": _n(y(tick) + 4)} for tick in score_ticks(lo, hi)],
        "x_ticks": ticks,
        "month_label_y": _n(plot_bottom + 16),
        "year_label_y": _n(plot_bottom + 30),
    }
