"""Two relays at once: ``SELECT … FOR UPDATE SKIP LOCKED`` lets the second one take the rows
the first does not hold, without waiting, and no row is relayed twice."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction


@pytest.mark.django_db(transaction=True)
def test_a_second_relay_skips_the_rows_the_first_holds(
    transactional_demo_data, monkeypatch, mailoutbox
):
    from motcua.dossiers.models import OutboxMessage
    from motcua.dossiers.services import perform, submit
    from motcua.notifications import services, signals
    from motcua.notifications.models import Notification
    from tests.dossiers.conftest import MONDAY, birth_submission, hand_appointment
    from tests.helpers import get_user

    monkeypatch.setattr(signals, "relay_soon", lambda: None)  # leave the rows pending
    desk = get_user("halong.tiepnhan")
    for _ in range(3):
        dossier = submit(birth_submission(), by=desk, at=MONDAY)
        perform(dossier.code, "receive", desk, at=MONDAY, **hand_appointment(dossier, MONDAY))
    pending = OutboxMessage.objects.filter(topic="notification", delivered_at__isnull=True)
    assert pending.count() == 6  # submit (nothing to tell at the desk) + receive, × 3

    held, released, outcome = threading.Event(), threading.Event(), {}

    def first_relay():
        try:
            with transaction.atomic():
                rows = services.claim(batch=3)
                outcome["held"] = [row.pk for row in rows]
                held.set()
                released.wait(30)
                outcome["queued"] = services.relay_rows(rows)
        finally:
            connection.close()

    thread = threading.Thread(target=first_relay)
    thread.start()
    assert held.wait(30)
    started = time.monotonic()
    second = services.relay_all()
    waited = time.monotonic() - started
    assert waited < 5, "the second relay waited for the first one's locks"
    taken_by_second = set(
        OutboxMessage.objects.filter(topic="notification", delivered_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    assert taken_by_second.isdisjoint(outcome["held"]) and len(taken_by_second) == 3
    released.set()
    thread.join(30)

    rows = OutboxMessage.objects.filter(topic="notification")
    assert all(row.delivered_at and row.attempts == 1 for row in rows)
    assert Notification.objects.count() == 3 == second + len(outcome["queued"])
    assert sorted(Notification.objects.values_list("template", flat=True)) == ["received"] * 3
    # The second relay's notifications went out when it committed (in-process, no broker).
    assert len(mailoutbox) == second
