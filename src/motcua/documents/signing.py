"""Signing an electronic result (PAdES, pyHanko) with the issuing agency's key.

The one entry point for the issue handler is :func:`sign_result`: it picks the agency's
active key, signs the PDF with a visible stamp (agency, signer, signing time, result code and
a QR code opening the public verification page) and returns the signed bytes. The caller
then records them with :func:`motcua.documents.services.register_signed` in the same
transaction.

Where the key is held is a plug-in behind the :class:`Signer` protocol:

* :class:`LocalPkcs12Signer` — an encrypted PKCS#12 file on the server (the demo PKI, or a
  production file from a licensed CA);
* :class:`RemoteSigner` — a remote signing service (an HSM, or a CA's "ký số từ xa" service
  such as one speaking the Cloud Signature Consortium API). MotCua ships the adapter; the
  province supplies the class that talks to its service (:class:`RemoteSigningBackend`),
  named by ``MOTCUA_REMOTE_SIGNER_BACKEND``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import hashlib
import io
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import quote, urlsplit

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from pyhanko.keys.internal import translate_pyca_cryptography_key_to_asn1
from pyhanko.pdf_utils.font.api import FontEngineFactory
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.stamp import QRStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from motcua.documents import pki
from motcua.documents.models import AgencySigningKey
from motcua.organizations.models import Agency

logger = logging.getLogger(__name__)

FIELD_NAME = "MotCuaKetQuaDienTu"
# The signature's /Reason names the result code: it is inside the signed bytes, so a
# verifier can trust it to find the register entry even when the file was altered later.
REASON_PREFIX = "Phát hành kết quả điện tử mã "
# Stamp size and place: bottom right of the last page, 10 mm from the edges (points).
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 290.0, 72.0, 28.0
# The stamp is part of a Vietnamese legal document: its wording is Vietnamese whatever the
# language of the officer's screen, so these strings do not go through gettext.
STAMP_TEXT = (
    "Ký số bởi: %(agency)s\n"
    "Người ký: %(signer)s\n"
    "Thời gian ký: %(when)s\n"
    "Mã kết quả: %(code)s\n"
    "Xác thực tại: %(site)s"
)


class SigningError(Exception):
    """The result cannot be signed; the message is for the officer (Vietnamese)."""


@dataclass(frozen=True)
class Stamp:
    """What the visible signature shows."""

    agency_name: str
    signer_name: str
    signed_at: dt.datetime
    result_code: str
    verify_url: str
    location: str = ""


@runtime_checkable
class Signer(Protocol):
    """Anything that turns a PDF into the same PDF signed by an agency."""

    def sign(self, pdf_bytes: bytes, *, stamp: Stamp) -> bytes: ...


class RemoteSigningBackend(Protocol):
    """The province's connector to a remote signing service (HSM or a CA's remote signing).

    Named by ``MOTCUA_REMOTE_SIGNER_BACKEND`` (a dotted path to a class built without
    arguments); a key row with ``backend="remote"`` gives the ``key_id`` (the credential
    at the service). MotCua ships no implementation of this: each service has its own
    protocol and credentials (docs/operations.md)."""

    def certificate_chain(self, key_id: str) -> list[bytes]:
        """DER certificates of the key: the signer's first, then its issuers."""
        ...

    def sign_hash(self, key_id: str, digest: bytes, digest_algorithm: str) -> bytes:
        """The raw signature of ``digest`` (already hashed with ``digest_algorithm``, e.g.
        "sha256"): PKCS#1 v1.5 for an RSA key, DER-encoded ECDSA for an EC key."""
        ...


# --- The stamp's font ------------------------------------------------------------------------


