"""The transition table: which action moves a dossier from which statuses to which, and which
roles may take it at which of the dossier's agencies. One explicit structure (STYLE.md:
Signalen's workflow table); a test walks every (status, action, role) triple.

Rules that depend on more than status and role (a step's assignee, "at most once", "one
working day before the deadline") are checked by the service that performs the action.

Where a role is held: desk roles at the receiving centre, every other role at the competent
agency — except for the actions in ``AT_CONSULTED_AGENCY`` (answering a consultation), whose
roles are held at the agency that was consulted.

``APPLICANT`` is not an officer role but the dossier's own applicant (its ``applicant_user``, an
active citizen or business account): on the portal he answers a supplement request with the
missing documents and asks to withdraw his dossier (the desk still confirms the withdrawal).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.roles import Role
from motcua.dossiers.models import Status


class Action(StrEnum):
    RECEIVE = "receive"
    REQUEST_SUPPLEMENT_AT_RECEPTION = "request_supplement_at_reception"
    REFUSE = "refuse"
    ASSIGN = "assign"
    FORWARD = "forward"
    RETURN_STEP = "return_step"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_RECEIVED = "supplement_received"
    REQUIRE_PAYMENT = "require_payment"
    PAYMENT_RECEIVED = "payment_received"
    APOLOGIZE = "apologize"
    STOP = "stop"
    REQUEST_WITHDRAWAL = "request_withdrawal"
    CONFIRM_WITHDRAWAL = "confirm_withdrawal"
    SUBMIT_DRAFT = "submit_draft"
    APPROVE = "approve"
    RETURN_DRAFT = "return_draft"
    ISSUE_RESULT = "issue_result"
    RETURN_RESULT = "return_result"
    REQUEST_CONSULTATION = "request_consultation"
    ANSWER_CONSULTATION = "answer_consultation"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the status does not change (a step inside processing)
    roles: frozenset[Role | str]  # officer roles, and APPLICANT
    label: Promise
    needs_note: bool = False


S = Status
R = Role
DESK = frozenset({R.RECEPTION_OFFICER})
LEADERS = frozenset({R.UNIT_LEADER, R.AGENCY_LEADER})
HANDLERS = frozenset({R.SPECIALIST, R.UNIT_LEADER, R.AGENCY_LEADER})
OPEN = frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.PAYMENT})
# The dossier's applicant acting on the portal (a pseudo-role: never held at an agency).
APPLICANT = "applicant"

_ROWS = [
    # action, from statuses, to status (None: unchanged), roles, label, needs a note
    (Action.RECEIVE, {S.SUBMITTED}, S.RECEIVED, DESK, _("Tiếp nhận hồ sơ"), False),
    (
        Action.REQUEST_SUPPLEMENT_AT_RECEPTION,
        {S.SUBMITTED},
        S.SUPPLEMENT,
        DESK,
        _("Hướng dẫn bổ sung hồ sơ"),
        True,
    ),
    (
        Action.REFUSE,
        {S.SUBMITTED, S.SUPPLEMENT, S.RECEIVED},
        S.REFUSED,
        DESK | {R.AGENCY_LEADER},
        _("Từ chối tiếp nhận"),
        True,
    ),
    (Action.ASSIGN, {S.RECEIVED, S.PROCESSING}, S.PROCESSING, LEADERS, _("Phân công xử lý"), False),
    (Action.FORWARD, {S.PROCESSING}, None, HANDLERS, _("Chuyển bước tiếp theo"), False),
    (Action.RETURN_STEP, {S.PROCESSING}, None, HANDLERS, _("Trả về bước trước"), True),
    (
        Action.REQUEST_SUPPLEMENT,
        {S.PROCESSING},
        S.SUPPLEMENT,
        HANDLERS,
        _("Yêu cầu bổ sung hồ sơ"),
        True,
    ),
    (
        Action.SUPPLEMENT_RECEIVED,
        {S.SUPPLEMENT},
        None,
        DESK | {APPLICANT},
        _("Nhận giấy tờ bổ sung"),
        False,
    ),
    (
        Action.REQUIRE_PAYMENT,
        {S.RECEIVED, S.PROCESSING},
        S.PAYMENT,
        DESK | HANDLERS,
        _("Yêu cầu nộp phí, lệ phí"),
        False,
    ),
    (Action.PAYMENT_RECEIVED, {S.PAYMENT}, None, DESK, _("Xác nhận đã nộp phí, lệ phí"), False),
    (
        Action.APOLOGIZE,
        {S.PROCESSING, S.SUPPLEMENT, S.PAYMENT},
        None,
        {R.AGENCY_LEADER},
        _("Xin lỗi và hẹn lại ngày trả"),
        True,
    ),
    (Action.STOP, OPEN, S.STOPPED, {R.AGENCY_LEADER}, _("Dừng xử lý hồ sơ"), True),
    (
        Action.REQUEST_WITHDRAWAL,
        OPEN | {S.SUBMITTED},
        S.WITHDRAWAL,
        DESK | {APPLICANT},
        _("Ghi nhận yêu cầu rút hồ sơ"),
        True,
    ),
    (Action.CONFIRM_WITHDRAWAL, {S.WITHDRAWAL}, None, DESK, _("Xác nhận rút hồ sơ"), False),
    (Action.SUBMIT_DRAFT, {S.PROCESSING}, None, {R.SPECIALIST}, _("Trình dự thảo kết quả"), False),
    (Action.APPROVE, {S.PROCESSING}, None, LEADERS, _("Phê duyệt kết quả"), False),
    (Action.RETURN_DRAFT, {S.PROCESSING}, None, LEADERS, _("Trả lại dự thảo"), True),
    (
        Action.ISSUE_RESULT,
        {S.PROCESSING},
        S.RESOLVED,
        {R.RECORDS_CLERK},
        _("Vào số, phát hành kết quả"),
        False,
    ),
    (Action.RETURN_RESULT, {S.RESOLVED}, S.RETURNED, DESK, _("Trả kết quả cho công dân"), False),
    (
        Action.REQUEST_CONSULTATION,
        {S.PROCESSING},
        None,
        HANDLERS,
        _("Xin ý kiến cơ quan phối hợp"),
        True,
    ),
    # The consulted agency may answer while the citizen supplements or pays: its own clock runs.
    (
        Action.ANSWER_CONSULTATION,
        {S.PROCESSING, S.SUPPLEMENT, S.PAYMENT},
        None,
        HANDLERS,
        _("Trả lời xin ý kiến"),
        True,
    ),
]
TABLE: dict[Action, Transition] = {
    action: Transition(action, frozenset(sources), target, frozenset(roles), label, note)
    for action, sources, target, roles, label, note in _ROWS
}


# Desk roles act for the receiving centre; every other role for the competent agency.
RECEIVING_ROLES = frozenset({R.RECEPTION_OFFICER, R.CENTRE_DIRECTOR})


# Actions taken by an officer of a consulted agency (DossierConsultation.agency).
AT_CONSULTED_AGENCY = frozenset({Action.ANSWER_CONSULTATION})


def acts_at_receiving_agency(role: Role | str) -> bool:
    return role in RECEIVING_ROLES


def acts_at_consulted_agency(action: Action) -> bool:
    return action in AT_CONSULTED_AGENCY


def allowed(status: Status, action: Action, role: Role | str) -> bool:
    """Whether the table lets ``role`` take ``action`` on a dossier in ``status``."""
    transition = TABLE[action]
    return status in transition.sources and role in transition.roles
