"""Shared fixtures: a small brand with named personas, one per role and scope.

The tree:  HQ ─┬─ 华东 (EAST) ── 上海黄浦 (SH-HP) ─┬─ SH-BUND  上海外滩餐厅
               │                                  └─ SH-PPL   人民广场餐厅
               └─ 华北 (NORTH) ── 北京东城 (BJ-DC) ─── BJ-WFJ   王府井餐厅
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from dataclasses import dataclass

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from audits.models import Visit
from audits.services import assignments as assignment_services
from backend import clock
from branches.models import Region, Role, Store, User
from scorecards.models import ScorecardVersion
from tests import factories
from tests.auditor_api.conftest import certify
from tests.demo import DEMO_DAY

# Hypothesis: CI draws the same examples on every run (a red build can be rerun and debugged);
# developers get fresh random examples. Neither has a deadline: a 2-core machine running the suite
# in parallel is not a benchmark.
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_NOW_VARIABLE = "INCOGNITO_TEST_NOW"
_session_travel: time_machine.travel | None = None


def pytest_configure(config):
    """``INCOGNITO_TEST_NOW=2027-06-30T23:30:00Z`` moves the whole run's clock there (and lets it tick)."""
    global _session_travel
    moved_to = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if not moved_to:
        return
    try:
        instant = dt.datetime.fromisoformat(moved_to.replace("Z", "+00:00"))
    except ValueError:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={moved_to!r} is not an ISO 8601 date and time") from None
    if instant.tzinfo is None:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={moved_to!r} needs a zone, e.g. 2027-06-30T23:30:00Z")
    _session_travel = time_machine.travel(instant, tick=True)
    _session_travel.start()


def pytest_unconfigure(config):
    global _session_travel
    if _session_travel is not None:
        _session_travel.stop()
        _session_travel = None


def pytest_report_header(config):
    moved_to = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    zone = os.environ.get("TZ") or "the machine's"
    if moved_to:
        return f"clock moved to {moved_to} ({TEST_NOW_VARIABLE}); time zone: {zone}"
    return f"clock: real time ({TEST_NOW_VARIABLE} not set); time zone: {zone}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def fresh_cache():
    # Throttling counts live in the cache; user ids repeat from test to test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def report_jobs_inline(settings):
    # Coaching PDFs render right after the request's transaction commits, in the test's thread.
    settings.REPORT_JOBS = "inline"


@pytest.fixture(autouse=True)
def english_messages(settings):
    # The product defaults to Chinese; tests read the English messages unless they ask otherwise.
    settings.LANGUAGE_CODE = "en"


@dataclass
class World:
    hq_region: Region
    east: Region
    huangpu: Region
    north: Region
    dongcheng: Region
    bund: Store
    peoples_square: Store
    wangfujing: Store
    hq: User
    reviewer: User
    auditor_a: User
    auditor_b: User
    store_manager_bund: User
    store_manager_wfj: User
    regional_manager_east: User
    regional_manager_north: User
    version: ScorecardVersion
    released_bund_visit: Visit
    pending_bund_visit: Visit
    released_wfj_visit: Visit

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def build_world() -> World:
    """The small brand of this module's docstring, built through the services."""
    hq_region = factories.RegionFactory(code="HQ", name="总部")
    east = factories.RegionFactory(code="EAST", name="华东", parent=hq_region)
    huangpu = factories.RegionFactory(code="SH-HP", name="上海黄浦", parent=east)
    north = factories.RegionFactory(code="NORTH", name="华北", parent=hq_region)
    dongcheng = factories.RegionFactory(code="BJ-DC", name="北京东城", parent=north)
    bund = factories.StoreFactory(code="SH-BUND", name="上海外滩餐厅", region=huangpu)
    peoples_square = factories.StoreFactory(code="SH-PPL", name="人民广场餐厅", region=huangpu)
    wangfujing = factories.StoreFactory(code="BJ-WFJ", name="王府井餐厅", region=dongcheng, city="北京")

    hq = factories.UserFactory(username="hq", role=Role.HQ_ADMIN)
    reviewer = factories.UserFactory(username="reviewer", role=Role.REVIEWER)
    auditor_a = factories.auditor("auditor_a", first_name="Alice", last_name="Zhang")
    auditor_b = factories.auditor("auditor_b", first_name="Bob", last_name="Li")
    store_manager_bund = factories.UserFactory(username="sm_bund", role=Role.STORE_MANAGER, managed_stores=[bund])
    store_manager_wfj = factories.UserFactory(username="sm_wfj", role=Role.STORE_MANAGER, managed_stores=[wangfujing])
    regional_manager_east = factories.UserFactory(
        username="rm_east", role=Role.REGIONAL_MANAGER, managed_regions=[east]
    )
    regional_manager_north = factories.UserFactory(
        username="rm_north", role=Role.REGIONAL_MANAGER, managed_regions=[north]
    )

    version = factories.published_version(hq=hq)
    released_bund_visit = factories.record_visit(store=bund, version=version, auditor=auditor_a, release_by=reviewer)
    pending_bund_visit = factories.record_visit(store=bund, version=version, auditor=auditor_a)
    released_wfj_visit = factories.record_visit(
        store=wangfujing, version=version, auditor=auditor_b, release_by=reviewer
    )
    return World(
        hq_region=hq_region,
        east=east,
        huangpu=huangpu,
        north=north,
        dongcheng=dongcheng,
        bund=bund,
        peoples_square=peoples_square,
        wangfujing=wangfujing,
        hq=hq,
        reviewer=reviewer,
        auditor_a=auditor_a,
        auditor_b=auditor_b,
        store_manager_bund=store_manager_bund,
        store_manager_wfj=store_manager_wfj,
        regional_manager_east=regional_manager_east,
        regional_manager_north=regional_manager_north,
        version=version,
        released_bund_visit=released_bund_visit,
        pending_bund_visit=pending_bund_visit,
        released_wfj_visit=released_wfj_visit,
    )


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"} & set(
        item.fixturenames
    ):
        return True
    return marker is not None and any(
        marker.kwargs.get(flag) for flag in ("transaction", "reset_sequences", "serialized_rollback")
    )


