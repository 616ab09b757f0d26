"""Every operation of the OpenAPI schema, called for real and its answer checked against the schema.

The schema is generated in-process (what ``/api/schema/`` serves); each response's status, headers
and body are validated with openapi-core. ``OPERATIONS`` holds one request (with whatever it needs
first) per ``operationId``: an operation in the schema without an entry fails
``test_every_operation_of_the_schema_has_a_request``, so a new endpoint must be added here.
``ERRORS`` adds the main documented error answers of a few operations.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from PIL import Image

from audits.models import Assignment, Visit, VisitStatus
from audits.services import assignments as assignment_services
from audits.services import reviews
from audits.services import waves as wave_services
from backend import clock
from coaching import services as coaching_services
from coaching.models import ActionItem
from scorecards import services as scorecard_services
from tests import factories
from tests.auditor_api.conftest import certify, submission_body


@pytest.fixture(scope="module")
def schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


@pytest.fixture(scope="module")
def openapi(schema) -> OpenAPI:
    # The comparison's CSV is text; openapi-core reads only JSON and forms by itself.
    config = Config(
        extra_media_type_deserializers={
            "text/csv": lambda data, **_parameters: data.decode("utf-8-sig"),
            # Errors (RFC 9457) are JSON under their own media type.
            "application/problem+json": lambda data, **_parameters: json.loads(data),
        }
    )
    return OpenAPI.from_dict(schema, config=config)


def _operation_ids(schema: dict) -> list[str]:
    return [
        operation["operationId"]
        for methods in schema["paths"].values()
        for method, operation in methods.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]


@dataclass
class Call:
    """One request: who sends it, and the status it must get."""

    persona: str | None
    method: str
    path: str
    body: object = None
    format: str = "json"
    status: int = 200
    headers: dict | None = None


class Ctx:
    def __init__(self, world, api, capture):
        self.world, self.api, self.capture = world, api, capture

    def client(self, persona):
        return self.api.as_user(self.world.persona(persona) if persona else None)

    # --- things requests need first ---

    def assignment(self, *, accepted=True, auditor=None) -> Assignment:
        auditor = auditor or self.world.auditor_a
        certify(auditor, self.world.version)
        today = clock.store_today(self.world.bund)
        assignment = assignment_services.assignment_create(
            store=self.world.bund,
            auditor=auditor,
            version=self.world.version,
            window_start=today - dt.timedelta(days=1),
            window_end=today + dt.timedelta(days=5),
            daypart="lunch",
            scenario=None,
            by=self.world.hq,
        )
        if accepted:
            assignment = assignment_services.assignment_accept(assignment=assignment, auditor=auditor)
        return assignment

    def submitted(self, **overrides) -> dict:
        body = submission_body(self.assignment(), **overrides)
        response = self.client("auditor_a").post("/api/auditor/visits/", body, format="json")
        assert response.status_code == 201, response.content
        return body

    def returned(self) -> Visit:
        visit = Visit.objects.get(uuid=self.submitted()["uuid"])
        reviews.visit_review_start(visit=visit, by=self.world.reviewer)
        return reviews.visit_return(visit=visit, by=self.world.reviewer, note="Say more", item_comments={})

    def action(self) -> ActionItem:
        return coaching_services.action_item_create(
            store=self.world.bund,
            item_key="fries_hot",
            action="Fry in smaller batches",
            owner="王经理",
            due_on=clock.today() + dt.timedelta(days=7),
            by=self.world.store_manager_bund,
        )

    def wave(self, *stores):
        today = clock.today()
        return wave_services.wave_create(
            name="Spring",
            version=self.world.version,
            start_date=today,
            end_date=today + dt.timedelta(days=60),
            stores=list(stores) or [self.world.bund, self.world.wangfujing],
            complaint_visits_per_store_per_month=0,
            by=self.world.hq,
        )

    def draft(self):
        return scorecard_services.scorecard_version_create_draft(template=self.world.version.template, by=self.world.hq)

    def dispute(self) -> dict:
        body = {"visit": self.world.released_bund_visit.reference, "item": "fries_hot", "reason": "They were hot."}
        response = self.client("store_manager_bund").post("/api/disputes/", body, format="json")
        assert response.status_code == 201, response.content
        return response.json()

    def coaching_report(self) -> dict:
        with self.capture(execute=True):
            response = self.client("store_manager_bund").post(
                "/api/reports/coaching/", {"store": "SH-BUND", "language": "en"}, format="json"
            )
        assert response.status_code == 202, response.content
        return response.json()


def _jpeg() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = "IMG_0001.jpg"
    return buffer


def _days(n: int) -> str:
    return (clock.today() + dt.timedelta(days=n)).isoformat()


def _store_body(code="SH-NEW"):
    return {
        "code": code,
        "name": "新天地餐厅",
        "region": "SH-HP",
        "address": "马当路 1 号",
        "city": "上海",
        "latitude": "31.220000",
        "longitude": "121.470000",
    }


def _wave_body(c: Ctx):
    return {
        "name": "Summer",
        "scorecard_version": c.world.version.pk,
        "stores": ["SH-BUND"],
        "start_date": _days(0),
        "end_date": _days(60),
        "complaint_visits_per_store_per_month": 0,
    }


def _content():
    return {
        "critical_cap": "0.0",
        "changelog": "Second edition",
        "sections": json.loads(json.dumps(factories.SMALL_CARD, default=str)),
    }


def _follow_up(c: Ctx) -> Call:
    item = c.action()
    ActionItem.objects.filter(pk=item.pk).update(due_on=clock.today() - dt.timedelta(days=3))
    certify(c.world.auditor_a, c.world.version)
    today = clock.store_today(c.world.bund)
    body = {
        "store": "SH-BUND",
        "window_start": today.isoformat(),
        "window_end": today.isoformat(),
        "daypart": "dinner",
        "auditor": "auditor_a",
    }
    return Call("hq", "post", "/api/follow-ups/", body, status=201)


def _reoffer(c: Ctx) -> Call:
    assignment = c.assignment(accepted=False)
    assignment_services.assignment_decline(assignment=assignment, auditor=c.world.auditor_a, reason="Ill")
    return Call("hq", "post", f"/api/assignments/{assignment.pk}/reoffer/", {}, status=201)


def _resubmit(c: Ctx) -> Call:
    visit = c.returned()
    body = {"answers": submission_body(visit.assignment)["answers"], "summary": "Fixed"}
    return Call("auditor_a", "post", f"/api/auditor/visits/{visit.uuid}/resubmit/", body)


def _photo(c: Ctx) -> Call:
    photo = str(uuid.uuid4())
    body = c.submitted(photos=[{"uuid": photo, "item": "fries_hot"}, {"uuid": str(uuid.uuid4()), "item": "greeted"}])
    upload = {"file": _jpeg(), "uuid": photo, "item": "fries_hot"}
    return Call(
        "auditor_a", "post", f"/api/auditor/visits/{body['uuid']}/photos/", upload, format="multipart", status=201
    )


def _pdf(c: Ctx, monkeypatch) -> Call:
    from coaching.pdf import coaching_document
    from coaching.pdf.render import RenderedPdf

    monkeypatch.setattr(coaching_document, "coaching_pdf", lambda data, language: RenderedPdf(b"%PDF-1.4\n%%EOF\n", 1))
    return Call("store_manager_bund", "get", f"/api/reports/coaching/{c.coaching_report()['id']}/pdf/")


def _photo(c: Ctx, *, dispute: bool = False) -> Call:
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from audits.models import VisitPhoto
    from audits.models.photos import PhotoStatus
    from audits.services import reviews
    from scorecards.models import Item

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    visit = c.world.released_bund_visit
    if dispute:
        opened = reviews.dispute_open(
            visit=visit,
            item_key="fries_hot",
            reason="See photo",
            photo=ContentFile(buffer.getvalue(), name="e.jpg"),
            by=c.world.store_manager_bund,
        )
        return Call("store_manager_bund", "get", f"/api/disputes/{opened.pk}/photo/")
    photo = VisitPhoto(
        uuid=uuid.uuid4(),
        visit=visit,
        item=Item.objects.get(section__version=visit.version, key="fries_hot"),
        status=PhotoStatus.RECEIVED,
    )
    photo.image.save("p.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    return Call("store_manager_bund", "get", f"/api/photos/{photo.uuid}/")


def _coaching_create(c: Ctx) -> Call:
    return Call("store_manager_bund", "post", "/api/reports/coaching/", {"store": "SH-BUND"}, status=202)


def _done(c: Ctx) -> int:
    return coaching_services.action_item_complete(item=c.action(), by=c.world.store_manager_bund).pk


def _version(c: Ctx) -> int:
    return c.world.version.pk


P = "/api/"
# operationId -> (ctx, monkeypatch) -> the request to check. Each runs on a fresh copy of the shared world.
OPERATIONS: dict[str, Callable[..., Call]] = {
    # Action plans
    "action_items_list": lambda c, m: (c.action(), Call("store_manager_bund", "get", f"{P}action-items/"))[1],
    "action_items_create": lambda c, m: Call(
        "store_manager_bund",
        "post",
        f"{P}action-items/",
        {"store": "SH-BUND", "item_key": "fries_hot", "action": "Fry less", "owner": "王经理", "due_on": _days(7)},
        status=201,
    ),
    "action_items_retrieve": lambda c, m: Call("store_manager_bund", "get", f"{P}action-items/{c.action().pk}/"),
    "action_items_partial_update": lambda c, m: Call(
        "store_manager_bund", "patch", f"{P}action-items/{c.action().pk}/", {"owner": "李经理"}
    ),
    "action_items_complete": lambda c, m: Call(
        "store_manager_bund", "post", f"{P}action-items/{c.action().pk}/complete/"
    ),
    "action_items_reopen": lambda c, m: Call("store_manager_bund", "post", f"{P}action-items/{_done(c)}/reopen/"),
    "action_items_overview_list": lambda c, m: (c.action(), Call("hq", "get", f"{P}action-items/overview/"))[1],
    "follow_ups_create": lambda c, m: _follow_up(c),
    # Planning
    "assignments_list": lambda c, m: (c.assignment(), Call("hq", "get", f"{P}assignments/"))[1],
    "assignments_create": lambda c, m: (
        certify(c.world.auditor_b, c.world.version),
        Call(
            "hq",
            "post",
            f"{P}assignments/",
            {
                "store": "BJ-WFJ",
                "auditor": "auditor_b",
                "scorecard_version": _version(c),
                "window_start": _days(1),
                "window_end": _days(5),
                "daypart": "lunch",
            },
            status=201,
        ),
    )[1],
    "assignments_retrieve": lambda c, m: Call("reviewer", "get", f"{P}assignments/{c.assignment().pk}/"),
    "assignments_reoffer": lambda c, m: _reoffer(c),
    "waves_list": lambda c, m: (c.wave(), Call("reviewer", "get", f"{P}waves/"))[1],
    "waves_create": lambda c, m: Call("hq", "post", f"{P}waves/", _wave_body(c), status=201),
    "waves_retrieve": lambda c, m: Call("hq", "get", f"{P}waves/{c.wave().pk}/"),
    "waves_update": lambda c, m: Call("hq", "put", f"{P}waves/{c.wave().pk}/", _wave_body(c)),
    "waves_partial_update": lambda c, m: Call("hq", "patch", f"{P}waves/{c.wave().pk}/", {"name": "Spring II"}),
    "waves_preview": lambda c, m: Call("hq", "post", f"{P}waves/{c.wave().pk}/preview/"),
    "waves_commit": lambda c, m: (
        certify(c.world.auditor_a, c.world.version),
        # 人民广场 is the one store auditor_a has not visited lately and is in their city.
        Call("hq", "post", f"{P}waves/{c.wave(c.world.peoples_square).pk}/commit/", status=201),
    )[1],
    # The auditors' phone
    "auditor_assignments_list": lambda c, m: (c.assignment(), Call("auditor_a", "get", f"{P}auditor/assignments/"))[1],
    "auditor_assignments_retrieve": lambda c, m: Call(
        "auditor_a", "get", f"{P}auditor/assignments/{c.assignment().pk}/"
    ),
    "auditor_assignments_accept": lambda c, m: Call(
        "auditor_a", "post", f"{P}auditor/assignments/{c.assignment(accepted=False).pk}/accept/"
    ),
    "auditor_assignments_decline": lambda c, m: Call(
        "auditor_a", "post", f"{P}auditor/assignments/{c.assignment(accepted=False).pk}/decline/", {"reason": "Ill"}
    ),
    "auditor_scorecard_versions_retrieve": lambda c, m: (
        factories.complaint_scenario(),
        Call("auditor_a", "get", f"{P}auditor/scorecard-versions/{_version(c)}/"),
    )[1],
    "auditor_visits_list": lambda c, m: (c.submitted(), Call("auditor_a", "get", f"{P}auditor/visits/"))[1],
    "auditor_visits_create": lambda c, m: Call(
        "auditor_a", "post", f"{P}auditor/visits/", submission_body(c.assignment()), status=201
    ),
    "auditor_visits_retrieve": lambda c, m: Call(
        "auditor_a",
        "get",
        f"{P}auditor/visits/{c.submitted(photos=[{'uuid': str(uuid.uuid4()), 'item': 'fries_hot'}])['uuid']}/",
    ),
    "auditor_visits_photos_upload": lambda c, m: _photo(c),
    "auditor_visits_resubmit": lambda c, m: _resubmit(c),
    "auth_token_obtain": lambda c, m: Call(
        None, "post", f"{P}auth/token/", {"username": "hq", "password": factories.PASSWORD}
    ),
    # Review and disputes
    "review_visits_list": lambda c, m: Call("reviewer", "get", f"{P}review/visits/"),
    "review_visits_retrieve": lambda c, m: Call("reviewer", "get", f"{P}review/visits/{c.returned().pk}/"),
    "review_visits_start": lambda c, m: Call(
        "reviewer", "post", f"{P}review/visits/{c.world.pending_bund_visit.pk}/start/"
    ),
    "review_visits_release": lambda c, m: Call(
        "reviewer", "post", f"{P}review/visits/{c.world.pending_bund_visit.pk}/release/"
    ),
    "review_visits_return": lambda c, m: Call(
        "reviewer",
        "post",
        f"{P}review/visits/{c.world.pending_bund_visit.pk}/return/",
        {"note": "Photos please", "items": {"fries_hot": "How hot?"}},
    ),
    "review_visits_reject": lambda c, m: Call(
        "reviewer", "post", f"{P}review/visits/{c.world.pending_bund_visit.pk}/reject/", {"reason": "Not there"}
    ),
    "review_visits_amend": lambda c, m: Call(
        "reviewer",
        "post",
        f"{P}review/visits/{c.world.pending_bund_visit.pk}/amend/",
        {"item": "wait_seconds", "value": 150.5, "reason": "Timed again"},
    ),
    "disputes_list": lambda c, m: (c.dispute(), Call("store_manager_bund", "get", f"{P}disputes/"))[1],
    "disputes_create": lambda c, m: Call(
        "store_manager_bund",
        "post",
        f"{P}disputes/",
        {"visit": c.world.released_bund_visit.reference, "item": "fries_hot", "reason": "They were hot."},
        status=201,
    ),
    "disputes_retrieve": lambda c, m: Call("store_manager_bund", "get", f"{P}disputes/{c.dispute()['id']}/"),
    "disputes_resolve": lambda c, m: Call(
        "reviewer",
        "post",
        f"{P}disputes/{c.dispute()['id']}/resolve/",
        {"outcome": "amended", "note": "Photo shows hot fries", "value": True},
    ),
    # Stores, regions, scorecards, visits
    "regions_list": lambda c, m: Call("regional_manager_east", "get", f"{P}regions/"),
    "regions_create": lambda c, m: Call(
        "hq", "post", f"{P}regions/", {"code": "SH-JA", "name": "上海静安", "parent": "EAST"}, status=201
    ),
    "regions_retrieve": lambda c, m: Call("hq", "get", f"{P}regions/{c.world.hq_region.pk}/"),
    "regions_update": lambda c, m: Call(
        "hq", "put", f"{P}regions/{c.world.huangpu.pk}/", {"code": "SH-HP", "name": "黄浦", "parent": "EAST"}
    ),
    "regions_partial_update": lambda c, m: Call("hq", "patch", f"{P}regions/{c.world.huangpu.pk}/", {"name": "黄浦"}),
    "stores_list": lambda c, m: Call("store_manager_bund", "get", f"{P}stores/"),
    "stores_create": lambda c, m: Call("hq", "post", f"{P}stores/", _store_body(), status=201),
    "stores_retrieve": lambda c, m: Call("store_manager_bund", "get", f"{P}stores/{c.world.bund.pk}/"),
    "stores_update": lambda c, m: Call("hq", "put", f"{P}stores/{c.world.bund.pk}/", _store_body("SH-BUND")),
    "stores_partial_update": lambda c, m: Call(
        "hq", "patch", f"{P}stores/{c.world.bund.pk}/", {"competitor_brand": "", "active": True}
    ),
    "scorecards_list": lambda c, m: Call("store_manager_bund", "get", f"{P}scorecards/"),
    "scorecards_create": lambda c, m: Call(
        "hq", "post", f"{P}scorecards/", {"code": "DRIVE", "name": "Drive-through"}, status=201
    ),
    "scorecards_retrieve": lambda c, m: (c.draft(), Call("hq", "get", f"{P}scorecards/{c.world.version.template_id}/"))[
        1
    ],
    "scorecards_update": lambda c, m: Call(
        "hq",
        "put",
        f"{P}scorecards/{c.world.version.template_id}/",
        {"code": "QSR", "name": "QSR standard", "description": "Dine-in"},
    ),
    "scorecards_partial_update": lambda c, m: Call(
        "hq", "patch", f"{P}scorecards/{c.world.version.template_id}/", {"description": "Dine-in"}
    ),
    "scorecards_new_draft": lambda c, m: Call(
        "hq", "post", f"{P}scorecards/{c.world.version.template_id}/new-draft/", status=201
    ),
    "scorecard_versions_list": lambda c, m: Call("auditor_a", "get", f"{P}scorecard-versions/"),
    "scorecard_versions_retrieve": lambda c, m: Call(
        "store_manager_bund", "get", f"{P}scorecard-versions/{_version(c)}/"
    ),
    "scorecard_versions_update": lambda c, m: Call("hq", "put", f"{P}scorecard-versions/{c.draft().pk}/", _content()),
    "scorecard_versions_publish": lambda c, m: Call("hq", "post", f"{P}scorecard-versions/{c.draft().pk}/publish/"),
    "visits_list": lambda c, m: Call("store_manager_bund", "get", f"{P}visits/"),
    "visits_retrieve": lambda c, m: Call(
        "store_manager_bund", "get", f"{P}visits/{c.world.released_bund_visit.reference}/"
    ),
    # Reports
    "reports_store_trend": lambda c, m: Call("store_manager_bund", "get", f"{P}reports/stores/SH-BUND/trend/"),
    "reports_store_weaknesses": lambda c, m: Call(
        "store_manager_bund", "get", f"{P}reports/stores/SH-BUND/weaknesses/"
    ),
    "reports_comparison": lambda c, m: Call("regional_manager_east", "get", f"{P}reports/comparison/"),
    "reports_coaching_list": lambda c, m: (
        c.coaching_report(),
        Call("store_manager_bund", "get", f"{P}reports/coaching/"),
    )[1],
    "reports_coaching_create": lambda c, m: _coaching_create(c),
    "reports_coaching_retrieve": lambda c, m: Call(
        "store_manager_bund", "get", f"{P}reports/coaching/{c.coaching_report()['id']}/"
    ),
    "reports_coaching_pdf": _pdf,
    "photos_file": lambda c, m: _photo(c),
    "disputes_photo": lambda c, m: _photo(c, dispute=True),
}

# More answers than the happy path: other roles' views of the same operation, and documented errors.
EXTRA: dict[str, Callable[..., Call]] = {
    "visits_list as HQ": lambda c, m: Call("hq", "get", f"{P}visits/"),
    "visits_retrieve as HQ": lambda c, m: Call("hq", "get", f"{P}visits/{c.world.released_bund_visit.pk}/"),
    "visits_retrieve of an amended visit": lambda c, m: (
        c.dispute() and None,
        Call("store_manager_bund", "get", f"{P}visits/{c.world.released_bund_visit.reference}/"),
    )[1],
    "auditor_visits_create replayed": lambda c, m: Call("auditor_a", "post", f"{P}auditor/visits/", c.submitted()),
    "auditor_visits_create invalid": lambda c, m: Call(
        "auditor_a", "post", f"{P}auditor/visits/", {"uuid": "nope"}, status=400
    ),
    "auditor_scorecard_versions_retrieve not modified": lambda c, m: Call(
        "auditor_a",
        "get",
        f"{P}auditor/scorecard-versions/{_version(c)}/",
        headers={
            "HTTP_IF_NONE_MATCH": c.client("auditor_a").get(f"{P}auditor/scorecard-versions/{_version(c)}/")["ETag"]
        },
        status=304,
    ),
    "action_items_create by an auditor": lambda c, m: Call(
        "auditor_a", "post", f"{P}action-items/", {"store": "SH-BUND"}, status=403
    ),
    "reports_store_trend of an unknown store": lambda c, m: Call(
        "store_manager_bund", "get", f"{P}reports/stores/NOWHERE/trend/", status=404
    ),
    "reports_comparison anonymous": lambda c, m: Call(None, "get", f"{P}reports/comparison/", status=401),
    "reports_comparison as CSV": lambda c, m: Call("hq", "get", f"{P}reports/comparison/?format=csv"),
    "waves_commit_create twice": lambda c, m: _commit_twice(c),
    "reports_coaching_pdf not finished": lambda c, m: _pdf_not_finished(c),
}


def _commit_twice(c: Ctx) -> Call:
    certify(c.world.auditor_a, c.world.version)
    wave = c.wave(c.world.peoples_square)
    wave_services.wave_commit(wave=wave, by=c.world.hq)
    return Call("hq", "post", f"{P}waves/{wave.pk}/commit/", status=400)


def _pdf_not_finished(c: Ctx) -> Call:
    # Without running the on-commit callbacks the job stays queued.
    response = c.client("store_manager_bund").post(f"{P}reports/coaching/", {"store": "SH-BUND"}, format="json")
    return Call("store_manager_bund", "get", f"{P}reports/coaching/{response.json()['id']}/pdf/", status=409)


def test_every_operation_of_the_schema_has_a_request(schema):
    in_schema = set(_operation_ids(schema))
    assert in_schema - set(OPERATIONS) == set(), "add a request for the new operation to OPERATIONS"
    assert set(OPERATIONS) - in_schema == set(), "an operation left the schema: drop its request"


def _send(ctx: Ctx, call: Call):
    client = ctx.client(call.persona)
    send = getattr(client, call.method)
    extra = call.headers or {}
    if call.body is None:
        return send(call.path, **extra)
    return send(call.path, call.body, format=call.format, **extra)


def _validate(openapi: OpenAPI, call: Call, response) -> None:
    path, _, query = call.path.partition("?")
    request = MockRequest(
        "http://testserver", call.method, path, args=dict(p.split("=") for p in query.split("&") if p)
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = {key: value for key, value in response.headers.items() if key.lower() != "content-type"}
    content_type = response.get("Content-Type", "application/json") if body or response.status_code != 304 else None
    answer = MockResponse(
        body, status_code=response.status_code, headers=headers, content_type=content_type or "application/json"
    )
    try:
        openapi.validate_response(request, answer)
    except Exception as error:
        raise AssertionError(f"{call.method.upper()} {call.path} {response.status_code}: {_where(error)}") from error


def _where(error: BaseException) -> str:
    """The JSON paths and messages of a schema mismatch, instead of openapi-core's whole value."""
    cause = error.__cause__ or error
    found = [
        f"{'.'.join(str(part) for part in schema_error.absolute_path) or '(body)'}: {schema_error.message[:200]}"
        for schema_error in getattr(cause, "schema_errors", ())
        for schema_error in [*(schema_error.context or ()), schema_error]
    ]
    return "; ".join(found) or f"{type(cause).__name__}: {str(cause)[:500]}"


def _check(request, openapi, world, api, django_capture_on_commit_callbacks, monkeypatch, make):
    ctx = Ctx(world, api, django_capture_on_commit_callbacks)
    call = make(ctx, monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(ctx, call)
    assert response.status_code == call.status, getattr(response, "content", b"")[:2000]
    _validate(openapi, call, response)


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_the_answer_of_every_operation_is_as_the_schema_says(
    request, openapi, world, api, django_capture_on_commit_callbacks, monkeypatch, operation
):
    _check(request, openapi, world, api, django_capture_on_commit_callbacks, monkeypatch, OPERATIONS[operation])


@pytest.mark.parametrize("case", sorted(EXTRA))
def test_other_views_and_documented_errors_are_as_the_schema_says(
    request, openapi, world, api, django_capture_on_commit_callbacks, monkeypatch, case
):
    _check(request, openapi, world, api, django_capture_on_commit_callbacks, monkeypatch, EXTRA[case])


def test_the_world_is_untouched_by_the_answers_above(world):
    # Each request ran on a copy of the shared world in its own savepoint.
    assert Visit.objects.get(pk=world.pending_bund_visit.pk).status == VisitStatus.SUBMITTED
