"""Visits over the API (read-only; auditors submit through the auditor API)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from audits import selectors as audit_selectors
from audits.filters import VisitFilter
from audits.models import Visit
from audits.serializers.visits import (
    AuditSideVisitDetailSerializer,
    AuditSideVisitSerializer,
    StoreFacingVisitDetailSerializer,
    StoreFacingVisitSerializer,
)
from backend.api.schema import ShapeByCaller
from backend.api.viewsets import ScopedReadOnlyViewSet

# One address, two shapes: the audit side (HQ, reviewers) also sees who visited and the flags;
# the store side never does.
VISIT_FOR_CALLER = ShapeByCaller("VisitForCaller", [AuditSideVisitSerializer, StoreFacingVisitSerializer], many=True)
VISIT_DETAIL_FOR_CALLER = ShapeByCaller(
    "VisitDetailForCaller", [AuditSideVisitDetailSerializer, StoreFacingVisitDetailSerializer]
)


@extend_schema_view(
    list=extend_schema(responses=VISIT_FOR_CALLER),
    retrieve=extend_schema(
        responses=VISIT_DETAIL_FOR_CALLER,
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The visit's reference (`V-…`). The audit side may also use the visit's numeric id; "
                "the store side knows visits by reference only.",
            )
        ],
    ),
)
class VisitViewSet(ScopedReadOnlyViewSet):
    """Visits the caller may see. Store and regional managers: released visits, no auditor."""

    queryset = Visit.objects.all()
    filterset_class = VisitFilter
    lookup_value_regex = r"[0-9]+|V-[0-9A-Za-z]+"

    def get_object(self):
        """A visit by its opaque reference; by numeric id for the audit side only (404 for the store side)."""
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if value.isdigit():
            if self._store_side():
                raise Http404
            self.kwargs = {**self.kwargs, self.lookup_field: value}
            return super().get_object()
        queryset = self.filter_queryset(self.get_queryset())
        visit = queryset.filter(reference=value).first()
        if visit is None:
            raise Http404
        self.check_object_permissions(self.request, visit)
        return visit

    def _store_side(self) -> bool:
        user = self.request.user
        return not user.is_authenticated or user.is_store_side

    def scope(self, queryset):
        if self.action == "retrieve":
            return audit_selectors.visit_detail_queryset(user=self.request.user)
        return audit_selectors.visit_list(user=self.request.user)

    def get_serializer_class(self):
        audit_side = not self._store_side()
        if self.action == "retrieve":
            return AuditSideVisitDetailSerializer if audit_side else StoreFacingVisitDetailSerializer
        return AuditSideVisitSerializer if audit_side else StoreFacingVisitSerializer
