"""Shapes for reviewers (who may know everything) and for disputes (which the store side sees)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import Dispute, ReviewComment, VisitPhoto, VisitRevision
from audits.photos import photo_file_url
from audits.serializers.visits import AmendmentSerializer, AnswerValueField, AuditSideVisitDetailSerializer
from backend.idempotency import KEY_HELP
from scorecards import scoring


class ReviewCommentSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.key", allow_null=True, default=None)

    class Meta:
        model = ReviewComment
        fields = ["revision", "item", "comment", "created_at"]


class AuditAmendmentSerializer(AmendmentSerializer):
    amended_by = serializers.CharField(source="amended_by.username")

    class Meta(AmendmentSerializer.Meta):
        fields = [*AmendmentSerializer.Meta.fields, "amended_by"]


class RevisionAnswerSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="Item key.")
    value = AnswerValueField(allow_null=True)
    na = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)


class RevisionSerializer(serializers.ModelSerializer):
    answers = RevisionAnswerSerializer(many=True, read_only=True)

    class Meta:
        model = VisitRevision
        fields = ["number", "answers", "score", "score_uncapped", "submitted_at", "returned_note", "archived_at"]


class ReviewPhotoSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.key")
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = VisitPhoto
        fields = ["uuid", "item", "status", "url", "thumbnail_url", "captured_at", "latitude", "longitude"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_url(self, photo):
        return photo_file_url(photo) if photo.image else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, photo):
        return photo_file_url(photo, thumbnail=True) if photo.thumbnail else None


class ReviewVisitSerializer(AuditSideVisitDetailSerializer):
    """Everything a reviewer needs to decide: flags with reasons, history, photos and their metadata."""

    revisions = RevisionSerializer(many=True, read_only=True)
    review_comments = ReviewCommentSerializer(many=True, read_only=True)
    amendments = AuditAmendmentSerializer(many=True, read_only=True)
    photos = ReviewPhotoSerializer(many=True, read_only=True)

    class Meta(AuditSideVisitDetailSerializer.Meta):
        fields = [
            *AuditSideVisitDetailSerializer.Meta.fields,
            "revision",
            "returned_note",
            "rejection_reason",
            "review_started_at",
            "revisions",
            "review_comments",
            "amendments",
            "photos",
        ]


class ReturnIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    items = serializers.DictField(
        child=serializers.CharField(max_length=2000),
        required=False,
        default=dict,
        help_text="Comments to the auditor by item key.",
    )


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


NUMERIC_HELP = (
    f"A numeric answer is a number greater than -{scoring.NUMERIC_LIMIT:,} and less than {scoring.NUMERIC_LIMIT:,} "
    f"with at most {scoring.NUMERIC_DECIMAL_PLACES} decimal places; anything else is a 400 under answers.<item key>."
)


class AmendIn(serializers.Serializer):
    item = serializers.CharField(max_length=64)
    value = serializers.JSONField(required=False, allow_null=True, help_text=f"The corrected answer. {NUMERIC_HELP}")
    na = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(max_length=5000)


class DisputeSerializer(serializers.ModelSerializer):
    """A dispute as its store sees it. It names no auditor and no reviewer, and the visit only by
    its opaque reference (a sequential visit id would count the brand's audits)."""

    visit_reference = serializers.CharField(source="visit.reference", read_only=True)
    store = serializers.CharField(source="visit.store.code", read_only=True)
    item = serializers.CharField(source="item.key", read_only=True)
    prompt = serializers.CharField(source="item.prompt", read_only=True)
    has_photo = serializers.SerializerMethodField()
    visit_score = serializers.DecimalField(source="visit.score", max_digits=4, decimal_places=1, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id",
            "visit_reference",
            "store",
            "item",
            "prompt",
            "reason",
            "has_photo",
            "status",
            "resolution_note",
            "resolved_at",
            "created_at",
            "visit_score",
        ]
        read_only_fields = fields

    def get_has_photo(self, dispute) -> bool:
        return bool(dispute.photo)


class ReviewDisputeSerializer(DisputeSerializer):
    """A dispute as reviewers and HQ see it: also the visit's id, for the review endpoints."""

    class Meta(DisputeSerializer.Meta):
        fields = ["id", "visit", *DisputeSerializer.Meta.fields[1:]]
        read_only_fields = fields


class DisputeIn(serializers.Serializer):
    visit = serializers.RegexField(
        r"^V-[0-9A-Za-z]+$",
        max_length=12,
        help_text="The released visit's reference (`V-…`), as its visit shows it.",
        error_messages={"invalid": "Name the visit by its reference (V-…), as the visit shows it."},
    )
    item = serializers.CharField(max_length=64)
    reason = serializers.CharField(max_length=5000)
    photo = serializers.FileField(required=False, allow_null=True, help_text="Optional evidence: JPEG, PNG, WebP.")
    client_key = serializers.UUIDField(required=False, allow_null=True, help_text=KEY_HELP.format(thing="dispute"))


class ResolveIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["upheld", "amended"])
    note = serializers.CharField(max_length=5000)
    value = serializers.JSONField(
        required=False, allow_null=True, help_text=f"The corrected answer, when amended. {NUMERIC_HELP}"
    )
    na = serializers.BooleanField(required=False, default=False)
