"""Verifying an electronic result: by its code (the register) or by the PDF itself.

:func:`verify_pdf` checks every signature in a file with pyHanko and reports, for each:

* **integrity** — the signed bytes are unchanged (the digest and the signature match) *and*
  nothing but signatures, form filling or archival data was added after signing (pyHanko's
  difference analysis, "modification level"): one byte changed inside the signed range, or
  a page rewritten in a later revision, makes it **broken**;
* **trusted** — the signer's certificate chains to a root in ``CertificateAuthority`` (the
  demo root, or the licensed CAs' roots a production installation adds);
* **issuing agency** — the agency whose registered key made the signature;
* **signing time** and **result code** — both read from the signed signature dictionary;
* **revoked** — the register's entry for that code (or that exact file) was revoked, or the
  agency certificate was revoked for compromise.

A revoked result keeps its register entry, so both paths still find it and say why.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from motcua.documents import pki
from motcua.documents.models import AgencySigningKey, SignedDocument
from motcua.documents.signing import outside_event_loop, result_code_from_reason

logger = logging.getLogger(__name__)

# Changes after signing that leave a signature whole: none, archival data (DSS, document
# timestamps), further signatures and form filling (a second signer on a component).
_ALLOWED_AFTER_SIGNING = ModificationLevel.FORM_FILLING


class Verdict(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    UNTRUSTED = "untrusted"
    BROKEN = "broken"
    UNSIGNED = "unsigned"
    NOT_PDF = "not_pdf"


@dataclass
class SignatureReport:
    """One signature of the file."""

    field_name: str
    signer_subject: str
    signer_common_name: str
    signer_name: str  # the /Name of the signature dictionary (the person who signed)
    issuer: str
    signed_at: dt.datetime | None
    intact: bool  # the signed bytes and the cryptographic signature match
    modified_after_signing: bool
    trusted: bool
    result_code: str = ""
    certificate_fingerprint: str = ""
    agency_code: str = ""
    agency_name: str = ""
    certificate_revoked: bool = False
    certificate_revoked_at: dt.datetime | None = None
    certificate_revocation_reason: str = ""
    error: str = ""

    @property
    def integrity_ok(self) -> bool:
        return self.intact and not self.modified_after_signing and not self.error


@dataclass
class VerificationReport:
    """What :func:`verify_pdf` found; ``verdict`` sums it up."""

    is_pdf: bool
    sha256: str
    size: int
    signatures: list[SignatureReport] = field(default_factory=list)
    document: SignedDocument | None = None
    matches_register: bool = False  # the very file the register recorded

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def integrity_ok(self) -> bool:
        return self.signed and all(s.integrity_ok for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return self.signed and all(s.trusted for s in self.signatures)

    @property
    def revoked(self) -> bool:
        document_revoked = self.document is not None and self.document.is_revoked
        return document_revoked or any(s.certificate_revoked for s in self.signatures)

    @property
    def main(self) -> SignatureReport | None:
        """The signature that matters most: the agency's result signature, else the last."""
        for signature in reversed(self.signatures):
            if signature.result_code:
                return signature
        return self.signatures[-1] if self.signatures else None

    @property
    def verdict(self) -> Verdict:
        if not self.is_pdf:
            return Verdict.NOT_PDF
        if not self.signed:
            return Verdict.UNSIGNED
        if not self.integrity_ok:
            return Verdict.BROKEN
        if self.revoked:
            return Verdict.REVOKED
        if not self.trusted:
            return Verdict.UNTRUSTED
        return Verdict.VALID

    @property
    def message(self) -> str:
        return verdict_message(self.verdict)


