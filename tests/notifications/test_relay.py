"""The relay: outbox rows of topic "notification" become notifications for the applicant, once,
by the channels the applicant receives; other topics stay for their own consumers."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers.models import OutboxMessage
from motcua.dossiers.services import perform, submit
from motcua.notifications import services
from motcua.notifications.models import Notification, NotificationPreference
from tests.dossiers.conftest import MONDAY, birth_submission, hand_appointment, with_draft
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

DESK = "halong.tiepnhan"
LEADER = "halong.lanhdao"
AGENCY_LEADER = "halong.lanhdao"
SPECIALIST = "halong.chuyenvien"
CLERK = "halong.vanthu"


def received(**changes):
    dossier = submit(birth_submission(**changes), by=get_user(DESK), at=MONDAY)
    return perform(
        dossier.code, "receive", get_user(DESK), at=MONDAY, **hand_appointment(dossier, MONDAY)
    )


def act(dossier, action, username, **params):
    return perform(dossier.code, action, get_user(username), **with_draft(action, params))


def notifications(dossier, template=None, channel=None):
    qs = Notification.objects.filter(dossier=dossier).order_by("id")
    if channel:
        qs = qs.filter(channel=channel)
    return list(qs.filter(template=template) if template else qs)


def test_reception_notifies_the_walk_in_applicant_by_email_and_not_by_sms():
    dossier = received()
    assert services.relay_all() == 1  # e-mail only: SMS of progress is off by default
    [email] = notifications(dossier)
    assert (email.channel, email.address, email.template) == (
        "email",
        "an.nguyen@example.vn",
        "received",
    )
    assert email.user is None and email.status == "queued" and email.next_try_at
    assert email.subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "Ngày hẹn trả kết quả: 17:00 ngày 09/03/2026." in email.body
    assert "Trung tâm Phục vụ hành chính công" in email.body or dossier.receiving_agency.name in (
        email.body
    )
    assert email.html.startswith("<!DOCTYPE html>")
    # The desk registration itself ("submit", channel direct) told the applicant nothing.
    rows = OutboxMessage.objects.filter(dossier=dossier, topic="notification").order_by("id")
    assert [r.payload["ThaoTac"] for r in rows] == ["submit", "receive"]
    assert all(r.delivered_at and r.attempts == 1 for r in rows)


def test_only_the_notification_topic_is_consumed():
    dossier = received()
    services.relay_all()
    pending = OutboxMessage.objects.filter(dossier=dossier, delivered_at__isnull=True)
    assert set(pending.values_list("topic", flat=True)) == {"national_portal", "statistics"}
    assert pending.count() == 4


def test_relaying_the_same_row_again_sends_nothing_twice(
    sms_outbox, django_capture_on_commit_callbacks, mailoutbox
):
    dossier = received()
    with django_capture_on_commit_callbacks(execute=True):
        act(dossier, "refuse", DESK, note="Không thuộc thẩm quyền giải quyết của phường")
    assert len(mailoutbox) == 2 and len(sms_outbox) == 1  # received + refused; SMS refused
    row = OutboxMessage.objects.get(
        dossier=dossier, topic="notification", payload__ThaoTac="refuse"
    )
    # Replayed (as from the admin) and relayed again: the unique (row, channel) holds.
    OutboxMessage.objects.filter(pk=row.pk).update(delivered_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.relay_all() == 0
    assert len(mailoutbox) == 2 and len(sms_outbox) == 1
    assert Notification.objects.filter(outbox_message=row).count() == 2
    # And a second copy of a send task for a sent notification does nothing.
    sent = Notification.objects.get(outbox_message=row, channel="sms")
    assert services.deliver(sent.pk, last_try=False, retry_in=dt.timedelta(0)) == "skipped"
    assert len(sms_outbox) == 1
    assert sms_outbox[0].phone == "0912345678"
    assert sms_outbox[0].text.startswith(f"Ho so {dossier.code} khong duoc tiep nhan. Ly do:")


def test_the_applicants_account_preferences_choose_the_channels():
    citizen = get_user("congdan1")
    NotificationPreference.objects.create(
        user=citizen,
        email_progress=False,
        email_action=True,
        email_outcome=True,
        sms_progress=True,
        sms_action=False,
        sms_outcome=True,
    )
    submission = birth_submission()
    submission.applicant.user_id = citizen.pk
    dossier = submit(submission, by=get_user(DESK), at=MONDAY)
    dossier = act(dossier, "receive", DESK, at=MONDAY, **hand_appointment(dossier, MONDAY))
    dossier = act(dossier, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)
    act(dossier, "request_supplement", SPECIALIST, note="Ảnh mờ", items=["Giấy chứng sinh"])
    services.relay_all()
    # Progress by SMS only, requests for action by e-mail only.
    assert [(n.template, n.channel) for n in notifications(dossier)] == [
        ("received", "sms"),
        ("supplement", "email"),
    ]
    supplement = notifications(dossier, "supplement")[0]
    assert supplement.user == citizen
    assert "- Giấy chứng sinh" in supplement.body and "Lý do: Ảnh mờ" in supplement.body


def test_account_contact_is_used_when_the_dossier_has_none():
    citizen = get_user("congdan2")
    submission = birth_submission()
    submission.applicant.email = submission.applicant.phone = ""
    submission.applicant.user_id = citizen.pk
    dossier = submit(submission, by=get_user(DESK), at=MONDAY)
    dossier = perform(
        dossier.code, "receive", get_user(DESK), at=MONDAY, **hand_appointment(dossier, MONDAY)
    )
    act(dossier, "refuse", DESK, note="Sai thẩm quyền")
    services.relay_all()
    assert {(n.channel, n.address) for n in notifications(dossier, "refused")} == {
        ("email", "binh.tran@example.vn"),
        ("sms", "0987654321"),
    }


def test_officers_never_receive_applicant_notifications():
    officer = get_user(DESK)
    officer.email = "tiepnhan@halong.example.vn"
    officer.phone = "0911000111"
    officer.save()
    submission = birth_submission()
    submission.applicant.email, submission.applicant.phone = officer.email, "+84 911 000 111"
    dossier = submit(submission, by=officer, at=MONDAY)
    dossier = perform(
        dossier.code, "receive", officer, at=MONDAY, **hand_appointment(dossier, MONDAY)
    )
    act(dossier, "refuse", DESK, note="Sai thẩm quyền")
    services.relay_all()
    assert notifications(dossier) == []
    # An officer's account as the applicant's account: no preferences, no account fallback.
    dossier.applicant_user = officer
    dossier.applicant_email = dossier.applicant_phone = ""
    dossier.save()
    assert services.recipients(dossier, {}, "outcome") == []


def test_an_unusable_phone_is_recorded_as_failed_not_sent(sms_outbox):
    dossier = received(applicant=birth_submission().applicant)
    dossier.applicant_phone = "12345"
    dossier.save(update_fields=["applicant_phone"])
    act(dossier, "refuse", DESK, note="Sai thẩm quyền")
    services.relay_all()
    sms = Notification.objects.get(dossier=dossier, channel="sms")
    assert (sms.status, sms.address, sms.error) == ("failed", "12345", "invalid phone number")
    assert sms_outbox == []


def test_every_applicant_action_has_its_message(settings, tmp_path, sms_outbox):
    """Supplement at reception, payment, apology, stop and result, through the real actions."""
    from motcua.catalog.models import ProcedureChannel

    settings.MEDIA_ROOT = tmp_path
    ProcedureChannel.objects.filter(procedure__code="1.001193").update(
        duration_value=5, duration_unit="working_days"
    )
    guided = submit(birth_submission(), by=get_user(DESK), at=MONDAY)
    act(guided, "request_supplement_at_reception", DESK, note="Thiếu bản chính",
        items=["Giấy chứng sinh (bản chính)", "Căn cước của cha"], at=MONDAY)  # fmt: skip

    paid = received()
    act(paid, "require_payment", DESK, amount_vnd=1500000, note="Lệ phí cấp bản sao")

    late = received()
    late = act(late, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk, at=MONDAY)
    new_due = late.due_at + dt.timedelta(days=3)
    tuesday = MONDAY + dt.timedelta(days=1)
    act(late, "apologize", AGENCY_LEADER, note="Chờ xác minh nơi cư trú", new_due_at=new_due,
        at=tuesday)  # fmt: skip
    act(late, "stop", AGENCY_LEADER, note="Người nộp đề nghị dừng", at=tuesday)

    done = received()
    done = act(done, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)
    done = act(done, "submit_draft", SPECIALIST)
    done = act(done, "approve", LEADER)
    act(done, "issue_result", CLERK)

    services.relay_all()
    [guidance] = notifications(guided, "supplement_at_reception", "email")
    assert "- Giấy chứng sinh (bản chính)\n- Căn cước của cha" in guidance.body
    [payment] = notifications(paid, "payment", "email")
    assert "1.500.000 đồng" in payment.body and "Nội dung: Lệ phí cấp bản sao" in payment.body
    [apology] = notifications(late, "apology", "email")
    assert "Ngày hẹn trả mới: 17:00 ngày 12/03/2026." in apology.body
    assert "(17:00 ngày 09/03/2026)" in apology.body
    assert "Lý do: Chờ xác minh nơi cư trú" in apology.body
    [stopped] = notifications(late, "stopped", "email")
    assert "Lý do: Người nộp đề nghị dừng" in stopped.body
    [result] = notifications(done, "result_ready", "email")
    assert "đã có kết quả giải quyết" in result.body
    assert "Nhận tại bộ phận một cửa" in result.body
    sms_templates = set(
        Notification.objects.filter(channel="sms").values_list("template", flat=True)
    )
    assert sms_templates == {"supplement_at_reception", "payment", "stopped", "result_ready"}


def test_an_online_submission_tells_the_official_receipt_time():
    from motcua.portal.submission import official_receipt

    citizen = get_user("congdan1")
    saturday = dt.datetime(2026, 3, 7, 22, 15, tzinfo=MONDAY.tzinfo)
    submission = birth_submission("online")
    submission.applicant.user_id = citizen.pk
    dossier = submit(submission, by=citizen, at=saturday)
    services.relay_all()
    [email] = notifications(dossier, "submitted_online")
    receipt = official_receipt(dossier)
    assert receipt.weekday() == 0  # outside office hours: the next working day's opening
    assert f"Thời điểm tiếp nhận chính thức: {receipt:%H:%M} ngày {receipt:%d/%m/%Y}" in (
        email.body
    )
    assert email.user == citizen


def test_a_broken_row_keeps_its_error_and_stops_after_five_attempts(monkeypatch):
    dossier = received()
    calls = []

    def broken(*args):
        calls.append(args)
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "compose", broken)
    for _ in range(services.MAX_RELAY_ATTEMPTS + 2):
        services.relay_all()
    row = OutboxMessage.objects.get(
        dossier=dossier, topic="notification", payload__ThaoTac="receive"
    )
    assert row.delivered_at is None and row.attempts == services.MAX_RELAY_ATTEMPTS
    assert row.last_error == "RuntimeError: template missing"
    assert len(calls) == services.MAX_RELAY_ATTEMPTS
    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=row.pk).update(attempts=0)  # a person replays it
    assert services.relay_all() == 1
