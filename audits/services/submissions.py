"""Auditors' visit submissions: offline-safe, idempotent by the client's uuid, never lost.

A phone retries on flaky networks, so the same submission may arrive several times and even
concurrently. The client's ``uuid`` is the idempotency key: the first body wins, an identical
retry gets the stored visit back, a different body under the same uuid is a conflict.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid as uuid_module
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audits.models import DAYPART_HOURS, Assignment, AssignmentStatus, Visit, VisitFlag, VisitPhoto
from audits.services.visits import AnswerInput, ComplaintInput, visit_record
from backend.errors import Conflict, InvalidInput
from branches.geo import distance_m
from branches.models import User
from scorecards.cards import card_for


class SubmissionConflict(Conflict):
    """The uuid is taken by a different submission; the API answers 409."""


class _StoredMeanwhile(Exception):
    """A concurrent duplicate of this submission committed first."""

    def __init__(self, visit: Visit) -> None:
        super().__init__(visit.uuid)
        self.visit = visit


@dataclass(frozen=True)
class Location:
    latitude: Decimal
    longitude: Decimal
    accuracy_m: Decimal


@dataclass(frozen=True)
class Receipt:
    number: str = ""
    amount: Decimal | None = None
    time: dt.datetime | None = None


@dataclass(frozen=True)
class SubmittedAnswer:
    item: str
    value: object = None
    not_applicable: bool = False
    comment: str = ""


@dataclass(frozen=True)
class ComplaintResult:
    observed: tuple[str, ...] = ()
    seconds_to_resolution: int | None = None
    transcript: str = ""


@dataclass(frozen=True)
class PlannedPhoto:
    uuid: uuid_module.UUID
    item: str


@dataclass(frozen=True)
class Submission:
    uuid: uuid_module.UUID
    assignment_id: int
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime
    location: Location | None
    answers: Sequence[SubmittedAnswer]
    complaint: ComplaintResult | None = None
    receipt: Receipt | None = None
    photos: Sequence[PlannedPhoto] = field(default_factory=tuple)
    summary: str = ""


@dataclass(frozen=True)
class SubmissionOutcome:
    visit: Visit
    created: bool


def submission_fingerprint(body: object) -> str:
    """A stable hash of a request body: key order and whitespace do not matter."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def visit_submit(*, auditor: User, submission: Submission, fingerprint: str) -> SubmissionOutcome:
    """Store the visit whole, or return the one already stored under this uuid.

    No look-up first: a new submission is the common case, and a retry is recognised on the
    way (its assignment is already submitted, or the uuid's unique index refuses it).
    """
    try:
        visit = _store(auditor=auditor, submission=submission, fingerprint=fingerprint)
    except _StoredMeanwhile as stored:
        return _replay(stored.visit, auditor=auditor, fingerprint=fingerprint)
    except IntegrityError:
        # A concurrent duplicate won the race; it is the first result.
        existing = Visit.objects.filter(uuid=submission.uuid).first()
        if existing is None:
            raise SubmissionConflict(_("This assignment already has a visit.")) from None
        return _replay(existing, auditor=auditor, fingerprint=fingerprint)
    return SubmissionOutcome(visit=visit, created=True)


def _replay(existing: Visit, *, auditor: User, fingerprint: str) -> SubmissionOutcome:
    if existing.auditor_id != auditor.pk or existing.submission_fingerprint != fingerprint:
        raise SubmissionConflict(
            _("A visit with this uuid was already submitted with a different body; use a new uuid for a new visit.")
        )
    return SubmissionOutcome(visit=existing, created=False)


