"""Refuse oversized request bodies up front with a clear 413, before anything reads them."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from backend.api import problems

# Multipart uploads carry a photo plus a little form overhead.
_MULTIPART_OVERHEAD = 256 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self._limit(request)
        if length > limit:
            detail = f"The request body is {length} bytes; the limit is {limit} bytes ({limit / 1048576:.1f} MB)."
            if problems.is_api(request):
                problem_type = problems.PROBLEM_TYPES["payload-too-large"]
                return problems.Problem(problem_type, detail, members={"max_bytes": limit}).http_response()
            return HttpResponse(json.dumps({"detail": detail}), status=413, content_type="application/json")
        return self.get_response(request)

    @staticmethod
    def _limit(request) -> int:
        limits = settings.INCOGNITO
        if request.content_type == "multipart/form-data":
            return limits["PHOTO_MAX_BYTES"] + _MULTIPART_OVERHEAD
        return limits["MAX_JSON_BODY_BYTES"]


class HostileInputMiddleware:
    """NUL characters (or lone surrogates) in the path, the query string or a page's form: 400.

    PostgreSQL text cannot hold a NUL, so one that reached a query was a 500 (``DataError``)
    wherever a parameter is looked up as text: a store code in a page's path, an admin search,
    a list filter. Refused here for every request, naming the parameter. API bodies are the
    API parsers' (``backend.api.parsers``); a page's form body (dashboard, admin) is checked
    here, since Django's forms reach the database for some fields before validating them.
    The API answers in its error format (problem+json, ``backend.api.problems``); pages with the dashboard's 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from backend.hostile_input import non_field_key, query_dict_errors

        api = request.path_info.startswith("/api/")
        if "\x00" in request.path_info:
            errors = {non_field_key(): [_("The address contains a null character.")]}
        else:
            errors = query_dict_errors(request.GET)
            if errors is None and not api and request.method == "POST":
                errors = query_dict_errors(request.POST)
        if errors is None:
            return self.get_response(request)
        if api:
            from backend.api.problems import invalid_input

            return invalid_input(errors, "path" if "\x00" in request.path_info else "query").http_response()
        reasons = [message for messages in errors.values() for message in messages]
        return render(request, "400.html", {"reasons": reasons, "fields": errors}, status=400)


class ApiErrorPagesMiddleware:
    """Under ``/api/`` a 404 or a 5xx is a problem even where Django answers with its own page.

    With ``DEBUG`` on (the demo's ``make run``), Django does not call ``handler404``/``handler500``:
    an address no route matches and an unhandled exception get its technical HTML pages. A client
    must get the API's one format whatever the server's ``DEBUG``; the traceback is still logged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not problems.is_api(request) or response.get("Content-Type", "").startswith(problems.MEDIA_TYPE):
            return response
        if response.status_code == 404:
            return problems.handler404(request, None)
        if response.status_code >= 500:
            return problems.handler500(request)
        return response
