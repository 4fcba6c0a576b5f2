"""Local accounts: citizens and businesses register with an e-mail or a phone number and stay
inactive until the code sent there is entered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from motcua.accounts.models import AccountKind, BusinessProfile, ContactVerification, User
from motcua.notifications import sms
from tests.helpers import post_login

pytestmark = pytest.mark.django_db

CITIZEN_URL = "/tai-khoan/dang-ky/cong-dan/"
BUSINESS_URL = "/tai-khoan/dang-ky/doanh-nghiep/"
VERIFY_URL = "/tai-khoan/dang-ky/xac-minh/"
STRONG = "Ha-Long-2026-bien"


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.LocmemSmsChannel"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def citizen_data(**change):
    return {
        "full_name": "Vũ Thị Hạnh",
        "national_id": "022196001122",
        "date_of_birth": "1996-07-08",
        "contact": "hanh.vu@example.vn",
        "password1": STRONG,
        "password2": STRONG,
        **change,
    }


def business_data(**change):
    return {
        "tax_code": "5700100256",
        "name": "Công ty Cổ phần Than Hòn Gai",
        "legal_representative": "Đặng Quốc Việt",
        "contact": "0203 3825 111",
        "password1": STRONG,
        "password2": STRONG,
        **change,
    }


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def last_email_code() -> str:
    return code_in(mail.outbox[-1].body)


def test_citizen_registers_by_email_and_verifies(client):
    response = client.post(CITIZEN_URL, citizen_data())
    assert response.status_code == 302 and response["Location"] == VERIFY_URL
    user = User.objects.get(email="hanh.vu@example.vn")
    assert not user.is_active and user.kind == AccountKind.CITIZEN
    assert user.citizen_profile.national_id == "022196001122"
    assert user.citizen_profile.sex == "F"
    assert user.citizen_profile.identity_verified_at is None  # declared, not proven
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hanh.vu@example.vn"]
    code = last_email_code()
    # Only a keyed hash is stored.
    assert code not in ContactVerification.objects.get(user=user).code_hash

    page = client.get(VERIFY_URL).content.decode()
    assert "ha***@example.vn" in page

    # Not active yet: the password does not open it.
    assert post_login(client, "hanh.vu@example.vn", STRONG).status_code == 200

    response = client.post(VERIFY_URL, {"action": "verify", "code": code})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    user.refresh_from_db()
    assert user.is_active
    assert int(client.session["_auth_user_id"]) == user.pk
    client.logout()
    assert post_login(client, "hanh.vu@example.vn", STRONG).status_code == 302


def test_business_registers_by_phone_with_sms(client):
    response = client.post(BUSINESS_URL, business_data())
    assert response.status_code == 302
    user = User.objects.get(phone="02033825111")
    assert user.kind == AccountKind.BUSINESS and not user.is_active
    profile = BusinessProfile.objects.get(user=user)
    assert profile.tax_code == "5700100256" and profile.name == "Công ty Cổ phần Than Hòn Gai"
    assert len(sms.outbox) == 1 and sms.outbox[0].phone == "02033825111"
    assert mail.outbox == []
    client.post(VERIFY_URL, {"action": "verify", "code": code_in(sms.outbox[0].text)})
    user.refresh_from_db()
    assert user.is_active


def test_tax_code_check_digit(client):
    response = client.post(BUSINESS_URL, business_data(tax_code="5700100257"))
    assert response.status_code == 200
    assert "Mã số thuế sai chữ số kiểm tra." in response.content.decode()
    assert not User.objects.filter(phone="02033825111").exists()


def test_taken_tax_code(client):
    response = client.post(BUSINESS_URL, business_data(tax_code="5701234566"))  # demo business
    assert "Mã số thuế này đã có tài khoản" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"date_of_birth": "1995-07-08"}, "khác ngày sinh đã khai"),
        ({"national_id": "02219600112"}, "phải gồm đúng 12 chữ số"),
        ({"national_id": "022090001234", "date_of_birth": "1990-05-12"}, "đã có tài khoản"),
        ({"contact": "an.nguyen@example.vn"}, "đã được dùng cho một tài khoản"),
        ({"contact": "+84912345678"}, "đã được dùng cho một tài khoản"),  # congdan1's phone
        ({"contact": "12ab"}, "Nhập thư điện tử, hoặc số điện thoại"),
        ({"contact": "a@b"}, "Thư điện tử không hợp lệ."),
        ({"password2": "khac-mat-khau-1"}, "Hai mật khẩu không khớp."),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password"),
    ],
)
def test_citizen_form_errors(client, change, message):
    data = citizen_data(**change)
    response = client.post(CITIZEN_URL, data)
    body = response.content.decode()
    assert response.status_code == 200
    if message == "password":
        assert "mật khẩu" in body.lower() or "password" in body.lower()
        assert 'id="id_password1-error"' in body
    else:
        assert message in body
    assert not User.objects.filter(email="hanh.vu@example.vn", is_active=True).exists()


def test_wrong_codes_then_locked_code(client):
    client.post(CITIZEN_URL, citizen_data())
    code = last_email_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        body = client.post(VERIFY_URL, {"action": "verify", "code": wrong}).content.decode()
        assert f"Còn {left} lần thử" in body
    body = client.post(VERIFY_URL, {"action": "verify", "code": wrong}).content.decode()
    assert "Đã nhập sai quá nhiều lần" in body
    # Even the right code is refused now.
    body = client.post(VERIFY_URL, {"action": "verify", "code": code}).content.decode()
    assert "Đã nhập sai quá nhiều lần" in body
    assert not User.objects.get(email="hanh.vu@example.vn").is_active


def test_expired_code(client):
    client.post(CITIZEN_URL, citizen_data())
    code = last_email_code()
    ContactVerification.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    body = client.post(VERIFY_URL, {"action": "verify", "code": code}).content.decode()
    assert "Mã xác minh đã hết hạn" in body


def test_non_digit_code(client):
    client.post(CITIZEN_URL, citizen_data())
    body = client.post(VERIFY_URL, {"action": "verify", "code": "12a456"}).content.decode()
    assert "Mã xác minh chỉ gồm chữ số." in body


def test_resend_is_rate_limited(client, settings):
    settings.MOTCUA_VERIFICATION_MAX_PER_HOUR = 3
    client.post(CITIZEN_URL, citizen_data())
    first = last_email_code()
    response = client.post(VERIFY_URL, {"action": "resend"}, follow=True)
    assert "Vui lòng đợi" in response.content.decode()
    assert len(mail.outbox) == 1

    def age_codes(seconds: int) -> None:
        for row in ContactVerification.objects.all():
            row.sent_at -= dt.timedelta(seconds=seconds)
            row.save()

    age_codes(61)
    response = client.post(VERIFY_URL, {"action": "resend"}, follow=True)
    assert "Đã gửi mã mới." in response.content.decode()
    assert len(mail.outbox) == 2
    # The older code no longer works.
    if first != last_email_code():
        body = client.post(VERIFY_URL, {"action": "verify", "code": first}).content.decode()
        assert "Mã xác minh không đúng" in body or "hết hạn" in body

    age_codes(61)
    client.post(VERIFY_URL, {"action": "resend"})
    assert len(mail.outbox) == 3
    age_codes(61)
    response = client.post(VERIFY_URL, {"action": "resend"}, follow=True)
    assert "Đã gửi quá nhiều mã đến địa chỉ này" in response.content.decode()
    assert len(mail.outbox) == 3

    # The latest code still activates the account.
    client.post(VERIFY_URL, {"action": "verify", "code": last_email_code()})
    assert User.objects.get(email="hanh.vu@example.vn").is_active


def test_abandoned_registration_can_be_replaced(client, settings):
    client.post(CITIZEN_URL, citizen_data())
    other = client.__class__()
    # While its code is alive, the address stays reserved.
    body = other.post(CITIZEN_URL, citizen_data(full_name="Người Khác")).content.decode()
    assert "đã được dùng cho một tài khoản" in body

    ContactVerification.objects.update(
        sent_at=timezone.now() - dt.timedelta(minutes=settings.MOTCUA_VERIFICATION_CODE_MINUTES + 1)
    )
    response = other.post(CITIZEN_URL, citizen_data(full_name="Người Khác"))
    assert response.status_code == 302
    user = User.objects.get(email="hanh.vu@example.vn")
    assert user.full_name == "Người Khác"
    # The replaced registration's codes still count towards the address's sending limit.
    assert ContactVerification.objects.filter(destination="hanh.vu@example.vn").count() == 2


def test_locked_account_is_not_abandoned(client):
    """An account an administrator switched off is not a pending registration to replace."""
    User.objects.filter(username="congdan2").update(is_active=False)
    body = client.post(CITIZEN_URL, citizen_data(contact="binh.tran@example.vn")).content.decode()
    assert "đã được dùng cho một tài khoản" in body


def test_verify_page_without_pending_registration(client):
    response = client.get(VERIFY_URL, follow=True)
    assert response.redirect_chain[-1][0] == "/tai-khoan/dang-ky/"
    assert "Không có đăng ký nào đang chờ xác minh" in response.content.decode()


def test_signed_in_user_is_sent_to_the_account(client):
    client.force_login(User.objects.get(username="congdan1"))
    assert client.get(CITIZEN_URL)["Location"] == "/tai-khoan/"


def test_registration_pages_render(client):
    assert "Đăng ký tài khoản" in client.get("/tai-khoan/dang-ky/").content.decode()
    assert "Số định danh cá nhân" in client.get(CITIZEN_URL).content.decode()
    assert "Mã số thuế" in client.get(BUSINESS_URL).content.decode()
    assert 'href="/tai-khoan/dang-ky/"' in client.get("/tai-khoan/dang-nhap/").content.decode()
