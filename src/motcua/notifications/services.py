"""Notifying applicants: from the transactional outbox to e-mail and SMS.

**Relay.** Every dossier change that concerns the applicant leaves an outbox row of topic
"notification" (``dossiers.services._record``). :func:`relay_pending` claims pending rows with
``SELECT … FOR UPDATE SKIP LOCKED`` (two relays never take the same row and never wait for
each other), renders the Vietnamese message, creates one ``Notification`` per channel the
applicant receives, marks the row delivered and, once that commits, queues one send task per
notification. Only this topic is touched: the national-portal and statistics rows belong to
their own consumers. A ``Notification`` is unique per (outbox row, channel), so a row relayed
again (replayed from the admin, or by a relay that crashed before committing) sends nothing
twice.

**Recipients.** The applicant only, never an officer: the address on the dossier (what the
applicant or the desk wrote), else the applicant's account; an address that belongs to an
officer's account is never written to. An account holder's preferences choose the channels per
event group; a walk-in applicant without an account gets the defaults.

**Sending.** :func:`deliver` sends one notification under its row lock, so two copies of the
task cannot both send; transient trouble (SMTP or gateway down) is retried by the task with
exponential backoff, a refusal (a bad address) fails at once; every attempt and error is
recorded, failed ones can be sent again from the admin (:func:`resend`).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from motcua.accounts.models import AccountKind, User
from motcua.dossiers.models import Dossier, OutboxMessage
from motcua.notifications import sms
from motcua.notifications.messages import compose, kind_for
from motcua.notifications.models import (
    Notification,
    NotificationChannel,
    NotificationPreference,
    NotificationStatus,
)

logger = logging.getLogger(__name__)

TOPIC = "notification"
RELAY_BATCH = 200
# An outbox row that failed to relay this many times is left for a person (a dead letter,
# visible in the admin with its last error); the relay stops picking it up.
MAX_RELAY_ATTEMPTS = 5
# A queued notification whose task has not run this long after it was due is taken as lost
# by the broker and queued again.
STALE_MINUTES = 10


# --- preferences -------------------------------------------------------------------------


def preference_for(user: User | None) -> NotificationPreference:
    """The user's saved choices, else the defaults (unsaved)."""
    if user is not None and user.pk:
        saved = NotificationPreference.objects.filter(user=user).first()
        if saved is not None:
            return saved
    return NotificationPreference(user=user, **NotificationPreference.DEFAULTS)


def save_preferences(user: User, choices: dict[str, bool]) -> NotificationPreference:
    """Store the user's choices (keys ``email_progress`` … ``sms_outcome``)."""
    values = {key: bool(choices.get(key)) for key in NotificationPreference.DEFAULTS}
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults=values
    )
    return preference


def receives_notifications(user: User) -> bool:
    """Officers never receive applicant notifications (their own dossiers are handled by the
    desk like anyone's, but through a citizen account)."""
    return not user.is_officer


def recent_for(user: User, limit: int = 10) -> list[Notification]:
    """The latest notifications sent to the user's account, for the preferences page."""
    return list(
        Notification.objects.filter(user=user).select_related("dossier").order_by("-id")[:limit]
    )


# --- recipients --------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str
    user: User | None
    error: str = ""  # set when the address cannot be used: the notification is recorded failed


def _officers() -> Any:
    return User.objects.filter(Q(kind=AccountKind.OFFICER) | Q(is_staff=True))


def _officer_email(address: str) -> bool:
    return _officers().filter(email__iexact=address).exists()


def _officer_phone(national: str) -> bool:
    return _officers().filter(phone__in=[national, "+84" + national[1:]]).exists()


def recipients(dossier: Dossier, payload: dict[str, Any], group: str) -> list[Recipient]:
    """Who hears about this change, by which channel (see the module docstring)."""
    user = dossier.applicant_user
    if user is not None and not receives_notifications(user):
        user = None
    preference = preference_for(user)
    email = (payload.get("Email") or (user.email if user else "") or "").strip()
    phone = (payload.get("DienThoai") or (user.phone if user else "") or "").strip()
    found: list[Recipient] = []
    if email and preference.wants(NotificationChannel.EMAIL, group) and not _officer_email(email):
        found.append(Recipient(NotificationChannel.EMAIL, email, user))
    if phone and preference.wants(NotificationChannel.SMS, group):
        national = sms.normalize_phone(phone)
        if national is None:
            found.append(
                Recipient(NotificationChannel.SMS, phone[:254], user, "invalid phone number")
            )
        elif not _officer_phone(national):
            found.append(Recipient(NotificationChannel.SMS, national, user))
    return found


# --- relay -------------------------------------------------------------------------------


def claim(batch: int = RELAY_BATCH) -> list[OutboxMessage]:
    """Lock up to ``batch`` pending notification rows that no other relay holds. Call inside
    a transaction; the locks last until it ends."""
    return list(
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(topic=TOPIC, delivered_at__isnull=True, attempts__lt=MAX_RELAY_ATTEMPTS)
        .order_by("id")[:batch]
    )


def relay_rows(rows: list[OutboxMessage]) -> list[int]:
    """Turn claimed rows into notifications; return the ids to send once the caller's
    transaction commits. A row that fails keeps its error and is tried again next time."""
    now = timezone.now()
    to_send: list[int] = []
    for row in rows:
        row.attempts += 1
        try:
            with transaction.atomic():
                to_send += _relay_one(row, now)
            row.delivered_at, row.last_error = now, ""
        except Exception as error:  # one broken row must not hold back the others
            logger.exception("Notification relay: outbox row %s failed", row.key)
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.save(update_fields=["attempts", "delivered_at", "last_error"])
    return to_send


