from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import BasePermission

from branches import policy


class CanReadReports(BasePermission):
    """Signed-in HQ, reviewers, regional and store managers; auditors get 403, anonymous 401.

    The rule is ``branches.policy.may_read_reports``, the one the dashboard's pages ask too.
    """

    message = "Reports are for HQ, reviewers and store-side managers."

    def has_permission(self, request, view) -> bool:
        return policy.may_read_reports(request.user)


# The errors every report endpoint may answer, for the OpenAPI schema.
REPORT_ERRORS = {
    400: OpenApiResponse(description="A bad query parameter; the body names it."),
    401: OpenApiResponse(description="Not signed in."),
    403: OpenApiResponse(description="Auditors never see store results."),
}
