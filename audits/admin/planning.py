"""Admin for auditors, assignments and waves."""

from collections import Counter

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audits.models import Assignment, AssignmentStatus, AuditorCertification, AuditorProfile, Wave
from audits.models.waves import wave_target_problems
from audits.services import assignments as assignment_services
from audits.services import waves as wave_services
from backend.forms import refusal_messages
from branches import policy
from branches.admin import UserAdmin
from branches.models import Role, User


class AuditorProfileInline(admin.StackedInline):
    model = AuditorProfile
    max_num = 1
    can_delete = False
    autocomplete_fields = ("conflict_stores",)
    fields = ("code", "home_city", "active", "willing_to_travel", "monthly_capacity", "conflict_stores")


class AuditorCertificationInline(admin.TabularInline):
    model = AuditorCertification
    extra = 0
    autocomplete_fields = ("template",)


admin.site.unregister(User)


@admin.register(User)
class UserWithAuditorProfileAdmin(UserAdmin):
    """The people admin of ``branches``, plus the auditor's profile on an auditor's page."""

    inlines = (AuditorProfileInline,)

    def get_inlines(self, request, obj):
        # A profile only means something for an auditor, and the role is only known once saved.
        if obj is None or not policy.may_audit(obj):
            return ()
        return super().get_inlines(request, obj)


@admin.register(AuditorProfile)
class AuditorProfileAdmin(admin.ModelAdmin):
    list_display = ("code", "user", "home_city", "active", "willing_to_travel", "monthly_capacity")
    list_filter = ("active", "home_city", "willing_to_travel")
    list_select_related = ("user",)
    search_fields = ("code", "user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("conflict_stores",)
    inlines = (AuditorCertificationInline,)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=Role.AUDITOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Planned visits. HQ creates and cancels them; the wave planner will create most."""

    list_display = ("id", "store", "auditor", "window_start", "window_end", "daypart", "scenario", "status")
    list_filter = ("status", "daypart", "store__region", "version__template")
    list_select_related = ("store", "auditor", "scenario")
    search_fields = ("store__code", "store__name", "auditor__username", "auditor__auditor_profile__code")
    date_hierarchy = "window_start"
    autocomplete_fields = ("store", "auditor")
    readonly_fields = ("status", "decline_reason", "responded_at", "created_at", "created_by")
    actions = ("cancel",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Cancel the selected assignments"))
    def cancel(self, request, queryset):
        cancelled = 0
        for assignment in queryset.filter(status__in=[AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED]):
            assignment_services.assignment_cancel(assignment=assignment)
            cancelled += 1
        self.message_user(request, _("%(n)d assignments cancelled.") % {"n": cancelled})


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = [
            "name",
            "version",
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
        ]

    def clean(self):
        data = super().clean()
        problems = wave_target_problems(
            stores=data.get("stores") or [],
            regions=data.get("regions") or [],
            scenarios=data.get("scenarios") or [],
            complaint_visits=data.get("complaint_visits_per_store_per_month") or 0,
        )
        if problems:
            raise ValidationError(problems)
        return data


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    """HQ drafts waves here, previews the plan and commits it into assignments."""

    form = WaveForm
    list_display = ("name", "version", "start_date", "end_date", "visits_per_store_per_month", "status", "committed_at")
    list_filter = ("status", "version__template")
    list_select_related = ("version__template",)
    search_fields = ("name",)
    date_hierarchy = "start_date"
    autocomplete_fields = ("stores", "regions", "scenarios")
    readonly_fields = ("status", "created_by", "created_at", "committed_by", "committed_at")
    fieldsets = (
        (None, {"fields": ("name", "version", ("start_date", "end_date"), "status")}),
        (_("Where"), {"fields": ("stores", "regions")}),
        (
            _("How"),
            {
                "fields": (
                    "visits_per_store_per_month",
                    "daypart_quotas",
                    "scenarios",
                    "complaint_visits_per_store_per_month",
                    "rotation_lockout_days",
                    "seed",
                )
            },
        ),
        (_("History"), {"fields": (("created_by", "created_at"), ("committed_by", "committed_at"))}),
    )
    actions = ("preview", "commit")
    # Enough to act on, short enough to read in a message list.
    MAX_REASONS_SHOWN = 10

    def get_readonly_fields(self, request, obj=None):
        # A committed wave's assignments exist; the wave is its record and no longer changes.
        if obj is not None and obj.is_committed:
            return [*WaveForm.Meta.fields, *self.readonly_fields]
        return self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["queryset"] = db_field.related_model.objects.published().select_related("template")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Preview plan"))
    def preview(self, request, queryset):
        for wave in queryset.select_related("version"):
            plan = wave_services.wave_preview(wave=wave)
            self.message_user(
                request,
                _("%(wave)s: %(total)d visits, %(filled)d planned, %(unfilled)d unfilled, %(auditors)d auditors.")
                % {
                    "wave": wave.name,
                    "total": plan.total,
                    "filled": len(plan.slots),
                    "unfilled": len(plan.unfilled),
                    "auditors": len(plan.by_auditor()),
                },
                messages.INFO if not plan.unfilled else messages.WARNING,
            )
            self._report_reasons(request, plan)

    def _report_reasons(self, request, plan) -> None:
        reasons = Counter((slot.store_code, slot.reason) for slot in plan.unfilled)
        for (store, reason), count in reasons.most_common(self.MAX_REASONS_SHOWN):
            self.message_user(
                request,
                _("%(store)s, %(n)d unfilled: %(reason)s") % {"store": store, "n": count, "reason": reason},
                messages.WARNING,
            )
        if len(reasons) > self.MAX_REASONS_SHOWN:
            self.message_user(
                request,
                _("... and %(n)d more; the API preview lists every unfilled visit.")
                % {"n": len(reasons) - self.MAX_REASONS_SHOWN},
                messages.WARNING,
            )

    @admin.action(description=_("Commit: offer the planned visits to auditors"))
    def commit(self, request, queryset):
        for wave in queryset:
            with refusal_messages(self, request, wave.name, one_line=True) as refused:
                assignments = wave_services.wave_commit(wave=wave, by=request.user)
            if refused:
                continue
            self.message_user(
                request,
                _("%(wave)s: %(n)d assignments offered.") % {"wave": wave.name, "n": len(assignments)},
                messages.SUCCESS,
            )
