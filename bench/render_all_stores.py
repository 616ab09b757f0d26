"""Benchmark ``manage.py render_coaching_reports`` over a whole brand, against one worker on 10 stores.

    .venv/bin/python bench/render_all_stores.py [--stores 500] [--months 12] [--visits 4] [--workers 2]
                                                [--baseline-stores 10] [--language en] [--no-evidence]

Target (from the issue): "Rendering all 500 stores' reports with the management command on 2 cores:
report the time." It prints figures and asserts nothing.

The data: a throwaway SQLite database (WAL, DEBUG off) built with ``bench.report_queries.Builder``:
one brand region (BRAND) of 10 regions x 5 districts x 10 stores, the 35-item scorecard, and per
store and month (``--months``, 12 by default rather than the 36 of report_queries, to keep the build
short) ``--visits`` released visits with all their answers and section scores. Unless
``--no-evidence``, every failed answer of the report period gets an auditor's comment and a RECEIVED
photo with a 480x360 JPEG thumbnail (12 distinct files, shared), so every PDF embeds its 6 photos
and shows what auditors observed, as in production.

Then, for the 3 newest months with visits, with ``call_command`` in this process:

1. baseline: the first district (``--baseline-stores`` stores, at most 10) with ``--workers 1``;
2. the jobs are deleted (so nothing is "unchanged since its last report"), then every store of
   BRAND with ``--workers`` (2) forked worker processes.

For each: wall time of the command (job requests included), of its render phase (from the command's
own line), PDFs per second, mean wall time per PDF, mean render time per PDF in a worker (from the
jobs' started/finished times), pages and sizes; and the speed-up over the baseline's rate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import pathlib
import re
import resource
import statistics
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backend import clock  # noqa: E402  (after the sys.path line)
from bench.report_queries import Builder, month_starts, setup_django  # noqa: E402  (after the sys.path line)

ROOT_REGION = "BRAND"  # Builder's brand region
OBSERVATIONS = [
    "高峰时段明显疏漏，值班经理不在场。",
    "员工忙于其他工作，未注意到该项。",
    "现场未按标准执行，已拍照记录。",
    "与上次到访相同的问题仍未改正。",
]


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def add_evidence(start: dt.date, end: dt.date) -> tuple[int, int]:
    """A comment and a photo (12 distinct thumbnails, shared) on every failed answer of the period."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection, transaction

    from audits.models import VisitPhoto
    from audits.models.photos import PhotoStatus

    try:
        from bench.coaching_pdf import thumbnail_jpeg
    except ImportError:
        import importlib.util

        spec = importlib.util.spec_from_file_location("bench_coaching_pdf", ROOT / "bench" / "coaching_pdf.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        thumbnail_jpeg = module.thumbnail_jpeg

    names = [
        default_storage.save(f"thumbs/bench/{seed:02d}.jpg", ContentFile(thumbnail_jpeg(seed))) for seed in range(12)
    ]
    in_period = "SELECT id FROM audits_visit WHERE status = 'released' AND visited_on BETWEEN %s AND %s"
    now = clock.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audits_answer SET comment = CASE id % 4 "
            + " ".join(f"WHEN {i} THEN %s" for i in range(len(OBSERVATIONS)))
            + f" END WHERE failed AND visit_id IN ({in_period})",
            [*OBSERVATIONS, start, end],
        )
        comments = cursor.rowcount
        cursor.execute(
            f"SELECT visit_id, item_id FROM audits_answer WHERE failed AND visit_id IN ({in_period})", [start, end]
        )
        failed = cursor.fetchall()
        VisitPhoto.objects.bulk_create(
            (
                VisitPhoto(
                    uuid=uuid.uuid4(),
                    visit_id=visit_id,
                    item_id=item_id,
                    status=PhotoStatus.RECEIVED,
                    thumbnail=names[index % len(names)],
                    content_type="image/jpeg",
                    width=480,
                    height=360,
                    received_at=now,
                )
                for index, (visit_id, item_id) in enumerate(failed)
            ),
            batch_size=5000,
        )
    return comments, len(failed)


