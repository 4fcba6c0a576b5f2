"""Pages of the documents app.

* ``/xac-thuc-ket-qua/`` (public, no sign-in): verify a result by its code (the QR code on
  every signed result opens it with ``?ma=<code>``) or by uploading the PDF one holds.
  Rate-limited per client address (``documents.throttle``).
* ``/can-bo/ket-qua/`` (officers): the signed results of the agencies in one's scope, and
  ``/can-bo/ket-qua/<code>/thu-hoi/`` where a leader of the issuing agency revokes one.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.decorators import officer_required
from motcua.core.permissions import scope_agency_ids
from motcua.documents import services, throttle, verification
from motcua.documents.models import CertificateAuthority, SignedDocument

PAGE_SIZE = 50


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    code = verification.clean_code(request.GET.get("ma", ""))
    context: dict = {"code": code, "message": "", "file_error": "", "by_code": None, "report": None}
    status = 200
    if request.method == "POST" or code:
        try:
            throttle.count_attempt(request)
        except throttle.RateLimited as limited:
            context["message"] = throttle.message()
            response = render(request, "documents/verify.html", context, status=429)
            response["Retry-After"] = str(limited.retry_after)
            return _no_store(response)
    if request.method == "POST":
        data, error = verification.read_upload(request.FILES.get("tep"))
        if error:
            context["file_error"], status = error, 422
        else:
            context["report"] = verification.verify_pdf(data)
            context["file_name"] = request.FILES["tep"].name
    elif code:
        context["by_code"] = verification.verify_code(code)
        if context["by_code"] is None:
            context["message"], status = (
                _("Không có kết quả điện tử mang mã %(code)s. Kiểm tra lại mã in trên kết quả.")
                % {"code": code},
                404,
            )
    return _no_store(render(request, "documents/verify.html", context, status=status))


@require_GET
def root_certificates(request: HttpRequest) -> HttpResponse:
    """The trusted root certificates (PEM), to trust them in a PDF reader as well."""
    pems = CertificateAuthority.objects.order_by("created_at").values_list(
        "certificate_pem", flat=True
    )
    response = HttpResponse("".join(pems), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="motcua-root-ca.pem"'
    return response


def _document_in_scope(request: HttpRequest, code: str) -> SignedDocument:
    document = (
        SignedDocument.objects.select_related("agency", "revoked_by", "signing_key")
        .filter(result_code=verification.clean_code(code))
        .first()
    )
    scope = scope_agency_ids(request.user)
    if document is None or (scope is not None and document.agency_id not in scope):
        raise Http404
    return document


@officer_required
@require_GET
def result_list(request: HttpRequest) -> HttpResponse:
    query = verification.clean_code(request.GET.get("q", ""))
    documents = SignedDocument.objects.select_related("agency").order_by("-signed_at", "-id")
    scope = scope_agency_ids(request.user)
    if scope is not None:
        documents = documents.filter(agency_id__in=scope)
    if query:
        documents = documents.filter(result_code__startswith=query)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "documents/backoffice/list.html", {"page": page, "query": query})


@officer_required
@require_http_methods(["GET", "HEAD", "POST"])
def revoke_page(request: HttpRequest, code: str) -> HttpResponse:
    document = _document_in_scope(request, code)
    allowed = services.can_revoke(request.user, document)
    context = {"document": document, "allowed": allowed, "error": "", "reason": ""}
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        context["reason"] = request.POST.get("ly_do", "")
        try:
            services.revoke(document.result_code, context["reason"], request.user)
        except services.RegisterError as error:
            context["error"] = error.message
            return render(request, "documents/backoffice/revoke.html", context, status=error.status)
        messages.success(
            request, _("Đã thu hồi kết quả %(code)s.") % {"code": document.result_code}
        )
        return redirect("documents_backoffice:revoke", code=document.result_code)
    return render(request, "documents/backoffice/revoke.html", context)
