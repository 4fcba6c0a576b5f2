from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.core.embedded_db import stop_embedded_database


class Command(BaseCommand):
    help = "Cơ sở dữ liệu PostgreSQL nhúng (var/postgres): xem địa chỉ kết nối hoặc dừng máy chủ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["url", "stop"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "url":
            db = settings.DATABASES["default"]
            self.stdout.write(f"host={db['HOST']} dbname={db['NAME']} user={db['USER']}")
            return
        stopped = stop_embedded_database(settings.VAR_DIR)
        self.stdout.write(
            "Đã dừng PostgreSQL nhúng." if stopped else "PostgreSQL nhúng không chạy."
        )
