"""Wake the relay when a dossier change that concerns the applicant commits.

``dossiers.services._record`` writes the outbox rows with ``bulk_create`` (no ``post_save``),
but the ``DossierEvent`` of the same change is saved one by one: its ``post_save`` tells that a
change is under way, and ``transaction.on_commit`` waits for it to commit — a rolled-back change
queues nothing. Beat relays anything this misses (a broker down at that moment).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.dossiers.models import DossierEvent


def relay_soon() -> None:
    from motcua.notifications.tasks import relay_notifications

    relay_notifications.delay()


@receiver(post_save, sender=DossierEvent, dispatch_uid="notifications.relay_on_event")
def relay_after_commit(sender: Any, instance: DossierEvent, created: bool, **kwargs: Any) -> None:
    from motcua.dossiers.services import NOTIFY_APPLICANT

    if created and not kwargs.get("raw") and instance.action in NOTIFY_APPLICANT:
        # robust: a broker that refuses the message must not turn the officer's committed
        # action into an error page; beat relays the row later.
        transaction.on_commit(relay_soon, robust=True)
