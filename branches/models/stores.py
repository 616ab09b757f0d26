import datetime as dt
import re
import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from branches import scoping
from branches.models.regions import code_validator

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(tz)s is not a known time zone."), params={"tz": value}) from None


def validate_opening_hours(value) -> None:
    """``{"mon": [["07:00", "23:00"]], ...}``; a day missing or empty means closed.

    A closing time before the opening time means the store closes after midnight.
    """
    if not isinstance(value, dict):
        raise ValidationError(_("Opening hours must map weekdays (mon..sun) to lists of periods."))
    for day, periods in value.items():
        if day not in WEEKDAYS:
            raise ValidationError(_("Unknown weekday %(day)s; use mon..sun."), params={"day": day})
        if not isinstance(periods, list):
            raise ValidationError(_("%(day)s must be a list of [open, close] periods."), params={"day": day})
        for period in periods:
            if (
                not isinstance(period, list | tuple)
                or len(period) != 2
                or not all(isinstance(t, str) and _HHMM.match(t) for t in period)
            ):
                raise ValidationError(
                    _('%(day)s: each period is ["HH:MM", "HH:MM"], got %(period)r.'),
                    params={"day": day, "period": period},
                )
            if period[0] == period[1]:
                raise ValidationError(
                    _("%(day)s: a period cannot open and close at the same time."), params={"day": day}
                )


class StoreQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StoreQuerySet":
        return self.filter(scoping.store_q(user))


class Store(models.Model):
    """A restaurant (门店) that gets audited, or a competitor's visited for benchmarking."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        "branches.Region", on_delete=models.PROTECT, related_name="stores", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("city"), max_length=80, db_index=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone])
    opening_hours = models.JSONField(
        _("opening hours"),
        default=dict,
        blank=True,
        validators=[validate_opening_hours],
        help_text=_('e.g. {"mon": [["07:00", "23:00"]]}; a missing day is closed.'),
    )
    active = models.BooleanField(_("active"), default=True)
    is_competitor = models.BooleanField(_("competitor store"), default=False)
    competitor_brand = models.CharField(_("competitor brand"), max_length=80, blank=True)

    objects = StoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.is_competitor and not self.competitor_brand:
            raise ValidationError({"competitor_brand": _("Name the competitor's brand.")})
        if not self.is_competitor and self.competitor_brand:
            raise ValidationError({"competitor_brand": _("Only competitor stores have a competitor brand.")})

    def is_open_at(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(zoneinfo.ZoneInfo(self.timezone))
        hhmm = local.strftime("%H:%M")
        today = WEEKDAYS[local.weekday()]
        yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
        for start, end in self.opening_hours.get(today, []):
            if (start < end and start <= hhmm < end) or (end < start and hhmm >= start):
                return True
        # A period that crosses midnight yesterday may still be running.
        return any(end < start and hhmm < end for start, end in self.opening_hours.get(yesterday, []))
