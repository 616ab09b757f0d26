import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from branches.models import Role
from scorecards import services
from scorecards.models import (
    Answer,
    AnswerAmendment,
    ComplaintScenario,
    Dispute,
    Item,
    ItemOption,
    NumericBand,
    ReviewComment,
    RubricItem,
    ScorecardTemplate,
    ScorecardVersion,
    Section,
    VersionStatus,
    Visit,
    VisitPhoto,
    VisitRevision,
    VisitSectionScore,
)
from scorecards.models.templates import VersionContent

COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


def _version_url(version: ScorecardVersion) -> str:
    return reverse("admin:scorecards_scorecardversion_change", args=[version.pk])


def _report_refusal(model_admin: admin.ModelAdmin, request, subject, error: ValidationError) -> None:
    for message in error.messages:
        model_admin.message_user(request, f"{subject}: {message}", messages.ERROR)


# --- Scorecard templates -----------------------------------------------------------------


class VersionSummaryInline(admin.TabularInline):
    """Versions are edited on their own page; the template only lists them."""

    model = ScorecardVersion
    fields = ("number", "status", "published_at", "open")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="")
    def open(self, version: ScorecardVersion) -> str:
        label = _("Edit draft") if version.is_editable else _("View")
        return format_html('<a href="{}">{}</a>', _version_url(version), label)


class DraftFilter(admin.SimpleListFilter):
    title = _("draft in progress")
    parameter_name = "draft"

    def lookups(self, request, model_admin):
        return (("yes", _("Yes")), ("no", _("No")))

    def queryset(self, request, queryset):
        has_draft = Exists(ScorecardVersion.objects.filter(template=OuterRef("pk"), status=VersionStatus.DRAFT))
        if self.value() == "yes":
            return queryset.filter(has_draft)
        if self.value() == "no":
            return queryset.filter(~has_draft)
        return queryset


def _newest_number(status: str) -> Subquery:
    return Subquery(
        ScorecardVersion.objects.filter(template=OuterRef("pk"), status=status).order_by("-number").values("number")[:1]
    )


@admin.register(ScorecardTemplate)
class ScorecardTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "published_version", "draft_version", "created_at")
    list_filter = (DraftFilter,)
    search_fields = ("code", "name")
    fields = ("code", "name", "description")
    inlines = (VersionSummaryInline,)
    actions = ("start_new_draft",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_number=_newest_number(VersionStatus.PUBLISHED),
                draft_number=_newest_number(VersionStatus.DRAFT),
            )
        )

    @admin.display(description=_("published"), ordering="published_number")
    def published_version(self, template: ScorecardTemplate):
        return template.published_number and f"v{template.published_number}"

    @admin.display(description=_("draft"), ordering="draft_number")
    def draft_version(self, template: ScorecardTemplate):
        return template.draft_number and f"v{template.draft_number}"

    def get_inlines(self, request, obj):
        # A template being added has no versions to list yet.
        return super().get_inlines(request, obj) if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # As in services.scorecard_template_create(): a new standard starts as an empty draft.
            services.scorecard_version_create_draft(template=obj, by=request.user)

    @admin.action(description=_("Start a new draft"), permissions=["change"])
    def start_new_draft(self, request, queryset):
        drafts = []
        for template in queryset:
            try:
                drafts.append(services.scorecard_version_create_draft(template=template, by=request.user))
            except ValidationError as error:
                _report_refusal(self, request, template, error)
        for draft in drafts:
            self.message_user(
                request,
                format_html(_('Started <a href="{}">{}</a>.'), _version_url(draft), draft),
                messages.SUCCESS,
            )
        if len(drafts) == 1 and len(queryset) == 1:
            return HttpResponseRedirect(_version_url(drafts[0]))
        return None


# --- Scorecard versions ------------------------------------------------------------------


def _owning_version(obj) -> ScorecardVersion | None:
    """The version behind ``obj``.

    nested-admin asks an inline's permissions about the object one level up (the version,
    a section or an item) and about ``None`` for forms not saved yet.
    """
    if isinstance(obj, ScorecardVersion):
        return obj
    if isinstance(obj, VersionContent):
        try:
            return obj.owning_version()
        except ObjectDoesNotExist:
            return None
    return None


class VersionContentInlineMixin:
    """Content follows its version: editable while a draft, read-only once published."""

    extra = 0
    formfield_overrides = COMPACT_TEXT

    @staticmethod
    def _in_draft(obj) -> bool:
        version = _owning_version(obj)
        return version is None or version.is_editable

    def has_add_permission(self, request, obj=None) -> bool:
        return self._in_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._in_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._in_draft(obj) and super().has_delete_permission(request, obj)


class ItemOptionInline(VersionContentInlineMixin, nested_admin.SortableHiddenMixin, nested_admin.NestedTabularInline):
    model = ItemOption
    sortable_field_name = "position"
    fields = ("key", "label", "points", "position")


