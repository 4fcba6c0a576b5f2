"""Notifications in the admin: read-only lists (what went out, what failed and why), and one
action: send failed notifications again. Rows are never edited by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.catalog.admin import ReadOnlyAdmin
from motcua.notifications import services
from motcua.notifications.models import Notification, NotificationPreference, SandboxSms


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "dossier", "template", "channel", "address", "status",
                    "attempts", "sent_at"]  # fmt: skip
    list_filter = ["status", "channel", "template", "created_at"]
    search_fields = ["=dossier__code", "address"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    exclude = ["html"]
    actions = ["resend"]

    @admin.action(description=_("Gửi lại các thông báo bị lỗi"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.resend(queryset)
        skipped = queryset.count() - count
        self.message_user(
            request,
            _("Đã đưa %(count)s thông báo vào hàng đợi gửi lại.") % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                _("Bỏ qua %(n)s thông báo không ở tình trạng “Gửi lỗi”.") % {"n": skipped},
                messages.WARNING,
            )

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_notification")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "email_progress", "email_action", "email_outcome", "sms_progress",
                    "sms_action", "sms_outcome", "updated_at"]  # fmt: skip
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]


@admin.register(SandboxSms)
class SandboxSmsAdmin(ReadOnlyAdmin):
    list_display = ["sent_at", "phone", "text"]
    search_fields = ["=phone", "text"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser
