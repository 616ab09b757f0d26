"""A retried ``POST /api/disputes/`` answers the first result (issue 9).

Without a key a retry was refused ("This item already has an open dispute"), so a store manager
whose phone retried saw an error for a dispute that had been stored. With ``client_key`` (a UUID
made once per new dispute) the same key and body answer the dispute stored the first time (200,
nothing new stored), even after the dispute window has closed; the same key with another body
(another reason, another photo) is a 409 naming ``client_key``.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from PIL import Image

from audits.models import Dispute, Visit
from audits.services import reviews
from backend import clock
from backend.errors import Conflict
from tests.api.problems import fields
from tests.concurrency import post_at_once

URL = "/api/disputes/"


def _body(world, **overrides) -> dict:
    return {
        "visit": world.released_bund_visit.reference,
        "item": "fries_hot",
        "reason": "The fries were fresh",
        "client_key": str(uuid.uuid4()),
        **overrides,
    }


def _jpeg(colour=(10, 200, 10)) -> io.BytesIO:
    raw = io.BytesIO()
    Image.new("RGB", (120, 80), colour).save(raw, "JPEG")
    raw.seek(0)
    raw.name = "evidence.jpg"
    return raw


def test_a_retry_with_the_same_key_and_body_answers_the_first_result(world, api):
    client = api.as_user(world.store_manager_bund)
    body = _body(world)
    first = client.post(URL, body, format="json")
    assert first.status_code == 201, first.content
    again = client.post(URL, body, format="json")
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert Dispute.objects.count() == 1


def test_the_same_key_with_another_reason_is_a_409_naming_the_key(world, api):
    client = api.as_user(world.store_manager_bund)
    body = _body(world)
    assert client.post(URL, body, format="json").status_code == 201
    refused = client.post(URL, {**body, "reason": "Something else"}, format="json")
    assert refused.status_code == 409, refused.content
    assert list(fields(refused)) == ["client_key"]
    assert Dispute.objects.get().reason == body["reason"]


def test_a_retry_after_the_window_closed_still_answers_the_first_result(world, api):
    client = api.as_user(world.store_manager_bund)
    body = _body(world)
    first = client.post(URL, body, format="json")
    assert first.status_code == 201
    Visit.objects.filter(pk=world.released_bund_visit.pk).update(released_at=clock.now() - dt.timedelta(days=30))
    again = client.post(URL, body, format="json")
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]


def test_without_a_key_a_retry_is_refused_as_before(world, api):
    client = api.as_user(world.store_manager_bund)
    body = _body(world)
    del body["client_key"]
    assert client.post(URL, body, format="json").status_code == 201
    refused = client.post(URL, body, format="json")
    assert refused.status_code == 400 and "already has an open dispute" in fields(refused)["item"][0]
    assert Dispute.objects.count() == 1


def test_a_multipart_retry_with_the_same_photo_replays_and_another_photo_is_a_409(world, api):
    client = api.as_user(world.store_manager_bund)
    body = _body(world, reason="See photo")
    first = client.post(URL, {**body, "photo": _jpeg()}, format="multipart")
    assert first.status_code == 201, first.content
    again = client.post(URL, {**body, "photo": _jpeg()}, format="multipart")
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    other = client.post(URL, {**body, "photo": _jpeg((200, 10, 10))}, format="multipart")
    assert other.status_code == 409, other.content
    without = client.post(URL, body, format="multipart")
    assert without.status_code == 409, without.content
    assert Dispute.objects.count() == 1


@pytest.mark.parametrize("key", ["not-a-uuid", "", ["x"]])
def test_a_malformed_key_is_a_400_naming_it(world, api, key):
    response = api.as_user(world.store_manager_bund).post(URL, _body(world, client_key=key), format="json")
    assert response.status_code == 400, response.content
    assert "client_key" in fields(response)
    assert not Dispute.objects.exists()


def test_the_service_replays_even_when_a_duplicate_slips_past_the_lookup(world, monkeypatch):
    key = uuid.uuid4()
    arguments = {
        "visit": world.released_bund_visit,
        "item_key": "fries_hot",
        "reason": "hot",
        "by": world.store_manager_bund,
        "client_key": key,
    }
    first = reviews.dispute_open(**arguments)
    assert first.replayed is False
    assert reviews.dispute_open(**arguments).replayed is True
    with pytest.raises(Conflict) as refused:
        reviews.dispute_open(**{**arguments, "reason": "cold"})
    assert "client_key" in refused.value.errors

    looked_up, calls = reviews._dispute_under_key, []

    def miss_the_first_time(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else looked_up(**kwargs)

    monkeypatch.setattr(reviews, "_dispute_under_key", miss_the_first_time)
    # Past the lookup, the open-dispute check would refuse it; the replay must win.
    again = reviews.dispute_open(**arguments)
    assert (again.pk, again.replayed) == (first.pk, True)
    assert Dispute.objects.count() == 1


def test_the_key_is_documented_in_the_openapi_schema(world, api):
    schema = api.as_user(world.hq).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    field = schema["components"]["schemas"]["DisputeInRequest"]["properties"]["client_key"]
    assert field["format"] == "uuid" and "retry" in field["description"].lower()
    assert {"200", "201", "409"} <= set(schema["paths"]["/api/disputes/"]["post"]["responses"])


@pytest.mark.django_db(transaction=True)
def test_the_same_dispute_sent_20_times_from_5_threads_is_stored_once(world):
    body = _body(world)

    results = post_at_once(user=world.store_manager_bund, url=URL, body=body, times=20, threads=5)

    statuses = sorted(status for status, _body in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 19, statuses
    assert len({str(result) for _status, result in results}) == 1
    assert Dispute.objects.count() == 1
