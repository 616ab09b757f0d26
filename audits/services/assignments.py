"""Writes for assignments: offering, accepting, declining, cancelling, re-offering."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from audits.models import Assignment, AssignmentStatus
from backend import clock
from backend.errors import InvalidInput, validated
from branches.models import Store, User

REOFFERABLE = (AssignmentStatus.DECLINED, AssignmentStatus.EXPIRED, AssignmentStatus.CANCELLED)


@transaction.atomic
def assignment_create(
    *,
    store: Store,
    auditor: User,
    version,
    window_start: dt.date,
    window_end: dt.date,
    daypart: str,
    scenario=None,
    notes: str = "",
    by: User | None = None,
) -> Assignment:
    assignment = Assignment(
        store=store,
        auditor=auditor,
        version=version,
        window_start=window_start,
        window_end=window_end,
        daypart=daypart,
        scenario=scenario,
        notes=notes,
        created_by=by,
    )
    validated(assignment)
    assignment.save()
    return assignment


def _locked(assignment: Assignment) -> Assignment:
    return Assignment.objects.select_for_update(of=("self",)).select_related("store").get(pk=assignment.pk)


def assignment_accept(*, assignment: Assignment, auditor: User) -> Assignment:
    """The auditor takes the visit on. An offer whose window has passed expires instead."""
    with transaction.atomic():
        assignment = _locked(assignment)
        if assignment.auditor_id != auditor.pk:
            raise InvalidInput({"assignment": _("This assignment is not yours.")})
        if assignment.status == AssignmentStatus.ACCEPTED:
            return assignment
        if assignment.status == AssignmentStatus.OFFERED and assignment.is_past(clock.store_today(assignment.store)):
            # Recorded even though the acceptance fails: the offer is over either way.
            assignment.status = AssignmentStatus.EXPIRED
            assignment.save(update_fields=["status"])
        elif assignment.status == AssignmentStatus.OFFERED:
            assignment.status = AssignmentStatus.ACCEPTED
            assignment.responded_at = clock.now()
            assignment.save(update_fields=["status", "responded_at"])
            return assignment
    if assignment.status == AssignmentStatus.EXPIRED:
        raise InvalidInput({"status": _("This assignment expired on %(d)s.") % {"d": assignment.window_end}})
    raise InvalidInput(
        {
            "status": _("This assignment is %(s)s and can no longer be accepted.")
            % {"s": assignment.get_status_display().lower()}
        }
    )


@transaction.atomic
def assignment_decline(*, assignment: Assignment, auditor: User, reason: str) -> Assignment:
    assignment = _locked(assignment)
    if assignment.auditor_id != auditor.pk:
        raise InvalidInput({"assignment": _("This assignment is not yours.")})
    if not reason.strip():
        raise InvalidInput({"reason": _("Say why you decline, so HQ can re-plan the visit.")})
    if assignment.status not in (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED):
        raise InvalidInput(
            {
                "status": _("This assignment is %(s)s and can no longer be declined.")
                % {"s": assignment.get_status_display().lower()}
            }
        )
    assignment.status = AssignmentStatus.DECLINED
    assignment.decline_reason = reason.strip()
    assignment.responded_at = clock.now()
    assignment.save(update_fields=["status", "decline_reason", "responded_at"])
    return assignment


@transaction.atomic
def assignment_cancel(*, assignment: Assignment) -> Assignment:
    """HQ calls a planned visit off; a visit already made stays."""
    assignment = _locked(assignment)
    if assignment.status not in (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED):
        raise InvalidInput(
            {
                "status": _("This assignment is %(s)s and can no longer be cancelled.")
                % {"s": assignment.get_status_display().lower()}
            }
        )
    assignment.status = AssignmentStatus.CANCELLED
    assignment.save(update_fields=["status"])
    return assignment


@transaction.atomic
def assignment_reoffer(
    *,
    assignment: Assignment,
    by: User,
    auditor: User | None = None,
    window_start: dt.date | None = None,
    window_end: dt.date | None = None,
) -> Assignment:
    """A new offer for the same visit: after a decline, an expiry, or a visit that was rejected.

    The old assignment stays as it was (its visit, if any, keeps pointing at it).
    """
    from audits.models import VisitStatus

    assignment = _locked(assignment)
    rejected = (
        assignment.status == AssignmentStatus.SUBMITTED
        and getattr(getattr(assignment, "visit", None), "status", None) == VisitStatus.REJECTED
    )
    if assignment.status not in REOFFERABLE and not rejected:
        raise InvalidInput(
            {
                "status": _(
                    "Only a declined, expired or cancelled assignment, or one whose visit was rejected, "
                    "can be offered again."
                )
            }
        )
    return assignment_create(
        store=assignment.store,
        auditor=auditor or assignment.auditor,
        version=assignment.version,
        window_start=window_start or assignment.window_start,
        window_end=window_end or assignment.window_end,
        daypart=assignment.daypart,
        scenario=assignment.scenario,
        notes=assignment.notes,
        by=by,
    )
