"""Report routes, to be included under ``api/reports/``:

    path("api/reports/", include("reports.urls")),

Route names: ``report-store-trend`` and ``report-store-weaknesses`` (kwarg ``code``) and
``report-comparison``; ``report-coaching-list``, ``report-coaching-detail`` and
``report-coaching-pdf`` (kwarg ``pk``).
"""

from django.urls import path
from rest_framework.routers import DefaultRouter

from reports.views import CoachingReportViewSet, ComparisonView, StoreReportViewSet


class Router(DefaultRouter):
    include_root_view = False


router = Router()
router.register("stores", StoreReportViewSet, basename="report-store")
router.register("coaching", CoachingReportViewSet, basename="report-coaching")

urlpatterns = [
    path("comparison/", ComparisonView.as_view(), name="report-comparison"),
    *router.urls,
]
