"""Sending: e-mail through a real SMTP server (aiosmtpd on 127.0.0.1), SMS through the channel
plugins (sandbox table, an HTTP gateway on 127.0.0.1), retries and failures recorded, failed
notifications sent again from the admin."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from motcua.dossiers.services import perform, submit
from motcua.notifications import services, sms, tasks
from motcua.notifications.models import Notification, SandboxSms
from tests.dossiers.conftest import MONDAY, birth_submission, hand_appointment
from tests.helpers import get_user
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db

DESK = "halong.tiepnhan"


def refused_dossier():
    desk = get_user(DESK)
    dossier = submit(birth_submission(), by=desk, at=MONDAY)
    dossier = perform(dossier.code, "receive", desk, at=MONDAY, **hand_appointment(dossier, MONDAY))
    return perform(dossier.code, "refuse", desk, note="Không thuộc thẩm quyền giải quyết")


def test_the_email_arrives_at_a_real_smtp_server(
    smtp, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = refused_dossier()
        services.relay_all()
    messages = smtp.to("an.nguyen@example.vn")
    assert [m["Subject"].strip() for m in messages] == [
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
        f"Hồ sơ {dossier.code} không được tiếp nhận",
    ]
    refused = messages[1]
    assert refused["From"] == "MotCua <no-reply@motcua.local>"
    assert refused["X-MotCua-Dossier"] == dossier.code
    plain = refused.get_body(preferencelist=("plain",)).get_content()
    html = refused.get_body(preferencelist=("html",)).get_content()
    assert plain.startswith("Kính gửi Ông/Bà Nguyễn Văn An,")
    assert "Lý do: Không thuộc thẩm quyền giải quyết" in plain
    assert "Lý do: Không thuộc thẩm quyền giải quyết" in html and "<p>" in html
    record = Notification.objects.get(dossier=dossier, template="refused", channel="email")
    assert (record.status, record.attempts, record.error) == ("sent", 1, "")
    assert record.sent_at and record.next_try_at is None
    assert record.provider_id == refused["Message-ID"]
    assert len(sms_outbox) == 1


def test_a_mailbox_the_server_refuses_fails_at_once(
    smtp, sms_outbox, django_capture_on_commit_callbacks
):
    smtp.refuse.add("an.nguyen@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = refused_dossier()
        services.relay_all()
    failed = Notification.objects.filter(dossier=dossier, channel="email")
    assert {(n.status, n.attempts) for n in failed} == {("failed", 1)}
    assert all("550" in n.error for n in failed)
    assert smtp.messages == []


def test_smtp_down_is_retried_with_backoff_then_fails_and_the_admin_resends(
    settings, smtp, sms_outbox, django_capture_on_commit_callbacks
):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    dossier = refused_dossier()
    services.relay_all()
    record = Notification.objects.get(dossier=dossier, template="refused", channel="email")

    before = timezone.now()
    outcome = services.deliver(record.pk, last_try=False, retry_in=dt.timedelta(seconds=120))
    record.refresh_from_db()
    assert outcome == "retry" and record.status == "queued" and record.attempts == 1
    assert "ConnectionRefusedError" in record.error
    assert before + dt.timedelta(seconds=119) < record.next_try_at
    assert services.deliver(record.pk, last_try=True, retry_in=dt.timedelta(0)) == "failed"
    record.refresh_from_db()
    assert (record.status, record.attempts, record.next_try_at) == ("failed", 2, None)

    settings.EMAIL_PORT = port  # the server is back; an administrator sends it again
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend(Notification.objects.filter(dossier=dossier)) == 1
    record.refresh_from_db()
    assert (record.status, record.attempts, record.error) == ("sent", 3, "")
    assert [m["Subject"].strip() for m in smtp.messages] == [
        f"Hồ sơ {dossier.code} không được tiếp nhận"
    ]


def test_the_task_retries_with_exponential_backoff(settings, smtp, monkeypatch):
    settings.EMAIL_PORT = free_port()
    dossier = refused_dossier()
    services.relay_all()
    record = Notification.objects.get(dossier=dossier, template="refused", channel="email")
    asked = []

    def retry(countdown):
        asked.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(tasks.send_notification, "retry", retry)
    tasks.send_notification.push_request(retries=2, is_eager=False)
    try:
        with pytest.raises(Retry):
            tasks.send_notification.run(record.pk)
    finally:
        tasks.send_notification.pop_request()
    assert asked == [120]  # 30 s × 2²
    record.refresh_from_db()
    assert record.status == "queued" and record.attempts == 1
    # The last allowed try records the failure instead of retrying.
    tasks.send_notification.push_request(retries=tasks.MAX_RETRIES, is_eager=False)
    try:
        assert tasks.send_notification.run(record.pk) == "failed"
    finally:
        tasks.send_notification.pop_request()
    assert [tasks.retry_delay(n) for n in range(8)] == [30, 60, 120, 240, 480, 960, 1920, 3600]


def test_without_a_broker_a_failed_send_waits_for_the_periodic_relay(
    settings, smtp, django_capture_on_commit_callbacks
):
    """In-process (eager) sending must not hold the officer's request for every retry."""
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()
    with django_capture_on_commit_callbacks(execute=True):
        dossier = refused_dossier()
        services.relay_all()
    record = Notification.objects.get(dossier=dossier, template="refused", channel="email")
    assert (record.status, record.attempts) == ("queued", 1)
    settings.EMAIL_PORT = port
    Notification.objects.filter(pk=record.pk).update(
        next_try_at=timezone.now() - dt.timedelta(minutes=services.STALE_MINUTES + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.relay_notifications() >= 1  # what beat and `relay_notifications` do
    record.refresh_from_db()
    assert (record.status, record.attempts) == ("sent", 2)


def test_the_sandbox_channel_keeps_messages_in_the_database(
    settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.SandboxSmsChannel"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = refused_dossier()
        services.relay_all()
    [message] = SandboxSms.objects.filter(phone="0912345678")
    assert message.text.startswith(f"Ho so {dossier.code} khong duoc tiep nhan.")
    record = Notification.objects.get(dossier=dossier, channel="sms")
    assert record.status == "sent" and record.provider_id == f"sandbox-{message.pk}"


class Gateway(BaseHTTPRequestHandler):
    """A stand-in SMS gateway: answers with the status in ``Gateway.status``."""

    status = 200
    received: list = []

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Gateway.received.append((self.headers.get("Authorization"), body))
        self.send_response(Gateway.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": "msg-42"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Gateway.received, Gateway.status = [], 200
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.HttpSmsChannel"
    settings.MOTCUA_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.MOTCUA_SMS_HTTP_TOKEN = "secret-token"
    settings.MOTCUA_SMS_SENDER = "QUANGNINH"
    yield Gateway
    server.shutdown()
    server.server_close()


def test_the_http_gateway_channel(gateway, settings):
    assert sms.send_sms("0912 345 678", "Ho so da tiep nhan") == "msg-42"
    assert gateway.received == [
        ("Bearer secret-token", {"to": "84912345678", "text": "Ho so da tiep nhan",
                                 "sender": "QUANGNINH"}),
    ]  # fmt: skip
    gateway.status = 400
    with pytest.raises(sms.SmsError) as refused:
        sms.send_sms("0912345678", "x")
    assert refused.value.permanent
    gateway.status = 503
    with pytest.raises(sms.SmsError) as down:
        sms.send_sms("0912345678", "x")
    assert not down.value.permanent
    settings.MOTCUA_SMS_HTTP_URL = f"http://127.0.0.1:{free_port()}/sms"
    with pytest.raises(sms.SmsError) as unreachable:
        sms.send_sms("0912345678", "x")
    assert not unreachable.value.permanent
    settings.MOTCUA_SMS_HTTP_URL = ""
    with pytest.raises(sms.SmsError, match="MOTCUA_SMS_HTTP_URL"):
        sms.send_sms("0912345678", "x")


def test_a_gateway_refusal_fails_the_sms_at_once(gateway):
    gateway.status = 422
    dossier = refused_dossier()
    services.relay_all()
    record = Notification.objects.get(dossier=dossier, channel="sms")
    assert services.deliver(record.pk, last_try=False, retry_in=dt.timedelta(60)) == "failed"
    record.refresh_from_db()
    assert record.status == "failed" and "422" in record.error


def test_the_admin_lists_notifications_and_resends_failed_ones(
    otp_client, sms_outbox, mailoutbox, django_capture_on_commit_callbacks
):
    dossier = refused_dossier()
    services.relay_all()
    failed = Notification.objects.filter(dossier=dossier, channel="email")
    failed.update(status="failed", error="SMTP 451")
    queued = Notification.objects.get(dossier=dossier, channel="sms")
    client = otp_client("quantri")
    page = client.get("/quan-tri/notifications/notification/?status__exact=failed")
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    assert (
        client.get(f"/quan-tri/notifications/notification/{queued.pk}/change/").status_code == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/quan-tri/notifications/notification/",
            {"action": "resend", "_selected_action": [n.pk for n in failed] + [queued.pk]},
            follow=True,
        )
    text = response.content.decode()
    assert "Đã đưa 2 thông báo vào hàng đợi gửi lại." in text
    assert "Bỏ qua 1 thông báo không ở tình trạng “Gửi lỗi”." in text
    assert set(failed.values_list("status", flat=True)) == {"sent"}
    assert len(mailoutbox) == 2


def test_verification_codes_use_the_same_sms_channel(settings):
    """The sign-up codes of accounts go through the one SMS interface too."""
    from motcua.accounts.models import AccountKind, User
    from motcua.accounts.verification import send_verification_code

    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.SandboxSmsChannel"
    user = User.objects.create_user(username="moi", kind=AccountKind.BUSINESS, is_active=False)
    send_verification_code(user, "0203 3825 111")
    [message] = SandboxSms.objects.filter(phone="0203 3825 111")
    assert "Mã xác minh" in message.text or "Ma xac minh" in message.text
