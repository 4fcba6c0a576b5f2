"""Scanned component files: content validation, page counting, who may upload, and OCR."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from motcua.core.text import fold
from motcua.dossiers.files import attach_file
from motcua.dossiers.models import Dossier, DossierFile, Status
from motcua.dossiers.services import CONFLICT, FORBIDDEN, INVALID, DossierError
from motcua.dossiers.tasks import ocr_file
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

DESK = "halong.tiepnhan"  # reception officer of the Hạ Long centre (receiving agency)
SPECIALIST = "halong.chuyenvien"  # specialist of the Hạ Long People's Committee (competent)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TITLE = "Giấy chứng sinh"


# --- files made on the spot ----------------------------------------------------------------


def pdf_bytes(pages: int = 1, *, password: str = "", javascript: str = "", link_js: bool = False):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if javascript:  # document-level JavaScript (the /Names /JavaScript name tree)
        action = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject(javascript),
                }
            )
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("chao"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    if link_js:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(1)"),
            }
        )
        writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    if password:
        writer.encrypt(password)  # RC4-128: no extra dependency
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size=(120, 80)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, "white")
    if fmt == "MPO":  # what many phone cameras write: a JPEG followed by more JPEGs
        image.save(out, fmt, save_all=True, append_images=[image])
    else:
        image.save(out, fmt)
    return out.getvalue()


def docx_bytes(pages: int | None = 2, main_part: bool = True) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if main_part:
            archive.writestr("word/document.xml", "<w:document><w:body/></w:document>")
        if pages is not None:
            archive.writestr("docProps/app.xml", f"<Properties><Pages>{pages}</Pages></Properties>")
    return out.getvalue()


def png_bomb(side: int = 20_000) -> bytes:
    """A valid 1-bit PNG of side × side pixels (400 million) that weighs a few kilobytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xff" * (side // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def text_image(fmt: str = "PNG") -> bytes:
    """Vietnamese text in DejaVu Sans at 40 px on white, like a 200-dpi scan of a form."""
    font = ImageFont.truetype(FONT, 40)
    image = Image.new("L", (1400, 300), 255)
    draw = ImageDraw.Draw(image)
    draw.text((80, 70), HEADING, font=font, fill=0)
    draw.text((80, 170), TITLE, font=font, fill=0)
    out = io.BytesIO()
    if fmt == "PDF":
        image.save(out, fmt, resolution=200.0)
    else:
        image.save(out, fmt, dpi=(200, 200))
    return out.getvalue()


def upload(data: bytes, name: str = "tep") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def dossier(received_dossier):
    return received_dossier()


def attach(dossier, data: bytes, name: str = "tep", username: str = DESK, component=None):
    component = component or dossier.components.first()
    return attach_file(dossier.code, component.pk, upload(data, name), get_user(username))


