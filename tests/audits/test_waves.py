"""Audit waves through the services, the API and the admin, down to the demo brand.

Access: HQ admins do everything; reviewers may read waves but not preview or commit (403);
auditors and the store side get 200 with an empty list (waves are scoped to nothing for them)
and 404 on a wave's detail, 403 on preview and commit; anonymous callers get 401.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from audits.models import Assignment, AssignmentStatus, AuditorCertification, Wave, WaveStatus
from audits.services import waves as wave_services
from backend import clock
from branches.models import Region, User
from scorecards.models import ComplaintScenario, ScorecardVersion
from tests import factories
from tests.api.problems import fields


def _month_after(day: dt.date) -> tuple[dt.date, dt.date]:
    first = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


# "Next month" is fixed when the module is collected (parameters use it), so the module's tests
# run on that day: a run that crosses midnight at a month's end must not move "today" past it.
COLLECTED_ON = clock.today()
NEXT_MONTH = _month_after(COLLECTED_ON)


@pytest.fixture(autouse=True, scope="module")
def on_the_day_the_module_was_collected():
    with time_machine.travel(clock.midday(COLLECTED_ON), tick=True):
        yield


def certify(user: User, version: ScorecardVersion) -> None:
    AuditorCertification.objects.get_or_create(
        auditor=user.auditor_profile, template=version.template, defaults={"certified_on": dt.date(2025, 1, 1)}
    )


@pytest.fixture
def scenarios(db) -> list[ComplaintScenario]:
    return [factories.complaint_scenario("COLD-FOOD"), factories.complaint_scenario("WRONG-ORDER")]


@pytest.fixture
def planned(world, scenarios):
    """The world's auditors certified; a wave over 华东 (SH-BUND, SH-PPL) for next month."""
    certify(world.auditor_a, world.version)
    certify(world.auditor_b, world.version)
    return wave_services.wave_create(
        name="December wave",
        version=world.version,
        start_date=NEXT_MONTH[0],
        end_date=NEXT_MONTH[1],
        visits_per_store_per_month=2,
        daypart_quotas={"lunch": 1, "dinner": 1},
        regions=[world.east],
        scenarios=scenarios,
        complaint_visits_per_store_per_month=1,
        by=world.hq,
    )


def wave_kwargs(world, **overrides) -> dict:
    return {
        "name": "Wave",
        "version": world.version,
        "start_date": NEXT_MONTH[0],
        "end_date": NEXT_MONTH[1],
        "visits_per_store_per_month": 2,
        "stores": [world.bund],
        "complaint_visits_per_store_per_month": 0,
        "by": world.hq,
        **overrides,
    }


# --- Model and services ----------------------------------------------------------------------------


def test_a_wave_covers_its_stores_and_every_active_store_below_its_regions(world, scenarios):
    closed = factories.StoreFactory(code="SH-OLD", region=world.huangpu, active=False)
    wave = wave_services.wave_create(**wave_kwargs(world, stores=[world.wangfujing], regions=[world.east]))

    from audits.selectors import wave_stores

    assert set(wave_stores(wave=wave)) == {world.bund, world.peoples_square, world.wangfujing}
    assert closed not in wave_stores(wave=wave)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"daypart_quotas": {"brunch": 2}}, "daypart_quotas", "Unknown dayparts: brunch"),
        ({"daypart_quotas": {"lunch": 1, "dinner": 2}}, "daypart_quotas", "add up to 3, not to the 2 visits"),
        ({"daypart_quotas": {"lunch": 0, "dinner": 2}}, "daypart_quotas", "at least 1: lunch"),
        ({"daypart_quotas": {"lunch": "2"}}, "daypart_quotas", "whole numbers"),
        ({"daypart_quotas": ["lunch"]}, "daypart_quotas", "Give quotas as an object"),
        ({"end_date": NEXT_MONTH[0] - dt.timedelta(days=1)}, "end_date", "end on or after its first day"),
        ({"end_date": NEXT_MONTH[0] + dt.timedelta(days=400)}, "end_date", "at most 366 days"),
        ({"visits_per_store_per_month": 0}, "visits_per_store_per_month", "greater than or equal to 1"),
        ({"complaint_visits_per_store_per_month": 3}, "complaint_visits_per_store_per_month", "At most"),
        ({"complaint_visits_per_store_per_month": 1}, "scenarios", "at least one complaint scenario"),
        ({"stores": []}, "stores", "Choose stores or regions"),
    ],
)
def test_wave_create_names_the_field_of_every_problem(world, overrides, field, message):
    with pytest.raises(ValidationError) as raised:
        wave_services.wave_create(**wave_kwargs(world, **overrides))

    assert field in raised.value.message_dict
    assert any(message in text for text in raised.value.message_dict[field]), raised.value.message_dict
    assert not Wave.objects.exists()


