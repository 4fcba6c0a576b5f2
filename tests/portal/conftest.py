"""Fixtures of online submission: files made on the spot (a real PDF, a real JPEG), uploads
kept in a temporary media folder, and a draft filled like a citizen would."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from pypdf import PdfWriter

VN = dt.timezone(dt.timedelta(hours=7))
# Monday 2 March 2026, 09:00 Vietnam time: a plain working day.
MONDAY_9 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
BIRTH = "1.001193"
HALONG_CENTRE, HALONG = "H22.6688.1", "H22.6688"
VANDON_CENTRE, VANDON = "H22.6994.1", "H22.6994"


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_bytes(text: str = "GIAY CHUNG SINH") -> bytes:
    image = Image.new("RGB", (400, 260), "white")
    ImageDraw.Draw(image).text((30, 40), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def citizen_client(client):
    from tests.helpers import get_user

    def sign_in(username: str = "congdan1"):
        client.force_login(get_user(username))
        return client

    return sign_in


def own_form_data(user) -> dict:
    """The e-form as a citizen leaves it when he applies for himself."""
    from motcua.portal.submission_forms import ApplicantForm, applicant_initial

    initial = applicant_initial(user, None)
    post = {
        k: ("on" if v is True else v)
        for k, v in initial.items()
        if v is not None and v is not False
    }
    form = ApplicantForm(data=post, user=user)
    assert form.is_valid(), form.errors
    return form.form_data()


@pytest.fixture
def filled_draft(db):
    """A draft of birth registration at Hạ Long with the e-form filled and one PDF."""
    from motcua.catalog.models import Procedure
    from motcua.organizations.models import Agency
    from motcua.portal import submission as svc
    from tests.helpers import get_user

    def make(username: str = "congdan1", centre: str = HALONG_CENTRE, files: int = 1):
        user = get_user(username)
        procedure = Procedure.objects.get(code=BIRTH)
        draft = svc.start_draft(user, procedure, Agency.objects.get(code=centre))
        draft = svc.save_form(draft, own_form_data(user))
        documents = svc.documents_of(procedure)
        for index in range(files):
            svc.add_upload(
                draft, f"doc-{documents[index].pk}", upload(pdf_bytes(index + 1), "giay.pdf")
            )
        draft.refresh_from_db()
        return draft

    return make


# --- following a dossier ------------------------------------------------------------------------
DESK, LEADER, SPECIALIST, CLERK = (
    "halong.tiepnhan",
    "halong.lanhdao",
    "halong.chuyenvien",
    "halong.vanthu",
)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of March 2026, Vietnam time (2 March is a Monday)."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


def act(dossier, action: str, username: str, when: dt.datetime, **params):
    from motcua.dossiers.services import perform
    from tests.helpers import get_user

    return perform(dossier.code, action, get_user(username), at=when, **params)


@pytest.fixture
def online_dossier(filled_draft):
    """congdan1's birth registration submitted online on Monday 2 March 2026 at 09:00; with
    ``received=True`` the desk received it at 10:00 (appointment by hand: the catalog's
    deadline has no unit), with ``processing=True`` the leader also assigned it."""
    from motcua.portal import submission as svc
    from tests.helpers import get_user

    def make(username: str = "congdan1", *, received: bool = False, processing: bool = False):
        user = get_user(username)
        draft = filled_draft(username)
        dossier = svc.submit_draft(draft.pk, user, str(draft.token), at=MONDAY_9).dossier
        if received or processing:
            dossier = act(dossier, "receive", DESK, at(2, 10), due_at=at(11, 17))
        if processing:
            specialist = get_user(SPECIALIST)
            dossier = act(dossier, "assign", LEADER, at(2, 10, 30), assignee_id=specialist.pk)
        return dossier

    return make
