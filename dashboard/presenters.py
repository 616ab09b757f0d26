"""Presentation of the report dataclasses on the dashboard: links, sorting and column headers.

The report selectors return frozen dataclasses (``reports.selectors``); a page that adds to a
row (its link, its action counts) wraps it here instead of changing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from dashboard.views.common import query_string
from reports.selectors import ComparisonRow


@dataclass(frozen=True, slots=True)
class StoreRow:
    """A comparison row on the page: the report's row (its attributes read through), its store's
    link and, with action plans, the store's open and overdue actions."""

    row: ComparisonRow
    url: str
    actions: dict | None = None

    def __getattr__(self, name: str):
        if name in StoreRow.__slots__:
            raise AttributeError(name)
        return getattr(self.row, name)


def _weakest_mean(row: StoreRow) -> float | None:
    return row.weakest_section.mean if row.weakest_section is not None else None


def _actions(name: str):
    return lambda row: row.actions.get(name) if row.actions else None


# column -> (key function, first direction when clicked: "asc" or "desc")
SORTS = {
    "store": (lambda row: (row.name, row.code), "asc"),
    "mean": (lambda row: row.mean, "desc"),
    "visits": (lambda row: row.visits, "desc"),
    "interval": (lambda row: row.ci_low, "desc"),
    "rank": (lambda row: row.rank_best, "asc"),
    "change": (lambda row: row.change.difference, "desc"),
    "weakest": (_weakest_mean, "asc"),
    "complaint": (lambda row: row.complaint.pass_rate, "desc"),
    "critical": (lambda row: row.critical_failures, "desc"),
    "actions_open": (_actions("open"), "desc"),
    "actions_overdue": (_actions("overdue"), "desc"),
}


def store_rows(results, *, period_query: str, counts: dict[str, dict] | None) -> list[StoreRow]:
    """The report's rows, each with its store page's link (same period and scorecard) and counts."""
    return [
        StoreRow(
            row=row,
            url=reverse("dashboard:store", kwargs={"code": row.code}) + "?" + period_query,
            actions=None if counts is None else counts.get(row.code),
        )
        for row in results
    ]


def sort_rows(rows: list[StoreRow], column: str, descending: bool) -> list[StoreRow]:
    """Stable sort by a column; rows without a value stay last in both directions."""
    key = SORTS[column][0]
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing


def parse_sort(raw: str) -> tuple[str | None, bool]:
    descending = raw.startswith("-")
    column = raw.lstrip("-")
    return (column, descending) if column in SORTS else (None, False)


def _next_sort(column: str, active: bool, descending: bool) -> str:
    """What clicking the column's header asks for: the other direction if sorted by it, else its first."""
    if active:
        return column if descending else f"-{column}"
    return f"-{column}" if SORTS[column][1] == "desc" else column


def sort_columns(values: dict, sort_column: str | None, descending: bool, *, with_actions: bool) -> dict[str, dict]:
    """Per column: its key, its ``aria-sort`` and the link that sorts by it."""
    columns = {}
    for column in SORTS:
        if column.startswith("actions") and not with_actions:
            continue
        active = column == sort_column
        columns[column] = {
            "key": column,
            "aria_sort": ("descending" if descending else "ascending") if active else None,
            "url": "?" + query_string(values, sort=_next_sort(column, active, descending)),
        }
    return columns
