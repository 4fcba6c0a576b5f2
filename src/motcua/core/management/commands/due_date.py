from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.calendars import due_date_from_params
from motcua.core.worktime import Unit, WorktimeError


class Command(BaseCommand):
    help = (
        "Tính hạn giải quyết theo thời gian làm việc (ngày nghỉ lễ, làm bù, giờ hành chính) và "
        "in ra theo ISO 8601, ví dụ 2026-02-27T17:00:00+07:00."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start",
            required=True,
            help="Thời điểm nộp hồ sơ, ISO 8601 (không ghi múi giờ: giờ Việt Nam).",
        )
        parser.add_argument("--value", required=True, help="Thời hạn: số không âm, ví dụ 5.")
        parser.add_argument(
            "--unit",
            required=True,
            help="Đơn vị: " + ", ".join(f"{u.value} ({u.label})" for u in Unit) + ".",
        )
        parser.add_argument("--cutoff", help="Giờ chốt tiếp nhận trong ngày, HH:MM, ví dụ 16:00.")
        parser.add_argument(
            "--agency", help="Mã định danh cơ quan (bỏ trống: lịch chung toàn tỉnh)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            due = due_date_from_params(
                options["start"],
                options["value"],
                options["unit"],
                options.get("cutoff"),
                options.get("agency"),
            )
        except WorktimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(due.isoformat())
