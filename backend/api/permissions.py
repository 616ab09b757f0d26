from rest_framework.permissions import SAFE_METHODS, BasePermission

from branches.models import Role


class IsHQAdminOrReadOnly(BasePermission):
    """Anyone signed in may read what their scope shows; only HQ admins write."""

    message = "Only HQ admins may change this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or request.user.role == Role.HQ_ADMIN


class IsHQAdmin(BasePermission):
    message = "Only HQ admins may do this."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.role == Role.HQ_ADMIN)


class IsAuditor(BasePermission):
    message = "These endpoints are for auditors."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.role == Role.AUDITOR)


class IsReviewer(BasePermission):
    """Reviewers, and HQ admins who can do everything a reviewer can."""

    message = "Only reviewers may do this."

    def has_permission(self, request, view) -> bool:
        return bool(
            request.user and request.user.is_authenticated and request.user.role in (Role.REVIEWER, Role.HQ_ADMIN)
        )
