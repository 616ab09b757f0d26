"""The managers' web dashboard: server-rendered pages on the same selectors as the report API.

Scoping is the API's: every figure comes from ``reports.selectors`` (or ``dashboard.selectors``,
which follow the same rules) called with the signed-in user, a store outside the caller's scope
is 404, auditors get a polite page and no store data at all. Query parameters are validated by
the API's FilterSets, so a page accepts exactly what the API accepts and shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audits.models import Visit, VisitStatus
from audits.models.visits import Channel, Daypart
from audits.services import reviews
from backend import clock
from backend.errors import Conflict, InvalidInput
from branches.models import Role, Store
from dashboard import actions, charts
from dashboard import selectors as dashboard_selectors
from dashboard.forms import DisputeForm
from reports import selectors
from reports.filters import ComparisonFilter, TrendFilter
from reports.permissions import REPORT_ROLES
from scorecards.models import ScorecardTemplate

WEAKNESS_LIMIT = 5


# --- Access ---------------------------------------------------------------------------------------


def manager_page(view):
    """Signed in (else the dashboard's sign-in page) and a report role (else the auditors' page)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("dashboard:login"))
        if request.user.role not in REPORT_ROLES:
            return render(request, "dashboard/not_for_auditors.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _is_audit_side(user) -> bool:
    return user.role in (Role.HQ_ADMIN, Role.REVIEWER)


# --- Sign-in ----------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "dashboard/login.html"
    redirect_authenticated_user = True
    next_page = reverse_lazy("dashboard:home")


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule); back to the sign-in page."""

    next_page = reverse_lazy("dashboard:login")


# --- Filters ----------------------------------------------------------------------------------------


def _parse(filterset_class, request) -> tuple[dict | None, dict]:
    """``(cleaned, errors)``: the API's FilterSet on the query string, the period resolved."""
    filterset = filterset_class(request.GET, queryset=Visit.objects.none(), request=request)
    if not filterset.is_valid():
        return None, {name: list(errors) for name, errors in filterset.errors.items()}
    data = dict(filterset.form.cleaned_data)
    data["period"] = selectors.resolve_period(start=data.pop("start"), end=data.pop("end"), today=clock.today())
    if "section" in data:
        data["section"] = data["section"] or None
    return data, {}


def _filter_values(request, cleaned: dict | None) -> dict:
    """What the filter form shows: the resolved period, else what was typed."""
    values = {name: request.GET.get(name, "") for name in ("start", "end", "region", "scorecard")}
    if cleaned is not None:
        values["start"] = cleaned["period"].start.isoformat()
        values["end"] = cleaned["period"].end.isoformat()
    return values


def _query(values: dict, **extra) -> str:
    merged = {**values, **extra}
    return urlencode({key: value for key, value in merged.items() if value not in (None, "")})


# --- Home -------------------------------------------------------------------------------------------


@require_GET
@manager_page
def home(request):
    user = request.user
    if user.role == Role.REGIONAL_MANAGER:
        return redirect("dashboard:comparison")
    if user.role == Role.STORE_MANAGER:
        stores = dashboard_selectors.user_stores(user=user)
        if len(stores) == 1:
            return redirect("dashboard:store", code=stores[0]["code"])
        return render(request, "dashboard/store_list.html", {"stores": stores})
    context = {
        "nav": "home",
        "is_hq": user.role == Role.HQ_ADMIN,
        "coaching": actions.available(),
        "links": {
            "waves": reverse("admin:audits_wave_changelist"),
            "assignments": reverse("admin:audits_assignment_changelist"),
            "api_docs": reverse("api-docs"),
            "review_api": reverse("review-visit-list") + "?status=submitted",
            "review_admin": reverse("admin:audits_visit_changelist"),
            "disputes_admin": reverse("admin:audits_dispute_changelist"),
            "admin": reverse("admin:index"),
        },
    }
    return render(request, "dashboard/hub.html", context)


# --- Regional comparison ----------------------------------------------------------------------------

