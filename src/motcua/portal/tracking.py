"""Following a dossier after submission ("Hồ sơ của tôi"): the applicant's own dossiers, what
they wait for in plain Vietnamese, a timeline without officers' names, the answer to a
supplement request with the missing documents, and the request to withdraw.

The applicant acts through ``dossiers.services.perform`` as the pseudo-role
``transitions.APPLICANT`` (his own dossier, his active citizen or business account):

* **answering a supplement request** (status 5): he uploads a file for each requested item
  (checked by content, ``dossiers.files.inspect_upload``) or takes one from his data warehouse;
  the files wait aside (``SupplementFile``) until he sends the answer. Sending attaches every
  file to the dossier's components (a new component for an item the dossier did not have) and
  records "supplement received" with the list of files, all in one transaction under the
  dossier's row lock. The code never changes; the clock restarts and the appointment moves by
  the paused working time (DOMAIN §2). A request made at reception sends the dossier back to
  the desk's check (status 1);
* **asking to withdraw** (any open status or 1): status 7, which the desk confirms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import DocumentComponent
from motcua.core.storage import save_with_file
from motcua.dossiers.files import _clean_name, inspect_upload, store_component_file
from motcua.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierFile,
    DossierResult,
    ResultDelivery,
    Status,
)
from motcua.dossiers.services import CONFLICT, FORBIDDEN, INVALID, DossierError, perform
from motcua.dossiers.transitions import APPLICANT, Action, acts_at_receiving_agency
from motcua.portal.models import SupplementFile

SUPPLEMENT_REQUESTS = (Action.REQUEST_SUPPLEMENT, Action.REQUEST_SUPPLEMENT_AT_RECEPTION)
MAX_SUPPLEMENT_FILES = 20
PAGE_SIZE = 20
VISIBLE_RESULT_STATES = (DossierResult.State.ISSUED, DossierResult.State.REVOKED)


# --- my dossiers -----------------------------------------------------------------------------
def my_dossiers(user: Any) -> QuerySet[Dossier]:
    """Every dossier whose applicant account is ``user``, newest first."""
    return (
        Dossier.objects.filter(applicant_user=user)
        .select_related("procedure", "receiving_agency", "competent_agency")
        .order_by("-submitted_at", "-id")
    )


def my_dossier(user: Any, code: str) -> Dossier | None:
    """``user``'s own dossier ``code``; another person's answers ``None`` like a missing one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return my_dossiers(user).filter(code=code.strip()[:64]).first()


def citizen_status(dossier: Dossier) -> str:
    """The status in the words a citizen uses."""
    if dossier.withdrawn_at:
        return _("Đã rút hồ sơ")
    return str(CITIZEN_STATUS.get(dossier.status, dossier.get_status_display()))


CITIZEN_STATUS = {
    Status.SUBMITTED: gettext_lazy("Đã nộp, chờ tiếp nhận"),
    Status.RECEIVED: gettext_lazy("Đã tiếp nhận"),
    Status.REFUSED: gettext_lazy("Không được tiếp nhận"),
    Status.PROCESSING: gettext_lazy("Đang giải quyết"),
    Status.SUPPLEMENT: gettext_lazy("Cần bổ sung giấy tờ"),
    Status.PAYMENT: gettext_lazy("Cần nộp phí, lệ phí"),
    Status.WITHDRAWAL: gettext_lazy("Đang chờ xác nhận rút hồ sơ"),
    Status.STOPPED: gettext_lazy("Đã dừng giải quyết"),
    Status.RESOLVED: gettext_lazy("Đã có kết quả"),
    Status.RETURNED: gettext_lazy("Đã nhận kết quả"),
}


@dataclass
class Todo:
    """What the applicant is expected to do now; ``kind`` picks the page's button."""

    kind: str
    text: str


