"""Visits over the API (read-only; auditors submit through the auditor API)."""

from drf_spectacular.utils import extend_schema, extend_schema_view

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
    retrieve=extend_schema(responses=VISIT_DETAIL_FOR_CALLER),
)
class VisitViewSet(ScopedReadOnlyViewSet):
    """Visits the caller may see. Store and regional managers: released visits, no auditor."""

    queryset = Visit.objects.all()
    filterset_class = VisitFilter

    def scope(self, queryset):
        if self.action == "retrieve":
            return audit_selectors.visit_detail_queryset(user=self.request.user)
        return audit_selectors.visit_list(user=self.request.user)

    def get_serializer_class(self):
        user = self.request.user
        audit_side = user.is_authenticated and not user.is_store_side
        if self.action == "retrieve":
            return AuditSideVisitDetailSerializer if audit_side else StoreFacingVisitDetailSerializer
        return AuditSideVisitSerializer if audit_side else StoreFacingVisitSerializer
