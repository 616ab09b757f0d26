"""Action plans on top of the shared ``world``: SH-BUND and BJ-WFJ have released visits on the
SMALL_CARD scorecard (items fries_hot, burger_taste, food_safe, greeted, wait_seconds, upsell;
remarks is free text), SH-PPL has none.
"""

from __future__ import annotations

import datetime as dt

import pytest

from backend import clock
from coaching import services
from coaching.models import ActionItem
from tests.reports.conftest import Dataset, dataset

__all__ = ["Dataset", "dataset"]  # the report dataset, re-exported for the coaching PDF tests


@pytest.fixture
def today() -> dt.date:
    return clock.today()


@pytest.fixture
def make_action(world, today):
    """An action through the real service; ``due`` is days from today and may be negative.

    The service refuses due dates in the past, so an overdue action is made the way it happens
    in life: planned with a future date that has since passed (here, moved in the database).
    """

    def make(*, store=None, item_key="fries_hot", due=7, by=None, done=False, action="Fry in smaller batches"):
        store = store or world.bund
        managers = {world.bund: world.store_manager_bund, world.wangfujing: world.store_manager_wfj}
        by = by or managers.get(store, world.hq)
        item = services.action_item_create(
            store=store, item_key=item_key, action=action, owner="王经理", due_on=today + dt.timedelta(days=7), by=by
        )
        if due != 7:
            ActionItem.objects.filter(pk=item.pk).update(due_on=today + dt.timedelta(days=due))
        if done:
            services.action_item_complete(item=item, by=by)
        item.refresh_from_db()
        return item

    return make
