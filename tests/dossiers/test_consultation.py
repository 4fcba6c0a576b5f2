"""Consulting a cooperating agency (xin ý kiến, liên thông — DOMAIN §2): the request with its
own allotment on the consulted agency's calendar, the answer by that agency's officers, the
draft held back while an opinion is awaited, and the rows of Form 06."""

import datetime as dt

import pytest
from django.urls import reverse

from motcua.core.models import CalendarOverride, CalendarOverrideKind
from motcua.dossiers.models import DossierConsultation, Status
from motcua.dossiers.selectors import allowed_actions
from motcua.dossiers.services import CONFLICT, FORBIDDEN, INVALID, DossierError, perform
from motcua.dossiers.steps import EARLY, LATE, step_history
from motcua.dossiers.transitions import Action
from tests.dossiers.conftest import MONDAY, with_draft
from tests.helpers import get_agency, get_user

pytestmark = pytest.mark.django_db

VN = MONDAY.tzinfo
DESK, LEADER, SPECIALIST = "halong.tiepnhan", "halong.lanhdao", "halong.chuyenvien"
JUSTICE = "H22.03"  # Sở Tư pháp
JUSTICE_SPECIALIST, JUSTICE_CLERK = "sotuphap.chuyenvien", "sotuphap.vanthu"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


def act(dossier, action, username, when=None, **params):
    return perform(
        dossier.code, action, get_user(username), at=when or at(2, 10), **with_draft(action, params)
    )


@pytest.fixture
def in_work(new_dossier):
    """Received Monday 2 March 09:00 (appointment Friday 13 March 17:00), assigned to the
    specialist at 09:30."""
    dossier = new_dossier(at=MONDAY)
    dossier = act(dossier, "receive", DESK, MONDAY, due_at=at(13, 17))
    return act(dossier, "assign", LEADER, at(2, 9, 30), assignee_id=get_user(SPECIALIST).pk)


@pytest.fixture
def in_work_now(new_dossier):
    """Received and assigned now, appointment in 30 days (the pages and the API act now)."""
    from django.utils import timezone

    now = timezone.now()
    dossier = new_dossier(at=now)
    dossier = act(dossier, "receive", DESK, now, due_at=now + dt.timedelta(days=30))
    return act(dossier, "assign", LEADER, now, assignee_id=get_user(SPECIALIST).pk)


def consult(dossier, agency=JUSTICE, days=3, when=None, note="Xác minh nơi cư trú của cha mẹ"):
    return act(
        dossier,
        "request_consultation",
        SPECIALIST,
        when or at(2, 10),
        note=note,
        consulted_agency=agency,
        allotment_days=days,
    )


def test_request_counts_the_allotment_on_the_consulted_agencys_calendar(in_work):
    # Sở Tư pháp takes Tuesday 3 March off; Hạ Long works as usual.
    CalendarOverride.objects.create(
        date=dt.date(2026, 3, 3), kind=CalendarOverrideKind.DAY_OFF, agency=get_agency(JUSTICE)
    )
    dossier = consult(in_work)
    assert dossier.status == Status.PROCESSING and dossier.current_step == 1
    consultation = DossierConsultation.objects.get(dossier=dossier)
    assert consultation.agency.code == JUSTICE
    assert (consultation.allotment_days, consultation.question) == (
        3,
        "Xác minh nơi cư trú của cha mẹ",
    )
    # 3 working days from Monday 10:00 without Tuesday: Wed, Thu, Fri → Friday 17:00.
    assert consultation.due_at == at(6, 17)
    assert consultation.requested_by == get_user(SPECIALIST) and consultation.is_open
    event = dossier.events.order_by("-seq").first()
    assert event.action == "request_consultation" and event.actor_role == "specialist"
    assert event.agency.code == "H22.6688"
    assert event.data["consultation_id"] == consultation.pk
    assert (event.data["consulted_agency"], event.data["allotment_days"]) == (JUSTICE, 3)


@pytest.mark.parametrize(
    ("agency", "days", "note", "message"),
    [
        ("", 3, "Hỏi", "Chọn cơ quan"),
        ("H22.99", 3, "Hỏi", "Không tìm thấy cơ quan"),
        ("H22.6688", 3, "Hỏi", "chính cơ quan"),
        (JUSTICE, 0, "Hỏi", "từ 1 đến 60"),
        (JUSTICE, 61, "Hỏi", "từ 1 đến 60"),
        (JUSTICE, "ba", "Hỏi", "số nguyên"),
        (JUSTICE, 3, "", "lý do hoặc nội dung"),
        (JUSTICE, 15, "Hỏi", "sau ngày hẹn trả"),
    ],
)
def test_bad_requests_are_refused_clearly(in_work, agency, days, note, message):
    with pytest.raises(DossierError, match=message) as refused:
        consult(in_work, agency=agency, days=days, note=note)
    assert refused.value.kind == INVALID
    assert not DossierConsultation.objects.exists()


