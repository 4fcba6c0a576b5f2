"""Back office of dossiers (hồ sơ): the work queues, desk reception, the dossier page with the
actions an officer may take, printed forms (Circular 01/2018 Forms 01–06) and the files of
the components.

Who sees what: ``dossiers.selectors.visible_dossiers`` — a dossier outside the officer's scope
answers 404 on every page, exactly like a missing one. Who may do what: the transition table,
checked again by ``dossiers.services.perform``; its ``DossierError`` becomes a message on the
page, 403 (forbidden) or 409 (someone else changed the dossier first), never a stack trace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.forms.utils import ErrorDict, ErrorList
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from motcua.accounts.decorators import officer_required
from motcua.accounts.models import OfficerMembership
from motcua.accounts.roles import READ_ONLY_ROLES, Role
from motcua.backoffice import dossier_forms as df
from motcua.backoffice.catalog_forms import add_row
from motcua.catalog import routing
from motcua.catalog.models import Procedure, ProcedureStatus
from motcua.catalog.selectors import (
    group_documents,
    procedure_detail,
    search_procedures,
)
from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.permissions import roles_for, visible_agencies
from motcua.dossiers import results as dossier_results
from motcua.dossiers.files import attach_file
from motcua.dossiers.legal_forms import FormKind
from motcua.dossiers.legal_forms import in_force as form_in_force
from motcua.dossiers.models import (
    CLOSED_STATUSES,
    Dossier,
    DossierConsultation,
    DossierEvent,
    DossierFile,
    DossierResult,
    IdType,
    ResultDelivery,
    Status,
)
from motcua.dossiers.selectors import (
    BY_DUE,
    BY_SUBMISSION,
    LIST_CAP,
    NEWEST_FIRST,
    Queue,
    allowed_actions,
    find_dossier,
    queue,
    queue_counts,
    search_filter,
    timeline,
    with_statuses,
)
from motcua.dossiers.selectors import page as page_of
from motcua.dossiers.services import (
    CONFLICT,
    FORBIDDEN,
    DossierError,
    Submission,
    appointment_by_hand,
    perform,
    process_steps,
    submit,
)
from motcua.dossiers.steps import (
    approval_target,
    draft_target,
    outcome_label,
    process_plan,
    step_history,
)
from motcua.dossiers.transitions import (
    TABLE,
    Action,
    acts_at_consulted_agency,
    acts_at_receiving_agency,
)
from motcua.organizations.models import Agency

PAGE_SIZE = 25
DESK_CHANNELS = ["direct", "postal"]
NOTICE_KEY = "motcua_dossier_notice"

# (URL value, selectors.Queue name, tab label, help). "tat-ca" is every visible dossier,
# closed ones included, so that a returned or refused dossier can still be found.
QUEUES = [
    ("cua-toi", Queue.MINE, gettext_lazy("Của tôi"), gettext_lazy("Hồ sơ đang giao cho tôi xử lý")),
    (
        "cho-tiep-nhan",
        Queue.TO_RECEIVE,
        gettext_lazy("Chờ tiếp nhận"),
        gettext_lazy("Nộp trực tuyến, chờ kiểm tra"),
    ),
    (
        "cho-phan-cong",
        Queue.TO_ASSIGN,
        gettext_lazy("Chờ phân công"),
        gettext_lazy("Đã tiếp nhận, chưa giao xử lý"),
    ),
    (
        "cho-bo-sung",
        Queue.SUPPLEMENT,
        gettext_lazy("Chờ bổ sung"),
        gettext_lazy("Đang chờ công dân bổ sung giấy tờ"),
    ),
    (
        "den-han-hom-nay",
        Queue.DUE_TODAY,
        gettext_lazy("Đến hạn hôm nay"),
        gettext_lazy("Hẹn trả trong hôm nay"),
    ),
    (
        "sap-den-han",
        Queue.DUE_SOON,
        gettext_lazy("Sắp đến hạn (≤ 1 ngày làm việc)"),
        gettext_lazy("Còn không quá 1 ngày làm việc đến hẹn trả"),
    ),
    (
        "qua-han",
        Queue.OVERDUE,
        gettext_lazy("Quá hạn"),
        gettext_lazy("Đã quá ngày hẹn trả, chưa có kết quả"),
    ),
    (
        "cho-tra-ket-qua",
        Queue.TO_RETURN,
        gettext_lazy("Chờ trả kết quả"),
        gettext_lazy("Đã có kết quả, chờ trả"),
    ),
    (
        "dang-xu-ly",
        Queue.ALL_OPEN,
        gettext_lazy("Tất cả đang xử lý"),
        gettext_lazy("Mọi hồ sơ chưa kết thúc"),
    ),
    (
        "tat-ca",
        None,
        gettext_lazy("Tất cả hồ sơ"),
        gettext_lazy("Kể cả hồ sơ đã trả, đã từ chối, đã dừng"),
    ),
]
QUEUE_SLUGS = {slug for slug, *_rest in QUEUES}

# The order and look of the actions on a dossier page: the usual next step first.
ACTION_ORDER = [
    Action.ANSWER_CONSULTATION,
    Action.RECEIVE,
    Action.SUPPLEMENT_RECEIVED,
    Action.PAYMENT_RECEIVED,
    Action.APPROVE,
    Action.ISSUE_RESULT,
    Action.RETURN_RESULT,
    Action.SUBMIT_DRAFT,
    Action.ASSIGN,
    Action.CONFIRM_WITHDRAWAL,
    Action.FORWARD,
    Action.RETURN_STEP,
    Action.RETURN_DRAFT,
    Action.REQUEST_CONSULTATION,
    Action.REQUEST_SUPPLEMENT_AT_RECEPTION,
    Action.REQUEST_SUPPLEMENT,
    Action.REQUIRE_PAYMENT,
    Action.APOLOGIZE,
    Action.REQUEST_WITHDRAWAL,
    Action.REFUSE,
    Action.STOP,
]
PRIMARY_ACTIONS = set(ACTION_ORDER[:11])
DANGER_ACTIONS = {Action.REFUSE, Action.STOP, Action.REQUEST_WITHDRAWAL}
# A line under an action's button, where the officer needs a reminder.
ACTION_HINTS = {
    Action.SUPPLEMENT_RECEIVED: gettext_lazy(
        "Đính kèm bản quét giấy tờ bổ sung ở mục Thành phần hồ sơ, rồi xác nhận: thời hạn "
        "giải quyết được tính tiếp."
    ),
    Action.RECEIVE: gettext_lazy(
        "Sau khi tiếp nhận, in phiếu hẹn trả (Mẫu 01) giao cho người nộp."
    ),
    Action.APOLOGIZE: gettext_lazy("Chậm nhất 1 ngày làm việc trước hẹn trả; chỉ hẹn lại một lần."),
    Action.RETURN_RESULT: gettext_lazy("Kiểm tra giấy tờ tùy thân của người nhận trước khi trả."),
    Action.REQUEST_CONSULTATION: gettext_lazy(
        "Thời gian trả lời tính theo lịch làm việc của cơ quan được xin ý kiến; chỉ trình dự "
        "thảo kết quả được sau khi cơ quan đó trả lời."
    ),
    Action.SUBMIT_DRAFT: gettext_lazy("Hồ sơ chuyển sang bước phê duyệt của lãnh đạo."),
    Action.APPROVE: gettext_lazy("Hồ sơ chuyển sang bước vào số, phát hành của văn thư."),
    Action.ISSUE_RESULT: gettext_lazy(
        "Kết quả được vào sổ kết quả của cơ quan và nhận mã kết quả điện tử; hồ sơ chuyển "
        "sang chờ trả kết quả."
    ),
}
# Actions whose card shows the result they act on (the leader reads the draft he approves).
RESULT_ACTIONS = {Action.APPROVE, Action.RETURN_DRAFT, Action.ISSUE_RESULT}

# Printed forms of Circular 01/2018 served per dossier (Form 05 is the register page).
PRINT_FORMS = {
    "01": gettext_lazy("In phiếu tiếp nhận (Mẫu 01)"),
    "02": gettext_lazy("In phiếu yêu cầu bổ sung (Mẫu 02)"),
    "03": gettext_lazy("In phiếu từ chối (Mẫu 03)"),
    "04": gettext_lazy("In phiếu xin lỗi, hẹn lại (Mẫu 04)"),
    "06": gettext_lazy("In phiếu kiểm soát quá trình (Mẫu 06)"),
    # Circular 03/2025 only (dossiers.legal_forms): shown for a dossier stopped since then.
    FormKind.STOP.value: gettext_lazy("In thông báo dừng giải quyết hồ sơ"),
}
SUPPLEMENT_ACTIONS = (Action.REQUEST_SUPPLEMENT_AT_RECEPTION, Action.REQUEST_SUPPLEMENT)
# The form to print right after an action (shown in the page's notice).
PRINT_AFTER = {
    Action.RECEIVE: "01",
    Action.REQUEST_SUPPLEMENT_AT_RECEPTION: "02",
    Action.REQUEST_SUPPLEMENT: "02",
    Action.REFUSE: "03",
    Action.APOLOGIZE: "04",
    Action.STOP: FormKind.STOP.value,
}
# Files the browser may show inline; anything else is downloaded.
INLINE_TYPES = {DossierFile.PDF, DossierFile.JPEG, DossierFile.PNG}


# --- shared helpers -------------------------------------------------------------------------
def _dossier_or_404(user: Any, code: str) -> Dossier:
    dossier = find_dossier(user, code[:64])
    if dossier is None:
        raise Http404
    return dossier


def mask_id(number: str) -> str:
    """An identity number shown as 022******234: enough to recognise, not to reuse."""
    number = number or ""
    if len(number) <= 6:
        return "*" * len(number)
    return f"{number[:3]}{'*' * (len(number) - 6)}{number[-3:]}"


def _when(value: dt.datetime | None) -> str:
    return date_format(timezone.localtime(value), "H:i d/m/Y") if value else ""


def _due_state(dossier: Dossier, now: dt.datetime, horizon: dt.datetime) -> str:
    """The mark of the appointment: "overdue", "soon" (within one working day) or none."""
    if not dossier.due_at or dossier.resolved_at or dossier.status in CLOSED_STATUSES:
        return ""
    if dossier.paused_since:  # the clock stands still while the citizen supplements
        return ""
    if dossier.due_at < now:
        return "overdue"
    if dossier.due_at <= horizon:
        return "soon"
    return ""


def _horizon(now: dt.datetime) -> dt.datetime:
    return worktime.add(now, 1, "working_days", calendar_for(None))


def _membership_roles(user: Any) -> set[str]:
    return set(user.active_memberships().values_list("role", flat=True))


def _desk_centres(user: Any) -> list[Agency]:
    """The centres where ``user`` works at the one-stop desk (reception memberships)."""
    agencies = {
        m.agency.pk: m.agency
        for m in user.active_memberships().filter(role=Role.RECEPTION_OFFICER)
        if m.agency.is_active
    }
    return sorted(agencies.values(), key=lambda a: (a.level, a.name))


def _set_notice(request: HttpRequest, dossier: Dossier, text: str, form: str = "") -> None:
    """A notice for the dossier page after a redirect, with the form to print next."""
    request.session[NOTICE_KEY] = {"code": dossier.code, "text": text, "form": form}


def _pop_notice(request: HttpRequest, dossier: Dossier) -> dict[str, str] | None:
    notice = request.session.get(NOTICE_KEY)
    if not notice or notice.get("code") != dossier.code:
        return None
    del request.session[NOTICE_KEY]
    form = notice.get("form", "")
    if form in PRINT_FORMS:
        notice["print_label"] = str(PRINT_FORMS[form])
        notice["print_url"] = reverse(
            "backoffice:dossiers:print", kwargs={"dossier_code": dossier.code, "form": form}
        )
    return notice


# --- work queues ----------------------------------------------------------------------------
def _default_queue(user: Any) -> str:
    roles = _membership_roles(user)
    if Role.RECEPTION_OFFICER in roles:
        return "cho-tiep-nhan"
    if roles & {Role.AGENCY_LEADER, Role.UNIT_LEADER}:
        return "cho-phan-cong"
    if roles & {Role.SPECIALIST, Role.RECORDS_CLERK}:
        return "cua-toi"
    return "dang-xu-ly"


def _ordering(slug: str) -> tuple:
    if slug == "tat-ca":
        return NEWEST_FIRST
    if slug == "cho-tiep-nhan":
        return BY_SUBMISSION  # first come, first served
    return BY_DUE


@officer_required
@require_safe
def dossier_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    query = " ".join(request.GET.get("q", "").split())[:100]
    status_text = request.GET.get("trang-thai", "")
    status = int(status_text) if status_text.isdigit() and int(status_text) in Status.values else 0
    selected = request.GET.get("hang-doi", "")
    if selected not in QUEUE_SLUGS:
        selected = _default_queue(user)
    condition = search_filter(query)
    base = Dossier.objects.all() if condition is None else Dossier.objects.filter(condition)
    if status:
        base = with_statuses(base, [status])
    now = timezone.now()
    names = [name for _slug, name, _label, _help in QUEUES]
    counts = queue_counts(user, base, names, now, narrow=condition is not None)
    tabs = []
    for slug, name, label, help_text in QUEUES:
        count = counts[name]
        tab = {"slug": slug, "label": label, "help": help_text, "count": min(count, LIST_CAP)}
        tab["more"] = count > LIST_CAP
        tab["active"] = slug == selected
        if tab["active"]:
            current, parts = tab, counts.parts.get(name)
            rows = base if name is None else queue(base, name, user, now)
        tabs.append(tab)
    page = page_of(
        user,
        rows,
        _ordering(selected),
        request.GET.get("page"),
        PAGE_SIZE,
        narrow=condition is not None,
        cap=LIST_CAP,
        part_counts=parts,
    )
    horizon = _horizon(now)
    for dossier in page.object_list:
        dossier.due_state = _due_state(dossier, now, horizon)
        dossier.waiting_for = waiting_for(dossier)
    params = {"hang-doi": selected, "q": query, "trang-thai": status or ""}
    context = {
        "page": page,
        "tabs": tabs,
        "selected": current,
        "query": query,
        "status": status,
        "statuses": Status.choices,
        "query_string": urlencode({k: v for k, v in params.items() if v}),
        "filter_string": urlencode({k: v for k, v in params.items() if v and k != "hang-doi"}),
        "can_receive": bool(_desk_centres(user)),
    }
    return render(request, "backoffice/dossiers/list.html", context)


# --- desk reception -------------------------------------------------------------------------
def _no_desk(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/dossiers/no_desk.html", status=403)


def _pick_centre(centres: list[Agency], code: str) -> Agency:
    return next((a for a in centres if a.code == code), centres[0])


@officer_required
@require_safe
def reception_search(request: HttpRequest) -> HttpResponse:
    """Step 1 of desk reception: find the procedure (accent-insensitive, typo-tolerant)."""
    centres = _desk_centres(request.user)
    if not centres:
        return _no_desk(request)
    centre = _pick_centre(centres, request.GET.get("trung-tam", ""))
    query = request.GET.get("q", "").strip()[:200]
    procedures = search_procedures(query, agency_id=centre.pk)
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"q": query, "trung-tam": centre.code if len(centres) > 1 else ""}
    context = {
        "page": page,
        "query": query,
        "centres": centres,
        "centre": centre,
        "query_string": urlencode({k: v for k, v in params.items() if v}),
    }
    return render(request, "backoffice/dossiers/reception_search.html", context)


@dataclass
class Upload:
    """Files chosen for one component of the new dossier."""

    key: str
    name: str
    files: list[Any] = field(default_factory=list)


def _uploads_for(request: HttpRequest, keys: list[tuple[str, str]]) -> list[Upload]:
    return [Upload(key, name, request.FILES.getlist(key)) for key, name in keys]


def _chosen_file_names(request: HttpRequest) -> list[str]:
    return [f.name for key in request.FILES for f in request.FILES.getlist(key)]


@officer_required
def reception_form(request: HttpRequest, procedure_code: str) -> HttpResponse:
    """Step 2: the applicant, the checklist of documents, and the desk's decision."""
    user = request.user
    centres = _desk_centres(user)
    if not centres:
        return _no_desk(request)
    procedure = procedure_detail(procedure_code[:40])
    if procedure is None:
        raise Http404
    documents = list(procedure.documents.all())
    competent = routing.competent_agencies(procedure)
    centre = _pick_centre(centres, request.GET.get("trung-tam", ""))
    default_competent = routing.default_competent(centre, competent)
    context: dict[str, Any] = {
        "procedure": procedure,
        "repealed": procedure.status == ProcedureStatus.REPEALED,
        "competent_missing": not competent,
        # The desk takes paper: the direct and postal channels, in that order.
        "channels": sorted(
            (c for c in procedure.channels.all() if c.channel in DESK_CHANNELS),
            key=lambda c: (DESK_CHANNELS.index(c.channel), c.position),
        ),
    }
    if context["repealed"] or not competent:
        return render(request, "backoffice/dossiers/reception_form.html", context)
    subcases = list(procedure.subcases.all())
    by_hand = _appointment_by_hand(procedure, subcases)
    form_kwargs = {
        "documents": documents,
        "centres": centres,
        "competent": competent,
        "subcases": subcases,
        "appointment_needed": bool(by_hand),
    }
    reselect: list[str] = []
    if request.method == "POST":
        post = request.POST
        grow = "add_row" in post
        if grow:
            post = add_row(post, df.ExtraItemFormSet, "extra")
        form = df.ReceptionForm(post, **form_kwargs)
        extras = df.ExtraItemFormSet(post, prefix="extra")
        reselect = _chosen_file_names(request)
        decision = post.get("decision", "")
        if grow:
            form._errors = ErrorDict()
            extras._errors, extras._non_form_errors = [], ErrorList()
            for row in extras.forms:
                row._errors = ErrorDict()
        elif form.is_valid() & extras.is_valid():  # both validated: every error shows at once
            if decision not in df.DECISIONS:
                form.add_error(
                    None, _("Chọn một trong ba nút: Tiếp nhận, Yêu cầu bổ sung, Từ chối.")
                )
            else:
                response = _receive_at_desk(request, procedure, form, extras, decision)
                if response is not None:
                    return response
    else:
        initial = {"receiving_agency": centre.code, "competent_agency": default_competent.code}
        form = df.ReceptionForm(initial=initial, **form_kwargs)
        extras = df.ExtraItemFormSet(prefix="extra")
    context.update(
        form=form,
        extras=extras,
        checklist=form.checklist(group_documents(documents)),
        reselect=reselect,
        file_accept=df.FILE_ACCEPT,
        decisions={"receive": df.RECEIVE, "supplement": df.SUPPLEMENT, "refuse": df.REFUSE},
        appointment_cases=by_hand,
        has_errors=bool(form.errors) or any(row.errors for row in extras.forms),
    )
    return render(request, "backoffice/dossiers/reception_form.html", context)