def test_waves_are_planned_on_published_versions_only(world):
    draft = world.version.template.versions.create(number=99)

    with pytest.raises(ValidationError) as raised:
        wave_services.wave_create(**wave_kwargs(world, version=draft))

    assert "published" in raised.value.message_dict["version"][0]


def test_inactive_stores_and_scenarios_are_refused(world, scenarios):
    closed = factories.StoreFactory(code="SH-OLD", region=world.huangpu, active=False)
    ComplaintScenario.objects.filter(pk=scenarios[0].pk).update(active=False)
    scenarios[0].refresh_from_db()

    with pytest.raises(ValidationError) as raised:
        wave_services.wave_create(
            **wave_kwargs(world, stores=[closed], scenarios=scenarios, complaint_visits_per_store_per_month=1)
        )

    assert "SH-OLD" in raised.value.message_dict["stores"][0]
    assert "COLD-FOOD" in raised.value.message_dict["scenarios"][0]


def test_preview_writes_nothing(planned, world):
    before = (Assignment.objects.count(), Wave.objects.get().status)

    plan = wave_services.wave_preview(wave=planned)

    assert plan.total == 4  # two stores, two visits in one month
    assert (Assignment.objects.count(), Wave.objects.get().status) == before


def test_preview_keeps_auditors_away_from_stores_they_visited_recently(planned, world):
    # auditor_a visited SH-BUND three days ago (the world's visits).
    plan = wave_services.wave_preview(wave=planned)

    bund_auditors = {slot.auditor_name for slot in plan.slots if slot.store_code == "SH-BUND"}
    assert "auditor_a" not in bund_auditors
    for gap in plan.unfilled:
        assert gap.reason


def test_commit_offers_the_planned_visits_and_marks_the_wave(planned, world, api):
    preview = wave_services.wave_preview(wave=planned)

    assignments = wave_services.wave_commit(wave=planned, by=world.hq)

    planned.refresh_from_db()
    assert planned.status == WaveStatus.COMMITTED
    assert planned.committed_by == world.hq and planned.committed_at is not None
    assert len(assignments) == len(preview.slots) > 0
    stored = Assignment.objects.filter(pk__in=[a.pk for a in assignments])
    assert set(stored.values_list("status", flat=True)) == {AssignmentStatus.OFFERED}
    assert set(stored.values_list("created_by", flat=True)) == {world.hq.pk}
    assert set(planned.assignments.all()) == set(stored)
    committed = sorted(
        (a.store.code, a.auditor.username, a.window_start, a.window_end, a.daypart, a.scenario_id) for a in stored
    )
    previewed = sorted(
        (s.store_code, s.auditor_name, s.window_start, s.window_end, s.daypart, s.scenario_id) for s in preview.slots
    )
    assert committed == previewed
    for assignment in stored:
        assignment.full_clean()  # every rule the hand-made assignments obey holds

    mine = stored.filter(auditor=world.auditor_b)
    body = api.as_user(world.auditor_b).get("/api/auditor/assignments/?status=offered").json()
    assert {row["id"] for row in body["results"]} >= set(mine.values_list("pk", flat=True))
    assert mine.exists()


def test_committing_twice_is_refused(planned, world):
    wave_services.wave_commit(wave=planned, by=world.hq)
    count = Assignment.objects.count()

    with pytest.raises(ValidationError) as raised:
        wave_services.wave_commit(wave=planned, by=world.hq)

    assert "was committed on" in raised.value.message_dict["status"][0]
    assert Assignment.objects.count() == count


