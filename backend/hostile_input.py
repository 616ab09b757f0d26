"""Input no field of Incognito can hold, found before it reaches a serializer, a hash or a database.

- a **NUL character** (PostgreSQL text cannot hold one: ``DataError``, a 500);
- a **lone surrogate** such as ``"\\ud800"`` (valid JSON, but no UTF-8: hashing a submission or
  writing it to either database raised ``UnicodeEncodeError``);
- an **integer outside the signed 64-bit range** (``OverflowError`` on SQLite, numeric overflow
  on PostgreSQL) and a number too large for a float (``1e400`` parses as infinity);
- JSON **nested deeper than** :data:`MAX_DEPTH` (5,000 levels was a ``RecursionError``).

The checks answer in the API's error format: reasons nested by the path to the bad value, list
items by index, every leaf a list of messages (``{"answers": {"0": {"comment": ["..."]}}}``),
``non_field_errors`` for the body as a whole. ``backend.api.parsers`` runs them on every JSON,
form and multipart body the API parses; ``backend.middleware.HostileInputMiddleware`` on every
path, query string and (outside the API) form body.
"""

from __future__ import annotations

import json
import math
import re

from django.utils.translation import gettext as _
from rest_framework.settings import api_settings

MAX_DEPTH = 64
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# One reason per top-level field is enough to fix a request; a hostile body gets no more than this.
MAX_FIELDS_REPORTED = 20


def non_field_key() -> str:
    return api_settings.NON_FIELD_ERRORS_KEY


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None. The messages are DRF's own."""
    if value.isascii():
        return _("Null characters are not allowed.") if "\x00" in value else None
    if "\x00" in value:
        return _("Null characters are not allowed.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        return _("Surrogate characters are not allowed: U+%(code)X.") % {"code": ord(value[error.start])}
    return None


def _depth_message() -> str:
    return _("Nested more than %(depth)d levels deep.") % {"depth": MAX_DEPTH}


def _number_problem(value) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if INT64_MIN <= value <= INT64_MAX:
            return None
        return _("Integers must lie between %(min)d and %(max)d.") % {"min": INT64_MIN, "max": INT64_MAX}
    if isinstance(value, float) and not math.isfinite(value):
        return _("Numbers must be finite.")
    return None


def _nest(found: list[tuple[tuple[str, ...], str]]) -> dict:
    """``[(path, message)]`` as the error format's nested dict (paths never clash: one per field)."""
    errors: dict = {}
    for path, message in found:
        if not path:
            errors.setdefault(non_field_key(), []).append(message)
            continue
        node = errors
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = [message]
    return errors


def json_errors(data) -> dict | None:
    """The hostile values of parsed JSON, in the error format; None when there are none.

    Iterative, so it never recurses however deep the data; stops looking inside a top-level
    field at its first problem. A bad key is reported on the object that holds it.
    """
    found: list[tuple[tuple[str, ...], str]] = []
    done: set = set()
    root_is_object = isinstance(data, dict)
    stack: list[tuple[object, tuple[str, ...]]] = [(data, ())]
    while stack and len(found) < MAX_FIELDS_REPORTED:
        value, path = stack.pop()
        field = path[0] if path and root_is_object else None
        if field in done:
            continue
        problem, where = None, path
        if len(path) > MAX_DEPTH:
            problem, where = _depth_message(), (path[:1] if root_is_object else ())
        elif isinstance(value, str):
            problem = text_problem(value)
        elif isinstance(value, dict):
            for key in value:
                problem = text_problem(key) if isinstance(key, str) else None
                if problem is not None:
                    problem = _("A key of this object is refused: %(reason)s") % {"reason": problem}
                    break
            else:
                stack.extend((child, (*path, key)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, (*path, str(index))) for index, child in enumerate(value))
        else:
            problem = _number_problem(value)
        if problem is not None:
            found.append((where, problem))
            done.add(field)
    return _nest(found) if found else None


# A JSON string (escapes included) or a bracket: enough to follow the nesting of a body that
# Python's own parser could not (it recurses, and gives up around 1,000 levels).
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def too_deep_errors(text: str) -> dict:
    """The error for a body too deeply nested to parse, naming its top-level field when it has one."""
    root_is_object = text.lstrip()[:1] == "{"
    depth, last_string = 0, None
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] == '"':
            if depth == 1:
                last_string = token  # at the top level of an object, the key of what follows
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                break
        else:
            depth -= 1
    field = None
    if root_is_object and last_string is not None:
        try:
            field = json.loads(last_string)
        except ValueError:
            field = None
        if not isinstance(field, str) or text_problem(field) is not None:
            field = None
    return {field if field is not None else non_field_key(): [_depth_message()]}


def query_dict_errors(data) -> dict | None:
    """NUL characters (and lone surrogates) in a QueryDict's keys or values: ``{name: [reason]}``."""
    errors: dict = {}
    for key, values in data.lists():
        problem = text_problem(key)
        if problem is not None:
            errors.setdefault(non_field_key(), []).append(
                _("A parameter name is refused: %(reason)s") % {"reason": problem}
            )
            continue
        for value in values:
            problem = text_problem(value) if isinstance(value, str) else None
            if problem is not None:
                errors[key] = [problem]
                break
        if len(errors) >= MAX_FIELDS_REPORTED:
            break
    return errors or None


__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "MAX_DEPTH",
    "json_errors",
    "non_field_key",
    "query_dict_errors",
    "text_problem",
    "too_deep_errors",
]
