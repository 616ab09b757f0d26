"""Writes for reports: coaching report jobs, from the request to the finished PDF.

A request creates a job row and, once its transaction commits, hands the job to the configured
runner (``settings.REPORT_JOBS``): a Celery worker, a thread of this process, or inline. The render
is idempotent per job: only a queued job is picked up, so a task delivered twice renders once.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q

from backend import clock
from backend.errors import InvalidInput, validated
from branches.models import Store
from coaching.models import CoachingReport, ReportStatus
from coaching.report_data import coaching_fingerprint, coaching_report_data
from reports import selectors

logger = logging.getLogger(__name__)

DEFAULT_COACHING_MONTHS = 3
# A queued or running job older than this is presumed lost (a worker died) and is not handed out.
STALE_AFTER = dt.timedelta(minutes=15)


def coaching_period(*, start: dt.date | None, end: dt.date | None, today: dt.date) -> selectors.Period:
    """The report's period; by default the last 3 calendar months, the current one so far.

    E.g. on 2026-11-24: 2026-09-01 to 2026-11-24. Dates outside ``selectors.PERIOD_EARLIEST``..
    ``PERIOD_LATEST`` are refused (``InvalidInput`` naming ``start`` or ``end``).
    """
    errors = selectors.period_bounds_errors(start=start, end=end)
    if errors:
        raise InvalidInput(errors)
    end = end or today
    if start is None:
        month = end.month - (DEFAULT_COACHING_MONTHS - 1)
        year = end.year + (month - 1) // 12
        start = dt.date(year, (month - 1) % 12 + 1, 1)
    if end < start:
        raise InvalidInput({"end": ["The period must not end before it starts."]})
    if (end - start).days > selectors.MAX_PERIOD_DAYS:
        raise InvalidInput({"start": [f"The period may be at most {selectors.MAX_PERIOD_DAYS} days long."]})
    return selectors.Period(start, end)


@transaction.atomic
def coaching_report_request(
    *,
    user,
    code: str,
    start: dt.date | None,
    end: dt.date | None,
    language: str,
    today: dt.date,
    enqueue: bool = True,
) -> tuple[CoachingReport, bool]:
    """A coaching report job for the store and period: an existing one when nothing changed.

    Returns ``(report, created)``. A finished report made from the same data (same fingerprint:
    no visit of the store and period released or amended since, same action plan) is handed out
    again, as is one still queued or running. Raises ``Store.DoesNotExist`` for a store outside
    the user's scope and ``InvalidInput`` for a bad period or language. ``enqueue=False`` leaves
    a new job queued for the caller to render (the region command runs its own worker pool).
    """
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput({"language": [f"Choose one of {', '.join(dict(settings.LANGUAGES))}."]})
    store = selectors.report_store(user=user, code=code)
    period = coaching_period(start=start, end=end, today=today)
    fingerprint = coaching_fingerprint(store_id=store.pk, period=period, today=today)
    reusable = (
        CoachingReport.objects.filter(
            store=store, start=period.start, end=period.end, language=language, fingerprint=fingerprint
        )
        .filter(
            Q(status=ReportStatus.DONE)
            | Q(status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING], created_at__gte=clock.now() - STALE_AFTER)
        )
        .order_by("-created_at")
        .first()
    )
    if reusable is not None:
        return reusable, False
    report = CoachingReport(
        store=store,
        start=period.start,
        end=period.end,
        language=language,
        fingerprint=fingerprint,
        requested_by=user,
    )
    validated(report)
    report.save()
    if enqueue:
        transaction.on_commit(functools.partial(dispatch, report.pk))
    return report, True


def coaching_report_render(*, report_id) -> CoachingReport:
    """Render a queued job's PDF; a job in any other state is left alone (duplicate delivery)."""
    with transaction.atomic():
        report = (
            CoachingReport.objects.select_for_update(of=("self",))
            .select_related("store", "requested_by")
            .get(pk=report_id)
        )
        if report.status != ReportStatus.QUEUED:
            return report
        report.status = ReportStatus.RUNNING
        report.started_at = clock.now()
        report.save(update_fields=["status", "started_at"])
    try:
        pdf = _render(report)
    except _Refused as refusal:
        return _finish_failed(report, str(refusal))
    except Exception:
        logger.exception("Coaching report %s failed", report.pk)
        return _finish_failed(report, "The report could not be rendered because of an internal error; it was logged.")
    with transaction.atomic():
        report.pdf.save(report.filename, ContentFile(pdf.content), save=False)
        report.pages = pdf.pages
        report.byte_size = len(pdf.content)
        report.status = ReportStatus.DONE
        report.finished_at = clock.now()
        validated(report)
        report.save()
    return report


class _Refused(Exception):
    """A reason the report cannot be made that the requester can act on."""


def _render(report: CoachingReport):
    from coaching.pdf.coaching_document import coaching_pdf
    from coaching.pdf.render import RenderError

    if report.requested_by is None:
        raise _Refused("The account that asked for this report no longer exists; ask for it again.")
    try:
        data = coaching_report_data(
            user=report.requested_by,
            code=report.store.code,
            period=selectors.Period(report.start, report.end),
            # Overdue actions are the store's: due dates are days where the store is.
            today=clock.store_today(report.store),
        )
    except Store.DoesNotExist:
        raise _Refused("The account that asked for this report may no longer see this store.") from None
    try:
        return coaching_pdf(data, language=report.language)
    except RenderError as error:
        raise _Refused(str(error)) from error


def _finish_failed(report: CoachingReport, reason: str) -> CoachingReport:
    report.status = ReportStatus.FAILED
    report.reason = reason
    report.finished_at = clock.now()
    report.save(update_fields=["status", "reason", "finished_at"])
    return report


# --- Running jobs --------------------------------------------------------------------------------

_executor_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def _background() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            # One at a time: PDFs are CPU-bound and the web process has requests to answer.
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coaching-report")
        return _executor


def _render_in_thread(report_id) -> None:
    from coaching.tasks import render_coaching_report

    try:
        render_coaching_report.apply(args=[str(report_id)], throw=False)
    finally:
        connection.close()


def dispatch(report_id) -> None:
    """Hand a committed job to the configured runner."""
    from coaching.tasks import render_coaching_report

    mode = settings.REPORT_JOBS
    if mode == "celery":
        try:
            render_coaching_report.delay(str(report_id))
        except Exception:
            # The row is committed; without this it would stay queued forever behind a 500.
            logger.exception("Could not queue coaching report %s", report_id)
            CoachingReport.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
                status=ReportStatus.FAILED,
                reason="The job queue is unavailable; ask for the report again in a moment.",
                finished_at=clock.now(),
            )
    elif mode == "inline":
        render_coaching_report.apply(args=[str(report_id)], throw=True)
    else:
        _background().submit(_render_in_thread, report_id)
