"""The append-only, hash-chained security log (core/audit.py, core/models.py)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from motcua.core import audit
from motcua.core.models import AppendOnlyError, SecurityEvent, SecurityEventKind
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

TRIGGER = "core_security_event_no_update_delete"


def empty_log() -> None:
    """Start from an empty log inside the test transaction (TRUNCATE is rolled back too)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_securityevent")


def tamper(sql: str, params: list) -> None:
    """What an attacker with database access would do: switch the guard off and edit rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE core_securityevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        cursor.execute(f"ALTER TABLE core_securityevent ENABLE TRIGGER {TRIGGER}")


def record_three() -> list[SecurityEvent]:
    user = get_user("halong.tiepnhan")
    return [
        audit.record(SecurityEventKind.LOGIN, actor=user),
        audit.record(SecurityEventKind.LOGIN_FAILED, subject="khong.co"),
        audit.record(SecurityEventKind.LOGOUT, actor=user, data={"lý do": "hết giờ"}),
    ]


def test_demo_seed_left_a_valid_chain():
    report = audit.verify()
    assert report.ok, report
    assert report.checked == SecurityEvent.objects.count() > 0


def test_record_numbers_entries_from_one_and_links_them():
    empty_log()
    events = record_three()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == audit.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert len({e.hash for e in events}) == 3
    for event in events:
        assert event.hash == audit.compute_hash(event.prev_hash, event.content())
    report = audit.verify()
    assert report.ok
    assert report.checked == 3


def test_record_stores_who_and_what():
    empty_log()
    first, second, third = record_three()
    stored = SecurityEvent.objects.get(seq=1)
    assert stored.actor_id == get_user("halong.tiepnhan").pk
    assert stored.actor_repr == "halong.tiepnhan"
    assert stored.kind == SecurityEventKind.LOGIN
    assert SecurityEvent.objects.get(seq=2).actor_id is None
    assert SecurityEvent.objects.get(seq=2).subject == "khong.co"
    # The stored row hashes to the same value as the object that was returned (round trip
    # through the database: timestamps, JSON with Vietnamese text).
    for event in SecurityEvent.objects.order_by("seq"):
        assert audit.compute_hash(event.prev_hash, event.content()) == event.hash
    assert SecurityEvent.objects.get(seq=3).data == {"lý do": "hết giờ"}


def test_record_appends_after_the_existing_chain():
    last = SecurityEvent.objects.order_by("-seq").first()
    event = audit.record(SecurityEventKind.OTP_FAILED, actor=get_user("vandon.tiepnhan"))
    assert event.seq == last.seq + 1
    assert event.prev_hash == last.hash
    assert audit.verify().ok


def test_verify_command_reports_a_valid_chain():
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    assert "hợp lệ" in out.getvalue()
    assert str(SecurityEvent.objects.count()) in out.getvalue()


def test_save_on_an_existing_entry_is_refused():
    event = audit.record(SecurityEventKind.LOGIN, actor=get_user("congdan1"))
    event.subject = "đã sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["subject"])
    assert SecurityEvent.objects.get(pk=event.pk).subject == ""


def test_plain_save_of_a_new_entry_is_refused_too():
    # Only audit.record() (force_insert) writes the log.
    with pytest.raises(AppendOnlyError):
        SecurityEvent(seq=10**9, kind="login", prev_hash="x", hash="y").save()


def test_delete_is_refused():
    event = audit.record(SecurityEventKind.LOGIN, actor=get_user("congdan1"))
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_securityevent SET subject = 'đã sửa' WHERE seq = %s",
        "DELETE FROM core_securityevent WHERE seq = %s",
    ],
)
def test_database_trigger_refuses_raw_update_and_delete(sql):
    event = audit.record(SecurityEventKind.LOGIN, actor=get_user("congdan1"))
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.seq])
    assert SecurityEvent.objects.get(pk=event.pk).subject == ""


def test_database_trigger_refuses_queryset_update_and_delete():
    # QuerySet.update() and .delete() skip the model's save()/delete(): the trigger still holds.
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(seq=1).update(subject="đã sửa")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(seq=1).delete()
    assert SecurityEvent.objects.filter(seq=1).exists()
    assert audit.verify().ok


def test_edited_entry_breaks_the_chain_at_that_entry():
    empty_log()
    record_three()
    audit.record(SecurityEventKind.LOGIN, actor=get_user("congdan1"))
    tamper("UPDATE core_securityevent SET subject = %s WHERE seq = 2", ["người khác"])
    report = audit.verify()
    assert not report.ok
    assert report.broken_seq == 2
    assert report.checked == 1
    assert "hash" in report.reason
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_edited_data_is_detected():
    empty_log()
    record_three()
    tamper("UPDATE core_securityevent SET data = '{}'::jsonb WHERE seq = 3", [])
    assert audit.verify().broken_seq == 3


def test_rehashed_entry_still_breaks_the_link_to_the_next():
    # An attacker who recomputes the edited entry's own hash still breaks the next link.
    empty_log()
    record_three()
    entry = SecurityEvent.objects.get(seq=2)
    entry.subject = "người khác"
    new_hash = audit.compute_hash(entry.prev_hash, entry.content())
    tamper(
        "UPDATE core_securityevent SET subject = %s, hash = %s WHERE seq = 2",
        ["người khác", new_hash],
    )
    report = audit.verify()
    assert report.broken_seq == 3
    assert "link" in report.reason


def test_deleted_middle_entry_breaks_the_chain():
    empty_log()
    record_three()
    tamper("DELETE FROM core_securityevent WHERE seq = 2", [])
    report = audit.verify()
    assert report.broken_seq == 3
    assert report.checked == 1
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit_chain", stdout=StringIO())


def test_deleted_first_entry_breaks_the_chain():
    empty_log()
    record_three()
    tamper("DELETE FROM core_securityevent WHERE seq = 1", [])
    assert audit.verify().broken_seq == 2


def test_reordered_entries_are_detected():
    empty_log()
    first, second, third = record_three()
    report = audit.verify([first, third, second])
    assert report.broken_seq == 3
    assert audit.verify([first, second, third]).ok


def test_trigger_is_back_after_tampering():
    empty_log()
    record_three()
    tamper("UPDATE core_securityevent SET subject = 'x' WHERE seq = 1", [])
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(seq=1).update(subject="y")


def test_admin_cannot_edit_or_delete_entries(otp_client):
    client = otp_client("quantri")
    event = SecurityEvent.objects.order_by("-seq").first()
    assert client.get("/quan-tri/core/securityevent/").status_code == 200
    assert client.get("/quan-tri/core/securityevent/add/").status_code == 403
    assert client.get(f"/quan-tri/core/securityevent/{event.pk}/delete/").status_code == 403
    response = client.post(
        f"/quan-tri/core/securityevent/{event.pk}/change/", {"subject": "đã sửa"}
    )
    assert response.status_code == 403
    assert SecurityEvent.objects.get(pk=event.pk).subject == event.subject
