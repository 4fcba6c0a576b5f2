"""Sign-in with the national identity against a real OpenID provider (npm `oidc-provider`, run
as a separate process by the `oidc_provider` fixture), driven through its own pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.cache import cache
from joserfc.jwk import RSAKey

from motcua.accounts import oidc
from motcua.accounts.models import AccountKind, CitizenProfile, User
from motcua.accounts.national_identity import NATIONAL, SESSION_METHOD_KEY
from tests.accounts.oidc_provider import AN, BAD_DOB, HUNG, MAI, Agent, free_port
from tests.helpers import get_agency

pytestmark = pytest.mark.django_db

START = "/tai-khoan/dinh-danh/"
CALLBACK = "/tai-khoan/dinh-danh/ve/"
LINK = "/tai-khoan/dinh-danh/lien-ket/"


def begin(client, path: str = START, **data) -> str:
    response = client.post(path, data) if path == LINK else client.get(path, data)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def local(url: str) -> str:
    """Our callback URL as the test client wants it (path and query)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in(client, provider, national_id: str, path: str = START):
    callback = Agent(provider.issuer).sign_in_and_consent(begin(client, path), national_id)
    return client.get(local(callback))


def failed_reasons(audit_since) -> list[str]:
    return [e.data.get("reason") for e in audit_since("login_failed")]


