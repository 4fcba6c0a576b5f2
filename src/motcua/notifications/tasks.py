"""Celery tasks of the notifications: the relay (outbox → notifications) and one send per
notification.

The relay is queued when a dossier change commits (``signals``) and by Celery beat every
``MOTCUA_NOTIFY_RELAY_SECONDS`` (``CELERY_BEAT_SCHEDULE``), which also queues again
notifications whose message the broker lost. A send that meets transient trouble is retried
with exponential backoff (``RETRY_BASE_SECONDS`` × 2ⁿ, capped at ``RETRY_MAX_SECONDS``) up to
``MAX_RETRIES`` times, then recorded as failed; the admin can send it again.

Without a broker (development) tasks run in-process: a failed send is then not retried at once
(that would hold the web request for every attempt) but stays queued, and
``manage.py relay_notifications`` queues it again later.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.db import InterfaceError, OperationalError

from motcua.notifications import services

MAX_RETRIES = 6
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600


def retry_delay(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: 30 s, 1 min, 2 min … capped at 1 hour."""
    return min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2**retries)


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
    # A database that is restarting is transient too: the whole task runs again.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=RETRY_BASE_SECONDS,
    retry_backoff_max=RETRY_MAX_SECONDS,
)
def send_notification(self: Any, notification_id: int) -> str:
    """Send notification ``notification_id``; return sent / failed / retry / skipped."""
    retries = self.request.retries or 0
    eager = bool(self.request.is_eager)
    delay = retry_delay(retries)
    outcome = services.deliver(
        notification_id,
        last_try=retries >= MAX_RETRIES,
        retry_in=dt.timedelta(seconds=delay),
    )
    if outcome == services.RETRY and not eager:
        raise self.retry(countdown=delay)
    return outcome


@shared_task(ignore_result=True)
def relay_notifications() -> int:
    """Relay every pending notification row and queue lost notifications again; return how
    many were queued."""
    return services.relay_all() + services.requeue_stale()
