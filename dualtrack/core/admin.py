from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from . import policy
from .admin_site import AuditedModelAdmin
from .choices import Action
from .models import AuditLog, CalendarDay


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Readable by HQ; no one adds, changes or deletes audit rows."""

    list_display = ["at", "clock_at", "actor_username", "action", "object_type", "object_repr", "ip"]  # real, clock
    list_filter = ["action", "object_type"]
    search_fields = ["actor_username", "object_repr", "object_id"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.allows(request.user, AuditLog, Action.VIEW)  # the declared rule: HQ's

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.allows(request.user, AuditLog, Action.VIEW)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False



@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedModelAdmin):
    """HQ keeps holidays and adjusted working days here (overrides and extends chinese-calendar)."""

    list_display = ["date", "is_working", "name"]
    list_filter = ["is_working"]
    date_hierarchy = "date"
