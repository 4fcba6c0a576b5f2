"""The result document of a dossier (kết quả giải quyết, DOMAIN §2, §4, §6): the specialist's
draft PDF, the leader's approval or return, the records clerk's number and issue.

The four steps are actions of ``dossiers.services.perform`` (submit_draft, approve,
return_draft, issue_result): their handlers call the functions here under the dossier's row
lock, so the rows of one dossier change one at a time. This module also answers the reads
the back office and the API share (which results an officer sees, the file).

Numbers:

* the electronic result code ``<dossier code>-KQ<n>`` and ``sequence`` n are given when the
  result is issued, so a dossier's issued codes have no gaps (a returned draft never took
  one);
* ``register_number`` is the sequence of the issuing agency's yearly result register, taken
  by one atomic upsert on ``ResultRegisterCounter`` (like ``dossiers.codes``): concurrent
  issues at one agency wait for each other on that row only, and a rolled-back issue takes
  its number back;
* ``number`` is the document number the clerk types (``125/2026/GKS``), or, when left blank,
  ``<register number>/<year>/<agency code>``; within one agency and year it is unique.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from typing import Any

from django.db import connection
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureResult
from motcua.core.storage import discard_on_error, save_with_file
from motcua.core.text import fold, nfc
from motcua.dossiers.models import Dossier, DossierFile, DossierResult, ResultDelivery
from motcua.dossiers.services import CONFLICT, INVALID, DossierError
from motcua.organizations.models import Agency

State = DossierResult.State
MAX_NUMBER_LENGTH = 60
MAX_KIND_LENGTH = 255


# --- the catalog's results ----------------------------------------------------------------


def result_kinds(dossier: Dossier) -> list[str]:
    """The names of the results the procedure publishes (``ProcedureResult``), in order: the
    choices offered for a draft's kind."""
    names = ProcedureResult.objects.filter(procedure_id=dossier.procedure_id).order_by("position")
    seen: list[str] = []
    for name in names.values_list("name", flat=True):
        name = " ".join(name.split())
        if name and name not in seen:
            seen.append(name)
    return seen


def _catalog_result(dossier: Dossier, kind: str) -> ProcedureResult | None:
    wanted = fold(kind).casefold()
    for row in ProcedureResult.objects.filter(procedure_id=dossier.procedure_id):
        if fold(" ".join(row.name.split())).casefold() == wanted:
            return row
    return None


def clean_kind(dossier: Dossier, kind: Any) -> str:
    """The kind of a draft: as typed, or the procedure's only published result when blank."""
    text = " ".join(nfc(str(kind or "")).split())
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    if not text:
        kinds = result_kinds(dossier)
        if len(kinds) == 1:
            return kinds[0][:MAX_KIND_LENGTH]
        raise DossierError(_("Ghi loại kết quả (ví dụ: Giấy khai sinh)."))
    if len(text) > MAX_KIND_LENGTH:
        raise DossierError(_("Loại kết quả dài quá %(n)s ký tự.") % {"n": MAX_KIND_LENGTH}, INVALID)
    return text


# --- the four steps (called by the handlers of dossiers.services) -------------------------


def pending(dossier: Dossier) -> DossierResult | None:
    """The dossier's result on its way to issue (a draft or an approved one), locked; the
    caller holds the dossier's row lock."""
    return (
        DossierResult.objects.select_for_update()
        .filter(dossier=dossier, state__in=DossierResult.PENDING)
        .first()
    )


def inspect_result(upload: Any) -> Any:
    """Check the uploaded result by its content: a readable PDF without scripts, within the
    upload limit (``dossiers.files.inspect_upload``). A result is a document to sign and
    print: images and Word files are refused."""
    from motcua.dossiers.files import inspect_upload

    if upload is None or not hasattr(upload, "chunks"):
        raise DossierError(_("Đính kèm tệp dự thảo kết quả (PDF)."))
    inspected = inspect_upload(upload)
    if inspected.content_type != DossierFile.PDF:
        raise DossierError(
            _(
                "Kết quả giải quyết phải là tệp PDF (để ký số và in): nội dung tệp đã chọn "
                "không phải PDF."
            ),
            INVALID,
        )
    return inspected