def run(region: str, *, start: dt.date, end: dt.date, workers: int, language: str) -> dict:
    from django.core.management import call_command

    from coaching.models import CoachingReport

    out, err = io.StringIO(), io.StringIO()
    who = resource.RUSAGE_SELF if workers == 1 else resource.RUSAGE_CHILDREN  # --workers 1 renders in here
    before = resource.getrusage(who)
    started = time.perf_counter()
    call_command(
        "render_coaching_reports",
        region,
        "--start",
        start.isoformat(),
        "--end",
        end.isoformat(),
        "--workers",
        str(workers),
        "--language",
        language,
        "--no-progress",
        stdout=out,
        stderr=err,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(who)
    output = out.getvalue().strip()
    match = re.search(r"Rendered (\d+) PDF\(s\) in ([\d.]+) s", output)
    reports = list(
        CoachingReport.objects.filter(status="done").values("started_at", "finished_at", "pages", "byte_size")
    )
    seconds = [(row["finished_at"] - row["started_at"]).total_seconds() for row in reports]
    return {
        "output": output,
        "errors": err.getvalue().strip(),
        "wall": wall,
        "render_wall": float(match.group(2)) if match else wall,
        "pdfs": len(reports),
        "job_mean": statistics.mean(seconds) if seconds else 0.0,
        "job_median": statistics.median(seconds) if seconds else 0.0,
        "pages": sorted({row["pages"] for row in reports}),
        "kib": statistics.mean(row["byte_size"] for row in reports) / 1024 if reports else 0.0,
        "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "maxrss_mb": after.ru_maxrss / 1024,
        "where": "this process" if workers == 1 else "the workers",
    }


def describe(label: str, result: dict) -> None:
    print(f"\n{label}")
    for line in result["output"].splitlines():
        print(f"  | {line}")
    for line in result["errors"].splitlines()[:5]:
        print(f"  ! {line}")
    pdfs = result["pdfs"] or 1
    print(
        f"  command wall time {result['wall']:.1f} s (render phase {result['render_wall']:.1f} s); "
        f"{result['pdfs']} PDFs, {result['pdfs'] / result['render_wall']:.2f} PDFs/s; "
        f"mean {result['render_wall'] / pdfs:.3f} s wall per PDF"
    )
    print(
        f"  a job in its worker: mean {result['job_mean']:.3f} s, median {result['job_median']:.3f} s; "
        f"pages {result['pages']}, mean {result['kib']:.0f} KiB"
    )
    print(
        f"  CPU time of {result['where']}: {result['cpu']:.1f} s, {result['cpu'] / pdfs:.3f} s per PDF "
        f"(job requests included when in this process); peak RSS of {result['where']} {result['maxrss_mb']:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=500, help="at most 500 (Builder's 50 districts x 10)")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--visits", type=int, default=4, help="visits per store and month")
    parser.add_argument("--items", type=int, default=35)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-stores", type=int, default=10, help="at most 10 (one district)")
    parser.add_argument("--language", default="en", choices=["en", "zh-hans"])
    parser.add_argument("--no-evidence", action="store_true", help="no comments and photos")
    args = parser.parse_args()
    if not 1 <= args.stores <= 500:
        parser.error("--stores must be between 1 and 500")

    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        from django.db import connection

        from coaching.models import CoachingReport

        print(f"SQLite {connection.Database.sqlite_version}, WAL; Python {sys.version.split()[0]}; {load()}")
        today = clock.today()
        months = month_starts(today, args.months)
        start = months[-3]
        end = today.replace(day=1) - dt.timedelta(days=1)

        started = time.perf_counter()
        builder = Builder(items=args.items)
        stores = builder.stores(0, args.stores)
        visits, answers = builder.visits(stores, months, args.visits)
        comments = photos = 0
        if not args.no_evidence:
            comments, photos = add_evidence(start, end)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(
            f"built {args.stores} stores under {ROOT_REGION}: {args.months} months x {args.visits} visits = "
            f"{visits:,} visits, {answers:,} answers; {comments:,} comments and {photos:,} photos on the failed "
            f"answers of the period; {time.perf_counter() - started:.1f} s"
        )
        print(f"period {start} .. {end} (3 months), language {args.language}, as {builder.hq.username}")

        baseline_region = builder.districts[0].code
        baseline = run(baseline_region, start=start, end=end, workers=1, language=args.language)
        describe(
            f"Baseline: district {baseline_region} ({min(args.baseline_stores, 10, args.stores)} stores), --workers 1 "
            f"(in this process; its first PDF is cold)",
            baseline,
        )
        if args.baseline_stores < 10:
            print("  (--baseline-stores below 10 is not supported: the baseline is one district of 10 stores)")

        for report in CoachingReport.objects.all():
            report.pdf.delete(save=False)
        CoachingReport.objects.all().delete()

        full = run(ROOT_REGION, start=start, end=end, workers=args.workers, language=args.language)
        describe(
            f"All {args.stores} stores of {ROOT_REGION}, --workers {args.workers} "
            "(forked; each worker's first PDF is cold)",
            full,
        )

        baseline_rate = baseline["pdfs"] / baseline["render_wall"]
        full_rate = full["pdfs"] / full["render_wall"]
        print(f"\n{load()}")
        print(
            f"All {full['pdfs']} PDFs with {args.workers} workers: {full['wall']:.1f} s in all "
            f"({full['wall'] / 60:.1f} min; render phase {full['render_wall']:.1f} s), {full_rate:.2f} PDFs/s, "
            f"{full['render_wall'] / max(full['pdfs'], 1) * 1000:.0f} ms wall per PDF."
        )
        print(
            f"One process renders {baseline_rate:.2f} PDFs/s; at that rate the {full['pdfs']} PDFs would take "
            f"{full['pdfs'] / baseline_rate:.1f} s; {args.workers} workers are "
            f"{full_rate / baseline_rate:.2f}x as fast "
            f"({full_rate / baseline_rate / args.workers:.0%} of linear)."
        )


if __name__ == "__main__":
    main()
