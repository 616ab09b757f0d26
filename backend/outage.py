"""The database is unreachable: an outage, told apart from a bug, answered 503 with ``Retry-After``.

The rule for "unavailable": a ``django.db.OperationalError`` or ``InterfaceError`` that was raised
while Django was opening the connection (its traceback passes through the backend's
``ensure_connection``/``connect``/``get_new_connection``: refused, timed out, "unable to open
database file"), or after which the driver's connection reports itself closed or broken (the
server went away mid-request). Any other ``OperationalError`` (a lock, a bad statement) stays a
500: it is a bug or a fault to look at, not a reason to tell a phone to retry.

Nothing here touches the database: the page is a literal, translated with gettext, rendered
without the request (no session, no user, no context processors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

_CONNECTING = {"ensure_connection", "connect", "get_new_connection"}


def retry_after() -> int:
    """Seconds a client waits before trying again (``INCOGNITO["OUTAGE_RETRY_AFTER_SECONDS"]``)."""
    return int(settings.INCOGNITO["OUTAGE_RETRY_AFTER_SECONDS"])


def _raised_while_connecting(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name in _CONNECTING and "/django/db/backends/" in code.co_filename.replace("\\", "/"):
            return True
        tb = tb.tb_next
    return False


def _connection_lost() -> bool:
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if raw is not None and (getattr(raw, "broken", False) or getattr(raw, "closed", False) is True):
            return True
    return False


def is_outage(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached (see the module's rule)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    return _raised_while_connecting(exc) or _connection_lost()


def page() -> HttpResponse:
    """The web pages' answer: a plain, self-contained 'try again' page."""
    title = escape(_("Incognito is briefly unavailable"))
    message = escape(_("Incognito is briefly unavailable, try again in a moment."))
    again = escape(_("Try again"))
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title></head>"
        '<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">'
        f"<h1>{title}</h1><p>{message}</p>"
        f'<p><a href="">{again}</a></p></body></html>'
    )
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(retry_after())
    response["Cache-Control"] = "no-store"
    return response
