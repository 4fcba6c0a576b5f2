"""Two-factor authentication for officers (TOTP, RFC 6238, through django-otp)."""

from __future__ import annotations

import base64
import datetime as dt

import segno
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.models import User
from motcua.core import audit
from motcua.core.models import SecurityEventKind as Kind

PENDING_DEVICE_NAME = "pending"


def needs_second_factor(user: User) -> bool:
    """Officers and administrators must pass TOTP before the back office or the admin."""
    return user.is_officer


def has_confirmed_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (created once, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The key for manual entry, in groups of four like authenticator apps show it."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def provisioning_qr_svg(device: TOTPDevice) -> str:
    """An inline SVG QR code of the otpauth:// URI for an authenticator app."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1b1f24")


def throttled_until(user: User) -> dt.datetime | None:
    """When repeated wrong codes have throttled the user's authenticator, the time it reopens.

    django-otp doubles the wait after each failure (1 s, 2 s, 4 s …) and refuses even a right
    code meanwhile, so the page must say so instead of "wrong code".
    """
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return data["locked_until"]
    return None


def verify(request: HttpRequest, user: User, token: str) -> bool:
    """Check ``token`` against the user's confirmed devices; mark the session verified."""
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.devices_for_user(user, confirmed=True):
            if device.verify_token(token):
                otp_login(request, device)
                audit.record(Kind.OTP_VERIFIED, actor=user, request=request)
                return True
    audit.record(Kind.OTP_FAILED, actor=user, request=request)
    return False


def confirm(request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm a device being set up with a first valid code, and verify the session."""
    if not device.verify_token(token):
        audit.record(Kind.OTP_FAILED, actor=device.user, request=request)
        return False
    device.confirmed = True
    device.name = "TOTP"
    device.save()
    otp_login(request, device)
    audit.record(Kind.OTP_VERIFIED, actor=device.user, request=request)
    return True