def _appointment_by_hand(procedure: Procedure, subcases: list[Any]) -> list[str]:
    """The desk channels (and sub-cases) for which the appointment must be typed in, in words;
    empty when the catalog's deadline always gives it."""
    labels = dict(df.ReceptionForm.base_fields["channel"].choices)
    cases = []
    for channel in DESK_CHANNELS:
        for subcase in [None, *subcases]:
            if appointment_by_hand(procedure, channel, subcase.code if subcase else ""):
                label = str(labels.get(channel, channel))
                cases.append(f"{label} — {subcase.name}" if subcase else label)
    return cases


def _receive_at_desk(
    request: HttpRequest,
    procedure: Procedure,
    form: df.ReceptionForm,
    extras: Any,
    decision: str,
) -> HttpResponse | None:
    """Create the dossier and take the desk's decision in one transaction, then attach the
    files. ``None``: the form has errors to show."""
    catalog = form.catalog_components()
    ticked = {document.pk for document, _c in catalog}
    keys: list[tuple[str, str]] = []
    components = []
    for document, component in catalog:
        components.append(component)
        keys.append((f"doc_{document.pk}_files", component.name))
    for index, row in enumerate(extras.forms):
        component = row.component() if row.cleaned_data else None
        if component is not None:
            components.append(component)
            keys.append((f"extra-{index}-files", component.name))
        elif request.FILES.getlist(f"extra-{index}-files"):
            row.add_error("name", _("Tệp đính kèm cần có tên giấy tờ và lý do nhận thêm."))
    for document in form.documents:
        if document.pk not in ticked and request.FILES.getlist(f"doc_{document.pk}_files"):
            form.add_error(
                None,
                _("Đã chọn tệp cho giấy tờ chưa đánh dấu “Đã nhận”: %(name)s.")
                % {"name": _short(document.name)},
            )
    form.check_decision(decision, components)
    if form.errors or any(row.errors for row in extras.forms):
        return None
    data = form.cleaned_data
    action = df.DECISIONS[decision]
    centre = form.receiving
    params: dict[str, Any] = {}
    if decision != df.RECEIVE:
        params["note"] = data["note"]
    if decision == df.SUPPLEMENT:
        params["items"] = df.lines(data["missing_items"])
    subcase = data.get("subcase_code", "")
    if decision == df.RECEIVE and appointment_by_hand(procedure, data["channel"], subcase):
        params["due_at"] = df.hand_appointment(form)
    submission = Submission(
        procedure=procedure,
        channel=data["channel"],
        applicant=form.applicant(),
        receiving_agency=centre,
        competent_agency=form.competent,
        components=components,
        subcase_code=data.get("subcase_code", ""),
        summary=data["summary"].strip(),
        reception_point=centre.reception_points.filter(is_active=True).order_by("name").first(),
        result_delivery=data["result_delivery"],
        delivery_address=data["delivery_address"].strip()
        if data["result_delivery"] == ResultDelivery.POST
        else "",
    )
    try:
        with transaction.atomic():
            dossier = submit(submission, by=request.user)
            dossier = perform(dossier.code, action, request.user, **params)
    except DossierError as error:
        form.add_error(None, error.message)
        return None
    refused = _attach_uploads(request, dossier, _uploads_for(request, keys))
    _set_notice(request, dossier, _done_text(dossier, action), PRINT_AFTER.get(action, ""))
    for text in refused:
        messages.warning(request, text)
    return redirect("backoffice:dossiers:detail", dossier_code=dossier.code)


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _attach_uploads(request: HttpRequest, dossier: Dossier, uploads: list[Upload]) -> list[str]:
    """Attach each chosen file to its component; the texts of the refused ones."""
    components = list(dossier.components.order_by("position"))
    refused = []
    for component, upload in zip(components, uploads, strict=False):
        for file in upload.files:
            try:
                attach_file(dossier.code, component.pk, file, request.user)
            except DossierError as error:
                refused.append(
                    _(
                        "Tệp “%(file)s” (%(component)s) không được nhận: %(reason)s Hồ sơ vẫn "
                        "được lưu; hãy đính kèm lại tệp đúng ở mục Thành phần hồ sơ."
                    )
                    % {
                        "file": file.name,
                        "component": _short(component.name, 60),
                        "reason": error.message,
                    }
                )
    return refused


