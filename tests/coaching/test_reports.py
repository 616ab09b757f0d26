"""Coaching PDFs: the document a store manager gets, and the jobs that make it.

On the hand-worked dataset (tests/reports/conftest.py), for SH-BUND over 2026-01-01..2026-03-31.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from audits.models import Answer, VisitPhoto
from audits.models.photos import PhotoStatus
from audits.services import AnswerInput, reviews, visit_release
from backend import clock
from coaching import services
from coaching.models import CoachingReport, ReportStatus
from coaching.pdf import assets
from coaching.report_data import coaching_fingerprint
from reports import selectors
from scorecards.models import Item
from tests.api.problems import fields, problem
from tests.traces import shows

URL = "/api/reports/coaching/"
BODY = {"store": "SH-BUND", "start": "2026-01-01", "end": "2026-03-31", "language": "en"}


def _request(client, django_capture_on_commit_callbacks, body=BODY):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(URL, body, format="json")


def _pdf(client, report_id) -> tuple[PdfReader, object]:
    response = client.get(f"{URL}{report_id}/pdf/")
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content)
    return PdfReader(io.BytesIO(content)), response


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _with_evidence(dataset):
    """The cold-fries visit gets an auditor's comment and a photo of the fries."""
    cold = dataset.bund_visits[1]
    Answer.objects.filter(visit=cold, item__key="fries_hot").update(comment="薯条是凉的 (fries lukewarm)")
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), (200, 160, 60)).save(buffer, "JPEG")
    photo = VisitPhoto(
        uuid="00000000-0000-0000-0000-00000000f001",
        visit=cold,
        item=cold.version.sections.get(key="food").items.get(key="fries_hot"),
        status=PhotoStatus.RECEIVED,
    )
    photo.thumbnail.save("thumb.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    return photo


# --- The document -----------------------------------------------------------------------------


def test_the_pdf_embeds_a_cjk_font_and_its_text_has_the_chinese_store_name(
    dataset, api, django_capture_on_commit_callbacks
):
    client = api.as_user(dataset.world.store_manager_bund)
    created = _request(client, django_capture_on_commit_callbacks, {**BODY, "language": "zh-hans"}).json()
    reader, _response = _pdf(client, created["id"])
    assert "上海外滩餐厅" in _text(reader)
    embedded = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = (font.get("/DescendantFonts") or [font])[0].get_object().get("/FontDescriptor", {})
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                embedded.add(str(font["/BaseFont"]).split("+", 1)[-1])
    # The report's CJK face (Noto Sans CJK SC, declared as "Incognito Sans"), subset and embedded.
    assert {"Incognito-Sans", "Incognito-Sans-Bold"} <= embedded, embedded


def test_the_pdf_shows_the_trend_chart_weakest_standards_with_tips_evidence_and_complaint_tests(
    dataset, api, django_capture_on_commit_callbacks
):
    _with_evidence(dataset)
    client = api.as_user(dataset.world.store_manager_bund)
    created = _request(client, django_capture_on_commit_callbacks).json()
    reader, _response = _pdf(client, created["id"])
    text = _text(reader)
    for expected in (
        "Score trend",
        "Standards to work on",
        "Serve fries within 5 minutes of frying.",  # fries_hot's coaching tip
        "薯条是凉的",  # what the auditor wrote, without who wrote it
        "Complaint tests",
        "Action plan",
        "Owner",
        "Due date",
    ):
        assert expected in text, expected
    images = [name for page in reader.pages for name in (page["/Resources"].get("/XObject") or {})]
    assert len(images) >= 2  # the chart and the evidence photo
    assert "1 / " in text or f"1 / {len(reader.pages)}" in text  # page numbers


def test_the_pdf_names_no_auditor_in_its_text_metadata_or_file_name(dataset, api, django_capture_on_commit_callbacks):
    _with_evidence(dataset)
    world = dataset.world
    client = api.as_user(world.store_manager_bund)
    created = _request(client, django_capture_on_commit_callbacks).json()
    reader, response = _pdf(client, created["id"])
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    disposition = response["Content-Disposition"]
    assert "SH-BUND" in metadata and "coaching-SH-BUND-20260101-20260331-en.pdf" in disposition
    everything = "\n".join([_text(reader), metadata, disposition, created["filename"]])
    for auditor in (world.auditor_a, world.auditor_b):
        for trace in (
            auditor.username,
            auditor.first_name,
            auditor.last_name,
            auditor.email,
            auditor.auditor_profile.code,
        ):
            assert not shows(trace, everything), trace
    for visit in dataset.bund_visits:
        assert str(visit.uuid) not in everything


def test_a_missing_cjk_font_is_reported_with_the_debian_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("INCOGNITO_FONT_DIR", str(tmp_path))
    with pytest.raises(assets.MissingFont, match="fonts-noto-cjk"):
        assets.font_paths()


# --- Jobs ---------------------------------------------------------------------------------------


def test_asking_for_a_report_answers_202_and_the_job_finishes_with_a_pdf(
    dataset, api, django_capture_on_commit_callbacks
):
    client = api.as_user(dataset.world.store_manager_bund)
    response = _request(client, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert {"id", "status"} <= set(response.json())
    status = client.get(f"{URL}{response.json()['id']}/").json()
    assert status["status"] == "done" and status["reason"] == ""
    assert status["pdf_url"] == f"{URL}{response.json()['id']}/pdf/"
    assert status["pages"] >= 3
    reader, download = _pdf(client, status["id"])
    assert download["Content-Type"] == "application/pdf"
    assert len(reader.pages) == status["pages"]


def test_a_job_is_queued_until_it_runs_and_its_pdf_is_409_until_then(dataset, api):
    client = api.as_user(dataset.world.store_manager_bund)
    response = client.post(URL, BODY, format="json")  # the transaction never commits: nothing runs
    assert response.status_code == 202 and response.json()["status"] == "queued"
    download = client.get(f"{URL}{response.json()['id']}/pdf/")
    assert download.status_code == 409 and problem(download)["report_status"] == "queued"


def test_the_period_defaults_to_the_last_three_calendar_months():
    period = services.coaching_period(start=None, end=None, today=dt.date(2026, 11, 24))
    assert (period.start, period.end) == (dt.date(2026, 9, 1), dt.date(2026, 11, 24))
    period = services.coaching_period(start=None, end=dt.date(2026, 2, 10), today=dt.date(2026, 11, 24))
    assert (period.start, period.end) == (dt.date(2025, 12, 1), dt.date(2026, 2, 10))


def test_a_finished_report_is_reused_until_a_visit_of_the_store_and_period_is_released(
    dataset, api, django_capture_on_commit_callbacks
):
    client = api.as_user(dataset.world.store_manager_bund)
    first = _request(client, django_capture_on_commit_callbacks).json()
    again = _request(client, django_capture_on_commit_callbacks)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    # A regional manager asking for the same store and period gets the same report.
    shared = _request(api.as_user(dataset.world.regional_manager_east), django_capture_on_commit_callbacks)
    assert shared.json()["id"] == first["id"]

    visit_release(visit=dataset.pending, by=dataset.world.reviewer)
    renewed = _request(client, django_capture_on_commit_callbacks)
    assert renewed.status_code == 202 and renewed.json()["id"] != first["id"]
    assert client.get(f"{URL}{renewed.json()['id']}/").json()["status"] == "done"


def test_an_amended_score_makes_a_new_report(dataset, api, django_capture_on_commit_callbacks):
    world = dataset.world
    client = api.as_user(world.store_manager_bund)
    first = _request(client, django_capture_on_commit_callbacks).json()
    visit = dataset.bund_visits[1]
    dispute = reviews.dispute_open(
        visit=visit, item_key="fries_hot", reason="They were hot", by=world.store_manager_bund
    )
    reviews.dispute_resolve(
        dispute=dispute, by=world.reviewer, note="Photo shows steam", amended_answer=AnswerInput(value=True)
    )
    renewed = _request(client, django_capture_on_commit_callbacks)
    assert renewed.status_code == 202 and renewed.json()["id"] != first["id"]


def test_another_language_or_period_is_another_report(dataset, api, django_capture_on_commit_callbacks):
    client = api.as_user(dataset.world.store_manager_bund)
    first = _request(client, django_capture_on_commit_callbacks).json()
    chinese = _request(client, django_capture_on_commit_callbacks, {**BODY, "language": "zh-hans"}).json()
    shorter = _request(client, django_capture_on_commit_callbacks, {**BODY, "end": "2026-02-28"}).json()
    assert len({first["id"], chinese["id"], shorter["id"]}) == 3


def test_a_job_delivered_twice_renders_once(dataset, api, django_capture_on_commit_callbacks):
    client = api.as_user(dataset.world.store_manager_bund)
    report = CoachingReport.objects.get(pk=_request(client, django_capture_on_commit_callbacks).json()["id"])
    rendered = report.pdf.name
    again = services.coaching_report_render(report_id=report.pk)
    assert again.status == ReportStatus.DONE and again.pdf.name == rendered


def test_a_render_that_fails_says_why_and_serves_no_pdf(dataset, api, django_capture_on_commit_callbacks, monkeypatch):
    from coaching.pdf import coaching_document, render

    def broken(*args, **kwargs):
        raise render.RenderError("The coaching PDF needs a CJK font (fonts-noto-cjk).")

    monkeypatch.setattr(coaching_document, "coaching_pdf", broken)
    client = api.as_user(dataset.world.store_manager_bund)
    created = client.get(f"{URL}{_request(client, django_capture_on_commit_callbacks).json()['id']}/").json()
    assert created["status"] == "failed" and "fonts-noto-cjk" in created["reason"]
    download = client.get(f"{URL}{created['id']}/pdf/")
    assert download.status_code == 409 and "fonts-noto-cjk" in download.json()["detail"]
    # A failed report is not handed out again: asking again makes a new job.
    monkeypatch.undo()
    again = _request(client, django_capture_on_commit_callbacks)
    assert again.status_code == 202 and client.get(f"{URL}{again.json()['id']}/").json()["status"] == "done"


def test_an_unexpected_render_error_fails_the_job_without_leaking_internals(
    dataset, api, django_capture_on_commit_callbacks, monkeypatch
):
    from coaching.pdf import coaching_document

    def broken(*args, **kwargs):
        raise KeyError("/srv/secret/path")

    monkeypatch.setattr(coaching_document, "coaching_pdf", broken)
    client = api.as_user(dataset.world.hq)
    created = client.get(f"{URL}{_request(client, django_capture_on_commit_callbacks).json()['id']}/").json()
    assert created["status"] == "failed"
    assert "internal error" in created["reason"] and "/srv" not in created["reason"]


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_job_runs_in_a_background_thread_of_the_web_process(world, api, settings):
    settings.REPORT_JOBS = "thread"
    client = api.as_user(world.store_manager_bund)
    response = client.post(URL, {"store": "SH-BUND", "language": "en"}, format="json")
    assert response.status_code == 202 and response.json()["status"] in ("queued", "running", "done")
    deadline = time.monotonic() + 60
    status = response.json()["status"]
    while status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        status = client.get(f"{URL}{response.json()['id']}/").json()["status"]
    assert status == "done"
    assert client.get(f"{URL}{response.json()['id']}/pdf/").status_code == 200


# --- Bad input and scope -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2026-01-01"}, "store"),
        ({**BODY, "start": "2026-13-01"}, "start"),
        ({**BODY, "start": "2026-04-01"}, "end"),
        ({**BODY, "start": "2000-01-01"}, "start"),
        ({**BODY, "language": "fr"}, "language"),
        ({**BODY, "store": "SH BUND; DROP"}, "store"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_makes_no_job(dataset, api, body, field):
    response = api.as_user(dataset.world.store_manager_bund).post(URL, body, format="json")
    assert response.status_code == 400 and field in fields(response), fields(response)
    assert CoachingReport.objects.count() == 0


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("hq", 202),
        ("reviewer", 202),
        ("regional_manager_east", 202),
        ("store_manager_bund", 202),
        ("regional_manager_north", 404),
        ("store_manager_wfj", 404),
        ("auditor_a", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_ask_for_the_bunds_report(dataset, api, persona, expected):
    response = api.as_user(dataset.world.persona(persona)).post(URL, BODY, format="json")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("store_manager_bund", 200),
        ("regional_manager_east", 200),
        ("hq", 200),
        ("store_manager_wfj", 404),
        ("regional_manager_north", 404),
        ("auditor_a", 403),
        ("anonymous", 401),
    ],
)
def test_another_stores_report_is_404(dataset, api, django_capture_on_commit_callbacks, persona, expected):
    created = _request(api.as_user(dataset.world.store_manager_bund), django_capture_on_commit_callbacks).json()
    client = api.as_user(dataset.world.persona(persona))
    assert client.get(f"{URL}{created['id']}/").status_code == expected
    assert client.get(f"{URL}{created['id']}/pdf/").status_code == expected
    listed = client.get(URL)
    if expected == 200:
        assert [row["id"] for row in listed.json()["results"]] == [created["id"]]
    elif expected == 404:
        assert listed.json()["results"] == []


def test_listing_reports_takes_the_same_queries_however_many_there_are(dataset, api, django_assert_num_queries):
    client = api.as_user(dataset.world.regional_manager_east)

    def make(count):
        for number in range(count):
            CoachingReport.objects.create(
                store=dataset.world.bund if number % 2 else dataset.world.peoples_square,
                start=dt.date(2026, 1, 1),
                end=dt.date(2026, 1, 1) + dt.timedelta(days=number),
                language="en",
                fingerprint="x",
                requested_by=dataset.world.hq,
            )

    make(2)
    with django_assert_num_queries(4) as few:
        assert client.get(URL).json()["count"] == 2
    make(20)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(URL).json()["count"] == 22


def test_the_pdf_shows_the_stores_action_plan_with_its_status_and_a_new_plan_changes_the_report(
    dataset, api, django_capture_on_commit_callbacks
):
    from coaching.models import ActionItem
    from coaching.services import action_item_complete, action_item_create

    world = dataset.world
    client = api.as_user(world.store_manager_bund)
    before = _request(client, django_capture_on_commit_callbacks).json()
    due = clock.today() + dt.timedelta(days=10)
    late = action_item_create(
        store=world.bund,
        item_key="fries_hot",
        action="Fry in smaller batches",
        owner="王店长",
        due_on=due,
        by=world.store_manager_bund,
    )
    ActionItem.objects.filter(pk=late.pk).update(due_on=clock.today() - dt.timedelta(days=2))
    done = action_item_create(
        store=world.bund,
        item_key="greeted",
        action="Greet within 5 seconds",
        owner="Li Na",
        due_on=due,
        by=world.store_manager_bund,
    )
    action_item_complete(item=done, by=world.store_manager_bund)

    after = _request(client, django_capture_on_commit_callbacks)
    assert after.status_code == 202 and after.json()["id"] != before["id"]
    text = _text(_pdf(client, after.json()["id"])[0])
    assert "Actions already recorded" in text
    assert "Fry in smaller batches" in text and "王店长" in text and "overdue" in text
    assert "Greet within 5 seconds" in text and "done" in text


def test_loading_the_pdf_engine_keeps_photo_intake_strict_about_truncated_images():
    from PIL import ImageFile

    import coaching.pdf.render  # noqa: F401  (WeasyPrint flips Pillow's flag on import)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_evidence_photos_are_shared_out_one_per_standard_before_any_gets_a_second(dataset):
    from coaching import report_data
    from reports import selectors

    world = dataset.world
    visits = dataset.bund_visits
    photos = []
    for number, (visit, key) in enumerate(
        [
            (visits[1], "fries_hot"),
            (visits[1], "fries_hot"),
            (visits[1], "fries_hot"),
            (visits[2], "greeted"),
            (visits[3], "greeted"),
        ],
        start=1,
    ):
        buffer = io.BytesIO()
        Image.new("RGB", (48, 36), (number * 40, 90, 60)).save(buffer, "JPEG")
        photo = VisitPhoto(
            uuid=f"00000000-0000-0000-0000-0000000000{number:02d}",
            visit=visit,
            status=PhotoStatus.RECEIVED,
            item=visit.version.sections.get(items__key=key).items.get(key=key),
        )
        photo.thumbnail.save("t.jpg", ContentFile(buffer.getvalue()), save=False)
        photo.save()
        photos.append(photo)
    evidence = report_data._evidence(
        world.bund.pk,
        selectors.scorecard_versions(world.version.template_id),
        selectors.Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ["fries_hot", "greeted", "upsell"],
    )
    assert [len(evidence[key]["photos"]) for key in ("fries_hot", "greeted", "upsell")] == [2, 2, 0]


def test_an_unreachable_broker_fails_the_job_with_a_reason_instead_of_a_server_error(
    dataset, api, django_capture_on_commit_callbacks, settings, monkeypatch
):
    from coaching import tasks

    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6399")

    settings.REPORT_JOBS = "celery"
    monkeypatch.setattr(tasks.render_coaching_report, "delay", unreachable)
    client = api.as_user(dataset.world.store_manager_bund)
    asked = _request(client, django_capture_on_commit_callbacks)
    assert asked.status_code == 202
    job = client.get(f"{URL}{asked.json()['id']}/").json()
    assert job["status"] == "failed" and "queue is unavailable" in job["reason"]


def test_the_fingerprint_notices_a_photo_received_for_a_released_visit(world):
    visit = world.released_bund_visit
    period = selectors.Period(start=visit.visited_on, end=visit.visited_on)
    before = coaching_fingerprint(store_id=visit.store_id, period=period, today=visit.visited_on)
    item = Item.objects.filter(section__version=visit.version_id).first()
    VisitPhoto.objects.create(
        uuid=uuid.uuid4(), visit=visit, item=item, status=PhotoStatus.RECEIVED, received_at=clock.now()
    )
    after = coaching_fingerprint(store_id=visit.store_id, period=period, today=visit.visited_on)
    assert after != before
    # An expected photo (not yet received) is no new evidence.
    VisitPhoto.objects.create(uuid=uuid.uuid4(), visit=visit, item=item)
    assert coaching_fingerprint(store_id=visit.store_id, period=period, today=visit.visited_on) == after
