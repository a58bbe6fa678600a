"""Django admin for HQ only, with every change audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit
from .scoping import is_hq


class HQAdminSite(admin.AdminSite):
    site_header = _("dualtrack 系统管理")
    site_title = _("dualtrack 系统管理")
    index_title = _("系统管理（仅限市指挥部）")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and is_hq(request.user))


class AuditedModelAdmin(admin.ModelAdmin):
    """HQ may do anything here; each save and delete writes the audit log in the same transaction."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_hq(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_hq(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_hq(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_hq(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_hq(request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk:
                before = audit.snapshot(type(obj)._default_manager.get(pk=obj.pk))
            super().save_model(request, obj, form, change)
            audit.record_change(request.user, obj, before)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            before = audit.m2m_snapshot(form.instance) if change else {}
            super().save_related(request, form, formsets, change)
            audit.record_m2m_change(request.user, form.instance, before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit.record_delete(request.user, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit.record_delete(request.user, obj)
            super().delete_queryset(request, queryset)
