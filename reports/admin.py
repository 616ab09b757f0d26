from django.contrib import admin

from reports.models import CoachingReport


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
