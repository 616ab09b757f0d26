"""The chart geometry: honest axes, gaps in lines, plain (unlocalised) coordinates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

from dashboard import charts
from reports.selectors import (
    Change,
    ComparisonRow,
    ComplaintFigures,
    MonthMean,
    Period,
    RegionRef,
    TrendVisit,
)


def test_the_score_axis_starts_at_the_tens_below_the_lowest_figure_and_ends_at_100():
    assert charts.score_domain([83.2, 97.0]) == (80.0, 100.0)
    assert charts.score_domain([0.0, 90.0]) == (0.0, 100.0)
    assert charts.score_domain([99.5]) == (90.0, 100.0)
    assert charts.score_domain([]) == (0.0, 100.0)
    assert charts.score_ticks(80, 100) == [80, 85, 90, 95, 100]
    assert charts.score_ticks(0, 100)[:3] == [0, 10, 20]


def _comparison_row(code, mean, ci_low, ci_high, visits, not_enough_data):
    no_change = Change(None, visits, None, 0, None, Period(dt.date(2025, 10, 3), dt.date(2025, 12, 31)))
    return ComparisonRow(
        code=code,
        name=code,
        region=RegionRef("R", "R"),
        is_competitor=False,
        visits=visits,
        mean=mean,
        sd=None,
        ci_low=ci_low,
        ci_high=ci_high,
        rank=None,
        rank_best=None,
        rank_worst=None,
        not_enough_data=not_enough_data,
        change=no_change,
        weakest_section=None,
        complaint=ComplaintFigures(0, 0, None, 0, None),
        critical_failures=0,
    )


def test_comparison_chart_places_means_and_clips_intervals_to_the_axis():
    rows = [
        _comparison_row("A", mean=90.0, ci_low=85.0, ci_high=104.0, visits=5, not_enough_data=False),
        _comparison_row("B", mean=None, ci_low=None, ci_high=None, visits=0, not_enough_data=True),
        _comparison_row("C", mean=80.0, ci_low=None, ci_high=None, visits=1, not_enough_data=True),
    ]
    chart = charts.comparison_chart(rows, brand_mean=85.0)
    assert [point["row"].code for point in chart["points"]] == ["A", "C"]
    a, c = chart["points"]
    assert float(a["x_high"]) == charts.COMPARISON_WIDTH - 20  # 104 is drawn at the axis' end (100)
    assert c["x_low"] is None
    assert float(c["x"]) < float(chart["brand_x"]) < float(a["x"])
    assert all(isinstance(value, str) for value in (a["x"], a["y"], chart["height"]))
    assert charts.comparison_chart([rows[1]], brand_mean=None) is None


def test_trend_lines_break_where_a_month_has_no_visits():
    start, end = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
    months = [
        MonthMean(month="2026-01", mean=80.0, visits=1),
        MonthMean(month="2026-02", mean=None, visits=0),
        MonthMean(month="2026-03", mean=90.0, visits=1),
    ]
    trend = SimpleNamespace(
        period=Period(start, end),
        visits=(
            TrendVisit(reference="V-1", visited_on=dt.date(2026, 1, 10), score=80, critical_failed=False),
            TrendVisit(reference="V-2", visited_on=dt.date(2026, 3, 10), score=90, critical_failed=False),
        ),
        months=months,
        region=SimpleNamespace(months=[dataclasses.replace(m, mean=85.0) for m in months]),
    )
    chart = charts.trend_chart(trend)
    assert chart["month_path"].count("M") == 2 and "L" not in chart["month_path"]
    assert chart["region_path"].count("M") == 1 and chart["region_path"].count("L") == 2
    assert float(chart["points"][0]["x"]) < float(chart["points"][1]["x"])
    assert float(chart["points"][0]["y"]) > float(chart["points"][1]["y"])  # higher score, higher up
    assert [tick["show_year"] for tick in chart["x_ticks"]] == [True, False, False]
    assert charts.trend_chart(SimpleNamespace(**{**vars(trend), "visits": ()})) is None