def _done_text(dossier: Dossier, action: Action) -> str:
    """What the officer reads after an action."""
    code = dossier.code
    if action == Action.RECEIVE:
        if dossier.due_at:
            return _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả lúc %(due)s.") % {
                "code": code,
                "due": _when(dossier.due_at),
            }
        return _(
            "Đã tiếp nhận hồ sơ %(code)s. Chưa tính được ngày hẹn trả: danh mục thủ tục chưa "
            "ghi đơn vị của thời hạn giải quyết — báo cán bộ quản lý danh mục."
        ) % {"code": code}
    if action == Action.REQUEST_SUPPLEMENT_AT_RECEPTION:
        return _(
            "Đã lập hồ sơ %(code)s và hướng dẫn bổ sung. Hãy in Mẫu 02 giao cho người nộp."
        ) % {"code": code}
    if action == Action.REFUSE:
        return _("Đã từ chối tiếp nhận hồ sơ %(code)s. Hãy in Mẫu 03 giao cho người nộp.") % {
            "code": code
        }
    if action == Action.REQUEST_CONSULTATION:
        consultation = dossier.consultations.order_by("-id").select_related("agency").first()
        if consultation is not None:
            return _("Đã xin ý kiến %(agency)s; hạn trả lời %(due)s.") % {
                "agency": consultation.agency.name,
                "due": _when(consultation.due_at),
            }
    if action == Action.ANSWER_CONSULTATION:
        return _("Đã gửi ý kiến trả lời về hồ sơ %(code)s.") % {"code": code}
    if action == Action.ASSIGN and dossier.assignee:
        return _("Đã phân công %(name)s xử lý hồ sơ %(code)s.") % {
            "name": dossier.assignee.get_full_name(),
            "code": code,
        }
    if action == Action.RETURN_RESULT:
        return _("Đã trả kết quả hồ sơ %(code)s. Hồ sơ kết thúc.") % {"code": code}
    if action == Action.ISSUE_RESULT:
        issued = dossier.results.filter(state=DossierResult.State.ISSUED).order_by("-sequence")
        result = issued.first()
        if result is not None:
            return _(
                "Đã vào số, phát hành kết quả %(result)s (số %(number)s, số vào sổ %(register)s) "
                "của hồ sơ %(code)s."
            ) % {
                "result": result.code,
                "number": result.number,
                "register": result.register_number,
                "code": code,
            }
    return _("Đã thực hiện “%(action)s” với hồ sơ %(code)s.") % {
        "action": TABLE[action].label,
        "code": code,
    }


