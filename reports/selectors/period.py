"""Report periods: the period asked for (or defaulted), its previous period, and the bounds of report dates.

Periods: ``start``..``end`` inclusive; the *previous period* is the same number of days right
before ``start``. Months are calendar months, ``'YYYY-MM'``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_PERIOD_MONTHS = 12
MAX_PERIOD_DAYS = 3660
# Every report date (a period's start and end, given or defaulted) lies within these days, so
# that the previous period of the longest period (``MAX_PERIOD_DAYS``), the default start's month
# arithmetic and a day or a year past the end are always real dates (``date.min`` is year 1,
# ``date.max`` year 9999: outside the bounds they were 500s). Checked in one place,
# :func:`validate_period_date`, which the report FilterSets, the coaching job serializer and the
# coaching service all run.
PERIOD_EARLIEST = dt.date(2000, 1, 1)
PERIOD_LATEST = dt.date(2100, 12, 31)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period of equal length right before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def months(self) -> list[str]:
        """Every calendar month the period touches, oldest first, as ``'YYYY-MM'``."""
        year, month = self.start.year, self.start.month
        months = []
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end}


def period_date_error(value: dt.date) -> str | None:
    """Why ``value`` cannot be a report date, or None if it can."""
    if PERIOD_EARLIEST <= value <= PERIOD_LATEST:
        return None
    return _("Dates must lie between %(earliest)s and %(latest)s.") % {
        "earliest": PERIOD_EARLIEST.isoformat(),
        "latest": PERIOD_LATEST.isoformat(),
    }


def validate_period_date(value: dt.date | None) -> None:
    """A validator for date fields of forms, FilterSets and DRF serializers (``ValidationError``)."""
    if value is None:
        return
    error = period_date_error(value)
    if error is not None:
        raise ValidationError(error, code="out_of_range")


def period_bounds_errors(**dates: dt.date | None) -> dict[str, list[str]]:
    """The errors of the named dates outside the bounds, by name (e.g. ``{"end": [...]}``)."""
    errors = {}
    for name, value in dates.items():
        error = None if value is None else period_date_error(value)
        if error is not None:
            errors[name] = [error]
    return errors


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` calendar months before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def resolve_period(*, start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """The period asked for; by default the 12 calendar months ending with today's month.

    ``end`` defaults to today; ``start`` to the first day of the 11th month before ``end``'s
    month (e.g. end 2026-11-23 -> start 2025-12-01: twelve calendar months, the last one so far).
    """
    end = end or today
    start = start or _months_back(end, DEFAULT_PERIOD_MONTHS - 1)
    return Period(start, end)
