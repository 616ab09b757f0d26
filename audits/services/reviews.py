"""Review, release, return, reject, amend, resubmit, dispute: the life of a visit after submission.

Only released visits count outside HQ. Every change keeps what it replaced: a resubmission
archives the revision before it, an amendment records the answer and score before it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audits.models import (
    Answer,
    AnswerAmendment,
    Dispute,
    DisputeStatus,
    ReviewComment,
    Visit,
    VisitRevision,
    VisitSectionScore,
    VisitStatus,
)
from audits.services.photos import photo_clean
from audits.services.visits import AnswerInput, score_fields, write_answers
from backend import clock, idempotency
from backend.errors import InvalidInput
from branches import policy
from branches.models import User
from scorecards import scoring
from scorecards.cards import card_for
from scorecards.models import Item, ItemType

REVIEWABLE = (VisitStatus.SUBMITTED, VisitStatus.IN_REVIEW)


def _require_reviewer(user: User) -> None:
    # A 400, not a 403: the admin's actions report a service's InvalidInput as a message,
    # and the API's IsReviewer (the same rule) has answered 403 before this is reached.
    if not policy.may_review(user):
        raise InvalidInput(_("Only reviewers and HQ review visits."))


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update(of=("self",)).select_related("version", "store").get(pk=visit.pk)


def _require_status(visit: Visit, allowed, action: str) -> None:
    if visit.status not in allowed:
        raise InvalidInput(
            {"status": _("A %(s)s visit cannot be %(a)s.") % {"s": visit.get_status_display().lower(), "a": action}}
        )


@transaction.atomic
def visit_review_start(*, visit: Visit, by: User) -> Visit:
    _require_reviewer(by)
    visit = _locked(visit)
    _require_status(visit, (VisitStatus.SUBMITTED,), _("taken into review"))
    visit.status = VisitStatus.IN_REVIEW
    visit.review_started_at = clock.now()
    visit.reviewer = by
    visit.save(update_fields=["status", "review_started_at", "reviewer"])
    return visit


@transaction.atomic
def visit_return(*, visit: Visit, by: User, note: str, item_comments: Mapping[str, str]) -> Visit:
    """Send a visit back to its auditor with what to fix, overall and per item."""
    _require_reviewer(by)
    visit = _locked(visit)
    _require_status(visit, REVIEWABLE, _("returned"))
    if not note.strip() and not item_comments:
        raise InvalidInput({"note": _("Tell the auditor what to fix.")})
    items = {item.key: item for item in Item.objects.filter(section__version=visit.version_id)}
    unknown = sorted(set(item_comments) - set(items))
    if unknown:
        raise InvalidInput({"items": {key: _("no such item in this visit's scorecard") for key in unknown}})
    comments = [ReviewComment(visit=visit, revision=visit.revision, item=None, comment=note.strip(), author=by)]
    comments = comments if note.strip() else []
    comments += [
        ReviewComment(visit=visit, revision=visit.revision, item=items[key], comment=text, author=by)
        for key, text in item_comments.items()
    ]
    ReviewComment.objects.bulk_create(comments)
    visit.status = VisitStatus.RETURNED
    visit.returned_note = note.strip()
    visit.reviewer = by
    visit.save(update_fields=["status", "returned_note", "reviewer"])
    return visit


@transaction.atomic
def visit_reject(*, visit: Visit, by: User, reason: str) -> Visit:
    """The visit does not count at all (e.g. the auditor was recognised); its slot can be re-offered."""
    _require_reviewer(by)
    visit = _locked(visit)
    _require_status(visit, (*REVIEWABLE, VisitStatus.RETURNED), _("rejected"))
    if not reason.strip():
        raise InvalidInput({"reason": _("Say why the visit is rejected.")})
    visit.status = VisitStatus.REJECTED
    visit.rejection_reason = reason.strip()
    visit.reviewer = by
    visit.save(update_fields=["status", "rejection_reason", "reviewer"])
    return visit


def _stored_value(answer: Answer) -> object:
    """The answer as it was scored: a numeric answer is its exact stored Decimal, never a float."""
    if answer.item.type == ItemType.NUMERIC and answer.value_number is not None and not answer.not_applicable:
        return answer.value_number
    return answer.value


def _current_answers(visit: Visit) -> dict[str, AnswerInput]:
    return {
        answer.item.key: AnswerInput(
            value=_stored_value(answer), not_applicable=answer.not_applicable, comment=answer.comment
        )
        for answer in Answer.objects.filter(visit=visit).select_related("item", "option")
    }


def _snapshot_value(value: object) -> object:
    """A JSON value for the history: a Decimal becomes the number it is (95, 119.999) when that is exact."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return str(value) if isinstance(value, Decimal) else value
    number = value.normalize()
    if number == number.to_integral_value():
        return int(number)
    as_float = float(number)
    return as_float if Decimal(repr(as_float)) == number else str(value)


