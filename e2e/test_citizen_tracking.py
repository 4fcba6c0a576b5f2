"""After submitting, on a 375-pixel phone: congdan1 submits birth registration online and
follows it under "Hồ sơ của tôi"; the desk receives it and the leader assigns it; the
specialist (password and TOTP, in his own browser) asks for a supplement; the citizen reads
what is missing, uploads it online and sends it; the specialist sees the dossier back in
processing with the new file; anyone finds the dossier on the public lookup with its code and
the last four digits of the phone; the citizen's data warehouse lists the documents he sent.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect
from pypdf import PdfWriter

# The browser helpers and fixtures of the online submission journey (e2e/ is on the path).
from test_online_submission import (  # noqa: F401 (fixtures)
    BIRTH,
    PHONE,
    document_slot,
    files,
    media_root,
    sign_in,
    upload_to,
)

from motcua.core.demo import DEMO_PASSWORD, demo_totp_key

DESK, LEADER, SPECIALIST = "halong.tiepnhan", "halong.lanhdao", "halong.chuyenvien"
MISSING = ["Giấy chứng sinh bản chính", "Văn bản ủy quyền có chứng thực"]


def officer_page(browser, base: str, username: str, next_url: str):
    """An officer's own browser, signed in with password and TOTP."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/tai-khoan/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop/"))
    page.get_by_label("Mã xác thực 6 số").fill(f"{totp(demo_totp_key(username)):06d}")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))
    return page


