"""``manage.py init_demo_pki [AGENCY_CODE ...]``: the demo root CA and a signing certificate
for each agency in force (or the ones named). Safe to run again: it only fills what is
missing or about to expire."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.documents import pki


class Command(BaseCommand):
    help = "Create the demo root CA and a signing certificate per agency (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "codes", nargs="*", help="agency codes (default: every agency in force)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = pki.init_demo_pki(options["codes"] or None)
        except pki.PkiError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{report.root.name} ({report.root.fingerprint[:16]}…): "
            f"{len(report.issued)} certificate(s) issued, {len(report.kept)} kept; "
            f"keys in {pki.pki_dir()}"
        )
