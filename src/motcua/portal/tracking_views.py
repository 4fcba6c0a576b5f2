"""Pages of "Hồ sơ của tôi" (``/ho-so-cua-toi/``): the applicant's dossiers, one dossier with
its timeline, components, receipt and results, the answer to a supplement request and the
request to withdraw. Thin views over ``portal.tracking``; another person's dossier is a 404
like a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from motcua.dossiers.models import CLOSED_STATUSES, Dossier, Status
from motcua.dossiers.services import CONFLICT, FORBIDDEN, DossierError
from motcua.portal import tracking
from motcua.portal.submission_forms import FILE_ACCEPT
from motcua.portal.submission_views import applicant_page

TODO_STATUSES = (Status.SUPPLEMENT, Status.PAYMENT, Status.RESOLVED)
WAITING_STATUSES = (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.WITHDRAWAL)


def _own_or_404(request: HttpRequest, code: str) -> Dossier:
    dossier = tracking.my_dossier(request.user, code)
    if dossier is None:
        raise Http404
    return dossier


def _status_code(error: DossierError) -> int:
    return 409 if error.kind == CONFLICT else 403 if error.kind == FORBIDDEN else 422


@applicant_page
@require_safe
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """Every dossier of the signed-in applicant, newest first, with what it waits for."""
    qs = tracking.my_dossiers(request.user)
    chosen = request.GET.get("loc", "")
    if chosen == "can-lam":
        qs = qs.filter(status__in=TODO_STATUSES, withdrawn_at__isnull=True)
    elif chosen == "dang-giai-quyet":
        qs = qs.filter(status__in=WAITING_STATUSES, withdrawn_at__isnull=True)
    elif chosen == "da-xong":
        qs = qs.filter(Q(status__in=sorted(CLOSED_STATUSES)) | Q(withdrawn_at__isnull=False))
    else:
        chosen = ""
    page = Paginator(qs, tracking.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "dossier": d,
            "status": tracking.citizen_status(d),
            "todo": tracking.todo(d),
            "due": tracking.due_text(d),
            "paused": d.paused_since is not None,
        }
        for d in page.object_list
    ]
    context = {
        "page": page,
        "rows": rows,
        "chosen": chosen,
        "filters": [
            ("", _("Tất cả")),
            ("can-lam", _("Cần tôi làm")),
            ("dang-giai-quyet", _("Đang giải quyết")),
            ("da-xong", _("Đã kết thúc")),
        ],
        "query_string": f"loc={chosen}" if chosen else "",
    }
    return render(request, "portal/track/list.html", context)


@applicant_page
@require_safe
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_or_404(request, code)
    context = {
        "dossier": dossier,
        "status": tracking.citizen_status(dossier),
        "todo": tracking.todo(dossier),
        "waiting": tracking.waiting_text(dossier),
        "due": tracking.due_text(dossier),
        "timeline": tracking.timeline(dossier),
        "components": tracking.components(dossier),
        "results": tracking.issued_results(dossier),
        "group_application": tracking.group_application(dossier),
        "has_receipt": dossier.received_at is not None,
        "may_withdraw": tracking.may_withdraw(dossier),
        "supplement": tracking.supplement_request(dossier, request.user),
    }
    return render(request, "portal/track/detail.html", context)


@applicant_page
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a supplement request: a file per requested item, then send them all."""
    dossier = _own_or_404(request, code)
    error, error_item, status = "", None, 200
    if request.method == "POST":
        error, error_item = _supplement_post(request, dossier)
        if not error:
            if request.POST.get("action") == "send":
                return redirect("portal:my_dossier", code=dossier.code)
            anchor = f"#muc-{error_item}" if error_item is not None else ""
            return redirect(request.path + anchor)
        status = 409 if error_item == "conflict" else 422
        dossier = _own_or_404(request, code)
    request_ = tracking.supplement_request(dossier, request.user)
    if request_ is None:
        if request.method != "POST":
            messages.info(request, _("Hồ sơ không còn chờ bổ sung giấy tờ."))
            return redirect("portal:my_dossier", code=dossier.code)
        status = 409
    from motcua.portal import warehouse

    context = {
        "dossier": dossier,
        "request_": request_,
        "error": error,
        "error_item": error_item,
        "file_accept": FILE_ACCEPT,
        "warehouse": [(d.pk, warehouse.label(d)) for d in warehouse.reusable(request.user)[:50]],
    }
    return render(request, "portal/track/supplement.html", context, status=status)


