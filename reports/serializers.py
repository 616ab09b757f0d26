"""Response shapes of the report endpoints (read-only; they serialize what the selectors return).

The selectors return frozen dataclasses (``reports.selectors``); every serializer here is a
``ReportSerializer``, which reads a dataclass's attributes straight into the JSON-ready dict (keys
in the dataclass's field order), instead of running each value through DRF's fields: the 500
rows of a comparison would cost more than the rest of the request. The declared fields are what
the OpenAPI schema documents; a dataclass and its serializer must have the same field names
(checked the first time a pair meets).

Nothing here has a field about an auditor, a planned visit or a visit's internal id: a visit is
known by its opaque ``reference`` only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.api.schema import MONTH

_LEAF, _NESTED, _MANY = 0, 1, 2


def _plain(value):
    """A leaf value as JSON wants it: dates as ISO strings, decimals (scores) as JSON numbers, as the
    rest of the API sends them (``COERCE_DECIMAL_TO_STRING`` is false)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


# A read-only serializer of a frozen dataclass that reads its attributes directly. Leaves go out as
# they are (ints, floats, strings, booleans, None), dates as ISO strings, decimals as JSON
# numbers; a field that is another ReportSerializer (many=True: a list of them) shapes the
# dataclass (or the sequence of dataclasses) held in that attribute. (A comment, not a docstring:
# drf-spectacular would put a docstring into the schema of every subclass.)
class ReportSerializer(serializers.Serializer):
    _plans: dict[tuple[type, type], list[tuple[str, int, type | None]]] = {}

    @classmethod
    def _plan(cls, kind: type) -> list[tuple[str, int, type | None]]:
        plan = ReportSerializer._plans.get((cls, kind))
        if plan is None:
            plan = ReportSerializer._plans[(cls, kind)] = cls._make_plan(kind)
        return plan

    @classmethod
    def _make_plan(cls, kind: type) -> list[tuple[str, int, type | None]]:
        declared = cls._declared_fields
        names = [field.name for field in dataclasses.fields(kind)]
        if set(names) != set(declared):
            raise TypeError(f"{kind.__name__} does not have the fields of {cls.__name__}: {names} / {list(declared)}")
        plan = []
        for name in names:
            field = declared[name]
            if isinstance(field, serializers.ListSerializer):
                plan.append((name, _MANY, type(field.child)))
            elif isinstance(field, ReportSerializer):
                plan.append((name, _NESTED, type(field)))
            else:
                plan.append((name, _LEAF, None))
        return plan

    @classmethod
    def shape(cls, instance) -> dict:
        """The JSON-ready dict of one dataclass instance."""
        shaped = {}
        for name, how, nested in cls._plan(type(instance)):
            value = getattr(instance, name)
            if value is None:
                shaped[name] = None
            elif how == _LEAF:
                shaped[name] = _plain(value)
            elif how == _NESTED:
                shaped[name] = nested.shape(value)
            else:
                shaped[name] = [nested.shape(item) for item in value]
        return shaped

    def to_representation(self, instance):
        return self.shape(instance)


@extend_schema_field(MONTH)
class MonthField(serializers.CharField):
    """A calendar month, "YYYY-MM"."""


def _mean(**kwargs):
    return serializers.FloatField(allow_null=True, **kwargs)


