"""Keys and certificates: the demo certification authority, agency certificates, PKCS#12
files and the roots verification trusts.

* **Demo PKI** (``manage.py init_demo_pki``): one root "MotCua Demo Root CA" and one RSA-2048
  certificate per agency in force, issued by that root. Only this installation trusts that
  root: it proves the machinery, never a legal signature (docs/decisions.md).
* **Key storage**: private keys are files under ``MOTCUA_PKI_DIR`` (``var/pki`` by default,
  git-ignored), encrypted with a passphrase that is not in the database
  (``MOTCUA_PKI_PASSPHRASE``, or one derived from ``DJANGO_SECRET_KEY`` when unset). File
  names carry the certificate's serial number, so two databases sharing the folder (test
  runs side by side) never overwrite each other's keys.
* **Production**: ``manage.py import_signing_key`` registers an agency's PKCS#12 from a
  licensed CA (its passphrase in an environment variable named on the key row), and
  ``manage.py add_trust_root`` the CA's root.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.documents.models import AgencySigningKey, CertificateAuthority
from motcua.organizations.models import Agency

DEMO_ROOT_NAME = "MotCua Demo Root CA"
ROOT_YEARS = 20
AGENCY_YEARS = 3
# A demo certificate this close to its end is replaced by ``init_demo_pki``.
RENEW_BEFORE = dt.timedelta(days=30)
RSA_BITS = 2048


class PkiError(Exception):
    """A key or certificate cannot be used; the message is for the operator."""


# --- Small helpers -------------------------------------------------------------------------


def pki_dir() -> Path:
    return Path(settings.MOTCUA_PKI_DIR)


def passphrase(env_name: str = "") -> bytes:
    """The passphrase of a key file: the named environment variable, else
    ``MOTCUA_PKI_PASSPHRASE``, else one derived from the secret key (development)."""
    if env_name:
        value = os.environ.get(env_name)
        if not value:
            raise PkiError(f"Environment variable {env_name} (key passphrase) is not set.")
        return value.encode()
    configured = getattr(settings, "MOTCUA_PKI_PASSPHRASE", "")
    if configured:
        return configured.encode()
    return (
        hmac.new(settings.SECRET_KEY.encode(), b"motcua-pki", hashlib.sha256).hexdigest().encode()
    )


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def fingerprint_der(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def to_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def load_pem(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


def load_pem_list(pem: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem.encode()) if pem.strip() else []


_NAME_ORDER = [
    NameOID.COMMON_NAME,
    NameOID.ORGANIZATION_NAME,
    NameOID.ORGANIZATIONAL_UNIT_NAME,
    NameOID.ORGANIZATION_IDENTIFIER,
    NameOID.LOCALITY_NAME,
    NameOID.STATE_OR_PROVINCE_NAME,
    NameOID.COUNTRY_NAME,
]


def describe_name(name: x509.Name) -> str:
    """A certificate name for people: its values, most telling first, each once
    ("Ủy ban nhân dân Phường Hạ Long, H22.6688, Tỉnh Quảng Ninh, VN")."""
    values: list[str] = []
    ordered = [a for oid in _NAME_ORDER for a in name.get_attributes_for_oid(oid)]
    rest = [a for a in name if a.oid not in _NAME_ORDER]
    for attribute in ordered + rest:
        value = attribute.value if isinstance(attribute.value, str) else attribute.value.hex()
        if value and value not in values:
            values.append(value)
    return ", ".join(values)


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The same certificate for pyHanko (asn1crypto)."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else pki_dir() / candidate


def _write_private(path: Path, data: bytes) -> None:
    """Write a key file readable by its owner only, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    temporary.replace(path)


def _fit(text: str, limit: int = 64) -> str:
    """``text`` cut at a word to at most ``limit`` UTF-8 bytes (the common name's bound as
    ``cryptography`` counts it; a Vietnamese agency name often exceeds it)."""
    if len(text.encode()) <= limit:
        return text
    words, out = text.split(), ""
    for word in words:
        candidate = f"{out} {word}".strip()
        if len(candidate.encode()) > limit:
            break
        out = candidate
    return out or text.encode()[:limit].decode(errors="ignore")


def _name(common_name: str, organization: str, extra: list[x509.NameAttribute]) -> x509.Name:
    """A subject: the full name in O (no length bound), a fitting one in CN."""
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            *extra,
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name)),
        ]
    )


