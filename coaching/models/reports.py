"""A coaching report job: one PDF for one store and period, rendered in the background."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend import clock
from branches import policy, scoping


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class CoachingReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> CoachingReportQuerySet:
        if not policy.may_read_reports(user):
            return self.none()
        return self.filter(scoping.store_q(user, "store__"))


def coaching_report_upload_to(report: CoachingReport, filename: str) -> str:
    # The job's random id, never anything about the visit or the auditor.
    return f"reports/coaching/{report.pk}.pdf"


class CoachingReport(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    store = models.ForeignKey("branches.Store", on_delete=models.CASCADE, related_name="coaching_reports")
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    language = models.CharField(_("language"), max_length=16)
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    reason = models.TextField(_("why it failed"), blank=True)
    # What the report was made from (released visits, amendments, action plan); a request whose
    # data has the same fingerprint gets this report again instead of a new one.
    fingerprint = models.CharField(max_length=64, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf = models.FileField(upload_to=coaching_report_upload_to, blank=True)
    pages = models.PositiveSmallIntegerField(null=True, blank=True)
    byte_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = CoachingReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("coaching report")
        verbose_name_plural = _("coaching reports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["store", "start", "end", "language", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.store_id} {self.start}–{self.end} ({self.status})"

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The period must not end before it starts.")})
        if self.status == ReportStatus.DONE and not self.pdf:
            raise ValidationError({"pdf": _("A finished report has a PDF.")})
        if self.status == ReportStatus.FAILED and not self.reason:
            raise ValidationError({"reason": _("A failed report says why.")})

    @property
    def filename(self) -> str:
        """The download name: store, period and language; nothing that could name an auditor."""
        return f"coaching-{self.store.code}-{self.start:%Y%m%d}-{self.end:%Y%m%d}-{self.language}.pdf"
