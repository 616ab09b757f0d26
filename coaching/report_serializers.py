"""Input and output of the coaching report job endpoints."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from coaching.models import CoachingReport, ReportStatus
from reports.selectors import PERIOD_EARLIEST, PERIOD_LATEST, validate_period_date


# The request body of POST /api/reports/coaching/: "CoachingReportRequest" in the schema (a request
# body's component gets "Request" appended; the class's own name would make it "…RequestRequest").
@extend_schema_serializer(component_name="CoachingReport")
class CoachingReportRequestSerializer(serializers.Serializer):
    store = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9-]*$", max_length=32, help_text="The store's code.")
    start = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validate_period_date],
        help_text="Default: the first day of the month two months before the end's (the last 3 calendar months). "
        f"Between {PERIOD_EARLIEST} and {PERIOD_LATEST}.",
    )
    end = serializers.DateField(
        required=False,
        allow_null=True,
        validators=[validate_period_date],
        help_text=f"Default: today. Between {PERIOD_EARLIEST} and {PERIOD_LATEST}.",
    )
    language = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="The report's language. Default: the request's language.",
    )


class CoachingReportSerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code")
    store_name = serializers.CharField(source="store.name")
    pdf_url = serializers.SerializerMethodField()
    filename = serializers.SerializerMethodField()

    class Meta:
        model = CoachingReport
        fields = [
            "id",
            "status",
            "reason",
            "store",
            "store_name",
            "start",
            "end",
            "language",
            "pages",
            "byte_size",
            "filename",
            "pdf_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_pdf_url(self, report: CoachingReport) -> str | None:
        if report.status != ReportStatus.DONE:
            return None
        return reverse("report-coaching-pdf", kwargs={"pk": report.pk})

    def get_filename(self, report: CoachingReport) -> str:
        return report.filename
