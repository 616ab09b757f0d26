"""What every report read shares: the caller's stores and visits, the scorecard, rounding, value types.

The rules every report read keeps are in the package's docstring (``reports.selectors``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet

from audits.models import Visit, VisitStatus
from branches.models import Store
from reports import statistics
from reports.expressions import as_float
from reports.selectors.period import Period
from scorecards.models import ScorecardTemplate, ScorecardVersion, Section

SCORE = as_float("score")
# Every score (visit, section) lies in 0..100, so an interval of a mean is cut to that range.
SCORE_BOUNDS = (0.0, 100.0)
EMPTY = statistics.mean_interval(0, 0, 0)


def min_visits_for_rank() -> int:
    return int(getattr(settings, "INCOGNITO", {}).get("MIN_VISITS_FOR_RANK", 3))


def report_store(*, user, code: str) -> Store:
    """The store by code, if the caller may see it; ``Store.DoesNotExist`` otherwise."""
    return (
        Store.objects.visible_to(user)
        .select_related("region")
        .only("id", "code", "name", "is_competitor", "region__code", "region__name", "region__path")
        .get(code=code)
    )


def released_visits(*, user) -> QuerySet[Visit]:
    """Released visits the caller may see: what every store-level figure starts from."""
    return Visit.objects.visible_to(user).filter(status=VisitStatus.RELEASED)


def scorecard_versions(template_id: int) -> QuerySet[ScorecardVersion]:
    """The versions of a template, as a subquery (``version_id IN (...)`` needs no join per visit)."""
    return ScorecardVersion.objects.filter(template_id=template_id).values("pk")


def brand_stores() -> QuerySet[Store]:
    return Store.objects.filter(is_competitor=False)


def region_brand_stores(region_path: str) -> QuerySet[Store]:
    """The pks of the brand's stores in a region's subtree (a benchmark's stores), as a subquery."""
    return brand_stores().filter(region__path__startswith=region_path).values("pk")


def rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def month_of(day) -> str:
    return f"{day.year:04d}-{day.month:02d}"


# --- Value types shared by the reports ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The scorecard template a report is for."""

    id: int
    code: str
    name: str

    @classmethod
    def of(cls, template: ScorecardTemplate | None) -> Scorecard | None:
        return None if template is None else cls(template.pk, template.code, template.name)


@dataclass(frozen=True, slots=True)
class RegionRef:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SectionRef:
    key: str
    title: str


@dataclass(frozen=True, slots=True)
class MonthMean:
    month: str
    visits: int
    mean: float | None


@dataclass(frozen=True, slots=True)
class Change:
    """A period's mean against the previous period's."""

    mean: float | None
    visits: int
    previous_mean: float | None
    previous_visits: int
    difference: float | None
    previous_period: Period

    @classmethod
    def between(
        cls, current: statistics.MeanEstimate, previous: statistics.MeanEstimate, previous_period: Period
    ) -> Change:
        difference = None
        if current.mean is not None and previous.mean is not None:
            difference = current.mean - previous.mean
        return cls(
            mean=rounded(current.mean),
            visits=current.n,
            previous_mean=rounded(previous.mean),
            previous_visits=previous.n,
            difference=rounded(difference),
            previous_period=previous_period,
        )


def month_means(months: list[str], by_month: dict[str, tuple[int, float]]) -> tuple[MonthMean, ...]:
    """Every month with its count and mean, from ``{month: (count, total)}``; months without visits too."""
    return tuple(
        MonthMean(month, by_month[month][0], rounded(by_month[month][1] / by_month[month][0]))
        if month in by_month
        else MonthMean(month, 0, None)
        for month in months
    )


def most_visited_scorecard(visits: QuerySet[Visit]) -> Scorecard | None:
    """The template with the most of ``visits`` (ties: the lowest id), or None without visits.

    Visits are counted per version (no join per visit), then versions are summed per template.
    """
    per_version = dict(visits.values_list("version_id").annotate(n=Count("id")).order_by())
    if not per_version:
        return None
    per_template: dict[tuple, int] = defaultdict(int)
    for version_id, template_id, code, name in ScorecardVersion.objects.filter(pk__in=per_version).values_list(
        "pk", "template_id", "template__code", "template__name"
    ):
        per_template[(template_id, code, name)] += per_version[version_id]
    return most_counted(per_template)


def most_counted(per_template: dict[tuple, int]) -> Scorecard | None:
    """The ``(id, code, name)`` with the highest count (ties: the lowest id), or None if empty."""
    if not per_template:
        return None
    (template_id, code, name), _n = min(per_template.items(), key=lambda item: (-item[1], item[0][0]))
    return Scorecard(template_id, code, name)


@dataclass(frozen=True)
class TemplateSections:
    """A template's sections over all its versions, by key: their ids, and the newest version's title."""

    ids_of: dict[str, list[int]]
    title_of: dict[str, str]

    @classmethod
    def load(cls, template_id: int) -> TemplateSections:
        rows = (
            Section.objects.filter(version__template_id=template_id)
            .order_by("-version__number", "position", "id")
            .values_list("id", "key", "title")
        )
        ids_of: dict[str, list[int]] = defaultdict(list)
        title_of: dict[str, str] = {}
        for section_id, key, title in rows:
            ids_of[key].append(section_id)
            title_of.setdefault(key, title)
        return cls(dict(ids_of), title_of)
