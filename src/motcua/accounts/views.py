"""Sign-in, second factor, sign-out and the account page."""

from __future__ import annotations

import math
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts import oidc, otp
from motcua.accounts.forms import LoginForm, OtpTokenForm
from motcua.accounts.national_identity import signed_in_with_national_identity


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["national_enabled"] = oidc.is_enabled()
        return context

    def get_success_url(self) -> str:
        user = self.request.user
        if otp.needs_second_factor(user):
            step = "accounts:otp_verify" if otp.has_confirmed_device(user) else "accounts:otp_setup"
            default_next = reverse("backoffice:dashboard")
            next_url = _safe_next(self.request, default_next)
            return f"{reverse(step)}?next={quote(next_url, safe='/')}"
        return super().get_success_url()


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _safe_next(request, reverse("backoffice:dashboard"))
    if user.is_verified():
        return redirect(next_url)
    if not otp.has_confirmed_device(user):
        return redirect(f"{reverse('accounts:otp_setup')}?next={quote(next_url, safe='/')}")
    form = OtpTokenForm(request.POST or None)
    if form.is_valid():
        if otp.verify(request, user, form.cleaned_data["token"]):
            return redirect(next_url)
        locked_until = otp.throttled_until(user)
        if locked_until is not None:
            wait = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
            form.add_error(
                "token",
                _("Mã xác thực không đúng. Vì an toàn, vui lòng đợi %(seconds)s giây rồi nhập lại.")
                % {"seconds": wait},
            )
        else:
            form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn. Vui lòng thử lại."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _safe_next(request, reverse("backoffice:dashboard"))
    if otp.has_confirmed_device(user):
        return redirect(f"{reverse('accounts:otp_verify')}?next={quote(next_url, safe='/')}")
    device = otp.pending_totp_device(user)
    form = OtpTokenForm(request.POST or None)
    if form.is_valid():
        if otp.confirm(request, device, form.cleaned_data["token"]):
            messages.success(request, _("Đã bật xác thực hai lớp cho tài khoản."))
            return redirect(next_url)
        form.add_error(
            "token", _("Mã xác thực không đúng. Kiểm tra giờ trên điện thoại và thử lại.")
        )
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": otp.provisioning_qr_svg(device),
        "secret": otp.base32_secret(device),
    }
    return render(request, "accounts/otp_setup.html", context)


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "national_enabled": oidc.is_enabled(),
        "signed_in_nationally": signed_in_with_national_identity(request),
        "citizen": getattr(user, "citizen_profile", None),
        "business": getattr(user, "business_profile", None),
        "memberships": user.active_memberships() if user.is_officer else [],
    }
    return render(request, "accounts/account.html", context)