def test_one_open_request_per_agency_and_only_by_the_assignee(in_work):
    dossier = consult(in_work)
    with pytest.raises(DossierError, match="đang chờ trả lời") as refused:
        consult(dossier)
    assert refused.value.kind == CONFLICT
    dossier = consult(dossier, agency="H22.6994")  # another commune: several may be open
    assert dossier.consultations.filter(answered_at__isnull=True).count() == 2
    with pytest.raises(DossierError) as refused:
        act(
            dossier,
            "request_consultation",
            "halong.truongphong",
            note="Hỏi",
            consulted_agency="H22.02",
            allotment_days=1,
        )
    assert refused.value.kind == FORBIDDEN  # the step is the specialist's


def test_the_draft_waits_for_every_answer(in_work):
    dossier = consult(in_work)
    with pytest.raises(DossierError, match="Sở Tư pháp") as refused:
        act(dossier, "submit_draft", SPECIALIST, at(3, 9))
    assert refused.value.kind == CONFLICT
    dossier = act(dossier, "answer_consultation", JUSTICE_SPECIALIST, at(3, 14), note="Đúng")
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 15))
    assert dossier.result_state == "draft"


def test_only_an_officer_of_the_consulted_agency_answers(in_work):
    with pytest.raises(DossierError, match="không có yêu cầu") as refused:
        act(in_work, "answer_consultation", JUSTICE_SPECIALIST, note="Đúng")
    assert refused.value.kind == CONFLICT
    dossier = consult(in_work)
    for username in (SPECIALIST, LEADER, JUSTICE_CLERK, "vandon.chuyenvien"):
        with pytest.raises(DossierError) as refused:
            act(dossier, "answer_consultation", username, note="Đúng")
        assert refused.value.kind == FORBIDDEN, username
    with pytest.raises(DossierError, match="lý do hoặc nội dung"):
        act(dossier, "answer_consultation", JUSTICE_SPECIALIST, note=" ")
    dossier = act(
        dossier, "answer_consultation", "sotuphap.lanhdao", at(9, 16), note="Thông tin đúng"
    )
    consultation = dossier.consultations.get()
    assert (consultation.answered_at, consultation.answer) == (at(9, 16), "Thông tin đúng")
    assert consultation.answered_by == get_user("sotuphap.lanhdao")
    event = dossier.events.order_by("-seq").first()
    assert (event.action, event.actor_role, event.agency.code) == (
        "answer_consultation",
        "agency_leader",
        JUSTICE,
    )
    assert event.data["outcome"] == LATE  # due Thursday 5 March 17:00
    assert dossier.status == Status.PROCESSING


def test_each_agency_answers_its_own_request(in_work):
    dossier = consult(in_work)
    dossier = consult(dossier, agency="H22.6994")
    other = dossier.consultations.get(agency__code="H22.6994")
    with pytest.raises(DossierError) as refused:
        act(dossier, "answer_consultation", JUSTICE_SPECIALIST, note="x", consultation_id=other.pk)
    assert refused.value.kind == FORBIDDEN
    with pytest.raises(DossierError, match="không hợp lệ"):
        act(dossier, "answer_consultation", JUSTICE_SPECIALIST, note="x", consultation_id="a")
    act(dossier, "answer_consultation", JUSTICE_SPECIALIST, note="Đúng")
    assert dossier.consultations.get(agency__code=JUSTICE).answered_at
    assert other.__class__.objects.get(pk=other.pk).is_open


def test_allowed_actions_at_the_consulted_agency(in_work):
    justice = get_user(JUSTICE_SPECIALIST)
    assert allowed_actions(in_work, justice) == []
    dossier = consult(in_work)
    assert allowed_actions(dossier, justice) == [Action.ANSWER_CONSULTATION]
    assert Action.ANSWER_CONSULTATION not in allowed_actions(dossier, get_user(SPECIALIST))
    assert allowed_actions(dossier, get_user(JUSTICE_CLERK)) == []
    dossier = act(dossier, "answer_consultation", JUSTICE_SPECIALIST, note="Đúng")
    assert allowed_actions(dossier, justice) == []


