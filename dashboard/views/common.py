"""Shared by the dashboard's pages: who may open them, and their query parameters."""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from audits.models import Visit
from backend import clock
from branches import policy
from reports import selectors


def manager_page(view):
    """Signed in (else the dashboard's sign-in page) and a reader of results (else the auditors' page).

    The readers are ``branches.policy.may_read_reports``'s, the report API's own.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("dashboard:login"))
        if not policy.may_read_reports(request.user):
            return render(request, "dashboard/not_for_auditors.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def parse_filters(filterset_class, request) -> tuple[dict | None, dict]:
    """``(cleaned, errors)``: the API's FilterSet on the query string, the period resolved."""
    filterset = filterset_class(request.GET, queryset=Visit.objects.none(), request=request)
    if not filterset.is_valid():
        return None, {name: list(errors) for name, errors in filterset.errors.items()}
    data = dict(filterset.form.cleaned_data)
    data["period"] = selectors.resolve_period(start=data.pop("start"), end=data.pop("end"), today=clock.today())
    if "section" in data:
        data["section"] = data["section"] or None
    return data, {}


def filter_values(request, cleaned: dict | None) -> dict:
    """What the filter form shows: the resolved period, else what was typed."""
    values = {name: request.GET.get(name, "") for name in ("start", "end", "region", "scorecard")}
    if cleaned is not None:
        values["start"] = cleaned["period"].start.isoformat()
        values["end"] = cleaned["period"].end.isoformat()
    return values


def query_string(values: dict, **extra) -> str:
    merged = {**values, **extra}
    return urlencode({key: value for key, value in merged.items() if value not in (None, "")})
