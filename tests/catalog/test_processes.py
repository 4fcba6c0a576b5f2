"""Internal processes: converting allotments and legal deadlines to working minutes, the rule
that the allotments fit in the deadline, and saving the steps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.catalog.data import ChannelData, ProcedureData, SubCaseData
from motcua.catalog.models import ProcessDefinition
from motcua.catalog.processes import (
    LegalDeadline,
    ProcessError,
    StepSpec,
    check_steps,
    deadline_minutes,
    delete_process,
    describe_minutes,
    effective_process,
    legal_deadline,
    process_definitions,
    save_process,
    step_minutes,
    working_day_minutes,
)
from motcua.catalog.services import save_procedure
from tests.helpers import get_agency, get_user

DAY = 450  # 07:30–11:30 and 13:30–17:00


def deadline(minutes: int) -> LegalDeadline:
    return LegalDeadline(Decimal(minutes), Decimal(minutes) / DAY, "working_days", "Trực tiếp", "")


def step(position: int, value: str, unit: str = "working_days", name: str = "Bước") -> StepSpec:
    return StepSpec(position, name, "specialist", Decimal(value), unit)


# --- conversions ------------------------------------------------------------------------------
def test_a_working_day_is_the_default_calendars_office_time():
    assert working_day_minutes() == DAY


@pytest.mark.parametrize(
    ("value", "unit", "minutes"),
    [
        ("1", "working_days", DAY),
        ("0.5", "working_days", DAY / 2),
        ("4", "working_hours", 240),
        ("1.5", "working_hours", 90),
    ],
)
def test_step_minutes(value, unit, minutes):
    assert step_minutes(Decimal(value), unit) == minutes


@pytest.mark.parametrize(
    ("value", "unit", "working_days"),
    [
        ("5", "working_days", 5),
        ("0.5", "working_days", Decimal("0.5")),
        ("15", "working_hours", Decimal(900) / DAY),
        # Calendar days run over weekends: the least working time over every weekday of receipt.
        ("5", "days", 3),  # received on a Friday: Monday, Tuesday, Wednesday
        ("7", "days", 5),
        ("15", "days", 11),  # a last day on Saturday moves to Monday
        ("30", "days", 21),
        ("1", "months", 20),  # February
        ("3", "months", 63),
        # Hours are elapsed time from the opening of the day of receipt.
        ("24", "hours", 1),
        ("48", "hours", 1),  # received on a Friday, due on Sunday morning
        ("72", "hours", 1),  # Friday 07:30 to Monday 07:30
        ("96", "hours", 2),
    ],
)
def test_deadline_minutes(value, unit, working_days):
    assert deadline_minutes(value, unit) == Decimal(working_days) * DAY


@pytest.mark.parametrize(
    ("value", "unit"),
    [(None, "working_days"), ("", "days"), ("5", ""), ("0", "working_days"), ("1.5", "months")],
)
def test_unusable_deadlines(value, unit):
    assert deadline_minutes(value, unit) is None


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (6 * DAY, "6 ngày làm việc"),
        (DAY / 2, "0,5 ngày làm việc"),
        (180, "3 giờ làm việc"),
        (90, "1,5 giờ làm việc"),
        (DAY + 120, "1 ngày 2 giờ làm việc"),
        (DAY * 3 / 2, "1,5 ngày làm việc"),
        (4 * DAY + 240, "4 ngày 4 giờ làm việc"),
    ],
)
def test_describe_minutes(minutes, text):
    assert describe_minutes(Decimal(minutes)) == text


# --- the rule ---------------------------------------------------------------------------------
def test_steps_that_fit_the_deadline():
    check = check_steps(
        [step(1, "4", "working_hours"), step(2, "3"), step(3, "1")], deadline(5 * DAY)
    )
    assert check.ok and check.warnings == ()
    assert check.total_minutes == 4 * DAY + 240


def test_steps_that_use_the_whole_deadline_fit():
    assert check_steps([step(1, "2"), step(2, "3")], deadline(5 * DAY)).ok


def test_steps_that_exceed_the_deadline():
    check = check_steps([step(1, "2"), step(2, "3"), step(3, "1")], deadline(5 * DAY))
    assert check.errors == (
        "Tổng thời gian các bước (6 ngày làm việc) vượt thời hạn giải quyết (5 ngày làm việc).",
    )


def test_one_working_hour_too_many_is_refused():
    check = check_steps([step(1, "5"), step(2, "1", "working_hours")], deadline(5 * DAY))
    assert check.errors == (
        "Tổng thời gian các bước (5 ngày 1 giờ làm việc) vượt thời hạn giải quyết "
        "(5 ngày làm việc).",
    )


def test_without_a_deadline_any_allotment_is_accepted_with_a_warning():
    check = check_steps([step(1, "400")], None)
    assert check.ok
    [warning] = check.warnings
    assert "chưa kiểm tra được tổng thời gian các bước" in warning


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([], "Quy trình phải có ít nhất một bước."),
        ([step(1, "1"), step(1, "1"), step(2, "1"), step(2, "1")], "bị trùng: 1, 2."),
        ([step(1, "0")], "Thời gian của mỗi bước phải lớn hơn 0."),
        ([step(1, "-1")], "Thời gian của mỗi bước phải lớn hơn 0."),
    ],
)
def test_invalid_steps(steps, message):
    check = check_steps(steps, deadline(5 * DAY))
    assert not check.ok
    assert any(message in error for error in check.errors)


# --- with the database ------------------------------------------------------------------------
def procedure_with(*channels: ChannelData, code: str = "9.991001"):
    data = ProcedureData(
        code=code,
        name="Thủ tục thử quy trình nội bộ",
        levels=["province"],
        subcases=[SubCaseData("TH01", "Trường hợp gấp")],
        channels=list(channels),
    )
    return save_procedure(data).procedure


@pytest.mark.django_db
def test_legal_deadline_is_the_smallest_usable_one():
    procedure = procedure_with(
        ChannelData("direct", "15", "days"),
        ChannelData("online", None, "", duration_text="Theo quy định"),
        ChannelData("postal", "12", "working_days"),
        ChannelData("direct", "8", "working_days", subcase="TH01"),
        ChannelData("online", "0", "working_days"),
    )
    found = legal_deadline(procedure)
    assert found.minutes == 8 * DAY
    assert (found.channel, found.subcase, found.original()) == (
        "Trực tiếp",
        "Trường hợp gấp",
        "8 ngày làm việc",
    )
    assert legal_deadline(procedure_with(ChannelData("direct"), code="9.991002")) is None


@pytest.mark.django_db
def test_save_replaces_the_steps_in_order():
    procedure = procedure_with(ChannelData("direct", "5", "working_days"))
    officer = get_user("tinh.danhmuc")
    save_process(procedure, [step(2, "1", name="Hai"), step(1, "1", name="Một")], by=officer)
    definition = save_process(
        procedure,
        [step(30, "1", name="Ba"), step(10, "4", "working_hours", name="Một"), step(20, "2")],
        by=officer,
    )
    assert definition.name == "Quy trình nội bộ chung"
    assert definition.updated_by == officer
    assert [(s.position, s.name) for s in definition.steps.all()] == [
        (1, "Một"),
        (2, "Bước"),
        (3, "Ba"),
    ]
    assert ProcessDefinition.objects.filter(procedure=procedure).count() == 1


@pytest.mark.django_db
def test_save_refuses_steps_over_the_deadline_and_keeps_the_old_ones():
    procedure = procedure_with(ChannelData("direct", "5", "working_days"))
    save_process(procedure, [step(1, "5")])
    with pytest.raises(ProcessError) as raised:
        save_process(procedure, [step(1, "5"), step(2, "0.5", "working_hours")])
    assert raised.value.messages == [
        "Tổng thời gian các bước (5 ngày 0,5 giờ làm việc) vượt thời hạn giải quyết "
        "(5 ngày làm việc)."
    ]
    assert [s.allotted_value for s in process_definitions(procedure)[0].steps.all()] == [5]


@pytest.mark.django_db
def test_agency_definitions_override_the_default():
    procedure = procedure_with(ChannelData("direct", "5", "working_days"))
    halong = get_agency("H22.6688")
    vandon = get_agency("H22.6994")
    assert effective_process(procedure, halong) is None
    default = save_process(procedure, [step(1, "3")])
    own = save_process(procedure, [step(1, "1"), step(2, "1")], agency=halong)
    assert own.name == "Quy trình nội bộ của Ủy ban nhân dân Phường Hạ Long"
    assert effective_process(procedure, halong) == own
    assert effective_process(procedure, vandon) == default
    assert [d.agency for d in process_definitions(procedure)] == [None, halong]
    assert delete_process(procedure, halong)
    assert effective_process(procedure, halong) == default
    with pytest.raises(ValueError):
        delete_process(procedure, None)