def _uses_database(item: pytest.Item) -> bool:
    return bool({"db", "world", "transactional_db"} & set(item.fixturenames)) or item.get_closest_marker("django_db")


def _module_can_share_a_world(module_items: list[pytest.Item]) -> bool:
    """Whether every database test of a module runs on the world in a rolled-back savepoint.

    A shared world lives in one transaction around the whole module, so a module qualifies only
    when each of its database tests asks for the world (a test that builds its own data must not
    find the world's rows) and none commits (a transactional test would commit or flush it).
    """
    return all(
        "world" in item.fixturenames and not _is_transactional(item) for item in module_items if _uses_database(item)
    )


@pytest.fixture(scope="module")
def shared_world(request, django_db_setup, django_db_blocker) -> World | None:
    """The world built once for a whole test module, or None where the module cannot share one.

    Built inside a transaction that stays open for the module and is rolled back after it; each
    test runs in its own savepoint inside it (pytest-django's ``db``), so what one test writes is
    gone for the next, exactly as if the world had been built for it alone.
    """
    module_items = [item for item in request.session.items if getattr(item, "module", None) is request.module]
    if not _module_can_share_a_world(module_items):
        yield None
        return
    from django.test import override_settings

    settings_for_the_build = override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS, LANGUAGE_CODE="en")
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        settings_for_the_build.enable()
        outer.__enter__()
        try:
            pristine = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings_for_the_build.disable()
            raise
    # Between here and the teardown only the tests' own `db` fixture lets them reach the database.
    try:
        yield pristine
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            settings_for_the_build.disable()


@pytest.fixture
def world(shared_world, db) -> World:
    """The named personas and their brand; a fresh copy for each test, its writes rolled back after it."""
    # pytest sets up the module-scoped shared world before the test's own `db` savepoint.
    if shared_world is None:
        return build_world()
    # The instances as the builder returned them, not as an earlier test left them in memory.
    return copy.deepcopy(shared_world)


@pytest.fixture(scope="module")
def demo_brand(django_db_setup, django_db_blocker):
    """The demo brand built on ``DEMO_DAY``, once for a whole test module, and rolled back after it.

    The module's tests run with the clock on that day (ticking from its midday in the brand's
    zone), so "today" for every service is the day the demo was built for, whatever the real date.
    Each test still runs in its own savepoint inside the module's transaction, so what one test
    writes is gone for the next. Modules that use it must not use ``transactional_db``.
    """
    from django.test import override_settings

    from fixtures.demo import build_demo

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS),
        time_machine.travel(clock.midday(DEMO_DAY), tick=True),
        transaction.atomic(),
    ):
        report = build_demo(today=DEMO_DAY, log=lambda _message: None)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_brand, db):
    """A test on the demo brand (see ``demo_brand``)."""
    return demo_brand


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` signs in with a token like the mobile client does."""

    client = APIClient()

    def as_user(user: User | None) -> APIClient:
        from rest_framework.authtoken.models import Token

        client.credentials()
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    client.as_user = as_user
    return client


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    # Photos written by tests never touch the demo's media folder.
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"},
        },
    }


@pytest.fixture
def make_assignment(world):
    def make(*, auditor=None, store=None, version=None, accepted=True, days=(-1, 5), daypart="lunch", scenario=None):
        auditor = auditor or world.auditor_a
        version = version or world.version
        store = store or world.bund
        certify(auditor, version)
        assignment = assignment_services.assignment_create(
            store=store,
            auditor=auditor,
            version=version,
            window_start=clock.store_today(store) + dt.timedelta(days=days[0]),
            window_end=clock.store_today(store) + dt.timedelta(days=days[1]),
            daypart=daypart,
            scenario=scenario,
            by=world.hq,
        )
        if accepted:
            assignment = assignment_services.assignment_accept(assignment=assignment, auditor=auditor)
        return assignment

    return make
