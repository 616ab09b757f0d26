"""A retried ``POST /api/action-items/`` stores the action once (issue 9).

Phones and flaky browsers retry. Like the visit submission's ``uuid``, the client sends a
``client_key`` (a UUID made once per new action): the same key with the same body answers the
first result (200, nothing new stored), the same key with a different body is a 409 naming
``client_key``. Keys are the author's own: another user's key is nobody else's business (no 409
or 200 that would tell them it exists). The dashboard's form carries a key generated when the
form is rendered, so a double-submitted form stores one action.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client

from backend import clock
from backend.errors import Conflict
from coaching import services
from coaching.models import ActionItem
from coaching.services import actions as action_services
from tests.api.problems import fields
from tests.concurrency import post_at_once

URL = "/api/action-items/"


def _body(today, **overrides) -> dict:
    return {
        "store": "SH-BUND",
        "item_key": "fries_hot",
        "action": "Fry in smaller batches at lunch",
        "owner": "王经理",
        "due_on": str(today + dt.timedelta(days=14)),
        "client_key": str(uuid.uuid4()),
        **overrides,
    }


# --- API --------------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_answers_the_first_result(world, api, today):
    client = api.as_user(world.store_manager_bund)
    body = _body(today)
    first = client.post(URL, body)
    assert first.status_code == 201, first.content
    again = client.post(URL, body)
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert ActionItem.objects.count() == 1
    assert ActionItem.objects.get().client_key == uuid.UUID(body["client_key"])


def test_a_retry_is_the_same_body_whatever_its_spacing_or_key_order(world, api, today):
    client = api.as_user(world.store_manager_bund)
    body = _body(today)
    assert client.post(URL, body).status_code == 201
    shuffled = {key: body[key] for key in reversed(list(body))}
    shuffled["action"] = f"  {body['action']} "  # the service strips it, so it is the same action
    assert client.post(URL, shuffled).status_code == 200
    assert ActionItem.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"action": "Something else entirely"},
        {"owner": "李厨师"},
        {"item_key": "greeted"},
        {"due_on": "+1"},
        {"store": "SH-PPL"},
    ],
)
def test_the_same_key_with_a_different_body_is_a_409_naming_the_key(world, api, today, change):
    client = api.as_user(world.hq)
    body = _body(today)
    first = client.post(URL, body)
    assert first.status_code == 201, first.content
    if change.get("due_on") == "+1":
        change = {"due_on": str(today + dt.timedelta(days=15))}
    refused = client.post(URL, {**body, **change})
    assert refused.status_code == 409, refused.content
    assert list(fields(refused)) == ["client_key"]
    assert fields(refused)["client_key"] and all(isinstance(m, str) for m in fields(refused)["client_key"])
    assert ActionItem.objects.count() == 1
    assert ActionItem.objects.get().action == body["action"]


def test_another_authors_key_is_theirs_alone(world, api, today):
    body = _body(today)
    assert api.as_user(world.store_manager_bund).post(URL, body).status_code == 201
    # HQ happens to send the same key (with another body): HQ's own action, no 409 betraying the other.
    assert api.as_user(world.hq).post(URL, {**body, "owner": "HQ"}).status_code == 201
    assert ActionItem.objects.count() == 2


def test_without_a_key_every_post_is_a_new_action(world, api, today):
    client = api.as_user(world.store_manager_bund)
    body = _body(today)
    del body["client_key"]
    assert client.post(URL, body).status_code == 201
    assert client.post(URL, body).status_code == 201
    assert ActionItem.objects.count() == 2
    assert client.post(URL, {**body, "client_key": None}).status_code == 201
    assert ActionItem.objects.count() == 3


@pytest.mark.parametrize("key", ["not-a-uuid", "", "1234", ["x"], {"a": 1}])
def test_a_malformed_key_is_a_400_naming_it(world, api, today, key):
    response = api.as_user(world.store_manager_bund).post(URL, {**_body(today), "client_key": key}, format="json")
    assert response.status_code == 400, response.content
    assert "client_key" in fields(response)
    assert not ActionItem.objects.exists()


def test_a_retry_after_midnight_still_answers_the_first_result(world, api, today):
    """The due date was today when the action was stored; the retry arrives tomorrow."""
    client = api.as_user(world.store_manager_bund)
    body = _body(today, due_on=str(clock.store_today(world.bund)))
    first = client.post(URL, body)
    assert first.status_code == 201, first.content
    with clock.pinned(clock.now() + dt.timedelta(days=1)):
        again = client.post(URL, body)
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert ActionItem.objects.count() == 1


def test_the_key_is_documented_in_the_openapi_schema(world, api):
    schema = api.as_user(world.hq).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    request = schema["components"]["schemas"]["ActionItemCreateInRequest"]
    field = request["properties"]["client_key"]
    assert field["format"] == "uuid"
    assert "client_key" not in request.get("required", [])
    assert "retry" in field["description"].lower()
    responses = schema["paths"]["/api/action-items/"]["post"]["responses"]
    assert {"200", "201", "409"} <= set(responses)


# --- Service ----------------------------------------------------------------------------------------


def _create(world, today, key, **overrides):
    arguments = {
        "store": world.bund,
        "item_key": "fries_hot",
        "action": "Fry in smaller batches",
        "owner": "王经理",
        "due_on": today + dt.timedelta(days=7),
        "by": world.store_manager_bund,
        "client_key": key,
        **overrides,
    }
    return services.action_item_create(**arguments)


def test_the_service_replays_and_refuses(world, today):
    key = uuid.uuid4()
    first = _create(world, today, key)
    assert first.replayed is False
    again = _create(world, today, key)
    assert (again.pk, again.replayed) == (first.pk, True)
    with pytest.raises(Conflict) as refused:
        _create(world, today, key, owner="someone else")
    assert "client_key" in refused.value.errors
    assert ActionItem.objects.count() == 1


def test_a_duplicate_that_slips_past_the_lookup_is_caught_by_the_unique_constraint(world, today, monkeypatch):
    """What a concurrent duplicate does: both look, neither finds, one insert wins."""
    key = uuid.uuid4()
    first = _create(world, today, key)
    looked_up = action_services._stored_under_key
    calls = []

    def miss_the_first_time(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else looked_up(**kwargs)

    monkeypatch.setattr(action_services, "_stored_under_key", miss_the_first_time)
    again = _create(world, today, key)
    assert (again.pk, again.replayed) == (first.pk, True)
    assert len(calls) == 2
    assert ActionItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_post_sent_30_times_from_6_threads_stores_one_action(world):
    body = _body(clock.store_today(world.bund))

    results = post_at_once(user=world.store_manager_bund, url=URL, body=body, times=30, threads=6)

    statuses = sorted(status for status, _body in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 29, statuses
    assert len({str(result) for _status, result in results}) == 1, "every response is the first result"
    assert ActionItem.objects.count() == 1


# --- Dashboard --------------------------------------------------------------------------------------

PAGE = "/stores/SH-BUND/"


def _form_key(html: str) -> str:
    form = html[html.index('id="action-form"') : html.index("</form>", html.index('id="action-form"'))]
    match = re.search(r'<input type="hidden" name="client_key" value="([0-9a-f-]{36})"', form)
    assert match, form
    return match.group(1)


def test_the_dashboard_form_carries_a_fresh_key_each_time_it_is_rendered(world):
    client = Client()
    client.force_login(world.store_manager_bund)
    first = _form_key(client.get(PAGE).content.decode())
    second = _form_key(client.get(PAGE).content.decode())
    assert first != second
    uuid.UUID(first)


def test_a_double_submitted_dashboard_form_stores_one_action(world):
    client = Client()
    client.force_login(world.store_manager_bund)
    key = _form_key(client.get(PAGE).content.decode())
    due = (clock.store_today(world.bund) + dt.timedelta(days=10)).isoformat()
    form = {"item_key": "fries_hot", "action": "Smaller batches", "owner": "李", "due_on": due, "client_key": key}
    first = client.post(f"{PAGE}actions/", form)
    again = client.post(f"{PAGE}actions/", form)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert ActionItem.objects.count() == 1
    assert str(ActionItem.objects.get().client_key) == key


def test_a_dashboard_form_resent_with_other_values_is_refused_beside_the_form(world):
    client = Client()
    client.force_login(world.store_manager_bund)
    key = _form_key(client.get(PAGE).content.decode())
    due = (clock.store_today(world.bund) + dt.timedelta(days=10)).isoformat()
    form = {"item_key": "fries_hot", "action": "Smaller batches", "owner": "李", "due_on": due, "client_key": key}
    assert client.post(f"{PAGE}actions/", form).status_code == 302
    refused = client.post(f"{PAGE}actions/", {**form, "owner": "王"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'id="action-errors"' in html
    # The form shown again carries a new key, so sending it now plans a new action.
    assert _form_key(html) != key
    assert ActionItem.objects.count() == 1
