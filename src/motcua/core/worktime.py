"""Legal working time: receipt moments, due moments and working time between two moments.

Pure functions over a frozen :class:`WorkCalendar`; no database, no Django. The database-aware
part (an agency's office hours and the admins' overrides) is ``motcua.core.calendars``.

Legal basis: Civil Code 2015 Art. 147–148 (a deadline in hours starts at the moment; one in
days, weeks or months starts on the next day and ends at the end of the last day; a last day
that is a rest day moves to the next working day), Labour Code 2019 Art. 112 (public holidays)
and the government's yearly swaps with make-up Saturdays. The public holidays and make-up
Saturdays come from the ``holidays`` package (country ``VN``).

Choices made here (see docs/architecture.md, "Deadlines"):

* **Working days are the legal Monday–Friday week** of the agency (``ReceptionPoint.weekdays``).
  A desk that also receives on Saturday morning does not make Saturday a working day for
  deadlines: a dossier handed in on Saturday morning is received on the next working day.
* **Office hours are half-open periods** ``[open, close)``. A moment before the first opening
  waits for it; a moment in the lunch break moves to the afternoon opening of the same day; a
  moment at or after the last closing, on a rest day, or strictly after the procedure's
  same-day cut-off time moves to the next working day's first opening (a moment exactly at the
  cut-off is still received that day).
* **Day units** (``days``, ``working_days``, ``months``) count from the day after the receipt
  day and end at the office's closing time of the last day; a last day that is not a working
  day moves to the next working day. Zero of any day unit is the closing time of the receipt
  day.
* **hours** is elapsed time from the receipt moment (Art. 147(1)); Art. 148(2) moves only a last
  *day*, so a due moment outside office hours stays where it is. Procedures that mean office
  time say ``working_hours``.
* **working_hours** are counted inside office hours only; a count that ends exactly at a
  closing time ends there (16:00 + 1 working hour = 17:00 the same day, not 07:30 the next).
* **Fractional working days**: the whole part counts as above; the fraction is converted to
  working time with the calendar's total office time of a day (7.5 h by default) and counted
  from the closing time of the last whole day. 0.5 working day = the next working day at 11:15
  by default. ``days`` and ``months`` must be whole numbers.
* **Pauses** (a supplement request stops the clock): the due moment moves by the working time
  inside each pause (by the elapsed time for ``hours``); overlapping pauses count once, the part
  of a pause before the receipt moment does not count, and a pause that starts after the clock
  has already run out does not revive it.
"""

from __future__ import annotations

import calendar as _gregorian
import datetime as dt
import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

import holidays as holidays_package

__all__ = [
    "DEFAULT_PERIODS",
    "DEFAULT_WEEKDAYS",
    "DEFAULT_YEARS",
    "MAX_AMOUNT",
    "VN_TZ",
    "Unit",
    "WorkCalendar",
    "WorktimeError",
    "add",
    "add_with_pauses",
    "default_calendar",
    "is_working_day",
    "next_working_day",
    "parse_amount",
    "parse_cutoff",
    "parse_moment",
    "parse_unit",
    "receipt_moment",
    "vn_public_holidays",
    "working_minutes_between",
    "working_time_between",
]

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_UTC = dt.UTC

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE

DEFAULT_WEEKDAYS: frozenset[int] = frozenset(range(5))  # Monday (0) … Friday (4)
DEFAULT_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 30), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 0)),
)
# The ``holidays`` package knows Vietnam for 1901–2100; the default calendar covers 2000–2100
# (about 60 ms to build, once per process; the per-year working-day indexes are built lazily).
DEFAULT_YEARS = range(2000, 2101)

Amount = int | Decimal | Fraction | float


class WorktimeError(ValueError):
    """Bad input to the working-time engine; the message is Vietnamese and safe to show."""


class Unit(StrEnum):
    """Units of a legal deadline."""

    HOURS = "hours"
    WORKING_HOURS = "working_hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    Unit.HOURS: "giờ",
    Unit.WORKING_HOURS: "giờ làm việc",
    Unit.DAYS: "ngày",
    Unit.WORKING_DAYS: "ngày làm việc",
    Unit.MONTHS: "tháng",
}
_DAY_UNITS = frozenset({Unit.DAYS, Unit.WORKING_DAYS, Unit.MONTHS})
_WHOLE_UNITS = frozenset({Unit.DAYS, Unit.MONTHS})
# About ten years, whatever the unit: keeps every computation inside the calendar's years and
# a hostile request cheap.
MAX_AMOUNT: dict[Unit, int] = {
    Unit.HOURS: 87_840,
    Unit.WORKING_HOURS: 20_000,
    Unit.DAYS: 3_660,
    Unit.WORKING_DAYS: 2_600,
    Unit.MONTHS: 120,
}


