"""The whole path of a dossier through dossiers.services, with deadlines and history."""

import datetime as dt

import pytest

from motcua.dossiers.models import DossierEvent, OutboxMessage, Status
from motcua.dossiers.services import CONFLICT, FORBIDDEN, DossierError, perform
from tests.dossiers.conftest import MONDAY, with_draft
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

DESK = "halong.tiepnhan"
LEADER = "halong.lanhdao"
SPECIALIST = "halong.chuyenvien"
CLERK = "halong.vanthu"


def act(dossier, action, username, **params):
    return perform(dossier.code, action, get_user(username), **with_draft(action, params))


def test_receive_freezes_the_legal_appointment(received_dossier):
    dossier = received_dossier()
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == MONDAY
    # Birth registration: "1" with no unit in the national extract, so no frozen deadline;
    # when the catalog gives one, the due moment is computed with the working-time engine.
    event = dossier.events.get(action="receive")
    assert event.actor_role == "reception"
    assert event.agency.code == "H22.6688.1"


def test_receive_computes_the_due_moment_in_working_days(new_dossier):
    from motcua.catalog.models import ProcedureChannel

    channel = ProcedureChannel.objects.filter(procedure__code="1.001193", channel="direct").first()
    channel.duration_value, channel.duration_unit = 5, "working_days"
    channel.save()
    friday = dt.datetime(2026, 2, 13, 10, 0, tzinfo=MONDAY.tzinfo)
    dossier = new_dossier(at=friday)
    dossier = act(dossier, "receive", DESK, at=friday)
    assert (
        dossier.due_at.isoformat() == "2026-02-27T10:00:00+00:00"
        or dossier.due_at == dt.datetime(2026, 2, 27, 17, 0, tzinfo=MONDAY.tzinfo)
    )
    # Later catalog edits never move it.
    channel.duration_value = 30
    channel.save()
    dossier.refresh_from_db()
    assert dossier.due_at == dt.datetime(2026, 2, 27, 17, 0, tzinfo=MONDAY.tzinfo)


def test_full_path_to_the_returned_result(received_dossier):
    dossier = received_dossier()
    specialist = get_user(SPECIALIST)
    dossier = act(dossier, "assign", LEADER, assignee_id=specialist.pk)
    assert (dossier.status, dossier.current_step, dossier.assignee) == (
        Status.PROCESSING,
        1,
        specialist,
    )
    dossier = act(dossier, "submit_draft", SPECIALIST)
    assert dossier.result_state == "draft"
    with pytest.raises(DossierError) as refused:
        act(dossier, "issue_result", CLERK)
    assert refused.value.kind == CONFLICT
    dossier = act(dossier, "approve", LEADER)
    dossier = act(dossier, "issue_result", CLERK)
    assert dossier.status == Status.RESOLVED and dossier.resolved_at
    dossier = act(
        dossier, "return_result", DESK, receiver_name="Nguyễn Văn An", receiver_id="022090001234"
    )
    assert dossier.status == Status.RETURNED and dossier.is_closed
    actions = list(dossier.events.values_list("action", flat=True))
    assert actions == [
        "submit",
        "receive",
        "assign",
        "submit_draft",
        "approve",
        "issue_result",
        "return_result",
    ]
    assert list(dossier.events.values_list("seq", flat=True)) == list(range(1, 8))
    assert OutboxMessage.objects.filter(dossier=dossier, topic="national_portal").count() == 7


def test_supplement_pauses_and_resumes_the_clock(received_dossier):
    from motcua.catalog.models import ProcedureChannel

    ProcedureChannel.objects.filter(procedure__code="1.001193").update(
        duration_value=3, duration_unit="working_days"
    )
    dossier = received_dossier()
    due = dossier.due_at
    assert due == dt.datetime(2026, 3, 5, 17, 0, tzinfo=MONDAY.tzinfo)
    dossier = act(dossier, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)
    tuesday = MONDAY + dt.timedelta(days=1)
    dossier = perform(
        dossier.code,
        "request_supplement",
        get_user(SPECIALIST),
        note="Thiếu giấy chứng sinh",
        items=["Giấy chứng sinh"],
        at=tuesday,
    )
    assert dossier.status == Status.SUPPLEMENT and dossier.supplement_count == 1
    # The citizen brings the paper two working days later: the appointment moves by two days.
    thursday = tuesday + dt.timedelta(days=2)
    dossier = perform(dossier.code, "supplement_received", get_user(DESK), at=thursday)
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == dt.datetime(2026, 3, 9, 17, 0, tzinfo=MONDAY.tzinfo)
    assert dossier.code.startswith("H22.6688.1-260302-")


