"""Evidence photos: cleaned of metadata, stored under opaque names, idempotent per photo uuid."""

from __future__ import annotations

import hashlib
import uuid as uuid_module
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend import clock
from backend.errors import InvalidInput
from scorecards.models import Item, PhotoStatus, Visit, VisitPhoto
from scorecards.photos import PhotoLimits, PhotoRejected, ProcessedPhoto, process_photo
from scorecards.services.submissions import SubmissionConflict


@dataclass(frozen=True)
class PhotoOutcome:
    photo: VisitPhoto
    created: bool


def photo_clean(upload: BinaryIO, *, field: str) -> ProcessedPhoto:
    """Run an upload through the intake with the configured limits; a refusal names ``field``."""
    limits = PhotoLimits(
        max_bytes=settings.INCOGNITO["PHOTO_MAX_BYTES"], max_pixels=settings.INCOGNITO["PHOTO_MAX_PIXELS"]
    )
    try:
        return process_photo(upload, limits=limits, default_tz=timezone.get_default_timezone())
    except PhotoRejected as rejected:
        raise InvalidInput({field: rejected.reason}) from None


def _sha256(upload: BinaryIO) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 20), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def visit_photo_receive(*, visit: Visit, photo_uuid: uuid_module.UUID, item_key: str, upload: BinaryIO) -> PhotoOutcome:
    """Store one photo of a visit. A retried upload of the same photo stores nothing new."""
    upload_sha256 = _sha256(upload)
    photo = VisitPhoto.objects.select_related("item").filter(uuid=photo_uuid).first()
    if photo is not None:
        if photo.visit_id != visit.pk:
            raise SubmissionConflict(_("This photo uuid belongs to another visit."))
        if photo.item.key != item_key:
            raise InvalidInput(
                {"item": _("Photo %(u)s was planned for “%(k)s”.") % {"u": photo_uuid, "k": photo.item.key}}
            )
        if photo.status == PhotoStatus.RECEIVED:
            if photo.upload_sha256 != upload_sha256:
                raise SubmissionConflict(_("A different file was already received for this photo uuid."))
            return PhotoOutcome(photo=photo, created=False)
    else:
        item = Item.objects.filter(section__version=visit.version_id, key=item_key).first()
        if item is None:
            raise InvalidInput({"item": _("“%(k)s” is not an item of this visit's scorecard.") % {"k": item_key}})
        photo = VisitPhoto(uuid=photo_uuid, visit=visit, item=item)

    processed = photo_clean(upload, field="file")

    photo.image.save(f"photo.{processed.extension}", ContentFile(processed.content), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(processed.thumbnail), save=False)
    photo.content_type = processed.content_type
    photo.byte_size = len(processed.content)
    photo.sha256 = processed.sha256
    photo.upload_sha256 = upload_sha256
    photo.captured_at = processed.captured_at
    photo.latitude = None if processed.latitude is None else Decimal(str(round(processed.latitude, 6)))
    photo.longitude = None if processed.longitude is None else Decimal(str(round(processed.longitude, 6)))
    photo.status = PhotoStatus.RECEIVED
    photo.received_at = clock.now()
    try:
        with transaction.atomic():
            photo.save()
    except Exception:
        # The row never made it: don't leave its files behind.
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)
        raise
    return PhotoOutcome(photo=photo, created=True)
