"""Django admin for the registry, for system administrators. Day-to-day work uses the cchc pages,
which go through the services (and so the audit log); the admin is read-mostly by design."""

from django.contrib import admin

from .models import AdministrativeArea, Agency, AgencyChange, RoleAssignment


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "type", "parent", "valid_from", "valid_to"]
    list_filter = ["type", "valid_to"]
    search_fields = ["code", "name", "short_name"]


@admin.register(AgencyChange)
class AgencyChangeAdmin(ReadOnlyAdmin):
    list_display = ["effective_on", "agency", "kind", "successor", "decision"]
    list_filter = ["kind"]
    date_hierarchy = "effective_on"


@admin.register(AdministrativeArea)
class AdministrativeAreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "setting", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "setting"]
    search_fields = ["code", "name"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "agency", "include_subtree", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "agency__name"]
