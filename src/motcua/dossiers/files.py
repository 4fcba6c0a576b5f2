"""Scanned and uploaded files of a dossier's components (số hóa, DOMAIN §6).

``attach_file`` is the only way a file enters a dossier. It checks who uploads (an officer of
the receiving centre or of the competent agency, never a read-only auditor), that the dossier
is still open, and the file itself — by its CONTENT, never its name: PDF, JPEG, PNG or DOCX
only, at most ``MOTCUA_UPLOAD_MAX_MB``, no encrypted or scripted PDF, no decompression bomb.
It counts the pages, marks the component digitized and schedules the text recognition (OCR,
``dossiers.tasks.ocr_file``) once the transaction commits.

Each stored file is logged in the dossier's history by ``services.record_upload`` (an
"attach_file" event) under the same row lock.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO, Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from motcua.accounts.roles import READ_ONLY_ROLES
from motcua.core.permissions import roles_for
from motcua.core.storage import discard_on_error
from motcua.core.text import nfc
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import CONFLICT, FORBIDDEN, INVALID, DossierError, record_upload

logger = logging.getLogger(__name__)

DOCX_MAIN_PART = "word/document.xml"
# A DOCX is a ZIP archive: refuse one that inflates beyond this (a "zip bomb").
DOCX_MAX_UNCOMPRESSED = 200 * 1024 * 1024
DOCX_MAX_RATIO = 100
DOCX_MAX_ENTRIES = 5000
# PDF keys that carry or trigger scripts (ISO 32000: JavaScript actions, name tree, XFA forms).
PDF_SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/XFA"})
PDF_SCRIPT_ACTIONS = frozenset({"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"})


def max_upload_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_MB", 20)) * 2**20


# --- the public service ----------------------------------------------------------------------


def attach_file(dossier_code: str, component_id: int, upload: UploadedFile, by: Any) -> DossierFile:
    """Store ``upload`` as a file of component ``component_id`` of dossier ``dossier_code``.

    Raises ``DossierError`` (forbidden, conflict or invalid) with a Vietnamese message.
    """
    # Refuse early, and read the (up to 20 MB) content before any row is locked.
    _open_dossier(dossier_code, component_id, by, lock=False)
    inspected = inspect_upload(upload)
    with transaction.atomic():
        return _store(dossier_code, component_id, upload, by, inspected)


def _open_dossier(dossier_code: str, component_id: int, by: Any, *, lock: bool) -> Any:
    """The component, after checking the uploader and that the dossier is still open."""
    dossiers = Dossier.objects.select_related("receiving_agency", "competent_agency")
    if lock:
        dossiers = dossiers.select_for_update(of=("self",))
    dossier = dossiers.filter(code=dossier_code).first()
    if dossier is None:
        raise DossierError(_("Không tìm thấy hồ sơ %(code)s.") % {"code": dossier_code})
    _check_uploader(dossier, by)
    if dossier.is_closed:
        raise DossierError(
            _("Hồ sơ đã kết thúc (%(status)s): không thể thêm tệp.")
            % {"status": dossier.get_status_display()},
            CONFLICT,
        )
    component = dossier.components.filter(pk=component_id).first()
    if component is None:
        raise DossierError(
            _("Thành phần hồ sơ không thuộc hồ sơ %(code)s.") % {"code": dossier.code}
        )
    return component


def _store(
    dossier_code: str, component_id: int, upload: UploadedFile, by: Any, inspected: Inspected
) -> DossierFile:
    # The dossier row lock serialises uploads to one dossier (the page total stays right)
    # and waits for a transition in progress (a dossier closed meanwhile refuses).
    component = _open_dossier(dossier_code, component_id, by, lock=True)
    if component.files.filter(sha256=inspected.sha256).exists():
        raise DossierError(_("Tệp này đã được tải lên cho thành phần hồ sơ này."))
    return store_component_file(component, upload, by, inspected)


def store_component_file(component: Any, upload: Any, by: Any, inspected: Inspected) -> DossierFile:
    """Save ``upload`` (checked by ``inspect_upload``) as a file of ``component``: mark the
    component digitized, log the upload in the history and schedule OCR. The caller has
    checked who uploads and holds the dossier's row lock (``attach_file`` for officers;
    online submission for the applicant's own files, ``portal.submission``)."""
    record = DossierFile(
        component=component,
        original_name=_clean_name(upload.name or ""),
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        page_count=inspected.pages,
        ocr_status=(
            DossierFile.OcrStatus.SKIPPED
            if inspected.content_type == DossierFile.DOCX
            else DossierFile.OcrStatus.PENDING
        ),
        uploaded_by=by,
        signature=_signatures(upload, inspected),
    )
    upload.seek(0)
    record.file.save(record.original_name, upload, save=False)
    with discard_on_error(record.file):
        record.save()
        component.digitized = True
        component.page_count = component.files.aggregate(total=Sum("page_count"))["total"] or 0
        component.save(update_fields=["digitized", "page_count"])
        record_upload(component.dossier, record, by)
    if record.ocr_status == DossierFile.OcrStatus.PENDING:
        from motcua.dossiers.tasks import ocr_file

        transaction.on_commit(lambda: ocr_file.delay(record.pk), robust=True)
    return record


