"""Dossier fixtures: a real procedure (birth registration, 1.001193) received in Phường Hạ Long."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from motcua.catalog.models import Procedure
from motcua.dossiers.services import (
    Applicant,
    ComponentInput,
    Submission,
    appointment_by_hand,
    perform,
    submit,
)
from motcua.organizations.models import Agency
from tests.helpers import get_user

# Monday 2 March 2026, 09:00 Vietnam time: a plain working day.
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def pdf_bytes(title: str = "Giấy khai sinh (dự thảo)", pages: int = 1) -> bytes:
    """A small real PDF (A4 pages; the title in its metadata makes the bytes differ)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def draft_pdf(name: str = "du-thao-giay-khai-sinh.pdf", **kwargs) -> SimpleUploadedFile:
    """The draft result a specialist attaches to ``submit_draft``."""
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


def with_draft(action: str, params: dict) -> dict:
    """``params`` of ``perform`` with a draft PDF when the action submits one and the test
    gave none (the tests of other rules need a valid draft, not a particular one)."""
    if action == "submit_draft" and "result_file" not in params:
        return {**params, "result_file": draft_pdf()}
    return params


def pending_result(dossier, state: str = "draft", by=None):
    """A result row on its way to issue, put in place directly (the transition walk prepares
    states without walking the steps)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from motcua.dossiers.models import DossierResult

    result = DossierResult(
        dossier=dossier,
        kind="Giấy khai sinh",
        original_name="du-thao.pdf",
        size=0,
        sha256="0" * 64,
        state=state,
        drafted_by=by or get_user("halong.chuyenvien"),
        drafted_at=timezone.now(),
    )
    content = pdf_bytes()
    result.size = len(content)
    result.file.save("du-thao.pdf", ContentFile(content), save=False)
    result.save()
    return result


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Stored files (scans, results) go to the test's own folder, never var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def birth_submission(channel: str = "direct", **changes) -> Submission:
    procedure = Procedure.objects.get(code="1.001193")
    document = procedure.documents.order_by("position").first()
    submission = Submission(
        procedure=procedure,
        channel=channel,
        applicant=Applicant(
            name="Nguyễn Văn An",
            id_number="022090001234",
            phone="0912345678",
            email="an.nguyen@example.vn",
            address="Số 12 đường Trần Hưng Đạo",
        ),
        receiving_agency=Agency.objects.get(code="H22.6688.1"),
        competent_agency=Agency.objects.get(code="H22.6688"),
        components=[
            ComponentInput(name=document.name, document_id=document.pk, originals=1, digitized=True)
        ],
        summary="Đăng ký khai sinh cho cháu Nguyễn Minh Khang",
    )
    for key, value in changes.items():
        setattr(submission, key, value)
    return submission


@pytest.fixture
def new_dossier(db):
    def make(channel: str = "direct", at: dt.datetime = MONDAY, **changes):
        return submit(birth_submission(channel, **changes), by=get_user("halong.tiepnhan"), at=at)

    return make


def hand_appointment(dossier, at: dt.datetime) -> dict:
    """The ``due_at`` the desk must enter when the catalog's deadline has no unit (birth
    registration in the national extract: "1" without a unit): a week later at 17:00."""
    if not appointment_by_hand(dossier.procedure, dossier.channel, dossier.subcase_code):
        return {}
    return {"due_at": (at + dt.timedelta(days=7)).replace(hour=17, minute=0)}


@pytest.fixture
def received_dossier(new_dossier):
    def make(at: dt.datetime = MONDAY):
        dossier = new_dossier(at=at)
        desk = get_user("halong.tiepnhan")
        return perform(dossier.code, "receive", desk, at=at, **hand_appointment(dossier, at))

    return make
