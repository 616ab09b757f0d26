"""The one error family services raise: :class:`DomainError` and the outcomes callers need.

- :class:`InvalidInput` (400): the caller can fix the request; reasons by field name, nested
  allowed (answers by item key), or one non-field message.
- :class:`Conflict` (409): the request clashes with what is already stored.
- :class:`Forbidden` (403): a policy refusal (``branches.policy.require``).

Two adapters read them and nothing else translates: ``backend.api.exceptions.exception_handler``
for the API, ``backend.forms`` for the dashboard's forms and the admin's messages.

Model code (``clean()``, ``save()`` guards) keeps raising Django's ``ValidationError``, as Django
expects; a service that runs ``full_clean()`` does it through :func:`validated`, which turns the
model's refusal into :class:`InvalidInput` with the shape the API has always printed.

Two of the subclasses also derive from Django's own exceptions, on purpose, so that everything
built on Django keeps answering the same way without an adapter of its own:

- ``InvalidInput`` is a Django ``ValidationError`` too (``messages``, ``message_dict``), so a
  refusal raised under a ``ModelForm`` or an admin ``save_model`` is shown as Django shows its
  own, and code that caught Django's ``ValidationError`` around a service still catches it.
- ``Forbidden`` is a Django ``PermissionDenied`` too, so the dashboard and the admin answer a
  policy refusal with Django's 403 page (its handler and the ``manager_page`` views rely on it)
  and DRF, left to itself, would answer the same generic 403 the API has always answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError

#: The key of reasons that belong to no field, as DRF names it in a 400's body.
NON_FIELD_KEY = "non_field_errors"


class DomainError(Exception):
    """What a service raises when it refuses; ``status_code`` is the HTTP answer it stands for."""

    status_code = 400

    @property
    def reasons(self) -> dict:
        """Reasons by field name (nested dicts for items of a field); ``{}`` when there are none."""
        return {}

    @property
    def messages(self) -> list[str]:
        """Every reason as text, in order, nested ones included: one line per reason."""
        leaves = _leaves(self.reasons)
        return leaves or ([str(self.args[0])] if self.args and self.args[0] else [])


class InvalidInput(DomainError, DjangoValidationError):
    """Reasons by field name; values are messages or nested dicts (answers by item key).

    ``InvalidInput("message")`` is a reason of no field: ``{"non_field_errors": ["message"]}``.
    The API turns this into a 400 whose body has the same shape, every leaf a list of
    messages, as DRF's own validation errors.
    """

    status_code = 400

    def __init__(self, errors: dict | str | list) -> None:
        if not isinstance(errors, dict):
            errors = {NON_FIELD_KEY: errors if isinstance(errors, list | tuple) else [errors]}
        self.errors = errors
        # Django's side (``messages``, ``message_dict``): one flat list of messages per field.
        DjangoValidationError.__init__(self, {str(field): _leaves(value) for field, value in errors.items()})

    @property
    def reasons(self) -> dict:
        return self.errors

    @property
    def messages(self) -> list[str]:
        return _leaves(self.errors)

    def __str__(self) -> str:
        return DjangoValidationError.__str__(self)

    def __repr__(self) -> str:
        return f"InvalidInput({self.errors!r})"


class Conflict(DomainError):
    """The request clashes with what is already stored (e.g. a reused idempotency key): 409.

    With ``errors`` (reasons by field name, as for :class:`InvalidInput`) the 409's body names
    the field (``{"client_key": ["..."]}``); without, it is ``{"detail": message}``.
    """

    status_code = 409

    def __init__(self, message: str = "", errors: dict | None = None) -> None:
        super().__init__(message)
        self.errors = errors

    @property
    def reasons(self) -> dict:
        return self.errors or {}


class Forbidden(DomainError, PermissionDenied):
    """A policy refusal: 403. ``message`` is what the dashboard's 403 page and the logs show.

    The API answers DRF's generic 403 text, as it always has for Django's ``PermissionDenied``.
    """

    status_code = 403


def _leaves(value) -> list[str]:
    if isinstance(value, dict):
        return [message for nested in value.values() for message in _leaves(nested)]
    if isinstance(value, list | tuple):
        return [message for nested in value for message in _leaves(nested)]
    return [str(value)]


def reasons_of(error: DjangoValidationError) -> dict:
    """Django's ValidationError as reasons by field, keeping nesting (answers by item key).

    A message of no field is ``{"non_field_errors": [...]}``, as the API has always printed it.
    """
    if not hasattr(error, "error_dict"):
        return {NON_FIELD_KEY: error.messages}
    return {field: _field_reasons(errors) for field, errors in error.error_dict.items()}


def _field_reasons(errors: list[DjangoValidationError]):
    nested = [error for error in errors if hasattr(error, "error_dict")]
    if nested:
        merged: dict = {}
        for error in nested:
            merged.update(reasons_of(error))
        return merged
    return [message for error in errors for message in error.messages]


@contextmanager
def model_errors() -> Iterator[None]:
    """Inside, a model's Django ``ValidationError`` leaves as :class:`InvalidInput` (same reasons)."""
    try:
        yield
    except InvalidInput:
        raise
    except DjangoValidationError as error:
        raise InvalidInput(reasons_of(error)) from error


def validated(instance, **full_clean_options):
    """``instance.full_clean(**full_clean_options)`` at a service's edge: ``InvalidInput`` if refused.

    Returns ``instance``, so ``validated(Region(...)).save()`` reads as one step.
    """
    with model_errors():
        instance.full_clean(**full_clean_options)
    return instance


__all__ = [
    "NON_FIELD_KEY",
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidInput",
    "model_errors",
    "reasons_of",
    "validated",
]
