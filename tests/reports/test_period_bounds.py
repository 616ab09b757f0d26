"""A report period outside the calendar the reports can do arithmetic on is a 400 naming the parameter.

Issue 9: ``?start=0001-01-01&end=0001-01-31`` was a 500 (``OverflowError`` in ``Period.previous``:
the previous period would start before year 1), ``?end=0001-01-31`` alone a 500 in the default
start's month arithmetic, and ``end=9999-12-31`` a 500 wherever a day is added to the end. Every
entry point that takes a period (the report API, the coaching job API, the dashboard pages and
the dashboard's coaching form, the coaching service itself) refuses dates outside
``PERIOD_EARLIEST``..``PERIOD_LATEST``, naming the parameter and saying why; nothing is stored.
"""

from __future__ import annotations

import datetime as dt

import pytest

from backend.errors import InvalidInput
from coaching import services
from coaching.models import CoachingReport
from reports.selectors import PERIOD_EARLIEST, PERIOD_LATEST
from tests.api.problems import fields

REPORT_URLS = [
    "/api/reports/stores/SH-BUND/trend/",
    "/api/reports/stores/SH-BUND/weaknesses/",
    "/api/reports/comparison/",
]
# (query, the parameters the 400 must name)
OUT_OF_RANGE = [
    ("start=0001-01-01&end=0001-01-31", {"start", "end"}),
    ("start=0001-01-01&end=2026-01-31", {"start"}),
    ("end=0001-01-31", {"end"}),
    ("start=9999-12-01&end=9999-12-31", {"start", "end"}),
    ("start=2026-01-01&end=9999-12-31", {"end"}),
    ("start=1999-12-31&end=2000-01-31", {"start"}),
    ("start=2100-12-01&end=2101-01-01", {"end"}),
]


def _names_the_bounds(messages: list[str]) -> bool:
    text = " ".join(messages)
    return PERIOD_EARLIEST.isoformat() in text and PERIOD_LATEST.isoformat() in text


def test_the_bounds_keep_previous_period_arithmetic_safe():
    from reports.selectors import MAX_PERIOD_DAYS, Period

    # The longest period that may start on the earliest day still has a previous period.
    assert Period(PERIOD_EARLIEST, PERIOD_EARLIEST + dt.timedelta(days=MAX_PERIOD_DAYS - 1)).previous.start.year > 1
    assert PERIOD_LATEST + dt.timedelta(days=400) < dt.date.max


@pytest.mark.parametrize("url", REPORT_URLS)
@pytest.mark.parametrize(("query", "named"), OUT_OF_RANGE)
def test_report_api_refuses_dates_out_of_range(world, api, url, query, named):
    response = api.as_user(world.hq).get(f"{url}?{query}")
    assert response.status_code == 400, response.content
    body = fields(response)
    assert set(body) == named
    for name in named:
        assert _names_the_bounds(body[name]), body


@pytest.mark.parametrize("url", REPORT_URLS)
def test_the_bounds_themselves_are_accepted(world, api, url):
    client = api.as_user(world.hq)
    assert client.get(f"{url}?start=2000-01-01&end=2000-12-31").status_code == 200
    assert client.get(f"{url}?start=2100-01-01&end=2100-12-31").status_code == 200


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"start": "0001-01-01", "end": "0001-01-31"}, {"start", "end"}),
        ({"start": "0001-01-01", "end": "2026-01-31"}, {"start"}),
        ({"end": "0001-01-31"}, {"end"}),
        ({"start": "2026-01-01", "end": "9999-12-31"}, {"end"}),
    ],
)
def test_coaching_job_api_refuses_dates_out_of_range(world, api, body, named):
    response = api.as_user(world.store_manager_bund).post("/api/reports/coaching/", {"store": "SH-BUND", **body})
    assert response.status_code == 400, response.content
    assert set(fields(response)) == named
    for name in named:
        assert _names_the_bounds(fields(response)[name])
    assert not CoachingReport.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "named"),
    [
        (dt.date(1, 1, 1), dt.date(1, 1, 31), "start"),
        (None, dt.date(1, 1, 31), "end"),
        (dt.date(2026, 1, 1), dt.date(9999, 12, 31), "end"),
    ],
)
def test_the_coaching_service_refuses_dates_out_of_range(world, start, end, named):
    with pytest.raises(InvalidInput) as refused:
        services.coaching_report_request(
            user=world.hq, code="SH-BUND", start=start, end=end, language="en", today=dt.date(2026, 11, 24)
        )
    assert named in refused.value.errors
    assert not CoachingReport.objects.exists()


@pytest.mark.parametrize("path", ["/comparison/", "/stores/SH-BUND/"])
@pytest.mark.parametrize(("query", "named"), OUT_OF_RANGE)
def test_dashboard_pages_show_a_form_error(world, path, query, named):
    from django.test import Client

    client = Client()
    client.force_login(world.regional_manager_east)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-errors"' in html
    for name in named:
        assert f'id="filter-{name}-error"' in html
    assert PERIOD_EARLIEST.isoformat() in html


@pytest.mark.parametrize("body", [{"start": "0001-01-01", "end": "0001-01-31"}, {"end": "9999-12-31"}])
def test_dashboard_coaching_form_refuses_dates_out_of_range(world, body):
    from django.test import Client

    client = Client()
    client.force_login(world.store_manager_bund)
    response = client.post("/stores/SH-BUND/coaching-pdf/", body)
    assert response.status_code == 302
    assert response["Location"] == "/stores/SH-BUND/"
    assert not CoachingReport.objects.exists()
