"""Hostile input answers a 400 naming the field, never a 500, and stores nothing (issue 9).

A JSON body nested 5,000 deep was a ``RecursionError``; a lone surrogate (``"\\ud800"``) in a
visit's text a ``UnicodeEncodeError`` while fingerprinting the submission; NUL characters a
``DataError`` on PostgreSQL; integers beyond 64 bits an ``OverflowError`` on SQLite (numeric
overflow on PostgreSQL). The project's JSON parser (``backend.api.parsers``, the API's default)
refuses them all with the error format's nested shape: the path to the bad value, lists by index
(``{"answers": {"0": {"comment": ["..."]}}}``). Query strings, paths and form bodies go through
``backend.middleware.HostileInputMiddleware`` (NUL and surrogates), and id filters are bounded.
"""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.test import Client
from rest_framework.exceptions import ValidationError

from audits.models import Answer, Dispute, Visit
from backend import clock
from backend.api.parsers import INT64_MAX, INT64_MIN, MAX_DEPTH, FormParser
from coaching.models import ActionItem
from tests.api.problems import fields, reasons
from tests.auditor_api.conftest import submission_body

VISITS = "/api/auditor/visits/"
NUL_MESSAGE = "Null characters are not allowed."


def _raw(body) -> str:
    # ensure_ascii escapes lone surrogates as \ud800, exactly what a hostile client sends.
    return json.dumps(body, ensure_ascii=True)


def _post(client, url, raw: str):
    return client.post(url, data=raw, content_type="application/json")


def _nested(depth: int):
    value: object = "bottom"
    for _level in range(depth):
        value = [value]
    return value


@pytest.fixture
def auditor(world, api):
    return api.as_user(world.auditor_a)


@pytest.fixture
def body(make_assignment):
    return submission_body(make_assignment())


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Visit, Answer, ActionItem, Dispute))


@pytest.fixture
def unchanged(body):
    """``unchanged()`` asserts that nothing was stored since the test's data was made."""
    before = _counts()

    def check() -> None:
        assert _counts() == before

    return check


def _with_comment(body: dict, comment) -> dict:
    answers = [dict(answer) for answer in body["answers"]]
    answers[0]["comment"] = comment
    return {**body, "answers": answers}


# --- Deep nesting ----------------------------------------------------------------------------


def test_a_body_nested_5000_deep_names_the_field(world, auditor, body, unchanged):
    raw = _raw(body)[:-1] + ', "answers_extra": ' + "[" * 5000 + "]" * 5000 + "}"
    response = _post(auditor, VISITS, raw)
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["answers_extra"]
    assert str(MAX_DEPTH) in fields(response)["answers_extra"][0]
    unchanged()


def test_a_bare_array_nested_5000_deep_is_a_non_field_error(world, auditor):
    response = _post(auditor, VISITS, "[" * 5000 + "]" * 5000)
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["non_field_errors"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 200, 900])
def test_nesting_deeper_than_the_limit_that_python_can_parse_is_refused_too(world, auditor, body, depth, unchanged):
    response = _post(auditor, VISITS, _raw(_with_comment(body, _nested(depth))))
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["answers"]
    unchanged()


def test_nesting_within_the_limit_is_left_to_the_serializers(world, auditor, body):
    # An unknown field nested 60 deep is simply ignored, like any unknown field.
    response = _post(auditor, VISITS, _raw({**body, "extra": _nested(MAX_DEPTH - 4)}))
    assert response.status_code == 201, response.content


# --- Lone surrogates and NUL characters --------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [("\ud800", "Surrogate characters are not allowed: U+D800."), ("cold\x00fries", NUL_MESSAGE)],
)
def test_bad_characters_in_a_comment_name_the_answer_and_field(world, auditor, body, bad, message, unchanged):
    response = _post(auditor, VISITS, _raw(_with_comment(body, bad)))
    assert response.status_code == 400, response.content
    assert reasons(response) == {"/answers/0/comment": [message]}
    unchanged()


