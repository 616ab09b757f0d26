from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecards.models.templates import key_field


class ComplaintScenario(models.Model):
    """A scripted complaint the auditor performs, scored against a rubric of staff responses."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=120)
    script = models.TextField(_("script"), help_text=_("What the auditor says and does."))
    timing = models.CharField(_("when"), max_length=255, help_text=_("e.g. within 2 minutes of receiving the food"))
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("70.0"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("A complaint test passes when its rubric score reaches this (0-100)."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint scenario")
        verbose_name_plural = _("complaint scenarios")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class RubricItem(models.Model):
    scenario = models.ForeignKey(ComplaintScenario, on_delete=models.CASCADE, related_name="rubric")
    key = key_field(_("key"))
    description = models.CharField(_("expected staff response"), max_length=255)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    within_seconds = models.PositiveIntegerField(
        _("within seconds"),
        null=True,
        blank=True,
        help_text=_("Set for time-based responses: met when the complaint was resolved within this many seconds."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rubric item")
        verbose_name_plural = _("rubric items")
        ordering = ["scenario", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="unique_rubric_key")]

    def __str__(self) -> str:
        return self.description
