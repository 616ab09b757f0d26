"""Django's SQLite backend, told the real limit on query parameters.

Django assumes SQLite's historic 999; modern builds allow far more (Debian's: 250,000).
With the real limit a visit's answers go in one INSERT, so a submission costs the same
number of queries whatever the scorecard's size.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features
from django.utils.functional import cached_property


class DatabaseFeatures(features.DatabaseFeatures):
    @cached_property
    def max_query_params(self) -> int:
        self.connection.ensure_connection()
        return self.connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