@pytest.mark.parametrize("bad", ["\udfff", "a\x00"])
def test_bad_characters_in_a_text_answer_value(world, auditor, body, bad, unchanged):
    answers = [*body["answers"][:-1], {"item": "remarks", "value": bad}]
    response = _post(auditor, VISITS, _raw({**body, "answers": answers}))
    assert response.status_code == 400, response.content
    assert list(fields(response)["answers"][str(len(answers) - 1)]) == ["value"]
    unchanged()


@pytest.mark.parametrize("bad", ["\ud800", "\x00"])
def test_bad_characters_in_an_unknown_field_or_a_key(world, auditor, body, bad, unchanged):
    response = _post(auditor, VISITS, _raw({**body, "extra": {"note": f"x{bad}"}}))
    assert response.status_code == 400, response.content
    assert list(reasons(response)) == ["/extra/note"] and len(reasons(response)["/extra/note"]) == 1
    # A bad key is named by where it is: the object that holds it.
    response = _post(auditor, VISITS, _raw({**body, "location": {**body["location"], f"k{bad}": 1}}))
    assert response.status_code == 400, response.content
    assert list(reasons(response)) == ["/location"]
    response = _post(auditor, VISITS, _raw({**body, f"k{bad}": 1}))
    assert response.status_code == 400, response.content
    assert list(reasons(response)) == [""]
    unchanged()


def test_a_retry_of_a_refused_body_is_refused_the_same_way(world, auditor, body, unchanged):
    raw = _raw(_with_comment(body, "\ud800"))
    assert _post(auditor, VISITS, raw).json() == _post(auditor, VISITS, raw).json()
    unchanged()


# --- Numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [INT64_MAX + 1, INT64_MIN - 1, 2**70, -(2**200)])
def test_integers_beyond_64_bits_name_the_field(world, auditor, body, number, unchanged):
    response = _post(auditor, VISITS, _raw({**body, "assignment": number}))
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["assignment"]
    response = _post(auditor, VISITS, _raw({**body, "complaint": {"observed": [], "seconds_to_resolution": number}}))
    assert response.status_code == 400, response.content
    assert list(reasons(response)) == ["/complaint/seconds_to_resolution"]
    assert len(reasons(response)["/complaint/seconds_to_resolution"]) == 1
    unchanged()


def test_the_64_bit_bounds_themselves_reach_the_serializers(world, auditor, body):
    response = _post(auditor, VISITS, _raw({**body, "assignment": INT64_MAX}))
    assert response.status_code == 400
    assert reasons(response) == {"/assignment": ["You have no accepted assignment with this id."]}


def test_a_number_too_large_for_a_float_is_refused(world, auditor, body, unchanged):
    raw = _raw(body)[:-1] + ', "extra": [1e400]}'
    response = _post(auditor, VISITS, raw)
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["extra"]
    unchanged()


# --- Other write endpoints ------------------------------------------------------------------------


def test_action_items_refuse_a_nul_in_the_store_code(world, api):
    today = clock.store_today(world.bund)
    body = {"store": "SH-BUND\x00", "item_key": "fries_hot", "action": "a", "owner": "b", "due_on": str(today)}
    response = _post(api.as_user(world.store_manager_bund), "/api/action-items/", _raw(body))
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["store"]
    assert not ActionItem.objects.exists()


