"""A walk-in birth registration (procedure 1.001193) from the desk to the returned result, each
officer in his own browser with password and TOTP:

desk receives it with a scanned component, types the appointment (the national catalog gives
the deadline without a unit) and prints Form 01 → the leader assigns the specialist (step 1 and
its due moment) → the specialist asks for a supplement → the desk records the supplement → the
specialist uploads the draft result (a PDF) to the leader (step 2) → the leader reads it,
approves and hands it to the clerk (step 3) → the clerk numbers and issues it (code
<dossier>-KQ1, the steps close) → the desk downloads the issued result and returns it.

A second, smaller journey: the specialist asks Sở Tư pháp for its opinion (liên thông); an
officer of Sở Tư pháp answers; only then can the draft be submitted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from django_otp.oath import totp
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from pypdf import PdfReader, PdfWriter

from motcua.core.demo import DEMO_PASSWORD, demo_totp_key

BIRTH = "1.001193"
DESK, LEADER, UNIT_LEADER = "halong.tiepnhan", "halong.lanhdao", "halong.truongphong"
SPECIALIST, CLERK = "halong.chuyenvien", "halong.vanthu"


def current_code(username: str) -> str:
    return f"{totp(demo_totp_key(username)):06d}"


def scanned_page(path) -> None:
    """A small "scan" of a birth certificate, as a PNG."""
    image = Image.new("RGB", (620, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 610, 390), outline="black", width=3)
    draw.text((40, 40), "GIAY CHUNG SINH", fill="black")
    draw.text((40, 90), "Ho ten me: Tran Thi Binh", fill="black")
    draw.text((40, 130), "Sinh con luc 08:15 ngay 20/02/2026", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())


def draft_result_pdf(path) -> bytes:
    """The specialist's draft birth certificate, printed to PDF (Vietnamese text)."""
    from weasyprint import HTML

    html = (
        "<html><body style=\"font-family: 'DejaVu Serif'\"><h1>GIẤY KHAI SINH</h1>"
        "<p>(Dự thảo)</p><p>Họ, chữ đệm, tên: Trần Minh Anh</p>"
        "<p>Ngày, tháng, năm sinh: 20/02/2026</p><p>Họ tên mẹ: Trần Thị Bình</p></body></html>"
    )
    content = HTML(string=html).write_pdf()
    path.write_bytes(content)
    return content


def scanned_pdf(path) -> None:
    """The original brought with the supplement, scanned to a one-page PDF."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as handle:
        writer.write(handle)


class Officers:
    """One browser context per officer, signed in once with password and TOTP."""

    def __init__(self, browser, base: str) -> None:
        self.browser, self.base, self.pages = browser, base, {}

    def page(self, username: str):
        if username not in self.pages:
            context = self.browser.new_context(
                viewport={"width": 1280, "height": 900}, locale="vi-VN"
            )
            page = context.new_page()
            page.set_default_timeout(20_000)
            page.goto(self.base + "/tai-khoan/dang-nhap/?next=/can-bo/ho-so/")
            page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill(
                username
            )
            page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop/"))
            page.get_by_label("Mã xác thực 6 số").fill(current_code(username))
            page.get_by_role("button", name="Xác nhận").click()
            expect(page).to_have_url(re.compile(r"/can-bo/ho-so/$"))
            self.pages[username] = page
        return self.pages[username]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def open_dossier(page, base: str, tab: str, code: str, snap=None) -> None:
    """From the work queues: the tab, then the dossier's code."""
    page.goto(base + "/can-bo/ho-so/")
    page.get_by_role("link", name=re.compile(rf"^{re.escape(tab)} \d+$")).click()
    if snap:
        snap(page)
    page.get_by_role("link", name=code).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")