def test_authorization_request_uses_pkce_nonce_state_and_acr(client, national):
    url = begin(client)
    assert url.startswith(f"{national.issuer}/auth?")
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["openid"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256 digest
    assert query["acr_values"] == ["urn:vneid:level2"]
    assert query["redirect_uri"] == ["http://testserver/tai-khoan/dinh-danh/ve/"]
    assert len(query["state"][0]) >= 20 and len(query["nonce"][0]) >= 20
    stored = client.session[f"_state_national_{query['state'][0]}"]["data"]
    assert stored["nonce"] == query["nonce"][0]
    assert "code_verifier" in stored


def test_first_sign_in_creates_a_verified_citizen(client, national, audit_since):
    response = sign_in(client, national, MAI)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"

    profile = CitizenProfile.objects.select_related("user").get(national_id=MAI)
    user = profile.user
    assert user.kind == AccountKind.CITIZEN
    assert user.full_name == "Hoàng Thị Mai"
    assert user.phone == "0904111222"  # +84 spelling normalised
    assert user.email == "mai.hoang@example.vn"
    assert not user.has_usable_password()
    assert not user.username.startswith("0221")  # never the ID number (audit log is permanent)
    assert str(profile.date_of_birth) == "1985-03-14"
    assert profile.sex == "F"
    assert profile.identity_verified_at is not None
    assert profile.national_login_at is not None
    assert client.session[SESSION_METHOD_KEY] == NATIONAL
    assert int(client.session["_auth_user_id"]) == user.pk

    [login] = audit_since("login")
    assert login.actor_id == user.pk
    assert login.data == {"method": NATIONAL, "acr": "urn:vneid:level2"}

    page = client.get("/tai-khoan/").content.decode()
    assert "Hoàng Thị Mai" in page and "022******789" in page and "Đã xác thực" in page


def test_later_sign_in_updates_the_same_account(client, national):
    sign_in(client, national, HUNG)
    profile = CitizenProfile.objects.get(national_id=HUNG)
    first_verified = profile.identity_verified_at
    first_login = profile.national_login_at
    User.objects.filter(pk=profile.user_id).update(full_name="Tên cũ")
    client.logout()

    sign_in(client, national, HUNG)
    profile.refresh_from_db()
    assert profile.user.full_name == "Đỗ Văn Hùng"  # the national identity is authoritative
    assert profile.identity_verified_at == first_verified
    assert profile.national_login_at > first_login
    assert CitizenProfile.objects.filter(national_id=HUNG).count() == 1
    assert profile.user.phone == "0913222333" and profile.user.email == ""


def test_contacts_of_another_account_are_not_taken(client, national):
    User.objects.create_user("nguoikhac", email="MAI.HOANG@example.vn", phone="0904111222")
    sign_in(client, national, MAI)
    user = CitizenProfile.objects.get(national_id=MAI).user
    assert user.email == "" and user.phone == ""


def test_unverified_local_profile_is_not_taken_over(client, national, audit_since):
    congdan1 = User.objects.get(username="congdan1")
    response = sign_in(client, national, AN)
    assert response.status_code == 409
    assert "Số định danh đã được khai ở một tài khoản khác" in response.content.decode()
    assert "_auth_user_id" not in client.session
    congdan1.citizen_profile.refresh_from_db()
    assert congdan1.citizen_profile.identity_verified_at is None
    assert failed_reasons(audit_since) == ["unverified_conflict"]


def test_local_account_links_its_declared_number(client, national):
    congdan1 = User.objects.get(username="congdan1")
    client.force_login(congdan1)
    page = client.get("/tai-khoan/").content.decode()
    assert "Chưa xác thực" in page and "Liên kết định danh quốc gia" in page

    response = sign_in(client, national, AN, path=LINK)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    profile = CitizenProfile.objects.get(national_id=AN)
    assert profile.user_id == congdan1.pk
    assert profile.identity_verified_at is not None
    assert client.session[SESSION_METHOD_KEY] == NATIONAL

    # From now on the national identity alone opens this same account.
    client.logout()
    sign_in(client, national, AN)
    assert int(client.session["_auth_user_id"]) == congdan1.pk


def test_link_with_another_number_is_refused(client, national):
    congdan2 = User.objects.get(username="congdan2")
    client.force_login(congdan2)
    response = sign_in(client, national, MAI, path=LINK)
    assert response.status_code == 409
    assert "Không liên kết được" in response.content.decode()
    congdan2.citizen_profile.refresh_from_db()
    assert congdan2.citizen_profile.identity_verified_at is None
    assert not CitizenProfile.objects.filter(national_id=MAI).exists()


def test_link_needs_a_signed_in_account(client, national):
    response = client.post(LINK)
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_officer_never_signs_in_nationally(client, national, new_officer, audit_since):
    officer = new_officer("canbo.dinhdanh")
    CitizenProfile.objects.create(
        user=officer,
        national_id=MAI,
        date_of_birth="1985-03-14",
        identity_verified_at="2026-01-05T08:00:00+07:00",
    )
    response = sign_in(client, national, MAI)
    assert response.status_code == 403
    assert "Tài khoản cán bộ không đăng nhập bằng định danh quốc gia" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert failed_reasons(audit_since) == ["officer_account"]


def test_member_of_an_agency_without_officer_kind_is_refused_too(client, national):
    from motcua.accounts.models import OfficerMembership

    user = User.objects.create_user("lan.citizen", kind=AccountKind.CITIZEN)
    CitizenProfile.objects.create(
        user=user,
        national_id=HUNG,
        date_of_birth="1992-11-02",
        identity_verified_at="2026-01-05T08:00:00+07:00",
    )
    OfficerMembership.objects.create(
        user=user, agency=get_agency("H22.6688.1"), role="reception", is_active=False
    )
    assert sign_in(client, national, HUNG).status_code == 403


def test_national_citizen_cannot_reach_the_back_office(client, national):
    sign_in(client, national, MAI)
    user = CitizenProfile.objects.get(national_id=MAI).user
    assert not user.is_staff and not user.is_superuser and not user.is_officer
    assert client.get("/can-bo/").status_code == 403
    assert client.get("/quan-tri/").status_code in (302, 403)
    assert client.get("/quan-tri/login/").status_code == 403
    assert client.get("/api/v1/dossiers").status_code == 403


def test_locked_account_is_refused(client, national):
    sign_in(client, national, HUNG)
    user = CitizenProfile.objects.get(national_id=HUNG).user
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = sign_in(client, national, HUNG)
    assert response.status_code == 403
    assert "Tài khoản đã bị khóa" in response.content.decode()


def test_consent_denied(client, national, audit_since):
    callback = Agent(national.issuer).sign_in_and_deny(begin(client), MAI)
    assert "error=access_denied" in callback
    response = client.get(local(callback))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Bạn đã không đồng ý chia sẻ thông tin" in body
    assert 'href="/tai-khoan/dang-nhap/"' in body
    assert "_auth_user_id" not in client.session
    assert not CitizenProfile.objects.filter(national_id=MAI).exists()
    assert failed_reasons(audit_since) == ["access_denied"]


@pytest.mark.parametrize(
    "query", ["?code=abc&state=khong-phai-cua-cong", "?code=abc", "", "?state=&code="]
)
def test_bad_or_missing_state(client, national, query, audit_since):
    begin(client)  # an attempt exists in the session, but not with this state
    response = client.get(CALLBACK + query)
    assert response.status_code == 400
    assert "Phiên đăng nhập không hợp lệ hoặc đã hết hạn" in response.content.decode()
    assert failed_reasons(audit_since) == ["bad_state"]


def test_callback_cannot_be_replayed(client, national):
    callback = Agent(national.issuer).sign_in_and_consent(begin(client), MAI)
    assert client.get(local(callback)).status_code == 302
    client.logout()
    assert client.get(local(callback)).status_code == 400


def test_callback_from_another_browser_is_refused(client, national):
    """Login CSRF: a callback made for someone else's browser session does nothing here."""
    from django.test import Client

    callback = Agent(national.issuer).sign_in_and_consent(begin(Client()), MAI)
    response = client.get(local(callback))
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_nonce_mismatch(client, national, audit_since):
    url = begin(client)
    state = parse_qs(urlsplit(url).query)["state"][0]
    callback = Agent(national.issuer).sign_in_and_consent(url, MAI)
    session = client.session
    session[f"_state_national_{state}"]["data"]["nonce"] = "mot-nonce-khac"
    session.save()
    response = client.get(local(callback))
    assert response.status_code == 502
    assert "không khớp với lượt đăng nhập" in response.content.decode()
    assert failed_reasons(audit_since) == ["nonce_mismatch"]
    assert "_auth_user_id" not in client.session


def test_invalid_token_signature(client, national, audit_since):
    """The ID token is checked against the provider's keys: a key set with the same key id but
    other key material (a forged or stale JWKS) makes the real token's signature fail."""
    metadata = oidc.load_metadata()
    real = requests.get(metadata["jwks_uri"], timeout=5).json()["keys"][0]
    forged = RSAKey.generate_key(2048, parameters={"kid": real["kid"], "use": "sig"})
    cache.set(
        oidc.metadata_cache_key(),
        {**metadata, "jwks": {"keys": [forged.as_dict(private=False)]}},
        300,
    )
    response = sign_in(client, national, MAI)
    assert response.status_code == 502
    assert "Chữ ký số trên kết quả đăng nhập không hợp lệ" in response.content.decode()
    assert failed_reasons(audit_since) == ["bad_signature"]
    assert not CitizenProfile.objects.filter(national_id=MAI).exists()


def test_unknown_key_id_refetches_the_keys(client, national):
    """Key rotation: a cached key set without the token's key id is fetched again."""
    metadata = oidc.load_metadata()
    other = RSAKey.generate_key(2048, parameters={"kid": "cu-da-thay", "use": "sig"})
    cache.set(
        oidc.metadata_cache_key(),
        {**metadata, "jwks": {"keys": [other.as_dict(private=False)]}},
        300,
    )
    assert sign_in(client, national, MAI).status_code == 302


def test_claims_that_contradict_themselves_are_refused(client, national, audit_since):
    response = sign_in(client, national, BAD_DOB)
    assert response.status_code == 502
    assert "Thông tin định danh không đầy đủ hoặc không hợp lệ" in response.content.decode()
    assert failed_reasons(audit_since) == ["bad_claims"]
    assert not CitizenProfile.objects.filter(national_id=BAD_DOB).exists()


def test_response_from_another_issuer_is_refused(client, national):
    callback = Agent(national.issuer).sign_in_and_consent(begin(client), MAI)
    forged = local(callback).replace("iss=", "iss=http%3A%2F%2Fevil.example&x=")
    response = client.get(forged)
    assert response.status_code == 502
    assert "_auth_user_id" not in client.session


def test_provider_down_at_start(client, settings, audit_since):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.OIDC_CLIENT_ID = "motcua-test"
    settings.OIDC_TIMEOUT_SECONDS = 2
    response = client.get(START)
    assert response.status_code == 503
    body = response.content.decode()
    assert "Không kết nối được hệ thống định danh quốc gia" in body
    assert "Thử lại đăng nhập bằng định danh quốc gia" in body
    assert failed_reasons(audit_since) == ["provider_unavailable"]


def test_provider_down_at_callback(client, national, settings):
    """The provider answered the start, then went away before the code was exchanged."""
    url = begin(client)
    callback = Agent(national.issuer).sign_in_and_consent(url, MAI)
    metadata = oidc.load_metadata()
    dead = f"http://127.0.0.1:{free_port()}"
    cache.set(
        oidc.metadata_cache_key(),
        {**metadata, "token_endpoint": f"{dead}/token", "jwks_uri": f"{dead}/jwks"},
        300,
    )
    response = client.get(local(callback))
    assert response.status_code == 503
    assert "Không kết nối được hệ thống định danh quốc gia" in response.content.decode()


def test_not_configured(client, settings):
    settings.OIDC_ISSUER = ""
    response = client.get(START)
    assert response.status_code == 503
    assert "Chưa kết nối định danh quốc gia" in response.content.decode()
    assert (
        "Đăng nhập bằng định danh quốc gia"
        not in client.get("/tai-khoan/dang-nhap/").content.decode()
    )
    assert client.get(CALLBACK + "?code=a&state=b").status_code == 503


def test_login_page_offers_the_national_button(client, national):
    body = client.get("/tai-khoan/dang-nhap/?next=/thu-tuc/").content.decode()
    assert 'href="/tai-khoan/dinh-danh/?next=/thu-tuc/"' in body
    assert "Đăng nhập bằng định danh quốc gia" in body


def test_next_is_kept_and_must_be_local(client, national):
    callback = Agent(national.issuer).sign_in_and_consent(begin(client, next="/thu-tuc/"), MAI)
    assert client.get(local(callback))["Location"] == "/thu-tuc/"
    client.logout()
    url = begin(client, next="https://evil.example/")
    callback = Agent(national.issuer).sign_in_and_consent(url, MAI)
    assert client.get(local(callback))["Location"] == "/tai-khoan/"
