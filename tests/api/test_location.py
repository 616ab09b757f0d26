"""A create answers where its object now lives (``Location``), and the schema says which do."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator

from tests.auditor_api.conftest import submission_body

VISITS = "/api/auditor/visits/"


def test_a_created_region_is_where_location_points(world, api):
    client = api.as_user(world.hq)
    created = client.post("/api/regions/", {"code": "SH-JA", "name": "上海静安", "parent": "EAST"}, format="json")
    assert created.status_code == 201, created.content
    read = client.get(created["Location"])
    assert read.status_code == 200
    assert read.json() == created.json()


def test_a_submitted_visit_is_where_location_points_and_a_replay_sends_no_location(world, api, make_assignment):
    client = api.as_user(world.auditor_a)
    body = submission_body(make_assignment())
    first = client.post(VISITS, body, format="json")
    assert first.status_code == 201, first.content
    assert first["Location"].endswith(f"{VISITS}{body['uuid']}/")
    assert client.get(first["Location"]).json()["uuid"] == body["uuid"]
    replay = client.post(VISITS, body, format="json")
    assert replay.status_code == 200 and "Location" not in replay


def test_an_update_or_an_action_sends_no_location(world, api):
    client = api.as_user(world.hq)
    created = client.post("/api/regions/", {"code": "SH-JA", "name": "上海静安", "parent": "EAST"}, format="json")
    updated = client.patch(created["Location"], {"name": "静安"}, format="json")
    assert updated.status_code == 200 and "Location" not in updated


def test_the_schema_documents_location_on_exactly_the_creates_that_send_it():
    schema = SchemaGenerator().get_schema(public=True)
    documented = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        for code, response in operation.get("responses", {}).items()
        if code in ("201", "202") and "Location" in response.get("headers", {})
    }
    creates = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method == "post" and operation["operationId"].endswith("_create")
    }
    # Every create but the follow-up (an assignment of HQ's, read at /api/assignments/{id}/).
    assert documented == creates - {("/api/follow-ups/", "post")}
