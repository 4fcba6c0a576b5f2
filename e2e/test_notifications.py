"""Notifications in the browser: congdan1 finds "Nhận thông báo về hồ sơ" on his account page,
turns SMS on for the progress of his dossiers, and sees the messages sent when the desk
receives and then refuses his dossier; the HTML e-mail he got is shown as a mail client would.
Also on a 375-pixel phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from motcua.core.demo import DEMO_PASSWORD

PHONE = {"width": 375, "height": 812}


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/?next=/tai-khoan/")
    page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill("congdan1")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))


@pytest.fixture
def sandbox_sms(settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.SandboxSmsChannel"


def test_a_citizen_chooses_his_notifications_and_reads_them(
    page, seeded_live_server, sandbox_sms, mailoutbox, shot
):
    from motcua.dossiers.services import perform, submit
    from motcua.notifications.models import SandboxSms
    from tests.dossiers.conftest import MONDAY, birth_submission, hand_appointment
    from tests.helpers import get_user

    sign_in(page, seeded_live_server.url)
    page.get_by_role("link", name="Nhận thông báo về hồ sơ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhận thông báo về hồ sơ")
    sms_progress = page.get_by_label(
        "SMS: Tiến trình hồ sơ (đã nộp, đã tiếp nhận, hẹn lại ngày trả)"
    )
    expect(sms_progress).not_to_be_checked()
    expect(page.get_by_label(re.compile(r"^SMS: Kết quả"))).to_be_checked()
    expect(page.get_by_text("Chưa có thông báo nào.")).to_be_visible()
    shot(page, "01-defaults")
    sms_progress.check()
    page.get_by_label(re.compile(r"^Thư điện tử: Tiến trình")).uncheck()
    page.get_by_role("button", name="Lưu lựa chọn").click()
    expect(page.get_by_text("Đã lưu lựa chọn nhận thông báo.")).to_be_visible()
    expect(sms_progress).to_be_checked()

    # The desk receives his dossier, then refuses it; each change commits and notifies.
    citizen, desk = get_user("congdan1"), get_user("halong.tiepnhan")
    submission = birth_submission()
    submission.applicant.user_id = citizen.pk
    dossier = submit(submission, by=desk, at=MONDAY)
    perform(dossier.code, "receive", desk, at=MONDAY, **hand_appointment(dossier, MONDAY))
    perform(dossier.code, "refuse", desk, note="Hồ sơ không thuộc thẩm quyền của phường")
    texts = [m.text for m in SandboxSms.objects.order_by("id")]
    assert len(texts) == 2
    assert texts[0].startswith(f"Ho so {dossier.code} da duoc tiep nhan luc 09:00 ngay 02/03/2026")
    assert texts[1].startswith(f"Ho so {dossier.code} khong duoc tiep nhan. Ly do: Ho so khong")
    assert [m.subject for m in mailoutbox] == [f"Hồ sơ {dossier.code} không được tiếp nhận"]

    page.reload()
    table = page.get_by_role("table").nth(1)
    expect(table.get_by_role("row")).to_have_count(4)  # header + SMS, SMS and e-mail
    expect(table).to_contain_text(f"Hồ sơ {dossier.code} không được tiếp nhận")
    expect(table).to_contain_text("Đã gửi")
    shot(page, "02-saved-and-sent")

    # The HTML e-mail as his mail client shows it.
    html = mailoutbox[0].alternatives[0][0]
    page.set_content(html)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Hồ sơ {dossier.code} không được tiếp nhận"
    )
    expect(page.get_by_text("Lý do: Hồ sơ không thuộc thẩm quyền của phường")).to_be_visible()
    shot(page, "03-email")


def test_notification_choices_on_a_phone(browser, seeded_live_server, shot):
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, seeded_live_server.url)
        page.goto(seeded_live_server.url + "/tai-khoan/thong-bao/")
        button = page.get_by_role("button", name="Lưu lựa chọn")
        expect(button).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"
        shot(page, "01-phone")
    finally:
        context.close()
