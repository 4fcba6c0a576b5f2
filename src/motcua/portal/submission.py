"""Online submission (Decree 45/2020 Art. 11): drafts, files, the automatic technical check,
and submission that creates the dossier in status 1 through ``dossiers.services.submit``.

The rules kept here:

* only procedures in force with an online channel, received and resolved by our agencies
  (``catalog.routing.online_refusal``); the centre may be any one that receives the procedure,
  whatever the applicant's residence; the competent agency follows from the centre;
* a file is accepted by its content (``dossiers.files.inspect_upload``: PDF, JPEG, PNG, DOCX,
  size limit), or taken from the applicant's data warehouse (``portal.warehouse``: his stored
  documents, his earlier dossiers' files, his electronic results; marked reused);
* **one dossier per draft**: submission locks the draft's row; a draft that already produced a
  dossier answers with that dossier (double click, retry after a timeout). The review page
  carries the draft's token, renewed by every change: a page older than the last change cannot
  submit, so the citizen always sends what he reviewed;
* the answer carries the dossier code and the **official receipt time**
  (``worktime.receipt_moment`` with the receiving centre's calendar and the online channel's
  cut-off: outside office hours, the next working day's opening), stored on the draft;
* interlinked groups: shared data once, one dossier per member at its competent agency, all
  created in one transaction, one tracking view; complete when every member is resolved.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.models import AccountKind
from motcua.catalog.models import Channel, DocumentComponent, Procedure, ProcedureChannel
from motcua.catalog.routing import (
    commune_competent,
    competent_agencies,
    default_competent,
    online_refusal,
    province_competent,
    receiving_agencies,
)
from motcua.core import worktime
from motcua.core.calendars import calendar_for
from motcua.core.storage import discard_on_error, open_stored
from motcua.dossiers.files import inspect_upload, max_upload_bytes, store_component_file
from motcua.dossiers.models import Dossier, DossierFile, ResultDelivery, Status
from motcua.dossiers.services import (
    CONFLICT,
    FORBIDDEN,
    INVALID,
    Applicant,
    ComponentInput,
    DossierError,
    Submission,
    submit,
)
from motcua.organizations.models import Agency
from motcua.portal.models import (
    AgencyRule,
    DraftFile,
    GroupApplication,
    InterlinkedGroup,
    InterlinkedMember,
    SubmissionDraft,
)

logger = logging.getLogger(__name__)

MAX_FILES_PER_DRAFT = 40
EXTRA_REASON = "Người nộp bổ sung khi nộp trực tuyến"
DONE_STATUSES = frozenset({Status.RESOLVED, Status.RETURNED})


class TechnicalCheckError(DossierError):
    """The automatic technical check refused the application; ``problems`` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems), INVALID)
        self.problems = problems


# --- who and what ---------------------------------------------------------------------------
def may_submit(user: Any) -> bool:
    """Citizens and businesses submit online; an officer's account is for the back office."""
    return (
        getattr(user, "is_authenticated", False)
        and user.kind in (AccountKind.CITIZEN, AccountKind.BUSINESS)
        and not user.is_staff
    )


def online_procedure(code: str) -> Procedure | None:
    return (
        Procedure.objects.select_related("field")
        .prefetch_related("channels", "subcases")
        .filter(code=code[:40])
        .first()
    )


def online_channel(procedure: Procedure, subcase_code: str = "") -> ProcedureChannel | None:
    """The online channel that applies (the sub-case's own, else the general one)."""
    channels = [c for c in procedure.channels.all() if c.channel == Channel.ONLINE]
    own = [c for c in channels if c.subcase_id and c.subcase.code == subcase_code]
    general = [c for c in channels if c.subcase_id is None]
    return (own or general or channels or [None])[0]


def competent_for(procedure: Procedure, centre: Agency) -> Agency | None:
    return default_competent(centre, competent_agencies(procedure))


def documents_of(procedure: Procedure, subcase_code: str = "") -> list[DocumentComponent]:
    """The published documents that apply to the chosen sub-case (its own and the general
    ones)."""
    return [
        d
        for d in procedure.documents.select_related("subcase").order_by("position")
        if d.subcase_id is None or d.subcase.code == subcase_code
    ]