# --- content validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name", "content_type", "pages", "extension"),
    [
        (lambda: pdf_bytes(3), "giay-chung-sinh.pdf", DossierFile.PDF, 3, "pdf"),
        (lambda: image_bytes("PNG"), "anh.png", DossierFile.PNG, 1, "png"),
        (lambda: image_bytes("JPEG"), "anh.jpg", DossierFile.JPEG, 1, "jpg"),
        (lambda: image_bytes("MPO"), "dien-thoai.jpg", DossierFile.JPEG, 1, "jpg"),
        (lambda: docx_bytes(2), "don.docx", DossierFile.DOCX, 2, "docx"),
        (lambda: docx_bytes(None), "don.docx", DossierFile.DOCX, 1, "docx"),
        # The name lies; the content decides (and the stored extension follows the content).
        (lambda: image_bytes("PNG"), "scan.pdf", DossierFile.PNG, 1, "png"),
        (lambda: pdf_bytes(1), "scan", DossierFile.PDF, 1, "pdf"),
    ],
)
def test_accepted_content(dossier, make, name, content_type, pages, extension):
    record = attach(dossier, make(), name)
    assert (record.content_type, record.page_count) == (content_type, pages)
    assert record.original_name == name
    assert record.file.name.startswith(f"dossiers/{dossier.code}/")
    assert record.file.name.endswith(f".{extension}")
    assert record.size == record.file.size
    assert len(record.sha256) == 64


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (lambda: b"Day la van ban thuong, khong phai PDF.\n" * 20, "giay.pdf", "Định dạng"),
        (lambda: b"", "rong.pdf", "rỗng"),
        (lambda: b"%PDF-1.7\n garbage that is not a PDF", "hong.pdf", "PDF bị hỏng"),
        (lambda: pdf_bytes(1, password="matkhau"), "khoa.pdf", "mã hóa"),
        (lambda: pdf_bytes(1, javascript="app.alert('x');"), "js.pdf", "JavaScript"),
        (lambda: pdf_bytes(1, link_js=True), "js2.pdf", "JavaScript"),
        (lambda: image_bytes("PNG")[:60], "cut.png", "Tệp ảnh bị hỏng"),
        (png_bomb, "bom.png", "bom giải nén"),
        (lambda: docx_bytes(main_part=False), "khong-phai.docx", "không phải văn bản Word"),
        (lambda: b"MZ\x90\x00" + b"\x00" * 100, "virus.pdf", "Định dạng"),
    ],
)
def test_refused_content(dossier, make, name, message):
    with pytest.raises(DossierError) as caught:
        attach(dossier, make(), name)
    assert caught.value.kind == INVALID
    assert message in caught.value.message
    assert not DossierFile.objects.exists()


def test_oversize_is_refused_before_reading(dossier, settings):
    settings.MOTCUA_UPLOAD_MAX_MB = 1
    data = pdf_bytes(1) + b"%" + b"0" * (1024 * 1024)
    with pytest.raises(DossierError) as caught:
        attach(dossier, data, "lon.pdf")
    assert caught.value.kind == INVALID
    assert "1 MB" in caught.value.message


def test_same_file_twice_is_refused(dossier):
    data = pdf_bytes(2)
    attach(dossier, data, "a.pdf")
    with pytest.raises(DossierError, match="đã được tải lên"):
        attach(dossier, data, "b.pdf")


# --- pages and the component ---------------------------------------------------------------


def test_pages_add_up_on_the_component(dossier):
    component = dossier.components.first()
    component.digitized, component.page_count = False, 0
    component.save()
    attach(dossier, pdf_bytes(3), "ban-chinh.pdf")
    attach(dossier, image_bytes("JPEG"), "trang-4.jpg")
    component.refresh_from_db()
    assert component.digitized is True
    assert component.page_count == 4
    assert component.files.count() == 2


def test_exactly_one_event_is_written_per_upload(dossier):
    before = dossier.events.count()
    attach(dossier, pdf_bytes(1))
    assert dossier.events.count() == before + 1


# --- who may upload, and when --------------------------------------------------------------


@pytest.mark.parametrize("username", [DESK, SPECIALIST])
def test_officers_of_either_agency_may_upload(dossier, username):
    assert attach(dossier, pdf_bytes(1), username=username).uploaded_by.username == username


@pytest.mark.parametrize("username", ["vandon.tiepnhan", "thanhtra", "congdan1"])
def test_other_communes_auditors_and_citizens_are_refused(dossier, username):
    with pytest.raises(DossierError) as caught:
        attach(dossier, pdf_bytes(1), username=username)
    assert caught.value.kind == FORBIDDEN


def test_anonymous_is_refused(dossier):
    component = dossier.components.first()
    with pytest.raises(DossierError) as caught:
        attach_file(dossier.code, component.pk, upload(pdf_bytes(1)), None)
    assert caught.value.kind == FORBIDDEN


def test_closed_dossier_refuses_files(dossier):
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RETURNED)
    with pytest.raises(DossierError) as caught:
        attach(dossier, pdf_bytes(1))
    assert caught.value.kind == CONFLICT


def test_component_of_another_dossier_is_refused(dossier, new_dossier):
    other = new_dossier()
    with pytest.raises(DossierError) as caught:
        attach(dossier, pdf_bytes(1), component=other.components.first())
    assert caught.value.kind == INVALID