def _key_usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certs,
        content_commitment=not sign_certs,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


# --- The demo root -------------------------------------------------------------------------


def _root_key(ca: CertificateAuthority) -> rsa.RSAPrivateKey | None:
    """The demo root's private key, or None when its file is gone or unreadable."""
    if not ca.key_file:
        return None
    try:
        data = _resolve(ca.key_file).read_bytes()
        key = serialization.load_pem_private_key(data, password=passphrase())
    except (OSError, ValueError, TypeError):
        return None
    return key if isinstance(key, rsa.RSAPrivateKey) else None


def demo_root() -> tuple[CertificateAuthority, rsa.RSAPrivateKey]:
    """The demo root and its key, made on first use. A root whose key file is lost (another
    machine, a new secret key) stays trusted for what it signed, and a new root is made."""
    now = timezone.now()
    for ca in CertificateAuthority.objects.filter(is_demo=True, not_after__gt=now + RENEW_BEFORE):
        key = _root_key(ca)
        if key is not None:
            return ca, key
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    name = _name(DEMO_ROOT_NAME, "MotCua", [])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign_certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_file = f"demo-root-{cert.serial_number:x}.key.pem"
    _write_private(
        pki_dir() / key_file,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase()),
        ),
    )
    # The public certificate beside it, for anyone who wants to trust it in a PDF reader.
    (pki_dir() / "demo-root-ca.pem").write_text(to_pem(cert))
    ca = CertificateAuthority.objects.create(
        name=DEMO_ROOT_NAME,
        certificate_pem=to_pem(cert),
        fingerprint=fingerprint(cert),
        is_demo=True,
        key_file=key_file,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )
    return ca, key


# --- Agency keys ---------------------------------------------------------------------------


def active_key(agency: Agency) -> AgencySigningKey | None:
    return AgencySigningKey.objects.filter(agency=agency, active=True).first()


def _usable(key: AgencySigningKey) -> bool:
    """A demo key that can still sign: in date, not revoked, and its file opens."""
    if key.revoked_at is not None or key.not_after <= timezone.now() + RENEW_BEFORE:
        return False
    try:
        load_pkcs12(key)
    except PkiError:
        return False
    return True


def _subject_fields(agency: Agency) -> list[x509.NameAttribute]:
    fields = [x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, agency.code)]
    if agency.province_id:
        fields.insert(0, x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, agency.province.name))
    return fields


def issue_demo_key(agency: Agency) -> AgencySigningKey:
    """A new demo certificate for ``agency``, made its active key (the old one retired)."""
    ca, ca_key = demo_root()
    ca_cert = load_pem(ca.certificate_pem)
    now = timezone.now()
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            _name(
                agency.short_name
                if len(agency.name.encode()) > 64 and agency.short_name
                else agency.name,
                agency.name,
                _subject_fields(agency),
            )
        )
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(
            min(now + dt.timedelta(days=365 * AGENCY_YEARS), ca_cert.not_valid_after_utc)
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign_certs=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    relative = f"agencies/{agency.code}-{cert.serial_number:x}.p12"
    _write_private(
        pki_dir() / relative,
        pkcs12.serialize_key_and_certificates(
            agency.code.encode(),
            key,
            cert,
            [ca_cert],
            serialization.BestAvailableEncryption(passphrase()),
        ),
    )
    return activate(
        AgencySigningKey(
            agency=agency,
            backend=AgencySigningKey.Backend.PKCS12,
            certificate_pem=to_pem(cert),
            chain_pem=to_pem(ca_cert),
            pkcs12_path=relative,
            is_demo=True,
            **certificate_fields(cert),
        )
    )


def certificate_fields(cert: x509.Certificate) -> dict:
    return {
        "fingerprint": fingerprint(cert),
        "serial_number": f"{cert.serial_number:x}",
        "subject": cert.subject.rfc4514_string()[:500],
        "issuer": cert.issuer.rfc4514_string()[:500],
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
    }


def activate(key: AgencySigningKey) -> AgencySigningKey:
    """Save ``key`` as its agency's active key; the previous one is retired, not deleted."""
    with transaction.atomic():
        AgencySigningKey.objects.select_for_update().filter(agency=key.agency, active=True).exclude(
            pk=key.pk
        ).update(active=False, retired_at=timezone.now())
        key.active = True
        key.save()
    return key


@dataclass
class LoadedKey:
    private_key: object
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)