@pytest.mark.django_db(transaction=True)
def test_concurrent_commits_create_the_assignments_once(planned, world):
    def commit(_attempt: int) -> str:
        try:
            return f"created {len(wave_services.wave_commit(wave=planned, by=world.hq))}"
        except ValidationError as error:
            return "refused" if "status" in error.message_dict else f"error {error}"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(commit, range(8)))

    assert outcomes.count("refused") == 7, outcomes
    assert outcomes[0] == f"created {Assignment.objects.count()}"
    assert Wave.objects.get().status == WaveStatus.COMMITTED


def test_a_committed_wave_no_longer_changes(planned, world):
    wave_services.wave_commit(wave=planned, by=world.hq)

    with pytest.raises(ValidationError) as raised:
        wave_services.wave_update(wave=planned, name="Renamed")

    assert "status" in raised.value.message_dict


def test_a_wave_nobody_can_staff_is_not_committed(world):
    wave = wave_services.wave_create(**wave_kwargs(world))  # nobody is certified

    with pytest.raises(ValidationError) as raised:
        wave_services.wave_commit(wave=wave, by=world.hq)

    assert "nothing to commit" in raised.value.message_dict["stores"][0]
    assert Wave.objects.get().status == WaveStatus.DRAFT


def test_a_wave_whose_version_was_retired_is_not_committed(planned, world):
    ScorecardVersion.objects.filter(pk=world.version.pk).update(status="retired")

    with pytest.raises(ValidationError) as raised:
        wave_services.wave_commit(wave=planned, by=world.hq)

    assert "version" in raised.value.message_dict


def _grow(world, region: Region, count: int, start: int) -> None:
    """More stores, auditors and history: nothing of it may cost the preview a query."""
    for n in range(start, start + count):
        shop = factories.StoreFactory(code=f"SH-X{n:03d}", region=region)
        person = factories.auditor(f"extra_{n}")
        certify(person, world.version)
        person.auditor_profile.conflict_stores.add(world.bund)
        factories.record_visit(store=shop, version=world.version, auditor=person)
        Assignment.objects.create(
            store=shop,
            auditor=person,
            version=world.version,
            window_start=NEXT_MONTH[0],
            window_end=NEXT_MONTH[0] + dt.timedelta(days=3),
            daypart="lunch",
        )


# The version, region paths, stores, scenarios, auditors, their conflicts and certifications,
# assignments and visits around the wave, bookings per month, each store's latest script.
PREVIEW_QUERIES = 11


def test_preview_costs_the_same_few_queries_however_big_the_wave(planned, world, django_assert_num_queries):
    wave = Wave.objects.get(pk=planned.pk)  # nothing cached
    with django_assert_num_queries(PREVIEW_QUERIES):
        small = wave_services.wave_preview(wave=wave)

    _grow(world, world.huangpu, 12, start=0)
    wave = Wave.objects.get(pk=planned.pk)
    with django_assert_num_queries(PREVIEW_QUERIES):
        large = wave_services.wave_preview(wave=wave)

    assert large.total > small.total


# --- API ------------------------------------------------------------------------------------------


def wave_body(world, **overrides) -> dict:
    return {
        "name": "December wave",
        "scorecard_version": world.version.pk,
        "regions": ["EAST"],
        "stores": ["BJ-WFJ"],
        "start_date": NEXT_MONTH[0].isoformat(),
        "end_date": NEXT_MONTH[1].isoformat(),
        "visits_per_store_per_month": 2,
        "daypart_quotas": {"lunch": 1, "dinner": 1},
        "scenarios": ["COLD-FOOD", "WRONG-ORDER"],
        "complaint_visits_per_store_per_month": 1,
        **overrides,
    }


