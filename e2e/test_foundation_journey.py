"""The first journey: portal home, language switch, officer sign-in with TOTP, back office."""

from __future__ import annotations

import re

from django_otp.oath import totp
from playwright.sync_api import expect

from motcua.core.demo import DEMO_PASSWORD, demo_totp_key


def current_code(username: str) -> str:
    return f"{totp(demo_totp_key(username)):06d}"


def test_home_language_switch_and_officer_login(page, seeded_live_server, shot):
    base = seeded_live_server.url
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cổng dịch vụ công Thành phố Quảng Ninh"
    )
    expect(page.get_by_text("Sở Tư pháp")).to_be_visible()
    shot(page, "01-home-vi")

    page.get_by_role("button", name="EN").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Public Service Portal of Thành phố Quảng Ninh"
    )
    shot(page, "02-home-en")
    page.get_by_role("button", name="VI").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")

    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill(
        "halong.tiepnhan"
    )
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    shot(page, "03-login")
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(re.compile(r"/tai-khoan/xac-thuc-hai-lop/"))
    page.get_by_label("Mã xác thực 6 số").fill(
        "000000" if current_code("halong.tiepnhan") != "000000" else "111111"
    )
    page.get_by_role("button", name="Xác nhận").click()
    # django-otp throttles the authenticator after a wrong code (1 s, then 2 s, 4 s …) and the
    # page says how long to wait; a real officer waits too.
    expect(page.get_by_text(re.compile(r"Mã xác thực không đúng.*đợi \d+ giây"))).to_be_visible()
    shot(page, "04-otp-wrong-code")
    page.wait_for_timeout(1100)

    page.get_by_label("Mã xác thực 6 số").fill(current_code("halong.tiepnhan"))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page).to_have_url(re.compile(r"^[^?]*/can-bo/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Nguyễn Thị Lan")
    expect(page.get_by_role("cell", name="Cán bộ tiếp nhận một cửa")).to_be_visible()
    shot(page, "05-backoffice-dashboard")

    page.get_by_role("link", name="Trung tâm Phục vụ hành chính công Phường Hạ Long").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trung tâm Phục vụ hành chính công Phường Hạ Long"
    )
    expect(page.get_by_text("Bộ phận Một cửa Phường Hạ Long")).to_be_visible()
    shot(page, "06-backoffice-agency")

    # Another commune's agency does not exist for this officer.
    response = page.goto(base + "/can-bo/co-quan/H22.6994.1/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy trang")
    shot(page, "07-other-commune-404")


def test_new_officer_sets_up_two_factor(page, seeded_live_server, shot):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from motcua.accounts.models import AccountKind, OfficerMembership, User
    from motcua.organizations.models import Agency

    user = User.objects.create_user(
        "vandon.moi", password=DEMO_PASSWORD, full_name="Kim Thị Nhung", kind=AccountKind.OFFICER
    )
    OfficerMembership.objects.create(
        user=user, agency=Agency.objects.get(code="H22.6994.1"), role="reception"
    )
    page.goto(seeded_live_server.url + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill("vandon.moi")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(re.compile(r"/tai-khoan/thiet-lap-xac-thuc-hai-lop/"))
    expect(page.locator(".mc-qr svg")).to_be_visible()
    shot(page, "01-otp-setup")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page.get_by_label("Mã xác thực 6 số").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Bật xác thực hai lớp").click()

    expect(page.get_by_text("Đã bật xác thực hai lớp cho tài khoản.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xin chào, Kim Thị Nhung")
    shot(page, "02-dashboard")


def test_portal_on_a_phone(browser, seeded_live_server, shot):
    context = browser.new_context(
        viewport={"width": 375, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(seeded_live_server.url + "/co-quan/?q=ha+long")
    # The phone's browser asks for English (Playwright's default locale); the portal stays
    # Vietnamese until the citizen chooses otherwise.
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name=re.compile("Phường Hạ Long")).first).to_be_visible()
    # Nothing overflows sideways on a small screen.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    shot(page, "01-directory-search-phone")
    context.close()
