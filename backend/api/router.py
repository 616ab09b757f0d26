"""Every API route, in one router so the access-matrix test can walk them all."""

from rest_framework.routers import DefaultRouter

from audits.views.planning import AssignmentViewSet, WaveViewSet
from audits.views.reviews import DisputeViewSet, ReviewVisitViewSet
from audits.views.visits import VisitViewSet
from branches.views import RegionViewSet, StoreViewSet
from coaching.views import ActionItemViewSet, FollowUpViewSet
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
router.register("action-items", ActionItemViewSet, basename="action-item")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")
