"""Reads for the coaching report: everything one PDF shows, and the fingerprint that says when to redo it.

Built on the report selectors (so the PDF's numbers are the API's and the dashboard's) plus the
few things only the PDF shows: section scores beside the region's, what auditors wrote and
photographed for the weakest standards, and the complaint tests with their rubric. Like the other
selectors it reads released visits only and never selects a field about who audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q, Sum

from audits.models import Answer, AnswerAmendment, Visit, VisitPhoto, VisitSectionScore, VisitStatus
from audits.models.photos import PhotoStatus
from branches.models import Store
from coaching.models import ActionItem, overdue_q
from coaching.selectors import action_plan_for_report
from reports import selectors
from reports.expressions import as_float
from scorecards.models import RubricItem

WEAKEST_STANDARDS = 5
COMMENTS_PER_STANDARD = 3
PHOTOS_PER_STANDARD = 2
PHOTOS_IN_ALL = 6


def _released(store_id: int, period: selectors.Period):
    return Visit.objects.filter(
        store_id=store_id, status=VisitStatus.RELEASED, visited_on__range=(period.start, period.end)
    )


def coaching_fingerprint(*, store_id: int, period: selectors.Period, today: dt.date) -> str:
    """A digest of what the store's report for ``period`` is made from.

    It changes when a visit of the store and period is released (count, latest release), amended
    (latest amendment, and the scores' sum, which an amendment moves), when a photo of one of those
    visits is received (count and latest receipt: the PDF shows the evidence), or when the store's action
    plan changes (an edit, or an action falling overdue by ``today``); a finished report with the
    same fingerprint can be handed out again.
    """
    visits = _released(store_id, period)
    summary = visits.aggregate(n=Count("id"), released=Max("released_at"), total=Sum("score"))
    amended = AnswerAmendment.objects.filter(visit__in=visits.values("pk")).aggregate(latest=Max("id"))["latest"]
    photos = VisitPhoto.objects.filter(visit__in=visits.values("pk"), status=PhotoStatus.RECEIVED).aggregate(
        n=Count("id"), latest=Max("received_at")
    )
    plan = _action_plan_stamp(store_id, today)
    parts = [summary["n"], summary["released"], summary["total"], amended, f"{photos['n']}:{photos['latest']}", plan]
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def _action_plan_stamp(store_id: int, today: dt.date) -> str:
    stamp = ActionItem.objects.filter(store_id=store_id).aggregate(
        n=Count("id"), changed=Max("updated_at"), overdue=Count("id", filter=overdue_q(today))
    )
    return f"{stamp['n']}:{stamp['changed']}:{stamp['overdue']}"


def _section_comparison(store, template_id: int, period: selectors.Period) -> list[dict]:
    """Each section's mean over the period, the store's beside its region's (sections by key)."""
    sections = selectors.TemplateSections.load(template_id)
    section_of = {section_id: key for key, ids in sections.ids_of.items() for section_id in ids}
    in_period = Q(
        visit__status=VisitStatus.RELEASED,
        visit__visited_on__range=(period.start, period.end),
        score__isnull=False,
        section_id__in=list(section_of),
    )
    region_stores = selectors.brand_stores().filter(region__path__startswith=store.region.path).values("pk")

    def means(extra: Q) -> dict[str, tuple[int, float]]:
        totals: dict[str, list] = defaultdict(lambda: [0, 0.0])
        for row in (
            VisitSectionScore.objects.filter(in_period & extra)
            .values("section_id")
            .annotate(n=Count("id"), total=Sum(as_float("score")))
            .order_by()
        ):
            known = totals[section_of[row["section_id"]]]
            known[0] += row["n"]
            known[1] += float(row["total"])
        return {key: (n, total / n) for key, (n, total) in totals.items() if n}

    own, region = means(Q(visit__store_id=store.pk)), means(Q(visit__store_id__in=region_stores))
    return [
        {
            "key": key,
            "title": sections.title_of[key],
            "mean": round(own[key][1], 1) if key in own else None,
            "region_mean": round(region[key][1], 1) if key in region else None,
            "gap": round(own[key][1] - region[key][1], 1) if key in own and key in region else None,
        }
        for key in sections.title_of
        if key in own or key in region
    ]


def _evidence(store_id: int, template_versions, period: selectors.Period, keys: list[str]) -> dict[str, dict]:
    """For each standard: what auditors wrote when it was missed, and photos taken for it.

    Comments and photos come only from released visits where the standard was missed; no field
    about the visit's auditor, device or location is read.
    """
    visits = _released(store_id, period).filter(version_id__in=template_versions)
    evidence = {key: {"comments": [], "photos": []} for key in keys}
    failed = (
        Answer.objects.filter(visit__in=visits.values("pk"), item__key__in=keys, failed=True)
        .exclude(comment="")
        .order_by("-visit__visited_on", "-visit_id")
        .values("comment", "visit__visited_on", key=F("item__key"))
    )
    for row in failed[: len(keys) * 20]:
        comments = evidence[row["key"]]["comments"]
        if len(comments) < COMMENTS_PER_STANDARD:
            comments.append({"date": row["visit__visited_on"], "text": row["comment"]})
    photos = (
        VisitPhoto.objects.filter(
            visit__in=visits.values("pk"),
            item__key__in=keys,
            status=PhotoStatus.RECEIVED,
            visit__answers__item_id=F("item_id"),
            visit__answers__failed=True,
        )
        .exclude(thumbnail="")
        .order_by("-visit__visited_on", "-id")
        .values("thumbnail", "width", "height", "visit__visited_on", key=F("item__key"))
    )
    candidates: dict[str, list[dict]] = defaultdict(list)
    for row in photos[: len(keys) * 10]:
        if len(candidates[row["key"]]) < PHOTOS_PER_STANDARD:
            candidates[row["key"]].append({"path": row["thumbnail"], "date": row["visit__visited_on"]})
    # Shared out in rounds, weakest standard first: every standard with a photo shows one before
    # any shows a second, within the report's budget.
    taken = 0
    for round_ in range(PHOTOS_PER_STANDARD):
        for key in keys:
            if taken < PHOTOS_IN_ALL and len(candidates[key]) > round_:
                evidence[key]["photos"].append(candidates[key][round_])
                taken += 1
    return evidence


def _complaint_tests(store_id: int, period: selectors.Period) -> list[dict]:
    visits = list(
        _released(store_id, period)
        .filter(complaint_scenario__isnull=False)
        .order_by("-visited_on", "-id")
        .values(
            "reference",
            "visited_on",
            "complaint_scenario_id",
            "complaint_observed",
            "complaint_seconds_to_resolution",
            "complaint_score",
            "complaint_passed",
            title=F("complaint_scenario__title"),
        )[:6]
    )
    rubric: dict[int, list[dict]] = defaultdict(list)
    for row in (
        RubricItem.objects.filter(scenario_id__in={visit["complaint_scenario_id"] for visit in visits})
        .order_by("scenario_id", "position", "id")
        .values("scenario_id", "key", "description", "points", "within_seconds")
    ):
        rubric[row["scenario_id"]].append(row)
    return [
        {
            "reference": visit["reference"],
            "date": visit["visited_on"],
            "scenario": visit["title"],
            "seconds_to_resolution": visit["complaint_seconds_to_resolution"],
            "score": visit["complaint_score"],
            "passed": visit["complaint_passed"],
            "rubric": [
                {
                    "description": item["description"],
                    "points": item["points"],
                    "within_seconds": item["within_seconds"],
                    "observed": item["key"] in (visit["complaint_observed"] or []),
                }
                for item in rubric[visit["complaint_scenario_id"]]
            ],
        }
        for visit in visits
    ]


@dataclass(frozen=True, slots=True)
class CoachingStandard:
    """A weak standard as the PDF shows it: the report's ``Weakness`` (its attributes read through),
    with what auditors wrote and photographed when it was missed, and its rates in per cent."""

    weakness: selectors.Weakness
    comments: list[dict] = field(default_factory=list)
    photos: list[dict] = field(default_factory=list)

    def __getattr__(self, name: str):
        if name in CoachingStandard.__slots__:
            raise AttributeError(name)
        return getattr(self.weakness, name)

    @property
    def fail_percent(self) -> float | None:
        return _percent(self.weakness.fail_rate)

    @property
    def region_fail_percent(self) -> float | None:
        return _percent(self.weakness.region_fail_rate)


def _percent(rate: float | None) -> float | None:
    return None if rate is None else rate * 100


def coaching_report_data(*, user, code: str, period: selectors.Period, today: dt.date) -> dict:
    """Everything the coaching PDF of one store and period shows, scoped to ``user``.

    Raises ``Store.DoesNotExist`` for a store the user may not see, like the other report reads.
    """
    trend = selectors.store_trend(user=user, code=code, period=period)
    # The one read of the store this function makes itself (with the address the cover shows).
    store = Store.objects.visible_to(user).select_related("region").get(code=code)
    weaknesses = selectors.store_weaknesses(user=user, code=code, period=period, limit=WEAKEST_STANDARDS)
    visits = trend.visits
    data = {
        "store": {**_store_fields(trend.store), "address": store.address},
        "period": period,
        "today": today,
        "scorecard": trend.scorecard,
        "trend": trend,
        "latest": visits[-1] if visits else None,
        "previous": visits[-2] if len(visits) > 1 else None,
        "sections": [],
        "weakest": [CoachingStandard(row) for row in weaknesses.results],
        "complaint_tests": _complaint_tests(store.pk, period),
        "action_plan": action_plan_for_report(store=store, today=today),
    }
    if trend.scorecard is None:
        return data
    template_id = trend.scorecard.id
    data["sections"] = _section_comparison(store, template_id, period)
    keys = [row.key for row in weaknesses.results]
    evidence = _evidence(store.pk, selectors.scorecard_versions(template_id), period, keys)
    data["weakest"] = [CoachingStandard(row, **evidence[row.key]) for row in weaknesses.results]
    return data


def _store_fields(store: selectors.TrendStore) -> dict:
    return {"code": store.code, "name": store.name, "region": store.region, "is_competitor": store.is_competitor}
