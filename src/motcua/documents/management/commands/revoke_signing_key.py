"""``manage.py revoke_signing_key AGENCY_CODE --reason "…"``: revoke the agency's active
certificate (key compromise). Its signatures then verify as "chứng thư số đã bị thu hồi";
give the agency a new key (init_demo_pki or import_signing_key) before it issues again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.documents import pki, services
from motcua.documents.models import AgencySigningKey


class Command(BaseCommand):
    help = "Revoke an agency's signing certificate (key compromise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency", help="agency code")
        parser.add_argument("--reason", required=True)
        parser.add_argument(
            "--fingerprint", default="", help="SHA-256 of the certificate (default: active key)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keys = AgencySigningKey.objects.filter(agency__code=options["agency"])
        key = (
            keys.filter(fingerprint=options["fingerprint"].lower()).first()
            if options["fingerprint"]
            else keys.filter(active=True).first()
        )
        if key is None:
            raise CommandError("No such key.")
        try:
            key = services.revoke_key(key, options["reason"])
        except services.RegisterError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Revoked {key.serial_number} of {options['agency']} at {key.revoked_at}")
        if pki.active_key(key.agency) is None:
            self.stdout.write("The agency has no active key now: it cannot sign until it gets one.")
