"""The action-plan services: who may write, which standards, and the invariants of an action."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audits import services as audit_services
from audits.models import Assignment, AssignmentStatus
from backend import clock
from coaching import services
from coaching.models import ActionItem, ActionStatus
from scorecards import services as scorecard_services
from tests import factories
from tests.auditor_api.conftest import certify


def _create(world, today, **overrides):
    arguments = {
        "store": world.bund,
        "item_key": "fries_hot",
        "action": "Fry in smaller batches at lunch",
        "owner": "王经理",
        "due_on": today + dt.timedelta(days=14),
        "by": world.store_manager_bund,
        **overrides,
    }
    return services.action_item_create(**arguments)


# --- Create -------------------------------------------------------------------------------------


def test_a_store_manager_commits_the_store_to_an_action(world, today):
    item = _create(world, today, action="  Fry in smaller batches  ")

    assert item.status == ActionStatus.OPEN
    assert item.done_at is None
    assert item.standard == "Fries hot"
    assert item.action == "Fry in smaller batches"
    assert item.created_by == world.store_manager_bund


def test_the_standard_is_a_snapshot_that_a_reworded_version_does_not_change(world, today):
    before = _create(world, today)
    draft = scorecard_services.scorecard_version_create_draft(template=world.version.template, by=world.hq)
    card = [dict(section, items=[dict(item) for item in section["items"]]) for section in factories.SMALL_CARD]
    card[0]["items"][0]["prompt"] = "Fries served hot and crisp"
    scorecard_services.scorecard_version_replace_content(version=draft, sections=card)
    scorecard_services.scorecard_version_publish(version=draft, by=world.hq)

    after = _create(world, today)

    before.refresh_from_db()
    assert before.standard == "Fries hot"
    assert after.standard == "Fries served hot and crisp"


@pytest.mark.parametrize("key", ["no_such_item", "remarks"])
def test_an_unknown_or_unscored_item_is_refused_naming_item_key(world, today, key):
    with pytest.raises(ValidationError) as error:
        _create(world, today, item_key=key)

    assert set(error.value.message_dict) == {"item_key"}
    assert ActionItem.objects.count() == 0


def _drive_thru(world):
    """A second published standard whose only item no other scorecard has."""
    item = {"key": "order_repeated", "prompt": "Order read back", "type": "yes_no", "max_points": Decimal(1)}
    return factories.published_version(
        hq=world.hq,
        code="DT",
        sections=[{"key": "drive", "title": "Drive-thru", "weight": Decimal(1), "items": [item]}],
    )


def test_a_store_plans_on_the_scorecards_it_was_audited_on_and_a_new_store_on_any(world, today):
    _drive_thru(world)
    drive_thru_key = "order_repeated"

    with pytest.raises(ValidationError) as error:
        _create(world, today, item_key=drive_thru_key)
    assert "item_key" in error.value.message_dict

    # SH-PPL has no released visit yet: it may prepare for any published standard.
    item = _create(world, today, store=world.peoples_square, item_key=drive_thru_key, by=world.hq)
    assert item.store == world.peoples_square


def test_an_unreleased_visit_does_not_make_its_scorecard_plannable(world, today):
    """Accepting its keys would tell the store a visit happened that it cannot see yet."""
    drive_thru = _drive_thru(world)
    when = clock.now() - dt.timedelta(days=1)
    visit = audit_services.visit_record(
        store=world.bund,
        version=drive_thru,
        auditor=world.auditor_a,
        daypart="lunch",
        checked_in_at=when,
        checked_out_at=when + dt.timedelta(minutes=10),
        answers={"order_repeated": audit_services.AnswerInput(value=True)},
    )

    with pytest.raises(ValidationError) as error:
        _create(world, today, item_key="order_repeated")
    assert "item_key" in error.value.message_dict

    audit_services.visit_release(visit=visit, by=world.reviewer)
    assert _create(world, today, item_key="order_repeated").standard == "Order read back"


def test_every_problem_is_reported_at_once_and_nothing_is_stored(world, today):
    with pytest.raises(ValidationError) as error:
        _create(world, today, item_key="no_such_item", action="   ", owner="")

    assert set(error.value.message_dict) == {"item_key", "action", "owner"}
    assert ActionItem.objects.count() == 0


def test_a_due_date_in_the_past_is_refused(world, today):
    with pytest.raises(ValidationError) as error:
        _create(world, today, due_on=today - dt.timedelta(days=1))

    assert set(error.value.message_dict) == {"due_on"}
    assert _create(world, today, due_on=today).due_on == today


def test_competitor_stores_have_no_action_plan(world, today):
    rival = factories.StoreFactory(
        code="RIVAL", region=world.huangpu, is_competitor=True, competitor_brand="Other Burger"
    )

    with pytest.raises(ValidationError) as error:
        _create(world, today, store=rival, by=world.hq)

    assert set(error.value.message_dict) == {"store"}


def _turned_competitor(store):
    """The store is reclassified as a competitor's (a franchise lost, say) after its plan was written."""
    store.is_competitor, store.competitor_brand = True, "Other Burger"
    store.save(update_fields=["is_competitor", "competitor_brand"])


