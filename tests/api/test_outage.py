"""An unreachable database answers 503 ``service-unavailable`` with ``Retry-After``, not a 500."""

import pytest
from django.db import DatabaseError, OperationalError, connection
from rest_framework.authtoken.models import Token

from backend import outage
from tests import factories
from tests.outage import take_the_database_down

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def token():
    user = factories.UserFactory()
    return Token.objects.create(user=user).key


def _assert_outage(response, seconds=10):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/problem+json")
    assert response["Retry-After"] == str(seconds)
    body = response.json()
    assert body["type"] == "https://incognito.app/problems/service-unavailable"
    assert body["status"] == 503 and body["retry_after"] == seconds
    assert set(body) == {"type", "title", "status", "detail", "retry_after"}
    text = response.content.decode()
    assert "refused" not in text and "Traceback" not in text and "OperationalError" not in text


def test_an_api_get_during_an_outage_is_a_503_problem(token, api, monkeypatch):
    take_the_database_down(monkeypatch)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    _assert_outage(api.get("/api/stores/"))


def test_an_api_post_during_an_outage_is_a_503_problem_with_the_configured_wait(token, api, monkeypatch, settings):
    settings.INCOGNITO = {**settings.INCOGNITO, "OUTAGE_RETRY_AFTER_SECONDS": 30}
    take_the_database_down(monkeypatch)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    _assert_outage(api.post("/api/visits/", {"store": "SH-BUND"}, format="json"), seconds=30)


def test_a_token_request_without_a_session_or_a_view_lookup_is_a_503_too(api, monkeypatch):
    take_the_database_down(monkeypatch)
    _assert_outage(api.post("/api/auth/token/", {"username": "a", "password": "b"}, format="json"))


def test_a_database_error_that_is_not_about_the_connection_stays_a_500():
    # SQLite: OperationalError ("no such table"); PostgreSQL: ProgrammingError. Neither is an outage.
    with pytest.raises(DatabaseError) as raised, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table_anywhere")
    assert not outage.is_outage(raised.value)


def test_a_refused_connection_is_an_outage(monkeypatch):
    take_the_database_down(monkeypatch)
    with pytest.raises(OperationalError) as raised:
        connection.ensure_connection()
    assert outage.is_outage(raised.value)


def test_the_schema_documents_503_with_retry_after_on_every_operation(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]
    assert operations
    for path, method, operation in operations:
        unavailable = operation["responses"].get("503")
        assert unavailable, f"{method.upper()} {path} does not document 503"
        assert "Retry-After" in unavailable["headers"]
        assert "application/problem+json" in unavailable["content"]