# --- drafts ----------------------------------------------------------------------------------
def open_drafts(user: Any) -> QuerySet[SubmissionDraft]:
    """The user's drafts not yet submitted and not part of a group ("Hồ sơ đang soạn")."""
    return (
        SubmissionDraft.objects.filter(
            owner=user, dossier__isnull=True, group_application__isnull=True
        )
        .select_related("procedure", "receiving_agency")
        .order_by("-updated_at")
    )


def submitted_applications(user: Any) -> QuerySet[SubmissionDraft]:
    return (
        SubmissionDraft.objects.filter(owner=user, dossier__isnull=False)
        .select_related("procedure", "dossier", "group_application__group")
        .order_by("-submitted_at")
    )


def draft_of(user: Any, draft_id: Any) -> SubmissionDraft | None:
    """The user's own draft (another user's answers ``None``, like a missing one)."""
    return (
        SubmissionDraft.objects.select_related(
            "procedure", "receiving_agency", "competent_agency", "dossier", "group_application"
        )
        .filter(pk=draft_id, owner=user)
        .first()
    )


def start_draft(user: Any, procedure: Procedure, centre: Agency, subcase_code: str = "") -> Any:
    """A new draft for ``procedure`` received at ``centre``."""
    _check_routing(procedure, centre)
    competent = competent_for(procedure, centre)
    if competent is None:
        raise DossierError(_("Chưa xác định được cơ quan giải quyết hồ sơ nộp tại nơi này."))
    return SubmissionDraft.objects.create(
        owner=user,
        procedure=procedure,
        subcase_code=subcase_code,
        receiving_agency=centre,
        competent_agency=competent,
    )


def _check_routing(procedure: Procedure, centre: Agency) -> None:
    refusal = online_refusal(procedure)
    if refusal:
        raise DossierError(refusal)
    if centre.pk not in {a.pk for a in receiving_agencies(procedure)}:
        raise DossierError(_("Nơi nộp đã chọn không tiếp nhận thủ tục này."))


def _editable(draft: SubmissionDraft) -> SubmissionDraft:
    """The draft's row, locked, refusing a submitted one."""
    locked = SubmissionDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.dossier_id:
        raise DossierError(_("Hồ sơ đã nộp, không sửa được nữa."), CONFLICT)
    return locked


@transaction.atomic
def update_place(draft: SubmissionDraft, centre: Agency, subcase_code: str = "") -> Any:
    locked = _editable(draft)
    _check_routing(locked.procedure, centre)
    competent = competent_for(locked.procedure, centre)
    if competent is None:
        raise DossierError(_("Chưa xác định được cơ quan giải quyết hồ sơ nộp tại nơi này."))
    if subcase_code != locked.subcase_code:
        # Documents of the old sub-case no longer apply.
        keep = {d.pk for d in documents_of(locked.procedure, subcase_code)}
        for stale in locked.files.filter(is_extra=False).exclude(document_id__in=keep):
            _delete_file(stale)
    locked.receiving_agency, locked.competent_agency = centre, competent
    locked.subcase_code = subcase_code
    locked.renew_token()
    locked.save()
    return locked


@transaction.atomic
def save_form(draft: SubmissionDraft, form_data: dict[str, Any]) -> Any:
    locked = _editable(draft)
    shared = (locked.form_data or {}).get("shared")
    locked.form_data = {**form_data, **({"shared": shared} if shared else {})}
    locked.renew_token()
    locked.save()
    return locked


@transaction.atomic
def save_delivery(draft: SubmissionDraft, delivery: str, address: str) -> Any:
    locked = _editable(draft)
    locked.result_delivery, locked.delivery_address = delivery, address
    locked.renew_token()
    locked.save()
    return locked


@transaction.atomic
def delete_draft(draft: SubmissionDraft) -> None:
    locked = _editable(draft)
    if locked.group_application_id:
        raise DossierError(_("Hồ sơ này thuộc một bộ hồ sơ liên thông: hãy xóa cả bộ."), CONFLICT)
    for item in locked.files.all():
        _delete_file(item)
    locked.delete()


# --- files -----------------------------------------------------------------------------------
@dataclass
class Slot:
    """A component of the draft: a published document, or "other documents"."""

    key: str
    name: str
    document: DocumentComponent | None = None
    files: list[DraftFile] = field(default_factory=list)
    group_title: str = ""

    @property
    def count_text(self) -> str:
        document = self.document
        if document is None:
            return ""
        parts = []
        # The same (plural) msgids as the procedure page.
        if document.originals:
            n = document.originals
            parts.append(ngettext("%(n)s bản chính", "%(n)s bản chính", n) % {"n": n})
        if document.copies:
            n = document.copies
            parts.append(ngettext("%(n)s bản sao", "%(n)s bản sao", n) % {"n": n})
        return ", ".join(parts) or document.count_text