def verdict_message(verdict: Verdict) -> str:
    return {
        Verdict.VALID: _(
            "Chữ ký số hợp lệ: tệp còn nguyên vẹn từ khi ký và chứng thư số được tin cậy."
        ),
        Verdict.REVOKED: _("Kết quả này đã bị thu hồi, không còn giá trị sử dụng."),
        Verdict.UNTRUSTED: _(
            "Tệp còn nguyên vẹn nhưng chứng thư số không do tổ chức chứng thực được hệ "
            "thống tin cậy cấp."
        ),
        Verdict.BROKEN: _(
            "Tệp đã bị thay đổi sau khi ký: nội dung không còn đúng với bản đã ký số."
        ),
        Verdict.UNSIGNED: _("Tệp không có chữ ký số."),
        Verdict.NOT_PDF: _("Tệp tải lên không phải tệp PDF hợp lệ."),
    }[verdict]


def _validation_context() -> ValidationContext:
    # No network at run time: no fetching of CRLs/OCSP; a certificate without revocation
    # information is not held against the signer ("soft-fail"). Agency certificates are
    # revoked in our own register instead (AgencySigningKey.revoked_at).
    return ValidationContext(
        trust_roots=pki.trust_roots(), allow_fetching=False, revocation_mode="soft-fail"
    )


def _names(cert: asn1_x509.Certificate) -> tuple[str, str, str]:
    """(subject, common name, issuer) of a certificate, for people."""
    try:
        parsed = x509.load_der_x509_certificate(cert.dump())
        common = parsed.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
        return (
            pki.describe_name(parsed.subject),
            str(common[0].value) if common else "",
            pki.describe_name(parsed.issuer),
        )
    except (ValueError, TypeError):
        return "", "", ""


def _text(value: object) -> str:
    return str(value) if value is not None else ""


def _check_signature(embedded: Any, context: ValidationContext) -> SignatureReport:
    sig_object = embedded.sig_object
    cert = embedded.signer_cert
    subject, common, issuer = _names(cert)
    report = SignatureReport(
        field_name=_text(embedded.field_name),
        signer_subject=subject,
        signer_common_name=common,
        signer_name=_text(sig_object.get("/Name")),
        issuer=issuer,
        signed_at=embedded.self_reported_timestamp,
        intact=False,
        modified_after_signing=False,
        trusted=False,
        result_code=result_code_from_reason(sig_object.get("/Reason")),
        certificate_fingerprint=pki.fingerprint_der(cert.dump()),
    )
    try:
        status = outside_event_loop(validate_pdf_signature, embedded, context)
    except Exception as error:  # noqa: BLE001 — any malformed signature is a broken one
        logger.info("signature %s unreadable: %s", report.field_name, error)
        report.error = _("Không đọc được chữ ký số này.")
        return report
    report.intact = bool(status.intact and status.valid)
    level = status.modification_level
    report.modified_after_signing = (
        level is not None and level > _ALLOWED_AFTER_SIGNING
    ) or status.docmdp_ok is False
    report.trusted = bool(status.trusted)
    report.signed_at = status.signer_reported_dt or report.signed_at
    key = (
        AgencySigningKey.objects.select_related("agency")
        .filter(fingerprint=report.certificate_fingerprint)
        .first()
    )
    if key is not None:
        if report.trusted:
            report.agency_code, report.agency_name = key.agency.code, key.agency.name
        if key.revoked_at is not None:
            report.certificate_revoked = True
            report.certificate_revoked_at = key.revoked_at
            report.certificate_revocation_reason = key.revocation_reason
    return report


def _unreadable(name: str, sig_object: Any) -> SignatureReport:
    """A signature whose container cannot even be parsed: it proves nothing."""
    try:
        signer_name = _text(sig_object.get_object().get("/Name"))
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        signer_name = ""
    return SignatureReport(
        field_name=_text(name),
        signer_subject="",
        signer_common_name="",
        signer_name=signer_name,
        issuer="",
        signed_at=None,
        intact=False,
        modified_after_signing=False,
        trusted=False,
        error=_("Không đọc được chữ ký số này."),
    )


def _read_signature(
    reader: PdfFileReader, filled: tuple[str, Any, Any], context: ValidationContext
) -> SignatureReport:
    name, sig_object, sig_field = filled
    try:
        embedded = EmbeddedPdfSignature(reader, sig_field, name)
        embedded.signer_cert  # noqa: B018 — parses the certificates, may raise
    except Exception as error:  # noqa: BLE001 — a damaged container is a broken signature
        logger.info("signature %s unreadable: %s", name, error)
        return _unreadable(name, sig_object)
    return _check_signature(embedded, context)


