"""Assignments and waves as the API shows them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import Assignment, Wave
from backend.api.schema import MONTH
from branches.models import Region, Role, Store, User
from scorecards.models import ComplaintScenario, ScorecardVersion, VersionStatus

DAYPART_CHOICES = Assignment._meta.get_field("daypart").choices


class AssignmentSerializer(serializers.ModelSerializer):
    """HQ's view of a planned visit, including who will make it."""

    store = serializers.SlugRelatedField(slug_field="code", queryset=Store.objects.all())
    auditor = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(role=Role.AUDITOR), help_text="The auditor's username."
    )
    scorecard_version = serializers.PrimaryKeyRelatedField(
        source="version", queryset=ScorecardVersion.objects.filter(status=VersionStatus.PUBLISHED)
    )
    scenario = serializers.SlugRelatedField(
        slug_field="code", queryset=ComplaintScenario.objects.filter(active=True), required=False, allow_null=True
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "store",
            "auditor",
            "scorecard_version",
            "window_start",
            "window_end",
            "daypart",
            "scenario",
            "notes",
            "status",
            "decline_reason",
            "created_at",
            "responded_at",
        ]
        read_only_fields = ["status", "decline_reason", "created_at", "responded_at"]


class WaveSerializer(serializers.ModelSerializer):
    """HQ's plan for a round of visits. Stores, regions and scenarios are given by their codes."""

    scorecard_version = serializers.PrimaryKeyRelatedField(
        source="version", queryset=ScorecardVersion.objects.all(), help_text="A published scorecard version."
    )
    scorecard = serializers.CharField(source="version.template.name", read_only=True)
    stores = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Store.objects.all(), required=False, help_text="Store codes."
    )
    regions = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Region.objects.all(),
        required=False,
        help_text="Region codes; every active store in them and below them is planned.",
    )
    scenarios = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=ComplaintScenario.objects.all(),
        required=False,
        help_text="Complaint scenario codes, rotated per store.",
    )
    daypart_quotas = serializers.DictField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text='Visits per store per month by daypart, e.g. {"lunch": 2, "dinner": 1, "breakfast": 1}; '
        "they add up to visits_per_store_per_month. Empty spreads visits over lunch and dinner.",
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    committed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text="Null until committed."
    )

    class Meta:
        model = Wave
        fields = [
            "id",
            "name",
            "scorecard_version",
            "scorecard",
            "stores",
            "regions",
            "start_date",
            "end_date",
            "visits_per_store_per_month",
            "daypart_quotas",
            "scenarios",
            "complaint_visits_per_store_per_month",
            "rotation_lockout_days",
            "seed",
            "status",
            "created_by",
            "created_at",
            "committed_by",
            "committed_at",
        ]
        read_only_fields = ["status", "created_at", "committed_at"]


class WaveSlotOut(serializers.Serializer):
    store = serializers.CharField(source="store_code", help_text="Store code.")
    auditor = serializers.CharField(source="auditor_name", help_text="The auditor's username.")
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    daypart = serializers.ChoiceField(choices=DAYPART_CHOICES)
    scenario = serializers.CharField(source="scenario_code", allow_null=True, help_text="Complaint scenario code.")


@extend_schema_field(MONTH)
class MonthField(serializers.DateField):
    """A date's calendar month, as "YYYY-MM"."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


UNFILLED_REASONS = [
    "no_certified_auditor",
    "conflict_of_interest",
    "rotation_lockout",
    "monthly_capacity",
    "capacity_and_lockout",
    "unavailable",
]


class WaveUnfilledOut(serializers.Serializer):
    store = serializers.CharField(source="store_code", help_text="Store code.")
    month = MonthField(help_text="YYYY-MM")
    window_start = serializers.DateField()
    window_end = serializers.DateField()
    daypart = serializers.ChoiceField(choices=DAYPART_CHOICES)
    reason_code = serializers.ChoiceField(choices=UNFILLED_REASONS, help_text="Why, as a code.")
    reason = serializers.CharField(help_text="Why no auditor could take this visit, with counts.")


class WaveSummaryOut(serializers.Serializer):
    slots = serializers.IntegerField(help_text="Visits the wave asks for.")
    filled = serializers.IntegerField()
    unfilled = serializers.IntegerField()
    by_auditor = serializers.DictField(child=serializers.IntegerField(), help_text="Visits per auditor username.")


class WavePlanOut(serializers.Serializer):
    summary = WaveSummaryOut()
    slots = WaveSlotOut(many=True)
    unfilled = WaveUnfilledOut(many=True)


class WaveCommitOut(serializers.Serializer):
    created = serializers.IntegerField(help_text="Assignments offered to auditors.")
    assignments = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the new assignments.")
    by_auditor = serializers.DictField(child=serializers.IntegerField(), help_text="New assignments per auditor.")
    wave = WaveSerializer()


def plan_summary(plan) -> dict:
    return {
        "slots": plan.total,
        "filled": len(plan.slots),
        "unfilled": len(plan.unfilled),
        "by_auditor": plan.by_auditor(),
    }


class ReofferSerializer(serializers.Serializer):
    """What may change when a visit is offered again; anything left out stays as it was."""

    auditor = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(role=Role.AUDITOR), required=False
    )
    window_start = serializers.DateField(required=False)
    window_end = serializers.DateField(required=False)
