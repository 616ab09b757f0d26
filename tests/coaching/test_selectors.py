"""Reads of action plans: counts in SQL, scoped by role, and the coaching PDF's list."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend import clock
from coaching import selectors
from coaching.models import ActionItem, ActionStatus
from tests import factories


def _by_code(rows) -> dict[str, dict]:
    return {row["code"]: row for row in rows}


def test_overview_counts_open_and_overdue_actions_per_store(world, today, make_action):
    make_action(due=-5)
    make_action(due=-1)
    make_action(due=0)  # due today: not late yet
    make_action(due=3)
    make_action(due=-9, done=True)
    make_action(store=world.wangfujing, due=10)

    rows = selectors.action_overview(user=world.hq, today=today)

    assert [row["code"] for row in rows] == ["SH-BUND", "BJ-WFJ", "SH-PPL"]
    assert rows[0] == {
        "code": "SH-BUND",
        "name": "上海外滩餐厅",
        "region_code": "SH-HP",
        "region_name": "上海黄浦",
        "open": 4,
        "overdue": 2,
        "next_due_on": today,
        "oldest_overdue_on": today - dt.timedelta(days=5),
    }
    assert (rows[1]["open"], rows[1]["overdue"], rows[1]["next_due_on"]) == (1, 0, today + dt.timedelta(days=10))
    assert (rows[2]["open"], rows[2]["overdue"], rows[2]["next_due_on"], rows[2]["oldest_overdue_on"]) == (
        0,
        0,
        None,
        None,
    )


VISIBLE = {
    "hq": {"SH-BUND", "SH-PPL", "BJ-WFJ"},
    "reviewer": {"SH-BUND", "SH-PPL", "BJ-WFJ"},
    "regional_manager_east": {"SH-BUND", "SH-PPL"},
    "regional_manager_north": {"BJ-WFJ"},
    "store_manager_bund": {"SH-BUND"},
    "store_manager_wfj": {"BJ-WFJ"},
    "auditor_a": set(),
    "auditor_b": set(),
}


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_each_role_sees_the_plans_of_its_stores_and_auditors_none(world, today, make_action, persona):
    make_action(due=-2)
    make_action(store=world.wangfujing, due=-2)
    user = getattr(world, persona)

    overview = selectors.action_overview(user=user, today=today)
    items = selectors.action_items(user=user, today=today)

    assert {row["code"] for row in overview} == VISIBLE[persona]
    assert {item.store.code for item in items} == VISIBLE[persona] - {"SH-PPL"}
    assert {row["code"] for row in selectors.stores_with_overdue_actions(user=user, today=today)} == (
        VISIBLE[persona] - {"SH-PPL"}
    )


def test_stores_with_overdue_actions_leaves_out_stores_on_schedule(world, today, make_action):
    make_action(due=3)
    make_action(store=world.wangfujing, due=-1)
    make_action(store=world.wangfujing, due=-4)

    rows = selectors.stores_with_overdue_actions(user=world.hq, today=today)

    assert [(row["code"], row["overdue"], row["oldest_overdue_on"]) for row in rows] == [
        ("BJ-WFJ", 2, today - dt.timedelta(days=4))
    ]


def test_closed_stores_drop_out_of_the_overview_once_nothing_is_open(world, today, make_action):
    item = make_action(store=world.peoples_square)
    world.peoples_square.__class__.objects.filter(pk=world.peoples_square.pk).update(active=False)

    assert "SH-PPL" in _by_code(selectors.action_overview(user=world.hq, today=today))
    ActionItem.objects.filter(pk=item.pk).update(status=ActionStatus.DONE, done_at=clock.now())
    assert "SH-PPL" not in _by_code(selectors.action_overview(user=world.hq, today=today))


def test_action_items_filters_by_store_status_and_overdue(world, today, make_action):
    late = make_action(due=-1)
    soon = make_action(due=2)
    done = make_action(due=-3, done=True)
    make_action(store=world.wangfujing)

    def ids(**filters):
        return {item.pk for item in selectors.action_items(user=world.hq, today=today, **filters)}

    assert ids(store=world.bund) == {late.pk, soon.pk, done.pk}
    assert ids(store=world.bund, status=ActionStatus.OPEN) == {late.pk, soon.pk}
    assert ids(overdue=True) == {late.pk}
    assert late.pk not in ids(overdue=False)
    assert {item.pk: item.is_overdue for item in selectors.action_items(user=world.hq, store=world.bund)} == {
        late.pk: True,
        soon.pk: False,
        done.pk: False,
    }


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 12])
def test_the_overview_is_one_query_however_many_actions_and_stores(
    world, today, make_action, django_assert_num_queries, rows
):
    for index in range(rows):
        store = factories.StoreFactory(region=world.huangpu)
        make_action(store=store, due=7)
        make_action(due=-index - 1)

    with django_assert_num_queries(1):
        overview = selectors.action_overview(user=world.hq, today=today)
    assert _by_code(overview)["SH-BUND"]["overdue"] == rows

    east = world.regional_manager_east
    east.refresh_from_db()  # a fresh user: its managed regions are read once more
    # managed region paths, the grouped query
    with django_assert_num_queries(2):
        assert len(selectors.action_overview(user=east, today=today)) == rows + 2


@pytest.mark.parametrize("rows", [1, 12])
def test_the_pdf_plan_is_one_query(world, today, make_action, django_assert_num_queries, rows):
    for index in range(rows):
        make_action(due=index - 3, done=index % 3 == 0)

    with django_assert_num_queries(1):
        plan = selectors.action_plan_for_report(store=world.bund, today=today)
    assert len(plan) == rows


# --- The coaching PDF's action plan -----------------------------------------------------------------


def test_the_pdf_lists_overdue_then_open_then_recently_done(world, today, make_action):
    open_later = make_action(due=9, item_key="greeted")
    overdue_newer = make_action(due=-1)
    open_sooner = make_action(due=2)
    overdue_older = make_action(due=-6, item_key="wait_seconds")
    done_recently = make_action(done=True)
    done_earlier = make_action(done=True)
    done_long_ago = make_action(done=True)
    now = clock.now()
    ActionItem.objects.filter(pk=done_recently.pk).update(done_at=now - dt.timedelta(days=1))
    ActionItem.objects.filter(pk=done_earlier.pk).update(done_at=now - dt.timedelta(days=30))
    ActionItem.objects.filter(pk=done_long_ago.pk).update(done_at=now - dt.timedelta(days=200))
    make_action(store=world.wangfujing, due=-3)

    plan = selectors.action_plan_for_report(store=world.bund, today=today)

    order = [overdue_older, overdue_newer, open_sooner, open_later, done_recently, done_earlier]
    assert [(row["item_key"], row["due_on"]) for row in plan] == [(item.item_key, item.due_on) for item in order]
    assert [row["overdue"] for row in plan] == [True, True, False, False, False, False]
    assert [row["status"] for row in plan] == ["open"] * 4 + ["done"] * 2
    assert set(plan[0]) == {"item_key", "standard", "action", "owner", "due_on", "status", "overdue", "done_at"}
    assert plan[0]["standard"] == "Seconds from order to food"
    assert plan[0]["done_at"] is None and plan[-1]["done_at"] is not None


# --- A property: the SQL counts agree with counting by hand ----------------------------------------

action_rows = st.lists(
    st.tuples(st.sampled_from(["bund", "wangfujing"]), st.integers(-20, 20), st.booleans()), max_size=12
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=action_rows)
def test_overview_counts_match_counting_by_hand(world, today, rows):
    ActionItem.objects.all().delete()
    ActionItem.objects.bulk_create(
        ActionItem(
            store=getattr(world, store),
            item_key="fries_hot",
            standard="Fries hot",
            action="x",
            owner="y",
            due_on=today + dt.timedelta(days=due),
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
            done_at=clock.now() if done else None,
            created_by=world.hq,
        )
        for store, due, done in rows
    )

    overview = _by_code(selectors.action_overview(user=world.hq, today=today))

    for name, code in (("bund", "SH-BUND"), ("wangfujing", "BJ-WFJ")):
        mine = [(due, done) for store, due, done in rows if store == name]
        open_dues = [today + dt.timedelta(days=due) for due, done in mine if not done]
        assert overview[code]["open"] == len(open_dues)
        assert overview[code]["overdue"] == sum(1 for day in open_dues if day < today)
        assert overview[code]["next_due_on"] == min((d for d in open_dues if d >= today), default=None)
        assert overview[code]["oldest_overdue_on"] == min((d for d in open_dues if d < today), default=None)
