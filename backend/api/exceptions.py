"""The API's one adapter from exceptions to clear 4xx responses that name the field and the reason.

Services raise :class:`backend.errors.DomainError` subclasses; DRF's ``EXCEPTION_HANDLER`` (this
module's :func:`exception_handler`) answers each with its status and an RFC 9457 problem
(``application/problem+json``, see ``backend.api.problems``): a 400's ``errors`` name each bad
value by JSON Pointer. Django's ``ValidationError`` (model code: ``clean()``, ``save()`` guards)
and ``ProtectedError`` are mapped too, for what reaches a view without a service in between.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError

from backend.api.problems import exception_handler
from backend.errors import InvalidInput


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


__all__ = ["api_field_names", "exception_handler"]
