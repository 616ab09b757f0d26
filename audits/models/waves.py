from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from audits import scoping
from audits.planning import DAYPARTS
from backend import clock
from scorecards.models.templates import VersionStatus

MAX_WAVE_DAYS = 366


class WaveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMMITTED = "committed", _("Committed")


class WaveQuerySet(models.QuerySet):
    def visible_to(self, user) -> "WaveQuerySet":
        return self.filter(scoping.wave_q(user))


class Wave(models.Model):
    """HQ's plan for a round of visits; committing it turns it into assignments."""

    name = models.CharField(_("name"), max_length=120)
    version = models.ForeignKey(
        "scorecards.ScorecardVersion",
        on_delete=models.PROTECT,
        related_name="waves",
        verbose_name=_("scorecard version"),
    )
    stores = models.ManyToManyField("branches.Store", blank=True, related_name="waves", verbose_name=_("stores"))
    regions = models.ManyToManyField(
        "branches.Region",
        blank=True,
        related_name="waves",
        verbose_name=_("regions"),
        help_text=_("Every active store in these regions and the regions below them."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), help_text=_("Inclusive."))
    visits_per_store_per_month = models.PositiveSmallIntegerField(
        _("visits per store per month"), default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    daypart_quotas = models.JSONField(
        _("daypart quotas"),
        default=dict,
        blank=True,
        help_text=_(
            'Visits per store per month by daypart, e.g. {"lunch": 2, "dinner": 1, "breakfast": 1}; they must '
            "add up to the visits per store per month. Empty spreads visits evenly over lunch and dinner."
        ),
    )
    scenarios = models.ManyToManyField(
        "scorecards.ComplaintScenario",
        blank=True,
        related_name="waves",
        verbose_name=_("complaint scenarios"),
        help_text=_("Rotated so that no store gets the same script twice in a row."),
    )
    complaint_visits_per_store_per_month = models.PositiveSmallIntegerField(
        _("complaint tests per store per month"), default=1, help_text=_("0 for none.")
    )
    rotation_lockout_days = models.PositiveSmallIntegerField(
        _("rotation lockout (days)"),
        default=90,
        validators=[MaxValueValidator(730)],
        help_text=_("An auditor never visits the same store twice within this many days."),
    )
    seed = models.IntegerField(_("seed"), default=0, help_text=_("The same seed gives the same plan."))
    status = models.CharField(_("status"), max_length=16, choices=WaveStatus.choices, default=WaveStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=clock.now, editable=False)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignments = models.ManyToManyField(
        "audits.Assignment",
        through="audits.WaveAssignment",
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = WaveQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit wave")
        verbose_name_plural = _("audit waves")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="wave_ends_after_start",
                violation_error_message=_("The wave must end on or after its first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date}–{self.end_date})"

    @property
    def is_committed(self) -> bool:
        return self.status == WaveStatus.COMMITTED

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.version_id and self.version.status != VersionStatus.PUBLISHED:
            errors.setdefault("version", []).append(_("Plan waves on published scorecard versions only."))
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                errors.setdefault("end_date", []).append(_("The wave must end on or after its first day."))
            elif (self.end_date - self.start_date).days >= MAX_WAVE_DAYS:
                errors.setdefault("end_date", []).append(
                    _("A wave spans at most %(days)d days.") % {"days": MAX_WAVE_DAYS}
                )
        visits = self.visits_per_store_per_month
        if visits and self.complaint_visits_per_store_per_month and self.complaint_visits_per_store_per_month > visits:
            errors.setdefault("complaint_visits_per_store_per_month", []).append(
                _("At most the visits per store per month (%(n)d).") % {"n": visits}
            )
        quota_errors = daypart_quota_problems(self.daypart_quotas, visits)
        if quota_errors:
            errors["daypart_quotas"] = quota_errors
        if errors:
            raise ValidationError(errors)


def daypart_quota_problems(quotas, visits: int | None) -> list[str]:
    """Every problem with a daypart quota mapping, as messages for the ``daypart_quotas`` field."""
    if quotas in (None, {}):
        return []
    if not isinstance(quotas, dict):
        return [_('Give quotas as an object of daypart to visits, e.g. {"lunch": 2, "dinner": 1}.')]
    problems = []
    unknown = sorted(str(key) for key in quotas if key not in DAYPARTS)
    if unknown:
        problems.append(
            _("Unknown dayparts: %(unknown)s; use %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(DAYPARTS)}
        )
    bad = sorted(str(key) for key, value in quotas.items() if not _is_count(value))
    if bad:
        problems.append(_("Quotas must be whole numbers of at least 1: %(keys)s.") % {"keys": ", ".join(bad)})
    if not bad and visits and sum(quotas.values()) != visits:
        problems.append(
            _("The quotas add up to %(sum)d, not to the %(n)d visits per store per month.")
            % {"sum": sum(quotas.values()), "n": visits}
        )
    return problems


def _is_count(value) -> bool:
    # JSON true is a bool, and bools are ints in Python: neither is a number of visits.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def wave_target_problems(*, stores, regions, scenarios, complaint_visits: int) -> dict[str, list[str]]:
    """Problems with a wave's many-to-many choices, which ``Wave.clean`` cannot see before saving."""
    errors: dict[str, list[str]] = {}
    if not stores and not regions:
        errors["stores"] = [_("Choose stores or regions (or both).")]
    inactive = sorted(store.code for store in stores if not store.active)
    if inactive:
        errors.setdefault("stores", []).append(
            _("These stores are not active: %(codes)s.") % {"codes": ", ".join(inactive)}
        )
    if complaint_visits and not scenarios:
        errors["scenarios"] = [
            _("Choose at least one complaint scenario, or set complaint tests per store per month to 0.")
        ]
    retired = sorted(scenario.code for scenario in scenarios if not scenario.active)
    if retired:
        errors.setdefault("scenarios", []).append(
            _("These complaint scenarios are not active: %(codes)s.") % {"codes": ", ".join(retired)}
        )
    return errors


class WaveAssignment(models.Model):
    """Which wave created an assignment; an assignment comes from one wave at most."""

    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="wave_assignments")
    assignment = models.OneToOneField("audits.Assignment", on_delete=models.PROTECT, related_name="wave_link")

    class Meta:
        verbose_name = _("wave assignment")
        verbose_name_plural = _("wave assignments")

    def __str__(self) -> str:
        return f"{self.wave_id}: {self.assignment_id}"