def verify_pdf(data: bytes) -> VerificationReport:
    """Check every signature of ``data`` and look the result up in the register."""
    report = VerificationReport(
        is_pdf=False, sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )
    if not data.lstrip()[:5] == b"%PDF-":
        return report
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        if reader.encrypted:
            return report
        filled = list(enumerate_sig_fields(reader, filled_status=True))
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as error:
        logger.info("not a readable PDF: %s", error)
        return report
    report.is_pdf = True
    if filled:
        context = _validation_context()
        report.signatures = [_read_signature(reader, f, context) for f in filled]
    document = SignedDocument.objects.select_related("agency").filter(sha256=report.sha256).first()
    if document is not None:
        report.matches_register = True
    else:
        codes = [s.result_code for s in report.signatures if s.result_code]
        if codes:
            document = (
                SignedDocument.objects.select_related("agency")
                .filter(result_code=codes[-1])
                .first()
            )
    report.document = document
    return report


@dataclass
class CodeReport:
    """What the register says about a result code."""

    document: SignedDocument
    certificate_subject: str
    certificate_issuer: str
    certificate_revoked: bool
    certificate_revocation_reason: str

    @property
    def revoked(self) -> bool:
        return self.document.is_revoked or self.certificate_revoked

    @property
    def verdict(self) -> Verdict:
        return Verdict.REVOKED if self.revoked else Verdict.VALID


def clean_code(value: object) -> str:
    return " ".join(str(value or "").split()).upper()[:80]


def verify_code(code: str) -> CodeReport | None:
    """The register entry of ``code`` (revoked ones included), or ``None``."""
    document = (
        SignedDocument.objects.select_related("agency", "signing_key", "revoked_by")
        .filter(result_code=clean_code(code))
        .first()
    )
    if document is None:
        return None
    key = document.signing_key
    cert = pki.load_pem(key.certificate_pem) if key else None
    return CodeReport(
        document=document,
        certificate_subject=pki.describe_name(cert.subject) if cert else "",
        certificate_issuer=pki.describe_name(cert.issuer) if cert else "",
        certificate_revoked=bool(key and key.revoked_at),
        certificate_revocation_reason=key.revocation_reason if key else "",
    )


def validate_uploaded_signatures(data: bytes) -> dict[str, Any]:
    """The digital signatures of a component uploaded at reception, summed up for the
    component's record: ``signed``, ``valid`` (every signature whole), ``signer``,
    ``signed_at`` (ISO 8601), ``trusted``, plus ``revoked`` and ``count``. A file that is not
    a PDF (a scan) is simply not signed."""
    report = verify_pdf(data)
    main = report.main
    if main is None:
        return {
            "signed": False,
            "valid": None,
            "signer": "",
            "signed_at": None,
            "trusted": None,
            "revoked": False,
            "count": 0,
        }
    return {
        "signed": True,
        "valid": report.integrity_ok,
        "signer": main.signer_common_name or main.signer_name or main.signer_subject,
        "signed_at": main.signed_at.isoformat() if main.signed_at else None,
        "trusted": report.trusted,
        "revoked": report.revoked,
        "count": len(report.signatures),
    }


def max_upload_bytes() -> int:
    return int(settings.MOTCUA_UPLOAD_MAX_MB) * 1024 * 1024


def read_upload(upload: object) -> tuple[bytes | None, str]:
    """The uploaded file's bytes, or an error for the form."""
    if upload is None:
        return None, _("Chọn tệp PDF cần xác thực.")
    if upload.size > max_upload_bytes():
        return None, _("Tệp lớn quá %(mb)d MB.") % {"mb": settings.MOTCUA_UPLOAD_MAX_MB}
    if upload.size == 0:
        return None, _("Tệp rỗng.")
    return upload.read(), ""
