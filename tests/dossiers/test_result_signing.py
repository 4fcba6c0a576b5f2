"""Issuing a result signs it: the competent agency's certificate, the register of signed
results, the signed copy the applicant receives, revocation that reaches the dossier, and the
signatures of uploaded components checked at reception."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.documents import pki
from motcua.documents.models import SignedDocument
from motcua.documents.services import revoke
from motcua.documents.verification import Verdict, verify_code, verify_pdf
from motcua.dossiers.files import attach_file
from motcua.dossiers.models import ResultDelivery, Status
from motcua.dossiers.services import CONFLICT, DossierError, perform
from tests.dossiers.conftest import MONDAY, draft_pdf
from tests.dossiers.test_results import otp
from tests.helpers import get_agency, get_user

pytestmark = pytest.mark.django_db

DESK, LEADER, SPECIALIST, CLERK = (
    "halong.tiepnhan",
    "halong.lanhdao",
    "halong.chuyenvien",
    "halong.vanthu",
)
AGENCY = "H22.6688"
ISSUED_AT = MONDAY + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _pki_in_tmp(settings, tmp_path_factory):
    settings.MOTCUA_PKI_DIR = tmp_path_factory.getbasetemp() / "pki-result-signing"


@pytest.fixture
def agency_key(db):
    pki.init_demo_pki([AGENCY])
    return pki.active_key(get_agency(AGENCY))


def act(dossier, action, username, **params):
    return perform(dossier.code, action, get_user(username), **params)


def approved_dossier(new_dossier, **changes):
    dossier = new_dossier(**changes)
    dossier = act(dossier, "receive", DESK, at=MONDAY, due_at=MONDAY + dt.timedelta(days=7))
    dossier = act(dossier, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)
    dossier = act(dossier, "submit_draft", SPECIALIST, result_file=draft_pdf())
    return act(dossier, "approve", LEADER)


def test_issue_signs_the_result_and_registers_it(new_dossier, agency_key):
    dossier = act(approved_dossier(new_dossier), "issue_result", CLERK, at=ISSUED_AT)
    result = dossier.results.get()
    assert dossier.status == Status.RESOLVED and result.is_signed
    with result.file.open("rb") as handle:
        approved = handle.read()
    with result.signed_file.open("rb") as handle:
        signed = handle.read()
    assert approved != signed and signed.startswith(approved[:5])
    assert result.issued_file == result.signed_file and result.issued_sha256 == result.signed_sha256
    assert result.signed_size == len(signed) and result.signed_at == ISSUED_AT

    report = verify_pdf(signed)
    assert report.verdict == Verdict.VALID and report.matches_register
    assert report.main.result_code == result.code
    assert report.main.agency_code == AGENCY
    assert report.main.signer_name == get_user(LEADER).get_full_name()

    document = SignedDocument.objects.get(result_code=result.code)
    assert document.agency.code == AGENCY and document.signing_key == agency_key
    assert verify_code(result.code).document == document

    # What is handed over is the signed copy, not the approved draft.
    officer_copy = otp(DESK).get(
        reverse("backoffice:dossiers:result_file", args=[dossier.code, result.pk])
    )
    assert b"".join(officer_copy.streaming_content) == signed


def test_revocation_reaches_the_dossier_result(
    new_dossier, agency_key, django_capture_on_commit_callbacks
):
    dossier = act(approved_dossier(new_dossier), "issue_result", CLERK, at=ISSUED_AT)
    result = dossier.results.get()
    with django_capture_on_commit_callbacks(execute=True):
        revoke(result.code, "Cấp sai ngày sinh của trẻ, thu hồi để cấp lại.", get_user(LEADER))
    result.refresh_from_db()
    assert result.state == "revoked" and "sai ngày sinh" in result.note
    assert verify_code(result.code).verdict == Verdict.REVOKED


def test_without_a_certificate_a_paper_result_is_issued_unsigned(new_dossier, settings):
    assert pki.active_key(get_agency(AGENCY)) is None
    dossier = act(approved_dossier(new_dossier), "issue_result", CLERK, at=ISSUED_AT)
    result = dossier.results.get()
    assert result.state == "issued" and not result.is_signed
    assert result.issued_file == result.file and not SignedDocument.objects.exists()


def test_an_electronic_result_needs_the_agency_certificate(new_dossier):
    dossier = approved_dossier(new_dossier, result_delivery=ResultDelivery.ELECTRONIC)
    with pytest.raises(DossierError) as refused:
        act(dossier, "issue_result", CLERK, at=ISSUED_AT)
    assert refused.value.kind == CONFLICT and "chưa có chứng thư số" in str(refused.value)
    dossier.refresh_from_db()
    result = dossier.results.get()
    assert dossier.status == Status.PROCESSING and result.state == "approved"
    assert result.code is None and not result.signed_file


def test_signed_components_are_checked_at_reception(new_dossier, agency_key):
    """A citizen reuses a signed result as a component of a new dossier: the officer sees it
    is signed, whole and trusted; a tampered copy is marked broken; a scan is not signed."""
    issued = act(approved_dossier(new_dossier), "issue_result", CLERK, at=ISSUED_AT)
    with issued.results.get().signed_file.open("rb") as handle:
        signed = handle.read()
    dossier = new_dossier()
    component = dossier.components.first()
    desk = get_user(DESK)
    upload = SimpleUploadedFile("giay-khai-sinh.pdf", signed, content_type="application/pdf")
    record = attach_file(dossier.code, component.pk, upload, desk)
    assert record.signature["signed"] and record.signature["valid"]
    assert record.signature["trusted"] and not record.signature["revoked"]
    assert record.signature["count"] == 1
    assert record.signature_label.startswith("Ký số hợp lệ bởi")

    position = signed.index(b"/Title")  # a byte inside the signed range changes
    tampered = signed[:position] + b"/Titlf" + signed[position + 6 :]
    upload = SimpleUploadedFile("ban-sua.pdf", tampered, content_type="application/pdf")
    record = attach_file(dossier.code, component.pk, upload, desk)
    assert record.signature["signed"] and record.signature["valid"] is False
    assert "không hợp lệ" in record.signature_label

    plain = SimpleUploadedFile("scan.pdf", draft_pdf().read(), content_type="application/pdf")
    record = attach_file(dossier.code, component.pk, plain, desk)
    assert record.signature == {} and record.signature_label == ""
