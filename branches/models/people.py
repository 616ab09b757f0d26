from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend import clock


class Role(models.TextChoices):
    HQ_ADMIN = "hq_admin", _("HQ admin")
    REVIEWER = "reviewer", _("Reviewer")
    AUDITOR = "auditor", _("Auditor")
    REGIONAL_MANAGER = "regional_manager", _("Regional manager")
    STORE_MANAGER = "store_manager", _("Store manager")


# Roles that work for the audit programme itself and may know who audited what.
AUDIT_SIDE_ROLES = frozenset({Role.HQ_ADMIN, Role.REVIEWER})
# Roles on the audited side: they must never learn who audited, or that a visit is coming.
STORE_SIDE_ROLES = frozenset({Role.REGIONAL_MANAGER, Role.STORE_MANAGER})


class User(AbstractUser):
    """Everyone who signs in. One role per account keeps scoping unambiguous."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Django's own default reads the wall clock; this one asks the project's clock.
    date_joined = models.DateTimeField(_("date joined"), default=clock.now)
    managed_regions = models.ManyToManyField(
        "branches.Region",
        blank=True,
        related_name="managers",
        verbose_name=_("managed regions"),
        help_text=_("Regional managers see these regions and everything below them."),
    )
    managed_stores = models.ManyToManyField(
        "branches.Store",
        blank=True,
        related_name="managers",
        verbose_name=_("managed stores"),
        help_text=_("Store managers see these stores only."),
    )

    objects = UserManager()

    REQUIRED_FIELDS = ["email", "role"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    @property
    def is_audit_side(self) -> bool:
        return self.role in AUDIT_SIDE_ROLES

    @property
    def is_store_side(self) -> bool:
        return self.role in STORE_SIDE_ROLES

    def save(self, *args, **kwargs) -> None:
        # HQ admins manage everything through the admin site; nobody else may enter it.
        self.is_staff = self.role in AUDIT_SIDE_ROLES or self.is_superuser
        super().save(*args, **kwargs)


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
        through="branches.AuditorCertification",
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
        if self.user_id and self.user.role != Role.AUDITOR:
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