# --- the dossier page -----------------------------------------------------------------------
@dataclass
class Held:
    """The roles the officer holds at the dossier's two agencies, looked up once a page."""

    receiving: set[str]
    competent: set[str]
    # Roles held at the agencies whose opinion the dossier waits for.
    consulted: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, dossier: Dossier, user: Any) -> Held:
        waiting = DossierConsultation.objects.filter(
            dossier=dossier, answered_at__isnull=True
        ).values_list("agency_id", flat=True)
        return cls(
            roles_for(user, dossier.receiving_agency_id),
            roles_for(user, dossier.competent_agency_id),
            set().union(*(roles_for(user, agency_id) for agency_id in set(waiting))),
        )

    def may_take(self, action: Action) -> bool:
        """Whether a role for ``action`` is held at the right agency (status aside)."""
        if acts_at_consulted_agency(action):
            return bool(self.consulted & TABLE[action].roles)
        return any(
            role in (self.receiving if acts_at_receiving_agency(role) else self.competent)
            for role in TABLE[action].roles
        )

    @property
    def works_on(self) -> bool:
        """A working (not read-only) role at one of the agencies: may add files."""
        return bool((self.receiving | self.competent) - READ_ONLY_ROLES)


def _offered(
    dossier: Dossier, user: Any, steps: list[tuple[str, str]], done: set[str]
) -> list[Action]:
    """``allowed_actions`` without those whose rule plainly fails now (the service would
    refuse them): fewer buttons, none that only leads to an error."""
    actions = set(allowed_actions(dossier, user))
    hidden = set()
    if dossier.result_state != "draft":
        hidden |= {Action.APPROVE, Action.RETURN_DRAFT}
    if dossier.result_state:
        hidden.add(Action.SUBMIT_DRAFT)
    if dossier.result_state != "approved":
        hidden.add(Action.ISSUE_RESULT)
    if Action.APOLOGIZE in actions and not _may_apologize(dossier):
        hidden.add(Action.APOLOGIZE)
    if dossier.assignee_id and dossier.assignee_id != user.pk:
        hidden |= {
            Action.FORWARD,
            Action.RETURN_STEP,
            Action.SUBMIT_DRAFT,
            Action.REQUEST_CONSULTATION,
            Action.APPROVE,
            Action.RETURN_DRAFT,
            Action.ISSUE_RESULT,
        }
    if dossier.result_state:  # the draft moves with approve / return draft, not step by step
        hidden |= {
            Action.FORWARD,
            Action.RETURN_STEP,
            Action.REQUEST_CONSULTATION,
            Action.ASSIGN,
        }
    if (
        Action.SUBMIT_DRAFT in actions
        and dossier.consultations.filter(answered_at__isnull=True).exists()
    ):
        hidden.add(Action.SUBMIT_DRAFT)  # the page shows whose opinion is awaited
    if (dossier.current_step or 1) <= 1:
        hidden.add(Action.RETURN_STEP)
    if (dossier.current_step or 0) >= len(steps):
        hidden.add(Action.FORWARD)
    if Action.REQUEST_SUPPLEMENT_AT_RECEPTION in done:  # once only (Decree 61/2018)
        hidden.add(Action.REQUEST_SUPPLEMENT_AT_RECEPTION)
    return [a for a in ACTION_ORDER if a in actions and a not in hidden]


