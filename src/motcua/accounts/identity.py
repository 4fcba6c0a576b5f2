"""Vietnamese identity numbers: the 12-digit personal identification number and tax codes.

Personal identification number (số định danh cá nhân, printed on the citizen identity card),
Decree 137/2015/NĐ-CP and Circular 59/2021/TT-BCA:
- digits 1–3: the code of the province where the birth was registered (the statistics-office
  province codes of the 63 pre-2025 provinces, zero-padded: 001 Hà Nội … 096 Cà Mau);
- digit 4: century and sex — 1900s: 0 male / 1 female, 2000s: 2 / 3, 2100s: 4 / 5,
  2200s: 6 / 7, 2300s: 8 / 9;
- digits 5–6: the last two digits of the year of birth;
- digits 7–12: a random sequence.

Enterprise tax code (mã số thuế): 10 digits whose last is a check digit, optionally followed by
``-NNN`` for a dependent unit (branch).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# ASCII digits only: \d would also accept fullwidth or Arabic-Indic digits ("０", "٠"), letting
# the same number be stored twice in different scripts past the unique constraints.
_ID_RE = re.compile(r"^[0-9]{12}$")
_TAX_RE = re.compile(r"^([0-9]{10})(-[0-9]{3})?$")
_TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


@cache
def birth_province_codes() -> frozenset[int]:
    """Province codes valid in an identification number (the 63 pre-2025 provinces)."""
    from vietnam_provinces.legacy import Province

    return frozenset(int(p.code) for p in Province.iter_all())


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: int
    is_female: bool
    birth_year: int


def parse_personal_id(number: str, date_of_birth: dt.date | None = None) -> PersonalId:
    """Validate a 12-digit identification number and return what it encodes.

    Raises ``ValidationError`` with a Vietnamese message that says which part is wrong.
    """
    number = (number or "").strip()
    if not _ID_RE.match(number):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), code="format")
    province_code = int(number[:3])
    if province_code not in birth_province_codes():
        raise ValidationError(
            _("Ba số đầu (%(code)s) không phải mã tỉnh nơi đăng ký khai sinh.")
            % {"code": number[:3]},
            code="province",
        )
    gender_century = int(number[3])
    birth_year = 1900 + 100 * (gender_century // 2) + int(number[4:6])
    if birth_year > dt.date.today().year:
        raise ValidationError(
            _("Chữ số thứ 4 đến 6 cho năm sinh %(year)s, chưa tới.") % {"year": birth_year},
            code="future",
        )
    if date_of_birth is not None and date_of_birth.year != birth_year:
        raise ValidationError(
            _("Năm sinh trong số định danh (%(id_year)s) khác ngày sinh đã khai (%(dob_year)s).")
            % {"id_year": birth_year, "dob_year": date_of_birth.year},
            code="birth_year",
        )
    return PersonalId(number, province_code, gender_century % 2 == 1, birth_year)


def validate_personal_id(number: str) -> None:
    """Django field validator for the identification number."""
    parse_personal_id(number)


def tax_check_digit(first_nine: str) -> int | None:
    """Check digit of a tax code, or None when no digit fits (such codes are never issued)."""
    total = sum(int(d) * w for d, w in zip(first_nine, _TAX_WEIGHTS, strict=True))
    digit = 10 - total % 11
    return digit if digit < 10 else None


def validate_tax_code(code: str) -> None:
    """Django field validator for an enterprise tax code (10 digits, optional -NNN)."""
    match = _TAX_RE.match((code or "").strip())
    if not match:
        raise ValidationError(
            _("Mã số thuế gồm 10 chữ số, có thể thêm -NNN cho đơn vị phụ thuộc."), code="format"
        )
    digits = match.group(1)
    if tax_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(_("Mã số thuế sai chữ số kiểm tra."), code="checksum")


def mask_personal_id(number: str) -> str:
    """Show an identification number as 022******234: enough to recognise, not to reuse."""
    return f"{number[:3]}******{number[-3:]}"


def mask_if_personal_id(text: str) -> str:
    """Mask ``text`` when it is a 12-digit identification number (e.g. a typed login name)."""
    text = text.strip()
    return mask_personal_id(text) if _ID_RE.match(text) else text
