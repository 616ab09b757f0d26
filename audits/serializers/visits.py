"""Visits as the store side and the audit side see them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import Answer, AnswerAmendment, Visit, VisitFlag, VisitSectionScore
from backend.api.schema import nullable_union

# An answer as given: yes_no true/false, scale 1-5, numeric a number, choice an option value, text a
# string; null when not applicable (or not answered).
ANSWER_VALUE = {
    **nullable_union("boolean", "number", "string"),
    "description": "yes_no: true/false; scale: 1-5; numeric: a number; choice: an option value; text: a string; "
    "null when not applicable.",
}


@extend_schema_field(ANSWER_VALUE)
class AnswerValueField(serializers.JSONField):
    """An answer's value as sent out (see ``ANSWER_VALUE``)."""


class AnswerSnapshotSerializer(serializers.Serializer):
    """An answer as it stood before or after an amendment."""

    value = AnswerValueField(allow_null=True)
    na = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)


class SectionScoreSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="section.key")
    title = serializers.CharField(source="section.title")

    class Meta:
        model = VisitSectionScore
        fields = ["key", "title", "score", "earned_points", "possible_points"]


class AnswerSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="item.key")
    prompt = serializers.CharField(source="item.prompt")
    value = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["key", "prompt", "value", "not_applicable", "comment", "earned_points", "possible_points", "failed"]

    @extend_schema_field(ANSWER_VALUE)
    def get_value(self, answer: Answer):
        return answer.value


class AmendmentSerializer(serializers.ModelSerializer):
    """An amendment as the store may see it: what changed, why, and what it did to the score."""

    item = serializers.CharField(source="item.key")
    prompt = serializers.CharField(source="item.prompt")
    dispute = serializers.IntegerField(source="dispute_id", allow_null=True)
    before = AnswerSnapshotSerializer(read_only=True)
    after = AnswerSnapshotSerializer(read_only=True)

    class Meta:
        model = AnswerAmendment
        fields = ["item", "prompt", "before", "after", "score_before", "score_after", "reason", "amended_at", "dispute"]


class StoreFacingVisitSerializer(serializers.ModelSerializer):
    """What store and regional managers may know about a visit: nothing about who made it.

    No review flags (they say where the auditor's phone was), no sequential id (it would count the
    brand's audit volume: the opaque ``reference`` names a visit instead) and the release as a
    date in the store's time zone, not the reviewer's working minute.
    """

    store = serializers.CharField(source="store.code")
    store_name = serializers.CharField(source="store.name")
    scorecard = serializers.CharField(source="version.template.name")
    scorecard_version = serializers.IntegerField(source="version_id")
    released_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="The day of release, in the store's time zone."
    )

    class Meta:
        model = Visit
        fields = [
            "reference",
            "store",
            "store_name",
            "scorecard",
            "scorecard_version",
            "visited_on",
            "daypart",
            "channel",
            "status",
            "score",
            "score_uncapped",
            "critical_failed",
            "complaint_score",
            "complaint_passed",
            "released_on",
        ]


class AuditorIdentitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    code = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_code(self, user):
        profile = getattr(user, "auditor_profile", None)
        return profile.code if profile else None


class FlagSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=VisitFlag.choices)
    detail = serializers.CharField()


class AuditSideVisitSerializer(StoreFacingVisitSerializer):
    """HQ, reviewers and the auditor themself also see who visited, when and where exactly."""

    auditor = AuditorIdentitySerializer(read_only=True)
    flags = FlagSerializer(many=True, read_only=True)
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)

    class Meta(StoreFacingVisitSerializer.Meta):
        fields = [
            "id",
            *StoreFacingVisitSerializer.Meta.fields,
            "flags",
            "released_at",
            "uuid",
            "auditor",
            "assignment",
            "checked_in_at",
            "checked_out_at",
            "submitted_at",
            "latitude",
            "longitude",
            "location_accuracy_m",
            "distance_m",
            "receipt_number",
            "receipt_amount",
            "receipt_time",
        ]


class _VisitDetailFields(serializers.Serializer):
    section_scores = SectionScoreSerializer(many=True, read_only=True)
    amendments = AmendmentSerializer(many=True, read_only=True)
    answers = AnswerSerializer(many=True, read_only=True)
    complaint_scenario = serializers.CharField(source="complaint_scenario.title", allow_null=True, default=None)
    complaint_observed = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the complaint rubric's items observed."
    )
    complaint_seconds_to_resolution = serializers.IntegerField(allow_null=True)
    complaint_transcript = serializers.CharField()
    critical_failures = serializers.ListField(
        child=serializers.CharField(), help_text="Keys of the critical items failed."
    )
    summary = serializers.CharField()

    DETAIL_FIELDS = [
        "summary",
        "critical_failures",
        "section_scores",
        "answers",
        "complaint_scenario",
        "complaint_observed",
        "complaint_seconds_to_resolution",
        "complaint_transcript",
        "amendments",
    ]


class StoreFacingVisitDetailSerializer(StoreFacingVisitSerializer, _VisitDetailFields):
    class Meta(StoreFacingVisitSerializer.Meta):
        fields = [*StoreFacingVisitSerializer.Meta.fields, *_VisitDetailFields.DETAIL_FIELDS]


class AuditSideVisitDetailSerializer(AuditSideVisitSerializer, _VisitDetailFields):
    class Meta(AuditSideVisitSerializer.Meta):
        fields = [*AuditSideVisitSerializer.Meta.fields, *_VisitDetailFields.DETAIL_FIELDS]
