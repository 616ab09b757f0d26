"""Response shapes of the report endpoints (read-only; they serialize what the selectors return).

Nothing here has a field about an auditor, a planned visit or a visit's internal id: a visit is
known by its opaque ``reference`` only.
"""

from rest_framework import serializers


def _mean(**kwargs):
    return serializers.FloatField(allow_null=True, **kwargs)


class ReportScorecardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ReportRegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ReportPeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class ReportChangeSerializer(serializers.Serializer):
    mean = _mean(help_text="Mean of the period.")
    visits = serializers.IntegerField()
    previous_mean = _mean(help_text="Mean of the previous period of equal length.")
    previous_visits = serializers.IntegerField()
    difference = _mean(help_text="mean - previous_mean; null unless both periods have visits.")
    previous_period = ReportPeriodSerializer()


# --- Trend -------------------------------------------------------------------------------------


class TrendStoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = ReportRegionSerializer()
    is_competitor = serializers.BooleanField()


class TrendVisitSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="The visit's opaque reference.")
    visited_on = serializers.DateField()
    score = serializers.DecimalField(max_digits=4, decimal_places=1)
    critical_failed = serializers.BooleanField()


class TrendMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    visits = serializers.IntegerField()
    mean = _mean()
    moving_average = _mean(
        help_text="Unweighted mean of the monthly means of this and the two previous calendar months "
        "that have visits (within the period)."
    )
    moving_average_months = serializers.IntegerField(help_text="How many of those three months had visits.")


class MonthMeanSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    visits = serializers.IntegerField()
    mean = _mean()


class TrendSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    months = MonthMeanSerializer(many=True)


class TrendSlopeSerializer(serializers.Serializer):
    points_per_month = _mean(help_text="Least-squares slope of score over visit date, points per month.")
    ci_low = _mean()
    ci_high = _mean()
    visits = serializers.IntegerField()
    reason = serializers.CharField(allow_null=True, help_text="Why there is no slope (fewer than 3 visits, ...).")


class BrandBenchmarkSerializer(serializers.Serializer):
    months = MonthMeanSerializer(many=True)
    visits = serializers.IntegerField()
    mean = _mean()


class RegionBenchmarkSerializer(BrandBenchmarkSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StoreTrendSerializer(serializers.Serializer):
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


class ReportSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()


class WeakestSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    mean = _mean()
    visits = serializers.IntegerField()


class ComplaintFiguresSerializer(serializers.Serializer):
    tests = serializers.IntegerField(help_text="Visits with a complaint test.")
    passed = serializers.IntegerField()
    pass_rate = _mean(help_text="passed / tests, 0-1.")
    timed = serializers.IntegerField(help_text="Tests with a recorded resolution time.")
    median_seconds = _mean(help_text="Median seconds to resolution over the timed tests.")


class ComparisonRowSerializer(serializers.Serializer):
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


class ComparisonSummarySerializer(serializers.Serializer):
    stores = serializers.IntegerField()
    stores_ranked = serializers.IntegerField()
    visits = serializers.IntegerField()
    mean = _mean(help_text="Mean over the visits of the brand's stores listed (competitor stores left out).")
    mean_visits = serializers.IntegerField()
    ci_low = _mean()
    ci_high = _mean()


class ComparisonSerializer(serializers.Serializer):
    period = ReportPeriodSerializer()
    previous_period = ReportPeriodSerializer()
    region = ReportRegionSerializer(allow_null=True)
    scorecard = ReportScorecardSerializer(allow_null=True)
    section = ReportSectionSerializer(allow_null=True)
    min_visits_for_rank = serializers.IntegerField()
    summary = ComparisonSummarySerializer()
    results = ComparisonRowSerializer(many=True)


# --- Weak standards ------------------------------------------------------------------------------


class WeaknessSerializer(serializers.Serializer):
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


class WeaknessStoreSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class StoreWeaknessesSerializer(serializers.Serializer):
    store = WeaknessStoreSerializer()
    region = ReportRegionSerializer()
    scorecard = ReportScorecardSerializer(allow_null=True)
    period = ReportPeriodSerializer()
    visits = serializers.IntegerField()
    results = WeaknessSerializer(many=True)
