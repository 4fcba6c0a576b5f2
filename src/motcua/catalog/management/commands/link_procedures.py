from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import link_implementations
from motcua.organizations.selectors import home_province


class Command(BaseCommand):
    help = (
        "Gắn thủ tục với các cơ quan của tỉnh thực hiện "
        "(cấp xã, sở, trung tâm phục vụ hành chính công)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        province = home_province()
        if province is None:
            raise CommandError("Chưa có tỉnh của hệ thống: chạy import_admin_units trước.")
        created = link_implementations(province)
        self.stdout.write(self.style.SUCCESS(f"Đã thêm {created} liên kết thủ tục – cơ quan."))
