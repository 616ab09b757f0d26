from scorecards import services
from tests import factories


def test_the_whole_published_version_comes_in_one_response(world, api):
    factories.complaint_scenario()
    response = api.as_user(world.auditor_a).get(f"/api/auditor/scorecard-versions/{world.version.id}/")
    assert response.status_code == 200
    body = response.json()
    items = {item["key"]: item for section in body["sections"] for item in section["items"]}
    assert list(items) == ["fries_hot", "burger_taste", "food_safe", "greeted", "wait_seconds", "upsell", "remarks"]
    assert items["upsell"]["options"] == [
        {"value": "yes", "label": "Yes", "points": 2.0},
        {"value": "partly", "label": "Partly", "points": 1.0},
        {"value": "no", "label": "No", "points": 0.0},
    ]
    assert items["wait_seconds"]["bands"][0] == {"min": 0.0, "max": 120.0, "points": 3.0, "label": ""}
    assert items["wait_seconds"]["bands"][-1]["max"] is None
    assert items["food_safe"]["critical"] is True and items["upsell"]["na_allowed"] is True
    assert {"key", "type", "max_points", "photo_required", "guidance"} <= set(items["fries_hot"])
    assert [value["value"] for value in body["scale"]] == [1, 2, 3, 4, 5]
    assert [rule["key"] for rule in body["complaint_scenarios"][0]["rubric"]] == [
        "acknowledged",
        "apologised",
        "remedy",
        "fast",
    ]


def test_an_unchanged_version_answers_304_to_its_etag(world, api):
    client = api.as_user(world.auditor_a)
    url = f"/api/auditor/scorecard-versions/{world.version.id}/"
    first = client.get(url)
    etag = first["ETag"]
    second = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert second.status_code == 304 and not second.content
    assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_the_offline_scorecard_query_count_does_not_grow_with_items(world, api, django_assert_num_queries):
    factories.complaint_scenario("A")
    factories.complaint_scenario("B")
    client = api.as_user(world.auditor_a)
    # token + user, version, sections, items, options, bands, scenarios, rubric
    with django_assert_num_queries(8):
        assert client.get(f"/api/auditor/scorecard-versions/{world.version.id}/").status_code == 200


def test_drafts_are_not_handed_to_auditors(world, api):
    draft = services.scorecard_version_create_draft(template=world.version.template, by=world.hq)
    assert api.as_user(world.auditor_a).get(f"/api/auditor/scorecard-versions/{draft.id}/").status_code == 404


def test_a_runaway_client_is_throttled(world, api, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auditor": "3/min", "auditor-photos": "3/min"})
    client = api.as_user(world.auditor_a)
    statuses = [client.get("/api/auditor/assignments/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert api.as_user(world.auditor_b).get("/api/auditor/assignments/").status_code == 200