def todo(dossier: Dossier) -> Todo | None:
    """ "Việc cần làm": the one thing the dossier waits for from its applicant, if any."""
    if dossier.withdrawn_at:
        return None
    status = dossier.status
    if status == Status.SUPPLEMENT:
        request = _last_event(dossier, SUPPLEMENT_REQUESTS)
        since = _("(yêu cầu ngày %(day)s)") % {"day": _day(request.at)} if request else ""
        return Todo("supplement", f"{_('Bổ sung giấy tờ theo yêu cầu')} {since}".strip())
    if status == Status.PAYMENT:
        request = _last_event(dossier, (Action.REQUIRE_PAYMENT,))
        amount = (request.data or {}).get("amount_vnd") if request else None
        if amount:
            return Todo("payment", _("Nộp phí, lệ phí: %(amount)s đồng") % {"amount": vnd(amount)})
        return Todo("payment", _("Nộp phí, lệ phí"))
    if status == Status.RESOLVED:
        if dossier.result_delivery == ResultDelivery.POST:
            return Todo("post", _("Chờ nhận kết quả qua dịch vụ bưu chính"))
        if dossier.result_delivery == ResultDelivery.ELECTRONIC:
            return Todo("download", _("Tải kết quả điện tử bên dưới"))
        place = (
            dossier.reception_point.name if dossier.reception_point else dossier.receiving_agency
        )
        return Todo("collect", _("Đến nhận kết quả tại %(place)s") % {"place": place})
    return None


def waiting_text(dossier: Dossier) -> str:
    """What happens next when nothing is expected from the applicant."""
    if dossier.withdrawn_at:
        return ""
    return str(
        {
            Status.SUBMITTED: _("Bộ phận Một cửa đang kiểm tra hồ sơ để tiếp nhận."),
            Status.RECEIVED: _("Hồ sơ đang được chuyển đến cơ quan giải quyết."),
            Status.PROCESSING: _("Cơ quan có thẩm quyền đang giải quyết hồ sơ."),
            Status.WITHDRAWAL: _("Bộ phận Một cửa sẽ xác nhận việc rút hồ sơ."),
        }.get(dossier.status, "")
    )


def due_text(dossier: Dossier) -> str:
    """The appointment in words: the moment, paused, or not yet set."""
    if dossier.withdrawn_at or dossier.status in (Status.REFUSED, Status.STOPPED):
        return ""
    if dossier.status == Status.RETURNED:
        return ""
    if dossier.paused_since:
        return _("Tạm dừng tính thời hạn từ %(at)s, chờ bổ sung giấy tờ") % {
            "at": moment(dossier.paused_since)
        }
    if dossier.due_at:
        return moment(dossier.due_at)
    if dossier.received_at is None:
        return _("Có khi hồ sơ được tiếp nhận")
    return ""


def may_withdraw(dossier: Dossier) -> bool:
    transition_sources = {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.PROCESSING,
        Status.SUPPLEMENT,
        Status.PAYMENT,
    }
    return not dossier.withdrawn_at and dossier.status in transition_sources


def issued_results(dossier: Dossier) -> list[DossierResult]:
    """The results the agency issued to the applicant (a revoked one stays listed, marked)."""
    return list(
        dossier.results.filter(state__in=VISIBLE_RESULT_STATES)
        .select_related("issuing_agency")
        .order_by("sequence", "id")
    )


def my_result(dossier: Dossier, code: str) -> DossierResult | None:
    return dossier.results.filter(state__in=VISIBLE_RESULT_STATES, code=code[:80]).first()


def my_file(dossier: Dossier, file_id: Any) -> DossierFile | None:
    try:
        pk = int(file_id)
    except (TypeError, ValueError):
        return None
    return DossierFile.objects.filter(pk=pk, component__dossier=dossier).first()


def components(dossier: Dossier) -> list[DossierComponent]:
    return list(dossier.components.prefetch_related("files").order_by("position", "id"))


def group_application(dossier: Dossier) -> Any:
    """The interlinked group application the dossier belongs to, if any."""
    application = getattr(dossier, "online_application", None)
    if application is None:
        return None
    return application.group_application


