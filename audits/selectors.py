"""Reads for waves and the planner's inputs."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from audits.models import (
    Answer,
    AnswerAmendment,
    Assignment,
    AssignmentStatus,
    AuditorCertification,
    AuditorProfile,
    Visit,
    VisitPhoto,
    VisitSectionScore,
    Wave,
)
from audits.models.photos import PhotoStatus
from audits.planning import Encounter, PlanAuditor, PlanRequest, PlanScenario, PlanStore
from branches.models import Role, Store

# Assignments that still mean an auditor was, or will be, at a store.
LIVE_ASSIGNMENT = ~Q(status__in=[AssignmentStatus.DECLINED, AssignmentStatus.CANCELLED])

# Assignments that take up an auditor's monthly capacity.
BOOKED_STATUSES = [AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED]


def wave_list(*, user) -> QuerySet[Wave]:
    return (
        Wave.objects.visible_to(user)
        .select_related("version__template", "created_by", "committed_by")
        .prefetch_related("stores", "regions", "scenarios")
    )


def wave_stores(*, wave: Wave) -> QuerySet[Store]:
    """The active stores a wave covers: those chosen, and every store below the chosen regions."""
    paths = list(wave.regions.values_list("path", flat=True))
    in_regions = reduce(or_, (Q(region__path__startswith=path) for path in paths), Q(pk__in=[]))
    return Store.objects.filter(active=True).filter(Q(pk__in=wave.stores.values("pk")) | in_regions)


def wave_plan_request(*, wave: Wave) -> PlanRequest:
    """Everything the planner needs about a wave, in a constant number of queries."""
    stores = wave_stores(wave=wave)
    lockout = dt.timedelta(days=wave.rotation_lockout_days)
    store_ids = stores.values("pk")
    return PlanRequest(
        stores=tuple(PlanStore(*row) for row in stores.values_list("pk", "code", "city", "is_competitor")),
        auditors=_plan_auditors(template_id=wave.version.template_id, store_ids=store_ids),
        start=wave.start_date,
        end=wave.end_date,
        visits_per_store_per_month=wave.visits_per_store_per_month,
        daypart_quotas=dict(wave.daypart_quotas or {}),
        scenarios=tuple(
            PlanScenario(pk, code) for pk, code in wave.scenarios.filter(active=True).values_list("pk", "code")
        ),
        complaint_visits_per_store_per_month=wave.complaint_visits_per_store_per_month,
        lockout_days=wave.rotation_lockout_days,
        seed=wave.seed,
        encounters=_encounters(store_ids, since=wave.start_date - lockout, until=wave.end_date + lockout),
        bookings=_bookings(start=wave.start_date, end=wave.end_date),
        last_scenario=_last_scenarios(stores, before=wave.start_date),
    )


def single_visit_plan_request(
    *, store: Store, template_id: int, window_start: dt.date, window_end: dt.date, daypart: str, lockout_days: int
) -> PlanRequest:
    """A one-store, one-visit plan over a window, on the same data and rules as a wave's.

    HQ's follow-up visits use it to pick the auditor the wave planner would send.
    """
    store_ids = Store.objects.filter(pk=store.pk).values("pk")
    lockout = dt.timedelta(days=lockout_days)
    return PlanRequest(
        stores=(PlanStore(store.pk, store.code, store.city, store.is_competitor),),
        auditors=_plan_auditors(template_id=template_id, store_ids=store_ids),
        start=window_start,
        end=window_end,
        visits_per_store_per_month=1,
        daypart_quotas={daypart: 1},
        lockout_days=lockout_days,
        encounters=_encounters(store_ids, since=window_start - lockout, until=window_end + lockout),
        bookings=_bookings(start=window_start, end=window_end),
    )


def _last_scenarios(stores: QuerySet[Store], *, before: dt.date) -> dict[int, int]:
    """Each store's latest complaint script before ``before``, from assignments or visits, whichever is newer."""
    assignments = Assignment.objects.filter(
        LIVE_ASSIGNMENT, store=OuterRef("pk"), scenario__isnull=False, window_start__lt=before
    ).order_by("-window_start", "-id")
    visits = Visit.objects.filter(
        store=OuterRef("pk"), complaint_scenario__isnull=False, visited_on__lt=before
    ).order_by("-visited_on", "-checked_in_at")
    rows = stores.annotate(
        assigned=Subquery(assignments.values("scenario_id")[:1]),
        assigned_on=Subquery(assignments.values("window_start")[:1]),
        visited=Subquery(visits.values("complaint_scenario_id")[:1]),
        visited_on=Subquery(visits.values("visited_on")[:1]),
    ).values_list("pk", "assigned", "assigned_on", "visited", "visited_on")
    latest = {}
    for pk, assigned, assigned_on, visited, visited_on in rows:
        if visited is not None and (assigned is None or visited_on >= assigned_on):
            latest[pk] = visited
        elif assigned is not None:
            latest[pk] = assigned
    return latest