def _answer_snapshot(given: AnswerInput | None) -> dict:
    if given is None:
        return {"value": None, "na": False, "comment": ""}
    return {
        "value": _snapshot_value(given.value),
        "na": given.not_applicable,
        "comment": given.comment,
    }


def _rescore(visit: Visit, answers: Mapping[str, AnswerInput]) -> scoring.VisitScore:
    """Score ``answers`` afresh and replace the visit's stored answers and scores with them."""
    compiled = card_for(visit.version)
    responses = {key: scoring.Response(given.value, given.not_applicable) for key, given in answers.items()}
    problems = scoring.validate_responses(compiled.card, responses)
    if problems:
        raise InvalidInput({"answers": problems})
    result = scoring.score_visit(compiled.card, responses)
    Answer.objects.filter(visit=visit).delete()
    VisitSectionScore.objects.filter(visit=visit).delete()
    for field, value in score_fields(result).items():
        setattr(visit, field, value)
    visit.save()
    write_answers(visit=visit, compiled=compiled, answers=answers, result=result)
    return result


@transaction.atomic
def visit_amend_answer(
    *, visit: Visit, item_key: str, answer: AnswerInput, reason: str, by: User, dispute: Dispute | None = None
) -> AnswerAmendment:
    """A reviewer corrects one answer; the score is recomputed and the original kept."""
    _require_reviewer(by)
    visit = _locked(visit)
    _require_status(visit, (*REVIEWABLE, VisitStatus.RELEASED), _("amended"))
    if not reason.strip():
        raise InvalidInput({"reason": _("Say why the answer is amended.")})
    answers = _current_answers(visit)
    item = Item.objects.filter(section__version=visit.version_id, key=item_key).first()
    if item is None:
        raise InvalidInput({"item": _("“%(k)s” is not an item of this visit's scorecard.") % {"k": item_key}})
    before, score_before = answers.get(item_key), visit.score
    answers[item_key] = AnswerInput(
        value=answer.value,
        not_applicable=answer.not_applicable,
        comment=answer.comment or (before.comment if before else ""),
    )
    _rescore(visit, answers)
    return AnswerAmendment.objects.create(
        visit=visit,
        item=item,
        before=_answer_snapshot(before),
        after=_answer_snapshot(answers[item_key]),
        score_before=score_before,
        score_after=visit.score,
        reason=reason.strip(),
        amended_by=by,
        dispute=dispute,
    )


@transaction.atomic
def visit_resubmit(
    *, visit: Visit, auditor: User, answers: Mapping[str, AnswerInput], summary: str, fingerprint: str
) -> tuple[Visit, bool]:
    """The auditor's corrected submission of a returned visit; the revision before is archived.

    Returns ``(visit, created)``: a retry of the resubmission that already went through is
    answered with the visit as it is, like a retried first submission.
    """
    visit = _locked(visit)
    if visit.auditor_id != auditor.pk:
        raise InvalidInput({"visit": _("This visit is not yours.")})
    if visit.status != VisitStatus.RETURNED:
        if visit.submission_fingerprint == fingerprint and visit.revision > 1:
            return visit, False
        _require_status(visit, (VisitStatus.RETURNED,), _("resubmitted"))
    current = _current_answers(visit)
    VisitRevision.objects.create(
        visit=visit,
        number=visit.revision,
        answers=[{"item": key, **_answer_snapshot(given)} for key, given in current.items()],
        score=visit.score,
        score_uncapped=visit.score_uncapped,
        submitted_at=visit.submitted_at,
        returned_note=visit.returned_note,
    )
    visit.revision += 1
    visit.status = VisitStatus.SUBMITTED
    visit.summary = summary
    visit.submission_fingerprint = fingerprint
    visit.submitted_at = clock.now()
    _rescore(visit, answers)
    return visit, True


# --- Disputes -----------------------------------------------------------------------------------


def dispute_window() -> dt.timedelta:
    return dt.timedelta(days=settings.INCOGNITO["DISPUTE_WINDOW_DAYS"])


def _photo_digest(photo: BinaryIO | None) -> str | None:
    """A hash of an uploaded photo's bytes (read from the start, left at the start)."""
    if photo is None:
        return None
    digest = hashlib.sha256()
    photo.seek(0)
    for chunk in iter(lambda: photo.read(1 << 16), b""):
        digest.update(chunk)
    photo.seek(0)
    return digest.hexdigest()


def _dispute_under_key(*, by: User, client_key: uuid.UUID) -> Dispute | None:
    return Dispute.objects.filter(raised_by=by, client_key=client_key).first()