def slots_of(draft: SubmissionDraft) -> list[Slot]:
    """Every published document of the draft's sub-case with its files, then the extra
    documents the applicant added."""
    files = list(
        draft.files.select_related("source_file", "warehouse_document").order_by(
            "uploaded_at", "id"
        )
    )
    slots = [
        Slot(f"doc-{d.pk}", d.name, d, [f for f in files if f.document_id == d.pk], d.group_title)
        for d in documents_of(draft.procedure, draft.subcase_code)
    ]
    extra = [f for f in files if f.is_extra or f.document_id is None]
    slots.append(Slot("extra", _("Giấy tờ khác (ngoài danh mục)"), None, extra))
    return slots


@dataclass
class SlotGroup:
    """Documents under one published heading; ``note`` when none of them counts a paper
    (guidance such as "Lưu ý", folded away on the page like at the desk)."""

    title: str
    slots: list[Slot]
    note: bool


def slot_groups(slots: list[Slot]) -> list[SlotGroup]:
    groups: list[SlotGroup] = []
    for slot in slots:
        if slot.document is None:
            continue
        if not groups or groups[-1].title != slot.group_title:
            groups.append(SlotGroup(slot.group_title, [], True))
        groups[-1].slots.append(slot)
        if slot.document.originals or slot.document.copies:
            groups[-1].note = False
    for group in groups:
        if any(s.files for s in group.slots):
            group.note = False
    return groups


def _slot_document(draft: SubmissionDraft, key: str) -> DocumentComponent | None:
    if key == "extra":
        return None
    if key.startswith("doc-") and key[4:].isdigit():
        pk = int(key[4:])
        document = next(
            (d for d in documents_of(draft.procedure, draft.subcase_code) if d.pk == pk), None
        )
        if document is not None:
            return document
    raise DossierError(_("Giấy tờ đã chọn không thuộc thủ tục này."))


def _extra_name(key: str, extra_name: str) -> str:
    name = " ".join((extra_name or "").split())[:255]
    if key == "extra" and not name:
        raise DossierError(_("Hãy ghi tên giấy tờ khác trước khi đính kèm."))
    return name


def _check_room(draft: SubmissionDraft) -> None:
    if draft.files.count() >= MAX_FILES_PER_DRAFT:
        raise DossierError(
            _("Mỗi hồ sơ đính kèm tối đa %(n)s tệp.") % {"n": MAX_FILES_PER_DRAFT}, INVALID
        )


def add_upload(draft: SubmissionDraft, key: str, upload: Any, extra_name: str = "") -> DraftFile:
    """Store an uploaded file for slot ``key`` after checking its content."""
    from motcua.dossiers.files import _clean_name

    document = _slot_document(draft, key)
    name = _extra_name(key, extra_name)
    inspected = inspect_upload(upload)  # before any lock: it reads up to the size limit
    with transaction.atomic():
        locked = _editable(draft)
        _check_room(locked)
        if _duplicate(locked, document, key, inspected.sha256):
            raise DossierError(_("Tệp này đã được đính kèm cho giấy tờ này."))
        record = DraftFile(
            draft=locked,
            document=document,
            document_name=document.name if document else name,
            is_extra=document is None,
            original_name=_clean_name(upload.name or ""),
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            page_count=inspected.pages,
        )
        upload.seek(0)
        record.file.save(record.original_name, upload, save=False)
        with discard_on_error(record.file):
            record.save()
            locked.renew_token()
            locked.save(update_fields=["token", "updated_at"])
    return record


def _duplicate(draft: SubmissionDraft, document: Any, key: str, sha256: str) -> bool:
    same = draft.files.filter(sha256=sha256)
    if document is None:
        return same.filter(is_extra=True).exists()
    return same.filter(document=document).exists()


