import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits import scoping
from backend import clock
from branches import policy
from branches.dayparts import Daypart
from scorecards.models.templates import VersionStatus


class AssignmentStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AssignmentQuerySet":
        return self.filter(scoping.assignment_q(user))


class Assignment(models.Model):
    """One planned visit: which auditor visits which store, when, on which scorecard."""

    store = models.ForeignKey("branches.Store", on_delete=models.PROTECT, related_name="assignments")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    version = models.ForeignKey(
        "scorecards.ScorecardVersion",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("scorecard version"),
    )
    window_start = models.DateField(_("window start"))
    window_end = models.DateField(_("window end"), help_text=_("Inclusive, in the store's time zone."))
    daypart = models.CharField(_("daypart"), max_length=16, choices=Daypart.choices)
    scenario = models.ForeignKey(
        "scorecards.ComplaintScenario",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("complaint scenario"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.OFFERED
    )
    decline_reason = models.TextField(_("decline reason"), blank=True)
    notes = models.TextField(_("notes for the auditor"), blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(_("accepted or declined at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["window_start", "id"]
        indexes = [models.Index(fields=["auditor", "status"], name="assignment_auditor_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="assignment_window_ends_after_start",
                violation_error_message=_("The window must end on or after its start."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.store.code} {self.window_start}–{self.window_end} {self.daypart}"

    def clean(self) -> None:
        errors = {}
        if self.window_start and self.window_end and self.window_end < self.window_start:
            errors["window_end"] = _("The window must end on or after its start.")
        if self.auditor_id:
            if not policy.may_audit(self.auditor):
                errors["auditor"] = _("Only auditors can be assigned visits.")
            else:
                profile = getattr(self.auditor, "auditor_profile", None)
                if profile is None or not profile.active:
                    errors["auditor"] = _("This auditor is not active.")
                elif self.store_id and profile.conflict_stores.filter(pk=self.store_id).exists():
                    errors["store"] = _("This auditor must never visit this store (conflict of interest).")
                elif self.version_id and not self._certified(profile):
                    errors["auditor"] = _("This auditor is not certified for this scorecard for the whole window.")
        if self.version_id and self.version.status != VersionStatus.PUBLISHED:
            errors["version"] = _("Assign published scorecard versions only.")
        if self.store_id and not self.store.active:
            errors["store"] = _("This store is not active.")
        if errors:
            raise ValidationError(errors)

    def _certified(self, profile) -> bool:
        """Certified for the template on every day of the window (a certification ends on its expiry day)."""
        valid = profile.certifications.filter(template_id=self.version.template_id)
        if self.window_start:
            valid = valid.filter(certified_on__lte=self.window_start)
        if self.window_end:
            valid = valid.filter(models.Q(expires_on__isnull=True) | models.Q(expires_on__gt=self.window_end))
        return valid.exists()

    def is_past(self, today: dt.date) -> bool:
        return today > self.window_end