# --- the timeline without names ---------------------------------------------------------------
@dataclass
class Step:
    """One line of the citizen's timeline."""

    at: dt.datetime
    title: str
    by: str
    details: list[str] = field(default_factory=list)
    note: str = ""
    items: list[str] = field(default_factory=list)


# Actions whose note is written for the applicant (a reason he must read); other notes are the
# officers' own (a returned step, a consultation question) and stay in the back office.
CITIZEN_NOTES = frozenset(
    {
        Action.REQUEST_SUPPLEMENT_AT_RECEPTION,
        Action.REQUEST_SUPPLEMENT,
        Action.REFUSE,
        Action.STOP,
        Action.APOLOGIZE,
        Action.REQUEST_WITHDRAWAL,
    }
)


def timeline(dossier: Dossier, *, public: bool = False) -> list[Step]:
    """The dossier's history as the applicant reads it: what happened, when, and which office
    did it (the desk, an agency, the applicant) — never an officer's name. ``public`` (the
    lookup without sign-in) also leaves out reasons and requested items."""
    events = list(dossier.events.select_related("agency").order_by("seq"))
    steps = []
    for event in events:
        step = _step(dossier, event)
        if step is None:
            continue
        if public:
            step.note, step.items = "", []
        steps.append(step)
    return steps


def _step(dossier: Dossier, event: DossierEvent) -> Step | None:
    data = event.data or {}
    action = event.action
    by = _who(dossier, event)
    details: list[str] = []
    if action == "submit":
        online = data.get("channel") == "online"
        title = _("Hồ sơ được nộp trực tuyến") if online else _("Hồ sơ được nộp")
    elif action == Action.RECEIVE:
        title = _("Hồ sơ được tiếp nhận")
        if data.get("due_at"):
            details.append(_("Hẹn trả kết quả: %(at)s") % {"at": _iso_moment(data["due_at"])})
    elif action == Action.REQUEST_SUPPLEMENT_AT_RECEPTION:
        title = _("Hướng dẫn bổ sung, hoàn thiện hồ sơ")
    elif action == Action.REQUEST_SUPPLEMENT:
        title = _("Yêu cầu bổ sung giấy tờ; thời hạn giải quyết tạm dừng")
    elif action == Action.SUPPLEMENT_RECEIVED:
        title = (
            _("Giấy tờ bổ sung được gửi trực tuyến")
            if event.actor_role == APPLICANT
            else _("Đã nhận giấy tờ bổ sung")
        )
        if data.get("back_to") == Status.SUBMITTED:
            details.append(_("Hồ sơ chờ Bộ phận Một cửa kiểm tra lại."))
        elif data.get("due_at"):
            details.append(
                _("Tiếp tục giải quyết, hẹn trả: %(at)s") % {"at": _iso_moment(data["due_at"])}
            )
    elif action == Action.REFUSE:
        title = _("Hồ sơ không được tiếp nhận")
    elif action == Action.ASSIGN:
        title = _("Cơ quan giải quyết bắt đầu xử lý hồ sơ")
    elif action in (Action.FORWARD, Action.RETURN_STEP):
        if not data.get("step_name"):
            return None
        title = _("Hồ sơ chuyển sang bước: %(step)s") % {"step": data["step_name"]}
    elif action == Action.REQUIRE_PAYMENT:
        title = _("Yêu cầu nộp phí, lệ phí")
        if data.get("amount_vnd"):
            details.append(_("Số tiền: %(amount)s đồng") % {"amount": vnd(data["amount_vnd"])})
    elif action == Action.PAYMENT_RECEIVED:
        title = _("Đã xác nhận nộp phí, lệ phí")
    elif action == Action.APOLOGIZE:
        title = _("Xin lỗi vì chậm trễ và hẹn lại ngày trả")
        if data.get("new_due_at"):
            details.append(_("Ngày hẹn mới: %(at)s") % {"at": _iso_moment(data["new_due_at"])})
    elif action == Action.STOP:
        title = _("Hồ sơ bị dừng giải quyết")
    elif action == Action.REQUEST_WITHDRAWAL:
        title = _("Yêu cầu rút hồ sơ")
    elif action == Action.CONFIRM_WITHDRAWAL:
        title = _("Đã xác nhận rút hồ sơ")
    elif action == Action.APPROVE:
        if not data.get("approved"):
            return None
        title = _("Kết quả giải quyết được phê duyệt")
    elif action == Action.ISSUE_RESULT:
        title = _("Đã có kết quả giải quyết")
        if data.get("result_code"):
            details.append(_("Mã kết quả: %(code)s") % {"code": data["result_code"]})
    elif action == Action.RETURN_RESULT:
        title = _("Đã trả kết quả")
    elif action == Action.REQUEST_CONSULTATION:
        title = _("Cơ quan giải quyết xin ý kiến cơ quan phối hợp")
    elif action == Action.ANSWER_CONSULTATION:
        title = _("Cơ quan phối hợp đã cho ý kiến")
    else:
        # Uploads, drafts and their returns: the back office's own work.
        return None
    note = event.note if action in CITIZEN_NOTES else ""
    items = []
    if action in SUPPLEMENT_REQUESTS:
        items = [_item_name(i) for i in data.get("items") or []]
    return Step(event.at, str(title), by, details, note, items)


