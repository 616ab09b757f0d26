"""The report periods: the default period and the previous period."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.selectors import Period, resolve_period

JAN_MAR = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def approx(value, places=2):
    return pytest.approx(value, abs=0.5 * 10**-places + 1e-9)


# --- Periods -------------------------------------------------------------------------------------


def test_default_period_is_the_twelve_calendar_months_ending_with_todays_month():
    period = resolve_period(start=None, end=None, today=dt.date(2026, 11, 23))
    assert period == Period(dt.date(2025, 12, 1), dt.date(2026, 11, 23))
    assert len(period.months()) == 12 and period.months()[0] == "2025-12" and period.months()[-1] == "2026-11"
    assert resolve_period(start=None, end=dt.date(2026, 1, 31), today=dt.date(2026, 11, 23)).start == dt.date(
        2025, 2, 1
    )


def test_previous_period_has_the_same_length_right_before():
    assert JAN_MAR.days == 90
    assert JAN_MAR.previous == Period(dt.date(2025, 10, 3), dt.date(2025, 12, 31))
    assert Period(dt.date(2026, 2, 1), dt.date(2026, 2, 1)).previous == Period(
        dt.date(2026, 1, 31), dt.date(2026, 1, 31)
    )