def test_hq_drafts_previews_and_commits_a_wave_through_the_api(world, scenarios, api):
    certify(world.auditor_a, world.version)
    certify(world.auditor_b, world.version)
    hq = api.as_user(world.hq)

    created = hq.post("/api/waves/", wave_body(world))
    assert created.status_code == 201, created.json()
    wave = created.json()
    assert wave["regions"] == ["EAST"] and wave["stores"] == ["BJ-WFJ"]
    assert wave["status"] == "draft" and wave["created_by"] == "hq"
    assert sorted(wave["scenarios"]) == ["COLD-FOOD", "WRONG-ORDER"]

    preview = hq.post(f"/api/waves/{wave['id']}/preview/")
    assert preview.status_code == 200, preview.json()
    body = preview.json()
    summary = body["summary"]
    assert summary["slots"] == 6 and summary["filled"] + summary["unfilled"] == 6
    assert summary["filled"] == len(body["slots"]) == sum(summary["by_auditor"].values())
    assert set(body["slots"][0]) == {"store", "auditor", "window_start", "window_end", "daypart", "scenario"}
    for gap in body["unfilled"]:
        assert set(gap) >= {"store", "month", "daypart", "reason"} and gap["reason"]
        assert gap["month"] == NEXT_MONTH[0].strftime("%Y-%m")
    # Nobody in 北京 can take BJ-WFJ: both auditors live in 上海 and neither travels.
    wfj = [gap for gap in body["unfilled"] if gap["store"] == "BJ-WFJ"]
    assert len(wfj) == 2
    assert wfj[0]["reason"] == "no certified auditor in 北京, and no certified auditor willing to travel there"
    assert Assignment.objects.count() == 0

    committed = hq.post(f"/api/waves/{wave['id']}/commit/")
    assert committed.status_code == 201, committed.json()
    result = committed.json()
    assert result["created"] == summary["filled"] == len(result["assignments"])
    assert result["by_auditor"] == summary["by_auditor"]
    assert result["wave"]["status"] == "committed" and result["wave"]["committed_by"] == "hq"

    again = hq.post(f"/api/waves/{wave['id']}/commit/")
    assert again.status_code == 400
    assert "status" in again.json()
    changed = hq.patch(f"/api/waves/{wave['id']}/", {"name": "Renamed"})
    assert changed.status_code == 400 and "status" in changed.json()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"daypart_quotas": {"brunch": 2}}, "daypart_quotas"),
        ({"daypart_quotas": {"lunch": "x"}}, "daypart_quotas"),
        ({"stores": ["NOPE"]}, "stores"),
        ({"regions": [], "stores": []}, "stores"),
        ({"scenarios": []}, "scenarios"),
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"visits_per_store_per_month": 0}, "visits_per_store_per_month"),
        ({"complaint_visits_per_store_per_month": 5}, "complaint_visits_per_store_per_month"),
        ({"scorecard_version": 999999}, "scorecard_version"),
    ],
)
def test_bad_wave_input_is_a_400_naming_the_field(world, scenarios, api, overrides, field):
    response = api.as_user(world.hq).post("/api/waves/", wave_body(world, **overrides))

    assert response.status_code == 400
    assert field in fields(response), fields(response)
    assert not Wave.objects.exists()


def test_a_draft_version_is_a_400_naming_the_api_field(world, scenarios, api):
    draft = world.version.template.versions.create(number=99)

    response = api.as_user(world.hq).post("/api/waves/", wave_body(world, scorecard_version=draft.pk))

    assert response.status_code == 400
    assert "published" in fields(response)["scorecard_version"][0]


def test_hq_changes_a_draft_wave(planned, world, api):
    response = api.as_user(world.hq).patch(
        f"/api/waves/{planned.pk}/", {"stores": ["SH-BUND"], "regions": [], "seed": 5}
    )

    assert response.status_code == 200, response.json()
    assert response.json()["stores"] == ["SH-BUND"] and response.json()["regions"] == []
    planned.refresh_from_db()
    assert planned.seed == 5


def test_reviewers_read_waves_but_cannot_preview_or_commit(planned, world, api):
    reviewer = api.as_user(world.reviewer)

    assert [row["id"] for row in reviewer.get("/api/waves/").json()["results"]] == [planned.pk]
    assert reviewer.get(f"/api/waves/{planned.pk}/").status_code == 200
    assert reviewer.post(f"/api/waves/{planned.pk}/preview/").status_code == 403
    assert reviewer.post(f"/api/waves/{planned.pk}/commit/").status_code == 403
    assert reviewer.patch(f"/api/waves/{planned.pk}/", {"name": "x"}).status_code == 403
    assert reviewer.post("/api/waves/", wave_body(world)).status_code == 403
    assert Wave.objects.get().status == WaveStatus.DRAFT


