"""Reads for action plans, always starting from what the caller may see.

Counts are aggregated in SQL (one grouped query per call), so an overview of 500 stores costs
the same number of queries as one of 5. ``today`` is a parameter, not ``date.today()``: the
caller decides which day it is (the API passes the local date, tests pass fixed days), and an
action is *overdue* when it is open and its due date is before ``today``.

Nothing here selects anything about assignments or auditors: action plans are store-side
data, and whether a follow-up visit is planned is HQ's secret (DOMAIN.md, invariant 1).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BooleanField, Case, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from backend import clock
from branches.models import Store
from coaching import scoping
from coaching.models import ActionItem, ActionStatus, overdue_q

# The coaching PDF lists actions done this recently, so the store sees its progress without
# the list growing forever.
RECENTLY_DONE_DAYS = 90

OPEN = Q(status=ActionStatus.OPEN)


def _overdue_flag(today: dt.date) -> Case:
    return Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField())


def action_items(
    *,
    user,
    store: Store | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[ActionItem]:
    """The action items the caller may see, each annotated with ``is_overdue``.

    ``overdue=True`` keeps overdue actions only, ``False`` everything else; ``today`` defaults
    to the local date.
    """
    today = today or clock.today()
    items = (
        ActionItem.objects.visible_to(user)
        .select_related("store", "created_by")
        .annotate(is_overdue=_overdue_flag(today))
    )
    if store is not None:
        items = items.filter(store=store)
    if status is not None:
        items = items.filter(status=status)
    if overdue is not None:
        items = items.filter(is_overdue=overdue)
    return items


def _overview_stores(*, user, today: dt.date) -> QuerySet[Store]:
    """Visible brand stores with their action counts, one row per store, in one grouped query.

    A store with no action at all is listed too (a regional manager wants to see which stores
    have no plan); a closed store only while it still has open actions.
    """
    has_open = ActionItem.objects.filter(OPEN, store=OuterRef("pk"))
    return (
        Store.objects.filter(scoping.action_item_q(user, prefix=""), is_competitor=False)
        .filter(Q(active=True) | Exists(has_open))
        .values("code", "name", region_code=F("region__code"), region_name=F("region__name"))
        .annotate(
            open=Count("action_items", filter=Q(action_items__status=ActionStatus.OPEN)),
            overdue=Count("action_items", filter=overdue_q(today, "action_items__")),
            next_due_on=Min(
                "action_items__due_on",
                filter=Q(action_items__status=ActionStatus.OPEN, action_items__due_on__gte=today),
            ),
            oldest_overdue_on=Min("action_items__due_on", filter=overdue_q(today, "action_items__")),
        )
        .order_by("-overdue", "-open", "code")
    )


def action_overview(*, user, today: dt.date) -> list[dict]:
    """Per store the caller may see: open and overdue actions and the dates that matter.

    Rows: ``code, name, region_code, region_name, open, overdue, next_due_on`` (the earliest due
    date of an open action not yet overdue, or None) and ``oldest_overdue_on`` (None when nothing
    is overdue). Stores with the most overdue actions come first, then the most open, then by code.
    """
    return list(_overview_stores(user=user, today=today))


def stores_with_overdue_actions(*, user, today: dt.date) -> list[dict]:
    """The rows of ``action_overview`` with at least one overdue action, most overdue first.

    HQ plans follow-up visits from this list; a regional manager sees which stores to call.
    """
    return list(_overview_stores(user=user, today=today).filter(overdue__gt=0))


def action_plan_for_report(*, store: Store, today: dt.date) -> list[dict]:
    """A store's action plan as the coaching PDF prints it, without any scoping.

    The caller (the PDF builder) has already established that the reader may see ``store``.
    Order: overdue actions (oldest due date first), then the other open ones (soonest due
    first), then those done in the last ``RECENTLY_DONE_DAYS`` days (most recent first).
    Keys: ``item_key, standard, action, owner, due_on, status, overdue, done_at``.
    """
    done_since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=RECENTLY_DONE_DAYS), dt.time.min))
    overdue = overdue_q(today)
    rows = (
        ActionItem.objects.filter(store=store)
        .filter(OPEN | Q(status=ActionStatus.DONE, done_at__gte=done_since))
        .annotate(
            overdue=_overdue_flag(today),
            group=Case(
                When(overdue, then=Value(0)), When(OPEN, then=Value(1)), default=Value(2), output_field=IntegerField()
            ),
        )
        .order_by("group", F("done_at").desc(nulls_last=True), "due_on", "id")
        .values("item_key", "standard", "action", "owner", "due_on", "status", "overdue", "done_at")
    )
    return list(rows)


__all__ = [
    "RECENTLY_DONE_DAYS",
    "action_items",
    "action_overview",
    "action_plan_for_report",
    "stores_with_overdue_actions",
]