def test_guidance_at_reception_happens_once(new_dossier):
    dossier = new_dossier()
    dossier = act(
        dossier,
        "request_supplement_at_reception",
        DESK,
        note="Thiếu giấy tờ",
        items=["Giấy chứng sinh"],
    )
    assert dossier.status == Status.SUPPLEMENT
    dossier = act(dossier, "supplement_received", DESK)
    assert dossier.status == Status.SUBMITTED
    with pytest.raises(DossierError, match="một lần"):
        act(dossier, "request_supplement_at_reception", DESK, note="Lần hai", items=["X"])


def test_extra_component_needs_a_reason(new_dossier):
    from motcua.dossiers.services import ComponentInput

    with pytest.raises(DossierError, match="lý do"):
        new_dossier(components=[ComponentInput(name="Sổ hộ khẩu")])
    dossier = new_dossier(
        components=[ComponentInput(name="Sổ hộ khẩu", extra_reason="Công dân tự nguyện nộp thêm")]
    )
    assert dossier.components.get().extra_reason


def test_a_note_is_required_where_the_law_wants_a_reason(new_dossier):
    dossier = new_dossier()
    with pytest.raises(DossierError, match="lý do"):
        act(dossier, "refuse", DESK)
    dossier = act(dossier, "refuse", DESK, note="Không thuộc thẩm quyền")
    assert dossier.status == Status.REFUSED and dossier.refused_at


def test_officer_of_another_commune_is_refused(received_dossier):
    dossier = received_dossier()
    with pytest.raises(DossierError) as refused:
        act(dossier, "assign", "vandon.lanhdao", assignee_id=get_user("vandon.chuyenvien").pk)
    assert refused.value.kind == FORBIDDEN


def test_stale_revision_is_a_conflict(received_dossier):
    dossier = received_dossier()
    stale = dossier.revision
    act(dossier, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)
    with pytest.raises(DossierError) as conflict:
        perform(dossier.code, "stop", get_user(LEADER), note="x", expected_revision=stale)
    assert conflict.value.kind == CONFLICT


def test_apology_once_and_only_before_the_last_working_day(received_dossier):
    from motcua.catalog.models import ProcedureChannel

    ProcedureChannel.objects.filter(procedure__code="1.001193").update(
        duration_value=5, duration_unit="working_days"
    )
    dossier = received_dossier()
    dossier = act(dossier, "assign", LEADER, assignee_id=get_user(SPECIALIST).pk)
    late = dossier.due_at - dt.timedelta(hours=2)
    with pytest.raises(DossierError, match="1 ngày làm việc"):
        perform(
            dossier.code,
            "apologize",
            get_user(LEADER),
            note="Chờ xác minh",
            new_due_at=dossier.due_at + dt.timedelta(days=3),
            at=late,
        )
    early = MONDAY + dt.timedelta(days=1)
    new_due = dossier.due_at + dt.timedelta(days=3)
    dossier = perform(
        dossier.code,
        "apologize",
        get_user(LEADER),
        note="Chờ xác minh",
        new_due_at=new_due,
        at=early,
    )
    assert dossier.due_at == new_due and dossier.original_due_at and dossier.apologized_at
    with pytest.raises(DossierError, match="một lần"):
        perform(
            dossier.code,
            "apologize",
            get_user(LEADER),
            note="Lần hai",
            new_due_at=new_due + dt.timedelta(days=1),
            at=early,
        )


def test_history_cannot_be_edited_even_in_sql(received_dossier):
    from django.db import DatabaseError, connection, transaction

    dossier = received_dossier()
    event = dossier.events.first()
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE dossiers_dossierevent SET note = 'x' WHERE id = %s", [event.pk])
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2


def test_an_agency_that_receives_and_resolves_itself(new_dossier):
    """A department receiving its own dossiers: desk and processing roles at one agency."""
    from motcua.accounts.models import OfficerMembership
    from motcua.organizations.models import Agency

    justice = Agency.objects.get(code="H22.03")
    desk = get_user("halong.tiepnhan")
    OfficerMembership.objects.create(user=desk, agency=justice, role="reception")
    dossier = new_dossier(receiving_agency=justice, competent_agency=justice)
    dossier = act(dossier, "receive", DESK, at=MONDAY, due_at=MONDAY + dt.timedelta(days=7))
    specialist = get_user("sotuphap.chuyenvien")
    dossier = act(dossier, "assign", "sotuphap.lanhdao", assignee_id=specialist.pk)
    assert dossier.assignee == specialist
