"""The error domain services raise for bad input that the caller can fix."""


class InvalidInput(Exception):
    """Reasons by field name; values are messages or nested dicts (answers by item key).

    The API turns this into a 400 whose body has the same shape, every leaf a list of
    messages, as DRF's own validation errors.
    """

    def __init__(self, errors: dict) -> None:
        super().__init__(errors)
        self.errors = errors


class Conflict(Exception):
    """The request clashes with what is already stored (e.g. a reused idempotency key): 409.

    With ``errors`` (reasons by field name, as for :class:`InvalidInput`) the 409's body names
    the field (``{"client_key": ["..."]}``); without, it is ``{"detail": message}``.
    """

    def __init__(self, message: str = "", errors: dict | None = None) -> None:
        super().__init__(message)
        self.errors = errors
