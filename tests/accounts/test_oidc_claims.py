"""Mapping the national identity's claims to the citizen profile (no provider needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.accounts.national_identity import normalise_phone, parse_claims
from motcua.accounts.oidc import NationalSignInError, Reason

GOOD = {
    "sub": "x",
    "national_id": "022185006789",
    "name": "Hoàng Thị Mai",
    "birthdate": "1985-03-14",
    "phone_number": "+84 904 111 222",
    "email": "mai.hoang@example.vn",
}


def test_standard_claims_map_to_the_profile():
    claims = parse_claims(GOOD)
    assert claims.national_id == "022185006789"
    assert claims.full_name == "Hoàng Thị Mai"
    assert claims.date_of_birth == dt.date(1985, 3, 14)
    assert claims.is_female
    assert claims.phone == "0904111222"
    assert claims.email == "mai.hoang@example.vn"


def test_claim_names_are_configurable(settings):
    settings.OIDC_CLAIMS = {**settings.OIDC_CLAIMS, "national_id": "so_dinh_danh"}
    raw = {**GOOD, "so_dinh_danh": GOOD["national_id"]}
    del raw["national_id"]
    assert parse_claims(raw).national_id == "022185006789"


@pytest.mark.parametrize("birthdate", ["1985-03-14", "14/03/1985", "19850314"])
def test_birthdate_formats(birthdate):
    assert parse_claims({**GOOD, "birthdate": birthdate}).date_of_birth == dt.date(1985, 3, 14)


@pytest.mark.parametrize(
    "change",
    [
        {"national_id": ""},
        {"name": None},
        {"birthdate": "không rõ"},
        {"national_id": "12345"},
        {"national_id": "999185006789"},  # no such birth province
        {"birthdate": "1986-03-14"},  # the number says 1985
    ],
)
def test_missing_or_inconsistent_identity_is_refused(change):
    with pytest.raises(NationalSignInError) as info:
        parse_claims({**GOOD, **change})
    assert info.value.reason == Reason.BAD_CLAIMS


def test_bad_contacts_are_dropped_not_fatal():
    claims = parse_claims({**GOOD, "phone_number": "12", "email": "khong-phai-email"})
    assert claims.phone == "" and claims.email == ""


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("02033123456", "02033123456"),
        ("12345", ""),
        ("+1 202 555 0100", ""),
    ],
)
def test_phone_spellings(given, expected):
    assert normalise_phone(given) == expected
