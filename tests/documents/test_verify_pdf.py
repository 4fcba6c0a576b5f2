"""Verifying files: tampering, changes after signing, trust, revocation, the register, and
the signatures of components uploaded at reception."""

from __future__ import annotations

import io

import pytest
from documents_helpers import (
    CODE,
    SIGNER,
    append_revision,
    issue,
    make_ca,
    signed_range,
    simple_signer,
    tamper,
)
from PIL import Image

from motcua.documents.services import revoke
from motcua.documents.signing import Stamp, sign_with
from motcua.documents.verification import (
    Verdict,
    validate_uploaded_signatures,
    verify_code,
    verify_pdf,
)
from tests.helpers import get_user

pytestmark = pytest.mark.django_db


def test_one_flipped_byte_in_the_content_breaks_integrity(signed_pdf):
    altered = tamper(signed_pdf)
    assert len(altered) == len(signed_pdf) and altered != signed_pdf
    report = verify_pdf(altered)
    assert report.verdict == Verdict.BROKEN
    [signature] = report.signatures
    assert not signature.intact and not signature.integrity_ok
    assert "thay đổi sau khi ký" in report.message


def test_a_flipped_byte_in_the_signature_value_breaks_it_too(signed_pdf):
    start, length, second, _ = signed_range(signed_pdf)
    gap = signed_pdf[start + length : second]  # the hex of the signature container
    first_digit = start + length + 1 + next(i for i, c in enumerate(gap[1:]) if c != ord("0"))
    altered = bytearray(signed_pdf)
    altered[first_digit + 40] = ord("0") if altered[first_digit + 40] != ord("0") else ord("1")
    assert verify_pdf(bytes(altered)).verdict == Verdict.BROKEN


def test_a_revision_added_after_signing_is_reported_as_modified(signed_pdf, registered):
    altered = append_revision(signed_pdf)
    assert altered.startswith(signed_pdf)
    report = verify_pdf(altered)
    [signature] = report.signatures
    assert signature.intact  # the signed bytes are still there, untouched …
    assert signature.modified_after_signing  # … but the document shown is another one
    assert report.verdict == Verdict.BROKEN
    # Found in the register by the code inside the signature, but not the issued file.
    assert report.document == registered and not report.matches_register


def test_the_issued_file_matches_the_register(signed_pdf, registered):
    report = verify_pdf(signed_pdf)
    assert report.document == registered and report.matches_register
    assert report.verdict == Verdict.VALID


def test_revocation_is_reported_and_the_result_stays_findable(signed_pdf, registered):
    revoke(CODE, "Cấp sai ngày sinh của người được khai sinh", get_user("halong.lanhdao"))
    report = verify_pdf(signed_pdf)
    assert report.verdict == Verdict.REVOKED
    assert report.integrity_ok  # still whole: revoked, not forged
    assert report.document.revocation_reason == "Cấp sai ngày sinh của người được khai sinh"
    found = verify_code(CODE.lower())
    assert found is not None and found.verdict == Verdict.REVOKED
    assert found.document.revoked_at is not None


def test_a_certificate_from_an_unknown_ca_is_not_trusted(demo_pki, result_pdf, signed_at):
    ca_cert, ca_key = make_ca("Unknown CA")
    cert, key = issue(ca_cert, ca_key, "Ủy ban nhân dân Phường Hạ Long")  # same name, other CA
    stamp = Stamp("Ủy ban nhân dân Phường Hạ Long", SIGNER, signed_at, CODE, "http://x/")
    signed = sign_with(simple_signer(cert, key, [ca_cert]), result_pdf, stamp)
    report = verify_pdf(signed)
    assert report.verdict == Verdict.UNTRUSTED
    [signature] = report.signatures
    assert signature.integrity_ok and not signature.trusted
    assert signature.agency_code == "" and signature.agency_name == ""


def test_unsigned_and_non_pdf_files(result_pdf):
    assert verify_pdf(result_pdf).verdict == Verdict.UNSIGNED
    assert verify_pdf(b"").verdict == Verdict.NOT_PDF
    assert verify_pdf(b"\x89PNG\r\n\x1a\n....").verdict == Verdict.NOT_PDF
    assert verify_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> trailer").verdict in {
        Verdict.NOT_PDF,
        Verdict.UNSIGNED,
    }
    assert verify_pdf(result_pdf[: len(result_pdf) // 2]).verdict in {
        Verdict.NOT_PDF,
        Verdict.UNSIGNED,
    }


def test_uploaded_component_signatures(signed_pdf, result_pdf):
    good = validate_uploaded_signatures(signed_pdf)
    assert good == {
        "signed": True,
        "valid": True,
        "signer": "Ủy ban nhân dân Phường Hạ Long",
        "signed_at": "2026-03-05T09:30:15+07:00",
        "trusted": True,
        "revoked": False,
        "count": 1,
    }
    bad = validate_uploaded_signatures(tamper(signed_pdf))
    assert bad["signed"] is True and bad["valid"] is False
    unsigned = validate_uploaded_signatures(result_pdf)
    assert unsigned["signed"] is False and unsigned["valid"] is None
    scan = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(scan, format="JPEG")
    assert validate_uploaded_signatures(scan.getvalue())["signed"] is False


def test_a_second_signature_keeps_the_first_whole(signed_pdf, signed_at):
    """A component signed by the citizen, then countersigned: form filling is allowed."""
    ca_cert, ca_key = make_ca("Other CA")
    cert, key = issue(ca_cert, ca_key, "Trần Thị Lan")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    out = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="Countersign"),
        signer=simple_signer(cert, key, [ca_cert]),
        new_field_spec=fields.SigFieldSpec("Countersign"),
    ).sign_pdf(writer)
    report = verify_pdf(out.getvalue())
    first, second = report.signatures
    assert first.integrity_ok and first.trusted and first.result_code == CODE
    assert second.integrity_ok and not second.trusted
    assert report.main is first
