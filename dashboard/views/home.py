"""The landing page: a regional manager's stores, a store manager's store."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from branches import policy
from branches.models import Role
from dashboard import actions
from dashboard import selectors as dashboard_selectors
from dashboard.views.common import manager_page


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
        # The link to HQ's overdue list, which only those who plan follow-ups may open.
        "is_hq": policy.may_plan_follow_up(user),
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
