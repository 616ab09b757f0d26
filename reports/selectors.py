"""Report reads: store trends, regional comparisons and weak standards, aggregated in SQL.

Rules every function here keeps:

- **Scoped.** Store-level figures start from ``Store.objects.visible_to(user)`` and
  ``Visit.objects.visible_to(user)``; a store outside the caller's scope raises
  ``Store.DoesNotExist`` (the API answers 404). The one exception is a *benchmark*: the
  average of the store's region (``Store.region`` and every region below it) and of the whole
  brand. It is an aggregate over released visits of the brand's own stores (competitor stores
  are left out), never a per-store figure, so a store manager may see it.
- **Released only.** Only visits with status ``released`` count, for every role; their scores
  are the amended ones (amendments are stored in place).
- **No auditor.** Nothing here selects a field about who audited, or when a visit was planned.
- **In SQL.** Sums, counts and means come from grouped queries (``values()``/``annotate()``,
  window functions for medians); Python only combines already-aggregated rows per month or per
  store, so the number of queries and the Python work do not grow with the number of visits.
- **One scorecard at a time.** Scores of different standards are not comparable: every report is
  for one scorecard template (all its versions; sections and items are matched by ``key``). The
  default is the template most visited in the period (ties: the lowest id).

Periods: ``start``..``end`` inclusive; the *previous period* is the same number of days right
before ``start``. Months are calendar months of the store-local visit date, ``'YYYY-MM'``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from audits.models import Answer, Visit, VisitSectionScore, VisitStatus
from backend.errors import InvalidInput
from branches.models import Region, Store
from reports import statistics
from reports.expressions import EpochDays, MonthKey, as_float, epoch_days
from scorecards.models import Item, ScorecardTemplate, ScorecardVersion, Section

# The slope is fitted per day and reported per month of average length (365.2425 / 12 days).
DAYS_PER_MONTH = 365.2425 / 12
# The moving average covers this many calendar months, ending with the month it is shown for.
MOVING_AVERAGE_MONTHS = 3
DEFAULT_PERIOD_MONTHS = 12
MAX_PERIOD_DAYS = 3660
# Every report date (a period's start and end, given or defaulted) lies within these days, so
# that the previous period of the longest period (``MAX_PERIOD_DAYS``), the default start's month
# arithmetic and a day or a year past the end are always real dates (``date.min`` is year 1,
# ``date.max`` year 9999: outside the bounds they were 500s). Checked in one place,
# :func:`validate_period_date`, which the report FilterSets, the coaching job serializer and the
# coaching service all run.
PERIOD_EARLIEST = dt.date(2000, 1, 1)
PERIOD_LATEST = dt.date(2100, 12, 31)


def min_visits_for_rank() -> int:
    return int(getattr(settings, "INCOGNITO", {}).get("MIN_VISITS_FOR_RANK", 3))


# --- Periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of equal length right before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def months(self) -> list[str]:
        """Every calendar month the period touches, oldest first, as ``'YYYY-MM'``."""
        year, month = self.start.year, self.start.month
        months = []
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end}


def period_date_error(value: dt.date) -> str | None:
    """Why ``value`` cannot be a report date, or None if it can."""
    if PERIOD_EARLIEST <= value <= PERIOD_LATEST:
        return None
    return _("Dates must lie between %(earliest)s and %(latest)s.") % {
        "earliest": PERIOD_EARLIEST.isoformat(),
        "latest": PERIOD_LATEST.isoformat(),
    }


def validate_period_date(value: dt.date | None) -> None:
    """A validator for date fields of forms, FilterSets and DRF serializers (``ValidationError``)."""
    if value is None:
        return
    error = period_date_error(value)
    if error is not None:
        raise ValidationError(error, code="out_of_range")


def period_bounds_errors(**dates: dt.date | None) -> dict[str, list[str]]:
    """The errors of the named dates outside the bounds, by name (e.g. ``{"end": [...]}``)."""
    errors = {}
    for name, value in dates.items():
        error = None if value is None else period_date_error(value)
        if error is not None:
            errors[name] = [error]
    return errors


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` calendar months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def resolve_period(*, start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """The period asked for; by default the 12 calendar months ending with today's month.

    ``end`` defaults to today; ``start`` to the first day of the 11th month before ``end``'s
    month (e.g. end 2026-11-23 -> start 2025-12-01: twelve calendar months, the last one so far).
    """
    end = end or today
    start = start or _months_back(end, DEFAULT_PERIOD_MONTHS - 1)
    return Period(start, end)


# --- Shared pieces -----------------------------------------------------------------------------


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


def _competitor_stores() -> QuerySet[Store]:
    return Store.objects.filter(is_competitor=True).values("pk")


def _scorecard(template: ScorecardTemplate | None) -> dict | None:
    if template is None:
        return None
    return {"id": template.pk, "code": template.code, "name": template.name}


def _most_visited_scorecard(visits: QuerySet[Visit]) -> dict | None:
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
    (template_id, code, name), _n = min(per_template.items(), key=lambda item: (-item[1], item[0][0]))
    return {"id": template_id, "code": code, "name": name}


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


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _estimate_dict(estimate: statistics.MeanEstimate) -> dict:
    return {
        "visits": estimate.n,
        "mean": _round(estimate.mean),
        "sd": _round(estimate.sd),
        "ci_low": _round(estimate.low),
        "ci_high": _round(estimate.high),
    }


def _change(current: statistics.MeanEstimate, previous: statistics.MeanEstimate, period: dict) -> dict:
    """``period``: the previous period, as ``Period.previous.as_dict()``."""
    difference = None
    if current.mean is not None and previous.mean is not None:
        difference = current.mean - previous.mean
    return {
        "mean": _round(current.mean),
        "visits": current.n,
        "previous_mean": _round(previous.mean),
        "previous_visits": previous.n,
        "difference": _round(difference),
        "previous_period": period,
    }


def _month_means(months: list[str], by_month: dict[str, tuple[int, float]]) -> list[dict]:
    return [
        {
            "month": month,
            "visits": by_month[month][0] if month in by_month else 0,
            "mean": _round(by_month[month][1] / by_month[month][0]) if month in by_month else None,
        }
        for month in months
    ]


SCORE = as_float("score")
# Every score (visit, section) lies in 0..100, so an interval of a mean is cut to that range.
SCORE_BOUNDS = (0.0, 100.0)
EMPTY = statistics.mean_interval(0, 0, 0)


# --- 1. Store trend ------------------------------------------------------------------------------


def store_trend(*, user, code: str, period: Period, template: ScorecardTemplate | None = None) -> dict:
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
    months = period.months()
    result = {
        "store": {
            "code": store.code,
            "name": store.name,
            "region": {"code": store.region.code, "name": store.region.name},
            "is_competitor": store.is_competitor,
        },
        "scorecard": _scorecard(template),
        "period": period.as_dict(),
        "visits": [],
        "months": [],
        "sections": [],
        "change": _change(EMPTY, EMPTY, period.previous.as_dict()),
        "slope": _slope_dict(statistics.slope_interval(0, 0, 0, 0, 0, 0)),
        "region": {"code": store.region.code, "name": store.region.name, "months": [], "visits": 0, "mean": None},
        "brand": {"months": [], "visits": 0, "mean": None},
    }
    scored = released_visits(user=user).filter(store=store, score__isnull=False)
    rows = _store_month_sums(scored, period, template)
    if template is None:
        per_template: dict[tuple, int] = defaultdict(int)
        for row in rows:
            if row["current"]:
                per_template[(row["template_id"], row["template_code"], row["template_name"])] += row["n"]
        if per_template:
            (template_id, template_code, template_name), _n = min(
                per_template.items(), key=lambda item: (-item[1], item[0][0])
            )
            result["scorecard"] = {"id": template_id, "code": template_code, "name": template_name}
    scorecard = result["scorecard"]
    if scorecard is None:
        result["months"] = _trend_months(months, {})
        for name in ("region", "brand"):
            result[name]["months"] = _month_means(months, {})
        return result
    template_id = scorecard["id"]

    totals: dict[tuple, float] = defaultdict(float)
    by_month = {}
    for row in rows:
        if row["template_id"] != template_id:
            continue
        if row["current"]:
            by_month[row["month"]] = (row["n"], float(row["sy"]))
        for name in ("n", "sy", "syy", "sx", "sxx", "sxy"):
            totals[(bool(row["current"]), name)] += float(row[name] or 0)
    current, before = (
        {name: totals[(flag, name)] for name in ("n", "sy", "syy", "sx", "sxx", "sxy")} for flag in (True, False)
    )
    result["months"] = _trend_months(months, by_month)
    result["change"] = _change(
        statistics.mean_interval(int(current["n"]), current["sy"], current["syy"], bounds=SCORE_BOUNDS),
        statistics.mean_interval(int(before["n"]), before["sy"], before["syy"], bounds=SCORE_BOUNDS),
        period.previous.as_dict(),
    )
    result["slope"] = _slope_dict(
        statistics.slope_interval(
            int(current["n"]),
            current["sx"],
            current["sy"],
            current["sxy"],
            current["sxx"],
            current["syy"],
            scale=DAYS_PER_MONTH,
        )
    )

    in_period = scored.filter(
        visited_on__range=(period.start, period.end), version_id__in=scorecard_versions(template_id)
    )
    result["visits"] = list(
        in_period.order_by("visited_on", "checked_in_at", "id").values(
            "reference", "visited_on", "score", "critical_failed"
        )
    )
    result["sections"] = _section_months(in_period, months)
    region_stores = brand_stores().filter(region__path__startswith=store.region.path).values("pk")
    result["region"].update(_region_months(region_stores, template_id, period, months))
    result["brand"].update(_brand_months(template_id, period, months))
    return result


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


def _slope_dict(estimate: statistics.SlopeEstimate) -> dict:
    return {
        "points_per_month": _round(estimate.slope, 3),
        "ci_low": _round(estimate.low, 3),
        "ci_high": _round(estimate.high, 3),
        "visits": estimate.n,
        "reason": estimate.reason,
    }


def _trend_months(months: list[str], by_month: dict[str, tuple[int, float]]) -> list[dict]:
    means = {month: total / n for month, (n, total) in by_month.items()}
    rows = []
    for index, month in enumerate(months):
        window = [means[m] for m in months[max(0, index - MOVING_AVERAGE_MONTHS + 1) : index + 1] if m in means]
        rows.append(
            {
                "month": month,
                "visits": by_month[month][0] if month in by_month else 0,
                "mean": _round(means.get(month)),
                "moving_average": _round(sum(window) / len(window)) if window else None,
                "moving_average_months": len(window),
            }
        )
    return rows


def _section_months(visits: QuerySet[Visit], months: list[str]) -> list[dict]:
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
    return [
        {"key": key, "title": newest[key][2], "months": _month_means(months, by_key[key])}
        for key in sorted(by_key, key=lambda key: (newest[key][1], key))
    ]


def _region_months(stores: QuerySet[Store], template_id: int, period: Period, months: list[str]) -> dict:
    """Monthly means of released visits of ``stores`` (the brand's stores of a region subtree).

    An aggregate over every store of the region, including stores the caller cannot otherwise
    see (a store manager's region average): counts and means only, released visits only.
    """
    rows = (
        Visit.objects.filter(
            status=VisitStatus.RELEASED,
            score__isnull=False,
            visited_on__range=(period.start, period.end),
            version_id__in=scorecard_versions(template_id),
            store_id__in=stores,
        )
        .annotate(month=MonthKey("visited_on"))
        .values("month")
        .annotate(n=Count("id"), total=Sum(SCORE))
        .order_by()
    )
    return _benchmark({row["month"]: (row["n"], float(row["total"])) for row in rows}, months)


def _brand_months(template_id: int, period: Period, months: list[str]) -> dict:
    """Monthly means of released visits of all the brand's stores (an aggregate, as the region's).

    Grouped by day, in the order of the (status, visited_on, ...) index so SQLite needs no sort,
    and added up into months here: at most 366 rows a year.
    """
    rows = (
        Visit.objects.filter(
            status=VisitStatus.RELEASED,
            score__isnull=False,
            visited_on__range=(period.start, period.end),
            version_id__in=scorecard_versions(template_id),
        )
        .exclude(store_id__in=_competitor_stores())
        .values_list("visited_on")
        .annotate(n=Count("id"), total=Sum(SCORE))
        .order_by()
    )
    by_month: dict[str, list] = {}
    for day, n, total in rows:
        known = by_month.setdefault(_month_of(day), [0, 0.0])
        known[0] += n
        known[1] += float(total)
    return _benchmark(by_month, months)


def _benchmark(by_month: dict, months: list[str]) -> dict:
    n = sum(count for count, _total in by_month.values())
    total = sum(total for _count, total in by_month.values())
    return {"months": _month_means(months, by_month), "visits": n, "mean": _round(total / n) if n else None}


# --- 2. Regional comparison ---------------------------------------------------------------------


def comparison(
    *,
    user,
    period: Period,
    region: Region | None = None,
    template: ScorecardTemplate | None = None,
    section: str | None = None,
) -> dict:
    """Every store the caller may see (in ``region``'s subtree if given), side by side.

    Per store: visits and mean score (of ``section`` if given: the mean of that section's
    scores, over the visits that scored it), the 95 % t interval of the mean (null below 2
    visits), an honest rank (see ``statistics.rank_bands``; fewer than ``MIN_VISITS_FOR_RANK``
    visits: ``rank`` null and ``not_enough_data``), the change against the previous period, the
    weakest section (lowest mean section score, ties by key), the complaint test pass rate
    (passed / visits with a complaint test) and the median seconds to resolution (over tests with
    a recorded resolution time; unresolved complaints have none), and critical failures.

    Rows: ranked stores by mean, best first; then stores with too few visits; then stores
    without visits. The summary counts stores and visits and gives the mean of the brand's
    stores listed (competitor stores are listed, ranked and counted, but not in that mean).

    Six queries whatever the number of stores and visits (seven with a section): the stores;
    the default template; per-store sums of both periods; the template's sections; per-store
    section sums (one FILTER per section key, so rows stream in store order); the medians.
    """
    min_visits = min_visits_for_rank()
    stores = Store.objects.visible_to(user)
    if region is not None:
        stores = stores.filter(region__path__startswith=region.path)
    store_rows = list(
        stores.order_by("code").values("id", "code", "name", "is_competitor", "region__code", "region__name")
    )
    previous = period.previous
    visits = released_visits(user=user).filter(store_id__in=stores.values("pk"))
    in_period = visits.filter(visited_on__range=(period.start, period.end))
    scorecard = _scorecard(template) if template is not None else _most_visited_scorecard(in_period)
    result = {
        "period": period.as_dict(),
        "previous_period": previous.as_dict(),
        "region": None if region is None else {"code": region.code, "name": region.name},
        "scorecard": scorecard,
        "section": None,
        "min_visits_for_rank": min_visits,
        "summary": {},
        "results": [],
    }
    stats: dict[int, dict] = {}
    weakest: dict[int, dict] = {}
    medians: dict[int, dict] = {}
    if scorecard is not None:
        template_id = scorecard["id"]
        sections = TemplateSections.load(template_id)
        if section is not None:
            if section not in sections.ids_of:
                raise InvalidInput({"section": [f"“{section}” is not a section of {scorecard['name']}."]})
            result["section"] = {"key": section, "title": sections.title_of[section]}
        versions = scorecard_versions(template_id)
        both = visits.filter(version_id__in=versions, visited_on__range=(previous.start, period.end))
        in_period = in_period.filter(version_id__in=versions)
        stats = _comparison_stats(both, period, sections.ids_of.get(section) if section else None)
        weakest = _weakest_sections(in_period, sections)
        medians = _median_resolution(in_period)

    estimates = []
    rows = []
    previous_period = previous.as_dict()
    for store in store_rows:
        figures = stats.get(store["id"], {})
        current = statistics.mean_interval(
            figures.get("n", 0), figures.get("sy", 0), figures.get("syy", 0), bounds=SCORE_BOUNDS
        )
        before = statistics.mean_interval(
            figures.get("pn", 0), figures.get("psy", 0), figures.get("psyy", 0), bounds=SCORE_BOUNDS
        )
        estimates.append(current)
        tests = figures.get("tests", 0)
        passed = figures.get("passed", 0)
        median = medians.get(store["id"], {})
        rows.append(
            {
                "code": store["code"],
                "name": store["name"],
                "region": {"code": store["region__code"], "name": store["region__name"]},
                "is_competitor": store["is_competitor"],
                **_estimate_dict(current),
                "rank": None,
                "rank_best": None,
                "rank_worst": None,
                "not_enough_data": True,
                "change": _change(current, before, previous_period),
                "weakest_section": weakest.get(store["id"]),
                "complaint": {
                    "tests": tests,
                    "passed": passed,
                    "pass_rate": _rate(passed, tests),
                    "timed": median.get("timed", 0),
                    "median_seconds": median.get("median"),
                },
                "critical_failures": figures.get("critical", 0),
            }
        )
    for row, band in zip(rows, statistics.rank_bands(estimates, min_visits=min_visits), strict=True):
        if band is not None:
            row.update(rank=band.label, rank_best=band.best, rank_worst=band.worst, not_enough_data=False)
    rows.sort(key=lambda row: (row["not_enough_data"], row["mean"] is None, -(row["mean"] or 0), row["code"]))
    result["results"] = rows

    brand = [stats.get(store["id"], {}) for store in store_rows if not store["is_competitor"]]
    overall = statistics.mean_interval(
        sum(f.get("n", 0) for f in brand),
        sum(f.get("sy", 0) for f in brand),
        sum(f.get("syy", 0) for f in brand),
        bounds=SCORE_BOUNDS,
    )
    result["summary"] = {
        "stores": len(rows),
        "stores_ranked": sum(1 for row in rows if not row["not_enough_data"]),
        "visits": sum(row["visits"] for row in rows),
        "mean": _round(overall.mean),
        "mean_visits": overall.n,
        "ci_low": _round(overall.low),
        "ci_high": _round(overall.high),
    }
    return result


def _comparison_stats(visits: QuerySet[Visit], period: Period, section_ids: list[int] | None) -> dict[int, dict]:
    """Per store: score sums for the period and the previous one, complaint tests, critical failures.

    With ``section_ids`` the score sums are those of that section (over the visits that scored it).
    """
    current = Q(visited_on__gte=period.start)
    before = Q(visited_on__lt=period.start)
    sums = {
        "n": Count("score", filter=current),
        "sy": Sum(SCORE, filter=current),
        "syy": Sum(SCORE * SCORE, filter=current),
        "pn": Count("score", filter=before),
        "psy": Sum(SCORE, filter=before),
        "psyy": Sum(SCORE * SCORE, filter=before),
    }
    rows = (
        visits.values("store_id")
        .annotate(
            tests=Count("id", filter=current & Q(complaint_passed__isnull=False)),
            passed=Count("id", filter=current & Q(complaint_passed=True)),
            critical=Count("id", filter=current & Q(critical_failed=True)),
            **({} if section_ids else sums),
        )
        .order_by()
    )
    stats = {row.pop("store_id"): row for row in rows}
    if section_ids:
        score = as_float("section_scores__score")
        rows = (
            visits.filter(section_scores__section_id__in=section_ids)
            .values("store_id")
            .annotate(
                n=Count("section_scores__score", filter=current),
                sy=Sum(score, filter=current),
                syy=Sum(score * score, filter=current),
                pn=Count("section_scores__score", filter=before),
                psy=Sum(score, filter=before),
                psyy=Sum(score * score, filter=before),
            )
            .order_by()
        )
        for row in rows:
            stats.setdefault(row.pop("store_id"), {}).update(row)
    for figures in stats.values():
        for name in ("sy", "syy", "psy", "psyy"):
            figures[name] = float(figures.get(name) or 0)
    return stats


def _weakest_sections(visits: QuerySet[Visit], sections: TemplateSections) -> dict[int, dict]:
    """Per store, the section with the lowest mean score in the period (ties: the first key).

    One row per store with a count and a sum per section key (FILTER on the key's section ids),
    so the join of visits and section scores streams in store order instead of being sorted.
    """
    keys = sorted(sections.ids_of)
    score = as_float("section_scores__score")
    aggregates = {}
    for index, key in enumerate(keys):
        only = Q(section_scores__section_id__in=sections.ids_of[key])
        aggregates[f"n{index}"] = Count("section_scores__score", filter=only)
        aggregates[f"s{index}"] = Sum(score, filter=only)
    weakest: dict[int, dict] = {}
    for row in visits.values("store_id").annotate(**aggregates).order_by():
        means = [(float(row[f"s{i}"]) / row[f"n{i}"], key, row[f"n{i}"]) for i, key in enumerate(keys) if row[f"n{i}"]]
        if means:
            mean, key, n = min(means)
            weakest[row["store_id"]] = {"key": key, "title": sections.title_of[key], "mean": _round(mean), "visits": n}
    return weakest


def _median_resolution(visits: QuerySet[Visit]) -> dict[int, dict]:
    """Per store, the median seconds to resolution of complaint tests, picked by window functions.

    Each store's timed tests are numbered in order of seconds (``ROW_NUMBER``) and counted
    (``COUNT`` over the store); only the middle one or two rows come back.
    """
    seconds = "complaint_seconds_to_resolution"
    ranked = (
        visits.filter(complaint_passed__isnull=False, **{f"{seconds}__isnull": False})
        .annotate(
            position=Window(RowNumber(), partition_by=[F("store_id")], order_by=[F(seconds).asc(), F("id").asc()]),
            timed=Window(Count("id"), partition_by=[F("store_id")]),
        )
        .filter(Q(position=(F("timed") + 1) / 2) | Q(position=(F("timed") + 2) / 2))
        .values("store_id", "timed", seconds)
        .order_by()
    )
    middle: dict[int, list[int]] = defaultdict(list)
    timed: dict[int, int] = {}
    for row in ranked:
        middle[row["store_id"]].append(row[seconds])
        timed[row["store_id"]] = row["timed"]
    return {
        store_id: {"timed": timed[store_id], "median": _round(sum(values) / len(values), 1)}
        for store_id, values in middle.items()
    }


# --- 3. Weak standards ---------------------------------------------------------------------------


def store_weaknesses(
    *, user, code: str, period: Period, template: ScorecardTemplate | None = None, limit: int = 10
) -> dict:
    """The standards a store misses most often in a period, with the region's rate beside them.

    Counted over answers that are scored (``possible_points > 0``; N/A answers have none) of
    released visits; an item is matched across scorecard versions by its key. ``fail_rate`` is
    failed / answered; ``region_fail_rate`` the same over the released visits of the brand's
    stores in the store's region subtree (an aggregate, see the module doc). Items the store
    never failed are left out. Order: fail rate, then number of failures (both descending), key.
    The prompt and coaching tip are the item's in the newest version that has it.
    """
    store = report_store(user=user, code=code)
    in_period = released_visits(user=user).filter(store=store, visited_on__range=(period.start, period.end))
    scorecard = _scorecard(template) if template is not None else _most_visited_scorecard(in_period)
    result = {
        "store": {"code": store.code, "name": store.name},
        "region": {"code": store.region.code, "name": store.region.name},
        "scorecard": scorecard,
        "period": period.as_dict(),
        "visits": 0,
        "results": [],
    }
    if scorecard is None:
        return result
    template_id = scorecard["id"]
    in_period = in_period.filter(version_id__in=scorecard_versions(template_id))
    scored = Q(not_applicable=False, possible_points__gt=0)
    items = list(
        Item.objects.filter(section__version__template_id=template_id)
        .order_by("-section__version__number", "id")
        .values("id", "key", "prompt", "coaching_tip", section_key=F("section__key"), section_title=F("section__title"))
    )
    key_of = {item["id"]: item["key"] for item in items}
    newest: dict[str, dict] = {}
    for item in items:
        newest.setdefault(item["key"], item)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in (
        Answer.objects.filter(scored, visit__in=in_period.values("pk"))
        .values("item_id")
        .annotate(answered=Count("id"), failed=Count("id", filter=Q(failed=True)))
        .order_by()
    ):
        known = counts[key_of[row["item_id"]]]
        known[0] += row["answered"]
        known[1] += row["failed"]
    result["visits"] = in_period.count()
    failing = sorted(
        ((key, answered, failed) for key, (answered, failed) in counts.items() if failed),
        key=lambda row: (-row[2] / row[1], -row[2], row[0]),
    )[:limit]
    if not failing:
        return result
    keys = {key for key, _answered, _failed in failing}
    region_visits = Visit.objects.filter(
        status=VisitStatus.RELEASED,
        visited_on__range=(period.start, period.end),
        version_id__in=scorecard_versions(template_id),
        store_id__in=brand_stores().filter(region__path__startswith=store.region.path).values("pk"),
    )
    region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in (
        Answer.objects.filter(
            scored,
            visit__in=region_visits.values("pk"),
            item_id__in=[item_id for item_id, key in key_of.items() if key in keys],
        )
        .values("item_id")
        .annotate(answered=Count("id"), failed=Count("id", filter=Q(failed=True)))
        .order_by()
    ):
        known = region[key_of[row["item_id"]]]
        known[0] += row["answered"]
        known[1] += row["failed"]
    result["results"] = [
        {
            "key": key,
            "prompt": newest[key]["prompt"],
            "coaching_tip": newest[key]["coaching_tip"],
            "section": {"key": newest[key]["section_key"], "title": newest[key]["section_title"]},
            "answered": answered,
            "failed": failed,
            "fail_rate": _rate(failed, answered),
            "region_answered": region[key][0],
            "region_failed": region[key][1],
            "region_fail_rate": _rate(region[key][1], region[key][0]),
        }
        for key, answered, failed in failing
    ]
    return result


__all__ = [
    "DAYS_PER_MONTH",
    "MOVING_AVERAGE_MONTHS",
    "PERIOD_EARLIEST",
    "PERIOD_LATEST",
    "Period",
    "comparison",
    "min_visits_for_rank",
    "period_bounds_errors",
    "period_date_error",
    "released_visits",
    "report_store",
    "resolve_period",
    "store_trend",
    "store_weaknesses",
    "validate_period_date",
]
