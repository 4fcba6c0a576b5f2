"""Online submission in the browser, on a 375-pixel phone and on a desktop screen:

* congdan1 signs in with his password, submits birth registration (1.001193) online with a
  scanned birth certificate (JPEG) and his ID card (PDF), and reads the dossier code and the
  official receipt time;
* a draft left half-way is found under "Hồ sơ của tôi" and submitted later;
* the interlinked group birth + permanent residence + health insurance card: shared data once,
  three dossiers, one tracking page.
"""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from pypdf import PdfWriter

from motcua.core.demo import DEMO_PASSWORD

BIRTH = "1.001193"
GROUP_MEMBERS = {"1.004222", "1.001939"}
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def birth_certificate(path) -> None:
    """A small photo of a birth certificate, as a JPEG."""
    image = Image.new("RGB", (620, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 610, 390), outline="black", width=3)
    draw.text((40, 40), "GIAY CHUNG SINH", fill="black")
    draw.text((40, 90), "Ho ten me: Tran Thi Binh", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())


def id_card_pdf(path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=270)
    with path.open("wb") as handle:
        writer.write(handle)


@pytest.fixture
def files(tmp_path):
    jpeg, pdf = tmp_path / "giay-chung-sinh.jpg", tmp_path / "can-cuoc.pdf"
    birth_certificate(jpeg)
    id_card_pdf(pdf)
    return jpeg, pdf


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sign_in(browser, base: str, viewport: dict, next_url: str):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/tai-khoan/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập, email, số điện thoại hoặc số định danh").fill("congdan1")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))
    return page


def document_slot(page, name_start: str):
    """The card of the published document whose name starts with ``name_start``."""
    from motcua.catalog.models import DocumentComponent

    document = DocumentComponent.objects.filter(
        procedure__code=BIRTH, name__startswith=name_start
    ).first()
    assert document is not None, name_start
    return page.locator(f"div.card[id$='-doc-{document.pk}']")


def upload_to(card, path) -> None:
    if card.locator("details[open] > summary.mc-attach").count() == 0:
        card.locator("summary.mc-attach").click()  # the upload form is folded until asked for
    card.locator("input[type=file]").set_input_files(str(path))
    card.get_by_role("button", name="Tải lên").click()


