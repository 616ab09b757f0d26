"""The one clock: every "now" and every "today" in Incognito comes from here.

Nothing else reads the wall clock (``tests/backend/test_clock.py`` fails the suite on a direct
``timezone.now()``, ``datetime.now()``, ``date.today()`` or argument-less ``localdate()``
anywhere else), so that

- "today" means one thing: a store's day is the date in the store's own time zone, and the
  brand's day is the date in ``settings.TIME_ZONE``; between 16:00 and 24:00 UTC it is already
  tomorrow in Shanghai, and every date check agrees about that;
- time can be moved for everything at once: tests travel with ``time-machine`` (which moves what
  ``timezone.now()`` answers, in every thread), and code that must act "as of" another instant,
  such as the demo builder's ``today``, pins this clock with :func:`pinned` so every service it
  calls agrees with it.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import zoneinfo
from collections.abc import Iterator
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

# An instant that "now" is pinned to in this context (thread or task), or None for the real clock.
_pinned_now: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("incognito_pinned_now", default=None)

ZoneLike = str | dt.tzinfo | None


@lru_cache(maxsize=256)
def _zone_named(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def zone(value: ZoneLike = None) -> dt.tzinfo:
    """A time zone from an IANA name or tzinfo; None means the brand's zone (``TIME_ZONE``)."""
    if value is None:
        return _zone_named(settings.TIME_ZONE)
    if isinstance(value, str):
        return _zone_named(value)
    return value


def now() -> dt.datetime:
    """The current instant, aware (UTC)."""
    pinned = _pinned_now.get()
    if pinned is not None:
        return pinned
    return timezone.now()


def local_now(tz: ZoneLike = None) -> dt.datetime:
    """The current instant as a wall-clock time in ``tz`` (default: the brand's zone)."""
    return now().astimezone(zone(tz))


def today(tz: ZoneLike = None) -> dt.date:
    """Today's date in ``tz`` (default: the brand's zone)."""
    return local_now(tz).date()


def store_today(store) -> dt.date:
    """Today's date where the store is: due dates, windows and periods are the store's days."""
    return today(store.timezone)


def local_date(moment: dt.datetime, tz: ZoneLike = None) -> dt.date:
    """The date an instant falls on in ``tz`` (default: the brand's zone)."""
    if timezone.is_naive(moment):
        raise ValueError("local_date() needs an aware datetime")
    return moment.astimezone(zone(tz)).date()


def midday(day: dt.date, tz: ZoneLike = None) -> dt.datetime:
    """Noon of ``day`` in ``tz``: the instant that stands for a whole day when only a date is known."""
    return dt.datetime.combine(day, dt.time(12, 0), zone(tz))


@contextlib.contextmanager
def pinned(instant: dt.datetime) -> Iterator[dt.datetime]:
    """Within the block, :func:`now` answers ``instant`` (in this thread or task only)."""
    if timezone.is_naive(instant):
        raise ValueError("pinned() needs an aware datetime")
    token = _pinned_now.set(instant.astimezone(dt.UTC))
    try:
        yield instant
    finally:
        _pinned_now.reset(token)


__all__ = ["local_date", "local_now", "midday", "now", "pinned", "store_today", "today", "zone"]
