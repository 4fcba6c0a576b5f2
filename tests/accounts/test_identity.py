"""Personal identification numbers and tax codes (accounts/identity.py), with Hypothesis."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from motcua.accounts.identity import (
    birth_province_codes,
    parse_personal_id,
    tax_check_digit,
    validate_personal_id,
    validate_tax_code,
)
from motcua.accounts.models import CitizenProfile, Sex

THIS_YEAR = dt.date.today().year
PROVINCE_CODES = sorted(birth_province_codes())


def personal_id(province: int, birth_year: int, female: bool, serial: int) -> str:
    century_sex = 2 * ((birth_year - 1900) // 100) + int(female)
    return f"{province:03d}{century_sex}{birth_year % 100:02d}{serial:06d}"


def error_code(number: str, date_of_birth: dt.date | None = None) -> str:
    with pytest.raises(ValidationError) as excinfo:
        parse_personal_id(number, date_of_birth)
    return excinfo.value.code


# --- Personal identification number -------------------------------------------------------


def test_birth_province_codes_are_the_63_legacy_provinces():
    codes = birth_province_codes()
    assert len(codes) == 63
    assert {1, 22, 79, 96} <= codes  # Hà Nội, Quảng Ninh, TP Hồ Chí Minh, Cà Mau
    assert not {0, 3, 5, 7, 9, 99} & codes


@given(
    province=st.sampled_from(PROVINCE_CODES),
    birth_year=st.integers(min_value=1900, max_value=THIS_YEAR),
    female=st.booleans(),
    serial=st.integers(min_value=0, max_value=999_999),
)
@example(province=22, birth_year=1990, female=False, serial=1234)
@example(province=1, birth_year=2000, female=True, serial=0)
@example(province=96, birth_year=1999, female=False, serial=999_999)
def test_any_valid_number_parses_and_round_trips(province, birth_year, female, serial):
    number = personal_id(province, birth_year, female, serial)
    parsed = parse_personal_id(number)
    assert parsed.number == number
    assert parsed.province_code == province
    assert parsed.birth_year == birth_year
    assert parsed.is_female is female
    # Consistent with a declared date of birth in the same year, and as a field validator.
    assert parse_personal_id(number, dt.date(birth_year, 6, 15)) == parsed
    validate_personal_id(number)


def test_surrounding_spaces_are_ignored():
    assert parse_personal_id(" 022090001234 ").number == "022090001234"


@given(
    st.text(alphabet="0123456789", max_size=20).filter(lambda s: len(s) != 12),
)
def test_wrong_length_is_a_format_error(number):
    assert error_code(number) == "format"


@given(
    st.text(min_size=12, max_size=12).filter(lambda s: not (s.isascii() and s.isdigit())),
)
@example("02209000123A")
@example("022-90001234")
@example("０２２０９０００１２３４")  # fullwidth digits
@example("٠٢٢٠٩٠٠٠١٢٣٤")  # Arabic-Indic digits
def test_anything_but_twelve_ascii_digits_is_a_format_error(number):
    # Surrounding whitespace is stripped, which may leave a valid number: skip those.
    if number.strip().isascii() and number.strip().isdigit() and len(number.strip()) == 12:
        return
    assert error_code(number) == "format"


@pytest.mark.parametrize("number", [None, "", "   "])
def test_empty_is_a_format_error(number):
    assert error_code(number) == "format"


@pytest.mark.parametrize("prefix", ["000", "003", "099", "005", "097", "100", "999"])
def test_unknown_province_code_is_rejected(prefix):
    assert error_code(f"{prefix}090001234") == "province"


@given(
    province=st.integers(min_value=0, max_value=999).filter(lambda p: p not in PROVINCE_CODES),
    rest=st.from_regex(r"\A[0-9]{9}\Z"),
)
def test_any_code_outside_the_63_provinces_is_rejected(province, rest):
    assert error_code(f"{province:03d}{rest}") == "province"


@given(
    birth_year=st.integers(min_value=THIS_YEAR + 1, max_value=2399),
    female=st.booleans(),
)
@example(birth_year=THIS_YEAR + 1, female=False)
def test_future_birth_year_is_rejected(birth_year, female):
    assert error_code(personal_id(22, birth_year, female, 1)) == "future"


def test_this_year_is_not_the_future():
    assert parse_personal_id(personal_id(22, THIS_YEAR, True, 1)).birth_year == THIS_YEAR


@given(
    birth_year=st.integers(min_value=1900, max_value=THIS_YEAR),
    declared=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()),
)
def test_date_of_birth_in_another_year_is_rejected(birth_year, declared):
    number = personal_id(1, birth_year, False, 42)
    if declared.year == birth_year:
        assert parse_personal_id(number, declared).birth_year == birth_year
    else:
        assert error_code(number, declared) == "birth_year"


@pytest.mark.parametrize(
    ("digit", "year", "female"),
    [("0", 1990, False), ("1", 1990, True), ("2", 2010, False), ("3", 2010, True)],
)
def test_century_and_sex_digit(digit, year, female):
    parsed = parse_personal_id(f"001{digit}{year % 100:02d}000001")
    assert (parsed.birth_year, parsed.is_female) == (year, female)


# --- Citizen profile ------------------------------------------------------------------------


def test_citizen_profile_derives_sex_from_the_number():
    male = CitizenProfile(national_id="022090001234", date_of_birth=dt.date(1990, 5, 12))
    male.clean()
    assert male.sex == Sex.MALE
    female = CitizenProfile(national_id="022195004321", date_of_birth=dt.date(1995, 9, 3))
    female.clean()
    assert female.sex == Sex.FEMALE


def test_citizen_profile_rejects_a_mismatched_sex():
    profile = CitizenProfile(
        national_id="022090001234", date_of_birth=dt.date(1990, 5, 12), sex=Sex.FEMALE
    )
    with pytest.raises(ValidationError) as excinfo:
        profile.clean()
    assert "sex" in excinfo.value.message_dict


def test_citizen_profile_rejects_a_mismatched_birth_year():
    profile = CitizenProfile(national_id="022090001234", date_of_birth=dt.date(1991, 5, 12))
    with pytest.raises(ValidationError) as excinfo:
        profile.clean()
    assert excinfo.value.code == "birth_year"


# --- Tax codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["0100109106", "0300588569", "0100109106-001", "0300588569-123", " 0100109106 "]
)
def test_real_tax_codes_are_valid(code):
    validate_tax_code(code)


@pytest.mark.parametrize("code", ["0100109107", "0100109105", "0300588560", "0300588568-001"])
def test_changed_check_digit_is_invalid(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_tax_code(code)
    assert excinfo.value.code == "checksum"


@pytest.mark.parametrize(
    "code",
    [
        "",
        None,
        "010010910",
        "01001091066",
        "0100109106-01",
        "0100109106-0001",
        "0100109106001",
        "010010910A",
        "0100109106_001",
        "０１００１０９１０６",  # fullwidth digits
    ],
)
def test_malformed_tax_codes(code):
    with pytest.raises(ValidationError) as excinfo:
        validate_tax_code(code)
    assert excinfo.value.code == "format"


def test_tax_check_digit_of_known_codes():
    assert tax_check_digit("010010910") == 6
    assert tax_check_digit("030058856") == 9


@given(st.from_regex(r"\A[0-9]{9}\Z"))
@example("010010910")
@example("000000000")
def test_exactly_one_check_digit_validates(first_nine):
    valid = []
    for digit in "0123456789":
        try:
            validate_tax_code(first_nine + digit)
        except ValidationError:
            continue
        valid.append(digit)
    expected = tax_check_digit(first_nine)
    if expected is None:
        assert valid == []  # such prefixes are never issued
    else:
        assert valid == [str(expected)]
        validate_tax_code(f"{first_nine}{expected}-001")


def test_some_prefixes_have_no_check_digit():
    # Weighted sum ≡ 0 (mod 11) would need the digit 10.
    assert tax_check_digit("000000000") is None


# --- Password hashing -----------------------------------------------------------------------


def test_production_hasher_is_argon2():
    import motcua.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("MotCua@2026", hasher.salt())
    assert encoded.startswith("argon2$")
    assert hasher.verify("MotCua@2026", encoded)
    assert not hasher.verify("MotCua@2025", encoded)
