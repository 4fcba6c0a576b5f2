"""The dossier back office: work queues, desk reception, the dossier page and its actions,
conflicts between two officers, printed forms, component files and the Form 05 register.

Every page is also checked against officers of another commune (Vân Đồn): a Hạ Long dossier
answers 404 to them, exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from motcua.catalog.models import Procedure, ProcedureChannel
from motcua.dossiers.models import Dossier, DossierFile, Status
from motcua.dossiers.services import Applicant, ComponentInput, Submission, perform, submit
from motcua.organizations.models import Agency
from tests.dossiers.conftest import draft_pdf, with_draft
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

DESK, LEADER, UNIT_LEADER = "halong.tiepnhan", "halong.lanhdao", "halong.truongphong"
SPECIALIST, CLERK = "halong.chuyenvien", "halong.vanthu"
OUTSIDERS = [
    "vandon.tiepnhan",
    "vandon.lanhdao",
    "vandon.truongphong",
    "vandon.chuyenvien",
    "vandon.vanthu",
]
BIRTH = "1.001193"
LIST_URL = "/can-bo/ho-so/"
RECEPTION_URL = f"/can-bo/ho-so/tiep-nhan/{BIRTH}/"


# --- helpers --------------------------------------------------------------------------------
def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def documents():
    return list(Procedure.objects.get(code=BIRTH).documents.order_by("position"))


def make_dossier(
    name: str = "Nguyễn Văn An", id_number: str = "022090001234", channel: str = "direct"
) -> Dossier:
    procedure = Procedure.objects.get(code=BIRTH)
    document = documents()[4]
    centre = Agency.objects.get(code="H22.6688.1")
    return submit(
        Submission(
            procedure=procedure,
            channel=channel,
            applicant=Applicant(name=name, id_number=id_number, phone="0912345678"),
            receiving_agency=centre,
            competent_agency=Agency.objects.get(code="H22.6688"),
            components=[ComponentInput(name=document.name, document_id=document.pk, originals=1)],
            reception_point=centre.reception_points.get(),
        ),
        by=get_user(DESK),
    )


def act(dossier: Dossier, action: str, username: str, **params) -> Dossier:
    return perform(dossier.code, action, get_user(username), **with_draft(action, params))


def received(**kwargs) -> Dossier:
    from tests.dossiers.conftest import hand_appointment

    dossier = make_dossier(**kwargs)
    return act(dossier, "receive", DESK, **hand_appointment(dossier, timezone.now()))


def assigned(**kwargs) -> Dossier:
    return act(received(**kwargs), "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)


def detail_url(dossier: Dossier) -> str:
    return reverse("backoffice:dossiers:detail", kwargs={"dossier_code": dossier.code})


def post_action(client, dossier: Dossier, action: str, revision: int | None = None, **fields):
    if revision is None:
        revision = Dossier.objects.get(pk=dossier.pk).revision
    data = {"action": action, f"{action}-expected_revision": revision}
    data.update({f"{action}-{key}": value for key, value in fields.items()})
    return client.post(detail_url(dossier), data)


def refresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def working_days():
    """The national catalog gives birth registration a deadline of "1" without a unit; the
    tests that need an appointment give it one working day."""
    ProcedureChannel.objects.filter(procedure__code=BIRTH).update(
        duration_value=1, duration_unit="working_days"
    )


def reception_data(**changes) -> dict:
    docs = documents()
    data = {
        "channel": "direct",
        "applicant_type": "0",
        "applicant_name": "Trần Thị Bình",
        "applicant_id_type": "cccd",
        "applicant_id_number": "022195004321",
        "applicant_phone": "0987654321",
        "applicant_email": "binh.tran@example.vn",
        "applicant_address": "Số 5 phố Hạ Long",
        "summary": "Đăng ký khai sinh cho cháu Trần Minh Anh",
        "result_delivery": "desk",
        "receiving_agency": "H22.6688.1",
        "competent_agency": "H22.6688",
        f"doc_{docs[4].pk}": "on",
        f"doc_{docs[4].pk}_originals": "1",
        f"doc_{docs[4].pk}_copies": "0",
        "extra-TOTAL_FORMS": "1",
        "extra-INITIAL_FORMS": "0",
        "extra-MIN_NUM_FORMS": "0",
        "extra-MAX_NUM_FORMS": "30",
        "decision": "tiep-nhan",
        # The appointment the desk types when the deadline has no unit (ignored otherwise).
        "due_date": (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
        "due_time": "16:30",
    }
    data.update(changes)
    return data


# --- work queues ----------------------------------------------------------------------------
def test_queues_show_every_tab_with_its_count(otp_client):
    waiting = make_dossier(channel="online")
    to_assign = received()
    in_work = assigned()
    supplement = act(
        assigned(), "request_supplement", SPECIALIST, note="Thiếu", items=["Giấy chứng sinh"]
    )
    client = otp_client(LEADER)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    counts = {tab["slug"]: tab["count"] for tab in response.context["tabs"]}
    assert counts["cho-tiep-nhan"] >= 1 and counts["cho-phan-cong"] >= 1
    assert counts["cho-bo-sung"] >= 1 and counts["cua-toi"] == 0
    assert counts["dang-xu-ly"] >= 4
    html = text(response)
    for label in (
        "Của tôi",
        "Chờ tiếp nhận",
        "Chờ phân công",
        "Chờ bổ sung",
        "Đến hạn hôm nay",
        "Sắp đến hạn",
        "Quá hạn",
        "Chờ trả kết quả",
        "Tất cả đang xử lý",
    ):
        assert label in html
    # A leader starts on "waiting for assignment".
    assert response.context["selected"]["slug"] == "cho-phan-cong"
    codes = {d.code for d in response.context["page"].object_list}
    assert to_assign.code in codes and waiting.code not in codes

    mine = otp_client(SPECIALIST).get(LIST_URL, {"hang-doi": "cua-toi"})
    codes = {d.code for d in mine.context["page"].object_list}
    assert in_work.code in codes and supplement.code in codes
    assert to_assign.code not in codes

    desk = otp_client(DESK).get(LIST_URL)
    assert desk.context["selected"]["slug"] == "cho-tiep-nhan"
    assert waiting.code in {d.code for d in desk.context["page"].object_list}
    assert "Tiếp nhận hồ sơ mới" in text(desk)


def test_overdue_is_red_and_due_soon_is_amber(otp_client):
    late, soon = received(name="Lê Văn Trễ"), received(name="Phạm Thị Gần")
    now = timezone.now()
    Dossier.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(hours=3))
    Dossier.objects.filter(pk=soon.pk).update(due_at=now + dt.timedelta(hours=2))
    client = otp_client(LEADER)
    response = client.get(LIST_URL, {"hang-doi": "qua-han"})
    rows = {d.code: d.due_state for d in response.context["page"].object_list}
    assert rows[late.code] == "overdue" and soon.code not in rows
    assert 'class="table-danger"' in text(response)
    response = client.get(LIST_URL, {"hang-doi": "sap-den-han"})
    rows = {d.code: d.due_state for d in response.context["page"].object_list}
    assert rows[soon.code] == "soon"
    assert 'class="table-warning"' in text(response)
    page = client.get(detail_url(late))
    assert "Quá hạn" in text(page)


def test_search_by_code_name_without_accents_and_id_number(otp_client):
    mine = received(name="Đỗ Thị Hoài Thương", id_number="022301009876")
    other = received(name="Nguyễn Văn Khác", id_number="022090005555")
    client = otp_client(DESK)
    for query in ("do thi hoai thuong", mine.code, mine.code[-4:], "022301009876"):
        response = client.get(LIST_URL, {"hang-doi": "tat-ca", "q": query})
        codes = {d.code for d in response.context["page"].object_list}
        assert mine.code in codes, query
        assert other.code not in codes, query
    response = client.get(LIST_URL, {"hang-doi": "tat-ca", "q": "khong ai ten nay"})
    assert response.context["page"].paginator.count == 0
    assert "Không có hồ sơ nào" in text(response)
    # The status filter, and the counts follow the search.
    response = client.get(
        LIST_URL, {"hang-doi": "tat-ca", "q": "do thi hoai", "trang-thai": Status.REFUSED}
    )
    assert response.context["page"].paginator.count == 0
    response = client.get(
        LIST_URL, {"hang-doi": "tat-ca", "q": "do thi hoai", "trang-thai": Status.RECEIVED}
    )
    assert [d.code for d in response.context["page"].object_list] == [mine.code]
    counts = {tab["slug"]: tab["count"] for tab in response.context["tabs"]}
    assert counts["cho-phan-cong"] == 1


def test_queue_pages_by_25(otp_client):
    for number in range(27):
        make_dossier(name=f"Người nộp số {number}", channel="online")
    client = otp_client(DESK)
    first = client.get(LIST_URL, {"hang-doi": "cho-tiep-nhan"})
    assert len(first.context["page"].object_list) == 25
    assert "Trang 1/2" in text(first) and "hang-doi=cho-tiep-nhan&page=2" in text(first)
    second = client.get(LIST_URL, {"hang-doi": "cho-tiep-nhan", "page": 2})
    assert len(second.context["page"].object_list) >= 2


def test_queues_never_show_another_communes_dossiers(otp_client):
    dossier = received()
    for username in OUTSIDERS:
        response = otp_client(username).get(LIST_URL, {"hang-doi": "tat-ca", "q": dossier.code})
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        assert all(tab["count"] == 0 for tab in response.context["tabs"])
        assert f"/can-bo/ho-so/{dossier.code}/" not in text(response)


# --- desk reception -------------------------------------------------------------------------
def test_reception_finds_the_procedure_with_a_typo(otp_client):
    client = otp_client(DESK)
    response = client.get("/can-bo/ho-so/tiep-nhan/", {"q": "dang ki khai sinh"})
    assert response.status_code == 200
    codes = [p.code for p in response.context["page"].object_list]
    assert BIRTH in codes
    assert RECEPTION_URL in text(response)
    form = client.get(RECEPTION_URL)
    assert form.status_code == 200
    html = text(form)
    assert "Giấy tờ phải nộp" in html and "Giấy tờ phải xuất trình" in html
    assert form.context["form"]["competent_agency"].value() == "H22.6688"
    assert form.context["form"]["receiving_agency"].value() == "H22.6688.1"


def test_only_desk_officers_receive(otp_client):
    for username in (SPECIALIST, LEADER, "thanhtra"):
        client = otp_client(username)
        response = client.get("/can-bo/ho-so/tiep-nhan/")
        assert response.status_code == 403
        assert "Chỉ cán bộ tiếp nhận" in text(response)
        assert client.post(RECEPTION_URL, reception_data()).status_code == 403


def test_reception_happy_path_with_a_scanned_component(otp_client, media, working_days):
    client = otp_client(DESK)
    doc = documents()[4]
    data = reception_data(**{f"doc_{doc.pk}_files": [upload("giay-chung-sinh.png", png_bytes())]})
    response = client.post(RECEPTION_URL, data)
    assert response.status_code == 302, response.context["form"].errors
    dossier = Dossier.objects.get(applicant_id_number="022195004321")
    assert response["Location"] == detail_url(dossier)
    assert dossier.status == Status.RECEIVED and dossier.due_at
    assert dossier.channel == "direct" and dossier.reception_point is not None
    component = dossier.components.get()
    assert component.document_id == doc.pk and component.originals == 1
    stored = component.files.get()
    assert stored.content_type == "image/png" and stored.original_name == "giay-chung-sinh.png"
    page = client.get(response["Location"])
    html = text(page)
    assert f"Đã tiếp nhận hồ sơ {dossier.code}" in html
    assert "Hẹn trả kết quả lúc" in html
    assert "In phiếu tiếp nhận (Mẫu 01)" in html
    assert f"/can-bo/ho-so/{dossier.code}/mau-01.pdf" in html
    assert "022******321" in html and "022195004321" not in html
    # The notice is shown once.
    assert "Đã tiếp nhận hồ sơ" not in text(client.get(response["Location"]))


def test_refused_upload_keeps_the_dossier_and_says_why(otp_client, media):
    client = otp_client(DESK)
    doc = documents()[4]
    fake = upload("anh-quet.png", b"not a picture at all", "image/png")
    response = client.post(RECEPTION_URL, reception_data(**{f"doc_{doc.pk}_files": [fake]}))
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_id_number="022195004321")
    assert dossier.status == Status.RECEIVED
    assert not DossierFile.objects.filter(component__dossier=dossier).exists()
    html = text(client.get(response["Location"]))
    assert "anh-quet.png" in html and "không được nhận" in html
    assert "Định dạng tệp không được chấp nhận" in html
    # …and can be attached again from the dossier page.
    good = upload("anh-quet-lai.png", png_bytes())
    component = dossier.components.get()
    response = client.post(
        reverse("backoffice:dossiers:upload", args=[dossier.code]),
        {"component": component.pk, "files": [good]},
    )
    assert response.status_code == 302
    assert component.files.get().original_name == "anh-quet-lai.png"


def test_reception_supplement_path_needs_the_items_and_a_reason(otp_client):
    client = otp_client(DESK)
    response = client.post(RECEPTION_URL, reception_data(decision="bo-sung"))
    assert response.status_code == 200
    assert not Dossier.objects.filter(applicant_id_number="022195004321").exists()
    errors = response.context["form"].errors
    assert "missing_items" in errors and "note" in errors
    response = client.post(
        RECEPTION_URL,
        reception_data(
            decision="bo-sung",
            missing_items="Giấy chứng sinh (bản chính)\nVăn bản ủy quyền",
            note="Thiếu giấy chứng sinh",
        ),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_id_number="022195004321")
    assert dossier.status == Status.SUPPLEMENT and dossier.received_at is None
    event = dossier.events.get(action="request_supplement_at_reception")
    assert event.data["items"] == ["Giấy chứng sinh (bản chính)", "Văn bản ủy quyền"]
    html = text(client.get(response["Location"]))
    assert "In phiếu yêu cầu bổ sung (Mẫu 02)" in html
    assert "Giấy chứng sinh (bản chính)" in html


def test_reception_refusal_needs_a_reason(otp_client):
    client = otp_client(DESK)
    response = client.post(RECEPTION_URL, reception_data(decision="tu-choi"))
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    response = client.post(
        RECEPTION_URL,
        reception_data(decision="tu-choi", note="Trẻ đã được đăng ký khai sinh tại nơi khác"),
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_id_number="022195004321")
    assert dossier.status == Status.REFUSED
    html = text(client.get(response["Location"]))
    assert "In phiếu từ chối (Mẫu 03)" in html
    assert "In phiếu tiếp nhận" not in html


def test_extra_item_without_reason_is_refused_and_every_value_is_kept(otp_client):
    client = otp_client(DESK)
    doc = documents()[4]
    data = reception_data(
        **{
            "extra-0-name": "Sổ hộ khẩu cũ",
            "extra-0-reason": "",
            "extra-0-copies": "1",
            "applicant_address": "Tổ 3, khu 5, phường Hạ Long",
            f"doc_{doc.pk}_originals": "2",
        }
    )
    response = client.post(RECEPTION_URL, data)
    assert response.status_code == 200
    assert not Dossier.objects.filter(applicant_id_number="022195004321").exists()
    html = text(response)
    assert "phải ghi rõ lý do nhận thêm" in html
    for value in ("Trần Thị Bình", "022195004321", "Tổ 3, khu 5, phường Hạ Long", "Sổ hộ khẩu cũ"):
        assert f'value="{value}"' in html, value
    assert re.search(rf'name="doc_{doc.pk}"[^>]*checked', html)
    assert re.search(rf'name="doc_{doc.pk}_originals"[^>]*value="2"', html) or re.search(
        rf'value="2"[^>]*name="doc_{doc.pk}_originals"', html
    )
    # With the reason it goes through, the extra item recorded with it.
    data["extra-0-reason"] = "Người dân tự nguyện nộp để đối chiếu"
    response = client.post(RECEPTION_URL, data)
    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_id_number="022195004321")
    extra = dossier.components.get(document__isnull=True)
    assert (extra.name, extra.copies) == ("Sổ hộ khẩu cũ", 1)
    assert extra.extra_reason == "Người dân tự nguyện nộp để đối chiếu"


def test_reception_checks_the_id_number_and_the_postal_address(otp_client):
    client = otp_client(DESK)
    response = client.post(
        RECEPTION_URL,
        reception_data(applicant_id_number="12345", result_delivery="post"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "12 chữ số" in str(errors["applicant_id_number"])
    assert "delivery_address" in errors
    assert 'value="12345"' in text(response)


def test_receiving_needs_at_least_one_document(otp_client):
    doc = documents()[4]
    data = reception_data()
    del data[f"doc_{doc.pk}"]
    response = otp_client(DESK).post(RECEPTION_URL, data)
    assert response.status_code == 200
    assert "ít nhất một giấy tờ" in text(response)


def test_reception_for_another_agency_than_offered_is_refused(otp_client):
    response = otp_client(DESK).post(RECEPTION_URL, reception_data(receiving_agency="H22.6994.1"))
    assert response.status_code == 200
    assert "receiving_agency" in response.context["form"].errors


# --- the dossier page and its actions -------------------------------------------------------
def test_dossier_page_shows_places_components_and_history(otp_client):
    dossier = assigned()
    html = text(otp_client(LEADER).get(detail_url(dossier)))
    for expected in (
        dossier.code,
        "Trung tâm Phục vụ hành chính công Phường Hạ Long",
        "Ủy ban nhân dân Phường Hạ Long",
        "Bộ phận Một cửa Phường Hạ Long",
        "Đăng ký hồ sơ",
        "Tiếp nhận hồ sơ",
        "Phân công xử lý",
        "giao cho Lê Thị Hằng",
        "022******234",
        "Chưa có tệp",
    ):
        assert expected in html, expected


def test_the_whole_path_through_the_page_for_each_role(otp_client):
    dossier = received()
    specialist = get_user(SPECIALIST)

    leader = otp_client(LEADER)
    page = leader.get(detail_url(dossier))
    assign = next(c for c in page.context["actions"] if c["action"] == "assign")
    assert (specialist.pk, "Lê Thị Hằng — Công chức Văn phòng – Thống kê") in assign["form"].fields[
        "assignee"
    ].choices
    response = post_action(leader, dossier, "assign", assignee=specialist.pk)
    assert response.status_code == 302
    assert refresh(dossier).assignee == specialist
    assert "Đã phân công Lê Thị Hằng" in text(leader.get(detail_url(dossier)))

    response = post_action(
        otp_client(SPECIALIST),
        dossier,
        "request_supplement",
        items="Giấy chứng sinh bản chính",
        note="Bản sao không rõ",
    )
    assert response.status_code == 302
    assert refresh(dossier).status == Status.SUPPLEMENT

    desk = otp_client(DESK)
    assert "Giấy chứng sinh bản chính" in text(desk.get(detail_url(dossier)))
    assert post_action(desk, dossier, "supplement_received").status_code == 302
    assert refresh(dossier).status == Status.PROCESSING

    response = post_action(otp_client(SPECIALIST), dossier, "submit_draft", result_file=draft_pdf())
    assert response.status_code == 302
    assert refresh(dossier).result_state == "draft"
    assert post_action(otp_client(LEADER), dossier, "approve").status_code == 302
    clerk = otp_client(CLERK)
    actions = [c["action"] for c in clerk.get(detail_url(dossier)).context["actions"]]
    assert actions == ["issue_result"]
    assert post_action(clerk, dossier, "issue_result").status_code == 302
    assert refresh(dossier).status == Status.RESOLVED

    desk = otp_client(DESK)
    response = post_action(desk, dossier, "return_result", receiver_name="", receiver_id="")
    assert response.status_code == 200
    assert "receiver_id" in response.context["actions"][0]["form"].errors
    response = post_action(
        desk, dossier, "return_result", receiver_name="Nguyễn Văn An", receiver_id="022090001234"
    )
    assert response.status_code == 302
    dossier = refresh(dossier)
    assert dossier.status == Status.RETURNED
    html = text(desk.get(detail_url(dossier)))
    assert "Hồ sơ đã kết thúc" in html and "Người nhận: Nguyễn Văn An (022******234)" in html


def test_actions_offered_only_what_makes_sense(otp_client):
    dossier = assigned()
    leader = [c["action"] for c in otp_client(LEADER).get(detail_url(dossier)).context["actions"]]
    assert "approve" not in leader and "assign" in leader  # no draft yet
    specialist = otp_client(SPECIALIST).get(detail_url(dossier)).context["actions"]
    assert "submit_draft" in [c["action"] for c in specialist]
    auditor = otp_client("thanhtra").get(detail_url(dossier))
    assert auditor.status_code == 200 and auditor.context["actions"] == []
    assert "Bạn chỉ có quyền xem hồ sơ này." in text(auditor)


def test_an_action_without_the_role_is_forbidden(otp_client):
    dossier = received()
    response = post_action(
        otp_client(SPECIALIST), dossier, "assign", assignee=get_user(SPECIALIST).pk
    )
    assert response.status_code == 403
    assert "không có vai trò" in text(response)
    assert refresh(dossier).status == Status.RECEIVED
    # A specialist who is not the assignee is refused by the service: 403 as well.
    other = get_user("halong.truongphong")
    dossier = assigned()
    Dossier.objects.filter(pk=dossier.pk).update(assignee=other)
    response = post_action(otp_client(SPECIALIST), dossier, "submit_draft", result_file=draft_pdf())
    assert response.status_code == 403
    assert "người khác xử lý" in text(response)


def test_required_inputs_are_asked_for_and_kept(otp_client):
    dossier = assigned()
    client = otp_client(SPECIALIST)
    response = post_action(client, dossier, "request_supplement", items="Tờ khai", note="")
    assert response.status_code == 200
    card = next(c for c in response.context["actions"] if c["action"] == "request_supplement")
    assert card["open"] and "note" in card["form"].errors
    assert "Tờ khai" in text(response)
    assert refresh(dossier).status == Status.PROCESSING


def test_two_stale_forms_the_second_gets_409(otp_client):
    from django.test import Client

    dossier = received()
    first, second = otp_client(LEADER), Client()
    # The second officer in his own browser session.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    unit_leader = get_user(UNIT_LEADER)
    second.force_login(unit_leader)
    session = second.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=unit_leader).persistent_id
    session.save()

    loaded_first = first.get(detail_url(dossier)).context["dossier"].revision
    loaded_second = second.get(detail_url(dossier)).context["dossier"].revision
    assert loaded_first == loaded_second
    specialist = get_user(SPECIALIST)
    response = post_action(first, dossier, "assign", loaded_first, assignee=specialist.pk)
    assert response.status_code == 302
    response = post_action(second, dossier, "assign", loaded_second, assignee=specialist.pk)
    assert response.status_code == 409
    html = text(response)
    assert "Hồ sơ vừa được người khác cập nhật" in html
    assert "Vũ Minh Tuấn" in html and "Phân công xử lý" in html  # who did what
    # The fresh state: assigned to the specialist; the second officer's choice is kept, now
    # against the new revision.
    assert response.context["dossier"].assignee == specialist
    card = next(c for c in response.context["actions"] if c["action"] == "assign")
    assert card["form"]["expected_revision"].value() == str(refresh(dossier).revision)
    assert refresh(dossier).assignee == specialist


def test_a_rule_conflict_is_409_with_the_reason(otp_client):
    dossier = assigned()
    act(dossier, "submit_draft", SPECIALIST)
    # The page is loaded, then someone approves; the stale "approve" is a 409.
    client = otp_client(LEADER)
    loaded = client.get(detail_url(dossier)).context["dossier"].revision
    act(dossier, "approve", UNIT_LEADER)
    response = post_action(client, dossier, "approve", loaded)
    assert response.status_code == 409
    assert "Hồ sơ vừa được người khác cập nhật" in text(response)


def test_apology_takes_a_new_date_and_time(otp_client, working_days):
    dossier = assigned()
    due = timezone.now() + dt.timedelta(days=10)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=due)
    new_day = timezone.localtime(due + dt.timedelta(days=5)).date()
    client = otp_client(LEADER)
    response = post_action(
        client,
        dossier,
        "apologize",
        note="Chờ xác minh của cơ quan khác",
        new_due_date=new_day.strftime("%d/%m/%Y"),
        new_due_time="16:30",
    )
    assert response.status_code == 302, response.context["actions"]
    dossier = refresh(dossier)
    assert timezone.localtime(dossier.due_at).date() == new_day
    assert timezone.localtime(dossier.due_at).strftime("%H:%M") == "16:30"
    html = text(client.get(detail_url(dossier)))
    assert "In phiếu xin lỗi, hẹn lại (Mẫu 04)" in html


def test_require_payment_reads_the_amount_as_officers_write_it(otp_client):
    dossier = assigned()
    response = post_action(otp_client(SPECIALIST), dossier, "require_payment", amount_vnd="8.000")
    assert response.status_code == 302
    assert refresh(dossier).status == Status.PAYMENT
    event = refresh(dossier).events.get(action="require_payment")
    assert event.data["amount_vnd"] == 8000


# --- printed forms, files, register ---------------------------------------------------------
def test_printed_forms_are_pdf_where_they_apply(otp_client, working_days):
    dossier = received()
    client = otp_client(DESK)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/mau-01.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{dossier.code}-mau-01.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau-06.pdf").status_code == 200
    # Form 03 is for a refusal only; an unknown form does not exist.
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau-03.pdf").status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau-05.pdf").status_code == 404
    links = [p["form"] for p in client.get(detail_url(dossier)).context["prints"]]
    assert links == ["01", "06"]


def test_component_files_download_with_their_type(otp_client, media):
    dossier = received()
    from motcua.dossiers.files import attach_file

    component = dossier.components.get()
    stored = attach_file(
        dossier.code, component.pk, upload("scan.png", png_bytes()), get_user(DESK)
    )
    url = reverse("backoffice:dossiers:file", args=[dossier.code, stored.pk])
    for username in (DESK, LEADER, SPECIALIST, "thanhtra"):
        response = otp_client(username).get(url)
        assert response.status_code == 200, username
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    # The file id of another dossier under this code: 404.
    other = received(name="Người Khác")
    assert (
        otp_client(DESK)
        .get(reverse("backoffice:dossiers:file", args=[other.code, stored.pk]))
        .status_code
        == 404
    )
    html = text(otp_client(LEADER).get(detail_url(dossier)))
    assert "scan.png" in html and "1 trang" in html and "Chờ nhận dạng" in html


def test_register_downloads_pdf_and_excel(otp_client, working_days):
    received()
    client = otp_client(DESK)
    page = client.get("/can-bo/ho-so/so-theo-doi/")
    assert page.status_code == 200
    assert page.context["form"]["agency"].value() == "H22.6688.1"
    today = timezone.localdate().strftime("%d/%m/%Y")
    params = {"agency": "H22.6688.1", "date_from": today, "date_to": today}
    pdf = client.get("/can-bo/ho-so/so-theo-doi/", {**params, "dinh-dang": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get("/can-bo/ho-so/so-theo-doi/", {**params, "dinh-dang": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content.startswith(b"PK")
    bad = client.get(
        "/can-bo/ho-so/so-theo-doi/",
        {**params, "date_from": "31/12/2026", "date_to": "01/01/2026", "dinh-dang": "pdf"},
    )
    assert bad.status_code == 200 and "date_to" in bad.context["form"].errors
    # An agency outside the officer's scope is not a choice.
    foreign = client.get(
        "/can-bo/ho-so/so-theo-doi/", {**params, "agency": "H22.6994.1", "dinh-dang": "pdf"}
    )
    assert foreign.status_code == 200 and "agency" in foreign.context["form"].errors


# --- scope ----------------------------------------------------------------------------------
@pytest.mark.parametrize("username", OUTSIDERS)
def test_every_dossier_page_is_404_outside_the_scope(otp_client, media, username):
    from motcua.dossiers.files import attach_file

    dossier = received()
    component = dossier.components.get()
    stored = attach_file(
        dossier.code, component.pk, upload("scan.png", png_bytes()), get_user(DESK)
    )
    client = otp_client(username)
    code = dossier.code
    urls = [
        detail_url(dossier),
        f"/can-bo/ho-so/{code}/mau-01.pdf",
        f"/can-bo/ho-so/{code}/mau-06.pdf",
        reverse("backoffice:dossiers:file", args=[code, stored.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy trang" in text(response)
    assert post_action(client, dossier, "assign", 1, assignee=1).status_code == 404
    assert post_action(client, dossier, "receive", 0).status_code == 404
    response = client.post(
        reverse("backoffice:dossiers:upload", args=[code]),
        {"component": component.pk, "files": [upload("x.png", png_bytes())]},
    )
    assert response.status_code == 404
    assert refresh(dossier).status == Status.RECEIVED
    assert component.files.count() == 1
    # Out of scope looks exactly like a missing dossier.
    missing = client.get("/can-bo/ho-so/H22.6688.1-260101-9999/")
    assert missing.status_code == 404


def test_the_pages_need_a_verified_officer(client):
    dossier = received()
    for url in (LIST_URL, "/can-bo/ho-so/tiep-nhan/", detail_url(dossier)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")
    client.force_login(get_user("congdan1"))
    assert client.get(detail_url(dossier)).status_code == 403