def test_unknown_dossier(db):
    with pytest.raises(DossierError, match="Không tìm thấy"):
        attach_file("KHONG-CO", 1, upload(pdf_bytes(1)), get_user(DESK))


# --- OCR ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [("PNG", "giay-chung-sinh.png"), ("PDF", "scan.pdf")])
def test_ocr_reads_vietnamese_after_commit(dossier, django_capture_on_commit_callbacks, fmt, name):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = attach(dossier, text_image(fmt), name)
        assert record.ocr_status == DossierFile.OcrStatus.PENDING
    assert len(callbacks) == 1
    record.refresh_from_db()
    assert record.ocr_status == DossierFile.OcrStatus.DONE, record.ocr_text
    folded = " ".join(fold(record.ocr_text).split())
    assert "giay chung sinh" in folded
    assert "cong hoa xa hoi chu nghia viet nam" in folded


def test_ocr_is_idempotent(dossier, django_capture_on_commit_callbacks, monkeypatch):
    record = attach(dossier, image_bytes("PNG"))
    DossierFile.objects.filter(pk=record.pk).update(ocr_status="done", ocr_text="đã có")

    def must_not_run(_record):
        raise AssertionError("OCR ran twice")

    monkeypatch.setattr("motcua.dossiers.tasks.recognise", must_not_run)
    assert ocr_file.delay(record.pk).get() == "done"
    record.refresh_from_db()
    assert record.ocr_text == "đã có"


def _other_session():
    """A second database session (advisory locks belong to a session)."""
    from django.db import connections

    return connections.create_connection("default")


def test_a_file_queued_twice_is_recognised_once(dossier, monkeypatch):
    from motcua.dossiers import tasks

    record = attach(dossier, text_image("PNG"), "giay-chung-sinh.png")
    assert record.ocr_status == DossierFile.OcrStatus.PENDING  # its message was never run
    other = _other_session()
    try:
        with other.cursor() as cursor:  # a first copy of the task holds the file
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [tasks.OCR_LOCK_CLASS, record.pk])

        def must_not_run(_record):
            raise AssertionError("a second copy recognised a file the first one holds")

        monkeypatch.setattr("motcua.dossiers.tasks.recognise", must_not_run)
        assert ocr_file.delay(record.pk).get() == "busy"
        record.refresh_from_db()
        assert record.ocr_status == DossierFile.OcrStatus.PENDING
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [tasks.OCR_LOCK_CLASS, record.pk])
    finally:
        other.close()
    monkeypatch.undo()
    assert ocr_file.delay(record.pk).get() == "done"
    # The copy that comes after finds the text stored and does nothing.
    monkeypatch.setattr("motcua.dossiers.tasks.recognise", must_not_run)
    assert ocr_file.delay(record.pk).get() == "done"
    record.refresh_from_db()
    assert "giay chung sinh" in " ".join(fold(record.ocr_text).split())
    # The lock was released: another session can take it.
    other = _other_session()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [tasks.OCR_LOCK_CLASS, record.pk])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


def _age(record, minutes: int) -> None:
    from django.utils import timezone

    uploaded = timezone.now() - dt.timedelta(minutes=minutes)
    DossierFile.objects.filter(pk=record.pk).update(uploaded_at=uploaded)


def test_files_left_pending_are_sent_again(dossier):
    from motcua.dossiers.tasks import resend_pending_ocr

    # Uploads whose message was lost (the on-commit callbacks never ran: as with a broker down).
    lost = attach(dossier, text_image("PNG"), "giay-chung-sinh.png")
    recent = attach(dossier, image_bytes("PNG"), "moi-tai-len.png")
    done = attach(dossier, image_bytes("PNG", size=(90, 60)), "da-xong.png")
    DossierFile.objects.filter(pk=done.pk).update(ocr_status="done", ocr_text="đã có")
    for record, minutes in ((lost, 45), (recent, 5), (done, 120)):
        _age(record, minutes)

    assert resend_pending_ocr(older_than_minutes=30) == 1  # eager here: recognised at once
    states = dict(DossierFile.objects.values_list("pk", "ocr_status"))
    assert states[lost.pk] == DossierFile.OcrStatus.DONE
    assert states[recent.pk] == DossierFile.OcrStatus.PENDING
    assert DossierFile.objects.get(pk=done.pk).ocr_text == "đã có"
    lost.refresh_from_db()
    assert "giay chung sinh" in " ".join(fold(lost.ocr_text).split())
    # Nothing is pending for 30 minutes any more; the recent file's turn comes later.
    assert resend_pending_ocr(older_than_minutes=30) == 0
    assert resend_pending_ocr(older_than_minutes=1) == 1
    assert DossierFile.objects.get(pk=recent.pk).ocr_status != DossierFile.OcrStatus.PENDING


