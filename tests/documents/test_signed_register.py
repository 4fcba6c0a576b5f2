"""The register of signed results: entering a result, revoking it, and who may."""

from __future__ import annotations

import pytest
from documents_helpers import CODE, SIGNER

from motcua.documents.models import SignedDocument
from motcua.documents.services import (
    RegisterError,
    register_signed,
    result_revoked,
    revoke,
)
from motcua.documents.signing import sign_result, verification_url
from tests.helpers import get_agency, get_user

pytestmark = pytest.mark.django_db

REASON = "Kết quả cấp nhầm người, đã cấp lại bằng kết quả khác"


def test_register_records_the_key_the_hash_and_is_idempotent(registered, signed_pdf, agency):
    import hashlib

    assert registered.sha256 == hashlib.sha256(signed_pdf).hexdigest()
    assert registered.size == len(signed_pdf)
    assert registered.signing_key.agency == agency and registered.signing_key.active
    again = register_signed(CODE, agency, signed_pdf, SIGNER, registered.signed_at)
    assert again.pk == registered.pk
    assert SignedDocument.objects.filter(result_code=CODE).count() == 1


def test_a_code_is_never_reused_for_other_content(registered, agency, result_pdf, signed_at):
    other = sign_result(
        result_pdf,
        agency=agency,
        result_code=CODE,
        signer_name="Người khác",
        signed_at=signed_at,
        verify_url=verification_url(CODE),
    )
    with pytest.raises(RegisterError) as error:
        register_signed(CODE, agency, other, "Người khác", signed_at)
    assert error.value.status == 409


def test_unsigned_files_and_foreign_keys_are_refused(signed_pdf, result_pdf, signed_at):
    with pytest.raises(RegisterError, match="chưa được ký số"):
        register_signed("A-KQ1", get_agency("H22.6688"), result_pdf, SIGNER, signed_at)
    with pytest.raises(RegisterError) as error:
        register_signed("A-KQ2", get_agency("H22.6994"), signed_pdf, SIGNER, signed_at)
    assert error.value.status == 409
    with pytest.raises(RegisterError):
        register_signed("  ", get_agency("H22.6688"), signed_pdf, SIGNER, signed_at)


def test_the_agency_leader_revokes_with_a_reason(registered, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, document, **kwargs):
        received.append(document.result_code)

    result_revoked.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            document = revoke(CODE, f"  {REASON}  ", get_user("halong.lanhdao"))
    finally:
        result_revoked.disconnect(receiver)
    assert document.is_revoked and document.revocation_reason == REASON
    assert document.revoked_by == get_user("halong.lanhdao")
    assert received == [CODE]
    with pytest.raises(RegisterError) as error:
        revoke(CODE, REASON, get_user("halong.lanhdao"))
    assert error.value.status == 409


@pytest.mark.parametrize(
    ("username", "status"),
    [("halong.chuyenvien", 403), ("halong.vanthu", 403), ("vandon.lanhdao", 403)],
)
def test_others_cannot_revoke(registered, username, status):
    with pytest.raises(RegisterError) as error:
        revoke(CODE, REASON, get_user(username))
    assert error.value.status == status
    registered.refresh_from_db()
    assert not registered.is_revoked


def test_a_reason_is_required_and_the_code_must_exist(registered):
    leader = get_user("halong.lanhdao")
    with pytest.raises(RegisterError) as error:
        revoke(CODE, "sai", leader)
    assert error.value.status == 422
    with pytest.raises(RegisterError) as error:
        revoke(CODE, "x" * 2001, leader)
    assert error.value.status == 422
    with pytest.raises(RegisterError) as error:
        revoke("KHONG-CO-KQ1", REASON, leader)
    assert error.value.status == 404
