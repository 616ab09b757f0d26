"""Every API route, in one router so the access-matrix test can walk them all.

This module and ``backend.urls`` are the top of the import graph: they wire every app's views
to URLs, and nothing imports them back.
"""

from rest_framework.routers import DefaultRouter

from auditor_api.views import AuditorAssignmentViewSet, AuditorScorecardVersionViewSet, AuditorVisitViewSet
from audits.views.media import PhotoFileViewSet
from audits.views.planning import AssignmentViewSet, WaveViewSet
from audits.views.reviews import DisputeViewSet, ReviewVisitViewSet
from audits.views.visits import VisitViewSet
from branches.views import RegionViewSet, StoreViewSet
from coaching.report_views import CoachingReportViewSet
from coaching.views import ActionItemViewSet, FollowUpViewSet
from reports.views import StoreReportViewSet
from scorecards.views import ScorecardTemplateViewSet, ScorecardVersionViewSet


class Router(DefaultRouter):
    include_root_view = False


router = Router()
router.register("regions", RegionViewSet, basename="region")
router.register("stores", StoreViewSet, basename="store")
router.register("scorecards", ScorecardTemplateViewSet, basename="scorecard")
router.register("scorecard-versions", ScorecardVersionViewSet, basename="scorecard-version")
router.register("visits", VisitViewSet, basename="visit")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("waves", WaveViewSet, basename="wave")
router.register("review/visits", ReviewVisitViewSet, basename="review-visit")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("photos", PhotoFileViewSet, basename="photo")
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
# The auditors' app: only what an auditor may see of their own work.
router.register("auditor/assignments", AuditorAssignmentViewSet, basename="auditor-assignment")
router.register("auditor/scorecard-versions", AuditorScorecardVersionViewSet, basename="auditor-scorecard-version")
router.register("auditor/visits", AuditorVisitViewSet, basename="auditor-visit")
# Reports: per-store trend and weaknesses, and the coaching PDFs.
router.register("reports/stores", StoreReportViewSet, basename="report-store")
router.register("reports/coaching", CoachingReportViewSet, basename="report-coaching")
