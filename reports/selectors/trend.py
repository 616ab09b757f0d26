"""A store's trend: its released visits over a period, monthly means, moving average, slope, benchmarks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Sum, Value

from audits.models import Visit, VisitSectionScore, VisitStatus
from branches.models import Region, Store
from reports import statistics
from reports.expressions import EpochDays, MonthKey, epoch_days
from reports.selectors.common import (
    EMPTY,
    SCORE,
    SCORE_BOUNDS,
    Change,
    MonthMean,
    RegionRef,
    Scorecard,
    month_means,
    month_of,
    most_counted,
    region_brand_stores,
    released_visits,
    report_store,
    rounded,
    scorecard_versions,
)
from reports.selectors.period import Period
from scorecards.models import ScorecardTemplate

# The slope is fitted per day and reported per month of average length (365.2425 / 12 days).
DAYS_PER_MONTH = 365.2425 / 12
# The moving average covers this many calendar months, ending with the month it is shown for.
MOVING_AVERAGE_MONTHS = 3
# The sums per template, month and period that the monthly means, the change and the slope need.
_SUMS = ("n", "sy", "syy", "sx", "sxx", "sxy")


@dataclass(frozen=True, slots=True)
class TrendStore:
    code: str
    name: str
    region: RegionRef
    is_competitor: bool


@dataclass(frozen=True, slots=True)
class TrendVisit:
    reference: str
    visited_on: dt.date
    score: Decimal
    critical_failed: bool


@dataclass(frozen=True, slots=True)
class TrendMonth:
    month: str
    visits: int
    mean: float | None
    moving_average: float | None
    moving_average_months: int


@dataclass(frozen=True, slots=True)
class TrendSection:
    key: str
    title: str
    months: tuple[MonthMean, ...]


@dataclass(frozen=True, slots=True)
class Slope:
    points_per_month: float | None
    ci_low: float | None
    ci_high: float | None
    visits: int
    reason: str | None

    @classmethod
    def of(cls, estimate: statistics.SlopeEstimate) -> Slope:
        return cls(
            points_per_month=rounded(estimate.slope, 3),
            ci_low=rounded(estimate.low, 3),
            ci_high=rounded(estimate.high, 3),
            visits=estimate.n,
            reason=estimate.reason,
        )


@dataclass(frozen=True, slots=True)
class Benchmark:
    """Monthly means (with counts) of the brand's released visits, and the period's count and mean."""

    months: tuple[MonthMean, ...]
    visits: int
    mean: float | None


@dataclass(frozen=True, slots=True)
class RegionBenchmark:
    """A benchmark over the brand's stores in a region's subtree."""

    code: str
    name: str
    months: tuple[MonthMean, ...]
    visits: int
    mean: float | None


@dataclass(frozen=True, slots=True)
class StoreTrend:
    store: TrendStore
    scorecard: Scorecard | None
    period: Period
    visits: tuple[TrendVisit, ...]
    months: tuple[TrendMonth, ...]
    sections: tuple[TrendSection, ...]
    change: Change
    slope: Slope
    region: RegionBenchmark
    brand: Benchmark


def store_trend(*, user, code: str, period: Period, template: ScorecardTemplate | None = None) -> StoreTrend:
    """One store's released visits over a period, with monthly means, trend and benchmarks.

    - ``visits``: every released visit of the period (reference, date, score), oldest first.
    - ``months``: every calendar month of the period with its visit count and mean score, and
      ``moving_average``: the unweighted mean of the monthly means of this month and the two
      calendar months before it that have visits (``moving_average_months`` says how many of
      the three had visits; months before the period are not looked at, so the first months
      average fewer); null while none of the three has visits.
    - ``sections``: the monthly mean of every section's score.
    - ``change``: the period's mean minus the previous period's, with both counts.
    - ``slope``: least-squares slope of score on visit date in points per month, with its 95 %
      t interval; null with a ``reason`` below 3 visits or when all are on the same day.
    - ``region`` and ``brand``: monthly means (with counts) over the same months of the released
      visits of the brand's stores in the store's region subtree, and in the whole brand.

    Six queries whatever the number of visits: the store; its monthly sums per template and
    period (with the regression sums; the default template is picked from them); its visits; its
    section months; the region's months; the brand's days.
    """
    store = report_store(user=user, code=code)
    scored = released_visits(user=user).filter(store=store, score__isnull=False)
    rows = _store_month_sums(scored, period, template)
    scorecard = Scorecard.of(template) if template is not None else _default_scorecard(rows)
    if scorecard is None:
        return _trend_without_visits(store, period)
    months = period.months()
    current, before, by_month = _period_sums(rows, scorecard.id)
    in_period = scored.filter(
        visited_on__range=(period.start, period.end), version_id__in=scorecard_versions(scorecard.id)
    )
    return StoreTrend(
        store=_trend_store(store),
        scorecard=scorecard,
        period=period,
        visits=_visits(in_period),
        months=_trend_months(months, by_month),
        sections=_section_months(in_period, months),
        change=Change.between(_mean_of(current), _mean_of(before), period.previous),
        slope=_slope_of(current),
        region=_region_months(store.region, scorecard.id, period, months),
        brand=_brand_months(scorecard.id, period, months),
    )


def _trend_store(store: Store) -> TrendStore:
    region = RegionRef(store.region.code, store.region.name)
    return TrendStore(code=store.code, name=store.name, region=region, is_competitor=store.is_competitor)


def _trend_without_visits(store: Store, period: Period) -> StoreTrend:
    """The trend of a period without a visit of any scorecard: every month empty, no scorecard."""
    months = period.months()
    empty = _benchmark({}, months)
    return StoreTrend(
        store=_trend_store(store),
        scorecard=None,
        period=period,
        visits=(),
        months=_trend_months(months, {}),
        sections=(),
        change=Change.between(EMPTY, EMPTY, period.previous),
        slope=Slope.of(statistics.slope_interval(0, 0, 0, 0, 0, 0)),
        region=RegionBenchmark(store.region.code, store.region.name, empty.months, empty.visits, empty.mean),
        brand=empty,
    )


def _store_month_sums(scored: QuerySet[Visit], period: Period, template: ScorecardTemplate | None) -> list[dict]:
    """Per template, month and period (``current``: this one, else the previous one): counts and
    sums of y, y², x, x², xy, with x the days since the period's start."""
    previous = period.previous
    visits = scored.filter(visited_on__range=(previous.start, period.end))
    if template is not None:
        visits = visits.filter(version_id__in=scorecard_versions(template.pk))
    x = EpochDays("visited_on") - Value(epoch_days(period.start))
    return list(
        visits.annotate(
            month=MonthKey("visited_on"),
            current=ExpressionWrapper(Q(visited_on__gte=period.start), output_field=BooleanField()),
        )
        .values(
            "month",
            "current",
            template_id=F("version__template_id"),
            template_code=F("version__template__code"),
            template_name=F("version__template__name"),
        )
        .annotate(n=Count("id"), sy=Sum(SCORE), syy=Sum(SCORE * SCORE), sx=Sum(x), sxx=Sum(x * x), sxy=Sum(x * SCORE))
        .order_by()
    )


