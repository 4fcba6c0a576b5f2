"""Fixtures for the notifications: a real SMTP server (aiosmtpd) on a free 127.0.0.1 port that
keeps what it receives, the in-memory SMS channel, and dossiers taken through real actions."""

from __future__ import annotations

import email
import socket
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest

from motcua.notifications import sms


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    """aiosmtpd handler: accepts every recipient but those in ``refuse`` (550) and keeps the
    parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["X-Envelope-To"]]


@pytest.fixture
def smtp_server():
    """A real SMTP server in this process; yields (mailbox, port)."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp(settings, smtp_server):
    """Django sends through the real SMTP server above."""
    mailbox, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return mailbox


@pytest.fixture
def sms_outbox(settings):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.LocmemSmsChannel"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
