from django.contrib.auth.models import AbstractUser, UserManager
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
