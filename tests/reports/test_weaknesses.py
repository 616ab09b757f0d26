"""The weak-standards selector on the small dataset of ``conftest.py``, checked against hand-computed figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import pytest

from reports import selectors
from reports.selectors import Period
from tests import factories
from tests.reports.conftest import lunch

JAN_MAR = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def approx(value, places=2):
    return pytest.approx(value, abs=0.5 * 10**-places + 1e-9)


# --- Weak standards ----------------------------------------------------------------------------------


def test_weaknesses_by_hand(dataset):
    result = selectors.store_weaknesses(user=dataset.world.store_manager_bund, code="SH-BUND", period=JAN_MAR)
    assert result.visits == 4
    rows = [
        (row.key, row.answered, row.failed, row.fail_rate, row.region_answered, row.region_failed)
        for row in result.results
    ]
    # greeted missed twice in 4; upsell once in 3 scored answers (one N/A); fries once in 4.
    # The region (上海黄浦: Bund 4, People's Square 2, Xintiandi 3 visits): greeted 2/9, upsell
    # 2/8 (People's Square's "partly" is a miss, the N/A is left out), fries 2/9.
    assert rows == [
        ("greeted", 4, 2, 0.5, 9, 2),
        ("upsell", 3, 1, 0.3333, 8, 2),
        ("fries_hot", 4, 1, 0.25, 9, 2),
    ]
    fries = result.results[2]
    assert fries.prompt == "Fries hot" and fries.coaching_tip == "Serve fries within 5 minutes of frying."
    assert asdict(fries.section) == {"key": "food", "title": "Food quality"}
    assert fries.region_fail_rate == 0.2222
    limited = selectors.store_weaknesses(user=dataset.world.hq, code="SH-BUND", period=JAN_MAR, limit=1)
    assert [row.key for row in limited.results] == ["greeted"]


def test_weaknesses_match_items_across_versions_by_key(dataset):
    world = dataset.world
    from scorecards import services

    draft = services.scorecard_version_create_draft(template=world.version.template, by=world.hq)
    sections = [dict(section) for section in factories.SMALL_CARD]
    sections[1] = {
        **sections[1],
        "items": [
            {**item, "prompt": "Greeted with a smile", "coaching_tip": "Smile first."}
            if item["key"] == "greeted"
            else item
            for item in sections[1]["items"]
        ],
    }
    services.scorecard_version_replace_content(version=draft, sections=sections)
    v2 = services.scorecard_version_publish(version=draft, by=world.hq)
    factories.record_visit(
        store=world.bund,
        version=v2,
        auditor=world.auditor_b,
        when=lunch(dt.date(2026, 3, 20)),
        answers={"greeted": False},
        release_by=world.reviewer,
    )
    result = selectors.store_weaknesses(user=world.hq, code="SH-BUND", period=JAN_MAR)
    greeted = result.results[0]
    assert (greeted.key, greeted.answered, greeted.failed) == ("greeted", 5, 3)
    assert (greeted.prompt, greeted.coaching_tip) == ("Greeted with a smile", "Smile first.")
