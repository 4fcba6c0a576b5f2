"""A real Celery worker (another process, Redis broker) relays the outbox and sends: the e-mail
reaches a real SMTP server run by this test, the SMS lands in the sandbox table.

Skipped when no Redis answers on 127.0.0.1:6379 (CI has one). The worker uses this test's
database and database 15 of Redis, on a queue of its own (tests/test_celery_worker.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.test_celery_worker import (  # noqa: F401 — broker_queue is a fixture used below
    BROKER,
    PROJECT,
    broker_queue,
    database_url,
)


@pytest.fixture
def notify_worker(broker_queue, smtp_server, tmp_path):  # noqa: F811
    _mailbox, port = smtp_server
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT / "src"),
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": "celery-worker-test-only",
        "CELERY_BROKER_URL": BROKER,
        # Tasks the worker queues itself (relay → send) must come back to this queue.
        "CELERY_TASK_DEFAULT_QUEUE": broker_queue,
        "MOTCUA_MEDIA_ROOT": str(tmp_path / "media"),
        "MOTCUA_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "MOTCUA_EMAIL_HOST": "127.0.0.1",
        "MOTCUA_EMAIL_PORT": str(port),
        "MOTCUA_SMS_BACKEND": "motcua.notifications.sms.SandboxSmsChannel",
        "MOTCUA_SITE_URL": "https://dichvucong.quangninh.example.vn",
    }
    command = [sys.executable, "-m", "celery", "-A", "motcua", "worker", "--pool=solo",
               "-Q", broker_queue, "-n", f"{broker_queue}@%h", "-l", "info",
               "--without-gossip", "--without-mingle", "--without-heartbeat"]  # fmt: skip
    log = (tmp_path / "worker.log").open("w+b")
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
def test_a_real_worker_emails_and_texts_the_applicant(
    transactional_demo_data, smtp_server, notify_worker, monkeypatch
):
    from motcua.dossiers.services import perform, submit
    from motcua.notifications import services
    from motcua.notifications.models import Notification, SandboxSms
    from tests.dossiers.conftest import MONDAY, birth_submission, hand_appointment
    from tests.helpers import get_user

    mailbox, _port = smtp_server
    monkeypatch.setattr(services, "relay_rows", lambda rows: pytest.fail("relayed in the test"))
    desk = get_user("halong.tiepnhan")
    dossier = submit(birth_submission(), by=desk, at=MONDAY)
    dossier = perform(dossier.code, "receive", desk, at=MONDAY, **hand_appointment(dossier, MONDAY))
    perform(dossier.code, "refuse", desk, note="Không thuộc thẩm quyền giải quyết của phường")

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert notify_worker.poll() is None, "the worker stopped"
        texts = list(SandboxSms.objects.filter(phone="0912345678"))
        if len(mailbox.to("an.nguyen@example.vn")) >= 2 and texts:
            break
        time.sleep(0.3)
    subjects = sorted(m["Subject"].strip() for m in mailbox.to("an.nguyen@example.vn"))
    assert subjects == [
        f"Hồ sơ {dossier.code} không được tiếp nhận",
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
    ]
    refused = next(m for m in mailbox.messages if "không được" in m["Subject"])
    plain = refused.get_body(preferencelist=("plain",)).get_content()
    assert "https://dichvucong.quangninh.example.vn" in plain
    [text] = SandboxSms.objects.filter(phone="0912345678")
    assert text.text == (
        f"Ho so {dossier.code} khong duoc tiep nhan. Ly do: Khong thuoc tham quyen giai quyet "
        "cua phuong"
    )
    statuses = Notification.objects.filter(dossier=dossier).values_list("channel", "status")
    assert sorted(statuses) == [("email", "sent"), ("email", "sent"), ("sms", "sent")]
