"""Properties of the working-time engine (Hypothesis), on the real Vietnamese calendar 2025–2027.

The additivity property, precisely: a due moment in a day unit is a *closing* time, which is
outside office hours, so taking it as a new receipt moment starts the next working day.
Therefore, for whole a, b ≥ 0 working days and any start s:

* ``add(add(s, a) - 1 µs, b) == add(s, a + b)`` (a second count received on the last day of
  the first), and
* ``add(add(s, a), b) == add(s, a + b + 1)`` (received at the closing time itself).

For working hours the count simply continues: ``add(add(s, a), b) == add(s, a + b)`` for b > 0
(``add(x, 0)`` is the receipt moment of x, which moves a closing time to the next opening).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core import worktime
from motcua.core.worktime import VN_TZ, add, add_with_pauses, is_working_day, receipt_moment

CAL = worktime.default_calendar(range(2024, 2032))
US = dt.timedelta(microseconds=1)
OPEN, CLOSE = dt.time(7, 30), dt.time(17, 0)
BOUNDARIES = [
    dt.time(0),
    dt.time(7, 29, 59),
    dt.time(7, 30),
    dt.time(11, 29, 59, 999999),
    dt.time(11, 30),
    dt.time(12, 30),
    dt.time(13, 30),
    dt.time(16, 59, 59, 999999),
    dt.time(17, 0),
    dt.time(23, 59, 59, 999999),
]

days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2027, 12, 31))
times = st.one_of(st.sampled_from(BOUNDARIES), st.times())
starts = st.builds(lambda d, t: dt.datetime.combine(d, t, tzinfo=VN_TZ), days, times)
cutoffs = st.one_of(st.none(), st.sampled_from([dt.time(11), dt.time(15, 30), dt.time(16)]))
DAY_UNITS = ["days", "working_days", "months"]
LIMITS = {"hours": 2000, "working_hours": 1500, "days": 365, "working_days": 200, "months": 24}
units = st.sampled_from(sorted(LIMITS))


def amounts(unit: str, whole: bool = False) -> st.SearchStrategy:
    integers = st.integers(min_value=0, max_value=LIMITS[unit])
    if whole or unit in ("days", "months"):
        return integers
    quarters = st.integers(min_value=0, max_value=LIMITS[unit] * 4).map(lambda q: Decimal(q) / 4)
    return st.one_of(integers, quarters)


def in_office(moment: dt.datetime) -> bool:
    t = moment.timetz().replace(tzinfo=None)
    return any(start <= t <= end for start, end in CAL.periods)


@settings(deadline=None)
@given(start=starts, unit=units, data=st.data(), cutoff=cutoffs)
def test_monotone_in_the_amount(start, unit, data, cutoff):
    a = data.draw(amounts(unit))
    b = data.draw(amounts(unit))
    a, b = min(a, b), max(a, b)
    assert add(start, a, unit, CAL, cutoff) <= add(start, b, unit, CAL, cutoff)


@settings(deadline=None)
@given(first=starts, second=starts, unit=units, data=st.data())
def test_monotone_in_the_start(first, second, unit, data):
    amount = data.draw(amounts(unit))
    first, second = min(first, second), max(first, second)
    assert add(first, amount, unit, CAL) <= add(second, amount, unit, CAL)


@settings(deadline=None)
@given(start=starts, unit=st.sampled_from(DAY_UNITS), data=st.data(), cutoff=cutoffs)
def test_day_units_end_at_closing_time_of_a_working_day(start, unit, data, cutoff):
    amount = data.draw(amounts(unit, whole=True))
    due = add(start, amount, unit, CAL, cutoff)
    assert due.timetz().replace(tzinfo=None) == CLOSE
    assert due.utcoffset() == dt.timedelta(hours=7)
    assert is_working_day(due.date(), CAL)
    assert due.date() not in CAL.holidays or due.date() in CAL.extra_working_days
    assert due > start


@settings(deadline=None)
@given(start=starts, unit=st.sampled_from(["working_hours", "working_days"]), data=st.data())
def test_office_units_end_inside_office_hours_of_a_working_day(start, unit, data):
    due = add(start, data.draw(amounts(unit)), unit, CAL)
    assert is_working_day(due.date(), CAL)
    assert in_office(due)


@settings(deadline=None)
@given(start=starts, a=st.integers(0, 100), b=st.integers(0, 100))
def test_working_days_add_up(start, a, b):
    first = add(start, a, "working_days", CAL)
    assert add(first - US, b, "working_days", CAL) == add(start, a + b, "working_days", CAL)
    assert add(first, b, "working_days", CAL) == add(start, a + b + 1, "working_days", CAL)


@settings(deadline=None)
@given(start=starts, a=amounts("working_hours"), b=amounts("working_hours"))
def test_working_hours_add_up(start, a, b):
    first = add(start, a, "working_hours", CAL)
    if b > 0:
        assert add(first, b, "working_hours", CAL) == add(start, a + b, "working_hours", CAL)
    else:
        assert add(first, b, "working_hours", CAL) == receipt_moment(first, CAL)


@settings(deadline=None)
@given(start=starts, amount=amounts("working_hours"))
def test_working_time_from_receipt_to_due_is_the_amount(start, amount):
    received = receipt_moment(start, CAL)
    due = add(start, amount, "working_hours", CAL)
    worked = worktime.working_time_between(received, due, CAL)
    assert worked == dt.timedelta(hours=float(amount))


@settings(deadline=None)
@given(start=starts, cutoff=cutoffs)
def test_receipt_moment_is_idempotent_and_not_earlier(start, cutoff):
    received = receipt_moment(start, CAL, cutoff)
    assert received >= start
    assert receipt_moment(received, CAL) == received
    assert is_working_day(received.date(), CAL)
    t = received.timetz().replace(tzinfo=None)
    assert any(open_ <= t < close for open_, close in CAL.periods)


@settings(deadline=None)
@given(start=starts, unit=units, data=st.data(), moments=st.lists(starts, max_size=4))
def test_zero_length_pauses_change_nothing(start, unit, data, moments):
    amount = data.draw(amounts(unit))
    pauses = [(m, m) for m in moments]
    assert add_with_pauses(start, amount, unit, CAL, pauses) == add(start, amount, unit, CAL)


@settings(deadline=None)
@given(
    start=starts,
    unit=st.sampled_from(["working_hours", "working_days", "days", "months"]),
    data=st.data(),
    pause_start=starts,
    pause_minutes=st.integers(0, 60 * 24 * 20),
)
def test_a_pause_extends_by_its_working_time(start, unit, data, pause_start, pause_minutes):
    amount = data.draw(amounts(unit))
    received = receipt_moment(start, CAL)
    due = add(start, amount, unit, CAL)
    pause_end = pause_start + dt.timedelta(minutes=pause_minutes)
    paused_due = add_with_pauses(start, amount, unit, CAL, [(pause_start, pause_end)])
    assert paused_due >= due
    clipped_start = max(pause_start, received)
    if pause_end <= clipped_start or clipped_start >= due:
        assert paused_due == due
    else:
        paused = worktime.working_time_between(clipped_start, pause_end, CAL)
        assert worktime.working_time_between(due, paused_due, CAL) == paused


@settings(deadline=None)
@given(start=starts, amount=st.integers(0, 200))
def test_working_day_deadlines_never_land_on_a_holiday(start, amount):
    due = add(start, amount, "working_days", CAL)
    assert due.date() not in CAL.holidays or due.date() in CAL.extra_working_days
    assert due.weekday() < 5 or due.date() in CAL.extra_working_days


@st.composite
def calendars(draw: st.DrawFn) -> worktime.WorkCalendar:
    """Any weekly pattern with 1–3 office periods (touching periods allowed) and some days off."""
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    count = draw(st.integers(1, 3))
    marks = sorted(
        draw(st.sets(st.integers(1, 24 * 4 - 1), min_size=2 * count, max_size=2 * count))
    )
    periods = []
    for i in range(count):
        start, end = marks[2 * i], marks[2 * i + 1]
        if periods and draw(st.booleans()):
            start = periods[-1][1]  # touching the previous period
        periods.append((start, end))
    off = draw(st.sets(days, max_size=30))
    on = draw(st.sets(days, max_size=10))
    return worktime.WorkCalendar(
        weekdays=frozenset(weekdays),
        periods=tuple(
            (dt.time(s // 4, s % 4 * 15), dt.time(e // 4, e % 4 * 15)) for s, e in periods
        ),
        holidays=frozenset(off),
        extra_working_days=frozenset(on),
        years=range(2024, 2040),
    )


@settings(deadline=None)
@given(
    calendar=calendars(),
    start=starts,
    hours=st.integers(0, 80).map(lambda q: Decimal(q) / 4),
    n=st.integers(0, 60),
)
def test_any_calendar_counts_office_time_consistently(calendar, start, hours, n):
    received = receipt_moment(start, calendar)
    due = add(start, hours, "working_hours", calendar)
    assert worktime.working_time_between(received, due, calendar) == dt.timedelta(
        hours=float(hours)
    )
    assert is_working_day(due.date(), calendar)
    t = due.timetz().replace(tzinfo=None)
    assert any(open_ <= t <= close for open_, close in calendar.periods)
    last = add(start, n, "working_days", calendar)
    assert is_working_day(last.date(), calendar)
    assert last.timetz().replace(tzinfo=None) == calendar.periods[-1][1]
    assert add(last - US, 1, "working_days", calendar) == add(
        start, n + 1, "working_days", calendar
    )
