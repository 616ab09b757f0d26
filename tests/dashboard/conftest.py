"""Fixtures for the dashboard: a browser-like client signed in by session, and the report dataset."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tests.reports.conftest import PERIOD, Dataset, dataset
from tests.test_incognito import extras

__all__ = ["PERIOD", "Dataset", "between", "dataset", "extras", "row_of", "text_of"]  # fixtures re-exported


@pytest.fixture
def browser():
    """A Django test client that signs in with a session, as a browser does: ``browser.as_user(user)``."""
    client = Client()

    def as_user(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    client.as_user = as_user
    return client


def text_of(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def between(html: str, start: str, end: str) -> str:
    """The part of ``html`` from the first ``start`` to the next ``end`` (both included)."""
    i = html.index(start)
    return html[i : html.index(end, i) + len(end)]


def row_of(html: str, code: str, table_id: str | None = None) -> str:
    """The text of the table row of a store (``data-store``), in the given table if named."""
    if table_id:
        html = between(html, f'id="{table_id}"', "</table>")
    return text_of(between(html, f'<tr data-store="{code}"', "</tr>"))
