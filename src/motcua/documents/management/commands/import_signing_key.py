"""``manage.py import_signing_key AGENCY_CODE FILE.p12 --passphrase-env VAR`` registers a
production PKCS#12 as the agency's active signing key (the previous one is retired), or
``manage.py import_signing_key AGENCY_CODE --remote KEY_ID`` a key held by the remote
signing service (MOTCUA_REMOTE_SIGNER_BACKEND). See docs/operations.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography import x509
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.documents import pki, signing
from motcua.documents.models import AgencySigningKey
from motcua.organizations.models import Agency


class Command(BaseCommand):
    help = "Register an agency's production signing key (PKCS#12 file or remote key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency", help="agency code, e.g. H22.6688")
        parser.add_argument("file", nargs="?", help="PKCS#12 file (.p12 / .pfx)")
        parser.add_argument(
            "--passphrase-env",
            default="",
            help="environment variable holding the file's passphrase "
            "(default: MOTCUA_PKI_PASSPHRASE)",
        )
        parser.add_argument("--remote", default="", help="key id at the remote signing service")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"No agency {options['agency']}.")
        try:
            if options["remote"]:
                key = self._remote(agency, options["remote"])
            elif options["file"]:
                key = pki.import_pkcs12(agency, Path(options["file"]), options["passphrase_env"])
            else:
                raise CommandError("Give a PKCS#12 file or --remote KEY_ID.")
        except (pki.PkiError, signing.SigningError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{agency.code}: active key {key.serial_number} ({key.subject})")

    def _remote(self, agency: Agency, key_id: str) -> AgencySigningKey:
        chain = [
            x509.load_der_x509_certificate(der)
            for der in signing.remote_backend().certificate_chain(key_id)
        ]
        if not chain:
            raise pki.PkiError(f"The remote service returned no certificate for {key_id}.")
        return pki.activate(
            AgencySigningKey(
                agency=agency,
                backend=AgencySigningKey.Backend.REMOTE,
                certificate_pem=pki.to_pem(chain[0]),
                chain_pem="".join(pki.to_pem(c) for c in chain[1:]),
                remote_key_id=key_id,
                **pki.certificate_fields(chain[0]),
            )
        )
