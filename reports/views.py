"""The report endpoints: thin views that parse parameters and call ``reports.selectors``.

- ``GET stores/{code}/trend/``       a store's trend (``StoreReportViewSet.trend``)
- ``GET stores/{code}/weaknesses/``  the standards a store misses most (``StoreReportViewSet.weaknesses``)
- ``GET comparison/``                the stores of a region side by side, also as CSV (``ComparisonView``)
- ``POST coaching/``, ``GET coaching/{id}/``, ``GET coaching/{id}/pdf/``: coaching PDF jobs

HQ and reviewers see every store; regional managers their regions and below; store managers
their stores. Auditors get 403 (they never see store results), anonymous callers 401, and a
store outside the caller's scope is 404.
"""

from django.conf import settings
from django.http import FileResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.settings import api_settings

from backend import clock
from backend.api.viewsets import ScopedViewSetMixin
from branches.models import Store
from reports import selectors, services
from reports.filters import DEFAULT_LIMIT, MAX_LIMIT, ComparisonFilter, TrendFilter, WeaknessFilter, parse
from reports.job_serializers import CoachingReportRequestSerializer, CoachingReportSerializer
from reports.models import CoachingReport, ReportStatus
from reports.permissions import CanReadReports
from reports.renderers import ComparisonCSVRenderer
from reports.serializers import ComparisonSerializer, StoreTrendSerializer, StoreWeaknessesSerializer

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "start",
        OpenApiTypes.DATE,
        description="First day of the period. Default: the first day of the 11th month before the end's month.",
    ),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day of the period (inclusive). Default: today."),
    OpenApiParameter(
        "scorecard",
        OpenApiTypes.STR,
        description="Scorecard template id or code. Default: the template most visited in the period.",
    ),
]
COMPARISON_PARAMETERS = [
    *PERIOD_PARAMETERS,
    OpenApiParameter("region", OpenApiTypes.STR, description="Region code: compare the stores of its whole subtree."),
    OpenApiParameter("section", OpenApiTypes.STR, description="Section key: compare that section's mean score."),
]
WEAKNESS_PARAMETERS = [
    *PERIOD_PARAMETERS,
    OpenApiParameter(
        "limit", OpenApiTypes.INT, description=f"How many items (1-{MAX_LIMIT}, default {DEFAULT_LIMIT})."
    ),
]
ERRORS = {
    400: OpenApiResponse(description="A bad query parameter; the body names it."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Auditors never see store results."),
}


class ReportViewSet(viewsets.GenericViewSet):
    permission_classes = [CanReadReports]
    pagination_class = None
    filter_backends: list = []


class StoreReportViewSet(ScopedViewSetMixin, ReportViewSet):
    """Reports about one store, addressed by its code; a store outside the caller's scope is 404."""

    queryset = Store.objects.all()
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9][A-Za-z0-9-]*"

    @extend_schema(
        operation_id="reports_store_trend",
        parameters=PERIOD_PARAMETERS,
        responses={
            200: StoreTrendSerializer,
            404: OpenApiResponse(description="No such store in your scope."),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["get"])
    def trend(self, request, code=None, **kwargs):
        """Released visits, monthly and section means, moving average, change, slope and benchmarks."""
        params = parse(TrendFilter, request)
        try:
            data = selectors.store_trend(
                user=request.user, code=code, period=params["period"], template=params["scorecard"]
            )
        except Store.DoesNotExist:
            raise NotFound() from None
        # JSON-ready as StoreTrendSerializer documents it (a test holds them equal), with scores
        # as decimal strings like everywhere else in the API; cheaper than the serializer's fields.
        for visit in data["visits"]:
            visit["score"] = str(visit["score"])
        return Response(data)

    @extend_schema(
        operation_id="reports_store_weaknesses",
        parameters=WEAKNESS_PARAMETERS,
        responses={
            200: StoreWeaknessesSerializer,
            404: OpenApiResponse(description="No such store in your scope."),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["get"])
    def weaknesses(self, request, code=None, **kwargs):
        """The standards the store fails most often, with the region's fail rate and a coaching tip."""
        params = parse(WeaknessFilter, request)
        try:
            data = selectors.store_weaknesses(
                user=request.user,
                code=code,
                period=params["period"],
                template=params["scorecard"],
                limit=params["limit"],
            )
        except Store.DoesNotExist:
            raise NotFound() from None
        return Response(StoreWeaknessesSerializer(data).data)


class ComparisonView(GenericAPIView):
    """Every store the caller may see, side by side, with honest rank bands; CSV with ``?format=csv``."""

    permission_classes = [CanReadReports]
    pagination_class = None
    filter_backends: list = []
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, ComparisonCSVRenderer]

    @extend_schema(
        operation_id="reports_comparison",
        parameters=COMPARISON_PARAMETERS,
        responses={
            (200, "application/json"): ComparisonSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One row per store, UTF-8 with BOM."),
            **ERRORS,
        },
    )
    def get(self, request, *args, **kwargs):
        params = parse(ComparisonFilter, request)
        data = selectors.comparison(
            user=request.user,
            period=params["period"],
            region=params["region"],
            template=params["scorecard"],
            section=params["section"],
        )
        # The selector's output is JSON-ready (str, int, float, bool, None, dates) and has the
        # shape ComparisonSerializer documents (a test holds them equal); running 500 rows through
        # DRF's serializer fields would cost more than the rest of the request's Python.
        return Response(data)


class CoachingReportViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Coaching PDF jobs: ask for one, watch its status, download it when done.

    ``POST`` answers 202 with a new job, or 200 with an existing one made from the same data.
    """

    queryset = CoachingReport.objects.select_related("store")
    permission_classes = [CanReadReports]
    serializer_class = CoachingReportSerializer

    @extend_schema(
        operation_id="reports_coaching_create",
        request=CoachingReportRequestSerializer,
        responses={
            202: CoachingReportSerializer,
            200: OpenApiResponse(
                CoachingReportSerializer, description="A finished or running report of the same data."
            ),
            404: OpenApiResponse(description="No such store in your scope."),
            **ERRORS,
        },
    )
    def create(self, request, *args, **kwargs):
        incoming = CoachingReportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            report, created = services.coaching_report_request(
                user=request.user,
                code=data["store"],
                start=data.get("start"),
                end=data.get("end"),
                language=data.get("language") or translation.get_language() or settings.LANGUAGE_CODE,
                today=clock.today(),
            )
        except Store.DoesNotExist:
            raise NotFound({"store": [f"No store {data['store']} in your scope."]}) from None
        report.refresh_from_db()  # an inline run has finished by now
        return Response(CoachingReportSerializer(report).data, status=202 if created else 200)

    @extend_schema(operation_id="reports_coaching_retrieve", responses={200: CoachingReportSerializer, **ERRORS})
    def retrieve(self, request, *args, **kwargs):
        return Response(CoachingReportSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="reports_coaching_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            409: OpenApiResponse(description="Not finished (queued, running) or failed."),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, *args, **kwargs):
        report = self.get_object()
        if report.status != ReportStatus.DONE:
            detail = report.reason if report.status == ReportStatus.FAILED else f"The report is {report.status}."
            return Response({"status": report.status, "detail": detail}, status=409)
        return FileResponse(
            report.pdf.open("rb"), as_attachment=True, filename=report.filename, content_type="application/pdf"
        )
