"""Signing a result: the round trip through pyHanko's validation, the visible stamp, the QR
code, the keys (demo PKI, rotation, remote signing) and the refusals."""

from __future__ import annotations

import io

import pytest
from documents_helpers import (
    CODE,
    SIGNER,
    HsmStandIn,
    decode_qr_codes,
    issue,
    pdf_text,
)
from pypdf import PdfReader, PdfWriter

from motcua.documents import pki
from motcua.documents.models import AgencySigningKey
from motcua.documents.signing import SigningError, sign_result, verification_url
from motcua.documents.verification import Verdict, verify_pdf

pytestmark = pytest.mark.django_db


def test_signed_result_validates_with_the_agency_and_time(signed_pdf, result_pdf, signed_at):
    assert signed_pdf.startswith(result_pdf)  # an incremental update: the content is untouched
    report = verify_pdf(signed_pdf)
    assert report.verdict == Verdict.VALID
    [signature] = report.signatures
    assert signature.intact and signature.trusted and not signature.modified_after_signing
    assert signature.agency_code == "H22.6688"
    assert signature.agency_name == "Ủy ban nhân dân Phường Hạ Long"
    assert signature.signer_name == SIGNER
    assert signature.signed_at == signed_at
    assert signature.result_code == CODE
    assert "MotCua Demo Root CA" in signature.issuer


def test_visible_stamp_names_agency_signer_time_and_code(signed_pdf):
    text = " ".join(pdf_text(signed_pdf, last_page_only=True).split())
    assert "Ký số bởi: Ủy ban nhân dân Phường Hạ Long" in text
    assert f"Người ký: {SIGNER}" in text
    assert "Thời gian ký: 05/03/2026 09:30:15 +07:00" in text
    assert f"Mã kết quả: {CODE}" in text
    assert "Xác thực tại: 127.0.0.1:8000/xac-thuc-ket-qua" in text
    # The stamp is on the last page only; the first page still reads as before.
    assert "Ký số bởi" not in pdf_text(signed_pdf).split("\f")[0]


def test_qr_code_opens_the_verification_page(signed_pdf):
    assert decode_qr_codes(signed_pdf) == [f"http://127.0.0.1:8000/xac-thuc-ket-qua/?ma={CODE}"]
    assert verification_url(CODE) == f"http://127.0.0.1:8000/xac-thuc-ket-qua/?ma={CODE}"


def test_an_agency_without_a_key_cannot_sign(db, result_pdf, signed_at):
    from tests.helpers import get_agency

    agency = get_agency("H22.6685")
    with pytest.raises(SigningError, match="chưa có chứng thư số"):
        sign_result(
            result_pdf,
            agency=agency,
            result_code="X-KQ1",
            signer_name=SIGNER,
            signed_at=signed_at,
            verify_url=verification_url("X-KQ1"),
        )


@pytest.mark.parametrize("content", [b"", b"GIF89a not a pdf", b"%PDF-1.7\nbroken"])
def test_what_is_not_a_pdf_is_refused_with_a_message(demo_pki, agency, signed_at, content):
    with pytest.raises(SigningError, match="PDF"):
        sign_result(
            content,
            agency=agency,
            result_code=CODE,
            signer_name=SIGNER,
            signed_at=signed_at,
            verify_url=verification_url(CODE),
        )


def test_a_password_protected_pdf_is_refused(demo_pki, agency, result_pdf, signed_at):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(result_pdf)))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(SigningError, match="mật khẩu"):
        sign_result(
            out.getvalue(),
            agency=agency,
            result_code=CODE,
            signer_name=SIGNER,
            signed_at=signed_at,
            verify_url=verification_url(CODE),
        )


def test_a_result_is_not_signed_twice(signed_pdf, agency, signed_at):
    with pytest.raises(SigningError, match="đã được ký số"):
        sign_result(
            signed_pdf,
            agency=agency,
            result_code=CODE,
            signer_name=SIGNER,
            signed_at=signed_at,
            verify_url=verification_url(CODE),
        )