# column -> (key function, first direction when clicked: "asc" or "desc")
SORTS = {
    "store": (lambda row: (row["name"], row["code"]), "asc"),
    "mean": (lambda row: row["mean"], "desc"),
    "visits": (lambda row: row["visits"], "desc"),
    "interval": (lambda row: row["ci_low"], "desc"),
    "rank": (lambda row: row["rank_best"], "asc"),
    "change": (lambda row: row["change"]["difference"], "desc"),
    "weakest": (lambda row: (row["weakest_section"] or {}).get("mean"), "asc"),
    "complaint": (lambda row: row["complaint"]["pass_rate"], "desc"),
    "critical": (lambda row: row["critical_failures"], "desc"),
    "actions_open": (lambda row: (row.get("actions") or {}).get("open"), "desc"),
    "actions_overdue": (lambda row: (row.get("actions") or {}).get("overdue"), "desc"),
}


def _sort_rows(rows: list[dict], column: str, descending: bool) -> list[dict]:
    """Stable sort by a column; rows without a value stay last in both directions."""
    key = SORTS[column][0]
    present = [row for row in rows if key(row) is not None]
    missing = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing


def _parse_sort(raw: str) -> tuple[str | None, bool]:
    descending = raw.startswith("-")
    column = raw.lstrip("-")
    return (column, descending) if column in SORTS else (None, False)


@require_GET
@manager_page
def comparison(request):
    user = request.user
    cleaned, errors = _parse(ComparisonFilter, request)
    values = _filter_values(request, cleaned)
    sort_column, descending = _parse_sort(request.GET.get("sort", ""))
    with_actions = actions.available() and user.role in (Role.REGIONAL_MANAGER, Role.HQ_ADMIN)
    context = {
        "errors": errors,
        "values": values,
        "regions": dashboard_selectors.visible_regions(user=user),
        "scorecards": dashboard_selectors.scorecard_choices(),
        "report": None,
        "with_actions": with_actions,
        "nav": "comparison",
    }
    status = 200
    if cleaned is None:
        status = 400
    else:
        report = selectors.comparison(
            user=user, period=cleaned["period"], region=cleaned["region"], template=cleaned["scorecard"]
        )
        ranked = [row for row in report["results"] if not row["not_enough_data"]]
        unranked = [row for row in report["results"] if row["not_enough_data"]]
        if with_actions:
            actions.attach_counts(user=user, rows=report["results"], today=clock.today())
        if sort_column:
            ranked = _sort_rows(ranked, sort_column, descending)
        period_query = _query({"start": values["start"], "end": values["end"], "scorecard": values["scorecard"]})
        for row in report["results"]:
            row["url"] = reverse("dashboard:store", kwargs={"code": row["code"]}) + "?" + period_query
        columns = []
        for column in SORTS:
            if column.startswith("actions") and not with_actions:
                continue
            active = column == sort_column
            first = SORTS[column][1]
            if active:
                next_sort = column if descending else f"-{column}"
            else:
                next_sort = f"-{column}" if first == "desc" else column
            columns.append(
                {
                    "key": column,
                    "aria_sort": ("descending" if descending else "ascending") if active else None,
                    "url": "?" + _query(values, sort=next_sort),
                }
            )
        context.update(
            report=report,
            ranked=ranked,
            unranked=unranked,
            chart=charts.comparison_chart(
                [row for row in report["results"] if not row["not_enough_data"]] + unranked,
                report["summary"]["mean"],
            ),
            columns={column["key"]: column for column in columns},
            sort=request.GET.get("sort", ""),
            csv_url=reverse("report-comparison") + "?" + _query(values, format="csv"),
            api_url=reverse("report-comparison") + "?" + _query(values),
            reset_url=reverse("dashboard:comparison"),
        )
    return render(request, "dashboard/comparison.html", context, status=status)


# --- Store page -------------------------------------------------------------------------------------


def _template_stub(scorecard: dict | None) -> ScorecardTemplate | None:
    if scorecard is None:
        return None
    return ScorecardTemplate(pk=scorecard["id"], code=scorecard["code"], name=scorecard["name"])