def _signatures(upload: Any, inspected: Inspected) -> dict:
    """The digital signatures of an uploaded PDF, checked at reception (issue 6): integrity,
    signer, time, trusted root, revocation. Nothing for images and Word files."""
    if inspected.content_type != DossierFile.PDF:
        return {}
    from motcua.documents.verification import validate_uploaded_signatures

    upload.seek(0)
    data = upload.read()
    if b"/ByteRange" not in data:  # every PDF signature dictionary has one
        return {}
    return validate_uploaded_signatures(data)


def _check_uploader(dossier: Dossier, by: Any) -> None:
    if by is None or not getattr(by, "is_authenticated", False):
        raise DossierError(_("Cần đăng nhập để tải tệp lên hồ sơ."), FORBIDDEN)
    for agency_id in (dossier.receiving_agency_id, dossier.competent_agency_id):
        if roles_for(by, agency_id) - READ_ONLY_ROLES:
            return
    raise DossierError(_("Bạn không có quyền tải tệp lên hồ sơ này."), FORBIDDEN)


def _clean_name(name: str) -> str:
    """The uploader's file name for display: no folders, no control characters, NFC."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    base = "".join(ch for ch in nfc(base) if unicodedata.category(ch)[0] != "C").strip()
    if not base:
        base = _("tệp không tên")
    if len(base) > 255:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else base[:255]
    return base


# --- content inspection --------------------------------------------------------------------


@dataclass(frozen=True)
class Inspected:
    """What the content of an upload turned out to be."""

    content_type: str
    pages: int
    sha256: str
    size: int


def inspect_upload(upload: UploadedFile) -> Inspected:
    """Check the upload's content and return its type, page count, size and hash."""
    limit = max_upload_bytes()
    too_big = _("Tệp vượt quá dung lượng cho phép (%(mb)s MB).") % {"mb": limit // 2**20}
    if upload.size is not None and upload.size > limit:
        raise DossierError(too_big, INVALID)
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            raise DossierError(too_big, INVALID)
        digest.update(chunk)
    if size == 0:
        raise DossierError(_("Tệp rỗng."), INVALID)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    stream: IO[bytes] = upload  # type: ignore[assignment]
    if head.startswith(b"%PDF-"):
        content_type, pages = DossierFile.PDF, _pdf_pages(stream)
    elif head.startswith(b"\xff\xd8\xff"):  # JPEG, or MPO (JPEGs in a row) from phone cameras
        content_type, pages = DossierFile.JPEG, _image_pages(stream, {"JPEG", "MPO"})
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type, pages = DossierFile.PNG, _image_pages(stream, {"PNG"})
    elif head.startswith(b"PK\x03\x04"):
        content_type, pages = DossierFile.DOCX, _docx_pages(stream)
    else:
        raise DossierError(
            _(
                "Định dạng tệp không được chấp nhận: chỉ nhận tệp PDF, ảnh JPEG, PNG hoặc "
                "văn bản Word (DOCX). Tên tệp không quyết định định dạng; nội dung tệp này "
                "không phải một trong các loại đó."
            ),
            INVALID,
        )
    upload.seek(0)
    return Inspected(content_type, pages, digest.hexdigest(), size)


def _pdf_pages(stream: IO[bytes]) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    broken = _("Tệp PDF bị hỏng hoặc không đọc được.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                raise DossierError(
                    _(
                        "Tệp PDF được mã hóa hoặc đặt mật khẩu: hãy gỡ mật khẩu rồi tải lại "
                        "(hệ thống cần đọc được nội dung để số hóa)."
                    ),
                    INVALID,
                )
            if _pdf_has_script(reader):
                raise DossierError(
                    _(
                        "Tệp PDF có chứa mã lệnh (JavaScript hoặc hành động tự chạy): không "
                        "được chấp nhận vì lý do an toàn. Hãy in lại ra PDF thường rồi tải lên."
                    ),
                    INVALID,
                )
            pages = len(reader.pages)
    except DossierError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError,
            RecursionError, zlib.error) as exc:  # fmt: skip
        logger.info("PDF refused: %s", exc)
        raise DossierError(broken, INVALID) from exc
    if pages < 1:
        raise DossierError(_("Tệp PDF không có trang nào."), INVALID)
    return pages


