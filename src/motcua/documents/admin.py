"""The register and the keys in the admin: read-only. Keys change through the management
commands (init_demo_pki, import_signing_key, add_trust_root, revoke_signing_key) and results
are revoked on the back-office page, which asks for the reason and checks the role."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.documents.models import AgencySigningKey, CertificateAuthority, SignedDocument


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(CertificateAuthority)
class CertificateAuthorityAdmin(ReadOnlyAdmin):
    list_display = ["name", "is_demo", "not_before", "not_after", "fingerprint"]
    list_filter = ["is_demo"]


@admin.register(AgencySigningKey)
class AgencySigningKeyAdmin(ReadOnlyAdmin):
    list_display = [
        "agency",
        "backend",
        "serial_number",
        "active",
        "is_demo",
        "not_after",
        "revoked_at",
    ]
    list_filter = ["backend", "active", "is_demo"]
    search_fields = ["agency__code", "agency__name", "serial_number", "fingerprint"]
    list_select_related = ["agency"]


@admin.register(SignedDocument)
class SignedDocumentAdmin(ReadOnlyAdmin):
    list_display = ["result_code", "agency", "signer_name", "signed_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["result_code", "sha256"]
    list_select_related = ["agency"]
    date_hierarchy = "signed_at"
