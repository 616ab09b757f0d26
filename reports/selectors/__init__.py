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

The reads are split by report, each returning frozen dataclasses (``reports.serializers`` shapes
them into the API's JSON; the dashboard's templates and the coaching PDF read their attributes):

- ``period``: ``Period``, the default period and the bounds of report dates;
- ``common``: the caller's stores and visits, the scorecard, shared value types and rounding;
- ``trend``: ``store_trend`` -> ``StoreTrend``;
- ``comparison``: ``comparison`` -> ``Comparison``;
- ``weaknesses``: ``store_weaknesses`` -> ``StoreWeaknesses``.
"""

from reports.selectors.common import (
    Change,
    MonthMean,
    RegionRef,
    Scorecard,
    SectionRef,
    TemplateSections,
    brand_stores,
    min_visits_for_rank,
    released_visits,
    report_store,
    scorecard_versions,
)
from reports.selectors.comparison import (
    Comparison,
    ComparisonRow,
    ComparisonSummary,
    ComplaintFigures,
    WeakestSection,
    comparison,
)
from reports.selectors.period import (
    DEFAULT_PERIOD_MONTHS,
    MAX_PERIOD_DAYS,
    PERIOD_EARLIEST,
    PERIOD_LATEST,
    Period,
    period_bounds_errors,
    period_date_error,
    resolve_period,
    validate_period_date,
)
from reports.selectors.trend import (
    DAYS_PER_MONTH,
    MOVING_AVERAGE_MONTHS,
    Benchmark,
    RegionBenchmark,
    Slope,
    StoreTrend,
    TrendMonth,
    TrendSection,
    TrendStore,
    TrendVisit,
    store_trend,
)
from reports.selectors.weaknesses import StoreWeaknesses, Weakness, WeaknessStore, store_weaknesses

__all__ = [
    "DAYS_PER_MONTH",
    "DEFAULT_PERIOD_MONTHS",
    "MAX_PERIOD_DAYS",
    "MOVING_AVERAGE_MONTHS",
    "PERIOD_EARLIEST",
    "PERIOD_LATEST",
    "Benchmark",
    "Change",
    "Comparison",
    "ComparisonRow",
    "ComparisonSummary",
    "ComplaintFigures",
    "MonthMean",
    "Period",
    "RegionBenchmark",
    "RegionRef",
    "Scorecard",
    "SectionRef",
    "Slope",
    "StoreTrend",
    "StoreWeaknesses",
    "TemplateSections",
    "TrendMonth",
    "TrendSection",
    "TrendStore",
    "TrendVisit",
    "WeakestSection",
    "Weakness",
    "WeaknessStore",
    "brand_stores",
    "comparison",
    "min_visits_for_rank",
    "period_bounds_errors",
    "period_date_error",
    "released_visits",
    "report_store",
    "resolve_period",
    "scorecard_versions",
    "store_trend",
    "store_weaknesses",
    "validate_period_date",
]
