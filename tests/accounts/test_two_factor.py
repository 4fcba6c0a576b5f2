"""Officers' second factor (TOTP, backup codes), the back-office gate and the admin gate."""

import base64

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core import demo
from motcua.core.models import SecurityEventKind as Kind
from tests.helpers import (
    LOGIN_URL,
    LOGOUT_URL,
    OTP_SETUP_URL,
    OTP_VERIFY_URL,
    get_user,
    post_login,
)

pytestmark = pytest.mark.django_db


def current_token(username: str) -> str:
    return f"{totp(demo.demo_totp_key(username)):06d}"


def wrong_token(key: bytes) -> str:
    """A six-digit code that no time step within the device's tolerance accepts."""
    near = {f"{totp(key, drift=d):06d}" for d in range(-3, 4)}
    return next(code for code in ("123456", "654321", "111111", "909090") if code not in near)


def signed_in(username: str, next_url: str | None = None) -> tuple[Client, object]:
    client = Client()
    extra = {"next": next_url} if next_url else {}
    response = post_login(client, username, **extra)
    return client, response


# --- Officer with a device ------------------------------------------------------------------


def test_officer_password_leads_to_the_second_factor():
    client, response = signed_in("halong.tiepnhan")
    assert response.status_code == 302
    assert response["Location"] == f"{OTP_VERIFY_URL}?next=/can-bo/"
    # Signed in, but not verified: the back office still sends him to the second factor.
    response = client.get("/can-bo/")
    assert response.status_code == 302
    assert response["Location"].startswith(OTP_VERIFY_URL)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Xác thực hai lớp" in page.content.decode()


