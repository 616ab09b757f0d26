"""Retries that arrive at once: the same request from many threads, each on its own connection."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def post_at_once(*, user, url: str, body: dict, times: int, threads: int) -> list[tuple[int, object]]:
    """POST ``body`` to ``url`` as ``user`` ``times`` times from ``threads`` threads: [(status, json)]."""
    token = Token.objects.get_or_create(user=user)[0].key

    def send(_attempt: int) -> tuple[int, object]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            response = client.post(url, body, format="json")
            return response.status_code, response.json()
        finally:
            connection.close()  # each thread's own connection, or the test database stays in use

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(send, range(times)))
