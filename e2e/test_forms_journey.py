"""The leader stops a dossier and prints the notice of stopping (Circular 03/2025/TT-VPCP,
Form 05), in the leader's own browser with password and TOTP; the form names its legal basis."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.test_dossier_journey import LEADER, Officers, pdf_text

DESK = "halong.tiepnhan"
REASON = "Người nộp đề nghị dừng giải quyết để bổ sung giấy tờ chứng minh nơi cư trú"


def received_dossier():
    from motcua.catalog.models import ProcedureChannel
    from motcua.dossiers.services import perform, submit
    from tests.dossiers.conftest import birth_submission
    from tests.helpers import get_user

    ProcedureChannel.objects.filter(procedure__code="1.001193").update(
        duration_value=5, duration_unit="working_days"
    )
    desk = get_user(DESK)
    dossier = submit(birth_submission(), by=desk)
    return perform(dossier.code, "receive", desk)


def test_leader_stops_a_dossier_and_prints_the_notice(browser, seeded_live_server, shot):
    from motcua.dossiers.models import Dossier, Status

    code = received_dossier().code
    base = seeded_live_server.url
    officers = Officers(browser, base)
    try:
        leader = officers.page(LEADER)
        leader.goto(f"{base}/can-bo/ho-so/{code}/")
        expect(leader.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")
        # Nothing to print about a stop yet.
        notice_link = leader.get_by_role("link", name="In thông báo dừng giải quyết hồ sơ")
        expect(notice_link).to_have_count(0)
        leader.get_by_text("Dừng xử lý hồ sơ", exact=True).click()
        leader.get_by_label("Lý do dừng xử lý").fill(REASON)
        shot(leader, "01-leader-stop-form")
        leader.get_by_role("button", name="Xác nhận: Dừng xử lý hồ sơ").click()

        notice = leader.get_by_role("status").first
        expect(notice).to_be_visible()
        assert Dossier.objects.get(code=code).status == Status.STOPPED
        link = notice.get_by_role("link", name="In thông báo dừng giải quyết hồ sơ")
        expect(link).to_be_visible()
        # Also among the dossier's printable forms, for later.
        expect(notice_link).to_have_count(2)
        shot(leader, "02-leader-stopped-with-notice-link")

        text = pdf_text(leader, base, link.get_attribute("href"), f"{code}-mau-dung-xu-ly.pdf")
        assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
        assert "Mẫu số 05 – Thông tư 03/2025/TT-VPCP" in text
        assert code in text and REASON in text
        # Form 01 printed again names its legal basis too.
        receipt = pdf_text(leader, base, f"/can-bo/ho-so/{code}/mau-01.pdf", f"{code}-mau-01.pdf")
        assert "Mẫu số 01 – Thông tư 03/2025/TT-VPCP" in receipt
    finally:
        officers.close()
