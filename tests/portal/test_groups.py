"""Interlinked groups: catalog managers define them; a citizen enters the shared data once and
gets one dossier per member procedure at its competent agency, with one tracking view."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import DossierError
from motcua.organizations.models import Agency
from motcua.portal import submission as svc
from motcua.portal.groups import (
    BIRTH_GROUP_CODE,
    GroupError,
    MemberSpec,
    parse_shared_fields,
    save_group,
    shared_fields_text,
)
from motcua.portal.models import AgencyRule, GroupApplication, InterlinkedGroup, SubmissionDraft
from tests.helpers import get_user
from tests.portal.conftest import HALONG, HALONG_CENTRE, jpeg_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

MEMBERS = ["1.001193", "1.004222", "1.001939"]


def birth_group() -> InterlinkedGroup:
    return InterlinkedGroup.objects.get(code=BIRTH_GROUP_CODE)


def info_post(**changes) -> dict:
    data = {
        "receiving_agency": HALONG_CENTRE,
        "applicant_type": "0",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_type": "cccd",
        "applicant_id_number": "022090001234",
        "applicant_phone": "0912345678",
        "applicant_address": "Số 12 đường Trần Hưng Đạo",
        "shared_ho_chu_dem_ten_cua_tre": "Nguyễn Minh Khang",
        "shared_ngay_sinh_cua_tre": "2026-02-20",
        "shared_gioi_tinh_cua_tre": "Nam",
        "shared_noi_sinh": "Bệnh viện Bãi Cháy",
        "shared_ho_ten_nguoi_me": "Trần Thị Bình",
        "shared_noi_dang_ky_thuong_tru_cua_tre": "Số 12 đường Trần Hưng Đạo, Hạ Long",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_demo_defines_birth_residence_and_health_insurance():
    group = birth_group()
    assert group.published_code == "2.000986"
    assert [m.procedure_code for m in group.members.order_by("position")] == MEMBERS
    assert {s["key"] for s in group.shared_fields} >= {"ngay_sinh_cua_tre", "ho_ten_nguoi_me"}
    assert [s["type"] for s in group.shared_fields][1] == "date"


def test_shared_fields_are_written_one_a_line():
    specs = parse_shared_fields("Họ tên trẻ\nNgày sinh | ngày\n\nGhi chú | không bắt buộc")
    assert [(s["key"], s["type"], s["required"]) for s in specs] == [
        ("ho_ten_tre", "text", True),
        ("ngay_sinh", "date", True),
        ("ghi_chu", "text", False),
    ]
    assert parse_shared_fields(shared_fields_text(specs)) == specs
    with pytest.raises(GroupError, match="trùng"):
        parse_shared_fields("Họ tên\nHo ten")
    with pytest.raises(GroupError, match="không hiểu"):
        parse_shared_fields("Họ tên | số")


def test_a_group_needs_two_distinct_procedures():
    with pytest.raises(GroupError, match="hai thủ tục"):
        save_group(None, name="Một", code="mot", description="", published_code="",
                   shared_fields=[], members=[MemberSpec("1.001193")], is_active=True)  # fmt: skip
    with pytest.raises(GroupError, match="một lần"):
        save_group(None, name="Hai", code="hai", description="", published_code="",
                   shared_fields=[], members=[MemberSpec("1.001193")] * 2,
                   is_active=True)  # fmt: skip


def start(client) -> GroupApplication:
    response = client.post(
        f"/nop-truc-tuyen/lien-thong/{BIRTH_GROUP_CODE}/", {"receiving_agency": HALONG_CENTRE}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = GroupApplication.objects.get(owner__username="congdan1")
    assert response["Location"] == f"/nop-truc-tuyen/bo-ho-so/{application.pk}/thong-tin/"
    return application


def test_one_application_makes_one_dossier_per_member(citizen_client):
    client = citizen_client()
    application = start(client)
    drafts = list(application.drafts.order_by("position"))
    assert [d.procedure.code for d in drafts] == MEMBERS
    assert all(d.competent_agency.code == HALONG for d in drafts)
    base = f"/nop-truc-tuyen/bo-ho-so/{application.pk}"

    missing = client.post(f"{base}/thong-tin/", info_post(shared_ho_ten_nguoi_me=""))
    assert missing.status_code == 422
    assert "Hãy nhập “Họ tên người mẹ”." in missing.content.decode()
    future = client.post(f"{base}/thong-tin/", info_post(shared_ngay_sinh_cua_tre="2999-01-01"))
    assert "tương lai" in future.content.decode()
    assert client.post(f"{base}/thong-tin/", info_post()).status_code == 302

    # The shared data went to every member once.
    for draft in application.drafts.all():
        assert draft.form_data["shared"]["ho_ten_nguoi_me"] == "Trần Thị Bình"
        assert "Nguyễn Minh Khang" in draft.form_data["summary"]
    birth, residence, insurance = application.drafts.order_by("position")
    birth_doc = svc.documents_of(birth.procedure)[4]
    assert client.post(
        f"{base}/giay-to/",
        {"action": "upload", "draft": str(birth.pk), "slot": f"doc-{birth_doc.pk}",
         "files": upload(jpeg_bytes(), "giay-chung-sinh.jpg")},
    ).status_code == 302  # fmt: skip
    assert client.post(
        f"{base}/giay-to/",
        {"action": "upload", "draft": str(insurance.pk), "slot": "extra",
         "extra_name": "Tờ khai tham gia BHYT (mẫu TK1-TS)",
         "files": upload(pdf_bytes(), "tk1.pdf")},
    ).status_code == 302  # fmt: skip
    assert (
        client.post(f"{base}/nhan-ket-qua/", {"result_delivery": "electronic"}).status_code == 302
    )

    review = client.get(f"{base}/xem-lai/")
    assert review.context["problems"] == []
    application.refresh_from_db()
    response = client.post(f"{base}/xem-lai/", {"token": str(application.token)})
    assert response.status_code == 302
    assert response["Location"] == f"{base}/theo-doi/"
    again = client.post(f"{base}/xem-lai/", {"token": str(application.token)})
    assert again["Location"] == f"{base}/theo-doi/"

    dossiers = list(Dossier.objects.order_by("id"))
    assert [d.procedure.code for d in dossiers] == MEMBERS  # one each, never twice
    assert all(d.status == Status.SUBMITTED and d.channel == "online" for d in dossiers)
    assert all(d.receiving_agency.code == HALONG_CENTRE for d in dossiers)
    assert all(d.result_delivery == "electronic" for d in dossiers)
    assert dossiers[0].components.get().files.count() == 1
    assert dossiers[1].components.count() == 0  # residence: the e-form only
    assert dossiers[2].components.get().name == "Tờ khai tham gia BHYT (mẫu TK1-TS)"

    track = client.get(f"{base}/theo-doi/")
    page = track.content.decode()
    assert not track.context["state"].complete
    assert all(d.code in page for d in dossiers)
    assert "0/3" in page

    Dossier.objects.filter(pk__in=[d.pk for d in dossiers[:2]]).update(status=Status.RESOLVED)
    assert not client.get(f"{base}/theo-doi/").context["state"].complete
    Dossier.objects.filter(pk=dossiers[2].pk).update(status=Status.RETURNED)
    done = client.get(f"{base}/theo-doi/")
    assert done.context["state"].complete
    assert "Hoàn thành" in done.content.decode()


def test_a_group_submission_is_all_or_nothing(citizen_client):
    client = citizen_client()
    application = start(client)
    client.post(f"/nop-truc-tuyen/bo-ho-so/{application.pk}/thong-tin/", info_post())
    application.refresh_from_db()
    # No file anywhere: the technical check refuses the whole group.
    with pytest.raises(svc.TechnicalCheckError, match="Chưa đính kèm"):
        svc.submit_group(application.pk, get_user("congdan1"), str(application.token))
    assert not Dossier.objects.exists()


def test_a_member_without_a_competent_agency_at_the_centre_is_refused():
    group = save_group(
        None, name="Thử", code="thu", description="", published_code="", shared_fields=[],
        members=[MemberSpec("1.001193"), MemberSpec("1.004222", AgencyRule.PROVINCE)],
        is_active=True,
    )  # fmt: skip
    with pytest.raises(DossierError, match="Chưa xác định được cơ quan giải quyết"):
        svc.start_group(get_user("congdan1"), group, Agency.objects.get(code=HALONG_CENTRE))
    assert not SubmissionDraft.objects.exists()


def test_a_fixed_agency_rule_routes_to_that_agency(citizen_client):
    province_justice = Agency.objects.get(code="H22.03")
    group = save_group(
        None, name="Thử", code="thu", description="", published_code="", shared_fields=[],
        members=[MemberSpec("1.001193"),
                 MemberSpec("1.004222", AgencyRule.FIXED, province_justice.pk)],
        is_active=True,
    )  # fmt: skip
    application = svc.start_group(
        get_user("congdan1"), group, Agency.objects.get(code=HALONG_CENTRE)
    )
    assert [d.competent_agency.code for d in application.drafts.order_by("position")] == [
        HALONG,
        "H22.03",
    ]


# --- the catalog manager's screen ----------------------------------------------------------------
def manager_post(**changes) -> dict:
    data = {
        "name": "Khai tử, xóa thường trú",
        "code": "khai-tu",
        "published_code": "",
        "description": "Khi có người mất.",
        "shared_fields": "Họ tên người mất\nNgày mất | ngày",
        "is_active": "on",
        "tt-TOTAL_FORMS": "3",
        "tt-INITIAL_FORMS": "0",
        "tt-0-procedure_code": "1.001193",
        "tt-0-agency_rule": "commune",
        "tt-1-procedure_code": "1.004222",
        "tt-1-agency_rule": "commune",
        "tt-2-agency_rule": "commune",
    }
    data.update(changes)
    return data


def test_a_catalog_manager_defines_a_group(otp_client):
    client = otp_client("tinh.danhmuc")
    assert client.get("/can-bo/lien-thong/").status_code == 200
    assert client.get("/can-bo/lien-thong/them/").status_code == 200
    response = client.post("/can-bo/lien-thong/them/", manager_post())
    assert response.status_code == 302
    group = InterlinkedGroup.objects.get(code="khai-tu")
    assert [m.procedure_code for m in group.members.all()] == ["1.001193", "1.004222"]
    assert group.shared_fields[1]["type"] == "date"
    assert group.updated_by.username == "tinh.danhmuc"
    edit = client.get("/can-bo/lien-thong/khai-tu/")
    assert edit.context["form"]["shared_fields"].value() == "Họ tên người mất\nNgày mất | ngày"


def test_the_manager_screen_refuses_unknown_or_offline_procedures(otp_client):
    client = otp_client("tinh.danhmuc")
    response = client.post(
        "/can-bo/lien-thong/them/",
        manager_post(**{"tt-1-procedure_code": "2.000986", "tt-2-procedure_code": "9.999"}),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "2.000986:" in page and "Không có thủ tục mã 9.999." in page
    fixed = client.post("/can-bo/lien-thong/them/", manager_post(**{"tt-1-agency_rule": "fixed"}))
    assert "Cần mã một cơ quan đang hoạt động" in fixed.content.decode()
    assert not InterlinkedGroup.objects.filter(code="khai-tu").exists()


def test_other_officers_may_not_define_groups(otp_client):
    reader = otp_client("thanhtra")  # auditor: reads only
    assert reader.get("/can-bo/lien-thong/").status_code == 200
    assert reader.get("/can-bo/lien-thong/them/").status_code == 403
    desk = otp_client("halong.tiepnhan")
    assert desk.get("/can-bo/lien-thong/").status_code == 403
