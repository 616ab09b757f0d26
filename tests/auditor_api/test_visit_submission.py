import copy
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from audits.models import Answer, AssignmentStatus, Visit, VisitPhoto
from tests import factories
from tests.api.problems import fields, reasons
from tests.auditor_api.conftest import lunchtime, submission_body

URL = "/api/auditor/visits/"


def _counts():
    return Visit.objects.count(), Answer.objects.count(), VisitPhoto.objects.count()


def test_a_submitted_visit_is_stored_with_its_scores(world, api, make_assignment):
    assignment = make_assignment()
    response = api.as_user(world.auditor_a).post(URL, submission_body(assignment), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    # food (2 + 3 + 1) / 7 = 85.71; service (1 + 3) / 4 = 100 (upsell N/A); (2 x 85.71 + 100) / 3
    assert body["score"] == 90.5
    assert {section["key"]: section["score"] for section in body["sections"]} == {"food": 85.7, "service": 100.0}
    assert body["flags"] == [] and body["photos_missing"] == []
    visit = Visit.objects.get(uuid=body["uuid"])
    assert (visit.assignment, visit.receipt_number, visit.receipt_amount) == (assignment, "A-0192", Decimal("38.50"))
    assert visit.distance_m < 50
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.SUBMITTED


def test_a_retry_returns_the_first_result_and_stores_nothing_new(world, api, make_assignment):
    client = api.as_user(world.auditor_a)
    body = submission_body(make_assignment())
    first = client.post(URL, body, format="json")
    before = _counts()
    reordered = dict(reversed(list(body.items())))
    retry = client.post(URL, reordered, format="json")
    assert retry.status_code == 200
    assert retry.json() == first.json()
    assert _counts() == before


def test_the_same_uuid_with_a_different_body_is_409(world, api, make_assignment):
    client = api.as_user(world.auditor_a)
    body = submission_body(make_assignment())
    client.post(URL, body, format="json")
    changed = copy.deepcopy(body)
    changed["answers"][0]["value"] = False
    response = client.post(URL, changed, format="json")
    assert response.status_code == 409
    assert "different body" in response.json()["detail"]
    assert Visit.objects.get(uuid=body["uuid"]).score == Decimal("90.5")


def test_another_auditor_reusing_a_uuid_gets_409_and_learns_nothing(world, api, make_assignment):
    body = submission_body(make_assignment())
    api.as_user(world.auditor_a).post(URL, body, format="json")
    other = make_assignment(auditor=world.auditor_b, store=world.wangfujing)
    response = api.as_user(world.auditor_b).post(URL, {**body, "assignment": other.id}, format="json")
    assert response.status_code == 409
    assert "score" not in response.json()


def test_invalid_answers_are_400_by_item_key_and_nothing_is_stored(world, api, make_assignment):
    assignment = make_assignment()
    body = submission_body(assignment)
    body["answers"] = [
        {"item": "fries_hot", "value": "yes"},
        {"item": "burger_taste", "value": 7},
        {"item": "food_safe", "na": True},
        {"item": "greeted", "value": True},
        {"item": "greeted", "value": False},
        {"item": "nonsense", "value": 1},
        {"item": "upsell", "value": "yes"},
    ]
    before = _counts()
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 400
    answers = fields(response)["answers"]
    assert set(answers) == {"fries_hot", "burger_taste", "food_safe", "greeted", "nonsense", "wait_seconds"}
    assert answers["food_safe"] == ["N/A is not allowed for this item"]
    assert answers["wait_seconds"] == ["an answer is required"]
    assert answers["greeted"] == ["answered more than once"]
    assert _counts() == before
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


def test_malformed_fields_are_400_naming_the_field(world, api, make_assignment):
    body = submission_body(make_assignment(), uuid="not-a-uuid", checked_in_at="noon")
    body["location"]["latitude"] = "123"
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 400
    assert set(fields(response)) == {"uuid", "checked_in_at", "location"}


@pytest.mark.parametrize("state", ["someone_elses", "offered", "missing"])
def test_an_assignment_that_is_not_the_callers_or_not_accepted_is_refused(world, api, make_assignment, state):
    if state == "someone_elses":
        assignment = make_assignment(auditor=world.auditor_b, store=world.wangfujing)
    else:
        assignment = make_assignment(accepted=False)
    body = submission_body(assignment)
    if state == "missing":
        body["assignment"] = 999_999
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 400
    assert reasons(response)["/assignment"] == ["You have no accepted assignment with this id."]
    assert not Visit.objects.filter(uuid=body["uuid"]).exists()


def test_a_second_visit_for_the_same_assignment_is_refused(world, api, make_assignment):
    assignment = make_assignment()
    client = api.as_user(world.auditor_a)
    client.post(URL, submission_body(assignment), format="json")
    response = client.post(URL, submission_body(assignment), format="json")
    assert response.status_code == 400
    assert reasons(response)["/assignment"] == ["This assignment already has a visit."]


def test_a_photo_required_item_needs_a_planned_photo(world, api, make_assignment):
    sections = copy.deepcopy(factories.SMALL_CARD)
    sections[0]["items"][0]["photo_required"] = True
    version = factories.published_version(hq=world.hq, code="PHOTO", sections=sections)
    assignment = make_assignment(version=version)
    body = submission_body(assignment)
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 400
    assert "photo evidence is required" in fields(response)["answers"]["fries_hot"][0]
    photo = str(uuid.uuid4())
    body["photos"] = [{"uuid": photo, "item": "fries_hot"}]
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["photos_missing"] == [{"uuid": photo, "item": "fries_hot", "status": "expected"}]


def test_a_visit_outside_its_window_or_far_away_is_stored_and_flagged(world, api, make_assignment):
    assignment = make_assignment(days=(1, 5))
    body = submission_body(assignment)
    # 0.01° (1112 m) north of the store
    body["location"] = {"latitude": "31.2500", "longitude": "121.4903", "accuracy": 20}
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 201
    assert [flag["code"] for flag in response.json()["flags"]] == ["outside_window", "far_from_store"]
    assert response.json()["flags"][1]["detail"].startswith("Checked in 1112 m from the store (fix accuracy 20 m)")


def test_a_poor_gps_fix_is_not_flagged_when_its_accuracy_explains_the_distance(world, api, make_assignment):
    body = submission_body(make_assignment())
    body["location"] = {"latitude": "31.2440", "longitude": "121.4903", "accuracy": 250}  # ~480 m off
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.json()["flags"] == []


def test_a_check_in_outside_the_daypart_is_flagged(world, api, make_assignment):
    body = submission_body(make_assignment(daypart="breakfast"))
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert [flag["code"] for flag in response.json()["flags"]] == ["outside_daypart"]


def test_a_complaint_test_result_is_required_when_assigned_and_scored(world, api, make_assignment):
    assignment = make_assignment(scenario=factories.complaint_scenario())
    client = api.as_user(world.auditor_a)
    body = submission_body(assignment)
    assert "complaint" in fields(client.post(URL, body, format="json"))
    body["complaint"] = {"observed": ["acknowledged", "apologised", "remedy"], "seconds_to_resolution": 140}
    response = client.post(URL, body, format="json")
    assert response.status_code == 201
    assert (response.json()["complaint_score"], response.json()["complaint_passed"]) == (80.0, True)


def test_own_visits_are_listed_with_what_was_received(world, api, make_assignment):
    client = api.as_user(world.auditor_a)
    body = submission_body(make_assignment())
    client.post(URL, body, format="json")
    listed = client.get(URL).json()["results"]
    assert body["uuid"] in {row["uuid"] for row in listed}
    detail = client.get(f"{URL}{body['uuid']}/").json()
    received = {answer["item"]: answer for answer in detail["answers"]}
    assert received["fries_hot"] == {"item": "fries_hot", "value": True, "na": False, "comment": "hot and crisp"}
    assert received["upsell"]["na"] is True and received["remarks"]["value"] == "clean and quick"
    assert detail["photos_missing"] == []


def test_another_auditor_gets_404_for_the_visit(world, api, make_assignment):
    body = submission_body(make_assignment())
    api.as_user(world.auditor_a).post(URL, body, format="json")
    assert api.as_user(world.auditor_b).get(f"{URL}{body['uuid']}/").status_code == 404
    assert body["uuid"] not in str(api.as_user(world.auditor_b).get(URL).json())


def test_an_oversized_body_is_413(world, api, make_assignment, settings):
    settings.INCOGNITO = {**settings.INCOGNITO, "MAX_JSON_BODY_BYTES": 2048}
    body = submission_body(make_assignment(), summary="x" * 4000)
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 413
    assert "limit is 2048 bytes" in response.json()["detail"]


def _card_with(items: int) -> list[dict]:
    return [
        {
            "key": "all",
            "title": "All",
            "weight": Decimal(1),
            "items": [
                {"key": f"item_{n}", "prompt": f"Item {n}", "type": "yes_no", "max_points": Decimal(1)}
                for n in range(items)
            ],
        }
    ]


@pytest.mark.parametrize("items", [10, 200])
def test_a_submission_costs_the_same_number_of_queries_for_10_and_200_items(
    world, api, make_assignment, django_assert_num_queries, items
):
    version = factories.published_version(hq=world.hq, code=f"N{items}", sections=_card_with(items))
    assignment = make_assignment(version=version)
    body = submission_body(assignment, answers=[{"item": f"item_{n}", "value": n % 3 > 0} for n in range(items)])
    client = api.as_user(world.auditor_a)
    with django_assert_num_queries(QUERIES_PER_SUBMISSION):
        response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.content


# token, assignment, the card (sections, items, options, bands: each version is compiled once,
# then cached), visit, answers, section scores, assignment update, the transaction and a savepoint.
QUERIES_PER_SUBMISSION = 14


def test_visits_outside_the_window_are_never_lost_even_days_later(world, api, make_assignment):
    assignment = make_assignment()
    # Accepted in time, but the window has since passed: the visit still counts for review.
    assignment.window_start = assignment.window_start - dt.timedelta(days=20)
    assignment.window_end = assignment.window_start + dt.timedelta(days=5)
    assignment.save()
    checked_in = lunchtime(days_ago=2)
    body = submission_body(
        assignment, checked_in_at=checked_in.isoformat(), checked_out_at=checked_in.replace(minute=40).isoformat()
    )
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["flags"][0]["code"] == "outside_window"