@functools.cache
def _font_bytes(path: str) -> bytes:
    """The stamp font rescaled to 1,000 units per em. pyHanko writes glyph widths in font
    units where PDF expects thousandths of an em: with DejaVu's 2,048 units the letters
    would be spread twice too far apart."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(path)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class _StampFont(FontEngineFactory):
    def __init__(self, path: str, size: int) -> None:
        self.path = path
        self.size = size

    def create_font_engine(self, writer: object, obj_stream: object = None) -> GlyphAccumulator:
        return GlyphAccumulator(
            writer=writer,
            font_handle=io.BytesIO(_font_bytes(self.path)),
            font_size=self.size,
            obj_stream=obj_stream,
        )


def _stamp_style() -> QRStampStyle:
    font = _StampFont(str(settings.MOTCUA_STAMP_FONT), 7)
    return QRStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=font, font_size=7, leading=10),
        border_width=1,
        background=None,
        innsep=4,
    )


# fontTools reports every table it cannot subset; that is expected and not a problem.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)


# --- Signing -------------------------------------------------------------------------------


def outside_event_loop[T](function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Call one of pyHanko's synchronous functions. They run ``asyncio.run()``, which fails in
    a thread that already runs an event loop (an async view, a test driving Playwright): there
    the call goes to a short-lived worker thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


class _TimedPdfSigner(signers.PdfSigner):
    """pyHanko's signer with the signing time given by the caller (the moment the clerk
    issued), so the stamp, the signature dictionary and the register agree."""

    def __init__(self, *args: object, signing_time: dt.datetime, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(
        self, pdf_out: object, existing_fields_only: bool = False
    ) -> signers.PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


def _stamp_box(pdf_bytes: bytes) -> tuple[int, tuple[float, float, float, float]]:
    """Page index and rectangle of the stamp: the last page, bottom right."""
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        if reader.is_encrypted:
            raise SigningError(_("Tệp kết quả được đặt mật khẩu, không ký số được."))
        page_count = len(reader.pages)
        box = reader.pages[-1].mediabox
    except (PyPdfError, ValueError, IndexError, KeyError) as error:
        raise SigningError(_("Tệp kết quả không phải tệp PDF hợp lệ.")) from error
    if page_count == 0:
        raise SigningError(_("Tệp kết quả không có trang nào."))
    left, bottom, right = float(box.left), float(box.bottom), float(box.right)
    width = min(STAMP_WIDTH, right - left - 2 * STAMP_MARGIN)
    x1 = right - STAMP_MARGIN - width
    y1 = bottom + STAMP_MARGIN
    return page_count - 1, (x1, y1, x1 + width, y1 + STAMP_HEIGHT)


def _site(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}".rstrip("/") or url


def sign_with(cms_signer: signers.Signer, pdf_bytes: bytes, stamp: Stamp) -> bytes:
    """Sign ``pdf_bytes`` with a pyHanko signer and MotCua's visible stamp (PAdES B-B)."""
    if not pdf_bytes.lstrip()[:5] == b"%PDF-":
        raise SigningError(_("Tệp kết quả không phải tệp PDF hợp lệ."))
    page, box = _stamp_box(pdf_bytes)
    moment = stamp.signed_at
    if timezone.is_naive(moment):  # a naive time is Vietnamese local time (TIME_ZONE)
        moment = timezone.make_aware(moment)
    when = timezone.localtime(moment)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        reason=REASON_PREFIX + stamp.result_code,
        location=stamp.location or None,
        name=stamp.signer_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    pdf_signer = _TimedPdfSigner(
        metadata,
        signer=cms_signer,
        stamp_style=_stamp_style(),
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=page, box=box),
        signing_time=when,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        if writer.prev.encrypted:
            raise SigningError(_("Tệp kết quả được đặt mật khẩu, không ký số được."))
        if FIELD_NAME in {name for name, _v, _r in fields.enumerate_sig_fields(writer.prev)}:
            raise SigningError(_("Tệp này đã được ký số phát hành kết quả trước đó."))
        out = outside_event_loop(
            pdf_signer.sign_pdf,
            writer,
            appearance_text_params={
                "url": stamp.verify_url,
                "agency": stamp.agency_name,
                "signer": stamp.signer_name,
                "when": when.strftime("%d/%m/%Y %H:%M:%S ") + when.isoformat()[-6:],
                "code": stamp.result_code,
                "site": _site(stamp.verify_url),
            },
        )
    except (PdfError, PyHankoSigningError, ValueError) as error:
        logger.warning("signing %s failed: %s", stamp.result_code, error)
        raise SigningError(_("Không ký số được tệp kết quả: tệp PDF bị hỏng.")) from error
    return out.getvalue()


class LocalPkcs12Signer:
    """Signs with a PKCS#12 file on this server (``AgencySigningKey.backend = "pkcs12"``)."""

    def __init__(self, key: AgencySigningKey) -> None:
        self.key = key

    def cms_signer(self) -> signers.SimpleSigner:
        try:
            loaded = pki.load_pkcs12(self.key)
        except pki.PkiError as error:
            logger.error("agency key %s unusable: %s", self.key.pk, error)
            raise SigningError(
                _("Không mở được khóa ký số của cơ quan. Báo quản trị hệ thống kiểm tra.")
            ) from error
        registry = SimpleCertificateStore()
        registry.register_multiple([pki.to_asn1(c) for c in loaded.chain])
        return signers.SimpleSigner(
            signing_cert=pki.to_asn1(loaded.certificate),
            signing_key=translate_pyca_cryptography_key_to_asn1(loaded.private_key),
            cert_registry=registry,
        )

    def sign(self, pdf_bytes: bytes, *, stamp: Stamp) -> bytes:
        return sign_with(self.cms_signer(), pdf_bytes, stamp)


