import django_filters

from scorecards.models import ScorecardVersion


class ScorecardVersionFilter(django_filters.FilterSet):
    class Meta:
        model = ScorecardVersion
        fields = ["template", "status"]