def test_rotation_keeps_old_signatures_valid(signed_pdf, agency, result_pdf, signed_at):
    old = pki.active_key(agency)
    new = pki.issue_demo_key(agency)
    old.refresh_from_db()
    assert not old.active and old.retired_at is not None and new.active
    assert verify_pdf(signed_pdf).verdict == Verdict.VALID
    again = sign_result(
        result_pdf,
        agency=agency,
        result_code=CODE + "0",
        signer_name=SIGNER,
        signed_at=signed_at,
        verify_url=verification_url(CODE),
    )
    report = verify_pdf(again)
    assert report.verdict == Verdict.VALID
    assert report.signatures[0].certificate_fingerprint == new.fingerprint != old.fingerprint


def test_a_revoked_agency_certificate_signs_nothing_more(signed_pdf, agency, result_pdf, signed_at):
    from motcua.documents.services import revoke_key

    revoke_key(pki.active_key(agency), "Lộ khóa bí mật do mất máy tính")
    with pytest.raises(SigningError, match="chưa có chứng thư số"):
        sign_result(
            result_pdf,
            agency=agency,
            result_code=CODE,
            signer_name=SIGNER,
            signed_at=signed_at,
            verify_url=verification_url(CODE),
        )
    report = verify_pdf(signed_pdf)
    assert report.verdict == Verdict.REVOKED
    assert report.signatures[0].certificate_revoked


def test_remote_signing_service_signs_through_the_adapter(
    settings, demo_pki, agency, result_pdf, signed_at
):
    """A key held by a remote service: MotCua sends the hash only, never holds the key."""
    from cryptography import x509 as cx509

    from motcua.documents.management.commands.import_signing_key import Command

    root, root_key = pki.demo_root()
    root_cert = cx509.load_pem_x509_certificate(root.certificate_pem.encode())
    cert, key = issue(root_cert, root_key, "Ủy ban nhân dân Phường Hạ Long (HSM)")
    HsmStandIn.keys["hsm-halong-01"] = ([cert, root_cert], key)
    HsmStandIn.calls.clear()
    settings.MOTCUA_REMOTE_SIGNER_BACKEND = "documents_helpers.HsmStandIn"
    Command().handle(agency="H22.6688", file=None, passphrase_env="", remote="hsm-halong-01")
    remote_key = pki.active_key(agency)
    assert remote_key.backend == AgencySigningKey.Backend.REMOTE
    signed = sign_result(
        result_pdf,
        agency=agency,
        result_code=CODE,
        signer_name=SIGNER,
        signed_at=signed_at,
        verify_url=verification_url(CODE),
    )
    assert HsmStandIn.calls == [("hsm-halong-01", 32, "sha256")]
    report = verify_pdf(signed)
    assert report.verdict == Verdict.VALID
    assert report.signatures[0].agency_code == "H22.6688"
    assert "(HSM)" in report.signatures[0].signer_common_name


def test_remote_key_without_a_configured_service_gives_a_message(
    settings, demo_pki, agency, result_pdf, signed_at
):
    key = pki.active_key(agency)
    AgencySigningKey.objects.filter(pk=key.pk).update(backend="remote", remote_key_id="k1")
    settings.MOTCUA_REMOTE_SIGNER_BACKEND = ""
    with pytest.raises(SigningError, match="MOTCUA_REMOTE_SIGNER_BACKEND"):
        sign_result(
            result_pdf,
            agency=agency,
            result_code=CODE,
            signer_name=SIGNER,
            signed_at=signed_at,
            verify_url=verification_url(CODE),
        )


def test_a_naive_signing_time_is_read_as_vietnamese_time(demo_pki, agency, result_pdf):
    import datetime as dt

    signed = sign_result(
        result_pdf,
        agency=agency,
        result_code=CODE,
        signer_name=SIGNER,
        signed_at=dt.datetime(2026, 3, 5, 9, 30, 15),
        verify_url=verification_url(CODE),
    )
    assert "Thời gian ký: 05/03/2026 09:30:15 +07:00" in " ".join(
        pdf_text(signed, last_page_only=True).split()
    )
    assert verify_pdf(signed).signatures[0].signed_at == dt.datetime(
        2026, 3, 5, 2, 30, 15, tzinfo=dt.UTC
    )
