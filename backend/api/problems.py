"""The API's one error format: RFC 9457 problem details, for every 4xx and 5xx under ``/api/``.

Every error of the API answers ``Content-Type: application/problem+json`` with::

    {
      "type": "https://incognito.app/problems/invalid-input",
      "title": "Invalid input",            # English, fixed per type: clients may show or match it
      "status": 400,                        # the HTTP status, repeated
      "detail": "无效的输入。",               # for people, in the request's language (Accept-Language)
      "errors": [                           # 400 (always) and a 409 that names a field
        {"pointer": "/answers/greeting", "in": "body", "detail": "This field is required."}
      ]
    }

- ``errors``: one entry per message. ``pointer`` is an RFC 6901 JSON Pointer to the value: into
  the body (``"in": "body"``, nested items and list indexes flattened: ``/answers/greeting``,
  ``/photos/0/uuid``) or to a query parameter (``"in": "query"``, ``/start``). ``""`` is a reason
  that belongs to no field (the body or the query as a whole; what DRF calls
  ``non_field_errors``); ``"in": "path"`` with ``""`` is the address itself.
- Extension members where useful: ``retry_after`` (seconds, as the ``Retry-After`` header) on a
  429 and on a 503 (``service-unavailable``: the database cannot be reached, ``backend.outage``),
  ``report_status`` on a coaching PDF that is not ready (409).
- A 500 says only that something failed: no exception text, no traceback.

What is here: :data:`PROBLEM_TYPES` (the table of types), :func:`problem_for` (any exception → a
:class:`Problem`), :func:`exception_handler` (DRF's ``EXCEPTION_HANDLER``, through
``backend.api.exceptions``), the Django-level handlers for ``/api/`` paths (``handler400``,
``handler403``, ``handler404``, ``handler500`` in ``backend.urls``; the dashboard keeps its HTML
pages), and :func:`document_problems`, the drf-spectacular postprocessing hook that documents
the error responses (and the headers) on every operation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from backend import outage
from backend.errors import NON_FIELD_KEY, Conflict, InvalidInput, reasons_of

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://incognito.app/problems/"
API_PREFIX = "/api/"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: str
    #: What the type means, for the OpenAPI descriptions of its responses.
    description: str

    @property
    def uri(self) -> str:
        return TYPE_BASE + self.slug


#: Every type of problem the API answers, by slug. Titles are English and never change.
PROBLEM_TYPES: dict[str, ProblemType] = {
    problem.slug: problem
    for problem in [
        ProblemType(
            "invalid-input",
            400,
            "Invalid input",
            "The request cannot be used as sent: `errors` names each bad value by JSON Pointer "
            "(into the body, or a query parameter).",
        ),
        ProblemType(
            "not-authenticated",
            401,
            "Not authenticated",
            "No credentials, or credentials that are not valid: send `Authorization: Token <token>`.",
        ),
        ProblemType("permission-denied", 403, "Permission denied", "The caller may not do this."),
        ProblemType("not-found", 404, "Not found", "Nothing here that the caller may see."),
        ProblemType("method-not-allowed", 405, "Method not allowed", "This address does not take that method."),
        ProblemType("not-acceptable", 406, "Not acceptable", "No representation matches the `Accept` header."),
        ProblemType("conflict", 409, "Conflict", "The request clashes with what is already stored."),
        ProblemType(
            "payload-too-large", 413, "Payload too large", "The request body is larger than this operation takes."
        ),
        ProblemType(
            "unsupported-media-type",
            415,
            "Unsupported media type",
            "The body's `Content-Type` is not one this operation parses.",
        ),
        ProblemType(
            "throttled",
            429,
            "Too many requests",
            "Over the caller's request budget: retry after `Retry-After` seconds.",
        ),
        ProblemType("server-error", 500, "Internal server error", "Something failed on the server; nothing is told."),
        ProblemType("service-unavailable", 503, "Service unavailable", "The service cannot answer now; retry later."),
    ]
}

_TYPE_OF_STATUS = {problem.status: problem for problem in PROBLEM_TYPES.values()}

_TYPE_OF_API_EXCEPTION = [
    (exceptions.ValidationError, "invalid-input"),
    (exceptions.ParseError, "invalid-input"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "not-authenticated"),
    (exceptions.PermissionDenied, "permission-denied"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "throttled"),
]

#: Where a pointer points: the request body, a query parameter, or the address itself.
LOCATIONS = ("body", "query", "path")


@dataclass
class Problem:
    """One problem: a type, the status, a detail for people, and for a 400 its ``errors``."""

    type: ProblemType
    detail: str
    status: int | None = None
    errors: list[dict] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    #: Whether the request's transaction is rolled back (as DRF does for its own exceptions).
    rollback: bool = True

    def body(self) -> dict:
        body = {
            "type": self.type.uri,
            "title": self.type.title,
            "status": self.status or self.type.status,
            "detail": self.detail,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.members)
        return body

    def http_response(self) -> HttpResponse:
        """The problem as a plain Django response (middleware and Django's error handlers)."""
        response = HttpResponse(
            json.dumps(self.body(), ensure_ascii=False),
            status=self.status or self.type.status,
            content_type=MEDIA_TYPE,
        )
        for name, value in self.headers.items():
            response[name] = value
        return response


class ProblemError(exceptions.APIException):
    """A view's own problem with extension members: ``raise ProblemError("conflict", detail, report_status=...)``."""

    def __init__(self, slug: str, detail: str, **members) -> None:
        self.problem_type = PROBLEM_TYPES[slug]
        self.status_code = self.problem_type.status
        self.members = members
        super().__init__(detail)


class ProblemJSONRenderer(JSONRenderer):
    """Renders every error response of a DRF view, whatever the request's ``Accept`` negotiated."""

    media_type = MEDIA_TYPE
    format = "problem+json"


def pointer(path: tuple[str, ...] | list[str]) -> str:
    """RFC 6901: ``("answers", "greeting")`` → ``/answers/greeting`` (``~`` and ``/`` escaped)."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _non_field(key) -> bool:
    return key in (NON_FIELD_KEY, api_settings.NON_FIELD_ERRORS_KEY)


def _flatten(reasons, path: tuple[str, ...] = ()):
    if isinstance(reasons, dict):
        for key, value in reasons.items():
            yield from _flatten(value, path if _non_field(key) else (*path, str(key)))
    elif isinstance(reasons, list | tuple):
        for index, value in enumerate(reasons):
            if isinstance(value, dict | list | tuple):
                # A list serializer's errors: one entry per item, ``{}`` for the good ones.
                yield from _flatten(value, (*path, str(index)))
            else:
                yield path, str(value)
    else:
        yield path, str(reasons)


def errors_of(reasons, location: str = "body") -> list[dict]:
    """DRF's (or a service's) nested reasons as the problem's ``errors``: one entry per message."""
    return [{"pointer": pointer(path), "in": location, "detail": message} for path, message in _flatten(reasons)]


