from auditor_api.views import AuditorAssignmentViewSet, AuditorScorecardVersionViewSet, AuditorVisitViewSet
from backend.api.router import Router

router = Router()
router.register("assignments", AuditorAssignmentViewSet, basename="auditor-assignment")
router.register("scorecard-versions", AuditorScorecardVersionViewSet, basename="auditor-scorecard-version")
router.register("visits", AuditorVisitViewSet, basename="auditor-visit")
