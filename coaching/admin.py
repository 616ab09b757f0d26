from django.contrib import admin

from coaching.models import ActionItem, CoachingReport


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    """Read-only: action plans are written by the stores through the API, where the rules live."""

    list_display = ("store", "item_key", "standard", "owner", "due_on", "status", "done_at")
    list_filter = ("status", "due_on", "store__region")
    list_select_related = ("store",)
    search_fields = ("store__code", "store__name", "item_key", "standard", "action", "owner")
    date_hierarchy = "due_on"
    ordering = ("due_on", "id")
    fields = (
        "store",
        "item_key",
        "standard",
        "action",
        "owner",
        "due_on",
        "status",
        "done_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CoachingReport)
class CoachingReportAdmin(admin.ModelAdmin):
    """Jobs are made through the API, the dashboard or ``render_coaching_reports``; here they are read."""

    list_display = ["store", "start", "end", "language", "status", "pages", "created_at", "finished_at"]
    list_filter = ["status", "language"]
    search_fields = ["store__code", "store__name"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in CoachingReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
