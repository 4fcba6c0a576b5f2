"""Helpers of the signing tests: a real result PDF (WeasyPrint, Vietnamese), ways to alter a
signed file, reading its text and its QR code back, and certificates made on the spot."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509.oid import NameOID

CODE = "H22.6688-260305-0001-KQ1"
SIGNER = "Nguyễn Văn Bình"

_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 20mm 40mm 20mm; }
body { font-family: 'DejaVu Serif'; font-size: 12pt; }
h1 { text-align: center; font-size: 15pt; }
.page { page-break-after: always; }
</style></head><body>
<div class="page"><p style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>
Độc lập – Tự do – Hạnh phúc</p>
<h1>GIẤY CHỨNG NHẬN ĐĂNG KÝ KHAI SINH</h1>
<p>Họ, chữ đệm, tên: NGUYỄN MINH KHANG</p><p>Ngày, tháng, năm sinh: 01/02/2026</p></div>
<div><p>Nơi đăng ký: Ủy ban nhân dân Phường Hạ Long, tỉnh Quảng Ninh</p>
<p>Người ký: Chủ tịch Ủy ban nhân dân</p></div>
</body></html>"""


def result_pdf_bytes() -> bytes:
    """A two-page result as the specialist would upload it."""
    import weasyprint

    return weasyprint.HTML(string=_HTML).write_pdf()


def signed_range(data: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert match, "no /ByteRange in the file"
    return tuple(int(g) for g in match.groups())


def page_content_offset(data: bytes) -> int:
    """Where the first page's content stream data starts in the file."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[0]
    contents = page.get("/Contents")
    ref = contents[0] if isinstance(contents, list) else contents
    header = re.search(rb"(?<![0-9])%d 0 obj" % ref.idnum, data)
    assert header, "content stream object not found"
    start = data.index(b"stream", header.end())
    return start + len(b"stream\n") + 1


def tamper(data: bytes) -> bytes:
    """Flip one byte inside the first page's content stream (inside the signed range)."""
    offset = page_content_offset(data)
    start, length, *_ = signed_range(data)
    assert start <= offset < start + length
    altered = bytearray(data)
    altered[offset + 5] ^= 0x01
    return bytes(altered)


def append_revision(data: bytes) -> bytes:
    """Add, after signing, a new revision that writes text over the first page."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (KHONG HOP LE) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(data: bytes, last_page_only: bool = False) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        args = ["pdftotext", "-layout"]
        if last_page_only:
            from pypdf import PdfReader

            last = len(PdfReader(io.BytesIO(data)).pages)
            args += ["-f", str(last), "-l", str(last)]
        return subprocess.run(
            [*args, str(path), "-"], check=True, capture_output=True, text=True
        ).stdout


def decode_qr_codes(data: bytes) -> list[str]:
    """Render the last page (pdftoppm, 200 dpi) and read every QR code on it (zxing-cpp)."""
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    last = len(PdfReader(io.BytesIO(data)).pages)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.pdf"
        path.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "200",
                "-png",
                "-f",
                str(last),
                "-l",
                str(last),
                str(path),
                str(Path(folder) / "page"),
            ],
            check=True,
        )
        image = Image.open(next(Path(folder).glob("page*.png"))).convert("L")
        return [code.text for code in zxingcpp.read_barcodes(image)]


def make_ca(name: str) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A root CA that MotCua does not trust."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def issue(
    ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey, common_name: str
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A signing certificate issued by ``ca_cert``."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def simple_signer(cert: x509.Certificate, key: rsa.RSAPrivateKey, chain: list[x509.Certificate]):
    """A pyHanko signer holding ``key`` in memory."""
    from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from motcua.documents.pki import to_asn1

    registry = SimpleCertificateStore()
    registry.register_multiple([to_asn1(c) for c in chain])
    return signers.SimpleSigner(
        signing_cert=to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=registry,
    )


class HsmStandIn:
    """A remote signing service's connector for the tests: keys live in this process (a
    real RSA signature of the hash it is given), as they would in the service's HSM."""

    keys: dict[str, tuple[list[x509.Certificate], rsa.RSAPrivateKey]] = {}
    calls: list[tuple[str, int, str]] = []

    def certificate_chain(self, key_id: str) -> list[bytes]:
        chain, _ = self.keys[key_id]
        return [c.public_bytes(serialization.Encoding.DER) for c in chain]

    def sign_hash(self, key_id: str, digest: bytes, digest_algorithm: str) -> bytes:
        assert digest_algorithm == "sha256"
        self.calls.append((key_id, len(digest), digest_algorithm))
        _, key = self.keys[key_id]
        return key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))
