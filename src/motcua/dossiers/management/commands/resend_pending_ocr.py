"""``manage.py resend_pending_ocr``: queue again the OCR of files whose message was lost.

The same work as the periodic Celery beat task ``resend_pending_ocr`` (settings
``CELERY_BEAT_SCHEDULE``), for an operator after a broker outage or for a cron job where beat
does not run. Safe to run at any time: a file is recognised once even if queued twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.tasks import RESEND_AFTER_MINUTES, RESEND_BATCH, resend_pending_ocr


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise CommandError(f"Giá trị phải là số nguyên dương, không phải “{value}”.")
    return number


class Command(BaseCommand):
    help = (
        "Gửi lại việc nhận dạng văn bản (OCR) của các tệp còn chờ nhận dạng quá N phút sau khi "
        "tải lên (tin nhắn bị mất khi hàng đợi Celery ngừng hoạt động)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=_positive,
            default=RESEND_AFTER_MINUTES,
            metavar="PHUT",
            help=f"Chỉ gửi lại tệp đã chờ quá số phút này (mặc định {RESEND_AFTER_MINUTES}).",
        )
        parser.add_argument(
            "--limit",
            type=_positive,
            default=RESEND_BATCH,
            help=f"Số tệp gửi lại tối đa trong một lần chạy (mặc định {RESEND_BATCH}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = resend_pending_ocr(options["older_than"], options["limit"])
        self.stdout.write(f"Đã gửi lại {sent} tệp chờ nhận dạng.")
