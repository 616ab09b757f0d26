import django_filters

from branches.models import Assignment, Store, Wave
from branches.selectors import stores_in_region


class StoreFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label="Region code; includes every region below it.")
    city = django_filters.CharFilter(lookup_expr="iexact")
    code = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Store
        fields = ["region", "city", "code", "active", "is_competitor"]

    def filter_region(self, queryset, name, value):
        return stores_in_region(queryset, value)


class AssignmentFilter(django_filters.FilterSet):
    store = django_filters.CharFilter(field_name="store__code", lookup_expr="iexact", label="Store code")
    auditor = django_filters.CharFilter(field_name="auditor__username", label="Auditor username")
    window_from = django_filters.DateFilter(field_name="window_end", lookup_expr="gte", label="Window ends on or after")
    window_to = django_filters.DateFilter(
        field_name="window_start", lookup_expr="lte", label="Window starts on or before"
    )

    class Meta:
        model = Assignment
        fields = ["store", "auditor", "status", "daypart", "window_from", "window_to"]


class WaveFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    scorecard = django_filters.CharFilter(field_name="version__template__code", label="Scorecard template code")
    date_from = django_filters.DateFilter(field_name="end_date", lookup_expr="gte", label="Ends on or after")
    date_to = django_filters.DateFilter(field_name="start_date", lookup_expr="lte", label="Starts on or before")

    class Meta:
        model = Wave
        fields = ["name", "status", "scorecard", "date_from", "date_to"]
