"""Invariant 1, walked: no URL in the URLconf tells the store side who audited.

Every named route needs sample arguments in ``SAMPLES`` (or ``ADMIN_SAMPLES``); a route added
without one fails ``test_every_route_in_the_urlconf_has_a_sample``, so nobody can add an
endpoint that this walk silently skips.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audits.models import Visit
from audits.services import reviews
from backend import clock
from coaching.models import CoachingReport
from coaching.services import action_item_create
from tests.personas import STORE_SIDE
from tests.traces import shows


def _routes(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def _route_names() -> set[str]:
    return {name for name, _pattern in _routes()}


SAMPLES = {
    "api-token": lambda w, x: {},
    "api-schema": lambda w, x: {},
    "api-docs": lambda w, x: {},
    "api-redoc": lambda w, x: {},
    "api-redoc-bundle": lambda w, x: {},
    "nesting_server_data": lambda w, x: {},
    "region-list": lambda w, x: {},
    "region-detail": lambda w, x: {"pk": w.huangpu.pk},
    "store-list": lambda w, x: {},
    "store-detail": lambda w, x: {"pk": w.bund.pk},
    "scorecard-list": lambda w, x: {},
    "scorecard-detail": lambda w, x: {"pk": w.version.template_id},
    "scorecard-new-draft": lambda w, x: {"pk": w.version.template_id},
    "scorecard-version-list": lambda w, x: {},
    "scorecard-version-detail": lambda w, x: {"pk": w.version.pk},
    "scorecard-version-publish": lambda w, x: {"pk": w.version.pk},
    "visit-list": lambda w, x: {},
    "visit-detail": lambda w, x: {"pk": w.released_bund_visit.pk},
    "assignment-list": lambda w, x: {},
    "assignment-detail": lambda w, x: {"pk": x["assignment"].pk},
    "assignment-reoffer": lambda w, x: {"pk": x["assignment"].pk},
    "review-visit-list": lambda w, x: {},
    "review-visit-detail": lambda w, x: {"pk": w.released_bund_visit.pk},
    "review-visit-start": lambda w, x: {"pk": w.released_bund_visit.pk},
    "review-visit-release": lambda w, x: {"pk": w.released_bund_visit.pk},
    "review-visit-return-to-auditor": lambda w, x: {"pk": w.released_bund_visit.pk},
    "review-visit-reject": lambda w, x: {"pk": w.released_bund_visit.pk},
    "review-visit-amend": lambda w, x: {"pk": w.released_bund_visit.pk},
    "dispute-list": lambda w, x: {},
    "dispute-detail": lambda w, x: {"pk": x["dispute"].pk},
    "dispute-resolve": lambda w, x: {"pk": x["dispute"].pk},
    "dispute-photo": lambda w, x: {"pk": x["dispute"].pk},
    "photo-detail": lambda w, x: {"uuid": uuid.uuid4()},
    "auditor-assignment-list": lambda w, x: {},
    "auditor-assignment-detail": lambda w, x: {"pk": x["assignment"].pk},
    "auditor-assignment-accept": lambda w, x: {"pk": x["assignment"].pk},
    "auditor-assignment-decline": lambda w, x: {"pk": x["assignment"].pk},
    "auditor-scorecard-version-detail": lambda w, x: {"pk": w.version.pk},
    "auditor-visit-list": lambda w, x: {},
    "auditor-visit-detail": lambda w, x: {"uuid": w.released_bund_visit.uuid},
    "auditor-visit-photos": lambda w, x: {"uuid": w.released_bund_visit.uuid},
    "auditor-visit-resubmit": lambda w, x: {"uuid": w.released_bund_visit.uuid},
    "report-comparison": lambda w, x: {},
    "report-store-trend": lambda w, x: {"code": w.bund.code},
    "report-store-weaknesses": lambda w, x: {"code": w.bund.code},
    "report-coaching-list": lambda w, x: {},
    "report-coaching-detail": lambda w, x: {"pk": x["coaching_report"].pk},
    "report-coaching-pdf": lambda w, x: {"pk": x["coaching_report"].pk},
    "wave-list": lambda w, x: {},
    "wave-detail": lambda w, x: {"pk": 1},
    "wave-preview": lambda w, x: {"pk": 1},
    "wave-commit": lambda w, x: {"pk": 1},
    "action-item-list": lambda w, x: {},
    "action-item-detail": lambda w, x: {"pk": x["action_item"].pk},
    "action-item-complete": lambda w, x: {"pk": x["action_item"].pk},
    "action-item-reopen": lambda w, x: {"pk": x["action_item"].pk},
    "action-item-overview": lambda w, x: {},
    "follow-up-list": lambda w, x: {},
    # The dashboard (session pages; tests/dashboard walks them signed in as every store-side role)
    "set_language": lambda w, x: {},
    "dashboard:home": lambda w, x: {},
    "dashboard:login": lambda w, x: {},
    "dashboard:logout": lambda w, x: {},
    "dashboard:comparison": lambda w, x: {},
    "dashboard:store": lambda w, x: {"code": w.bund.code},
    "dashboard:dispute": lambda w, x: {"code": w.bund.code},
    "dashboard:coaching-request": lambda w, x: {"code": w.bund.code},
    "dashboard:coaching-status": lambda w, x: {"code": w.bund.code, "pk": x["coaching_report"].pk},
    "dashboard:action-create": lambda w, x: {"code": w.bund.code},
    "dashboard:action-complete": lambda w, x: {"code": w.bund.code, "pk": x["action_item"].pk},
    "dashboard:action-reopen": lambda w, x: {"code": w.bund.code, "pk": x["action_item"].pk},
    "dashboard:overdue": lambda w, x: {},
    "dashboard:follow-up": lambda w, x: {"code": w.bund.code},
}

# Admin routes take the same few kinds of argument; the store side is never staff, so every
# one of them must send it to the login page.
ADMIN_SAMPLES = {"object_id": "1", "app_label": "scorecards", "content_type_id": "1", "id": "1"}


def test_every_route_in_the_urlconf_has_a_sample():
    unknown = {name for name in _route_names() if not name.startswith("admin:") and name not in SAMPLES}
    assert unknown == set(), "add these routes to SAMPLES so the incognito walk covers them"


def _url(name, pattern, world, extras) -> str:
    if name.startswith("admin:"):
        kwargs = {key: ADMIN_SAMPLES[key] for key in pattern.pattern.regex.groupindex}
        return reverse(name, kwargs=kwargs)
    kwargs = SAMPLES[name](world, extras)
    return reverse(name, kwargs=kwargs)


def _traces(world) -> list[str]:
    traces = [
        '"auditor"',
        '"auditor_id"',
        "checked_in_at",
        '"uuid"',
        CHECK_IN_LATITUDE,
        CHECK_IN_LONGITUDE,
        "captured_at",
        "distance_m",
    ]
    for auditor in (world.auditor_a, world.auditor_b):
        traces += [auditor.username, auditor.first_name, auditor.last_name, auditor.email, auditor.auditor_profile.code]
    return traces


CHECK_IN_LATITUDE, CHECK_IN_LONGITUDE = "31.234567", "121.765432"


@pytest.fixture
def extras(world, make_assignment):
    # Where the auditor's phone was: it locates the auditor, so no store-side output may carry it.
    Visit.objects.filter(pk=world.released_bund_visit.pk).update(
        latitude=Decimal(CHECK_IN_LATITUDE), longitude=Decimal(CHECK_IN_LONGITUDE), distance_m=120
    )
    return {
        "coaching_report": CoachingReport.objects.create(
            store=world.bund,
            start=dt.date(2026, 9, 1),
            end=dt.date(2026, 11, 30),
            language="en",
            fingerprint="-",
            requested_by=world.store_manager_bund,
        ),
        "assignment": make_assignment(),
        "action_item": action_item_create(
            store=world.bund,
            item_key="fries_hot",
            action="Fry in smaller batches",
            owner="王经理",
            due_on=clock.today() + dt.timedelta(days=7),
            by=world.store_manager_bund,
        ),
        "dispute": reviews.dispute_open(
            visit=world.released_bund_visit, item_key="fries_hot", reason="fresh", by=world.store_manager_bund
        ),
    }


@pytest.mark.parametrize("persona", STORE_SIDE)
def test_no_url_names_or_locates_an_auditor_for_the_store_side(world, api, extras, persona):
    client = api.as_user(world.persona(persona))
    seen = set()
    for name, pattern in _routes():
        if "format" in pattern.pattern.regex.groupindex or name in (
            "api-docs",
            "api-redoc",
            "api-redoc-bundle",
            "api-schema",
        ):
            continue  # the same views again with a suffix; the schema and the docs' code hold no data
        url = _url(name, pattern, world, extras)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, HTTP_ACCEPT="application/json")
        assert response.status_code < 500, url
        if name.endswith(("_changelist", "_change")):
            assert response.status_code in (302, 404), f"{url} must send the store side to the admin login"
        body = response.content.decode("utf-8", "replace")
        if response.get("Content-Type", "").startswith("application/json"):
            body = json.dumps(response.json(), ensure_ascii=False)
        for trace in _traces(world):
            assert not shows(trace, body), f"{url} shows {trace!r} to {persona}"
    assert len(seen) > 100
