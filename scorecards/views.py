from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed

from backend.api.viewsets import ScopedModelViewSet
from branches.permissions import IsHQAdmin, IsHQAdminOrReadOnly
from scorecards import selectors, services
from scorecards.filters import ScorecardVersionFilter
from scorecards.models import ScorecardTemplate, ScorecardVersion
from scorecards.serializers import ScorecardTemplateSerializer, ScorecardVersionSerializer


class ScorecardTemplateViewSet(ScopedModelViewSet):
    """Scorecard templates with their versions. HQ creates templates (with a first draft)."""

    queryset = ScorecardTemplate.objects.all()
    serializer_class = ScorecardTemplateSerializer
    permission_classes = [IsHQAdminOrReadOnly]

    def scope(self, queryset):
        return selectors.scorecard_template_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        return self.create_with(services.scorecard_template_create)

    # Answered with the template as saved, as DRF's update always answered it (no re-read).
    def update(self, request, *args, **kwargs):
        return self.update_with(
            services.scorecard_template_update,
            on="template",
            partial=kwargs.get("partial", False),
            user=None,
            refetch=False,
        )

    @extend_schema(request=None, responses={201: ScorecardVersionSerializer})
    @action(detail=True, methods=["post"], url_path="new-draft", permission_classes=[IsHQAdmin])
    def new_draft(self, request, pk=None):
        """Start a new draft from the newest version: the way to change a published standard."""
        return self.run_service(
            services.scorecard_version_create_draft,
            on="template",
            refetch=selectors.scorecard_version_list(user=request.user),
            output=ScorecardVersionSerializer,
            status_code=status.HTTP_201_CREATED,
        )


class ScorecardVersionViewSet(ScopedModelViewSet):
    """Whole versions. Others see published standards; HQ edits drafts (``PUT``) and publishes."""

    queryset = ScorecardVersion.objects.all()
    serializer_class = ScorecardVersionSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_class = ScorecardVersionFilter
    http_method_names = ["get", "put", "post", "head", "options"]

    def scope(self, queryset):
        return selectors.scorecard_version_list(user=self.request.user)

    # Not an operation of the contract: versions are made with the template or with new-draft, and
    # a POST here only says so (405).
    @extend_schema(exclude=True)
    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed(
            request.method, detail="Create a template, or a new draft with POST /api/scorecards/{id}/new-draft/."
        )

    def update(self, request, *args, **kwargs):
        return self.update_with(
            services.scorecard_version_replace_content,
            on="version",
            user=None,
            arguments=lambda data: {
                "sections": data["sections"],
                "critical_cap": data.get("critical_cap"),
                "changelog": data.get("changelog"),
            },
        )

    @extend_schema(request=None, responses={200: ScorecardVersionSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsHQAdmin])
    def publish(self, request, pk=None):
        """Validate the whole draft and publish it; the refusal lists every problem."""
        return self.run_service(services.scorecard_version_publish, on="version")
