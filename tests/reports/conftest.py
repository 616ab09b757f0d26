"""A small dataset whose report figures are worked out by hand in the tests.

On top of the shared ``world`` (whose own visits are in November 2026, outside these periods),
with the SMALL_CARD scorecard (food x2: fries_hot 2, burger_taste 4, food_safe 1 critical;
service x1: greeted 1, wait_seconds 3, upsell 2 N/A allowed):

period 2026-01-01..2026-03-31 (90 days; previous period 2025-10-03..2025-12-31)

SH-BUND  2026-01-10 perfect                         100.0  complaint all met, 60 s  -> pass
         2026-01-20 fries cold                       81.0  complaint acknowledged, 300 s -> fail
         2026-02-15 not greeted, upsell N/A          91.7  complaint all met, 90 s  -> pass
         2026-03-05 not greeted, no upsell           83.3
         2025-12-15 fries cold, not greeted          75.4  (previous period)
         2026-02-20 critical failure, NOT released    0.0  (never counted)
SH-PPL   2026-01-15 fries cold                       81.0  complaint all met, 100 s -> pass (100)
         2026-02-12 upsell partly                    94.4  complaint all met, 200 s -> pass (80)
SH-XTD   2026-01-05, 02-05, 03-05 critical failure    0.0  x3 (新天地餐厅, in 上海黄浦)
BJ-WFJ   2026-02-10 perfect                         100.0
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest

from audits.models import Visit
from audits.services import ComplaintInput
from tests import factories

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PERIOD = "start=2026-01-01&end=2026-03-31"
ALL_MET = ("acknowledged", "apologised", "remedy")


def lunch(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), SHANGHAI)


@dataclass
class Dataset:
    world: object
    xintiandi: object
    scenario: object
    bund_visits: list[Visit]
    pending: Visit


def _visit(world, store, day, *, answers=None, complaint=None, released=True, auditor=None):
    return factories.record_visit(
        store=store,
        version=world.version,
        auditor=auditor or world.auditor_a,
        answers=answers,
        when=lunch(day),
        release_by=world.reviewer if released else None,
        complaint=complaint,
    )


@pytest.fixture
def dataset(world) -> Dataset:
    scenario = factories.complaint_scenario()

    def complaint(observed, seconds):
        return ComplaintInput(scenario=scenario, observed=observed, seconds_to_resolution=seconds)

    d = dt.date
    bund = [
        _visit(world, world.bund, d(2026, 1, 10), complaint=complaint(ALL_MET, 60)),
        _visit(
            world, world.bund, d(2026, 1, 20), answers={"fries_hot": False}, complaint=complaint(("acknowledged",), 300)
        ),
        _visit(
            world,
            world.bund,
            d(2026, 2, 15),
            answers={"greeted": False, "upsell": factories.audit_services.AnswerInput(not_applicable=True)},
            complaint=complaint(ALL_MET, 90),
        ),
        _visit(world, world.bund, d(2026, 3, 5), answers={"greeted": False, "upsell": "no"}),
    ]
    _visit(world, world.bund, d(2025, 12, 15), answers={"fries_hot": False, "greeted": False})
    pending = _visit(world, world.bund, d(2026, 2, 20), answers={"food_safe": False}, released=False)
    _visit(world, world.peoples_square, d(2026, 1, 15), answers={"fries_hot": False}, complaint=complaint(ALL_MET, 100))
    _visit(world, world.peoples_square, d(2026, 2, 12), answers={"upsell": "partly"}, complaint=complaint(ALL_MET, 200))
    xintiandi = factories.StoreFactory(code="SH-XTD", name="新天地餐厅", region=world.huangpu)
    for day in (d(2026, 1, 5), d(2026, 2, 5), d(2026, 3, 5)):
        _visit(world, xintiandi, day, answers={"food_safe": False})
    _visit(world, world.wangfujing, d(2026, 2, 10), auditor=world.auditor_b)
    return Dataset(world=world, xintiandi=xintiandi, scenario=scenario, bund_visits=bund, pending=pending)
