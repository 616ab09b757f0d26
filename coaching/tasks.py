"""Celery tasks of the reports app (also run in-process when there is no broker)."""

from celery import shared_task


@shared_task(name="reports.render_coaching_report", ignore_result=True)
def render_coaching_report(report_id: str) -> None:
    from coaching.services import coaching_report_render

    coaching_report_render(report_id=report_id)
