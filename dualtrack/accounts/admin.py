"""Users in the HQ-only admin; every change audited, the password change too. API tokens are not managed
here: they are created and rotated on the account page or with ``dualtrack token`` (audited, with expiry)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from dualtrack.core import audit
from dualtrack.core.admin_site import AuditedModelAdmin
from dualtrack.core.choices import AuditAction

from .models import User

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


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

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's password form, plus an audit row when it succeeded (it redirects after saving)."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            target: Any = User.objects.filter(pk=id).first()
            if target is not None:
                audit.record(request.user, AuditAction.UPDATE, target, detail={"password": "changed by HQ"})
        return response
