"""Every change to a dossier (ARCHITECTURE.md, "How a write happens"): lock the row, check the
transition and the actor's role at the right agency, apply, append an immutable
``DossierEvent``, write outbox rows for the external consequences, commit.

Errors are ``DossierError`` with a Vietnamese message and a kind that the UI and the API turn
into a message or an HTTP status (403 forbidden, 409 conflict, 422 invalid) — never a 500.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.roles import READ_ONLY_ROLES, Role
from motcua.catalog.models import Channel, Procedure, ProcedureChannel
from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.permissions import roles_for
from motcua.core.text import fold
from motcua.dossiers.codes import issue_code
from motcua.dossiers.models import (
    ApplicantType,
    Dossier,
    DossierComponent,
    DossierConsultation,
    DossierEvent,
    DossierPause,
    IdType,
    OutboxMessage,
    ResultDelivery,
    Status,
)
from motcua.dossiers.steps import (
    LEADER_ROLES,
    PlannedStep,
    approval_target,
    draft_target,
    outcome,
    process_plan,
    step_due,
)
from motcua.dossiers.transitions import (
    APPLICANT,
    TABLE,
    Action,
    acts_at_consulted_agency,
    acts_at_receiving_agency,
)
from motcua.organizations.models import Agency, ReceptionPoint

FORBIDDEN, CONFLICT, INVALID = "forbidden", "conflict", "invalid"


class DossierError(Exception):
    """A refused change, with a message for the officer or the citizen."""

    def __init__(self, message: str, kind: str = INVALID) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


@dataclass
class Applicant:
    name: str
    id_number: str
    id_type: str = IdType.PERSONAL_ID
    applicant_type: int = ApplicantType.CITIZEN
    phone: str = ""
    email: str = ""
    address: str = ""
    commune_id: int | None = None
    user_id: int | None = None
    representative_name: str = ""
    representative_id_number: str = ""
    representative_phone: str = ""


@dataclass
class ComponentInput:
    """A component handed in: a catalog document (``document_id``) or an extra item, which
    needs a written reason."""

    name: str
    document_id: int | None = None
    extra_reason: str = ""
    originals: int = 0
    copies: int = 0
    digitized: bool = False
    reused: bool = False
    from_warehouse: bool = False
    page_count: int = 0


@dataclass
class Submission:
    procedure: Procedure
    channel: str
    applicant: Applicant
    receiving_agency: Agency
    competent_agency: Agency
    components: list[ComponentInput] = field(default_factory=list)
    subcase_code: str = ""
    summary: str = ""
    reception_point: ReceptionPoint | None = None
    result_delivery: str = ResultDelivery.DESK
    delivery_address: str = ""


# --- creation -----------------------------------------------------------------------------


def _check_components(procedure: Procedure, components: list[ComponentInput]) -> None:
    valid = set(procedure.documents.values_list("id", flat=True))
    for component in components:
        if component.document_id is None and not component.extra_reason.strip():
            raise DossierError(
                _("Giấy tờ “%(name)s” không có trong danh mục đã công bố: phải ghi rõ lý do nhận.")
                % {"name": component.name}
            )
        if component.document_id is not None and component.document_id not in valid:
            raise DossierError(_("Giấy tờ không thuộc thủ tục này."))


@transaction.atomic
def submit(submission: Submission, *, by: Any = None, at: dt.datetime | None = None) -> Dossier:
    """Register a new dossier in status 1 (online, or at the desk before the check) and issue
    its code from the receiving agency's daily counter."""
    at = at or timezone.now()
    procedure = submission.procedure
    if procedure.status == "repealed":
        raise DossierError(_("Thủ tục này đã bị bãi bỏ, không nhận hồ sơ mới."))
    if submission.channel not in Channel.values:
        raise DossierError(_("Kênh nộp không hợp lệ."))
    applicant = submission.applicant
    if not applicant.name.strip() or not applicant.id_number.strip():
        raise DossierError(_("Cần họ tên và số giấy tờ của người nộp."))
    _check_components(procedure, submission.components)
    dossier = Dossier.objects.create(
        code=issue_code(submission.receiving_agency, at),
        procedure=procedure,
        procedure_version=procedure.versions.get(number=procedure.version),
        subcase_code=submission.subcase_code,
        channel=submission.channel,
        status=Status.SUBMITTED,
        applicant_type=applicant.applicant_type,
        applicant_name=applicant.name.strip(),
        applicant_id_type=applicant.id_type,
        applicant_id_number=applicant.id_number.strip(),
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        applicant_commune_id=applicant.commune_id,
        applicant_user_id=applicant.user_id,
        applicant_search=fold(applicant.name)[:255],
        representative_name=applicant.representative_name,
        representative_id_number=applicant.representative_id_number,
        representative_phone=applicant.representative_phone,
        summary=submission.summary or procedure.name,
        reception_point=submission.reception_point,
        receiving_agency=submission.receiving_agency,
        competent_agency=submission.competent_agency,
        submitted_at=at,
        result_delivery=submission.result_delivery,
        delivery_address=submission.delivery_address,
    )
    DossierComponent.objects.bulk_create(
        [
            DossierComponent(
                dossier=dossier,
                document_id=c.document_id,
                name=c.name,
                extra_reason=c.extra_reason.strip(),
                originals=c.originals,
                copies=c.copies,
                digitized=c.digitized,
                reused=c.reused,
                from_warehouse=c.from_warehouse,
                page_count=c.page_count,
                position=i,
            )
            for i, c in enumerate(submission.components)
        ]
    )
    extras = [c.name for c in submission.components if c.document_id is None]
    _record(
        dossier,
        "submit",
        None,
        Status.SUBMITTED,
        by=by,
        role="",
        agency=submission.receiving_agency,
        at=at,
        data={"channel": submission.channel, "extra_components": extras},
    )
    return dossier


