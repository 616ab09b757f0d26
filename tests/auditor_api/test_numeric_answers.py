"""Numeric answers are refused at input unless they fit the column exactly (issue 9).

A numeric answer takes at most ``scoring.NUMERIC_DECIMAL_PLACES`` (3) decimal places and must lie
strictly between -``NUMERIC_LIMIT`` and ``NUMERIC_LIMIT`` (1,000,000,000): exactly what
``Answer.value_number`` (12 digits, 3 decimals) stores without rounding, so the value stored is the
value that was scored. Anything else is a 400 naming the item key and the limit, and stores nothing.
"""

import json
from decimal import Decimal

import pytest

from audits.models import Answer, AnswerAmendment, AssignmentStatus, Visit
from scorecards import scoring
from tests import factories
from tests.api.problems import fields
from tests.auditor_api.conftest import submission_body

URL = "/api/auditor/visits/"
RANGE_TEXT = "1,000,000,000"


def _with_wait(assignment, value) -> dict:
    body = submission_body(assignment)
    for answer in body["answers"]:
        if answer["item"] == "wait_seconds":
            answer["value"] = value
    return body


def _counts():
    return Visit.objects.count(), Answer.objects.count(), AnswerAmendment.objects.count()


def test_the_limits_are_one_documented_pair_of_constants():
    assert scoring.NUMERIC_DECIMAL_PLACES == 3
    assert Decimal(1_000_000_000) == scoring.NUMERIC_LIMIT
    field = Answer._meta.get_field("value_number")
    # The largest accepted magnitude, 999,999,999.999, is exactly what the column holds.
    assert field.decimal_places == scoring.NUMERIC_DECIMAL_PLACES
    assert field.max_digits - field.decimal_places == len(str(scoring.NUMERIC_LIMIT)) - 1


def test_more_than_three_decimal_places_is_400_naming_the_item_and_stores_nothing(world, api, make_assignment):
    assignment = make_assignment()
    before = _counts()
    response = api.as_user(world.auditor_a).post(URL, _with_wait(assignment, 119.9996), format="json")
    assert response.status_code == 400, response.content
    problem = fields(response)["answers"]["wait_seconds"][0]
    assert "119.9996" in problem and "3 decimal places" in problem
    assert _counts() == before
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED


@pytest.mark.parametrize("value", [1e9, 1_000_000_000, -1e9, 1e12, 1e300, "1e9", "NaN", "Infinity", "-inf", "sNaN"])
def test_out_of_range_and_non_finite_numbers_are_400_naming_the_item_and_the_limit(world, api, make_assignment, value):
    assignment = make_assignment()
    before = _counts()
    client = api.as_user(world.auditor_a)
    response = client.post(URL, _with_wait(assignment, value), format="json")
    assert response.status_code == 400, response.content
    assert set(fields(response)["answers"]) == {"wait_seconds"}
    assert RANGE_TEXT in fields(response)["answers"]["wait_seconds"][0]
    assert _counts() == before
    # One typo never blocks anyone: the queue and every visit still read.
    reviewer = api.as_user(world.reviewer)
    assert reviewer.get("/api/review/visits/").status_code == 200
    assert reviewer.get(f"/api/visits/{world.pending_bund_visit.id}/").status_code == 200
    assert reviewer.get(f"/api/review/visits/{world.pending_bund_visit.id}/").status_code == 200
    assert api.as_user(world.auditor_a).get(URL).status_code == 200


def test_a_json_number_too_large_for_a_float_is_400_under_answers_and_stores_nothing(world, api, make_assignment):
    # 1e400 parses to float('inf'). The API's body parser may refuse it by its path in the body
    # (answers.<index>.value); whatever gets past it is refused by the service by item key.
    assignment = make_assignment()
    body = _with_wait(assignment, 0)
    index = next(n for n, answer in enumerate(body["answers"]) if answer["item"] == "wait_seconds")
    raw = api.as_user(world.auditor_a).post(
        URL, data=json.dumps(body).replace('"value": 0', '"value": 1e400'), content_type="application/json"
    )
    assert raw.status_code == 400, raw.content
    problems = fields(raw)["answers"]
    assert "wait_seconds" in problems or str(index) in problems, problems
    if "wait_seconds" in problems:
        assert RANGE_TEXT in problems["wait_seconds"][0]
    assert not Visit.objects.filter(uuid=body["uuid"]).exists()
    assert api.as_user(world.reviewer).get("/api/review/visits/").status_code == 200


@pytest.mark.parametrize("value", [Decimal("999999999.999"), Decimal("-999999999.999")])
def test_the_extremes_of_the_range_are_stored_exactly(world, api, make_assignment, value):
    version = factories.published_version(hq=world.hq, code="WIDE", sections=_card_with_open_bands())
    assignment = make_assignment(version=version)
    body = submission_body(assignment, answers=[{"item": "amount", "value": str(value)}])
    response = api.as_user(world.auditor_a).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    assert Answer.objects.get(visit__uuid=body["uuid"]).value_number == value
    assert api.as_user(world.reviewer).get("/api/review/visits/").status_code == 200


