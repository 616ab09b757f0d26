from rest_framework import serializers

from scorecards.models import Item, ItemOption, NumericBand, ScorecardTemplate, ScorecardVersion, Section

# --- Scorecards ---------------------------------------------------------------------------


class ItemOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ItemOption
        fields = ["key", "label", "points"]


class NumericBandSerializer(serializers.ModelSerializer):
    class Meta:
        model = NumericBand
        fields = ["lower", "upper", "points", "label"]


class ItemSerializer(serializers.ModelSerializer):
    options = ItemOptionSerializer(many=True, required=False)
    bands = NumericBandSerializer(many=True, required=False)

    class Meta:
        model = Item
        fields = [
            "key",
            "prompt",
            "guidance",
            "coaching_tip",
            "type",
            "max_points",
            "unit",
            "na_allowed",
            "photo_required",
            "critical",
            "options",
            "bands",
        ]


class SectionSerializer(serializers.ModelSerializer):
    items = ItemSerializer(many=True)

    class Meta:
        model = Section
        fields = ["key", "title", "weight", "items"]


class ScorecardVersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = ScorecardVersion
        fields = ["id", "number", "status", "published_at"]


class ScorecardVersionSerializer(serializers.ModelSerializer):
    """A whole version with its content. HQ replaces a draft's content with ``PUT``."""

    template = serializers.PrimaryKeyRelatedField(read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    sections = SectionSerializer(many=True)

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "template",
            "template_name",
            "number",
            "status",
            "critical_cap",
            "changelog",
            "published_at",
            "sections",
        ]
        read_only_fields = ["number", "status", "published_at"]


class ScorecardTemplateSerializer(serializers.ModelSerializer):
    versions = ScorecardVersionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = ScorecardTemplate
        fields = ["id", "code", "name", "description", "versions"]
        extra_kwargs = {"code": {"validators": []}}


# --- Visits -------------------------------------------------------------------------------