def test_consultations_are_rows_of_the_control_sheet(in_work):
    dossier = consult(in_work, days=2)
    dossier = act(dossier, "answer_consultation", JUSTICE_SPECIALIST, at(3, 11), note="Đúng")
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 14))
    rows = step_history(dossier)
    assert [(r.position, r.name) for r in rows] == [
        (1, "Thẩm định, dự thảo kết quả"),
        (None, "Xin ý kiến Sở Tư pháp"),
        (2, "Phê duyệt"),
    ]
    row = rows[1]
    assert row.agency.code == JUSTICE
    assert row.giver_name == get_user(SPECIALIST).get_full_name()
    assert row.receiver_name == get_user(JUSTICE_SPECIALIST).get_full_name()
    assert (row.given_at, row.due_at, row.finished_at) == (at(2, 10), at(4, 17), at(3, 11))
    assert row.outcome == EARLY
    assert row.note == "Xác minh nơi cư trú của cha mẹ — Trả lời: Đúng"


def test_an_open_request_shows_the_agency_as_receiver(in_work):
    dossier = consult(in_work)
    row = step_history(dossier)[1]
    assert (row.receiver_name, row.finished_at, row.outcome) == ("Sở Tư pháp", None, None)


# --- back office ------------------------------------------------------------------------------


def post_action(client, dossier, action, **fields):
    dossier.refresh_from_db()
    data = {"action": action, f"{action}-expected_revision": dossier.revision}
    data.update({f"{action}-{key}": value for key, value in fields.items()})
    url = reverse("backoffice:dossiers:detail", kwargs={"dossier_code": dossier.code})
    return client.post(url, data)


def test_request_and_answer_on_the_dossier_page(in_work_now, otp_client):
    in_work = in_work_now
    url = reverse("backoffice:dossiers:detail", kwargs={"dossier_code": in_work.code})
    client = otp_client(SPECIALIST)
    page = client.get(url).content.decode()
    assert "Xin ý kiến cơ quan phối hợp" in page and 'value="H22.03"' in page
    assert 'value="H22.6688"' not in page  # never the competent agency itself
    response = post_action(client, in_work, "request_consultation", consulted_agency=JUSTICE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ghi số ngày làm việc" in page and "Cần ghi rõ lý do" in page
    response = post_action(
        client,
        in_work,
        "request_consultation",
        consulted_agency=JUSTICE,
        allotment_days="5",
        note="Xác minh hộ tịch",
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Đã xin ý kiến Sở Tư pháp" in page and "Đang chờ trả lời" in page
    assert "Trình dự thảo kết quả" not in page  # held back while the opinion is awaited

    justice = otp_client(JUSTICE_SPECIALIST)
    page = justice.get(url).content.decode()
    assert "Trả lời xin ý kiến" in page and "Xác minh hộ tịch" in page
    assert "Chuyển bước tiếp theo" not in page
    response = post_action(justice, in_work, "answer_consultation", note="Đã xác minh, đúng.")
    assert response.status_code == 302
    page = justice.get(url).content.decode()
    assert "Đã trả lời" in page and "Đã xác minh, đúng." in page
    # An officer of the competent agency cannot answer in its place.
    response = post_action(otp_client(SPECIALIST), in_work, "answer_consultation", note="x")
    assert response.status_code == 403


# --- API --------------------------------------------------------------------------------------


def api(client, dossier, action, **body):
    return client.post(
        f"/api/v1/dossiers/{dossier.code}/actions/{action}", body, content_type="application/json"
    )


def test_request_and_answer_through_the_api(in_work_now, otp_client):
    in_work = in_work_now
    client = otp_client(SPECIALIST)
    response = api(client, in_work, "request_consultation", consulted_agency=JUSTICE)
    assert response.status_code == 422 and "Cần ghi rõ" in response.json()["detail"]
    response = api(client, in_work, "request_consultation", note="Hỏi", allotment_days=0)
    assert "allotment_days" in response.json()["errors"]
    response = api(
        client,
        in_work,
        "request_consultation",
        consulted_agency=JUSTICE,
        allotment_days=2,
        note="Xác minh hộ tịch",
    )
    assert response.status_code == 200, response.content
    consultation = response.json()["consultations"][0]
    assert consultation["agency"] == JUSTICE and consultation["answered_at"] is None
    assert consultation["allotment_days"] == 2 and consultation["due_at"].endswith("+07:00")
    assert api(client, in_work, "submit_draft").status_code == 409
    justice = otp_client(JUSTICE_SPECIALIST)
    response = api(
        justice, in_work, "answer_consultation", note="Đúng", consultation_id=consultation["id"]
    )
    assert response.status_code == 200, response.content
    assert response.json()["consultations"][0]["answer"] == "Đúng"
