"""The phone states the contract version it speaks in X-Incognito-API-Version; missing means 1."""

import pytest
import yaml

from tests.api.problems import detail as problem_detail
from tests.api.problems import slug

HEADER = "HTTP_X_INCOGNITO_API_VERSION"


def test_a_request_without_the_header_speaks_the_current_version(world, api):
    response = api.as_user(world.auditor_a).get("/api/auditor/assignments/")
    assert response.status_code == 200
    assert response.renderer_context["request"].version == "1"


@pytest.mark.parametrize("version", ["1", " 1 "])
def test_a_known_version_is_served(world, api, version):
    response = api.as_user(world.auditor_a).get("/api/auditor/assignments/", **{HEADER: version})
    assert response.status_code == 200
    assert response.renderer_context["request"].version == "1"


def test_the_version_in_the_accept_header_is_understood_too(world, api):
    response = api.as_user(world.auditor_a).get("/api/auditor/assignments/", HTTP_ACCEPT="application/json; version=1")
    assert response.status_code == 200


@pytest.mark.parametrize("version", ["2", "0", "v1", "1.0"])
def test_an_unknown_version_is_406_naming_the_header_and_the_versions_spoken(world, api, version):
    response = api.as_user(world.auditor_a).get("/api/auditor/assignments/", **{HEADER: version})
    assert response.status_code == 406
    detail = problem_detail(response)
    assert slug(response) == "not-acceptable"
    assert "X-Incognito-API-Version" in detail and repr(version) in detail and "speaks 1" in detail


def test_an_unknown_version_in_accept_is_406_too(world, api):
    response = api.as_user(world.auditor_a).get("/api/auditor/assignments/", HTTP_ACCEPT="application/json; version=9")
    assert response.status_code == 406


def test_the_refusal_speaks_the_clients_language(world, api):
    response = api.as_user(world.auditor_a).get(
        "/api/auditor/assignments/", HTTP_ACCEPT_LANGUAGE="zh-hans", **{HEADER: "2"}
    )
    assert response.status_code == 406
    assert "X-Incognito-API-Version" in problem_detail(response)
    assert "不支持" in problem_detail(response)


def test_the_token_login_is_versioned_as_well(db, api):
    assert api.post("/api/auth/token/", {}, format="json", **{HEADER: "3"}).status_code == 406


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_the_schema_and_its_readers_need_no_version(db, client, url):
    assert client.get(url, **{HEADER: "99"}).status_code == 200


def test_the_schema_carries_the_version_and_documents_the_header(db, client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    assert schema["info"]["version"] == "1.0.0"
    operations = [
        (path, method, operation) for path, methods in schema["paths"].items() for method, operation in methods.items()
    ]
    assert any(path.startswith("/api/auditor/") for path, _method, _operation in operations)
    for path, method, operation in operations:
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        # Beside the version, only the offline scorecard reads a header (If-None-Match).
        assert set(headers) - {"If-None-Match"} == {"X-Incognito-API-Version"}, f"{method} {path}"
        version = headers["X-Incognito-API-Version"]
        assert not version.get("required", False)
        assert version["schema"]["enum"] == ["1"]
