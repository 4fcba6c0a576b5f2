"""A citizen signs in with the national identity at a real OpenID provider (npm
`oidc-provider`, a separate process on 127.0.0.1), consents, and lands back signed in with the
profile filled; another refuses consent; a business registers a local account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.accounts.oidc_provider import HUNG, MAI, PASSWORD, configure, running_provider

CALLBACK_PATH = "/tai-khoan/dinh-danh/ve/"


@pytest.fixture(scope="session")
def browser_provider(live_server):
    with running_provider([live_server.url + CALLBACK_PATH]) as provider:
        yield provider


@pytest.fixture
def national_server(seeded_live_server, browser_provider, settings):
    configure(settings, browser_provider, redirect_uri=seeded_live_server.url + CALLBACK_PATH)
    return seeded_live_server


def test_citizen_signs_in_with_the_national_identity(page, national_server, shot):
    from motcua.accounts.models import CitizenProfile

    page.goto(national_server.url + "/")
    page.get_by_role("link", name="Đăng nhập").first.click()
    button = page.get_by_role("link", name="Đăng nhập bằng định danh quốc gia")
    expect(button).to_be_visible()
    shot(page, "01-login-page")
    button.click()

    expect(page.get_by_role("heading", name="Đăng nhập định danh điện tử")).to_be_visible()
    page.get_by_label("Số định danh cá nhân").fill(MAI)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Số định danh hoặc mật khẩu không đúng.")
    page.get_by_label("Số định danh cá nhân").fill(MAI)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    shot(page, "02-provider-login")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page.get_by_role("heading", name="Chia sẻ thông tin")).to_be_visible()
    shot(page, "03-provider-consent")
    page.get_by_role("button", name="Đồng ý chia sẻ").click()

    expect(page).to_have_url(re.compile(r"/tai-khoan/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản của tôi")
    expect(page.get_by_text("Hoàng Thị Mai").first).to_be_visible()
    expect(page.get_by_text("022******789")).to_be_visible()
    expect(page.get_by_text("14/03/1985")).to_be_visible()
    expect(page.get_by_text("0904111222")).to_be_visible()
    expect(page.get_by_text("mai.hoang@example.vn")).to_be_visible()
    expect(page.locator("#national-identity-status")).to_contain_text("Đã xác thực")
    shot(page, "04-account-filled")

    profile = CitizenProfile.objects.get(national_id=MAI)
    assert profile.identity_verified_at is not None

    # A citizen account never opens the back office.
    response = page.goto(national_server.url + "/can-bo/")
    assert response is not None and response.status == 403
    shot(page, "05-backoffice-forbidden")


def test_citizen_refuses_consent(page, national_server, shot):
    from motcua.accounts.models import CitizenProfile

    page.goto(national_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng định danh quốc gia").click()
    page.get_by_label("Số định danh cá nhân").fill(HUNG)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Chia sẻ thông tin")).to_be_visible()
    page.get_by_role("button", name="Từ chối").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bạn đã không đồng ý chia sẻ thông tin"
    )
    expect(page.get_by_text("Cổng cần số định danh, họ tên và ngày sinh")).to_be_visible()
    shot(page, "01-consent-denied")
    assert not CitizenProfile.objects.filter(national_id=HUNG).exists()

    page.get_by_role("link", name="Về trang đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/$"))
    expect(page.get_by_role("link", name="Đăng nhập bằng định danh quốc gia")).to_be_visible()


def test_provider_down_shows_a_clear_page(page, seeded_live_server, settings, shot):
    from tests.accounts.oidc_provider import free_port

    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    settings.OIDC_CLIENT_ID = "motcua-test"
    settings.OIDC_TIMEOUT_SECONDS = 2
    page.goto(seeded_live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng định danh quốc gia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Không kết nối được hệ thống định danh quốc gia"
    )
    shot(page, "01-provider-down")


def test_business_registers_a_local_account(page, seeded_live_server, settings, shot):
    from motcua.accounts.models import User

    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.LocmemSmsChannel"
    mail.outbox = []
    page.goto(seeded_live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng ký tài khoản").click()
    page.get_by_role("link", name=re.compile("Tổ chức, doanh nghiệp")).click()
    page.get_by_label("Mã số thuế").fill("5700100256")
    page.get_by_label("Tên tổ chức, doanh nghiệp").fill("Công ty Cổ phần Than Hòn Gai")
    page.get_by_label("Người đại diện theo pháp luật").fill("Đặng Quốc Việt")
    page.get_by_label("Thư điện tử hoặc số điện thoại").fill("ketoan@thanhongai.example.vn")
    page.get_by_label("Mật khẩu", exact=True).fill("Ha-Long-2026-bien")
    page.get_by_label("Nhập lại mật khẩu").fill("Ha-Long-2026-bien")
    shot(page, "01-form")
    page.get_by_role("button", name="Đăng ký và nhận mã xác minh").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Xác minh tài khoản")
    expect(page.get_by_text("ke***@thanhongai.example.vn")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.get_by_label("Mã xác minh 6 số").fill("000000" if code != "000000" else "111111")
    page.get_by_role("button", name="Xác minh").click()
    expect(page.get_by_text("Mã xác minh không đúng. Còn 4 lần thử.")).to_be_visible()
    shot(page, "02-wrong-code")
    page.get_by_label("Mã xác minh 6 số").fill(code)
    page.get_by_role("button", name="Xác minh").click()

    expect(page.get_by_text("Tài khoản đã được kích hoạt.")).to_be_visible()
    expect(page.get_by_text("5700100256")).to_be_visible()
    shot(page, "03-account")
    assert User.objects.get(email="ketoan@thanhongai.example.vn").is_active
