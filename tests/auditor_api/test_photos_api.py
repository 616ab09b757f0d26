import io
import uuid

from django.core.files.storage import default_storage
from PIL import Image

from audits import services as audit_services
from audits.models import PhotoStatus, Visit, VisitPhoto, VisitStatus
from audits.services import reviews
from tests.api.problems import detail, fields
from tests.auditor_api.conftest import submission_body

URL = "/api/auditor/visits/"


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x013B] = "auditor_a"  # Artist: who took it
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 12:15:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (31.0, 14.0, 23.0), 3: "E", 4: (121.0, 29.0, 25.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def _upload(client, visit_uuid, photo_uuid, item, content: bytes, name="IMG_0001.jpg"):
    file = io.BytesIO(content)
    file.name = name
    body = {"file": file, "uuid": photo_uuid, "item": item}
    return client.post(f"{URL}{visit_uuid}/photos/", body, format="multipart")


def _submitted(world, api, make_assignment):
    photo = str(uuid.uuid4())
    body = submission_body(make_assignment(), photos=[{"uuid": photo, "item": "fries_hot"}])
    client = api.as_user(world.auditor_a)
    assert client.post(URL, body, format="json").status_code == 201
    return client, body["uuid"], photo


def test_a_planned_photo_is_stored_without_metadata_and_nothing_is_missing_after(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    response = _upload(client, visit_uuid, photo_uuid, "fries_hot", _jpeg_with_exif())
    assert response.status_code == 201, response.content
    assert response.json()["photos_missing"] == []
    photo = VisitPhoto.objects.get(uuid=photo_uuid)
    with default_storage.open(photo.image.name) as stored:
        data = stored.read()
    assert b"auditor_a" not in data and b"PhoneMaker" not in data and b"Exif" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    # Capture time and place are kept as fields for the audit side only.
    assert photo.captured_at is not None and round(float(photo.latitude), 3) == 31.240
    assert photo.thumbnail.name and "auditor" not in photo.image.name and "IMG_0001" not in photo.image.name
    detail = client.get(f"{URL}{visit_uuid}/").json()
    assert detail["photos_missing"] == [] and detail["photos"][0]["status"] == "received"


def test_a_retried_upload_stores_one_photo(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    content = _jpeg_with_exif()
    assert _upload(client, visit_uuid, photo_uuid, "fries_hot", content).status_code == 201
    retry = _upload(client, visit_uuid, photo_uuid, "fries_hot", content)
    assert retry.status_code == 200
    assert VisitPhoto.objects.filter(uuid=photo_uuid).count() == 1


def test_a_different_file_under_the_same_photo_uuid_is_409(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    _upload(client, visit_uuid, photo_uuid, "fries_hot", _jpeg_with_exif())
    other = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 0)).save(other, "PNG")
    assert _upload(client, visit_uuid, photo_uuid, "fries_hot", other.getvalue(), "x.png").status_code == 409


def test_disguised_and_broken_files_are_400_saying_why_and_nothing_is_stored(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    files_before = _stored_files()
    cases = {
        b"<html><script>alert(1)</script></html>": "not a JPEG, PNG or WebP",
        b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n": "not a JPEG, PNG or WebP",
        _jpeg_with_exif()[:900]: "truncated or corrupt",
    }
    for content, reason in cases.items():
        response = _upload(client, visit_uuid, photo_uuid, "fries_hot", content)
        assert response.status_code == 400
        assert reason in fields(response)["file"][0]
    photo = VisitPhoto.objects.get(uuid=photo_uuid)
    assert photo.status == "expected" and not photo.image
    assert _stored_files() == files_before


def test_an_oversized_photo_is_refused(world, api, make_assignment, settings):
    settings.INCOGNITO = {**settings.INCOGNITO, "PHOTO_MAX_BYTES": 2048}
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    response = _upload(client, visit_uuid, photo_uuid, "fries_hot", _jpeg_with_exif() + b"\0" * 300_000)
    assert response.status_code == 413


def test_a_photo_for_an_item_it_was_not_planned_for_is_400(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    response = _upload(client, visit_uuid, photo_uuid, "greeted", _jpeg_with_exif())
    assert response.status_code == 400 and "planned for “fries_hot”" in fields(response)["item"][0]


def test_another_auditor_cannot_upload_to_my_visit(world, api, make_assignment):
    _client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    other = api.as_user(world.auditor_b)
    assert _upload(other, visit_uuid, photo_uuid, "fries_hot", _jpeg_with_exif()).status_code == 404


def _stored_files() -> set[str]:
    names = set()
    for folder in ("photos", "thumbs"):
        if default_storage.exists(folder):
            for sub in default_storage.listdir(folder)[0]:
                names |= {f"{folder}/{sub}/{name}" for name in default_storage.listdir(f"{folder}/{sub}")[1]}
    return names


# --- evidence freezes when a reviewer takes the visit ---------------------------------------------


def _visit(visit_uuid):
    return Visit.objects.get(uuid=visit_uuid)


def test_a_photo_for_a_released_visit_is_409_saying_why_and_nothing_is_stored(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    audit_services.visit_release(visit=_visit(visit_uuid), by=world.reviewer)
    files_before, rows_before = _stored_files(), VisitPhoto.objects.count()
    for target in (photo_uuid, str(uuid.uuid4())):  # the planned photo, or a new one
        response = _upload(client, visit_uuid, target, "fries_hot", _jpeg_with_exif())
        assert response.status_code == 409, response.content
        assert response["Content-Type"].startswith("application/problem+json")
        assert "released" in detail(response) and "frozen" in detail(response)
    assert _stored_files() == files_before and VisitPhoto.objects.count() == rows_before
    assert VisitPhoto.objects.get(uuid=photo_uuid).status == PhotoStatus.EXPECTED


def test_a_photo_for_a_visit_in_review_is_409(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    reviews.visit_review_start(visit=_visit(visit_uuid), by=world.reviewer)
    response = _upload(client, visit_uuid, photo_uuid, "fries_hot", _jpeg_with_exif())
    assert response.status_code == 409 and "in review" in detail(response)


def test_a_photo_for_a_submitted_or_returned_visit_is_stored(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    assert _upload(client, visit_uuid, photo_uuid, "fries_hot", _jpeg_with_exif()).status_code == 201
    visit = _visit(visit_uuid)
    reviews.visit_review_start(visit=visit, by=world.reviewer)
    reviews.visit_return(visit=visit, by=world.reviewer, note="a clearer photo please", item_comments={})
    assert _visit(visit_uuid).status == VisitStatus.RETURNED
    response = _upload(client, visit_uuid, str(uuid.uuid4()), "fries_hot", _jpeg_with_exif())
    assert response.status_code == 201, response.content


def test_a_retry_of_a_received_photo_after_release_answers_the_stored_photo(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    content = _jpeg_with_exif()
    first = _upload(client, visit_uuid, photo_uuid, "fries_hot", content)
    assert first.status_code == 201
    audit_services.visit_release(visit=_visit(visit_uuid), by=world.reviewer)
    retry = _upload(client, visit_uuid, photo_uuid, "fries_hot", content)
    assert retry.status_code == 200 and retry.json() == first.json()
    assert VisitPhoto.objects.filter(visit__uuid=visit_uuid).count() == 1
    # Other bytes under the received uuid stay a 409, as before release.
    other = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 0, 0)).save(other, "PNG")
    assert _upload(client, visit_uuid, photo_uuid, "fries_hot", other.getvalue(), "x.png").status_code == 409


def _single_colour_png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_small_png_that_would_decode_to_151_mb_is_400_on_file(world, api, make_assignment):
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    response = _upload(client, visit_uuid, photo_uuid, "fries_hot", _single_colour_png(6300, 6300), "x.png")
    assert response.status_code == 400
    assert "151.41 MB, more than the 128 MB allowed" in fields(response)["file"][0]
    assert VisitPhoto.objects.get(uuid=photo_uuid).status == PhotoStatus.EXPECTED


def test_the_decoded_size_budget_is_a_setting(world, api, make_assignment, settings):
    settings.INCOGNITO = {**settings.INCOGNITO, "PHOTO_MAX_DECODED_MB": 1}
    client, visit_uuid, photo_uuid = _submitted(world, api, make_assignment)
    response = _upload(client, visit_uuid, photo_uuid, "fries_hot", _single_colour_png(600, 600), "x.png")
    assert response.status_code == 400 and "more than the 1 MB allowed" in fields(response)["file"][0]
