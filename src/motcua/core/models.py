"""Models shared by every app: the security audit log and the working-calendar overrides."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Đăng nhập")
    LOGOUT = "logout", _("Đăng xuất")
    LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
    LOCKED_OUT = "locked_out", _("Tạm khóa do nhập sai nhiều lần")
    OTP_VERIFIED = "otp_verified", _("Xác thực hai lớp thành công")
    OTP_FAILED = "otp_failed", _("Xác thực hai lớp thất bại")
    OTP_DEVICE_ADDED = "otp_device_added", _("Đăng ký thiết bị xác thực hai lớp")
    OTP_DEVICE_REMOVED = "otp_device_removed", _("Gỡ thiết bị xác thực hai lớp")
    MEMBERSHIP_ADDED = "membership_added", _("Giao vai trò tại cơ quan")
    MEMBERSHIP_CHANGED = "membership_changed", _("Thay đổi vai trò tại cơ quan")
    MEMBERSHIP_REMOVED = "membership_removed", _("Thu hồi vai trò tại cơ quan")
    PRIVILEGE_CHANGED = "privilege_changed", _("Thay đổi quyền quản trị")
    PASSWORD_CHANGED = "password_changed", _("Đổi mật khẩu")


class AppendOnlyError(Exception):
    """Raised on any attempt to edit or delete an audit entry."""


class SecurityEvent(models.Model):
    """One entry of the append-only, hash-chained security audit log (nhật ký an ninh)."""

    seq = models.BigIntegerField(_("số thứ tự"), unique=True)
    occurred_at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("loại sự kiện"), max_length=32, choices=SecurityEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_repr = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    subject = models.CharField(_("đối tượng"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    data = models.JSONField(_("chi tiết"), default=dict, blank=True)
    prev_hash = models.CharField(_("mã băm trước"), max_length=64)
    hash = models.CharField(_("mã băm"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("nhật ký an ninh")
        verbose_name_plural = _("nhật ký an ninh")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["kind", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.get_kind_display()} {self.actor_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("force_insert"):
            raise AppendOnlyError("Nhật ký an ninh chỉ được ghi thêm, không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Nhật ký an ninh không được xóa.")

    def content(self) -> dict[str, Any]:
        """The fields covered by the hash (everything except the hashes themselves)."""
        return {
            "seq": self.seq,
            "occurred_at": self.occurred_at.isoformat(),
            "kind": self.kind,
            "actor_id": self.actor_id,
            "actor_repr": self.actor_repr,
            "subject": self.subject,
            "ip_address": self.ip_address,
            "user_agent": self.user_agent,
            "data": self.data,
        }


class CalendarOverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


class CalendarOverride(models.Model):
    """An admin's change to the working calendar: a day off or a make-up working day.

    Without an agency it applies to the whole province; an agency's own override of the same
    day wins over the province-wide one, and both win over the public holidays and make-up
    Saturdays of the ``holidays`` package (see ``motcua.core.calendars``). Due dates already
    computed (stored on received dossiers) do not move when an override is added later.
    """

    date = models.DateField(pgettext_lazy("calendar date", "ngày"))
    kind = models.CharField(_("loại"), max_length=16, choices=CalendarOverrideKind.choices)
    agency = models.ForeignKey(
        "organizations.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_("Để trống nếu áp dụng cho toàn tỉnh."),
    )
    reason = models.CharField(
        _("lý do"),
        max_length=255,
        help_text=_("Ví dụ: số và ngày của văn bản cho nghỉ hoặc làm bù."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("ngày nghỉ / làm bù")
        ordering = ["-date"]
        # NULL agencies are distinct in a plain unique index: the province-wide rows need their
        # own partial unique index.
        constraints = [
            models.UniqueConstraint(
                fields=["date", "agency"],
                condition=models.Q(agency__isnull=False),
                name="calendar_override_unique_agency_day",
                violation_error_message=_("Cơ quan này đã có điều chỉnh lịch cho ngày này."),
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(agency__isnull=True),
                name="calendar_override_unique_province_day",
                violation_error_message=_("Đã có điều chỉnh lịch toàn tỉnh cho ngày này."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.agency.code if self.agency_id else _("toàn tỉnh")
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()} ({scope})"
