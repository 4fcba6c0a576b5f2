"""``manage.py relay_notifications``: relay pending notification rows of the outbox and queue
again notifications whose task was lost — what Celery beat does every few seconds, for a
machine without beat or to drain a backlog by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from motcua.notifications import services


class Command(BaseCommand):
    help = "Relay pending notifications from the outbox and queue lost ones again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--stale-minutes",
            type=int,
            default=services.STALE_MINUTES,
            help="Queue again notifications still waiting this many minutes after they were due.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        relayed = services.relay_all()
        requeued = services.requeue_stale(older_than_minutes=options["stale_minutes"])
        self.stdout.write(f"relayed: {relayed} notification(s) queued; requeued: {requeued}")