def _store_context(request, code: str, *, dispute_form: DisputeForm | None = None, action_form=None):
    user = request.user
    try:
        store = selectors.report_store(user=user, code=code)
    except Store.DoesNotExist:
        raise Http404 from None
    cleaned, errors = _parse(TrendFilter, request)
    values = _filter_values(request, cleaned)
    context = {
        "store": store,
        "errors": errors,
        "values": values,
        "scorecards": dashboard_selectors.scorecard_choices(),
        "trend": None,
        "status": 200 if cleaned is not None else 400,
        "dispute_form": None,
        "action_form": None,
    }
    if cleaned is None:
        return context
    period = cleaned["period"]
    trend = selectors.store_trend(user=user, code=code, period=period, template=cleaned["scorecard"])
    scorecard = trend["scorecard"]
    template = _template_stub(scorecard)
    weaknesses = selectors.store_weaknesses(
        user=user, code=code, period=period, template=template, limit=WEAKNESS_LIMIT
    )
    sections, visits, disputes = [], [], []
    if scorecard is not None:
        sections = dashboard_selectors.section_benchmark(store=store, period=period, template_id=scorecard["id"])
        visits = dashboard_selectors.store_visits(user=user, store=store, period=period, template_id=scorecard["id"])
    daypart_labels, channel_labels = dict(Daypart.choices), dict(Channel.choices)
    for visit in visits:
        visit["daypart_label"] = daypart_labels.get(visit["daypart"], visit["daypart"])
        visit["channel_label"] = channel_labels.get(visit["channel"], visit["channel"])
    can_dispute = user.role == Role.STORE_MANAGER
    if can_dispute:
        disputes = dashboard_selectors.store_disputes(user=user, store=store)
        disputable = dashboard_selectors.disputable_visits(user=user, store=store)
        if dispute_form is None and disputable:
            items = dashboard_selectors.disputable_items(version_ids={visit["version_id"] for visit in disputable})
            dispute_form = DisputeForm(visits=disputable, items=items)
    context.update(
        trend=trend,
        scorecard=scorecard,
        period=period,
        chart=charts.trend_chart(trend),
        weaknesses=weaknesses["results"],
        weakness_visits=weaknesses["visits"],
        sections=sections,
        visits=visits,
        can_dispute=can_dispute,
        disputes=disputes,
        dispute_form=dispute_form,
        dispute_window_days=reviews.dispute_window().days,
        coaching_api=reverse("report-coaching-list"),
        coaching_fallback_url=reverse("dashboard:coaching-request", kwargs={"code": store.code}),
        period_query=_query({"start": values["start"], "end": values["end"], "scorecard": values["scorecard"]}),
        api_trend_url=reverse("report-store-trend", kwargs={"code": store.code}) + "?" + _query(values),
    )
    if actions.available():
        context.update(
            actions.store_context(request=request, store=store, weaknesses=weaknesses["results"], form=action_form)
        )
    return context


@require_GET
@manager_page
def store_page(request, code):
    context = _store_context(request, code)
    return render(request, "dashboard/store.html", context, status=context["status"])


@require_POST
@manager_page
def dispute_create(request, code):
    """Dispute an item of a recent released visit; errors are shown beside their fields."""
    user = request.user
    try:
        store = selectors.report_store(user=user, code=code)
    except Store.DoesNotExist:
        raise Http404 from None
    if user.role != Role.STORE_MANAGER:
        raise PermissionDenied(_("Only store managers open disputes."))
    disputable = dashboard_selectors.disputable_visits(user=user, store=store)
    items = dashboard_selectors.disputable_items(version_ids={visit["version_id"] for visit in disputable})
    form = DisputeForm(request.POST, request.FILES, visits=disputable, items=items)
    if form.is_valid():
        visit = (
            Visit.objects.visible_to(user)
            .filter(store=store, status=VisitStatus.RELEASED, reference=form.cleaned_data["visit"])
            .first()
        )
        if visit is None:
            form.add_error("visit", _("No released visit of your stores has this reference."))
        else:
            try:
                reviews.dispute_open(
                    visit=visit,
                    item_key=form.cleaned_data["item"],
                    reason=form.cleaned_data["reason"],
                    by=user,
                    photo=form.cleaned_data.get("photo"),
                )
            except InvalidInput as error:
                form.add_service_errors(error.errors)
            except ValidationError as error:
                form.add_service_errors(
                    error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
                )
            else:
                messages.success(request, _("Your dispute was sent to the reviewers."))
                url = reverse("dashboard:store", kwargs={"code": store.code})
                query = request.GET.urlencode()
                return redirect(f"{url}?{query}#disputes" if query else f"{url}#disputes")
    form.describe_errors()
    context = _store_context(request, code, dispute_form=form)
    return render(request, "dashboard/store.html", context, status=400)


