import nested_admin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from backend.forms import refusal_messages
from scorecards import services
from scorecards.models import (
    ComplaintScenario,
    Item,
    ItemOption,
    NumericBand,
    RubricItem,
    ScorecardTemplate,
    ScorecardVersion,
    Section,
    VersionStatus,
)
from scorecards.models.templates import VersionContent

COMPACT_TEXT = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}}


def _version_url(version: ScorecardVersion) -> str:
    return reverse("admin:scorecards_scorecardversion_change", args=[version.pk])


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
            with refusal_messages(self, request, template):
                drafts.append(services.scorecard_version_create_draft(template=template, by=request.user))
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
        with refusal_messages(self, request, version) as refused:
            published = services.scorecard_version_publish(version=version, by=request.user)
        if refused:
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
