from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Tên đăng nhập, email, số điện thoại hoặc số định danh"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _(
            "Thông tin đăng nhập không đúng. Lưu ý: nhập sai nhiều lần, tài khoản sẽ bị tạm khóa."
        ),
        "inactive": _("Tài khoản này đã bị khóa. Vui lòng liên hệ quản trị hệ thống."),
    }


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Mã xác thực 6 số"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9]*",
            }
        ),
        help_text=_("Mở ứng dụng xác thực (Google Authenticator, Microsoft Authenticator…)."),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("Mã xác thực chỉ gồm chữ số."))
        return token
