"""Request guards: oversized bodies (413), hostile input (400), API error pages, database outages (503)."""

import json
import sys

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from backend import outage
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


class OutageMiddleware:
    """An unreachable database (``backend.outage``) answers 503 with ``Retry-After``, not a 500.

    Under ``/api/`` a ``service-unavailable`` problem, elsewhere a plain "try again" page that
    needs no database. A view's exception comes to ``process_exception`` (DRF views map it
    themselves, in ``problems.problem_for``); one raised outside a view (the session or the
    user loaded by an inner middleware) was already turned into a 500 by Django, so
    ``got_request_exception`` marks the request and the 500 is replaced here on its way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(_mark_outage, dispatch_uid="incognito-outage")

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except Exception as exc:  # only reached where nothing inside converted it (not Django's usual)
            if not outage.is_outage(exc):
                raise
            return self._answer(request)
        if response.status_code >= 500 and getattr(request, "_incognito_outage", False):
            return self._answer(request)
        return response

    def process_exception(self, request, exception):
        if outage.is_outage(exception):
            return self._answer(request)
        return None

    @staticmethod
    def _answer(request):
        if problems.is_api(request):
            return problems.outage_problem().http_response()
        return outage.page()


def _mark_outage(sender, request=None, **kwargs):
    exc = sys.exc_info()[1]
    if request is not None and exc is not None and outage.is_outage(exc):
        request._incognito_outage = True
