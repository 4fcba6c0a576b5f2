from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.organizations.models import Generation, UnitLevel
from motcua.organizations.services import import_administrative_units


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính từ gói vietnam-provinces: 34 tỉnh, 3.321 xã sau sắp xếp 2025 "
        "và dữ liệu trước 2025 (chạy lại được)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-legacy", action="store_true", help="Bỏ qua dữ liệu đơn vị hành chính trước 2025."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = import_administrative_units(include_legacy=not options["no_legacy"])
        current, legacy = Generation.CURRENT, Generation.LEGACY
        provinces = report.count(current, UnitLevel.PROVINCE)
        communes = report.count(current, UnitLevel.COMMUNE)
        self.stdout.write(
            self.style.SUCCESS(f"Đã nạp: {provinces} tỉnh/thành phố, {communes} xã/phường/đặc khu")
        )
        if not options["no_legacy"]:
            l_provinces = report.count(legacy, UnitLevel.PROVINCE)
            l_districts = report.count(legacy, UnitLevel.DISTRICT)
            l_communes = report.count(legacy, UnitLevel.COMMUNE)
            self.stdout.write(
                f"Dữ liệu trước 2025: {l_provinces} tỉnh, {l_districts} huyện, {l_communes} xã"
            )
