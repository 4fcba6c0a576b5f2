from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.core.models import CalendarOverride, SecurityEvent


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


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Days off and make-up working days, province-wide (no agency) or for one agency."""

    list_display = ["date", "kind", "agency", "reason", "created_at"]
    list_filter = ["kind", ("agency", admin.EmptyFieldListFilter)]
    search_fields = ["reason", "agency__code", "agency__name"]
    date_hierarchy = "date"
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["created_at"]
