"""Accessibility of the citizen's pages, checked by axe-core in Chromium.

axe-core (npm, pinned in ``tools/axe``; ``make test`` installs it) is injected into each page
after it has loaded and runs its default rules (WCAG 2.x A and AA plus best practices). A
violation whose impact is *serious* or *critical* fails the test; the moderate and minor ones
are printed, so they stay visible without blocking. Each page is checked on a desktop screen and
on a 375-pixel phone, where a full-page screenshot is kept for a person to look at.

Pages: the home page, the catalog search, a procedure, the sign-in page, every step of an
online submission (place, declaration with and without errors, documents, delivery, review, the
receipt, "my applications") and the public lookup (empty, wrong input, not found, found).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from motcua.core.demo import DEMO_PASSWORD

AXE = Path(__file__).resolve().parent.parent / "tools" / "axe" / "node_modules" / "axe-core"
BIRTH = "1.001193"
VIEWPORTS = {"375": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now; its violations (every impact)."""
    script = AXE / "axe.min.js"
    if not script.exists():
        pytest.fail(f"{script} is missing: run `make axe` (npm ci in tools/axe).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )


def describe(violation: dict) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
    more = len(violation["nodes"]) - len(targets)
    summary = next((n.get("failureSummary") or "" for n in violation["nodes"]), "")
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']} — "
        f"{', '.join(targets)}{f' (+{more})' if more > 0 else ''}\n    "
        + summary.replace("\n", "\n    ")
    )


class Audit:
    """Checks pages one after the other and fails once at the end with every page's problems,
    so one run shows all that needs fixing."""

    def __init__(self, shot, viewport: str) -> None:
        self.shot, self.viewport, self.problems = shot, viewport, []

    def check(self, page, name: str) -> None:
        """Note serious or critical violations, print the others; screenshot phones."""
        violations = axe_violations(page)
        for violation in violations:
            if violation["impact"] in BLOCKING:
                self.problems.append(f"{name} ({self.viewport}) {describe(violation)}")
            else:
                print(f"{name} ({self.viewport}) {describe(violation)}")
        if self.viewport == "375":
            self.shot(page, f"{name}-375")
            # Nothing may be wider than the phone: a page that scrolls sideways is broken there.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                self.problems.append(f"{name}: the page is {overflow} px wider than the phone")

    def verify(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    return request.param


@pytest.fixture
def audit(shot, viewport) -> Audit:
    return Audit(shot, viewport)


@pytest.fixture
def screen(browser, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_public_pages(seeded_live_server, screen, audit):
    base = seeded_live_server.url
    screen.goto(f"{base}/")
    expect(screen.get_by_role("heading", level=1)).to_be_visible()
    audit.check(screen, "trang-chu")

    screen.goto(f"{base}/thu-tuc/?q=khai+sinh")
    expect(screen.get_by_role("heading", level=1)).to_be_visible()
    audit.check(screen, "danh-muc-thu-tuc")

    screen.goto(f"{base}/thu-tuc/{BIRTH}/")
    expect(screen.get_by_role("heading", level=1)).to_contain_text("khai sinh")
    audit.check(screen, "thu-tuc")

    screen.goto(f"{base}/tra-cuu/")
    expect(screen.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()
    audit.check(screen, "tra-cuu")
    screen.get_by_role("button", name="Tra cứu").click()  # nothing typed: errors by the fields
    expect(screen.locator("#loi-ma")).to_be_visible()
    audit.check(screen, "tra-cuu-loi-nhap")
    screen.get_by_label("Mã hồ sơ").fill("H22.6688.1-260101-0001")
    screen.get_by_label("4 số cuối điện thoại hoặc số giấy tờ").fill("1234")
    screen.get_by_role("button", name="Tra cứu").click()
    expect(screen.locator("#thong-bao")).to_contain_text("Không tìm thấy hồ sơ")
    audit.check(screen, "tra-cuu-khong-thay")
    audit.verify()


def scanned_certificate(path: Path) -> Path:
    image = Image.new("RGB", (620, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 610, 390), outline="black", width=3)
    draw.text((40, 40), "GIAY CHUNG SINH", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def test_online_submission_steps(seeded_live_server, screen, audit, settings, tmp_path):
    from motcua.dossiers.models import Dossier

    settings.MEDIA_ROOT = tmp_path / "media"
    base = seeded_live_server.url
    page = screen
    page.goto(f"{base}/tai-khoan/dang-nhap/?next=/thu-tuc/{BIRTH}/")
    audit.check(page, "dang-nhap")
    page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill("congdan1")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(re.escape(f"/thu-tuc/{BIRTH}/") + "$"))

    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_label("Nơi nộp hồ sơ")).to_be_visible()
    audit.check(page, "nop-1-noi-nop")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()

    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho cháu Nguyễn Minh Khang")
    audit.check(page, "nop-2-to-khai")
    # A required field left empty: the error must be as accessible as the form.
    page.get_by_label("Nội dung yêu cầu").fill("")
    page.get_by_label("Họ tên người có yêu cầu / tên tổ chức").fill("")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.locator(".invalid-feedback, .alert-danger").first).to_be_visible()
    audit.check(page, "nop-2-to-khai-loi")
    page.get_by_label("Họ tên người có yêu cầu / tên tổ chức").fill("Nguyễn Văn An")
    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho cháu Nguyễn Minh Khang")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    expect(page.get_by_role("button", name="Tiếp tục")).to_be_visible()
    audit.check(page, "nop-3-giay-to")
    card = page.locator("div.card", has_text="Giấy chứng sinh").first
    card.locator("summary.mc-attach").click()
    card.locator("input[type=file]").set_input_files(
        str(scanned_certificate(tmp_path / "giay-chung-sinh.jpg"))
    )
    card.get_by_role("button", name="Tải lên").click()
    expect(page.get_by_text("Đã đính kèm tệp “giay-chung-sinh.jpg”.")).to_be_visible()
    audit.check(page, "nop-3-giay-to-da-dinh-kem")
    page.get_by_role("button", name="Tiếp tục").click()

    expect(page.get_by_label("Nhận bản điện tử")).to_be_visible()
    audit.check(page, "nop-4-nhan-ket-qua")
    page.get_by_label("Nhận bản điện tử").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    expect(page.get_by_role("button", name="Nộp hồ sơ")).to_be_visible()
    audit.check(page, "nop-5-xem-lai")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
    audit.check(page, "nop-6-da-nop")
    page.goto(f"{base}/nop-truc-tuyen/")
    audit.check(page, "nop-ho-so-cua-toi")

    # The public lookup of that dossier, signed out: its status and timeline.
    code = Dossier.objects.get().code
    page.context.clear_cookies()
    page.goto(f"{base}/tra-cuu/?ma={code}")
    page.get_by_label("4 số cuối điện thoại hoặc số giấy tờ").fill("5678")  # 0912345678
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#tinh-trang")).to_be_visible()
    audit.check(page, "tra-cuu-ket-qua")
    audit.verify()
