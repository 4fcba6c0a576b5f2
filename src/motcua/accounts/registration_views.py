"""Registration of local accounts and the verification of their e-mail or phone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.accounts import oidc, registration, verification
from motcua.accounts.models import User
from motcua.accounts.registration_forms import (
    BusinessRegistrationForm,
    CitizenRegistrationForm,
    VerificationCodeForm,
)

PENDING_KEY = "motcua_pending_registration"
BACKEND = "motcua.accounts.backends.IdentifierBackend"


def _mask_contact(contact: str) -> str:
    """Show where the code went without spelling it out to someone looking over a shoulder."""
    if "@" in contact:
        name, domain = contact.split("@", 1)
        return f"{name[:2]}***@{domain}"
    return f"{contact[:3]}****{contact[-3:]}"


def register_choice(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    return render(request, "accounts/register.html", {"national_enabled": oidc.is_enabled()})


def _register(request: HttpRequest, form_class: type, kind_label: str) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form_class is CitizenRegistrationForm:
            user = registration.register_citizen(form.cleaned_data)
        else:
            user = registration.register_business(form.cleaned_data)
        request.session[PENDING_KEY] = user.pk
        try:
            verification.send_verification_code(user, registration.contact_of(user))
        except verification.VerificationError as error:
            messages.warning(request, error.message)
        return redirect("accounts:register_verify")
    context = {"form": form, "kind_label": kind_label, "national_enabled": oidc.is_enabled()}
    return render(request, "accounts/register_form.html", context)


@require_http_methods(["GET", "POST"])
def register_citizen(request: HttpRequest) -> HttpResponse:
    return _register(request, CitizenRegistrationForm, _("Đăng ký tài khoản công dân"))


@require_http_methods(["GET", "POST"])
def register_business(request: HttpRequest) -> HttpResponse:
    title = _("Đăng ký tài khoản tổ chức, doanh nghiệp")
    return _register(request, BusinessRegistrationForm, title)


@require_http_methods(["GET", "POST"])
def register_verify(request: HttpRequest) -> HttpResponse:
    """Enter the code (or ask for another) to activate the account begun in this session."""
    user = User.objects.filter(pk=request.session.get(PENDING_KEY)).first()
    if user is None or not registration.is_pending(user):
        messages.info(request, _("Không có đăng ký nào đang chờ xác minh trong phiên này."))
        return redirect("accounts:register")
    contact = registration.contact_of(user)
    form = VerificationCodeForm(request.POST if request.POST.get("action") != "resend" else None)
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            verification.send_verification_code(user, contact)
            messages.success(request, _("Đã gửi mã mới."))
        except verification.VerificationError as error:
            messages.warning(request, error.message)
        return redirect("accounts:register_verify")
    if request.method == "POST" and form.is_valid():
        try:
            verification.confirm_code(user, form.cleaned_data["code"])
        except verification.VerificationError as error:
            form.add_error("code", error.message)
        else:
            registration.activate(user)
            del request.session[PENDING_KEY]
            login(request, user, backend=BACKEND)
            messages.success(request, _("Tài khoản đã được kích hoạt."))
            return redirect("accounts:account")
    context = {"form": form, "destination": _mask_contact(contact)}
    return render(request, "accounts/register_verify.html", context)
