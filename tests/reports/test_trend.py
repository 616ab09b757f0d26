"""The store trend selector on the small dataset of ``conftest.py``, checked against hand-computed figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

import pytest

from audits.services import AnswerInput, reviews
from branches.models import Store
from reports import selectors
from reports.selectors import Period
from tests import factories
from tests.reports.conftest import lunch

JAN_MAR = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def approx(value, places=2):
    return pytest.approx(value, abs=0.5 * 10**-places + 1e-9)


# --- Trend ----------------------------------------------------------------------------------------


def test_trend_by_hand(dataset):
    trend = selectors.store_trend(user=dataset.world.hq, code="SH-BUND", period=JAN_MAR)
    assert trend.scorecard.code == "QSR"
    # Released visits only: the critical failure of 2026-02-20 is still under review.
    assert [(row.visited_on, row.score) for row in trend.visits] == [
        (dt.date(2026, 1, 10), Decimal("100.0")),
        (dt.date(2026, 1, 20), Decimal("81.0")),
        (dt.date(2026, 2, 15), Decimal("91.7")),
        (dt.date(2026, 3, 5), Decimal("83.3")),
    ]
    assert {row.reference for row in trend.visits} == {visit.reference for visit in dataset.bund_visits}
    # Monthly means; the moving average is the mean of the monthly means of up to three months.
    assert [asdict(row) for row in trend.months] == [
        {"month": "2026-01", "visits": 2, "mean": 90.5, "moving_average": 90.5, "moving_average_months": 1},
        {"month": "2026-02", "visits": 1, "mean": 91.7, "moving_average": 91.1, "moving_average_months": 2},
        # (90.5 + 91.7 + 83.3) / 3 = 88.5
        {"month": "2026-03", "visits": 1, "mean": 83.3, "moving_average": 88.5, "moving_average_months": 3},
    ]
    # Sections: food (2+4+1)/7 = 100 and (0+4+1)/7 = 71.4 in January; service with upsell N/A (0+3)/4 = 75.
    sections = {section.key: [row.mean for row in section.months] for section in trend.sections}
    assert sections == {"food": [85.7, 100.0, 100.0], "service": [100.0, 75.0, 50.0]}
    assert [section.title for section in trend.sections] == ["Food quality", "Service"]
    # (100 + 81 + 91.7 + 83.3) / 4 = 89.0 against 75.4 in the previous 90 days.
    assert asdict(trend.change) == {
        "mean": 89.0,
        "visits": 4,
        "previous_mean": 75.4,
        "previous_visits": 1,
        "difference": 13.6,
        "previous_period": {"start": dt.date(2025, 10, 3), "end": dt.date(2025, 12, 31)},
    }
    # x = 9, 19, 45, 63 days; b = -290.6 / 1812 = -0.160375 per day = -4.881 per month;
    # half-width 4.3027 * 0.221732 = 0.954036 per day = 29.038 per month.
    slope = trend.slope
    assert slope.points_per_month == approx(-4.881, 3)
    assert slope.ci_low == approx(-4.881 - 29.038, 2) and slope.ci_high == approx(-4.881 + 29.038, 2)
    assert slope.visits == 4 and slope.reason is None


def test_trend_benchmarks_are_released_visits_of_the_region_and_the_brand(dataset):
    trend = selectors.store_trend(user=dataset.world.store_manager_bund, code="SH-BUND", period=JAN_MAR)
    # 上海黄浦 in January: Bund 100 + 81, People's Square 81, Xintiandi 0 -> 262 / 4 = 65.5.
    region = trend.region
    assert region.code == "SH-HP"
    assert [(row.visits, row.mean) for row in region.months] == [(4, 65.5), (3, 62.03), (2, 41.65)]
    assert (region.visits, region.mean) == (9, approx(531.4 / 9))
    # The brand adds Wangfujing's 100 in February: (91.7 + 94.4 + 0 + 100) / 4 = 71.53.
    brand = trend.brand
    assert [(row.visits, row.mean) for row in brand.months] == [(4, 65.5), (4, 71.53), (2, 41.65)]
    assert (brand.visits, brand.mean) == (10, 63.14)


def test_competitor_stores_stay_out_of_the_benchmarks(dataset):
    world = dataset.world
    rival = factories.StoreFactory(
        code="SH-CMP", name="竞品", region=world.huangpu, is_competitor=True, competitor_brand="竞品 A"
    )
    factories.record_visit(
        store=rival,
        version=world.version,
        auditor=world.auditor_b,
        when=lunch(dt.date(2026, 1, 8)),
        release_by=world.reviewer,
    )
    trend = selectors.store_trend(user=world.hq, code="SH-BUND", period=JAN_MAR)
    assert asdict(trend.region.months[0]) == {"month": "2026-01", "visits": 4, "mean": 65.5}
    assert selectors.store_trend(user=world.hq, code="SH-CMP", period=JAN_MAR).visits[0].score == Decimal("100.0")


def test_amended_scores_count_as_amended(dataset):
    world = dataset.world
    reviews.visit_amend_answer(
        visit=dataset.bund_visits[1],
        item_key="fries_hot",
        answer=AnswerInput(value=True),
        reason="The photo shows hot fries.",
        by=world.reviewer,
    )
    trend = selectors.store_trend(user=world.store_manager_bund, code="SH-BUND", period=JAN_MAR)
    assert [row.score for row in trend.visits][:2] == [Decimal("100.0"), Decimal("100.0")]
    assert trend.months[0].mean == 100.0
    assert trend.sections[0].months[0].mean == 100.0


def test_a_slope_needs_three_visits(dataset):
    february = Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    trend = selectors.store_trend(user=dataset.world.hq, code="SH-BUND", period=february)
    assert asdict(trend.slope) == {
        "points_per_month": None,
        "ci_low": None,
        "ci_high": None,
        "visits": 1,
        "reason": "fewer than 3 visits (1)",
    }


def test_a_period_without_visits_has_empty_months_and_no_scorecard(dataset):
    quiet = Period(dt.date(2024, 1, 1), dt.date(2024, 2, 29))
    trend = selectors.store_trend(user=dataset.world.hq, code="SH-BUND", period=quiet)
    assert trend.scorecard is None and trend.visits == ()
    assert [row.month for row in trend.months] == ["2024-01", "2024-02"]
    assert trend.slope.reason == "fewer than 3 visits (0)"


def test_default_scorecard_is_the_most_visited_one_and_can_be_chosen(dataset):
    world = dataset.world
    other = factories.published_version(hq=world.hq, code="DRIVE")
    for day in (3, 4, 5, 6, 7):
        factories.record_visit(
            store=world.bund,
            version=other,
            auditor=world.auditor_b,
            when=lunch(dt.date(2026, 3, day)),
            answers={"fries_hot": False},
            release_by=world.reviewer,
        )
    trend = selectors.store_trend(user=world.hq, code="SH-BUND", period=JAN_MAR)
    assert trend.scorecard.code == "DRIVE" and len(trend.visits) == 5
    chosen = selectors.store_trend(user=world.hq, code="SH-BUND", period=JAN_MAR, template=world.version.template)
    assert chosen.scorecard.code == "QSR" and len(chosen.visits) == 4


def test_someone_elses_store_does_not_exist(dataset):
    with pytest.raises(Store.DoesNotExist):
        selectors.store_trend(user=dataset.world.store_manager_bund, code="SH-PPL", period=JAN_MAR)
    with pytest.raises(Store.DoesNotExist):
        selectors.store_weaknesses(user=dataset.world.regional_manager_north, code="SH-BUND", period=JAN_MAR)
