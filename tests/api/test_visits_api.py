import datetime as dt
import json

import pytest

from backend import clock
from tests import factories
from tests.api.problems import fields


def test_visit_filters_by_store_status_and_date_range(world, api):
    client = api.as_user(world.hq)
    rows = client.get("/api/visits/?store=SH-BUND&status=released").json()["results"]
    assert [row["id"] for row in rows] == [world.released_bund_visit.id]
    old = factories.record_visit(
        store=world.bund,
        version=world.version,
        auditor=world.auditor_b,
        when=clock.now() - dt.timedelta(days=200),
        release_by=world.reviewer,
    )
    since = (clock.today() - dt.timedelta(days=30)).isoformat()
    recent_ids = {row["id"] for row in client.get(f"/api/visits/?store=SH-BUND&date_from={since}").json()["results"]}
    assert old.id not in recent_ids and world.released_bund_visit.id in recent_ids
    until = (clock.today() - dt.timedelta(days=100)).isoformat()
    assert [row["id"] for row in client.get(f"/api/visits/?date_to={until}").json()["results"]] == [old.id]


def test_bad_filter_values_are_400_naming_the_filter(world, api):
    response = api.as_user(world.hq).get("/api/visits/?date_from=yesterday&status=lost")
    assert response.status_code == 400
    assert set(fields(response)) == {"date_from", "status"}


def test_visit_detail_shows_scores_sections_and_answers(world, api):
    visit = factories.record_visit(
        store=world.bund,
        version=world.version,
        auditor=world.auditor_a,
        release_by=world.reviewer,
        answers={
            "fries_hot": factories.audit_services.AnswerInput(value=False, comment="Fries were cold"),
            "upsell": factories.audit_services.AnswerInput(not_applicable=True),
        },
    )
    body = api.as_user(world.store_manager_bund).get(f"/api/visits/{visit.reference}/").json()
    # food: (0 + 4 + 1) / 7 = 71.43; service: (1 + 3) / 4 = 100 (upsell N/A); (2 x 71.43 + 100) / 3 = 80.95
    assert body["score"] == 81.0
    assert {s["key"]: s["score"] for s in body["section_scores"]} == {"food": 71.4, "service": 100.0}
    answers = {a["key"]: a for a in body["answers"]}
    assert answers["fries_hot"] == {
        "key": "fries_hot",
        "prompt": "Fries hot",
        "value": False,
        "not_applicable": False,
        "comment": "Fries were cold",
        "earned_points": 0.0,
        "possible_points": 2.0,
        "failed": True,
    }
    assert answers["upsell"]["not_applicable"] is True and answers["upsell"]["value"] is None
    assert answers["burger_taste"]["value"] == 5
    assert answers["wait_seconds"]["value"] == 60


def test_critical_failure_shows_capped_and_uncapped_scores(world, api):
    visit = factories.record_visit(
        store=world.bund,
        version=world.version,
        auditor=world.auditor_a,
        release_by=world.reviewer,
        answers={"food_safe": False},
    )
    body = api.as_user(world.regional_manager_east).get(f"/api/visits/{visit.reference}/").json()
    assert body["score"] == 0.0
    assert body["score_uncapped"] == 90.5
    assert body["critical_failed"] is True
    assert body["critical_failures"] == ["food_safe"]


def test_audit_side_sees_who_visited(world, api):
    body = api.as_user(world.reviewer).get(f"/api/visits/{world.released_bund_visit.id}/").json()
    assert body["auditor"] == {
        "id": world.auditor_a.id,
        "username": "auditor_a",
        "name": "Alice Zhang",
        "code": "AUDITOR-A",
    }


@pytest.mark.parametrize("persona", ["store_manager_bund", "regional_manager_east"])
def test_store_side_visit_has_an_opaque_reference_and_no_auditor_fields(world, api, persona):
    body = api.as_user(world.persona(persona)).get(f"/api/visits/{world.released_bund_visit.reference}/").json()
    assert body["reference"].startswith("V-") and len(body["reference"]) == 10
    assert not {"auditor", "uuid", "checked_in_at", "checked_out_at", "submitted_at"} & set(body)


