"""The report endpoints: thin views that parse parameters and call ``reports.selectors``.

- ``GET stores/{code}/trend/``       a store's trend (``StoreReportViewSet.trend``)
- ``GET stores/{code}/weaknesses/``  the standards a store misses most (``StoreReportViewSet.weaknesses``)
- ``GET comparison/``                the stores of a region side by side, also as CSV (``ComparisonView``)

The coaching PDF jobs (``coaching/``) live with the coaching app, in ``coaching.report_views``.

HQ and reviewers see every store; regional managers their regions and below; store managers
their stores. Auditors get 403 (they never see store results), anonymous callers 401, and a
store outside the caller's scope is 404.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.settings import api_settings

from backend.api.viewsets import ScopedViewSetMixin
from branches.models import Store
from reports import selectors
from reports.filters import DEFAULT_LIMIT, MAX_LIMIT, ComparisonFilter, TrendFilter, WeaknessFilter, parse
from reports.permissions import REPORT_ERRORS, CanReadReports
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
            **REPORT_ERRORS,
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
        return Response(StoreTrendSerializer(data).data)

    @extend_schema(
        operation_id="reports_store_weaknesses",
        parameters=WEAKNESS_PARAMETERS,
        responses={
            200: StoreWeaknessesSerializer,
            404: OpenApiResponse(description="No such store in your scope."),
            **REPORT_ERRORS,
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
            **REPORT_ERRORS,
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
        # A ReportSerializer reads the dataclasses' attributes directly: 500 rows through DRF's
        # serializer fields would cost more than the rest of the request's Python.
        return Response(ComparisonSerializer(data).data)
