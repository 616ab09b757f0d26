"""Client keys for writes that phones and flaky browsers retry.

The visit submission set the rule (its ``uuid``): the client makes a key once per new thing and
sends it again on every retry; the same key with the same request returns what the first one
stored, the same key with another request is a conflict (409 naming the key). The other create
services (action items, disputes) keep the key and a fingerprint of what was asked next to what
they store, behind a unique constraint per author, so concurrent retries store one row too.
"""

from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _

from backend.errors import Conflict

KEY_FIELD = "client_key"

KEY_HELP = (
    "Idempotency key: a UUID the client makes once per new {thing} and sends again on every retry. A retry "
    "with the same key and the same body answers the {thing} stored the first time (200, nothing new stored); "
    "the same key with a different body is a 409 naming `client_key`. Keys are the author's own. Without a "
    "key every request records a new {thing}."
)


def fingerprint(asked: dict) -> str:
    """A hash of what was asked; key order does not matter and odd text never makes it fail."""
    canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def replayed(stored, asked_fingerprint: str, *, thing: str):
    """``stored`` marked as a replay (``stored.replayed = True``) if it was asked the same way;
    ``Conflict`` naming ``client_key`` if the key was used for something else."""
    if stored.client_fingerprint != asked_fingerprint:
        message = _(
            "This client key was already used for another %(thing)s with a different body; "
            "use a new key for a new %(thing)s."
        ) % {"thing": thing}
        raise Conflict(message, errors={KEY_FIELD: [message]})
    stored.replayed = True
    return stored


__all__ = ["KEY_FIELD", "KEY_HELP", "fingerprint", "replayed"]
