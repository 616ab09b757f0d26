from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from branches.models import Region, Store, User


@admin.register(Region)
class RegionAdmin(TreeAdmin):
    form = movenodeform_factory(Region)
    list_display = ("code", "name")
    list_filter = ("depth",)
    search_fields = ("code", "name")


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "city", "active", "is_competitor")
    list_filter = ("region", "city", "active", "is_competitor")
    list_select_related = ("region",)
    search_fields = ("code", "name", "address", "city")
    ordering = ("code",)
    autocomplete_fields = ("region",)
    fieldsets = (
        (None, {"fields": ("code", "name", "region", "active")}),
        (_("Location"), {"fields": ("address", "city", ("latitude", "longitude"), "timezone", "opening_hours")}),
        (_("Benchmarking"), {"fields": ("is_competitor", "competitor_brand")}),
    )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets[:2],
        (_("Role and scope"), {"fields": ("role", "managed_regions", "managed_stores")}),
        *BaseUserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "usable_password", "password1", "password2"),
            },
        ),
        (_("Scope"), {"classes": ("wide",), "fields": ("managed_regions", "managed_stores")}),
    )
    # User.save() derives staff status from the role, so an edited checkbox would be silently undone.
    readonly_fields = ("is_staff", "last_login", "date_joined")
    autocomplete_fields = ("managed_regions", "managed_stores")
    filter_horizontal = ("groups", "user_permissions")
    list_display = ("username", "full_name", "email", "role", "is_active")
    list_filter = ("role", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()
