"""Evidence files are read through views that apply the visit's scoping, never by a public URL."""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from PIL import Image

from audits.models import VisitPhoto
from audits.models.photos import PhotoStatus
from audits.services import reviews
from scorecards.models import Item


def _jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _received_photo(visit, *, colour: str = "red") -> VisitPhoto:
    photo = VisitPhoto(
        uuid=uuid.uuid4(),
        visit=visit,
        item=Item.objects.get(section__version=visit.version, key="fries_hot"),
        status=PhotoStatus.RECEIVED,
    )
    photo.image.save(f"{uuid.uuid4().hex}.jpg", ContentFile(_jpeg(colour)), save=False)
    photo.thumbnail.save(f"{uuid.uuid4().hex}.jpg", ContentFile(_jpeg(colour)), save=False)
    photo.save()
    return photo


WHO_SEES_THE_RELEASED_BUND_PHOTO = {
    "hq": 200,
    "reviewer": 200,
    "auditor_a": 200,  # their own visit
    "auditor_b": 404,
    "store_manager_bund": 200,
    "store_manager_wfj": 404,
    "regional_manager_east": 200,
    "regional_manager_north": 404,
}


@pytest.mark.parametrize("persona", sorted(WHO_SEES_THE_RELEASED_BUND_PHOTO))
def test_a_photo_is_served_to_whoever_may_see_its_visit_and_404_to_everyone_else(world, api, persona):
    photo = _received_photo(world.released_bund_visit)
    response = api.as_user(world.persona(persona)).get(f"/api/photos/{photo.uuid}/")
    assert response.status_code == WHO_SEES_THE_RELEASED_BUND_PHOTO[persona]
    if response.status_code == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content) == photo.image.open("rb").read()
        assert "no-store" in response["Cache-Control"]
    else:
        assert response["Content-Type"] == "application/problem+json"


def test_an_anonymous_caller_gets_401_not_the_photo(world, api):
    photo = _received_photo(world.released_bund_visit)
    assert api.get(f"/api/photos/{photo.uuid}/").status_code == 401


def test_the_store_side_cannot_read_a_photo_of_a_visit_not_yet_released(world, api):
    photo = _received_photo(world.pending_bund_visit)
    assert api.as_user(world.store_manager_bund).get(f"/api/photos/{photo.uuid}/").status_code == 404
    assert api.as_user(world.reviewer).get(f"/api/photos/{photo.uuid}/").status_code == 200


def test_the_thumbnail_variant_is_the_small_copy(world, api):
    photo = _received_photo(world.released_bund_visit)
    response = api.as_user(world.reviewer).get(f"/api/photos/{photo.uuid}/?variant=thumbnail")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo.thumbnail.open("rb").read()


@override_settings(DEBUG=True)
def test_nothing_under_media_is_served_by_url_even_in_debug(world, client):
    photo = _received_photo(world.released_bund_visit)
    client.force_login(world.hq)
    assert client.get(f"/media/{photo.image.name}").status_code == 404


def test_the_review_api_links_photos_to_the_scoped_view(world, api):
    photo = _received_photo(world.pending_bund_visit)
    body = api.as_user(world.reviewer).get(f"/api/review/visits/{world.pending_bund_visit.pk}/").json()
    (shown,) = [row for row in body["photos"] if row["uuid"] == str(photo.uuid)]
    assert shown["url"] == f"/api/photos/{photo.uuid}/"
    assert shown["thumbnail_url"] == f"/api/photos/{photo.uuid}/?variant=thumbnail"


def test_with_s3_media_the_photo_is_a_redirect_to_a_signed_link(world, api, settings):
    photo = _received_photo(world.released_bund_visit)
    settings.MEDIA_STORAGE = "s3"
    response = api.as_user(world.store_manager_bund).get(f"/api/photos/{photo.uuid}/")
    assert response.status_code == 302 and response["Location"] == photo.image.url


def test_a_disputes_photo_is_read_by_its_store_and_the_reviewers_only(world, api):
    dispute = reviews.dispute_open(
        visit=world.released_bund_visit,
        item_key="fries_hot",
        reason="They were hot: see the photo.",
        photo=ContentFile(_jpeg("blue"), name="evidence.jpg"),
        by=world.store_manager_bund,
    )
    url = f"/api/disputes/{dispute.pk}/photo/"
    for persona, expected in {"store_manager_bund": 200, "reviewer": 200, "store_manager_wfj": 404}.items():
        assert api.as_user(world.persona(persona)).get(url).status_code == expected, persona


def test_a_dispute_without_a_photo_answers_404(world, api):
    dispute = reviews.dispute_open(
        visit=world.released_bund_visit, item_key="fries_hot", reason="hot", by=world.store_manager_bund
    )
    assert api.as_user(world.reviewer).get(f"/api/disputes/{dispute.pk}/photo/").status_code == 404
