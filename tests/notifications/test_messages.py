"""Rendering: every kind of notification has a Vietnamese e-mail (text and HTML) and an SMS of
one GSM 7-bit segment, whatever the length of the reason or of the item list."""

from __future__ import annotations

import pytest
from django.utils import translation

from motcua.notifications.messages import KINDS, SMS_MAX, render, sms_text, unaccent
from motcua.notifications.sms import international, normalize_phone

GSM_SAFE = set(
    " !\"#%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz$\n"
)
LONG_CODE = "H22.6688.1-260302-0001"


def context(**change):
    values = {
        "kind": "",
        "code": LONG_CODE,
        "applicant_name": "Nguyễn Thị Thu Hương",
        "procedure_name": "Đăng ký khai sinh",
        "summary": "",
        "receiving_agency": "Trung tâm Phục vụ hành chính công phường Hạ Long",
        "competent_agency": "Ủy ban nhân dân phường Hạ Long",
        "at": "09:00 ngày 02/03/2026",
        "due": "17:00 ngày 09/03/2026",
        "note": "Giấy tờ <không> hợp lệ & chưa ký; " * 40,
        "items": [f"Giấy tờ số {n}: bản sao chứng thực “Sổ hộ khẩu” [cũ]" for n in range(20)],
        "amount": "1.500.000 đồng",
        "original_due": "17:00 ngày 09/03/2026",
        "new_due": "17:00 ngày 16/03/2026",
        "delivery": "Nhận tại bộ phận một cửa",
        "site_url": "https://dichvucong.example.vn",
        "preferences_url": "https://dichvucong.example.vn/tai-khoan/thong-bao/",
        "has_account": True,
        "is_organisation": False,
        "receipt": "07:30 ngày 03/03/2026",
    }
    values.update(change)
    return values


@pytest.mark.parametrize("key", sorted(KINDS))
def test_every_kind_renders_an_email_and_a_one_segment_sms(key):
    kind = KINDS[key]
    with translation.override("vi"):
        rendered = render(kind, context(kind=key))
    assert LONG_CODE in rendered.subject and "Hồ sơ" in rendered.subject
    assert rendered.text.startswith("Kính gửi Ông/Bà Nguyễn Thị Thu Hương,")
    assert LONG_CODE in rendered.text
    assert "https://dichvucong.example.vn/tai-khoan/thong-bao/" in rendered.text
    assert "{%" not in rendered.text and "{{" not in rendered.text
    assert "\n\n\n" not in rendered.text
    # The HTML alternative carries the same text, escaped, with its links clickable.
    assert '<html lang="vi">' in rendered.html and rendered.subject in rendered.html
    assert "<không>" not in rendered.html
    assert '<a href="https://dichvucong.example.vn"' in rendered.html
    # SMS: one GSM 7-bit segment, no diacritics, the dossier code first.
    assert len(rendered.sms) <= SMS_MAX
    assert set(rendered.sms) <= GSM_SAFE, set(rendered.sms) - GSM_SAFE
    assert LONG_CODE in rendered.sms


def test_details_of_each_kind_are_in_the_email():
    with translation.override("vi"):
        supplement = render(KINDS["supplement"], context(note="Ảnh mờ", items=["Giấy chứng sinh"]))
        payment = render(KINDS["payment"], context())
        apology = render(KINDS["apology"], context(note="Chờ xác minh"))
        refused = render(KINDS["refused"], context(note="Không thuộc thẩm quyền"))
        online = render(KINDS["submitted_online"], context())
        received = render(KINDS["received"], context())
    assert "- Giấy chứng sinh\n" in supplement.text and "Lý do: Ảnh mờ" in supplement.text
    assert "không tính vào thời hạn giải quyết" in supplement.text
    assert "1.500.000 đồng" in payment.text and "1.500.000 dong" in payment.sms
    assert "Ngày hẹn trả mới: 17:00 ngày 16/03/2026" in apology.text
    assert "(17:00 ngày 09/03/2026)" in apology.text
    assert "Ngay hen tra moi: 17:00 ngay 16/03/2026" in apology.sms
    assert "Lý do: Không thuộc thẩm quyền" in refused.text
    assert refused.sms.endswith("Ly do: Khong thuoc tham quyen")
    assert "Thời điểm tiếp nhận chính thức: 07:30 ngày 03/03/2026" in online.text
    assert "07:30 ngay 03/03/2026" in online.sms
    assert "Ngày hẹn trả kết quả: 17:00 ngày 09/03/2026." in received.text
    assert received.sms == (
        f"Ho so {LONG_CODE} da duoc tiep nhan luc 09:00 ngay 02/03/2026. "
        "Hen tra ket qua: 17:00 ngay 09/03/2026."
    )


def test_organisations_are_greeted_by_name_and_walk_ins_get_no_preferences_link():
    with translation.override("vi"):
        rendered = render(
            KINDS["received"],
            context(
                applicant_name="Công ty TNHH Vịnh Xanh", is_organisation=True, has_account=False
            ),
        )
    assert rendered.text.startswith("Kính gửi Công ty TNHH Vịnh Xanh,")
    assert "/tai-khoan/thong-bao/" not in rendered.text


def test_sms_text_folds_and_cuts_at_a_word():
    assert unaccent("Hồ sơ Đã tiếp nhận, đúng hẹn") == "Ho so Da tiep nhan, dung hen"
    assert sms_text("“Giấy tờ” – [bản sao] {x} ~ a|b \\ ^") == '"Giay to" - (ban sao) (x) - a/b /'
    long = sms_text("Lý do " + "rất dài " * 50)
    assert len(long) <= SMS_MAX and long.endswith("...") and not long.endswith(" ...")
    assert sms_text("a\n\n  b") == "a b"


@pytest.mark.parametrize(
    "raw, national",
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0203 3825 111", "02033825111"),
        ("(+84) 203-3825-111", "02033825111"),
        ("12345", None),
        ("09123456789012", None),
        ("abc0912345678", None),
        ("", None),
    ],
)
def test_vietnamese_phone_numbers(raw, national):
    assert normalize_phone(raw) == national
    if national:
        assert international(raw) == "84" + national[1:]
