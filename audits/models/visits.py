import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits import scoping
from backend import clock
from branches.dayparts import DAYPART_HOURS, Daypart

__all__ = ["DAYPART_HOURS", "Answer", "Channel", "Daypart", "Visit", "VisitFlag", "VisitSectionScore", "VisitStatus"]

# No 0/O/1/I so a reference read out over the phone is unambiguous.
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_visit_reference() -> str:
    """An opaque reference store-side users can quote; it encodes nothing about the visit."""
    return "V-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class VisitStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned to auditor")
    RELEASED = "released", _("Released")
    REJECTED = "rejected", _("Rejected")


class VisitFlag(models.TextChoices):
    OUTSIDE_WINDOW = "outside_window", _("Outside the assignment's window")
    OUTSIDE_DAYPART = "outside_daypart", _("Outside the assignment's daypart")
    FAR_FROM_STORE = "far_from_store", _("Checked in far from the store")


class Channel(models.TextChoices):
    DINE_IN = "dine_in", _("Dine-in")
    TAKEAWAY = "takeaway", _("Takeaway")
    DRIVE_THRU = "drive_thru", _("Drive-thru")
    DELIVERY = "delivery", _("Delivery")
    PHONE = "phone", _("Phone")


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VisitQuerySet":
        return self.filter(scoping.visit_q(user))

    def released(self) -> "VisitQuerySet":
        return self.filter(status=VisitStatus.RELEASED)


class Visit(models.Model):
    """One audit as the auditor submitted it, with the scores computed when it was stored."""

    uuid = models.UUIDField(_("client id"), unique=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_visit_reference, editable=False
    )
    store = models.ForeignKey("branches.Store", on_delete=models.PROTECT, related_name="visits")
    version = models.ForeignKey(
        "scorecards.ScorecardVersion",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("scorecard version"),
    )
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    assignment = models.OneToOneField(
        "audits.Assignment", null=True, blank=True, on_delete=models.PROTECT, related_name="visit"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.DINE_IN)
    daypart = models.CharField(_("daypart"), max_length=16, choices=Daypart.choices)
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_out_at = models.DateTimeField(_("checked out at"))
    visited_on = models.DateField(_("visit date"), db_index=True, help_text=_("In the store's time zone."))
    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.SUBMITTED)
    summary = models.TextField(_("auditor's summary"), blank=True)

    complaint_scenario = models.ForeignKey(
        "scorecards.ComplaintScenario", null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    complaint_observed = models.JSONField(_("rubric responses observed"), default=list, blank=True)
    complaint_seconds_to_resolution = models.PositiveIntegerField(null=True, blank=True)
    complaint_transcript = models.TextField(_("complaint transcript"), blank=True)
    complaint_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    complaint_passed = models.BooleanField(null=True, blank=True)

    score = models.DecimalField(_("score"), max_digits=4, decimal_places=1, null=True, blank=True)
    score_uncapped = models.DecimalField(
        _("score before critical cap"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    earned_points = models.DecimalField(max_digits=9, decimal_places=2)
    possible_points = models.DecimalField(max_digits=9, decimal_places=2)
    critical_failed = models.BooleanField(_("critical failure"), default=False, db_index=True)
    critical_failures = models.JSONField(_("failed critical items"), default=list, blank=True)

    # Where the phone was at check-in. Audit side only: it locates the auditor.
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy_m = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    distance_m = models.PositiveIntegerField(_("distance from the store (m)"), null=True, blank=True)
    flags = models.JSONField(_("review flags"), default=list, blank=True)

    receipt_number = models.CharField(_("receipt number"), max_length=64, blank=True)
    receipt_amount = models.DecimalField(_("receipt amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    receipt_time = models.DateTimeField(_("receipt time"), null=True, blank=True)

    # SHA-256 of the submitted body: a retry with the same uuid must carry the same body.
    submission_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now, editable=False)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    review_started_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_note = models.TextField(_("note to the auditor"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-checked_in_at"]
        indexes = [
            # Reports read these columns straight from the index, never from the table.
            models.Index(
                fields=[
                    "store",
                    "status",
                    "visited_on",
                    "version",
                    "score",
                    "critical_failed",
                    "complaint_passed",
                    "complaint_seconds_to_resolution",
                ],
                name="visit_store_report_cover",
            ),
            models.Index(fields=["status", "visited_on", "version", "store", "score"], name="visit_status_date_cover"),
            models.Index(fields=["auditor", "visited_on"], name="visit_auditor_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="visit_checkout_after_checkin",
                violation_error_message=_("Check-out cannot be before check-in."),
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="visit_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.store.code} {self.visited_on}"

    @property
    def flag_codes(self) -> list[str]:
        return [flag["code"] for flag in self.flags]

    @property
    def released_on(self) -> dt.date | None:
        """The store's local date of release: all the store side is told of when a reviewer acted."""
        if self.released_at is None:
            return None
        return clock.local_date(self.released_at, self.store.timezone)


class VisitSectionScore(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="section_scores")
    section = models.ForeignKey("scorecards.Section", on_delete=models.PROTECT, related_name="+")
    earned_points = models.DecimalField(max_digits=9, decimal_places=2)
    possible_points = models.DecimalField(max_digits=9, decimal_places=2)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["section__position"]
        constraints = [models.UniqueConstraint(fields=["visit", "section"], name="one_score_per_section")]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.section_id}: {self.score}"


class Answer(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey("scorecards.Item", on_delete=models.PROTECT, related_name="answers")
    not_applicable = models.BooleanField(_("N/A"), default=False)
    value_bool = models.BooleanField(null=True, blank=True)
    value_number = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    option = models.ForeignKey(
        "scorecards.ItemOption", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value_text = models.TextField(blank=True)
    comment = models.TextField(_("comment"), blank=True)
    earned_points = models.DecimalField(max_digits=6, decimal_places=2)
    possible_points = models.DecimalField(max_digits=6, decimal_places=2)
    failed = models.BooleanField(_("missed"), default=False, help_text=_("Scored below its maximum."))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__section__position", "item__position"]
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item.key}: {self.value}"

    @property
    def value(self):
        """The answer as the auditor gave it: bool, 1-5, a number, an option key or text."""
        if self.not_applicable:
            return None
        if self.value_bool is not None:
            return self.value_bool
        if self.option_id is not None:
            return self.option.key
        if self.value_number is not None:
            number = self.value_number.normalize()
            return int(number) if number == number.to_integral_value() else float(number)
        return self.value_text or None
