"""``manage.py render_coaching_reports``: every store of a region, rendered by a pool of processes."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from coaching.models import CoachingReport, ReportStatus
from tests import factories


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("render_coaching_reports", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_renders_every_store_of_the_region_subtree_and_reuses_unchanged_reports(dataset):
    out, _err = _run("EAST", "--start", "2026-01-01", "--end", "2026-03-31", "--workers", "1", "--language", "en")
    assert "3 stores of 华东 (EAST): 3 to render" in out and "Rendered 3 PDF(s)" in out
    reports = CoachingReport.objects.order_by("store__code")
    assert [report.store.code for report in reports] == ["SH-BUND", "SH-PPL", "SH-XTD"]
    assert {report.status for report in reports} == {ReportStatus.DONE}
    assert all(report.pages and report.pdf.size > 10_000 for report in reports)
    # The same period again: nothing changed, nothing is rendered.
    out, _err = _run("EAST", "--start", "2026-01-01", "--end", "2026-03-31", "--language", "en")
    assert "0 to render, 3 unchanged since their last report" in out
    assert CoachingReport.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_worker_processes_render_in_parallel(world):
    factories.StoreFactory(code="SH-NEW", name="新店", region=world.huangpu)
    out, _err = _run("EAST", "--workers", "2", "--language", "zh-hans")
    assert "3 to render" in out and "2 worker process(es)" in out and "Rendered 3 PDF(s)" in out
    assert set(CoachingReport.objects.values_list("status", flat=True)) == {ReportStatus.DONE}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOWHERE"], "No region with code 'NOWHERE'"),
        (["EAST", "--workers", "0"], "--workers must be at least 1"),
        (["EAST", "--start", "2026-05-01", "--end", "2026-04-01"], "Bad period"),
        (["EAST", "--as", "store_manager_bund"], "No active HQ account"),
    ],
)
def test_bad_arguments_stop_with_a_clear_message(world, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert CoachingReport.objects.count() == 0