def add_from_warehouse(
    draft: SubmissionDraft, key: str, document_id: Any, user: Any, extra_name: str = ""
) -> DraftFile:
    """Reuse a document of the user's data warehouse (``portal.warehouse``) for slot ``key``;
    the component is marked reused and taken from the warehouse when the dossier is created."""
    from motcua.portal import warehouse

    document = _slot_document(draft, key)
    source = warehouse.document_of(user, document_id)
    if source is None:
        raise DossierError(_("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."))
    name = _extra_name(key, extra_name or (source.title if key == "extra" else ""))
    with transaction.atomic():
        locked = _editable(draft)
        _check_room(locked)
        if _duplicate(locked, document, key, source.sha256):
            raise DossierError(_("Tệp này đã được đính kèm cho giấy tờ này."))
        record = DraftFile.objects.create(
            draft=locked,
            document=document,
            document_name=document.name if document else name,
            is_extra=document is None,
            warehouse_document=source,
            from_warehouse=True,
            original_name=source.original_name,
            content_type=source.content_type,
            size=source.size,
            sha256=source.sha256,
            page_count=source.page_count,
        )
        locked.renew_token()
        locked.save(update_fields=["token", "updated_at"])
    return record


@transaction.atomic
def remove_file(draft: SubmissionDraft, file_id: Any) -> None:
    locked = _editable(draft)
    try:
        item = locked.files.filter(pk=int(file_id)).first()
    except (TypeError, ValueError):
        item = None
    if item is None:
        raise DossierError(_("Tệp không còn trong hồ sơ."))
    _delete_file(item)
    locked.renew_token()
    locked.save(update_fields=["token", "updated_at"])


def _delete_file(item: DraftFile) -> None:
    stored = item.file.name if item.file else ""
    storage = item.file.storage if item.file else None
    item.delete()
    if stored and storage is not None:
        transaction.on_commit(lambda: storage.delete(stored))


def _open(item: DraftFile) -> File | None:
    """The content of a draft file (uploaded, or the warehouse original), or ``None``."""
    if not item.file and item.warehouse_document_id:
        from motcua.portal import warehouse

        document = item.warehouse_document
        return None if document.deleted_at else warehouse.open_content(document)
    # ``source_file``: drafts made before the warehouse had its own list.
    stored = item.file if item.file else (item.source_file.file if item.source_file else None)
    return open_stored(stored, item.original_name)


# --- the automatic technical check -----------------------------------------------------------
def technical_check(draft: SubmissionDraft, user: Any, *, shared_specs: Any = None) -> list[str]:
    """Every reason the draft cannot be submitted now (empty: it can). Runs again what the
    forms checked (a profile, a catalog or an agency may have changed since), checks that
    every file is still there and still what was checked when it was attached."""
    from motcua.portal.submission_forms import ApplicantForm, DeliveryForm, SharedDataForm

    problems: list[str] = []
    procedure = Procedure.objects.prefetch_related("channels__subcase").get(pk=draft.procedure_id)
    refusal = online_refusal(procedure)
    if refusal:
        problems.append(refusal)
    elif draft.receiving_agency_id not in {a.pk for a in receiving_agencies(procedure)}:
        problems.append(_("Nơi nộp đã chọn không còn tiếp nhận thủ tục này: hãy chọn lại."))
    if not draft.competent_agency.is_active:
        problems.append(_("Cơ quan giải quyết không còn hoạt động: hãy chọn lại nơi nộp."))
    form_data = draft.form_data or {}
    if not form_data.get("applicant_name"):
        problems.append(_("Chưa khai tờ khai (thông tin người có yêu cầu)."))
    else:
        form = ApplicantForm(data=_as_post(form_data), user=user)
        if not form.is_valid():
            problems.append(_("Tờ khai có thông tin chưa hợp lệ: hãy mở lại bước Tờ khai."))
    if shared_specs:
        shared = SharedDataForm(data=_as_post(_shared_post(form_data)), specs=shared_specs)
        if not shared.is_valid():
            problems.append(_("Thông tin dùng chung chưa đủ hoặc chưa hợp lệ."))
    delivery = DeliveryForm(
        data={"result_delivery": draft.result_delivery, "delivery_address": draft.delivery_address}
    )
    if not delivery.is_valid():
        problems.append(_("Chưa có địa chỉ nhận kết quả qua bưu chính."))
    problems.extend(_file_problems(draft))
    return problems


def _as_post(data: dict[str, Any]) -> dict[str, Any]:
    post = {}
    for key, value in data.items():
        if isinstance(value, bool):
            if value:
                post[key] = "on"
        elif value is not None and not isinstance(value, dict):
            post[key] = str(value)
    return post


