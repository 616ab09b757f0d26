"""A received photo's width and height are those of the stored (cleaned, upright) image (issue 9)."""

import io
import uuid

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from audits.models import VisitPhoto
from tests.auditor_api.conftest import submission_body

URL = "/api/auditor/visits/"


def _image(size, fmt: str, orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (30, 160, 90))
    buffer = io.BytesIO()
    if orientation is None:
        image.save(buffer, fmt)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(buffer, fmt, exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (_image((640, 480), "JPEG"), "a.jpg", (640, 480)),
        (_image((301, 173), "PNG"), "a.png", (301, 173)),
        (_image((120, 90), "WEBP"), "a.webp", (120, 90)),
        # Taken with the phone held upright: stored turned upright, so width and height swap.
        (_image((640, 480), "JPEG", orientation=6), "a.jpg", (480, 640)),
    ],
    ids=["jpeg", "png", "webp", "jpeg-rotated-by-exif"],
)
def test_the_upload_receipt_and_the_stored_photo_carry_the_stored_images_size(
    world, api, make_assignment, content, name, expected
):
    photo_uuid = str(uuid.uuid4())
    body = submission_body(make_assignment(), photos=[{"uuid": photo_uuid, "item": "fries_hot"}])
    client = api.as_user(world.auditor_a)
    assert client.post(URL, body, format="json").status_code == 201
    file = io.BytesIO(content)
    file.name = name
    response = client.post(
        f"{URL}{body['uuid']}/photos/", {"file": file, "uuid": photo_uuid, "item": "fries_hot"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert (receipt["width"], receipt["height"]) == expected

    photo = VisitPhoto.objects.get(uuid=photo_uuid)
    assert (photo.width, photo.height) == expected
    with default_storage.open(photo.image.name) as stored:
        assert Image.open(stored).size == expected

    # A retry answers the same receipt, size included.
    file.seek(0)
    retry = client.post(
        f"{URL}{body['uuid']}/photos/", {"file": file, "uuid": photo_uuid, "item": "fries_hot"}, format="multipart"
    )
    assert retry.status_code == 200 and retry.json() == receipt
