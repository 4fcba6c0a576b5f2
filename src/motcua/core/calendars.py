"""The working calendar of an agency, from the database (the only DB-aware part of deadlines).

``calendar_for(agency)`` combines, in this order (a later source wins for a given day):

1. the office hours and working weekdays of the agency's first active reception point (the one
   created first), or the defaults (Monday–Friday, 07:30–11:30 and 13:30–17:00). The
   ``saturday_morning`` flag of a desk is ignored: Saturday reception does not make Saturday a
   working day for legal deadlines;
2. Vietnam's public holidays and make-up Saturdays from the ``holidays`` package;
3. the province-wide ``CalendarOverride`` rows (no agency);
4. the agency's own ``CalendarOverride`` rows.

It runs at most two queries, whatever the years: one for the reception point, one for the
overrides.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from motcua.core import worktime
from motcua.core.models import CalendarOverride, CalendarOverrideKind
from motcua.core.worktime import WorkCalendar, WorktimeError
from motcua.organizations.models import AGENCY_CODE_RE, Agency, ReceptionPoint

__all__ = ["calendar_for", "due_date_from_params"]


def _office_hours(agency: Agency) -> tuple[frozenset[int], tuple[tuple[dt.time, dt.time], ...]]:
    point = (
        ReceptionPoint.objects.filter(agency=agency, is_active=True)
        .order_by("pk")
        .values_list(
            "name",
            "weekdays",
            "morning_open",
            "morning_close",
            "afternoon_open",
            "afternoon_close",
        )
        .first()
    )
    if point is None:
        return worktime.DEFAULT_WEEKDAYS, worktime.DEFAULT_PERIODS
    name, weekdays, morning_open, morning_close, afternoon_open, afternoon_close = point
    if (
        not isinstance(weekdays, list)
        or not weekdays
        or any(isinstance(d, bool) or d not in range(7) for d in weekdays)
        or not morning_open < morning_close <= afternoon_open < afternoon_close
    ):
        raise WorktimeError(
            f"Giờ làm việc của điểm tiếp nhận «{name}» ({agency.code}) không hợp lệ; "
            "quản trị viên cần sửa lại trước khi tính hạn."
        )
    periods = ((morning_open, morning_close), (afternoon_open, afternoon_close))
    return frozenset(weekdays), periods


def calendar_for(agency: Agency | None, years: range | None = None) -> WorkCalendar:
    """The working calendar of ``agency`` (``None``: the province-wide calendar) for ``years``
    (default: ``worktime.DEFAULT_YEARS``, 2000–2100)."""
    base = worktime.default_calendar(years)
    years = base.years
    assert years is not None
    weekdays, periods = base.weekdays, base.periods
    scope = Q(agency__isnull=True)
    if agency is not None:
        weekdays, periods = _office_hours(agency)
        scope |= Q(agency=agency)
    rows = CalendarOverride.objects.filter(
        scope, date__gte=dt.date(years[0], 1, 1), date__lte=dt.date(years[-1], 12, 31)
    ).values_list("date", "kind", "agency_id")
    province: dict[dt.date, str] = {}
    own: dict[dt.date, str] = {}
    for day, kind, agency_id in rows:
        (province if agency_id is None else own)[day] = kind
    overrides = province | own  # the agency's own row wins for the same day

    if not overrides and weekdays == base.weekdays and periods == base.periods:
        return base  # shared and already warm
    days_off = set(base.holidays)
    working = set(base.extra_working_days)
    for day, kind in overrides.items():
        if kind == CalendarOverrideKind.DAY_OFF:
            days_off.add(day)
            working.discard(day)
        else:
            working.add(day)
            days_off.discard(day)
    return WorkCalendar(
        weekdays=weekdays,
        periods=periods,
        holidays=frozenset(days_off),
        extra_working_days=frozenset(working),
        years=years,
    )


def _agency(code: str) -> Agency:
    raw = code.strip().upper()
    agency = None
    if AGENCY_CODE_RE.fullmatch(raw):
        agency = Agency.objects.filter(code=raw).first()
    if agency is None:
        shown = "".join(ch if ch.isprintable() else "?" for ch in code.strip())[:40]
        raise WorktimeError(f"Không tìm thấy cơ quan có mã định danh «{shown}».")
    return agency


def due_date_from_params(
    start: str, value: str, unit: str, cutoff: str | None, agency_code: str | None
) -> dt.datetime:
    """The due moment for text parameters (command line, ``GET /api/v1/calendar/due-date``).

    ``start`` is ISO 8601 (without an offset: Vietnam time), ``value`` a non-negative number,
    ``unit`` one of hours / working_hours / days / working_days / months, ``cutoff`` ``HH:MM``
    or empty, ``agency_code`` an agency's electronic identifier or empty (province-wide
    calendar). Every bad input raises :class:`WorktimeError` with a Vietnamese message; the
    result is an aware moment in Asia/Ho_Chi_Minh (``isoformat()`` ends in ``+07:00``).
    """
    unit_ = worktime.parse_unit((unit or "").strip())
    amount = worktime.parse_amount(value)
    moment = worktime.parse_moment(start)
    cut = worktime.parse_cutoff(cutoff)
    agency = _agency(agency_code) if agency_code and agency_code.strip() else None
    return worktime.add(moment, amount, unit_, calendar_for(agency), cutoff=cut)
