from backend.api.viewsets import ScopedModelViewSet
from branches import selectors, services
from branches.filters import StoreFilter
from branches.models import Region, Store
from branches.permissions import IsHQAdminOrReadOnly
from branches.serializers import RegionSerializer, StoreSerializer


class RegionViewSet(ScopedModelViewSet):
    """The brand's region tree. Regional managers see their regions and everything below."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_fields = ["code", "depth"]

    def scope(self, queryset):
        return selectors.region_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        return self.create_with(services.region_create, user=None)

    def update(self, request, *args, **kwargs):
        return self.update_with(
            services.region_update,
            on="region",
            partial=kwargs.get("partial", False),
            user=None,
            arguments=lambda data: {
                "code": data.get("code"),
                "name": data.get("name"),
                "parent": data.get("parent"),
                "move": "parent" in data,
            },
        )


class StoreViewSet(ScopedModelViewSet):
    """Stores the caller may see; filter by region (with its subtree), city or code."""

    queryset = Store.objects.all()
    serializer_class = StoreSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_class = StoreFilter

    def scope(self, queryset):
        return selectors.store_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        # Stores answer with what the service wrote (no re-read), as they always have.
        return self.create_with(services.store_create, user=None, refetch=False)

    def update(self, request, *args, **kwargs):
        return self.update_with(
            services.store_update, on="store", partial=kwargs.get("partial", False), user=None, refetch=False
        )
