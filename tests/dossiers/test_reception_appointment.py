"""Reception when the catalog's deadline cannot be computed (birth registration's national
extract says "1" without a unit): the desk enters the appointment, after the reception
moment, and the history says it was set by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.catalog.models import Procedure, ProcedureChannel
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import INVALID, DossierError, appointment_by_hand, perform
from tests.dossiers.conftest import MONDAY
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

VN = MONDAY.tzinfo
DESK = "halong.tiepnhan"
BIRTH = "1.001193"


def receive(dossier, **params):
    return perform(dossier.code, "receive", get_user(DESK), at=MONDAY, **params)


def test_which_procedures_need_a_hand_set_appointment():
    procedure = Procedure.objects.get(code=BIRTH)
    assert appointment_by_hand(procedure, "direct")
    channels = ProcedureChannel.objects.filter(procedure=procedure)
    channels.update(duration_value=5, duration_unit="working_days")
    assert not appointment_by_hand(procedure, "direct")
    assert appointment_by_hand(procedure, "no-such-channel")
    # A value the engine refuses (1.5 months) cannot give an appointment either.
    channels.update(duration_value=Decimal("1.5"), duration_unit="months")
    assert appointment_by_hand(procedure, "direct")


@pytest.mark.parametrize(
    ("due_at", "message"),
    [
        (None, "phải nhập ngày hẹn trả"),
        ("", "phải nhập ngày hẹn trả"),
        ("2026-03-09", "không hợp lệ"),
        (dt.datetime(2026, 3, 9, 17, 0), "không hợp lệ"),  # no time zone
        (MONDAY, "phải sau thời điểm tiếp nhận"),
        (MONDAY - dt.timedelta(days=1), "phải sau thời điểm tiếp nhận"),
        (MONDAY + dt.timedelta(days=400), "quá xa"),
    ],
)
def test_a_missing_or_wrong_appointment_is_refused(new_dossier, due_at, message):
    dossier = new_dossier()
    with pytest.raises(DossierError, match=message) as refused:
        receive(dossier, due_at=due_at)
    assert refused.value.kind == INVALID
    dossier.refresh_from_db()
    assert dossier.received_at is None and dossier.status == 1


def test_the_appointment_set_by_hand_is_recorded(new_dossier):
    due = dt.datetime(2026, 3, 9, 16, 30, tzinfo=VN)
    dossier = receive(new_dossier(), due_at=due)
    assert (dossier.received_at, dossier.due_at, dossier.deadline_value) == (MONDAY, due, None)
    event = dossier.events.get(action="receive")
    assert event.data == {"due_at": due.isoformat(), "deadline": None, "due_set_by_hand": True}


def test_a_computable_deadline_is_never_typed_over(new_dossier):
    ProcedureChannel.objects.filter(procedure__code=BIRTH).update(
        duration_value=3, duration_unit="working_days"
    )
    dossier = new_dossier()
    with pytest.raises(DossierError, match="tính tự động"):
        receive(dossier, due_at=MONDAY + dt.timedelta(days=20))
    dossier = receive(dossier)
    assert dossier.due_at == dt.datetime(2026, 3, 5, 17, 0, tzinfo=VN)
    assert "due_set_by_hand" not in dossier.events.get(action="receive").data


# --- the desk's pages -------------------------------------------------------------------------


def reception_post(**changes):
    document = Procedure.objects.get(code=BIRTH).documents.order_by("position")[4]
    data = {
        "channel": "direct",
        "applicant_type": "0",
        "applicant_name": "Lê Thị Hoa",
        "applicant_id_type": "cccd",
        "applicant_id_number": "022195004321",
        "result_delivery": "desk",
        "receiving_agency": "H22.6688.1",
        "competent_agency": "H22.6688",
        f"doc_{document.pk}": "on",
        f"doc_{document.pk}_originals": "1",
        f"doc_{document.pk}_copies": "0",
        "extra-TOTAL_FORMS": "1",
        "extra-INITIAL_FORMS": "0",
        "extra-MIN_NUM_FORMS": "0",
        "extra-MAX_NUM_FORMS": "30",
        "decision": "tiep-nhan",
    }
    data.update(changes)
    return data


RECEPTION_URL = f"/can-bo/ho-so/tiep-nhan/{BIRTH}/"


def test_the_reception_page_asks_for_the_appointment_and_says_why(otp_client):
    client = otp_client(DESK)
    page = client.get(RECEPTION_URL).content.decode()
    assert "Cần nhập ngày hẹn trả khi tiếp nhận." in page
    assert 'name="due_date"' in page and "chưa ghi đơn vị" in page
    response = client.post(RECEPTION_URL, reception_post())
    assert response.status_code == 200
    assert "Nhập ngày hẹn trả kết quả" in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Lê Thị Hoa").exists()
    response = client.post(RECEPTION_URL, reception_post(due_date="01/01/2020"))
    assert "phải sau thời điểm tiếp nhận" in response.content.decode()
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        RECEPTION_URL, reception_post(due_date=day.strftime("%d/%m/%Y"), due_time="15:45")
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Lê Thị Hoa")
    assert timezone.localtime(dossier.due_at) == dt.datetime.combine(
        day, dt.time(15, 45), tzinfo=timezone.localtime().tzinfo
    )
    page = client.get(response["Location"]).content.decode()
    assert "do cán bộ tiếp nhận nhập" in page


def test_the_reception_page_hides_the_field_when_the_deadline_is_known(otp_client):
    ProcedureChannel.objects.filter(procedure__code=BIRTH).update(
        duration_value=3, duration_unit="working_days"
    )
    page = otp_client(DESK).get(RECEPTION_URL).content.decode()
    assert 'name="due_date"' not in page and "Cần nhập ngày hẹn trả" not in page


def test_receiving_an_online_dossier_on_its_page(new_dossier, otp_client):
    dossier = new_dossier(channel="online", at=timezone.now())
    client = otp_client(DESK)
    url = reverse("backoffice:dossiers:detail", kwargs={"dossier_code": dossier.code})
    page = client.get(url).content.decode()
    assert 'name="receive-due_date"' in page
    data = {"action": "receive", "receive-expected_revision": 0}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Nhập ngày hẹn trả kết quả" in response.content.decode()
    day = timezone.localdate() + dt.timedelta(days=5)
    data.update({"receive-due_date": day.strftime("%d/%m/%Y"), "receive-due_time": "10:00"})
    assert client.post(url, data).status_code == 302
    dossier.refresh_from_db()
    assert timezone.localtime(dossier.due_at).date() == day
    assert dossier.events.get(action="receive").data["due_set_by_hand"] is True


def test_the_api_needs_the_appointment_too(new_dossier, otp_client):
    dossier = new_dossier(at=timezone.now())
    client = otp_client(DESK)
    url = f"/api/v1/dossiers/{dossier.code}/actions/receive"
    response = client.post(url, {"due_at": "thứ Hai"}, content_type="application/json")
    assert response.status_code == 422 and "due_at" in response.json()["errors"]
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 422 and "nhập ngày hẹn trả" in response.json()["detail"]
    due = (timezone.localtime() + dt.timedelta(days=3)).replace(microsecond=0)
    response = client.post(url, {"due_at": due.isoformat()}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["due_at"] == due.isoformat()
