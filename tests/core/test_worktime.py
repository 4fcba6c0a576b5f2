"""The pure working-time engine: table tests on the real Vietnamese calendar (holidays package),
receipt moments, working time between moments, pauses and errors. No database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from motcua.core import worktime
from motcua.core.worktime import (
    VN_TZ,
    Unit,
    WorkCalendar,
    WorktimeError,
    add,
    add_with_pauses,
    is_working_day,
    receipt_moment,
    working_minutes_between,
    working_time_between,
)

CAL = worktime.default_calendar()
D = dt.date


def at(text: str) -> dt.datetime:
    """'2026-02-13 10:00' → an aware Vietnam moment."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


# --- the holidays package, as this project relies on it ------------------------------------


def test_holidays_package_facts():
    days_off, make_up = worktime.vn_public_holidays(range(2025, 2028))
    # Tết Bính Ngọ 2026: Monday 16 – Friday 20 February.
    assert {D(2026, 2, d) for d in range(16, 21)} <= days_off
    assert D(2026, 2, 13) not in days_off and D(2026, 2, 23) not in days_off
    # Make-up Saturday 22 August 2026 for the day off on Monday 31 August; 2/9 + 1/9.
    assert make_up == {D(2025, 4, 26), D(2026, 8, 22)}
    assert {D(2026, 8, 31), D(2026, 9, 1), D(2026, 9, 2)} <= days_off
    # 30/4 and 1/5, with the 2025 swap (Friday 2/5 off, Saturday 26/4 worked).
    assert {D(2026, 4, 30), D(2026, 5, 1), D(2025, 4, 30), D(2025, 5, 1), D(2025, 5, 2)} <= days_off
    # Vietnam Culture Day 24/11 from 2026 only.
    assert D(2026, 11, 24) in days_off and D(2027, 11, 24) in days_off
    assert D(2025, 11, 24) not in days_off
    # Hùng Kings 2026 fall on a Sunday: Monday 27/4 is the compensation day.
    assert {D(2026, 4, 26), D(2026, 4, 27)} <= days_off


def test_holiday_sets_are_cached_per_year_range():
    assert worktime.vn_public_holidays(range(2025, 2028)) is worktime.vn_public_holidays(
        range(2025, 2028)
    )
    assert worktime.default_calendar() is worktime.default_calendar()
    assert worktime.default_calendar(range(2025, 2027)).years == range(2025, 2027)


# --- due moments: the table ----------------------------------------------------------------

