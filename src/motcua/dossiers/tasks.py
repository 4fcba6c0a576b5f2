"""Background work on dossiers: text recognition (OCR) of scanned component files.

Tesseract (Debian ``tesseract-ocr`` + ``tesseract-ocr-vie``) reads images; PDF pages are first
rasterised at 200 dpi with ``pdftoppm`` (Debian ``poppler-utils``). The task is idempotent: a
file already recognised is skipped, and a PostgreSQL advisory lock per file makes a second
copy of the task that arrives while the first still runs step aside, so a file is recognised
once even when it was queued twice. It never raises for a bad file: the file is marked
"failed" with the reason in its text. Transient trouble (a missing stored file, a missing or
stuck program) is retried up to three times with exponential backoff.

The upload queues the task when its transaction commits; if the broker is down at that moment
the message is lost and the file stays "pending". :func:`resend_pending_ocr` — run by Celery
beat (``CELERY_BEAT_SCHEDULE``) and by ``manage.py resend_pending_ocr`` — queues again every
file pending for longer than a few minutes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from motcua.core.text import nfc
from motcua.dossiers.models import DossierFile

logger = logging.getLogger(__name__)

OCR_LANGUAGE = "vie"
PDF_DPI = 200
TESSERACT_TIMEOUT = 180  # seconds per image or page
PDFTOPPM_TIMEOUT = 120  # seconds per page
MAX_RETRIES = 3
# Files pending for longer than this are taken as lost by the broker and queued again.
RESEND_AFTER_MINUTES = 30
RESEND_BATCH = 500  # files queued again per run at most; the next run takes the rest
# First key of the advisory locks taken per file (the second key is the file id): a number of
# our own so that these locks never meet another use of pg_advisory_lock.
OCR_LOCK_CLASS = 0x4F43  # "OC"


class OcrError(Exception):
    """The file cannot be recognised (a bad file): no retry."""


class OcrTemporaryError(Exception):
    """Something outside the file went wrong: retry later."""


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
    # A database that is restarting is transient too.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    retry_backoff_max=600,
)
def ocr_file(self: Any, file_id: int) -> str:
    """Recognise the text of ``DossierFile`` ``file_id``; return its final OCR status."""
    record = DossierFile.objects.filter(pk=file_id).first()
    if record is None:
        logger.info("OCR: file %s no longer exists", file_id)
        return "missing"
    if record.ocr_status in (DossierFile.OcrStatus.DONE, DossierFile.OcrStatus.SKIPPED):
        return record.ocr_status
    with file_lock(file_id) as mine:
        if not mine:
            logger.info("OCR: file %s is being recognised by another task", file_id)
            return "busy"
        # Read again under the lock: a copy that just finished has written its result.
        record = DossierFile.objects.filter(pk=file_id).first()
        if record is None:
            return "missing"
        if record.ocr_status != DossierFile.OcrStatus.PENDING:
            return record.ocr_status
        return _recognise_and_store(self, record)


@contextlib.contextmanager
def file_lock(file_id: int) -> Iterator[bool]:
    """Try to take the advisory lock of one file for this database session; yield whether it
    was taken. Session locks outlive transactions, so it is released explicitly."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [OCR_LOCK_CLASS, file_id])
        taken = bool(cursor.fetchone()[0])
    try:
        yield taken
    finally:
        if taken:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [OCR_LOCK_CLASS, file_id])


def _recognise_and_store(task: Any, record: DossierFile) -> str:
    """Recognise ``record`` (its lock held) and store the text; retry ``task`` later on
    transient trouble."""
    try:
        text = recognise(record)
    except OcrTemporaryError as exc:
        if task.request.is_eager or task.request.retries >= task.max_retries:
            return _finish(record, DossierFile.OcrStatus.FAILED, _failure(exc))
        countdown = min(600, 30 * 2**task.request.retries)
        logger.warning("OCR of file %s will be retried in %s s: %s", record.pk, countdown, exc)
        raise task.retry(exc=exc, countdown=countdown) from exc
    except OcrError as exc:
        return _finish(record, DossierFile.OcrStatus.FAILED, _failure(exc))
    return _finish(record, DossierFile.OcrStatus.DONE, text)


