"""SQL expressions the report queries group and regress by, native on SQLite and PostgreSQL.

Django's ``TruncMonth`` runs a Python function per row on SQLite; these stay in C.
"""

import datetime as dt

from django.db.models import CharField, FloatField, Func, IntegerField
from django.db.models.functions import Cast


class MonthKey(Func):
    """``'YYYY-MM'`` of a date column."""

    arity = 1
    output_field = CharField()
    template = "to_char(%(expressions)s, 'YYYY-MM')"

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite stores dates as ISO text: the month is the first seven characters.
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra_context)


class EpochDays(Func):
    """Whole days from 1970-01-01 to a date column: an integer x for regressions over time."""

    arity = 1
    output_field = IntegerField()
    template = "(%(expressions)s - DATE '1970-01-01')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)",
            **extra_context,
        )


def epoch_days(day: dt.date) -> int:
    """``EpochDays`` of a Python date."""
    return (day - dt.date(1970, 1, 1)).days


def as_float(field: str) -> Cast:
    """A decimal column as a double, so sums of squares and products stay cheap and typed."""
    return Cast(field, FloatField())
