"""Dossiers in the admin: read-only. Every change goes through dossiers.services (and so
through the back office or the API), never through a raw admin form."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.catalog.admin import ReadOnlyAdmin
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    DossierResult,
    OutboxMessage,
)


class ComponentInline(admin.TabularInline):
    model = DossierComponent
    extra = 0
    can_delete = False
    readonly_fields = ["name", "document", "extra_reason", "originals", "copies", "digitized",
                       "reused", "from_warehouse", "page_count"]  # fmt: skip
    exclude = ["position"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = DossierEvent
    extra = 0
    can_delete = False
    fields = ["seq", "at", "action", "from_status", "to_status", "actor_name", "actor_role", "note"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "applicant_name", "procedure", "status", "received_at", "due_at"]
    list_filter = ["status", "channel"]
    search_fields = ["=code", "applicant_search", "=applicant_id_number"]
    list_select_related = ["procedure"]
    inlines = [ComponentInline, EventInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["key", "topic", "created_at", "delivered_at", "attempts"]
    list_filter = ["topic"]
    search_fields = ["key"]


@admin.register(DossierFile)
class DossierFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "component", "content_type", "page_count", "ocr_status"]
    list_filter = ["ocr_status", "content_type"]
    search_fields = ["original_name", "=sha256", "=component__dossier__code"]
    raw_id_fields = ["component"]


@admin.register(DossierResult)
class DossierResultAdmin(ReadOnlyAdmin):
    """Results are read here only: drafts, approvals and issues go through the services."""

    list_display = ["__str__", "dossier", "kind", "state", "number", "issued_at"]
    list_filter = ["state"]
    search_fields = ["=code", "=dossier__code", "number", "=sha256"]
    raw_id_fields = ["dossier"]
    list_select_related = ["dossier"]