def _default_scorecard(rows: list[dict]) -> Scorecard | None:
    """The template with the most visits in the period (ties: the lowest id), from the month sums."""
    per_template: dict[tuple, int] = defaultdict(int)
    for row in rows:
        if row["current"]:
            per_template[(row["template_id"], row["template_code"], row["template_name"])] += row["n"]
    return most_counted(per_template)


def _period_sums(rows: list[dict], template_id: int) -> tuple[dict, dict, dict[str, tuple[int, float]]]:
    """The template's sums of the period and of the previous one, and the period's ``{month: (n, total)}``."""
    totals: dict[tuple, float] = defaultdict(float)
    by_month = {}
    for row in rows:
        if row["template_id"] != template_id:
            continue
        if row["current"]:
            by_month[row["month"]] = (row["n"], float(row["sy"]))
        for name in _SUMS:
            totals[(bool(row["current"]), name)] += float(row[name] or 0)
    current, before = ({name: totals[(flag, name)] for name in _SUMS} for flag in (True, False))
    return current, before, by_month


def _mean_of(sums: dict) -> statistics.MeanEstimate:
    return statistics.mean_interval(int(sums["n"]), sums["sy"], sums["syy"], bounds=SCORE_BOUNDS)


def _slope_of(sums: dict) -> Slope:
    estimate = statistics.slope_interval(
        int(sums["n"]), sums["sx"], sums["sy"], sums["sxy"], sums["sxx"], sums["syy"], scale=DAYS_PER_MONTH
    )
    return Slope.of(estimate)


