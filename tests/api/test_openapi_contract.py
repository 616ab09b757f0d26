"""The OpenAPI schema as the mobile team's contract (issue 11).

A client generated from ``/api/schema/`` (``openapi-python-client``) could not handle bodies
declared three times (JSON, form, multipart) with one schema, and sent multipart bodies labelled
JSON. Now every request body has one content type: JSON, or multipart/form-data where a file is
sent; a JSON endpoint answers any other body with a 415 naming the media type.
"""

from __future__ import annotations

import inspect
import io

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from PIL import Image

from audits.models import Assignment, Dispute
from audits.services import reviews
from backend.api import viewsets
from tests.api.problems import detail as problem_detail
from tests.api.problems import slug

JSON = "application/json"
MULTIPART = "multipart/form-data"
METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _resolve(schema, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _has_binary(schema, node: dict, seen=()) -> bool:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return False
        return _has_binary(schema, _resolve(schema, node), (*seen, name))
    if node.get("format") == "binary":
        return True
    children = [*node.get("properties", {}).values(), *node.get("allOf", []), *node.get("oneOf", [])]
    if "items" in node:
        children.append(node["items"])
    return any(_has_binary(schema, child, seen) for child in children)


def _bodies(schema):
    return [(path, method, op["requestBody"]) for path, method, op in _operations(schema) if "requestBody" in op]


# --- One content type per body -------------------------------------------------------------------


def test_every_request_body_has_exactly_one_content_type(schema):
    bodies = _bodies(schema)
    assert len(bodies) >= 29
    several = {f"{method.upper()} {path}": sorted(body["content"]) for path, method, body in bodies}
    assert {name: types for name, types in several.items() if len(types) != 1} == {}


def test_multipart_exactly_where_a_file_is_sent_and_json_everywhere_else(schema):
    for path, method, body in _bodies(schema):
        [(media_type, content)] = body["content"].items()
        binary = _has_binary(schema, content["schema"])
        assert media_type == (MULTIPART if binary else JSON), f"{method.upper()} {path}: {media_type}"
    multipart = sorted(f"{m.upper()} {p}" for p, m, body in _bodies(schema) if MULTIPART in body["content"])
    assert multipart == ["POST /api/auditor/visits/{uuid}/photos/", "POST /api/disputes/"]


# --- The server agrees ---------------------------------------------------------------------------


def test_a_form_encoded_post_to_a_json_endpoint_is_a_415_naming_the_media_type(world, api):
    planned = Assignment.objects.count()
    response = api.as_user(world.hq).post(
        "/api/follow-ups/",
        "store=SH-BUND&window_start=2030-01-02&window_end=2030-01-03&daypart=lunch",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415, response.content
    assert slug(response) == "unsupported-media-type"
    assert problem_detail(response) == 'Unsupported media type "application/x-www-form-urlencoded" in request.'
    assert Assignment.objects.count() == planned


def test_a_multipart_post_to_a_json_endpoint_is_a_415(world, api):
    response = api.as_user(world.reviewer).post(
        f"/api/review/visits/{world.pending_bund_visit.pk}/reject/", {"reason": "no receipt"}, format="multipart"
    )
    assert response.status_code == 415, response.content
    assert "multipart/form-data" in problem_detail(response)


def test_token_login_takes_json_and_refuses_form_data(world, api):
    body = {"username": "sm_bund", "password": "nope"}
    refused = api.post("/api/auth/token/", body, format="multipart")
    assert refused.status_code == 415, refused.content
    assert "multipart/form-data" in problem_detail(refused)
    assert api.post("/api/auth/token/", body, format="json").status_code == 400


def test_resolving_a_dispute_is_json_only(world, api):
    dispute = reviews.dispute_open(
        visit=world.released_bund_visit, item_key="fries_hot", reason="hot", by=world.store_manager_bund
    )
    response = api.as_user(world.reviewer).post(
        f"/api/disputes/{dispute.pk}/resolve/", {"outcome": "upheld", "note": "fine"}, format="multipart"
    )
    assert response.status_code == 415, response.content
    dispute.refresh_from_db()
    assert dispute.status == "open"


def test_a_dispute_with_a_photo_is_multipart(world, api, media_in_a_temporary_folder):
    photo = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 200, 10)).save(photo, "JPEG")
    photo.seek(0)
    photo.name = "evidence.jpg"
    body = {"visit": world.released_bund_visit.reference, "item": "fries_hot", "reason": "See photo", "photo": photo}
    response = api.as_user(world.store_manager_bund).post("/api/disputes/", body, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["has_photo"] is True
    assert Dispute.objects.get().photo


def test_a_photo_sent_as_json_is_a_415(world, api):
    visit = world.pending_bund_visit
    response = api.as_user(world.auditor_a).post(
        f"/api/auditor/visits/{visit.uuid}/photos/", {"uuid": str(visit.uuid), "item": "fries_hot"}, format="json"
    )
    assert response.status_code == 415, response.content
    assert "application/json" in problem_detail(response)


def test_the_browsable_api_still_offers_a_json_form(world, api):
    page = api.as_user(world.hq).get("/api/stores/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"application/json" in page.content


# --- Operation ids and descriptions --------------------------------------------------------------


def _plumbing_docs() -> set[str]:
    """The docstrings of the base classes the API's views derive from (backend.api, DRF)."""
    docs = set()
    for cls in vars(viewsets).values():
        if inspect.isclass(cls):
            for base in cls.__mro__:
                if base.__dict__.get("__doc__"):
                    docs.add(inspect.cleandoc(base.__doc__).strip())
    return docs


def test_no_operation_is_described_by_a_base_class_docstring(schema):
    docs = _plumbing_docs()
    assert inspect.cleandoc(viewsets.ScopedViewSetMixin.__doc__) in docs
    for path, method, op in _operations(schema):
        assert op.get("summary") or op.get("description"), f"{method.upper()} {path} is not described"
        assert op.get("description", "").strip() not in docs, f"{method.upper()} {path}"
        assert "run_service" not in op.get("description", "") and "visible_to" not in op.get("description", "")


def test_only_creating_operations_end_in_create(schema):
    for path, method, op in _operations(schema):
        if op["operationId"].endswith("_create"):
            # A POST to a collection that answers 201 (or 202, a job) with what it made.
            assert method == "post" and "{" not in path, op["operationId"]
            assert {"201", "202"} & set(op["responses"]), op["operationId"]
    ids = {op["operationId"] for _path, _method, op in _operations(schema)}
    assert {
        "auth_token_obtain",
        "auditor_assignments_accept",
        "auditor_assignments_decline",
        "auditor_visits_create",
        "auditor_visits_resubmit",
        "auditor_visits_photos_upload",
        "review_visits_release",
        "review_visits_return",
        "disputes_create",
        "disputes_resolve",
        "scorecard_versions_publish",
        "waves_preview",
    } <= ids


def test_component_names_do_not_repeat_request(schema):
    names = set(schema["components"]["schemas"])
    assert not [name for name in names if name.endswith("RequestRequest")]
    assert {"TokenRequest", "TokenResponse", "CoachingReportRequest"} <= names


# --- Examples ------------------------------------------------------------------------------------


def _examples(content: dict) -> list:
    return [example["value"] for example in content.get("examples", {}).values()]


def _as_json_schema(schema, node):
    """An OpenAPI 3.0 schema as JSON Schema (draft 4): references inlined, ``nullable`` a null type."""
    if isinstance(node, list):
        return [_as_json_schema(schema, child) for child in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _as_json_schema(schema, _resolve(schema, node))
    converted = {key: _as_json_schema(schema, value) for key, value in node.items() if key not in ("nullable",)}
    if node.get("format") == "binary":
        return {}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def _auditor_operations(schema):
    return [
        (path, method, op)
        for path, method, op in _operations(schema)
        if path.startswith("/api/auditor/") or path == "/api/auth/token/"
    ]


def test_every_auditor_api_operation_has_request_and_response_examples(schema):
    operations = _auditor_operations(schema)
    assert len(operations) == 11
    for path, method, op in operations:
        name = f"{method.upper()} {path}"
        for content in op.get("requestBody", {}).get("content", {}).values():
            assert _examples(content), f"{name}: no request example"
        responses = [_examples(content) for r in op["responses"].values() for content in r.get("content", {}).values()]
        assert any(responses), f"{name}: no response example"


def test_the_examples_are_valid_bodies(schema):
    checked = 0
    for path, method, op in _auditor_operations(schema):
        bodies = [(content, "request") for content in op.get("requestBody", {}).get("content", {}).values()]
        bodies += [(content, code) for code, r in op["responses"].items() for content in r.get("content", {}).values()]
        for content, where in bodies:
            validator = jsonschema.Draft4Validator(_as_json_schema(schema, content["schema"]))
            for value in _examples(content):
                errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(value)]
                assert errors == [], f"{method.upper()} {path} {where}"
                checked += 1
    assert checked >= 20
