"""Turn domain errors into clear 4xx responses that name the field and the reason."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.errors import Conflict, InvalidInput


def _detail(error: DjangoValidationError):
    """Django's ValidationError as DRF detail, keeping nesting (answers by item key)."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {field: _field_detail(errors) for field, errors in error.error_dict.items()}


def _field_detail(errors: list[DjangoValidationError]):
    nested = [error for error in errors if hasattr(error, "error_dict")]
    if nested:
        merged: dict = {}
        for error in nested:
            merged.update(_detail(error))
        return merged
    return [message for error in errors for message in error.messages]


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
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=_detail(exc))
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
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError(
            {renames.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from None