def _location(request) -> str:
    """Reasons of a request that has no body name its query parameters."""
    method = getattr(request, "method", "") or ""
    return "query" if method.upper() in ("GET", "HEAD", "OPTIONS", "DELETE") else "body"


def invalid_input(reasons, location: str = "body", detail: str | None = None) -> Problem:
    errors = errors_of(reasons, location)
    return Problem(
        PROBLEM_TYPES["invalid-input"], detail or str(exceptions.ValidationError.default_detail), errors=errors
    )


def problem_for(exc: BaseException, request=None) -> Problem | None:
    """The problem that answers ``exc``; ``None`` for what is a server error (the caller's 500)."""
    location = _location(request)
    if outage.is_outage(exc):
        return outage_problem()
    if isinstance(exc, Conflict):
        errors = errors_of(exc.errors, location) if exc.errors else None
        detail = str(exc) or (errors[0]["detail"] if errors else str(PROBLEM_TYPES["conflict"].title))
        return Problem(PROBLEM_TYPES["conflict"], detail, errors=errors, rollback=False)
    if isinstance(exc, InvalidInput):
        return invalid_input(exc.errors, location)
    if isinstance(exc, DjangoValidationError):
        return invalid_input(reasons_of(exc), location)
    if isinstance(exc, ProtectedError):
        detail = _("This object is still referenced (e.g. by visits) and cannot be deleted.")
        return Problem(PROBLEM_TYPES["conflict"], detail, rollback=False)
    if isinstance(exc, DjangoPermissionDenied):
        # DRF's generic 403 text (also for a service's ``Forbidden``): the message is the page's.
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, RequestDataTooBig):
        return Problem(PROBLEM_TYPES["payload-too-large"], _("The request body is too large."))
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return invalid_input([str(exc)], location)
    elif isinstance(exc, SuspiciousOperation):
        return invalid_input([_("The request could not be understood.")], location)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    members: dict = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, ProblemError):
        return Problem(exc.problem_type, str(exc.detail), members=exc.members)
    if isinstance(exc, exceptions.ValidationError):
        return invalid_input(exc.detail, location)
    if isinstance(exc, exceptions.ParseError):
        return invalid_input([exc.detail], location, detail=str(exc.detail))
    if getattr(exc, "wait", None):
        members["retry_after"] = int(exc.wait)
        headers["Retry-After"] = str(members["retry_after"])
    slug = next((slug for kind, slug in _TYPE_OF_API_EXCEPTION if isinstance(exc, kind)), None)
    problem_type = PROBLEM_TYPES[slug] if slug else _TYPE_OF_STATUS.get(exc.status_code) or _unknown(exc.status_code)
    detail = exc.detail if not isinstance(exc.detail, list | dict) else exc.default_detail
    return Problem(problem_type, str(detail), status=exc.status_code, headers=headers, members=members)


