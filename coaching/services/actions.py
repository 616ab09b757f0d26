"""Writes for action plans, and HQ's follow-up visits for stores whose actions are overdue.

Keyword-only, atomic, validated with ``full_clean``. Bad input raises ``InvalidInput`` keyed
by field (the API answers 400 naming the field); a caller who may not write raises
``Forbidden`` (403). Who writes a store's action plan is
``branches.policy.may_write_action_plan`` (the store's own store managers and HQ admins, and
nobody for a competitor store), enforced here before anything else whoever the caller is.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audits.models import Assignment, AssignmentStatus, Visit, Wave
from audits.planning import plan_wave
from audits.selectors import single_visit_plan_request
from audits.services import assignments as assignment_services
from backend import clock, idempotency
from backend.errors import InvalidInput, validated
from branches import policy
from branches.dayparts import Daypart
from branches.models import Store, User
from coaching.models import ActionItem, ActionStatus
from scorecards.models import ScorecardVersion, VersionStatus

UPDATABLE_FIELDS = ("action", "owner", "due_on")
# The same rotation lockout a wave uses by default: staff must not meet the same face again.
FOLLOWUP_LOCKOUT_DAYS = Wave._meta.get_field("rotation_lockout_days").default


def _require_future_due_date(store: Store, due_on: dt.date) -> None:
    if due_on < clock.store_today(store):
        raise InvalidInput({"due_on": _("The due date cannot be in the past.")})


def _locked(item: ActionItem) -> ActionItem:
    return ActionItem.objects.select_for_update(of=("self",)).select_related("store").get(pk=item.pk)


def _stored_under_key(*, by: User, client_key: uuid.UUID) -> ActionItem | None:
    return ActionItem.objects.select_related("store").filter(created_by=by, client_key=client_key).first()


def _replayed(item: ActionItem, fingerprint: str) -> ActionItem:
    return idempotency.replayed(item, fingerprint, thing=_("action"))


@transaction.atomic
def action_item_create(
    *,
    store: Store,
    item_key: str,
    action: str,
    owner: str,
    due_on: dt.date,
    by: User,
    client_key: uuid.UUID | None = None,
) -> ActionItem:
    """Commit the store to an action on one standard; the standard's wording is kept as it is now.

    ``client_key`` (a UUID the caller's client makes once per new action) makes retries safe:
    the same key with the same values returns the action stored the first time, unchanged and
    even if it could no longer be created (its due date has passed since); the same key with
    other values raises ``Conflict`` naming ``client_key``. Keys are per author. The returned
    action's ``replayed`` is True when an earlier call stored it. Without a key every call
    records a new action.
    """
    policy.require_action_plan_writer(by, store=store)
    action, owner = action.strip(), owner.strip()
    fingerprint = ""
    if client_key is not None:
        fingerprint = idempotency.fingerprint(
            {"store": store.pk, "item_key": item_key, "action": action, "owner": owner, "due_on": due_on}
        )
        stored = _stored_under_key(by=by, client_key=client_key)
        if stored is not None:
            return _replayed(stored, fingerprint)
    if not store.active:
        raise InvalidInput({"store": _("This store is closed; it needs no new actions.")})
    _require_future_due_date(store, due_on)
    item = ActionItem(
        store=store,
        item_key=item_key,
        action=action,
        owner=owner,
        due_on=due_on,
        created_by=by,
        client_key=client_key,
        client_fingerprint=fingerprint,
    )
    # The standard is not input: clean() copies it from the scorecard item named by item_key
    # (and names item_key when there is no such item), so its blank value must not be reported.
    # The key's uniqueness is the database's to enforce (below), so a concurrent retry replays.
    validated(item, exclude=["standard", "client_key"])
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:
        # A concurrent retry with the same key committed first: its action is the first result.
        stored = None if client_key is None else _stored_under_key(by=by, client_key=client_key)
        if stored is None:
            raise
        return _replayed(stored, fingerprint)
    item.replayed = False
    return item


@transaction.atomic
def action_item_update(*, item: ActionItem, by: User, **fields) -> ActionItem:
    """Reword an open action, hand it to someone else or move its due date.

    The store and the standard are what the action is *about*; changing them would be a
    different action, so they cannot change. A done action is a record of what was done:
    reopen it first.
    """
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise TypeError(f"action_item_update() got unknown fields {sorted(unknown)}")
    item = _locked(item)
    policy.require_action_plan_writer(by, store=item.store)
    if item.is_done:
        raise InvalidInput({"status": _("This action is done; reopen it to change it.")})
    if "due_on" in fields and fields["due_on"] != item.due_on:
        _require_future_due_date(item.store, fields["due_on"])
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    validated(item)
    item.save()
    return item


@transaction.atomic
def action_item_complete(*, item: ActionItem, by: User) -> ActionItem:
    """Mark an action done. Done already: unchanged, so a retried request keeps the first time."""
    item = _locked(item)
    policy.require_action_plan_writer(by, store=item.store)
    if item.is_done:
        return item
    item.status = ActionStatus.DONE
    item.done_at = clock.now()
    validated(item)
    item.save(update_fields=["status", "done_at", "updated_at"])
    return item


@transaction.atomic
def action_item_reopen(*, item: ActionItem, by: User) -> ActionItem:
    """The action turned out not to be done after all. Open already: unchanged."""
    item = _locked(item)
    policy.require_action_plan_writer(by, store=item.store)
    if not item.is_done:
        return item
    item.status = ActionStatus.OPEN
    item.done_at = None
    validated(item)
    item.save(update_fields=["status", "done_at", "updated_at"])
    return item


# --- Follow-up visits (HQ) ----------------------------------------------------------------------


def _followup_version(store: Store) -> ScorecardVersion:
    """The published version of the scorecard the store was last audited on."""
    latest = Visit.objects.filter(store=store).order_by("-visited_on", "-checked_in_at").values("version__template_id")
    version = (
        ScorecardVersion.objects.filter(status=VersionStatus.PUBLISHED, template_id__in=latest[:1])
        .order_by("-number")
        .first()
    )
    if version is None:
        raise InvalidInput(
            {"scorecard_version": _("The store has no visit on a published scorecard; choose a scorecard version.")}
        )
    return version


def _validate_window(store: Store, window_start: dt.date, window_end: dt.date, daypart: str) -> None:
    errors = {}
    if daypart not in Daypart.values:
        errors["daypart"] = _("Choose one of %(dayparts)s.") % {"dayparts": ", ".join(Daypart.values)}
    if window_start < clock.store_today(store):
        errors["window_start"] = _("A follow-up visit cannot start in the past.")
    if window_end < window_start:
        errors["window_end"] = _("The window must end on or after its start.")
    elif (window_start.year, window_start.month) != (window_end.year, window_end.month):
        # Like every wave window: auditors' capacity is counted per calendar month.
        errors["window_end"] = _("A follow-up window lies within one calendar month.")
    if errors:
        raise InvalidInput(errors)


def _refuse_double_booking(store: Store, window_start: dt.date, window_end: dt.date) -> None:
    """A visit already planned in the window will see the same store; a retried request must not add one."""
    planned = (
        Assignment.objects.filter(
            store=store,
            status__in=[AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED],
            window_start__lte=window_end,
            window_end__gte=window_start,
        )
        .order_by("window_start")
        .first()
    )
    if planned is not None:
        raise InvalidInput(
            {
                "window_start": _("A visit is already planned for this store from %(start)s to %(end)s (#%(id)d).")
                % {"start": planned.window_start, "end": planned.window_end, "id": planned.pk}
            }
        )


def _eligible_auditor(
    *, store: Store, version: ScorecardVersion, window_start: dt.date, window_end: dt.date, daypart: str
) -> User:
    """The auditor the wave planner would send: the same data, the same rules, the same reasons.

    A one-store, one-visit plan over the window: active, certified for the template over the
    whole window, local unless willing to travel, not conflicted, outside the rotation lockout
    (earlier visits and live assignments), under monthly capacity, least loaded.
    """
    plan = plan_wave(
        single_visit_plan_request(
            store=store,
            template_id=version.template_id,
            window_start=window_start,
            window_end=window_end,
            daypart=daypart,
            lockout_days=FOLLOWUP_LOCKOUT_DAYS,
        )
    )
    if not plan.slots:
        reason = plan.unfilled[0].reason
        raise InvalidInput({"auditor": _("No auditor can make this visit: %(reason)s.") % {"reason": reason}})
    return User.objects.get(pk=plan.slots[0].auditor_id)


@transaction.atomic
def followup_visit_plan(
    *,
    store: Store,
    by: User,
    window_start: dt.date,
    window_end: dt.date,
    daypart: str,
    auditor: User | None = None,
    version: ScorecardVersion | None = None,
    notes: str = "",
) -> Assignment:
    """Offer a visit to check on a store whose actions are overdue (HQ only).

    It is an ordinary offered assignment, so the store side sees it exactly as much as any
    other planned visit: not at all. Nothing about the store's action items changes (not even
    ``updated_at``), so no store-side output moves when a follow-up is planned. ``notes`` go to
    the auditor; they must not carry the action plan, which is the store's results.

    Without ``auditor`` the wave planner's rules choose one; if nobody qualifies the error says
    why ("every eligible auditor (3) visited or is booked at this store within 90 days").
    ``version`` defaults to the published version of the scorecard the store was last audited on.
    """
    policy.require(policy.may_plan_follow_up(by), _("Only HQ plans visits."))
    if not ActionItem.objects.filter(store=store).overdue(clock.store_today(store)).exists():
        raise InvalidInput({"store": _("This store has no overdue action to follow up.")})
    _validate_window(store, window_start, window_end, daypart)
    _refuse_double_booking(store, window_start, window_end)
    version = version or _followup_version(store)
    if auditor is None:
        auditor = _eligible_auditor(
            store=store, version=version, window_start=window_start, window_end=window_end, daypart=daypart
        )
    return assignment_services.assignment_create(
        store=store,
        auditor=auditor,
        version=version,
        window_start=window_start,
        window_end=window_end,
        daypart=daypart,
        notes=notes,
        by=by,
    )
