"""The mobile client's contract: explicit input and output shapes, documented with examples.

Names here are the contract the mobile team codes against: extend, don't rename.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import Assignment, PhotoStatus, Visit, VisitFlag, VisitPhoto
from audits.serializers.visits import AnswerValueField
from backend.api.fields import RoundedDecimalField
from branches.models import Store
from branches.serializers import OpeningHoursField
from scorecards import scoring
from scorecards.models import ComplaintScenario, Item, RubricItem, ScorecardVersion, Section

# --- Output -----------------------------------------------------------------------------------


class RubricItemOut(serializers.ModelSerializer):
    class Meta:
        model = RubricItem
        fields = ["key", "description", "points", "within_seconds"]


class ScenarioOut(serializers.ModelSerializer):
    rubric = RubricItemOut(many=True, read_only=True)

    class Meta:
        model = ComplaintScenario
        fields = ["code", "title", "script", "timing", "pass_mark", "rubric"]


class AssignmentStoreOut(serializers.ModelSerializer):
    opening_hours = OpeningHoursField(read_only=True)

    class Meta:
        model = Store
        fields = ["code", "name", "address", "city", "latitude", "longitude", "timezone", "opening_hours"]


class AssignmentOut(serializers.ModelSerializer):
    store = AssignmentStoreOut(read_only=True)
    scenario = ScenarioOut(read_only=True, allow_null=True)
    scorecard_version = serializers.IntegerField(source="version_id")
    scorecard = serializers.CharField(source="version.template.name")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "status",
            "store",
            "window_start",
            "window_end",
            "daypart",
            "scorecard_version",
            "scorecard",
            "scenario",
            "notes",
            "decline_reason",
        ]
        read_only_fields = fields


class DeclineIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="Why the auditor cannot do this visit.")


class OptionOut(serializers.Serializer):
    value = serializers.CharField(source="key")
    label = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)


class BandOut(serializers.Serializer):
    min = serializers.DecimalField(source="lower", max_digits=12, decimal_places=3, coerce_to_string=False)
    max = serializers.DecimalField(
        source="upper",
        max_digits=12,
        decimal_places=3,
        coerce_to_string=False,
        allow_null=True,
        help_text="Exclusive; null means no upper bound.",
    )
    points = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    label = serializers.CharField()


class ItemOut(serializers.ModelSerializer):
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    options = OptionOut(many=True, read_only=True)
    bands = BandOut(many=True, read_only=True)

    class Meta:
        model = Item
        fields = [
            "key",
            "prompt",
            "guidance",
            "type",
            "max_points",
            "unit",
            "na_allowed",
            "photo_required",
            "critical",
            "options",
            "bands",
        ]


class SectionOut(serializers.ModelSerializer):
    weight = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    items = ItemOut(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["key", "title", "weight", "items"]


class ScaleStepOut(serializers.Serializer):
    value = serializers.IntegerField(help_text="1-5")
    label = serializers.CharField()


class OfflineScorecardOut(serializers.ModelSerializer):
    """A whole published version in one response, for filling in with no signal."""

    template = serializers.CharField(source="template.code")
    name = serializers.CharField(source="template.name")
    critical_cap = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False)
    sections = SectionOut(many=True, read_only=True)
    scale = serializers.SerializerMethodField()
    complaint_scenarios = serializers.SerializerMethodField()

    class Meta:
        model = ScorecardVersion
        fields = [
            "id",
            "template",
            "name",
            "number",
            "status",
            "critical_cap",
            "scale",
            "sections",
            "complaint_scenarios",
        ]

    @extend_schema_field(ScaleStepOut(many=True))
    def get_scale(self, version):
        from scorecards.models.templates import SCALE_LABELS

        return [{"value": value, "label": str(label)} for value, label in SCALE_LABELS.items()]

    @extend_schema_field(ScenarioOut(many=True))
    def get_complaint_scenarios(self, version):
        return ScenarioOut(self.context.get("scenarios", []), many=True).data


class SectionScoreOut(serializers.Serializer):
    key = serializers.CharField(source="section.key")
    title = serializers.CharField(source="section.title")
    score = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True)


class FlagOut(serializers.Serializer):
    code = serializers.ChoiceField(choices=VisitFlag.choices)
    detail = serializers.CharField()


class PhotoRefOut(serializers.ModelSerializer):
    item = serializers.CharField(source="item.key")

    class Meta:
        model = VisitPhoto
        fields = ["uuid", "item", "status"]
        read_only_fields = fields


class ReceivedAnswerOut(serializers.Serializer):
    item = serializers.CharField(source="item.key")
    value = AnswerValueField()
    na = serializers.BooleanField(source="not_applicable")
    comment = serializers.CharField()


class VisitReceiptOut(serializers.ModelSerializer):
    """What the phone gets back after submitting: the scores and what is still to send."""

    assignment = serializers.IntegerField(
        source="assignment_id", allow_null=True, help_text="Null for a visit recorded without an assignment."
    )
    score = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True)
    score_uncapped = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True)
    complaint_score = serializers.DecimalField(max_digits=4, decimal_places=1, coerce_to_string=False, allow_null=True)
    sections = SectionScoreOut(source="section_scores", many=True, read_only=True)
    flags = FlagOut(many=True, read_only=True)
    critical_failures = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Keys of the critical items failed."
    )
    photos_missing = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "uuid",
            "reference",
            "assignment",
            "status",
            "visited_on",
            "score",
            "score_uncapped",
            "critical_failed",
            "critical_failures",
            "complaint_score",
            "complaint_passed",
            "sections",
            "flags",
            "photos_missing",
        ]
        read_only_fields = fields

    @extend_schema_field(PhotoRefOut(many=True))
    def get_photos_missing(self, visit):
        return PhotoRefOut([p for p in visit.photos.all() if p.status == PhotoStatus.EXPECTED], many=True).data


class ReviewNoteOut(serializers.Serializer):
    revision = serializers.IntegerField()
    item = serializers.CharField(source="item.key", allow_null=True, default=None)
    comment = serializers.CharField()


class VisitDetailOut(VisitReceiptOut):
    answers = ReceivedAnswerOut(many=True, read_only=True)
    photos = PhotoRefOut(many=True, read_only=True)
    review_comments = ReviewNoteOut(many=True, read_only=True)

    class Meta(VisitReceiptOut.Meta):
        fields = [
            *VisitReceiptOut.Meta.fields,
            "revision",
            "returned_note",
            "review_comments",
            "checked_in_at",
            "checked_out_at",
            "answers",
            "photos",
            "receipt_number",
            "receipt_amount",
            "receipt_time",
            "submitted_at",
        ]
        read_only_fields = fields


# --- Input ------------------------------------------------------------------------------------


class LocationIn(serializers.Serializer):
    """The check-in's GPS fix at any precision, rounded (half-even) to what a visit stores.

    Degrees to 6 decimal places (about 0.1 m), the accuracy to 0.1 m.
    """

    latitude = RoundedDecimalField(
        max_digits=9, decimal_places=6, min_value=-90, max_value=90, help_text="Decimal degrees, south negative."
    )
    longitude = RoundedDecimalField(
        max_digits=9, decimal_places=6, min_value=-180, max_value=180, help_text="Decimal degrees, west negative."
    )
    accuracy = RoundedDecimalField(
        max_digits=8, decimal_places=1, min_value=0, help_text="Radius of the GPS fix in metres."
    )


class AnswerIn(serializers.Serializer):
    item = serializers.CharField(max_length=64)
    value = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text=(
            "yes_no: true/false; scale: 1-5; numeric: a number (JSON number or numeric string), greater than "
            f"-{scoring.NUMERIC_LIMIT:,} and less than {scoring.NUMERIC_LIMIT:,}, with at most "
            f"{scoring.NUMERIC_DECIMAL_PLACES} decimal places (anything else is a 400 under answers.<item key>; "
            "never rounded); choice: an option value; text: a string."
        ),
    )
    na = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema_field(AnswerIn(many=True))
class AnswersField(serializers.Field):
    """A visit's answers, checked by hand: one nested DRF serializer per answer costs ~25 µs,
    the largest share of a submission's time. The rules are AnswerIn's; the schema shows AnswerIn.
    """

    MAX_ANSWERS = 500
    MAX_COMMENT = 2000

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError("Expected a list of answers.")
        if len(data) > self.MAX_ANSWERS:
            raise serializers.ValidationError(f"At most {self.MAX_ANSWERS} answers.")
        answers, errors = [], {}
        for index, row in enumerate(data):
            problems = self._problems(row)
            if problems:
                errors[index] = problems
                continue
            answers.append(
                {
                    "item": row["item"],
                    "value": row.get("value"),
                    "na": row.get("na", False),
                    "comment": row.get("comment") or "",
                }
            )
        if errors:
            raise serializers.ValidationError(errors)
        return answers

    def _problems(self, row) -> dict | list | None:
        if not isinstance(row, dict):
            return ["Expected an object with item, value, na and comment."]
        problems = {}
        item = row.get("item")
        if not isinstance(item, str) or not item or len(item) > 64:
            problems["item"] = ["An item key (text, at most 64 characters) is required."]
        if not isinstance(row.get("na", False), bool):
            problems["na"] = ["Must be true or false."]
        comment = row.get("comment")
        if comment is not None and (not isinstance(comment, str) or len(comment) > self.MAX_COMMENT):
            problems["comment"] = [f"Must be text of at most {self.MAX_COMMENT} characters."]
        return problems or None

    def to_representation(self, value):
        return value


class ComplaintIn(serializers.Serializer):
    observed = serializers.ListField(child=serializers.CharField(max_length=64), allow_empty=True, max_length=50)
    seconds_to_resolution = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    transcript = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)


class ReceiptIn(serializers.Serializer):
    number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True)
    time = serializers.DateTimeField(required=False, allow_null=True)


class PhotoPlanIn(serializers.Serializer):
    uuid = serializers.UUIDField()
    item = serializers.CharField(max_length=64)


class VisitSubmissionIn(serializers.Serializer):
    uuid = serializers.UUIDField(help_text="Chosen by the client; the idempotency key of this submission.")
    assignment = serializers.IntegerField()
    checked_in_at = serializers.DateTimeField()
    checked_out_at = serializers.DateTimeField()
    location = LocationIn(required=False, allow_null=True)
    answers = AnswersField()
    complaint = ComplaintIn(required=False, allow_null=True)
    receipt = ReceiptIn(required=False, allow_null=True)
    photos = PhotoPlanIn(many=True, required=False, default=list, max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ResubmissionIn(serializers.Serializer):
    """A returned visit, corrected: the whole set of answers again."""

    answers = AnswersField()
    summary = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class PhotoUploadIn(serializers.Serializer):
    file = serializers.FileField(help_text="JPEG, PNG or WebP.")
    uuid = serializers.UUIDField()
    item = serializers.CharField(max_length=64)


class PhotoReceiptOut(serializers.Serializer):
    uuid = serializers.UUIDField(source="photo.uuid")
    item = serializers.CharField(source="photo.item.key")
    status = serializers.ChoiceField(source="photo.status", choices=PhotoStatus.choices)
    content_type = serializers.CharField(source="photo.content_type")
    width = serializers.IntegerField(source="photo.width", allow_null=True, help_text="Pixels; null until read.")
    height = serializers.IntegerField(source="photo.height", allow_null=True, help_text="Pixels; null until read.")
    photos_missing = PhotoRefOut(many=True)
