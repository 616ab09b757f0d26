"""Benchmark the report endpoints against hand-written SQL returning the same numbers, in one run.

    .venv/bin/python bench/report_queries.py [--stores 500] [--months 36] [--visits 4] [--items 35]

Builds a throwaway SQLite database (WAL, as in the embedded setup; DEBUG off) in a temporary
folder: a brand of 10 regions x 5 districts x 10 stores, a published scorecard of 5 weighted
sections x 7 yes/no items, and per store and month 4 released visits with all their answers and
section scores. Stores, visits and section scores go in with ``bulk_create`` in big batches;
answers with ``executemany`` (see ANSWER_INSERT; ``--bulk-create-answers`` to compare). The
build time is printed (about 1.5 minutes for the full size here).

It is built in two steps, so both sizes are measured in the same run:

1. one tenth of the stores (50 stores x 36 months x 4 = 7,200 visits, 252,000 answers);
2. all of them (500 stores: 72,000 visits, 2.52 million answers).

At each size, through Django's test client with the whole middleware stack and token auth, each
call interleaved with its baseline so drift hits both alike:

- the store trend of one store over 12 months (median of 30 calls), and over 3 months, against
  hand-written SQL returning the same numbers (store and template, monthly and regression sums,
  visits, section months, region months, brand days);
- the comparison of every store over 12 months (median of 10 calls), and of one region (50
  stores at both sizes, asked by its regional manager), against hand-written SQL (stores, default
  template, per-store sums of both periods, per-store section sums, medians by window functions).

Every size is measured with the indexes the migrations create, then with PROPOSED_INDEXES
(created here with raw SQL), then with EXTRA_INDEX as well. Before timing, the API's numbers are
checked against the hand-written SQL's. It prints figures and asserts nothing else. Targets: trend
<= 30 ms, comparison of 500 stores <= 300 ms, each within 3x the hand-written SQL; cost grows with
the stores and months asked for, not with the visits and answers stored.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pathlib
import random
import statistics
import sys
import tempfile
import time
import uuid
import zoneinfo
from decimal import Decimal

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend import clock  # noqa: E402  (after the sys.path line)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
SECTIONS = 5
WEIGHTS = [Decimal(3), Decimal(2), Decimal(2), Decimal(1), Decimal(1)]

# The indexes the report queries want (created here with raw SQL; see the module doc):
PROPOSED_INDEXES = {
    # scorecards.Visit: the existing visit_store_status_date (store, status, visited_on), extended
    # so that a store's (or a list of stores') visits of a period are read from the index alone.
    "visit_store_report_cover": (
        "CREATE INDEX visit_store_report_cover ON audits_visit (store_id, status, visited_on, version_id, score, "
        "critical_failed, complaint_passed, complaint_seconds_to_resolution)"
    ),
    # scorecards.Visit: the brand's visits of a period, read from the index alone, in date order.
    "visit_status_date_cover": (
        "CREATE INDEX visit_status_date_cover ON audits_visit (status, visited_on, version_id, store_id, score)"
    ),
}
# Tried as well, and reported: scorecards.VisitSectionScore (visit, section, score).
EXTRA_INDEX = (
    "section_score_cover",
    "CREATE INDEX section_score_cover ON audits_visitsectionscore (visit_id, section_id, score)",
)


def setup_django(var_dir: str) -> None:
    os.environ["INCOGNITO_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    # As served in production: DEBUG off (with DEBUG on, Django also keeps every query's text).
    os.environ["DEBUG"] = "false"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# Answers, 35 a visit, go in through executemany by default: bulk_create spends about 90 us a row
# building the INSERT (measured: 52,500 answers in 4.9 s, against 0.55 s with executemany), which
# would make the 2.5 million answers alone take about four minutes (--bulk-create-answers).
ANSWER_INSERT = (
    "INSERT INTO audits_answer (visit_id, item_id, value_bool, earned_points, failed, "
    "not_applicable, possible_points, value_text, comment) VALUES (%s, %s, %s, %s, %s, 0, '1', '', '')"
)


# --- Building ------------------------------------------------------------------------------------


def month_starts(today: dt.date, months: int) -> list[dt.date]:
    """The ``months`` calendar months before today's month, oldest first."""
    index = today.year * 12 + today.month - 1
    return [dt.date((i) // 12, i % 12 + 1, 1) for i in range(index - months, index)]


class Builder:
    def __init__(self, *, items: int, bulk_create_answers: bool = False, seed: int = 7) -> None:
        from branches.models import Region, Role, User
        from scorecards import services

        self.rng = random.Random(seed)
        self.bulk_create_answers = bulk_create_answers
        self.hq = User.objects.create_user(username="bench-hq", password="x", role=Role.HQ_ADMIN)
        self.auditor = User.objects.create_user(username="bench-auditor", password="x", role=Role.AUDITOR)
        self.rm = User.objects.create_user(username="bench-rm", password="x", role=Role.REGIONAL_MANAGER)
        root = Region.objects.add_root({"code": "BRAND", "name": "品牌"})
        self.regions = []
        self.districts = []
        for r in range(10):
            region = Region.objects.add_child(root, {"code": f"R-{r}", "name": f"大区{r}"})
            self.regions.append(region)
            for d in range(5):
                self.districts.append(Region.objects.add_child(region, {"code": f"D-{r}{d}", "name": f"片区{r}{d}"}))
        self.rm.managed_regions.set([self.regions[0]])
        per_section = items // SECTIONS
        sections = [
            {
                "key": f"s{s}",
                "title": f"Section {s} 第{s}部分",
                "weight": WEIGHTS[s],
                "items": [
                    {
                        "key": f"s{s}_i{i}",
                        "prompt": f"Standard {s}.{i}",
                        "coaching_tip": f"Tip {s}.{i}",
                        "type": "yes_no",
                        "max_points": Decimal(1),
                        "critical": s == 0 and i == 0,
                    }
                    for i in range(per_section)
                ],
            }
            for s in range(SECTIONS)
        ]
        template = services.scorecard_template_create(code="BENCH", name="Bench standard")
        draft = template.versions.get()
        services.scorecard_version_replace_content(version=draft, sections=sections)
        self.version = services.scorecard_version_publish(version=draft, by=None)
        self.template = template
        self.sections = list(self.version.sections.order_by("position", "id"))
        self.items = {
            section.pk: list(section.items.order_by("position", "id").values_list("pk", "critical"))
            for section in self.sections
        }
        self.visit_index = 0

    def stores(self, start: int, stop: int):
        from branches.models import Store

        return Store.objects.bulk_create(
            Store(
                code=f"ST-{i:04d}",
                name=f"门店{i:04d}",
                region=self.districts[i // 10],
                address="x",
                city="上海",
                latitude=Decimal("31.24"),
                longitude=Decimal("121.49"),
            )
            for i in range(start, stop)
        )

    def visits(self, stores, months: list[dt.date], per_month: int) -> tuple[int, int]:
        from django.db import connection, transaction

        from audits.models import Answer, Visit, VisitSectionScore

        rng = self.rng
        one, zero = Decimal(1), Decimal(0)
        total_weight = sum(WEIGHTS)
        visits_written = answers_written = 0
        for store in stores:
            quality = rng.uniform(0.72, 0.97)
            drift = rng.uniform(-0.004, 0.004)
            plan = []
            for month_index, month in enumerate(months):
                for day in sorted(rng.sample(range(1, 29), per_month)):
                    plan.append((month.replace(day=day), min(0.995, quality + drift * month_index)))
            rows = []
            for day, q in plan:
                self.visit_index += 1
                sections = []
                earned_total = 0
                critical = False
                for section in self.sections:
                    answers = []
                    for item_id, is_critical in self.items[section.pk]:
                        failed = rng.random() < (0.003 if is_critical else 1 - q)
                        critical = critical or (failed and is_critical)
                        answers.append((item_id, failed))
                    passed = sum(1 for _item, failed in answers if not failed)
                    sections.append((section, passed, len(answers), answers))
                    earned_total += passed
                weighted = sum(
                    w * Decimal(passed) / Decimal(count) * 100
                    for w, (_s, passed, count, _a) in zip(WEIGHTS, sections, strict=True)
                )
                uncapped = (weighted / total_weight).quantize(Decimal("0.1"))
                complaint = rng.random() < 0.3
                checked_in = dt.datetime.combine(day, dt.time(12, 0), SHANGHAI)
                visit = Visit(
                    uuid=uuid.UUID(int=self.visit_index),
                    reference=f"V-{self.visit_index:08X}",
                    store=store,
                    version=self.version,
                    auditor=self.auditor,
                    daypart="lunch",
                    checked_in_at=checked_in,
                    checked_out_at=checked_in + dt.timedelta(minutes=30),
                    visited_on=day,
                    status="released",
                    score=Decimal("0.0") if critical else uncapped,
                    score_uncapped=uncapped,
                    earned_points=Decimal(earned_total),
                    possible_points=Decimal(sum(count for _s, _p, count, _a in sections)),
                    critical_failed=critical,
                    complaint_passed=(rng.random() < q) if complaint else None,
                    complaint_seconds_to_resolution=rng.randint(40, 300) if complaint and rng.random() < 0.9 else None,
                    released_at=checked_in + dt.timedelta(days=2),
                )
                rows.append((visit, sections))
            with transaction.atomic():
                Visit.objects.bulk_create([visit for visit, _sections in rows], batch_size=2000)
                answers = (
                    (visit.pk, item_id, not failed, failed)
                    for visit, sections in rows
                    for _section, _passed, _count, answers in sections
                    for item_id, failed in answers
                )
                if self.bulk_create_answers:
                    Answer.objects.bulk_create(
                        (
                            Answer(
                                visit_id=visit_id,
                                item_id=item_id,
                                value_bool=value,
                                earned_points=one if value else zero,
                                possible_points=one,
                                failed=failed,
                            )
                            for visit_id, item_id, value, failed in answers
                        ),
                        batch_size=2500,
                    )
                else:
                    with connection.cursor() as cursor:
                        cursor.executemany(
                            ANSWER_INSERT, [(*row[:3], "1" if row[2] else "0", row[3]) for row in answers]
                        )
                VisitSectionScore.objects.bulk_create(
                    (
                        VisitSectionScore(
                            visit_id=visit.pk,
                            section_id=section.pk,
                            earned_points=Decimal(passed),
                            possible_points=Decimal(count),
                            score=(Decimal(passed) / Decimal(count) * 100).quantize(Decimal("0.1")),
                        )
                        for visit, sections in rows
                        for section, passed, count, _answers in sections
                    ),
                    batch_size=5000,
                )
            visits_written += len(rows)
            answers_written += sum(len(a) for _v, sections in rows for _s, _p, _c, a in sections)
        return visits_written, answers_written


# --- Hand-written SQL ------------------------------------------------------------------------------

VERSIONS = "SELECT id FROM scorecards_scorecardversion WHERE template_id = %s"

TREND_SQL = [
    # The store and its region.
    """SELECT s.id, r.path FROM branches_store s JOIN branches_region r ON r.id = s.region_id WHERE s.code = %s""",
    # Monthly sums of both periods per template, with the regression sums (x: days since the start).
    """SELECT substr(v.visited_on, 1, 7), ver.template_id,
              SUM(v.visited_on >= %s), SUM(iif(v.visited_on >= %s, y, NULL)),
              SUM(iif(v.visited_on >= %s, y * y, NULL)), SUM(iif(v.visited_on >= %s, x, NULL)),
              SUM(iif(v.visited_on >= %s, x * x, NULL)), SUM(iif(v.visited_on >= %s, x * y, NULL)),
              SUM(v.visited_on < %s), SUM(iif(v.visited_on < %s, y, NULL))
       FROM (SELECT visited_on, version_id, CAST(score AS REAL) AS y,
                    CAST(julianday(visited_on) - julianday(%s) AS INTEGER) AS x
             FROM audits_visit
             WHERE store_id = %s AND status = 'released' AND score IS NOT NULL AND visited_on BETWEEN %s AND %s) v
       JOIN scorecards_scorecardversion ver ON ver.id = v.version_id
       GROUP BY 1, 2""",
    # The visits.
    f"""SELECT v.reference, v.visited_on, v.score, v.critical_failed FROM audits_visit v
       WHERE v.store_id = %s AND v.status = 'released' AND v.score IS NOT NULL AND v.visited_on BETWEEN %s AND %s
         AND v.version_id IN ({VERSIONS})
       ORDER BY v.visited_on, v.checked_in_at, v.id""",
    # Section months, with the newest title of each key.
    f"""SELECT sec.key, substr(v.visited_on, 1, 7), COUNT(*), SUM(CAST(vs.score AS REAL)),
              (SELECT s2.title FROM scorecards_section s2 JOIN scorecards_scorecardversion v2 ON v2.id = s2.version_id
               WHERE v2.template_id = %s AND s2.key = sec.key ORDER BY v2.number DESC LIMIT 1)
       FROM audits_visit v
       JOIN audits_visitsectionscore vs ON vs.visit_id = v.id
       JOIN scorecards_section sec ON sec.id = vs.section_id
       WHERE v.store_id = %s AND v.status = 'released' AND v.score IS NOT NULL AND v.visited_on BETWEEN %s AND %s
         AND v.version_id IN ({VERSIONS}) AND vs.score IS NOT NULL
       GROUP BY 1, 2""",
    # The region's months.
    f"""SELECT substr(v.visited_on, 1, 7), COUNT(*), SUM(CAST(v.score AS REAL)) FROM audits_visit v
       WHERE v.status = 'released' AND v.score IS NOT NULL AND v.visited_on BETWEEN %s AND %s
         AND v.version_id IN ({VERSIONS})
         AND v.store_id IN (SELECT s.id FROM branches_store s JOIN branches_region r ON r.id = s.region_id
                            WHERE NOT s.is_competitor AND r.path LIKE %s)
       GROUP BY 1""",
    # The brand's days (summed into months below).
    f"""SELECT v.visited_on, COUNT(*), SUM(CAST(v.score AS REAL)) FROM audits_visit v
       WHERE v.status = 'released' AND v.score IS NOT NULL AND v.visited_on BETWEEN %s AND %s
         AND v.version_id IN ({VERSIONS})
         AND v.store_id NOT IN (SELECT id FROM branches_store WHERE is_competitor)
       GROUP BY 1""",
]


def hand_trend(cursor, code: str, start: dt.date, end: dt.date) -> dict:
    days = (end - start).days + 1
    previous = start - dt.timedelta(days=days)
    cursor.execute(TREND_SQL[0], [code])
    store_id, path = cursor.fetchone()
    cursor.execute(TREND_SQL[1], [start] * 9 + [store_id, previous, end])
    sums = cursor.fetchall()
    per_template: dict = {}
    for row in sums:
        per_template[row[1]] = per_template.get(row[1], 0) + row[2]
    template_id = min(per_template, key=lambda key: (-per_template[key], key))
    cursor.execute(TREND_SQL[2], [store_id, start, end, template_id])
    visits = cursor.fetchall()
    cursor.execute(TREND_SQL[3], [template_id, store_id, start, end, template_id])
    sections = cursor.fetchall()
    cursor.execute(TREND_SQL[4], [start, end, template_id, path + "%"])
    region = cursor.fetchall()
    cursor.execute(TREND_SQL[5], [start, end, template_id])
    brand: dict = {}
    for day, n, total in cursor.fetchall():
        month = str(day)[:7]
        known = brand.setdefault(month, [0, 0.0])
        known[0] += n
        known[1] += total
    return {
        "visits": visits,
        "months": {month: (n, sy / n) for month, template, n, sy, *_rest in sums if template == template_id and n},
        "n": sum(row[2] for row in sums if row[1] == template_id),
        "sections": {(key, month): total / n for key, month, n, total, _title in sections},
        "brand": {month: (n, total / n) for month, (n, total) in brand.items()},
        "region": {month: (n, total / n) for month, n, total in region},
    }


COMPARISON_SQL = [
    """SELECT s.id, s.code, s.name, s.is_competitor, r.code, r.name FROM branches_store s
       JOIN branches_region r ON r.id = s.region_id WHERE r.path LIKE %s ORDER BY s.code""",
    """SELECT ver.template_id, COUNT(*) AS n FROM audits_visit v
       JOIN scorecards_scorecardversion ver ON ver.id = v.version_id
       WHERE v.status = 'released' AND v.visited_on BETWEEN %s AND %s
         AND v.store_id IN (SELECT s.id FROM branches_store s JOIN branches_region r ON r.id = s.region_id
                            WHERE r.path LIKE %s)
       GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1""",
    """SELECT sec.id, sec.key FROM scorecards_section sec
       JOIN scorecards_scorecardversion ver ON ver.id = sec.version_id WHERE ver.template_id = %s""",
    f"""SELECT v.store_id,
              COUNT(v.score) FILTER (WHERE v.visited_on >= %s),
              SUM(CAST(v.score AS REAL)) FILTER (WHERE v.visited_on >= %s),
              SUM(CAST(v.score AS REAL) * CAST(v.score AS REAL)) FILTER (WHERE v.visited_on >= %s),
              COUNT(v.score) FILTER (WHERE v.visited_on < %s),
              SUM(CAST(v.score AS REAL)) FILTER (WHERE v.visited_on < %s),
              COUNT(*) FILTER (WHERE v.visited_on >= %s AND v.complaint_passed IS NOT NULL),
              COUNT(*) FILTER (WHERE v.visited_on >= %s AND v.complaint_passed),
              COUNT(*) FILTER (WHERE v.visited_on >= %s AND v.critical_failed)
       FROM audits_visit v
       WHERE v.status = 'released' AND v.visited_on BETWEEN %s AND %s AND v.version_id IN ({VERSIONS})
         AND v.store_id IN (SELECT s.id FROM branches_store s JOIN branches_region r ON r.id = s.region_id
                            WHERE r.path LIKE %s)
       GROUP BY 1""",
    # Section sums per store: one FILTER per section key, filled in below.
    f"""SELECT v.store_id, {{sections}}
       FROM audits_visit v LEFT JOIN audits_visitsectionscore vs ON vs.visit_id = v.id
       WHERE v.status = 'released' AND v.visited_on BETWEEN %s AND %s AND v.version_id IN ({VERSIONS})
         AND v.store_id IN (SELECT s.id FROM branches_store s JOIN branches_region r ON r.id = s.region_id
                            WHERE r.path LIKE %s)
       GROUP BY 1""",
    f"""SELECT store_id, AVG(seconds) FROM (
         SELECT v.store_id, v.complaint_seconds_to_resolution AS seconds,
                ROW_NUMBER() OVER (PARTITION BY v.store_id ORDER BY v.complaint_seconds_to_resolution, v.id) AS rn,
                COUNT(*) OVER (PARTITION BY v.store_id) AS c
         FROM audits_visit v
         WHERE v.status = 'released' AND v.visited_on BETWEEN %s AND %s
           AND v.complaint_passed IS NOT NULL AND v.complaint_seconds_to_resolution IS NOT NULL
           AND v.version_id IN ({VERSIONS})
           AND v.store_id IN (SELECT s.id FROM branches_store s JOIN branches_region r ON r.id = s.region_id
                              WHERE r.path LIKE %s))
       WHERE rn IN ((c + 1) / 2, (c + 2) / 2) GROUP BY 1""",
]


def hand_comparison(cursor, path: str, start: dt.date, end: dt.date) -> dict:
    from reports.statistics import mean_interval

    days = (end - start).days + 1
    previous = start - dt.timedelta(days=days)
    like = path + "%"
    cursor.execute(COMPARISON_SQL[0], [like])
    stores = cursor.fetchall()
    cursor.execute(COMPARISON_SQL[1], [start, end, like])
    template_id = cursor.fetchone()[0]
    cursor.execute(COMPARISON_SQL[2], [template_id])
    ids_of: dict = {}
    for section_id, key in cursor.fetchall():
        ids_of.setdefault(key, []).append(str(section_id))
    keys = sorted(ids_of)
    cursor.execute(COMPARISON_SQL[3], [start] * 8 + [previous, end, template_id, like])
    sums = {row[0]: row[1:] for row in cursor.fetchall()}
    pivot = ", ".join(
        f"COUNT(vs.score) FILTER (WHERE vs.section_id IN ({','.join(ids_of[key])})), "
        f"SUM(CAST(vs.score AS REAL)) FILTER (WHERE vs.section_id IN ({','.join(ids_of[key])}))"
        for key in keys
    )
    cursor.execute(COMPARISON_SQL[4].replace("{sections}", pivot), [start, end, template_id, like])
    weakest = {}
    for store_id, *figures in cursor.fetchall():
        means = [(figures[2 * i + 1] / figures[2 * i], key) for i, key in enumerate(keys) if figures[2 * i]]
        if means:
            weakest[store_id] = min(means)[1]
    cursor.execute(COMPARISON_SQL[5], [start, end, template_id, like])
    medians = dict(cursor.fetchall())
    result = {}
    for store_id, code, *_rest in stores:
        n, sy, syy, *_more = sums.get(store_id, (0, 0, 0))
        estimate = mean_interval(n or 0, sy or 0, syy or 0)
        result[code] = (estimate.n, estimate.mean, estimate.low, weakest.get(store_id), medians.get(store_id))
    return result


# --- Measuring -------------------------------------------------------------------------------------


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def install_routes() -> None:
    from django.urls import NoReverseMatch, clear_url_caches, include, path, reverse

    import backend.urls

    try:
        reverse("report-comparison")
    except NoReverseMatch:
        backend.urls.urlpatterns.insert(0, path("api/reports/", include("reports.urls")))
        clear_url_caches()


def check_same_numbers(api_trend: dict, sql_trend: dict, api_comparison: dict, sql_comparison: dict) -> None:
    assert len(api_trend["visits"]) == len(sql_trend["visits"]) == sql_trend["n"]
    for row in api_trend["months"]:
        if row["visits"]:
            n, mean = sql_trend["months"][row["month"]]
            assert (row["visits"], row["mean"]) == (n, round(mean, 2)), (row, n, mean)
    for row in api_trend["brand"]["months"]:
        if row["visits"]:
            assert (row["visits"], row["mean"]) == (
                sql_trend["brand"][row["month"]][0],
                round(sql_trend["brand"][row["month"]][1], 2),
            )
    for row in api_trend["region"]["months"]:
        if row["visits"]:
            assert (row["visits"], row["mean"]) == (
                sql_trend["region"][row["month"]][0],
                round(sql_trend["region"][row["month"]][1], 2),
            )
    for section in api_trend["sections"]:
        for row in section["months"]:
            if row["visits"]:
                assert row["mean"] == round(sql_trend["sections"][(section["key"], row["month"])], 2)
    assert len(api_comparison["results"]) == len(sql_comparison)
    for row in api_comparison["results"]:
        n, mean, low, weakest, median = sql_comparison[row["code"]]
        assert row["visits"] == n and row["mean"] == round(mean, 2) and row["ci_low"] == round(low, 2), row
        assert (row["weakest_section"] or {}).get("key") == weakest
        assert row["complaint"]["median_seconds"] == (None if median is None else round(median, 1))


def measure(label: str, *, client, rm_client, first_store: str, start: dt.date, end: dt.date, runs: int, runs_big: int):
    from django.db import connection

    trend_url = f"/api/reports/stores/{first_store}/trend/?start={start}&end={end}"
    comparison_url = f"/api/reports/comparison/?start={start}&end={end}"
    region_url = f"/api/reports/comparison/?start={start}&end={end}&region=R-0"
    short_start = dt.date(end.year, end.month, 1) - dt.timedelta(days=62)
    short_trend_url = f"/api/reports/stores/{first_store}/trend/?start={short_start.replace(day=1)}&end={end}"
    brand_path = connection.cursor().execute("SELECT path FROM branches_region WHERE code = 'BRAND'").fetchone()[0]
    region_path = connection.cursor().execute("SELECT path FROM branches_region WHERE code = 'R-0'").fetchone()[0]

    def get(url, who=None):
        response = (who or client).get(url, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.content[:500]
        return response

    api_trend = get(trend_url).json()
    api_comparison = get(comparison_url).json()
    with connection.cursor() as cursor:
        check_same_numbers(
            api_trend,
            hand_trend(cursor, first_store, start, end),
            api_comparison,
            hand_comparison(cursor, brand_path, start, end),
        )

    def pair(api_call, sql_call, n):
        api_times, sql_times = [], []
        for _ in range(n):
            api_times.append(timed(api_call))
            sql_times.append(timed(sql_call))
        return statistics.median(api_times), statistics.median(sql_times)

    with connection.cursor() as cursor:
        trend = pair(lambda: get(trend_url), lambda: hand_trend(cursor, first_store, start, end), runs)
        short = pair(
            lambda: get(short_trend_url), lambda: hand_trend(cursor, first_store, short_start.replace(day=1), end), runs
        )
        everyone = pair(lambda: get(comparison_url), lambda: hand_comparison(cursor, brand_path, start, end), runs_big)
        region = pair(
            lambda: get(region_url, rm_client), lambda: hand_comparison(cursor, region_path, start, end), runs_big
        )
    stores_all = len(api_comparison["results"])
    stores_region = len(get(region_url, rm_client).json()["results"])
    print(f"  {label}")
    rows = {
        "trend12": (f"trend, 12 months (n={runs})", trend, 30),
        "trend3": (f"trend, 3 months (n={runs})", short, 30),
        "all": (f"comparison, all {stores_all} stores (n={runs_big})", everyone, 300),
        "region": (f"comparison, region R-0 as its manager, {stores_region} stores (n={runs_big})", region, 300),
    }
    for name, (api, sql), target in rows.values():
        print(
            f"    {name:<58} API {api:8.2f} ms   hand SQL {sql:7.2f} ms   "
            f"ratio {api / sql:5.2f}x   (target <= {target} ms, <= 3x)"
        )
    return {key: (name, api, sql) for key, (name, (api, sql), _target) in rows.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=500)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--visits", type=int, default=4, help="visits per store and month")
    parser.add_argument("--items", type=int, default=35)
    parser.add_argument("--bulk-create-answers", action="store_true", help="answers through bulk_create too (slow)")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--runs-comparison", type=int, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        from django.db import connection
        from django.test import Client
        from rest_framework.authtoken.models import Token

        install_routes()
        today = clock.today()
        months = month_starts(today, args.months)
        end = months[-1].replace(day=28) + dt.timedelta(days=4)
        end = end - dt.timedelta(days=end.day)  # the last day of the newest month with visits
        start = months[-12]
        started = time.perf_counter()
        builder = Builder(items=args.items, bulk_create_answers=args.bulk_create_answers)
        hq = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=builder.hq).key}")
        rm = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=builder.rm).key}")
        print(f"SQLite {connection.Database.sqlite_version}, WAL; Python {sys.version.split()[0]}")
        print(f"period {start} .. {end} (12 months; the previous 12 months load for the change)")

        tenth = max(1, args.stores // 10)
        results = {}
        total_visits = total_answers = 0
        for label, (first, last) in (("one tenth", (0, tenth)), ("full", (tenth, args.stores))):
            step = time.perf_counter()
            stores = builder.stores(first, last)
            visits, answers = builder.visits(stores, months, args.visits)
            total_visits += visits
            total_answers += answers
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            print(
                f"\nbuilt {last} stores: {total_visits:,} visits, {total_answers:,} answers "
                f"(+{visits:,} visits in {time.perf_counter() - step:.1f} s; "
                f"{time.perf_counter() - started:.1f} s so far)"
            )
            with connection.cursor() as cursor:
                for name in (*PROPOSED_INDEXES, EXTRA_INDEX[0]):
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
            results[(label, "migrations' indexes")] = measure(
                "with the migrations' indexes",
                client=hq,
                rm_client=rm,
                first_store="ST-0000",
                start=start,
                end=end,
                runs=args.runs,
                runs_big=args.runs_comparison,
            )
            with connection.cursor() as cursor:
                for sql in PROPOSED_INDEXES.values():
                    cursor.execute(sql)
            results[(label, "proposed indexes")] = measure(
                f"with {' and '.join(PROPOSED_INDEXES)}",
                client=hq,
                rm_client=rm,
                first_store="ST-0000",
                start=start,
                end=end,
                runs=args.runs,
                runs_big=args.runs_comparison,
            )
            with connection.cursor() as cursor:
                cursor.execute(EXTRA_INDEX[1])
            results[(label, "+ section_score_cover")] = measure(
                f"with those and {EXTRA_INDEX[0]}",
                client=hq,
                rm_client=rm,
                first_store="ST-0000",
                start=start,
                end=end,
                runs=args.runs,
                runs_big=args.runs_comparison,
            )
        print(f"\ntotal time {time.perf_counter() - started:.1f} s")
        print("\nfull / one tenth, same request (10x the visits and answers stored):")
        for index in ("migrations' indexes", "proposed indexes", "+ section_score_cover"):
            small, big = results[("one tenth", index)], results[("full", index)]
            for key in ("trend12", "trend3", "region", "all"):
                name = big[key][0].split(" (n=")[0]
                print(
                    f"  {index:<22} {name:<52} API x{big[key][1] / small[key][1]:5.2f}   "
                    f"SQL x{big[key][2] / small[key][2]:5.2f}"
                )


if __name__ == "__main__":
    main()
