"""Internal processes (quy trình nội bộ): the ordered steps inside the agency that resolve a
procedure, each with a role and a time allotment (DOMAIN.md §2).

One default definition per procedure, and optionally one per agency where that agency works
differently. The rule checked here: the allotments together may not exceed the procedure's
legal deadline. Both sides are compared in **working minutes**:

* a step's allotment: working hours × 60, working days × the office time of a day of the
  default calendar (07:30–11:30 and 13:30–17:00, i.e. 450 minutes);
* the legal deadline: the smallest usable deadline among the procedure's channels (a channel
  of a sub-case counts too: the process must fit every case). Working days and working hours
  convert the same way as steps. Deadlines in calendar ``days``, ``months`` or elapsed ``hours``
  run over rest days, so they are converted with the working-time engine into the working time
  they *guarantee*: the least, over every working day of receipt in ordinary weeks (Monday to
  Friday, default office hours, no public holiday), of the working time between the end of the
  day of receipt and the due moment (for ``hours``, which start at the moment: between the
  opening of the day of receipt and the due moment). "15 ngày" thus guarantees 11 working
  days, "5 ngày" 3 (received on a Friday), "1 tháng" 20, "24 giờ" one.

A procedure without any usable deadline accepts any allotments, with a warning.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.catalog.models import (
    DurationUnit,
    Procedure,
    ProcessDefinition,
    ProcessStep,
    StepUnit,
)
from motcua.core.worktime import (
    WorkCalendar,
    WorktimeError,
    add,
    default_calendar,
    working_minutes_between,
)

MINUTES_PER_HOUR = 60
# Ordinary weeks: the default weekdays and office hours without public holidays. Every
# receipt day of one whole year is tried, which covers every weekday and month length.
_ORDINARY_WEEKS = WorkCalendar()
_REFERENCE_YEAR = 2026


class ProcessError(Exception):
    """A process definition that cannot be saved; ``messages`` are for the user."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = list(messages)


@functools.cache
def working_day_minutes() -> int:
    """Office minutes of one working day in the default calendar (450 by default)."""
    return int(default_calendar().office_time_per_day.total_seconds()) // 60


def step_minutes(value: Decimal, unit: str) -> Decimal:
    """A step's allotment in working minutes."""
    if unit == StepUnit.WORKING_DAYS:
        return Decimal(value) * working_day_minutes()
    if unit == StepUnit.WORKING_HOURS:
        return Decimal(value) * MINUTES_PER_HOUR
    raise ValueError(f"unknown step unit {unit!r}")


def _receipt_days() -> list[dt.date]:
    first = dt.date(_REFERENCE_YEAR, 1, 1)
    days = (first + dt.timedelta(days=n) for n in range(366))
    return [
        d for d in days if d.year == _REFERENCE_YEAR and d.weekday() in _ORDINARY_WEEKS.weekdays
    ]


@functools.lru_cache(maxsize=1024)
def _guaranteed_minutes(value: Decimal, unit: str) -> int:
    calendar = _ORDINARY_WEEKS
    opening, closing = calendar.periods[0][0], calendar.periods[-1][1]
    least = None
    for day in _receipt_days():
        received = dt.datetime.combine(day, opening, tzinfo=calendar.tz)
        due = add(received, value, unit, calendar)
        since = (
            received
            if unit == DurationUnit.HOURS
            else received.replace(hour=closing.hour, minute=closing.minute)
        )
        minutes = working_minutes_between(since, due, calendar)
        least = minutes if least is None else min(least, minutes)
    return max(least or 0, 0)


def deadline_minutes(value: Decimal | str | None, unit: str) -> Decimal | None:
    """The working minutes a legal deadline guarantees; ``None`` when it is not usable
    (no value, no unit, zero, or a value the engine refuses such as 1.5 months)."""
    if value in (None, "") or not unit:
        return None
    try:
        amount = Decimal(value)
    except (ArithmeticError, ValueError):
        return None
    if not amount.is_finite() or amount <= 0:
        return None
    if unit == DurationUnit.WORKING_DAYS:
        return amount * working_day_minutes()
    if unit == DurationUnit.WORKING_HOURS:
        return amount * MINUTES_PER_HOUR
    if unit in (DurationUnit.DAYS, DurationUnit.MONTHS, DurationUnit.HOURS):
        try:
            return Decimal(_guaranteed_minutes(amount.normalize(), str(unit)))
        except WorktimeError:
            return None
    return None