def test_follow_ups_refuse_a_form_encoded_body_as_an_unsupported_media_type(world, api):
    # The API's bodies are JSON (issue 11): a form body is refused before anything reads it.
    response = api.as_user(world.hq).post(
        "/api/follow-ups/",
        "store=SH-BUND%00&window_start=2030-01-02&window_end=2030-01-03&daypart=lunch",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415, response.content
    assert "application/x-www-form-urlencoded" in response.json()["detail"]


def test_the_form_parser_refuses_a_nul_naming_the_field():
    # No view takes form bodies today; the project's FormParser still refuses what no field holds.
    with pytest.raises(ValidationError) as refused:
        FormParser().parse(
            io.BytesIO(b"store=SH-BUND%00&daypart=lunch"), "application/x-www-form-urlencoded", {"encoding": "utf-8"}
        )
    assert list(refused.value.detail) == ["store"]


def test_disputes_refuse_a_nul_in_a_multipart_body(world, api):
    response = api.as_user(world.store_manager_bund).post(
        "/api/disputes/",
        {"visit": str(world.released_bund_visit.pk), "item": "fries\x00hot", "reason": "cold"},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["item"]
    assert not Dispute.objects.exists()


def test_disputes_refuse_a_surrogate_in_json(world, api):
    body = {"visit": world.released_bund_visit.pk, "item": "fries_hot", "reason": "cold \ud800", "x": 2**64}
    response = _post(api.as_user(world.store_manager_bund), "/api/disputes/", _raw(body))
    assert response.status_code == 400, response.content
    assert set(fields(response)) == {"reason", "x"}
    assert not Dispute.objects.exists()


# --- Query strings, paths, form bodies -----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/visits/?scorecard=99999999999999999999",
        "/api/visits/?scorecard=-99999999999999999999",
        "/api/visits/?scorecard=1e30",
    ],
)
def test_id_filters_beyond_64_bits_are_a_400_naming_the_parameter(world, api, url):
    response = api.as_user(world.hq).get(url)
    assert response.status_code == 400, response.content
    assert list(fields(response)) == ["scorecard"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/assignments/99999999999999999999/",
        "/api/visits/99999999999999999999/",
        "/api/action-items/99999999999999999999/",
        "/api/disputes/99999999999999999999/",
        "/api/review/visits/99999999999999999999/",
        "/api/assignments/?store=99999999999999999999",
        "/api/scorecard-versions/?template=99999999999999999999",
        "/api/regions/?depth=99999999999999999999",
    ],
)
def test_huge_ids_in_paths_and_lookups_are_never_a_500(world, api, url):
    assert api.as_user(world.hq).get(url).status_code in (200, 400, 404)


@pytest.mark.parametrize(
    ("query", "named"),
    [("format=json%00", "format"), ("q=%00", "q"), ("status=%00", "status"), ("x%00=1", "non_field_errors")],
)
def test_nul_in_an_api_query_string_is_a_400_naming_the_parameter(world, api, query, named):
    response = api.as_user(world.hq).get(f"/api/visits/?{query}")
    assert response.status_code == 400, response.content
    assert list(fields(response)) == [named]


def test_nul_in_a_dashboard_path_or_query_is_a_400_page(world):
    client = Client()
    client.force_login(world.hq)
    for url in ["/stores/SH-BUND%00/", "/stores/%00/", "/comparison/?sort=%00", "/stores/SH-BUND/?plan=%00"]:
        response = client.get(url)
        assert response.status_code == 400, url
        assert "Bad request" in response.content.decode()


def test_nul_in_a_dashboard_form_body_is_a_400_and_stores_nothing(world):
    today = clock.store_today(world.bund)
    client = Client()
    client.force_login(world.store_manager_bund)
    response = client.post(
        "/stores/SH-BUND/actions/",
        {
            "item_key": "fries_hot",
            "action": "a\x00",
            "owner": "b",
            "due_on": str(today),
            "client_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    assert not ActionItem.objects.exists()


@pytest.fixture
def staff(world):
    world.hq.is_staff = True
    world.hq.is_superuser = True
    world.hq.save()
    client = Client()
    client.force_login(world.hq)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/audits/visit/?q=%00",
        "/admin/branches/store/?q=%00",
        "/admin/branches/store/?region__id__exact=99999999999999999999",
        "/admin/branches/store/99999999999999999999/change/",
        "/admin/coaching/actionitem/?status__exact=%00",
    ],
)
def test_the_admin_never_answers_500(staff, url):
    assert staff.get(url).status_code in (200, 302, 400, 404)


def test_nul_in_an_admin_form_is_a_400_and_stores_nothing(staff, world):
    from branches.models import Store

    before = Store.objects.count()
    response = staff.post(
        "/admin/branches/store/add/",
        {"code": "SH-NEW", "name": "新店\x00", "region": world.huangpu.pk, "city": "上海", "timezone": "Asia/Shanghai"},
    )
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert Store.objects.count() == before
