from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "unit", "is_active", "is_synthetic"]
    list_filter = ["kind", "is_active", "is_synthetic", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (
            "cchc",
            {
                "fields": [
                    "kind",
                    "full_name",
                    "phone",
                    "unit",
                    "position",
                    "identity_number",
                    "organisation_name",
                    "tax_code",
                    "is_synthetic",
                ]
            },
        ),
    )