def _who(dossier: Dossier, event: DossierEvent) -> str:
    """The office that acted, never the person: the desk, an agency, or the applicant."""
    agency = event.agency or dossier.receiving_agency
    if event.actor_role == APPLICANT:
        return _("Người nộp hồ sơ")
    if event.action == "submit":
        if (event.data or {}).get("channel") == "online":
            return _("Người nộp hồ sơ")
        return _("Bộ phận Một cửa — %(agency)s") % {"agency": agency.name}
    if event.actor_role and acts_at_receiving_agency(event.actor_role):
        return _("Bộ phận Một cửa — %(agency)s") % {"agency": agency.name}
    return agency.name


def _item_name(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("name", ""))
    return str(item)


def _last_event(dossier: Dossier, actions: tuple) -> DossierEvent | None:
    return dossier.events.filter(action__in=[str(a) for a in actions]).order_by("-seq").first()


def moment(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _day(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y")


def _iso_moment(value: Any) -> str:
    try:
        return moment(dt.datetime.fromisoformat(str(value)))
    except ValueError:
        return ""


def vnd(amount: Any) -> str:
    try:
        return f"{int(amount):,}".replace(",", ".")
    except (TypeError, ValueError):
        return str(amount)


# --- answering a supplement request -----------------------------------------------------------
@dataclass
class SupplementItem:
    """A requested document and the files prepared for it."""

    index: int
    name: str
    files: list[SupplementFile]


@dataclass
class SupplementRequest:
    event: DossierEvent
    items: list[SupplementItem]
    at_reception: bool

    @property
    def complete(self) -> bool:
        return all(item.files for item in self.items)


def supplement_request(dossier: Dossier, user: Any) -> SupplementRequest | None:
    """The request the dossier waits for an answer to (status 5), with what ``user`` has
    prepared for it; ``None`` when nothing is requested."""
    if dossier.status != Status.SUPPLEMENT or dossier.withdrawn_at:
        return None
    event = _last_event(dossier, SUPPLEMENT_REQUESTS)
    if event is None:
        return None
    staged = list(
        SupplementFile.objects.filter(dossier=dossier, owner=user, request_seq=event.seq)
        .select_related("warehouse_document")
        .order_by("item", "uploaded_at", "id")
    )
    names = [_item_name(i) for i in (event.data or {}).get("items") or []] or [
        _("Giấy tờ theo yêu cầu")
    ]
    items = [
        SupplementItem(index, name, [f for f in staged if f.item == index])
        for index, name in enumerate(names)
    ]
    return SupplementRequest(event, items, event.action == Action.REQUEST_SUPPLEMENT_AT_RECEPTION)


def _locked_own(dossier_code: str, user: Any) -> Dossier:
    dossier = (
        Dossier.objects.select_for_update()
        .select_related("receiving_agency", "competent_agency", "procedure")
        .filter(code=dossier_code, applicant_user=user)
        .first()
    )
    if dossier is None:
        raise DossierError(_("Không tìm thấy hồ sơ."), FORBIDDEN)
    return dossier


def _open_request(dossier: Dossier, user: Any) -> SupplementRequest:
    request = supplement_request(dossier, user)
    if request is None:
        raise DossierError(
            _("Hồ sơ không còn chờ bổ sung giấy tờ (trạng thái: %(status)s).")
            % {"status": citizen_status(dossier)},
            CONFLICT,
        )
    return request


def _item(request: SupplementRequest, item: Any) -> SupplementItem:
    try:
        index = int(item)
    except (TypeError, ValueError):
        index = -1
    if not 0 <= index < len(request.items):
        raise DossierError(_("Giấy tờ đã chọn không nằm trong yêu cầu bổ sung."), INVALID)
    return request.items[index]


def _check_room(dossier: Dossier, user: Any, request: SupplementRequest) -> None:
    count = sum(len(item.files) for item in request.items)
    if count >= MAX_SUPPLEMENT_FILES:
        raise DossierError(
            _("Mỗi lần bổ sung đính kèm tối đa %(n)s tệp.") % {"n": MAX_SUPPLEMENT_FILES}
        )
    # Files prepared for an earlier request that was answered another way are dropped.
    for stale in SupplementFile.objects.filter(dossier=dossier, owner=user).exclude(
        request_seq=request.event.seq
    ):
        _delete_staged(stale)


def add_supplement_file(dossier_code: str, user: Any, item: Any, upload: Any) -> SupplementFile:
    """Keep ``upload`` (checked by content) for requested item ``item`` until sent."""
    inspected = inspect_upload(upload)  # before any lock: it reads up to the size limit
    with transaction.atomic():
        dossier = _locked_own(dossier_code, user)
        request = _open_request(dossier, user)
        target = _item(request, item)
        _check_room(dossier, user, request)
        if any(f.sha256 == inspected.sha256 for f in target.files):
            raise DossierError(_("Tệp này đã được đính kèm cho giấy tờ này."))
        record = SupplementFile(
            dossier=dossier,
            owner=user,
            request_seq=request.event.seq,
            item=target.index,
            item_name=target.name,
            original_name=_clean_name(upload.name or ""),
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            page_count=inspected.pages,
        )
        save_with_file(record, record.file, record.original_name, upload)
    return record


def add_supplement_from_warehouse(
    dossier_code: str, user: Any, item: Any, document_id: Any
) -> SupplementFile:
    """Answer item ``item`` with a document of ``user``'s data warehouse."""
    from motcua.portal import warehouse

    document = warehouse.document_of(user, document_id)
    if document is None:
        raise DossierError(_("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."))
    with transaction.atomic():
        dossier = _locked_own(dossier_code, user)
        request = _open_request(dossier, user)
        target = _item(request, item)
        _check_room(dossier, user, request)
        if any(f.sha256 == document.sha256 for f in target.files):
            raise DossierError(_("Tệp này đã được đính kèm cho giấy tờ này."))
        return SupplementFile.objects.create(
            dossier=dossier,
            owner=user,
            request_seq=request.event.seq,
            item=target.index,
            item_name=target.name,
            warehouse_document=document,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            page_count=document.page_count,
        )


@transaction.atomic
def remove_supplement_file(dossier_code: str, user: Any, file_id: Any) -> None:
    dossier = _locked_own(dossier_code, user)
    try:
        staged = SupplementFile.objects.filter(dossier=dossier, owner=user, pk=int(file_id)).first()
    except (TypeError, ValueError):
        staged = None
    if staged is None:
        raise DossierError(_("Tệp không còn trong phần bổ sung."))
    _delete_staged(staged)


def _delete_staged(staged: SupplementFile) -> None:
    stored = staged.file.name if staged.file else ""
    storage = staged.file.storage if staged.file else None
    staged.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))


