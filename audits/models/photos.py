import uuid as uuid_module

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend import clock


def _opaque_name(prefix: str, filename: str) -> str:
    """A storage name that says nothing about who took the photo, where or when."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    token = uuid_module.uuid4().hex
    return f"{prefix}/{token[:2]}/{token}.{extension}"


def photo_upload_to(instance, filename: str) -> str:
    return _opaque_name("photos", filename)


def thumbnail_upload_to(instance, filename: str) -> str:
    return _opaque_name("thumbs", filename)


class PhotoStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    RECEIVED = "received", _("Received")


class VisitPhoto(models.Model):
    """Evidence for an item. Planned at submission, its file arrives later (phones upload slowly)."""

    uuid = models.UUIDField(_("client id"), unique=True)
    visit = models.ForeignKey("audits.Visit", on_delete=models.CASCADE, related_name="photos")
    item = models.ForeignKey("scorecards.Item", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=PhotoStatus.choices, default=PhotoStatus.EXPECTED)
    image = models.ImageField(upload_to=photo_upload_to, blank=True, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=thumbnail_upload_to, blank=True)
    content_type = models.CharField(max_length=32, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    byte_size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, help_text="Of the stored, cleaned image.")
    upload_sha256 = models.CharField(max_length=64, blank=True, help_text="Of the bytes the phone sent.")
    # Taken from the upload's metadata before it was stripped; audit side only.
    captured_at = models.DateTimeField(null=True, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    planned_at = models.DateTimeField(default=clock.now, editable=False)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["planned_at", "id"]

    def __str__(self) -> str:
        return f"{self.uuid} ({self.get_status_display()})"