def _pdf_has_script(reader: Any) -> bool:
    """Walk every object reachable from the trailer (object streams included) looking for
    JavaScript, XFA forms or launch actions. Page content streams are not decoded."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    todo: list[Any] = [reader.trailer]
    visited = 0
    while todo:
        obj = todo.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > 500_000:  # an absurd object graph: treat as hostile
            return True
        if isinstance(obj, DictionaryObject):
            for name, value in obj.items():
                if name in PDF_SCRIPT_KEYS:
                    return True
                if name == "/S" and isinstance(value, NameObject) and value in PDF_SCRIPT_ACTIONS:
                    return True
                if name == "/Parent":
                    continue
                todo.append(value)
        elif isinstance(obj, ArrayObject):
            todo.extend(obj)
    return False


def _image_pages(stream: IO[bytes], expected: set[str]) -> int:
    from PIL import Image, UnidentifiedImageError

    bomb = _(
        "Ảnh quá lớn (quá nhiều điểm ảnh, có thể là tệp độc hại dạng “bom giải nén”): hãy quét "
        "lại ở độ phân giải 200–300 dpi."
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(stream) as image:
                if image.format not in expected:
                    raise DossierError(_("Nội dung ảnh không khớp định dạng."), INVALID)
                width, height = image.size
                limit = Image.MAX_IMAGE_PIXELS
                if limit and width * height > limit:
                    raise DossierError(bomb, INVALID)
                image.verify()
    except DossierError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DossierError(bomb, INVALID) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        logger.info("Image refused: %s", exc)
        raise DossierError(_("Tệp ảnh bị hỏng hoặc không đọc được."), INVALID) from exc
    return 1


_DOCX_PAGES = re.compile(rb"<(?:\w+:)?Pages>\s*(\d{1,6})\s*</(?:\w+:)?Pages>")


def _docx_pages(stream: IO[bytes]) -> int:
    """A DOCX is a ZIP with ``word/document.xml``; its page count is the one Word saved in
    ``docProps/app.xml`` (1 when absent: the real layout needs a word processor)."""
    not_docx = _(
        "Tệp nén (ZIP) không phải văn bản Word (DOCX): chỉ nhận tệp PDF, ảnh JPEG, PNG hoặc DOCX."
    )
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if DOCX_MAIN_PART not in names or "[Content_Types].xml" not in names:
                raise DossierError(not_docx, INVALID)
            if any(entry.flag_bits & 0x1 for entry in entries):
                raise DossierError(_("Tệp DOCX được mã hóa: hãy gỡ mật khẩu rồi tải lại."), INVALID)
            inflated = sum(entry.file_size for entry in entries)
            packed = max(1, sum(entry.compress_size for entry in entries))
            if (
                len(entries) > DOCX_MAX_ENTRIES
                or inflated > DOCX_MAX_UNCOMPRESSED
                or inflated / packed > DOCX_MAX_RATIO
            ):
                raise DossierError(
                    _("Tệp DOCX bất thường (giải nén quá lớn): không được chấp nhận."), INVALID
                )
            pages = 1
            if "docProps/app.xml" in names:
                with archive.open("docProps/app.xml") as handle:
                    match = _DOCX_PAGES.search(handle.read(1024 * 1024))
                if match:
                    pages = max(1, int(match.group(1)))
    except DossierError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        logger.info("DOCX refused: %s", exc)
        raise DossierError(_("Tệp DOCX bị hỏng hoặc không đọc được."), INVALID) from exc
    return pages