@dataclass(frozen=True)
class LegalDeadline:
    """The deadline a process must fit in, and where it comes from."""

    minutes: Decimal
    value: Decimal
    unit: str
    channel: str  # label of the channel it comes from
    subcase: str  # name of the sub-case, or ""

    @property
    def is_working_time(self) -> bool:
        return self.unit in (DurationUnit.WORKING_DAYS, DurationUnit.WORKING_HOURS)

    def original(self) -> str:
        """The deadline as published, e.g. "15 ngày"."""
        return f"{_number(self.value)} {DurationUnit(self.unit).label}"


def legal_deadline(procedure: Procedure) -> LegalDeadline | None:
    """The smallest usable deadline among the procedure's channels (see the module doc)."""
    best: LegalDeadline | None = None
    for channel in procedure.channels.select_related("subcase").order_by("position"):
        minutes = deadline_minutes(channel.duration_value, channel.duration_unit)
        if minutes is None or (best is not None and minutes >= best.minutes):
            continue
        best = LegalDeadline(
            minutes=minutes,
            value=channel.duration_value,
            unit=channel.duration_unit,
            channel=str(channel.get_channel_display()),
            subcase=channel.subcase.name if channel.subcase else "",
        )
    return best


def _number(value: Decimal) -> str:
    """A decimal for people: at most two decimals, no trailing zeros, local separator."""
    value = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.normalize()
    return number_format(value, use_l10n=True)