@transaction.atomic
def dispute_open(
    *,
    visit: Visit,
    item_key: str,
    reason: str,
    by: User,
    photo: BinaryIO | None = None,
    client_key: uuid.UUID | None = None,
) -> Dispute:
    """A store manager contests one item of a released visit of their store, within the window.

    ``client_key`` (a UUID the client makes once per new dispute) makes retries safe: the same
    key with the same visit, item, reason and photo returns the dispute stored the first time,
    even once the window has closed; with anything else it raises ``Conflict`` naming
    ``client_key``. The returned dispute's ``replayed`` is True when an earlier call stored it.
    """
    if not policy.may_open_dispute(by, visit=visit):
        raise InvalidInput({"visit": _("Only the store's manager may dispute its visits.")})
    fingerprint = ""
    if client_key is not None:
        fingerprint = idempotency.fingerprint(
            {"visit": visit.pk, "item": item_key, "reason": reason.strip(), "photo": _photo_digest(photo)}
        )
        stored = _dispute_under_key(by=by, client_key=client_key)
        if stored is not None:
            return idempotency.replayed(stored, fingerprint, thing=_("dispute"))
    try:
        return _dispute_store(
            visit=visit,
            item_key=item_key,
            reason=reason,
            by=by,
            photo=photo,
            client_key=client_key,
            fingerprint=fingerprint,
        )
    except InvalidInput:
        # A concurrent retry with this key may have committed first (its open dispute, or its
        # insert, is what refused this one): then it is the first result.
        stored = None if client_key is None else _dispute_under_key(by=by, client_key=client_key)
        if stored is None:
            raise
        return idempotency.replayed(stored, fingerprint, thing=_("dispute"))


def _dispute_store(
    *,
    visit: Visit,
    item_key: str,
    reason: str,
    by: User,
    photo: BinaryIO | None,
    client_key: uuid.UUID | None,
    fingerprint: str,
) -> Dispute:
    if visit.status != VisitStatus.RELEASED:
        raise InvalidInput({"visit": _("Only released visits can be disputed.")})
    if clock.now() > visit.released_at + dispute_window():
        raise InvalidInput(
            {
                "visit": _("The %(d)d-day dispute window closed on %(when)s.")
                % {"d": dispute_window().days, "when": (visit.released_at + dispute_window()).date()}
            }
        )
    if not reason.strip():
        raise InvalidInput({"reason": _("Say what is wrong with this item.")})
    item = Item.objects.filter(section__version=visit.version_id, key=item_key).first()
    if item is None:
        raise InvalidInput({"item": _("“%(k)s” is not an item of this visit's scorecard.") % {"k": item_key}})
    if Dispute.objects.filter(visit=visit, item=item, status=DisputeStatus.OPEN).exists():
        raise InvalidInput({"item": _("This item already has an open dispute.")})
    dispute = Dispute(
        visit=visit,
        item=item,
        raised_by=by,
        reason=reason.strip(),
        client_key=client_key,
        client_fingerprint=fingerprint,
    )
    if photo is not None:
        processed = photo_clean(photo, field="photo")
        dispute.photo.save(f"evidence.{processed.extension}", ContentFile(processed.content), save=False)
    try:
        with transaction.atomic():
            dispute.save()
    except IntegrityError:
        # A concurrent request opened one on this item first (or with this key: the caller replays it).
        raise InvalidInput({"item": _("This item already has an open dispute.")}) from None
    dispute.replayed = False
    return dispute


@transaction.atomic
def dispute_resolve(*, dispute: Dispute, by: User, note: str, amended_answer: AnswerInput | None = None) -> Dispute:
    """A reviewer upholds the item as scored, or amends it (which recomputes the visit's score)."""
    _require_reviewer(by)
    dispute = Dispute.objects.select_for_update(of=("self",)).select_related("item", "visit").get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise InvalidInput({"status": _("This dispute is already settled.")})
    if not note.strip():
        raise InvalidInput({"note": _("Explain the decision to the store.")})
    if amended_answer is not None:
        visit_amend_answer(
            visit=dispute.visit,
            item_key=dispute.item.key,
            answer=amended_answer,
            reason=_("Dispute #%(id)s: %(note)s") % {"id": dispute.pk, "note": note.strip()},
            by=by,
            dispute=dispute,
        )
        dispute.status = DisputeStatus.AMENDED
    else:
        dispute.status = DisputeStatus.UPHELD
    dispute.resolution_note = note.strip()
    dispute.resolved_by = by
    dispute.resolved_at = clock.now()
    dispute.save(update_fields=["status", "resolution_note", "resolved_by", "resolved_at"])
    return dispute
