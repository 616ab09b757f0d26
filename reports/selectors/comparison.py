"""The regional comparison: every store the caller may see, side by side, with honest rank bands."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

from audits.models import Visit
from backend.errors import InvalidInput
from branches.models import Region, Store
from reports import statistics
from reports.expressions import as_float
from reports.selectors.common import (
    SCORE,
    SCORE_BOUNDS,
    Change,
    RegionRef,
    Scorecard,
    SectionRef,
    TemplateSections,
    min_visits_for_rank,
    most_visited_scorecard,
    rate,
    released_visits,
    rounded,
    scorecard_versions,
)
from reports.selectors.period import Period
from scorecards.models import ScorecardTemplate


@dataclass(frozen=True, slots=True)
class WeakestSection:
    key: str
    title: str
    mean: float | None
    visits: int


@dataclass(frozen=True, slots=True)
class ComplaintFigures:
    tests: int
    passed: int
    pass_rate: float | None
    timed: int
    median_seconds: float | None


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    code: str
    name: str
    region: RegionRef
    is_competitor: bool
    visits: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    rank: str | None
    rank_best: int | None
    rank_worst: int | None
    not_enough_data: bool
    change: Change
    weakest_section: WeakestSection | None
    complaint: ComplaintFigures
    critical_failures: int


@dataclass(frozen=True, slots=True)
class ComparisonSummary:
    stores: int
    stores_ranked: int
    visits: int
    mean: float | None
    mean_visits: int
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True, slots=True)
class Comparison:
    period: Period
    previous_period: Period
    region: RegionRef | None
    scorecard: Scorecard | None
    section: SectionRef | None
    min_visits_for_rank: int
    summary: ComparisonSummary
    results: tuple[ComparisonRow, ...]


@dataclass(frozen=True, slots=True)
class _Figures:
    """What the grouped queries found, per store id (nothing without a scorecard)."""

    section: SectionRef | None = None
    stats: dict[int, dict] = field(default_factory=dict)
    weakest: dict[int, WeakestSection] = field(default_factory=dict)
    medians: dict[int, tuple[int, float]] = field(default_factory=dict)


def comparison(
    *,
    user,
    period: Period,
    region: Region | None = None,
    template: ScorecardTemplate | None = None,
    section: str | None = None,
) -> Comparison:
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
    visits = released_visits(user=user).filter(store_id__in=stores.values("pk"))
    in_period = visits.filter(visited_on__range=(period.start, period.end))
    scorecard = Scorecard.of(template) if template is not None else most_visited_scorecard(in_period)
    figures = _Figures() if scorecard is None else _figures(visits, in_period, scorecard, period, section)
    rows = _rows(store_rows, figures, period.previous, min_visits)
    return Comparison(
        period=period,
        previous_period=period.previous,
        region=None if region is None else RegionRef(region.code, region.name),
        scorecard=scorecard,
        section=figures.section,
        min_visits_for_rank=min_visits,
        summary=_summary(
            rows, [figures.stats.get(store["id"], {}) for store in store_rows if not store["is_competitor"]]
        ),
        results=rows,
    )


def _figures(
    visits: QuerySet[Visit], in_period: QuerySet[Visit], scorecard: Scorecard, period: Period, section: str | None
) -> _Figures:
    """The per-store figures of the scorecard's visits (of ``section``'s scores if given)."""
    sections = TemplateSections.load(scorecard.id)
    chosen = None
    if section is not None:
        if section not in sections.ids_of:
            raise InvalidInput({"section": [f"“{section}” is not a section of {scorecard.name}."]})
        chosen = SectionRef(section, sections.title_of[section])
    versions = scorecard_versions(scorecard.id)
    both = visits.filter(version_id__in=versions, visited_on__range=(period.previous.start, period.end))
    in_period = in_period.filter(version_id__in=versions)
    return _Figures(
        section=chosen,
        stats=_comparison_stats(both, period, sections.ids_of.get(section) if section else None),
        weakest=_weakest_sections(in_period, sections),
        medians=_median_resolution(in_period),
    )


def _rows(store_rows: list[dict], figures: _Figures, previous: Period, min_visits: int) -> tuple[ComparisonRow, ...]:
    """One row per store, ranked stores by mean first (see ``comparison``)."""
    estimates = [_estimates(figures.stats.get(store["id"], {})) for store in store_rows]
    bands = statistics.rank_bands([current for current, _before in estimates], min_visits=min_visits)
    rows = [
        _row(store, figures, current, before, band, previous)
        for store, (current, before), band in zip(store_rows, estimates, bands, strict=True)
    ]
    rows.sort(key=lambda row: (row.not_enough_data, row.mean is None, -(row.mean or 0), row.code))
    return tuple(rows)


def _estimates(stats: dict) -> tuple[statistics.MeanEstimate, statistics.MeanEstimate]:
    """The mean of the period and of the previous one, from a store's sums."""
    return (
        statistics.mean_interval(stats.get("n", 0), stats.get("sy", 0), stats.get("syy", 0), bounds=SCORE_BOUNDS),
        statistics.mean_interval(stats.get("pn", 0), stats.get("psy", 0), stats.get("psyy", 0), bounds=SCORE_BOUNDS),
    )