# --- Coaching PDF without JavaScript ------------------------------------------------------------------


@require_POST
@manager_page
def coaching_request(request, code):
    """Ask for the coaching PDF of the period (the API's service), then watch it on a status page."""
    from coaching import services as report_services

    data = {"start": request.POST.get("start") or None, "end": request.POST.get("end") or None}
    try:
        start = dt.date.fromisoformat(data["start"]) if data["start"] else None
        end = dt.date.fromisoformat(data["end"]) if data["end"] else None
        report, _created = report_services.coaching_report_request(
            user=request.user,
            code=code,
            start=start,
            end=end,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            today=clock.today(),
        )
    except Store.DoesNotExist:
        raise Http404 from None
    except (ValueError, InvalidInput):
        messages.error(request, _("The coaching report could not be requested for this period."))
        return redirect("dashboard:store", code=code)
    return redirect("dashboard:coaching-status", code=code, pk=report.pk)


@require_GET
@manager_page
def coaching_status(request, code, pk):
    """The job's status; reloads itself while it runs, then links the PDF (the API's download)."""
    from coaching.models import CoachingReport

    report = (
        CoachingReport.objects.visible_to(request.user)
        .filter(store__code=code)
        .select_related("store")
        .only("id", "status", "reason", "start", "end", "store__code", "store__name")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    context = {
        "report": report,
        "running": report.status in ("queued", "running"),
        "pdf_url": reverse("report-coaching-pdf", kwargs={"pk": report.pk}),
        "store_url": reverse("dashboard:store", kwargs={"code": code}),
    }
    return render(request, "dashboard/coaching_status.html", context)


# --- Action plans (the coaching app) --------------------------------------------------------------


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
    if not actions.can_write(request.user, store):
        raise PermissionDenied(_("Only the store's managers and HQ may change its action plan."))
    standards = actions.standards(store)
    form = actions.ActionForm(request.POST, standards=standards)
    status = 400
    if form.is_valid():
        try:
            coaching_services.action_item_create(store=store, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            actions.add_errors(form, error)
        except Conflict:
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
        else:
            # A double-submitted form lands here twice; the second time nothing new was stored.
            messages.success(request, _("The action was added to the plan."))
            return _back_to_plan(request, code)
    actions.describe_errors(form)
    context = _store_context(request, code, action_form=form)
    return render(request, "dashboard/store.html", context, status=status)


def _action_change(request, code, pk, change):
    from coaching.selectors import action_items

    store = _store_or_404(request.user, code)
    item = action_items(user=request.user, store=store).filter(pk=pk).first()
    if item is None:
        raise Http404
    change(item=item, by=request.user)  # PermissionDenied (403) for readers such as regional managers
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
    if user.role != Role.HQ_ADMIN:
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
        try:
            assignment = coaching_services.followup_visit_plan(store=store, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            actions.add_errors(form, error)
        else:
            messages.success(
                request,
                _("Follow-up visit offered for %(store)s (assignment #%(id)s).")
                % {"store": store.name, "id": assignment.pk},
            )
            return redirect("dashboard:overdue")
    actions.describe_errors(form)
    return render(request, "dashboard/overdue.html", _overdue_context(request, forms={code: form}), status=400)
