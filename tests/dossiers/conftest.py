"""Dossier fixtures: a real procedure (birth registration, 1.001193) received in Phường Hạ Long."""

from __future__ import annotations

import datetime as dt

import pytest

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
