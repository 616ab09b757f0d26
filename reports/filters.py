"""Query parameters of the report endpoints, parsed and validated by django-filter FilterSets.

The report endpoints aggregate rather than list, so these FilterSets are used for their forms:
``parse(FilterSetClass, request)`` validates the query string and returns the cleaned values,
or raises a 400 whose body names every bad parameter (``{"start": ["Enter a valid date."]}``).
The selectors take the cleaned values (a period, a template, a region, ...).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from audits.models import Visit
from backend import clock
from branches.models import Region
from reports.selectors import MAX_PERIOD_DAYS, resolve_period, validate_period_date
from scorecards.models import ScorecardTemplate
from scorecards.models.templates import KEY_REGEX

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


class ScorecardField(forms.CharField):
    """A scorecard template given by id or by code."""

    default_error_messages = {"unknown": _("Unknown scorecard “%(value)s”: give a template id or code.")}

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        template = None
        # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
        if value.isascii() and value.isdigit() and len(value) <= 18:
            template = ScorecardTemplate.objects.filter(pk=int(value)).first()
        if template is None:
            template = ScorecardTemplate.objects.filter(code__iexact=value).first()
        if template is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        return template


class ScorecardFilter(django_filters.Filter):
    field_class = ScorecardField


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class ReportPeriodForm(forms.Form):
    def clean(self):
        data = super().clean()
        if "start" in self.errors or "end" in self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        period = resolve_period(start=start, end=end, today=clock.today())
        if period.start > period.end:
            self.add_error(
                "end" if end else "start", _("The period must not end before it starts (end: today by default).")
            )
        elif period.days > MAX_PERIOD_DAYS:
            self.add_error("start", _("A report covers at most %(days)d days.") % {"days": MAX_PERIOD_DAYS})
        return data


def _unchanged(queryset, name, value):
    return queryset


class ReportPeriodFilter(django_filters.FilterSet):
    """``start``, ``end`` (YYYY-MM-DD) and ``scorecard`` (template id or code), shared by every report."""

    start = django_filters.DateFilter(
        method=_unchanged, validators=[validate_period_date], label=_("First day of the period (YYYY-MM-DD)")
    )
    end = django_filters.DateFilter(
        method=_unchanged, validators=[validate_period_date], label=_("Last day of the period (YYYY-MM-DD)")
    )
    scorecard = ScorecardFilter(method=_unchanged, label=_("Scorecard template id or code"))

    class Meta:
        model = Visit
        fields: list[str] = []
        form = ReportPeriodForm


class TrendFilter(ReportPeriodFilter):
    pass


class WeaknessFilter(ReportPeriodFilter):
    limit = IntegerFilter(
        method=_unchanged, min_value=1, max_value=MAX_LIMIT, label=_("How many items (1-100, default 10)")
    )


def _visible_regions(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user)


class ComparisonFilter(ReportPeriodFilter):
    region = django_filters.ModelChoiceFilter(
        queryset=_visible_regions,
        to_field_name="code",
        method=_unchanged,
        label=_("Region code; the comparison covers its whole subtree"),
    )
    section = django_filters.CharFilter(
        method=_unchanged,
        validators=[RegexValidator(KEY_REGEX, _("A section key: lower-case letters, digits and underscores."))],
        label=_("Section key: compare that section's score instead of the visit score"),
    )


def parse(filterset_class: type[ReportPeriodFilter], request) -> dict:
    """The cleaned query parameters, with ``period`` resolved; 400 naming every bad parameter."""
    filterset = filterset_class(request.query_params, queryset=Visit.objects.none(), request=request)
    if not filterset.is_valid():
        raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    data = dict(filterset.form.cleaned_data)
    data["period"] = resolve_period(start=data.pop("start"), end=data.pop("end"), today=clock.today())
    if "limit" in data and data["limit"] is None:
        data["limit"] = DEFAULT_LIMIT
    if "section" in data:
        data["section"] = data["section"] or None
    return data