def create_draft(
    dossier: Dossier, upload: Any, kind: str, by: Any, at: dt.datetime
) -> DossierResult:
    """Store the specialist's draft; the caller checked the step and holds the row lock."""
    from motcua.dossiers.files import _clean_name

    inspected = inspect_result(upload)
    result = DossierResult(
        dossier=dossier,
        kind=kind,
        procedure_result=_catalog_result(dossier, kind),
        original_name=_clean_name(getattr(upload, "name", "") or ""),
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        page_count=inspected.pages,
        state=State.DRAFT,
        drafted_by=by,
        drafted_at=at,
    )
    save_with_file(result, result.file, result.original_name, upload)
    return result


def approve(result: DossierResult, by: Any, at: dt.datetime) -> None:
    result.state, result.approved_by, result.approved_at = State.APPROVED, by, at
    result.save(update_fields=["state", "approved_by", "approved_at"])


def return_draft(result: DossierResult, by: Any, at: dt.datetime, note: str) -> None:
    """The leader sends the draft back: the row stays, with his reason, for the history."""
    result.state, result.returned_by, result.returned_at = State.RETURNED, by, at
    result.note = note
    result.save(update_fields=["state", "returned_by", "returned_at", "note"])


def issue(
    result: DossierResult, dossier: Dossier, by: Any, at: dt.datetime, number: Any = ""
) -> None:
    """The records clerk numbers and issues the approved result: the register number of the
    competent agency's year, the document number, the electronic code."""
    agency = dossier.competent_agency
    year = timezone.localtime(at).year
    typed = clean_number(number)
    register = next_register_number(agency, year)  # locks the agency's register for the year
    text = typed or default_number(register, year, agency)
    taken = (
        DossierResult.objects.filter(
            issuing_agency=agency,
            register_year=year,
            number__iexact=text,
            state__in=(State.ISSUED, State.REVOKED),
        )
        .exclude(pk=result.pk)
        .values_list("code", flat=True)
        .first()
    )
    if taken:
        raise DossierError(
            _("Số văn bản %(number)s đã dùng cho kết quả %(code)s trong năm %(year)s.")
            % {"number": text, "code": taken, "year": year},
            INVALID,
        )
    last = dossier.results.filter(sequence__isnull=False).aggregate(n=Max("sequence"))["n"] or 0
    result.sequence = last + 1
    result.code = f"{dossier.code}-KQ{result.sequence}"
    result.state = State.ISSUED
    result.issued_by, result.issued_at, result.issuing_agency = by, at, agency
    result.register_number, result.register_year, result.number = register, year, text
    sign(result, dossier, at)
    with discard_on_error(result.signed_file):
        result.save()


def sign(result: DossierResult, dossier: Dossier, at: dt.datetime) -> None:
    """Sign the issued result with the competent agency's certificate (PAdES, visible stamp,
    result code and verification QR), keep the signed copy beside the approved PDF and enter
    it in the register of signed results (``documents``), in the issuing transaction.

    An agency without a signing certificate issues a paper result (printed, signed by hand
    and sealed) — but never for a dossier whose applicant chose an electronic result."""
    from django.core.files.base import ContentFile

    from motcua.documents import pki, signing
    from motcua.documents import services as register

    agency = dossier.competent_agency
    if pki.active_key(agency) is None:
        if dossier.result_delivery == ResultDelivery.ELECTRONIC:
            raise DossierError(
                _(
                    "Cơ quan %(agency)s chưa có chứng thư số nên chưa phát hành được kết quả "
                    "điện tử. Đề nghị quản trị hệ thống cấp chứng thư số, hoặc đổi hình thức "
                    "nhận kết quả sang nhận tại bộ phận một cửa hay qua bưu chính."
                )
                % {"agency": agency.name},
                CONFLICT,
            )
        return
    signer = result.approved_by or result.issued_by
    signer_name = (signer.get_full_name() or signer.get_username()) if signer else agency.name
    with result.file.open("rb") as handle:
        approved = handle.read()
    try:
        signed = signing.sign_result(
            approved,
            agency=agency,
            result_code=result.code,
            signer_name=signer_name,
            signed_at=at,
            verify_url=signing.verification_url(result.code),
        )
    except signing.SigningError as error:
        raise DossierError(str(error), CONFLICT) from error
    result.signed_file.save(f"{result.code}.pdf", ContentFile(signed), save=False)
    result.signed_sha256 = hashlib.sha256(signed).hexdigest()
    result.signed_size, result.signed_at = len(signed), at
    with discard_on_error(result.signed_file):
        try:
            register.register_signed(
                result.code, agency, signed, signer_name, at, title=result.kind
            )
        except register.RegisterError as error:
            raise DossierError(error.message, CONFLICT) from error


