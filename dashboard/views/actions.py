"""The store's action plan, and HQ's overdue actions with their follow-up visits."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend import clock
from backend.errors import Conflict
from backend.forms import refusal_onto
from branches import policy
from branches.models import Store
from dashboard import actions
from dashboard.views.common import manager_page
from dashboard.views.store import store_context
from reports import selectors


def _store_or_404(user, code: str) -> Store:
    try:
        return selectors.report_store(user=user, code=code)
    except Store.DoesNotExist:
        raise Http404 from None


def _back_to_plan(request, code: str):
    url = reverse("dashboard:store", kwargs={"code": code})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}#action-plan" if query else f"{url}#action-plan")


@require_POST
@manager_page
def action_create(request, code):
    """Commit the store to an action on one standard (``coaching.services.action_item_create``)."""
    from coaching import services as coaching_services

    store = _store_or_404(request.user, code)
    # The service refuses too; refusing first keeps a reader's post from ever reaching the form.
    policy.require(
        policy.may_write_action_plan(request.user, store=store, in_scope=True), policy.ACTION_PLAN_WRITERS_ONLY
    )
    standards = actions.standards(store)
    form = actions.ActionForm(request.POST, standards=standards)
    status = 400
    if form.is_valid():
        with refusal_onto(form) as refused:
            coaching_services.action_item_create(store=store, by=request.user, **form.cleaned_data)
        if isinstance(refused.error, Conflict):
            # This form was sent before with other values (e.g. edited after going back).
            form = actions.ActionForm.resent(
                request.POST,
                standards=standards,
                message=_(
                    "This form was already sent with other values, and that action is in the plan above. "
                    "Send the form again to add this one as a new action."
                ),
            )
            status = 409
        elif not refused:
            # A double-submitted form lands here twice; the second time nothing new was stored.
            messages.success(request, _("The action was added to the plan."))
            return _back_to_plan(request, code)
    actions.describe_errors(form)
    context = store_context(request, code, action_form=form)
    return render(request, "dashboard/store.html", context, status=status)


def _action_change(request, code, pk, change):
    from coaching.selectors import action_items

    store = _store_or_404(request.user, code)
    item = action_items(user=request.user, store=store).filter(pk=pk).first()
    if item is None:
        raise Http404
    change(item=item, by=request.user)  # Forbidden, a PermissionDenied (403), for readers such as regional managers
    return _back_to_plan(request, code)


@require_POST
@manager_page
def action_complete(request, code, pk):
    from coaching.services import action_item_complete

    return _action_change(request, code, pk, action_item_complete)


@require_POST
@manager_page
def action_reopen(request, code, pk):
    from coaching.services import action_item_reopen

    return _action_change(request, code, pk, action_item_reopen)


def _hq_only(user) -> None:
    if not policy.may_plan_follow_up(user):
        raise Http404  # like the API's audit-side lists: the page does not exist for anyone else


def _overdue_context(request, *, forms: dict | None = None) -> dict:
    from coaching.selectors import stores_with_overdue_actions

    today = clock.today()
    rows = stores_with_overdue_actions(user=request.user, today=today)
    start = today + dt.timedelta(days=1)
    end = min(
        start + dt.timedelta(days=13),
        (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
    )
    forms = forms or {}
    for row in rows:
        row["form"] = forms.get(row["code"]) or actions.FollowUpForm(
            prefix=row["code"], initial={"window_start": start, "window_end": end, "daypart": "lunch"}
        )
        row["url"] = reverse("dashboard:store", kwargs={"code": row["code"]})
        row["follow_up_url"] = reverse("dashboard:follow-up", kwargs={"code": row["code"]})
    return {"rows": rows, "today": today, "nav": "overdue"}


@require_GET
@manager_page
def overdue_actions(request):
    """HQ: the stores with overdue actions, each with a form to plan a follow-up visit."""
    _hq_only(request.user)
    return render(request, "dashboard/overdue.html", _overdue_context(request))


@require_POST
@manager_page
def follow_up_create(request, code):
    """HQ plans a follow-up visit (``coaching.services.followup_visit_plan``); the store never sees it."""
    from coaching import services as coaching_services

    _hq_only(request.user)
    store = _store_or_404(request.user, code)
    form = actions.FollowUpForm(request.POST, prefix=code)
    if form.is_valid():
        with refusal_onto(form) as refused:
            assignment = coaching_services.followup_visit_plan(store=store, by=request.user, **form.cleaned_data)
        if not refused:
            messages.success(
                request,
                _("Follow-up visit offered for %(store)s (assignment #%(id)s).")
                % {"store": store.name, "id": assignment.pk},
            )
            return redirect("dashboard:overdue")
    actions.describe_errors(form)
    return render(request, "dashboard/overdue.html", _overdue_context(request, forms={code: form}), status=400)
