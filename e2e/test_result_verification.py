"""Verifying an electronic result, as a citizen on a 375-pixel phone: the QR code of a signed
birth certificate opens the verification page with the code filled in; the citizen uploads
the PDF he holds (valid), then a copy someone altered (broken); the commune leader revokes the
result in the back office with a reason; the public page still finds it and says why."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect
from test_accessibility import BLOCKING, axe_violations, describe

from motcua.core.demo import DEMO_PASSWORD, demo_totp_key
from tests.documents.documents_helpers import result_pdf_bytes, tamper

PHONE = {"width": 375, "height": 812}
AGENCY = "H22.6688"
LEADER = "halong.lanhdao"
REASON = "Cấp sai ngày sinh của người được khai sinh"


@pytest.fixture
def issued(seeded_live_server, settings, tmp_path):
    """A birth certificate signed by the commune's People's Committee and registered."""
    from motcua.documents import pki
    from motcua.documents.services import register_signed
    from motcua.documents.signing import sign_result, verification_url
    from motcua.organizations.models import Agency

    settings.MOTCUA_PKI_DIR = tmp_path / "pki"
    settings.MOTCUA_PUBLIC_URL = seeded_live_server.url
    pki.init_demo_pki([AGENCY])
    agency = Agency.objects.get(code=AGENCY)
    code = f"{AGENCY}-{timezone.localdate():%y%m%d}-0001-KQ1"
    signed_at = timezone.now() - dt.timedelta(minutes=5)
    signed = sign_result(
        result_pdf_bytes(),
        agency=agency,
        result_code=code,
        signer_name="Vũ Đức Thịnh",
        signed_at=signed_at,
        verify_url=verification_url(code),
    )
    register_signed(
        code, agency, signed, "Vũ Đức Thịnh", signed_at, title="Giấy khai sinh (bản điện tử)"
    )
    return code, signed, verification_url(code)


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(describe(v) for v in blocking)


def upload(page, name: str, data: bytes) -> None:
    page.get_by_label("Tệp kết quả (PDF)").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    page.get_by_role("button", name="Kiểm tra tệp").click()


def test_verify_by_code_by_file_tampered_and_revoked(browser, seeded_live_server, issued, shot):
    code, signed, qr_url = issued
    base = seeded_live_server.url
    citizen = phone_page(browser)

    # The QR code on the result opens the page with the code: the register's answer.
    citizen.goto(qr_url)
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Xác thực kết quả điện tử")
    verdict = citizen.locator("#ket-luan")
    expect(verdict).to_contain_text("Còn hiệu lực")
    expect(citizen.locator("#co-quan")).to_contain_text("Ủy ban nhân dân Phường Hạ Long")
    expect(citizen.get_by_text("Vũ Đức Thịnh", exact=True)).to_be_visible()
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(citizen, "1-by-code-phone")
    assert_accessible(citizen)

    # The PDF he holds: whole, trusted, the very file issued.
    upload(citizen, "giay-khai-sinh.pdf", signed)
    expect(verdict).to_contain_text("Hợp lệ")
    expect(citizen.get_by_text("Nguyên vẹn từ khi ký", exact=True)).to_be_visible()
    expect(citizen.locator("#khop-so")).to_contain_text("trùng khớp từng byte")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(citizen, "2-good-file-phone")
    assert_accessible(citizen)

    # A copy with one byte changed in the page content.
    upload(citizen, "giay-khai-sinh-da-sua.pdf", tamper(signed))
    expect(verdict).to_contain_text("Không toàn vẹn")
    expect(citizen.get_by_text("Bị phá vỡ: nội dung đã ký bị sửa", exact=True)).to_be_visible()
    shot(citizen, "3-tampered-file-phone")
    assert_accessible(citizen)

    # The commune leader revokes it, giving the reason.
    leader = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    leader.set_default_timeout(20_000)
    next_url = f"/can-bo/ket-qua/{code}/thu-hoi/"
    leader.goto(f"{base}/tai-khoan/dang-nhap/?next={next_url}")
    leader.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill(LEADER)
    leader.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    leader.get_by_role("button", name="Đăng nhập").click()
    expect(leader).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop/"))
    leader.get_by_label("Mã xác thực 6 số").fill(f"{totp(demo_totp_key(LEADER)):06d}")
    leader.get_by_role("button", name="Xác nhận").click()
    expect(leader).to_have_url(re.compile(re.escape(next_url) + "$"))
    leader.get_by_role("button", name="Thu hồi kết quả").click()
    expect(leader.get_by_text("ít nhất 10 ký tự")).to_be_visible()
    leader.get_by_label("Lý do thu hồi").fill(REASON)
    shot(leader, "4-revoke-form")
    leader.get_by_role("button", name="Thu hồi kết quả").click()
    expect(leader.locator("#tinh-trang")).to_contain_text("Đã thu hồi")
    expect(leader.locator("#tinh-trang")).to_contain_text(REASON)
    shot(leader, "5-revoked-backoffice")
    leader.goto(f"{base}/can-bo/ket-qua/")
    expect(leader.get_by_role("row", name=re.compile(re.escape(code)))).to_contain_text(
        "Đã thu hồi"
    )

    # The result stays findable and says it was revoked, when and why.
    citizen.goto(qr_url)
    expect(verdict).to_contain_text("Đã thu hồi")
    expect(citizen.locator("#ly-do-thu-hoi")).to_have_text(REASON)
    shot(citizen, "6-revoked-by-code-phone")
    assert_accessible(citizen)
    upload(citizen, "giay-khai-sinh.pdf", signed)
    expect(verdict).to_contain_text("Đã thu hồi")
    expect(citizen.locator("#ly-do-thu-hoi")).to_have_text(REASON)
    shot(citizen, "7-revoked-file-phone")
    # Close the browsers: their kept-alive connections hold live-server threads (and their
    # database sessions) open otherwise.
    citizen.context.close()
    leader.context.close()
