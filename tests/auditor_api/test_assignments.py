import pytest

from audits.models import AssignmentStatus
from tests import factories
from tests.api.problems import fields


def test_auditor_lists_only_their_own_assignments_with_what_they_need_offline(world, api, make_assignment):
    scenario = factories.complaint_scenario()
    mine = make_assignment(accepted=False, scenario=scenario)
    make_assignment(auditor=world.auditor_b, store=world.wangfujing)
    rows = api.as_user(world.auditor_a).get("/api/auditor/assignments/").json()["results"]
    assert [row["id"] for row in rows] == [mine.id]
    row = rows[0]
    assert row["status"] == "offered" and row["daypart"] == "lunch"
    assert row["store"]["name"] == "上海外滩餐厅" and row["store"]["address"] and row["store"]["latitude"]
    assert row["scorecard_version"] == world.version.id
    assert row["scenario"]["script"] == "Tell staff the fries are cold."
    assert [rule["key"] for rule in row["scenario"]["rubric"]] == ["acknowledged", "apologised", "remedy", "fast"]


def test_assignments_filter_by_status(world, api, make_assignment):
    offered = make_assignment(accepted=False)
    make_assignment(store=world.peoples_square)
    rows = api.as_user(world.auditor_a).get("/api/auditor/assignments/?status=offered").json()["results"]
    assert [row["id"] for row in rows] == [offered.id]


def test_accepting_an_offer(world, api, make_assignment):
    assignment = make_assignment(accepted=False)
    response = api.as_user(world.auditor_a).post(f"/api/auditor/assignments/{assignment.id}/accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"


def test_accepting_someone_elses_assignment_is_404(world, api, make_assignment):
    assignment = make_assignment(auditor=world.auditor_b, store=world.wangfujing, accepted=False)
    assert api.as_user(world.auditor_a).post(f"/api/auditor/assignments/{assignment.id}/accept/").status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.OFFERED


def test_accepting_an_expired_offer_fails_clearly(world, api, make_assignment):
    assignment = make_assignment(accepted=False, days=(-10, -3))
    response = api.as_user(world.auditor_a).post(f"/api/auditor/assignments/{assignment.id}/accept/")
    assert response.status_code == 400
    assert "expired" in fields(response)["status"][0]
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.EXPIRED


def test_declining_needs_a_reason(world, api, make_assignment):
    assignment = make_assignment(accepted=False)
    client = api.as_user(world.auditor_a)
    response = client.post(f"/api/auditor/assignments/{assignment.id}/decline/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in fields(response)
    response = client.post(f"/api/auditor/assignments/{assignment.id}/decline/", {"reason": "Sick"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "Sick")
    assert client.post(f"/api/auditor/assignments/{assignment.id}/accept/").status_code == 400


@pytest.mark.parametrize("persona", ["hq", "reviewer", "store_manager_bund", "regional_manager_east"])
def test_auditor_endpoints_are_for_auditors(world, api, persona, make_assignment):
    assignment = make_assignment()
    client = api.as_user(world.persona(persona))
    assert client.get("/api/auditor/assignments/").status_code == 403
    assert client.post(f"/api/auditor/assignments/{assignment.id}/accept/").status_code == 403


def test_hq_creates_an_assignment_and_the_auditor_sees_it(world, api):
    from tests.auditor_api.conftest import certify

    certify(world.auditor_a, world.version)
    response = api.as_user(world.hq).post(
        "/api/assignments/",
        {
            "store": "SH-PPL",
            "auditor": "auditor_a",
            "scorecard_version": world.version.id,
            "window_start": "2026-12-01",
            "window_end": "2026-12-07",
            "daypart": "dinner",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    rows = api.as_user(world.auditor_a).get("/api/auditor/assignments/").json()["results"]
    assert [row["store"]["code"] for row in rows] == ["SH-PPL"]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"store": "SH-BUND"}, "store", "conflict of interest"),
        ({"window_end": "2026-11-30"}, "window_end", "on or after its start"),
        ({"auditor": "auditor_b"}, "auditor", "not certified"),
        ({"daypart": "brunch"}, "daypart", "not a valid choice"),
    ],
)
def test_hq_assignment_refusals_name_the_field(world, api, changes, field, reason):
    from tests.auditor_api.conftest import certify

    certify(world.auditor_a, world.version)
    world.auditor_a.auditor_profile.conflict_stores.add(world.bund)
    body = {
        "store": "SH-PPL",
        "auditor": "auditor_a",
        "scorecard_version": world.version.id,
        "window_start": "2026-12-01",
        "window_end": "2026-12-07",
        "daypart": "dinner",
        **changes,
    }
    response = api.as_user(world.hq).post("/api/assignments/", body, format="json")
    assert response.status_code == 400
    assert reason in " ".join(fields(response)[field])


def test_an_auditor_whose_certification_lapses_in_the_window_cannot_be_assigned(world, api):
    from audits.models import AuditorCertification
    from tests.auditor_api.conftest import certify

    certify(world.auditor_a, world.version)
    AuditorCertification.objects.filter(auditor__user=world.auditor_a).update(expires_on="2026-12-05")
    response = api.as_user(world.hq).post(
        "/api/assignments/",
        {
            "store": "SH-PPL",
            "auditor": "auditor_a",
            "scorecard_version": world.version.id,
            "window_start": "2026-12-01",
            "window_end": "2026-12-07",
            "daypart": "dinner",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "not certified" in fields(response)["auditor"][0]
