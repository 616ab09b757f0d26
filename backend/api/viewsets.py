"""Base classes every API view derives from, so scoping cannot be forgotten."""

from rest_framework import mixins, viewsets


class ScopedViewSetMixin:
    """Start every query from what the caller may see: ``Model.objects.visible_to(user)``.

    Subclasses set ``queryset`` to a queryset whose class has ``visible_to``; objects outside
    the caller's scope are absent from lists and 404 on detail routes.
    """

    def get_queryset(self):
        base = super().get_queryset()
        return self.scope(base)

    def scope(self, queryset):
        return queryset.visible_to(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Read for the caller's scope; create and update (no delete: history is kept)."""
