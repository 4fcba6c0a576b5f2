from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core import demo
from motcua.organizations.models import AdministrativeUnit


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu minh họa: Quảng Ninh với các sở, trung tâm phục vụ hành chính công, "
        "10 xã/phường, cán bộ đủ các vai trò, hai công dân và một doanh nghiệp (chạy lại được)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not AdministrativeUnit.objects.exists():
            raise CommandError(
                "Chưa có đơn vị hành chính: chạy `manage.py import_admin_units` trước."
            )
        agencies = demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nạp dữ liệu minh họa: {len(agencies)} cơ quan, "
                f"{len(demo.demo_accounts())} tài khoản."
            )
        )
