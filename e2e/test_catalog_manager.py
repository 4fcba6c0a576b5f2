"""The catalog manager's journey: sign in with TOTP, find a procedure, change its fee with a
reason, read the new version's differences, then define a three-step internal process that
first exceeds the legal deadline and is then corrected."""

from __future__ import annotations

import re

from django_otp.oath import totp
from playwright.sync_api import expect

from motcua.catalog.data import (
    ChannelData,
    DocumentData,
    LegalBasisData,
    ProcedureData,
    ResultData,
    SubCaseData,
)
from motcua.catalog.services import save_procedure
from motcua.core.demo import DEMO_PASSWORD, demo_totp_key

CODE = "9.990001"
NAME = "Đăng ký khai sinh có yếu tố thử nghiệm"


def current_code(username: str) -> str:
    return f"{totp(demo_totp_key(username)):06d}"


def make_procedure() -> None:
    save_procedure(
        ProcedureData(
            code=CODE,
            name=NAME,
            levels=["commune"],
            field_name="Hộ tịch",
            applicants=["Công dân Việt Nam"],
            implementing_agency_text="Ủy ban nhân dân cấp xã",
            steps_text="Bước 1: Nộp hồ sơ.\nBước 2: Tiếp nhận, kiểm tra.\nBước 3: Trả kết quả.",
            online_class="partial",
            decision_number="1234/QĐ-UBND",
            effective_date="2025-07-01",
            subcases=[SubCaseData(code="TH01", name="Trường hợp đăng ký lại")],
            channels=[
                ChannelData(
                    channel="direct",
                    duration_value="5",
                    duration_unit="working_days",
                    duration_text="05 ngày làm việc kể từ ngày nhận đủ hồ sơ",
                    fee_vnd=50000,
                    fee_text="Lệ phí: 50.000 đồng",
                    cutoff="15:00",
                ),
                ChannelData(
                    channel="online", duration_value="5", duration_unit="working_days", fee_vnd=0
                ),
            ],
            documents=[
                DocumentData(name="Tờ khai đăng ký khai sinh", form="Mẫu 01", originals=1),
                DocumentData(name="Giấy chứng sinh", originals=1),
                DocumentData(
                    name="Bản sao giấy tờ chứng minh đã đăng ký trước đây",
                    group_title="Trường hợp đăng ký lại",
                    copies=1,
                    subcase="TH01",
                ),
            ],
            legal_bases=[LegalBasisData(code="60/2014/QH13", title="Luật Hộ tịch")],
            results=[ResultData(name="Giấy khai sinh", code="KQ01")],
        ),
        reason="Nhập từ danh mục thủ tục hành chính quốc gia",
    )


def sign_in(page, base: str, username: str) -> None:
    page.goto(base + "/tai-khoan/dang-nhap/?next=/can-bo/")
    page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop/"))
    page.get_by_label("Mã xác thực 6 số").fill(current_code(username))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"^[^?]*/can-bo/$"))


def fill_step(page, index: int, name: str, role: str, value: str, unit: str) -> None:
    page.locator(f"#id_steps-{index}-name").fill(name)
    page.locator(f"#id_steps-{index}-role").select_option(role)
    page.locator(f"#id_steps-{index}-allotted_value").fill(value)
    page.locator(f"#id_steps-{index}-allotted_unit").select_option(unit)