def _supplement_post(request: HttpRequest, dossier: Dossier) -> tuple[str, Any]:
    """Handle one action of the supplement page: (error or "", the item it concerns)."""
    post, user = request.POST, request.user
    action, item = post.get("action", ""), post.get("item", "")
    try:
        if action == "upload":
            files = request.FILES.getlist("files")
            if not files:
                return _("Hãy chọn tệp cần tải lên."), item
            refused = []
            for upload in files:
                try:
                    tracking.add_supplement_file(dossier.code, user, item, upload)
                except DossierError as error:
                    if error.kind == CONFLICT:
                        raise
                    refused.append(f"“{upload.name}”: {error.message}")
                else:
                    messages.success(
                        request, _("Đã đính kèm tệp “%(name)s”.") % {"name": upload.name}
                    )
            return " ".join(refused), item
        if action == "warehouse":
            if not post.get("document_id"):
                return _("Hãy chọn một giấy tờ trong kho dữ liệu."), item
            tracking.add_supplement_from_warehouse(dossier.code, user, item, post["document_id"])
            messages.success(request, _("Đã lấy giấy tờ từ kho dữ liệu của bạn."))
            return "", item
        if action == "remove":
            tracking.remove_supplement_file(dossier.code, user, post.get("file_id"))
            messages.info(request, _("Đã bỏ tệp khỏi phần bổ sung."))
            return "", item
        if action == "send":
            tracking.send_supplement(dossier.code, user)
            messages.success(
                request,
                _(
                    "Đã gửi giấy tờ bổ sung. Hồ sơ giữ nguyên mã %(code)s và được tiếp tục "
                    "giải quyết."
                )
                % {"code": dossier.code},
            )
            return "", None
    except DossierError as error:
        if error.kind == CONFLICT:
            return error.message, "conflict"
        return error.message, (None if action == "send" else item)
    return _("Thao tác không hợp lệ."), None


@applicant_page
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Ask to withdraw the dossier, with a reason; the desk confirms it."""
    dossier = _own_or_404(request, code)
    error, reason, status = "", "", 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            tracking.request_withdrawal(dossier.code, request.user, reason)
        except DossierError as exc:
            error, status = exc.message, _status_code(exc)
        else:
            messages.success(
                request,
                _("Đã gửi yêu cầu rút hồ sơ. Bộ phận Một cửa sẽ xác nhận việc rút hồ sơ."),
            )
            return redirect("portal:my_dossier", code=dossier.code)
    elif not tracking.may_withdraw(dossier):
        messages.info(request, _("Hồ sơ ở trạng thái này không rút được nữa."))
        return redirect("portal:my_dossier", code=dossier.code)
    context = {"dossier": dossier, "error": error, "reason": reason}
    return render(request, "portal/track/withdraw.html", context, status=status)


@applicant_page
@require_safe
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt and appointment (Form 01) as PDF, once the dossier was received."""
    dossier = _own_or_404(request, code)
    from motcua.dossiers import printing  # WeasyPrint is heavy: loaded when first printing

    try:
        pdf = printing.form_pdf(dossier, "01")
    except ValueError:
        raise Http404 from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-giay-tiep-nhan.pdf"'
    return response


def _send(field: Any, name: str, content_type: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    return FileResponse(handle, content_type=content_type, as_attachment=True, filename=name)


@applicant_page
@require_safe
def download_file(request: HttpRequest, code: str, file_id: int) -> FileResponse:
    """A file of one of the applicant's own dossier components."""
    record = tracking.my_file(_own_or_404(request, code), file_id)
    if record is None:
        raise Http404
    return _send(record.file, record.original_name, record.content_type)


@applicant_page
@require_safe
def download_result(request: HttpRequest, code: str, result_code: str) -> FileResponse:
    """An electronic result issued on the applicant's own dossier."""
    result = tracking.my_result(_own_or_404(request, code), result_code)
    if result is None:
        raise Http404
    return _send(result.issued_file, f"{result.code}.pdf", result.content_type)
