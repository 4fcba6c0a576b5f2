"""Notifications to applicants (thông báo cho người nộp hồ sơ): what was sent, to whom, by which
channel, and what each citizen chose to receive.

A ``Notification`` is made by the relay from one outbox row of topic "notification" and one
channel; the pair is unique, so an outbox row relayed twice never sends twice. Rows are only
written by ``notifications.services`` and the send tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class EventGroup(models.TextChoices):
    """The groups a citizen switches on or off per channel (the preferences page)."""

    PROGRESS = "progress", _("Tiến trình hồ sơ (đã nộp, đã tiếp nhận, hẹn lại ngày trả)")
    ACTION = "action", _("Việc cần bạn làm (bổ sung giấy tờ, nộp phí, lệ phí)")
    OUTCOME = "outcome", _("Kết quả (có kết quả, không tiếp nhận, dừng xử lý)")


class Notification(models.Model):
    """One message to one applicant address by one channel."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
        help_text=_("Trống khi người nộp không có tài khoản (hồ sơ nộp trực tiếp)."),
    )
    address = models.CharField(_("địa chỉ nhận"), max_length=254)
    channel = models.CharField(_("kênh"), max_length=10, choices=NotificationChannel.choices)
    template = models.CharField(_("mẫu thông báo"), max_length=40)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    outbox_message = models.ForeignKey(
        "dossiers.OutboxMessage",
        verbose_name=_("tin nhắn chờ gửi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    html = models.TextField(_("nội dung HTML"), blank=True)
    status = models.CharField(
        _("tình trạng"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    next_try_at = models.DateTimeField(
        _("gửi (lại) lúc"),
        null=True,
        blank=True,
        help_text=_("Khi thông báo đang chờ được giao cho hàng đợi hoặc đến lượt gửi lại."),
    )
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    error = models.TextField(_("lỗi gần nhất"), blank=True)
    provider_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["outbox_message", "channel"], name="notification_once_per_channel"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_try_at"],
                condition=Q(status="queued"),
                name="notification_queued",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.address} ({self.template})"


class NotificationPreference(models.Model):
    """What a citizen's account receives, per channel and event group. Without a row the
    defaults apply (``DEFAULTS``): every e-mail, and SMS only when something is asked of the
    applicant or the dossier is closed — SMS cost the province money."""

    DEFAULTS = {
        "email_progress": True,
        "email_action": True,
        "email_outcome": True,
        "sms_progress": False,
        "sms_action": True,
        "sms_outcome": True,
    }

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_progress = models.BooleanField(_("thư điện tử: tiến trình"), default=True)
    email_action = models.BooleanField(_("thư điện tử: việc cần làm"), default=True)
    email_outcome = models.BooleanField(_("thư điện tử: kết quả"), default=True)
    sms_progress = models.BooleanField(_("SMS: tiến trình"), default=False)
    sms_action = models.BooleanField(_("SMS: việc cần làm"), default=True)
    sms_outcome = models.BooleanField(_("SMS: kết quả"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("lựa chọn nhận thông báo")
        verbose_name_plural = _("lựa chọn nhận thông báo")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, channel: str, group: str) -> bool:
        return bool(getattr(self, f"{channel}_{group}"))


class SandboxSms(models.Model):
    """A message "sent" by the sandbox SMS channel: kept in the database so that the demo, the
    tests and a worker in another process all see the same messages."""

    phone = models.CharField(_("số điện thoại"), max_length=20, db_index=True)
    text = models.TextField(_("nội dung"))
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("SMS thử nghiệm")
        verbose_name_plural = _("SMS thử nghiệm")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