def test_catalog_manager_edits_a_fee_and_defines_a_process(page, seeded_live_server, shot):
    make_procedure()
    base = seeded_live_server.url
    sign_in(page, base, "tinh.danhmuc")
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Kiều Thị Phương")
    shot(page, "01-dashboard")

    # The catalog, found by a search without diacritics.
    page.get_by_role("link", name="Danh mục thủ tục").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Danh mục thủ tục hành chính")
    page.get_by_label("Tìm thủ tục").fill("dang ky khai sinh thu nghiem")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    shot(page, "02-catalog-search")

    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_text("Phiên bản 1", exact=True).first).to_be_visible()
    shot(page, "03-procedure")

    # Change the fee of the direct channel, with a reason.
    page.get_by_role("link", name="Sửa nội dung").first.click()
    fee = page.locator("#id_channels-0-fee_vnd")
    expect(fee).to_have_value("50000")
    fee.fill("70000")
    page.locator("#id_channels-0-fee_text").fill("Lệ phí: 70.000 đồng")
    page.get_by_label("Lý do thay đổi").fill("Cập nhật lệ phí theo Nghị quyết 12/2026/NQ-HĐND")
    shot(page, "04-edit-form")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_text("Đã lưu thủ tục: phiên bản 2.")).to_be_visible()
    expect(page.get_by_role("cell", name="70.000 đ")).to_be_visible()
    shot(page, "05-saved")

    # Version 2 in the history, with what changed.
    page.get_by_role("link", name="Lịch sử phiên bản", exact=True).click()
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Phiên bản 2")
    expect(rows.first).to_contain_text("Kiều Thị Phương")
    expect(rows.first).to_contain_text("Cập nhật lệ phí theo Nghị quyết 12/2026/NQ-HĐND")
    expect(rows.nth(1)).to_contain_text("Phiên bản 1")
    shot(page, "06-history")
    rows.first.get_by_role("link", name="Thay đổi").click()
    expect(
        page.get_by_role("heading", name="Thay đổi từ phiên bản 1 đến phiên bản 2")
    ).to_be_visible()
    change = page.locator("#thay-doi")
    expect(change.get_by_role("cell", name="50.000 đ", exact=True)).to_be_visible()
    expect(change.get_by_role("cell", name="70.000 đ", exact=True)).to_be_visible()
    expect(change.get_by_role("cell", name="Lệ phí: 70.000 đồng")).to_be_visible()
    shot(page, "07-diff")

    # A three-step process that does not fit in the 5 working days…
    page.get_by_role("link", name="Quy trình nội bộ", exact=True).click()
    expect(page.get_by_role("heading", name="Quy trình chung")).to_be_visible()
    fill_step(page, 0, "Tiếp nhận, chuyển hồ sơ", "reception", "4", "working_hours")
    page.get_by_role("button", name="Thêm bước").click()
    fill_step(page, 1, "Thẩm định, trình ký", "specialist", "4", "working_days")
    page.get_by_role("button", name="Thêm bước").click()
    fill_step(page, 2, "Ký duyệt, trả kết quả", "agency_leader", "1", "working_days")
    page.get_by_role("button", name="Lưu quy trình").click()
    expect(
        page.get_by_text(
            "Tổng thời gian các bước (5 ngày 4 giờ làm việc) vượt thời hạn giải quyết "
            "(5 ngày làm việc)."
        )
    ).to_be_visible()
    expect(page.locator("#id_steps-1-name")).to_have_value("Thẩm định, trình ký")
    shot(page, "08-process-exceeds")

    # …is corrected and saved.
    page.locator("#id_steps-1-allotted_value").fill("3")
    page.get_by_role("button", name="Lưu quy trình").click()
    expect(page.get_by_text("Đã lưu quy trình nội bộ.")).to_be_visible()
    expect(page.get_by_text("Tổng thời gian các bước: 4 ngày 4 giờ làm việc")).to_be_visible()
    expect(page.locator("#id_steps-2-name")).to_have_value("Ký duyệt, trả kết quả")
    shot(page, "09-process-saved")


def test_catalog_manager_repeals_a_procedure_after_confirming(page, seeded_live_server, shot):
    make_procedure()
    base = seeded_live_server.url
    sign_in(page, base, "tinh.danhmuc")
    page.goto(f"{base}/can-bo/danh-muc/{CODE}/")
    page.get_by_role("link", name="Bãi bỏ", exact=True).click()
    expect(page.get_by_role("heading", name="Xác nhận bãi bỏ thủ tục")).to_be_visible()
    page.get_by_label("Ngày bãi bỏ").fill("")
    page.get_by_role("button", name="Bãi bỏ thủ tục").click()
    expect(page.get_by_text("Trường này là bắt buộc.").first).to_be_visible()
    shot(page, "01-repeal-needs-date-and-reason")

    page.get_by_label("Ngày bãi bỏ").fill("01/02/2026")
    page.get_by_label("Lý do bãi bỏ").fill("Bãi bỏ theo Quyết định số 55/QĐ-UBND ngày 20/01/2026")
    shot(page, "02-repeal-confirm")
    page.get_by_role("button", name="Bãi bỏ thủ tục").click()
    expect(page.get_by_text("Đã bãi bỏ thủ tục (phiên bản 2).")).to_be_visible()
    expect(page.get_by_text("Bãi bỏ từ ngày 01/02/2026")).to_be_visible()
    expect(page.get_by_role("link", name="Khôi phục áp dụng")).to_be_visible()
    shot(page, "03-repealed")

    page.goto(f"{base}/thu-tuc/{CODE}/")
    expect(page.get_by_text("Thủ tục này đã bị bãi bỏ từ ngày 01/02/2026.")).to_be_visible()
    shot(page, "04-public-page")
