"""SMS channels: one interface for every text message the system sends (verification codes of
new accounts, notifications to applicants), the channel named by ``settings.MOTCUA_SMS_BACKEND``.

A channel is a class with ``send(phone, text) -> str`` returning the provider's message id;
it raises ``SmsError`` (``permanent=True`` when retrying cannot help, such as a number the
gateway refuses). A province plugs its gateway in by writing such a class, or by pointing
``HttpSmsChannel`` at a gateway that takes a JSON POST.

Channels shipped here:

* ``LogSmsChannel`` (default): the message goes to the log, like Django's console e-mail
  backend — a developer sees it, nobody is charged;
* ``SandboxSmsChannel``: messages are stored in the ``SandboxSms`` table, visible in the admin
  and to a worker in another process (the demo and the end-to-end tests read them there);
* ``LocmemSmsChannel``: messages are kept in ``outbox`` in this process (unit tests);
* ``HttpSmsChannel``: a real gateway over HTTPS (``MOTCUA_SMS_HTTP_URL``, bearer token,
  brand name), numbers sent in international form (84…).
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Protocol

import requests
from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The message was not accepted. ``permanent``: sending it again cannot succeed."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class SmsChannel(Protocol):
    def send(self, phone: str, text: str) -> str: ...


_SEPARATORS = re.compile(r"[\s.\-()]")
# Vietnamese numbers: 0 + 9 digits (mobile and the newer landlines), or 0 + 10 digits (the
# landlines of the 0203… kind); +84 / 84 stand for the leading 0.
_NATIONAL = re.compile(r"0\d{9,10}")


def normalize_phone(raw: str) -> str | None:
    """The number in national form (``0912345678``), or None when it is not a Vietnamese
    number a gateway can reach."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits if _NATIONAL.fullmatch(digits) else None


def international(phone: str) -> str:
    """``0912345678`` → ``84912345678`` (what gateways expect)."""
    national = normalize_phone(phone)
    if national is None:
        raise SmsError(f"invalid phone number: {phone!r}", permanent=True)
    return "84" + national[1:]


class LogSmsChannel:
    """Development channel: the message goes to the log (the console of ``runserver``)."""

    def send(self, phone: str, text: str) -> str:
        logger.warning("SMS to %s: %s", phone, text)
        return f"log-{uuid.uuid4().hex[:12]}"


outbox: list[SmsMessage] = []


class LocmemSmsChannel:
    """Unit-test channel: messages are kept in ``motcua.notifications.sms.outbox``."""

    def send(self, phone: str, text: str) -> str:
        outbox.append(SmsMessage(phone, text))
        return f"locmem-{len(outbox)}"


class SandboxSmsChannel:
    """Demo and end-to-end channel: messages land in the ``SandboxSms`` table."""

    def send(self, phone: str, text: str) -> str:
        from motcua.notifications.models import SandboxSms

        record = SandboxSms.objects.create(phone=phone, text=text)
        return f"sandbox-{record.pk}"


class HttpSmsChannel:
    """A gateway that takes ``POST {"to": "849…", "text": …, "sender": brand name}`` with a
    bearer token and answers 2xx with ``{"id": …}``. A 4xx answer is the gateway refusing this
    message (permanent); a 5xx, a timeout or a broken connection is transient."""

    def __init__(self) -> None:
        self.url = settings.MOTCUA_SMS_HTTP_URL
        self.token = settings.MOTCUA_SMS_HTTP_TOKEN
        self.sender = settings.MOTCUA_SMS_SENDER
        self.timeout = settings.MOTCUA_SMS_HTTP_TIMEOUT
        if not self.url:
            raise SmsError("MOTCUA_SMS_HTTP_URL is not set", permanent=True)

    def send(self, phone: str, text: str) -> str:
        body = {"to": international(phone), "text": text, "sender": self.sender}
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            response = requests.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise SmsError(f"SMS gateway unreachable: {error}") from error
        if 400 <= response.status_code < 500:
            raise SmsError(
                f"SMS gateway refused the message: {response.status_code} {response.text[:200]}",
                permanent=True,
            )
        if response.status_code >= 300:
            raise SmsError(f"SMS gateway error: {response.status_code} {response.text[:200]}")
        try:
            return str(response.json().get("id", ""))[:120]
        except (ValueError, AttributeError):
            return ""


def get_channel() -> SmsChannel:
    return import_string(settings.MOTCUA_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> str:
    """Send ``text`` to ``phone`` through the configured channel; return the provider's id."""
    return get_channel().send(phone, text)
