"""``init_demo_pki``: the demo root, one certificate per agency, keys encrypted on disk,
nothing redone on a second run, lost keys replaced; the production key commands."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import CommandError, call_command
from documents_helpers import issue

from motcua.documents import pki
from motcua.documents.models import AgencySigningKey, CertificateAuthority
from motcua.organizations.models import Agency
from tests.helpers import get_agency

pytestmark = pytest.mark.django_db


def test_every_agency_in_force_gets_a_certificate_once(settings, tmp_path):
    settings.MOTCUA_PKI_DIR = tmp_path
    out = io.StringIO()
    call_command("init_demo_pki", stdout=out)
    in_force = Agency.objects.current().count()
    assert f"{in_force} certificate(s) issued, 0 kept" in out.getvalue()
    assert AgencySigningKey.objects.filter(active=True, is_demo=True).count() == in_force
    out = io.StringIO()
    call_command("init_demo_pki", stdout=out)
    assert f"0 certificate(s) issued, {in_force} kept" in out.getvalue()
    assert CertificateAuthority.objects.filter(is_demo=True).count() == 1


def test_certificate_names_the_agency_and_chains_to_the_root(demo_pki, agency):
    key = pki.active_key(agency)
    cert = pki.load_pem(key.certificate_pem)
    root = pki.load_pem(demo_pki.root.certificate_pem)
    assert cert.issuer == root.subject
    assert "O=Ủy ban nhân dân Phường Hạ Long" in key.subject
    org_id = cert.subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATION_IDENTIFIER)
    assert org_id[0].value == "H22.6688"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign


def test_keys_on_disk_are_encrypted_and_private(demo_pki, agency, settings):
    key = pki.active_key(agency)
    path = Path(settings.MOTCUA_PKI_DIR) / key.pkcs12_path
    assert path.stat().st_mode & 0o077 == 0
    data = path.read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, None)
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, b"wrong")
    root_key = Path(settings.MOTCUA_PKI_DIR) / demo_pki.root.key_file
    assert b"ENCRYPTED PRIVATE KEY" in root_key.read_bytes()
    assert "PRIVATE" not in key.certificate_pem + key.chain_pem


def test_a_lost_key_file_is_replaced(demo_pki, agency, settings):
    key = pki.active_key(agency)
    (Path(settings.MOTCUA_PKI_DIR) / key.pkcs12_path).unlink()
    report = pki.init_demo_pki([agency.code])
    assert report.issued == [agency.code]
    key.refresh_from_db()
    assert not key.active and pki.active_key(agency).pk != key.pk


def test_unknown_codes_are_reported(db):
    with pytest.raises(CommandError, match="Unknown agency codes: H99"):
        call_command("init_demo_pki", "H99", stdout=io.StringIO())


def test_import_a_production_pkcs12_and_its_root(demo_pki, agency, tmp_path, monkeypatch):
    from documents_helpers import make_ca

    ca_cert, ca_key = make_ca("Licensed CA Root")
    cert, key = issue(ca_cert, ca_key, "Ủy ban nhân dân Phường Hạ Long")
    p12 = tmp_path / "halong.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"halong", key, cert, [ca_cert], serialization.BestAvailableEncryption(b"s3cret!")
        )
    )
    root_pem = tmp_path / "root.pem"
    root_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    monkeypatch.setenv("HALONG_P12_PASS", "s3cret!")
    demo_key = pki.active_key(agency)
    call_command(
        "import_signing_key",
        "H22.6688",
        str(p12),
        passphrase_env="HALONG_P12_PASS",
        stdout=io.StringIO(),
    )
    call_command("add_trust_root", str(root_pem), name="Licensed CA", stdout=io.StringIO())
    active = pki.active_key(agency)
    assert active.pkcs12_path == str(p12.resolve()) and active.passphrase_env == "HALONG_P12_PASS"
    assert not active.is_demo
    demo_key.refresh_from_db()
    assert not demo_key.active
    # A demo run leaves the production key alone.
    assert agency.code in pki.init_demo_pki([agency.code]).kept
    # Signing with it works and is trusted through the added root.
    import datetime as dt

    from documents_helpers import CODE, SIGNER, result_pdf_bytes

    from motcua.documents.signing import sign_result, verification_url
    from motcua.documents.verification import Verdict, verify_pdf

    signed = sign_result(
        result_pdf_bytes(),
        agency=agency,
        result_code=CODE,
        signer_name=SIGNER,
        signed_at=dt.datetime.now(dt.UTC),
        verify_url=verification_url(CODE),
    )
    report = verify_pdf(signed)
    assert report.verdict == Verdict.VALID
    assert report.signatures[0].agency_code == "H22.6688"
    # Without the passphrase in the environment the key cannot be opened.
    monkeypatch.delenv("HALONG_P12_PASS")
    with pytest.raises(pki.PkiError, match="HALONG_P12_PASS"):
        pki.load_pkcs12(active)


def test_import_refuses_a_wrong_passphrase(db, tmp_path, monkeypatch):
    from documents_helpers import make_ca

    ca_cert, ca_key = make_ca("CA")
    cert, key = issue(ca_cert, ca_key, "X")
    p12 = tmp_path / "x.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"x", key, cert, None, serialization.BestAvailableEncryption(b"right")
        )
    )
    monkeypatch.setenv("X_PASS", "wrong")
    with pytest.raises(CommandError, match="wrong passphrase"):
        call_command(
            "import_signing_key",
            "H22.6688",
            str(p12),
            passphrase_env="X_PASS",
            stdout=io.StringIO(),
        )
    assert get_agency("H22.6688").signing_keys.count() == 0
    assert os.environ["X_PASS"] == "wrong"
