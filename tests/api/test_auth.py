import pytest

from tests.api.problems import fields
from tests.factories import PASSWORD


def test_token_login_returns_a_token_that_authenticates(world, api):
    response = api.post("/api/auth/token/", {"username": "sm_bund", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/stores/").json()["results"][0]["code"] == "SH-BUND"


def test_token_login_with_a_wrong_password_is_400_and_says_why(world, api):
    response = api.post("/api/auth/token/", {"username": "sm_bund", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "Unable to log in" in str(response.json())


def test_token_login_names_missing_fields(db, api):
    response = api.post("/api/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(fields(response)) == {"username", "password"}


@pytest.mark.parametrize(
    "url", ["/api/regions/", "/api/stores/", "/api/scorecards/", "/api/scorecard-versions/", "/api/visits/"]
)
def test_anonymous_requests_get_401(db, api, url):
    response = api.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_bad_token_is_401(db, api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/stores/").status_code == 401


def test_browser_session_auth_works_for_reads(world, client):
    client.force_login(world.regional_manager_east)
    response = client.get("/api/stores/")
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == {"SH-BUND", "SH-PPL"}


def test_deactivated_user_loses_access(world, api):
    client = api.as_user(world.store_manager_bund)
    world.store_manager_bund.is_active = False
    world.store_manager_bund.save()
    assert client.get("/api/stores/").status_code == 401


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_are_public(db, client, url):
    assert client.get(url).status_code == 200


def test_messages_are_chinese_for_a_chinese_client(world, api):
    response = api.post(
        "/api/auth/token/",
        {"username": "sm_bund", "password": "nope"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert fields(response)["non_field_errors"] == ["无法使用提供的认证信息登录。"]
