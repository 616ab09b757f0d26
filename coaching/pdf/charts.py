"""The coaching report's score trend, drawn with Matplotlib as SVG (vector, so it prints sharp).

Labels inside the chart are numbers and ``YYYY-MM`` months only; the legend is HTML beside it,
so the chart needs no CJK font and its text never depends on the reader's language.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure
from matplotlib.ticker import MultipleLocator

from reports.selectors import StoreTrend

STORE_COLOUR = "#b5121b"
MONTH_COLOUR = "#1f2937"
REGION_COLOUR = "#6b7280"
GRID_COLOUR = "#e5e7eb"
RC = {"svg.fonttype": "path", "svg.hashsalt": "incognito", "font.family": "DejaVu Sans", "font.size": 8}


def trend_svg(trend: StoreTrend, **size) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(RC):
        _trend_figure(trend, **size).savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()


def _trend_figure(trend: StoreTrend, *, width_cm: float = 17.0, height_cm: float = 6.5) -> Figure:
    """Every visit's score as a dot, the monthly mean as a line, the region's monthly mean dashed.

    ``trend`` is ``reports.selectors.store_trend``'s result (a ``StoreTrend``). A ``Figure`` is built directly (not
    through pyplot) so nothing is kept in a global registry between renders.
    """
    months = [row.month for row in trend.months]
    index = {month: position for position, month in enumerate(months)}
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(width_cm / 2.54, height_cm / 2.54))
        axes = figure.add_axes((0.06, 0.14, 0.92, 0.82))
        visits = [
            (index[f"{visit.visited_on:%Y-%m}"] + (visit.visited_on.day - 1) / 31 - 0.5, float(visit.score))
            for visit in trend.visits
            if f"{visit.visited_on:%Y-%m}" in index
        ]
        region = [(index[row.month], row.mean) for row in trend.region.months if row.mean is not None]
        monthly = [(index[row.month], row.mean) for row in trend.months if row.mean is not None]
        if region:
            axes.plot(*zip(*region, strict=True), color=REGION_COLOUR, linestyle=(0, (4, 3)), linewidth=1.2)
        if visits:
            axes.scatter(*zip(*visits, strict=True), s=10, color=STORE_COLOUR, alpha=0.45, linewidths=0)
        if monthly:
            axes.plot(*zip(*monthly, strict=True), color=MONTH_COLOUR, linewidth=1.8, marker="o", markersize=3.5)
        scores = [score for _x, score in visits + monthly + region]
        low = max(0, min(scores, default=60) - 8)
        axes.set_ylim(low // 10 * 10, 100.5)
        axes.set_xlim(-0.7, max(len(months) - 0.3, 0.7))
        axes.yaxis.set_major_locator(MultipleLocator(10))
        step = max(1, len(months) // 8)
        axes.set_xticks(range(0, len(months), step), [months[i] for i in range(0, len(months), step)])
        axes.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            axes.spines[side].set_color("#9ca3af")
        axes.tick_params(colors="#374151", length=2)
    return figure
