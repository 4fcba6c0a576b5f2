"""``manage.py add_trust_root ROOT.pem [--name NAME]``: trust a licensed CA's root
certificate when verifying signatures (results and signed components)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.documents import pki


class Command(BaseCommand):
    help = "Trust a root certificate (PEM) for signature verification."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="root certificate, PEM")
        parser.add_argument("--name", default="", help="display name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ca = pki.add_trust_root(Path(options["file"]).read_text(), options["name"])
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {options['file']}: {error}") from error
        except pki.PkiError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Trusted: {ca.name} ({ca.fingerprint[:16]}…)")
