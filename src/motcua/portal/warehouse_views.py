"""Pages of the personal data warehouse ``/kho-du-lieu/``: the list (by source, hidden ones
apart), storing a document, deleting or hiding, showing again, downloading. Thin views over
``portal.warehouse``; another user's document is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from motcua.dossiers.services import DossierError
from motcua.portal import warehouse
from motcua.portal.models import WarehouseKind
from motcua.portal.submission_forms import FILE_ACCEPT
from motcua.portal.submission_views import applicant_page

PAGE_SIZE = 20
TABS = {
    "": "",
    "tu-luu": WarehouseKind.PERSONAL,
    "ket-qua": WarehouseKind.RESULT,
    "da-nop": WarehouseKind.DOSSIER_FILE,
}


@applicant_page
def warehouse_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    error, title, status = "", "", 200
    if request.method == "POST":
        title = request.POST.get("title", "")
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Hãy chọn tệp cần lưu.")
        else:
            try:
                document = warehouse.store_personal(user, upload, title)
            except DossierError as exc:
                error = exc.message
            else:
                messages.success(
                    request, _("Đã lưu “%(title)s” vào kho dữ liệu.") % {"title": document.title}
                )
                return redirect("portal:warehouse")
        status = 422
    tab = request.GET.get("loc", "")
    if tab == "da-an":
        qs = warehouse.hidden(user)
    else:
        tab = tab if tab in TABS else ""
        qs = warehouse.documents(user, kind=TABS[tab])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "tab": tab,
        "tabs": [
            ("", _("Tất cả")),
            ("tu-luu", _("Tự lưu")),
            ("ket-qua", _("Kết quả điện tử")),
            ("da-nop", _("Đã nộp trong hồ sơ")),
            ("da-an", _("Đã ẩn")),
        ],
        "query_string": f"loc={tab}" if tab else "",
        "error": error,
        "title": title,
        "file_accept": FILE_ACCEPT,
    }
    return render(request, "portal/track/warehouse.html", context, status=status)


@applicant_page
@require_POST
def delete(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        document = warehouse.delete(request.user, document_id)
    except DossierError:
        raise Http404 from None
    if document.is_personal:
        text = _("Đã xóa “%(title)s” khỏi kho dữ liệu.") % {"title": document.title}
        messages.info(request, text)
    else:
        messages.info(
            request,
            _("Đã ẩn “%(title)s” khỏi kho dữ liệu (giấy tờ vẫn còn trong hồ sơ).")
            % {"title": document.title},
        )
    return redirect("portal:warehouse")


@applicant_page
@require_POST
def restore(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        document = warehouse.restore(request.user, document_id)
    except DossierError as error:
        if warehouse.any_document_of(request.user, document_id) is None:
            raise Http404 from None
        messages.error(request, error.message)
        return redirect(reverse("portal:warehouse") + "?loc=da-an")
    messages.success(request, _("Đã hiện lại “%(title)s”.") % {"title": document.title})
    return redirect("portal:warehouse")


@applicant_page
@require_safe
def download(request: HttpRequest, document_id: int) -> FileResponse:
    document = warehouse.any_document_of(request.user, document_id)
    content = warehouse.open_content(document) if document is not None else None
    if content is None:
        raise Http404
    return FileResponse(
        content.file,
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