def test_next_is_kept_through_the_second_factor():
    client, response = signed_in("halong.tiepnhan", next_url="/can-bo/co-quan/")
    assert response["Location"] == f"{OTP_VERIFY_URL}?next=/can-bo/co-quan/"
    response = client.post(
        response["Location"],
        {"token": current_token("halong.tiepnhan"), "next": "/can-bo/co-quan/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/co-quan/"


def test_next_with_a_query_string_survives_the_second_factor():
    target = "/can-bo/co-quan/?q=ha&page=1"
    client = Client()
    client.force_login(get_user("halong.lanhdao"))
    response = client.get(target)
    assert response.status_code == 302
    verify_url = response["Location"]
    assert verify_url.startswith(OTP_VERIFY_URL)
    # The hidden `next` field carries the whole target, query string included.
    page = client.get(verify_url)
    assert page.context["next"] == target
    response = client.post(verify_url, {"token": current_token("halong.lanhdao")})
    assert response.status_code == 302
    assert response["Location"] == target


def test_login_keeps_a_next_with_a_query_string():
    target = "/can-bo/co-quan/?q=ha&page=1"
    client, response = signed_in("halong.lanhdao", next_url=target)
    page = client.get(response["Location"])
    assert page.context["next"] == target


def test_wrong_token_is_refused_with_a_message(audit_since):
    client, response = signed_in("halong.tiepnhan")
    key = demo.demo_totp_key("halong.tiepnhan")
    response = client.post(response["Location"], {"token": wrong_token(key)})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get("/can-bo/").status_code == 302
    assert [e.actor_repr for e in audit_since(Kind.OTP_FAILED)] == ["halong.tiepnhan"]
    assert audit_since(Kind.OTP_VERIFIED) == []


@pytest.mark.parametrize("token", ["abcdef", "12345", "123456789", ""])
def test_malformed_token_is_a_form_error(token):
    client, response = signed_in("halong.tiepnhan")
    response = client.post(response["Location"], {"token": token})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/can-bo/").status_code == 302


def test_correct_totp_opens_the_back_office(audit_since):
    client, response = signed_in("halong.tiepnhan")
    device = TOTPDevice.objects.get(user__username="halong.tiepnhan", confirmed=True)
    token = f"{totp(device.bin_key):06d}"
    response = client.post(response["Location"], {"token": token})
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/"
    page = client.get("/can-bo/")
    assert page.status_code == 200
    assert "Nguyễn Thị Lan" in page.content.decode()
    [event] = audit_since(Kind.OTP_VERIFIED)
    assert event.actor_repr == "halong.tiepnhan"
    # Once verified, the verify page just forwards.
    assert client.get(OTP_VERIFY_URL).status_code == 302


def test_a_totp_code_cannot_be_replayed():
    token = current_token("vandon.tiepnhan")
    client, response = signed_in("vandon.tiepnhan")
    assert client.post(response["Location"], {"token": token}).status_code == 302
    client.post(LOGOUT_URL)
    client, response = signed_in("vandon.tiepnhan")
    response = client.post(response["Location"], {"token": token})
    assert response.status_code == 200
    assert client.get("/can-bo/").status_code == 302


def test_backup_code_works_once():
    code = demo.demo_backup_codes("sotuphap.lanhdao")[0]
    client, response = signed_in("sotuphap.lanhdao")
    response = client.post(response["Location"], {"token": code})
    assert response.status_code == 302
    assert client.get("/can-bo/").status_code == 200
    client.post(LOGOUT_URL)

    client, response = signed_in("sotuphap.lanhdao")
    response = client.post(response["Location"], {"token": code})
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get("/can-bo/").status_code == 302


def test_another_users_code_is_refused():
    other = current_token("vandon.tiepnhan")
    own_key = demo.demo_totp_key("halong.tiepnhan")
    if other in {f"{totp(own_key, drift=d):06d}" for d in (-1, 0, 1)}:
        pytest.skip("the two demo keys happen to agree right now (one chance in 300,000)")
    client, response = signed_in("halong.tiepnhan")
    response = client.post(response["Location"], {"token": other})
    assert response.status_code == 200
    assert client.get("/can-bo/").status_code == 302


# --- Officer without a device: setting one up -----------------------------------------------


def test_officer_without_device_is_sent_to_set_one_up(new_officer):
    new_officer()
    client, response = signed_in("canbo.moi")
    assert response.status_code == 302
    assert response["Location"] == f"{OTP_SETUP_URL}?next=/can-bo/"
    # The back office and the verify page both send him there as well.
    assert client.get("/can-bo/")["Location"].startswith(OTP_SETUP_URL)
    assert client.get(OTP_VERIFY_URL)["Location"].startswith(OTP_SETUP_URL)


def test_setup_page_shows_a_qr_code_and_the_secret(new_officer):
    user = new_officer()
    client, _ = signed_in("canbo.moi")
    page = client.get(OTP_SETUP_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    # Shown in groups of four for manual entry, like authenticator apps do.
    shown = page.context["secret"]
    assert shown.replace(" ", "") == secret
    assert shown in html
    # Reloading the page keeps the same pending device (the QR code stays valid).
    client.get(OTP_SETUP_URL)
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert TOTPDevice.objects.get(user=user).pk == device.pk


def test_confirming_the_setup_creates_a_confirmed_device(new_officer, audit_since):
    user = new_officer()
    client, _ = signed_in("canbo.moi")
    client.get(OTP_SETUP_URL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(OTP_SETUP_URL, {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/can-bo/").status_code == 200
    [added] = audit_since(Kind.OTP_DEVICE_ADDED)
    assert added.subject == "canbo.moi"
    assert added.data["device"] == "TOTPDevice"
    # With a confirmed device, the setup page no longer offers a new secret.
    assert client.get(OTP_SETUP_URL)["Location"].startswith(OTP_VERIFY_URL)


def test_wrong_setup_code_leaves_the_device_unconfirmed(new_officer, audit_since):
    user = new_officer()
    client, _ = signed_in("canbo.moi")
    client.get(OTP_SETUP_URL)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(OTP_SETUP_URL, {"token": wrong_token(device.bin_key)})
    assert response.status_code == 200
    assert response.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    assert audit_since(Kind.OTP_DEVICE_ADDED) == []
    assert client.get("/can-bo/").status_code == 302


def test_citizen_has_no_second_factor():
    client, response = signed_in("congdan1")
    assert response["Location"] == "/"
    assert client.get("/tai-khoan/").status_code == 200


# --- Who may enter the back office ----------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    response = client.get("/can-bo/co-quan/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/can-bo/co-quan/"


@pytest.mark.parametrize("username", ["congdan1", "congdan2", "doanhnghiep1"])
def test_citizens_and_businesses_are_forbidden(client, username):
    client.force_login(get_user(username))
    for url in ("/can-bo/", "/can-bo/co-quan/", "/can-bo/co-quan/H22.6688/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Không có quyền truy cập" in response.content.decode()


def test_verified_officer_enters(otp_client):
    client = otp_client("vandon.giamdoc")
    assert client.get("/can-bo/").status_code == 200
    assert client.get("/can-bo/co-quan/").status_code == 200


# --- The admin ------------------------------------------------------------------------------


def test_admin_refuses_the_superuser_without_second_factor(client):
    client.force_login(get_user("quantri"))
    response = client.get("/quan-tri/")
    assert response.status_code == 302
    assert response["Location"].startswith("/quan-tri/login/")
    handoff = client.get(response["Location"])
    assert handoff.status_code == 302
    assert handoff["Location"] == f"{LOGIN_URL}?next=%2Fquan-tri%2F"
    # Signed in already, the login page forwards to the second factor for the admin.
    forward = client.get(handoff["Location"])
    assert forward["Location"] == f"{OTP_VERIFY_URL}?next=/quan-tri/"
    assert client.get("/quan-tri/accounts/user/").status_code == 302


def test_admin_refuses_anonymous(client):
    response = client.get("/quan-tri/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN_URL)
    assert response.status_code == 200


def test_admin_opens_for_the_superuser_with_second_factor(otp_client):
    client = otp_client("quantri")
    assert client.get("/quan-tri/").status_code == 200
    assert client.get("/quan-tri/accounts/user/").status_code == 200
    assert client.get("/quan-tri/organizations/agency/").status_code == 200


def test_superuser_verifies_then_reaches_the_admin():
    client, response = signed_in("quantri", next_url="/quan-tri/")
    assert response["Location"] == f"{OTP_VERIFY_URL}?next=/quan-tri/"
    response = client.post(response["Location"], {"token": current_token("quantri")})
    assert response["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200


@pytest.mark.parametrize("username", ["halong.lanhdao", "thanhtra", "tinh.giamdoc"])
def test_officer_without_admin_rights_cannot_use_the_admin(otp_client, username):
    client = otp_client(username)
    assert client.get("/quan-tri/accounts/user/").status_code != 200
    # Refused outright, not sent round in circles between the admin and the login page.
    response = client.get("/quan-tri/", follow=True)
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.content.decode()
    assert len(response.redirect_chain) <= 3


def test_citizen_cannot_use_the_admin(client):
    client.force_login(get_user("congdan1"))
    response = client.get("/quan-tri/", follow=True)
    assert response.status_code == 403


def test_login_ignores_an_offsite_next():
    client, response = signed_in("quantri", next_url="https://evil.example/")
    assert response["Location"] == f"{OTP_VERIFY_URL}?next=/can-bo/"
    response = client.post(
        OTP_VERIFY_URL,
        {"token": current_token("quantri"), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/can-bo/"
