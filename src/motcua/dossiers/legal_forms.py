"""Which version of each one-stop form applies: forms versioned by effective date (DOMAIN §5).

The one-stop forms are set by a circular of the Government Office that guides the one-stop
decree. Two sets exist:

* **Circular 01/2018/TT-VPCP** (guiding Decree 61/2018/NĐ-CP), in force from 08/01/2019:
  01 receipt and appointment, 02 request to supplement, 03 refusal, 04 apology and new
  appointment, 05 dossier register, 06 processing control sheet;
* **Circular 03/2025/TT-VPCP** of 15/09/2025 (guiding Decree 118/2025/NĐ-CP, which replaced
  Decree 61/2018 from 01/07/2025), Appendix I: 01 receipt and appointment, 02 request to
  supplement, 03 refusal, 04 apology and request to extend the handling time, **05 notice of
  stopping**, 06 processing control sheet, 07 dossier register.

A printed form documents one event, and the version printed is the one in force on the day
of that event (Vietnam time) — a receipt reprinted today for a dossier received in 2024 is
still the 2018 form, as it was handed over: receipt → the reception, request to supplement →
the request, refusal → the refusal, apology → the apology, notice of stopping → the stop,
control sheet → the reception (the sheet is opened with the receipt and follows the dossier),
register → the last day of the range printed.

Kinds are keyed by stable Vietnamese slugs (they appear in URLs: ``mau-dung-xu-ly.pdf``);
the numbers of Circular 01/2018 (``01``…``06``) are accepted as aliases so that the links
printed before versioning keep working.

The effective date of Circular 03/2025 could not be confirmed from the text of the circular
(docs/decisions.md): the default is 30/10/2025, the earliest day the Law on Promulgation of
Legal Documents (64/2025/QH15, Art. 57) allows for a central-level document signed on
15/09/2025 outside the shortened procedure. ``MOTCUA_FORMS_03_2025_FROM`` (an ISO date, as a
setting or an environment variable) overrides it without a code change once confirmed.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from motcua.core.worktime import VN_TZ

__all__ = [
    "CIRCULAR_01_2018",
    "CIRCULAR_03_2025",
    "FormKind",
    "FormNotInForce",
    "FormVersion",
    "LegalBasis",
    "VERSIONS",
    "in_force",
    "kind_of",
    "version_for",
]


class FormKind(StrEnum):
    """What a form is for, whatever its number in a given circular."""

    RECEIPT = "tiep-nhan"  # giấy tiếp nhận hồ sơ và hẹn trả kết quả
    SUPPLEMENT = "bo-sung"  # phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    REFUSAL = "tu-choi"  # phiếu từ chối tiếp nhận giải quyết hồ sơ
    APOLOGY = "xin-loi"  # phiếu xin lỗi (hẹn lại / đề nghị gia hạn)
    STOP = "dung-xu-ly"  # thông báo dừng giải quyết hồ sơ (from Circular 03/2025)
    CONTROL = "kiem-soat"  # phiếu kiểm soát quá trình giải quyết hồ sơ
    REGISTER = "so-theo-doi"  # sổ theo dõi hồ sơ


@dataclass(frozen=True)
class LegalBasis:
    """A circular that sets a set of forms, and the decree it guides."""

    circular: str  # "Thông tư 01/2018/TT-VPCP"
    decree: str  # "Nghị định 61/2018/NĐ-CP"
    default_from: dt.date
    setting: str = ""  # a setting (ISO date) that overrides ``default_from``

    @property
    def effective_from(self) -> dt.date:
        value = None
        if self.setting:
            value = getattr(settings, self.setting, None) or os.environ.get(self.setting)
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and value:
            return dt.date.fromisoformat(value)
        return self.default_from


CIRCULAR_01_2018 = LegalBasis(
    "Thông tư 01/2018/TT-VPCP", "Nghị định 61/2018/NĐ-CP", dt.date(2019, 1, 8)
)
CIRCULAR_03_2025 = LegalBasis(
    "Thông tư 03/2025/TT-VPCP",
    "Nghị định 118/2025/NĐ-CP",
    dt.date(2025, 10, 30),
    setting="MOTCUA_FORMS_03_2025_FROM",
)


@dataclass(frozen=True)
class FormVersion:
    """One form as one circular sets it: its number there, its title and our template."""

    kind: FormKind
    basis: LegalBasis
    number: str
    title: str
    template: str

    @property
    def effective_from(self) -> dt.date:
        return self.basis.effective_from

    @property
    def mark(self) -> str:
        """The line printed at the top: 'Mẫu số 01 – Thông tư 01/2018/TT-VPCP'."""
        return f"Mẫu số {self.number} – {self.basis.circular}"


def _form(kind: FormKind, basis: LegalBasis, number: str, title: str, template: str):
    return FormVersion(kind, basis, number, title, f"dossiers/forms/{template}")


K = FormKind
# The content of the forms the two circulars share is the same: the 2025 versions of those
# reuse the 2018 templates with the new number and legal basis.
VERSIONS: dict[FormKind, tuple[FormVersion, ...]] = {
    K.RECEIPT: (
        _form(K.RECEIPT, CIRCULAR_01_2018, "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
              "form01.html"),
        _form(K.RECEIPT, CIRCULAR_03_2025, "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
              "form01.html"),
    ),
    K.SUPPLEMENT: (
        _form(K.SUPPLEMENT, CIRCULAR_01_2018, "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
              "form02.html"),
        _form(K.SUPPLEMENT, CIRCULAR_03_2025, "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
              "form02.html"),
    ),
    K.REFUSAL: (
        _form(K.REFUSAL, CIRCULAR_01_2018, "03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
              "form03.html"),
        _form(K.REFUSAL, CIRCULAR_03_2025, "03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
              "form03.html"),
    ),
    K.APOLOGY: (
        _form(K.APOLOGY, CIRCULAR_01_2018, "04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
              "form04.html"),
        _form(K.APOLOGY, CIRCULAR_03_2025, "04",
              "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
              "apology_extension.html"),
    ),
    K.STOP: (
        _form(K.STOP, CIRCULAR_03_2025, "05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
              "stop_notice.html"),
    ),
    K.CONTROL: (
        _form(K.CONTROL, CIRCULAR_01_2018, "06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
              "form06.html"),
        _form(K.CONTROL, CIRCULAR_03_2025, "06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
              "form06.html"),
    ),
    K.REGISTER: (
        _form(K.REGISTER, CIRCULAR_01_2018, "05", "SỔ THEO DÕI HỒ SƠ", "form05.html"),
        _form(K.REGISTER, CIRCULAR_03_2025, "07", "SỔ THEO DÕI HỒ SƠ", "form05.html"),
    ),
}  # fmt: skip

# The numbers of Circular 01/2018 used as keys before the forms were versioned.
LEGACY_KEYS = {
    "01": K.RECEIPT,
    "02": K.SUPPLEMENT,
    "03": K.REFUSAL,
    "04": K.APOLOGY,
    "06": K.CONTROL,
}
# Forms printed for one dossier, in the order a dossier meets them.
DOSSIER_KINDS = (K.RECEIPT, K.SUPPLEMENT, K.REFUSAL, K.APOLOGY, K.STOP, K.CONTROL)

# What each form is called in an error message (Vietnamese, as the forms themselves).
NAMES = {
    K.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    K.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    K.REFUSAL: "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    K.APOLOGY: "Phiếu xin lỗi",
    K.STOP: "Thông báo dừng giải quyết hồ sơ",
    K.CONTROL: "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    K.REGISTER: "Sổ theo dõi hồ sơ",
}


class FormNotInForce(ValueError):
    """No version of the form was in force on the day of the event it documents."""


def kind_of(key: str) -> FormKind:
    """The kind named by ``key`` (a slug such as ``tiep-nhan`` or a 2018 number such as
    ``01``); ValueError with a Vietnamese message for anything else."""
    if key in LEGACY_KEYS:
        return LEGACY_KEYS[key]
    try:
        kind = FormKind(key)
    except ValueError:
        kind = None
    if kind is None or kind == K.REGISTER:
        known = ", ".join(k.value for k in DOSSIER_KINDS)
        raise ValueError(
            f"Không có mẫu số “{key}” để in theo hồ sơ; các mẫu: {known} (Sổ theo dõi hồ sơ "
            "in theo cơ quan)."
        )
    return kind


def _day(moment: dt.date | dt.datetime) -> dt.date:
    if isinstance(moment, dt.datetime):
        return moment.astimezone(VN_TZ).date()
    return moment


def in_force(kind: FormKind, moment: dt.date | dt.datetime) -> FormVersion | None:
    """The version of ``kind`` in force on the day of ``moment`` (Vietnam time), if any."""
    day = _day(moment)
    found = None
    for version in sorted(VERSIONS[kind], key=lambda v: v.effective_from):
        if version.effective_from <= day:
            found = version
    return found


def version_for(kind: FormKind, moment: dt.date | dt.datetime) -> FormVersion:
    """Like :func:`in_force`, but a form that did not exist yet is a FormNotInForce error."""
    version = in_force(kind, moment)
    if version is None:
        first = min(VERSIONS[kind], key=lambda v: v.effective_from)
        raise FormNotInForce(
            f"{NAMES[kind]} chưa có mẫu vào ngày {_day(moment):%d/%m/%Y}: mẫu đầu tiên là "
            f"{first.mark}, áp dụng từ ngày {first.effective_from:%d/%m/%Y}."
        )
    return version