def _shared_post(form_data: dict[str, Any]) -> dict[str, Any]:
    return {f"shared_{k}": v for k, v in (form_data.get("shared") or {}).items()}


def _file_problems(draft: SubmissionDraft) -> list[str]:
    problems = []
    valid_documents = {d.pk for d in documents_of(draft.procedure, draft.subcase_code)}
    for item in draft.files.select_related("source_file", "warehouse_document"):
        label = {"name": item.original_name}
        if not item.is_extra and item.document_id not in valid_documents:
            problems.append(
                _(
                    "Danh mục giấy tờ của thủ tục vừa thay đổi: hãy đính kèm lại tệp “%(name)s” "
                    "vào đúng giấy tờ."
                )
                % label
            )
            continue
        content = _open(item)
        if content is None:
            problems.append(_("Tệp “%(name)s” không còn trên hệ thống: hãy đính kèm lại.") % label)
            continue
        with content:
            try:
                inspected = inspect_upload(content)
            except DossierError as error:
                problems.append(
                    _("Tệp “%(name)s” không đạt: %(reason)s") % {**label, "reason": error.message}
                )
                continue
        if inspected.sha256 != item.sha256:
            problems.append(
                _("Tệp “%(name)s” đã bị thay đổi sau khi tải lên: hãy đính kèm lại.") % label
            )
    return problems


def needs_a_file(drafts: list[SubmissionDraft]) -> list[str]:
    if not any(d.files.exists() for d in drafts):
        return [_("Chưa đính kèm giấy tờ nào: hãy tải lên ít nhất một tệp.")]
    return []


# --- submission ------------------------------------------------------------------------------
def submit_draft(draft_id: Any, user: Any, token: str, *, at: dt.datetime | None = None) -> Any:
    """Submit the user's draft; idempotent (see the module docstring). Returns the draft with
    its dossier."""
    with transaction.atomic():
        draft = (
            # Lock the draft row only: with select_related, a bare FOR UPDATE would also lock
            # the procedure and agency rows that every concurrent submission references
            # (deadlocks with the inserts' key-share locks, found by bench/bench_submission.py).
            SubmissionDraft.objects.select_for_update(of=("self",))
            .filter(pk=draft_id, owner=user)
            .select_related("procedure", "receiving_agency", "competent_agency")
            .first()
        )
        if draft is None:
            raise DossierError(_("Không tìm thấy hồ sơ."), FORBIDDEN)
        if draft.dossier_id:
            return draft  # already submitted: the same dossier, never a second one
        if draft.group_application_id:
            raise DossierError(_("Hồ sơ này nộp cùng bộ hồ sơ liên thông."), CONFLICT)
        _check_token(draft.token, token)
        if not may_submit(user):
            raise DossierError(_("Tài khoản này không nộp hồ sơ trực tuyến."), FORBIDDEN)
        problems = technical_check(draft, user) + needs_a_file([draft])
        if problems:
            raise TechnicalCheckError(problems)
        at = at or timezone.now()
        _create_dossier(draft, user, at, summary=draft.form_data.get("summary") or "")
        return draft


def _check_token(expected: Any, token: str) -> None:
    if str(expected) != (token or "").strip():
        raise DossierError(
            _(
                "Hồ sơ đã thay đổi sau khi bạn mở trang xem lại (có thể ở một cửa sổ khác). Hãy "
                "xem lại rồi bấm Nộp hồ sơ một lần nữa."
            ),
            CONFLICT,
        )


def _components(draft: SubmissionDraft) -> list[tuple[ComponentInput, list[DraftFile]]]:
    """One component per document with files, in the order of the catalog, then the extra
    items by name."""
    grouped: OrderedDict[Any, tuple[ComponentInput, list[DraftFile]]] = OrderedDict()
    files = list(
        draft.files.select_related("source_file", "warehouse_document").order_by(
            "uploaded_at", "id"
        )
    )
    for document in documents_of(draft.procedure, draft.subcase_code):
        mine = [f for f in files if not f.is_extra and f.document_id == document.pk]
        if mine:
            grouped[document.pk] = (
                ComponentInput(name=document.name, document_id=document.pk),
                mine,
            )
    for item in files:
        if item.is_extra:
            key = ("extra", item.document_name)
            if key not in grouped:
                grouped[key] = (
                    ComponentInput(name=item.document_name, extra_reason=EXTRA_REASON),
                    [],
                )
            grouped[key][1].append(item)
    for component, mine in grouped.values():
        component.digitized = True
        component.reused = component.from_warehouse = any(f.from_warehouse for f in mine)
        component.page_count = sum(f.page_count for f in mine)
    return list(grouped.values())