def test_resend_takes_the_oldest_first_and_at_most_the_limit(dossier):
    from motcua.dossiers.tasks import resend_pending_ocr

    files = [
        attach(dossier, image_bytes("PNG", size=(60 + n, 40)), f"tep-{n}.png") for n in range(3)
    ]
    for n, record in enumerate(files):
        _age(record, 60 + 10 * n)  # the last one is the oldest
    assert resend_pending_ocr(older_than_minutes=30, limit=1) == 1
    states = dict(DossierFile.objects.values_list("pk", "ocr_status"))
    assert [states[f.pk] == "pending" for f in files] == [True, True, False]


def test_resend_command(dossier):
    from django.core.management import CommandError, call_command

    record = attach(dossier, image_bytes("PNG"))
    _age(record, 90)
    out = io.StringIO()
    call_command("resend_pending_ocr", "--older-than", "60", stdout=out)
    assert out.getvalue().strip() == "Đã gửi lại 1 tệp chờ nhận dạng."
    assert DossierFile.objects.get(pk=record.pk).ocr_status != DossierFile.OcrStatus.PENDING
    for bad in ("0", "-5", "ba mươi"):
        with pytest.raises(CommandError, match="số nguyên dương"):
            call_command("resend_pending_ocr", "--older-than", bad)


def test_the_resend_runs_on_the_beat_schedule(settings):
    from motcua.celery import app
    from motcua.dossiers.tasks import resend_pending_ocr

    entry = settings.CELERY_BEAT_SCHEDULE["resend-pending-ocr"]
    assert entry["task"] == resend_pending_ocr.name
    assert entry["task"] in app.tasks
    assert 0 < entry["schedule"] <= 3600 and entry["kwargs"]["older_than_minutes"] > 0


def test_docx_is_not_recognised(dossier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = attach(dossier, docx_bytes(1), "don.docx")
    assert callbacks == []
    assert record.ocr_status == DossierFile.OcrStatus.SKIPPED


def test_a_bad_stored_file_fails_without_raising(dossier):
    record = attach(dossier, image_bytes("PNG"))
    with record.file.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n this is no longer an image")
    assert ocr_file.delay(record.pk).get() == "failed"
    record.refresh_from_db()
    assert record.ocr_status == DossierFile.OcrStatus.FAILED
    assert record.ocr_text.startswith("Lỗi nhận dạng")


def test_a_missing_program_fails_in_eager_mode(dossier, monkeypatch):
    record = attach(dossier, image_bytes("PNG"))
    monkeypatch.setenv("PATH", "/nonexistent")
    assert ocr_file.delay(record.pk).get() == "failed"
    record.refresh_from_db()
    assert "tesseract" in record.ocr_text


def test_a_deleted_file_is_ignored(db):
    assert ocr_file.delay(999_999_999).get() == "missing"


@pytest.mark.django_db
def test_an_upload_is_logged_in_the_dossier_history(received_dossier):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from motcua.dossiers.files import attach_file
    from tests.helpers import get_user

    dossier = received_dossier()
    component = dossier.components.first()
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    upload = SimpleUploadedFile("scan.png", buffer.getvalue(), content_type="image/png")
    stored = attach_file(dossier.code, component.pk, upload, get_user("halong.tiepnhan"))
    event = dossier.events.get(action="attach_file")
    assert event.data["file_id"] == stored.pk
    assert event.actor_role == "reception"
    assert event.from_status == event.to_status == dossier.status
