"""A real Celery worker (separate process, Redis broker) recognises a committed file.

Skipped when no Redis answers on 127.0.0.1:6379. The worker uses the test database (the same
NAME and socket HOST as this process) and database 15 of that Redis, on a queue of its own.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

BROKER = "redis://127.0.0.1:6379/15"
PROJECT = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def database_url() -> str:
    """A DATABASE_URL for the test database this process uses (socket folders included)."""
    from django.db import connection

    db = connection.settings_dict
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


def text_png() -> bytes:
    image = Image.new("L", (1000, 140), 255)
    ImageDraw.Draw(image).text((60, 40), "Giấy chứng sinh", font=ImageFont.truetype(FONT, 40))
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(200, 200))
    return out.getvalue()


def drop_broker_connections(app) -> None:
    """Forget pooled connections: even eager calls open a pool on the configured broker URL,
    so a pool made before (or during) this test would point at the wrong broker."""
    import kombu.pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def broker_queue():
    """Point this process's Celery app at Redis (no eager mode) on a fresh queue."""
    from motcua.celery import app

    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379: no broker to test a real worker")
    queue = f"motcua-test-{uuid.uuid4().hex[:8]}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    drop_broker_connections(app)
    app.conf.update(broker_url=BROKER, task_always_eager=False, task_default_queue=queue)
    yield queue
    drop_broker_connections(app)
    app.conf.update(saved)
    import redis

    with redis.Redis.from_url(BROKER) as client:  # leave database 15 as it was
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def worker(broker_queue, media):
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT / "src"),
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": "celery-worker-test-only",
        "CELERY_BROKER_URL": BROKER,
        "MOTCUA_MEDIA_ROOT": str(media),
    }
    command = [sys.executable, "-m", "celery", "-A", "motcua", "worker", "--pool=solo",
               "-Q", broker_queue, "-n", f"{broker_queue}@%h", "-l", "info",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    log = (media.parent / "worker.log").open("w+b")
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=log)
    yield process
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    log.seek(0)
    print(log.read().decode("utf-8", "replace")[-4000:])  # shown when the test fails
    log.close()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recognises_a_committed_file(transactional_demo_data, worker, monkeypatch):
    from motcua.core.text import fold
    from motcua.dossiers import tasks
    from motcua.dossiers.files import attach_file
    from motcua.dossiers.models import DossierFile
    from motcua.dossiers.services import perform, submit
    from tests.dossiers.conftest import MONDAY, birth_submission, hand_appointment
    from tests.helpers import get_user

    desk = get_user("halong.tiepnhan")
    dossier = submit(birth_submission(), by=desk, at=MONDAY)
    perform(dossier.code, "receive", desk, at=MONDAY, **hand_appointment(dossier, MONDAY))
    # attach_file schedules the OCR on commit: keep that first message out of the broker so
    # that the test sends it itself; then nothing in this process recognises anything.
    monkeypatch.setattr(tasks.ocr_file, "delay", lambda *args, **kwargs: None)
    record = attach_file(
        dossier.code,
        dossier.components.first().pk,
        SimpleUploadedFile("giay-chung-sinh.png", text_png()),
        desk,
    )
    assert DossierFile.objects.get(pk=record.pk).ocr_status == "pending"  # committed, not done
    monkeypatch.undo()
    monkeypatch.setattr(tasks, "recognise", lambda *a: pytest.fail("OCR ran in the test process"))

    result = tasks.ocr_file.delay(record.pk)
    assert result.id

    deadline = time.monotonic() + 60
    status = "pending"
    while time.monotonic() < deadline and status == "pending":
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.3)
        status = DossierFile.objects.values_list("ocr_status", flat=True).get(pk=record.pk)
    record.refresh_from_db()
    assert record.ocr_status == "done", record.ocr_text
    assert "giay chung sinh" in " ".join(fold(record.ocr_text).split())


DEAD_BROKER = "redis://127.0.0.1:9/15"  # the discard port: nothing answers there


@pytest.mark.django_db(transaction=True)
def test_a_file_left_pending_while_the_broker_was_down_is_sent_again(
    transactional_demo_data, worker, broker_queue, monkeypatch
):
    """The broker is down when the upload commits: the message is lost and the file stays
    pending. Once the broker is back, the periodic re-send queues it again and a real worker
    recognises it."""
    from django.utils import timezone

    from motcua.celery import app
    from motcua.core.text import fold
    from motcua.dossiers import tasks
    from motcua.dossiers.files import attach_file
    from motcua.dossiers.models import DossierFile
    from motcua.dossiers.services import perform, submit
    from tests.dossiers.conftest import MONDAY, birth_submission, hand_appointment
    from tests.helpers import get_user

    desk = get_user("halong.tiepnhan")
    dossier = submit(birth_submission(), by=desk, at=MONDAY)
    perform(dossier.code, "receive", desk, at=MONDAY, **hand_appointment(dossier, MONDAY))

    drop_broker_connections(app)
    app.conf.update(broker_url=DEAD_BROKER, task_publish_retry=False)
    try:
        # attach_file sends the message on commit (robust: a refused send is only logged).
        record = attach_file(
            dossier.code,
            dossier.components.first().pk,
            SimpleUploadedFile("giay-chung-sinh.png", text_png()),
            desk,
        )
        assert tasks.resend_pending_ocr(older_than_minutes=0) == 0  # still down: nothing sent
    finally:
        drop_broker_connections(app)
        app.conf.update(broker_url=BROKER, task_publish_retry=True)
    time.sleep(2)
    assert DossierFile.objects.get(pk=record.pk).ocr_status == "pending"  # lost, not queued

    DossierFile.objects.filter(pk=record.pk).update(
        uploaded_at=timezone.now() - dt.timedelta(minutes=45)
    )
    monkeypatch.setattr(tasks, "recognise", lambda *a: pytest.fail("OCR ran in the test process"))
    assert tasks.resend_pending_ocr(older_than_minutes=30) == 1

    deadline = time.monotonic() + 60
    status = "pending"
    while time.monotonic() < deadline and status == "pending":
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.3)
        status = DossierFile.objects.values_list("ocr_status", flat=True).get(pk=record.pk)
    record.refresh_from_db()
    assert record.ocr_status == "done", record.ocr_text
    assert "giay chung sinh" in " ".join(fold(record.ocr_text).split())
