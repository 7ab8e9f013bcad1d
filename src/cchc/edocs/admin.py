from django.contrib import admin

from .models import AgencyCertificate, DocumentKind, ExternalAgency, Register, TrustedCA


@admin.register(DocumentKind)
class DocumentKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "abbreviation", "group", "valid_from", "valid_to"]


@admin.register(Register)
class RegisterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "agency", "direction", "secret"]
    list_filter = ["direction", "secret"]


@admin.register(ExternalAgency)
class ExternalAgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "endpoint_url", "adapter", "active"]
    search_fields = ["code", "name"]
    exclude = ["token"]  # shared secrets are set with `cchc edocs_setup`, never shown


@admin.register(TrustedCA)
class TrustedCAAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "added_at"]


@admin.register(AgencyCertificate)
class AgencyCertificateAdmin(admin.ModelAdmin):
    list_display = ["agency", "subject", "not_before", "not_after", "active"]
    readonly_fields = ["key_file"]
