"""Read settings from environment variables, strictly.

Every reader names the variable in its error so a typo in a deployment stops
start-up with a message that says what to fix, instead of silently falling back.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_UNSET = object()


class Env:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def _raw(self, name: str, default: Any) -> str | Any:
        value = self._environ.get(name)
        if value is None or value.strip() == "":
            if default is _UNSET:
                raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
            return default
        return value.strip()

    def str(self, name: str, default: Any = _UNSET) -> str:
        return self._raw(name, default)

    def bool(self, name: str, default: Any = _UNSET) -> bool:
        value = self._raw(name, default)
        if isinstance(value, bool):
            return value
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"Environment variable {name}={value!r} is not a boolean; use one of {sorted(_TRUE | _FALSE)}."
        )

    def int(self, name: str, default: Any = _UNSET, *, minimum: int | None = None) -> int:
        value = self._raw(name, default)
        if isinstance(value, int):
            return value
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"Environment variable {name}={value!r} is not an integer.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"Environment variable {name}={number} must be >= {minimum}.")
        return number

    def list(self, name: str, default: Any = _UNSET) -> list[str]:
        value = self._raw(name, default)
        if isinstance(value, list):
            return value
        return [part.strip() for part in value.split(",") if part.strip()]

    def choice(self, name: str, choices: Sequence[str], default: Any = _UNSET) -> str:
        value = self._raw(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"Environment variable {name}={value!r} is not one of {list(choices)}.")
        return value

    def database(self, name: str, default: str) -> dict[str, Any]:
        url = self._raw(name, default)
        try:
            config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        except Exception as error:  # dj-database-url raises several types for bad URLs
            raise ImproperlyConfigured(f"Environment variable {name} is not a usable database URL: {error}") from None
        engine = config.get("ENGINE", "")
        if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
            raise ImproperlyConfigured(
                f"Environment variable {name} must point at SQLite or PostgreSQL, not {engine!r}."
            )
        if not config.get("NAME"):
            raise ImproperlyConfigured(f"Environment variable {name} names no database.")
        return config
