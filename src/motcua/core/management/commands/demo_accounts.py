from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp

from motcua.core import demo


class Command(BaseCommand):
    help = "In các tài khoản minh họa, mật khẩu, khóa TOTP và mã dự phòng (chỉ dùng cho bản demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="In cả khi DEBUG tắt.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (settings.DEBUG or settings.MOTCUA_DEMO or options["force"]):
            raise CommandError("Chỉ in tài khoản minh họa khi DJANGO_DEBUG=1 hoặc MOTCUA_DEMO=1.")
        accounts = demo.demo_accounts()
        if not accounts:
            raise CommandError("Chưa có dữ liệu minh họa: chạy `manage.py seed_demo`.")
        out = self.stdout
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Tài khoản minh họa — MotCua (demo accounts)"))
        out.write(f"Mật khẩu chung / password: {demo.DEMO_PASSWORD}")
        out.write(
            "Cán bộ phải nhập mã xác thực hai lớp: thêm khóa TOTP vào ứng dụng xác thực, hoặc"
        )
        out.write("dùng một mã dự phòng (mỗi mã dùng một lần; chạy lại `make run` để cấp lại).")
        out.write("")
        for acc in accounts:
            out.write(
                self.style.SUCCESS(f"{acc.username:<22}") + f" {acc.full_name} — {acc.description}"
            )
            if acc.totp_secret:
                now_code = f"{totp(demo.demo_totp_key(acc.username)):06d}"
                out.write(
                    f"{'':<22} TOTP: {acc.totp_secret}  (mã lúc này: {now_code})  "
                    f"dự phòng: {' '.join(acc.backup_codes)}"
                )
        out.write("")
        out.write(
            "Cổng dịch vụ công: http://127.0.0.1:8000/   Trang cán bộ: http://127.0.0.1:8000/can-bo/"
        )
        out.write("Quản trị: http://127.0.0.1:8000/quan-tri/ (tài khoản quantri)")
