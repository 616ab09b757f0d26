import django_filters

from audits.models import Assignment, Visit, VisitStatus, Wave
from backend.api.filters import IdFilter


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


class VisitFilter(django_filters.FilterSet):
    store = django_filters.CharFilter(field_name="store__code", lookup_expr="iexact", label="Store code")
    date_from = django_filters.DateFilter(field_name="visited_on", lookup_expr="gte", label="Visited on or after")
    date_to = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label="Visited on or before")
    status = django_filters.MultipleChoiceFilter(choices=VisitStatus.choices)
    scorecard = IdFilter(field_name="version__template_id", label="Scorecard template id")

    class Meta:
        model = Visit
        fields = ["store", "date_from", "date_to", "status", "scorecard", "daypart", "channel", "critical_failed"]
