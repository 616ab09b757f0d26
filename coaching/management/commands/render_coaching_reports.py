"""Render the coaching PDF of every store of a region for a period, in parallel worker processes.

    manage.py render_coaching_reports EAST --start 2026-09-01 --end 2026-11-30 --workers 2

The jobs are ordinary report jobs (the API and the dashboard find them and hand them out; a store
whose data has not changed since its last report gets that report again, not a new render). They
are rendered by a pool of worker processes, one PDF at a time each, with a progress bar.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from tqdm import tqdm

from backend import clock
from backend.errors import InvalidInput
from branches.models import Region, Role, Store, User
from coaching.models import CoachingReport, ReportStatus
from coaching.services import coaching_report_render, coaching_report_request


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


def _render_one(report_id) -> tuple[str, str, float, int | None]:
    started = time.perf_counter()
    report = coaching_report_render(report_id=report_id)
    return report.store.code, report.status, time.perf_counter() - started, report.pages


def _worker_started() -> None:
    # A forked worker must not share the parent's database connections.
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
        connection.connection = None


class Command(BaseCommand):
    help = "Render the coaching PDFs of every store of a region (and the regions below it) for a period."

    def add_arguments(self, parser):
        parser.add_argument("region", help="Region code, e.g. EAST; its whole subtree is rendered.")
        parser.add_argument("--start", type=_date, help="First day (default: the last 3 calendar months).")
        parser.add_argument("--end", type=_date, help="Last day (default: today).")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=[c for c, _n in settings.LANGUAGES])
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="Worker processes (default: one per core)."
        )
        parser.add_argument("--as", dest="username", help="Render as this HQ account (default: the first active one).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (e.g. in cron logs).")

    def handle(self, *args, region, start, end, language, workers, username, no_progress, **options):
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        viewer = self._viewer(username)
        try:
            root = Region.objects.get(code=region)
        except Region.DoesNotExist:
            raise CommandError(f"No region with code {region!r}.") from None
        codes = list(
            Store.objects.filter(region__path__startswith=root.path, active=True, is_competitor=False)
            .order_by("code")
            .values_list("code", flat=True)
        )
        if not codes:
            raise CommandError(f"Region {region} has no active stores.")

        today = clock.today()
        queued, reused = [], 0
        for code in codes:
            try:
                report, created = coaching_report_request(
                    user=viewer, code=code, start=start, end=end, language=language, today=today, enqueue=False
                )
            except InvalidInput as error:
                raise CommandError(f"Bad period: {error.errors}") from None
            if created or report.status == ReportStatus.QUEUED:
                queued.append(report.pk)
            else:
                reused += 1
        self.stdout.write(
            f"{len(codes)} stores of {root.name} ({root.code}): {len(queued)} to render, {reused} unchanged since "
            f"their last report; {min(workers, max(len(queued), 1))} worker process(es)."
        )

        started = time.perf_counter()
        results = self._render(queued, workers, progress=not no_progress)
        elapsed = time.perf_counter() - started
        failed = [(code, pk) for code, status, _seconds, _pages, pk in results if status != ReportStatus.DONE]
        done = len(results) - len(failed)
        if results:
            mean = sum(seconds for _c, _s, seconds, _p, _pk in results) / len(results)
            self.stdout.write(
                f"Rendered {done} PDF(s) in {elapsed:.1f} s ({len(results) / elapsed:.2f} per second; "
                f"{mean:.2f} s each in a worker)."
            )
        for code, pk in failed:
            reason = CoachingReport.objects.get(pk=pk).reason
            self.stderr.write(f"{code}: failed: {reason}")
        if failed:
            raise CommandError(f"{len(failed)} report(s) failed.")

    def _viewer(self, username: str | None) -> User:
        viewers = User.objects.filter(role=Role.HQ_ADMIN, is_active=True).order_by("pk")
        if username:
            viewers = viewers.filter(username=username)
        viewer = viewers.first()
        if viewer is None:
            raise CommandError(
                f"No active HQ account {username!r}."
                if username
                else "Reports are rendered as an HQ account; create one first (or pass --as USERNAME)."
            )
        return viewer

    def _render(self, report_ids: list, workers: int, *, progress: bool) -> list[tuple]:
        bar = tqdm(total=len(report_ids), unit="pdf", disable=not progress or not report_ids, file=self.stderr)
        results = []
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if workers == 1 or len(report_ids) <= 1 or not forkable:
            for pk in report_ids:
                results.append((*_render_one(pk), pk))
                bar.update()
        else:
            # Forked children start with Django loaded and the database settings as they are (test
            # databases included); each opens its own connections. Without fork (Windows) the
            # reports render one after another in this process.
            connections.close_all()
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                max_workers=min(workers, len(report_ids)), mp_context=context, initializer=_worker_started
            ) as pool:
                futures = {pool.submit(_render_one, pk): pk for pk in report_ids}
                for future in as_completed(futures):
                    results.append((*future.result(), futures[future]))
                    bar.update()
        bar.close()
        return results
