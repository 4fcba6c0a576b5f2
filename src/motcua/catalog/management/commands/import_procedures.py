from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.importer import import_file


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục hành chính từ tệp procedures.jsonl (dữ liệu Cổng DVCQG): "
        "phân tích từng trường, giữ nguyên văn, tạo phiên bản mới khi nội dung thay đổi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Đường dẫn tới procedures.jsonl")
        parser.add_argument(
            "--quiet-report", action="store_true", help="Không in báo cáo phân tích"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.")
        progress = None if options["verbosity"] == 0 else self.stderr._out
        summary = import_file(path, progress=progress)
        if not options["quiet_report"] and options["verbosity"] > 0:
            self.stdout.write(summary.report.render())
        for line, reason in summary.rejected:
            self.stdout.write(self.style.WARNING(f"Dòng {line} bị bỏ qua: {reason}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã xử lý {summary.total} thủ tục trong {summary.seconds:.1f} giây: "
                f"{summary.created} mới, {summary.updated} cập nhật (phiên bản mới), "
                f"{summary.unchanged} không đổi."
            )
        )
