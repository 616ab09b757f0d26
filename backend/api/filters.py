"""Query-parameter filters shared by the API's FilterSets."""

import django_filters
from django import forms

from backend.hostile_input import INT64_MAX, INT64_MIN


class IdFilter(django_filters.NumberFilter):
    """An integer id. Bounded to 64 bits: SQLite cannot compare a foreign key with a larger
    integer (``OverflowError``, a 500), so ``?scorecard=99999999999999999999`` is a 400 naming
    the parameter. Whole numbers only (``1e30`` is not an id)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", INT64_MIN)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(*args, **kwargs)
