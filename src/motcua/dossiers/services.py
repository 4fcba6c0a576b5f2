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
from motcua.catalog.processes import effective_process
from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.permissions import roles_for
from motcua.core.text import fold
from motcua.dossiers.codes import issue_code
from motcua.dossiers.models import (
    ApplicantType,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierPause,
    IdType,
    OutboxMessage,
    ResultDelivery,
    Status,
)
from motcua.dossiers.transitions import TABLE, Action, acts_at_receiving_agency
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


def _actor_role(dossier: Dossier, action: Action, by: Any) -> tuple[str, Agency]:
    """The role under which ``by`` takes ``action``, and the agency he acts for: desk roles
    at the receiving centre, every other role at the competent agency (the two may be one)."""
    transition = TABLE[action]
    if by is None or not getattr(by, "is_authenticated", False):
        raise DossierError(_("Cần đăng nhập để thao tác trên hồ sơ."), FORBIDDEN)
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
    role, agency = _actor_role(dossier, action, by)
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
    data = HANDLERS[action](dossier, by=by, at=at, note=note, **params) or {}
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


def _legal_channel(dossier: Dossier) -> ProcedureChannel | None:
    channels = [
        c
        for c in dossier.procedure.channels.select_related("subcase")
        if c.channel == dossier.channel and c.duration_value is not None and c.duration_unit
    ]
    for channel in channels:
        if channel.subcase and channel.subcase.code == dossier.subcase_code:
            return channel
    return next((c for c in channels if c.subcase_id is None), channels[0] if channels else None)


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


def _receive(dossier: Dossier, *, at: dt.datetime, **_kwargs: Any) -> dict[str, Any]:
    channel = _legal_channel(dossier)
    dossier.received_at = at
    if channel is not None:
        dossier.deadline_value = channel.duration_value
        dossier.deadline_unit = channel.duration_unit
        dossier.deadline_cutoff = channel.cutoff
        recompute_due(dossier, at)
    return {
        "due_at": dossier.due_at,
        "deadline": f"{channel.duration_value} {channel.duration_unit}" if channel else None,
    }


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
    process = effective_process(dossier.procedure, dossier.competent_agency)
    if process is None or not process.steps.exists():
        return [
            (_("Thẩm định, dự thảo kết quả"), Role.SPECIALIST),
            (_("Phê duyệt"), Role.AGENCY_LEADER),
            (_("Vào số, phát hành"), Role.RECORDS_CLERK),
        ]
    return [(s.name, s.role) for s in process.steps.order_by("position")]


def _move_to_step(dossier: Dossier, position: int, assignee: Any) -> dict[str, Any]:
    steps = process_steps(dossier)
    if not 1 <= position <= len(steps):
        raise DossierError(_("Quy trình không có bước %(n)s.") % {"n": position})
    name, role = steps[position - 1]
    dossier.current_step, dossier.current_step_name, dossier.current_role = position, name, role
    dossier.assignee = assignee
    username = getattr(assignee, "username", None)
    return {"step": position, "step_name": name, "role": role, "assignee": username}


def _assign(dossier: Dossier, *, assignee_id: Any = None, **_kwargs: Any) -> dict[str, Any]:
    steps = process_steps(dossier)
    user = _step_user(dossier, assignee_id, steps[0][1])
    return _move_to_step(dossier, 1, user)


def _check_assignee(dossier: Dossier, by: Any) -> None:
    if dossier.assignee_id and dossier.assignee_id != by.pk:
        raise DossierError(_("Hồ sơ đang được giao cho người khác xử lý."), FORBIDDEN)


def _forward(
    dossier: Dossier, *, by: Any, assignee_id: Any = None, **_kwargs: Any
) -> dict[str, Any]:
    _check_assignee(dossier, by)
    position = (dossier.current_step or 0) + 1
    steps = process_steps(dossier)
    if position > len(steps):
        raise DossierError(_("Đã ở bước cuối của quy trình."), CONFLICT)
    user = _step_user(dossier, assignee_id, steps[position - 1][1]) if assignee_id else None
    return _move_to_step(dossier, position, user)


def _return_step(dossier: Dossier, *, by: Any, assignee_id: Any = None, **_kwargs: Any) -> dict:
    _check_assignee(dossier, by)
    position = (dossier.current_step or 1) - 1
    if position < 1:
        raise DossierError(_("Đang ở bước đầu tiên, không có bước trước."), CONFLICT)
    steps = process_steps(dossier)
    user = _step_user(dossier, assignee_id, steps[position - 1][1]) if assignee_id else None
    return _move_to_step(dossier, position, user)


def _request_supplement(
    dossier: Dossier, *, at: dt.datetime, note: str, items: list[str] | None = None, **_kwargs: Any
) -> dict[str, Any]:
    if not items:
        raise DossierError(_("Cần liệt kê các giấy tờ phải bổ sung."))
    dossier.supplement_count += 1
    dossier.paused_since = at
    DossierPause.objects.create(dossier=dossier, started_at=at, reason=note)
    return {"items": list(items), "supplement_count": dossier.supplement_count}


def _supplement_received(dossier: Dossier, *, at: dt.datetime, **_kwargs: Any) -> dict[str, Any]:
    if dossier.received_at is None:
        # Guidance at reception: back to the desk's check, the dossier was never received.
        dossier.status = Status.SUBMITTED
        return {"back_to": Status.SUBMITTED}
    dossier.pauses.filter(ended_at__isnull=True).update(ended_at=at)
    dossier.paused_since = None
    dossier.status = Status.PROCESSING
    recompute_due(dossier, at)
    return {"back_to": Status.PROCESSING, "due_at": dossier.due_at}


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


def _submit_draft(dossier: Dossier, *, by: Any, **_kwargs: Any) -> None:
    _check_assignee(dossier, by)
    if dossier.result_state:
        raise DossierError(_("Đã có dự thảo đang chờ phê duyệt."), CONFLICT)
    dossier.result_state = "draft"


def _approve(dossier: Dossier, **_kwargs: Any) -> None:
    if dossier.result_state != "draft":
        raise DossierError(_("Chưa có dự thảo kết quả để phê duyệt."), CONFLICT)
    dossier.result_state = "approved"


def _return_draft(dossier: Dossier, **_kwargs: Any) -> None:
    if dossier.result_state != "draft":
        raise DossierError(_("Chưa có dự thảo kết quả để trả lại."), CONFLICT)
    dossier.result_state = ""


def _issue_result(dossier: Dossier, *, at: dt.datetime, **_kwargs: Any) -> None:
    if dossier.result_state != "approved":
        raise DossierError(_("Kết quả chưa được lãnh đạo phê duyệt."), CONFLICT)
    dossier.resolved_at = at
    dossier.assignee = None


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
    return {"receiver_name": receiver_name, "receiver_id": receiver_id}


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
}
