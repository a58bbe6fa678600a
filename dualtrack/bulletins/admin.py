from django.contrib import admin

from dualtrack.core.admin_site import AuditedModelAdmin

from .models import Subscription


@admin.register(Subscription)
class SubscriptionAdmin(AuditedModelAdmin):
    list_display = ["channel", "user", "target", "active"]
    list_filter = ["channel", "active"]
    raw_id_fields = ["user"]