def _open_staged(staged: SupplementFile) -> File | None:
    """The content of a prepared file (its own upload, or the warehouse document's)."""
    if staged.file:
        try:
            return File(staged.file.storage.open(staged.file.name, "rb"), name=staged.original_name)
        except OSError:
            return None
    if staged.warehouse_document is not None:
        from motcua.portal import warehouse

        return warehouse.open_content(staged.warehouse_document)
    return None


def _component_for(dossier: Dossier, name: str, request: DossierEvent) -> DossierComponent:
    """The dossier's component for a requested item: the one of that name, else a new one —
    the published document of that name, or an extra item justified by the request."""
    wanted = " ".join(name.split()).casefold()
    for component in dossier.components.all():
        if " ".join(component.name.split()).casefold() == wanted:
            return component
    document = next(
        (
            d
            for d in DocumentComponent.objects.filter(procedure=dossier.procedure_id)
            if " ".join(d.name.split()).casefold() == wanted
        ),
        None,
    )
    position = (dossier.components.aggregate(last=Max("position"))["last"] or 0) + 1
    reason = _("Bổ sung theo yêu cầu ngày %(day)s") % {"day": _day(request.at)}
    return DossierComponent.objects.create(
        dossier=dossier,
        document=document,
        name=name[:2000] or _("Giấy tờ bổ sung"),
        extra_reason="" if document else reason,
        position=position,
    )