def _may_apologize(dossier: Dossier) -> bool:
    """An apology (Form 04) is sent once, at least one working day before the appointment."""
    if dossier.apologized_at or not dossier.due_at:
        return False
    calendar = calendar_for(dossier.competent_agency)
    left = worktime.working_minutes_between(timezone.now(), dossier.due_at, calendar)
    return left >= calendar.office_time_per_day.total_seconds() // 60


def waiting_for(dossier: Dossier) -> str:
    """Who or what the dossier waits for now, in words (the queues and the dossier page)."""
    if dossier.withdrawn_at:
        return _("Đã rút hồ sơ")
    status = dossier.status
    if status == Status.PROCESSING:
        if dossier.result_state == "draft":
            return _("Lãnh đạo phê duyệt dự thảo kết quả")
        if dossier.result_state == "approved":
            return _("Văn thư vào số, phát hành kết quả")
        if dossier.current_step_name:
            who = dossier.assignee.get_full_name() if dossier.assignee else _("chưa giao")
            return f"{dossier.current_step_name} — {who}"
        return _("Lãnh đạo phân công xử lý")
    texts = {
        Status.SUBMITTED: _("Bộ phận Một cửa kiểm tra, tiếp nhận"),
        Status.RECEIVED: _("Lãnh đạo phân công xử lý"),
        Status.SUPPLEMENT: _("Người nộp bổ sung giấy tờ tại Bộ phận Một cửa"),
        Status.PAYMENT: _("Người nộp nộp phí, lệ phí"),
        Status.WITHDRAWAL: _("Bộ phận Một cửa xác nhận rút hồ sơ"),
        Status.RESOLVED: _("Bộ phận Một cửa trả kết quả"),
    }
    return str(texts.get(status, ""))


def _assignee_role(dossier: Dossier, action: Action, steps: list[tuple[str, str]]) -> str:
    """The role the step after ``action`` needs (who may be chosen as assignee)."""
    position: int | None
    if action == Action.ASSIGN:
        position = 1
    elif action == Action.FORWARD:
        position = (dossier.current_step or 0) + 1
    elif action == Action.RETURN_STEP:
        position = (dossier.current_step or 1) - 1
    elif action == Action.SUBMIT_DRAFT:
        position = draft_target(process_plan(dossier), dossier.current_step)
    elif action == Action.APPROVE:
        position = approval_target(process_plan(dossier), dossier.current_step)[0]
    else:
        return ""
    if position is None:
        return ""
    return steps[position - 1][1] if 1 <= position <= len(steps) else ""


def _consultation_agencies(dossier: Dossier) -> list[tuple[str, str]]:
    """Agencies in force that may be asked for an opinion: every one but the competent one."""
    qs = Agency.objects.current().exclude(pk=dossier.competent_agency_id)
    province = dossier.competent_agency.province_id
    if province:
        qs = qs.filter(province_id=province)
    return [(a.code, a.name) for a in qs.order_by("level", "kind", "name")]


def _answerable(dossier: Dossier, user: Any) -> list[tuple[int, str]]:
    """The open consultations ``user`` may answer (he holds a handler role at their agency)."""
    roles = TABLE[Action.ANSWER_CONSULTATION].roles
    waiting = dossier.consultations.filter(answered_at__isnull=True).select_related("agency")
    return [
        (c.pk, f"{c.agency.name} — {_short(c.question, 60)}")
        for c in waiting.order_by("requested_at", "id")
        if roles_for(user, c.agency_id) & roles
    ]