def submit_online(page, jpeg) -> None:
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho cháu Nguyễn Minh Khang")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    upload_to(document_slot(page, "Giấy chứng sinh"), jpeg)
    expect(page.get_by_text("Đã đính kèm tệp “giay-chung-sinh.jpg”.")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()


def receive_and_assign(code: str) -> None:
    """The desk receives (typing the appointment: the catalog gives no unit) and the leader
    assigns the specialist — the back office's own journey test walks these pages."""
    from motcua.dossiers.services import perform
    from tests.helpers import get_user

    due = (timezone.localtime() + dt.timedelta(days=10)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    perform(code, "receive", get_user(DESK), due_at=due)
    perform(code, "assign", get_user(LEADER), assignee_id=get_user(SPECIALIST).pk)


def test_citizen_answers_a_supplement_online_and_looks_up_the_dossier(
    seeded_live_server,
    media_root,  # noqa: F811 (the imported fixture)
    browser,
    shot,
    files,  # noqa: F811 (the imported fixture)
):
    from motcua.dossiers.models import Dossier, Status

    base = seeded_live_server.url
    jpeg, pdf = files

    # --- 1. congdan1 submits online and follows the dossier -------------------------------
    citizen = sign_in(browser, base, PHONE, f"/nop-truc-tuyen/thu-tuc/{BIRTH}/")
    submit_online(citizen, jpeg)
    dossier = Dossier.objects.get()
    code = dossier.code
    citizen.get_by_role("link", name="Theo dõi hồ sơ").click()
    expect(citizen.locator("#ma-ho-so")).to_have_text(code)
    expect(citizen.locator("#tinh-trang")).to_have_text("Đã nộp, chờ tiếp nhận")
    expect(citizen.locator("#viec-can-lam")).to_contain_text("Bộ phận Một cửa đang kiểm tra")
    shot(citizen, "1-theo-doi-vua-nop-375")

    # --- 2. Received and assigned; the specialist asks for a supplement ------------------
    receive_and_assign(code)
    due_before = Dossier.objects.get(code=code).due_at
    specialist = officer_page(browser, base, SPECIALIST, f"/can-bo/ho-so/{code}/")
    specialist.get_by_text("Yêu cầu bổ sung hồ sơ", exact=True).click()
    specialist.get_by_label("Giấy tờ cần bổ sung").fill("\n".join(MISSING))
    specialist.get_by_label("Lý do yêu cầu bổ sung").fill(
        "Bản chụp giấy chứng sinh không đọc được dấu của cơ sở y tế"
    )
    specialist.get_by_role("button", name="Xác nhận: Yêu cầu bổ sung hồ sơ").click()
    expect(specialist.get_by_role("status").first).to_contain_text("Yêu cầu bổ sung")
    assert Dossier.objects.get(code=code).status == Status.SUPPLEMENT

    # --- 3. The citizen sees what is missing and answers online --------------------------
    citizen.goto(f"{base}/ho-so-cua-toi/")
    expect(citizen.locator("#danh-sach-ho-so")).to_contain_text("Bổ sung giấy tờ theo yêu cầu")
    shot(citizen, "2-ho-so-cua-toi-can-bo-sung-375")
    citizen.get_by_role("link", name=code).click()
    expect(citizen.locator("#tinh-trang")).to_have_text("Cần bổ sung giấy tờ")
    timeline = citizen.locator("#qua-trinh")
    expect(timeline).to_contain_text("Yêu cầu bổ sung giấy tờ; thời hạn giải quyết tạm dừng")
    expect(timeline).to_contain_text(MISSING[1])
    expect(timeline).not_to_contain_text("Lê Thị Hằng")  # offices, never officers' names
    expect(citizen.locator("#hen-tra")).to_contain_text("Tạm dừng tính thời hạn")
    shot(citizen, "3-chi-tiet-can-bo-sung-375")
    citizen.get_by_role("link", name="Bổ sung giấy tờ trực tuyến").click()
    send = citizen.get_by_role("button", name="Gửi giấy tờ bổ sung")
    expect(send).to_be_disabled()
    first, second = citizen.locator("#muc-0"), citizen.locator("#muc-1")
    # A text file named .pdf is refused by its content, next to its item.
    fake = pdf.with_name("khong-phai-pdf.pdf")
    fake.write_text("đây không phải PDF")
    first.locator("input[type=file]").set_input_files(str(fake))
    first.get_by_role("button", name="Tải lên").click()
    expect(citizen.locator("#muc-0").get_by_role("alert")).to_contain_text(
        "Định dạng tệp không được chấp nhận"
    )
    shot(citizen, "4-bo-sung-loi-375")
    citizen.locator("#muc-0 input[type=file]").set_input_files(str(pdf))
    citizen.locator("#muc-0").get_by_role("button", name="Tải lên").click()
    expect(citizen.get_by_text("Đã đính kèm tệp “can-cuoc.pdf”.")).to_be_visible()
    proxy = pdf.with_name("uy-quyen.pdf")
    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(width=595, height=842)
    with proxy.open("wb") as handle:
        writer.write(handle)
    second = citizen.locator("#muc-1")
    second.locator("input[type=file]").set_input_files(str(proxy))
    second.get_by_role("button", name="Tải lên").click()
    expect(citizen.get_by_text("Đã đính kèm tệp “uy-quyen.pdf”.")).to_be_visible()
    expect(send).to_be_enabled()
    shot(citizen, "5-bo-sung-san-sang-375")
    send.click()
    expect(citizen.get_by_role("status").first).to_contain_text("Đã gửi giấy tờ bổ sung")
    expect(citizen.locator("#tinh-trang")).to_have_text("Đang giải quyết")
    expect(citizen.locator("#qua-trinh")).to_contain_text("Giấy tờ bổ sung được gửi trực tuyến")
    shot(citizen, "6-da-bo-sung-375")
    after = Dossier.objects.get(code=code)
    # The clock restarted: the appointment moved by the paused working time (none when the
    # test runs outside office hours).
    assert after.status == Status.PROCESSING and after.due_at >= due_before
    assert after.pauses.get().ended_at is not None

    # --- 4. The specialist sees it back in processing, with the new files ----------------
    specialist.reload()
    expect(specialist.get_by_text("Đang xử lý").first).to_be_visible()
    expect(specialist.get_by_role("link", name="can-cuoc.pdf")).to_be_visible()
    shot(specialist, "7-can-bo-thay-ho-so-dang-xu-ly")
    specialist.context.close()

    # --- 5. Public lookup, no sign-in -----------------------------------------------------
    visitor = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    visitor.goto(f"{base}/tra-cuu/?ma={code}")
    expect(visitor.get_by_label("Mã hồ sơ")).to_have_value(code)
    visitor.get_by_label("4 số cuối điện thoại hoặc số giấy tờ").fill("0000")
    visitor.get_by_role("button", name="Tra cứu").click()
    expect(visitor.locator("#thong-bao")).to_contain_text("Không tìm thấy hồ sơ khớp")
    shot(visitor, "8-tra-cuu-sai-375")
    visitor.get_by_label("4 số cuối điện thoại hoặc số giấy tờ").fill("5678")
    visitor.get_by_role("button", name="Tra cứu").click()
    expect(visitor.locator("#tinh-trang")).to_have_text("Đang giải quyết")
    expect(visitor.locator("#qua-trinh")).to_contain_text("Giấy tờ bổ sung được gửi trực tuyến")
    expect(visitor.locator("main")).not_to_contain_text("Nguyễn Văn An")
    shot(visitor, "9-tra-cuu-375")
    visitor.context.close()

    # --- 6. The data warehouse holds what he sent ----------------------------------------
    citizen.goto(f"{base}/kho-du-lieu/")
    expect(citizen.locator("#kho")).to_contain_text(MISSING[1])
    expect(citizen.locator("#kho")).to_contain_text("uy-quyen.pdf")
    expect(citizen.locator("#kho")).to_contain_text("giay-chung-sinh.jpg")
    shot(citizen, "10-kho-du-lieu-375")
    citizen.context.close()