def _relay_one(row: OutboxMessage, now: dt.datetime) -> list[int]:
    if row.dossier_id is None:
        return []
    dossier = Dossier.objects.select_related(
        "procedure", "receiving_agency", "competent_agency", "applicant_user"
    ).get(pk=row.dossier_id)
    payload = row.payload or {}
    kind = kind_for(str(payload.get("ThaoTac", "")), dossier)
    if kind is None:
        return []
    chosen = recipients(dossier, payload, kind.group)
    if not chosen:
        return []
    rendered = compose(kind, row, dossier)
    created_ids = []
    for recipient in chosen:
        email = recipient.channel == NotificationChannel.EMAIL
        status = NotificationStatus.FAILED if recipient.error else NotificationStatus.QUEUED
        notification, created = Notification.objects.get_or_create(
            outbox_message=row,
            channel=recipient.channel,
            defaults={
                "user": recipient.user,
                "address": recipient.address,
                "template": kind.key,
                "dossier": dossier,
                "subject": rendered.subject if email else "",
                "body": rendered.text if email else rendered.sms,
                "html": rendered.html if email else "",
                "status": status,
                "error": recipient.error,
                "next_try_at": None if recipient.error else now,
            },
        )
        if created and notification.status == NotificationStatus.QUEUED:
            created_ids.append(notification.pk)
    return created_ids


def relay_pending(batch: int = RELAY_BATCH) -> int:
    """Relay one batch of pending rows; return how many notifications were queued."""
    with transaction.atomic():
        to_send = relay_rows(claim(batch))
        transaction.on_commit(lambda: queue(to_send), robust=True)
    return len(to_send)


def relay_all(batch: int = RELAY_BATCH) -> int:
    """Relay until no pending row is left (or only rows another relay holds)."""
    total = 0
    while True:
        with transaction.atomic():
            rows = claim(batch)
            to_send = relay_rows(rows)
            transaction.on_commit(lambda ids=to_send: queue(ids), robust=True)
        total += len(to_send)
        if len(rows) < batch:
            return total


def queue(notification_ids: list[int]) -> None:
    """Hand each notification to the broker (or send it at once without one)."""
    from motcua.notifications.tasks import send_notification

    for notification_id in notification_ids:
        send_notification.delay(notification_id)


def requeue_stale(older_than_minutes: int = STALE_MINUTES, limit: int = 500) -> int:
    """Queue again notifications whose task was lost (the broker was down when they were
    queued, or a worker died): still queued long after they were due."""
    cutoff = timezone.now() - dt.timedelta(minutes=older_than_minutes)
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.QUEUED, next_try_at__lt=cutoff)
            .order_by("next_try_at")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(next_try_at=timezone.now())
        transaction.on_commit(lambda: queue(ids), robust=True)
    return len(ids)


def resend(notifications: Any) -> int:
    """Send failed notifications again (the admin's action): they are queued afresh."""
    with transaction.atomic():
        ids = list(
            notifications.filter(status=NotificationStatus.FAILED).values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.QUEUED, next_try_at=timezone.now()
        )
        transaction.on_commit(lambda: queue(ids), robust=True)
    return len(ids)


# --- sending -----------------------------------------------------------------------------


class PermanentError(Exception):
    """Sending again cannot help (the address or the message is refused)."""


SENT, FAILED, RETRY, SKIPPED = "sent", "failed", "retry", "skipped"


def deliver(notification_id: int, *, last_try: bool, retry_in: dt.timedelta) -> str:
    """Send one queued notification under its row lock; return what happened.

    ``last_try``: a transient failure now fails the notification for good; otherwise it stays
    queued, due again after ``retry_in`` (the task retries it then).
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != NotificationStatus.QUEUED:
            return SKIPPED  # already sent (a second copy of the task), failed, or gone
        notification.attempts += 1
        now = timezone.now()
        try:
            notification.provider_id = _send(notification)[:120]
        except PermanentError as error:
            return _fail(notification, str(error))
        except Exception as error:
            message = f"{type(error).__name__}: {error}"
            if last_try:
                return _fail(notification, message)
            notification.error = message[:2000]
            notification.next_try_at = now + retry_in
            notification.save(update_fields=["attempts", "error", "next_try_at"])
            return RETRY
        notification.status = NotificationStatus.SENT
        notification.sent_at, notification.next_try_at = now, None
        notification.error = ""
        notification.save(
            update_fields=["attempts", "status", "sent_at", "next_try_at", "error", "provider_id"]
        )
        return SENT


def _fail(notification: Notification, message: str) -> str:
    notification.status = NotificationStatus.FAILED
    notification.error = message[:2000]
    notification.next_try_at = None
    notification.save(update_fields=["attempts", "status", "error", "next_try_at"])
    logger.warning("Notification %s failed: %s", notification.pk, message)
    return FAILED


def _send(notification: Notification) -> str:
    if notification.channel == NotificationChannel.SMS:
        try:
            return sms.send_sms(notification.address, notification.body) or ""
        except sms.SmsError as error:
            if error.permanent:
                raise PermanentError(str(error)) from error
            raise
    return _send_email(notification)


def _send_email(notification: Notification) -> str:
    message_id = make_msgid(domain=DNS_NAME)
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        headers={"Message-ID": message_id, "X-MotCua-Dossier": notification.dossier.code},
    )
    if notification.html:
        message.attach_alternative(notification.html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentError(f"recipient refused: {error.recipients}") from error
        raise
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 500:
            raise PermanentError(f"SMTP {error.smtp_code}: {error.smtp_error!r}") from error
        raise
    return message_id