def _applicant(form_data: dict[str, Any], user: Any) -> Applicant:
    return Applicant(
        name=form_data.get("applicant_name", ""),
        id_number=form_data.get("applicant_id_number", ""),
        id_type=form_data.get("applicant_id_type", ""),
        applicant_type=int(form_data.get("applicant_type") or 0),
        phone=form_data.get("applicant_phone") or "",
        email=form_data.get("applicant_email") or "",
        address=form_data.get("applicant_address") or "",
        commune_id=form_data.get("applicant_commune_id"),
        user_id=user.pk,
        representative_name=form_data.get("representative_name") or "",
        representative_id_number=form_data.get("representative_id_number") or "",
        representative_phone=form_data.get("representative_phone") or "",
    )


def _create_dossier(draft: SubmissionDraft, user: Any, at: dt.datetime, *, summary: str) -> Dossier:
    """Create the dossier (status 1) with its components, move the files into it and stamp
    the draft. The caller holds the draft's row lock inside a transaction."""
    pairs = _components(draft)
    dossier = submit(
        Submission(
            procedure=draft.procedure,
            channel=Channel.ONLINE,
            applicant=_applicant(draft.form_data, user),
            receiving_agency=draft.receiving_agency,
            competent_agency=draft.competent_agency,
            components=[component for component, _files in pairs],
            subcase_code=draft.subcase_code,
            summary=summary.strip(),
            result_delivery=draft.result_delivery,
            delivery_address=draft.delivery_address
            if draft.result_delivery == ResultDelivery.POST
            else "",
        ),
        by=user,
        at=at,
    )
    _move_files(dossier, [files for _component, files in pairs], user)
    draft.dossier = dossier
    draft.submitted_at = at
    draft.receipt_at = official_receipt(dossier)
    draft.save(update_fields=["dossier", "submitted_at", "receipt_at", "updated_at"])
    return dossier


def _move_files(dossier: Dossier, files_per_component: list[list[DraftFile]], user: Any) -> None:
    """Copy each draft file into the dossier (checked again by content), then drop the
    draft's copies once the transaction commits."""
    components = list(dossier.components.order_by("position"))
    stored: list[DossierFile] = []
    try:
        for component, items in zip(components, files_per_component, strict=True):
            for item in items:
                content = _open(item)
                if content is None:
                    raise TechnicalCheckError(
                        [
                            _("Tệp “%(name)s” không còn trên hệ thống.")
                            % {"name": item.original_name}
                        ]
                    )
                with content:
                    inspected = inspect_upload(content)
                    if component.files.filter(sha256=inspected.sha256).exists():
                        continue  # the same file twice in one component: keep one
                    stored.append(store_component_file(component, content, user, inspected))
    except BaseException:
        for record in stored:
            record.file.delete(save=False)
        raise
    for items in files_per_component:
        for item in items:
            _delete_file(item)


def official_receipt(dossier: Dossier) -> dt.datetime:
    """When the online dossier counts as received (Decree 45/2020 Art. 11): the moment itself
    in office hours, else the next opening of the receiving centre; after the online
    channel's cut-off, the next working day's opening."""
    channel = online_channel(dossier.procedure, dossier.subcase_code)
    cutoff = channel.cutoff if channel is not None else None
    try:
        calendar = calendar_for(dossier.receiving_agency)
    except worktime.WorktimeError:
        # A desk with broken hours must not refuse the citizen: the province-wide calendar.
        logger.warning("Broken office hours at %s", dossier.receiving_agency.code)
        calendar = calendar_for(None)
    return worktime.receipt_moment(dossier.submitted_at, calendar, cutoff)


def receipt_of(draft: SubmissionDraft) -> dt.datetime | None:
    if draft.receipt_at:
        return draft.receipt_at
    return official_receipt(draft.dossier) if draft.dossier_id else None


# --- interlinked groups ----------------------------------------------------------------------
def active_groups() -> QuerySet[InterlinkedGroup]:
    return InterlinkedGroup.objects.filter(is_active=True).prefetch_related("members")


