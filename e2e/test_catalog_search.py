"""A citizen finds a procedure without diacritics and with a typo, and reads its page."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_citizen_finds_birth_registration_and_reads_it(page, seeded_live_server, shot):
    page.goto(seeded_live_server.url + "/")
    page.get_by_role("link", name="Thủ tục hành chính").first.click()
    search = page.get_by_label("Tìm thủ tục")
    search.fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm").click()
    results = page.locator("ol.list-group a")
    expect(results.first).to_have_text("Thủ tục đăng ký khai sinh")
    shot(page, "01-search-without-diacritics")

    search = page.get_by_label("Tìm thủ tục")
    search.fill("khai sihn")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator("ol.list-group a").first).to_have_text("Thủ tục đăng ký khai sinh")
    shot(page, "02-search-with-typo")

    page.locator("ol.list-group a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thủ tục đăng ký khai sinh")
    expect(page.get_by_role("heading", name="Cách thức thực hiện")).to_be_visible()
    expect(page.get_by_role("heading", name="Thành phần hồ sơ")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Trực tuyến"))).to_be_visible()
    expect(page.get_by_role("link", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    expect(page.get_by_text("Ủy ban nhân dân Phường Hạ Long").first).to_be_visible()
    shot(page, "03-procedure-page")


def test_procedure_without_online_channel_says_why(page, seeded_live_server, shot):
    page.goto(seeded_live_server.url + "/thu-tuc/1.000178/")
    expect(page.get_by_role("link", name="Nộp hồ sơ trực tuyến")).to_have_count(0)
    expect(page.get_by_text("Chưa nộp trực tuyến được")).to_be_visible()
    expect(page.get_by_text("68/2013/TT-BCA", exact=True)).to_be_visible()
    shot(page, "01-not-online")


def test_empty_search_result_is_helpful(page, seeded_live_server, shot):
    page.goto(seeded_live_server.url + "/thu-tuc/?q=zzqxj")
    expect(page.get_by_text("Không tìm thấy thủ tục nào khớp")).to_be_visible()
    shot(page, "01-no-result")
