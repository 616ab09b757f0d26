"""Action plans on the dashboard, from the ``coaching`` app when it is installed.

Until then every function here says "not available" and the pages leave the sections out.
"""

from __future__ import annotations

from django.apps import apps


def available() -> bool:
    return False  # switched on when the dashboard integration lands


def attach_counts(*, user, rows: list[dict], today) -> None:
    return None


def store_context(*, request, store, weaknesses: list[dict], form=None) -> dict:
    return {}
