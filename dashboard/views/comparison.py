"""The comparison page: the stores of a region side by side, sortable, also as CSV."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from backend import clock
from branches import policy
from dashboard import actions, charts, presenters
from dashboard import selectors as dashboard_selectors
from dashboard.views.common import filter_values, manager_page, parse_filters, query_string
from reports import selectors
from reports.filters import ComparisonFilter


@require_GET
@manager_page
def comparison(request):
    user = request.user
    cleaned, errors = parse_filters(ComparisonFilter, request)
    values = filter_values(request, cleaned)
    with_actions = actions.available() and policy.follows_action_plans(user)
    context = {
        "errors": errors,
        "values": values,
        "regions": dashboard_selectors.visible_regions(user=user),
        "scorecards": dashboard_selectors.scorecard_choices(),
        "report": None,
        "with_actions": with_actions,
        "nav": "comparison",
    }
    status = 200
    if cleaned is None:
        status = 400
    else:
        context.update(_report_context(user, cleaned, values, request.GET.get("sort", ""), with_actions))
    return render(request, "dashboard/comparison.html", context, status=status)


def _report_context(user, cleaned: dict, values: dict, sort: str, with_actions: bool) -> dict:
    """The comparison's rows (linked, with action counts, the ranked ones sorted), chart and links."""
    report = selectors.comparison(
        user=user, period=cleaned["period"], region=cleaned["region"], template=cleaned["scorecard"]
    )
    counts = actions.action_counts(user=user, today=clock.today()) if with_actions else None
    period_query = query_string({"start": values["start"], "end": values["end"], "scorecard": values["scorecard"]})
    rows = presenters.store_rows(report.results, period_query=period_query, counts=counts)
    ranked = [row for row in rows if not row.not_enough_data]
    unranked = [row for row in rows if row.not_enough_data]
    sort_column, descending = presenters.parse_sort(sort)
    return {
        "report": report,
        "ranked": presenters.sort_rows(ranked, sort_column, descending) if sort_column else ranked,
        "unranked": unranked,
        "chart": charts.comparison_chart(ranked + unranked, report.summary.mean),
        "columns": presenters.sort_columns(values, sort_column, descending, with_actions=with_actions),
        "sort": sort,
        "csv_url": reverse("report-comparison") + "?" + query_string(values, format="csv"),
        "api_url": reverse("report-comparison") + "?" + query_string(values),
        "reset_url": reverse("dashboard:comparison"),
    }