class NumericBandInline(VersionContentInlineMixin, nested_admin.NestedTabularInline):
    model = NumericBand
    is_sortable = False
    fields = ("lower", "upper", "points", "label")


class ItemInline(VersionContentInlineMixin, nested_admin.SortableHiddenMixin, nested_admin.NestedStackedInline):
    model = Item
    sortable_field_name = "position"
    fields = (
        ("key", "type"),
        "prompt",
        ("max_points", "unit"),
        ("critical", "na_allowed", "photo_required"),
        "guidance",
        "coaching_tip",
        "position",
    )
    inlines = (ItemOptionInline, NumericBandInline)

    def get_queryset(self, request):
        # Permission checks on options and bands walk up to the version from each item.
        return super().get_queryset(request).select_related("section__version")


class SectionInline(VersionContentInlineMixin, nested_admin.SortableHiddenMixin, nested_admin.NestedStackedInline):
    model = Section
    sortable_field_name = "position"
    fields = (("key", "title", "weight"), "position")
    inlines = (ItemInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("version")


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(nested_admin.NestedModelAdmin):
    list_display = ("template", "number", "status", "published_at")
    list_filter = ("status", "template")
    list_select_related = ("template",)
    search_fields = ("template__name", "template__code")
    readonly_fields = (
        "template",
        "number",
        "status",
        "created_at",
        "created_by",
        "published_at",
        "published_by",
        "publishing",
    )
    formfield_overrides = COMPACT_TEXT
    inlines = (SectionInline,)
    actions = ("publish",)
    # The browser submits a form with its first submit button when Enter is pressed in a field;
    # with the save row on top that is "Save", never the "Save and publish" button further down.
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ("template", "number", "status", "critical_cap", "changelog")}),
            (_("History"), {"fields": (("created_at", "created_by"), ("published_at", "published_by"))}),
        ]
        if obj is not None and obj.is_editable:
            fieldsets.insert(1, (_("Publishing"), {"fields": ("publishing",)}))
        return fieldsets

    def has_add_permission(self, request) -> bool:
        # A draft starts from its template ("Start a new draft") so it gets the next number
        # and a copy of the newest content.
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("Ready to publish?"))
    def publishing(self, version: ScorecardVersion) -> str:
        problems = services.scorecard_version_problems(version)
        # Part of the change form, so pressing it saves pending edits before publishing.
        button = format_html('<input type="submit" name="_publish" value="{}">', _("Save and publish"))
        if not problems:
            return format_html("<p>{}</p>{}", _("Nothing blocks publishing."), button)
        return format_html(
            "<p>{}</p><ul>{}</ul>{}",
            _("Publishing is blocked until these are fixed:"),
            format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
            button,
        )

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            self._publish(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request, queryset):
        for version in queryset.select_related("template"):
            self._publish(request, version)

    def _publish(self, request, version: ScorecardVersion) -> None:
        try:
            published = services.scorecard_version_publish(version=version, by=request.user)
        except ValidationError as error:
            _report_refusal(self, request, version, error)
            return
        self.message_user(request, _("Published %(version)s.") % {"version": published}, messages.SUCCESS)


# --- Complaint scenarios -----------------------------------------------------------------


class RubricItemInline(admin.TabularInline):
    model = RubricItem
    extra = 0
    fields = ("position", "key", "description", "points", "within_seconds")


@admin.register(ComplaintScenario)
class ComplaintScenarioAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "pass_mark", "active")
    list_filter = ("active",)
    search_fields = ("code", "title", "script")
    inlines = (RubricItemInline,)


# --- Visits ------------------------------------------------------------------------------


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
    fields = ("item", "answer", "comment", "earned_points", "possible_points", "failed")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "option")

    @admin.display(description=_("answer"))
    def answer(self, answer: Answer):
        if answer.not_applicable:
            return _("N/A")
        if answer.option_id:
            return answer.option.label
        return answer.value


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = ("uuid", "item", "status", "thumbnail_preview", "captured_at", "latitude", "longitude", "received_at")
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def thumbnail_preview(self, photo):
        if not photo.thumbnail:
            return "—"
        return format_html(
            '<a href="{}"><img src="{}" style="max-height:90px"></a>', photo.image.url, photo.thumbnail.url
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
        return request.user.role in (Role.REVIEWER, Role.HQ_ADMIN)

    @admin.action(description=_("Release"), permissions=["release"])
    def release(self, request, queryset):
        released = 0
        for visit in queryset:
            try:
                services.visit_release(visit=visit, by=request.user)
            except ValidationError as error:
                _report_refusal(self, request, visit.reference, error)
            else:
                released += 1
        if released:
            self.message_user(
                request,
                ngettext("Released %(count)d visit.", "Released %(count)d visits.", released) % {"count": released},
                messages.SUCCESS,
            )
