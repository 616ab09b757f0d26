"""The coaching report as a PDF: ``coaching.report_data.coaching_report_data`` laid out for print."""

from __future__ import annotations

import base64

from coaching.models import ActionStatus
from coaching.pdf.charts import trend_svg
from coaching.pdf.render import RenderedPdf, render_html

TEMPLATE = "coaching/coaching_report.html"
PLAN_ROWS = 6


def coaching_pdf(data: dict, *, language: str) -> RenderedPdf:
    trend = data["trend"]
    weakest = data["weakest"]
    latest, previous = data["latest"], data["previous"]
    context = {
        **data,
        # As an image, so the SVG is parsed as XML (its markers and glyphs are <use> references).
        "chart_uri": "data:image/svg+xml;base64," + base64.b64encode(trend_svg(trend).encode()).decode(),
        "change": trend.change,
        "slope": trend.slope,
        "region_mean": trend.region.mean,
        "brand_mean": trend.brand.mean,
        "latest_change": float(latest.score) - float(previous.score) if latest and previous else None,
        "blank_rows": range(max(0, PLAN_ROWS - len(weakest))),
    }
    return render_html(TEMPLATE, {**context, "ActionStatus": ActionStatus}, language=language)
