"""The action-plan API: thin views over ``coaching.services`` and ``coaching.selectors``.

- ``/api/action-items/``: list (filters store, status, overdue), create, retrieve, ``PATCH``,
  ``POST …/complete/``, ``POST …/reopen/``, ``GET …/overview/`` (per store counts).
  Read: HQ, reviewers, regional and store managers within their scope; write: a store's own
  managers and HQ. Auditors get 403: an action plan is the store's results. Someone else's
  action is 404.
- ``POST /api/follow-ups/``: HQ plans a visit for a store with overdue actions. Its answer is an
  assignment, which the store side can never read.

"Today" is the local date of the project's time zone (``TIME_ZONE``).
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from audits.serializers.planning import AssignmentSerializer
from audits.views.planning import API_FIELDS
from backend import clock
from backend.api.viewsets import ScopedModelViewSet, ServiceViewSetMixin
from branches import policy
from branches.permissions import IsHQAdmin
from coaching import selectors, services
from coaching.filters import ActionItemFilter
from coaching.models import ActionItem
from coaching.serializers import (
    ActionItemCreateIn,
    ActionItemOut,
    ActionItemUpdateIn,
    ActionOverviewOut,
    FollowUpIn,
    OverviewQuery,
)


class ActionPlanPermission(BasePermission):
    """The store side and HQ read; store managers (their own stores, by scope) and HQ write.

    An action plan names the store's weak standards, so its readers are the results' readers.
    Writing is decided for the role here; the services decide it for the store (its own
    managers, never a competitor store) through the same rule.
    """

    message = (
        "Action plans are read by HQ, reviewers and store-side managers, and written by the store's managers and HQ."
    )

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return policy.may_read_reports(request.user)
        return policy.may_write_action_plan(request.user)


NOT_YOURS = OpenApiResponse(description="No such action in your scope.")
FORBIDDEN = OpenApiResponse(description="Your role may not do this.")


@extend_schema_view(
    list=extend_schema(summary="Action items of the stores the caller may see"),
    retrieve=extend_schema(summary="One action item", responses={200: ActionItemOut, 404: NOT_YOURS}),
)
class ActionItemViewSet(ScopedModelViewSet):
    """A store's commitments on the standards it misses, and their progress."""

    queryset = ActionItem.objects.all()
    serializer_class = ActionItemOut
    permission_classes = [ActionPlanPermission]
    filterset_class = ActionItemFilter
    # No PUT (a partial change is all there is) and no DELETE (a plan's history is kept).
    http_method_names = ["get", "post", "patch", "head", "options"]

    def scope(self, queryset):
        return selectors.action_items(user=self.request.user, today=clock.today())

    @extend_schema(
        request=ActionItemCreateIn,
        responses={
            201: ActionItemOut,
            200: OpenApiResponse(
                ActionItemOut, description="A retry (same `client_key`, same body): the first result."
            ),
            400: OpenApiResponse(description="The body names each bad field."),
            403: FORBIDDEN,
            409: OpenApiResponse(description="This `client_key` was already used with a different body."),
        },
        summary="Commit the store to an action on one standard (idempotent by client_key)",
    )
    def create(self, request, *args, **kwargs):
        return self.run_service(
            services.action_item_create, body=ActionItemCreateIn, status_code=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=ActionItemUpdateIn,
        responses={
            200: ActionItemOut,
            400: OpenApiResponse(description="The body names each bad field."),
            403: FORBIDDEN,
            404: NOT_YOURS,
        },
        summary="Reword an open action, change its owner or due date",
    )
    def partial_update(self, request, *args, **kwargs):
        return self.run_service(services.action_item_update, on="item", body=ActionItemUpdateIn, partial=True)

    @extend_schema(
        request=None, responses={200: ActionItemOut, 403: FORBIDDEN, 404: NOT_YOURS}, summary="Mark an action done"
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self.run_service(services.action_item_complete, on="item")

    @extend_schema(
        request=None,
        responses={200: ActionItemOut, 403: FORBIDDEN, 404: NOT_YOURS},
        summary="Reopen an action that was marked done",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self.run_service(services.action_item_reopen, on="item")

    @extend_schema(
        parameters=[OpenApiParameter("overdue", bool, description="Only stores with overdue actions.")],
        responses={200: ActionOverviewOut(many=True), 403: FORBIDDEN},
        summary="Per store: open and overdue actions, next due date",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def overview(self, request):
        """Every store the caller may see, most overdue first; stores without actions too."""
        query = OverviewQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        read = selectors.stores_with_overdue_actions if query.validated_data["overdue"] else selectors.action_overview
        rows = read(user=request.user, today=clock.today())
        return Response(ActionOverviewOut(rows, many=True).data)


class FollowUpViewSet(ServiceViewSetMixin, viewsets.GenericViewSet):
    """HQ plans a visit to a store whose actions are overdue: an offered assignment."""

    permission_classes = [IsHQAdmin]
    serializer_class = FollowUpIn

    @extend_schema(
        request=FollowUpIn,
        responses={
            201: AssignmentSerializer,
            400: OpenApiResponse(
                description="A bad field, no overdue action, a visit already planned in the window, or no "
                "eligible auditor (the body says why)."
            ),
            403: FORBIDDEN,
        },
        summary="Plan a follow-up visit for a store with overdue actions (HQ)",
    )
    def create(self, request, *args, **kwargs):
        # The answer is the assignment as written: HQ's, outside this view's (absent) queryset.
        return self.run_service(
            services.followup_visit_plan,
            body=FollowUpIn,
            refetch=False,
            output=AssignmentSerializer,
            status_code=status.HTTP_201_CREATED,
            # Errors of the assignment name the model's "version"; the client sent "scorecard_version".
            field_names=API_FIELDS,
        )