# --- the generic action path ------------------------------------------------------------


def _actor_role(
    dossier: Dossier, action: Action, by: Any, consultation_id: Any = None
) -> tuple[str, Agency]:
    """The role under which ``by`` takes ``action``, and the agency he acts for: desk roles
    at the receiving centre, every other role at the competent agency (the two may be one);
    answering a consultation, at the consulted agency."""
    transition = TABLE[action]
    if by is None or not getattr(by, "is_authenticated", False):
        raise DossierError(_("Cần đăng nhập để thao tác trên hồ sơ."), FORBIDDEN)
    if acts_at_consulted_agency(action):
        return _consulted_role(dossier, action, by, consultation_id)
    if APPLICANT in transition.roles and is_applicant(dossier, by):
        return APPLICANT, dossier.receiving_agency
    held: dict[int, set[str]] = {}
    for role in transition.roles:
        place = (
            dossier.receiving_agency if acts_at_receiving_agency(role) else dossier.competent_agency
        )
        if place.pk not in held:
            held[place.pk] = roles_for(by, place.pk)
        if role in held[place.pk]:
            return role, place
    raise DossierError(
        _("Bạn không có vai trò được phép “%(action)s” với hồ sơ này.")
        % {"action": transition.label},
        FORBIDDEN,
    )


def is_applicant(dossier: Dossier, user: Any) -> bool:
    """Whether ``user`` is the dossier's own applicant acting on the portal: its linked
    account, active, and not an officer's (an officer acts under his roles, never as one)."""
    return bool(
        dossier.applicant_user_id
        and dossier.applicant_user_id == getattr(user, "pk", None)
        and user.is_active
        and not user.is_officer
    )


def _open_consultations(dossier: Dossier, consultation_id: Any = None) -> list:
    qs = dossier.consultations.filter(answered_at__isnull=True).select_related("agency")
    if consultation_id not in (None, ""):
        try:
            qs = qs.filter(pk=int(consultation_id))
        except (TypeError, ValueError):
            raise DossierError(_("Mã yêu cầu xin ý kiến không hợp lệ.")) from None
    return list(qs.order_by("requested_at", "id"))


def _consulted_role(
    dossier: Dossier, action: Action, by: Any, consultation_id: Any
) -> tuple[str, Agency]:
    """The role ``by`` holds at an agency whose opinion the dossier waits for (the oldest
    open consultation he can answer, or the one named by ``consultation_id``)."""
    waiting = _open_consultations(dossier, consultation_id)
    if not waiting:
        raise DossierError(_("Hồ sơ không có yêu cầu xin ý kiến nào đang chờ trả lời."), CONFLICT)
    transition = TABLE[action]
    for consultation in waiting:
        held = roles_for(by, consultation.agency_id)
        for role in sorted(transition.roles):
            if role in held:
                return role, consultation.agency
    raise DossierError(
        _("Chỉ cán bộ của cơ quan được xin ý kiến mới được “%(action)s”.")
        % {"action": transition.label},
        FORBIDDEN,
    )


@transaction.atomic
def perform(
    dossier_code: str,
    action: Action | str,
    by: Any,
    *,
    note: str = "",
    expected_revision: int | None = None,
    at: dt.datetime | None = None,
    **params: Any,
) -> Dossier:
    """Take ``action`` on the dossier ``dossier_code`` as ``by``; see the module docstring."""
    try:
        action = Action(action)
    except ValueError:
        raise DossierError(_("Thao tác không tồn tại: %(a)s") % {"a": action}) from None
    dossier = (
        Dossier.objects.select_for_update()
        .select_related("receiving_agency", "competent_agency", "procedure")
        .filter(code=dossier_code)
        .first()
    )
    if dossier is None:
        raise DossierError(_("Không tìm thấy hồ sơ %(code)s.") % {"code": dossier_code})
    if expected_revision is not None and dossier.revision != expected_revision:
        raise DossierError(
            _(
                "Hồ sơ vừa được người khác cập nhật. Hãy tải lại trang để xem trạng thái mới "
                "trước khi thao tác."
            ),
            CONFLICT,
        )
    transition = TABLE[action]
    role, agency = _actor_role(dossier, action, by, params.get("consultation_id"))
    if dossier.status not in transition.sources or dossier.withdrawn_at:
        raise DossierError(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": transition.label, "status": dossier.get_status_display()},
            CONFLICT,
        )
    note = note.strip()
    if transition.needs_note and not note:
        raise DossierError(_("Cần ghi rõ lý do hoặc nội dung cho thao tác này."))
    at = at or timezone.now()
    before = dossier.status
    data = HANDLERS[action](dossier, by=by, at=at, note=note, acting_agency=agency, **params) or {}
    if transition.target is not None:
        dossier.status = transition.target
    dossier.revision += 1
    dossier.save()
    _record(
        dossier,
        action,
        before,
        dossier.status,
        by=by,
        role=role,
        agency=agency,
        at=at,
        note=note,
        data=data,
    )
    return dossier


