from rest_framework.permissions import BasePermission

from branches.models import Role

# Auditors must never see store results; everyone else sees reports within their scope.
REPORT_ROLES = frozenset({Role.HQ_ADMIN, Role.REVIEWER, Role.REGIONAL_MANAGER, Role.STORE_MANAGER})


class CanReadReports(BasePermission):
    """Signed-in HQ, reviewers, regional and store managers; auditors get 403, anonymous 401."""

    message = "Reports are for HQ, reviewers and store-side managers."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role in REPORT_ROLES)