def group_procedures(group: InterlinkedGroup) -> list[tuple[InterlinkedMember, Procedure | None]]:
    members = list(group.members.select_related("agency").order_by("position", "id"))
    procedures = {
        p.code: p
        for p in Procedure.objects.prefetch_related("channels").filter(
            code__in=[m.procedure_code for m in members]
        )
    }
    return [(m, procedures.get(m.procedure_code)) for m in members]


def group_centres(group: InterlinkedGroup) -> list[Agency]:
    """The centres that receive every member procedure (the one place the citizen goes)."""
    common: dict[int, Agency] | None = None
    for _member, procedure in group_procedures(group):
        if procedure is None:
            return []
        here = {a.pk: a for a in receiving_agencies(procedure)}
        common = here if common is None else {k: v for k, v in common.items() if k in here}
    return sorted((common or {}).values(), key=lambda a: (a.level != "province", a.name))


def member_competent(member: InterlinkedMember, procedure: Procedure, centre: Agency) -> Any:
    """The member's competent agency for a group received at ``centre``, by its rule."""
    if member.agency_rule == AgencyRule.FIXED:
        agency = member.agency
        return agency if agency is not None and agency.is_active else None
    competent = competent_agencies(procedure)
    if member.agency_rule == AgencyRule.PROVINCE:
        return province_competent(competent)
    return commune_competent(centre, competent)


def _group_routing(group: InterlinkedGroup, centre: Agency) -> list[tuple[Any, Procedure, Agency]]:
    if not group.is_active:
        raise DossierError(_("Nhóm thủ tục liên thông này đã ngừng áp dụng."), CONFLICT)
    routes = []
    for member, procedure in group_procedures(group):
        if procedure is None:
            raise DossierError(
                _("Thủ tục %(code)s của nhóm không có trong danh mục.")
                % {"code": member.procedure_code}
            )
        _check_routing(procedure, centre)
        competent = member_competent(member, procedure, centre)
        if competent is None:
            raise DossierError(
                _("Chưa xác định được cơ quan giải quyết thủ tục “%(name)s” tại nơi này.")
                % {"name": procedure.name}
            )
        routes.append((member, procedure, competent))
    if not routes:
        raise DossierError(_("Nhóm thủ tục liên thông này chưa có thủ tục nào."))
    return routes


@transaction.atomic
def start_group(user: Any, group: InterlinkedGroup, centre: Agency) -> GroupApplication:
    """A group application received at ``centre``, with one draft per member procedure."""
    routes = _group_routing(group, centre)
    application = GroupApplication.objects.create(owner=user, group=group, receiving_agency=centre)
    SubmissionDraft.objects.bulk_create(
        [
            SubmissionDraft(
                owner=user,
                procedure=procedure,
                receiving_agency=centre,
                competent_agency=competent,
                group_application=application,
                position=index,
            )
            for index, (_member, procedure, competent) in enumerate(routes)
        ]
    )
    return application


def group_application_of(user: Any, application_id: Any) -> GroupApplication | None:
    return (
        GroupApplication.objects.select_related("group", "receiving_agency")
        .filter(pk=application_id, owner=user)
        .first()
    )


def member_drafts(application: GroupApplication) -> list[SubmissionDraft]:
    return list(
        application.drafts.select_related(
            "procedure", "competent_agency", "receiving_agency", "dossier"
        ).order_by("position")
    )


def _editable_group(application: GroupApplication) -> GroupApplication:
    locked = GroupApplication.objects.select_for_update().get(pk=application.pk)
    if locked.submitted_at:
        raise DossierError(_("Bộ hồ sơ đã nộp, không sửa được nữa."), CONFLICT)
    return locked


@transaction.atomic
def save_group_form(
    application: GroupApplication, centre: Agency, form_data: dict[str, Any], shared: dict
) -> GroupApplication:
    """Store the applicant and the shared data once, copy them to every member draft, and
    route every member again when the centre changed."""
    locked = _editable_group(application)
    routes = _group_routing(locked.group, centre)
    data = {**form_data, "shared": shared}
    locked.receiving_agency = centre
    locked.form_data = data
    locked.token = _new_token()
    locked.save()
    drafts = {d.procedure_id: d for d in locked.drafts.select_for_update()}
    for _member, procedure, competent in routes:
        draft = drafts.get(procedure.pk)
        if draft is None:
            continue
        draft.receiving_agency, draft.competent_agency = centre, competent
        draft.form_data = {**data, "summary": group_summary(locked.group, procedure, data)}
        draft.renew_token()
        draft.save()
    return locked


