"""The comparison selector on the small dataset of ``conftest.py``, checked against hand-computed figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import pytest

from reports import selectors
from reports.selectors import Period

JAN_MAR = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def approx(value, places=2):
    return pytest.approx(value, abs=0.5 * 10**-places + 1e-9)


# --- Comparison ----------------------------------------------------------------------------------


def _rows(result):
    return {row.code: row for row in result.results}


def test_comparison_by_hand(dataset):
    result = selectors.comparison(user=dataset.world.hq, period=JAN_MAR)
    assert [row.code for row in result.results] == ["SH-BUND", "SH-XTD", "BJ-WFJ", "SH-PPL"]
    rows = _rows(result)
    bund = rows["SH-BUND"]
    # 100, 81, 91.7, 83.3: mean 89, SD √(224.78 / 3) = 8.656, half-width 3.1824 · 8.656 / 2 = 13.774;
    # 75.23..102.77, cut at 100 (no mean score exceeds it).
    assert (bund.visits, bund.mean, bund.sd) == (4, 89.0, 8.66)
    assert (bund.ci_low, bund.ci_high) == (approx(75.23), 100.0)
    assert (bund.rank, bund.not_enough_data) == ("1", False)
    assert bund.change.difference == 13.6 and bund.change.previous_visits == 1
    # Service: 100, 100, 75 (upsell N/A), 50 -> 81.25; food 92.85.
    assert asdict(bund.weakest_section) == {"key": "service", "title": "Service", "mean": 81.25, "visits": 4}
    # Complaint tests: passed at 60 s and 90 s, failed at 300 s -> 2/3, median 90 s.
    assert asdict(bund.complaint) == {"tests": 3, "passed": 2, "pass_rate": 0.6667, "timed": 3, "median_seconds": 90.0}
    assert bund.critical_failures == 0

    xintiandi = rows["SH-XTD"]
    assert (xintiandi.mean, xintiandi.ci_low, xintiandi.ci_high, xintiandi.rank) == (0.0, 0.0, 0.0, "2")
    assert xintiandi.critical_failures == 3

    # Too few visits for a rank (MIN_VISITS_FOR_RANK = 3): not ranked, but shown with their counts.
    wangfujing, peoples_square = rows["BJ-WFJ"], rows["SH-PPL"]
    assert (wangfujing.visits, wangfujing.rank, wangfujing.not_enough_data) == (1, None, True)
    assert wangfujing.ci_low is None and wangfujing.ci_high is None
    assert (peoples_square.visits, peoples_square.mean, peoples_square.rank) == (2, 87.7, None)
    # Median of two timed tests, 100 s and 200 s.
    assert peoples_square.complaint.median_seconds == 150.0

    assert asdict(result.summary) == {
        "stores": 4,
        "stores_ranked": 2,
        "visits": 10,
        "mean": 63.14,
        "mean_visits": 10,
        "ci_low": approx(31.58),
        "ci_high": approx(94.70),
    }


def test_overlapping_intervals_share_a_rank_band(dataset, settings):
    settings.INCOGNITO = {**settings.INCOGNITO, "MIN_VISITS_FOR_RANK": 2}
    rows = _rows(selectors.comparison(user=dataset.world.hq, period=JAN_MAR))
    # Bund [75.23, 102.77] and People's Square [2.57, 172.83] overlap; Xintiandi [0, 0] is below both.
    assert (rows["SH-BUND"].rank, rows["SH-PPL"].rank, rows["SH-XTD"].rank) == ("1-2", "1-2", "3")
    assert (rows["SH-PPL"].rank_best, rows["SH-PPL"].rank_worst) == (1, 2)
    assert rows["BJ-WFJ"].rank is None


def test_comparison_within_a_region_and_by_section(dataset):
    world = dataset.world
    result = selectors.comparison(user=world.hq, period=JAN_MAR, region=world.huangpu, section="service")
    assert asdict(result.region) == {"code": "SH-HP", "name": "上海黄浦"}
    assert asdict(result.section) == {"key": "service", "title": "Service"}
    rows = _rows(result)
    assert set(rows) == {"SH-BUND", "SH-PPL", "SH-XTD"}
    # Bund's service scores 100, 100, 75, 50: mean 81.25; previous period (75.4's visit) service 83.3.
    assert (rows["SH-BUND"].visits, rows["SH-BUND"].mean) == (4, 81.25)
    assert rows["SH-BUND"].change.previous_mean == 83.3
    assert rows["SH-BUND"].change.difference == approx(81.25 - 83.3)
    assert (rows["SH-XTD"].mean, rows["SH-XTD"].sd) == (100.0, 0.0)


def test_an_unknown_section_is_refused(dataset):
    from backend.errors import InvalidInput

    with pytest.raises(InvalidInput) as raised:
        selectors.comparison(user=dataset.world.hq, period=JAN_MAR, section="drive_thru")
    assert "section" in raised.value.errors


def test_comparison_is_scoped_and_counts_released_visits_only(dataset):
    world = dataset.world
    assert set(_rows(selectors.comparison(user=world.regional_manager_east, period=JAN_MAR))) == {
        "SH-BUND",
        "SH-PPL",
        "SH-XTD",
    }
    assert set(_rows(selectors.comparison(user=world.regional_manager_north, period=JAN_MAR))) == {"BJ-WFJ"}
    mine = _rows(selectors.comparison(user=world.store_manager_bund, period=JAN_MAR))
    assert set(mine) == {"SH-BUND"}
    # Whoever asks, the unreleased critical failure of 2026-02-20 is not counted.
    assert mine["SH-BUND"].visits == 4 and mine["SH-BUND"].critical_failures == 0
    assert _rows(selectors.comparison(user=world.hq, period=JAN_MAR))["SH-BUND"].visits == 4
