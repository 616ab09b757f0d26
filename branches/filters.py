import django_filters

from branches.models import Store
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