def test_even_the_competitor_stores_own_manager_gets_no_action_plan(world, today):
    rival = factories.StoreFactory(
        code="RIVAL", region=world.huangpu, is_competitor=True, competitor_brand="Other Burger"
    )
    world.store_manager_bund.managed_stores.add(rival)

    with pytest.raises(ValidationError) as error:
        _create(world, today, store=rival)

    assert set(error.value.message_dict) == {"store"}
    assert ActionItem.objects.count() == 0


def test_a_store_that_became_a_competitors_keeps_its_old_plan_unchanged(world, today, make_action):
    item = make_action(done=False)
    done = make_action(item_key="greeted", done=True)
    _turned_competitor(world.bund)
    before = {row.pk: (row.action, row.status, row.updated_at) for row in ActionItem.objects.all()}

    for by in (world.store_manager_bund, world.hq):
        for change, target, fields in (
            (services.action_item_update, item, {"owner": "李厨师"}),
            (services.action_item_complete, item, {}),
            (services.action_item_reopen, done, {}),
        ):
            with pytest.raises(ValidationError) as error:
                change(item=target, by=by, **fields)
            assert set(error.value.message_dict) == {"store"}, change.__name__

    assert {row.pk: (row.action, row.status, row.updated_at) for row in ActionItem.objects.all()} == before


def test_outsiders_are_refused_for_a_competitor_store_as_for_any_store(world, today):
    rival = factories.StoreFactory(
        code="RIVAL", region=world.huangpu, is_competitor=True, competitor_brand="Other Burger"
    )

    for outsider in (world.store_manager_wfj, world.regional_manager_east, world.reviewer, world.auditor_a):
        with pytest.raises(PermissionDenied):
            _create(world, today, store=rival, by=outsider)


@pytest.mark.parametrize(
    "writer", ["store_manager_wfj", "regional_manager_east", "reviewer", "auditor_a"], ids=lambda name: name
)
def test_only_the_stores_own_managers_and_hq_write_its_plan(world, today, writer):
    with pytest.raises(PermissionDenied):
        _create(world, today, by=getattr(world, writer))

    assert _create(world, today, by=world.hq).created_by == world.hq
    assert ActionItem.objects.count() == 1


# --- Update, complete, reopen ------------------------------------------------------------------


def test_an_open_action_can_be_reworded_reassigned_and_rescheduled(world, today, make_action):
    item = make_action()

    item = services.action_item_update(
        item=item,
        by=world.store_manager_bund,
        action="Fry every 5 minutes",
        owner="李厨师",
        due_on=today + dt.timedelta(days=30),
    )

    assert (item.action, item.owner, item.due_on) == ("Fry every 5 minutes", "李厨师", today + dt.timedelta(days=30))
    assert item.standard == "Fries hot"


def test_an_overdue_action_can_be_edited_without_moving_its_due_date(world, make_action):
    item = make_action(due=-3)

    item = services.action_item_update(item=item, by=world.store_manager_bund, owner="李厨师")

    assert item.owner == "李厨师"
    with pytest.raises(ValidationError) as error:
        services.action_item_update(item=item, by=world.store_manager_bund, due_on=item.due_on - dt.timedelta(days=1))
    assert set(error.value.message_dict) == {"due_on"}


def test_update_refuses_fields_that_define_the_action(world, make_action):
    with pytest.raises(TypeError):
        services.action_item_update(item=make_action(), by=world.store_manager_bund, item_key="greeted")


def test_a_done_action_is_a_record_until_it_is_reopened(world, make_action):
    item = make_action(done=True)

    with pytest.raises(ValidationError) as error:
        services.action_item_update(item=item, by=world.store_manager_bund, action="changed")
    assert set(error.value.message_dict) == {"status"}

    item = services.action_item_reopen(item=item, by=world.store_manager_bund)
    item = services.action_item_update(item=item, by=world.store_manager_bund, action="changed")
    assert item.action == "changed"


def test_complete_and_reopen_set_and_clear_done_at_and_are_safe_to_retry(world, make_action):
    item = make_action()

    done = services.action_item_complete(item=item, by=world.store_manager_bund)
    again = services.action_item_complete(item=item, by=world.store_manager_bund)

    assert done.status == ActionStatus.DONE and done.done_at is not None
    assert again.done_at == done.done_at
    reopened = services.action_item_reopen(item=item, by=world.store_manager_bund)
    assert (reopened.status, reopened.done_at) == (ActionStatus.OPEN, None)
    assert services.action_item_reopen(item=item, by=world.store_manager_bund).status == ActionStatus.OPEN


def test_a_completion_can_be_recorded_after_the_standards_version_is_retired(world, make_action):
    item = make_action()
    draft = scorecard_services.scorecard_version_create_draft(template=world.version.template, by=world.hq)
    scorecard_services.scorecard_version_replace_content(
        version=draft, sections=[s for s in factories.SMALL_CARD if s["key"] == "service"]
    )
    scorecard_services.scorecard_version_publish(version=draft, by=world.hq)

    assert services.action_item_complete(item=item, by=world.store_manager_bund).status == ActionStatus.DONE


