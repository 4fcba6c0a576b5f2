from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, even for administrators."""

    list_display = ["seq", "occurred_at", "kind", "actor_repr", "subject", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["actor_repr", "subject"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