def _assignees(dossier: Dossier, role: str) -> list[tuple[int, str]]:
    """Officers holding ``role`` at the competent agency or above it (as the service checks
    with ``roles_for``)."""
    if not role:
        return []
    agency = dossier.competent_agency
    chain = [agency.pk, *agency.ancestor_ids()]
    memberships = (
        OfficerMembership.objects.active()
        .filter(role=role, agency_id__in=chain, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    choices: dict[int, str] = {}
    for m in memberships:
        label = m.user.get_full_name() + (f" — {m.title}" if m.title else "")
        choices.setdefault(m.user_id, label)
    return list(choices.items())


def _last_seq(dossier: Dossier) -> int:
    return dossier.events.order_by("-seq").values_list("seq", flat=True).first() or 0


def _action_form(
    dossier: Dossier,
    action: Action,
    steps: list[tuple[str, str]],
    data: Any = None,
    seen: int | None = None,
    user: Any = None,
    files: Any = None,
) -> df.ActionForm:
    role = _assignee_role(dossier, action, steps)
    seen = _last_seq(dossier) if seen is None else seen
    initial: dict[str, Any] = {"expected_revision": dossier.revision, "seen_event": seen}
    if action == Action.RETURN_RESULT:
        initial.update(receiver_name=dossier.applicant_name)
    extra: dict[str, Any] = {}
    if action == Action.RECEIVE:
        extra["appointment_needed"] = appointment_by_hand(
            dossier.procedure, dossier.channel, dossier.subcase_code
        )
    if action == Action.REQUEST_CONSULTATION:
        extra["agencies"] = _consultation_agencies(dossier)
    if action == Action.ANSWER_CONSULTATION and user is not None:
        extra["consultations"] = _answerable(dossier, user)
    if action == Action.SUBMIT_DRAFT:
        extra["result_kinds"] = dossier_results.result_kinds(dossier)
    return df.ActionForm(
        data,
        files,
        action=action,
        assignees=_assignees(dossier, role),
        assignee_role=Role(role).label if role else "",
        receiver_required=dossier.result_delivery != ResultDelivery.POST,
        initial=initial,
        **extra,
    )


def _action_cards(
    dossier: Dossier,
    user: Any,
    steps: list[tuple[str, str]],
    posted: df.ActionForm | None,
    events: list[DossierEvent],
) -> list[dict[str, Any]]:
    cards = []
    actions = _offered(dossier, user, steps, {e.action for e in events})
    if posted is not None and posted.action not in actions:
        actions = [posted.action, *actions]
    seen = events[-1].seq if events else 0
    pending = None
    if RESULT_ACTIONS & set(actions):
        pending = dossier.results.filter(state__in=DossierResult.PENDING).first()
    for action in actions:
        if posted is not None and posted.action == action:
            form = posted
        else:
            form = _action_form(dossier, action, steps, seen=seen, user=user)
        style = (
            "danger"
            if action in DANGER_ACTIONS
            else ("primary" if action in PRIMARY_ACTIONS else "secondary")
        )
        label = TABLE[action].label
        if action == Action.ASSIGN and dossier.assignee_id:
            label, style = _("Phân công lại"), "secondary"
        cards.append(
            {
                "action": str(action),
                "label": label,
                "hint": ACTION_HINTS.get(action, ""),
                "form": form,
                "style": style,
                "open": form.is_bound,
                "result": _result_row(dossier, pending) if action in RESULT_ACTIONS else None,
            }
        )
    return cards


def _print_links(dossier: Dossier, events: list[DossierEvent]) -> list[dict[str, str]]:
    applies = {
        "01": dossier.received_at is not None,
        "02": any(e.action in SUPPLEMENT_ACTIONS for e in events),
        "03": dossier.status == Status.REFUSED,
        "04": dossier.apologized_at is not None,
        "06": dossier.received_at is not None,
        FormKind.STOP.value: dossier.stopped_at is not None
        and form_in_force(FormKind.STOP, dossier.stopped_at) is not None,
    }
    return [
        {
            "form": form,
            "label": str(label),
            "url": reverse(
                "backoffice:dossiers:print", kwargs={"dossier_code": dossier.code, "form": form}
            ),
        }
        for form, label in PRINT_FORMS.items()
        if applies[form]
    ]


def _event_label(event: DossierEvent) -> str:
    if event.action == "submit":
        return _("Đăng ký hồ sơ")
    if event.action == "attach_file":
        return _("Đính kèm tệp số hóa")
    try:
        return str(TABLE[Action(event.action)].label)
    except ValueError:
        return event.action


def _moment(text: Any) -> str:
    try:
        return _when(dt.datetime.fromisoformat(str(text)))
    except ValueError:
        return ""


def _event_rows(events: list[DossierEvent]) -> list[dict[str, Any]]:
    """Each event with its details in words (the items, the assignee, the appointment…)."""
    from motcua.accounts.models import User

    usernames = {e.data.get("assignee") for e in events if e.data.get("assignee")}
    names = {u.username: u.get_full_name() for u in User.objects.filter(username__in=usernames)}
    codes = {e.data.get("consulted_agency") for e in events if e.data.get("consulted_agency")}
    agencies = dict(Agency.objects.filter(code__in=codes).values_list("code", "name"))
    statuses = dict(Status.choices)
    rows = []
    for event in events:
        data = event.data or {}
        details: list[str] = []
        if data.get("channel"):
            details.append(_("Kênh: %(c)s") % {"c": _channel_label(data["channel"])})
        if event.action == "attach_file" and data.get("name"):
            details.append(
                _("Tệp “%(name)s” cho “%(component)s”")
                % {"name": data["name"], "component": _short(data.get("component", ""), 70)}
            )
        if data.get("extra_components"):
            details.append(
                _("Giấy tờ nhận thêm: %(items)s") % {"items": "; ".join(data["extra_components"])}
            )
        details.extend(_result_details(data))
        if data.get("step_name"):
            text = _("Bước %(n)s: %(name)s") % {"n": data.get("step"), "name": data["step_name"]}
            if data.get("assignee"):
                text += " — " + _("giao cho %(who)s") % {
                    "who": names.get(data["assignee"], data["assignee"])
                }
            details.append(text)
            if data.get("step_due_at"):
                details.append(_("Hạn của bước: %(due)s") % {"due": _moment(data["step_due_at"])})
        left = data.get("left_step") or {}
        if left.get("outcome"):
            details.append(
                _("Bước %(n)s (%(name)s) hoàn thành: %(outcome)s")
                % {
                    "n": left.get("step"),
                    "name": left.get("step_name", ""),
                    "outcome": outcome_label(left["outcome"]).lower(),
                }
            )
        if data.get("consulted_agency"):
            agency = agencies.get(data["consulted_agency"], data["consulted_agency"])
            if data.get("answer_due_at"):
                details.append(
                    _("Xin ý kiến %(agency)s trong %(days)s ngày làm việc, hạn trả lời %(due)s")
                    % {
                        "agency": agency,
                        "days": data.get("allotment_days"),
                        "due": _moment(data["answer_due_at"]),
                    }
                )
            elif data.get("outcome"):
                details.append(
                    _("Ý kiến của %(agency)s: %(outcome)s")
                    % {"agency": agency, "outcome": outcome_label(data["outcome"]).lower()}
                )
        if data.get("due_set_by_hand"):
            details.append(
                _("Ngày hẹn trả do cán bộ tiếp nhận nhập (thủ tục chưa ghi đơn vị thời hạn)")
            )
        if data.get("new_due_at"):
            details.append(
                _("Hẹn lại: từ %(old)s sang %(new)s")
                % {"old": _moment(data.get("original_due_at")), "new": _moment(data["new_due_at"])}
            )
        elif data.get("due_at"):
            details.append(_("Hẹn trả: %(due)s") % {"due": _moment(data["due_at"])})
        if data.get("amount_vnd"):
            details.append(
                _("Số tiền: %(amount)s đồng")
                % {"amount": f"{int(data['amount_vnd']):,}".replace(",", ".")}
            )
        if data.get("receiver_name"):
            details.append(
                _("Người nhận: %(name)s (%(id)s)")
                % {"name": data["receiver_name"], "id": mask_id(data.get("receiver_id", ""))}
            )
        if data.get("back_to"):
            details.append(
                _("Trở lại trạng thái: %(s)s") % {"s": statuses.get(data["back_to"], "")}
            )
        rows.append(
            {
                "event": event,
                "label": _event_label(event),
                "role": Role(event.actor_role).label if event.actor_role in Role.values else "",
                "details": details,
                "items": data.get("items") or [],
                "status_changed": event.from_status != event.to_status,
            }
        )
    return rows


def _result_details(data: dict[str, Any]) -> list[str]:
    """The result an event moved, in words: its kind and file, its code and number once
    issued; the codes handed over when the result was returned."""
    details = []
    if data.get("result_kind"):
        values = {
            "kind": data["result_kind"],
            "file": data.get("result_file", ""),
            "code": data.get("result_code", ""),
        }
        if data.get("result_code"):
            details.append(_("Kết quả %(code)s: %(kind)s (tệp “%(file)s”)") % values)
        else:
            details.append(_("Dự thảo kết quả: %(kind)s (tệp “%(file)s”)") % values)
        if data.get("result_number"):
            details.append(
                _("Số văn bản %(number)s, số vào sổ kết quả %(register)s")
                % {"number": data["result_number"], "register": data.get("result_register_number")}
            )
    if data.get("result_codes"):
        details.append(_("Kết quả đã trả: %(codes)s") % {"codes": ", ".join(data["result_codes"])})
    return details


def _channel_label(value: str) -> str:
    from motcua.catalog.models import Channel

    return str(dict(Channel.choices).get(value, value))


@dataclass
class Outcome:
    """What happened to a posted action, for the page."""

    status: int = 200
    error: str = ""
    conflict: dict[str, Any] | None = None


@officer_required
def dossier_detail(request: HttpRequest, dossier_code: str) -> HttpResponse:
    user = request.user
    dossier = _dossier_or_404(user, dossier_code)
    posted: df.ActionForm | None = None
    outcome = Outcome()
    if request.method == "POST":
        steps = process_steps(dossier)
        try:
            action = Action(request.POST.get("action", ""))
        except ValueError:
            messages.error(request, _("Thao tác không hợp lệ."))
            return redirect("backoffice:dossiers:detail", dossier_code=dossier.code)
        if not Held.of(dossier, user).may_take(action):
            outcome.status = 403
            outcome.error = _("Bạn không có vai trò được phép “%(action)s” với hồ sơ này.") % {
                "action": TABLE[action].label
            }
        else:
            posted = _action_form(
                dossier, action, steps, data=request.POST, files=request.FILES, user=user
            )
            if posted.is_valid():
                expected = posted.cleaned_data["expected_revision"]
                try:
                    dossier = perform(
                        dossier.code, action, user, expected_revision=expected, **posted.params()
                    )
                except DossierError as error:
                    dossier = _dossier_or_404(user, dossier.code)
                    outcome, posted = _refused(
                        dossier, user, action, steps, posted, error, expected
                    )
                else:
                    dossier = _dossier_or_404(user, dossier.code)
                    notice = _done_text(dossier, action)
                    _set_notice(request, dossier, notice, PRINT_AFTER.get(action, ""))
                    return redirect("backoffice:dossiers:detail", dossier_code=dossier.code)
    return _render_detail(request, dossier, posted, outcome)


def _refused(
    dossier: Dossier,
    user: Any,
    action: Action,
    steps: list[tuple[str, str]],
    posted: df.ActionForm,
    error: DossierError,
    expected: int,
) -> tuple[Outcome, df.ActionForm | None]:
    """The page after ``perform`` refused: 403, 409 with the fresh state, or the message."""
    if error.kind == FORBIDDEN:
        return Outcome(403, error.message), posted
    if error.kind == CONFLICT and dossier.revision != expected:
        seen = posted.cleaned_data.get("seen_event") or 0
        changes = list(timeline(dossier).filter(seq__gt=seen)) if seen else []
        changes = changes or list(timeline(dossier).order_by("-seq")[:1])
        conflict = {
            "changes": [
                {"event": e, "label": _event_label(e), "when": _when(e.at)} for e in changes
            ],
            "kept": action in allowed_actions(dossier, user),
        }
        if conflict["kept"]:
            # The typed values stay, now against the fresh revision: a second click is a
            # deliberate decision taken after seeing what changed.
            data = posted.data.copy()
            data[posted.add_prefix("expected_revision")] = str(dossier.revision)
            data[posted.add_prefix("seen_event")] = str(changes[-1].seq if changes else seen)
            posted = _action_form(dossier, action, steps, data=data, files=posted.files, user=user)
            posted.is_valid()
        else:
            posted = None
        return Outcome(409, error.message, conflict), posted
    status = 409 if error.kind == CONFLICT else 200
    posted.add_error(None, error.message)
    return Outcome(status, ""), posted


def _render_detail(
    request: HttpRequest, dossier: Dossier, posted: df.ActionForm | None, outcome: Outcome
) -> HttpResponse:
    user = request.user
    steps = process_steps(dossier)
    held = Held.of(dossier, user)
    now = timezone.now()
    components = list(dossier.components.prefetch_related("files").order_by("position"))
    events = list(timeline(dossier))
    context = {
        "dossier": dossier,
        "masked_id": mask_id(dossier.applicant_id_number)
        if dossier.applicant_id_type != IdType.TAX_CODE
        else dossier.applicant_id_number,
        "due_state": _due_state(dossier, now, _horizon(now)),
        "components": components,
        "events": _event_rows(events),
        "actions": _action_cards(dossier, user, steps, posted, events),
        "prints": _print_links(dossier, events),
        "notice": _pop_notice(request, dossier),
        "outcome": outcome,
        "can_upload": not dossier.is_closed and held.works_on,
        "file_accept": df.FILE_ACCEPT,
        "steps": steps,
        "step_total": len(steps),
        "read_only": not held.works_on,
        "waiting_for": waiting_for(dossier),
        "show_step": dossier.status == Status.PROCESSING and dossier.current_step is not None,
        "supplement_items": _last_supplement(events),
        "step_rows": _step_rows(dossier, events),
        "consultations": _consultations(dossier, now),
        "results": [_result_row(dossier, r) for r in dossier_results.of_dossier(dossier)],
        "step_due_state": _step_due_state(dossier, now),
    }
    return render(request, "backoffice/dossiers/detail.html", context, status=outcome.status)


def _step_due_state(dossier: Dossier, now: dt.datetime) -> str:
    if not dossier.step_due_at or dossier.paused_since or dossier.status != Status.PROCESSING:
        return ""
    return "overdue" if dossier.step_due_at < now else ""


def _step_rows(dossier: Dossier, events: list[DossierEvent]) -> list[dict[str, Any]]:
    """The hand-overs into steps and to consulted agencies (what Form 06 prints)."""
    return [
        {"record": record, "outcome": outcome_label(record.outcome)}
        for record in step_history(dossier, events)
    ]


def _consultations(dossier: Dossier, now: dt.datetime) -> list[dict[str, Any]]:
    rows = []
    for c in dossier.consultations.select_related("agency", "requested_by", "answered_by"):
        late = (c.answered_at or now) > c.due_at
        rows.append({"c": c, "late": late})
    return rows


def _last_supplement(events: list[DossierEvent]) -> dict[str, Any] | None:
    """The latest supplement request (what the citizen must bring), while it is pending."""
    for event in reversed(events):
        if event.action in SUPPLEMENT_ACTIONS:
            return {"items": event.data.get("items") or [], "note": event.note, "at": event.at}
        if event.action == Action.SUPPLEMENT_RECEIVED:
            return None
    return None


def _result_row(dossier: Dossier, result: DossierResult | None) -> dict[str, Any] | None:
    """A result with its download address, for the result card and the action cards."""
    if result is None:
        return None
    url = reverse(
        "backoffice:dossiers:result_file",
        kwargs={"dossier_code": dossier.code, "result_id": result.pk},
    )
    style = {
        DossierResult.State.DRAFT: "text-bg-warning",
        DossierResult.State.APPROVED: "text-bg-info",
        DossierResult.State.RETURNED: "text-bg-secondary",
        DossierResult.State.ISSUED: "text-bg-success",
        DossierResult.State.REVOKED: "text-bg-danger",
    }.get(result.state, "text-bg-light")
    return {"r": result, "url": url, "badge": style}


# --- files and printed forms ----------------------------------------------------------------
@officer_required
@require_POST
def upload_files(request: HttpRequest, dossier_code: str) -> HttpResponse:
    """Attach scans to a component of an open dossier (after a refused upload at reception,
    or papers brought with a supplement)."""
    dossier = _dossier_or_404(request.user, dossier_code)
    target = redirect("backoffice:dossiers:detail", dossier_code=dossier.code)
    try:
        component_id = int(request.POST.get("component", ""))
    except ValueError:
        messages.error(request, _("Chọn thành phần hồ sơ để đính kèm tệp."))
        return target
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, _("Chọn ít nhất một tệp để tải lên."))
        return target
    stored = 0
    for upload in files:
        try:
            attach_file(dossier.code, component_id, upload, request.user)
        except DossierError as error:
            if error.kind == FORBIDDEN:
                raise PermissionDenied from error
            messages.error(
                request,
                _("Tệp “%(file)s” không được nhận: %(reason)s")
                % {"file": upload.name, "reason": error.message},
            )
        else:
            stored += 1
    if stored:
        messages.success(request, _("Đã đính kèm %(n)s tệp.") % {"n": stored})
    return redirect(reverse("backoffice:dossiers:detail", args=[dossier.code]) + "#thanh-phan")


@officer_required
@require_safe
def download_file(request: HttpRequest, dossier_code: str, file_id: int) -> FileResponse:
    dossier = _dossier_or_404(request.user, dossier_code)
    record = DossierFile.objects.filter(pk=file_id, component__dossier=dossier).first()
    if record is None:
        raise Http404
    try:
        handle = record.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=record.content_type,
        as_attachment=record.content_type not in INLINE_TYPES,
        filename=record.original_name,
    )


