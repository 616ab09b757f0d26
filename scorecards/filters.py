import django_filters

from backend.api.filters import IdFilter
from scorecards.models import ScorecardVersion, Visit, VisitStatus


class VisitFilter(django_filters.FilterSet):
    store = django_filters.CharFilter(field_name="store__code", lookup_expr="iexact", label="Store code")
    date_from = django_filters.DateFilter(field_name="visited_on", lookup_expr="gte", label="Visited on or after")
    date_to = django_filters.DateFilter(field_name="visited_on", lookup_expr="lte", label="Visited on or before")
    status = django_filters.MultipleChoiceFilter(choices=VisitStatus.choices)
    scorecard = IdFilter(field_name="version__template_id", label="Scorecard template id")

    class Meta:
        model = Visit
        fields = ["store", "date_from", "date_to", "status", "scorecard", "daypart", "channel", "critical_failed"]


class ScorecardVersionFilter(django_filters.FilterSet):
    class Meta:
        model = ScorecardVersion
        fields = ["template", "status"]
