"""Assignments and waves over the API."""

from collections import Counter

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from audits import selectors as audit_selectors
from audits.filters import AssignmentFilter, WaveFilter
from audits.models import Assignment, Wave
from audits.serializers.planning import (
    AssignmentSerializer,
    ReofferSerializer,
    WaveCommitOut,
    WavePlanOut,
    WaveSerializer,
    plan_summary,
)
from audits.services import assignments as assignment_services
from audits.services import waves as wave_services
from backend.api.exceptions import api_field_names
from backend.api.viewsets import ScopedModelViewSet
from branches.models import User
from branches.permissions import IsHQAdmin, IsHQAdminOrReadOnly

# Model field names that the wave API spells differently.
# The models call it "version"; the API's field is "scorecard_version".
API_FIELDS = {"version": "scorecard_version"}


class AssignmentViewSet(ScopedModelViewSet):
    """Planned visits. HQ creates them; reviewers read them; nobody on the store side sees one."""

    queryset = Assignment.objects.select_related("store", "auditor", "version", "scenario")
    serializer_class = AssignmentSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_class = AssignmentFilter
    http_method_names = ["get", "post", "head", "options"]

    # Assignments answer with what the service wrote (no re-read): the answer has always cost
    # no query beyond the write.
    def create(self, request, *args, **kwargs):
        return self.create_with(assignment_services.assignment_create, refetch=False, field_names=API_FIELDS)

    @extend_schema(request=ReofferSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsHQAdmin])
    def reoffer(self, request, pk=None):
        """Offer the same visit again (after a rejected visit or a decline), to the same or another auditor."""
        return self.run_service(
            assignment_services.assignment_reoffer,
            on="assignment",
            body=ReofferSerializer,
            refetch=False,
            status_code=status.HTTP_201_CREATED,
            field_names=API_FIELDS,
        )


@extend_schema_view(
    list=extend_schema(summary="Audit waves", description="HQ admins and reviewers see every wave; nobody else any."),
    create=extend_schema(summary="Draft a wave (HQ)"),
    update=extend_schema(summary="Change a draft wave (HQ)"),
    partial_update=extend_schema(summary="Change part of a draft wave (HQ)"),
)
class WaveViewSet(ScopedModelViewSet):
    """HQ's audit waves: which stores get how many visits, when, with which scripts.

    Preview shows the plan and why any visit cannot be filled; commit offers the planned
    visits to their auditors. Waves reveal upcoming visits, so the store side never sees them.
    """

    queryset = Wave.objects.all()
    serializer_class = WaveSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_class = WaveFilter

    def scope(self, queryset):
        return audit_selectors.wave_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        return self.create_with(wave_services.wave_create, field_names=API_FIELDS)

    def update(self, request, *args, **kwargs):
        return self.update_with(
            wave_services.wave_update,
            on="wave",
            partial=kwargs.get("partial", False),
            user=None,
            field_names=API_FIELDS,
        )

    @extend_schema(
        request=None,
        responses={200: WavePlanOut},
        summary="Preview the plan (HQ)",
        description="The assignments committing would create now, and for every visit that cannot be "
        "filled, why. Writes nothing.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsHQAdmin])
    def preview(self, request, pk=None):
        plan = wave_services.wave_preview(wave=self.get_object())
        body = {"summary": plan_summary(plan), "slots": plan.slots, "unfilled": plan.unfilled}
        return Response(WavePlanOut(body).data)

    @extend_schema(
        request=None,
        responses={
            201: WaveCommitOut,
            400: OpenApiResponse(
                description="Already committed, the version is no longer published, or nothing can be planned."
            ),
        },
        summary="Commit the plan (HQ)",
        description="Plans again with the wave's seed and offers every planned visit to its auditor.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsHQAdmin])
    def commit(self, request, pk=None):
        with api_field_names(API_FIELDS):
            assignments = wave_services.wave_commit(wave=self.get_object(), by=request.user)
        names = dict(User.objects.filter(pk__in={a.auditor_id for a in assignments}).values_list("pk", "username"))
        body = {
            "created": len(assignments),
            "assignments": [assignment.pk for assignment in assignments],
            "by_auditor": dict(sorted(Counter(names[a.auditor_id] for a in assignments).items())),
            "wave": self.get_object(),
        }
        return Response(WaveCommitOut(body).data, status=status.HTTP_201_CREATED)