@transaction.atomic
def _store(*, auditor: User, submission: Submission, fingerprint: str) -> Visit:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("store", "version", "scenario")
        .filter(pk=submission.assignment_id, auditor=auditor)
        .first()
    )
    if assignment is None or assignment.status != AssignmentStatus.ACCEPTED:
        # A retry (or a duplicate we waited for) finds its assignment already used up.
        stored = Visit.objects.filter(uuid=submission.uuid).first()
        if stored is not None:
            raise _StoredMeanwhile(stored)
        problem = _("You have no accepted assignment with this id.")
        if assignment is not None and assignment.status == AssignmentStatus.SUBMITTED:
            problem = _("This assignment already has a visit.")
        raise InvalidInput({"assignment": problem})

    errors: dict[str, object] = {}
    answers: dict[str, AnswerInput] = {}
    answer_errors: dict[str, str] = {}
    for answer in submission.answers:
        if answer.item in answers:
            answer_errors[answer.item] = _("answered more than once")
        answers[answer.item] = AnswerInput(
            value=answer.value, not_applicable=answer.not_applicable, comment=answer.comment
        )

    compiled = card_for(assignment.version)
    items = {item.key: item for item in compiled.items}
    photo_errors = _photo_errors(submission.photos, items)
    planned_items = {photo.item for photo in submission.photos}
    for key, item in items.items():
        given = answers.get(key)
        if item.photo_required and given is not None and not given.not_applicable and key not in planned_items:
            answer_errors.setdefault(key, _("photo evidence is required: plan at least one photo for this item"))
    if answer_errors:
        errors["answers"] = answer_errors
    if photo_errors:
        errors["photos"] = photo_errors

    complaint = None
    if assignment.scenario is not None:
        if submission.complaint is None:
            errors["complaint"] = _("This assignment includes the complaint test “%(t)s”; report its result.") % {
                "t": assignment.scenario.title
            }
        else:
            complaint = ComplaintInput(
                scenario=assignment.scenario,
                observed=submission.complaint.observed,
                seconds_to_resolution=submission.complaint.seconds_to_resolution,
                transcript=submission.complaint.transcript,
            )
    elif submission.complaint is not None:
        errors["complaint"] = _("This assignment has no complaint test.")

    visit = visit_record(
        store=assignment.store,
        version=assignment.version,
        auditor=auditor,
        daypart=assignment.daypart,
        checked_in_at=submission.checked_in_at,
        checked_out_at=submission.checked_out_at,
        answers=answers,
        summary=submission.summary,
        complaint=complaint,
        client_uuid=submission.uuid,
        details=_details(assignment, submission, fingerprint),
        extra_errors=errors,
    )
    photos = VisitPhoto.objects.bulk_create(
        VisitPhoto(uuid=photo.uuid, visit=visit, item=compiled.item_instance(photo.item)) for photo in submission.photos
    )
    visit._prefetched_objects_cache["photos"] = photos
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.save(update_fields=["status"])
    return visit


def _photo_errors(photos: Sequence[PlannedPhoto], items: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not photos:
        return errors
    seen: set = set()
    for photo in photos:
        if photo.uuid in seen:
            errors[str(photo.uuid)] = _("listed more than once")
        elif photo.item not in items:
            errors[str(photo.uuid)] = _("“%(k)s” is not an item of this scorecard") % {"k": photo.item}
        seen.add(photo.uuid)
    taken = VisitPhoto.objects.filter(uuid__in=[photo.uuid for photo in photos]).values_list("uuid", flat=True)
    for photo_uuid in taken:
        errors[str(photo_uuid)] = _("this photo uuid belongs to another visit")
    return errors


def _details(assignment: Assignment, submission: Submission, fingerprint: str) -> dict[str, object]:
    store = assignment.store
    tz = zoneinfo.ZoneInfo(store.timezone)
    local_in = submission.checked_in_at.astimezone(tz)
    flags = []
    if not assignment.window_start <= local_in.date() <= assignment.window_end:
        flags.append(
            {
                "code": VisitFlag.OUTSIDE_WINDOW,
                "detail": _("Visited on %(d)s; the window was %(s)s to %(e)s.")
                % {"d": local_in.date(), "s": assignment.window_start, "e": assignment.window_end},
            }
        )
    start, end = DAYPART_HOURS[assignment.daypart]
    hour = local_in.hour if local_in.hour >= 6 else local_in.hour + 24
    if not start <= hour < end:
        flags.append(
            {
                "code": VisitFlag.OUTSIDE_DAYPART,
                "detail": _("Checked in at %(t)s; %(p)s runs %(s)02d:00–%(e)02d:00.")
                % {"t": local_in.strftime("%H:%M"), "p": assignment.daypart, "s": start, "e": end % 24},
            }
        )
    details: dict[str, object] = {"assignment": assignment, "flags": flags, "submission_fingerprint": fingerprint}
    if submission.location is not None:
        location = submission.location
        metres = distance_m(
            float(location.latitude), float(location.longitude), float(store.latitude), float(store.longitude)
        )
        allowed = settings.INCOGNITO["CHECKIN_MAX_DISTANCE_M"]
        # The phone may be anywhere within its accuracy radius: only flag what it can't explain.
        if metres - float(location.accuracy_m) > allowed:
            flags.append(
                {
                    "code": VisitFlag.FAR_FROM_STORE,
                    "detail": _("Checked in %(m)d m from the store (fix accuracy %(a)d m); allowed %(x)d m.")
                    % {"m": metres, "a": location.accuracy_m, "x": allowed},
                }
            )
        details.update(
            latitude=location.latitude.quantize(Decimal("0.000001")),
            longitude=location.longitude.quantize(Decimal("0.000001")),
            location_accuracy_m=location.accuracy_m.quantize(Decimal("0.1")),
            distance_m=round(metres),
        )
    if submission.receipt is not None:
        details.update(
            receipt_number=submission.receipt.number,
            receipt_amount=submission.receipt.amount,
            receipt_time=submission.receipt.time,
        )
    return details