@pytest.mark.parametrize(
    "persona",
    [
        "auditor_a",
        "auditor_b",
        "store_manager_bund",
        "store_manager_wfj",
        "regional_manager_east",
        "regional_manager_north",
    ],
)
def test_auditors_and_the_store_side_never_see_a_wave(planned, world, api, persona):
    client = api.as_user(world.persona(persona))

    listed = client.get("/api/waves/")
    assert listed.status_code == 200 and listed.json()["results"] == []
    assert client.get(f"/api/waves/{planned.pk}/").status_code == 404
    assert client.post(f"/api/waves/{planned.pk}/preview/").status_code == 403
    assert client.post(f"/api/waves/{planned.pk}/commit/").status_code == 403
    assert Assignment.objects.count() == 0


def test_anonymous_callers_get_401(planned, api):
    client = api.as_user(None)

    assert client.get("/api/waves/").status_code == 401
    assert client.post(f"/api/waves/{planned.pk}/preview/").status_code == 401


# --- Admin ------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.hq)
    world.hq.is_superuser = True
    world.hq.save()
    return client


def _run(admin_client, action: str, wave: Wave):
    return admin_client.post(
        reverse("admin:audits_wave_changelist"), {"action": action, ACTION_CHECKBOX_NAME: [wave.pk]}, follow=True
    )


def test_admin_preview_reports_the_plan_and_why_slots_stay_unfilled(admin_client, planned, world):
    planned.stores.add(world.wangfujing)

    response = _run(admin_client, "preview", planned)

    shown = [str(message) for message in response.context["messages"]]
    assert any("6 visits" in text and "unfilled" in text for text in shown), shown
    assert any(text.startswith("BJ-WFJ, 2 unfilled: no certified auditor in 北京") for text in shown), shown
    assert Assignment.objects.count() == 0


def test_admin_commit_offers_the_visits_and_refuses_a_second_time(admin_client, planned):
    first = _run(admin_client, "commit", planned)
    created = Assignment.objects.count()
    second = _run(admin_client, "commit", planned)

    assert created > 0
    assert any("assignments offered" in str(m) for m in first.context["messages"])
    assert any("was committed on" in str(m) for m in second.context["messages"])
    assert Assignment.objects.count() == created


def test_admin_wave_pages_open_and_a_committed_wave_is_read_only(admin_client, planned, world):
    assert admin_client.get(reverse("admin:audits_wave_add")).status_code == 200
    change = reverse("admin:audits_wave_change", args=[planned.pk])
    assert admin_client.get(change).status_code == 200
    wave_services.wave_commit(wave=planned, by=world.hq)
    planned.refresh_from_db()

    page = admin_client.get(change)

    assert page.status_code == 200
    assert "name" in admin.site._registry[Wave].get_readonly_fields(None, planned)
    assert not page.context["adminform"].form.fields


def test_admin_form_refuses_a_wave_without_stores(admin_client, world):
    response = admin_client.post(
        reverse("admin:audits_wave_add"),
        {
            "name": "Empty",
            "version": world.version.pk,
            "start_date": NEXT_MONTH[0],
            "end_date": NEXT_MONTH[1],
            "visits_per_store_per_month": 1,
            "daypart_quotas": "{}",
            "complaint_visits_per_store_per_month": 0,
            "rotation_lockout_days": 90,
            "seed": 0,
        },
    )

    assert response.status_code == 200
    assert "Choose stores or regions" in response.content.decode()
    assert not Wave.objects.exists()


def test_a_wave_over_explicit_stores_plans_exactly_those(world):
    wave = wave_services.wave_create(**wave_kwargs(world, stores=[world.bund, world.wangfujing]))

    plan = wave_services.wave_preview(wave=wave)

    assert {gap.store_code for gap in plan.unfilled} | {slot.store_code for slot in plan.slots} == {
        "SH-BUND",
        "BJ-WFJ",
    }
    assert plan.total == 4
