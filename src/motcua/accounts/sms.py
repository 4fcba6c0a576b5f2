"""SMS channels for verification codes: a class with ``send(phone, text)``, named by
``settings.MOTCUA_SMS_BACKEND``.

The notifications app (issue 8) will bring the province's real SMS gateways; until then the
account code needs only this one method. ``LogSmsBackend`` (the default) writes the message to
the log, like Django's console e-mail backend, so that a developer sees the code;
``LocmemSmsBackend`` keeps the messages in ``outbox`` for the tests, like Django's locmem e-mail
backend.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Development channel: the message goes to the log (the console of ``runserver``)."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %s", phone, text)


outbox: list[SmsMessage] = []


class LocmemSmsBackend:
    """Test channel: messages are kept in ``motcua.accounts.sms.outbox``."""

    def send(self, phone: str, text: str) -> None:
        outbox.append(SmsMessage(phone, text))


def get_backend() -> SmsBackend:
    return import_string(settings.MOTCUA_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
