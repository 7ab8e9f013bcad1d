from django.contrib import admin

from .models import AgencyCertificate, DocumentKind, ExternalAgency, Register, TrustedCA


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "abbreviation", "group", "valid_from", "valid_to"]


class ReadOnly(admin.ModelAdmin):
    """Changed on the exchange settings pages (/edocs/settings/) or by `cchc edocs_setup`, through the
    services that check them and record typed audit events; shown here, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Register)
class RegisterAdmin(ReadOnly):
    list_display = ["code", "name", "agency", "direction", "secret"]
    list_filter = ["direction", "secret"]


@admin.register(ExternalAgency)
class ExternalAgencyAdmin(ReadOnly):
    list_display = ["code", "name", "endpoint_url", "adapter", "active"]
    search_fields = ["code", "name"]
    exclude = ["token"]  # shared secrets are never shown


@admin.register(TrustedCA)
class TrustedCAAdmin(ReadOnly):
    list_display = ["name", "active", "added_at"]


@admin.register(AgencyCertificate)
class AgencyCertificateAdmin(ReadOnly):
    list_display = ["agency", "subject", "not_before", "not_after", "active"]
    exclude = ["key_file"]
