"""One error format: every 4xx and 5xx under /api/ is an RFC 9457 problem (application/problem+json)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIClient

from backend.api.parsers import MultiPartParser
from backend.api.problems import MEDIA_TYPE, PROBLEM_TYPES, errors_of, pointer, problem_for
from backend.errors import Conflict, InvalidInput
from backend.urls import handler400, handler403, handler404, handler500  # noqa: F401 - this test urlconf's
from backend.urls import urlpatterns as backend_urlpatterns
from tests.api.problems import PROBLEM, detail, problem, reasons


@api_view(["GET"])
@permission_classes([AllowAny])
def _drf_boom(request):
    raise RuntimeError("secret: the database password is hunter2")


def _django_boom(request):
    raise RuntimeError("secret: the database password is hunter2")


def _form(request):
    return HttpResponse(str(len(request.POST)))


@api_view(["POST"])
@permission_classes([AllowAny])
@parser_classes([MultiPartParser])
def _multipart(request):
    # A multipart endpoint of the API's own kind (the API's file uploads take only multipart).
    return Response({"fields": len(request.data)})


urlpatterns = [
    path("api/_test/drf-boom/", _drf_boom),
    path("api/_test/django-boom/", _django_boom),
    path("api/_test/form/", _form),
    path("api/_test/multipart/", _multipart),
    path("_test/django-boom/", _django_boom),
    *backend_urlpatterns,
]

with_test_views = pytest.mark.urls(__name__)


def _is(response, slug_, status):
    body = problem(response)
    assert response.status_code == status and body["status"] == status
    assert body["type"] == f"https://incognito.app/problems/{slug_}"
    assert body["title"] == PROBLEM_TYPES[slug_].title
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# --- the body, from exceptions ----------------------------------------------------------------


def test_nested_item_errors_are_flattened_to_json_pointers():
    reasons_ = {
        "answers": {"greeting": ["Answer yes or no."], "non_field_errors": ["Missing: queue_seconds."]},
        "photos": [{}, {"uuid": ["Must be a valid UUID."]}],
        "non_field_errors": ["Checked out before checking in."],
        "a/b~c": ["escaped"],
    }
    assert errors_of(reasons_) == [
        {"pointer": "/answers/greeting", "in": "body", "detail": "Answer yes or no."},
        {"pointer": "/answers", "in": "body", "detail": "Missing: queue_seconds."},
        {"pointer": "/photos/1/uuid", "in": "body", "detail": "Must be a valid UUID."},
        {"pointer": "", "in": "body", "detail": "Checked out before checking in."},
        {"pointer": "/a~1b~0c", "in": "body", "detail": "escaped"},
    ]
    assert pointer(()) == ""


def test_a_service_refusal_is_a_validation_problem_with_one_entry_per_message():
    body = problem_for(InvalidInput({"answers": {"greeting": ["a", "b"]}})).body()
    assert body == {
        "type": "https://incognito.app/problems/invalid-input",
        "title": "Invalid input",
        "status": 400,
        "detail": "Invalid input.",
        "errors": [
            {"pointer": "/answers/greeting", "in": "body", "detail": "a"},
            {"pointer": "/answers/greeting", "in": "body", "detail": "b"},
        ],
    }
    assert problem_for(InvalidInput("Not returned for changes.")).body()["errors"] == [
        {"pointer": "", "in": "body", "detail": "Not returned for changes."}
    ]


def test_a_conflict_names_its_field_when_it_has_one():
    named = problem_for(Conflict("Key reused.", errors={"client_key": ["Key reused."]})).body()
    assert (named["status"], named["detail"], named["errors"]) == (
        409,
        "Key reused.",
        [{"pointer": "/client_key", "in": "body", "detail": "Key reused."}],
    )
    plain = problem_for(Conflict("This assignment already has a visit.")).body()
    assert plain["type"].endswith("/conflict") and "errors" not in plain


# --- each status over HTTP --------------------------------------------------------------------


def test_400_names_each_bad_field_and_a_non_field_reason_is_the_empty_pointer(db, api):
    missing = api.post("/api/auth/token/", {}, format="json")
    _is(missing, "invalid-input", 400)
    assert set(reasons(missing)) == {"/username", "/password"}
    wrong = api.post("/api/auth/token/", {"username": "nobody", "password": "x"}, format="json")
    assert list(reasons(wrong)) == [""] and "Unable to log in" in reasons(wrong)[""][0]


def test_malformed_json_is_a_400_with_the_reason_at_the_empty_pointer(db, api):
    response = api.post("/api/auth/token/", "{not json", content_type="application/json")
    _is(response, "invalid-input", 400)
    assert "JSON parse error" in reasons(response)[""][0]


def test_a_bad_query_parameter_points_into_the_query(world, api):
    response = api.as_user(world.hq).get("/api/stores/", {"page": "x\x00"})
    body = _is(response, "invalid-input", 400)
    assert body["errors"][0]["in"] == "query" and body["errors"][0]["pointer"] == "/page"


def test_401_is_not_authenticated_with_the_scheme_to_use(db, api):
    response = api.get("/api/stores/")
    _is(response, "not-authenticated", 401)
    assert response["WWW-Authenticate"] == "Token"
    assert detail(response) == "Authentication credentials were not provided."


def test_detail_follows_accept_language_while_title_stays_english(db, api):
    response = api.get("/api/stores/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = _is(response, "not-authenticated", 401)
    assert body["detail"] == "身份认证信息未提供。" and body["title"] == "Not authenticated"


def test_403_is_permission_denied(world, api):
    response = api.as_user(world.auditor_a).post("/api/regions/", {"code": "NEW", "name": "New"}, format="json")
    _is(response, "permission-denied", 403)


def test_404_in_a_view_and_for_an_unknown_api_address(world, api):
    client = api.as_user(world.hq)
    _is(client.get("/api/stores/NO-SUCH/"), "not-found", 404)
    _is(client.get("/api/no-such-thing/"), "not-found", 404)


def test_the_dashboard_keeps_its_html_404_page(world, client):
    client.force_login(world.hq)
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_clients_accepting_json_or_html_still_get_the_problem_body(world, api):
    client = api.as_user(world.hq)
    for accept in ["application/json", "text/html", "application/json, application/problem+json", "*/*"]:
        response = client.get("/api/stores/NO-SUCH/", HTTP_ACCEPT=accept)
        _is(response, "not-found", 404)


def test_406_when_nothing_matches_accept(world, api):
    response = api.as_user(world.hq).get("/api/stores/", HTTP_ACCEPT="image/png")
    _is(response, "not-acceptable", 406)


def test_405_for_a_method_the_address_does_not_take(world, api):
    response = api.as_user(world.hq).delete("/api/stores/")
    _is(response, "method-not-allowed", 405)


def test_415_for_a_body_in_a_media_type_not_parsed(db, api):
    response = api.post("/api/auth/token/", "username=x", content_type="text/plain")
    _is(response, "unsupported-media-type", 415)


def test_413_for_a_body_over_the_limit(db, api, settings):
    settings.INCOGNITO = {**settings.INCOGNITO, "MAX_JSON_BODY_BYTES": 1024}
    response = api.post("/api/auth/token/", {"username": "x" * 2000, "password": "y"}, format="json")
    body = _is(response, "payload-too-large", 413)
    assert body["max_bytes"] == 1024 and "the limit is 1024 bytes" in body["detail"]


@with_test_views
def test_413_for_a_multipart_field_over_djangos_limit_and_400_for_too_many_fields(db, settings):
    api = APIClient()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    too_big = api.post("/api/_test/multipart/", {"username": "x" * 5000, "password": "y"}, format="multipart")
    _is(too_big, "payload-too-large", 413)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3
    fields = {f"field{index}": "x" for index in range(10)}
    too_many = api.post("/api/_test/multipart/", fields, format="multipart")
    _is(too_many, "invalid-input", 400)
    assert list(reasons(too_many)) == [""]


@with_test_views
def test_djangos_own_413_and_400_under_api_are_problems(db, settings):
    client = APIClient()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/api/_test/form/", "field=" + "x" * 5000, content_type="application/x-www-form-urlencoded")
    _is(response, "payload-too-large", 413)


def test_429_says_when_to_retry_in_the_header_and_the_body(world, api, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auditor": "1/min", "auditor-photos": "1/min"})
    client = api.as_user(world.auditor_a)
    assert client.get("/api/auditor/assignments/").status_code == 200
    response = client.get("/api/auditor/assignments/")
    body = _is(response, "throttled", 429)
    assert int(response["Retry-After"]) == body["retry_after"] > 0


@with_test_views
@pytest.mark.parametrize("url", ["/api/_test/drf-boom/", "/api/_test/django-boom/"])
def test_500_under_api_is_a_problem_that_tells_nothing(db, url):
    client = APIClient(raise_request_exception=False)
    response = client.get(url)
    body = _is(response, "server-error", 500)
    assert "hunter2" not in response.content.decode() and "Traceback" not in response.content.decode()
    assert set(body) == {"type", "title", "status", "detail"}


@with_test_views
def test_500_elsewhere_is_the_html_page(db):
    from django.test import Client

    response = Client(raise_request_exception=False).get("/_test/django-boom/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "hunter2" not in response.content.decode()


@with_test_views
def test_with_debug_on_django_own_404_and_500_pages_under_api_are_problems_too(db, settings):
    # make run serves the demo with DEBUG on, where Django answers its technical HTML pages.
    settings.DEBUG = True
    client = APIClient(raise_request_exception=False)
    _is(client.get("/api/regions/2.5/"), "not-found", 404)
    _is(client.get("/api/no-such-thing"), "not-found", 404)
    crashed = client.get("/api/_test/django-boom/")
    _is(crashed, "server-error", 500)
    assert "hunter2" not in crashed.content.decode() and "Traceback" not in crashed.content.decode()


def test_a_nul_in_the_address_is_a_problem_about_the_path(world, api):
    response = api.as_user(world.hq).get("/api/stores/a\x00b/")
    body = _is(response, "invalid-input", 400)
    assert body["errors"][0]["in"] == "path" and body["errors"][0]["pointer"] == ""


# --- the schema -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path_, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path_, method, operation


def test_every_operation_documents_its_errors_with_problem_bodies(schema):
    operations = list(_operations(schema))
    assert len(operations) > 50
    for path_, method, operation in operations:
        responses = operation["responses"]
        where = f"{method.upper()} {path_}"
        public = not operation.get("security") or {} in operation["security"]
        assert {"400", "500"} <= set(responses), where
        if not public:
            assert {"401", "403"} <= set(responses), where
            assert "WWW-Authenticate" in responses["401"]["headers"], where
        if "{" in path_:
            assert "404" in responses, where
        if "requestBody" in operation:
            assert {"413", "415"} <= set(responses), where
        for code, response in responses.items():
            if code[0] in "45":
                assert list(response["content"]) == [MEDIA_TYPE], (where, code)
                assert response["description"], (where, code)
        assert responses["400"]["content"][MEDIA_TYPE]["schema"]["$ref"].endswith("/ValidationProblem"), where


def test_only_token_login_is_public(schema):
    public = [
        f"{method} {path_}"
        for path_, method, operation in _operations(schema)
        if not operation.get("security") or {} in operation["security"]
    ]
    assert public == ["post /api/auth/token/"]


def test_the_auditor_api_documents_429_with_retry_after_and_the_offline_scorecard_its_etag(schema):
    auditor = [(path_, operation) for path_, _method, operation in _operations(schema) if "/api/auditor/" in path_]
    assert auditor
    for path_, operation in auditor:
        assert "Retry-After" in operation["responses"]["429"]["headers"], path_
    offline = schema["paths"]["/api/auditor/scorecard-versions/{id}/"]["get"]
    assert any(
        parameter["name"] == "If-None-Match" and parameter["in"] == "header" for parameter in offline["parameters"]
    )
    assert "ETag" in offline["responses"]["200"]["headers"] and "ETag" in offline["responses"]["304"]["headers"]
    photos = schema["paths"]["/api/auditor/visits/{uuid}/photos/"]["post"]["responses"]
    assert {"409", "413", "415", "429"} <= set(photos)


def test_declared_descriptions_are_kept_and_get_a_body(schema):
    submit = schema["paths"]["/api/auditor/visits/"]["post"]["responses"]
    assert submit["409"]["description"] == "This uuid was already used with a different body."
    assert submit["409"]["content"][MEDIA_TYPE]["schema"]["$ref"].endswith("/Problem")


def test_the_components_describe_the_format(schema):
    components = schema["components"]["schemas"]
    assert components["Problem"]["required"] == ["type", "title", "status", "detail"]
    assert {"$ref": "#/components/schemas/Problem"} in components["ValidationProblem"]["allOf"]
    assert components["ProblemError"]["required"] == ["pointer", "in", "detail"]
    assert PROBLEM == MEDIA_TYPE


def test_an_unknown_format_is_a_400_naming_the_query_parameter(world, api):
    response = api.as_user(world.hq).get("/api/reports/comparison/", {"format": "xml"})
    body = _is(response, "invalid-input", 400)
    assert [(error["pointer"], error["in"]) for error in body["errors"]] == [("/format", "query")]
    assert "csv" in body["errors"][0]["detail"] and "json" in body["errors"][0]["detail"]