class ReportScorecardSerializer(ReportSerializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReportRegionSerializer(ReportSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ReportPeriodSerializer(ReportSerializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ReportChangeSerializer(ReportSerializer):
    mean = _mean(help_text="Mean of the period.")
    visits = serializers.IntegerField()
    previous_mean = _mean(help_text="Mean of the previous period of equal length.")
    previous_visits = serializers.IntegerField()
    difference = _mean(help_text="mean - previous_mean; null unless both periods have visits.")
    previous_period = ReportPeriodSerializer()


# --- Trend -------------------------------------------------------------------------------------


class TrendStoreSerializer(ReportSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = ReportRegionSerializer()
    is_competitor = serializers.BooleanField()


class TrendVisitSerializer(ReportSerializer):
    reference = serializers.CharField(help_text="The visit's opaque reference.")
    visited_on = serializers.DateField()
    score = serializers.DecimalField(max_digits=4, decimal_places=1)
    critical_failed = serializers.BooleanField()


class TrendMonthSerializer(ReportSerializer):
    month = MonthField(help_text="YYYY-MM")
    visits = serializers.IntegerField()
    mean = _mean()
    moving_average = _mean(
        help_text="Unweighted mean of the monthly means of this and the two previous calendar months "
        "that have visits (within the period)."
    )
    moving_average_months = serializers.IntegerField(help_text="How many of those three months had visits.")


class MonthMeanSerializer(ReportSerializer):
    month = MonthField(help_text="YYYY-MM")
    visits = serializers.IntegerField()
    mean = _mean()


class TrendSectionSerializer(ReportSerializer):
    key = serializers.CharField()
    title = serializers.CharField()
    months = MonthMeanSerializer(many=True)


class TrendSlopeSerializer(ReportSerializer):
    points_per_month = _mean(help_text="Least-squares slope of score over visit date, points per month.")
    ci_low = _mean()
    ci_high = _mean()
    visits = serializers.IntegerField()
    reason = serializers.CharField(allow_null=True, help_text="Why there is no slope (fewer than 3 visits, ...).")


class BrandBenchmarkSerializer(ReportSerializer):
    months = MonthMeanSerializer(many=True)
    visits = serializers.IntegerField()
    mean = _mean()


class RegionBenchmarkSerializer(BrandBenchmarkSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StoreTrendSerializer(ReportSerializer):
    store = TrendStoreSerializer()
    scorecard = ReportScorecardSerializer(allow_null=True)
    period = ReportPeriodSerializer()
    visits = TrendVisitSerializer(many=True)
    months = TrendMonthSerializer(many=True)
    sections = TrendSectionSerializer(many=True)
    change = ReportChangeSerializer()
    slope = TrendSlopeSerializer()
    region = RegionBenchmarkSerializer(help_text="Released visits of the brand's stores in the store's region subtree.")
    brand = BrandBenchmarkSerializer(help_text="Released visits of all the brand's stores.")


# --- Comparison --------------------------------------------------------------------------------


class ReportSectionSerializer(ReportSerializer):
    key = serializers.CharField()
    title = serializers.CharField()


class WeakestSectionSerializer(ReportSerializer):
    key = serializers.CharField()
    title = serializers.CharField()
    mean = _mean()
    visits = serializers.IntegerField()


class ComplaintFiguresSerializer(ReportSerializer):
    tests = serializers.IntegerField(help_text="Visits with a complaint test.")
    passed = serializers.IntegerField()
    pass_rate = _mean(help_text="passed / tests, 0-1.")
    timed = serializers.IntegerField(help_text="Tests with a recorded resolution time.")
    median_seconds = _mean(help_text="Median seconds to resolution over the timed tests.")


class ComparisonRowSerializer(ReportSerializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = ReportRegionSerializer()
    is_competitor = serializers.BooleanField()
    visits = serializers.IntegerField()
    mean = _mean()
    sd = _mean()
    ci_low = _mean(help_text="95 % t interval of the mean; null below 2 visits.")
    ci_high = _mean()
    rank = serializers.CharField(
        allow_null=True,
        help_text='Rank band, e.g. "1" or "2-4": from 1 + the number of stores whose interval lies wholly '
        "above this store's, to the number of stores whose interval reaches this store's lower bound. "
        "Null (with not_enough_data) below MIN_VISITS_FOR_RANK visits or without an interval.",
    )
    rank_best = serializers.IntegerField(allow_null=True)
    rank_worst = serializers.IntegerField(allow_null=True)
    not_enough_data = serializers.BooleanField()
    change = ReportChangeSerializer()
    weakest_section = WeakestSectionSerializer(allow_null=True)
    complaint = ComplaintFiguresSerializer()
    critical_failures = serializers.IntegerField()


class ComparisonSummarySerializer(ReportSerializer):
    stores = serializers.IntegerField()
    stores_ranked = serializers.IntegerField()
    visits = serializers.IntegerField()
    mean = _mean(help_text="Mean over the visits of the brand's stores listed (competitor stores left out).")
    mean_visits = serializers.IntegerField()
    ci_low = _mean()
    ci_high = _mean()


class ComparisonSerializer(ReportSerializer):
    period = ReportPeriodSerializer()
    previous_period = ReportPeriodSerializer()
    region = ReportRegionSerializer(allow_null=True)
    scorecard = ReportScorecardSerializer(allow_null=True)
    section = ReportSectionSerializer(allow_null=True)
    min_visits_for_rank = serializers.IntegerField()
    summary = ComparisonSummarySerializer()
    results = ComparisonRowSerializer(many=True)


# --- Weak standards ------------------------------------------------------------------------------


class WeaknessSerializer(ReportSerializer):
    key = serializers.CharField()
    prompt = serializers.CharField()
    coaching_tip = serializers.CharField(allow_blank=True)
    section = ReportSectionSerializer()
    answered = serializers.IntegerField(help_text="Scored answers (N/A left out).")
    failed = serializers.IntegerField()
    fail_rate = _mean()
    region_answered = serializers.IntegerField()
    region_failed = serializers.IntegerField()
    region_fail_rate = _mean()


class WeaknessStoreSerializer(ReportSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StoreWeaknessesSerializer(ReportSerializer):
    store = WeaknessStoreSerializer()
    region = ReportRegionSerializer()
    scorecard = ReportScorecardSerializer(allow_null=True)
    period = ReportPeriodSerializer()
    visits = serializers.IntegerField()
    results = WeaknessSerializer(many=True)
