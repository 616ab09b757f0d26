import django_filters

from coaching.models import ActionItem, ActionStatus


class ActionItemFilter(django_filters.FilterSet):
    """Filters of ``GET /api/action-items/``; the queryset comes from ``selectors.action_items``.

    ``overdue`` filters on the ``is_overdue`` annotation, so "overdue" means the same thing in
    the list, the overview and the coaching PDF.
    """

    store = django_filters.CharFilter(field_name="store__code", lookup_expr="iexact", label="Store code")
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Open and past its due date (true), or not (false)."
    )
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label="Due on or after")
    due_to = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due on or before")

    class Meta:
        model = ActionItem
        fields = ["store", "status", "overdue", "item_key", "due_from", "due_to"]

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=value)