class _RemoteCmsSigner(signers.Signer):
    """pyHanko's view of a remote key: it hashes what pyHanko wants signed and asks the
    service to sign the hash."""

    def __init__(
        self, backend: RemoteSigningBackend, key_id: str, chain: list[asn1_x509.Certificate]
    ) -> None:
        registry = SimpleCertificateStore()
        registry.register_multiple(chain[1:])
        super().__init__(signing_cert=chain[0], cert_registry=registry)
        self.backend = backend
        self.key_id = key_id

    def _placeholder_size(self) -> int:
        public_key = self.signing_cert.public_key
        bits = public_key.bit_size
        if public_key.algorithm == "rsa":
            return math.ceil(bits / 8)
        return 2 * math.ceil(bits / 8) + 9  # DER-encoded ECDSA (r, s) at most

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:  # pyHanko sizes the signature first: do not call the service for that
            return bytes(self._placeholder_size())
        digest = hashlib.new(digest_algorithm, data).digest()
        return self.backend.sign_hash(self.key_id, digest, digest_algorithm)


def remote_backend() -> RemoteSigningBackend:
    """The configured remote signing connector; ``SigningError`` when none is."""
    path = getattr(settings, "MOTCUA_REMOTE_SIGNER_BACKEND", "")
    if not path:
        raise SigningError(_("Chưa cấu hình dịch vụ ký số từ xa (MOTCUA_REMOTE_SIGNER_BACKEND)."))
    return import_string(path)()


class RemoteSigner:
    """Signs through a remote signing service (``AgencySigningKey.backend = "remote"``); the
    certificate comes from the key row, the signature from the service."""

    def __init__(self, key: AgencySigningKey, backend: RemoteSigningBackend) -> None:
        self.key = key
        self.backend = backend

    def cms_signer(self) -> _RemoteCmsSigner:
        chain = [pki.to_asn1(pki.load_pem(self.key.certificate_pem))]
        chain += [pki.to_asn1(c) for c in pki.load_pem_list(self.key.chain_pem)]
        return _RemoteCmsSigner(self.backend, self.key.remote_key_id, chain)

    def sign(self, pdf_bytes: bytes, *, stamp: Stamp) -> bytes:
        return sign_with(self.cms_signer(), pdf_bytes, stamp)


def signer_for(agency: Agency) -> Signer:
    """The signer of ``agency``'s active key; ``SigningError`` if it has none usable."""
    key = pki.active_key(agency)
    if key is None:
        raise SigningError(
            _("Cơ quan %(agency)s chưa có chứng thư số để ký kết quả.") % {"agency": agency.name}
        )
    if key.revoked_at is not None or key.not_after <= timezone.now():
        raise SigningError(
            _("Chứng thư số của cơ quan %(agency)s đã hết hạn hoặc bị thu hồi.")
            % {"agency": agency.name}
        )
    if key.backend == AgencySigningKey.Backend.REMOTE:
        return RemoteSigner(key, remote_backend())
    return LocalPkcs12Signer(key)


def verification_url(result_code: str) -> str:
    """The public verification page of a result: what its QR code opens."""
    return f"{settings.MOTCUA_PUBLIC_URL}/xac-thuc-ket-qua/?ma={quote(result_code, safe='')}"


def sign_result(
    pdf_bytes: bytes,
    *,
    agency: Agency,
    result_code: str,
    signer_name: str,
    signed_at: dt.datetime,
    verify_url: str,
) -> bytes:
    """The result PDF signed by ``agency`` (PAdES) with a visible stamp naming the agency,
    the signer, the signing time and the result code, and a QR code to ``verify_url``.
    Raises ``SigningError`` (a message for the officer) when it cannot be signed."""
    location = agency.province.name if agency.province_id else ""
    stamp = Stamp(
        agency_name=agency.name,
        signer_name=signer_name,
        signed_at=signed_at,
        result_code=result_code,
        verify_url=verify_url,
        location=location,
    )
    return signer_for(agency).sign(pdf_bytes, stamp=stamp)


def result_code_from_reason(reason: object) -> str:
    """The result code written by :func:`sign_with` in a signature's /Reason, or ""."""
    text = str(reason or "")
    return text[len(REASON_PREFIX) :].strip() if text.startswith(REASON_PREFIX) else ""