def mark_revoked(code: str, reason: str) -> int:
    """The register revoked the signed result ``code`` (``documents.services.revoke``): the
    dossier's result shows it; the dossier itself keeps its status and history."""
    return DossierResult.objects.filter(code=code, state=State.ISSUED).update(
        state=State.REVOKED, note=reason
    )


def clean_number(value: Any) -> str:
    """The document number as typed: one line, printable, at most 60 characters."""
    text = " ".join(nfc(str(value or "")).split())
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        raise DossierError(_("Số văn bản có ký tự không hợp lệ."), INVALID)
    if len(text) > MAX_NUMBER_LENGTH:
        raise DossierError(_("Số văn bản dài quá %(n)s ký tự.") % {"n": MAX_NUMBER_LENGTH}, INVALID)
    return text


def default_number(register: int, year: int, agency: Agency) -> str:
    """``<register number>/<year>/<agency code>`` when the clerk types no number."""
    return f"{register}/{year}/{agency.code}"


def next_register_number(agency: Agency, year: int) -> int:
    """Take the next number of ``agency``'s result register for ``year``; must run inside
    the transaction that issues the result (the counter row stays locked until it ends)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO dossiers_resultregistercounter (agency_id, year, last) VALUES (%s, %s, 1)
            ON CONFLICT (agency_id, year)
            DO UPDATE SET last = dossiers_resultregistercounter.last + 1
            RETURNING last
            """,
            [agency.pk, year],
        )
        (number,) = cursor.fetchone()
    return number


def event_data(result: DossierResult) -> dict[str, Any]:
    """What an event records of the result it moved (the timeline and the API show it)."""
    data: dict[str, Any] = {
        "result_id": result.pk,
        "result_kind": result.kind,
        "result_state": result.state,
        "result_file": result.original_name,
        "result_sha256": result.sha256,
    }
    if result.code:
        data["result_code"] = result.code
    if result.number:
        data["result_number"] = result.number
        data["result_register_number"] = result.register_number
    return data


def require_pending(dossier: Dossier, state: str) -> DossierResult:
    """The pending result in ``state``, or a conflict that says what is missing."""
    result = pending(dossier)
    if result is None or result.state != state:
        raise DossierError(
            _(
                "Hồ sơ chưa có tệp dự thảo kết quả: trả lại dự thảo để chuyên viên trình lại "
                "kèm tệp PDF."
            ),
            CONFLICT,
        )
    return result


# --- reads ----------------------------------------------------------------------------------


def of_dossier(dossier: Dossier) -> QuerySet[DossierResult]:
    """Every result of the dossier, returned drafts included, oldest first."""
    return dossier.results.select_related(
        "drafted_by", "approved_by", "returned_by", "issued_by", "issuing_agency"
    ).order_by("drafted_at", "id")


def find(dossier: Dossier, key: str | int) -> DossierResult | None:
    """A result of ``dossier`` by its electronic code (issued) or its id (any state)."""
    text = str(key).strip()
    qs = dossier.results.all()
    if text.isdigit():
        return qs.filter(pk=int(text)).first()
    return qs.filter(code=text[:80]).first()


__all__ = [
    "approve",
    "clean_kind",
    "create_draft",
    "default_number",
    "event_data",
    "find",
    "inspect_result",
    "issue",
    "next_register_number",
    "of_dossier",
    "pending",
    "require_pending",
    "result_kinds",
    "return_draft",
]