def _row(
    store: dict,
    figures: _Figures,
    current: statistics.MeanEstimate,
    before: statistics.MeanEstimate,
    band: statistics.RankBand | None,
    previous: Period,
) -> ComparisonRow:
    stats = figures.stats.get(store["id"], {})
    return ComparisonRow(
        code=store["code"],
        name=store["name"],
        region=RegionRef(store["region__code"], store["region__name"]),
        is_competitor=store["is_competitor"],
        visits=current.n,
        mean=rounded(current.mean),
        sd=rounded(current.sd),
        ci_low=rounded(current.low),
        ci_high=rounded(current.high),
        rank=band and band.label,
        rank_best=band and band.best,
        rank_worst=band and band.worst,
        not_enough_data=band is None,
        change=Change.between(current, before, previous),
        weakest_section=figures.weakest.get(store["id"]),
        complaint=_complaint(stats, figures.medians.get(store["id"])),
        critical_failures=stats.get("critical", 0),
    )


def _complaint(stats: dict, median: tuple[int, float] | None) -> ComplaintFigures:
    tests, passed = stats.get("tests", 0), stats.get("passed", 0)
    timed, seconds = median if median is not None else (0, None)
    return ComplaintFigures(
        tests=tests, passed=passed, pass_rate=rate(passed, tests), timed=timed, median_seconds=seconds
    )


def _summary(rows: tuple[ComparisonRow, ...], brand: list[dict]) -> ComparisonSummary:
    """Counts over every row; the mean over the visits of the brand's stores (``brand``: their sums)."""
    overall = statistics.mean_interval(
        sum(stats.get("n", 0) for stats in brand),
        sum(stats.get("sy", 0) for stats in brand),
        sum(stats.get("syy", 0) for stats in brand),
        bounds=SCORE_BOUNDS,
    )
    return ComparisonSummary(
        stores=len(rows),
        stores_ranked=sum(1 for row in rows if not row.not_enough_data),
        visits=sum(row.visits for row in rows),
        mean=rounded(overall.mean),
        mean_visits=overall.n,
        ci_low=rounded(overall.low),
        ci_high=rounded(overall.high),
    )


def _comparison_stats(visits: QuerySet[Visit], period: Period, section_ids: list[int] | None) -> dict[int, dict]:
    """Per store: score sums for the period and the previous one, complaint tests, critical failures.

    With ``section_ids`` the score sums are those of that section (over the visits that scored it).
    """
    current = Q(visited_on__gte=period.start)
    rows = (
        visits.values("store_id")
        .annotate(
            tests=Count("id", filter=current & Q(complaint_passed__isnull=False)),
            passed=Count("id", filter=current & Q(complaint_passed=True)),
            critical=Count("id", filter=current & Q(critical_failed=True)),
            **({} if section_ids else _score_sums("score", SCORE, period)),
        )
        .order_by()
    )
    stats = {row.pop("store_id"): row for row in rows}
    if section_ids:
        score = as_float("section_scores__score")
        rows = (
            visits.filter(section_scores__section_id__in=section_ids)
            .values("store_id")
            .annotate(**_score_sums("section_scores__score", score, period))
            .order_by()
        )
        for row in rows:
            stats.setdefault(row.pop("store_id"), {}).update(row)
    for figures in stats.values():
        for name in ("sy", "syy", "psy", "psyy"):
            figures[name] = float(figures.get(name) or 0)
    return stats


def _score_sums(counted: str, score, period: Period) -> dict:
    """Count, sum and sum of squares of ``score``, of the period (n, sy, syy) and the previous one (p...)."""
    current = Q(visited_on__gte=period.start)
    before = Q(visited_on__lt=period.start)
    return {
        "n": Count(counted, filter=current),
        "sy": Sum(score, filter=current),
        "syy": Sum(score * score, filter=current),
        "pn": Count(counted, filter=before),
        "psy": Sum(score, filter=before),
        "psyy": Sum(score * score, filter=before),
    }


def _weakest_sections(visits: QuerySet[Visit], sections: TemplateSections) -> dict[int, WeakestSection]:
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
    weakest: dict[int, WeakestSection] = {}
    for row in visits.values("store_id").annotate(**aggregates).order_by():
        means = [(float(row[f"s{i}"]) / row[f"n{i}"], key, row[f"n{i}"]) for i, key in enumerate(keys) if row[f"n{i}"]]
        if means:
            mean, key, n = min(means)
            weakest[row["store_id"]] = WeakestSection(key, sections.title_of[key], rounded(mean), n)
    return weakest


def _median_resolution(visits: QuerySet[Visit]) -> dict[int, tuple[int, float]]:
    """Per store, (timed tests, median seconds to resolution) of complaint tests, by window functions.

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
    return {store_id: (timed[store_id], rounded(sum(values) / len(values), 1)) for store_id, values in middle.items()}
