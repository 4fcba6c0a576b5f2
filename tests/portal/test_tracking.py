"""Following a dossier: "Hồ sơ của tôi" (list, detail, timeline without officers' names, what
is expected now), answering a supplement request online (the code stays, the clock resumes,
the appointment moves by the pause), asking to withdraw, receipts, files and results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.services import CONFLICT, FORBIDDEN, Applicant, DossierError, submit
from motcua.dossiers.transitions import APPLICANT
from motcua.portal import tracking
from motcua.portal.models import SupplementFile
from tests.dossiers.conftest import birth_submission
from tests.helpers import get_user
from tests.portal.conftest import (
    CLERK,
    DESK,
    LEADER,
    SPECIALIST,
    act,
    at,
    jpeg_bytes,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

ITEMS = ["Giấy chứng sinh (bản chính)", "Văn bản ủy quyền có chứng thực"]


def request_supplement(dossier, when=None, items=ITEMS):
    return act(
        dossier,
        "request_supplement",
        SPECIALIST,
        when or at(3, 10),
        note="Giấy chứng sinh bị tẩy xóa phần họ tên của mẹ",
        items=list(items),
    )


def mine(client, username="congdan1"):
    client.force_login(get_user(username))
    return client


# --- the list -------------------------------------------------------------------------------
def test_my_dossiers_lists_only_mine_newest_first_and_pages(client):
    user, other = get_user("congdan1"), get_user("congdan2")
    applicant = Applicant(name="Nguyễn Văn An", id_number="022090001234", user_id=user.pk)
    desk = get_user(DESK)
    for n in range(21):
        submit(
            birth_submission(applicant=applicant), by=desk, at=at(2, 8) + dt.timedelta(minutes=n)
        )
    theirs = submit(
        birth_submission(applicant=Applicant(name="B", id_number="022195004321", user_id=other.pk)),
        by=desk,
        at=at(2, 9),
    )
    page = mine(client).get("/ho-so-cua-toi/")
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == 20
    times = [r["dossier"].submitted_at for r in rows]
    assert times == sorted(times, reverse=True)
    assert theirs.code not in page.content.decode()
    assert "Đã nộp, chờ tiếp nhận" in page.content.decode()
    second = client.get("/ho-so-cua-toi/?page=2")
    assert len(second.context["rows"]) == 1
    assert second.context["rows"][0]["dossier"].submitted_at == at(2, 8)


def test_an_empty_list_says_how_dossiers_get_there(client):
    page = mine(client, "congdan2").get("/ho-so-cua-toi/").content.decode()
    assert "Bạn chưa có hồ sơ nào" in page


def test_the_list_filters_what_waits_for_me(online_dossier, client):
    waiting = request_supplement(online_dossier(processing=True))
    quiet = online_dossier()
    page = mine(client).get("/ho-so-cua-toi/?loc=can-lam")
    codes = [r["dossier"].code for r in page.context["rows"]]
    assert codes == [waiting.code]
    assert "Bổ sung giấy tờ theo yêu cầu" in page.content.decode()
    codes = [
        r["dossier"].code for r in client.get("/ho-so-cua-toi/?loc=dang-giai-quyet").context["rows"]
    ]
    assert codes == [quiet.code]


def test_another_citizen_gets_404_everywhere_and_an_officer_403(online_dossier, client):
    dossier = request_supplement(online_dossier(processing=True))
    record = dossier.components.first().files.first()
    other = mine(client, "congdan2")
    for path in (
        f"/ho-so-cua-toi/{dossier.code}/",
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/",
        f"/ho-so-cua-toi/{dossier.code}/giay-tiep-nhan.pdf",
        f"/ho-so-cua-toi/{dossier.code}/tep/{record.pk}/",
        f"/ho-so-cua-toi/{dossier.code}/ket-qua/{dossier.code}-KQ1/",
    ):
        assert other.get(path).status_code == 404, path
    refused = other.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": "Không cần"})
    assert refused.status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUPPLEMENT
    client.force_login(get_user(DESK))
    assert client.get("/ho-so-cua-toi/").status_code == 403
    client.logout()
    assert client.get("/ho-so-cua-toi/").status_code == 302  # to the sign-in page


# --- the detail -----------------------------------------------------------------------------
def test_the_timeline_names_offices_never_officers(online_dossier, client):
    dossier = request_supplement(online_dossier(processing=True))
    page = mine(client).get(f"/ho-so-cua-toi/{dossier.code}/")
    html = page.content.decode()
    assert page.status_code == 200
    for username in (DESK, LEADER, SPECIALIST):
        assert get_user(username).get_full_name() not in html
    titles = [s.title for s in page.context["timeline"]]
    assert titles == [
        "Hồ sơ được nộp trực tuyến",
        "Hồ sơ được tiếp nhận",
        "Cơ quan giải quyết bắt đầu xử lý hồ sơ",
        "Yêu cầu bổ sung giấy tờ; thời hạn giải quyết tạm dừng",
    ]
    steps = page.context["timeline"]
    assert steps[0].by == "Người nộp hồ sơ"
    assert steps[1].by.startswith("Bộ phận Một cửa — ")
    assert steps[3].by == dossier.competent_agency.name
    assert steps[3].items == ITEMS and "tẩy xóa" in steps[3].note
    assert "Giấy chứng sinh (bản chính)" in html
    assert "Cần bổ sung giấy tờ" in html
    assert "Tạm dừng tính thời hạn từ 10:00 03/03/2026" in html
    assert f'href="/ho-so-cua-toi/{dossier.code}/bo-sung/"' in html


def test_what_is_expected_now(online_dossier):
    dossier = online_dossier(processing=True)
    assert tracking.todo(dossier) is None
    assert tracking.waiting_text(dossier) == "Cơ quan có thẩm quyền đang giải quyết hồ sơ."
    paying = act(dossier, "require_payment", SPECIALIST, at(3, 9), amount_vnd=8000)
    assert tracking.todo(paying).text == "Nộp phí, lệ phí: 8.000 đồng"
    paid = act(paying, "payment_received", DESK, at(3, 10))
    asked = request_supplement(paid, at(3, 11))
    assert tracking.todo(asked).text == "Bổ sung giấy tờ theo yêu cầu (yêu cầu ngày 03/03/2026)"
    assert tracking.citizen_status(asked) == "Cần bổ sung giấy tờ"


def test_receipt_form_01_once_received(online_dossier, client):
    dossier = online_dossier()
    client = mine(client)
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/giay-tiep-nhan.pdf").status_code == 404
    assert "Mẫu 01" not in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    act(dossier, "receive", DESK, at(2, 10), due_at=at(11, 17))
    response = client.get(f"/ho-so-cua-toi/{dossier.code}/giay-tiep-nhan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_my_files_download(online_dossier, client):
    dossier = online_dossier()
    record = dossier.components.first().files.get()
    response = mine(client).get(f"/ho-so-cua-toi/{dossier.code}/tep/{record.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == record.file.open("rb").read()
    assert "attachment" in response["Content-Disposition"]
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/tep/999999999/").status_code == 404


def result_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("giay-khai-sinh.pdf", pdf_bytes(2), content_type="application/pdf")


def resolved(dossier):
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 9), result_file=result_pdf(),
                  result_kind="Giấy khai sinh")  # fmt: skip
    dossier = act(dossier, "approve", LEADER, at(3, 10))
    return act(dossier, "issue_result", CLERK, at(3, 11))


def test_issued_results_are_listed_and_downloadable(online_dossier, client):
    dossier = online_dossier(processing=True)
    page = mine(client).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Chưa có kết quả." in page
    dossier = resolved(dossier)
    result = dossier.results.get()
    assert result.code == f"{dossier.code}-KQ1"
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/")
    assert [r.code for r in page.context["results"]] == [result.code]
    assert "Đến nhận kết quả tại" in page.content.decode()
    assert "Đã có kết quả giải quyết" in [s.title for s in page.context["timeline"]]
    download = client.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/{result.code}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == result.file.open("rb").read()


# --- answering a supplement request ---------------------------------------------------------
def test_online_answer_during_processing_resumes_the_clock(online_dossier):
    user = get_user("congdan1")
    dossier = online_dossier(processing=True)
    due_before, code = dossier.due_at, dossier.code
    dossier = request_supplement(dossier, at(3, 10))
    assert dossier.paused_since == at(3, 10)
    tracking.add_supplement_file(code, user, 0, upload(jpeg_bytes(), "giay-chung-sinh.jpg"))
    with pytest.raises(DossierError, match="Còn thiếu tệp cho: Văn bản ủy quyền"):
        tracking.send_supplement(code, user, at=at(5, 10))
    tracking.add_supplement_file(code, user, 1, upload(pdf_bytes(2), "uy-quyen.pdf"))
    components_before = dossier.components.count()
    done = tracking.send_supplement(code, user, at=at(5, 10))

    assert done.code == code and done.status == Status.PROCESSING and done.paused_since is None
    # The appointment moved by exactly the paused working time (Tuesday 10:00 → Thursday 10:00).
    calendar = calendar_for(done.competent_agency)
    paused = worktime.working_minutes_between(at(3, 10), at(5, 10), calendar)
    assert paused == 2 * 450
    assert worktime.working_minutes_between(due_before, done.due_at, calendar) == paused
    assert done.pauses.get().ended_at == at(5, 10)
    event = done.events.order_by("-seq").first()
    assert (event.action, event.actor_role, event.from_status, event.to_status) == (
        "supplement_received",
        APPLICANT,
        Status.SUPPLEMENT,
        Status.PROCESSING,
    )
    supplied = event.data["supplied"]
    assert [s["item"] for s in supplied] == ITEMS
    assert [s["name"] for s in supplied] == ["giay-chung-sinh.jpg", "uy-quyen.pdf"]
    # Both items were new to the dossier: two new components, justified by the request.
    assert done.components.count() == components_before + 2
    extra = done.components.get(pk=supplied[1]["component_id"])
    assert extra.name == ITEMS[1] and extra.extra_reason.startswith("Bổ sung theo yêu cầu ngày")
    assert extra.digitized and extra.files.get().page_count == 2
    assert not SupplementFile.objects.filter(dossier=done).exists()
    asked = done.events.get(action="request_supplement").seq
    assert done.events.filter(action="attach_file", actor=user, seq__gt=asked).count() == 2


def test_an_answer_to_guidance_at_reception_goes_back_to_the_desk(online_dossier):
    user = get_user("congdan1")
    dossier = online_dossier()
    dossier = act(
        dossier,
        "request_supplement_at_reception",
        DESK,
        at(2, 10),
        note="Thiếu giấy chứng sinh",
        items=[{"name": "Giấy chứng sinh", "originals": 1}],
    )
    tracking.add_supplement_file(dossier.code, user, "0", upload(pdf_bytes(), "gcs.pdf"))
    done = tracking.send_supplement(dossier.code, user, at=at(2, 15))
    assert done.status == Status.SUBMITTED and done.received_at is None
    titles = [s.title for s in tracking.timeline(done)]
    assert titles[-1] == "Giấy tờ bổ sung được gửi trực tuyến"
    assert tracking.timeline(done)[-1].details == ["Hồ sơ chờ Bộ phận Một cửa kiểm tra lại."]


def test_supplement_files_are_checked_by_content_and_only_while_requested(online_dossier):
    user = get_user("congdan1")
    dossier = online_dossier(processing=True)
    with pytest.raises(DossierError) as refused:
        tracking.add_supplement_file(dossier.code, user, 0, upload(pdf_bytes(), "a.pdf"))
    assert refused.value.kind == CONFLICT
    dossier = request_supplement(dossier)
    with pytest.raises(DossierError, match="Định dạng tệp không được chấp nhận"):
        tracking.add_supplement_file(dossier.code, user, 0, upload(b"not a pdf", "gia.pdf"))
    with pytest.raises(DossierError, match="không nằm trong yêu cầu"):
        tracking.add_supplement_file(dossier.code, user, 7, upload(pdf_bytes(), "a.pdf"))
    tracking.add_supplement_file(dossier.code, user, 0, upload(pdf_bytes(), "a.pdf"))
    with pytest.raises(DossierError, match="đã được đính kèm"):
        tracking.add_supplement_file(dossier.code, user, 0, upload(pdf_bytes(), "b.pdf"))
    with pytest.raises(DossierError) as stranger:
        tracking.add_supplement_file(
            dossier.code, get_user("congdan2"), 0, upload(pdf_bytes(), "c.pdf")
        )
    assert stranger.value.kind == FORBIDDEN


def test_the_supplement_page_in_the_browser_flow(online_dossier, client):
    dossier = request_supplement(online_dossier(processing=True), items=ITEMS[:1])
    client = mine(client)
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/bo-sung/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Giấy chứng sinh (bản chính)" in html and "disabled" in html
    bad = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {"action": "upload", "item": "0", "files": upload(b"hello", "x.pdf")},
    )
    assert bad.status_code == 422 and "Định dạng tệp không được chấp nhận" in bad.content.decode()
    sent = client.post(f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {"action": "send"})
    assert sent.status_code == 422 and "Còn thiếu tệp cho" in sent.content.decode()
    ok = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {"action": "upload", "item": "0", "files": upload(pdf_bytes(), "gcs.pdf")},
    )
    assert ok.status_code == 302
    staged = SupplementFile.objects.get(dossier=dossier)
    removed = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {"action": "remove", "file_id": staged.pk}
    )
    assert removed.status_code == 302 and not SupplementFile.objects.filter(pk=staged.pk).exists()
    client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {"action": "upload", "item": "0", "files": upload(pdf_bytes(), "gcs.pdf")},
    )
    sent = client.post(f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {"action": "send"})
    assert sent.status_code == 302 and sent["Location"] == f"/ho-so-cua-toi/{dossier.code}/"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING
    # Nothing is requested any more: the page sends back to the dossier.
    again = client.get(f"/ho-so-cua-toi/{dossier.code}/bo-sung/")
    assert again.status_code == 302
    late = client.post(f"/ho-so-cua-toi/{dossier.code}/bo-sung/", {"action": "send"})
    assert late.status_code == 409 and "không còn chờ bổ sung" in late.content.decode()


# --- withdrawal -----------------------------------------------------------------------------
def test_the_applicant_asks_to_withdraw_and_the_desk_confirms(online_dossier, client):
    dossier = online_dossier(received=True)
    client = mine(client)
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/").status_code == 200
    empty = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": "  "})
    assert empty.status_code == 422 and "Hãy ghi lý do rút hồ sơ" in empty.content.decode()
    done = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": "Đã nộp nhầm"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWAL and dossier.withdrawn_at is None
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert (event.action, event.actor_role, event.note) == (
        "request_withdrawal",
        APPLICANT,
        "Đã nộp nhầm",
    )
    # A second request is a conflict with a clear message.
    again = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": "Lần nữa"})
    assert again.status_code == 409
    # The applicant cannot confirm it himself: the desk does.
    with pytest.raises(DossierError) as refused:
        act(dossier, "confirm_withdrawal", "congdan1", at(3, 9))
    assert refused.value.kind == FORBIDDEN
    dossier = act(dossier, "confirm_withdrawal", DESK, at(3, 9))
    assert tracking.citizen_status(dossier) == "Đã rút hồ sơ"
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Đã xác nhận rút hồ sơ" in page and "Rút hồ sơ</a>" not in page


def test_a_closed_dossier_offers_no_withdrawal(online_dossier, client):
    dossier = act(online_dossier(), "refuse", DESK, at(2, 10), note="Không thuộc thẩm quyền")
    client = mine(client)
    response = client.get(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/")
    assert response.status_code == 302
    refused = client.post(f"/ho-so-cua-toi/{dossier.code}/rut-ho-so/", {"reason": "x"})
    assert refused.status_code == 409
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Không thuộc thẩm quyền" in html  # the reason is written for the applicant


# --- interlinked groups ---------------------------------------------------------------------
def test_a_group_member_links_to_its_group_tracking(online_dossier, client):
    from motcua.portal.groups import BIRTH_GROUP_CODE
    from motcua.portal.models import GroupApplication, InterlinkedGroup

    dossier = online_dossier()
    draft = dossier.online_application
    application = GroupApplication.objects.create(
        owner=draft.owner,
        group=InterlinkedGroup.objects.get(code=BIRTH_GROUP_CODE),
        receiving_agency=draft.receiving_agency,
        submitted_at=draft.submitted_at,
    )
    draft.group_application = application
    draft.save()
    html = mine(client).get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert f"/nop-truc-tuyen/bo-ho-so/{application.pk}/theo-doi/" in html
