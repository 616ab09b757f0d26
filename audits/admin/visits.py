"""Admin for visits and disputes (read-only views of the field work)."""

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_list import _boolean_icon
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audits import services as audit_services
from audits.models import (
    Answer,
    AnswerAmendment,
    Dispute,
    ReviewComment,
    Visit,
    VisitPhoto,
    VisitRevision,
    VisitSectionScore,
    VisitStatus,
)
from audits.photos import photo_file_url
from backend.forms import refusal_messages
from branches import policy
from scorecards.models.templates import SCALE_LABELS, ItemType


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class VisitSectionScoreInline(ReadOnlyInline):
    model = VisitSectionScore
    fields = ("section", "earned_points", "possible_points", "score")
    readonly_fields = fields
    verbose_name_plural = _("section scores")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ("item", "answer", "comment", "earned_points", "possible_points", "result")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "option")

    @admin.display(description=_("answer"))
    def answer(self, answer: Answer):
        if answer.not_applicable:
            return _("N/A")
        if answer.option_id:
            return answer.option.label
        if answer.value_bool is not None:
            return _("Yes") if answer.value_bool else _("No")
        if answer.item.type == ItemType.SCALE and answer.value_number is not None:
            return SCALE_LABELS.get(int(answer.value_number), answer.value)
        return answer.value

    @admin.display(description=_("result"))
    def result(self, answer: Answer):
        """A failed answer is a red ✗, a passed one a green ✓ (Django's boolean icon would invert it)."""
        if answer.not_applicable:
            return "—"
        return _boolean_icon(not answer.failed)


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = ("uuid", "item", "status", "thumbnail_preview", "captured_at", "latitude", "longitude", "received_at")
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def thumbnail_preview(self, photo):
        if not photo.thumbnail:
            return "—"
        return format_html(
            '<a href="{}"><img src="{}" style="max-height:90px"></a>',
            photo_file_url(photo),
            photo_file_url(photo, thumbnail=True),
        )


class AmendmentInline(ReadOnlyInline):
    model = AnswerAmendment
    fields = ("item", "before", "after", "score_before", "score_after", "reason", "amended_by", "amended_at", "dispute")
    readonly_fields = fields


class RevisionInline(ReadOnlyInline):
    model = VisitRevision
    fields = ("number", "score", "submitted_at", "returned_note", "archived_at")
    readonly_fields = fields


class ReviewCommentInline(ReadOnlyInline):
    model = ReviewComment
    fields = ("revision", "item", "comment", "author", "created_at")
    readonly_fields = fields


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """Store managers' disputes; reviewers settle them through /api/disputes/{id}/resolve/."""

    list_display = ("id", "visit", "item", "status", "created_at", "resolved_at")
    list_filter = ("status", "visit__store__region", "created_at")
    list_select_related = ("visit__store", "item")
    search_fields = ("visit__reference", "visit__store__code", "item__key", "reason")
    readonly_fields = (
        "visit",
        "item",
        "raised_by",
        "reason",
        "photo",
        "status",
        "resolution_note",
        "resolved_by",
        "resolved_at",
        "created_at",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    """Visits are stored by auditors and scored once; HQ reads them here and releases them."""

    list_display = ("reference", "store", "auditor", "visited_on", "daypart", "status", "score", "critical_failed")
    list_filter = ("status", "daypart", "channel", "critical_failed", "store__region")
    list_select_related = ("store", "auditor")
    search_fields = ("reference", "store__code", "store__name", "auditor__username")
    date_hierarchy = "visited_on"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("reference", "uuid"),
                    ("store", "channel"),
                    ("auditor", "daypart"),
                    "version",
                    "visited_on",
                    ("checked_in_at", "checked_out_at"),
                    "summary",
                )
            },
        ),
        (
            _("Score"),
            {
                "fields": (
                    ("score", "score_uncapped"),
                    ("earned_points", "possible_points"),
                    ("critical_failed", "critical_failures"),
                )
            },
        ),
        (
            _("Complaint test"),
            {
                "fields": (
                    "complaint_scenario",
                    ("complaint_score", "complaint_passed"),
                    "complaint_observed",
                    "complaint_seconds_to_resolution",
                    "complaint_transcript",
                )
            },
        ),
        (
            _("Where and how"),
            {
                "fields": (
                    "assignment",
                    "flags",
                    ("latitude", "longitude"),
                    ("location_accuracy_m", "distance_m"),
                    ("receipt_number", "receipt_amount", "receipt_time"),
                )
            },
        ),
        (_("Review"), {"fields": ("status", "submitted_at", ("released_at", "released_by"))}),
    )
    readonly_fields = ("reference", "uuid", "submitted_at")
    inlines = (
        VisitSectionScoreInline,
        AnswerInline,
        VisitPhotoInline,
        AmendmentInline,
        RevisionInline,
        ReviewCommentInline,
    )
    actions = ("release",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_release_permission(self, request) -> bool:
        return policy.may_review(request.user)

    @admin.action(description=_("Release"), permissions=["release"])
    def release(self, request, queryset):
        released = 0
        not_opened = [v.reference for v in queryset if v.status != VisitStatus.IN_REVIEW]
        if not_opened:
            self.message_user(
                request,
                _("Not released, nobody has opened them for review: %(refs)s") % {"refs": ", ".join(not_opened)},
                messages.WARNING,
            )
        for visit in queryset.filter(status=VisitStatus.IN_REVIEW):
            with refusal_messages(self, request, visit.reference) as refused:
                audit_services.visit_release(visit=visit, by=request.user)
            released += not refused
        if released:
            self.message_user(
                request,
                ngettext("Released %(count)d visit.", "Released %(count)d visits.", released) % {"count": released},
                messages.SUCCESS,
            )
