from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from dualtrack.core.admin_site import AuditedModelAdmin

from .models import User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "county", "park", "department", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name"]
    raw_id_fields = ["enterprise", "assigned_enterprises"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("角色与范围"), {"fields": ("full_name", "phone", "role", "county", "park", "department", "enterprise",
                                  "assigned_enterprises")}),
        (_("状态"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "full_name",
                                                 "county", "park", "department", "enterprise")}),
    )
    readonly_fields = ["last_login", "date_joined"]