def load_pkcs12(key: AgencySigningKey) -> LoadedKey:
    """Open the key's PKCS#12 file; ``PkiError`` says why it cannot be used."""
    if key.backend != AgencySigningKey.Backend.PKCS12:
        raise PkiError(f"Key {key.pk} is not a PKCS#12 key.")
    try:
        data = _resolve(key.pkcs12_path).read_bytes()
    except OSError as error:
        raise PkiError(f"Cannot read {key.pkcs12_path}: {error.strerror}") from error
    try:
        private, cert, chain = pkcs12.load_key_and_certificates(
            data, passphrase(key.passphrase_env)
        )
    except ValueError as error:
        raise PkiError(
            f"Cannot open {key.pkcs12_path}: wrong passphrase or damaged file."
        ) from error
    if private is None or cert is None:
        raise PkiError(f"{key.pkcs12_path} holds no key or no certificate.")
    if fingerprint(cert) != key.fingerprint:
        raise PkiError(f"{key.pkcs12_path} holds another certificate than the key row.")
    return LoadedKey(private, cert, list(chain or []) or load_pem_list(key.chain_pem))


def import_pkcs12(agency: Agency, path: Path, passphrase_env: str) -> AgencySigningKey:
    """Register a production PKCS#12 (from a licensed CA) as ``agency``'s active key. The file
    stays where it is (a secrets mount); its passphrase stays in ``passphrase_env``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PkiError(f"Cannot read {path}: {error.strerror}") from error
    try:
        private, cert, chain = pkcs12.load_key_and_certificates(data, passphrase(passphrase_env))
    except ValueError as error:
        raise PkiError(f"Cannot open {path}: wrong passphrase or damaged file.") from error
    if private is None or cert is None:
        raise PkiError(f"{path} holds no key or no certificate.")
    if cert.not_valid_after_utc <= timezone.now():
        raise PkiError(f"The certificate in {path} has expired.")
    if AgencySigningKey.objects.filter(fingerprint=fingerprint(cert)).exists():
        raise PkiError("This certificate is already registered.")
    return activate(
        AgencySigningKey(
            agency=agency,
            backend=AgencySigningKey.Backend.PKCS12,
            certificate_pem=to_pem(cert),
            chain_pem="".join(to_pem(c) for c in chain or []),
            pkcs12_path=str(path.resolve()),
            passphrase_env=passphrase_env,
            **certificate_fields(cert),
        )
    )


def add_trust_root(pem: str, name: str = "") -> CertificateAuthority:
    """Trust a root certificate (a licensed CA's) for verification."""
    try:
        cert = load_pem(pem)
    except ValueError as error:
        raise PkiError("Not a PEM certificate.") from error
    ca, _ = CertificateAuthority.objects.get_or_create(
        fingerprint=fingerprint(cert),
        defaults={
            "name": name or cert.subject.rfc4514_string()[:255],
            "certificate_pem": to_pem(cert),
            "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc,
        },
    )
    return ca


def trust_roots() -> list[asn1_x509.Certificate]:
    """The roots verification trusts: every row of ``CertificateAuthority``."""
    return [
        to_asn1(load_pem(pem))
        for pem in CertificateAuthority.objects.values_list("certificate_pem", flat=True)
    ]


# --- init_demo_pki -------------------------------------------------------------------------


@dataclass
class DemoPkiReport:
    root: CertificateAuthority
    issued: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def init_demo_pki(codes: list[str] | None = None) -> DemoPkiReport:
    """Make sure the demo root exists and each agency (those in force, or ``codes``) has a
    usable active key; a second run changes nothing. Agencies holding a production
    (non-demo) key are left alone."""
    root, _ = demo_root()
    agencies = Agency.objects.select_related("province").order_by("code")
    if codes:
        agencies = agencies.filter(code__in=codes)
        missing = set(codes) - set(agencies.values_list("code", flat=True))
        if missing:
            raise PkiError(f"Unknown agency codes: {', '.join(sorted(missing))}")
    else:
        agencies = agencies.current()
    report = DemoPkiReport(root=root)
    for agency in agencies:
        key = active_key(agency)
        if key is not None and (not key.is_demo or _usable(key)):
            report.kept.append(agency.code)
            continue
        issue_demo_key(agency)
        report.issued.append(agency.code)
    return report