@officer_required
@require_safe
def download_result(request: HttpRequest, dossier_code: str, result_id: int) -> FileResponse:
    """A result document (draft, returned, approved or issued) of a dossier the officer may
    see; 404 for anything else, exactly like a missing one."""
    dossier = _dossier_or_404(request.user, dossier_code)
    result = dossier_results.find(dossier, result_id)
    if result is None:
        raise Http404
    try:
        handle = result.issued_file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=result.content_type,
        filename=f"{result.code}.pdf" if result.code else result.original_name,
    )


@officer_required
@require_safe
def print_form(request: HttpRequest, dossier_code: str, form: str) -> HttpResponse:
    """Forms 01, 02, 03, 04 and 06 of one dossier as PDF; 404 where the form does not apply."""
    dossier = _dossier_or_404(request.user, dossier_code)
    if form not in PRINT_FORMS:
        raise Http404
    from motcua.dossiers import printing  # WeasyPrint is heavy: loaded when first printing

    try:
        pdf = printing.form_pdf(dossier, form)
    except ValueError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-mau-{form}.pdf"'
    return response


# --- Form 05: the register ------------------------------------------------------------------
def _register_agencies(user: Any) -> list[Agency]:
    return list(visible_agencies(user).current().order_by("level", "kind", "name"))


