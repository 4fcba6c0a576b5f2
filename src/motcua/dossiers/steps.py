"""The internal steps of a dossier (quy trình nội bộ, DOMAIN §2): the plan it follows, the due
moment of each step, and the history of hand-overs between steps and to consulted agencies,
which the Form 06 processing control sheet prints.

Everything here reads; the moves themselves are made by ``dossiers.services.perform``, which
records in each event the step entered (``step``, ``step_name``, ``role``, ``assignee``,
``step_due_at``) and the step left (``left_step``: its number, name, due moment and outcome).
``step_history`` rebuilds the hand-overs from those events only, so a process edited later
never rewrites the history of a dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.roles import Role
from motcua.catalog.processes import effective_process
from motcua.core import worktime
from motcua.core.calendars import calendar_for

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.organizations.models import Agency

EARLY, ON_TIME, LATE = "early", "on_time", "late"
# Leader roles: the step where a draft result is approved and signed (DOMAIN §2).
LEADER_ROLES = frozenset({Role.UNIT_LEADER, Role.AGENCY_LEADER})
# Actions after which no step is open any more (the records clerk issued the result, or the
# dossier left processing for good).
CLOSING_ACTIONS = frozenset({"issue_result", "stop", "confirm_withdrawal", "refuse"})
CONSULTATION_REQUEST, CONSULTATION_ANSWER = "request_consultation", "answer_consultation"


@dataclass(frozen=True)
class PlannedStep:
    """One step of the process a dossier follows, with its time allotment when the process
    gives one (the built-in default steps have none: they share the dossier's deadline)."""

    position: int
    name: str
    role: str
    allotted_value: Decimal | None = None
    allotted_unit: str = ""


def default_plan() -> list[PlannedStep]:
    """Specialist appraises and drafts, leader approves, records clerk issues (DOMAIN §2):
    the path of a procedure whose internal process is not defined yet."""
    return [
        PlannedStep(1, _("Thẩm định, dự thảo kết quả"), Role.SPECIALIST),
        PlannedStep(2, _("Phê duyệt"), Role.AGENCY_LEADER),
        PlannedStep(3, _("Vào số, phát hành"), Role.RECORDS_CLERK),
    ]


def process_plan(dossier: Dossier) -> list[PlannedStep]:
    """The steps of the procedure's process at the competent agency, in order."""
    process = effective_process(dossier.procedure, dossier.competent_agency)
    steps = list(process.steps.all()) if process is not None else []
    if not steps:
        return default_plan()
    steps.sort(key=lambda s: s.position)
    return [
        PlannedStep(number, s.name, s.role, s.allotted_value, s.allotted_unit)
        for number, s in enumerate(steps, start=1)
    ]


def next_step(plan: list[PlannedStep], after: int | None, roles: frozenset[str]) -> int | None:
    """The first step after ``after`` whose role is in ``roles``, else simply the next step;
    ``None`` at the end of the process."""
    later = [step for step in plan if step.position > (after or 0)]
    wanted = next((step for step in later if step.role in roles), None)
    chosen = wanted or (later[0] if later else None)
    return chosen.position if chosen else None


def draft_target(plan: list[PlannedStep], current: int | None) -> int | None:
    """Where a submitted draft goes: the approval step (the next leader's step, else simply
    the next step); ``None`` at the last step (the draft waits there)."""
    return next_step(plan, current, LEADER_ROLES)


def approval_target(plan: list[PlannedStep], current: int | None) -> tuple[int | None, bool]:
    """Where an approved draft goes, and whether the result is approved for good: when the
    next step is another leader's (approval at two levels) the draft goes up to it, still a
    draft; otherwise the result is approved and goes to the records clerk's step (else simply
    the next step; ``None`` at the last step)."""
    following = next_step(plan, current, frozenset())
    if following is not None and plan[following - 1].role in LEADER_ROLES:
        return following, False
    return next_step(plan, current, frozenset({Role.RECORDS_CLERK})), True


def step_due(dossier: Dossier, step: PlannedStep, at: dt.datetime) -> dt.datetime | None:
    """The due moment of ``step`` entered at ``at``: its allotment counted with the competent
    agency's calendar, never past the dossier's appointment; the appointment itself when the
    step has no allotment."""
    if step.allotted_value is None or not step.allotted_unit:
        return dossier.due_at
    try:
        due = worktime.add(
            at, step.allotted_value, step.allotted_unit, calendar_for(dossier.competent_agency)
        )
    except worktime.WorktimeError:
        return dossier.due_at
    if dossier.due_at is not None and due > dossier.due_at:
        return dossier.due_at
    return due


def outcome(finished_at: dt.datetime | None, due_at: dt.datetime | None) -> str | None:
    """Early / on time / late of a step, as Form 06 prints it.

    * ``late`` when finished after the due moment;
    * ``early`` when finished before the due moment's day began (strictly before 00:00 of the
      due date, Vietnam time): at least one whole calendar day ahead;
    * ``on_time`` otherwise (on the due day, at or before the due moment);
    * ``None`` while the step is open or when it has no due moment.
    """
    if finished_at is None or due_at is None:
        return None
    if finished_at > due_at:
        return LATE
    if timezone.localtime(finished_at).date() < timezone.localtime(due_at).date():
        return EARLY
    return ON_TIME


@dataclass(frozen=True)
class StepRecord:
    """One hand-over of a dossier (a row of Form 06)."""

    position: int | None  # step number in the internal process; None for a consultation
    name: str  # step name (or "Xin ý kiến <agency>" for a consultation)
    agency: Agency  # where the step is done (the consulted agency for a consultation)
    giver_name: str  # who handed the dossier over into this step
    given_at: dt.datetime  # when it was handed over
    receiver_name: str  # who received it (assignee name, or the role label when unassigned)
    due_at: dt.datetime | None  # due moment of the step
    finished_at: dt.datetime | None  # when the step was handed on (None while still open)
    outcome: str | None  # "early" | "on_time" | "late" | None while open or without due
    note: str  # the note given at hand-over


def _moment(value: Any) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _receiver(data: dict[str, Any], names: dict[str, str]) -> str:
    username = data.get("assignee")
    if username:
        return names.get(username) or username
    role = data.get("role", "")
    return str(Role(role).label) if role in Role.values else ""


def _consultation_name(agency: Agency) -> str:
    return _("Xin ý kiến %(agency)s") % {"agency": agency.name}


def step_history(dossier: Dossier, events: list[DossierEvent] | None = None) -> list[StepRecord]:
    """The hand-overs of ``dossier`` into internal steps and to consulted agencies, in the
    order they were made, rebuilt from its events (``events``: already loaded, in order)."""
    from motcua.accounts.models import User
    from motcua.dossiers.models import DossierConsultation

    if events is None:
        events = list(dossier.events.select_related("agency").order_by("seq"))
    usernames = {e.data.get("assignee") for e in events if (e.data or {}).get("assignee")}
    names = dict(User.objects.filter(username__in=usernames).values_list("username", "full_name"))
    consultations = {
        c.pk: c
        for c in DossierConsultation.objects.filter(dossier=dossier).select_related("agency")
    }

    rows: list[dict[str, Any]] = []
    open_step: dict[str, Any] | None = None
    open_consultations: dict[int, dict[str, Any]] = {}
    for event in events:
        data = event.data or {}
        action = event.action
        if action == CONSULTATION_REQUEST and data.get("consultation_id") in consultations:
            consultation = consultations[data["consultation_id"]]
            row = {
                "position": None,
                "name": _consultation_name(consultation.agency),
                "agency": consultation.agency,
                "giver_name": event.actor_name,
                "given_at": event.at,
                "receiver_name": consultation.agency.name,
                "due_at": consultation.due_at,
                "finished_at": None,
                "note": event.note,
            }
            rows.append(row)
            open_consultations[consultation.pk] = row
            continue
        if action == CONSULTATION_ANSWER and data.get("consultation_id") in open_consultations:
            row = open_consultations.pop(data["consultation_id"])
            row["finished_at"] = event.at
            row["receiver_name"] = event.actor_name or row["receiver_name"]
            if event.note:
                row["note"] = _("%(question)s — Trả lời: %(answer)s") % {
                    "question": row["note"],
                    "answer": event.note,
                }
            continue
        entered = "step" in data and "step_name" in data
        if open_step is not None and (entered or action in CLOSING_ACTIONS):
            open_step["finished_at"] = event.at
            open_step = None
        if open_step is not None and "step_due_at" in data:
            # The clock of the step moved (a supplement pause ended).
            open_step["due_at"] = _moment(data["step_due_at"])
        if entered:
            open_step = {
                "position": data.get("step"),
                "name": data.get("step_name", ""),
                "agency": dossier.competent_agency,
                "giver_name": event.actor_name,
                "given_at": event.at,
                "receiver_name": _receiver(data, names),
                "due_at": _moment(data.get("step_due_at")),
                "finished_at": None,
                "note": event.note,
            }
            rows.append(open_step)
    return [StepRecord(**row, outcome=outcome(row["finished_at"], row["due_at"])) for row in rows]


def outcome_label(value: str | None) -> str:
    """The outcome in words (Vietnamese, translated)."""
    labels = {EARLY: _("Trước hạn"), ON_TIME: _("Đúng hạn"), LATE: _("Quá hạn")}
    return str(labels.get(value or "", ""))


__all__ = [
    "EARLY",
    "LATE",
    "ON_TIME",
    "PlannedStep",
    "StepRecord",
    "approval_target",
    "draft_target",
    "next_step",
    "outcome",
    "outcome_label",
    "process_plan",
    "step_due",
    "step_history",
]
