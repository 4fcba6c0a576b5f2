from django.contrib import admin

from motcua.organizations.models import AdministrativeUnit, Agency, ReceptionPoint


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "level", "generation", "parent"]
    list_filter = ["generation", "level", "division_type"]
    search_fields = ["name", "codename", "=code"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


class ReceptionPointInline(admin.StackedInline):
    model = ReceptionPoint
    extra = 0
    raw_id_fields = ["commune"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "level", "parent", "effective_from", "effective_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["parent"]
    raw_id_fields = ["province", "commune", "parent", "successor"]
    inlines = [ReceptionPointInline]
