"""The only writes of the register of signed results: :func:`register_signed` when a result is
issued, :func:`revoke` when the issuing agency withdraws it.

Revoking changes nothing in the dossier itself: it sends :data:`result_revoked`, which the
dossiers app may receive to mark its own result row (no import of dossiers from here, so
the register works without it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

import django.dispatch
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.accounts.roles import Role
from motcua.core.permissions import roles_for
from motcua.documents import pki
from motcua.documents.models import AgencySigningKey, SignedDocument
from motcua.organizations.models import Agency

REASON_MIN_LENGTH = 10
REASON_MAX_LENGTH = 2000
# Who may revoke a result: the leaders of the issuing agency (or of an agency above it).
REVOKING_ROLES = frozenset({Role.AGENCY_LEADER})

# Sent after a revocation commits: ``document`` is the SignedDocument.
result_revoked = django.dispatch.Signal()


class RegisterError(Exception):
    """A register write refused; ``status`` is 404 / 403 / 409 / 422 like the API's."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _signing_key_of(signed_bytes: bytes) -> AgencySigningKey | None:
    """The agency key whose certificate made the last signature of the file."""
    try:
        signatures = PdfFileReader(io.BytesIO(signed_bytes), strict=False).embedded_signatures
    except (PdfError, ValueError) as error:
        raise RegisterError(_("Tệp kết quả không phải tệp PDF hợp lệ.")) from error
    if not signatures:
        raise RegisterError(_("Tệp kết quả chưa được ký số."))
    cert = signatures[-1].signer_cert
    return AgencySigningKey.objects.filter(fingerprint=pki.fingerprint_der(cert.dump())).first()


def register_signed(
    result_code: str,
    agency: Agency,
    signed_bytes: bytes,
    signer_name: str,
    signed_at: dt.datetime,
    *,
    title: str = "",
) -> SignedDocument:
    """Enter a signed result in the register (idempotent for the same code and content).
    Call it in the transaction that issues the result."""
    code = (result_code or "").strip()
    if not code:
        raise RegisterError(_("Thiếu mã kết quả điện tử."))
    digest = hashlib.sha256(signed_bytes).hexdigest()
    existing = SignedDocument.objects.filter(result_code=code).first()
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        raise RegisterError(_("Mã kết quả %(code)s đã được dùng.") % {"code": code}, 409)
    key = _signing_key_of(signed_bytes)
    if key is not None and key.agency_id != agency.pk:
        raise RegisterError(_("Tệp được ký bằng chứng thư số của cơ quan khác."), 409)
    try:
        with transaction.atomic():
            return SignedDocument.objects.create(
                result_code=code,
                agency=agency,
                title=(title or "")[:255],
                sha256=digest,
                size=len(signed_bytes),
                signer_name=signer_name[:255],
                signed_at=signed_at,
                signing_key=key,
            )
    except IntegrityError as error:  # registered at the same moment by another request
        raise RegisterError(_("Mã kết quả %(code)s đã được dùng.") % {"code": code}, 409) from error


def can_revoke(user: Any, document: SignedDocument) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool(roles_for(user, document.agency_id) & REVOKING_ROLES)


def clean_reason(reason: str) -> str:
    """The reason as stored; ``RegisterError`` (422) when too short or too long."""
    text = " ".join((reason or "").split())
    if len(text) < REASON_MIN_LENGTH:
        raise RegisterError(
            _("Nêu rõ lý do thu hồi (ít nhất %(n)d ký tự).") % {"n": REASON_MIN_LENGTH}
        )
    if len(text) > REASON_MAX_LENGTH:
        raise RegisterError(_("Lý do thu hồi dài quá %(n)d ký tự.") % {"n": REASON_MAX_LENGTH})
    return text


def revoke(result_code: str, reason: str, by: Any) -> SignedDocument:
    """Revoke a signed result (thu hồi): it stays in the register with the date, the reason
    and who revoked it, and every verification reports it as revoked from then on."""
    text = clean_reason(reason)
    with transaction.atomic():
        document = (
            SignedDocument.objects.select_for_update()
            .filter(result_code=(result_code or "").strip())
            .first()
        )
        if document is None:
            raise RegisterError(_("Không có kết quả điện tử mang mã này."), 404)
        if not can_revoke(by, document):
            raise RegisterError(_("Chỉ lãnh đạo cơ quan phát hành được thu hồi kết quả này."), 403)
        if document.is_revoked:
            raise RegisterError(_("Kết quả này đã bị thu hồi trước đó."), 409)
        document.revoked_at = timezone.now()
        document.revocation_reason = text
        document.revoked_by = by if getattr(by, "pk", None) else None
        document.save(update_fields=["revoked_at", "revocation_reason", "revoked_by"])
        transaction.on_commit(lambda: result_revoked.send(sender=SignedDocument, document=document))
    return document


def revoke_key(key: AgencySigningKey, reason: str) -> AgencySigningKey:
    """Revoke an agency certificate (key compromise): it signs nothing more, and every
    signature it made reports "chứng thư số đã bị thu hồi"."""
    text = clean_reason(reason)
    with transaction.atomic():
        key = AgencySigningKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.revocation_reason = text
            key.active = False
            key.retired_at = key.retired_at or key.revoked_at
            key.save(update_fields=["revoked_at", "revocation_reason", "active", "retired_at"])
    return key
