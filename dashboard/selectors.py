"""Reads the dashboard needs beyond ``reports.selectors``: the same rules, a constant number of queries.

Everything here starts from what the caller may see (``released_visits``, ``visible_to``) and
selects no field about who audited, where the phone was, or what is planned. Visits are named by
their opaque ``reference`` only. Like the report selectors, the region figures are *benchmarks*:
aggregates over the released visits of the brand's stores in the store's region subtree.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from audits.models import AnswerAmendment, Dispute, DisputeStatus, VisitSectionScore, VisitStatus
from audits.services.reviews import dispute_window
from backend import clock
from branches.models import Region, Store
from reports.expressions import as_float
from reports.selectors import Period, released_visits
from scorecards.models import Item, ScorecardTemplate, ScorecardVersion, VersionStatus


def scorecard_versions(template_id: int):
    return ScorecardVersion.objects.filter(template_id=template_id).values("pk")


def section_benchmark(*, store: Store, period: Period, template_id: int) -> list[dict]:
    """Per section (matched by key across versions): the store's mean section score in the period
    and the mean over the brand's stores of its region subtree, with the visits behind each.

    One grouped query: section score sums per section id, with FILTERs for the store and the region.
    """
    region_stores = Store.objects.filter(is_competitor=False, region__path__startswith=store.region.path).values("pk")
    here = Q(visit__store_id=store.pk)
    region = Q(visit__store_id__in=region_stores)
    score = as_float("score")
    rows = (
        VisitSectionScore.objects.filter(
            here | region,
            score__isnull=False,
            visit__status=VisitStatus.RELEASED,
            visit__visited_on__range=(period.start, period.end),
            visit__version_id__in=scorecard_versions(template_id),
        )
        .values("section_id", "section__key", "section__title", "section__position", "section__version__number")
        .annotate(
            n=Count("id", filter=here),
            s=Sum(score, filter=here),
            rn=Count("id", filter=region),
            rs=Sum(score, filter=region),
        )
        .order_by()
    )
    by_key: dict[str, dict] = {}
    for row in rows:
        known = by_key.setdefault(
            row["section__key"], {"key": row["section__key"], "n": 0, "s": 0.0, "rn": 0, "rs": 0.0, "_v": -1}
        )
        known["n"] += row["n"]
        known["s"] += float(row["s"] or 0)
        known["rn"] += row["rn"]
        known["rs"] += float(row["rs"] or 0)
        if row["section__version__number"] > known["_v"]:
            known.update(
                _v=row["section__version__number"], title=row["section__title"], position=row["section__position"]
            )
    result = []
    for known in sorted(by_key.values(), key=lambda k: (k["position"], k["key"])):
        mean = round(known["s"] / known["n"], 2) if known["n"] else None
        region_mean = round(known["rs"] / known["rn"], 2) if known["rn"] else None
        result.append(
            {
                "key": known["key"],
                "title": known["title"],
                "mean": mean,
                "visits": known["n"],
                "region_mean": region_mean,
                "region_visits": known["rn"],
                "difference": None if mean is None or region_mean is None else round(mean - region_mean, 2),
            }
        )
    return result


def store_visits(*, user, store: Store, period: Period, template_id: int, now: dt.datetime | None = None) -> list[dict]:
    """The store's released visits of the period on the template, newest first, as the store may see them.

    ``disputable``: released within the dispute window (the service decides, this only offers).
    One query (amendments and open disputes as EXISTS subqueries).
    """
    now = now or clock.now()
    opens_after = now - dispute_window()
    rows = (
        released_visits(user=user)
        .filter(
            store=store, visited_on__range=(period.start, period.end), version_id__in=scorecard_versions(template_id)
        )
        .annotate(
            amended=Exists(AnswerAmendment.objects.filter(visit=OuterRef("pk"))),
            disputed=Exists(Dispute.objects.filter(visit=OuterRef("pk"), status=DisputeStatus.OPEN)),
        )
        .order_by("-visited_on", "-released_at", "-id")
        .values(
            "reference",
            "visited_on",
            "daypart",
            "channel",
            "score",
            "critical_failed",
            "complaint_passed",
            "released_at",
            "version_id",
            "amended",
            "disputed",
        )
    )
    visits = []
    for row in rows:
        row["disputable"] = row["released_at"] is not None and row["released_at"] >= opens_after
        row["dispute_until"] = row["released_at"] + dispute_window() if row["released_at"] else None
        visits.append(row)
    return visits


def disputable_visits(*, user, store: Store, now: dt.datetime | None = None) -> list[dict]:
    """The store's visits released within the dispute window (whatever their visit date), newest first."""
    now = now or clock.now()
    return list(
        released_visits(user=user)
        .filter(store=store, released_at__gte=now - dispute_window())
        .order_by("-released_at", "-id")
        .values("reference", "visited_on", "score", "version_id", "released_at")
    )


def disputable_items(*, version_ids: set[int]) -> list[dict]:
    """Items of the given versions, one per key (newest version's prompt), in scorecard order."""
    if not version_ids:
        return []
    rows = (
        Item.objects.filter(section__version_id__in=version_ids, section__version__status=VersionStatus.PUBLISHED)
        .order_by("-section__version__number", "section__position", "position", "id")
        .values("key", "prompt", "section__key", "section__title", "section__position", "position")
    )
    seen: dict[str, dict] = {}
    for row in rows:
        seen.setdefault(row["key"], row)
    return sorted(seen.values(), key=lambda row: (row["section__position"], row["position"], row["key"]))


def store_disputes(*, user, store: Store, limit: int = 20) -> list[dict]:
    """The store's disputes, newest first: item, visit reference, status, outcome. No reviewer."""
    labels = dict(DisputeStatus.choices)
    rows = list(
        Dispute.objects.visible_to(user)
        .filter(visit__store=store)
        .order_by("-created_at", "-id")
        .values(
            "status",
            "reason",
            "resolution_note",
            "resolved_at",
            "created_at",
            reference=F("visit__reference"),
            item_key=F("item__key"),
            prompt=F("item__prompt"),
        )[:limit]
    )
    for row in rows:
        row["status_label"] = labels.get(row["status"], row["status"])
    return rows


def visible_regions(*, user) -> list[dict]:
    return list(Region.objects.visible_to(user).values("code", "name", "depth"))


def scorecard_choices() -> list[dict]:
    """Templates with at least one published version (drafts are HQ's work in progress)."""
    return list(
        ScorecardTemplate.objects.filter(versions__status=VersionStatus.PUBLISHED)
        .distinct()
        .order_by("name", "id")
        .values("id", "code", "name")
    )


def user_stores(*, user) -> list[dict]:
    return list(
        Store.objects.visible_to(user)
        .order_by("code")
        .values("code", "name", "city", "is_competitor", region_name=F("region__name"))
    )
