"""Auditors: what HQ knows about each one, and the scorecards they are certified for."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches import policy
from branches.models import User

auditor_code_validator = RegexValidator(r"^[A-Z0-9-]{3,16}$", _("3-16 upper-case letters, digits, hyphens."))


class AuditorProfile(models.Model):
    """What HQ knows about an auditor: where they live, what they may audit, whom they must avoid."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="auditor_profile", verbose_name=_("user"))
    code = models.CharField(_("auditor code"), max_length=16, unique=True, validators=[auditor_code_validator])
    home_city = models.CharField(_("home city"), max_length=80)
    active = models.BooleanField(_("active"), default=True)
    willing_to_travel = models.BooleanField(_("willing to travel"), default=False)
    monthly_capacity = models.PositiveSmallIntegerField(_("visits per month"), default=8)
    conflict_stores = models.ManyToManyField(
        "branches.Store",
        blank=True,
        related_name="conflicted_auditors",
        verbose_name=_("stores they must never visit"),
        help_text=_("Conflict of interest: friends or family work there, a former employer, ..."),
    )
    certified_templates = models.ManyToManyField(
        "scorecards.ScorecardTemplate",
        through="audits.AuditorCertification",
        blank=True,
        related_name="certified_auditors",
        verbose_name=_("certifications"),
    )

    class Meta:
        verbose_name = _("auditor profile")
        verbose_name_plural = _("auditor profiles")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.user_id and not policy.may_audit(self.user):
            raise ValidationError({"user": _("Only users with the auditor role have an auditor profile.")})


class AuditorCertification(models.Model):
    auditor = models.ForeignKey(AuditorProfile, on_delete=models.CASCADE, related_name="certifications")
    template = models.ForeignKey(
        "scorecards.ScorecardTemplate", on_delete=models.PROTECT, related_name="certifications"
    )
    certified_on = models.DateField(_("certified on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.UniqueConstraint(fields=["auditor", "template"], name="one_certification_per_template"),
        ]

    def __str__(self) -> str:
        return f"{self.auditor} – {self.template}"

    def clean(self) -> None:
        if self.expires_on and self.expires_on <= self.certified_on:
            raise ValidationError({"expires_on": _("A certification must expire after it was granted.")})