def record_upload(dossier: Dossier, file: Any, by: Any) -> DossierEvent:
    """Log a scanned or uploaded component file in the dossier's history (the caller has
    checked the uploader and holds the dossier's row lock)."""
    role, agency = "", dossier.receiving_agency
    for place in (dossier.receiving_agency, dossier.competent_agency):
        held = sorted(roles_for(by, place.pk) - READ_ONLY_ROLES)
        if held:
            role, agency = held[0], place
            break
    data = {
        "file_id": file.pk,
        "component_id": file.component_id,
        "component": file.component.name[:200],
        "name": file.original_name,
        "content_type": file.content_type,
        "pages": file.page_count,
        "sha256": file.sha256,
    }
    status = dossier.status
    return _record(
        dossier,
        "attach_file",
        status,
        status,
        by=by,
        role=role,
        agency=agency,
        at=timezone.now(),
        data=data,
    )


def _record(
    dossier: Dossier,
    action: str,
    before: int | None,
    after: int,
    *,
    by: Any,
    role: str,
    agency: Agency,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    seq = dossier.events.count() + 1
    event = DossierEvent.objects.create(
        dossier=dossier,
        seq=seq,
        action=str(action),
        from_status=before,
        to_status=after,
        actor=by if getattr(by, "pk", None) else None,
        actor_name=by.get_full_name() if getattr(by, "pk", None) else "",
        actor_role=role,
        agency=agency,
        at=at,
        note=note,
        data=_json(data or {}),
    )
    payload = {
        "MaHoSo": dossier.code,
        "TrangThai": dossier.status,
        "ThaoTac": str(action),
        "ThoiDiem": timezone.localtime(at).strftime("%d/%m/%Y %H:%M:%S"),
        "NgayHenTra": _portal_time(dossier.due_at),
        "GhiChu": note,
    }
    if (data or {}).get("result_code"):
        # The issued result as the national portal lists it (DOMAIN §12); its file's address
        # comes with the public verification page (issue 6).
        payload["KetQua"] = [
            {
                "TenGiayTo": data["result_kind"],
                "MaGiayToKetQua": data["result_code"],
                "SoKyHieu": data.get("result_number", ""),
            }
        ]
    messages = [("national_portal", payload), ("statistics", payload)]
    if str(action) in NOTIFY_APPLICANT:
        contact = {"Email": dossier.applicant_email, "DienThoai": dossier.applicant_phone}
        messages.append(("notification", {**payload, **contact}))
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                topic=topic, key=f"{dossier.code}:{seq}:{topic}", dossier=dossier, payload=body
            )  # fmt: skip
            for topic, body in messages
        ]
    )
    return event


NOTIFY_APPLICANT = {
    "submit",
    Action.RECEIVE,
    Action.REQUEST_SUPPLEMENT_AT_RECEPTION,
    Action.REQUEST_SUPPLEMENT,
    Action.REFUSE,
    Action.REQUIRE_PAYMENT,
    Action.APOLOGIZE,
    Action.STOP,
    Action.ISSUE_RESULT,
}


