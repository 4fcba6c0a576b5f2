"""The personal data warehouse ("Kho dữ liệu của tôi", Decree 45/2020 Art. 16; DOMAIN §6): the
documents a citizen or a business keeps for reuse — files he stored himself, the files of his
own dossiers and the electronic results issued to him — one list that both a new online
dossier and the answer to a supplement request pick from (the component is then marked
reused and taken from the warehouse: indicators 4.3 and 4.4).

* Files of his dossiers and issued results join the warehouse by themselves: ``sync`` adds
  the missing ones each time the warehouse is read (one insert of what is new; ``ON CONFLICT``
  keeps two readers from adding a row twice). A content already in the warehouse is not added
  again (a reused file is the same document, not a new one).
* Deleting: a document he stored himself is deleted with its content; a file of a dossier or
  an issued result belongs to the dossier's record and the agency's register, so it is only
  **hidden** from the warehouse (and can be shown again); hidden documents never come back by
  themselves.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.storage import open_stored, save_with_file
from motcua.dossiers.files import _clean_name, inspect_upload
from motcua.dossiers.models import DossierFile, DossierResult
from motcua.dossiers.services import CONFLICT, INVALID, DossierError
from motcua.portal.models import WarehouseDocument, WarehouseKind

MAX_PERSONAL_DOCUMENTS = 200
TITLE_LENGTH = 255


def sync(user: Any) -> int:
    """Add to ``user``'s warehouse the files of his dossiers and the results issued to him
    that are not there yet (by content); answers how many were added."""
    if not getattr(user, "pk", None):
        return 0
    known = WarehouseDocument.objects.filter(owner=user).values("sha256")
    rows: dict[str, WarehouseDocument] = {}
    # The content the applicant received: the signed copy when the result was signed.
    received = Case(When(signed_sha256="", then=F("sha256")), default=F("signed_sha256"))
    results = (
        DossierResult.objects.filter(dossier__applicant_user=user, state=DossierResult.State.ISSUED)
        .alias(received=received)
        .exclude(received__in=known)
        .order_by("issued_at", "id")
    )
    for result in results:
        rows.setdefault(
            result.issued_sha256,
            WarehouseDocument(
                owner=user,
                kind=WarehouseKind.RESULT,
                title=(result.kind or _("Kết quả giải quyết"))[:TITLE_LENGTH],
                source_result=result,
                dossier_id=result.dossier_id,
                original_name=result.original_name,
                content_type=result.content_type,
                size=result.issued_size,
                sha256=result.issued_sha256,
                page_count=result.page_count,
                created_at=result.issued_at or timezone.now(),
            ),
        )
    files = (
        DossierFile.objects.filter(component__dossier__applicant_user=user)
        .exclude(sha256__in=known)
        .select_related("component")
        .order_by("uploaded_at", "id")
    )
    for record in files:
        rows.setdefault(
            record.sha256,
            WarehouseDocument(
                owner=user,
                kind=WarehouseKind.DOSSIER_FILE,
                title=" ".join(record.component.name.split())[:TITLE_LENGTH],
                source_file=record,
                dossier_id=record.component.dossier_id,
                original_name=record.original_name,
                content_type=record.content_type,
                size=record.size,
                sha256=record.sha256,
                page_count=record.page_count,
                created_at=record.uploaded_at,
            ),
        )
    if rows:
        WarehouseDocument.objects.bulk_create(rows.values(), ignore_conflicts=True)
    return len(rows)


def _listed(user: Any) -> QuerySet[WarehouseDocument]:
    return WarehouseDocument.objects.filter(owner=user).select_related(
        "dossier", "source_result", "source_file"
    )


def documents(user: Any, *, kind: str = "") -> QuerySet[WarehouseDocument]:
    """``user``'s warehouse, newest first (after adding what is new)."""
    sync(user)
    qs = _listed(user).filter(deleted_at__isnull=True)
    if kind in WarehouseKind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def hidden(user: Any) -> QuerySet[WarehouseDocument]:
    """Dossier files and results the user hid (his own deleted documents are gone)."""
    return (
        _listed(user)
        .filter(deleted_at__isnull=False)
        .exclude(kind=WarehouseKind.PERSONAL)
        .order_by("-deleted_at", "-id")
    )


def reusable(user: Any) -> QuerySet[WarehouseDocument]:
    """What a new dossier or a supplement may reuse: not a revoked result."""
    return documents(user).exclude(source_result__state=DossierResult.State.REVOKED)