@pytest.mark.parametrize("writer", ["store_manager_wfj", "regional_manager_east", "reviewer"])
def test_others_cannot_complete_reopen_or_update(world, make_action, writer):
    item = make_action()
    user = getattr(world, writer)

    for call in (
        lambda: services.action_item_complete(item=item, by=user),
        lambda: services.action_item_reopen(item=item, by=user),
        lambda: services.action_item_update(item=item, by=user, owner="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    item.refresh_from_db()
    assert (item.status, item.owner) == (ActionStatus.OPEN, "王经理")


def test_done_at_is_set_exactly_when_done(world, make_action):
    item = make_action()
    item.status = ActionStatus.DONE

    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "done_at" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.filter(pk=item.pk).update(status=ActionStatus.DONE)


# --- Follow-up visits --------------------------------------------------------------------------


@pytest.fixture
def window(today):
    """Next month's first week: inside one calendar month, whatever today is."""
    start = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return {"window_start": start, "window_end": start + dt.timedelta(days=6), "daypart": "lunch"}


def test_hq_plans_a_follow_up_with_the_auditor_the_planner_would_choose(world, make_action, window):
    make_action(due=-2)
    certify(world.auditor_a, world.version)
    certify(world.auditor_b, world.version)

    assignment = services.followup_visit_plan(store=world.bund, by=world.hq, **window)

    # auditor_a visited SH-BUND three days ago: inside the rotation lockout.
    assert assignment.auditor == world.auditor_b
    assert assignment.status == AssignmentStatus.OFFERED
    assert (assignment.store, assignment.version, assignment.created_by) == (world.bund, world.version, world.hq)
    assert (assignment.window_start, assignment.window_end) == (window["window_start"], window["window_end"])
    assert assignment.notes == ""


def test_planning_a_follow_up_leaves_the_action_items_untouched(world, make_action, window):
    item = make_action(due=-2)
    certify(world.auditor_b, world.version)

    services.followup_visit_plan(store=world.bund, by=world.hq, **window)

    assert ActionItem.objects.get(pk=item.pk).updated_at == item.updated_at


def test_without_an_eligible_auditor_the_error_says_why(world, make_action, window):
    make_action(due=-2)
    certify(world.auditor_a, world.version)

    with pytest.raises(ValidationError) as error:
        services.followup_visit_plan(store=world.bund, by=world.hq, **window)

    (message,) = error.value.message_dict["auditor"]
    assert "within 90 days" in message
    assert Assignment.objects.count() == 0


def test_nobody_certified_is_explained_too(world, make_action, window):
    make_action(due=-2)

    with pytest.raises(ValidationError) as error:
        services.followup_visit_plan(store=world.bund, by=world.hq, **window)

    assert "no certified auditor" in error.value.message_dict["auditor"][0]


def test_hq_may_name_the_auditor(world, make_action, window):
    make_action(due=-2)
    certify(world.auditor_b, world.version)

    assignment = services.followup_visit_plan(store=world.bund, by=world.hq, auditor=world.auditor_b, **window)

    assert assignment.auditor == world.auditor_b


def test_a_store_without_overdue_actions_needs_no_follow_up(world, make_action, window):
    make_action(due=0)
    certify(world.auditor_b, world.version)

    with pytest.raises(ValidationError) as error:
        services.followup_visit_plan(store=world.bund, by=world.hq, **window)

    assert set(error.value.message_dict) == {"store"}


def test_a_retried_follow_up_is_not_planned_twice(world, make_action, window):
    make_action(due=-2)
    certify(world.auditor_a, world.version)
    certify(world.auditor_b, world.version)
    services.followup_visit_plan(store=world.bund, by=world.hq, **window)

    with pytest.raises(ValidationError) as error:
        services.followup_visit_plan(store=world.bund, by=world.hq, **window)

    assert set(error.value.message_dict) == {"window_start"}
    assert Assignment.objects.count() == 1


def test_a_follow_up_window_is_checked(world, make_action, window, today):
    make_action(due=-2)
    start = window["window_start"]
    cases = {
        "window_start": {"window_start": today - dt.timedelta(days=1), "window_end": today},
        "window_end": {"window_start": start, "window_end": start + dt.timedelta(days=40)},
        "daypart": {**window, "daypart": "brunch"},
    }
    for field, given in cases.items():
        with pytest.raises(ValidationError) as error:
            services.followup_visit_plan(store=world.bund, by=world.hq, **{"daypart": "lunch", **given})
        assert field in error.value.message_dict, field


@pytest.mark.parametrize("planner", ["reviewer", "regional_manager_east", "store_manager_bund", "auditor_b"])
def test_only_hq_plans_follow_ups(world, make_action, window, planner):
    make_action(due=-2)
    certify(world.auditor_b, world.version)

    with pytest.raises(PermissionDenied):
        services.followup_visit_plan(store=world.bund, by=getattr(world, planner), **window)
    assert Assignment.objects.count() == 0