@shared_task(ignore_result=True)
def resend_pending_ocr(
    older_than_minutes: int = RESEND_AFTER_MINUTES, limit: int = RESEND_BATCH
) -> int:
    """Queue the OCR again of files still pending ``older_than_minutes`` after their upload
    (their message was lost: the broker was down when the upload committed). Oldest first, at
    most ``limit`` per run. Returns how many were queued; a message that cannot be sent now
    stops the run (the broker is still down) and the next run tries again."""
    since = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    ids = list(
        DossierFile.objects.filter(ocr_status=DossierFile.OcrStatus.PENDING, uploaded_at__lt=since)
        .order_by("uploaded_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for file_id in ids:
        try:
            ocr_file.delay(file_id)
        except Exception as exc:  # the broker refuses: nothing more can be sent now
            logger.warning("OCR re-send stopped after %s of %s files: %s", sent, len(ids), exc)
            break
        sent += 1
    if ids:
        logger.info("OCR re-send: %s of %s pending files queued again", sent, len(ids))
    return sent


def _failure(exc: Exception) -> str:
    return f"Lỗi nhận dạng văn bản (OCR): {exc}"


def _finish(record: DossierFile, status: str, text: str) -> str:
    text = nfc(text).replace("\x00", "").strip()
    DossierFile.objects.filter(pk=record.pk).update(ocr_status=status, ocr_text=text)
    logger.info("OCR of file %s: %s (%s characters)", record.pk, status, len(text))
    return status


def recognise(record: DossierFile) -> str:
    """The text of a stored image or PDF (pages separated by form feeds)."""
    with local_copy(record) as path:
        if record.content_type == DossierFile.PDF:
            return _ocr_pdf(path, record.page_count)
        if record.content_type in (DossierFile.JPEG, DossierFile.PNG):
            return tesseract(path)
    raise OcrError(f"loại tệp {record.content_type} không nhận dạng được")


@contextlib.contextmanager
def local_copy(record: DossierFile) -> Iterator[Path]:
    """A path on this machine to the stored file (a temporary copy for remote storages)."""
    storage = record.file.storage
    try:
        local = Path(storage.path(record.file.name))
    except NotImplementedError:
        local = None
    if local is not None:
        if not local.is_file():
            raise OcrTemporaryError(f"không tìm thấy tệp đã lưu {record.file.name}")
        yield local
        return
    suffix = Path(record.file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        try:
            with storage.open(record.file.name, "rb") as source:
                shutil.copyfileobj(source, copy)
        except OSError as exc:
            raise OcrTemporaryError(f"không đọc được tệp đã lưu: {exc}") from exc
        copy.flush()
        yield Path(copy.name)


def _run(command: list[str], timeout: int) -> bytes:
    """Run a program; a bad input is an OcrError, a missing or stuck program is temporary."""
    # One thread per Tesseract: a worker runs several tasks side by side.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(  # noqa: S603 — fixed program, arguments are our own paths
            command, capture_output=True, timeout=timeout, check=False, env=env
        )
    except FileNotFoundError as exc:
        raise OcrTemporaryError(f"chưa cài chương trình {command[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise OcrTemporaryError(f"{command[0]} chạy quá {timeout} giây") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"{command[0]}: {message[-1] if message else done.returncode}")
    return done.stdout


def tesseract(image: Path, dpi: int | None = None) -> str:
    command = ["tesseract", str(image), "stdout", "-l", OCR_LANGUAGE]
    if dpi:
        command += ["--dpi", str(dpi)]
    return _run(command, TESSERACT_TIMEOUT).decode("utf-8", "replace")


def _ocr_pdf(pdf: Path, pages: int) -> str:
    """Rasterise each page (grey, 200 dpi) and recognise it, one page at a time so that a
    long scan never fills the disk."""
    texts = []
    with tempfile.TemporaryDirectory(prefix="motcua-ocr-") as folder:
        for number in range(1, max(1, pages) + 1):
            prefix = Path(folder) / f"page-{number}"
            _run(
                ["pdftoppm", "-r", str(PDF_DPI), "-gray", "-png", "-singlefile",
                 "-f", str(number), "-l", str(number), str(pdf), str(prefix)],
                PDFTOPPM_TIMEOUT,
            )  # fmt: skip
            image = prefix.with_suffix(".png")
            if not image.is_file():
                raise OcrError(f"pdftoppm không tạo được ảnh trang {number}")
            texts.append(tesseract(image, dpi=PDF_DPI).strip())
            image.unlink()
    return "\n\f\n".join(texts)
