"""Review, release, return and resubmit, reject, amend, and the store's disputes."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from audits.models import AnswerAmendment, Dispute, Visit, VisitRevision
from audits.services import reviews
from backend import clock
from tests.api.problems import detail, fields
from tests.auditor_api.conftest import submission_body


@pytest.fixture
def submitted(world, api, make_assignment):
    body = submission_body(make_assignment())
    response = api.as_user(world.auditor_a).post("/api/auditor/visits/", body, format="json")
    assert response.status_code == 201
    return Visit.objects.get(uuid=body["uuid"])


def review(api, world, visit, action, body=None):
    return api.as_user(world.reviewer).post(f"/api/review/visits/{visit.id}/{action}/", body or {}, format="json")


def test_a_submitted_visit_is_invisible_to_the_store_until_released(world, api, submitted):
    def as_store():
        return api.as_user(world.store_manager_bund).get(f"/api/visits/{submitted.reference}/")

    assert as_store().status_code == 404
    assert review(api, world, submitted, "start").json()["status"] == "in_review"
    assert as_store().status_code == 404
    assert review(api, world, submitted, "release").json()["status"] == "released"
    assert as_store().json()["score"] == 90.5


def test_the_review_queue_shows_flags_with_their_reasons(world, api, make_assignment):
    body = submission_body(make_assignment(daypart="breakfast"))
    api.as_user(world.auditor_a).post("/api/auditor/visits/", body, format="json")
    rows = api.as_user(world.reviewer).get("/api/review/visits/?status=submitted").json()["results"]
    flagged = next(row for row in rows if row["uuid"] == body["uuid"])
    assert flagged["flags"][0]["code"] == "outside_daypart"
    assert "breakfast runs 06:00" in flagged["flags"][0]["detail"]


def test_returned_visits_go_back_with_item_comments_and_a_resubmission_keeps_the_revision_before(world, api, submitted):
    response = review(api, world, submitted, "return", {"note": "Please check", "items": {"burger_taste": "Recheck"}})
    assert response.json()["status"] == "returned"
    auditor = api.as_user(world.auditor_a)
    detail = auditor.get(f"/api/auditor/visits/{submitted.uuid}/").json()
    assert detail["status"] == "returned" and detail["returned_note"] == "Please check"
    assert {"revision": 1, "item": "burger_taste", "comment": "Recheck"} in detail["review_comments"]

    answers = [{"item": a["item"], "value": a["value"], "na": a["na"]} for a in detail["answers"]]
    for answer in answers:
        if answer["item"] == "burger_taste":
            answer["value"] = 5
    resubmitted = auditor.post(f"/api/auditor/visits/{submitted.uuid}/resubmit/", {"answers": answers}, format="json")
    assert resubmitted.status_code == 200, resubmitted.content
    assert resubmitted.json()["status"] == "submitted" and resubmitted.json()["score"] == 100.0
    retry = auditor.post(f"/api/auditor/visits/{submitted.uuid}/resubmit/", {"answers": answers}, format="json")
    assert retry.status_code == 200 and VisitRevision.objects.filter(visit=submitted).count() == 1
    revision = VisitRevision.objects.get(visit=submitted)
    assert (revision.number, revision.score) == (1, Decimal("90.5"))
    assert {"item": "burger_taste", "value": 4, "na": False, "comment": ""} in revision.answers


def test_only_a_returned_visit_can_be_resubmitted(world, api, submitted):
    response = api.as_user(world.auditor_a).post(
        f"/api/auditor/visits/{submitted.uuid}/resubmit/", {"answers": []}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()


def test_a_rejected_visit_never_counts_and_says_why(world, api, submitted):
    assert review(api, world, submitted, "reject", {"reason": ""}).status_code == 400
    response = review(api, world, submitted, "reject", {"reason": "Auditor recognised by staff"})
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Auditor recognised by staff"
    assert review(api, world, submitted, "release").status_code == 400
    assert api.as_user(world.regional_manager_east).get(f"/api/visits/{submitted.reference}/").status_code == 404


def test_an_amendment_recomputes_the_score_and_keeps_the_original_with_who_when_why(world, api, submitted):
    response = review(
        api, world, submitted, "amend", {"item": "fries_hot", "value": False, "reason": "Photo shows soggy fries"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    # food (0 + 3 + 1) / 7 = 57.14; service 100; (2 x 57.14 + 100) / 3
    assert body["score"] == 71.4
    amendment = body["amendments"][0]
    assert amendment["before"] == {"value": True, "na": False, "comment": "hot and crisp"}
    assert amendment["after"]["value"] is False
    assert (amendment["score_before"], amendment["score_after"]) == (90.5, 71.4)
    assert amendment["amended_by"] == "reviewer" and amendment["reason"] == "Photo shows soggy fries"


def test_an_invalid_amendment_is_400_and_changes_nothing(world, api, submitted):
    response = review(api, world, submitted, "amend", {"item": "burger_taste", "value": 9, "reason": "x"})
    assert response.status_code == 400 and "burger_taste" in fields(response)["answers"]
    submitted.refresh_from_db()
    assert submitted.score == Decimal("90.5") and not AnswerAmendment.objects.exists()


@pytest.mark.parametrize("persona", ["auditor_a", "store_manager_bund", "regional_manager_east"])
def test_only_reviewers_and_hq_use_the_review_endpoints(world, api, submitted, persona):
    client = api.as_user(world.persona(persona))
    assert client.get("/api/review/visits/").status_code == 403
    assert client.post(f"/api/review/visits/{submitted.id}/release/").status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


# --- Disputes ------------------------------------------------------------------------------------


def dispute(api, world, visit, item="fries_hot", reason="The fries were fresh", **extra):
    body = {"visit": visit.reference, "item": item, "reason": reason, **extra}
    return api.as_user(world.store_manager_bund).post("/api/disputes/", body, format="json")


def test_a_store_manager_disputes_a_reviewer_amends_and_the_store_sees_the_new_score_and_history(world, api):
    visit = world.released_bund_visit
    opened = dispute(api, world, visit, item="burger_taste")
    assert opened.status_code == 201, opened.content
    assert opened.json()["status"] == "open"
    resolved = api.as_user(world.reviewer).post(
        f"/api/disputes/{opened.json()['id']}/resolve/",
        {"outcome": "amended", "note": "Agreed, rescored", "value": 5},
        format="json",
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "amended"
    seen = api.as_user(world.store_manager_bund).get(f"/api/disputes/{opened.json()['id']}/").json()
    assert (seen["status"], seen["resolution_note"]) == ("amended", "Agreed, rescored")
    detail = api.as_user(world.store_manager_bund).get(f"/api/visits/{visit.reference}/").json()
    assert detail["amendments"][0]["dispute"] == opened.json()["id"]
    assert detail["amendments"][0]["score_after"] == detail["score"]
    assert "amended_by" not in detail["amendments"][0]


def test_a_dispute_can_be_upheld_and_the_score_stands(world, api):
    visit = world.released_bund_visit
    opened = dispute(api, world, visit).json()
    resolved = api.as_user(world.reviewer).post(
        f"/api/disputes/{opened['id']}/resolve/", {"outcome": "upheld", "note": "Photo is clear"}, format="json"
    )
    assert resolved.json()["status"] == "upheld"
    visit.refresh_from_db()
    assert visit.score == Decimal("100.0") and not visit.amendments.exists()


def test_disputes_close_after_the_window(world, api):
    visit = world.released_bund_visit
    Visit.objects.filter(pk=visit.pk).update(released_at=clock.now() - dt.timedelta(days=8))
    response = dispute(api, world, visit)
    assert response.status_code == 400
    assert "dispute window closed" in fields(response)["visit"][0]


def test_one_open_dispute_per_item_and_unknown_items_are_named(world, api):
    visit = world.released_bund_visit
    assert dispute(api, world, visit).status_code == 201
    assert "already has an open dispute" in fields(dispute(api, world, visit))["item"][0]
    assert "not an item" in fields(dispute(api, world, visit, item="nonsense"))["item"][0]


def test_someone_elses_visit_or_an_unreleased_one_cannot_be_disputed(world, api):
    assert dispute(api, world, world.released_wfj_visit).status_code == 404
    assert dispute(api, world, world.pending_bund_visit).status_code == 404
    assert not Dispute.objects.exists()


def test_a_dispute_may_carry_a_photo_stripped_of_metadata(world, api):
    image = Image.new("RGB", (300, 200), (10, 200, 10))
    exif = Image.Exif()
    exif[0x013B] = "sm_bund"
    raw = io.BytesIO()
    image.save(raw, "JPEG", exif=exif)
    raw.seek(0)
    raw.name = "evidence.jpg"
    body = {"visit": world.released_bund_visit.reference, "item": "fries_hot", "reason": "See photo", "photo": raw}
    response = api.as_user(world.store_manager_bund).post("/api/disputes/", body, format="multipart")
    assert response.status_code == 201, response.content
    stored = Dispute.objects.get().photo
    assert stored.name.startswith("photos/") and b"sm_bund" not in stored.read()


def test_disputes_are_scoped_and_name_nobody(world, api):
    opened = dispute(api, world, world.released_bund_visit).json()
    assert api.as_user(world.store_manager_wfj).get(f"/api/disputes/{opened['id']}/").status_code == 404
    assert api.as_user(world.regional_manager_north).get("/api/disputes/").json()["count"] == 0
    assert api.as_user(world.regional_manager_east).get("/api/disputes/").json()["count"] == 1
    assert api.as_user(world.auditor_a).get("/api/disputes/").json()["count"] == 0
    text = json.dumps(api.as_user(world.store_manager_bund).get("/api/disputes/").json(), ensure_ascii=False)
    assert "auditor_a" not in text and "Alice" not in text and "reviewer" not in text


def test_only_store_managers_open_disputes_and_only_reviewers_settle_them(world, api):
    body = {"visit": world.released_bund_visit.reference, "item": "fries_hot", "reason": "x"}
    assert api.as_user(world.regional_manager_east).post("/api/disputes/", body, format="json").status_code == 403
    opened = dispute(api, world, world.released_bund_visit).json()
    settle = {"outcome": "upheld", "note": "no"}
    url = f"/api/disputes/{opened['id']}/resolve/"
    assert api.as_user(world.store_manager_bund).post(url, settle, format="json").status_code == 403


def test_the_service_refuses_anyone_but_the_stores_own_manager_even_if_a_view_forgot(world):
    for outsider in (world.store_manager_wfj, world.regional_manager_east, world.reviewer, world.hq):
        with pytest.raises(ValidationError) as error:
            reviews.dispute_open(visit=world.released_bund_visit, item_key="fries_hot", reason="x", by=outsider)
        assert set(error.value.message_dict) == {"visit"}
    assert not Dispute.objects.exists()


def test_the_apis_dispute_refusal_names_the_rule(world, api):
    body = {"visit": world.released_bund_visit.reference, "item": "fries_hot", "reason": "x"}
    for outsider in (world.regional_manager_east, world.reviewer, world.hq, world.auditor_a):
        response = api.as_user(outsider).post("/api/disputes/", body, format="json")
        assert (response.status_code, detail(response)) == (403, "Only store managers open disputes.")


def test_after_a_rejection_hq_offers_the_visit_again_to_another_auditor(world, api, submitted):
    review(api, world, submitted, "reject", {"reason": "Auditor recognised by staff"})
    from tests.auditor_api.conftest import certify

    certify(world.auditor_b, world.version)
    response = api.as_user(world.hq).post(
        f"/api/assignments/{submitted.assignment_id}/reoffer/", {"auditor": "auditor_b"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["auditor"], response.json()["status"]) == ("auditor_b", "offered")
    assert response.json()["store"] == "SH-BUND" and response.json()["id"] != submitted.assignment_id
    offered = api.as_user(world.auditor_b).get("/api/auditor/assignments/?status=offered").json()["results"]
    assert [row["id"] for row in offered] == [response.json()["id"]]


def test_a_visit_that_still_counts_cannot_be_offered_again(world, api, submitted):
    response = api.as_user(world.hq).post(f"/api/assignments/{submitted.assignment_id}/reoffer/", {}, format="json")
    assert response.status_code == 400 and "status" in response.json()