def test_citizen_submits_birth_registration_on_a_phone(
    seeded_live_server, media_root, browser, shot, files
):
    from motcua.dossiers.models import Dossier

    jpeg, pdf = files
    page = sign_in(browser, seeded_live_server.url, PHONE, f"/thu-tuc/{BIRTH}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    expect(page.get_by_label("Nơi nộp hồ sơ")).to_have_value("H22.6688.1")  # his own commune
    shot(page, "1-noi-nop-375")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()

    expect(page.get_by_label("Họ tên người có yêu cầu / tên tổ chức")).to_have_value(
        "Nguyễn Văn An"
    )
    expect(page.get_by_label("Số giấy tờ")).to_have_value("022090001234")
    page.get_by_label("Nội dung yêu cầu").fill("Đăng ký khai sinh cho cháu Nguyễn Minh Khang")
    shot(page, "2-to-khai-375")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    certificate = document_slot(page, "Giấy chứng sinh")
    upload_to(certificate, jpeg)
    expect(page.get_by_text("Đã đính kèm tệp “giay-chung-sinh.jpg”.")).to_be_visible()
    # A text file named .pdf is refused by its content, next to the slot.
    fake = pdf.with_name("khong-phai-pdf.pdf")
    fake.write_text("đây không phải PDF")
    identity = document_slot(page, "Hộ chiếu/Thẻ căn cước")
    upload_to(identity, fake)
    expect(document_slot(page, "Hộ chiếu/Thẻ căn cước").get_by_role("alert")).to_contain_text(
        "Định dạng tệp không được chấp nhận"
    )
    shot(page, "3-giay-to-loi-375")
    upload_to(document_slot(page, "Hộ chiếu/Thẻ căn cước"), pdf)
    expect(page.get_by_text("Đã đính kèm tệp “can-cuoc.pdf”.")).to_be_visible()
    shot(page, "4-giay-to-375")
    page.get_by_role("button", name="Tiếp tục").click()

    page.get_by_label("Nhận bản điện tử").check()
    shot(page, "5-nhan-ket-qua-375")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    expect(
        page.get_by_text("Kiểm tra tự động: tờ khai và các tệp đính kèm hợp lệ.")
    ).to_be_visible()
    shot(page, "6-xem-lai-375")
    page.get_by_role("button", name="Nộp hồ sơ").click()

    expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
    dossier = Dossier.objects.get()
    expect(page.locator("#ma-ho-so")).to_have_text(dossier.code)
    expect(page.locator("#tiep-nhan-chinh-thuc")).to_contain_text(
        re.compile(r"\d\d:\d\d \d\d/\d\d/20\d\d")
    )
    shot(page, "7-da-nop-375")
    assert dossier.channel == "online" and dossier.status == 1
    assert sorted(c.files.count() for c in dossier.components.all()) == [1, 1]

    # Back (or a retry) never makes a second dossier.
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
    assert Dossier.objects.count() == 1
    page.set_viewport_size(DESKTOP)
    shot(page, "8-da-nop-desktop")
    page.context.close()


def test_a_draft_is_resumed_later(seeded_live_server, media_root, browser, shot, files):
    from motcua.dossiers.models import Dossier

    jpeg, _pdf = files
    page = sign_in(browser, seeded_live_server.url, PHONE, f"/nop-truc-tuyen/thu-tuc/{BIRTH}/")
    page.get_by_label("Nơi nộp hồ sơ").select_option("H22.6994.1")  # any commune will do
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    upload_to(document_slot(page, "Giấy chứng sinh"), jpeg)
    expect(page.get_by_text("Đã đính kèm tệp")).to_be_visible()
    page.context.close()

    page = sign_in(browser, seeded_live_server.url, PHONE, "/nop-truc-tuyen/")
    expect(page.get_by_role("heading", name="Hồ sơ đang soạn")).to_be_visible()
    shot(page, "1-ho-so-dang-soan-375")
    page.get_by_role("link", name="Tiếp tục").click()
    expect(page.get_by_text("giay-chung-sinh.jpg")).to_be_visible()
    shot(page, "2-xem-lai-375")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Đã nộp hồ sơ thành công")).to_be_visible()
    dossier = Dossier.objects.get()
    assert dossier.receiving_agency.code == "H22.6994.1"
    assert dossier.competent_agency.code == "H22.6994"
    page.goto(f"{seeded_live_server.url}/nop-truc-tuyen/")
    expect(page.get_by_text("Không có hồ sơ đang soạn.")).to_be_visible()
    expect(page.get_by_text(dossier.code)).to_be_visible()
    shot(page, "3-ho-so-cua-toi-375")
    page.context.close()


@pytest.fixture
def group_procedures(seeded_live_server):
    """The two other members of the birth group (the session's catalog sample lacks them)."""
    import json

    from motcua.catalog.importer import import_records
    from motcua.catalog.services import link_implementations
    from motcua.organizations.selectors import home_province
    from tests.helpers import CATALOG_FILE

    with CATALOG_FILE.open(encoding="utf-8") as handle:
        records = [r for r in map(json.loads, handle) if r["ma_thu_tuc"] in GROUP_MEMBERS]
    import_records(records)
    link_implementations(home_province())


def test_interlinked_birth_residence_insurance(
    seeded_live_server, group_procedures, media_root, browser, shot, files
):
    from motcua.dossiers.models import Dossier

    jpeg, pdf = files
    page = sign_in(browser, seeded_live_server.url, DESKTOP, "/nop-truc-tuyen/")
    page.get_by_role("link", name="Nộp hồ sơ liên thông").click()
    shot(page, "1-nhom-desktop")
    page.get_by_role("link", name="Bắt đầu").click()
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()

    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Minh Khang")
    page.get_by_label("Ngày sinh của trẻ").fill("2026-02-20")
    page.get_by_label("Giới tính của trẻ").fill("Nam")
    page.get_by_label("Nơi sinh").fill("Bệnh viện Bãi Cháy")
    page.get_by_label("Họ tên người mẹ").fill("Trần Thị Bình")
    page.get_by_label("Nơi đăng ký thường trú của trẻ").fill("Số 12 đường Trần Hưng Đạo")
    shot(page, "2-thong-tin-chung-desktop")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    upload_to(document_slot(page, "Giấy chứng sinh"), jpeg)
    expect(page.get_by_text("Đã đính kèm tệp")).to_be_visible()
    extra = page.locator("div.card[id$='-extra']").last  # the insurance card procedure's "other"
    extra.locator("summary.mc-attach").click()
    extra.get_by_label("Tên giấy tờ").fill("Tờ khai tham gia BHYT (TK1-TS)")
    upload_to(extra, pdf)
    expect(page.get_by_text("Đã đính kèm tệp “can-cuoc.pdf”.")).to_be_visible()
    shot(page, "3-giay-to-desktop")
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(
        page.get_by_text("Kiểm tra tự động: tờ khai và các tệp đính kèm hợp lệ.")
    ).to_be_visible()
    shot(page, "4-xem-lai-desktop")
    page.get_by_role("button", name="Nộp bộ hồ sơ liên thông").click()

    expect(page.locator("#tinh-trang-bo")).to_contain_text("0/3")
    dossiers = list(Dossier.objects.order_by("id"))
    assert [d.procedure.code for d in dossiers] == [BIRTH, "1.004222", "1.001939"]
    for dossier in dossiers:
        expect(page.get_by_text(dossier.code)).to_be_visible()
    shot(page, "5-theo-doi-desktop")
    page.set_viewport_size(PHONE)
    shot(page, "6-theo-doi-375")
    page.context.close()
