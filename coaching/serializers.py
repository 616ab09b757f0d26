"""Explicit input and output shapes of the action-plan API.

Nothing here names an auditor or a planned visit: every shape but ``FollowUpIn`` is read by
the store side.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.idempotency import KEY_HELP
from branches.dayparts import Daypart
from branches.models import Role, Store, User
from coaching import scoping
from coaching.models import ACTION_MAX_LENGTH, ActionItem
from scorecards.models import ScorecardVersion, VersionStatus


class ActionItemOut(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code", help_text="Store code.")
    store_name = serializers.CharField(source="store.name")
    overdue = serializers.BooleanField(source="is_overdue", help_text="Open and past its due date.")
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "store",
            "store_name",
            "item_key",
            "standard",
            "action",
            "owner",
            "due_on",
            "status",
            "overdue",
            "done_at",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.STR)
class VisibleStoreField(serializers.SlugRelatedField):
    """A store code among the stores whose action plans the caller may see.

    Another store's code is "does not exist", exactly like a code that exists nowhere, so
    codes cannot be probed.
    """

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        return Store.objects.filter(scoping.action_item_q(user, prefix=""))


class ActionItemCreateIn(serializers.Serializer):
    store = VisibleStoreField(help_text="Store code, e.g. SH-BUND.")
    item_key = serializers.CharField(
        max_length=64, help_text="Key of the scorecard item (standard), as in the store's weaknesses report."
    )
    action = serializers.CharField(max_length=ACTION_MAX_LENGTH, help_text="What will be done.")
    owner = serializers.CharField(max_length=120, help_text="The staff member responsible (a name).")
    due_on = serializers.DateField(help_text="YYYY-MM-DD, today or later.")
    client_key = serializers.UUIDField(required=False, allow_null=True, help_text=KEY_HELP.format(thing="action"))


class ActionItemUpdateIn(serializers.Serializer):
    """Only the wording, the owner and the due date change; status moves through complete/reopen."""

    action = serializers.CharField(max_length=ACTION_MAX_LENGTH, required=False)
    owner = serializers.CharField(max_length=120, required=False)
    due_on = serializers.DateField(required=False)

    def validate(self, attrs):
        # A silently ignored field would look like a change that happened: say it cannot.
        fixed = sorted(set(self.initial_data) - set(self.fields))
        if fixed:
            raise serializers.ValidationError(
                {
                    name: ["Cannot be changed here; use complete or reopen for the status."]
                    if name == "status"
                    else ["Cannot be changed; record a new action instead."]
                    for name in fixed
                }
            )
        return attrs


class ActionOverviewOut(serializers.Serializer):
    code = serializers.CharField(help_text="Store code.")
    name = serializers.CharField()
    region_code = serializers.CharField()
    region_name = serializers.CharField()
    open = serializers.IntegerField(help_text="Open actions, overdue ones included.")
    overdue = serializers.IntegerField(help_text="Open actions past their due date.")
    next_due_on = serializers.DateField(allow_null=True, help_text="Earliest due date of an open action not overdue.")
    oldest_overdue_on = serializers.DateField(allow_null=True, help_text="Earliest due date of an overdue action.")


class OverviewQuery(serializers.Serializer):
    overdue = serializers.BooleanField(required=False, default=False, help_text="Only stores with overdue actions.")


class FollowUpIn(serializers.Serializer):
    store = serializers.SlugRelatedField(slug_field="code", queryset=Store.objects.all(), help_text="Store code.")
    window_start = serializers.DateField()
    window_end = serializers.DateField(help_text="Inclusive; in the same calendar month as the start.")
    daypart = serializers.ChoiceField(choices=Daypart.choices)
    auditor = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(role=Role.AUDITOR),
        required=False,
        allow_null=True,
        help_text="The auditor's username; omit to let the wave planner's rules choose.",
    )
    scorecard_version = serializers.PrimaryKeyRelatedField(
        source="version",
        queryset=ScorecardVersion.objects.filter(status=VersionStatus.PUBLISHED),
        required=False,
        allow_null=True,
        help_text="Default: the published version of the scorecard the store was last audited on.",
    )
    notes = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="For the auditor. Do not copy the action plan here: auditors never see store results.",
    )
