"""Admin for the catalog. Procedures are read-only here: their content changes only through
the back office (catalog managers), which writes a version and keeps the history. What the
admin edits are the links to our agencies and the fields list."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.catalog.models import (
    Procedure,
    ProcedureField,
    ProcedureImplementation,
    ProcedureVersion,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImplementationInline(admin.TabularInline):
    model = ProcedureImplementation
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "field", "online_class", "status", "version"]
    list_filter = ["status", "online_class", "field"]
    search_fields = ["=code", "name", "search_name"]
    list_select_related = ["field"]
    exclude = ["source", "parse_status"]
    inlines = [ImplementationInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Viewing is allowed so the implementation links (the inline) can be edited.
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields if f.name not in {"source", "parse_status"}]


@admin.register(ProcedureImplementation)
class ProcedureImplementationAdmin(admin.ModelAdmin):
    list_display = ["procedure", "agency", "role", "level", "is_active"]
    list_filter = ["role", "level", "is_active"]
    search_fields = ["=procedure__code", "procedure__name", "agency__name", "agency__code"]
    raw_id_fields = ["procedure", "agency"]
    list_select_related = ["procedure", "agency"]


@admin.register(ProcedureField)
class ProcedureFieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "number", "created_at", "created_by", "reason"]
    search_fields = ["=procedure__code"]
    list_select_related = ["procedure", "created_by"]
    raw_id_fields = ["procedure"]