def describe_minutes(minutes: Decimal | int) -> str:
    """Working time for people: "6 ngày làm việc", "0,5 ngày làm việc", "3 giờ làm việc",
    "1 ngày 2 giờ làm việc"."""
    minutes = Decimal(minutes)
    day = working_day_minutes()
    days = minutes / day
    if (days * 2) == (days * 2).to_integral_value():  # whole and half days read as days
        return ngettext("%(days)s ngày làm việc", "%(days)s ngày làm việc", _plural_count(days)) % {
            "days": _number(days)
        }
    if minutes < day:
        hours = minutes / MINUTES_PER_HOUR
        return ngettext(
            "%(hours)s giờ làm việc", "%(hours)s giờ làm việc", _plural_count(hours)
        ) % {"hours": _number(hours)}
    whole = int(minutes // day)
    rest = (minutes - whole * day) / MINUTES_PER_HOUR
    # Each part agrees with its own number ("1 day 2 hours"), then the two are joined.
    day_part = ngettext("%(days)s ngày", "%(days)s ngày", whole) % {"days": _number(Decimal(whole))}
    hour_part = ngettext("%(hours)s giờ", "%(hours)s giờ", _plural_count(rest)) % {
        "hours": _number(rest)
    }
    return _("%(days)s %(hours)s làm việc") % {"days": day_part, "hours": hour_part}


def _plural_count(value: Decimal) -> int:
    """The count that picks a plural form: 1 only for exactly one (0,5 days are plural in
    English), the number itself otherwise, so that languages with several plural forms agree
    with the integer part."""
    if value == 1:
        return 1
    whole = int(value)
    return whole if whole == value and whole != 1 else max(whole, 2)


@dataclass(frozen=True)
class StepSpec:
    """One step as entered, before it is saved."""

    position: int
    name: str
    role: str
    allotted_value: Decimal
    allotted_unit: str


@dataclass(frozen=True)
class ProcessCheck:
    total_minutes: Decimal
    deadline: LegalDeadline | None
    errors: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_steps(steps: Sequence[StepSpec], deadline: LegalDeadline | None) -> ProcessCheck:
    """Validate a process: at least one step, unique positions, positive allotments, and
    allotments that fit in ``deadline`` (when there is one)."""
    errors: list[str] = []
    warnings: list[str] = []
    if not steps:
        errors.append(_("Quy trình phải có ít nhất một bước."))
    positions = [s.position for s in steps]
    duplicates = sorted({p for p in positions if positions.count(p) > 1})
    if duplicates:
        errors.append(
            _("Thứ tự các bước bị trùng: %(positions)s.")
            % {"positions": ", ".join(str(p) for p in duplicates)}
        )
    if any(s.allotted_value is None or s.allotted_value <= 0 for s in steps):
        errors.append(_("Thời gian của mỗi bước phải lớn hơn 0."))
    total = sum(
        (step_minutes(s.allotted_value, s.allotted_unit) for s in steps if s.allotted_value),
        Decimal(0),
    )
    if deadline is None:
        warnings.append(
            _(
                "Thủ tục chưa có thời hạn giải quyết xác định được (giá trị và đơn vị) ở cách "
                "thức thực hiện nào, nên chưa kiểm tra được tổng thời gian các bước."
            )
        )
    elif total > deadline.minutes:
        errors.append(
            _("Tổng thời gian các bước (%(total)s) vượt thời hạn giải quyết (%(deadline)s).")
            % {"total": describe_minutes(total), "deadline": describe_minutes(deadline.minutes)}
        )
    return ProcessCheck(total, deadline, tuple(errors), tuple(warnings))


def check_process(procedure: Procedure, steps: Sequence[StepSpec]) -> ProcessCheck:
    return check_steps(steps, legal_deadline(procedure))


# --- reads ------------------------------------------------------------------------------------
def _with_steps(qs: QuerySet[ProcessDefinition]) -> QuerySet[ProcessDefinition]:
    return qs.select_related("agency", "updated_by").prefetch_related(
        Prefetch("steps", queryset=ProcessStep.objects.order_by("position"))
    )


def process_definitions(procedure: Procedure) -> list[ProcessDefinition]:
    """The default definition first (if any), then the agencies' own, by agency name."""
    return list(
        _with_steps(procedure.processes.all()).order_by(F("agency__name").asc(nulls_first=True))
    )


def process_definition(procedure: Procedure, agency: Any = None) -> ProcessDefinition | None:
    """The definition for exactly ``agency`` (``None``: the default one)."""
    qs = procedure.processes.all()
    qs = qs.filter(agency__isnull=True) if agency is None else qs.filter(agency=agency)
    return _with_steps(qs).first()


def effective_process(procedure: Procedure, agency: Any) -> ProcessDefinition | None:
    """The process an agency follows: its own definition, else the procedure's default."""
    return process_definition(procedure, agency) or process_definition(procedure)


# --- writes -----------------------------------------------------------------------------------
@transaction.atomic
def save_process(
    procedure: Procedure,
    steps: Sequence[StepSpec],
    *,
    agency: Any = None,
    name: str = "",
    by: Any = None,
) -> ProcessDefinition:
    """Create or replace the definition of ``procedure`` for ``agency`` (``None``: the
    default). The steps are replaced as a whole and renumbered 1, 2, 3… in their order.

    Raises :class:`ProcessError` when :func:`check_steps` finds errors.
    """
    # Serialises concurrent saves of one procedure's processes (and the get-or-create below).
    Procedure.objects.select_for_update().filter(pk=procedure.pk).values_list("pk").first()
    check = check_process(procedure, steps)
    if not check.ok:
        raise ProcessError(check.errors)
    definition = process_definition(procedure, agency)
    if definition is None:
        definition = ProcessDefinition(procedure=procedure, agency=agency)
    definition.name = (name or default_process_name(agency))[:255]
    definition.updated_by = by if getattr(by, "pk", None) else None
    definition.save()
    definition.steps.all().delete()
    ordered = sorted(steps, key=lambda s: s.position)
    ProcessStep.objects.bulk_create(
        [
            ProcessStep(
                definition=definition,
                position=number,
                name=step.name[:255],
                role=step.role,
                allotted_value=step.allotted_value,
                allotted_unit=step.allotted_unit,
            )
            for number, step in enumerate(ordered, start=1)
        ]
    )
    return definition


@transaction.atomic
def delete_process(procedure: Procedure, agency: Any) -> bool:
    """Remove an agency's own definition (it follows the default again). The default itself
    is not removed here."""
    if agency is None:
        raise ValueError("the default process is replaced, not deleted")
    deleted, _rows = procedure.processes.filter(agency=agency).delete()
    return bool(deleted)


def default_process_name(agency: Any = None) -> str:
    if agency is None:
        return _("Quy trình nội bộ chung")
    return _("Quy trình nội bộ của %(agency)s") % {"agency": agency.name}
