"""The API's one adapter from domain errors to clear 4xx responses that name the field and the reason.

Services raise :class:`backend.errors.DomainError` subclasses; this handler answers each with
its status and a body in DRF's shapes. Django's ``ValidationError`` (model code: ``clean()``,
``save()`` guards) and ``ProtectedError`` are mapped too, for what reaches a view without a
service in between.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.errors import Conflict, Forbidden, InvalidInput, reasons_of


def _as_lists(errors):
    if isinstance(errors, dict):
        return {str(key): _as_lists(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [str(message) for message in errors]
    return [str(errors)]


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        body = _as_lists(exc.errors) if exc.errors else {"detail": str(exc)}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidInput):
        exc = exceptions.ValidationError(detail=_as_lists(exc.errors))
    elif isinstance(exc, Forbidden):
        # DRF's generic 403 text, as for Django's PermissionDenied: the message is the page's.
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=reasons_of(exc))
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": "This object is still referenced (e.g. by visits) and cannot be deleted."},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


@contextmanager
def api_field_names(renames: dict[str, str]):
    """Errors from the model name its fields; the 400 must name the fields the client sent."""
    try:
        yield
    except InvalidInput as error:
        raise InvalidInput({renames.get(field, field): errors for field, errors in error.errors.items()}) from None
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError(
            {renames.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from None
