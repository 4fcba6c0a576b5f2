"""Public lookup without sign-in (``/tra-cuu/`` and ``GET /api/v1/lookup``): code plus the last
four digits of the applicant's phone or ID number, one answer for a wrong code and a wrong
secret, a rate limit per address, status and timeline only; the QR code of the forms opens it."""

from __future__ import annotations

import re

import pytest
import segno

from motcua.portal import lookup
from tests.portal.conftest import SPECIALIST, act, at

pytestmark = pytest.mark.django_db

PHONE_LAST4, ID_LAST4 = "5678", "1234"  # congdan1: 0912345678, 022090001234


def ask(client, code, secret, **extra):
    return client.post("/tra-cuu/", {"ma": code, "so_cuoi": secret}, **extra)


def without_token(html: str, typed: str) -> str:
    """The page without its CSRF token and with the code the visitor typed (echoed back in
    the form) blanked: what remains must not depend on the dossier."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(typed, "<typed code>")


@pytest.fixture
def asked(online_dossier):
    dossier = online_dossier(processing=True)
    return act(
        dossier,
        "request_supplement",
        SPECIALIST,
        at(3, 10),
        note="Giấy chứng sinh của bà Trần Thị Bình bị tẩy xóa",
        items=["Giấy chứng sinh (bản chính)"],
    )


def test_found_by_the_last_digits_of_the_phone_or_the_id_number(asked, client):
    for secret in (PHONE_LAST4, ID_LAST4):
        response = ask(client, asked.code.lower(), secret)
        assert response.status_code == 200
        found = response.context["found"]
        assert found.code == asked.code and found.status_label == "Cần bổ sung giấy tờ"
        assert found.paused
    html = response.content.decode()
    assert "Yêu cầu bổ sung giấy tờ; thời hạn giải quyết tạm dừng" in html
    assert response["Cache-Control"] == "no-store"


def test_shows_no_name_no_id_no_reason(asked, client):
    html = ask(client, asked.code, PHONE_LAST4).content.decode()
    for secret in ("Nguyễn Văn An", "022090001234", "0912345678", "Trần Thị Bình", "tẩy xóa"):
        assert secret not in html
    for username in ("halong.tiepnhan", "halong.lanhdao", "halong.chuyenvien"):
        from tests.helpers import get_user

        assert get_user(username).get_full_name() not in html
    assert "Giấy chứng sinh (bản chính)" not in html  # requested items stay private too


def test_a_wrong_code_and_a_wrong_secret_get_the_same_answer(asked, client):
    other_code = asked.code[:-1] + "9"
    wrong_secret = ask(client, asked.code, "0000")
    wrong_code = ask(client, other_code, PHONE_LAST4)
    assert wrong_secret.status_code == wrong_code.status_code == 404
    assert without_token(wrong_secret.content.decode(), asked.code) == without_token(
        wrong_code.content.decode(), other_code
    )
    assert "Không tìm thấy hồ sơ khớp" in wrong_code.content.decode()


def test_the_secret_is_compared_in_constant_time_either_way(asked, monkeypatch):
    calls = []
    real = lookup.hmac.compare_digest

    def spy(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(lookup.hmac, "compare_digest", spy)
    assert lookup.find(asked.code, "0000") is None
    assert lookup.find("H22.6688.1-000000-9999", PHONE_LAST4) is None
    assert lookup.find(asked.code, PHONE_LAST4) == asked
    assert calls == [(4, 4)] * 6


def test_bad_input_is_a_clear_message_not_a_lookup(asked, client):
    response = ask(client, asked.code, "12a4")
    assert response.status_code == 422
    assert "Nhập đúng 4 chữ số cuối." in response.content.decode()
    response = ask(client, "  ", "1234")
    assert response.status_code == 422 and "Nhập mã hồ sơ." in response.content.decode()
    long = ask(client, "X" * 5000, "1234")
    assert long.status_code == 404


def test_rate_limit_per_address_shared_with_the_api(asked, client, settings):
    settings.MOTCUA_LOOKUP_PER_MINUTE = 3
    for _ in range(2):
        assert ask(client, asked.code, "0000").status_code == 404
    assert client.get(f"/api/v1/lookup?code={asked.code}&secret=0000").status_code == 404
    blocked = ask(client, asked.code, PHONE_LAST4)
    assert blocked.status_code == 429
    assert "quá nhiều lần trong một phút" in blocked.content.decode()
    assert 1 <= int(blocked["Retry-After"]) <= 60
    api = client.get(f"/api/v1/lookup?code={asked.code}&secret={PHONE_LAST4}")
    assert api.status_code == 429 and api.json()["status"] == 429
    # Another address is not blocked.
    other = ask(client, asked.code, PHONE_LAST4, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_the_page_prefills_the_code_from_the_qr(asked, client):
    page = client.get(f"/tra-cuu/?ma={asked.code}")
    assert page.status_code == 200
    assert f'value="{asked.code}"' in page.content.decode()


def test_the_qr_code_of_the_forms_opens_the_lookup(asked, settings):
    from motcua.dossiers import printing

    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.quangninh.gov.vn"
    url = printing.lookup_url(asked.code)
    assert url == f"https://dichvucong.quangninh.gov.vn/tra-cuu/?ma={asked.code}"
    svg = segno.make(url, error="m").svg_inline(omitsize=True, border=1, dark="#000")
    assert svg in printing.form_html(asked, "01")
    assert svg in printing.form_html(asked, "02")


# --- the API --------------------------------------------------------------------------------
def test_api_lookup(asked, client):
    response = client.get(f"/api/v1/lookup?code={asked.code}&secret={ID_LAST4}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == asked.code and body["status"] == 5
    assert body["status_label"] == "Cần bổ sung giấy tờ" and body["paused"] is True
    assert [s["title"] for s in body["timeline"]][0] == "Hồ sơ được nộp trực tuyến"
    assert "Nguyễn Văn An" not in response.content.decode()
    assert "022090001234" not in response.content.decode()
    wrong_code = client.get(f"/api/v1/lookup?code=X{asked.code}&secret={ID_LAST4}")
    wrong_secret = client.get(f"/api/v1/lookup?code={asked.code}&secret=9999")
    assert wrong_code.status_code == wrong_secret.status_code == 404
    assert wrong_code.json() == wrong_secret.json()
    bad = client.get("/api/v1/lookup?code=&secret=12")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"code", "secret"}


def test_api_lookup_is_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/lookup"]["get"]
    assert operation["operationId"] == "dossier_lookup"
    assert {p["name"] for p in operation["parameters"]} == {"code", "secret"}
    assert {"200", "400", "404", "429"} <= set(operation["responses"])
