"""An unreachable database gives the web pages a plain 'try again' page: 503 with ``Retry-After``."""

import pytest
from django.test import Client

from tests import factories
from tests.outage import take_the_database_down

pytestmark = pytest.mark.django_db(transaction=True)


def _assert_try_again_page(response):
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Incognito is briefly unavailable, try again in a moment." in page
    assert "refused" not in page and "Traceback" not in page


def test_a_signed_in_page_during_an_outage_is_the_try_again_page(monkeypatch):
    client = Client()
    client.force_login(factories.UserFactory())
    take_the_database_down(monkeypatch)
    _assert_try_again_page(client.get("/"))


def test_the_login_page_during_an_outage_is_the_try_again_page(monkeypatch):
    client = Client()
    client.force_login(factories.UserFactory())  # the session (and the user) are loaded from the database
    take_the_database_down(monkeypatch)
    _assert_try_again_page(client.get("/login/"))


def test_signing_in_during_an_outage_is_the_try_again_page(monkeypatch):
    client = Client()
    client.get("/login/")
    take_the_database_down(monkeypatch)
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    response = client.post("/login/", {"username": "a", "password": "b", "csrfmiddlewaretoken": csrf})
    _assert_try_again_page(response)
