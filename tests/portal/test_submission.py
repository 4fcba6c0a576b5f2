"""Online submission of one procedure: routing, the e-form, files checked by content, the data
warehouse, the automatic technical check, one dossier per draft and the official receipt time."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.models import ApplicantType, Dossier, IdType, Status
from motcua.dossiers.services import DossierError
from motcua.organizations.models import Agency
from motcua.portal import submission as svc
from motcua.portal.models import SubmissionDraft
from tests.helpers import get_user
from tests.portal.conftest import (
    BIRTH,
    HALONG,
    HALONG_CENTRE,
    MONDAY_9,
    VANDON,
    VANDON_CENTRE,
    VN,
    jpeg_bytes,
    own_form_data,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def birth() -> Procedure:
    return Procedure.objects.get(code=BIRTH)


# --- routing ---------------------------------------------------------------------------------
def test_birth_registration_is_submittable_online_at_every_commune_centre():
    from motcua.catalog.routing import online_refusal, receiving_agencies

    procedure = birth()
    assert online_refusal(procedure) is None
    centres = {a.code for a in receiving_agencies(procedure)}
    assert {HALONG_CENTRE, VANDON_CENTRE} <= centres
    assert len(centres) == 10
    # The competent agency follows the chosen centre, not the applicant's residence.
    assert svc.competent_for(procedure, Agency.objects.get(code=VANDON_CENTRE)).code == VANDON


def test_a_procedure_without_online_channel_is_refused_with_a_reason(citizen_client):
    client = citizen_client()
    response = client.get("/nop-truc-tuyen/thu-tuc/2.000986/")
    assert response.status_code == 409
    # The catalog's own reason (not_online_reason) is shown.
    assert "chưa công bố cách thức nộp hồ sơ trực tuyến" in response.content.decode()
    assert client.get("/nop-truc-tuyen/thu-tuc/9.999999/").status_code == 404


def test_procedure_page_links_to_online_submission_here(client):
    page = client.get(f"/thu-tuc/{BIRTH}/").content.decode()
    assert f"/nop-truc-tuyen/thu-tuc/{BIRTH}/" in page


def test_a_citizen_may_submit_at_a_commune_where_he_does_not_live(citizen_client):
    client = citizen_client("congdan1")  # lives in Hạ Long (6688)
    page = client.get(f"/nop-truc-tuyen/thu-tuc/{BIRTH}/")
    assert page.context["form"]["receiving_agency"].value() == HALONG_CENTRE  # offered first
    response = client.post(f"/nop-truc-tuyen/thu-tuc/{BIRTH}/", {"receiving_agency": VANDON_CENTRE})
    draft = SubmissionDraft.objects.get(owner__username="congdan1")
    assert response.status_code == 302
    assert response["Location"] == f"/nop-truc-tuyen/ho-so/{draft.pk}/to-khai/"
    assert (draft.receiving_agency.code, draft.competent_agency.code) == (VANDON_CENTRE, VANDON)


def test_an_unknown_centre_is_refused_next_to_the_field(citizen_client):
    client = citizen_client()
    response = client.post(f"/nop-truc-tuyen/thu-tuc/{BIRTH}/", {"receiving_agency": "H22.01"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nơi nộp đã chọn không tiếp nhận thủ tục này." in page
    assert 'aria-describedby="id_receiving_agency_error' in page
    assert not SubmissionDraft.objects.exists()


def test_officer_accounts_do_not_submit(client):
    client.force_login(get_user("halong.tiepnhan"))
    response = client.get(f"/nop-truc-tuyen/thu-tuc/{BIRTH}/")
    assert response.status_code == 403
    assert "Tài khoản này không nộp hồ sơ trực tuyến" in response.content.decode()


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get("/nop-truc-tuyen/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/?next=")


def test_another_users_draft_is_not_found(citizen_client, filled_draft):
    draft = filled_draft("congdan1")
    client = citizen_client("congdan2")
    assert client.get(f"/nop-truc-tuyen/ho-so/{draft.pk}/to-khai/").status_code == 404
    assert client.get(f"/nop-truc-tuyen/ho-so/{draft.pk}/da-nop/").status_code == 404
    assert client.post(f"/nop-truc-tuyen/ho-so/{draft.pk}/xoa/").status_code == 404


# --- the e-form ------------------------------------------------------------------------------
def test_the_e_form_is_prefilled_from_the_profile(citizen_client, filled_draft):
    client = citizen_client()
    draft = svc.start_draft(get_user("congdan1"), birth(), Agency.objects.get(code=HALONG_CENTRE))
    form = client.get(f"/nop-truc-tuyen/ho-so/{draft.pk}/to-khai/").context["form"]
    assert form["applicant_name"].value() == "Nguyễn Văn An"
    assert form["applicant_id_number"].value() == "022090001234"
    assert form["applicant_phone"].value() == "0912345678"
    assert form["applicant_address"].value() == "Số 12 đường Trần Hưng Đạo"


def form_post(**changes) -> dict:
    data = {
        "applicant_type": "0",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_type": IdType.PERSONAL_ID,
        "applicant_id_number": "022090001234",
        "applicant_phone": "0912345678",
        "applicant_email": "an.nguyen@example.vn",
        "applicant_address": "Số 12 đường Trần Hưng Đạo",
        "summary": "Đăng ký khai sinh cho con",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_someone_elses_id_needs_the_on_behalf_box(citizen_client):
    client = citizen_client()
    draft = svc.start_draft(get_user("congdan1"), birth(), Agency.objects.get(code=HALONG_CENTRE))
    url = f"/nop-truc-tuyen/ho-so/{draft.pk}/to-khai/"
    response = client.post(url, form_post(applicant_id_number="022195004321"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "Số giấy tờ khác với tài khoản của bạn" in page
    assert 'id="id_applicant_id_number_error"' in page
    assert 'aria-invalid="true"' in page


def test_a_bad_personal_id_is_explained(citizen_client):
    client = citizen_client()
    draft = svc.start_draft(get_user("congdan1"), birth(), Agency.objects.get(code=HALONG_CENTRE))
    response = client.post(
        f"/nop-truc-tuyen/ho-so/{draft.pk}/to-khai/",
        form_post(on_behalf="on", applicant_name="Trần Văn C", applicant_id_number="12345"),
    )
    assert response.status_code == 422
    assert "12 chữ số" in response.content.decode()


def test_on_behalf_makes_the_account_holder_the_representative(citizen_client):
    client = citizen_client()
    draft = svc.start_draft(get_user("congdan1"), birth(), Agency.objects.get(code=HALONG_CENTRE))
    response = client.post(
        f"/nop-truc-tuyen/ho-so/{draft.pk}/to-khai/",
        form_post(
            on_behalf="on", applicant_name="Trần Thị Bình", applicant_id_number="022195004321"
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["applicant_name"] == "Trần Thị Bình"
    assert draft.form_data["representative_name"] == "Nguyễn Văn An"
    assert draft.form_data["representative_id_number"] == "022090001234"
    # Applying for oneself "on behalf" is refused.
    response = client.post(f"/nop-truc-tuyen/ho-so/{draft.pk}/to-khai/", form_post(on_behalf="on"))
    assert "không phải của bạn" in response.content.decode()


def test_a_business_applies_as_an_enterprise_with_its_tax_code(citizen_client, media):
    user = get_user("doanhnghiep1")
    draft = svc.start_draft(user, birth(), Agency.objects.get(code=HALONG_CENTRE))
    data = own_form_data(user)
    assert data["applicant_type"] == ApplicantType.ENTERPRISE
    assert (data["applicant_id_type"], data["applicant_id_number"]) == (
        IdType.TAX_CODE,
        "5701234566",
    )
    draft = svc.save_form(draft, data)
    svc.add_upload(draft, "extra", upload(pdf_bytes(), "giay-phep.pdf"), "Giấy phép kinh doanh")
    dossier = svc.submit_draft(
        draft.pk, user, str(SubmissionDraft.objects.get(pk=draft.pk).token)
    ).dossier
    assert dossier.applicant_type == ApplicantType.ENTERPRISE
    assert dossier.applicant_id_type == IdType.TAX_CODE
    assert dossier.applicant_id_number == "5701234566"
    extra = dossier.components.get()
    assert (extra.name, extra.document_id) == ("Giấy phép kinh doanh", None)
    assert extra.extra_reason


def test_a_business_cannot_declare_itself_with_a_personal_id():
    from motcua.portal.submission_forms import ApplicantForm

    form = ApplicantForm(
        data=form_post(applicant_type="1", applicant_name="Công ty TNHH Du lịch Vịnh Xanh",
                       applicant_id_number="5701234566"),
        user=get_user("doanhnghiep1"),
    )  # fmt: skip
    assert not form.is_valid()
    assert "mã số thuế" in str(form.errors["applicant_id_type"])


# --- files -----------------------------------------------------------------------------------
def slot(procedure: Procedure, index: int = 0) -> str:
    return f"doc-{svc.documents_of(procedure)[index].pk}"


def test_files_are_checked_by_content_not_by_name(filled_draft):
    draft = filled_draft(files=0)
    key = slot(draft.procedure)
    with pytest.raises(DossierError, match="Định dạng tệp không được chấp nhận"):
        svc.add_upload(draft, key, upload(b"just text, not a PDF", "giay-chung-sinh.pdf"))
    record = svc.add_upload(draft, key, upload(jpeg_bytes(), "anh-chup.pdf"))
    assert record.content_type == "image/jpeg"
    assert record.file.name.endswith(".jpg")  # the stored name follows the content
    with pytest.raises(DossierError, match="đã được đính kèm"):
        svc.add_upload(draft, key, upload(jpeg_bytes(), "lai-lan-nua.jpg"))


def test_oversize_files_are_refused_with_the_limit(filled_draft, settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1
    draft = filled_draft(files=0)
    big = b"%PDF-1.4\n" + b"0" * (2 * 2**20)
    with pytest.raises(DossierError, match="1 MB"):
        svc.add_upload(draft, slot(draft.procedure), upload(big, "to.pdf"))


def test_the_documents_page_shows_upload_errors_next_to_the_slot(citizen_client, filled_draft):
    client = citizen_client()
    draft = filled_draft(files=0)
    key = slot(draft.procedure)
    response = client.post(
        f"/nop-truc-tuyen/ho-so/{draft.pk}/giay-to/",
        {"action": "upload", "slot": key, "files": upload(b"MZ\x90\x00binary", "virus.pdf")},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="err-{draft.pk}-{key}"' in page
    assert f'aria-describedby="err-{draft.pk}-{key}"' in page
    ok = client.post(
        f"/nop-truc-tuyen/ho-so/{draft.pk}/giay-to/",
        {"action": "upload", "slot": key,
         "files": [upload(pdf_bytes(), "a.pdf"), upload(jpeg_bytes(), "b.jpg")]},
    )  # fmt: skip
    assert ok.status_code == 302
    assert draft.files.count() == 2


def test_an_extra_document_needs_a_name(filled_draft):
    draft = filled_draft(files=0)
    with pytest.raises(DossierError, match="tên giấy tờ"):
        svc.add_upload(draft, "extra", upload(pdf_bytes(), "x.pdf"), "  ")
    with pytest.raises(DossierError, match="không thuộc thủ tục"):
        svc.add_upload(draft, "doc-999999999", upload(pdf_bytes(), "x.pdf"))


def test_a_file_from_an_earlier_dossier_is_reused_from_the_warehouse(filled_draft):
    from motcua.portal import warehouse

    user = get_user("congdan1")
    first = filled_draft()
    dossier = svc.submit_draft(first.pk, user, str(first.token)).dossier
    earlier = warehouse.documents(user).get()
    assert earlier.dossier == dossier and earlier.source_file.component.dossier == dossier
    # Nobody else sees it.
    assert not warehouse.documents(get_user("congdan2")).exists()
    second = svc.start_draft(user, birth(), Agency.objects.get(code=VANDON_CENTRE))
    second = svc.save_form(second, own_form_data(user))
    with pytest.raises(DossierError, match="kho dữ liệu"):
        svc.add_from_warehouse(second, slot(birth(), 1), earlier.pk, get_user("congdan2"))
    picked = svc.add_from_warehouse(second, slot(birth(), 1), earlier.pk, user)
    assert picked.from_warehouse and not picked.file
    second.refresh_from_db()
    new = svc.submit_draft(second.pk, user, str(second.token)).dossier
    component = new.components.get()
    assert component.reused and component.from_warehouse and component.digitized
    copy = component.files.get()
    assert copy.sha256 == earlier.sha256 and copy.file.name != earlier.source_file.file.name
    assert copy.file.name.startswith(f"dossiers/{new.code}/")


# --- submission ------------------------------------------------------------------------------
def test_submission_creates_the_dossier_in_status_1_with_its_files(
    filled_draft, media, django_capture_on_commit_callbacks
):
    user = get_user("congdan1")
    draft = filled_draft(files=2)
    stored = [f.file.name for f in draft.files.all()]
    with django_capture_on_commit_callbacks(execute=True):
        done = svc.submit_draft(draft.pk, user, str(draft.token), at=MONDAY_9)
    dossier = done.dossier
    assert dossier.status == Status.SUBMITTED
    assert dossier.channel == "online"
    assert dossier.code.startswith(f"{HALONG_CENTRE}-260302-")
    assert (dossier.receiving_agency.code, dossier.competent_agency.code) == (HALONG_CENTRE, HALONG)
    assert dossier.applicant_user == user and dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.reception_point is None
    components = list(dossier.components.order_by("position"))
    assert [c.files.count() for c in components] == [1, 1]
    assert all(c.digitized and not c.reused for c in components)
    assert components[1].page_count == 2
    assert [e.action for e in dossier.events.order_by("seq")] == [
        "submit",
        "attach_file",
        "attach_file",
    ]
    # The files moved: the draft keeps none.
    assert not done.files.exists()
    assert not any((media / name).exists() for name in stored)
    assert done.receipt_at == MONDAY_9
    assert dossier.outbox.filter(topic="notification").exists()


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (dt.datetime(2026, 3, 2, 10, 15, tzinfo=VN), dt.datetime(2026, 3, 2, 10, 15, tzinfo=VN)),
        (dt.datetime(2026, 3, 2, 12, 0, tzinfo=VN), dt.datetime(2026, 3, 2, 13, 30, tzinfo=VN)),
        (dt.datetime(2026, 3, 2, 21, 0, tzinfo=VN), dt.datetime(2026, 3, 3, 7, 30, tzinfo=VN)),
        # Saturday night → Monday's opening.
        (dt.datetime(2026, 3, 7, 22, 0, tzinfo=VN), dt.datetime(2026, 3, 9, 7, 30, tzinfo=VN)),
        # Friday before Tết 2026 (16–20 February off) → Monday 23 February.
        (dt.datetime(2026, 2, 13, 18, 0, tzinfo=VN), dt.datetime(2026, 2, 23, 7, 30, tzinfo=VN)),
    ],
)
def test_official_receipt_time_outside_office_hours(filled_draft, at, expected):
    draft = filled_draft()
    done = svc.submit_draft(draft.pk, get_user("congdan1"), str(draft.token), at=at)
    assert done.receipt_at == expected
    assert done.dossier.submitted_at == at


def test_the_confirmation_page_shows_the_code_and_the_receipt_time(citizen_client, filled_draft):
    client = citizen_client()
    draft = filled_draft()
    saturday = dt.datetime(2026, 3, 7, 22, 0, tzinfo=VN)
    svc.submit_draft(draft.pk, get_user("congdan1"), str(draft.token), at=saturday)
    page = client.get(f"/nop-truc-tuyen/ho-so/{draft.pk}/da-nop/").content.decode()
    code = Dossier.objects.get().code
    assert code in page
    assert "07:30 09/03/2026" in page
    assert "ngoài giờ hành chính" in page


def test_submitting_twice_creates_one_dossier(citizen_client, filled_draft):
    client = citizen_client()
    draft = filled_draft()
    url = f"/nop-truc-tuyen/ho-so/{draft.pk}/xem-lai/"
    first = client.post(url, {"token": str(draft.token)})
    second = client.post(url, {"token": str(draft.token)})  # double click / retry
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/nop-truc-tuyen/ho-so/{draft.pk}/da-nop/"
    assert Dossier.objects.count() == 1
    # The service answers the same dossier whatever the token once it exists.
    assert (
        svc.submit_draft(draft.pk, get_user("congdan1"), "stale").dossier == Dossier.objects.get()
    )


def test_a_review_page_older_than_the_last_change_cannot_submit(citizen_client, filled_draft):
    client = citizen_client()
    draft = filled_draft()
    old_token = str(draft.token)
    svc.add_upload(draft, "extra", upload(jpeg_bytes("khac"), "them.jpg"), "Ảnh bổ sung")
    response = client.post(f"/nop-truc-tuyen/ho-so/{draft.pk}/xem-lai/", {"token": old_token})
    assert response.status_code == 409
    assert "Hồ sơ đã thay đổi sau khi bạn mở trang xem lại" in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_technical_check_refuses_a_draft_without_files_or_form(citizen_client):
    user = get_user("congdan1")
    client = citizen_client()
    draft = svc.start_draft(user, birth(), Agency.objects.get(code=HALONG_CENTRE))
    response = client.post(
        f"/nop-truc-tuyen/ho-so/{draft.pk}/xem-lai/", {"token": str(draft.token)}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Chưa khai tờ khai" in page
    assert "Chưa đính kèm giấy tờ nào" in page
    assert not Dossier.objects.exists()


def test_the_technical_check_finds_a_file_changed_on_disk(filled_draft, media):
    draft = filled_draft()
    stored = draft.files.get()
    (media / stored.file.name).write_bytes(pdf_bytes(3))
    with pytest.raises(svc.TechnicalCheckError) as error:
        svc.submit_draft(draft.pk, get_user("congdan1"), str(draft.token))
    assert "đã bị thay đổi sau khi tải lên" in error.value.problems[0]
    (media / stored.file.name).unlink()
    assert "không còn trên hệ thống" in svc.technical_check(draft, get_user("congdan1"))[0]


def test_post_delivery_needs_an_address(citizen_client, filled_draft):
    client = citizen_client()
    draft = filled_draft()
    url = f"/nop-truc-tuyen/ho-so/{draft.pk}/nhan-ket-qua/"
    response = client.post(url, {"result_delivery": "post", "delivery_address": " "})
    assert response.status_code == 422
    assert "Hãy nhập địa chỉ" in response.content.decode()
    client.post(url, {"result_delivery": "post", "delivery_address": "Số 5 Lê Lợi, Hạ Long"})
    draft.refresh_from_db()
    done = svc.submit_draft(draft.pk, get_user("congdan1"), str(draft.token))
    assert (done.dossier.result_delivery, done.dossier.delivery_address) == (
        "post",
        "Số 5 Lê Lợi, Hạ Long",
    )


def test_a_submitted_draft_cannot_be_changed(filled_draft):
    draft = filled_draft()
    svc.submit_draft(draft.pk, get_user("congdan1"), str(draft.token))
    with pytest.raises(DossierError, match="đã nộp"):
        svc.add_upload(draft, "extra", upload(pdf_bytes(), "x.pdf"), "Thêm")
    with pytest.raises(DossierError, match="đã nộp"):
        svc.delete_draft(draft)


def test_drafts_are_listed_and_resumed(citizen_client, filled_draft):
    client = citizen_client()
    draft = filled_draft()
    home = client.get("/nop-truc-tuyen/").content.decode()
    assert "Hồ sơ đang soạn" in home
    assert f"/nop-truc-tuyen/ho-so/{draft.pk}/xem-lai/" in home
    review = client.get(f"/nop-truc-tuyen/ho-so/{draft.pk}/xem-lai/")
    assert review.status_code == 200
    assert review.context["problems"] == []
    assert str(draft.token) in review.content.decode()
    client.post(f"/nop-truc-tuyen/ho-so/{draft.pk}/xoa/")
    assert not SubmissionDraft.objects.filter(pk=draft.pk).exists()


def test_changing_the_sub_case_or_centre_reroutes_the_draft(filled_draft):
    draft = filled_draft()
    draft = svc.update_place(draft, Agency.objects.get(code=VANDON_CENTRE))
    assert (draft.receiving_agency.code, draft.competent_agency.code) == (VANDON_CENTRE, VANDON)
    with pytest.raises(DossierError, match="không tiếp nhận"):
        svc.update_place(draft, Agency.objects.get(code="H22.30"))


def test_a_desk_with_broken_hours_does_not_refuse_the_citizen(filled_draft):
    from motcua.organizations.models import ReceptionPoint

    draft = filled_draft()
    # Broken in the database (the admin's clean() would refuse it): closes before it opens.
    ReceptionPoint.objects.filter(agency__code=HALONG_CENTRE).update(
        morning_open=dt.time(11, 0), morning_close=dt.time(8, 0)
    )
    saturday = dt.datetime(2026, 3, 7, 22, 0, tzinfo=VN)
    done = svc.submit_draft(draft.pk, get_user("congdan1"), str(draft.token), at=saturday)
    assert done.receipt_at == dt.datetime(2026, 3, 9, 7, 30, tzinfo=VN)  # province-wide hours
