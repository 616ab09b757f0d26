"""A phone on a flaky network fires the same photo upload many times at once (issue 9).

Exactly one request stores it (201); every other one answers 200 with the same receipt; the
media storage holds exactly one image and its thumbnail, never an orphan. Run on SQLite and on
PostgreSQL (``DATABASE_URL=postgres://...``).
"""

import io
import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from PIL import Image
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audits.models import VisitPhoto
from tests.auditor_api.conftest import submission_body

URL = "/api/auditor/visits/"
THREADS = 8


def _photo() -> bytes:
    # Big and noisy enough that cleaning it takes a while: the window a race needs.
    image = Image.frombytes("RGB", (1200, 900), os.urandom(1200 * 900 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _media_files(root) -> list[str]:
    return sorted(
        os.path.relpath(os.path.join(folder, name), root) for folder, _dirs, names in os.walk(root) for name in names
    )


def _upload_concurrently(token: str, visit_uuid: str, photo_uuid: str, content: bytes) -> list[tuple[int, object]]:
    start = threading.Barrier(THREADS)

    def send(_attempt: int) -> tuple[int, object]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        file = io.BytesIO(content)
        file.name = "IMG_0001.jpg"
        try:
            start.wait(timeout=30)
            response = client.post(
                f"{URL}{visit_uuid}/photos/",
                {"file": file, "uuid": photo_uuid, "item": "fries_hot"},
                format="multipart",
            )
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(send, range(THREADS)))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("planned", [True, False], ids=["planned-at-submission", "not-planned"])
def test_eight_concurrent_uploads_of_one_photo_store_it_once_and_leave_no_orphan_files(
    world, make_assignment, settings, planned
):
    photo_uuid = str(uuid.uuid4())
    body = submission_body(make_assignment(), photos=[{"uuid": photo_uuid, "item": "fries_hot"}] if planned else [])
    token = Token.objects.create(user=world.auditor_a).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(URL, body, format="json").status_code == 201
    media_root = settings.STORAGES["default"]["OPTIONS"]["location"]

    results = _upload_concurrently(token, body["uuid"], photo_uuid, _photo())

    statuses = sorted(status for status, _body in results)
    assert statuses == [200] * (THREADS - 1) + [201], results
    receipts = {str(receipt) for _status, receipt in results}
    assert len(receipts) == 1, "every response is the same receipt"
    assert results[0][1]["uuid"] == photo_uuid and results[0][1]["status"] == "received"
    photo = VisitPhoto.objects.get(uuid=photo_uuid)
    assert photo.status == "received"
    assert _media_files(media_root) == sorted([photo.image.name, photo.thumbnail.name])
