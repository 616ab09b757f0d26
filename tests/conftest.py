"""Shared fixtures: a small brand with named personas, one per role and scope.

The tree:  HQ ─┬─ 华东 (EAST) ── 上海黄浦 (SH-HP) ─┬─ SH-BUND  上海外滩餐厅
               │                                  └─ SH-PPL   人民广场餐厅
               └─ 华北 (NORTH) ── 北京东城 (BJ-DC) ─── BJ-WFJ   王府井餐厅
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from branches import services as branch_services
from branches.models import Region, Role, Store, User
from scorecards.models import ScorecardVersion, Visit
from tests import factories
from tests.auditor_api.conftest import certify


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def world(db) -> World:
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
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media/"}},
    }


@pytest.fixture
def make_assignment(world):
    def make(*, auditor=None, store=None, version=None, accepted=True, days=(-1, 5), daypart="lunch", scenario=None):
        auditor = auditor or world.auditor_a
        version = version or world.version
        certify(auditor, version)
        assignment = branch_services.assignment_create(
            store=store or world.bund,
            auditor=auditor,
            version=version,
            window_start=timezone.localdate() + dt.timedelta(days=days[0]),
            window_end=timezone.localdate() + dt.timedelta(days=days[1]),
            daypart=daypart,
            scenario=scenario,
            by=world.hq,
        )
        if accepted:
            assignment = branch_services.assignment_accept(assignment=assignment, auditor=auditor)
        return assignment

    return make