def document_of(user: Any, document_id: Any) -> WarehouseDocument | None:
    """One reusable document of ``user``'s warehouse (another user's answers ``None``)."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        return None
    return (
        _listed(user)
        .filter(pk=pk, deleted_at__isnull=True)
        .exclude(source_result__state=DossierResult.State.REVOKED)
        .first()
    )


def any_document_of(user: Any, document_id: Any) -> WarehouseDocument | None:
    """A document of ``user``'s warehouse, shown or hidden (for download and restore)."""
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        return None
    shown_or_hidden = Q(deleted_at__isnull=True) | ~Q(kind=WarehouseKind.PERSONAL)
    return _listed(user).filter(shown_or_hidden, pk=pk).first()


def open_content(document: WarehouseDocument) -> File | None:
    """The document's content (its own file, the dossier file or the result), or ``None``."""
    if document.kind == WarehouseKind.PERSONAL:
        stored = document.file if document.file else None
    elif document.source_result_id:
        stored = document.source_result.issued_file
    elif document.source_file_id:
        stored = document.source_file.file
    else:
        stored = None
    return open_stored(stored, document.original_name)


def store_personal(user: Any, upload: Any, title: str) -> WarehouseDocument:
    """Store a document the user uploads himself (checked by content like every upload)."""
    title = " ".join((title or "").split())[:TITLE_LENGTH]
    if not title:
        raise DossierError(_("Hãy ghi tên giấy tờ (ví dụ: Căn cước công dân)."))
    inspected = inspect_upload(upload)
    with transaction.atomic():
        # One user's uploads one at a time: the count and the duplicate check stay right.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        active = WarehouseDocument.objects.filter(owner=user, deleted_at__isnull=True)
        if active.filter(kind=WarehouseKind.PERSONAL).count() >= MAX_PERSONAL_DOCUMENTS:
            raise DossierError(
                _("Kho dữ liệu lưu tối đa %(n)s giấy tờ tự tải lên: hãy xóa bớt giấy tờ cũ.")
                % {"n": MAX_PERSONAL_DOCUMENTS}
            )
        same = active.filter(sha256=inspected.sha256).first()
        if same is not None:
            raise DossierError(
                _("Giấy tờ này đã có trong kho dữ liệu của bạn: “%(title)s”.")
                % {"title": same.title},
                CONFLICT,
            )
        document = WarehouseDocument(
            owner=user,
            kind=WarehouseKind.PERSONAL,
            title=title,
            original_name=_clean_name(upload.name or ""),
            content_type=inspected.content_type,
            size=inspected.size,
            sha256=inspected.sha256,
            page_count=inspected.pages,
            created_at=timezone.now(),
        )
        save_with_file(document, document.file, document.original_name, upload)
    return document


@transaction.atomic
def delete(user: Any, document_id: Any) -> WarehouseDocument:
    """Delete a document the user stored (with its content), or hide a dossier file or a
    result from the warehouse."""
    document = _locked(user, document_id)
    if document is None or document.deleted_at:
        raise DossierError(_("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."), INVALID)
    document.deleted_at = timezone.now()
    if document.kind == WarehouseKind.PERSONAL and document.file:
        stored, storage = document.file.name, document.file.storage
        document.file = ""
        transaction.on_commit(lambda: storage.delete(stored))
    document.save(update_fields=["deleted_at", "file"])
    return document


@transaction.atomic
def restore(user: Any, document_id: Any) -> WarehouseDocument:
    """Show again a hidden dossier file or result."""
    document = _locked(user, document_id)
    if document is None or not document.deleted_at or document.kind == WarehouseKind.PERSONAL:
        raise DossierError(_("Không tìm thấy giấy tờ đã ẩn này."), INVALID)
    document.deleted_at = None
    try:
        with transaction.atomic():
            document.save(update_fields=["deleted_at"])
    except IntegrityError:
        raise DossierError(
            _("Kho dữ liệu đã có một giấy tờ cùng nội dung: không cần hiện lại."), CONFLICT
        ) from None
    return document


def _locked(user: Any, document_id: Any) -> WarehouseDocument | None:
    try:
        pk = int(document_id)
    except (TypeError, ValueError):
        return None
    return WarehouseDocument.objects.select_for_update().filter(pk=pk, owner=user).first()


def label(document: WarehouseDocument) -> str:
    """One line for a choice list: title, file, source dossier and date."""
    source = f"{document.dossier.code}, " if document.dossier_id else ""
    return (
        f"{document.title[:60]} — {document.original_name} "
        f"({source}{timezone.localtime(document.created_at):%d/%m/%Y})"
    )