CASES = [
    # (id, received, amount, unit, cutoff, due)
    ("tet-2026-5-working-days", "2026-02-13 10:00", 5, "working_days", None, "2026-02-27 17:00"),
    ("tet-2026-decimal-amount", "2026-02-13 10:00", Decimal("5"), "working_days", None,
     "2026-02-27 17:00"),
    ("tet-2027", "2027-02-03 10:00", 1, "working_days", None, "2027-02-11 17:00"),
    ("make-up-saturday-counts", "2026-08-21 10:00", 1, "working_days", None, "2026-08-22 17:00"),
    ("received-on-make-up-saturday", "2026-08-22 09:00", 0, "working_days", None,
     "2026-08-22 17:00"),
    ("national-day-2026-31-8-1-9-2-9", "2026-08-28 10:00", 1, "working_days", None,
     "2026-09-03 17:00"),
    ("national-day-2025-1-9-2-9", "2025-08-29 10:00", 1, "working_days", None, "2025-09-03 17:00"),
    ("30-4-1-5-2026", "2026-04-29 10:00", 1, "working_days", None, "2026-05-04 17:00"),
    ("2025-swap-saturday-26-4", "2025-04-25 10:00", 1, "working_days", None, "2025-04-26 17:00"),
    ("2025-30-4-1-5-2-5", "2025-04-25 10:00", 4, "working_days", None, "2025-05-05 17:00"),
    ("hung-kings-2026-compensation", "2026-04-24 10:00", 1, "working_days", None,
     "2026-04-28 17:00"),
    ("culture-day-24-11-2026", "2026-11-23 10:00", 1, "working_days", None, "2026-11-25 17:00"),
    ("no-culture-day-in-2025", "2025-11-21 10:00", 1, "working_days", None, "2025-11-24 17:00"),
    ("new-year-across-years", "2026-12-30 10:00", 2, "working_days", None, "2027-01-04 17:00"),
    ("before-cutoff", "2026-03-02 15:59", 1, "working_days", dt.time(16), "2026-03-03 17:00"),
    ("exactly-at-cutoff", "2026-03-02 16:00", 1, "working_days", dt.time(16), "2026-03-03 17:00"),
    ("after-cutoff", "2026-03-02 16:30", 1, "working_days", dt.time(16), "2026-03-04 17:00"),
    ("after-cutoff-friday", "2026-03-06 16:30", 0, "working_days", dt.time(16),
     "2026-03-09 17:00"),
    ("no-cutoff-same-day", "2026-03-02 16:30", 1, "working_days", None, "2026-03-03 17:00"),
    ("zero-working-days", "2026-03-02 10:00", 0, "working_days", None, "2026-03-02 17:00"),
    ("zero-days", "2026-03-02 10:00", 0, "days", None, "2026-03-02 17:00"),
    ("zero-months", "2026-03-02 10:00", 0, "months", None, "2026-03-02 17:00"),
    ("zero-at-closing-time-is-next-day", "2026-03-02 17:00", 0, "working_days", None,
     "2026-03-03 17:00"),
    ("sunday-receipt", "2026-03-08 10:00", 0, "working_days", None, "2026-03-09 17:00"),
    ("saturday-morning-is-not-a-working-day", "2026-03-07 08:00", 1, "working_days", None,
     "2026-03-10 17:00"),
    ("lunch-break-working-hours", "2026-03-02 12:00", 1, "working_hours", None,
     "2026-03-02 14:30"),
    ("lunch-break-crossed", "2026-03-02 11:00", 1, "working_hours", None, "2026-03-02 14:00"),
    ("morning-ends-at-11-30", "2026-03-02 09:30", 2, "working_hours", None, "2026-03-02 11:30"),
    ("before-opening", "2026-03-02 06:00", 2, "working_hours", None, "2026-03-02 09:30"),
    ("working-hours-to-next-day", "2026-03-02 16:00", 2, "working_hours", None,
     "2026-03-03 08:30"),
    ("working-hours-end-at-closing", "2026-03-02 15:00", 2, "working_hours", None,
     "2026-03-02 17:00"),
    ("working-hours-over-weekend", "2026-03-06 16:00", 2, "working_hours", None,
     "2026-03-09 08:30"),
    ("working-hours-over-tet", "2026-02-13 16:00", 8, "working_hours", None, "2026-02-23 16:30"),
    ("working-hours-fraction", "2026-03-02 07:30", Decimal("1.25"), "working_hours", None,
     "2026-03-02 08:45"),
    ("working-hours-several-days", "2026-03-02 07:30", 15, "working_hours", None,
     "2026-03-03 17:00"),
    ("zero-working-hours-is-receipt", "2026-03-02 12:15", 0, "working_hours", None,
     "2026-03-02 13:30"),
    ("calendar-days-into-tet", "2026-02-09 10:00", 7, "days", None, "2026-02-23 17:00"),
    ("calendar-days-onto-saturday", "2026-03-06 10:00", 1, "days", None, "2026-03-09 17:00"),
    ("calendar-days-30", "2026-03-02 10:00", 30, "days", None, "2026-04-01 17:00"),
    ("month-end-clamped", "2027-05-31 10:00", 1, "months", None, "2027-06-30 17:00"),
    ("month-end-clamped-then-weekend", "2025-12-31 10:00", 2, "months", None, "2026-03-02 17:00"),
    ("month-from-a-tet-receipt", "2025-01-31 10:00", 1, "months", None, "2025-03-03 17:00"),
    ("month-end-clamped-leap-year", "2027-12-31 10:00", 2, "months", None, "2028-02-29 17:00"),
    ("month-onto-holidays", "2026-03-31 10:00", 1, "months", None, "2026-05-04 17:00"),
    ("month-onto-tet", "2026-01-15 10:00", 1, "months", None, "2026-02-23 17:00"),
    ("twelve-months", "2026-03-02 10:00", 12, "months", None, "2027-03-02 17:00"),
    ("hours-are-elapsed-time", "2026-03-02 16:00", 24, "hours", None, "2026-03-03 16:00"),
    ("hours-may-end-outside-office", "2026-03-06 16:00", 8, "hours", None, "2026-03-07 00:00"),
    ("hours-start-at-receipt", "2026-03-07 10:00", 2, "hours", None, "2026-03-09 09:30"),
    ("hours-after-cutoff", "2026-03-02 16:30", 1, "hours", dt.time(16), "2026-03-03 08:30"),
    ("half-working-day", "2026-03-02 10:00", Decimal("0.5"), "working_days", None,
     "2026-03-03 11:15"),
    ("one-and-a-half-working-days", "2026-03-02 10:00", Decimal("1.5"), "working_days", None,
     "2026-03-04 11:15"),
    ("fraction-over-tet", "2026-02-12 10:00", Fraction(3, 2), "working_days", None,
     "2026-02-23 11:15"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("received", "amount", "unit", "cutoff", "due"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_due_moment(received, amount, unit, cutoff, due):
    result = add(at(received), amount, unit, CAL, cutoff=cutoff)
    assert result == at(due)
    assert result.utcoffset() == dt.timedelta(hours=7)


def test_an_aware_start_in_another_zone_is_read_in_vietnam_time():
    utc = dt.datetime(2026, 2, 13, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hà Nội
    due = add(utc, 5, Unit.WORKING_DAYS, CAL)
    assert due.isoformat() == "2026-02-27T17:00:00+07:00"


def test_float_amounts_are_read_as_their_decimal_form():
    assert add(at("2026-03-02 07:30"), 0.1, "working_hours", CAL) == at("2026-03-02 07:36")


# --- receipt moments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "cutoff", "received"),
    [
        ("2026-03-02 10:00", None, "2026-03-02 10:00"),
        ("2026-03-02 07:29", None, "2026-03-02 07:30"),
        ("2026-03-02 07:30", None, "2026-03-02 07:30"),
        ("2026-03-02 11:29:59", None, "2026-03-02 11:29:59"),
        ("2026-03-02 11:30", None, "2026-03-02 13:30"),  # the lunch break: afternoon opening
        ("2026-03-02 12:45", None, "2026-03-02 13:30"),
        ("2026-03-02 16:59:59.5", None, "2026-03-02 16:59:59.5"),
        ("2026-03-02 17:00", None, "2026-03-03 07:30"),  # closing time: next working day
        ("2026-03-02 23:59", None, "2026-03-03 07:30"),
        ("2026-03-06 17:30", None, "2026-03-09 07:30"),  # Friday evening → Monday
        ("2026-03-07 08:00", None, "2026-03-09 07:30"),  # Saturday reception counts Monday
        ("2026-02-13 18:00", None, "2026-02-23 07:30"),  # Tết
        ("2026-08-22 08:00", None, "2026-08-22 08:00"),  # make-up Saturday
        ("2026-03-02 16:00", dt.time(16), "2026-03-02 16:00"),
        ("2026-03-02 16:00:01", dt.time(16), "2026-03-03 07:30"),
        ("2026-03-02 12:00", dt.time(11), "2026-03-03 07:30"),
        ("2026-03-02 12:00", dt.time(16), "2026-03-02 13:30"),
    ],
)
def test_receipt_moment(moment, cutoff, received):
    assert receipt_moment(at(moment), CAL, cutoff) == at(received)


def test_is_working_day():
    assert is_working_day(D(2026, 8, 22), CAL)  # make-up Saturday
    assert not is_working_day(D(2026, 8, 29), CAL)  # an ordinary Saturday
    assert not is_working_day(D(2026, 2, 17), CAL)  # Tết
    assert not is_working_day(D(2026, 11, 24), CAL)
    assert is_working_day(D(2026, 11, 25), CAL)
    # An aware moment is judged by its Vietnam date: 20:00 UTC on Sunday is Monday in Hà Nội.
    assert is_working_day(dt.datetime(2026, 3, 8, 20, tzinfo=dt.UTC), CAL)
    assert worktime.next_working_day(D(2026, 2, 13), CAL) == D(2026, 2, 23)


# --- working time between two moments ------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        ("2026-03-02 08:00", "2026-03-02 10:00", 120),
        ("2026-03-02 11:00", "2026-03-02 14:00", 60),  # lunch does not count
        ("2026-03-02 06:00", "2026-03-02 20:00", 450),
        ("2026-03-02 16:00", "2026-03-03 08:30", 120),
        ("2026-03-06 16:00", "2026-03-09 08:30", 120),  # weekend
        ("2026-03-07 09:00", "2026-03-08 15:00", 0),
        ("2026-02-12 16:00", "2026-02-23 08:30", 60 + 450 + 60),  # Tết
        ("2026-03-02 10:00", "2026-03-02 10:00", 0),
        ("2026-03-02 10:00", "2026-03-02 08:00", -120),
        ("2026-03-02 10:00", "2026-03-02 10:00:59", 0),  # whole minutes, truncated
        ("2026-03-02 10:00:59", "2026-03-02 10:00", 0),
        # 2025: 261 weekdays, 12 of them holidays, plus the make-up Saturday 26/4 = 250 days.
        ("2025-01-01 00:00", "2026-01-01 00:00", 250 * 450),
    ],
)
def test_working_minutes_between(a, b, minutes):
    assert working_minutes_between(at(a), at(b), CAL) == minutes


def test_working_time_between_is_exact():
    a, b = at("2026-03-02 10:00"), at("2026-03-02 10:00:30.25")
    assert working_time_between(a, b, CAL) == dt.timedelta(seconds=30.25)
    assert working_time_between(b, a, CAL) == -dt.timedelta(seconds=30.25)


# --- pauses (supplement requests stop the clock) -----------------------------------------------

START = "2026-03-02 10:00"  # Monday; 5 working days → Monday 2026-03-09 17:00


def due_with(*pauses, unit="working_days", amount=5, now=None):
    pauses = [(at(a), at(b) if b else None) for a, b in pauses]
    return add_with_pauses(at(START), amount, unit, CAL, pauses, now=now)


@pytest.mark.parametrize(
    ("pauses", "due"),
    [
        ([], "2026-03-09 17:00"),
        ([("2026-03-03 10:00", "2026-03-03 10:00")], "2026-03-09 17:00"),  # zero length
        ([("2026-03-03 10:00", "2026-03-04 10:00")], "2026-03-10 17:00"),  # one working day
        ([("2026-03-03 10:00", "2026-03-03 12:00")], "2026-03-10 09:00"),  # 1.5 h (lunch)
        ([("2026-03-06 17:00", "2026-03-09 07:30")], "2026-03-09 17:00"),  # only the weekend
        ([("2026-03-01 10:00", "2026-03-02 12:00")], "2026-03-10 09:00"),  # before receipt
        (
            [("2026-03-03 08:00", "2026-03-03 10:00"), ("2026-03-03 09:00", "2026-03-03 11:00")],
            "2026-03-10 10:30",  # overlapping pauses count once: 08:00–11:00 = 3 h
        ),
        (
            [("2026-03-03 08:00", "2026-03-03 09:00"), ("2026-03-05 08:00", "2026-03-05 09:00")],
            "2026-03-10 09:30",  # two pauses add up
        ),
        ([("2026-03-09 17:00", "2026-03-12 10:00")], "2026-03-09 17:00"),  # after the due moment
        ([("2026-03-09 16:00", "2026-03-11 10:00")], "2026-03-11 11:00"),  # across the due day
        ([("2026-03-13 10:00", "2026-03-16 10:00")], "2026-03-09 17:00"),  # already late
        # Clipped at the receipt moment: 5.5 h on Monday + 7.5 h on Tuesday = 13 h.
        ([("2026-02-28 10:00", "2026-03-03 17:00")], "2026-03-11 14:30"),
    ],
)
def test_pauses_move_the_due_moment_by_working_time(pauses, due):
    assert due_with(*pauses) == at(due)


def test_a_pause_across_tet_counts_only_working_days():
    # Received Thursday 12/2/2026 10:00, 5 working days (13/2, 23/2 … 26/2) → 26/2 17:00;
    # paused Friday 13/2 07:30 to Monday 23/2 07:30: one working day (Friday) of pause.
    base = add(at("2026-02-12 10:00"), 5, "working_days", CAL)
    assert base == at("2026-02-26 17:00")
    paused = add_with_pauses(
        at("2026-02-12 10:00"),
        5,
        "working_days",
        CAL,
        [(at("2026-02-13 07:30"), at("2026-02-23 07:30"))],
    )
    assert paused == at("2026-02-27 17:00")


def test_an_open_pause_ends_now():
    assert due_with(("2026-03-03 10:00", None), now=at("2026-03-04 10:00")) == at(
        "2026-03-10 17:00"
    )
    with pytest.raises(WorktimeError, match="chưa kết thúc"):
        due_with(("2026-03-03 10:00", None))


def test_working_hours_pauses():
    # 2026-03-02 10:00 + 4 working hours = 16:00 (lunch excluded); a 1-hour pause → 17:00, and
    # a 2-hour one → the next morning 08:30.
    assert due_with(unit="working_hours", amount=4) == at("2026-03-02 16:00")
    assert due_with(("2026-03-02 14:00", "2026-03-02 15:00"), unit="working_hours", amount=4) == (
        at("2026-03-02 17:00")
    )
    assert due_with(("2026-03-02 14:00", "2026-03-02 16:00"), unit="working_hours", amount=4) == (
        at("2026-03-03 08:30")
    )


def test_hours_pauses_move_by_elapsed_time():
    # 48 hours from Monday 10:00 → Wednesday 10:00; paused a whole weekend-free day (24 h).
    assert due_with(("2026-03-03 10:00", "2026-03-04 10:00"), unit="hours", amount=48) == at(
        "2026-03-05 10:00"
    )


def test_pause_ending_before_it_starts_is_refused():
    with pytest.raises(WorktimeError, match="trước khi bắt đầu"):
        due_with(("2026-03-04 10:00", "2026-03-03 10:00"))


def test_pause_must_be_a_pair_of_aware_moments():
    with pytest.raises(WorktimeError, match="khoảng tạm dừng"):
        add_with_pauses(at(START), 5, "working_days", CAL, [(at(START),)])
    with pytest.raises(WorktimeError, match="thiếu múi giờ"):
        add_with_pauses(
            at(START), 5, "working_days", CAL, [(dt.datetime(2026, 3, 3), at("2026-03-04 10:00"))]
        )


# --- calendars other than the default ----------------------------------------------------------


def test_custom_calendar_with_saturday_and_one_period():
    cal = WorkCalendar(
        weekdays=frozenset(range(6)),
        periods=((dt.time(8), dt.time(16)),),
        holidays=frozenset({D(2026, 3, 3)}),
    )
    assert cal.office_time_per_day == dt.timedelta(hours=8)
    assert add(at("2026-03-06 10:00"), 1, "working_days", cal) == at("2026-03-07 16:00")
    assert add(at("2026-03-02 15:00"), 2, "working_hours", cal) == at("2026-03-04 09:00")
    assert add(at("2026-03-02 12:00"), Decimal("0.5"), "working_days", cal) == at(
        "2026-03-04 12:00"
    )


def test_extra_working_day_wins_over_a_holiday_in_the_pure_calendar():
    cal = WorkCalendar(holidays={D(2026, 3, 3)}, extra_working_days={D(2026, 3, 3)})
    assert is_working_day(D(2026, 3, 3), cal)


def test_a_calendar_refuses_years_it_does_not_know():
    cal = worktime.default_calendar(range(2026, 2027))
    assert add(at("2026-03-02 10:00"), 5, "working_days", cal) == at("2026-03-09 17:00")
    with pytest.raises(WorktimeError, match="2026–2026"):
        add(at("2026-12-30 10:00"), 5, "working_days", cal)
    with pytest.raises(WorktimeError, match="2026–2026"):
        add(at("2025-12-30 10:00"), 0, "working_days", cal)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"weekdays": frozenset()}, "ít nhất một ngày"),
        ({"weekdays": frozenset({7})}, "ít nhất một ngày"),
        ({"periods": ()}, "ít nhất một buổi"),
        ({"periods": ((dt.time(12), dt.time(8)),)}, "ít nhất một buổi"),
        (
            {"periods": ((dt.time(8), dt.time(12)), (dt.time(11), dt.time(17)))},
            "không chồng lên nhau",
        ),
        ({"years": range(2027, 2026)}, "không rỗng"),
    ],
)
def test_invalid_calendars(kwargs, message):
    with pytest.raises(WorktimeError, match=message):
        WorkCalendar(**kwargs)


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "message"),
    [
        (at(START), -1, "working_days", "số âm"),
        (at(START), Decimal("-0.5"), "working_hours", "số âm"),
        (at(START), 1, "weeks", "Đơn vị thời hạn không hợp lệ"),
        (at(START), 1, "", "Đơn vị thời hạn không hợp lệ"),
        (dt.datetime(2026, 3, 2, 10), 1, "days", "thiếu múi giờ"),
        (D(2026, 3, 2), 1, "days", "Cần một thời điểm"),
        (at(START), Decimal("NaN"), "days", "không hợp lệ"),
        (at(START), Decimal("Infinity"), "hours", "không hợp lệ"),
        (at(START), float("nan"), "hours", "không hợp lệ"),
        (at(START), True, "days", "không hợp lệ"),
        (at(START), "5", "days", "không hợp lệ"),
        (at(START), Decimal("1.5"), "days", "phải là số nguyên"),
        (at(START), Decimal("0.5"), "months", "phải là số nguyên"),
        (at(START), 10_000, "working_days", "quá dài"),
        (at(START), 121, "months", "quá dài"),
        (at(START), 10**9, "hours", "quá dài"),
        (dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=10))), 1, "days", "phạm vi"),
    ],
)
def test_bad_input_raises_a_vietnamese_worktime_error(start, amount, unit, message):
    with pytest.raises(WorktimeError, match=message):
        add(start, amount, unit, CAL)


