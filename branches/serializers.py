from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from branches.models import Region, Store

OPENING_HOURS_SCHEMA = {
    "type": "object",
    "description": 'Opening intervals by day (mon ... sun), e.g. {"mon": [["07:00", "23:00"]]}; '
    "a missing day is closed.",
    "additionalProperties": {
        "type": "array",
        "items": {
            "type": "array",
            "items": {"type": "string", "pattern": r"^\d{2}:\d{2}$"},
            "minItems": 2,
            "maxItems": 2,
        },
    },
}


@extend_schema_field(OPENING_HOURS_SCHEMA)
class OpeningHoursField(serializers.JSONField):
    """A store's opening hours: day -> [[open, close], ...]."""


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text="Code of the parent region; omit or null for a top-level node.",
    )
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "parent", "depth"]
        # Uniqueness is checked by the service's full_clean so the message is the model's.
        extra_kwargs = {"code": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["parent"] = getattr(instance, "parent_code", None)
        return data


class StoreSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    region_name = serializers.CharField(source="region.name", read_only=True)
    opening_hours = OpeningHoursField(required=False)

    class Meta:
        model = Store
        fields = [
            "id",
            "code",
            "name",
            "region",
            "region_name",
            "address",
            "city",
            "latitude",
            "longitude",
            "timezone",
            "opening_hours",
            "active",
            "is_competitor",
            "competitor_brand",
        ]
        extra_kwargs = {"code": {"validators": []}}


# --- Audit waves ------------------------------------------------------------------------------
