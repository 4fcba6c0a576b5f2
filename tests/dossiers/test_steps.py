"""Internal steps of a dossier: the due moment of each step, the outcome rule of Form 06, and
the draft → approval → issue moves through processes of several shapes."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.processes import StepSpec, save_process
from motcua.dossiers.models import Status
from motcua.dossiers.services import CONFLICT, FORBIDDEN, DossierError, perform
from motcua.dossiers.steps import EARLY, LATE, ON_TIME, outcome, step_history
from tests.dossiers.conftest import MONDAY, with_draft
from tests.helpers import get_user

pytestmark = pytest.mark.django_db

VN = MONDAY.tzinfo
DESK, LEADER, UNIT_LEADER = "halong.tiepnhan", "halong.lanhdao", "halong.truongphong"
SPECIALIST, CLERK = "halong.chuyenvien", "halong.vanthu"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of March 2026, Vietnam time (2 March is a Monday)."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=VN)


def act(dossier, action, username, when, **params):
    return perform(dossier.code, action, get_user(username), at=when, **with_draft(action, params))


def process(*steps):
    """Give birth registration a default process: (role, value, unit) per step."""
    procedure = Procedure.objects.get(code="1.001193")
    specs = [
        StepSpec(n, f"Bước {n}", role, Decimal(value), unit)
        for n, (role, value, unit) in enumerate(steps, start=1)
    ]
    save_process(procedure, specs)


def received(new_dossier, due=None):
    """Received on Monday 2 March 09:00, appointment entered by hand (default: Friday 13
    March 17:00, the national extract gives no unit)."""
    dossier = new_dossier(at=MONDAY)
    return act(dossier, "receive", DESK, MONDAY, due_at=due or at(13, 17))


# --- the outcome rule -------------------------------------------------------------------------


def test_outcome_early_on_time_late():
    due = at(6, 17)  # Friday 17:00
    assert outcome(at(5, 16), due) == EARLY  # the day before
    assert outcome(dt.datetime(2026, 3, 5, 23, 59, tzinfo=VN), due) == EARLY
    assert outcome(dt.datetime(2026, 3, 6, 0, 0, tzinfo=VN), due) == ON_TIME  # the due day
    assert outcome(at(6, 17), due) == ON_TIME  # exactly at the due moment
    assert outcome(at(6, 17, 1), due) == LATE
    assert outcome(at(9, 8), due) == LATE
    # Midnight is Vietnam time, not UTC: 23:30 UTC on the 5th is 06:30 on the 6th in Vietnam.
    assert outcome(dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC), due) == ON_TIME
    assert outcome(None, due) is None  # still open
    assert outcome(at(6, 9), None) is None  # no due moment


# --- due moments of steps ---------------------------------------------------------------------


def test_each_step_is_due_by_its_allotment_never_past_the_appointment(new_dossier):
    process(
        ("specialist", "2", "working_days"),
        ("agency_leader", "4", "working_hours"),
        ("records_clerk", "20", "working_days"),
    )
    dossier = received(new_dossier)
    specialist, leader, clerk = get_user(SPECIALIST), get_user(LEADER), get_user(CLERK)
    dossier = act(dossier, "assign", LEADER, at(2, 9, 30), assignee_id=specialist.pk)
    # 2 working days from Monday 09:30: Wednesday at the closing time.
    assert dossier.step_due_at == at(4, 17)
    event = dossier.events.order_by("-seq").first()
    assert dt.datetime.fromisoformat(event.data["step_due_at"]) == at(4, 17)
    assert (event.data["step"], event.data["role"], event.data["assignee"]) == (
        1,
        "specialist",
        SPECIALIST,
    )
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 10), assignee_id=leader.pk)
    # 4 working hours from Tuesday 10:00: 11:30, lunch, then 13:30 + 2½ h = 16:00.
    assert (dossier.current_step, dossier.step_due_at) == (2, at(3, 16))
    left = dossier.events.order_by("-seq").first().data["left_step"]
    assert dt.datetime.fromisoformat(left.pop("due_at")) == at(4, 17)
    assert left == {"step": 1, "step_name": "Bước 1", "outcome": EARLY}
    dossier = act(dossier, "approve", LEADER, at(3, 16, 30), assignee_id=clerk.pk)
    # 20 working days would end in April: the step is due at the appointment.
    assert (dossier.current_step, dossier.step_due_at) == (3, at(13, 17))
    assert dossier.events.order_by("-seq").first().data["left_step"]["outcome"] == LATE
    dossier = act(dossier, "issue_result", CLERK, at(13, 17))
    assert dossier.current_step is None and dossier.step_due_at is None
    assert dossier.events.order_by("-seq").first().data["left_step"]["outcome"] == ON_TIME


def test_without_allotments_each_step_is_due_at_the_appointment(new_dossier):
    dossier = received(new_dossier)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    assert dossier.step_due_at == dossier.due_at == at(13, 17)


def test_a_supplement_pause_moves_the_step_and_the_hand_set_appointment(new_dossier):
    process(("specialist", "2", "working_days"), ("agency_leader", "1", "working_days"))
    dossier = received(new_dossier)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    assert dossier.step_due_at == at(4, 17)
    dossier = act(
        dossier,
        "request_supplement",
        SPECIALIST,
        at(3, 9),
        note="Thiếu giấy chứng sinh",
        items=["Giấy chứng sinh"],
    )
    # The citizen brings it two working days later (Thursday 09:00): both clocks stood still.
    dossier = act(dossier, "supplement_received", DESK, at(5, 9))
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == at(17, 17)  # Friday 13 → Tuesday 17
    assert dossier.step_due_at == at(6, 17)  # Wednesday 4 → Friday 6
    moved = dossier.events.order_by("-seq").first().data["step_due_at"]
    assert dt.datetime.fromisoformat(moved) == at(6, 17)
    # step_history takes the moved due moment.
    dossier = act(dossier, "submit_draft", SPECIALIST, at(6, 16))
    first = step_history(dossier)[0]
    assert (first.due_at, first.finished_at, first.outcome) == (at(6, 17), at(6, 16), ON_TIME)


# --- draft, approval, issue -------------------------------------------------------------------


def test_two_level_approval_then_the_clerk(new_dossier):
    process(
        ("specialist", "2", "working_days"),
        ("unit_leader", "1", "working_days"),
        ("agency_leader", "1", "working_days"),
        ("records_clerk", "1", "working_days"),
    )
    dossier = received(new_dossier)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(
        dossier, "submit_draft", SPECIALIST, at(3, 9), assignee_id=get_user(UNIT_LEADER).pk
    )
    assert (dossier.current_step, dossier.current_role, dossier.result_state) == (
        2,
        "unit_leader",
        "draft",
    )
    # The unit leader approves: the next step is the agency leader's, so the draft goes up.
    dossier = act(dossier, "approve", UNIT_LEADER, at(3, 15))
    assert (dossier.current_step, dossier.result_state, dossier.assignee) == (3, "draft", None)
    with pytest.raises(DossierError) as refused:
        act(dossier, "issue_result", CLERK, at(3, 16))
    assert refused.value.kind == CONFLICT
    dossier = act(dossier, "approve", LEADER, at(4, 9))
    assert (dossier.current_step, dossier.current_role, dossier.result_state) == (
        4,
        "records_clerk",
        "approved",
    )
    dossier = act(dossier, "issue_result", CLERK, at(4, 10))
    assert dossier.status == Status.RESOLVED
    assert (dossier.current_step, dossier.current_step_name, dossier.assignee) == (None, "", None)

    history = step_history(dossier)
    assert [r.position for r in history] == [1, 2, 3, 4]
    assert [r.giver_name for r in history] == [
        get_user(LEADER).get_full_name(),
        get_user(SPECIALIST).get_full_name(),
        get_user(UNIT_LEADER).get_full_name(),
        get_user(LEADER).get_full_name(),
    ]
    # The receiver is the assignee, else the role of the step.
    assert history[0].receiver_name == get_user(SPECIALIST).get_full_name()
    assert history[1].receiver_name == get_user(UNIT_LEADER).get_full_name()
    assert history[2].receiver_name == "Lãnh đạo cơ quan"
    assert history[3].receiver_name == "Văn thư"
    assert [r.finished_at for r in history] == [at(3, 9), at(3, 15), at(4, 9), at(4, 10)]
    # Due: Wed 4 17:00, Wed 4 17:00, Wed 4 17:00 (1 day from Tue 15:00), Thu 5 17:00.
    assert [r.outcome for r in history] == [EARLY, EARLY, ON_TIME, EARLY]
    assert all(r.agency.code == "H22.6688" for r in history)


def test_processes_without_a_leader_or_a_clerk_step(new_dossier):
    """One step only: the draft waits at it, is approved there and the issue closes it."""
    process(("specialist", "3", "working_days"))
    dossier = received(new_dossier)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 9))
    assert (dossier.current_step, dossier.result_state) == (1, "draft")
    assert "step" not in dossier.events.order_by("-seq").first().data
    dossier = act(dossier, "approve", LEADER, at(3, 10))
    assert (dossier.current_step, dossier.result_state) == (1, "approved")
    dossier = act(dossier, "issue_result", CLERK, at(3, 11))
    assert dossier.current_step is None
    assert [(r.position, r.finished_at) for r in step_history(dossier)] == [(1, at(3, 11))]


def test_specialist_then_clerk_the_draft_goes_to_the_next_step(new_dossier):
    process(("specialist", "2", "working_days"), ("records_clerk", "1", "working_days"))
    dossier = received(new_dossier)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 9))
    assert (dossier.current_step, dossier.current_role) == (2, "records_clerk")
    dossier = act(dossier, "approve", LEADER, at(3, 10))
    assert (dossier.current_step, dossier.result_state) == (2, "approved")
    dossier = act(dossier, "issue_result", CLERK, at(3, 11))
    assert dossier.status == Status.RESOLVED and dossier.current_step is None


def test_return_draft_goes_back_to_the_author(new_dossier):
    dossier = received(new_dossier)
    specialist = get_user(SPECIALIST)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=specialist.pk)
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 9))
    assert dossier.current_step == 2
    with pytest.raises(DossierError, match="Phê duyệt"):
        act(dossier, "forward", SPECIALIST, at(3, 10))
    dossier = act(dossier, "return_draft", LEADER, at(3, 11), note="Sai tên cha")
    assert (dossier.current_step, dossier.assignee, dossier.result_state) == (1, specialist, "")
    assert [r.position for r in step_history(dossier)] == [1, 2, 1]


def test_an_assigned_approval_step_is_only_for_its_leader(new_dossier):
    dossier = received(new_dossier)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(dossier, "submit_draft", SPECIALIST, at(3, 9), assignee_id=get_user(LEADER).pk)
    with pytest.raises(DossierError) as refused:
        act(dossier, "approve", UNIT_LEADER, at(3, 10))
    assert refused.value.kind == FORBIDDEN
    # The chosen officer must hold the step's role.
    with pytest.raises(DossierError, match="Văn thư"):
        act(dossier, "approve", LEADER, at(3, 10), assignee_id=get_user(SPECIALIST).pk)
    dossier = act(dossier, "approve", LEADER, at(3, 10))
    assert dossier.result_state == "approved"


def test_step_history_survives_a_process_edited_later(new_dossier):
    process(("specialist", "2", "working_days"), ("agency_leader", "1", "working_days"))
    dossier = received(new_dossier)
    dossier = act(dossier, "assign", LEADER, at(2, 10), assignee_id=get_user(SPECIALIST).pk)
    process(("specialist", "5", "working_days"))
    history = step_history(dossier)
    assert [(r.name, r.due_at, r.outcome) for r in history] == [("Bước 1", at(4, 17), None)]
