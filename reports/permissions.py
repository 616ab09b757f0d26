from rest_framework.permissions import BasePermission

from reports.models.jobs import REPORT_ROLES


class CanReadReports(BasePermission):
    """Signed-in HQ, reviewers, regional and store managers; auditors get 403, anonymous 401."""

    message = "Reports are for HQ, reviewers and store-side managers."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role in REPORT_ROLES)