def send_supplement(dossier_code: str, user: Any, *, at: dt.datetime | None = None) -> Dossier:
    """Send the prepared files as the answer to the supplement request: every requested
    item needs at least one file. Attaches them, records "supplement received" and restarts
    the clock, in one transaction (see the module docstring)."""
    with transaction.atomic():
        dossier = _locked_own(dossier_code, user)
        request = _open_request(dossier, user)
        missing = [item.name for item in request.items if not item.files]
        if missing:
            raise DossierError(
                _("Còn thiếu tệp cho: %(items)s.") % {"items": "; ".join(missing)}, INVALID
            )
        supplied: list[dict[str, Any]] = []
        stored: list[DossierFile] = []
        try:
            for item in request.items:
                component = _component_for(dossier, item.name, request.event)
                for staged in item.files:
                    supplied.append(_attach(component, staged, user, stored))
        except BaseException:
            for record in stored:
                record.file.delete(save=False)
            raise
        dossier = perform(dossier.code, Action.SUPPLEMENT_RECEIVED, user, at=at, supplied=supplied)
        for item in request.items:
            for staged in item.files:
                _delete_staged(staged)
        return dossier


def _attach(
    component: DossierComponent, staged: SupplementFile, user: Any, stored: list[DossierFile]
) -> dict[str, Any]:
    content = _open_staged(staged)
    if content is None:
        raise DossierError(
            _("Tệp “%(name)s” không còn trên hệ thống: hãy đính kèm lại.")
            % {"name": staged.original_name}
        )
    with content:
        inspected = inspect_upload(content)
        record = component.files.filter(sha256=inspected.sha256).first()
        if record is None:
            record = store_component_file(component, content, user, inspected)
            stored.append(record)
    if staged.warehouse_document_id:
        component.reused = component.from_warehouse = True
        component.save(update_fields=["reused", "from_warehouse"])
    return {
        "item": staged.item_name[:200],
        "component_id": component.pk,
        "file_id": record.pk,
        "name": record.original_name,
        "from_warehouse": bool(staged.warehouse_document_id),
    }


# --- withdrawal -------------------------------------------------------------------------------
def request_withdrawal(dossier_code: str, user: Any, reason: str) -> Dossier:
    """Ask to withdraw the dossier (status 7); the desk confirms it."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DossierError(_("Hãy ghi lý do rút hồ sơ."))
    if len(reason) > 1000:
        raise DossierError(_("Lý do rút hồ sơ tối đa 1.000 ký tự."))
    if my_dossier(user, dossier_code) is None:
        raise DossierError(_("Không tìm thấy hồ sơ."), FORBIDDEN)
    return perform(dossier_code, Action.REQUEST_WITHDRAWAL, user, note=reason)
