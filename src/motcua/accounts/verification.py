"""One-time codes that prove a new local account owns its e-mail address or phone number.

A code is 6 random digits, valid ``MOTCUA_VERIFICATION_CODE_MINUTES`` minutes, stored only as a
keyed hash, and dies after 5 wrong tries or once a newer code is sent. Sending is limited per
destination (one code per ``MOTCUA_VERIFICATION_RESEND_SECONDS``, at most
``MOTCUA_VERIFICATION_MAX_PER_HOUR`` an hour), counted in the database so that every server
process sees the same count: SMS cost money and mailboxes must not be flooded.
"""

from __future__ import annotations

import datetime as dt
import hmac
import math
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from motcua.accounts.models import ContactVerification, User, VerificationChannel
from motcua.notifications import sms

MAX_ATTEMPTS = 5
_HASH_SALT = "motcua.accounts.verification"


class VerificationError(Exception):
    """A code could not be sent or was not accepted; ``message`` is for the citizen."""

    def __init__(self, message: str, *, wait_seconds: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.wait_seconds = wait_seconds


def channel_for(destination: str) -> str:
    """E-mail when the destination has an @, SMS otherwise."""
    return VerificationChannel.EMAIL if "@" in destination else VerificationChannel.SMS


def _hash(verification_id: int, code: str) -> str:
    return salted_hmac(_HASH_SALT, f"{verification_id}:{code}", algorithm="sha256").hexdigest()


def _check_rate(destination: str, now: dt.datetime) -> None:
    recent = ContactVerification.objects.filter(
        destination=destination, sent_at__gt=now - dt.timedelta(hours=1)
    ).order_by("-sent_at")
    last = recent.first()
    gap = dt.timedelta(seconds=settings.MOTCUA_VERIFICATION_RESEND_SECONDS)
    if last is not None and now - last.sent_at < gap:
        wait = math.ceil((last.sent_at + gap - now).total_seconds())
        raise VerificationError(
            _("Mã vừa được gửi. Vui lòng đợi %(seconds)s giây trước khi gửi lại.")
            % {"seconds": wait},
            wait_seconds=wait,
        )
    if recent.count() >= settings.MOTCUA_VERIFICATION_MAX_PER_HOUR:
        oldest = recent.last()
        wait = math.ceil((oldest.sent_at + dt.timedelta(hours=1) - now).total_seconds())
        raise VerificationError(
            _("Đã gửi quá nhiều mã đến địa chỉ này. Vui lòng thử lại sau %(minutes)s phút.")
            % {"minutes": max(1, math.ceil(wait / 60))},
            wait_seconds=wait,
        )


def send_verification_code(user: User, destination: str) -> ContactVerification:
    """Send a fresh code to ``destination`` (an e-mail address or a phone number).

    Raises ``VerificationError`` when the rate limit says wait. Earlier codes of the user stop
    working: only the latest one counts.
    """
    now = timezone.now()
    channel = channel_for(destination)
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = settings.MOTCUA_VERIFICATION_CODE_MINUTES
    with transaction.atomic():
        # One sender at a time per account, so that two quick clicks cannot both pass the limit.
        User.objects.select_for_update().filter(pk=user.pk).first()
        _check_rate(destination, now)
        ContactVerification.objects.filter(user=user, verified_at__isnull=True).update(
            expires_at=now
        )
        verification = ContactVerification.objects.create(
            user=user,
            channel=channel,
            destination=destination,
            code_hash="",
            sent_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        verification.code_hash = _hash(verification.pk, code)
        verification.save(update_fields=["code_hash"])
    text = _("Mã xác minh tài khoản Cổng dịch vụ công: %(code)s (hiệu lực %(minutes)s phút).") % {
        "code": code,
        "minutes": minutes,
    }
    if channel == VerificationChannel.EMAIL:
        send_mail(_("Mã xác minh tài khoản"), text, None, [destination])
    else:
        sms.send_sms(destination, text)
    return verification


def confirm_code(user: User, code: str) -> ContactVerification:
    """Accept ``code`` for the user's latest code, or raise ``VerificationError``."""
    now = timezone.now()
    error = None
    with transaction.atomic():
        verification = (
            ContactVerification.objects.select_for_update()
            .filter(user=user, verified_at__isnull=True)
            .order_by("-sent_at")
            .first()
        )
        if verification is None or verification.expires_at <= now:
            error = _("Mã xác minh đã hết hạn. Vui lòng gửi lại mã mới.")
        elif verification.attempts >= MAX_ATTEMPTS:
            error = _("Đã nhập sai quá nhiều lần. Vui lòng gửi lại mã mới.")
        else:
            # The wrong try is counted (and committed) before the answer is given.
            verification.attempts += 1
            if hmac.compare_digest(verification.code_hash, _hash(verification.pk, code.strip())):
                verification.verified_at = now
            elif verification.attempts >= MAX_ATTEMPTS:
                error = _("Đã nhập sai quá nhiều lần. Vui lòng gửi lại mã mới.")
            else:
                error = _("Mã xác minh không đúng. Còn %(left)s lần thử.") % {
                    "left": MAX_ATTEMPTS - verification.attempts
                }
            verification.save(update_fields=["attempts", "verified_at"])
    if error is not None:
        raise VerificationError(error)
    return verification
