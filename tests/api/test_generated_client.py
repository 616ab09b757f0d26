"""Proof that a client generated from the served schema works, as the mobile team generates it.

``openapi-python-client`` (pinned in requirements-dev.in) generates a client from the schema the
live server serves at ``/api/schema/``, with the project's config (``docs/openapi-python-client.yaml``)
and nothing patched: it must print no warning and every module it writes must import. Then the
generated endpoint functions drive an auditor's whole flow and a reviewer's against the live
server, asserting on the typed models they parse, error answers (400, 409) included: the client parses
them into the schema's problem models (``ValidationProblem``, ``Problem``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import os
import pkgutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from uuid import UUID

import httpx
import pytest
from django.utils import timezone
from PIL import Image

from audits.models import Visit, VisitPhoto
from tests import factories
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
GENERATOR_CONFIG = ROOT / "docs" / "openapi-python-client.yaml"
VENV_BIN = Path(sys.executable).parent
PACKAGE = "incognito_generated_client"


@dataclass
class Generated:
    """The generated package, imported, and what generating it printed."""

    package: ModuleType
    output: str
    modules: list[str]
    schema: dict

    def module(self, name: str) -> ModuleType:
        return importlib.import_module(f"{PACKAGE}.{name}")

    def call(self, operation: str, **kwargs):
        """``sync_detailed`` of the generated endpoint module ``api.<tag>.<operation>``."""
        (tag,) = [name for name in self.modules if name.endswith(f".{operation}")]
        return importlib.import_module(tag).sync_detailed(**kwargs)

    def model(self, name: str):
        return getattr(self.module("models"), name)


@pytest.fixture(scope="module")
def generated(django_db_setup, live_server, tmp_path_factory) -> Iterator[Generated]:
    """The client ``openapi-python-client generate`` writes from the live server's schema, imported.

    It asks for the test database before the live server, so the server (and its connections) is
    stopped before the database is dropped at the end of the session.
    """
    folder = tmp_path_factory.mktemp("generated-client")
    schema = httpx.get(
        f"{live_server.url}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}, timeout=60
    )
    assert schema.status_code == 200, schema.text
    schema_file = folder / "openapi.json"
    schema_file.write_bytes(schema.content)

    environment = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}  # ruff formats
    run = subprocess.run(
        [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(schema_file),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(GENERATOR_CONFIG),
        ],
        capture_output=True,
        text=True,
        cwd=folder,
        env=environment,
        timeout=300,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output

    sys.path.insert(0, str(folder))
    try:
        package = importlib.import_module(PACKAGE)
        modules = [PACKAGE]
        for found in pkgutil.walk_packages(package.__path__, prefix=f"{PACKAGE}."):
            importlib.import_module(found.name)
            modules.append(found.name)
        yield Generated(package=package, output=output, modules=modules, schema=schema.json())
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_the_generator_warns_of_nothing_and_every_module_imports(generated):
    assert "warning" not in generated.output.lower(), generated.output
    assert "error" not in generated.output.lower(), generated.output
    # Every operation of the schema is an endpoint module with its four functions.
    operations = {
        operation["operationId"] for path in generated.schema["paths"].values() for operation in path.values()
    }
    endpoints = [name for name in generated.modules if name.startswith(f"{PACKAGE}.api.") and name.count(".") == 3]
    assert {name.rsplit(".", 1)[1] for name in endpoints} == operations
    assert len(endpoints) == len(operations)
    for name in endpoints:
        module = importlib.import_module(name)
        for function in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
            assert callable(getattr(module, function)), (name, function)
    # Every component schema is a model class, but a union of shapes (anyOf), which the client
    # types as the union of its members' classes.
    models = importlib.import_module(f"{PACKAGE}.models")
    for schema_name, component in generated.schema["components"]["schemas"].items():
        members = component.get("anyOf") or component.get("oneOf")
        if members and "properties" not in component:
            assert all(hasattr(models, member["$ref"].rsplit("/", 1)[1]) for member in members), schema_name
        else:
            assert hasattr(models, schema_name), schema_name


# --- The flows ---------------------------------------------------------------------------------


@pytest.fixture
def sign_in(generated, live_server):
    """``sign_in(username, **headers)``: an ``AuthenticatedClient`` with a token got through the
    generated login. Its connections are closed after the test: the live server keeps a request's
    database connection until the client hangs up."""
    opened = []

    def sign_in(username: str, headers: dict[str, str] | None = None):
        with generated.package.Client(base_url=live_server.url) as anonymous:
            login = generated.call(
                "auth_token_obtain",
                client=anonymous,
                body=generated.model("TokenRequest")(username=username, password=PASSWORD),
            )
        assert login.status_code == 200, login.content
        assert isinstance(login.parsed, generated.model("TokenResponse"))
        assert isinstance(login.parsed.token, str) and login.parsed.token
        client = generated.package.AuthenticatedClient(
            base_url=live_server.url, token=login.parsed.token, prefix="Token", headers=headers or {}
        )
        opened.append(client)
        return client

    yield sign_in
    for client in opened:
        client.get_httpx_client().close()


def _jpeg(colour=(180, 90, 30)) -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(image, "JPEG")
    return image.getvalue()


def _yesterday_at(hour: int, minute: int) -> dt.datetime:
    from backend import clock

    return dt.datetime.combine(
        clock.today() - dt.timedelta(days=1), dt.time(hour, minute), timezone.get_current_timezone()
    )


def _submission(generated: Generated, assignment_id: int, *, photos: list[tuple[UUID, str]], visit_uuid: UUID):
    """A whole visit for the test scorecard: every item answered, location, receipt, complaint, photos."""
    m = generated.model
    checked_in = _yesterday_at(12, 5)
    return m("VisitSubmissionInRequest")(
        uuid=visit_uuid,
        assignment=assignment_id,
        checked_in_at=checked_in,
        checked_out_at=checked_in + dt.timedelta(minutes=35),
        location=m("LocationInRequest")(latitude=31.2401, longitude=121.4902, accuracy=12.0),
        answers=[
            m("AnswerInRequest")(item="fries_hot", value=True, comment="hot and crisp"),
            m("AnswerInRequest")(item="burger_taste", value=4),
            m("AnswerInRequest")(item="food_safe", value=True),
            m("AnswerInRequest")(item="greeted", value=True),
            m("AnswerInRequest")(item="wait_seconds", value=95),
            m("AnswerInRequest")(item="upsell", na=True),
            m("AnswerInRequest")(item="remarks", value="clean and quick"),
        ],
        complaint=m("ComplaintInRequest")(
            observed=["acknowledged", "apologised"], seconds_to_resolution=140, transcript="Cold fries, sorry."
        ),
        receipt=m("ReceiptInRequest")(number="A-0192", amount=38.5, time=checked_in + dt.timedelta(minutes=5)),
        photos=[m("PhotoPlanInRequest")(uuid=photo, item=item) for photo, item in photos],
        summary="A quick, clean lunch.",
    )


@pytest.fixture
def offered(world, make_assignment):
    """An offer to auditor_a at the Bund store, its window around today, with a complaint scenario."""
    return make_assignment(accepted=False, scenario=factories.complaint_scenario())


def test_an_auditor_works_a_visit_with_the_generated_client(generated, sign_in, world, offered):
    m = generated.model
    auditor = sign_in("auditor_a")

    # The offers, and accepting one.
    listed = generated.call(
        "auditor_assignments_list", client=auditor, status=m("AuditorAssignmentsListStatus")("offered")
    )
    assert listed.status_code == 200
    assert isinstance(listed.parsed, m("PaginatedAssignmentOutList"))
    (offer,) = listed.parsed.results
    assert isinstance(offer, m("AssignmentOut"))
    assert (offer.id, offer.status) == (offered.id, m("AssignmentStatusEnum").OFFERED)
    assert isinstance(offer.window_start, dt.date) and offer.window_start <= offer.window_end
    assert offer.store.code == "SH-BUND" and offer.scenario.code == "COLD-FOOD"

    accepted = generated.call("auditor_assignments_accept", client=auditor, id=offer.id)
    assert accepted.status_code == 200
    assert isinstance(accepted.parsed, m("AssignmentOut"))
    assert accepted.parsed.status is m("AssignmentStatusEnum").ACCEPTED

    # The scorecard for offline use, then again: unchanged, so 304.
    card = generated.call("auditor_scorecard_versions_retrieve", client=auditor, id=offer.scorecard_version)
    assert card.status_code == 200
    assert isinstance(card.parsed, m("OfflineScorecardOut"))
    items = {item.key: item for section in card.parsed.sections for item in section.items}
    assert set(items) == {"fries_hot", "burger_taste", "food_safe", "greeted", "wait_seconds", "upsell", "remarks"}
    # The schema has no If-None-Match parameter: the phone sends it as a header of a client of its
    # own (the generated ``with_headers`` would also add it to the httpx client already open).
    conditional = sign_in("auditor_a", headers={"If-None-Match": card.headers["ETag"]})
    unchanged = generated.call(
        "auditor_scorecard_versions_retrieve",
        client=conditional,
        id=offer.scorecard_version,
    )
    assert (unchanged.status_code, unchanged.content, unchanged.parsed) == (304, b"", None)

    # Bad input: 400, nothing stored.
    refused_body = _submission(generated, offer.id, photos=[], visit_uuid=uuid.uuid4())
    refused_body.answers.append(m("AnswerInRequest")(item="no_such_item", value=True))
    refused = generated.call("auditor_visits_create", client=auditor, body=refused_body)
    assert refused.status_code == 400
    problem = refused.parsed
    assert isinstance(problem, m("ValidationProblem"))
    assert problem.status == 400 and problem.type_.endswith("/invalid-input")
    assert [(error.pointer, error.in_) for error in problem.errors] == [("/answers/no_such_item", "body")]
    assert not Visit.objects.filter(uuid=refused_body.uuid).exists()

    # The visit, with two photos planned.
    visit_uuid = uuid.uuid4()
    photos = [(uuid.uuid4(), "fries_hot"), (uuid.uuid4(), "remarks")]
    body = _submission(generated, offer.id, photos=photos, visit_uuid=visit_uuid)
    first = generated.call("auditor_visits_create", client=auditor, body=body)
    assert first.status_code == 201, first.content
    receipt = first.parsed
    assert isinstance(receipt, m("VisitReceiptOut"))
    assert receipt.uuid == visit_uuid and isinstance(receipt.uuid, UUID)
    assert receipt.status is m("VisitStatusEnum").SUBMITTED
    assert receipt.visited_on == body.checked_in_at.date()
    assert isinstance(receipt.score, float) and 0 < receipt.score <= 100
    assert receipt.assignment == offer.id
    assert all(isinstance(section, m("SectionScoreOut")) for section in receipt.sections)
    assert [(photo.uuid, photo.item, photo.status) for photo in receipt.photos_missing] == [
        (photo, item, m("PhotoStatusEnum").EXPECTED) for photo, item in photos
    ]

    # The phone retries the same body: the first answer again, nothing doubled.
    replay = generated.call("auditor_visits_create", client=auditor, body=body)
    assert replay.status_code == 200
    assert isinstance(replay.parsed, m("VisitReceiptOut"))
    assert replay.parsed.to_dict() == receipt.to_dict()
    assert Visit.objects.filter(uuid=visit_uuid).count() == 1

    # The same uuid with another body: 409, nothing changed.
    changed = _submission(generated, offer.id, photos=photos, visit_uuid=visit_uuid)
    changed.answers[1] = m("AnswerInRequest")(item="burger_taste", value=2)
    conflict = generated.call("auditor_visits_create", client=auditor, body=changed)
    assert conflict.status_code == 409
    assert isinstance(conflict.parsed, m("Problem"))
    assert conflict.parsed.type_.endswith("/conflict") and "uuid" in conflict.parsed.detail
    assert Visit.objects.get(uuid=visit_uuid).score == pytest.approx(receipt.score)

    # The photos the receipt says are missing; the first upload is retried (same uuid, same bytes).
    uploads = [
        (expected.uuid, expected.item, _jpeg(colour))
        for expected, colour in zip(receipt.photos_missing, [(200, 40, 40), (40, 200, 40)], strict=True)
    ]
    photo_uuid, item, data = uploads[0]
    stored = []
    for expected_status in (201, 200):
        upload = generated.call(
            "auditor_visits_photos_upload",
            client=auditor,
            uuid=str(visit_uuid),
            body=m("PhotoUploadInRequest")(
                file=generated.module("types").File(
                    payload=io.BytesIO(data), file_name="fries.jpg", mime_type="image/jpeg"
                ),
                uuid=photo_uuid,
                item=item,
            ),
        )
        assert upload.status_code == expected_status, upload.content
        assert isinstance(upload.parsed, m("PhotoReceiptOut"))
        assert (upload.parsed.uuid, upload.parsed.status) == (photo_uuid, m("PhotoStatusEnum").RECEIVED)
        assert (upload.parsed.width, upload.parsed.height) == (640, 480)
        stored.append(upload.parsed.to_dict())
    assert stored[0] == stored[1]
    assert [missing.uuid for missing in upload.parsed.photos_missing] == [uploads[1][0]]
    assert VisitPhoto.objects.filter(uuid=photo_uuid).count() == 1

    photo_uuid, item, data = uploads[1]
    last = generated.call(
        "auditor_visits_photos_upload",
        client=auditor,
        uuid=str(visit_uuid),
        body=m("PhotoUploadInRequest")(
            file=generated.module("types").File(payload=io.BytesIO(data), file_name="note.jpg", mime_type="image/jpeg"),
            uuid=photo_uuid,
            item=item,
        ),
    )
    assert last.status_code == 201, last.content
    assert last.parsed.photos_missing == []

    # Nothing missing: the visit as the auditor's phone reads it back.
    detail = generated.call("auditor_visits_retrieve", client=auditor, uuid=str(visit_uuid))
    assert detail.status_code == 200
    assert isinstance(detail.parsed, m("VisitDetailOut"))
    assert detail.parsed.photos_missing == []
    assert detail.parsed.status is m("VisitStatusEnum").SUBMITTED
    assert {photo.uuid for photo in detail.parsed.photos} == {photo for photo, _item in photos}
    assert {answer.item for answer in detail.parsed.answers} == set(items)
    assert detail.parsed.receipt_number == "A-0192" and detail.parsed.receipt_amount == pytest.approx(38.5)
    assert VisitPhoto.objects.filter(visit__uuid=visit_uuid).count() == 2


def test_a_reviewer_releases_and_a_dispute_is_resolved_by_amendment_with_the_generated_client(
    generated, sign_in, world, offered
):
    m = generated.model
    auditor = sign_in("auditor_a")
    assert generated.call("auditor_assignments_accept", client=auditor, id=offered.id).status_code == 200
    visit_uuid = uuid.uuid4()
    submitted = generated.call(
        "auditor_visits_create",
        client=auditor,
        body=_submission(generated, offered.id, photos=[], visit_uuid=visit_uuid),
    )
    assert submitted.status_code == 201, submitted.content
    receipt = submitted.parsed

    # The review queue lists the visit; start, release.
    reviewer = sign_in("reviewer")
    queue = generated.call(
        "review_visits_list",
        client=reviewer,
        status=[m("ReviewVisitsListStatusItem").SUBMITTED, m("ReviewVisitsListStatusItem").IN_REVIEW],
    )
    assert queue.status_code == 200
    assert isinstance(queue.parsed, m("PaginatedReviewVisitList"))
    (queued,) = [visit for visit in queue.parsed.results if visit.uuid == visit_uuid]
    assert isinstance(queued, m("ReviewVisit"))
    assert queued.status is m("VisitStatusEnum").SUBMITTED and queued.reference == receipt.reference
    assert queued.auditor.username == "auditor_a"
    assert {answer.key for answer in queued.answers} >= {"fries_hot", "burger_taste"}

    started = generated.call("review_visits_start", client=reviewer, id=queued.id)
    assert started.status_code == 200, started.content
    assert isinstance(started.parsed, m("ReviewVisit"))
    assert started.parsed.status is m("VisitStatusEnum").IN_REVIEW
    assert isinstance(started.parsed.review_started_at, dt.datetime)

    released = generated.call("review_visits_release", client=reviewer, id=queued.id)
    assert released.status_code == 200, released.content
    assert released.parsed.status is m("VisitStatusEnum").RELEASED
    assert isinstance(released.parsed.released_at, dt.datetime)
    score_before = released.parsed.score
    assert score_before == pytest.approx(receipt.score)

    # The store manager finds the released visit by its reference and disputes an answer (multipart).
    manager = sign_in("sm_bund")
    store_visits = generated.call("visits_list", client=manager)
    assert store_visits.status_code == 200
    (store_visit,) = [visit for visit in store_visits.parsed.results if visit.reference == receipt.reference]
    assert store_visit.status is m("VisitStatusEnum").RELEASED
    dispute_body = m("DisputeInRequest")(
        visit=store_visit.reference,
        item="burger_taste",
        reason="The burger was perfect: see the photo.",
        photo=generated.module("types").File(
            payload=io.BytesIO(_jpeg()), file_name="burger.jpg", mime_type="image/jpeg"
        ),
        client_key=uuid.uuid4(),
    )
    opened = generated.call("disputes_create", client=manager, body=dispute_body)
    assert opened.status_code == 201, opened.content
    dispute = opened.parsed
    assert isinstance(dispute, m("Dispute"))
    assert (dispute.visit_reference, dispute.item, dispute.status) == (
        store_visit.reference,
        "burger_taste",
        m("DisputeStatusEnum").OPEN,
    )
    assert dispute.has_photo is True and isinstance(dispute.created_at, dt.datetime)

    # The reviewer resolves it by amendment: a new value and a note; the score follows.
    resolved = generated.call(
        "disputes_resolve",
        client=reviewer,
        id=dispute.id,
        body=m("ResolveInRequest")(outcome=m("OutcomeEnum").AMENDED, value=5, note="The photo shows a perfect burger."),
    )
    assert resolved.status_code == 200, resolved.content
    assert isinstance(resolved.parsed, m("ReviewDispute")) and resolved.parsed.visit == queued.id
    assert resolved.parsed.status is m("DisputeStatusEnum").AMENDED
    assert resolved.parsed.resolution_note == "The photo shows a perfect burger."
    assert isinstance(resolved.parsed.resolved_at, dt.datetime)
    assert resolved.parsed.visit_score > score_before

    # The store side sees the amended answer and the new score.
    seen = generated.call("visits_retrieve", client=manager, id=store_visit.reference)
    assert seen.status_code == 200
    assert isinstance(seen.parsed, m("StoreFacingVisitDetail"))
    answers = {answer.key: answer for answer in seen.parsed.answers}
    assert answers["burger_taste"].value == 5
    assert answers["fries_hot"].value is True
    assert seen.parsed.score == pytest.approx(resolved.parsed.visit_score)
    assert len(seen.parsed.amendments) == 1
    assert Visit.objects.get(uuid=visit_uuid).score == pytest.approx(seen.parsed.score)