def pdf_text(page, base: str, url: str, expected_name: str) -> str:
    response = page.request.get(base + url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert expected_name in response.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(response.body()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def birth_process() -> None:
    """The internal process of birth registration, with an allotment per step."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.processes import StepSpec, save_process

    save_process(
        Procedure.objects.get(code=BIRTH),
        [
            StepSpec(
                1, "Thẩm định, dự thảo giấy khai sinh", "specialist", Decimal(2), "working_days"
            ),
            StepSpec(2, "Lãnh đạo ký duyệt", "agency_leader", Decimal(1), "working_days"),
            StepSpec(3, "Vào sổ hộ tịch, đóng dấu", "records_clerk", Decimal(4), "working_hours"),
        ],
    )


def user_id(username: str) -> str:
    from motcua.accounts.models import User

    return str(User.objects.get(username=username).pk)


def test_walk_in_birth_registration_from_desk_to_returned_result(
    browser, seeded_live_server, shot, tmp_path, settings
):
    from django.utils import timezone

    from motcua.dossiers.models import Dossier, Status

    settings.MEDIA_ROOT = tmp_path / "media"
    birth_process()
    appointment = timezone.localdate() + dt.timedelta(days=14)
    scan = tmp_path / "giay-chung-sinh.png"
    scanned_page(scan)
    original = tmp_path / "giay-chung-sinh-ban-chinh.pdf"
    scanned_pdf(original)
    draft = tmp_path / "du-thao-giay-khai-sinh.pdf"
    draft_bytes = draft_result_pdf(draft)
    base = seeded_live_server.url
    officers = Officers(browser, base)
    try:
        # --- 1. The desk receives the walk-in dossier ----------------------------------------
        desk = officers.page(DESK)
        expect(desk.get_by_role("link", name=re.compile(r"^Chờ tiếp nhận \d+$"))).to_be_visible()
        shot(desk, "01-desk-queues-empty")
        desk.get_by_role("link", name="Tiếp nhận hồ sơ mới").click()
        desk.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
        desk.get_by_role("button", name="Tìm thủ tục").click()
        shot(desk, "02-desk-find-procedure")
        desk.locator(f'a[href$="/tiep-nhan/{BIRTH}/"]').click()
        expect(desk.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")

        desk.get_by_label("Họ tên người nộp / tên tổ chức").fill("Trần Thị Bình")
        desk.locator("#id_applicant_id_number").fill("022195004321")
        desk.locator("#id_applicant_phone").fill("0987654321")
        desk.get_by_label("Thư điện tử").fill("binh.tran@example.vn")
        desk.locator("#id_applicant_address").fill("Số 5 phố Hạ Long, phường Hạ Long")
        desk.get_by_label("Trích yếu nội dung yêu cầu").fill(
            "Đăng ký khai sinh cho cháu Trần Minh Anh"
        )
        certificate = desk.get_by_role("row").filter(has_text="Giấy chứng sinh; trường hợp")
        certificate.get_by_role("checkbox").check()
        certificate.locator('input[type="file"]').set_input_files(str(scan))
        identity = desk.get_by_role("row").filter(has_text="Hộ chiếu/Thẻ căn cước")
        identity.get_by_role("checkbox").check()
        # A paper the citizen hands in beyond the published list needs a reason: first forgotten.
        desk.locator("#id_extra-0-name").fill("Bản sao sổ hộ khẩu cũ")
        desk.locator("#id_extra-0-copies").fill("1")
        shot(desk, "03-desk-reception-form")
        desk.get_by_role("button", name="Tiếp nhận", exact=True).click()
        expect(desk.get_by_text("phải ghi rõ lý do nhận thêm")).to_be_visible()
        expect(desk.get_by_text(re.compile("hãy chọn lại: giay-chung-sinh.png"))).to_be_visible()
        expect(desk.locator("#id_applicant_name")).to_have_value("Trần Thị Bình")
        expect(certificate.get_by_role("checkbox")).to_be_checked()
        assert not Dossier.objects.filter(applicant_id_number="022195004321").exists()
        # The national catalog gives the deadline "1" without a unit: the page asks for the
        # appointment and says why.
        expect(desk.get_by_text("Cần nhập ngày hẹn trả khi tiếp nhận.")).to_be_visible()
        shot(desk, "03b-desk-extra-item-needs-reason")
        desk.locator("#id_extra-0-reason").fill("Người dân tự nguyện nộp thêm để đối chiếu")
        desk.get_by_label("Ngày hẹn trả kết quả").fill(appointment.strftime("%d/%m/%Y"))
        desk.get_by_label("Giờ hẹn trả").fill("16:30")
        certificate.locator('input[type="file"]').set_input_files(str(scan))
        shot(desk, "03c-desk-types-the-appointment")
        desk.get_by_role("button", name="Tiếp nhận", exact=True).click()

        notice = desk.get_by_role("status").filter(has_text="Đã tiếp nhận hồ sơ")
        expect(notice).to_contain_text("Hẹn trả kết quả lúc")
        dossier = Dossier.objects.get(applicant_id_number="022195004321")
        code = dossier.code
        assert dossier.status == Status.RECEIVED
        assert timezone.localtime(dossier.due_at).date() == appointment
        expect(notice).to_contain_text(f"16:30 {appointment:%d/%m/%Y}")
        expect(desk.get_by_text("(do cán bộ tiếp nhận nhập)")).to_be_visible()
        expect(desk.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
        expect(desk.get_by_role("link", name="giay-chung-sinh.png")).to_be_visible()
        shot(desk, "04-desk-received")

        # --- 2. Form 01, the receipt with the appointment ------------------------------------
        form01 = notice.get_by_role("link", name="In phiếu tiếp nhận (Mẫu 01)")
        text = pdf_text(desk, base, form01.get_attribute("href"), f"{code}-mau-01.pdf")
        assert code in text
        assert "Trần Thị Bình" in text
        # The scanned file is served to an officer who may see the dossier.
        file_url = desk.get_by_role("link", name="giay-chung-sinh.png").get_attribute("href")
        scanned = desk.request.get(base + file_url)
        assert scanned.status == 200 and scanned.headers["content-type"] == "image/png"

        # --- 3. The leader assigns the specialist --------------------------------------------
        # The unit leader opens the same dossier at the same time (his page goes stale).
        unit_leader = officers.page(UNIT_LEADER)
        open_dossier(unit_leader, base, "Chờ phân công", code)
        leader = officers.page(LEADER)
        open_dossier(
            leader, base, "Chờ phân công", code, snap=lambda p: shot(p, "05a-leader-queue")
        )
        leader.get_by_text("Phân công xử lý", exact=True).click()
        leader.get_by_label(re.compile("^Giao cho")).select_option(
            label="Lê Thị Hằng — Công chức Văn phòng – Thống kê"
        )
        shot(leader, "05-leader-assigns")
        leader.get_by_role("button", name="Xác nhận: Phân công xử lý").click()
        expect(leader.get_by_role("status").first).to_contain_text("Đã phân công Lê Thị Hằng")
        step_due = Dossier.objects.get(code=code).step_due_at
        assert step_due is not None and step_due < Dossier.objects.get(code=code).due_at
        expect(leader.locator("#han-buoc")).to_contain_text(
            timezone.localtime(step_due).strftime("%H:%M %d/%m/%Y")
        )
        steps = leader.locator("#cac-buoc")
        expect(steps).to_contain_text("1. Thẩm định, dự thảo giấy khai sinh")
        shot(leader, "06-leader-assigned")
        # The unit leader, on his stale page, assigns too: 409, told who acted first.
        unit_leader.get_by_text("Phân công xử lý", exact=True).click()
        unit_leader.get_by_label(re.compile("^Giao cho")).select_option(
            label="Lê Thị Hằng — Công chức Văn phòng – Thống kê"
        )
        with unit_leader.expect_response(lambda r: r.request.method == "POST") as posted:
            unit_leader.get_by_role("button", name="Xác nhận: Phân công xử lý").click()
        assert posted.value.status == 409
        conflict = unit_leader.get_by_role("alert").filter(has_text="người khác cập nhật")
        expect(conflict).to_contain_text("Vũ Minh Tuấn: Phân công xử lý")
        expect(
            unit_leader.get_by_text("Thẩm định, dự thảo giấy khai sinh — Lê Thị Hằng")
        ).to_be_visible()
        shot(unit_leader, "06b-unit-leader-409")

        # --- 4. The specialist asks for a supplement -----------------------------------------
        specialist = officers.page(SPECIALIST)
        open_dossier(specialist, base, "Của tôi", code)
        specialist.get_by_text("Yêu cầu bổ sung hồ sơ", exact=True).click()
        specialist.get_by_label("Giấy tờ cần bổ sung").fill(
            "Giấy chứng sinh bản chính (bản đã nộp là bản chụp, không rõ dấu)"
        )
        specialist.get_by_label("Lý do yêu cầu bổ sung").fill(
            "Bản chụp giấy chứng sinh không đọc được dấu của cơ sở y tế"
        )
        shot(specialist, "07-specialist-supplement-form")
        specialist.get_by_role("button", name="Xác nhận: Yêu cầu bổ sung hồ sơ").click()
        expect(specialist.get_by_role("status").first).to_contain_text("Yêu cầu bổ sung")
        shot(specialist, "08-specialist-supplement-requested")
        form02 = specialist.get_by_role("link", name="In phiếu yêu cầu bổ sung (Mẫu 02)").first
        assert "Giấy chứng sinh bản chính" in pdf_text(
            specialist, base, form02.get_attribute("href"), f"{code}-mau-02.pdf"
        )

        # --- 5. The desk records the supplement ----------------------------------------------
        open_dossier(desk, base, "Chờ bổ sung", code)
        expect(desk.get_by_text("Đang chờ người nộp bổ sung")).to_be_visible()
        desk.locator("#upload-files").set_input_files(str(original))
        desk.get_by_role("button", name="Tải lên").click()
        expect(desk.get_by_text("Đã đính kèm 1 tệp.")).to_be_visible()
        expect(desk.get_by_role("link", name="giay-chung-sinh-ban-chinh.pdf")).to_be_visible()
        shot(desk, "09-desk-supplement-waiting")
        desk.get_by_role("button", name="Nhận giấy tờ bổ sung").click()
        expect(desk.get_by_role("status").first).to_contain_text("Nhận giấy tờ bổ sung")
        assert Dossier.objects.get(code=code).status == Status.PROCESSING

        # --- 6. The specialist submits the draft to the leader's step -----------------------
        open_dossier(specialist, base, "Của tôi", code)
        specialist.get_by_text("Trình dự thảo kết quả", exact=True).click()
        # The kind comes from the catalog (Giấy khai sinh); the draft must be a PDF.
        expect(specialist.get_by_label("Loại kết quả")).to_have_value("Giấy khai sinh")
        specialist.get_by_label("Tệp dự thảo kết quả (PDF)").set_input_files(str(scan))
        specialist.locator("#id_submit_draft-assignee").select_option(value=user_id(LEADER))
        specialist.get_by_role("button", name="Xác nhận: Trình dự thảo kết quả").click()
        expect(specialist.get_by_text("phải là tệp PDF")).to_be_visible()
        shot(specialist, "09b-specialist-draft-must-be-pdf")
        specialist.get_by_label("Tệp dự thảo kết quả (PDF)").set_input_files(str(draft))
        specialist.locator("#id_submit_draft-assignee").select_option(value=user_id(LEADER))
        shot(specialist, "09c-specialist-submits-draft")
        specialist.get_by_role("button", name="Xác nhận: Trình dự thảo kết quả").click()
        expect(specialist.get_by_role("status").first).to_contain_text("Trình dự thảo kết quả")
        card = specialist.locator("#ket-qua")
        expect(card).to_contain_text("Dự thảo chờ phê duyệt")
        expect(card.get_by_role("link", name="du-thao-giay-khai-sinh.pdf")).to_be_visible()
        shot(specialist, "09d-specialist-draft-submitted")
        dossier = Dossier.objects.get(code=code)
        assert (dossier.current_step, dossier.assignee.username) == (2, LEADER)

        # --- 7. The leader approves and hands it to the clerk's step --------------------------
        open_dossier(leader, base, "Của tôi", code)
        expect(leader.get_by_text("bước 2/3 của quy trình nội bộ")).to_be_visible()
        expect(leader.locator("#han-buoc")).to_be_visible()
        leader.get_by_text("Phê duyệt kết quả", exact=True).click()
        # The leader reads the draft he approves, from the approval card itself.
        approval = leader.locator("details").filter(has_text="Phê duyệt kết quả")
        draft_link = approval.get_by_role("link", name="du-thao-giay-khai-sinh.pdf")
        read = leader.request.get(base + draft_link.get_attribute("href"))
        assert read.status == 200 and read.body() == draft_bytes
        leader.locator("#id_approve-assignee").select_option(value=user_id(CLERK))
        shot(leader, "10-leader-approves")
        leader.get_by_role("button", name="Xác nhận: Phê duyệt kết quả").click()
        expect(leader.get_by_role("status").first).to_contain_text("Phê duyệt kết quả")
        expect(leader.locator("#cac-buoc")).to_contain_text("Trước hạn")
        dossier = Dossier.objects.get(code=code)
        assert (dossier.current_step, dossier.assignee.username) == (3, CLERK)

        # --- 8. The clerk issues the result: the last step closes ----------------------------
        clerk = officers.page(CLERK)
        open_dossier(clerk, base, "Của tôi", code)
        expect(clerk.get_by_text("bước 3/3 của quy trình nội bộ")).to_be_visible()
        clerk.get_by_text("Vào số, phát hành kết quả", exact=True).click()
        clerk.get_by_label("Số, ký hiệu văn bản").fill(f"125/{timezone.localdate():%Y}/GKS")
        shot(clerk, "11-clerk-issues")
        clerk.get_by_role("button", name="Xác nhận: Vào số, phát hành kết quả").click()
        result_code = f"{code}-KQ1"
        expect(clerk.get_by_role("status").first).to_contain_text(
            f"Đã vào số, phát hành kết quả {result_code} (số 125/{timezone.localdate():%Y}/GKS"
        )
        expect(clerk.locator("#ket-qua")).to_contain_text("Đã phát hành")
        expect(clerk.locator("#lich-su")).to_contain_text(f"Kết quả {result_code}: Giấy khai sinh")
        dossier = Dossier.objects.get(code=code)
        assert dossier.status == Status.RESOLVED and dossier.current_step is None
        expect(clerk.locator("#cac-buoc tbody tr")).to_have_count(3)
        expect(clerk.locator("#cac-buoc")).not_to_contain_text("Đang xử lý")
        shot(clerk, "11b-clerk-issued-steps-closed")

        # --- 9. The desk returns the result --------------------------------------------------
        open_dossier(desk, base, "Chờ trả kết quả", code)
        issued = desk.locator("#ket-qua")
        expect(issued).to_contain_text(result_code)
        expect(issued).to_contain_text(f"Số văn bản: 125/{timezone.localdate():%Y}/GKS")
        shot(desk, "11c-desk-sees-the-issued-result")
        download = desk.request.get(
            base
            + issued.get_by_role("link", name="du-thao-giay-khai-sinh.pdf").get_attribute("href")
        )
        assert download.status == 200 and download.headers["content-type"] == "application/pdf"
        assert f"{result_code}.pdf" in download.headers["content-disposition"]
        assert download.body() == draft_bytes  # the very bytes the specialist uploaded
        desk.get_by_text("Trả kết quả cho công dân", exact=True).click()
        desk.get_by_label("Họ tên người nhận kết quả").fill("Trần Thị Bình")
        desk.get_by_label("Số giấy tờ người nhận").fill("022195004321")
        shot(desk, "12-desk-returns")
        desk.get_by_role("button", name="Xác nhận: Trả kết quả cho công dân").click()
        expect(desk.get_by_role("status").first).to_contain_text("Đã trả kết quả hồ sơ")
        expect(desk.get_by_text("Hồ sơ đã kết thúc; không còn thao tác nào.")).to_be_visible()
        shot(desk, "13-desk-returned")
        dossier = Dossier.objects.get(code=code)
        assert dossier.status == Status.RETURNED
        events = dossier.events.order_by("seq")
        assert events.filter(action="attach_file").count() == 2  # the scan and the original
        actions = list(events.exclude(action="attach_file").values_list("action", flat=True))
        assert actions == [
            "submit",
            "receive",
            "assign",
            "request_supplement",
            "supplement_received",
            "submit_draft",
            "approve",
            "issue_result",
            "return_result",
        ]
        form06 = desk.get_by_role("link", name="In phiếu kiểm soát quá trình (Mẫu 06)")
        assert code in pdf_text(desk, base, form06.get_attribute("href"), f"{code}-mau-06.pdf")

        # Found again later by the applicant's name typed without accents; the register.
        desk.goto(base + "/can-bo/ho-so/?hang-doi=tat-ca")
        desk.get_by_label("Tìm hồ sơ").fill("tran thi binh")
        desk.get_by_role("button", name="Tìm", exact=True).click()
        expect(desk.get_by_role("link", name=code)).to_be_visible()
        shot(desk, "14-desk-search-all")
        desk.get_by_role("link", name="Sổ theo dõi (Mẫu 05)").click()
        expect(desk.get_by_role("heading", level=1)).to_have_text("Sổ theo dõi hồ sơ (Mẫu 05)")
        shot(desk, "15-register")
        with desk.expect_download() as download:
            desk.get_by_role("button", name="Tải sổ (Excel)").click()
        assert download.value.suggested_filename.endswith(".xlsx")

        # Another commune's desk cannot open it.
        outsider = officers.page("vandon.tiepnhan")
        response = outsider.goto(base + f"/can-bo/ho-so/{code}/")
        assert response is not None and response.status == 404
    finally:
        officers.close()


def test_consulting_another_agency_before_the_draft(
    browser, seeded_live_server, shot, tmp_path, settings
):
    """The specialist asks Sở Tư pháp (another agency, its own calendar and allotment); the
    draft waits; Sở Tư pháp's specialist answers from his own queue of the dossier."""
    from django.utils import timezone

    from motcua.dossiers.models import Dossier, DossierConsultation
    from motcua.dossiers.services import perform, submit
    from tests.dossiers.conftest import birth_submission
    from tests.helpers import get_user

    settings.MEDIA_ROOT = tmp_path / "media"
    draft = tmp_path / "du-thao.pdf"
    draft_result_pdf(draft)
    now = timezone.now()
    dossier = submit(birth_submission(), by=get_user(DESK), at=now)
    dossier = perform(dossier.code, "receive", get_user(DESK), due_at=now + dt.timedelta(days=20))
    dossier = perform(dossier.code, "assign", get_user(LEADER), assignee_id=get_user(SPECIALIST).pk)
    code = dossier.code
    base = seeded_live_server.url
    officers = Officers(browser, base)
    try:
        specialist = officers.page(SPECIALIST)
        open_dossier(specialist, base, "Của tôi", code)
        specialist.get_by_text("Xin ý kiến cơ quan phối hợp", exact=True).click()
        specialist.get_by_label("Cơ quan được xin ý kiến").select_option(value="H22.03")
        specialist.get_by_label("Thời gian trả lời (ngày làm việc)").fill("3")
        specialist.get_by_label("Nội dung xin ý kiến").fill(
            "Đề nghị xác minh việc cha của cháu đã đăng ký kết hôn tại Sở Tư pháp năm 2020."
        )
        shot(specialist, "01-specialist-asks-justice")
        specialist.get_by_role("button", name="Xác nhận: Xin ý kiến cơ quan phối hợp").click()
        expect(specialist.get_by_role("status").first).to_contain_text("Đã xin ý kiến Sở Tư pháp")
        section = specialist.locator("#xin-y-kien")
        expect(section).to_contain_text("Đang chờ trả lời")
        expect(specialist.get_by_role("button", name="Trình dự thảo kết quả")).to_have_count(0)
        expect(specialist.get_by_text("Trình dự thảo kết quả", exact=True)).to_have_count(0)
        shot(specialist, "02-waiting-for-the-opinion")
        consultation = DossierConsultation.objects.get(dossier__code=code)
        assert consultation.agency.code == "H22.03" and consultation.allotment_days == 3

        justice = officers.page("sotuphap.chuyenvien")
        justice.goto(base + f"/can-bo/ho-so/{code}/")
        expect(justice.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
        justice.get_by_text("Trả lời xin ý kiến", exact=True).click()
        justice.get_by_label("Ý kiến trả lời").fill(
            "Sở Tư pháp xác nhận: đã đăng ký kết hôn ngày 12/05/2020, số 45/2020."
        )
        shot(justice, "03-justice-answers")
        justice.get_by_role("button", name="Xác nhận: Trả lời xin ý kiến").click()
        expect(justice.get_by_role("status").first).to_contain_text("Đã gửi ý kiến trả lời")
        expect(justice.locator("#xin-y-kien")).to_contain_text("Đã trả lời")

        open_dossier(specialist, base, "Của tôi", code)
        expect(specialist.locator("#xin-y-kien")).to_contain_text("số 45/2020")
        expect(specialist.locator("#cac-buoc")).to_contain_text("Xin ý kiến Sở Tư pháp")
        specialist.get_by_text("Trình dự thảo kết quả", exact=True).click()
        specialist.get_by_label("Tệp dự thảo kết quả (PDF)").set_input_files(str(draft))
        specialist.get_by_role("button", name="Xác nhận: Trình dự thảo kết quả").click()
        expect(specialist.get_by_role("status").first).to_contain_text("Trình dự thảo kết quả")
        shot(specialist, "04-draft-after-the-answer")
        assert Dossier.objects.get(code=code).result_state == "draft"
    finally:
        officers.close()
