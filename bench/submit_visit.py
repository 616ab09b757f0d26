"""Benchmark the auditor API's visit submission against a bare Django view, in one run.

    .venv/bin/python bench/submit_visit.py [--runs 60] [--items 60]

Builds a throwaway SQLite database (WAL, as in the embedded setup) in a temporary folder with
one store, one auditor and a published scorecard of N yes/no, scale and numeric items, then,
through Django's test client with the whole middleware stack:

- submits one N-item visit per accepted assignment to ``POST /api/auditor/visits/`` and reports
  the median and p95 server time;
- the baseline: a bare view that parses the same JSON body and inserts the same rows (visit,
  answers, section scores) with ``bulk_create``, with no validation, scoring or auth;
- an idempotent replay of a stored submission against a plain ``GET`` of the same visit;
- the number of queries per submission.

It prints figures; it asserts nothing. Targets (issue 3): median <= 40 ms and <= 2x the bare
view; replay <= 1.2x the plain GET.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend import clock  # noqa: E402  (after the sys.path line)


def setup_django(var_dir: str) -> None:
    os.environ["INCOGNITO_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    os.environ.setdefault("AUDITOR_THROTTLE_RATE", "100000/min")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_world(items: int, visits: int):

    from audits.models import AuditorCertification, AuditorProfile
    from audits.services import assignments as assignment_services
    from branches.models import Region, Role, Store, User
    from scorecards import services

    region = Region.objects.add_root({"code": "BENCH", "name": "Bench"})
    store = Store.objects.create(
        code="SH-BENCH",
        name="基准门店",
        region=region,
        address="x",
        city="上海",
        latitude=Decimal("31.24"),
        longitude=Decimal("121.49"),
    )
    user = User.objects.create_user(username="bench-auditor", password="x", role=Role.AUDITOR)
    profile = AuditorProfile.objects.create(user=user, code="AUD-BENCH", home_city="上海")
    types = ["yes_no", "scale", "numeric"]
    sections = []
    for s in range(6):
        section_items = []
        for n in range(items // 6 + (1 if s < items % 6 else 0)):
            kind = types[(s + n) % 3]
            item = {"key": f"s{s}_i{n}", "prompt": f"Item {s}.{n}", "type": kind, "max_points": Decimal(2)}
            if kind == "numeric":
                item["bands"] = [
                    {"lower": Decimal(0), "upper": Decimal(60), "points": Decimal(2)},
                    {"lower": Decimal(60), "upper": None, "points": Decimal(0)},
                ]
            section_items.append(item)
        sections.append({"key": f"s{s}", "title": f"Section {s}", "weight": Decimal(s + 1), "items": section_items})
    template = services.scorecard_template_create(code="BENCH", name="Bench card")
    draft = template.versions.get()
    services.scorecard_version_replace_content(version=draft, sections=sections)
    version = services.scorecard_version_publish(version=draft, by=None)
    AuditorCertification.objects.create(auditor=profile, template=template, certified_on=dt.date(2026, 1, 1))
    today = clock.today()
    assignments = []
    for _ in range(visits):
        assignment = assignment_services.assignment_create(
            store=store, auditor=user, version=version, window_start=today, window_end=today, daypart="lunch"
        )
        assignments.append(assignment_services.assignment_accept(assignment=assignment, auditor=user))
    keys = [item["key"] for section in sections for item in section["items"]]
    kinds = {item["key"]: item["type"] for section in sections for item in section["items"]}
    return user, store, version, assignments, keys, kinds


def body_for(assignment, keys, kinds) -> dict:
    from django.utils import timezone

    checked_in = dt.datetime.combine(clock.today(), dt.time(12, 0), timezone.get_current_timezone())
    values = {"yes_no": True, "scale": 4, "numeric": 45}
    return {
        "uuid": str(uuid.uuid4()),
        "assignment": assignment.pk,
        "checked_in_at": checked_in.isoformat(),
        "checked_out_at": (checked_in + dt.timedelta(minutes=30)).isoformat(),
        "location": {"latitude": 31.2401, "longitude": 121.4902, "accuracy": 12},
        "answers": [{"item": key, "value": values[kinds[key]], "comment": ""} for key in keys],
        "receipt": {"number": "A-1", "amount": "38.50", "time": checked_in.isoformat()},
    }


def install_bare_view(version, store, user):
    """A view that stores the same rows as a submission and does nothing else."""
    from django.db import transaction
    from django.http import JsonResponse
    from django.urls import clear_url_caches, path
    from django.views.decorators.csrf import csrf_exempt

    import backend.urls
    from audits.models import Answer, Visit, VisitSectionScore
    from scorecards.models import Item, Section

    items = {item.key: item for item in Item.objects.filter(section__version=version)}
    sections = list(Section.objects.filter(version=version))

    @csrf_exempt
    def bare(request):
        body = json.loads(request.body)
        with transaction.atomic():
            visit = Visit.objects.create(
                uuid=body["uuid"],
                store=store,
                version=version,
                auditor=user,
                daypart="lunch",
                checked_in_at=body["checked_in_at"],
                checked_out_at=body["checked_out_at"],
                visited_on=body["checked_in_at"][:10],
                earned_points=0,
                possible_points=0,
            )
            Answer.objects.bulk_create(
                Answer(visit=visit, item=items[a["item"]], value_number=1, earned_points=1, possible_points=1)
                for a in body["answers"]
            )
            VisitSectionScore.objects.bulk_create(
                VisitSectionScore(visit=visit, section=s, earned_points=1, possible_points=1, score=1) for s in sections
            )
        return JsonResponse({"uuid": str(visit.uuid)}, status=201)

    backend.urls.urlpatterns.insert(0, path("bench/bare/", bare))
    clear_url_caches()


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def summary(label: str, samples: list[float]) -> tuple[float, str]:
    median = statistics.median(samples)
    p95 = sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]
    return median, f"{label:<34} median {median:7.2f} ms   p95 {p95:7.2f} ms   (n={len(samples)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--items", type=int, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from rest_framework.authtoken.models import Token

        user, store, version, assignments, keys, kinds = build_world(args.items, args.runs * 2 + 3)
        install_bare_view(version, store, user)
        token = Token.objects.create(user=user).key
        client = Client(HTTP_AUTHORIZATION=f"Token {token}")

        def post(url, body):
            return client.post(url, json.dumps(body), content_type="application/json")

        warm = body_for(assignments.pop(), keys, kinds)
        assert post("/api/auditor/visits/", warm).status_code == 201
        post("/bench/bare/", {**body_for(assignments[0], keys, kinds)})

        api_times, bare_times = [], []
        for _ in range(args.runs):
            # Interleave so that drift (page cache, WAL growth) hits both alike.
            body = body_for(assignments.pop(), keys, kinds)
            api_times.append(timed(lambda b=body: post("/api/auditor/visits/", b)))
            bare = body_for(assignments.pop(), keys, kinds)
            bare_times.append(timed(lambda b=bare: post("/bench/bare/", b)))

        replay_times, get_times = [], []
        for _ in range(args.runs):
            replay_times.append(timed(lambda: post("/api/auditor/visits/", warm)))
            get_times.append(timed(lambda: client.get(f"/api/auditor/visits/{warm['uuid']}/")))

        with CaptureQueriesContext(connection) as queries:
            post("/api/auditor/visits/", body_for(assignments.pop(), keys, kinds))

        api_median, api_line = summary(f"submit {args.items}-item visit (API)", api_times)
        bare_median, bare_line = summary("bare view, same rows (baseline)", bare_times)
        replay_median, replay_line = summary("idempotent replay (API)", replay_times)
        get_median, get_line = summary("plain GET of the same visit", get_times)
        print(f"SQLite {connection.Database.sqlite_version}, WAL; Python {sys.version.split()[0]}")
        print(api_line)
        print(bare_line)
        print(f"  -> submission / bare view: {api_median / bare_median:.2f}x (target <= 2x; median target <= 40 ms)")
        print(replay_line)
        print(get_line)
        print(f"  -> replay / GET: {replay_median / get_median:.2f}x (target <= 1.2x)")
        print(f"queries per submission: {len(queries)}")


if __name__ == "__main__":
    main()
