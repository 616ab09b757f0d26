"""Evidence photos: cleaned of metadata, stored under opaque names, idempotent per photo uuid."""

from __future__ import annotations

import hashlib
import uuid as uuid_module
from dataclasses import dataclass
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import PhotoStatus, Visit, VisitPhoto, VisitStatus
from audits.photos import PhotoLimits, PhotoRejected, ProcessedPhoto, process_photo
from audits.services.submissions import SubmissionConflict
from backend import clock
from backend.errors import Conflict, InvalidInput
from scorecards.models import Item

# The evidence is the auditor's to add to while the visit is theirs: submitted and not yet picked
# up, or returned to them. Once a reviewer owns it (in review, released, rejected) it is frozen.
EVIDENCE_OPEN = frozenset({VisitStatus.SUBMITTED, VisitStatus.RETURNED})


class EvidenceFrozen(Conflict):
    """A new photo for a visit a reviewer owns: the evidence was frozen when review began; 409."""


def _evidence_open_check(status: str) -> None:
    if status not in EVIDENCE_OPEN:
        raise EvidenceFrozen(
            _("This visit is %(status)s: its evidence was frozen when review began, so no photo can be added.")
            % {"status": VisitStatus(status).label.lower()}
        )


@dataclass(frozen=True)
class PhotoOutcome:
    photo: VisitPhoto
    created: bool


def photo_clean(upload: BinaryIO, *, field: str) -> ProcessedPhoto:
    """Run an upload through the intake with the configured limits; a refusal names ``field``."""
    limits = PhotoLimits(
        max_bytes=settings.INCOGNITO["PHOTO_MAX_BYTES"],
        max_pixels=settings.INCOGNITO["PHOTO_MAX_PIXELS"],
        max_decoded_bytes=settings.INCOGNITO["PHOTO_MAX_DECODED_MB"] * 1024 * 1024,
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
    """Store one photo of a visit. A retried upload of the same photo stores nothing new.

    Phones retry, even concurrently, so one photo uuid may arrive many times at once. The upload
    is cleaned first, outside any transaction (it is the slow part); then the row is claimed
    under a lock (the planned row, or a fresh one under the uuid's unique index), and only the
    request that claims it writes files. Every other request waits for it and answers its receipt
    (``created=False``), having written nothing: no orphan files, whatever the interleaving.

    Evidence freezes when a reviewer takes the visit (see ``EVIDENCE_OPEN``): a new photo is then
    refused with ``EvidenceFrozen`` (409) and nothing is stored. A retry of a photo already received
    (same uuid, same bytes) still answers its receipt, whatever the visit's status: it adds nothing,
    and a phone that lost the first answer to a network cut must not loop on an error.
    """
    upload_sha256 = _sha256(upload)
    known = VisitPhoto.objects.select_related("item").filter(uuid=photo_uuid).first()
    if known is not None:
        replay = _replay(known, visit=visit, item_key=item_key, upload_sha256=upload_sha256)
        if replay is not None:
            return replay
    else:
        _item(visit, item_key)  # refuse an unknown item before the slow part
    _evidence_open_check(visit.status)

    processed = photo_clean(upload, field="file")

    written: list[tuple[Storage, str]] = []
    try:
        return _photo_store(
            visit=visit,
            photo_uuid=photo_uuid,
            item_key=item_key,
            processed=processed,
            upload_sha256=upload_sha256,
            written=written,
        )
    except BaseException:
        # The row never made it (or rolled back): don't leave its files behind.
        for storage, name in written:
            storage.delete(name)
        raise


def _item(visit: Visit, item_key: str) -> Item:
    item = Item.objects.filter(section__version=visit.version_id, key=item_key).first()
    if item is None:
        raise InvalidInput({"item": _("“%(k)s” is not an item of this visit's scorecard.") % {"k": item_key}})
    return item


def _replay(photo: VisitPhoto, *, visit: Visit, item_key: str, upload_sha256: str) -> PhotoOutcome | None:
    """The outcome for a photo uuid already known: its receipt, a refusal, or None when still expected."""
    if photo.visit_id != visit.pk:
        raise SubmissionConflict(_("This photo uuid belongs to another visit."))
    if photo.item.key != item_key:
        raise InvalidInput({"item": _("Photo %(u)s was planned for “%(k)s”.") % {"u": photo.uuid, "k": photo.item.key}})
    if photo.status != PhotoStatus.RECEIVED:
        return None
    if photo.upload_sha256 != upload_sha256:
        raise SubmissionConflict(_("A different file was already received for this photo uuid."))
    return PhotoOutcome(photo=photo, created=False)


def _locked_photo(photo_uuid: uuid_module.UUID) -> VisitPhoto | None:
    return VisitPhoto.objects.select_for_update(of=("self",)).select_related("item").filter(uuid=photo_uuid).first()


@transaction.atomic
def _photo_store(
    *,
    visit: Visit,
    photo_uuid: uuid_module.UUID,
    item_key: str,
    processed: ProcessedPhoto,
    upload_sha256: str,
    written: list[tuple[Storage, str]],
) -> PhotoOutcome:
    """Claim the photo's row, then (only then) write its files; ``written`` lists them for clean-up.

    PostgreSQL: ``select_for_update`` makes a concurrent upload of a planned photo wait for the
    first to commit, then read it received; a concurrent first insert of an unplanned uuid waits
    on the unique index, then fails and reads the winner. SQLite: transactions are IMMEDIATE, so
    they run one after another and the second simply finds the first one's row.

    The visit's row is locked first (as the review steps do): a reviewer who took the visit during
    the slow part has committed by now, or waits until this photo is stored.
    """
    status = Visit.objects.select_for_update(of=("self",)).values_list("status", flat=True).get(pk=visit.pk)
    photo = _locked_photo(photo_uuid)
    if photo is None:
        photo = VisitPhoto(uuid=photo_uuid, visit=visit, item=_item(visit, item_key))
        try:
            with transaction.atomic():
                photo.save(force_insert=True)
        except IntegrityError:
            photo = _locked_photo(photo_uuid)
            if photo is None:  # pragma: no cover - the unique index refused it, so the row exists
                raise
    replay = _replay(photo, visit=visit, item_key=item_key, upload_sha256=upload_sha256)
    if replay is not None:
        return replay
    _evidence_open_check(status)

    photo.image.save(f"photo.{processed.extension}", ContentFile(processed.content), save=False)
    written.append((photo.image.storage, photo.image.name))
    photo.thumbnail.save("thumb.jpg", ContentFile(processed.thumbnail), save=False)
    written.append((photo.thumbnail.storage, photo.thumbnail.name))
    # Set after the files: saving a nameless ContentFile resets ImageField's width/height fields.
    photo.width = processed.width
    photo.height = processed.height
    photo.content_type = processed.content_type
    photo.byte_size = len(processed.content)
    photo.sha256 = processed.sha256
    photo.upload_sha256 = upload_sha256
    photo.captured_at = processed.captured_at
    photo.latitude = None if processed.latitude is None else Decimal(str(round(processed.latitude, 6)))
    photo.longitude = None if processed.longitude is None else Decimal(str(round(processed.longitude, 6)))
    photo.status = PhotoStatus.RECEIVED
    photo.received_at = clock.now()
    photo.save()
    return PhotoOutcome(photo=photo, created=True)
