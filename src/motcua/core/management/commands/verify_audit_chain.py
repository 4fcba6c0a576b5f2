from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core import audit


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký an ninh (phát hiện bản ghi bị sửa, xóa hoặc đảo thứ tự)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit.verify()
        if not report.ok:
            raise CommandError(
                f"Chuỗi nhật ký bị phá vỡ tại bản ghi #{report.broken_seq}: {report.reason} "
                f"({report.checked} bản ghi trước đó hợp lệ)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Chuỗi nhật ký an ninh hợp lệ: {report.checked} bản ghi.")
        )
