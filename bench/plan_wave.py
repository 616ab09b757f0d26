"""Benchmark the wave planner at HQ's scale, against baselines measured in the same run.

    .venv/bin/python bench/plan_wave.py [--stores 500] [--auditors 200] [--months 3] [--visits 4] [--runs 3]

Builds a throwaway SQLite database (WAL, as in the embedded setup) in a temporary folder: stores
over 20 cities, auditors (some travel, some uncertified or expiring, each with conflicts), half a
year of earlier assignments and visits, and bookings inside the wave. Then, for a wave over every
store (stores x months x visits slots):

- ``wave_preview``: loading everything and planning (median of the runs), and its query count;
- its two halves: loading (``audit_selectors.wave_plan_request``) and the pure ``plan_wave``;
- baselines: fetching the same rows with bare ``values_list`` queries, and building the same
  number of ``Slot`` objects with nothing decided;
- ``wave_commit`` once: planning again and inserting every assignment.

It prints figures; it asserts nothing. Target (issue "audit waves"): 500 stores x 3 months x
4 visits with 200 auditors previewed in under 10 s.
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
from collections import Counter
from decimal import Decimal

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIES = [
    "上海",
    "北京",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "天津",
    "成都",
    "重庆",
    "武汉",
    "西安",
    "苏州",
    "长沙",
    "郑州",
    "青岛",
    "沈阳",
    "宁波",
    "厦门",
    "合肥",
    "昆明",
]
WAVE_START = dt.date(2027, 1, 1)


def setup_django(var_dir: str) -> None:
    os.environ["INCOGNITO_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_world(*, stores: int, auditors: int, rng: random.Random):
    from audits.models import Assignment, AssignmentStatus, AuditorCertification, AuditorProfile, Visit
    from branches.models import Region, Role, Store, User
    from scorecards import services
    from scorecards.models import ComplaintScenario

    root = Region.objects.add_root({"code": "BENCH", "name": "Bench"})
    regions = [Region.objects.add_child(root, {"code": f"C{n:02d}", "name": city}) for n, city in enumerate(CITIES)]
    shops = Store.objects.bulk_create(
        Store(
            code=f"S-{n:04d}",
            name=f"门店 {n}",
            region=regions[n % len(CITIES)],
            address="x",
            city=CITIES[n % len(CITIES)],
            latitude=Decimal("31.2"),
            longitude=Decimal("121.4"),
        )
        for n in range(stores)
    )
    template = services.scorecard_template_create(code="BENCH", name="Bench card")
    services.scorecard_version_replace_content(
        version=template.versions.get(),
        sections=[
            {
                "key": "s",
                "title": "S",
                "weight": Decimal(1),
                "items": [{"key": "ok", "prompt": "OK", "type": "yes_no", "max_points": Decimal(1)}],
            }
        ],
    )
    version = services.scorecard_version_publish(version=template.versions.get(), by=None)
    scenarios = ComplaintScenario.objects.bulk_create(
        ComplaintScenario(code=f"SC-{n}", title=f"Scenario {n}", script="...", timing="...") for n in range(3)
    )

    users = User.objects.bulk_create(
        User(username=f"aud-{n:03d}", role=Role.AUDITOR, password="!", is_staff=False) for n in range(auditors)
    )
    profiles = AuditorProfile.objects.bulk_create(
        AuditorProfile(
            user=user,
            code=f"A-{n:03d}",
            home_city=CITIES[n % len(CITIES)],
            active=rng.random() > 0.03,
            willing_to_travel=rng.random() < 0.3,
            monthly_capacity=rng.randint(10, 18),
        )
        for n, user in enumerate(users)
    )
    certifications = []
    for profile in profiles:
        if rng.random() < 0.92:
            expires = WAVE_START + dt.timedelta(days=rng.randint(20, 60)) if rng.random() < 0.1 else None
            certifications.append(
                AuditorCertification(
                    auditor=profile, template=template, certified_on=dt.date(2026, 1, 1), expires_on=expires
                )
            )
    AuditorCertification.objects.bulk_create(certifications)
    by_city = {city: [s for s in shops if s.city == city] for city in CITIES}
    through = AuditorProfile.conflict_stores.through
    through.objects.bulk_create(
        through(auditorprofile_id=profile.pk, store_id=store.pk)
        for profile in profiles
        for store in rng.sample(by_city[profile.home_city], rng.randint(0, 3))
    )

    # Half a year of history: two assignments per store and month, most of them visited.
    history, visits = [], []
    local = {city: [u for u, p in zip(users, profiles, strict=True) if p.home_city == city] for city in CITIES}
    for month in range(6, 0, -1):
        first = (WAVE_START - dt.timedelta(days=30 * month)).replace(day=1)
        for store in shops:
            for half in (0, 1):
                who = rng.choice(local[store.city])
                start = first + dt.timedelta(days=15 * half)
                status = rng.choice([AssignmentStatus.SUBMITTED] * 4 + [AssignmentStatus.DECLINED])
                history.append(
                    Assignment(
                        store=store,
                        auditor=who,
                        version=version,
                        window_start=start,
                        window_end=start + dt.timedelta(days=12),
                        daypart="lunch",
                        status=status,
                        scenario=rng.choice(scenarios) if half else None,
                    )
                )
                if status == AssignmentStatus.SUBMITTED:
                    day = start + dt.timedelta(days=rng.randint(0, 12))
                    moment = dt.datetime.combine(day, dt.time(12), dt.UTC)
                    visits.append(
                        Visit(
                            store=store,
                            version=version,
                            auditor=who,
                            daypart="lunch",
                            checked_in_at=moment,
                            checked_out_at=moment,
                            visited_on=day,
                            earned_points=1,
                            possible_points=1,
                        )
                    )
    # Some auditors are already booked inside the wave.
    for user in rng.sample(users, auditors // 4):
        store = rng.choice(shops)
        history.append(
            Assignment(
                store=store,
                auditor=user,
                version=version,
                window_start=WAVE_START + dt.timedelta(days=3),
                window_end=WAVE_START + dt.timedelta(days=10),
                daypart="dinner",
                status=AssignmentStatus.ACCEPTED,
            )
        )
    Assignment.objects.bulk_create(history, batch_size=2000)
    Visit.objects.bulk_create(visits, batch_size=2000)
    return root, version, scenarios, len(history), len(visits)


def timed(call, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def bare_fetch(wave) -> None:
    """The rows the loader reads, fetched with bare queries and nothing built from them."""
    from audits.models import Assignment, AuditorCertification, AuditorProfile, Visit
    from branches.models import Store

    since = wave.start_date - dt.timedelta(days=wave.rotation_lockout_days)
    list(Store.objects.filter(active=True).values_list("pk", "code", "city"))
    list(AuditorProfile.objects.filter(active=True).values_list("pk", "user_id", "home_city", "monthly_capacity"))
    list(AuditorProfile.conflict_stores.through.objects.values_list("auditorprofile_id", "store_id"))
    list(AuditorCertification.objects.values_list("auditor_id", "certified_on", "expires_on"))
    list(Assignment.objects.filter(window_end__gte=since).values_list("auditor_id", "store_id", "window_start"))
    list(Visit.objects.filter(visited_on__gte=since).values_list("auditor_id", "store_id", "visited_on"))


def bare_slots(count: int) -> None:
    from audits.planning import Slot

    day = WAVE_START
    [Slot(n, f"S-{n:04d}", n, "aud", day, day, "lunch", None, None) for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=500)
    parser.add_argument("--auditors", type=int, default=200)
    parser.add_argument("--months", type=int, default=3)
    parser.add_argument("--visits", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from audits import selectors as audit_selectors
        from audits.planning import plan_wave
        from audits.services import waves as wave_services
        from branches.models import User

        started = time.perf_counter()
        root, version, scenarios, history, visits = build_world(
            stores=args.stores, auditors=args.auditors, rng=random.Random(2027)
        )
        built = time.perf_counter() - started
        end = WAVE_START
        for _ in range(args.months):
            end = (end + dt.timedelta(days=32)).replace(day=1)
        wave = wave_services.wave_create(
            name="Bench wave",
            version=version,
            start_date=WAVE_START,
            end_date=end - dt.timedelta(days=1),
            visits_per_store_per_month=args.visits,
            daypart_quotas={"lunch": 2, "dinner": 1, "breakfast": 1} if args.visits == 4 else {},
            regions=[root],
            scenarios=scenarios,
            complaint_visits_per_store_per_month=1,
        )
        slots = args.stores * args.months * args.visits

        preview_s, plan = timed(lambda: wave_services.wave_preview(wave=wave), args.runs)
        with CaptureQueriesContext(connection) as queries:
            wave_services.wave_preview(wave=wave)
        load_s, plan_request = timed(lambda: audit_selectors.wave_plan_request(wave=wave), args.runs)
        pure_s, _plan = timed(lambda: plan_wave(plan_request), args.runs)
        fetch_s, _ = timed(lambda: bare_fetch(wave), args.runs)
        objects_s, _ = timed(lambda: bare_slots(slots), args.runs)
        hq = User.objects.create_user(username="bench-hq", password="x", role="hq_admin")
        commit_s, created = timed(lambda: wave_services.wave_commit(wave=wave, by=hq), 1)

        reasons = Counter(gap.reason_code for gap in plan.unfilled)
        print(f"SQLite {connection.Database.sqlite_version}, WAL; Python {sys.version.split()[0]}")
        print(
            f"world: {args.stores} stores in {len(CITIES)} cities, {args.auditors} auditors, "
            f"{history} earlier assignments, {visits} earlier visits (built in {built:.1f} s)"
        )
        print(
            f"wave: {args.stores} stores x {args.months} months x {args.visits} visits = {slots} slots; "
            f"{len(plan.slots)} filled, {len(plan.unfilled)} unfilled {dict(reasons)}"
        )
        print(
            f"wave_preview (load + plan)       {preview_s * 1000:8.0f} ms   ({len(queries)} queries; "
            f"median of {args.runs})"
        )
        print(f"  load: wave_plan_request        {load_s * 1000:8.0f} ms   ({len(plan_request.encounters)} encounters)")
        print(f"  plan: plan_wave (pure)         {pure_s * 1000:8.0f} ms   ({pure_s / slots * 1e6:.0f} us per slot)")
        print(
            f"baseline: bare fetch, same rows  {fetch_s * 1000:8.0f} ms   -> load / bare fetch {load_s / fetch_s:.1f}x"
        )
        print(
            f"baseline: build {slots} Slots     {objects_s * 1000:8.0f} ms   -> plan / bare slots "
            f"{pure_s / objects_s:.0f}x"
        )
        print(f"wave_commit (plan + insert)      {commit_s * 1000:8.0f} ms   ({len(created)} assignments)")
        print(f"target: preview < 10 s -> {preview_s:.2f} s ({'met' if preview_s < 10 else 'MISSED'})")


if __name__ == "__main__":
    main()
