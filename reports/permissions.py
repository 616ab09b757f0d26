from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import BasePermission

from branches.models import Role

# Everyone who reads results: the audit side and the store side, never auditors.
REPORT_ROLES = frozenset({Role.HQ_ADMIN, Role.REVIEWER, Role.REGIONAL_MANAGER, Role.STORE_MANAGER})


class CanReadReports(BasePermission):
    """Signed-in HQ, reviewers, regional and store managers; auditors get 403, anonymous 401."""

    message = "Reports are for HQ, reviewers and store-side managers."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role in REPORT_ROLES)


# The errors every report endpoint may answer, for the OpenAPI schema.
REPORT_ERRORS = {
    400: OpenApiResponse(description="A bad query parameter; the body names it."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Auditors never see store results."),
}
