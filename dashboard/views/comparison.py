"""The comparison page: the stores of a region side by side, sortable, also as CSV."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from backend import clock
from branches import policy
from dashboard import actions, charts
from dashboard import selectors as dashboard_selectors
from dashboard.views.common import filter_values, manager_page, parse_filters, query_string
from reports import selectors
from reports.filters import ComparisonFilter

# column -> (key function, first direction when clicked: "asc" or "desc")
SORTS = {
    "store": (lambda row: (row["name"], row["code"]), "asc"),
    "mean": (lambda row: row["mean"], "desc"),
    "visits": (lambda row: row["visits"], "desc"),
    "interval": (lambda row: row["ci_low"], "desc"),
    "rank": (lambda row: row["rank_best"], "asc"),
    "change": (lambda row: row["change"]["difference"], "desc"),
    "weakest": (lambda row: (row["weakest_section"] or {}).get("mean"), "asc"),
    "complaint": (lambda row: row["complaint"]["pass_rate"], "desc"),
    "critical": (lambda row: row["critical_failures"], "desc"),
    "actions_open": (lambda row: (row.get("actions") or {}).get("open"), "desc"),
    "actions_overdue": (lambda row: (row.get("actions") or {}).get("overdue"), "desc"),
}


def _sort_rows(rows: list[dict], column: str, descending: bool) -> list[dict]:
    """Stable sort by a column; rows without a value stay last in both directions."""
    key = SORTS[column][0]
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing


def _parse_sort(raw: str) -> tuple[str | None, bool]:
    descending = raw.startswith("-")
    column = raw.lstrip("-")
    return (column, descending) if column in SORTS else (None, False)


@require_GET
@manager_page
def comparison(request):
    user = request.user
    cleaned, errors = parse_filters(ComparisonFilter, request)
    values = filter_values(request, cleaned)
    sort_column, descending = _parse_sort(request.GET.get("sort", ""))
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
        report = selectors.comparison(
            user=user, period=cleaned["period"], region=cleaned["region"], template=cleaned["scorecard"]
        )
        ranked = [row for row in report["results"] if not row["not_enough_data"]]
        unranked = [row for row in report["results"] if row["not_enough_data"]]
        if with_actions:
            actions.attach_counts(user=user, rows=report["results"], today=clock.today())
        if sort_column:
            ranked = _sort_rows(ranked, sort_column, descending)
        period_query = query_string({"start": values["start"], "end": values["end"], "scorecard": values["scorecard"]})
        for row in report["results"]:
            row["url"] = reverse("dashboard:store", kwargs={"code": row["code"]}) + "?" + period_query
        columns = []
        for column in SORTS:
            if column.startswith("actions") and not with_actions:
                continue
            active = column == sort_column
            first = SORTS[column][1]
            if active:
                next_sort = column if descending else f"-{column}"
            else:
                next_sort = f"-{column}" if first == "desc" else column
            columns.append(
                {
                    "key": column,
                    "aria_sort": ("descending" if descending else "ascending") if active else None,
                    "url": "?" + query_string(values, sort=next_sort),
                }
            )
        context.update(
            report=report,
            ranked=ranked,
            unranked=unranked,
            chart=charts.comparison_chart(
                [row for row in report["results"] if not row["not_enough_data"]] + unranked,
                report["summary"]["mean"],
            ),
            columns={column["key"]: column for column in columns},
            sort=request.GET.get("sort", ""),
            csv_url=reverse("report-comparison") + "?" + query_string(values, format="csv"),
            api_url=reverse("report-comparison") + "?" + query_string(values),
            reset_url=reverse("dashboard:comparison"),
        )
    return render(request, "dashboard/comparison.html", context, status=status)
