from collections import Counter
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.api.permissions import IsHQAdmin, IsHQAdminOrReadOnly
from backend.api.viewsets import ScopedModelViewSet
from branches import selectors, services
from branches.filters import AssignmentFilter, StoreFilter, WaveFilter
from branches.models import Assignment, Region, Store, User, Wave
from branches.serializers import (
    AssignmentSerializer,
    RegionSerializer,
    ReofferSerializer,
    StoreSerializer,
    WaveCommitOut,
    WavePlanOut,
    WaveSerializer,
    plan_summary,
)


class RegionViewSet(ScopedModelViewSet):
    """The brand's region tree. Regional managers see their regions and everything below."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_fields = ["code", "depth"]

    def scope(self, queryset):
        return selectors.region_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        region = services.region_create(**serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=region.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        region = self.get_object()
        serializer = self.get_serializer(region, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = services.region_update(
            region=region,
            code=data.get("code"),
            name=data.get("name"),
            parent=data.get("parent"),
            move="parent" in data,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=region.pk)).data)


class StoreViewSet(ScopedModelViewSet):
    """Stores the caller may see; filter by region (with its subtree), city or code."""

    queryset = Store.objects.all()
    serializer_class = StoreSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_class = StoreFilter

    def scope(self, queryset):
        return selectors.store_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        store = services.store_create(**serializer.validated_data)
        return Response(self.get_serializer(store).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        store = self.get_object()
        serializer = self.get_serializer(store, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        store = services.store_update(store=store, **serializer.validated_data)
        return Response(self.get_serializer(store).data)


class AssignmentViewSet(ScopedModelViewSet):
    """Planned visits. HQ creates them; reviewers read them; nobody on the store side sees one."""

    queryset = Assignment.objects.select_related("store", "auditor", "version", "scenario")
    serializer_class = AssignmentSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_class = AssignmentFilter
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _api_field_names(API_FIELDS):
            assignment = services.assignment_create(**serializer.validated_data, by=request.user)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReofferSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsHQAdmin])
    def reoffer(self, request, pk=None):
        """Offer the same visit again (after a rejected visit or a decline), to the same or another auditor."""
        original = self.get_object()
        body = ReofferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with _api_field_names(API_FIELDS):
            assignment = services.assignment_reoffer(assignment=original, by=request.user, **body.validated_data)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)


# Model field names that the wave API spells differently.
# The models call it "version"; the API's field is "scorecard_version".
API_FIELDS = {"version": "scorecard_version"}


@contextmanager
def _api_field_names(renames: dict[str, str]):
    """Errors from the model name its fields; the 400 must name the fields the client sent."""
    try:
        yield
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError(
            {renames.get(field, field): errors for field, errors in error.error_dict.items()}
        ) from None


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
        return selectors.wave_list(user=self.request.user)

    def _output(self, wave: Wave) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=wave.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with _api_field_names(API_FIELDS):
            wave = services.wave_create(**serializer.validated_data, by=request.user)
        return Response(self._output(wave), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        wave = self.get_object()
        serializer = self.get_serializer(wave, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        with _api_field_names(API_FIELDS):
            wave = services.wave_update(wave=wave, **serializer.validated_data)
        return Response(self._output(wave))

    @extend_schema(
        request=None,
        responses={200: WavePlanOut},
        summary="Preview the plan (HQ)",
        description="The assignments committing would create now, and for every visit that cannot be "
        "filled, why. Writes nothing.",
    )
    @action(detail=True, methods=["post"], permission_classes=[IsHQAdmin])
    def preview(self, request, pk=None):
        plan = services.wave_preview(wave=self.get_object())
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
        with _api_field_names(API_FIELDS):
            assignments = services.wave_commit(wave=self.get_object(), by=request.user)
        names = dict(User.objects.filter(pk__in={a.auditor_id for a in assignments}).values_list("pk", "username"))
        body = {
            "created": len(assignments),
            "assignments": [assignment.pk for assignment in assignments],
            "by_auditor": dict(sorted(Counter(names[a.auditor_id] for a in assignments).items())),
            "wave": self.get_object(),
        }
        return Response(WaveCommitOut(body).data, status=status.HTTP_201_CREATED)