def _unknown(status: int) -> ProblemType:
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return ProblemType(phrase.lower().replace(" ", "-"), status, phrase, phrase)


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: every exception a view raises, as a problem (or ``None``: a 500)."""
    request = context.get("request")
    problem = problem_for(exc, request)
    if problem is None:
        return None
    if problem.rollback:
        set_rollback()
    if request is not None:
        # The error is problem+json whatever was negotiated (even when negotiation itself failed).
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = MEDIA_TYPE
    return Response(problem.body(), status=problem.status or problem.type.status, headers=problem.headers)


# --- Django-level failures: problem+json under /api/, the dashboard's pages elsewhere ---------


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def server_error_problem() -> Problem:
    return Problem(PROBLEM_TYPES["server-error"], str(exceptions.APIException.default_detail))


def outage_problem() -> Problem:
    """503: the database cannot be reached; nothing of the error is told."""
    seconds = outage.retry_after()
    return Problem(
        PROBLEM_TYPES["service-unavailable"],
        _("The service is briefly unavailable; try again in a moment."),
        headers={"Retry-After": str(seconds)},
        members={"retry_after": seconds},
        # The connection is gone: nothing to roll back, and trying would reach for it again.
        rollback=False,
    )


def handler400(request, exception):
    if is_api(request):
        return (problem_for(exception, request) or invalid_input([str(exception)])).http_response()
    return defaults.bad_request(request, exception)


def handler403(request, exception):
    if is_api(request):
        return problem_for(DjangoPermissionDenied()).http_response()
    return defaults.permission_denied(request, exception)


def handler404(request, exception):
    if is_api(request):
        return problem_for(Http404(), request).http_response()
    return defaults.page_not_found(request, exception)


def handler500(request):
    if is_api(request):
        return server_error_problem().http_response()
    return defaults.server_error(request)


# --- OpenAPI: the components and every operation's error responses ----------------------------

_ERROR_ITEM = {
    "type": "object",
    "description": "One reason: where (a JSON Pointer, RFC 6901) and why.",
    "properties": {
        "pointer": {
            "type": "string",
            "description": 'The bad value: `/answers/greeting`, `/photos/0/uuid`, `/start`; `""` for the '
            "request (its body or query) as a whole.",
            "example": "/answers/greeting",
        },
        "in": {
            "type": "string",
            "enum": list(LOCATIONS),
            "description": "What `pointer` points into: the JSON body, the query parameters, or the address.",
        },
        "detail": {"type": "string", "description": "The reason, in the request's language."},
    },
    "required": ["pointer", "in", "detail"],
}

PROBLEM_COMPONENTS = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; every error of the API (`application/problem+json`).",
        "properties": {
            "type": {
                "type": "string",
                "format": "uri",
                "description": "Names the kind of problem: `"
                + TYPE_BASE
                + "<slug>`. One of: "
                + ", ".join(f"`{slug}`" for slug in PROBLEM_TYPES)
                + ".",
                "example": TYPE_BASE + "not-found",
            },
            "title": {"type": "string", "description": "English, the same for every problem of a type."},
            "status": {"type": "integer", "description": "The HTTP status code."},
            "detail": {"type": "string", "description": "This occurrence, for people, in the request's language."},
            "errors": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/ProblemError"},
                "description": "Each bad value (every 400; a 409 that names a field).",
            },
            "retry_after": {
                "type": "integer",
                "description": "429 and 503 only: seconds to wait, as `Retry-After`.",
            },
        },
        "required": ["type", "title", "status", "detail"],
        "additionalProperties": True,
    },
    "ValidationProblem": {
        "allOf": [
            {"$ref": "#/components/schemas/Problem"},
            {"type": "object", "required": ["errors"]},
        ],
        "description": "A 400: `errors` has one entry per reason.",
    },
    "ProblemError": _ERROR_ITEM,
}

_HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}
_RETRY_AFTER = {"schema": {"type": "integer"}, "description": "Seconds to wait before the next request."}
_WWW_AUTHENTICATE = {"schema": {"type": "string"}, "description": "`Token`: the scheme to authenticate with."}


def _problem_content(component: str = "Problem", existing: dict | None = None) -> dict:
    """The problem body; examples a view declared for this status (``OpenApiExample``) are kept."""
    content = {"schema": {"$ref": f"#/components/schemas/{component}"}}
    examples = next((body["examples"] for body in (existing or {}).values() if body.get("examples")), None)
    if examples:
        content["examples"] = examples
    return {MEDIA_TYPE: content}


def _views(generator) -> dict:
    """``(path, method)`` → the view instance drf-spectacular documented it from."""
    try:
        return {(path, method.lower()): view for path, _regex, method, view in generator._get_paths_and_endpoints()}
    except Exception:  # documentation degrades to what each operation itself says
        return {}


def _throttled(view) -> bool:
    if view is None:
        return False
    return bool(view.get_throttles()) if hasattr(view, "get_throttles") else False


def error_statuses(path: str, method: str, operation: dict, view=None) -> dict[int, str]:
    """The error statuses the operation can answer, each with its schema component."""
    security = operation.get("security")
    public = not security or {} in security
    query = [parameter for parameter in operation.get("parameters", []) if parameter.get("in") == "query"]
    statuses: dict[int, str] = {400: "ValidationProblem"}
    if not public:
        statuses |= {401: "Problem", 403: "Problem"}
    if "{" in path or any(parameter.get("name") == "page" for parameter in query):
        statuses[404] = "Problem"
    statuses[406] = "Problem"
    if "409" in operation.get("responses", {}) or method == "delete":
        statuses[409] = "Problem"
    if "requestBody" in operation:
        statuses |= {413: "Problem", 415: "Problem"}
    if _throttled(view):
        statuses[429] = "Problem"
    statuses[500] = "Problem"
    statuses[503] = "Problem"
    return statuses


def _description(status: int, operation: dict, existing: str) -> str:
    if existing:
        return existing
    if (
        status == 400
        and "requestBody" not in operation
        and not any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
    ):
        return "Invalid input: a null character in the address or the query string."
    if status == 404 and "page" in {parameter.get("name") for parameter in operation.get("parameters", [])}:
        return "Not found (or a `page` past the last one)."
    known = _TYPE_OF_STATUS.get(status)
    return known.description if known else HTTPStatus(status).phrase


def document_problems(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents every error it can answer.

    Each 4xx/5xx response gets an ``application/problem+json`` body (``Problem``, or
    ``ValidationProblem`` for 400); descriptions a view declared (``extend_schema``) are kept.
    A 401 documents ``WWW-Authenticate``, a 429 and a 503 ``Retry-After``.
    """
    result.setdefault("components", {}).setdefault("schemas", {}).update(PROBLEM_COMPONENTS)
    views = _views(generator)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            wanted = error_statuses(path, method, operation, views.get((path, method)))
            for code in list(responses):
                if code[:1] in "45" and code.isdigit() and int(code) not in wanted:
                    wanted[int(code)] = "ValidationProblem" if code == "400" else "Problem"
            for status, component in wanted.items():
                existing = responses.get(str(status), {})
                entry = {"description": _description(status, operation, existing.get("description", ""))}
                entry["content"] = _problem_content(component, existing.get("content"))
                headers = dict(existing.get("headers", {}))
                if status in (429, 503):
                    headers.setdefault("Retry-After", _RETRY_AFTER)
                if status == 401:
                    headers.setdefault("WWW-Authenticate", _WWW_AUTHENTICATE)
                if headers:
                    entry["headers"] = headers
                responses[str(status)] = entry
            operation["responses"] = dict(sorted(responses.items(), key=lambda pair: pair[0]))
    return result
