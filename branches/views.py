from rest_framework import status

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
        return self.run_service(
            services.region_create, body=self.get_serializer_class(), user=None, status_code=status.HTTP_201_CREATED
        )

    def update(self, request, *args, **kwargs):
        return self.run_service(
            services.region_update,
            on="region",
            body=self.get_serializer_class(),
            bind=True,
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
        return self.run_service(
            services.store_create,
            body=self.get_serializer_class(),
            user=None,
            refetch=False,
            status_code=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        return self.run_service(
            services.store_update,
            on="store",
            body=self.get_serializer_class(),
            bind=True,
            partial=kwargs.get("partial", False),
            user=None,
            refetch=False,
        )
