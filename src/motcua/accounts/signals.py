"""Audit receivers: every security-relevant event lands in the hash-chained log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.accounts.identity import mask_if_personal_id
from motcua.accounts.models import OfficerMembership, User
from motcua.core import audit
from motcua.core.models import SecurityEventKind as Kind


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    # A sign-in through the national identity says so (indicator 4.5 and investigations).
    method = getattr(request, "motcua_auth_method", None)
    data = {"method": method, "acr": getattr(request, "motcua_auth_acr", "")} if method else None
    audit.record(Kind.LOGIN, actor=user, request=request, data=data)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(Kind.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    # Django has already masked the password; the identifier is kept, except that a national
    # ID number typed as a login name is masked too: this log can never be erased.
    identifier = mask_if_personal_id(str(credentials.get("username", "")))[:150]
    audit.record(Kind.LOGIN_FAILED, subject=identifier, request=request)


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: Any, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    audit.record(
        Kind.LOCKED_OUT, subject=mask_if_personal_id(username or "")[:150], request=request
    )


def _membership_data(m: OfficerMembership) -> dict[str, Any]:
    return {
        "user": m.user.get_username(),
        "agency": m.agency.code,
        "role": m.role,
        "is_active": m.is_active,
        "valid_until": m.valid_until.isoformat() if m.valid_until else None,
    }


@receiver(pre_save, sender=OfficerMembership)
def _membership_before(sender: Any, instance: OfficerMembership, **kwargs: Any) -> None:
    instance._audit_before = (
        _membership_data(
            OfficerMembership.objects.select_related("user", "agency").get(pk=instance.pk)
        )
        if instance.pk
        else None
    )


@receiver(post_save, sender=OfficerMembership)
def _membership_saved(
    sender: Any, instance: OfficerMembership, created: bool, **kwargs: Any
) -> None:
    after = _membership_data(instance)
    before = getattr(instance, "_audit_before", None)
    if created:
        audit.record(Kind.MEMBERSHIP_ADDED, subject=str(instance), data={"after": after})
    elif before != after:
        audit.record(
            Kind.MEMBERSHIP_CHANGED, subject=str(instance), data={"before": before, "after": after}
        )


@receiver(post_delete, sender=OfficerMembership)
def _membership_deleted(sender: Any, instance: OfficerMembership, **kwargs: Any) -> None:
    audit.record(
        Kind.MEMBERSHIP_REMOVED, subject=str(instance), data={"before": _membership_data(instance)}
    )


_PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "is_active", "kind")


@receiver(pre_save, sender=User)
def _user_before(sender: Any, instance: User, **kwargs: Any) -> None:
    if not instance.pk:
        instance._audit_before = None
        return
    old = User.objects.filter(pk=instance.pk).values(*_PRIVILEGE_FIELDS, "password").first()
    instance._audit_before = old


@receiver(post_save, sender=User)
def _user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    after = {f: getattr(instance, f) for f in _PRIVILEGE_FIELDS}
    if created:
        if instance.is_staff or instance.is_superuser:
            audit.record(
                Kind.PRIVILEGE_CHANGED, subject=instance.get_username(), data={"after": after}
            )
        return
    if before is None:
        return
    old = {f: before[f] for f in _PRIVILEGE_FIELDS}
    if old != after:
        audit.record(
            Kind.PRIVILEGE_CHANGED,
            subject=instance.get_username(),
            data={"before": old, "after": after},
        )
    if before["password"] != instance.password:
        # The actor is whoever is signed in (the owner, or an administrator), not the account.
        audit.record(Kind.PASSWORD_CHANGED, subject=instance.get_username())


def _device_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if instance.confirmed and (created or getattr(instance, "_was_unconfirmed", False)):
        audit.record(
            Kind.OTP_DEVICE_ADDED,
            actor=instance.user,
            subject=instance.user.get_username(),
            data={"device": sender.__name__, "name": instance.name},
        )


def _device_before(sender: Any, instance: Any, **kwargs: Any) -> None:
    instance._was_unconfirmed = bool(
        instance.pk and sender.objects.filter(pk=instance.pk, confirmed=False).exists()
    )


def _device_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    audit.record(
        Kind.OTP_DEVICE_REMOVED,
        subject=instance.user.get_username(),
        data={"device": sender.__name__, "name": instance.name},
    )


for _model in (TOTPDevice, StaticDevice):
    pre_save.connect(_device_before, sender=_model, dispatch_uid=f"audit-before-{_model.__name__}")
    post_save.connect(_device_saved, sender=_model, dispatch_uid=f"audit-saved-{_model.__name__}")
    post_delete.connect(_device_deleted, sender=_model, dispatch_uid=f"audit-del-{_model.__name__}")
