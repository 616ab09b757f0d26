"""Reading the API's problem+json errors in tests (``backend.api.problems``)."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def problem(response) -> dict:
    """The body of an error response, after checking it is problem+json with the response's status."""
    assert response["Content-Type"].startswith(PROBLEM), response["Content-Type"]
    body = response.json()
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
