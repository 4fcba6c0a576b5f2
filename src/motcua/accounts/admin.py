from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import (
    BusinessProfile,
    CitizenProfile,
    ContactVerification,
    OfficerMembership,
    User,
)


class MembershipInline(admin.TabularInline):
    model = OfficerMembership
    extra = 0
    raw_id_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "kind", "email", "phone", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name", "email", "phone"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin"), {"fields": ("kind", "full_name", "email", "phone")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "kind", "full_name", "password1", "password2")}),
    )
    inlines = [MembershipInline]


@admin.register(OfficerMembership)
class OfficerMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "title", "is_active", "valid_until"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__full_name", "agency__name", "agency__code"]
    raw_id_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "masked_id",
        "date_of_birth",
        "sex",
        "commune",
        "identity_verified_at",
        "national_login_at",
    ]
    search_fields = ["user__full_name", "=national_id"]
    raw_id_fields = ["user", "commune"]


@admin.register(BusinessProfile)
class BusinessProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "tax_code", "legal_representative"]
    search_fields = ["name", "=tax_code"]
    raw_id_fields = ["user", "commune"]


@admin.register(ContactVerification)
class ContactVerificationAdmin(admin.ModelAdmin):
    """Read-only: support sees whether and when codes went out; the codes are not stored."""

    list_display = ["destination", "channel", "user", "sent_at", "attempts", "verified_at"]
    list_filter = ["channel"]
    search_fields = ["=destination", "user__username"]
    list_select_related = ["user"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