def _time_us(value: dt.time) -> int:
    return (
        (value.hour * 60 + value.minute) * 60 + value.second
    ) * _US_PER_SECOND + value.microsecond


def _us_time(us: int) -> dt.time:
    seconds, micro = divmod(us, _US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return dt.time(hour, minute, second, micro)


def _show(value: object) -> str:
    """User input for an error message: printable and short."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text if len(text) <= 40 else text[:39] + "…"


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """When an agency works: weekdays, office hours, days off and make-up working days.

    A day is a working day when it is an extra working day, or when its weekday is a working
    weekday and it is not a holiday. ``years`` says for which years ``holidays`` and
    ``extra_working_days`` are complete; a computation that reaches another year raises
    :class:`WorktimeError` instead of silently ignoring that year's holidays (``None``: the sets
    are all there is, e.g. a calendar without public holidays in a test).
    """

    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    periods: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_PERIODS
    holidays: frozenset[dt.date] = frozenset()
    extra_working_days: frozenset[dt.date] = frozenset()
    years: range | None = None
    tz: dt.tzinfo = VN_TZ
    # Derived, not part of equality: office periods in microseconds of the day, the office
    # time of a day, the days off/on as ordinals and the lazily built per-year indexes.
    _spans: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)
    _off: frozenset[int] = field(init=False, repr=False, compare=False)
    _on: frozenset[int] = field(init=False, repr=False, compare=False)
    _index: dict[int, list[int]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        weekdays = frozenset(self.weekdays)
        if not weekdays or any(not isinstance(d, int) or not 0 <= d <= 6 for d in weekdays):
            raise WorktimeError(
                "Ngày làm việc trong tuần phải gồm ít nhất một ngày, từ 0 (Thứ Hai) đến 6."
            )
        periods = tuple((start, end) for start, end in self.periods)
        spans = tuple((_time_us(start), _time_us(end)) for start, end in periods)
        if not spans or any(start >= end for start, end in spans):
            raise WorktimeError("Giờ làm việc phải có ít nhất một buổi, giờ mở trước giờ đóng.")
        if any(spans[i][1] > spans[i + 1][0] for i in range(len(spans) - 1)):
            raise WorktimeError("Các buổi làm việc phải theo thứ tự và không chồng lên nhau.")
        years = self.years
        if years is not None and (years.step != 1 or len(years) == 0):
            raise WorktimeError("Khoảng năm của lịch phải là các năm liên tiếp, không rỗng.")
        setattr_(self, "weekdays", weekdays)
        setattr_(self, "periods", periods)
        setattr_(self, "holidays", frozenset(self.holidays))
        setattr_(self, "extra_working_days", frozenset(self.extra_working_days))
        setattr_(self, "_spans", spans)
        setattr_(self, "_day_us", sum(end - start for start, end in spans))
        setattr_(self, "_off", frozenset(d.toordinal() for d in self.holidays))
        setattr_(self, "_on", frozenset(d.toordinal() for d in self.extra_working_days))

    # --- office hours -------------------------------------------------------------------
    @property
    def office_time_per_day(self) -> dt.timedelta:
        """The total office time of one working day (7 h 30 min by default)."""
        return dt.timedelta(microseconds=self._day_us)

    def _elapsed(self, t: int) -> int:
        """Office time of a working day before the time of day ``t`` (microseconds)."""
        total = 0
        for start, end in self._spans:
            if t <= start:
                break
            total += (t if t < end else end) - start
        return total

    def _time_at(self, elapsed: int) -> int:
        """The earliest time of day by which ``elapsed`` office time has passed."""
        for start, end in self._spans:
            length = end - start
            if elapsed <= length:
                return start + elapsed
            elapsed -= length
        return self._spans[-1][1]  # pragma: no cover - callers pass elapsed ≤ a day

    # --- working days -------------------------------------------------------------------
    def _check_year(self, year: int) -> None:
        years = self.years
        if years is not None and year not in years:
            raise WorktimeError(
                f"Lịch làm việc chỉ có dữ liệu ngày nghỉ cho các năm {years[0]}–{years[-1]}; "
                f"không tính được thời hạn rơi vào năm {year}."
            )

    def _is_working(self, ordinal: int) -> bool:
        if ordinal in self._on:
            return True
        # date.fromordinal(1) is a Monday, so the weekday of an ordinal is (ordinal - 1) % 7.
        return (ordinal - 1) % 7 in self.weekdays and ordinal not in self._off

    def _year_days(self, year: int) -> list[int]:
        """The working days of ``year`` as sorted ordinals (built once per calendar)."""
        days = self._index.get(year)
        if days is None:
            self._check_year(year)
            if not dt.MINYEAR <= year < dt.MAXYEAR:
                raise WorktimeError("Thời hạn vượt quá phạm vi ngày tháng được hỗ trợ.")
            first = dt.date(year, 1, 1).toordinal()
            last = dt.date(year + 1, 1, 1).toordinal()
            weekdays, off, on = self.weekdays, self._off, self._on
            days = [
                o
                for o in range(first, last)
                if o in on or ((o - 1) % 7 in weekdays and o not in off)
            ]
            self._index[year] = days
        return days

    def _nth_after(self, ordinal: int, n: int) -> int:
        """The ``n``-th (n ≥ 1) working day strictly after the day ``ordinal``."""
        year = dt.date.fromordinal(ordinal).year
        while True:
            days = self._year_days(year)
            i = bisect_right(days, ordinal)
            available = len(days) - i
            if n <= available:
                return days[i + n - 1]
            n -= available
            year += 1

    def _count(self, first: int, stop: int) -> int:
        """The number of working days ``d`` with ``first ≤ d < stop`` (ordinals)."""
        if stop <= first:
            return 0
        count = 0
        for year in range(dt.date.fromordinal(first).year, dt.date.fromordinal(stop).year + 1):
            days = self._year_days(year)
            count += bisect_left(days, stop) - bisect_left(days, first)
        return count

    def _split(self, moment: dt.datetime) -> tuple[int, int]:
        """A moment as (local day ordinal, microseconds since local midnight)."""
        if not isinstance(moment, dt.datetime):
            raise WorktimeError(f"Cần một thời điểm (ngày và giờ), nhận được «{_show(moment)}».")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise WorktimeError(
                f"Thời điểm {moment.isoformat()} thiếu múi giờ; hãy ghi rõ, ví dụ +07:00."
            )
        try:
            local = moment.astimezone(self.tz)
        except (OverflowError, ValueError):
            raise WorktimeError("Thời điểm nằm ngoài phạm vi ngày tháng được hỗ trợ.") from None
        t = (
            (local.hour * 60 + local.minute) * 60 + local.second
        ) * _US_PER_SECOND + local.microsecond
        return local.toordinal(), t

    def _join(self, ordinal: int, t: int) -> dt.datetime:
        return dt.datetime.combine(dt.date.fromordinal(ordinal), _us_time(t), tzinfo=self.tz)

    def _add_office(self, ordinal: int, t: int, us: int) -> tuple[int, int]:
        """Count ``us`` (> 0) microseconds of office time from the local moment (ordinal, t)."""
        if not self._is_working(ordinal) or t >= self._spans[-1][1]:
            ordinal, elapsed = self._nth_after(ordinal, 1), 0
        else:
            elapsed = self._elapsed(t)
        total = elapsed + us
        day = self._day_us
        if total <= day:
            return ordinal, self._time_at(total)
        full, part = divmod(total - day, day)
        if part == 0:
            return self._nth_after(ordinal, full), self._spans[-1][1]
        return self._nth_after(ordinal, full + 1), self._time_at(part)


# --- public holidays from the ``holidays`` package ---------------------------------------------
def _check_years(years: range) -> range:
    if not isinstance(years, range) or years.step != 1 or len(years) == 0:
        raise WorktimeError("Khoảng năm của lịch phải là các năm liên tiếp, không rỗng.")
    return years


@functools.cache
def _vn_public_holidays(first: int, stop: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    table = holidays_package.country_holidays("VN", years=range(first, stop), language="vi")
    days_off = frozenset(table)
    # ``weekend_workdays`` also lists make-up days of years that were not asked for.
    make_up = frozenset(d for d in table.weekend_workdays if first <= d.year < stop)
    return days_off, make_up


def vn_public_holidays(years: range) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """Vietnam's public holidays (with compensation days) and make-up working Saturdays.

    Both sets come from ``holidays.country_holidays("VN", language="vi")``; they are cached per
    year range.
    """
    years = _check_years(years)
    return _vn_public_holidays(years.start, years.stop)


@functools.cache
def _default_calendar(first: int, stop: int) -> WorkCalendar:
    days_off, make_up = _vn_public_holidays(first, stop)
    return WorkCalendar(holidays=days_off, extra_working_days=make_up, years=range(first, stop))


def default_calendar(years: range | None = None) -> WorkCalendar:
    """The province-wide default: Monday–Friday, 07:30–11:30 and 13:30–17:00, public holidays
    and make-up Saturdays from the ``holidays`` package (cached per year range)."""
    years = _check_years(DEFAULT_YEARS if years is None else years)
    return _default_calendar(years.start, years.stop)


# --- validation of the arguments -----------------------------------------------------------
def parse_unit(unit: str | Unit) -> Unit:
    """The unit of a deadline; a clear message for anything else."""
    try:
        return Unit(unit)
    except ValueError:
        names = ", ".join(f"{u.value} ({u.label})" for u in Unit)
        raise WorktimeError(
            f"Đơn vị thời hạn không hợp lệ: «{_show(unit)}». Dùng một trong: {names}."
        ) from None


def _fraction(amount: Amount) -> Fraction:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal | Fraction | float):
        raise WorktimeError(
            f"Giá trị thời hạn không hợp lệ: «{_show(amount)}». Nhập một số không âm."
        )
    try:
        # A float goes through its shortest decimal form: 0.1 means one tenth, not 0.1000…0055.
        value = Fraction(repr(amount)) if isinstance(amount, float) else Fraction(amount)
    except (ValueError, OverflowError, InvalidOperation):
        raise WorktimeError(
            f"Giá trị thời hạn không hợp lệ: «{_show(amount)}». Nhập một số hữu hạn, không âm."
        ) from None
    if value < 0:
        raise WorktimeError("Thời hạn không được là số âm.")
    return value


def _amount(amount: Amount, unit: Unit) -> Fraction:
    value = _fraction(amount)
    if unit in _WHOLE_UNITS and value.denominator != 1:
        raise WorktimeError(
            f"Thời hạn tính bằng {unit.label} phải là số nguyên (nhận được {_show(amount)})."
        )
    if value > MAX_AMOUNT[unit]:
        raise WorktimeError(f"Thời hạn quá dài: tối đa {MAX_AMOUNT[unit]} {unit.label}.")
    return value


def _cutoff_us(cutoff: dt.time | None) -> int | None:
    if cutoff is None:
        return None
    if not isinstance(cutoff, dt.time):
        raise WorktimeError(f"Giờ chốt tiếp nhận không hợp lệ: «{_show(cutoff)}».")
    return _time_us(cutoff)


# --- the engine ----------------------------------------------------------------------------
def is_working_day(day: dt.date, calendar: WorkCalendar) -> bool:
    """Whether ``day`` (a date, or an aware moment: its local date) is a working day."""
    if isinstance(day, dt.datetime):
        ordinal, _ = calendar._split(day)
    elif isinstance(day, dt.date):
        ordinal = day.toordinal()
    else:
        raise WorktimeError(f"Cần một ngày, nhận được «{_show(day)}».")
    calendar._check_year(dt.date.fromordinal(ordinal).year)
    return calendar._is_working(ordinal)


def next_working_day(day: dt.date, calendar: WorkCalendar) -> dt.date:
    """The first working day strictly after ``day``."""
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        raise WorktimeError(f"Cần một ngày, nhận được «{_show(day)}».")
    return dt.date.fromordinal(calendar._nth_after(day.toordinal(), 1))


def _receipt(at: dt.datetime, calendar: WorkCalendar, cutoff: int | None) -> tuple[int, int]:
    ordinal, t = calendar._split(at)
    calendar._check_year(dt.date.fromordinal(ordinal).year)
    if calendar._is_working(ordinal) and (cutoff is None or t <= cutoff):
        for start, end in calendar._spans:
            if t < end:
                return ordinal, t if t > start else start
    return calendar._nth_after(ordinal, 1), calendar._spans[0][0]


def receipt_moment(
    at: dt.datetime, calendar: WorkCalendar, cutoff: dt.time | None = None
) -> dt.datetime:
    """The moment a dossier handed in ``at`` counts as received (in the calendar's zone).

    Inside office hours: ``at`` itself. Before the opening: that day's opening. In the lunch
    break: the afternoon opening. After the closing, strictly after ``cutoff``, or on a day
    that is not a working day: the next working day's first opening.
    """
    return calendar._join(*_receipt(at, calendar, _cutoff_us(cutoff)))


def _due(
    ordinal: int, t: int, value: Fraction, unit: Unit, calendar: WorkCalendar
) -> tuple[int, int] | dt.datetime:
    """The due moment from the receipt moment (ordinal, t); a datetime only for ``hours``."""
    close = calendar._spans[-1][1]
    if unit is Unit.HOURS:
        start = calendar._join(ordinal, t).astimezone(_UTC)
        delta = dt.timedelta(microseconds=round(value * _US_PER_HOUR))
        return (start + delta).astimezone(calendar.tz)
    if unit is Unit.WORKING_HOURS:
        us = round(value * _US_PER_HOUR)
        if us > MAX_AMOUNT[Unit.WORKING_DAYS] * calendar._day_us:
            raise WorktimeError(
                f"Thời hạn quá dài: tối đa {MAX_AMOUNT[Unit.WORKING_DAYS]} ngày làm việc."
            )
        return calendar._add_office(ordinal, t, us) if us else (ordinal, t)
    if unit is Unit.WORKING_DAYS:
        whole = value.numerator // value.denominator
        last = calendar._nth_after(ordinal, whole) if whole else ordinal
        us = round((value - whole) * calendar._day_us)
        return calendar._add_office(last, close, us) if us else (last, close)
    if unit is Unit.DAYS:
        last = ordinal + int(value)
    else:  # MONTHS
        day = dt.date.fromordinal(ordinal)
        month = day.month - 1 + int(value)
        year, month = day.year + month // 12, month % 12 + 1
        if year > dt.MAXYEAR:
            raise WorktimeError("Thời hạn vượt quá phạm vi ngày tháng được hỗ trợ.")
        last = dt.date(year, month, min(day.day, _gregorian.monthrange(year, month)[1]))
        last = last.toordinal()
    calendar._check_year(dt.date.fromordinal(last).year)
    if not calendar._is_working(last):
        last = calendar._nth_after(last, 1)
    return last, close


def add(
    start: dt.datetime,
    amount: Amount,
    unit: str | Unit,
    calendar: WorkCalendar,
    cutoff: dt.time | None = None,
) -> dt.datetime:
    """The due moment of a deadline of ``amount`` ``unit`` for a dossier handed in at ``start``.

    ``start`` is first normalised to its receipt moment (see :func:`receipt_moment`). Day
    units end at the closing time of the last day, moved to the next working day when needed;
    ``hours`` is elapsed time; ``working_hours`` is office time. The result is an aware moment
    in the calendar's zone (Asia/Ho_Chi_Minh).

    Example: handed in Friday 2026-02-13 10:00, 5 working days (Tết 16–20 February) → Friday
    2026-02-27 17:00.
    """
    unit = parse_unit(unit)
    value = _amount(amount, unit)
    ordinal, t = _receipt(start, calendar, _cutoff_us(cutoff))
    due = _due(ordinal, t, value, unit, calendar)
    return due if isinstance(due, dt.datetime) else calendar._join(*due)


def working_time_between(a: dt.datetime, b: dt.datetime, calendar: WorkCalendar) -> dt.timedelta:
    """The office time on working days between ``a`` and ``b`` (negative when b < a)."""
    oa, ta = calendar._split(a)
    ob, tb = calendar._split(b)
    if (ob, tb) < (oa, ta):
        return -working_time_between(b, a, calendar)
    ea = calendar._elapsed(ta) if calendar._is_working(oa) else 0
    eb = calendar._elapsed(tb) if calendar._is_working(ob) else 0
    calendar._check_year(dt.date.fromordinal(oa).year)
    calendar._check_year(dt.date.fromordinal(ob).year)
    us = calendar._count(oa, ob) * calendar._day_us - ea + eb
    return dt.timedelta(microseconds=us)


def working_minutes_between(a: dt.datetime, b: dt.datetime, calendar: WorkCalendar) -> int:
    """Whole working minutes between ``a`` and ``b`` (truncated towards zero; negative when
    b < a). For the exact value use :func:`working_time_between`."""
    us = working_time_between(a, b, calendar) // dt.timedelta(microseconds=1)
    return us // _US_PER_MINUTE if us >= 0 else -(-us // _US_PER_MINUTE)


Pause = tuple[dt.datetime, dt.datetime | None]


def add_with_pauses(
    start: dt.datetime,
    amount: Amount,
    unit: str | Unit,
    calendar: WorkCalendar,
    pauses: Sequence[Pause] | Iterable[Pause],
    cutoff: dt.time | None = None,
    now: dt.datetime | None = None,
) -> dt.datetime:
    """:func:`add`, with the clock stopped during each ``(from, to)`` pause.

    The due moment moves by the working time inside the pauses (by the elapsed time for
    ``hours``), as a stopped clock would: overlapping pauses count once, time before the
    receipt moment does not count, and a pause that begins when the clock has already run out
    changes nothing. A pause still open (``to`` is ``None``) ends at ``now`` — the due moment
    if the clock restarted then; without ``now`` it is an error.
    """
    unit = parse_unit(unit)
    value = _amount(amount, unit)
    ordinal, t = _receipt(start, calendar, _cutoff_us(cutoff))
    received = calendar._join(ordinal, t)
    due_raw = _due(ordinal, t, value, unit, calendar)
    due = due_raw if isinstance(due_raw, dt.datetime) else calendar._join(*due_raw)

    intervals: list[tuple[dt.datetime, dt.datetime]] = []
    for pause in pauses:
        try:
            begin, end = pause
        except (TypeError, ValueError):
            raise WorktimeError(
                "Mỗi khoảng tạm dừng phải gồm thời điểm bắt đầu và kết thúc."
            ) from None
        calendar._split(begin)  # both must be aware moments
        if end is None:
            if now is None:
                raise WorktimeError(
                    "Khoảng tạm dừng chưa kết thúc: cần thời điểm hiện tại để tính hạn."
                )
            end = now
        calendar._split(end)
        if end < begin:
            raise WorktimeError(
                f"Khoảng tạm dừng kết thúc ({end.isoformat()}) trước khi bắt đầu "
                f"({begin.isoformat()})."
            )
        begin = max(begin, received)
        if end > begin:
            intervals.append((begin, end))
    intervals.sort()

    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for begin, end in intervals:
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))

    for begin, end in merged:
        if begin >= due:
            break  # the clock had already run out: the dossier was late before this pause
        if unit is Unit.HOURS:
            due = (due.astimezone(_UTC) + (end - begin)).astimezone(calendar.tz)
            continue
        paused = working_time_between(begin, end, calendar) // dt.timedelta(microseconds=1)
        if paused:
            due = calendar._join(*calendar._add_office(*calendar._split(due), paused))
    return due


# --- parsing text input (command line, API) --------------------------------------------------
_CUTOFF_RE = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_NUMBER_RE = re.compile(r"[0-9]{1,9}([.,][0-9]{1,9})?")


def parse_moment(text: str, tz: dt.tzinfo = VN_TZ) -> dt.datetime:
    """An ISO 8601 moment; without an offset it is read as Vietnam time (``tz``)."""
    raw = (text or "").strip()
    example = "ví dụ 2026-02-13T10:00:00+07:00"
    if not raw or len(raw) > 64:
        raise WorktimeError(
            f"Thiếu hoặc sai thời điểm bắt đầu; dùng định dạng ISO 8601, {example}."
        )
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise WorktimeError(
            f"Thời điểm bắt đầu không hợp lệ: «{_show(raw)}». Dùng định dạng ISO 8601, {example}."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment


def parse_amount(text: str) -> Decimal:
    """A non-negative decimal number written with digits (a comma is read as a decimal point)."""
    raw = (text or "").strip()
    if raw.startswith("-") and _NUMBER_RE.fullmatch(raw[1:]):
        raise WorktimeError("Thời hạn không được là số âm.")
    if not _NUMBER_RE.fullmatch(raw):
        raise WorktimeError(
            f"Giá trị thời hạn không hợp lệ: «{_show(raw)}». "
            "Nhập một số không âm, ví dụ 5 hoặc 1.5."
        )
    return Decimal(raw.replace(",", "."))


def parse_cutoff(text: str | None) -> dt.time | None:
    """A same-day cut-off time ``HH:MM``; empty means none."""
    raw = (text or "").strip()
    if not raw:
        return None
    match = _CUTOFF_RE.fullmatch(raw)
    if match is None:
        raise WorktimeError(
            f"Giờ chốt tiếp nhận không hợp lệ: «{_show(raw)}». Dùng định dạng HH:MM, ví dụ 16:00."
        )
    return dt.time(int(match.group(1)), int(match.group(2)))
