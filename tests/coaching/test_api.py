"""``/api/action-items/`` and ``/api/follow-ups/`` as every persona."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from audits.models import Assignment, AssignmentStatus
from coaching.models import ActionItem
from tests import factories
from tests.api.problems import fields
from tests.auditor_api.conftest import certify
from tests.personas import PERSONAS, STORE_SIDE

# Who sees SH-BUND's plan, and who may write it.
BUND_READERS = {"store_manager_bund", "regional_manager_east", "reviewer", "hq"}
BUND_WRITERS = {"store_manager_bund", "hq"}


def _body(today, **overrides) -> dict:
    return {
        "store": "SH-BUND",
        "item_key": "fries_hot",
        "action": "Fry in smaller batches at lunch",
        "owner": "王经理",
        "due_on": str(today + dt.timedelta(days=14)),
        **overrides,
    }


# --- The store manager's round trip ------------------------------------------------------------


def test_a_store_manager_records_completes_and_reopens_an_action(world, api, today):
    client = api.as_user(world.store_manager_bund)

    created = client.post("/api/action-items/", _body(today))
    assert created.status_code == 201, created.content
    item = created.json()
    assert {key: item[key] for key in ("store", "store_name", "item_key", "standard", "status", "overdue")} == {
        "store": "SH-BUND",
        "store_name": "上海外滩餐厅",
        "item_key": "fries_hot",
        "standard": "Fries hot",
        "status": "open",
        "overdue": False,
    }
    assert item["done_at"] is None and item["created_by"] == "sm_bund"

    url = f"/api/action-items/{item['id']}/"
    assert client.get(url).json() == item
    assert [row["id"] for row in client.get("/api/action-items/").json()["results"]] == [item["id"]]

    patched = client.patch(url, {"owner": "李厨师", "due_on": str(today + dt.timedelta(days=3))})
    assert patched.status_code == 200, patched.content
    assert patched.json()["owner"] == "李厨师"

    done = client.post(f"{url}complete/")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["done_at"]
    reopened = client.post(f"{url}reopen/")
    assert reopened.status_code == 200
    assert (reopened.json()["status"], reopened.json()["done_at"]) == ("open", None)


def test_hq_may_write_any_stores_plan(world, api, today):
    response = api.as_user(world.hq).post("/api/action-items/", _body(today, store="BJ-WFJ"))
    assert response.status_code == 201, response.content


def test_the_api_refuses_action_plans_for_competitor_stores(world, api, today, make_action):
    rival = factories.StoreFactory(code="RIVAL", region=world.huangpu, is_competitor=True, competitor_brand="Other")
    world.store_manager_bund.managed_stores.add(rival)

    for user in (world.hq, world.store_manager_bund):
        response = api.as_user(user).post("/api/action-items/", _body(today, store="RIVAL"))
        assert response.status_code == 400, response.content
        assert list(fields(response)) == ["store"]
    assert not ActionItem.objects.filter(store=rival).exists()

    # A plan written before the store became a competitor's is frozen too.
    item = make_action()
    world.bund.is_competitor, world.bund.competitor_brand = True, "Other"
    world.bund.save(update_fields=["is_competitor", "competitor_brand"])
    client = api.as_user(world.store_manager_bund)
    url = f"/api/action-items/{item.pk}/"
    for response in (client.patch(url, {"owner": "李厨师"}), client.post(f"{url}complete/")):
        assert response.status_code == 400 and list(fields(response)) == ["store"], response.content
    item.refresh_from_db()
    assert (item.owner, item.status) == ("王经理", "open")


# --- Scope: someone else's action does not exist ---------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_bund_side_and_hq_see_or_touch_a_bund_action(world, api, make_action, persona):
    item = make_action()
    client = api.as_user(world.persona(persona))
    url = f"/api/action-items/{item.pk}/"

    listed = client.get("/api/action-items/")
    detail = client.get(url)
    patch = client.patch(url, {"owner": "someone"})
    complete = client.post(f"{url}complete/")
    reopen = client.post(f"{url}reopen/")

    if persona == "anonymous":
        assert {r.status_code for r in (listed, detail, patch, complete, reopen)} == {401}
        return
    if persona.startswith("auditor"):
        # Action plans name a store's weak standards: store results, which auditors never see.
        assert {r.status_code for r in (listed, detail, patch, complete, reopen)} == {403}
        return
    visible = persona in BUND_READERS
    assert [row["id"] for row in listed.json()["results"]] == ([item.pk] if visible else [])
    assert detail.status_code == (200 if visible else 404)
    if persona in BUND_WRITERS:
        assert (patch.status_code, complete.status_code, reopen.status_code) == (200, 200, 200)
    elif persona == "store_manager_wfj":  # not in scope: the action does not exist
        assert (patch.status_code, complete.status_code, reopen.status_code) == (404, 404, 404)
    else:  # regional managers and reviewers read, never write
        assert (patch.status_code, complete.status_code, reopen.status_code) == (403, 403, 403)
    item.refresh_from_db()
    assert item.owner == ("someone" if persona in BUND_WRITERS else "王经理")


@pytest.mark.parametrize("persona", ["store_manager_wfj", "regional_manager_east", "reviewer", "auditor_a"])
def test_nobody_but_the_stores_managers_and_hq_creates_an_action(world, api, today, persona):
    response = api.as_user(world.persona(persona)).post("/api/action-items/", _body(today))

    # Another store manager is told the store does not exist (codes cannot be probed).
    expected = 400 if persona == "store_manager_wfj" else 403
    assert response.status_code == expected, response.content
    if expected == 400:
        assert set(fields(response)) == {"store"}
    assert ActionItem.objects.count() == 0


def test_the_regional_manager_sees_the_east_stores_overview_but_cannot_write(world, api, today, make_action):
    make_action(due=-2)
    make_action(due=5)
    make_action(store=world.wangfujing, due=-1)
    client = api.as_user(world.regional_manager_east)

    overview = client.get("/api/action-items/overview/")

    assert overview.status_code == 200
    rows = {row["code"]: row for row in overview.json()}
    assert set(rows) == {"SH-BUND", "SH-PPL"}
    assert (rows["SH-BUND"]["open"], rows["SH-BUND"]["overdue"]) == (2, 1)
    assert (rows["SH-PPL"]["open"], rows["SH-PPL"]["overdue"]) == (0, 0)
    assert [row["code"] for row in client.get("/api/action-items/overview/?overdue=true").json()] == ["SH-BUND"]
    assert client.post("/api/action-items/", _body(today)).status_code == 403


@pytest.mark.parametrize("persona", ["auditor_a", "auditor_b"])
def test_auditors_get_no_overview(world, api, make_action, persona):
    make_action(due=-2)
    assert api.as_user(world.persona(persona)).get("/api/action-items/overview/").status_code == 403


def test_list_filters_by_store_status_and_overdue(world, api, make_action):
    late = make_action(due=-1)
    soon = make_action(due=4)
    done = make_action(done=True)
    wfj = make_action(store=world.wangfujing)
    client = api.as_user(world.hq)

    def ids(query):
        response = client.get(f"/api/action-items/?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("store=sh-bund") == {late.pk, soon.pk, done.pk}
    assert ids("status=done") == {done.pk}
    assert ids("overdue=true") == {late.pk}
    assert ids("overdue=false") == {soon.pk, done.pk, wfj.pk}
    assert client.get("/api/action-items/?status=closed").status_code == 400


# --- Bad input: 400 naming the field, nothing stored ----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_on": "2026-13-45"}, "due_on"),
        ({"due_on": "next friday"}, "due_on"),
        ({"due_on": "2020-01-01"}, "due_on"),
        ({"item_key": "no_such_item"}, "item_key"),
        ({"item_key": "remarks"}, "item_key"),
        ({"action": ""}, "action"),
        ({"action": "   "}, "action"),
        ({"action": "x" * 2001}, "action"),
        ({"owner": ""}, "owner"),
        ({"store": "NO-SUCH"}, "store"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(world, api, today, overrides, field):
    response = api.as_user(world.store_manager_bund).post("/api/action-items/", _body(today, **overrides))

    assert response.status_code == 400, response.content
    assert set(fields(response)) == {field}
    assert ActionItem.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "done"}, "status"),
        ({"item_key": "greeted"}, "item_key"),
        ({"store": "BJ-WFJ"}, "store"),
        ({"due_on": "tomorrow"}, "due_on"),
        ({"action": ""}, "action"),
    ],
)
def test_a_patch_names_what_it_cannot_change(world, api, make_action, body, field):
    item = make_action()

    response = api.as_user(world.store_manager_bund).patch(f"/api/action-items/{item.pk}/", body)

    assert response.status_code == 400, response.content
    assert set(fields(response)) == {field}
    assert ActionItem.objects.get(pk=item.pk).updated_at == item.updated_at


def test_put_and_delete_are_not_offered(world, api, make_action):
    item = make_action()
    client = api.as_user(world.hq)
    assert client.put(f"/api/action-items/{item.pk}/", {}).status_code == 405
    assert client.delete(f"/api/action-items/{item.pk}/").status_code == 405


# --- Query counts stay constant as rows grow ----------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 10])
def test_list_query_count_stays_constant(world, api, make_action, django_assert_num_queries, rows):
    for index in range(rows):
        make_action(due=index - 5)
        make_action(store=world.wangfujing)
    client = api.as_user(world.regional_manager_east)
    # token + user, managed region paths, count, page
    with django_assert_num_queries(4):
        response = client.get("/api/action-items/")
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_overview_query_count_stays_constant(world, api, make_action, django_assert_num_queries, rows):
    for index in range(rows):
        make_action(store=factories.StoreFactory(region=world.huangpu), due=-1)
        make_action(due=index)
    client = api.as_user(world.regional_manager_east)
    # token + user, managed region paths, the grouped query
    with django_assert_num_queries(3):
        response = client.get("/api/action-items/overview/")
    assert len(response.json()) == rows + 2


# --- Follow-up visits: HQ's, and invisible to the store side --------------------------------------------


@pytest.fixture
def follow_up_body(today):
    start = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return {
        "store": "SH-BUND",
        "window_start": str(start),
        "window_end": str(start + dt.timedelta(days=6)),
        "daypart": "dinner",
    }


def test_hq_plans_a_follow_up_visit_as_an_offered_assignment(world, api, make_action, follow_up_body):
    make_action(due=-3)
    certify(world.auditor_b, world.version)

    response = api.as_user(world.hq).post("/api/follow-ups/", follow_up_body)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["store"], body["auditor"], body["status"], body["daypart"]) == (
        "SH-BUND",
        "auditor_b",
        "offered",
        "dinner",
    )
    assert body["scorecard_version"] == world.version.pk
    assignment = Assignment.objects.get(pk=body["id"])
    assert assignment.status == AssignmentStatus.OFFERED


def test_a_follow_up_nobody_can_make_is_a_400_that_says_why(world, api, make_action, follow_up_body):
    make_action(due=-3)

    response = api.as_user(world.hq).post("/api/follow-ups/", follow_up_body)

    assert response.status_code == 400
    assert "no certified auditor" in fields(response)["auditor"][0]
    assert Assignment.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"window_start": "soon"}, "window_start"),
        ({"daypart": "brunch"}, "daypart"),
        ({"store": "NO-SUCH"}, "store"),
        ({"auditor": "sm_bund"}, "auditor"),
        ({"scorecard_version": 999999}, "scorecard_version"),
    ],
)
def test_bad_follow_up_input_names_the_field(world, api, make_action, follow_up_body, overrides, field):
    make_action(due=-3)
    response = api.as_user(world.hq).post("/api/follow-ups/", {**follow_up_body, **overrides})
    assert response.status_code == 400, response.content
    assert set(fields(response)) == {field}


def test_an_uncertified_auditor_named_by_hq_is_refused_with_the_apis_field_names(
    world, api, make_action, follow_up_body
):
    make_action(due=-3)
    response = api.as_user(world.hq).post("/api/follow-ups/", {**follow_up_body, "auditor": "auditor_b"})
    assert response.status_code == 400
    assert set(fields(response)) == {"auditor"}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "hq"])
def test_only_hq_plans_follow_ups(world, api, make_action, follow_up_body, persona):
    make_action(due=-3)
    certify(world.auditor_b, world.version)

    response = api.as_user(world.persona(persona)).post("/api/follow-ups/", follow_up_body)

    assert response.status_code == (401 if persona == "anonymous" else 403)
    assert Assignment.objects.count() == 0


@pytest.mark.parametrize("persona", STORE_SIDE)
def test_the_store_side_never_learns_a_follow_up_is_planned(world, api, make_action, follow_up_body, persona):
    item = make_action(due=-3)
    make_action(store=world.wangfujing, due=-3)
    certify(world.auditor_b, world.version)
    client = api.as_user(world.persona(persona))
    urls = [
        "/api/assignments/",
        "/api/action-items/",
        "/api/action-items/overview/",
        "/api/action-items/overview/?overdue=true",
        f"/api/action-items/{item.pk}/",
        "/api/stores/",
        f"/api/stores/{world.bund.pk}/",
    ]
    before = {url: client.get(url).content for url in urls}

    planned = api.as_user(world.hq).post("/api/follow-ups/", follow_up_body)
    assert planned.status_code == 201

    client = api.as_user(world.persona(persona))
    after = {url: client.get(url).content for url in urls}
    assert after == before
    assert client.get(f"/api/assignments/{planned.json()['id']}/").status_code == 404
    everything = json.dumps([json.loads(body) for body in after.values()], ensure_ascii=False)
    assert follow_up_body["window_start"] not in everything
    assert "auditor_b" not in everything and '"offered"' not in everything
