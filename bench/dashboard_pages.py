"""Time every dashboard page on the demo data against a bare Django view, in one run.

    make demo                                  # once: the demo database in var/
    .venv/bin/python bench/dashboard_pages.py [--runs 30]

Through Django's test client (the whole middleware stack, session auth, templates, i18n) against
the demo database (``manage.py seed_demo``: 14 stores, 336 visits), as the demo accounts:

- each page of the dashboard (the role's home, the regional comparison, a store page, sorted and
  filtered variants), in Chinese (the default) and once in English;
- the baseline: a bare view behind the same middleware that reads the signed-in user (session and
  user queries, as every page does) and returns a line of text.

It prints the median and p95 server time and the number of queries of each page, and the ratio to
the baseline. It asserts nothing. Target (issue 6): every page under 200 ms on the demo data.
The sessions it signs in with are removed at the end; nothing else is written.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import time
import types

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_URLCONF = "bench_dashboard_urls"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    from django.http import HttpResponse
    from django.urls import path

    import backend.urls

    def bare(request):
        return HttpResponse(f"hello {request.user.get_username()}", content_type="text/plain")

    module = types.ModuleType(BENCH_URLCONF)
    module.urlpatterns = [path("__bench__/bare/", bare), *backend.urls.urlpatterns]
    sys.modules[BENCH_URLCONF] = module


def measure(client, url: str, runs: int, *, language: str | None = None) -> dict:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = client.get(url, **headers)  # warm up (templates, translations, caches)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    reset_queries()  # each request resets the log; start the count from an empty one
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, **headers)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": len(queries),
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.test import Client, override_settings

    from branches.models import Store, User

    database = settings.DATABASES["default"]["NAME"]
    if not Store.objects.filter(code="SH-BUND").exists():
        raise SystemExit(f"No demo data in {database}: run `make demo` (manage.py seed_demo) first.")
    visits = Store.objects.get(code="SH-BUND").visits.count()
    print(
        f"Dashboard pages on the demo database {database} ({Store.objects.count()} stores); "
        f"{args.runs} runs each; SH-BUND has {visits} visits\n"
    )

    pages = [
        ("rm-east", "/__bench__/bare/", None, "baseline: bare view (session + user)"),
        ("anonymous", "/login/", None, "sign-in page"),
        ("hq", "/", None, "HQ home (links)"),
        ("rm-east", "/comparison/", None, "comparison, 华东 (7 stores)"),
        ("rm-east", "/comparison/?sort=-change&region=SH-HP", None, "comparison, sorted, region filter"),
        ("hq", "/comparison/", None, "comparison, all 14 stores"),
        ("hq", "/comparison/", "en", "comparison, all stores, English"),
        ("rm-east", "/stores/SH-BUND/", None, "store page (regional manager)"),
        ("sm-bund", "/stores/SH-BUND/", None, "store page (store manager, dispute form)"),
        ("sm-bund", "/stores/SH-BUND/?start=2026-01-01&end=2026-06-30", "en", "store page, half a year, English"),
        ("hq", "/actions/overdue/", None, "HQ: stores with overdue actions"),
    ]
    clients: dict[str, Client] = {}
    results = []
    with override_settings(ROOT_URLCONF=BENCH_URLCONF):
        try:
            for username, url, language, label in pages:
                if username not in clients:
                    clients[username] = Client()
                    if username != "anonymous":
                        clients[username].force_login(User.objects.get(username=username))
                results.append((label, url, measure(clients[username], url, args.runs, language=language)))
        finally:
            for client in clients.values():
                client.logout()

    baseline = results[0][2]["median"]
    print(f"{'page':45} {'median':>9} {'p95':>9} {'x bare':>7} {'queries':>8} {'KiB':>6}")
    for label, _url, figures in results:
        print(
            f"{label:45} {figures['median']:8.1f}ms {figures['p95']:8.1f}ms {figures['median'] / baseline:6.1f}x "
            f"{figures['queries']:8d} {figures['bytes'] / 1024:6.1f}"
        )
    slowest = max(results[1:], key=lambda row: row[2]["p95"])
    print(f"\nSlowest page (p95): {slowest[0]} at {slowest[2]['p95']:.1f} ms; target: every page under 200 ms.")


if __name__ == "__main__":
    main()
