"""The forms' one adapter: a service's refusal onto a Django form, or into the admin's messages.

The dashboard's views and the admin's actions call services the way the API does; what a
service refuses (``backend.errors.InvalidInput``, ``Conflict``, and a model's own Django
``ValidationError``) is shown here, the way the API's exception handler answers it there.
``Forbidden`` is not caught: it is a Django ``PermissionDenied``, and Django answers its 403 page.

    with refusal_onto(form) as refused:
        service(...)
    if not refused:
        ...  # it was stored

    with refusal_messages(self, request, visit.reference) as refused:
        service(...)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError as DjangoValidationError

from backend.errors import Conflict, DomainError, InvalidInput, reasons_of

# What a form or an admin action shows as its reasons; anything else (``Forbidden``) propagates.
REFUSALS = (InvalidInput, Conflict, DjangoValidationError)


class Refusal:
    """Whether the service refused (``bool(refused)``) and with what (``refused.error``)."""

    error: DomainError | DjangoValidationError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


def _reasons(error: DomainError | DjangoValidationError) -> dict:
    if isinstance(error, DomainError):
        return error.reasons or {None: error.messages}
    return reasons_of(error)


def _lines(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}: {line}" for key, nested in value.items() for line in _lines(nested)]
    if isinstance(value, list | tuple):
        return [line for nested in value for line in _lines(nested)]
    return [str(value)]


def add_errors(form: forms.Form, error: DomainError | DjangoValidationError) -> None:
    """The refusal onto the form: by field where the form has it, else the form's own errors."""
    for field, value in _reasons(error).items():
        for message in _lines(value):
            form.add_error(field if field in form.fields else None, message)


@contextmanager
def refusal_onto(form: forms.Form) -> Iterator[Refusal]:
    """Inside, a service's refusal lands on ``form`` (:func:`add_errors`) and in ``refused.error``."""
    refused = Refusal()
    try:
        yield refused
    except REFUSALS as error:
        add_errors(form, error)
        refused.error = error


@contextmanager
def refusal_messages(model_admin: admin.ModelAdmin, request, subject, *, one_line: bool = False) -> Iterator[Refusal]:
    """Inside, a service's refusal becomes the admin's error messages naming ``subject``.

    One message per reason (``"SUBJECT: reason"``), or all reasons on one line (``one_line``).
    """
    refused = Refusal()
    try:
        yield refused
    except REFUSALS as error:
        refused.error = error
        lines = error.messages
        for line in [" ".join(lines)] if one_line else lines:
            model_admin.message_user(request, f"{subject}: {line}", messages.ERROR)