@transaction.atomic
def save_group_delivery(application: GroupApplication, delivery: str, address: str) -> Any:
    locked = _editable_group(application)
    locked.result_delivery, locked.delivery_address = delivery, address
    locked.token = _new_token()
    locked.save()
    locked.drafts.update(result_delivery=delivery, delivery_address=address)
    return locked


def touch_group(application: GroupApplication) -> None:
    """A member's files changed: the group's review page is out of date."""
    GroupApplication.objects.filter(pk=application.pk, submitted_at__isnull=True).update(
        token=_new_token(), updated_at=timezone.now()
    )


@transaction.atomic
def delete_group(application: GroupApplication) -> None:
    locked = _editable_group(application)
    for draft in locked.drafts.all():
        for item in draft.files.all():
            _delete_file(item)
    locked.delete()


def _new_token() -> Any:
    import uuid

    return uuid.uuid4()


def group_summary(group: InterlinkedGroup, procedure: Procedure, data: dict[str, Any]) -> str:
    """Trích yếu of a member dossier: the procedure, the group and the first shared value
    (usually the person concerned, e.g. the child's name)."""
    subject = next(iter((data.get("shared") or {}).values()), "")
    text = _("%(procedure)s (liên thông: %(group)s)") % {
        "procedure": procedure.name,
        "group": group.name,
    }
    return f"{text} — {subject}" if subject else text


def submit_group(
    application_id: Any, user: Any, token: str, *, at: dt.datetime | None = None
) -> GroupApplication:
    """Submit every member of the group in one transaction: all dossiers or none.
    Idempotent like ``submit_draft``."""
    with transaction.atomic():
        application = (
            GroupApplication.objects.select_for_update()
            .select_related("group", "receiving_agency")
            .filter(pk=application_id, owner=user)
            .first()
        )
        if application is None:
            raise DossierError(_("Không tìm thấy bộ hồ sơ."), FORBIDDEN)
        if application.submitted_at:
            return application
        _check_token(application.token, token)
        if not may_submit(user):
            raise DossierError(_("Tài khoản này không nộp hồ sơ trực tuyến."), FORBIDDEN)
        drafts = list(
            application.drafts.select_for_update()
            .select_related("procedure", "receiving_agency", "competent_agency")
            .order_by("position")
        )
        problems = group_problems(application, drafts, user)
        if problems:
            raise TechnicalCheckError(problems)
        at = at or timezone.now()
        for draft in drafts:
            _create_dossier(draft, user, at, summary=draft.form_data.get("summary") or "")
        application.submitted_at = at
        application.receipt_at = drafts[0].receipt_at if drafts else None
        application.save(update_fields=["submitted_at", "receipt_at", "updated_at"])
        return application


def group_problems(
    application: GroupApplication, drafts: list[SubmissionDraft], user: Any
) -> list[str]:
    """The technical check of every member; a problem of a member's own part names it."""
    problems: list[str] = []
    for draft in drafts:
        for problem in technical_check(draft, user, shared_specs=application.group.shared_fields):
            text = problem if _is_common(problem) else f"{draft.procedure.name}: {problem}"
            if text not in problems:
                problems.append(text)
    return problems + needs_a_file(drafts)


def _is_common(problem: str) -> bool:
    """Problems of the shared parts (e-form, delivery) are said once, not per member."""
    return problem in {
        _("Chưa khai tờ khai (thông tin người có yêu cầu)."),
        _("Tờ khai có thông tin chưa hợp lệ: hãy mở lại bước Tờ khai."),
        _("Thông tin dùng chung chưa đủ hoặc chưa hợp lệ."),
        _("Chưa có địa chỉ nhận kết quả qua bưu chính."),
    }


@dataclass
class GroupState:
    """The one tracking view of a group: each member's dossier and whether all are done."""

    members: list[SubmissionDraft]
    done: int
    total: int
    closed_without_result: list[SubmissionDraft]

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def group_state(application: GroupApplication) -> GroupState:
    drafts = member_drafts(application)
    done = sum(1 for d in drafts if d.dossier_id and d.dossier.status in DONE_STATUSES)
    closed = [
        d
        for d in drafts
        if d.dossier_id and d.dossier.is_closed and d.dossier.status not in DONE_STATUSES
    ]
    return GroupState(drafts, done, len(drafts), closed)


def upload_limit_mb() -> int:
    return max_upload_bytes() // 2**20