@pytest.mark.parametrize("persona", ["store_manager_bund", "regional_manager_east"])
def test_the_store_side_reads_no_flags_no_sequential_id_and_only_the_day_of_release(world, api, persona):
    visit = world.released_bund_visit
    visit.flags = [{"code": "far_from_store", "detail": "checked in 900 m from the store"}]
    visit.save(update_fields=["flags"])
    client = api.as_user(world.persona(persona))
    detail = client.get(f"/api/visits/{visit.reference}/").json()
    (row,) = [row for row in client.get("/api/visits/").json()["results"] if row["reference"] == visit.reference]
    for body in (detail, row):
        assert not {"id", "flags", "released_at"} & set(body)
        assert body["released_on"] == clock.local_date(visit.released_at, visit.store.timezone).isoformat()
        assert "far_from_store" not in json.dumps(body) and "900 m" not in json.dumps(body)


def test_the_audit_side_still_reads_flags_ids_and_the_release_instant(world, api):
    visit = world.released_bund_visit
    body = api.as_user(world.reviewer).get(f"/api/visits/{visit.id}/").json()
    assert body["id"] == visit.id and body["reference"] == visit.reference
    assert "flags" in body and body["released_at"] and body["released_on"]
    assert api.as_user(world.reviewer).get(f"/api/visits/{visit.reference}/").json()["id"] == visit.id


@pytest.mark.parametrize("rows", [1, 8])
def test_visit_list_query_count_stays_constant_as_visits_grow(world, api, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.record_visit(
            store=world.bund, version=world.version, auditor=world.auditor_a, release_by=world.reviewer
        )
    client = api.as_user(world.hq)
    # token + user, count, page
    with django_assert_num_queries(3):
        assert client.get("/api/visits/").status_code == 200


@pytest.mark.parametrize("rows", [1, 8])
def test_store_side_visit_list_query_count_stays_constant(world, api, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.record_visit(
            store=world.bund, version=world.version, auditor=world.auditor_a, release_by=world.reviewer
        )
    client = api.as_user(world.regional_manager_east)
    # token + user, managed region paths, count, page
    with django_assert_num_queries(4):
        assert client.get("/api/visits/").status_code == 200


def test_visit_detail_query_count_does_not_grow_with_answers(world, api, django_assert_num_queries):
    client = api.as_user(world.hq)
    # token + user, visit, answers, section scores, amendments
    with django_assert_num_queries(5):
        assert client.get(f"/api/visits/{world.released_bund_visit.id}/").status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
def test_store_list_query_count_stays_constant(world, api, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.StoreFactory(region=world.huangpu)
    client = api.as_user(world.regional_manager_east)
    with django_assert_num_queries(4):
        assert client.get("/api/stores/").status_code == 200


@pytest.mark.parametrize("rows", [1, 10])
def test_region_list_query_count_stays_constant(world, api, django_assert_num_queries, rows):
    for _ in range(rows):
        factories.RegionFactory(parent=world.east)
    client = api.as_user(world.hq)
    with django_assert_num_queries(3):
        assert client.get("/api/regions/").status_code == 200


@pytest.mark.parametrize("templates", [1, 4])
def test_scorecard_lists_query_count_stays_constant(world, api, django_assert_num_queries, templates):
    for index in range(templates):
        factories.published_version(hq=world.hq, code=f"T{index}")
    client = api.as_user(world.store_manager_bund)
    # token + user, count, page, versions
    with django_assert_num_queries(4):
        assert client.get("/api/scorecards/").status_code == 200
    # token + user, count, page, sections, items, options, bands
    with django_assert_num_queries(7):
        assert client.get("/api/scorecard-versions/").status_code == 200
