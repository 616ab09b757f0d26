"""Simulate an unreachable database: every new connection is refused, the open one is dropped.

Transactional tests only: opening a connection resets Django's transaction state, which would
break the rolled-back transaction a plain ``db`` test runs in. The dropped connection is put
back (and the refusal undone) when ``monkeypatch`` is undone, before the database is flushed.
"""

from __future__ import annotations

from django.db import connections


def take_the_database_down(monkeypatch) -> None:
    for connection in connections.all():

        def refused(self, conn_params):
            raise self.Database.OperationalError("connection refused")

        monkeypatch.setattr(type(connection), "get_new_connection", refused)
        monkeypatch.setattr(connection, "connection", None)
