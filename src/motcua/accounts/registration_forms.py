"""Forms of the local registration: citizens (for as long as the national identity is not
connected, or by choice) and businesses, each with an e-mail address or a phone number."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from motcua.accounts import registration
from motcua.accounts.identity import parse_personal_id, validate_tax_code
from motcua.accounts.models import User
from motcua.accounts.national_identity import normalise_phone


class DateInput(forms.DateInput):
    input_type = "date"


class _AccountForm(forms.Form):
    contact = forms.CharField(
        label=_("Thư điện tử hoặc số điện thoại"),
        max_length=254,
        help_text=_("Mã xác minh sẽ được gửi đến địa chỉ này."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, không toàn chữ số, không quá phổ biến."),
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_contact(self) -> str:
        text = self.cleaned_data["contact"].strip()
        if "@" in text:
            try:
                validate_email(text)
            except ValidationError as exc:
                raise ValidationError(_("Thư điện tử không hợp lệ.")) from exc
            taken = User.objects.filter(email__iexact=text)
        else:
            text = normalise_phone(text)
            if not text:
                raise ValidationError(
                    _("Nhập thư điện tử, hoặc số điện thoại 10–11 chữ số bắt đầu bằng 0 hoặc +84.")
                )
            taken = User.objects.filter(phone=text)
        if any(not registration.is_abandoned(user) for user in taken):
            raise ValidationError(
                _("Địa chỉ này đã được dùng cho một tài khoản. Vui lòng đăng nhập.")
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        elif first:
            probe = User(
                username=data.get("contact", ""),
                full_name=data.get("full_name") or data.get("legal_representative") or "",
            )
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CitizenRegistrationForm(_AccountForm):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    national_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("12 chữ số trên thẻ căn cước."),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"), widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )

    field_order = ["full_name", "national_id", "date_of_birth", "contact", "password1"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        number, born = data.get("national_id", "").strip(), data.get("date_of_birth")
        if number and born:
            try:
                parse_personal_id(number, born)
            except ValidationError as exc:
                self.add_error("national_id", exc)
                return data
            if not registration.national_id_free(number):
                self.add_error(
                    "national_id",
                    _(
                        "Số định danh này đã có tài khoản. Vui lòng đăng nhập, hoặc dùng "
                        "“Đăng nhập bằng định danh quốc gia”."
                    ),
                )
            data["national_id"] = number
        return data


class BusinessRegistrationForm(_AccountForm):
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("10 chữ số, thêm -NNN nếu là đơn vị phụ thuộc."),
    )
    name = forms.CharField(label=_("Tên tổ chức, doanh nghiệp"), max_length=255)
    legal_representative = forms.CharField(label=_("Người đại diện theo pháp luật"), max_length=150)

    field_order = ["tax_code", "name", "legal_representative", "contact", "password1"]

    def clean_tax_code(self) -> str:
        code = self.cleaned_data["tax_code"].strip()
        validate_tax_code(code)
        if not registration.tax_code_free(code):
            raise ValidationError(_("Mã số thuế này đã có tài khoản. Vui lòng đăng nhập."))
        return code


class VerificationCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác minh 6 số"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError(_("Mã xác minh chỉ gồm chữ số."))
        return code
