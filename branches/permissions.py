"""The API's role gates as DRF permission classes, each answering through ``branches.policy``.

They decide from the role alone, before any object is loaded; which objects the caller then
reaches is ``visible_to()``'s business, and the services check the object-level rules again.
A refusal is 401 for anonymous callers and 403 with ``message`` for everyone else (DRF).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from branches import policy


class IsHQAdminOrReadOnly(BasePermission):
    """Anyone signed in may read what their scope shows; only HQ admins write."""

    message = "Only HQ admins may change this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or policy.may_administer(request.user)


class IsHQAdmin(BasePermission):
    message = "Only HQ admins may do this."

    def has_permission(self, request, view) -> bool:
        return policy.may_administer(request.user)


class IsAuditor(BasePermission):
    message = "These endpoints are for auditors."

    def has_permission(self, request, view) -> bool:
        return policy.may_audit(request.user)


class IsReviewer(BasePermission):
    """Reviewers, and HQ admins who can do everything a reviewer can."""

    message = "Only reviewers may do this."

    def has_permission(self, request, view) -> bool:
        return policy.may_review(request.user)