def _visits(in_period: QuerySet[Visit]) -> tuple[TrendVisit, ...]:
    rows = in_period.order_by("visited_on", "checked_in_at", "id").values_list(
        "reference", "visited_on", "score", "critical_failed"
    )
    return tuple(TrendVisit(*row) for row in rows)


def _trend_months(months: list[str], by_month: dict[str, tuple[int, float]]) -> tuple[TrendMonth, ...]:
    means = {month: total / n for month, (n, total) in by_month.items()}
    rows = []
    for index, month in enumerate(months):
        window = [means[m] for m in months[max(0, index - MOVING_AVERAGE_MONTHS + 1) : index + 1] if m in means]
        rows.append(
            TrendMonth(
                month=month,
                visits=by_month[month][0] if month in by_month else 0,
                mean=rounded(means.get(month)),
                moving_average=rounded(sum(window) / len(window)) if window else None,
                moving_average_months=len(window),
            )
        )
    return tuple(rows)


def _section_months(visits: QuerySet[Visit], months: list[str]) -> tuple[TrendSection, ...]:
    """Monthly mean of each section's score, sections matched by key across versions.

    Grouped by section (with its key, title, position and version number, which depend on it)
    and month; the title shown is the newest version's.
    """
    rows = (
        VisitSectionScore.objects.filter(visit__in=visits.values("pk"), score__isnull=False)
        .annotate(month=MonthKey("visit__visited_on"))
        .values(
            "month",
            "section_id",
            key=F("section__key"),
            title=F("section__title"),
            position=F("section__position"),
            version=F("section__version__number"),
        )
        .annotate(n=Count("id"), total=Sum(SCORE))
        .order_by()
    )
    by_key: dict[str, dict[str, list]] = defaultdict(dict)
    newest: dict[str, tuple] = {}
    for row in rows:
        known = by_key[row["key"]].setdefault(row["month"], [0, 0.0])
        known[0] += row["n"]
        known[1] += float(row["total"])
        if row["key"] not in newest or row["version"] > newest[row["key"]][0]:
            newest[row["key"]] = (row["version"], row["position"], row["title"])
    return tuple(
        TrendSection(key=key, title=newest[key][2], months=month_means(months, by_key[key]))
        for key in sorted(by_key, key=lambda key: (newest[key][1], key))
    )


def _released_scored(template_id: int, period: Period) -> QuerySet[Visit]:
    """Every released, scored visit of the template in the period, of any store (for benchmarks)."""
    return Visit.objects.filter(
        status=VisitStatus.RELEASED,
        score__isnull=False,
        visited_on__range=(period.start, period.end),
        version_id__in=scorecard_versions(template_id),
    )


def _region_months(region: Region, template_id: int, period: Period, months: list[str]) -> RegionBenchmark:
    """Monthly means of released visits of the brand's stores of the region's subtree.

    An aggregate over every store of the region, including stores the caller cannot otherwise
    see (a store manager's region average): counts and means only, released visits only.
    """
    rows = (
        _released_scored(template_id, period)
        .filter(store_id__in=region_brand_stores(region.path))
        .annotate(month=MonthKey("visited_on"))
        .values("month")
        .annotate(n=Count("id"), total=Sum(SCORE))
        .order_by()
    )
    benchmark = _benchmark({row["month"]: (row["n"], float(row["total"])) for row in rows}, months)
    return RegionBenchmark(region.code, region.name, benchmark.months, benchmark.visits, benchmark.mean)


def _brand_months(template_id: int, period: Period, months: list[str]) -> Benchmark:
    """Monthly means of released visits of all the brand's stores (an aggregate, as the region's).

    Grouped by day, in the order of the (status, visited_on, ...) index so SQLite needs no sort,
    and added up into months here: at most 366 rows a year.
    """
    rows = (
        _released_scored(template_id, period)
        .exclude(store_id__in=Store.objects.filter(is_competitor=True).values("pk"))
        .values_list("visited_on")
        .annotate(n=Count("id"), total=Sum(SCORE))
        .order_by()
    )
    by_month: dict[str, list] = {}
    for day, n, total in rows:
        known = by_month.setdefault(month_of(day), [0, 0.0])
        known[0] += n
        known[1] += float(total)
    return _benchmark(by_month, months)


def _benchmark(by_month: dict, months: list[str]) -> Benchmark:
    n = sum(count for count, _total in by_month.values())
    total = sum(total for _count, total in by_month.values())
    return Benchmark(months=month_means(months, by_month), visits=n, mean=rounded(total / n) if n else None)
