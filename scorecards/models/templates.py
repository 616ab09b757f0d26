from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from backend import clock
from scorecards import scoping

key_validator_message = _("Use lower-case letters, digits and underscores, starting with a letter.")
KEY_REGEX = r"^[a-z][a-z0-9_]*$"


def key_field(verbose_name):
    from django.core.validators import RegexValidator

    return models.CharField(verbose_name, max_length=64, validators=[RegexValidator(KEY_REGEX, key_validator_message)])


class PublishedVersionError(ValidationError):
    """Raised when something tries to change a published scorecard version."""

    def __init__(self) -> None:
        super().__init__(
            _("This scorecard version is published and can no longer change; make a new draft."),
            code="published",
        )


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ItemType(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    SCALE = "scale", _("Scale 1-5 (very dissatisfied … highly satisfied)")
    NUMERIC = "numeric", _("Numeric with scoring bands")
    CHOICE = "choice", _("Single choice")
    TEXT = "text", _("Free text (unscored)")


SCALE_LABELS = {
    1: _("极不满意 Very dissatisfied"),
    2: _("不满意 Dissatisfied"),
    3: _("一般 Neutral"),
    4: _("满意 Satisfied"),
    5: _("高度满意 Highly satisfied"),
}


class ScorecardTemplate(models.Model):
    """A named standard, e.g. "QSR dine-in standard"; its content lives in versions."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("scorecard template")
        verbose_name_plural = _("scorecard templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScorecardVersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ScorecardVersionQuerySet":
        return self.filter(scoping.scorecard_version_q(user))

    def published(self) -> "ScorecardVersionQuerySet":
        return self.filter(status=VersionStatus.PUBLISHED)


class ScorecardVersion(models.Model):
    template = models.ForeignKey(
        ScorecardTemplate, on_delete=models.PROTECT, related_name="versions", verbose_name=_("template")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    critical_cap = models.DecimalField(
        _("critical cap"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("A visit with a failed critical item scores at most this."),
    )
    changelog = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScorecardVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        ordering = ["template__name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="unique_version_number"),
            models.UniqueConstraint(
                fields=["template"],
                condition=models.Q(status=VersionStatus.DRAFT),
                name="one_draft_per_template",
                violation_error_message=_("This template already has a draft; edit that one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number} ({self.get_status_display()})"

    def save(self, *args, **kwargs) -> None:
        if self.pk and not self._state.adding:
            stored = ScorecardVersion.objects.filter(pk=self.pk).values("status", "critical_cap").first()
            # Published content is frozen; only the status may move on (published -> retired).
            if stored and stored["status"] != VersionStatus.DRAFT and stored["critical_cap"] != self.critical_cap:
                raise PublishedVersionError()
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class VersionContent(models.Model):
    """Base for everything that belongs to a version's content and freezes with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)

    def owning_version(self) -> ScorecardVersion:
        raise NotImplementedError

    def _guard(self) -> None:
        version = self.owning_version()
        if version is not None and version.pk and not version.is_editable:
            raise PublishedVersionError()


class Section(VersionContent):
    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="sections")
    key = key_field(_("key"))
    title = models.CharField(_("title"), max_length=120)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.00"),
        help_text=_("Relative weight of this section in the visit score; must be > 0 to publish."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="unique_section_key")]

    def __str__(self) -> str:
        return self.title

    def owning_version(self) -> ScorecardVersion:
        return self.version


class Item(VersionContent):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    key = key_field(_("key"))
    prompt = models.CharField(_("prompt"), max_length=255)
    guidance = models.TextField(_("auditor guidance"), blank=True)
    coaching_tip = models.TextField(_("coaching tip"), blank=True)
    type = models.CharField(_("type"), max_length=16, choices=ItemType.choices)
    max_points = models.DecimalField(
        _("max points"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal(0))],
    )
    unit = models.CharField(_("unit"), max_length=16, blank=True, help_text=_("Numeric items, e.g. s"))
    na_allowed = models.BooleanField(_("N/A allowed"), default=False)
    photo_required = models.BooleanField(_("photo required"), default=False)
    critical = models.BooleanField(_("critical"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["section__position", "position", "id"]

    def __str__(self) -> str:
        return f"{self.key}: {self.prompt}"

    def owning_version(self) -> ScorecardVersion:
        return self.section.version

    @property
    def is_scored(self) -> bool:
        return self.type != ItemType.TEXT


class ItemOption(VersionContent):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="options")
    key = key_field(_("key"))
    label = models.CharField(_("label"), max_length=120)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["item", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="unique_option_key")]

    def __str__(self) -> str:
        return self.label

    def owning_version(self) -> ScorecardVersion:
        return self.item.section.version


class NumericBand(VersionContent):
    """Points for a numeric answer in [lower, upper); no upper bound means "and above"."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="bands")
    lower = models.DecimalField(_("from (inclusive)"), max_digits=12, decimal_places=3)
    upper = models.DecimalField(_("to (exclusive)"), max_digits=12, decimal_places=3, null=True, blank=True)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    label = models.CharField(_("label"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("scoring band")
        verbose_name_plural = _("scoring bands")
        ordering = ["item", "lower"]

    def __str__(self) -> str:
        upper = "∞" if self.upper is None else self.upper
        return f"[{self.lower}, {upper}) → {self.points}"

    def owning_version(self) -> ScorecardVersion:
        return self.item.section.version

    def clean(self) -> None:
        if self.upper is not None and self.upper <= self.lower:
            raise ValidationError({"upper": _("The band must end above where it starts.")})
