from django.contrib import admin

from dualtrack.core.admin_site import AuditedModelAdmin

from .models import Department, ElectricityAccount, Enterprise, Industry, KeyList, Park, Region


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "parent", "urban"]
    list_filter = ["level", "urban"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(Park)
class ParkAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "county"]


@admin.register(Industry)
class IndustryAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "level", "section"]
    list_filter = ["level", "section"]


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]


@admin.register(KeyList)
class KeyListAdmin(AuditedModelAdmin):
    list_display = ["code", "name"]


class AccountInline(admin.TabularInline):
    model = ElectricityAccount
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedModelAdmin):
    list_display = ["uscc", "name", "county", "park", "industry_code", "size_class", "normal_headcount", "is_key"]
    list_filter = ["size_class", "is_key", "industry_section"]
    search_fields = ["uscc", "name"]
    raw_id_fields = ["county", "township", "park", "industry_division"]
    filter_horizontal = ["key_lists"]
    inlines = [AccountInline]
    show_full_result_count = False