def test_worktime_error_is_a_value_error():
    assert issubclass(WorktimeError, ValueError)
    with pytest.raises(ValueError):
        add(at(START), 1, "fortnights", CAL)


def test_cutoff_must_be_a_time():
    with pytest.raises(WorktimeError, match="Giờ chốt"):
        add(at(START), 1, "days", CAL, cutoff="16:00")


# --- text parsing (command line and API) -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-02-13T10:00", at("2026-02-13 10:00")),
        ("2026-02-13 10:00:00+07:00", at("2026-02-13 10:00")),
        ("2026-02-13T03:00:00Z", at("2026-02-13 10:00")),
        ("2026-02-13", at("2026-02-13 00:00")),
    ],
)
def test_parse_moment(text, expected):
    assert worktime.parse_moment(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "13/02/2026", "2026-02-30", "x" * 100, "2026\x00"])
def test_parse_moment_refuses(text):
    with pytest.raises(WorktimeError, match="thời điểm bắt đầu|Thời điểm bắt đầu"):
        worktime.parse_moment(text)


@pytest.mark.parametrize(
    ("text", "expected"), [("5", Decimal(5)), (" 1.5 ", Decimal("1.5")), ("0,5", Decimal("0.5"))]
)
def test_parse_amount(text, expected):
    assert worktime.parse_amount(text) == expected


@pytest.mark.parametrize("text", ["", "abc", "1e3", "NaN", "inf", "5 ngày", "1.2.3", "٥"])
def test_parse_amount_refuses(text):
    with pytest.raises(WorktimeError, match="Giá trị thời hạn không hợp lệ"):
        worktime.parse_amount(text)


def test_parse_amount_negative():
    with pytest.raises(WorktimeError, match="số âm"):
        worktime.parse_amount("-3")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("16:00", dt.time(16)), ("7:30", dt.time(7, 30)), ("", None), (None, None)],
)
def test_parse_cutoff(text, expected):
    assert worktime.parse_cutoff(text) == expected


@pytest.mark.parametrize("text", ["16", "24:00", "16:60", "4pm", "16:00:00"])
def test_parse_cutoff_refuses(text):
    with pytest.raises(WorktimeError, match="Giờ chốt tiếp nhận không hợp lệ"):
        worktime.parse_cutoff(text)
