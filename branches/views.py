from rest_framework import status
from rest_framework.response import Response

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
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        region = services.region_create(**serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=region.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        region = self.get_object()
        serializer = self.get_serializer(region, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        region = services.region_update(
            region=region,
            code=data.get("code"),
            name=data.get("name"),
            parent=data.get("parent"),
            move="parent" in data,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=region.pk)).data)


class StoreViewSet(ScopedModelViewSet):
    """Stores the caller may see; filter by region (with its subtree), city or code."""

    queryset = Store.objects.all()
    serializer_class = StoreSerializer
    permission_classes = [IsHQAdminOrReadOnly]
    filterset_class = StoreFilter

    def scope(self, queryset):
        return selectors.store_list(user=self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        store = services.store_create(**serializer.validated_data)
        return Response(self.get_serializer(store).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        store = self.get_object()
        serializer = self.get_serializer(store, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        store = services.store_update(store=store, **serializer.validated_data)
        return Response(self.get_serializer(store).data)
