"""Signing in with any identifier (accounts/backends.py), and the profiles behind them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.backends import IdentifierBackend
from motcua.accounts.models import AccountKind, BusinessProfile, CitizenProfile, User
from tests.helpers import PASSWORD, get_user, post_login

pytestmark = pytest.mark.django_db


def authenticate(identifier, password=PASSWORD):
    return IdentifierBackend().authenticate(None, username=identifier, password=password)


@pytest.mark.parametrize(
    "identifier",
    [
        "congdan1",
        "an.nguyen@example.vn",
        "AN.NGUYEN@EXAMPLE.VN",  # e-mail is case-insensitive
        "An.Nguyen@Example.Vn",
        "0912345678",
        "022090001234",  # national ID from the citizen profile
        "  congdan1  ",
    ],
)
def test_citizen_signs_in_with_any_identifier(identifier):
    assert authenticate(identifier) == get_user("congdan1")


def test_each_identifier_finds_its_own_account():
    assert authenticate("binh.tran@example.vn") == get_user("congdan2")
    assert authenticate("0987654321") == get_user("congdan2")
    assert authenticate("022195004321") == get_user("congdan2")
    assert authenticate("lienhe@vinhxanh.example.vn") == get_user("doanhnghiep1")
    assert authenticate("halong.tiepnhan") == get_user("halong.tiepnhan")


@pytest.mark.parametrize(
    "identifier", ["congdan1", "an.nguyen@example.vn", "0912345678", "022090001234"]
)
def test_wrong_password_fails(identifier):
    assert authenticate(identifier, "MotCua@2025") is None
    assert authenticate(identifier, "") is None


@pytest.mark.parametrize(
    "identifier", ["", None, "khongco", "khong.co@example.vn", "0900000000", "Congdan1"]
)
def test_unknown_identifier_fails(identifier):
    # Usernames are exact; only e-mail addresses ignore case.
    assert authenticate(identifier) is None


def test_missing_password_fails():
    assert authenticate("congdan1", None) is None


def test_inactive_user_fails():
    user = get_user("congdan1")
    user.is_active = False
    user.save()
    for identifier in ("congdan1", "an.nguyen@example.vn", "0912345678", "022090001234"):
        assert authenticate(identifier) is None


def test_ambiguous_identifier_matches_nobody():
    # Someone whose username is another person's phone number: neither may sign in with it.
    User.objects.create_user(username="0912345678", password=PASSWORD)
    assert authenticate("0912345678") is None
    assert authenticate("congdan1") == get_user("congdan1")


def test_login_page_accepts_the_national_id(client):
    response = post_login(client, "022090001234")
    assert response.status_code == 302
    assert response["Location"] == "/"  # citizens land on the portal, no second factor
    assert client.session["_auth_user_id"] == str(get_user("congdan1").pk)


def test_login_page_rejects_a_wrong_password_in_vietnamese(client):
    response = post_login(client, "congdan1", "sai-mat-khau")
    assert response.status_code == 200
    assert "Thông tin đăng nhập không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_page_tells_an_inactive_user_nothing_more(client):
    user = get_user("congdan1")
    user.is_active = False
    user.save()
    response = post_login(client, "congdan1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Profiles -------------------------------------------------------------------------------


def test_demo_profiles_are_valid():
    for profile in CitizenProfile.objects.all():
        profile.full_clean()
    for profile in BusinessProfile.objects.all():
        profile.full_clean()


def test_national_id_in_other_digit_scripts_cannot_duplicate_an_existing_one():
    user = User.objects.create_user(username="trung.lap", password=PASSWORD)
    duplicate = CitizenProfile(
        user=user,
        national_id="０２２０９０００１２３４",  # congdan1's number in fullwidth digits
        date_of_birth=dt.date(1990, 5, 12),
    )
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "national_id" in excinfo.value.message_dict


def test_tax_code_is_validated_on_the_model():
    user = User.objects.create_user(username="dn2", password=PASSWORD, kind=AccountKind.BUSINESS)
    profile = BusinessProfile(
        user=user, tax_code="0100109107", name="Công ty thử", legal_representative="Lê Văn A"
    )
    with pytest.raises(ValidationError) as excinfo:
        profile.full_clean()
    assert "tax_code" in excinfo.value.message_dict
    profile.tax_code = "0100109106-002"
    profile.full_clean()


def test_masked_national_id():
    profile = CitizenProfile.objects.get(user__username="congdan1")
    assert profile.masked_id == "022******234"
    assert "090001" not in str(profile)


@pytest.mark.parametrize("phone", ["0912345678", "+84912345678", "02033123456"])
def test_valid_phone_numbers(phone):
    User(username="x", phone=phone).clean_fields(exclude=["password"])


@pytest.mark.parametrize("phone", ["912345678", "09123456", "0912 345 678", "+8491234567890"])
def test_invalid_phone_numbers(phone):
    with pytest.raises(ValidationError) as excinfo:
        User(username="x", phone=phone).clean_fields(exclude=["password"])
    assert "phone" in excinfo.value.message_dict


def test_email_is_unique_whatever_its_case():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ban.sao", email="AN.NGUYEN@example.vn", password=PASSWORD)
    # Empty e-mail addresses do not clash with each other.
    User.objects.create_user("khong.email.1", password=PASSWORD)
    User.objects.create_user("khong.email.2", password=PASSWORD)