def _portal_time(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S") if value else None


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- deadlines ----------------------------------------------------------------------------


def legal_channel(
    procedure: Procedure, channel: str, subcase_code: str = ""
) -> ProcedureChannel | None:
    """The catalog channel whose deadline applies (the sub-case's own first), among those
    with both a value and a unit."""
    channels = [
        c
        for c in procedure.channels.select_related("subcase")
        if c.channel == channel and c.duration_value is not None and c.duration_unit
    ]
    for row in channels:
        if row.subcase and row.subcase.code == subcase_code:
            return row
    return next((c for c in channels if c.subcase_id is None), channels[0] if channels else None)


def _legal_channel(dossier: Dossier) -> ProcedureChannel | None:
    return legal_channel(dossier.procedure, dossier.channel, dossier.subcase_code)


def appointment_by_hand(procedure: Procedure, channel: str, subcase_code: str = "") -> bool:
    """Whether the desk must enter the appointment itself: the published deadline of this
    channel lacks a value or a unit, or the working-time engine cannot use it (such as 1.5
    months)."""
    row = legal_channel(procedure, channel, subcase_code)
    if row is None:
        return True
    try:
        worktime.add(timezone.now(), row.duration_value, row.duration_unit, calendar_for(None))
    except worktime.WorktimeError:
        return True
    return False


# An appointment entered by hand lies within this many days of the reception (a typo such as
# 2062 instead of 2026 is refused rather than stored).
MAX_HAND_APPOINTMENT_DAYS = 366


def recompute_due(dossier: Dossier, now: dt.datetime) -> None:
    """The due moment from the frozen deadline, moved by the paused working time."""
    if dossier.deadline_value is None or dossier.received_at is None or dossier.apologized_at:
        # An apology (Form 04) sets a new appointment by hand; it is not recomputed.
        return
    calendar = calendar_for(dossier.competent_agency)
    pauses = [(p.started_at, p.ended_at) for p in dossier.pauses.all()]
    dossier.due_at = worktime.add_with_pauses(
        dossier.received_at,
        dossier.deadline_value,
        dossier.deadline_unit,
        calendar,
        pauses,
        cutoff=dossier.deadline_cutoff,
        now=now,
    )


# --- handlers: what each action changes beyond the status ------------------------------


def _receive(
    dossier: Dossier, *, at: dt.datetime, due_at: Any = None, **_kwargs: Any
) -> dict[str, Any]:
    """Receive: freeze the legal deadline and compute the appointment; when the catalog's
    deadline cannot be computed, the desk must give the appointment (``due_at``) itself."""
    channel = _legal_channel(dossier)
    dossier.received_at = at
    if channel is not None:
        dossier.deadline_value = channel.duration_value
        dossier.deadline_unit = channel.duration_unit
        dossier.deadline_cutoff = channel.cutoff
        try:
            recompute_due(dossier, at)
        except worktime.WorktimeError:
            channel = None
            dossier.deadline_value, dossier.deadline_unit, dossier.deadline_cutoff = None, "", None
            dossier.due_at = None
    if channel is not None:
        if due_at not in (None, ""):
            raise DossierError(
                _(
                    "Thủ tục đã có thời hạn giải quyết nên ngày hẹn trả được tính tự động "
                    "(%(due)s); không nhập ngày hẹn trả bằng tay."
                )
                % {"due": _show_moment(dossier.due_at)}
            )
        return {
            "due_at": dossier.due_at,
            "deadline": f"{channel.duration_value} {channel.duration_unit}",
        }
    dossier.due_at = _hand_appointment(due_at, at)
    return {"due_at": dossier.due_at, "deadline": None, "due_set_by_hand": True}


def _hand_appointment(due_at: Any, at: dt.datetime) -> dt.datetime:
    if due_at in (None, ""):
        raise DossierError(
            _(
                "Danh mục thủ tục chưa ghi đủ thời hạn giải quyết (giá trị và đơn vị) nên hệ "
                "thống không tính được ngày hẹn trả: cán bộ tiếp nhận phải nhập ngày hẹn trả."
            )
        )
    if not isinstance(due_at, dt.datetime) or timezone.is_naive(due_at):
        raise DossierError(_("Ngày hẹn trả không hợp lệ."))
    if due_at <= at:
        raise DossierError(
            _("Ngày hẹn trả phải sau thời điểm tiếp nhận (%(at)s).") % {"at": _show_moment(at)}
        )
    if due_at - at > dt.timedelta(days=MAX_HAND_APPOINTMENT_DAYS):
        raise DossierError(
            _("Ngày hẹn trả quá xa: tối đa %(days)s ngày sau khi tiếp nhận.")
            % {"days": MAX_HAND_APPOINTMENT_DAYS}
        )
    return due_at


def _show_moment(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _supplement_at_reception(
    dossier: Dossier, *, items: list[str] | None = None, **_kwargs: Any
) -> dict[str, Any]:
    if dossier.events.filter(action=Action.REQUEST_SUPPLEMENT_AT_RECEPTION).exists():
        raise DossierError(
            _("Chỉ được hướng dẫn bổ sung một lần khi tiếp nhận (Nghị định 61/2018)."), CONFLICT
        )
    if not items:
        raise DossierError(_("Cần liệt kê các giấy tờ phải bổ sung."))
    return {"items": list(items)}


def _refuse(dossier: Dossier, *, at: dt.datetime, **_kwargs: Any) -> None:
    dossier.refused_at = at


def _step_user(dossier: Dossier, user_id: Any, role: str) -> Any:
    from motcua.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None or role not in roles_for(user, dossier.competent_agency_id):
        raise DossierError(
            _("Người được chọn không giữ vai trò “%(role)s” tại cơ quan giải quyết.")
            % {"role": Role(role).label}
        )
    return user


def process_steps(dossier: Dossier) -> list[tuple[str, str]]:
    """(name, role) of each internal step, from the procedure's process for the agency."""
    return [(step.name, step.role) for step in process_plan(dossier)]


def _left_step(dossier: Dossier, at: dt.datetime) -> dict[str, Any] | None:
    """The step the dossier leaves at ``at``, with its due moment and outcome (Form 06)."""
    if dossier.current_step is None:
        return None
    return {
        "step": dossier.current_step,
        "step_name": dossier.current_step_name,
        "due_at": dossier.step_due_at,
        "outcome": outcome(at, dossier.step_due_at),
    }


def _move_to_step(
    dossier: Dossier,
    position: int,
    assignee: Any,
    at: dt.datetime,
    plan: list[PlannedStep] | None = None,
) -> dict[str, Any]:
    """Hand the dossier into step ``position`` at ``at``: the step's due moment comes from its
    allotment, counted with the competent agency's calendar."""
    plan = process_plan(dossier) if plan is None else plan
    if not 1 <= position <= len(plan):
        raise DossierError(_("Quy trình không có bước %(n)s.") % {"n": position})
    step = plan[position - 1]
    left = _left_step(dossier, at)
    dossier.current_step, dossier.current_step_name = position, step.name
    dossier.current_role = step.role
    dossier.assignee = assignee
    dossier.step_due_at = step_due(dossier, step, at)
    data: dict[str, Any] = {
        "step": position,
        "step_name": step.name,
        "role": step.role,
        "assignee": getattr(assignee, "username", None),
        "step_due_at": dossier.step_due_at,
    }
    if left is not None:
        data["left_step"] = left
    return data


def _close_steps(dossier: Dossier, at: dt.datetime) -> dict[str, Any]:
    """The last step is done (the result was issued): no step is open any more."""
    left = _left_step(dossier, at)
    dossier.current_step, dossier.current_step_name, dossier.current_role = None, "", ""
    dossier.step_due_at = None
    dossier.assignee = None
    return {"left_step": left, "steps_closed": True} if left else {"steps_closed": True}


def _optional_user(dossier: Dossier, assignee_id: Any, plan: list[PlannedStep], position: int):
    return _step_user(dossier, assignee_id, plan[position - 1].role) if assignee_id else None


def _assign(
    dossier: Dossier, *, at: dt.datetime, assignee_id: Any = None, **_kwargs: Any
) -> dict[str, Any]:
    _check_no_draft(dossier)
    plan = process_plan(dossier)
    user = _step_user(dossier, assignee_id, plan[0].role)
    return _move_to_step(dossier, 1, user, at, plan)


def _check_assignee(dossier: Dossier, by: Any) -> None:
    if dossier.assignee_id and dossier.assignee_id != by.pk:
        raise DossierError(_("Hồ sơ đang được giao cho người khác xử lý."), FORBIDDEN)


def _check_step_holder(dossier: Dossier, by: Any, roles: frozenset[str]) -> None:
    """At a step held by one of ``roles`` (the approval step, the clerk's step), only its
    assignee acts; elsewhere (a process without such a step) any officer of the role does."""
    if dossier.current_role in roles:
        _check_assignee(dossier, by)


def _check_no_draft(dossier: Dossier) -> None:
    if dossier.result_state:
        raise DossierError(
            _(
                "Dự thảo kết quả đang chờ phê duyệt hoặc phát hành: dùng “Phê duyệt kết quả” "
                "hoặc “Trả lại dự thảo” thay cho chuyển bước hay phân công lại."
            ),
            CONFLICT,
        )


def _forward(
    dossier: Dossier, *, by: Any, at: dt.datetime, assignee_id: Any = None, **_kwargs: Any
) -> dict[str, Any]:
    _check_assignee(dossier, by)
    _check_no_draft(dossier)
    position = (dossier.current_step or 0) + 1
    plan = process_plan(dossier)
    if position > len(plan):
        raise DossierError(_("Đã ở bước cuối của quy trình."), CONFLICT)
    user = _optional_user(dossier, assignee_id, plan, position)
    return _move_to_step(dossier, position, user, at, plan)


def _return_step(
    dossier: Dossier, *, by: Any, at: dt.datetime, assignee_id: Any = None, **_kwargs: Any
) -> dict:
    _check_assignee(dossier, by)
    _check_no_draft(dossier)
    position = (dossier.current_step or 1) - 1
    if position < 1:
        raise DossierError(_("Đang ở bước đầu tiên, không có bước trước."), CONFLICT)
    plan = process_plan(dossier)
    user = _optional_user(dossier, assignee_id, plan, position)
    return _move_to_step(dossier, position, user, at, plan)


def _request_supplement(
    dossier: Dossier, *, at: dt.datetime, note: str, items: list[str] | None = None, **_kwargs: Any
) -> dict[str, Any]:
    if not items:
        raise DossierError(_("Cần liệt kê các giấy tờ phải bổ sung."))
    dossier.supplement_count += 1
    dossier.paused_since = at
    DossierPause.objects.create(dossier=dossier, started_at=at, reason=note)
    return {"items": list(items), "supplement_count": dossier.supplement_count}


def _supplement_received(
    dossier: Dossier, *, at: dt.datetime, supplied: list | None = None, **_kwargs: Any
) -> dict[str, Any]:
    """The missing documents came (at the desk, or online from the applicant: ``supplied``
    lists the files attached, recorded in the event); the clock restarts."""
    extra = {"supplied": list(supplied)} if supplied else {}
    if dossier.received_at is None:
        # Guidance at reception: back to the desk's check, the dossier was never received.
        dossier.status = Status.SUBMITTED
        return {"back_to": Status.SUBMITTED, **extra}
    open_pauses = list(dossier.pauses.filter(ended_at__isnull=True))
    dossier.pauses.filter(ended_at__isnull=True).update(ended_at=at)
    dossier.paused_since = None
    dossier.status = Status.PROCESSING
    calendar = calendar_for(dossier.competent_agency)
    paused = sum(
        (worktime.working_time_between(p.started_at, at, calendar) for p in open_pauses),
        dt.timedelta(0),
    )
    if dossier.deadline_value is None and not dossier.apologized_at:
        # An appointment entered by hand stops with the clock too.
        dossier.due_at = _shift(dossier.due_at, paused, calendar)
    recompute_due(dossier, at)
    data: dict[str, Any] = {"back_to": Status.PROCESSING, "due_at": dossier.due_at, **extra}
    if dossier.step_due_at is not None:
        due = _shift(dossier.step_due_at, paused, calendar)
        dossier.step_due_at = min(due, dossier.due_at) if dossier.due_at else due
        data["step_due_at"] = dossier.step_due_at
    return data


def _shift(
    moment: dt.datetime | None, paused: dt.timedelta, calendar: worktime.WorkCalendar
) -> dt.datetime | None:
    """``moment`` moved by ``paused`` working time (a stopped clock restarting)."""
    minutes = int(paused.total_seconds() // 60)
    if moment is None or minutes <= 0:
        return moment
    return worktime.add(moment, Decimal(minutes) / 60, "working_hours", calendar)


def _require_payment(dossier: Dossier, *, amount_vnd: Any = None, **_kwargs: Any) -> dict[str, Any]:
    try:
        amount = int(amount_vnd)
    except (TypeError, ValueError):
        raise DossierError(_("Cần số tiền phải nộp (đồng).")) from None
    if amount <= 0:
        raise DossierError(_("Số tiền phải nộp phải lớn hơn 0."))
    dossier.resume_status = dossier.status
    return {"amount_vnd": amount}


def _resume(dossier: Dossier, **_kwargs: Any) -> dict[str, Any]:
    dossier.status = dossier.resume_status or Status.PROCESSING
    dossier.resume_status = None
    return {"back_to": dossier.status}


def _apologize(
    dossier: Dossier, *, at: dt.datetime, note: str, new_due_at: Any = None, **_kwargs: Any
) -> dict[str, Any]:
    if dossier.apologized_at:
        raise DossierError(_("Ngày hẹn trả chỉ được điều chỉnh một lần."), CONFLICT)
    if dossier.due_at is None:
        raise DossierError(_("Hồ sơ không có ngày hẹn trả để điều chỉnh."), CONFLICT)
    calendar = calendar_for(dossier.competent_agency)
    if worktime.working_minutes_between(at, dossier.due_at, calendar) < _working_day(calendar):
        raise DossierError(
            _("Phải gửi văn bản xin lỗi chậm nhất 1 ngày làm việc trước ngày hẹn trả."), CONFLICT
        )
    if not isinstance(new_due_at, dt.datetime) or new_due_at <= dossier.due_at:
        raise DossierError(_("Ngày hẹn mới phải sau ngày hẹn trả hiện tại."))
    dossier.original_due_at = dossier.due_at
    dossier.due_at = new_due_at
    dossier.apologized_at = at
    dossier.apology_reason = note
    return {"original_due_at": dossier.original_due_at, "new_due_at": new_due_at}


def _working_day(calendar: worktime.WorkCalendar) -> int:
    return int(calendar.office_time_per_day.total_seconds() // 60)


def _stop(dossier: Dossier, *, at: dt.datetime, **_kwargs: Any) -> None:
    dossier.stopped_at = at


def _request_withdrawal(dossier: Dossier, **_kwargs: Any) -> dict[str, Any]:
    dossier.resume_status = dossier.status
    return {"previous": dossier.status}


def _confirm_withdrawal(dossier: Dossier, *, at: dt.datetime, **_kwargs: Any) -> None:
    dossier.withdrawn_at = at


def _submit_draft(
    dossier: Dossier,
    *,
    by: Any,
    at: dt.datetime,
    assignee_id: Any = None,
    result_file: Any = None,
    result_kind: Any = "",
    **_kwargs: Any,
) -> dict[str, Any]:
    """The specialist submits the draft result — a PDF (``result_file``, checked by its
    content) and its kind (``result_kind``; the procedure's only published result when
    blank) — and the dossier goes to the approval step (the next step held by a leader, else
    simply the next step; it stays at the last step). One draft at a time."""
    from motcua.dossiers import results

    _check_assignee(dossier, by)
    if dossier.result_state:
        raise DossierError(_("Đã có dự thảo đang chờ phê duyệt."), CONFLICT)
    waiting = _open_consultations(dossier)
    if waiting:
        raise DossierError(
            _(
                "Chưa thể trình dự thảo: còn chờ ý kiến của %(agencies)s. Trình dự thảo sau "
                "khi cơ quan được xin ý kiến trả lời."
            )
            % {"agencies": ", ".join(c.agency.name for c in waiting)},
            CONFLICT,
        )
    kind = results.clean_kind(dossier, result_kind)
    plan = process_plan(dossier)
    target = draft_target(plan, dossier.current_step)
    user = _optional_user(dossier, assignee_id, plan, target) if target is not None else None
    # Every refusal above comes before the file is read and stored.
    result = results.create_draft(dossier, result_file, kind, by, at)
    dossier.result_state = "draft"
    data: dict[str, Any] = {"draft_from_step": dossier.current_step, **results.event_data(result)}
    if target is not None:
        data.update(_move_to_step(dossier, target, user, at, plan))
    return data


def _approve(
    dossier: Dossier, *, by: Any, at: dt.datetime, assignee_id: Any = None, **_kwargs: Any
) -> dict[str, Any]:
    """A leader approves the draft. When the next step is another leader's (approval at two
    levels), the draft goes up to it; otherwise the result is approved and the dossier goes
    to the records clerk's step (else simply the next step)."""
    from motcua.dossiers import results

    if dossier.result_state != "draft":
        raise DossierError(_("Chưa có dự thảo kết quả để phê duyệt."), CONFLICT)
    _check_step_holder(dossier, by, LEADER_ROLES)
    result = results.require_pending(dossier, results.State.DRAFT)
    plan = process_plan(dossier)
    target, approved = approval_target(plan, dossier.current_step)
    user = _optional_user(dossier, assignee_id, plan, target) if target is not None else None
    if approved:
        dossier.result_state = "approved"
        results.approve(result, by, at)
    data: dict[str, Any] = {"approved": approved, **results.event_data(result)}
    if target is not None:
        data.update(_move_to_step(dossier, target, user, at, plan))
    return data


def _return_draft(dossier: Dossier, *, by: Any, at: dt.datetime, note: str, **_kwargs: Any) -> dict:
    """The draft goes back, with the leader's reason, to the step it was submitted from, to
    the officer who wrote it. The returned draft keeps its row (history is never deleted);
    the specialist submits a new one."""
    from motcua.dossiers import results

    if dossier.result_state != "draft":
        raise DossierError(_("Chưa có dự thảo kết quả để trả lại."), CONFLICT)
    _check_step_holder(dossier, by, LEADER_ROLES)
    dossier.result_state = ""
    data: dict[str, Any] = {}
    result = results.pending(dossier)
    if result is not None:  # a draft submitted before results were stored has no row
        results.return_draft(result, by, at, note)
        data.update(results.event_data(result))
    submitted = dossier.events.filter(action=Action.SUBMIT_DRAFT).order_by("-seq").first()
    position = (submitted.data or {}).get("draft_from_step") if submitted else None
    plan = process_plan(dossier)
    if not isinstance(position, int) or not 1 <= position <= len(plan):
        return data
    if position == dossier.current_step:
        return data
    author = submitted.actor if submitted.actor and submitted.actor.is_active else None
    if author is not None and plan[position - 1].role not in roles_for(
        author, dossier.competent_agency_id
    ):
        author = None
    return {**data, **_move_to_step(dossier, position, author, at, plan)}


def _issue_result(
    dossier: Dossier, *, by: Any, at: dt.datetime, result_number: Any = "", **_kwargs: Any
) -> dict:
    """The records clerk enters the approved result in the agency's register, gives it its
    document number (typed, or ``<register number>/<year>/<agency code>``) and its electronic
    code ``<dossier code>-KQ<n>``; the dossier is resolved (status 9)."""
    from motcua.dossiers import results

    if dossier.result_state != "approved":
        raise DossierError(_("Kết quả chưa được lãnh đạo phê duyệt."), CONFLICT)
    _check_step_holder(dossier, by, frozenset({Role.RECORDS_CLERK}))
    result = results.require_pending(dossier, results.State.APPROVED)
    results.issue(result, dossier, by, at, result_number)
    dossier.resolved_at = at
    return {**results.event_data(result), **_close_steps(dossier, at)}


# --- consultation of cooperating agencies (liên thông) -----------------------------------

MAX_CONSULTATION_DAYS = 60


def _consulted_agency(dossier: Dossier, consulted_agency: Any) -> Agency:
    code = str(consulted_agency or "").strip()[:40]
    if not code:
        raise DossierError(_("Chọn cơ quan được xin ý kiến."))
    agency = Agency.objects.current().filter(code=code).first()
    if agency is None:
        raise DossierError(_("Không tìm thấy cơ quan %(code)s đang hoạt động.") % {"code": code})
    if agency.pk == dossier.competent_agency_id:
        raise DossierError(_("Không xin ý kiến chính cơ quan đang giải quyết hồ sơ."))
    return agency


def _allotment(value: Any) -> int:
    try:
        days = int(str(value).strip())
    except (TypeError, ValueError):
        raise DossierError(_("Thời gian xin ý kiến là số ngày làm việc (số nguyên).")) from None
    if not 1 <= days <= MAX_CONSULTATION_DAYS:
        raise DossierError(
            _("Thời gian xin ý kiến từ 1 đến %(max)s ngày làm việc.")
            % {"max": MAX_CONSULTATION_DAYS}
        )
    return days


def _request_consultation(
    dossier: Dossier,
    *,
    by: Any,
    at: dt.datetime,
    note: str,
    consulted_agency: Any = None,
    allotment_days: Any = None,
    **_kwargs: Any,
) -> dict[str, Any]:
    """Ask a cooperating agency for its opinion within its own allotment, counted with its
    own working calendar; the answer must come before the dossier's appointment."""
    _check_assignee(dossier, by)
    agency = _consulted_agency(dossier, consulted_agency)
    days = _allotment(allotment_days)
    if dossier.consultations.filter(agency=agency, answered_at__isnull=True).exists():
        raise DossierError(
            _("Đã xin ý kiến %(agency)s và đang chờ trả lời.") % {"agency": agency.name}, CONFLICT
        )
    try:
        due = worktime.add(at, days, "working_days", calendar_for(agency))
    except worktime.WorktimeError as error:
        raise DossierError(str(error)) from None
    if dossier.due_at is not None and due > dossier.due_at:
        raise DossierError(
            _(
                "Hạn trả lời (%(due)s) sau ngày hẹn trả hồ sơ (%(appointment)s): giảm số ngày "
                "xin ý kiến."
            )
            % {"due": _show_moment(due), "appointment": _show_moment(dossier.due_at)}
        )
    consultation = DossierConsultation.objects.create(
        dossier=dossier,
        agency=agency,
        requested_by=by,
        requested_at=at,
        question=note,
        allotment_days=days,
        due_at=due,
    )
    return {
        "consultation_id": consultation.pk,
        "consulted_agency": agency.code,
        "allotment_days": days,
        "answer_due_at": due,
    }


def _answer_consultation(
    dossier: Dossier,
    *,
    by: Any,
    at: dt.datetime,
    note: str,
    acting_agency: Agency,
    consultation_id: Any = None,
    **_kwargs: Any,
) -> dict[str, Any]:
    """The consulted agency's officer answers (the agency was chosen by ``_actor_role``)."""
    waiting = [
        c for c in _open_consultations(dossier, consultation_id) if c.agency_id == acting_agency.pk
    ]
    if not waiting:  # pragma: no cover - _actor_role found one under the same row lock
        raise DossierError(_("Hồ sơ không có yêu cầu xin ý kiến nào đang chờ trả lời."), CONFLICT)
    consultation = waiting[0]
    consultation.answered_at, consultation.answered_by, consultation.answer = at, by, note
    consultation.save(update_fields=["answered_at", "answered_by", "answer"])
    return {
        "consultation_id": consultation.pk,
        "consulted_agency": acting_agency.code,
        "outcome": outcome(at, consultation.due_at),
    }


def _return_result(
    dossier: Dossier,
    *,
    at: dt.datetime,
    receiver_name: str = "",
    receiver_id: str = "",
    **_kwargs: Any,
) -> dict[str, Any]:
    if dossier.result_delivery != ResultDelivery.POST and not (receiver_name and receiver_id):
        raise DossierError(_("Cần ghi họ tên và số giấy tờ của người nhận kết quả."))
    dossier.returned_at = at
    issued = list(
        dossier.results.filter(state="issued").order_by("sequence").values_list("code", flat=True)
    )
    return {"receiver_name": receiver_name, "receiver_id": receiver_id, "result_codes": issued}


HANDLERS = {
    Action.RECEIVE: _receive,
    Action.REQUEST_SUPPLEMENT_AT_RECEPTION: _supplement_at_reception,
    Action.REFUSE: _refuse,
    Action.ASSIGN: _assign,
    Action.FORWARD: _forward,
    Action.RETURN_STEP: _return_step,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUPPLEMENT_RECEIVED: _supplement_received,
    Action.REQUIRE_PAYMENT: _require_payment,
    Action.PAYMENT_RECEIVED: _resume,
    Action.APOLOGIZE: _apologize,
    Action.STOP: _stop,
    Action.REQUEST_WITHDRAWAL: _request_withdrawal,
    Action.CONFIRM_WITHDRAWAL: _confirm_withdrawal,
    Action.SUBMIT_DRAFT: _submit_draft,
    Action.APPROVE: _approve,
    Action.RETURN_DRAFT: _return_draft,
    Action.ISSUE_RESULT: _issue_result,
    Action.RETURN_RESULT: _return_result,
    Action.REQUEST_CONSULTATION: _request_consultation,
    Action.ANSWER_CONSULTATION: _answer_consultation,
}
