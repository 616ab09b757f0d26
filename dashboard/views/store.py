"""A store's page: trend, sections, weakest standards, visits, disputes, the coaching PDF."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audits.models import Visit, VisitStatus
from audits.models.visits import Channel, Daypart
from audits.services import reviews
from backend import clock
from backend.errors import InvalidInput
from backend.forms import refusal_onto
from branches import policy
from branches.models import Store
from coaching.models import ReportStatus
from dashboard import actions, charts
from dashboard import selectors as dashboard_selectors
from dashboard.forms import DisputeForm
from dashboard.views.common import filter_values, manager_page, parse_filters, query_string
from reports import selectors
from reports.filters import TrendFilter
from scorecards.models import ScorecardTemplate

WEAKNESS_LIMIT = 5


def _template_stub(scorecard: selectors.Scorecard | None) -> ScorecardTemplate | None:
    if scorecard is None:
        return None
    return ScorecardTemplate(pk=scorecard.id, code=scorecard.code, name=scorecard.name)


def store_context(request, code: str, *, dispute_form: DisputeForm | None = None, action_form=None):
    user = request.user
    try:
        store = selectors.report_store(user=user, code=code)
    except Store.DoesNotExist:
        raise Http404 from None
    cleaned, errors = parse_filters(TrendFilter, request)
    values = filter_values(request, cleaned)
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
    scorecard = trend.scorecard
    template = _template_stub(scorecard)
    weaknesses = selectors.store_weaknesses(
        user=user, code=code, period=period, template=template, limit=WEAKNESS_LIMIT
    )
    sections, visits, disputes = [], [], []
    if scorecard is not None:
        sections = dashboard_selectors.section_benchmark(store=store, period=period, template_id=scorecard.id)
        visits = dashboard_selectors.store_visits(user=user, store=store, period=period, template_id=scorecard.id)
    daypart_labels, channel_labels = dict(Daypart.choices), dict(Channel.choices)
    for visit in visits:
        visit["daypart_label"] = daypart_labels.get(visit["daypart"], visit["daypart"])
        visit["channel_label"] = channel_labels.get(visit["channel"], visit["channel"])
    can_dispute = policy.may_open_dispute(user)
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
        weaknesses=weaknesses.results,
        weakness_visits=weaknesses.visits,
        sections=sections,
        visits=visits,
        can_dispute=can_dispute,
        disputes=disputes,
        dispute_form=dispute_form,
        dispute_window_days=reviews.dispute_window().days,
        coaching_api=reverse("report-coaching-list"),
        coaching_fallback_url=reverse("dashboard:coaching-request", kwargs={"code": store.code}),
        period_query=query_string({"start": values["start"], "end": values["end"], "scorecard": values["scorecard"]}),
        api_trend_url=reverse("report-store-trend", kwargs={"code": store.code}) + "?" + query_string(values),
    )
    if actions.available():
        context.update(
            actions.store_context(request=request, store=store, weaknesses=weaknesses.results, form=action_form)
        )
    return context


@require_GET
@manager_page
def store_page(request, code):
    context = store_context(request, code)
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
    policy.require(policy.may_open_dispute(user), _("Only store managers open disputes."))
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
            with refusal_onto(form) as refused:
                reviews.dispute_open(
                    visit=visit,
                    item_key=form.cleaned_data["item"],
                    reason=form.cleaned_data["reason"],
                    by=user,
                    photo=form.cleaned_data.get("photo"),
                )
            if not refused:
                messages.success(request, _("Your dispute was sent to the reviewers."))
                url = reverse("dashboard:store", kwargs={"code": store.code})
                query = request.GET.urlencode()
                return redirect(f"{url}?{query}#disputes" if query else f"{url}#disputes")
    form.describe_errors()
    context = store_context(request, code, dispute_form=form)
    return render(request, "dashboard/store.html", context, status=400)


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
        "running": report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING),
        "pdf_url": reverse("report-coaching-pdf", kwargs={"pk": report.pk}),
        "ReportStatus": ReportStatus,
        "store_url": reverse("dashboard:store", kwargs={"code": code}),
    }
    return render(request, "dashboard/coaching_status.html", context)
