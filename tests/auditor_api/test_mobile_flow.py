"""The issue's acceptance, as a phone would do it: every URL comes from the OpenAPI schema."""

import io
import uuid

import pytest
from PIL import Image

from audits.models import Visit
from tests.auditor_api.conftest import submission_body
from tests.factories import PASSWORD


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def path(schema, template: str, method: str, **params) -> str:
    assert method in schema["paths"][template], f"{method.upper()} {template} is not in the schema"
    url = template
    for name, value in params.items():
        url = url.replace("{" + name + "}", str(value))
    return url


def test_an_auditor_works_a_visit_end_to_end_from_the_schema_alone(world, api, schema, make_assignment):
    assignment = make_assignment(accepted=False)
    token = api.post(
        path(schema, "/api/auth/token/", "post"), {"username": "auditor_a", "password": PASSWORD}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    listed = api.get(path(schema, "/api/auditor/assignments/", "get")).json()["results"]
    assert [row["id"] for row in listed] == [assignment.id]
    accepted = api.post(path(schema, "/api/auditor/assignments/{id}/accept/", "post", id=assignment.id))
    assert accepted.json()["status"] == "accepted"

    card_url = path(schema, "/api/auditor/scorecard-versions/{id}/", "get", id=listed[0]["scorecard_version"])
    card = api.get(card_url)
    assert card.status_code == 200
    assert api.get(card_url, HTTP_IF_NONE_MATCH=card["ETag"]).status_code == 304

    photo_uuid = str(uuid.uuid4())
    body = submission_body(assignment, photos=[{"uuid": photo_uuid, "item": "fries_hot"}])
    submit_url = path(schema, "/api/auditor/visits/", "post")
    first = api.post(submit_url, body, format="json")
    assert first.status_code == 201
    assert first.json()["photos_missing"] == [{"uuid": photo_uuid, "item": "fries_hot", "status": "expected"}]
    retry = api.post(submit_url, body, format="json")
    assert (retry.status_code, retry.json()) == (200, first.json())
    assert Visit.objects.filter(uuid=body["uuid"]).count() == 1
    changed = {**body, "answers": body["answers"][:-1]}
    assert api.post(submit_url, changed, format="json").status_code == 409

    jpeg = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 90, 30)).save(jpeg, "JPEG")
    upload_url = path(schema, "/api/auditor/visits/{uuid}/photos/", "post", uuid=body["uuid"])
    for expected_status in (201, 200):  # the retry stores nothing new
        jpeg.seek(0)
        jpeg.name = "photo.jpg"
        response = api.post(upload_url, {"file": jpeg, "uuid": photo_uuid, "item": "fries_hot"}, format="multipart")
        assert response.status_code == expected_status
    detail = api.get(path(schema, "/api/auditor/visits/{uuid}/", "get", uuid=body["uuid"])).json()
    assert detail["photos_missing"] == []

    other = api.as_user(world.auditor_b)
    assert other.get(f"/api/auditor/visits/{body['uuid']}/").status_code == 404
    assert other.get(f"/api/auditor/assignments/{assignment.id}/").status_code == 404


def test_the_schema_documents_the_mobile_contract_with_an_example(schema):
    submit = schema["paths"]["/api/auditor/visits/"]["post"]
    example = submit["requestBody"]["content"]["application/json"]["examples"]
    assert "uuid" in next(iter(example.values()))["value"]
    assert {"201", "200", "400", "409"} <= set(submit["responses"])
    answer = schema["components"]["schemas"]["AnswerInRequest"]["properties"]
    assert {"item", "value", "na", "comment"} <= set(answer)
