"""Coaching reports over the API: request one, follow the job, download the PDF."""

from django.conf import settings
from django.http import FileResponse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from backend import clock
from backend.api.problems import ProblemError
from backend.api.viewsets import ScopedViewSetMixin, ServiceViewSetMixin
from branches.models import Store
from coaching import services
from coaching.models import CoachingReport, ReportStatus
from coaching.report_serializers import CoachingReportRequestSerializer, CoachingReportSerializer
from reports.permissions import REPORT_ERRORS, CanReadReports


def _request_report(*, code: str, **options) -> tuple[CoachingReport, bool]:
    try:
        return services.coaching_report_request(code=code, **options)
    except Store.DoesNotExist:
        raise NotFound({"store": [f"No store {code} in your scope."]}) from None


def _finished(report: CoachingReport) -> CoachingReport:
    report.refresh_from_db()  # an inline run has finished by now
    return report


class CoachingReportViewSet(ScopedViewSetMixin, ServiceViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
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
            **REPORT_ERRORS,
        },
    )
    def create(self, request, *args, **kwargs):
        return self.run_service(
            _request_report,
            body=CoachingReportRequestSerializer,
            user="user",
            arguments=lambda data: {
                "code": data["store"],
                "start": data.get("start"),
                "end": data.get("end"),
                "language": data.get("language") or translation.get_language() or settings.LANGUAGE_CODE,
                "today": clock.today(),
            },
            result=lambda returned, _target: returned[0],
            refetch=_finished,
            output=CoachingReportSerializer,
            status_code=lambda returned: 202 if returned[1] else 200,
        )

    @extend_schema(operation_id="reports_coaching_retrieve", responses={200: CoachingReportSerializer, **REPORT_ERRORS})
    def retrieve(self, request, *args, **kwargs):
        return Response(CoachingReportSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="reports_coaching_pdf",
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
            409: OpenApiResponse(
                description="Not finished (queued, running) or failed; the problem's `report_status` says which."
            ),
            **REPORT_ERRORS,
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, *args, **kwargs):
        report = self.get_object()
        if report.status != ReportStatus.DONE:
            detail = report.reason if report.status == ReportStatus.FAILED else f"The report is {report.status}."
            raise ProblemError("conflict", detail, report_status=report.status)
        return FileResponse(
            report.pdf.open("rb"), as_attachment=True, filename=report.filename, content_type="application/pdf"
        )
