"""CSV for the regional comparison, as Excel opens it: UTF-8 with a BOM, one row per store."""

from __future__ import annotations

import csv
import io

from rest_framework.renderers import BaseRenderer

# Cells Excel would run as a formula (CSV injection); text starting with one gets a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _get(row: dict, path: str):
    value = row
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


class ComparisonCSVRenderer(BaseRenderer):
    """``?format=csv`` or ``Accept: text/csv`` on the comparison: a table Excel opens as is.

    The file name names the region and the period, e.g. ``comparison-EAST-2026-01-01-2026-11-30.csv``
    (``ALL`` without a region). Error responses come out as a two-column table of their messages.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    COLUMNS = (
        ("rank", "rank"),
        ("not_enough_data", "not_enough_data"),
        ("store_code", "code"),
        ("store_name", "name"),
        ("region_code", "region.code"),
        ("region_name", "region.name"),
        ("competitor", "is_competitor"),
        ("visits", "visits"),
        ("mean", "mean"),
        ("ci_low", "ci_low"),
        ("ci_high", "ci_high"),
        ("change", "change.difference"),
        ("previous_mean", "change.previous_mean"),
        ("previous_visits", "change.previous_visits"),
        ("weakest_section", "weakest_section.title"),
        ("weakest_section_mean", "weakest_section.mean"),
        ("complaint_tests", "complaint.tests"),
        ("complaint_passed", "complaint.passed"),
        ("complaint_pass_rate", "complaint.pass_rate"),
        ("median_resolution_seconds", "complaint.median_seconds"),
        ("critical_failures", "critical_failures"),
    )

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            writer.writerow([name for name, _path in self.COLUMNS])
            for row in data["results"]:
                writer.writerow([_cell(_get(row, path)) for _name, path in self.COLUMNS])
            if response is not None:
                response["Content-Disposition"] = f'attachment; filename="{self.filename(data)}"'
        else:
            writer.writerow(["field", "message"])
            for field, messages in (data or {}).items() if isinstance(data, dict) else [("detail", data)]:
                for message in messages if isinstance(messages, list) else [messages]:
                    writer.writerow([_cell(str(field)), _cell(str(message))])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")

    @staticmethod
    def filename(data: dict) -> str:
        region = (data.get("region") or {}).get("code") or "ALL"
        period = data.get("period") or {}
        safe = "".join(char if char.isalnum() or char == "-" else "_" for char in str(region))
        return f"comparison-{safe}-{period.get('start')}-{period.get('end')}.csv"