@officer_required
@require_safe
def register(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi hồ sơ (Form 05) of an agency for a date range, as PDF or Excel."""
    agencies = _register_agencies(request.user)
    if not agencies:
        return render(request, "backoffice/dossiers/register.html", {"form": None})
    wanted = request.GET.get("dinh-dang", "")
    if "agency" in request.GET:
        form = df.RegisterForm(request.GET, agencies=agencies)
        if form.is_valid() and wanted in ("pdf", "xlsx"):
            return _register_file(form, wanted)
    else:
        today = timezone.localdate()
        desk = _desk_centres(request.user)
        roles_agencies = [m.agency for m in request.user.active_memberships()]
        first = (desk or roles_agencies or agencies)[0]
        form = df.RegisterForm(
            initial={
                "agency": first.code,
                "date_from": today.replace(day=1),
                "date_to": today,
            },
            agencies=agencies,
        )
    return render(request, "backoffice/dossiers/register.html", {"form": form})


def _register_file(form: df.RegisterForm, wanted: str) -> HttpResponse:
    from motcua.dossiers import printing

    agency = form.chosen_agency
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    name = f"so-theo-doi-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if wanted == "pdf":
        response = HttpResponse(
            printing.register_pdf(agency, start, end), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    else:
        response = HttpResponse(
            printing.register_xlsx(agency, start, end),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
