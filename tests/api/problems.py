"""Reading the API's problem+json errors in tests (``backend.api.problems``)."""

from __future__ import annotations

import json

PROBLEM = "application/problem+json"


def problem(response) -> dict:
    """The body of an error response, after checking it is problem+json with the response's status."""
    if getattr(response, "is_rendered", True) is False:
        response.render()  # a view called directly (APIRequestFactory)
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = json.loads(response.content)
    assert body["status"] == response.status_code, body
    assert body["type"].startswith("https://incognito.app/problems/") and body["title"], body
    return body


def reasons(response) -> dict[str, list[str]]:
    """A problem's ``errors`` by pointer: ``{"/answers/greeting": ["..."], "": ["non-field reason"]}``."""
    found: dict[str, list[str]] = {}
    for error in problem(response).get("errors", []):
        found.setdefault(error["pointer"], []).append(error["detail"])
    return found


def detail(response) -> str:
    """A problem's ``detail``: the human message of a 401, 403, 404, 409, 429, ..."""
    return problem(response)["detail"]


def slug(response) -> str:
    """The last part of a problem's ``type``: ``not-found``, ``invalid-input``, ..."""
    return problem(response)["type"].rsplit("/", 1)[-1]


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def fields(response) -> dict:
    """:func:`fields_of` the body of an error response (checked to be a problem)."""
    return fields_of(problem(response))


def fields_of(body: dict) -> dict:
    """A problem's ``errors`` rebuilt in DRF's nested shape, to assert the same reasons as before.

    ``/answers/greeting`` → ``{"answers": {"greeting": [...]}}``; the empty pointer (a reason of no
    field) → ``{"non_field_errors": [...]}``, nested ones under their parent's ``non_field_errors``.
    """
    shape: dict = {}
    for error in body.get("errors", []):
        parts = [_unescape(part) for part in error["pointer"].split("/")[1:]] if error["pointer"] else []
        node = shape
        for part in parts:
            child = node.setdefault(part, {})
            if isinstance(child, list):
                child = node[part] = {"non_field_errors": child}
            node = child
        node.setdefault("non_field_errors", []).append(error["detail"])
    return {key: value if key == "non_field_errors" else _collapse(value) for key, value in shape.items()}


def _collapse(node):
    """A node holding only its own reasons is the list of them (a leaf), as DRF prints a field."""
    if isinstance(node, dict):
        if list(node) == ["non_field_errors"]:
            return node["non_field_errors"]
        return {key: value if key == "non_field_errors" else _collapse(value) for key, value in node.items()}
    return node