def _plan_auditors(*, template_id: int, store_ids: QuerySet) -> tuple[PlanAuditor, ...]:
    profiles = AuditorProfile.objects.filter(active=True, user__role=Role.AUDITOR, user__is_active=True)
    conflicts: dict[int, set[int]] = {}
    through = AuditorProfile.conflict_stores.through
    for profile_id, store_id in through.objects.filter(
        auditorprofile__in=profiles.values("pk"), store_id__in=store_ids
    ).values_list("auditorprofile_id", "store_id"):
        conflicts.setdefault(profile_id, set()).add(store_id)
    certifications = {
        auditor_id: (certified_on, expires_on)
        for auditor_id, certified_on, expires_on in AuditorCertification.objects.filter(
            template_id=template_id, auditor__in=profiles.values("pk")
        ).values_list("auditor_id", "certified_on", "expires_on")
    }
    rows = profiles.values_list(
        "pk", "user_id", "user__username", "home_city", "willing_to_travel", "monthly_capacity"
    ).order_by("user_id")
    return tuple(
        PlanAuditor(
            id=user_id,
            name=username,
            home_city=home_city,
            monthly_capacity=capacity,
            willing_to_travel=travels,
            conflict_store_ids=frozenset(conflicts.get(profile_id, ())),
            certified_on=certifications.get(profile_id, (None, None))[0],
            certification_expires_on=certifications.get(profile_id, (None, None))[1],
        )
        for profile_id, user_id, username, home_city, travels, capacity in rows
    )


def _encounters(store_ids: QuerySet, *, since: dt.date, until: dt.date) -> tuple[Encounter, ...]:
    """Who was, or is booked to be, at the wave's stores within the lockout around it."""
    assigned = (
        Assignment.objects.filter(
            LIVE_ASSIGNMENT, store_id__in=store_ids, window_end__gte=since, window_start__lte=until
        )
        .order_by()
        .values_list("auditor_id", "store_id", "window_start", "window_end")
    )
    visited = (
        Visit.objects.filter(store_id__in=store_ids, visited_on__range=(since, until))
        .order_by()
        .values_list("auditor_id", "store_id", "visited_on")
    )
    return (
        *(Encounter(auditor, store, start, end) for auditor, store, start, end in assigned),
        *(Encounter(auditor, store, day, day) for auditor, store, day in visited),
    )


def _bookings(*, start: dt.date, end: dt.date) -> dict[tuple[int, dt.date], int]:
    """Assignments per auditor and month (by window start) in the wave's months."""
    rows = (
        Assignment.objects.filter(
            status__in=BOOKED_STATUSES, window_start__gte=start.replace(day=1), window_start__lte=end
        )
        .annotate(month=TruncMonth("window_start"))
        .order_by()
        .values_list("auditor_id", "month")
        .annotate(n=Count("id"))
    )
    return {(auditor, _as_date(month)): n for auditor, month, n in rows}


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def visit_list(*, user) -> QuerySet[Visit]:
    return Visit.objects.visible_to(user).select_related("store", "version__template", "auditor__auditor_profile")


def photos_visible_to(*, user) -> QuerySet[VisitPhoto]:
    """Received evidence photos of the visits the caller may see (store side: released ones only)."""
    return VisitPhoto.objects.filter(
        status=PhotoStatus.RECEIVED, visit__in=Visit.objects.visible_to(user).values("pk")
    ).select_related("visit")


def visit_detail_queryset(*, user) -> QuerySet[Visit]:
    return (
        visit_list(user=user)
        .select_related("complaint_scenario")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("item", "option")),
            Prefetch("section_scores", queryset=VisitSectionScore.objects.select_related("section")),
            Prefetch("amendments", queryset=AnswerAmendment.objects.select_related("item")),
        )
    )
