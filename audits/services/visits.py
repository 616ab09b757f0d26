"""Storing and releasing visits."""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from audits.models import Answer, Visit, VisitSectionScore, VisitStatus
from backend import clock
from backend.errors import InvalidInput, validated
from branches import policy
from branches.models import Store, User
from scorecards import scoring
from scorecards.cards import CompiledVersion, ItemInfo, card_for, rubric_for
from scorecards.models import ComplaintScenario, ItemType, ScorecardVersion, VersionStatus


@dataclass(frozen=True)
class AnswerInput:
    value: object = None
    not_applicable: bool = False
    comment: str = ""


@dataclass(frozen=True)
class ComplaintInput:
    scenario: ComplaintScenario
    observed: tuple[str, ...] = ()
    seconds_to_resolution: int | None = None
    transcript: str = ""


def _answer_fields(item: ItemInfo, given: AnswerInput, item_score: scoring.ItemScore) -> dict:
    values: dict[str, object] = {
        "item_id": item.id,
        "not_applicable": given.not_applicable,
        "comment": given.comment,
        "earned_points": item_score.earned,
        "possible_points": item_score.possible,
        "failed": item_score.failed,
    }
    if given.not_applicable or given.value is None:
        return values
    if item.type == ItemType.YES_NO:
        values["value_bool"] = given.value
    elif item.type in (ItemType.SCALE, ItemType.NUMERIC):
        # The very Decimal the engine scored: in range, at most 3 decimals, so the column keeps it as is.
        values["value_number"] = scoring.numeric_value(item.key, given.value)
    elif item.type == ItemType.CHOICE:
        values["option_id"] = item.option_ids[given.value]
    else:
        values["value_text"] = given.value
    return values


def score_fields(result: scoring.VisitScore) -> dict[str, object]:
    """The Visit fields that hold a scoring result."""
    return {
        "score": result.total,
        "score_uncapped": result.uncapped_total,
        "earned_points": result.earned,
        "possible_points": result.possible,
        "critical_failed": result.critical_failed,
        "critical_failures": list(result.critical_failures),
    }


def write_answers(
    *, visit: Visit, compiled: CompiledVersion, answers: Mapping[str, AnswerInput], result: scoring.VisitScore
) -> None:
    """Store a visit's answers and section scores (the visit row itself is saved already)."""
    Answer.objects.bulk_create(
        Answer(visit=visit, **_answer_fields(item, answers.get(item.key, AnswerInput()), result.items[item.key]))
        for item in compiled.items
        if item.key in answers or item.type != ItemType.TEXT
    )
    section_scores = VisitSectionScore.objects.bulk_create(
        VisitSectionScore(
            visit=visit,
            section=compiled.section_instance(key),
            earned_points=section.earned,
            possible_points=section.possible,
            score=section.rounded,
        )
        for key, section in result.sections.items()
    )
    # What was just written is what a reader would fetch; hand it over instead of re-reading.
    visit._prefetched_objects_cache = {"section_scores": section_scores, "photos": []}


def _local_date(store: Store, moment: dt.datetime) -> dt.date:
    return clock.local_date(moment, store.timezone)


def visit_record(
    *,
    store: Store,
    version: ScorecardVersion,
    auditor: User,
    daypart: str,
    checked_in_at: dt.datetime,
    checked_out_at: dt.datetime,
    answers: Mapping[str, AnswerInput],
    channel: str = "dine_in",
    summary: str = "",
    complaint: ComplaintInput | None = None,
    client_uuid: uuid_module.UUID | None = None,
    details: Mapping[str, object] | None = None,
    extra_errors: Mapping[str, object] | None = None,
) -> Visit:
    """Store a submitted visit whole, with its computed scores, or raise ``InvalidInput``.

    Every problem is reported at once: general fields by name, answers under ``answers``
    by item key, the complaint test under ``complaint``; a caller's own findings come in
    ``extra_errors`` and are merged. ``details`` are further Visit fields (location, receipt, ...).
    """
    errors: dict[str, object] = {}
    if version.status != VersionStatus.PUBLISHED:
        errors["version"] = _("Visits are scored on a published scorecard version only.")
    if not policy.may_audit(auditor):
        errors["auditor"] = _("Only auditors submit visits.")
    if checked_out_at < checked_in_at:
        errors["checked_out_at"] = _("Check-out cannot be before check-in.")
    if not store.active:
        errors["store"] = _("This store is not active.")

    compiled = card_for(version)
    card = compiled.card
    responses = {key: scoring.Response(given.value, given.not_applicable) for key, given in answers.items()}
    answer_errors = scoring.validate_responses(card, responses)
    if answer_errors:
        errors["answers"] = answer_errors

    complaint_score = None
    if complaint is not None:
        try:
            complaint_score = scoring.score_complaint(
                rubric_for(complaint.scenario),
                observed=complaint.observed,
                seconds_to_resolution=complaint.seconds_to_resolution,
                pass_mark=complaint.scenario.pass_mark,
            )
        except scoring.AnswerError as error:
            errors["complaint"] = {error.key: error.reason}
    for field, problem in (extra_errors or {}).items():
        if isinstance(problem, dict) and isinstance(errors.get(field), dict):
            errors[field] = {**problem, **errors[field]}
        else:
            errors.setdefault(field, problem)
    if errors:
        raise InvalidInput(errors)

    result = scoring.score_visit(card, responses)
    visit = Visit(
        store=store,
        version=version,
        auditor=auditor,
        channel=channel,
        daypart=daypart,
        checked_in_at=checked_in_at,
        checked_out_at=checked_out_at,
        visited_on=_local_date(store, checked_in_at),
        summary=summary,
        **score_fields(result),
    )
    if client_uuid is not None:
        visit.uuid = client_uuid
    for field, value in (details or {}).items():
        setattr(visit, field, value)
    if complaint is not None and complaint_score is not None:
        visit.complaint_scenario = complaint.scenario
        visit.complaint_observed = sorted(set(complaint.observed))
        visit.complaint_seconds_to_resolution = complaint.seconds_to_resolution
        visit.complaint_transcript = complaint.transcript
        visit.complaint_score = complaint_score.score
        visit.complaint_passed = complaint_score.passed
    validated(
        visit,
        exclude=["store", "version", "auditor", "complaint_scenario", "assignment"],
        validate_unique=False,
        validate_constraints=False,  # checked above; the database enforces them too
    )
    # Everything above only reads; the writes below land together or not at all.
    with transaction.atomic():
        visit.save()
        write_answers(visit=visit, compiled=compiled, answers=answers, result=result)
    return visit


@transaction.atomic
def visit_release(*, visit: Visit, by: User) -> Visit:
    """A reviewer approves a visit; from now on it counts outside HQ."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not policy.may_review(by):  # a 400, like every review step (``reviews._require_reviewer``)
        raise InvalidInput(_("Only reviewers and HQ release visits."))
    if visit.status not in (VisitStatus.SUBMITTED, VisitStatus.IN_REVIEW):
        raise InvalidInput(_("A %(s)s visit cannot be released.") % {"s": visit.get_status_display()})
    visit.status = VisitStatus.RELEASED
    visit.released_at = clock.now()
    visit.released_by = by
    visit.save(update_fields=["status", "released_at", "released_by"])
    return visit