def test_three_decimals_are_stored_exactly_and_an_unrelated_amendment_keeps_the_score(world, api, make_assignment):
    assignment = make_assignment()
    client = api.as_user(world.auditor_a)
    created = client.post(URL, _with_wait(assignment, 119.999), format="json")
    assert created.status_code == 201, created.content
    visit = Visit.objects.get(uuid=created.json()["uuid"])
    stored = Answer.objects.get(visit=visit, item__key="wait_seconds")
    assert stored.value_number == Decimal("119.999") and stored.earned_points == 3
    amended = api.as_user(world.reviewer).post(
        f"/api/review/visits/{visit.id}/amend/", {"item": "remarks", "value": "tidy", "reason": "typo"}, format="json"
    )
    assert amended.status_code == 200, amended.content
    assert amended.json()["score"] == float(visit.score)
    stored = Answer.objects.get(visit=visit, item__key="wait_seconds")
    assert stored.value_number == Decimal("119.999") and stored.earned_points == 3


@pytest.mark.parametrize("value", [119.9996, 1e9, 1e12, 1e300, "NaN", "Infinity"])
def test_an_amendment_to_a_bad_number_is_400_naming_the_item_and_changes_nothing(world, api, value):
    visit = world.pending_bund_visit
    score, before = visit.score, _counts()
    response = api.as_user(world.reviewer).post(
        f"/api/review/visits/{visit.id}/amend/", {"item": "wait_seconds", "value": value, "reason": "x"}, format="json"
    )
    assert response.status_code == 400, response.content
    problem = fields(response)["answers"]["wait_seconds"][0]
    assert ("3 decimal places" in problem) if value == 119.9996 else (RANGE_TEXT in problem)
    visit.refresh_from_db()
    assert visit.score == score and _counts() == before
    assert api.as_user(world.reviewer).get("/api/review/visits/").status_code == 200
    assert api.as_user(world.reviewer).get(f"/api/visits/{visit.id}/").status_code == 200


@pytest.mark.parametrize("value", [119.9996, 1e12, "NaN"])
def test_a_dispute_amended_to_a_bad_number_is_400_and_stays_open(world, api, value):
    visit = world.released_bund_visit
    opened = api.as_user(world.store_manager_bund).post(
        "/api/disputes/", {"visit": visit.reference, "item": "wait_seconds", "reason": "It was quick"}, format="json"
    )
    assert opened.status_code == 201, opened.content
    response = api.as_user(world.reviewer).post(
        f"/api/disputes/{opened.json()['id']}/resolve/",
        {"outcome": "amended", "note": "Rescored", "value": value},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "wait_seconds" in fields(response)["answers"]
    assert api.as_user(world.reviewer).get(f"/api/disputes/{opened.json()['id']}/").json()["status"] == "open"
    visit.refresh_from_db()
    assert visit.score == Decimal("100.0") and not visit.amendments.exists()


def test_a_resubmission_with_a_bad_number_is_400_and_keeps_the_visit_returned(world, api, make_assignment):
    assignment = make_assignment()
    auditor = api.as_user(world.auditor_a)
    body = submission_body(assignment)
    assert auditor.post(URL, body, format="json").status_code == 201
    visit = Visit.objects.get(uuid=body["uuid"])
    returned = api.as_user(world.reviewer).post(
        f"/api/review/visits/{visit.id}/return/", {"note": "Check the wait"}, format="json"
    )
    assert returned.status_code == 200
    answers = [{**answer, "value": 1e12} if answer["item"] == "wait_seconds" else answer for answer in body["answers"]]
    auditor = api.as_user(world.auditor_a)  # one client: as_user() switches who it signs in as
    response = auditor.post(f"{URL}{visit.uuid}/resubmit/", {"answers": answers}, format="json")
    assert response.status_code == 400, response.content
    assert RANGE_TEXT in fields(response)["answers"]["wait_seconds"][0]
    visit.refresh_from_db()
    assert (visit.status, visit.revision) == ("returned", 1)
    assert Answer.objects.get(visit=visit, item__key="wait_seconds").value_number == 95


def _card_with_open_bands():
    return [
        {
            "key": "money",
            "title": "Money",
            "weight": Decimal(1),
            "items": [
                {
                    "key": "amount",
                    "prompt": "Amount",
                    "type": "numeric",
                    "max_points": Decimal(1),
                    "bands": [
                        {"lower": Decimal("-999999999.999"), "upper": Decimal(0), "points": Decimal(0)},
                        {"lower": Decimal(0), "upper": None, "points": Decimal(1)},
                    ],
                }
            ],
        }
    ]
